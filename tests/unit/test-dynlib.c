/* test-dynlib.c: run-time loading of optional libraries (util/dynlib.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "util/dynlib.h"
#include "util/error.h"

static double (*p_cos)(double);
static double (*p_sqrt)(double);
static void *p_missing;

static const char *const libm_names[] = { "librampart-no-such.so.9", "libm.so.6", NULL };

static void test_loads_second_name(void **state)
{
	(void)state;
	const rp_dynsym syms[] = { { "cos", (void **)&p_cos }, { "sqrt", (void **)&p_sqrt } };
	rp_dynlib lib;
	rp_diag d;
	rp_diag_init(&d);
	assert_int_equal(rp_dynlib_load(&lib, libm_names, NULL, syms, 2, &d), 0);
	assert_string_equal(lib.soname, "libm.so.6");
	assert_non_null(p_cos);
	assert_true(p_sqrt(16.0) == 4.0);
	assert_int_equal(d.nerrors, 0);
	rp_dynlib_close(&lib);
	assert_null(lib.handle);
	rp_diag_release(&d);
}

static void test_missing_library(void **state)
{
	(void)state;
	static const char *const names[] = { "librampart-no-such.so.9", NULL };
	const rp_dynsym syms[] = { { "cos", (void **)&p_cos } };
	rp_dynlib lib;
	rp_diag d;
	rp_diag_init(&d);
	assert_int_equal(rp_dynlib_load(&lib, names, "librampart9", syms, 1, &d), -RP_ENOTFOUND);
	assert_null(lib.handle);
	assert_null(p_cos);
	assert_int_equal(d.nerrors, 1);
	assert_non_null(strstr(d.items[0].message, "librampart-no-such.so.9"));
	assert_non_null(strstr(d.items[0].message, "librampart9"));
	rp_diag_release(&d);
}

static void test_missing_symbol_unloads(void **state)
{
	(void)state;
	const rp_dynsym syms[] = { { "cos", (void **)&p_cos },
				   { "rampart_no_such_symbol", &p_missing } };
	rp_dynlib lib;
	rp_diag d;
	rp_diag_init(&d);
	assert_int_equal(rp_dynlib_load(&lib, libm_names, NULL, syms, 2, &d), -RP_EUNSUPPORTED);
	assert_null(lib.handle);
	assert_null(p_cos); /* every slot cleared, not only the failing one */
	assert_null(p_missing);
	assert_non_null(strstr(d.items[0].message, "rampart_no_such_symbol"));
	rp_dynlib_close(&lib); /* safe after a failure */
	rp_diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads_second_name),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_symbol_unloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
