/* test-arm.c: ARM template evaluation (src/ingest/arm/arm.h), one small
 * hand-written template per feature and per bad-input diagnostic.
 *
 * Templates are written with ` for " so they stay readable; tpl() swaps
 * them.  Diagnostics are checked for their code and file:line:col.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/arm/arm.h"
#include "util/error.h"

/* ------------------------------------------------------------ helpers */

static char *tpl(const char *s)
{
	char *t = strdup(s), *p;

	assert_non_null(t);
	for (p = t; *p; p++)
		if (*p == '`')
			*p = '"';
	return t;
}

typedef struct ev {
	rp_deployment *d;
	rp_diag diag;
	int rc;
} ev;

static void eval_str(ev *e, const char *text, const rp_arm_options *o)
{
	char *t = tpl(text);

	rp_diag_init(&e->diag);
	e->d = NULL;
	e->rc = rp_arm_evaluate_memory("t.json", t, strlen(t), o, &e->d, &e->diag);
	free(t);
}

static void ev_free(ev *e)
{
	rp_deployment_free(e->d);
	rp_diag_release(&e->diag);
}

static void dump(const ev *e)
{
	rp_diag_print(stderr, &e->diag, false);
}

/* Asserts a diagnostic with code at line:col exists (level error unless
 * warning is set). */
static void expect_diag(ev *e, const char *code, uint32_t line, uint32_t col, bool warning)
{
	size_t i;

	for (i = 0; i < e->diag.count; i++) {
		rp_diag_item *it = &e->diag.items[i];
		uint32_t l = 0, c = 0;
		if (!it->code || strcmp(it->code, code) != 0)
			continue;
		if (it->level != (warning ? RP_DIAG_WARNING : RP_DIAG_ERROR))
			continue;
		if (line == 0)
			return;
		assert_non_null(it->src);
		assert_int_equal(rp_source_linecol(it->src, it->start, &l, &c), 0);
		if (l == line && c == col)
			return;
		fprintf(stderr, "%s at %u:%u, expected %u:%u\n", code, l, c, line, col);
	}
	dump(e);
	fail_msg("no %s diagnostic %s at %u:%u", warning ? "warning" : "error", code, line, col);
}

static void expect_ok(ev *e)
{
	if (e->rc != 0 || e->diag.nerrors) {
		dump(e);
		fail_msg("evaluation failed: %d", e->rc);
	}
}

static rp_resource *res_named(rp_deployment *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nresources; i++)
		if (rp_value_is(d->resources[i].name, RP_V_STRING) &&
		    strcmp(d->resources[i].name->u.s, name) == 0)
			return &d->resources[i];
	fail_msg("no resource named %s", name);
	return NULL;
}

static const char *vstr(const rp_value *v)
{
	assert_non_null(v);
	if (v->kind != RP_V_STRING)
		fail_msg("expected a string, got %s", rp_vkind_name((rp_vkind)v->kind));
	return v->u.s;
}

#define HEAD                                                                                  \
	"{`$schema`: "                                                                        \
	"`https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#`, " \
	"`contentVersion`: `1.0.0.0`,\n"

/* --------------------------------------------------------------- tests */

static void test_basic_resource(void **state)
{
	ev e;
	rp_resource *r;

	(void)state;
	eval_str(&e,
		 HEAD "`parameters`: {`name`: {`type`: `string`, `defaultValue`: `st1`}},\n"
		      "`resources`: [{`type`: `Microsoft.Storage/storageAccounts`, `apiVersion`: "
		      "`2023-01-01`,\n"
		      " `name`: `[parameters('name')]`, `location`: `[resourceGroup().location]`,\n"
		      " `properties`: {`supportsHttpsTrafficOnly`: true, `minimumTlsVersion`: "
		      "`TLS1_2`}}]}",
		 NULL);
	expect_ok(&e);
	assert_int_equal(e.d->nresources, 1);
	r = &e.d->resources[0];
	assert_string_equal(r->type, "Microsoft.Storage/storageAccounts");
	assert_string_equal(vstr(r->name), "st1");
	assert_string_equal(r->api_version, "2023-01-01");
	assert_string_equal(vstr(r->location), RP_ARM_DEFAULT_LOCATION);
	assert_string_equal(vstr(r->id), "/subscriptions/" RP_ARM_DEFAULT_SUBSCRIPTION
					 "/resourceGroups/" RP_ARM_DEFAULT_RESOURCE_GROUP
					 "/providers/Microsoft.Storage/storageAccounts/st1");
	assert_int_equal(r->condition, RP_COND_TRUE);
	assert_true(rp_value_getz(r->properties, "supportsHttpsTrafficOnly")->u.b);
	/* spans: the property value points at its literal (line 4) */
	{
		uint32_t l, c;
		rp_value *v = rp_value_getz(r->properties, "minimumTlsVersion");
		assert_int_equal(rp_source_linecol(v->span.src, v->span.off, &l, &c), 0);
		assert_int_equal(l, 5);
		assert_int_equal(c, 72);
		assert_int_equal(rp_source_linecol(r->span.src, r->span.off, &l, &c), 0);
		assert_int_equal(l, 3);
		assert_int_equal(c, 15);
	}
	ev_free(&e);
}

static void test_context_options(void **state)
{
	ev e;
	rp_arm_options o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.subscription_id = "11111111-2222-3333-4444-555555555555";
	o.resource_group = "prod";
	o.location = "westeurope";
	eval_str(&e,
		 HEAD "`resources`: [{`type`: `Microsoft.Network/virtualNetworks`, `apiVersion`: "
		      "`2023-04-01`,"
		      " `name`: `vnet`, `location`: `[resourceGroup().location]`}]}",
		 &o);
	expect_ok(&e);
	assert_string_equal(vstr(e.d->resources[0].location), "westeurope");
	assert_string_equal(vstr(e.d->resources[0].id),
			    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/"
			    "prod/providers/Microsoft.Network/virtualNetworks/vnet");
	ev_free(&e);
}

static void test_param_unknown_and_secure(void **state)
{
	ev e;
	rp_resource *r;
	rp_value *p, *pw;

	(void)state;
	eval_str(&e,
		 HEAD
		 "`parameters`: {`adminPassword`: {`type`: `secureString`, `defaultValue`: `x`},\n"
		 " `prefix`: {`type`: `string`}},\n"
		 "`resources`: [{`type`: `Microsoft.Compute/virtualMachines`, `apiVersion`: "
		 "`2023-03-01`,\n"
		 " `name`: `vm`, `properties`: {`osProfile`: {`adminPassword`: "
		 "`[parameters('adminPassword')]`,"
		 " `computerName`: `[parameters('prefix')]`}}}]}",
		 NULL);
	expect_ok(&e);
	r = &e.d->resources[0];
	pw = rp_value_path(r->properties, "osProfile.adminPassword");
	assert_non_null(pw);
	assert_true(pw->flags & RP_VF_SECURE);
	p = rp_value_path(r->properties, "osProfile.computerName");
	assert_int_equal(p->kind, RP_V_UNKNOWN);
	assert_non_null(strstr(p->u.reason, "prefix"));
	p = rp_value_getz(e.d->parameters, "prefix");
	assert_int_equal(p->kind, RP_V_UNKNOWN);
	ev_free(&e);
}

static void test_param_constraints(void **state)
{
	ev e;

	(void)state;
	eval_str(&e,
		 HEAD "`parameters`: {`n`: {`type`: `int`, `defaultValue`: 9,\n"
		      "  `maxValue`: 5}}, `resources`: []}",
		 NULL);
	assert_true(e.rc < 0);
	expect_diag(&e, "arm-max-value", 2, 53, false);
	ev_free(&e);
	eval_str(&e,
		 HEAD "`parameters`: {`n`: {`type`: `int`, `defaultValue`: 1, `minValue`: 2}}, "
		      "`resources`: []}",
		 NULL);
	expect_diag(&e, "arm-min-value", 2, 53, false);
	ev_free(&e);
	eval_str(&e,
		 HEAD "`parameters`: {`s`: {`type`: `string`, `defaultValue`: `abc`, `minLength`: "
		      "5}}, `resources`: []}",
		 NULL);
	expect_diag(&e, "arm-min-length", 2, 56, false);
	ev_free(&e);
	eval_str(&e,
		 HEAD "`parameters`: {`s`: {`type`: `string`, `defaultValue`: `abcdef`, "
		      "`maxLength`: 3}}, `resources`: []}",
		 NULL);
	expect_diag(&e, "arm-max-length", 2, 56, false);
	ev_free(&e);
	eval_str(&e,
		 HEAD "`parameters`: {`s`: {`type`: `string`, `defaultValue`: `c`,\n"
		      " `allowedValues`: [`a`, `b`]}}, `resources`: []}",
		 NULL);
	expect_diag(&e, "arm-allowed-values", 2, 56, false);
	ev_free(&e);
	/* type error: an int parameter given a string */
	eval_str(&e,
		 HEAD
		 "`parameters`: {`n`: {`type`: `int`, `defaultValue`: `abc`}}, `resources`: []}",
		 NULL);
	expect_diag(&e, "arm-type", 2, 53, false);
	assert_int_equal(e.rc, -RP_EPARSE);
	ev_free(&e);
}

static void test_enumeration(void **state)
{
	char dir[] = "/tmp/rp-arm-enumXXXXXX", path[256];
	char *t;
	FILE *fp;
	rp_deployment **ds = NULL;
	size_t n = 0, i, nstorage = 0;
	rp_diag d;
	rp_arm_options o;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/enum.json", dir);
	t = tpl(HEAD "`parameters`: {`environment`: {`type`: `string`, `allowedValues`: [`dev`, "
		     "`test`, `prod`]},\n"
		     "`tier`: {`type`: `string`, `allowedValues`: [`a`, `b`]}},\n"
		     "`resources`: [{`condition`: `[equals(parameters('environment'), 'prod')]`,\n"
		     " `type`: `Microsoft.Storage/storageAccounts`, `apiVersion`: `2023-01-01`, "
		     "`name`: `[concat('st', parameters('tier'))]`}]}");
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(t, fp);
	fclose(fp);
	free(t);
	rp_diag_init(&d);
	memset(&o, 0, sizeof(o));
	assert_int_equal(rp_arm_evaluate_all(path, &o, &ds, &n, &d), 0);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++) {
		rp_value *env = rp_value_getz(ds[i]->assumptions, "environment");
		assert_non_null(env);
		assert_non_null(rp_value_getz(ds[i]->assumptions, "tier"));
		if (strcmp(vstr(env), "prod") == 0) {
			assert_int_equal(ds[i]->nresources, 1);
			nstorage++;
		} else {
			assert_int_equal(ds[i]->nresources, 0);
		}
	}
	assert_int_equal(nstorage, 2);
	rp_arm_deployments_free(ds, n);
	rp_diag_release(&d);
	/* bound: with max_enum 4, only 'environment' (3 values) is enumerated */
	rp_diag_init(&d);
	o.max_enum = 4;
	assert_int_equal(rp_arm_evaluate_all(path, &o, &ds, &n, &d), 0);
	assert_int_equal(n, 3);
	assert_null(rp_value_getz(ds[0]->assumptions, "tier"));
	assert_int_equal(rp_value_getz(ds[0]->parameters, "tier")->kind, RP_V_UNKNOWN);
	rp_arm_deployments_free(ds, n);
	rp_diag_release(&d);
	/* single evaluation: unknown, resource kept with an unknown condition */
	rp_diag_init(&d);
	{
		rp_deployment *one = NULL;
		assert_int_equal(rp_arm_evaluate(path, &o, &one, &d), 0);
		assert_int_equal(one->nresources, 1);
		assert_int_equal(one->resources[0].condition, RP_COND_UNKNOWN);
		assert_non_null(strstr(one->resources[0].condition_reason, "environment"));
		rp_deployment_free(one);
	}
	rp_diag_release(&d);
	unlink(path);
	rmdir(dir);
}

static void test_variables_lazy_and_cycle(void **state)
{
	ev e;

	(void)state;
	eval_str(&e,
		 HEAD "`variables`: {`a`: `[concat(variables('b'), '-x')]`, `b`: `pre`,\n"
		      " `unused`: `[length('abc')]`},\n"
		      "`resources`: [{`type`: `Microsoft.Network/networkSecurityGroups`, "
		      "`apiVersion`: `2023-04-01`, `name`: `[variables('a')]`}]}",
		 NULL);
	expect_ok(&e);
	assert_string_equal(vstr(e.d->resources[0].name), "pre-x");
	ev_free(&e);

	eval_str(&e,
		 HEAD "`variables`: {`a`: `[variables('b')]`,\n"
		      " `b`: `[concat(variables('c'), 'x')]`, `c`: `[variables('a')]`},\n"
		      "`resources`: [{`type`: `Microsoft.Network/networkSecurityGroups`, "
		      "`apiVersion`: `2023-04-01`, `name`: `[variables('a')]`}]}",
		 NULL);
	assert_true(e.rc < 0);
	expect_diag(&e, "arm-cycle", 3, 47, false);
	{
		size_t i;
		bool named = false;
		for (i = 0; i < e.diag.count; i++)
			if (e.diag.items[i].code && strcmp(e.diag.items[i].code, "arm-cycle") == 0)
				named = strstr(e.diag.items[i].message,
					       "variables('a') -> variables('b') -> variables('c') "
					       "-> variables('a')") != NULL;
		assert_true(named);
	}
	ev_free(&e);
}

static void test_variable_copy(void **state)
{
	ev e;
	rp_value *v;

	(void)state;
	eval_str(&e,
		 HEAD "`variables`: {`copy`: [{`name`: `subnets`, `count`: 3, `input`: {`name`: "
		      "`[concat('sn', copyIndex('subnets'))]`}}],\n"
		      " `obj`: {`copy`: [{`name`: `disks`, `count`: 2, `input`: "
		      "`[copyIndex('disks', 1)]`}], `other`: 1}},\n"
		      "`resources`: [{`type`: `Microsoft.Network/virtualNetworks`, `apiVersion`: "
		      "`2023-04-01`, `name`: `v`,\n"
		      " `properties`: {`subnets`: `[variables('subnets')]`, `o`: "
		      "`[variables('obj')]`}}]}",
		 NULL);
	expect_ok(&e);
	v = rp_value_getz(e.d->resources[0].properties, "subnets");
	assert_int_equal(v->kind, RP_V_ARRAY);
	assert_int_equal(v->len, 3);
	assert_string_equal(vstr(rp_value_getz(v->u.items[2], "name")), "sn2");
	v = rp_value_path(e.d->resources[0].properties, "o.disks");
	assert_int_equal(v->kind, RP_V_ARRAY);
	assert_int_equal(v->len, 2);
	assert_int_equal(v->u.items[1]->u.i, 2);
	assert_int_equal(rp_value_path(e.d->resources[0].properties, "o.other")->u.i, 1);
	ev_free(&e);
	/* a copy variable first used inside a resource loop keeps the loop's index */
	eval_str(&e,
		 HEAD "`variables`: {`copy`: [{`name`: `ci`, `count`: 2, `input`: `[concat('c', "
		      "copyIndex('ci'))]`}]},\n"
		      "`resources`: [{`type`: `Microsoft.Network/publicIPAddresses`, `apiVersion`: "
		      "`2023-04-01`,\n"
		      " `name`: `[concat(variables('ci')[copyIndex()], '-', copyIndex())]`, "
		      "`copy`: {`name`: `l`, `count`: 2}}]}",
		 NULL);
	expect_ok(&e);
	assert_string_equal(vstr(e.d->resources[1].name), "c1-1");
	ev_free(&e);
}

static void test_user_functions(void **state)
{
	ev e;

	(void)state;
	eval_str(&e,
		 HEAD "`functions`: [{`namespace`: `contoso`, `members`: {`uniqueName`: {\n"
		      " `parameters`: [{`name`: `prefix`, `type`: `string`}],\n"
		      " `output`: {`type`: `string`, `value`: `[concat(parameters('prefix'), "
		      "'-fn')]`}}}}],\n"
		      "`resources`: [{`type`: `Microsoft.Network/publicIPAddresses`, `apiVersion`: "
		      "`2023-04-01`, `name`: `[contoso.uniqueName('ip')]`}]}",
		 NULL);
	expect_ok(&e);
	assert_string_equal(vstr(e.d->resources[0].name), "ip-fn");
	ev_free(&e);

	/* recursion */
	eval_str(&e,
		 HEAD "`functions`: [{`namespace`: `n`, `members`: {`f`: {\n"
		      " `parameters`: [{`name`: `x`, `type`: `int`}],\n"
		      " `output`: {`type`: `int`, `value`: `[n.f(parameters('x'))]`}}}}],\n"
		      "`resources`: [], `outputs`: {`o`: {`type`: `int`, `value`: `[n.f(1)]`}}}",
		 NULL);
	assert_true(e.rc < 0);
	expect_diag(&e, "arm-function-cycle", 4, 39, false);
	ev_free(&e);

	/* wrong arity */
	eval_str(&e,
		 HEAD "`functions`: [{`namespace`: `n`, `members`: {`f`: {\n"
		      " `parameters`: [{`name`: `x`, `type`: `int`}],\n"
		      " `output`: {`type`: `int`, `value`: `[parameters('x')]`}}}}],\n"
		      "`resources`: [], `outputs`: {`o`: {`type`: `int`, `value`: `[n.f(1, 2)]`}}}",
		 NULL);
	expect_diag(&e, "arm-arity", 5, 62, false);
	ev_free(&e);

	/* unknown user function */
	eval_str(&e,
		 HEAD
		 "`resources`: [],\n`outputs`: {`o`: {`type`: `int`, `value`: `[n.nope(1)]`}}}",
		 NULL);
	expect_diag(&e, "arm-unknown-function", 3, 45, false);
	ev_free(&e);
}

static void test_unknown_builtin_function(void **state)
{
	ev e;

	(void)state;
	eval_str(&e,
		 HEAD "`resources`: [{`type`: `Microsoft.Network/publicIPAddresses`,\n"
		      " `apiVersion`: `2023-04-01`, `name`: `[noSuchFunction('x')]`}]}",
		 NULL);
	assert_true(e.rc < 0);
	assert_true(e.diag.nerrors > 0);
	{
		uint32_t l = 0, c = 0;
		assert_non_null(e.diag.items[0].src);
		rp_source_linecol(e.diag.items[0].src, e.diag.items[0].start, &l, &c);
		assert_int_equal(l, 3);
		assert_true(c >= 38);
	}
	ev_free(&e);
	/* wrong arity of a built-in function */
	eval_str(&e,
		 HEAD "`resources`: [],\n`outputs`: {`o`: {`type`: `int`, `value`: `[length()]`}}}",
		 NULL);
	assert_true(e.rc < 0);
	assert_true(e.diag.nerrors > 0);
	{
		uint32_t l = 0, c = 0;
		rp_source_linecol(e.diag.items[0].src, e.diag.items[0].start, &l, &c);
		assert_int_equal(l, 3);
		assert_true(c >= 43);
	}
	ev_free(&e);
	/* a type error inside an expression */
	eval_str(&e,
		 HEAD
		 "`resources`: [],\n`outputs`: {`o`: {`type`: `int`, `value`: `[add('a', 1)]`}}}",
		 NULL);
	assert_true(e.rc < 0);
	assert_true(e.diag.nerrors > 0);
	ev_free(&e);
}

/* The same expression text at several places is parsed once per run (the
 * parsed-expression cache): each occurrence still gets its own result and
 * diagnostics point into its own bytes, however the JSON spells it. */
static void test_expression_cache(void **state)
{
	static const char *out_line =
		" `outputs`: {`o`: {`type`: `string`, "
		"`value`: `[concat(\\u0027n\\u0027, string(copyIndex()))]`}}}";
	char text[1024];
	ev e;

	(void)state;
	/* parsed in the copy loop (fine), then in an output spelled with
	 * escapes, where copyIndex() is an error at its own column */
	snprintf(text, sizeof(text),
		 HEAD "`resources`: [{`type`: `Microsoft.Network/publicIPAddresses`, "
		      "`apiVersion`: `2023-04-01`, `copy`: {`name`: `l`, `count`: 2},\n"
		      " `name`: `[concat('n', string(copyIndex()))]`}],\n%s",
		 out_line);
	eval_str(&e, text, NULL);
	assert_true(e.rc < 0);
	expect_diag(&e, "arm-copy-index", 4,
		    (uint32_t)(strstr(out_line, "copyIndex") - out_line) + 1, false);
	ev_free(&e);
	/* both spellings evaluate alike, each value with its own span */
	snprintf(text, sizeof(text), "%s",
		 HEAD "`resources`: [{`type`: `Microsoft.Network/publicIPAddresses`, "
		      "`apiVersion`: `2023-04-01`, `copy`: {`name`: `l`, `count`: 2},\n"
		      " `name`: `[concat('n', string(copyIndex()))]`,\n"
		      " `location`: `[concat(\\u0027n\\u0027, string(copyIndex()))]`}]}");
	eval_str(&e, text, NULL);
	expect_ok(&e);
	assert_int_equal(e.d->nresources, 2);
	assert_string_equal(vstr(res_named(e.d, "n1")->location), "n1");
	assert_true(res_named(e.d, "n0")->name->span.off !=
		    res_named(e.d, "n0")->location->span.off);
	ev_free(&e);
	/* a syntax error is not cached: reported at each occurrence */
	eval_str(&e,
		 HEAD
		 "`resources`: [],\n`outputs`: {`a`: {`type`: `string`, `value`: `[concat(]`},\n"
		 "`b`: {`type`: `string`, `value`: `[concat(]`}}}",
		 NULL);
	assert_true(e.rc < 0);
	expect_diag(&e, "arm-expr-syntax", 3, 55, false);
	expect_diag(&e, "arm-expr-syntax", 4, 43, false);
	ev_free(&e);
}

/* A resource ID computed several times in a run (the resource's own ID,
 * dependsOn, a property's reference) shares one copy of its text; each
 * value keeps its own span, and a different ID gets its own text. */
static void test_resource_id_shared(void **state)
{
	ev e;
	rp_resource *nic, *vm;
	const rp_value *dep, *ref;

	(void)state;
	eval_str(&e,
		 HEAD "`resources`: [{`type`: `Microsoft.Network/networkInterfaces`, "
		      "`apiVersion`: `2023-09-01`, `name`: `nic-0`},\n"
		      "{`type`: `Microsoft.Compute/virtualMachines`, `apiVersion`: `2024-03-01`, "
		      "`name`: `vm-0`,\n"
		      " `dependsOn`: [`[resourceId('Microsoft.Network/networkInterfaces', "
		      "'nic-0')]`],\n"
		      " `properties`: {`networkProfile`: {`networkInterfaces`: [{`id`: "
		      "`[resourceId('Microsoft.Network/networkInterfaces', 'nic-0')]`}]}}}]}",
		 NULL);
	expect_ok(&e);
	nic = res_named(e.d, "nic-0");
	vm = res_named(e.d, "vm-0");
	dep = rp_value_getz(vm->body, "dependsOn")->u.items[0];
	ref = rp_value_path(vm->properties, "networkProfile.networkInterfaces");
	assert_non_null(ref);
	ref = rp_value_getz(ref->u.items[0], "id");
	assert_string_equal(vstr(nic->id), vstr(dep));
	assert_string_equal(vstr(dep), vstr(ref));
	assert_ptr_equal(nic->id->u.s, dep->u.s);
	assert_ptr_equal(dep->u.s, ref->u.s);
	assert_true(dep->span.off != ref->span.off);
	{
		uint32_t l = 0, c = 0;
		rp_source_linecol(ref->span.src, ref->span.off, &l, &c);
		assert_int_equal(l, 5);
		rp_source_linecol(dep->span.src, dep->span.off, &l, &c);
		assert_int_equal(l, 4);
	}
	assert_true(vm->id->u.s != nic->id->u.s);
	assert_string_not_equal(vstr(vm->id), vstr(nic->id));
	ev_free(&e);
}

static void test_parameter_cycle(void **state)
{
	ev e;

	(void)state;
	eval_str(&e,
		 HEAD
		 "`parameters`: {`a`: {`type`: `string`, `defaultValue`: `[parameters('b')]`},\n"
		 " `b`: {`type`: `string`, `defaultValue`: `[parameters('a')]`}},\n"
		 "`resources`: []}",
		 NULL);
	assert_true(e.rc < 0);
	expect_diag(&e, "arm-cycle", 3, 44, false);
	ev_free(&e);
	/* a variable copy with a negative count */
	eval_str(&e,
		 HEAD "`variables`: {`copy`: [{`name`: `x`, `count`: -1, `input`: "
		      "1}]},\n`resources`: []}",
		 NULL);
	expect_diag(&e, "arm-copy-count", 2, 47, false);
	ev_free(&e);
	/* mutual recursion of user functions */
	eval_str(&e,
		 HEAD
		 "`functions`: [{`namespace`: `n`, `members`: {\n"
		 " `f`: {`parameters`: [], `output`: {`type`: `int`, `value`: `[n.g()]`}},\n"
		 " `g`: {`parameters`: [], `output`: {`type`: `int`, `value`: `[n.f()]`}}}}],\n"
		 "`resources`: [], `outputs`: {`o`: {`type`: `int`, `value`: `[n.f()]`}}}",
		 NULL);
	expect_diag(&e, "arm-function-cycle", 0, 0, false);
	ev_free(&e);
}

static void test_conditions(void **state)
{
	ev e;

	(void)state;
	eval_str(
		&e,
		HEAD
		"`parameters`: {`deploy`: {`type`: `bool`}},\n"
		"`resources`: [{`condition`: false, `type`: `Microsoft.Network/publicIPAddresses`, "
		"`apiVersion`: `2023-04-01`, `name`: `a`},\n"
		" {`condition`: `[parameters('deploy')]`, `type`: "
		"`Microsoft.Network/publicIPAddresses`, `apiVersion`: `2023-04-01`, `name`: `b`},\n"
		" {`condition`: `[equals(1, 1)]`, `type`: `Microsoft.Network/publicIPAddresses`, "
		"`apiVersion`: `2023-04-01`, `name`: `c`}]}",
		NULL);
	expect_ok(&e);
	assert_int_equal(e.d->nresources, 2);
	assert_int_equal(res_named(e.d, "b")->condition, RP_COND_UNKNOWN);
	assert_non_null(strstr(res_named(e.d, "b")->condition_reason, "deploy"));
	assert_int_equal(res_named(e.d, "c")->condition, RP_COND_TRUE);
	ev_free(&e);
	/* a condition that is not a boolean */
	eval_str(&e,
		 HEAD "`resources`: [{`condition`: `[concat('a', 'b')]`,\n"
		      " `type`: `Microsoft.Network/publicIPAddresses`, `apiVersion`: `2023-04-01`, "
		      "`name`: `a`}]}",
		 NULL);
	assert_true(e.rc < 0);
	ev_free(&e);
}

static void test_resource_copy(void **state)
{
	ev e;
	size_t i;

	(void)state;
	eval_str(&e,
		 HEAD "`resources`: [{`copy`: {`name`: `ips`, `count`: 3, `mode`: `serial`, "
		      "`batchSize`: 1},\n"
		      " `type`: `Microsoft.Network/publicIPAddresses`, `apiVersion`: `2023-04-01`, "
		      "`name`: `[concat('ip', copyIndex(1))]`}]}",
		 NULL);
	expect_ok(&e);
	assert_int_equal(e.d->nresources, 3);
	for (i = 0; i < 3; i++) {
		char nm[8];
		snprintf(nm, sizeof(nm), "ip%zu", i + 1);
		assert_string_equal(vstr(e.d->resources[i].name), nm);
		assert_int_equal(e.d->resources[i].copy_index, (int64_t)i);
		assert_string_equal(e.d->resources[i].copy_name, "ips");
	}
	ev_free(&e);
	eval_str(&e,
		 HEAD "`resources`: [{`copy`: {`name`: `ips`,\n `count`: 801},"
		      " `type`: `Microsoft.Network/publicIPAddresses`, `apiVersion`: `2023-04-01`, "
		      "`name`: `[concat('ip', copyIndex())]`}]}",
		 NULL);
	assert_true(e.rc < 0);
	expect_diag(&e, "arm-copy-count", 3, 11, false);
	ev_free(&e);
	eval_str(&e,
		 HEAD "`resources`: [{`copy`: {`name`: `ips`, `count`: `[sub(0, 2)]`},\n"
		      " `type`: `Microsoft.Network/publicIPAddresses`, `apiVersion`: `2023-04-01`, "
		      "`name`: `[concat('ip', copyIndex())]`}]}",
		 NULL);
	expect_diag(&e, "arm-copy-count", 2, 49, false);
	ev_free(&e);
	/* copyIndex() outside a loop */
	eval_str(&e,
		 HEAD "`resources`: [{`type`: `Microsoft.Network/publicIPAddresses`,\n"
		      " `apiVersion`: `2023-04-01`, `name`: `[concat('ip', copyIndex())]`}]}",
		 NULL);
	assert_true(e.rc < 0);
	expect_diag(&e, "arm-copy-index", 0, 0, false);
	ev_free(&e);
}

static void test_property_copy(void **state)
{
	ev e;
	rp_value *dd;

	(void)state;
	eval_str(&e,
		 HEAD
		 "`resources`: [{`type`: `Microsoft.Compute/virtualMachines`, `apiVersion`: "
		 "`2023-03-01`, `name`: `vm`,\n"
		 " `properties`: {`storageProfile`: {`copy`: [{`name`: `dataDisks`, `count`: 2,\n"
		 "  `input`: {`lun`: `[copyIndex('dataDisks')]`, `createOption`: `Empty`, "
		 "`diskSizeGB`: 64}}]}}}]}",
		 NULL);
	expect_ok(&e);
	dd = rp_value_path(e.d->resources[0].properties, "storageProfile.dataDisks");
	assert_non_null(dd);
	assert_int_equal(dd->kind, RP_V_ARRAY);
	assert_int_equal(dd->len, 2);
	assert_int_equal(rp_value_getz(dd->u.items[1], "lun")->u.i, 1);
	assert_int_equal(rp_value_getz(dd->u.items[1], "diskSizeGB")->u.i, 64);
	ev_free(&e);
}

static void test_children_depends_existing(void **state)
{
	ev e;
	rp_resource *r;

	(void)state;
	eval_str(&e,
		 HEAD "`resources`: [{`type`: `Microsoft.Network/virtualNetworks`, `apiVersion`: "
		      "`2023-04-01`, `name`: `vnet`,\n"
		      " `resources`: [{`type`: `subnets`, `apiVersion`: `2023-04-01`, `name`: "
		      "`default`,\n"
		      "   `dependsOn`: [`[resourceId('Microsoft.Network/virtualNetworks', "
		      "'vnet')]`]}]},\n"
		      " {`type`: `Microsoft.Network/networkSecurityGroups`, `apiVersion`: "
		      "`2023-04-01`, `name`: `nsg`, `existing`: true}]}",
		 NULL);
	expect_ok(&e);
	assert_int_equal(e.d->nresources, 3);
	r = res_named(e.d, "vnet/default");
	assert_string_equal(r->type, "Microsoft.Network/virtualNetworks/subnets");
	assert_string_equal(vstr(r->id),
			    "/subscriptions/" RP_ARM_DEFAULT_SUBSCRIPTION
			    "/resourceGroups/" RP_ARM_DEFAULT_RESOURCE_GROUP
			    "/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default");
	assert_int_equal(r->ndepends, 1);
	assert_string_equal(r->depends_on[0], "/subscriptions/" RP_ARM_DEFAULT_SUBSCRIPTION
					      "/resourceGroups/" RP_ARM_DEFAULT_RESOURCE_GROUP
					      "/providers/Microsoft.Network/virtualNetworks/vnet");
	assert_true(res_named(e.d, "nsg")->existing);
	assert_false(res_named(e.d, "vnet")->existing);
	ev_free(&e);
	/* a name with the wrong number of segments */
	eval_str(&e,
		 HEAD "`resources`: [{`type`: `Microsoft.Network/virtualNetworks/subnets`,\n"
		      " `apiVersion`: `2023-04-01`, `name`: `default`}]}",
		 NULL);
	expect_diag(&e, "arm-name-segments", 3, 38, false);
	ev_free(&e);
}

static void test_if_unknown_condition_branch_error(void **state)
{
	ev e;
	rp_value *v;

	(void)state;
	/* safekit-cluster-farm/-mirror: if(<unknown>, variables('a'),
	 * variables('undefined')): the failing branch may never be taken, so the
	 * value is UNKNOWN and there is no error.  A variable that fails inside
	 * such a branch is not cached, so its own evaluation still reports. */
	eval_str(&e,
		 HEAD "`parameters`: {`lb`: {`type`: `string`}},\n"
		      "`variables`: {`a`: [1],\n"
		      " `pick`: `[if(equals(parameters('lb'), 'x'), variables('a'), "
		      "variables('nope'))]`},\n"
		      "`resources`: [{`type`: `Microsoft.Network/networkSecurityGroups`, "
		      "`apiVersion`: `2023-04-01`, `name`: `n`,\n"
		      " `properties`: {`p`: `[variables('pick')]`}}]}",
		 NULL);
	expect_ok(&e);
	v = rp_value_getz(e.d->resources[0].properties, "p");
	assert_non_null(v);
	assert_int_equal(v->kind, RP_V_UNKNOWN);
	assert_non_null(strstr(v->u.reason, "false branch fails"));
	ev_free(&e);

	eval_str(&e,
		 HEAD "`parameters`: {`lb`: {`type`: `string`}},\n"
		      "`variables`: {`bad`: `[variables('nope')]`,\n"
		      " `pick`: `[if(equals(parameters('lb'), 'x'), 1, variables('bad'))]`},\n"
		      "`resources`: [{`type`: `Microsoft.Network/networkSecurityGroups`, "
		      "`apiVersion`: `2023-04-01`, `name`: `n`,\n"
		      " `properties`: {`p`: `[variables('pick')]`, `q`: `[variables('bad')]`}}]}",
		 NULL);
	assert_true(e.rc < 0);
	expect_diag(&e, "arm-undefined-variable", 0, 0, false);
	ev_free(&e);
}

static void test_type_trailing_slash(void **state)
{
	ev e;

	(void)state;
	/* ARM accepts 'Namespace/type/' in resourceId(); so does the expression library */
	eval_str(&e,
		 HEAD "`resources`: [{`type`: `Microsoft.Network/networkInterfaces`, `apiVersion`: "
		      "`2023-04-01`, `name`: `nic`,\n"
		      " `tags`: {`[concat('hidden-link:', resourceId ('Microsoft.Web/sites/', "
		      "'app'))]`: `Resource`},\n"
		      " `properties`: {`ip`: {`id`: `[resourceId ( "
		      "'Microsoft.Network/publicIPAddresses/' , 'ip')]`},\n"
		      "  `s`: `[concat('Microsoft.Network/x/', 'y')]`}}]}",
		 NULL);
	expect_ok(&e);
	assert_string_equal(vstr(rp_value_path(e.d->resources[0].properties, "ip.id")),
			    "/subscriptions/" RP_ARM_DEFAULT_SUBSCRIPTION
			    "/resourceGroups/" RP_ARM_DEFAULT_RESOURCE_GROUP
			    "/providers/Microsoft.Network/publicIPAddresses/ip");
	assert_string_equal(vstr(rp_value_getz(e.d->resources[0].properties, "s")),
			    "Microsoft.Network/x/y");
	assert_non_null(rp_value_getz(rp_value_getz(e.d->resources[0].body, "tags"),
				      "hidden-link:/subscriptions/" RP_ARM_DEFAULT_SUBSCRIPTION
				      "/resourceGroups/" RP_ARM_DEFAULT_RESOURCE_GROUP
				      "/providers/Microsoft.Web/sites/app"));
	ev_free(&e);
}

static void test_extension_scope(void **state)
{
	ev e;

	(void)state;
	eval_str(&e,
		 HEAD "`resources`: [{`type`: `Microsoft.Authorization/locks`, `apiVersion`: "
		      "`2020-05-01`, `name`: `lock`,\n"
		      " `scope`: `[format('Microsoft.Storage/storageAccounts/{0}', 'st')]`, "
		      "`properties`: {`level`: `CanNotDelete`}}]}",
		 NULL);
	expect_ok(&e);
	assert_string_equal(e.d->resources[0].scope, "Microsoft.Storage/storageAccounts/st");
	assert_string_equal(vstr(e.d->resources[0].id),
			    "Microsoft.Storage/storageAccounts/st/providers/"
			    "Microsoft.Authorization/locks/lock");
	ev_free(&e);
}

static void test_lang2(void **state)
{
	ev e;
	rp_resource *r;

	(void)state;
	eval_str(
		&e,
		"{`$schema`: "
		"`https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#`,"
		" `languageVersion`: `2.0`, `contentVersion`: `1.0.0.0`,\n"
		"`resources`: {`vnet`: {`type`: `Microsoft.Network/virtualNetworks`, `apiVersion`: "
		"`2023-04-01`, `name`: `v1`},\n"
		" `sub`: {`type`: `Microsoft.Network/virtualNetworks/subnets`, `apiVersion`: "
		"`2023-04-01`, `name`: `v1/s1`,"
		" `dependsOn`: [`vnet`]},\n"
		" `old`: {`existing`: true, `type`: `Microsoft.Storage/storageAccounts`, "
		"`apiVersion`: `2023-01-01`, `name`: `st`}}}",
		NULL);
	expect_ok(&e);
	assert_int_equal(e.d->nresources, 3);
	r = res_named(e.d, "v1/s1");
	assert_string_equal(r->symbolic, "sub");
	assert_string_equal(r->depends_on[0], "vnet");
	assert_true(res_named(e.d, "st")->existing);
	ev_free(&e);
	/* an object 'resources' without languageVersion 2.0 */
	eval_str(&e, HEAD "`resources`: {`a`: {}}}", NULL);
	expect_diag(&e, "arm-template", 2, 14, false);
	ev_free(&e);
}

static const char *NESTED = HEAD
	"`parameters`: {`p`: {`type`: `string`, `defaultValue`: `outerP`}},\n"
	"`variables`: {`v`: `outerV`},\n"
	"`resources`: [\n"
	"{`type`: `Microsoft.Resources/deployments`, `apiVersion`: `2022-09-01`, `name`: `inner`,\n"
	" `properties`: {`mode`: `Incremental`, `expressionEvaluationOptions`: {`scope`: "
	"`inner`},\n"
	"  `parameters`: {`p`: {`value`: `[concat(parameters('p'), '-passed')]`}},\n"
	"  `template`: {`$schema`: "
	"`https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#`, "
	"`contentVersion`: `1.0.0.0`,\n"
	"   `parameters`: {`p`: {`type`: `string`}}, `variables`: {`v`: `innerV`},\n"
	"   `resources`: [{`type`: `Microsoft.Network/publicIPAddresses`, `apiVersion`: "
	"`2023-04-01`,\n"
	"     `name`: `[concat(parameters('p'), '.', variables('v'))]`}]}}},\n"
	"{`type`: `Microsoft.Resources/deployments`, `apiVersion`: `2022-09-01`, `name`: `outer`,\n"
	" `properties`: {`mode`: `Incremental`,\n"
	"  `template`: {`$schema`: "
	"`https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#`, "
	"`contentVersion`: `1.0.0.0`,\n"
	"   `variables`: {`v`: `ignored`},\n"
	"   `resources`: [{`type`: `Microsoft.Network/publicIPAddresses`, `apiVersion`: "
	"`2023-04-01`,\n"
	"     `name`: `[concat(parameters('p'), '.', variables('v'))]`}]}}}]}";

static void test_nested_scopes(void **state)
{
	ev e;

	(void)state;
	eval_str(&e, NESTED, NULL);
	expect_ok(&e);
	assert_int_equal(e.d->nresources, 4);
	assert_string_equal(res_named(e.d, "outerP-passed.innerV")->deployment, "inner");
	assert_string_equal(res_named(e.d, "outerP.outerV")->deployment, "outer");
	assert_string_equal(res_named(e.d, "inner")->type, "Microsoft.Resources/deployments");
	/* the deployment's own body keeps properties without the template */
	assert_null(rp_value_getz(res_named(e.d, "inner")->properties, "template"));
	ev_free(&e);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	char *t = tpl(text);
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(t, fp);
	fclose(fp);
	free(t);
}

static void test_linked_templates(void **state)
{
	char root[] = "/tmp/rp-arm-linkXXXXXX", sub[600], outside[] = "/tmp/rp-arm-outXXXXXX";
	char path[700], lnk[800];
	rp_arm_options o;
	rp_deployment *d = NULL;
	rp_diag diag;
	size_t i;
	int unresolved = 0;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_non_null(mkdtemp(outside));
	snprintf(sub, sizeof(sub), "%s/app", root);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/nested", sub);
	assert_int_equal(mkdir(path, 0700), 0);
	write_file(sub, "nested/linked.json",
		   HEAD "`parameters`: {`n`: {`type`: `string`}},\n"
			"`resources`: [{`type`: `Microsoft.Network/publicIPAddresses`, "
			"`apiVersion`: `2023-04-01`, `name`: `[parameters('n')]`}]}");
	write_file(outside, "secret.json",
		   HEAD "`resources`: [{`type`: `Microsoft.Network/publicIPAddresses`, "
			"`apiVersion`: `2023-04-01`, `name`: `stolen`}]}");
	snprintf(lnk, sizeof(lnk), "%s/escape.json", path);
	snprintf(path, sizeof(path), "%s/secret.json", outside);
	assert_int_equal(symlink(path, lnk), 0);
	write_file(sub, "azuredeploy.json",
		   HEAD "`parameters`: {`_artifactsLocation`: {`type`: `string`, `defaultValue`: "
			"`[deployment().properties.templateLink.uri]`}},\n"
			"`resources`: [\n"
			"{`type`: `Microsoft.Resources/deployments`, `apiVersion`: `2022-09-01`, "
			"`name`: `byRel`,\n"
			" `properties`: {`mode`: `Incremental`, `templateLink`: {`relativePath`: "
			"`nested/linked.json`},\n"
			"  `parameters`: {`n`: {`value`: `ip-rel`}}}},\n"
			"{`type`: `Microsoft.Resources/deployments`, `apiVersion`: `2022-09-01`, "
			"`name`: `byUri`,\n"
			" `properties`: {`mode`: `Incremental`, `templateLink`: {`uri`: "
			"`[uri(parameters('_artifactsLocation'), 'nested/linked.json')]`},\n"
			"  `parameters`: {`n`: {`value`: `ip-uri`}}}},\n"
			"{`type`: `Microsoft.Resources/deployments`, `apiVersion`: `2022-09-01`, "
			"`name`: `web`,\n"
			" `properties`: {`mode`: `Incremental`, `templateLink`: {`uri`: "
			"`https://example.com/t.json`}}},\n"
			"{`type`: `Microsoft.Resources/deployments`, `apiVersion`: `2022-09-01`, "
			"`name`: `up`,\n"
			" `properties`: {`mode`: `Incremental`, `templateLink`: {`relativePath`: "
			"`../../etc/passwd`}}},\n"
			"{`type`: `Microsoft.Resources/deployments`, `apiVersion`: `2022-09-01`, "
			"`name`: `sym`,\n"
			" `properties`: {`mode`: `Incremental`, `templateLink`: {`relativePath`: "
			"`nested/escape.json`}}},\n"
			"{`type`: `Microsoft.Resources/deployments`, `apiVersion`: `2022-09-01`, "
			"`name`: `missing`,\n"
			" `properties`: {`mode`: `Incremental`, `templateLink`: {`relativePath`: "
			"`nested/none.json`}}}]}");
	snprintf(path, sizeof(path), "%s/azuredeploy.json", sub);
	memset(&o, 0, sizeof(o));
	o.root = root;
	rp_diag_init(&diag);
	assert_int_equal(rp_arm_evaluate(path, &o, &d, &diag), 0);
	assert_int_equal(diag.nerrors, 0);
	assert_non_null(res_named(d, "ip-rel"));
	assert_string_equal(res_named(d, "ip-rel")->deployment, "byRel");
	assert_non_null(res_named(d, "ip-uri"));
	for (i = 0; i < d->nresources; i++)
		assert_false(rp_value_is(d->resources[i].name, RP_V_STRING) &&
			     strcmp(d->resources[i].name->u.s, "stolen") == 0);
	for (i = 0; i < diag.count; i++)
		if (diag.items[i].code && strcmp(diag.items[i].code, "arm-unresolved-link") == 0) {
			assert_int_equal(diag.items[i].level, RP_DIAG_WARNING);
			unresolved++;
		}
	assert_int_equal(unresolved, 4);
	rp_deployment_free(d);
	rp_diag_release(&diag);
	/* the root defaults to the template's directory: ../ is refused too */
	unlink(lnk);
	snprintf(path, sizeof(path), "%s/secret.json", outside);
	unlink(path);
	rmdir(outside);
	snprintf(path, sizeof(path), "%s/nested/linked.json", sub);
	unlink(path);
	snprintf(path, sizeof(path), "%s/nested", sub);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/azuredeploy.json", sub);
	unlink(path);
	rmdir(sub);
	rmdir(root);
}

static void test_params_file_and_keyvault(void **state)
{
	char dir[] = "/tmp/rp-arm-parXXXXXX", path[300];
	rp_deployment *d = NULL;
	rp_diag diag;
	rp_value *pw, *nm;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "main.json",
		   HEAD
		   "`parameters`: {`name`: {`type`: `string`}, `pw`: {`type`: `securestring`}},\n"
		   "`resources`: [{`type`: `Microsoft.Sql/servers`, `apiVersion`: "
		   "`2022-05-01-preview`, `name`: `[parameters('name')]`,\n"
		   " `properties`: {`administratorLoginPassword`: `[parameters('pw')]`}}]}");
	write_file(dir, "main.parameters.json",
		   "{`$schema`: "
		   "`https://schema.management.azure.com/schemas/2019-04-01/"
		   "deploymentParameters.json#`,"
		   " `contentVersion`: `1.0.0.0`, `parameters`: {`name`: {`value`: `sql1`},\n"
		   " `pw`: {`reference`: {`keyVault`: {`id`: "
		   "`/subscriptions/x/resourceGroups/r/providers/Microsoft.KeyVault/vaults/kv`}, "
		   "`secretName`: `sqlpw`}}}}");
	snprintf(path, sizeof(path), "%s/main.json", dir);
	rp_diag_init(&diag);
	assert_int_equal(rp_arm_evaluate(path, NULL, &d, &diag), 0);
	nm = d->resources[0].name;
	assert_string_equal(vstr(nm), "sql1");
	pw = rp_value_getz(d->resources[0].properties, "administratorLoginPassword");
	assert_int_equal(pw->kind, RP_V_UNKNOWN);
	assert_non_null(strstr(pw->u.reason, "sqlpw"));
	assert_non_null(strstr(pw->u.reason, "Key Vault"));
	assert_true(pw->flags & RP_VF_SECURE);
	rp_deployment_free(d);
	rp_diag_release(&diag);
	/* rp_arm_evaluate_source: the template's bytes read by the caller (as
	 * the scan reads them to classify the file), the parameters paired
	 * from its path all the same; the source is taken over on success and
	 * on failure (a root that does not exist) */
	{
		rp_source *src = NULL;
		rp_arm_options o;
		d = NULL;
		rp_diag_init(&diag);
		assert_int_equal(rp_source_load(path, 0, &src, &diag), 0);
		assert_int_equal(rp_arm_evaluate_source(path, src, NULL, &d, &diag), 0);
		assert_int_equal(diag.nerrors, 0);
		assert_string_equal(vstr(d->resources[0].name), "sql1");
		assert_true(d->nsources >= 2 && d->sources[0] == src);
		rp_deployment_free(d);
		d = NULL;
		memset(&o, 0, sizeof(o));
		o.root = "/nonexistent-rampart-root";
		assert_int_equal(rp_source_load(path, 0, &src, &diag), 0);
		assert_int_equal(rp_arm_evaluate_source(path, src, &o, &d, &diag), -RP_EIO);
		assert_int_equal(diag.nerrors, 1);
		rp_deployment_free(d);
		d = NULL;
		rp_diag_release(&diag);
	}
	/* pairing finds main.parameters.json, else azuredeploy.parameters.json */
	{
		char *pp = rp_arm_find_params(path), other[300];
		assert_non_null(pp);
		assert_non_null(strstr(pp, "main.parameters.json"));
		snprintf(other, sizeof(other), "%s/azuredeploy.parameters.json", dir);
		assert_int_equal(rename(pp, other), 0);
		free(pp);
		pp = rp_arm_find_params(path);
		assert_non_null(pp);
		assert_non_null(strstr(pp, "/azuredeploy.parameters.json"));
		free(pp);
		unlink(other);
		assert_null(rp_arm_find_params(path));
	}
	/* the candidates, each tried once (azuredeploy.json: one path only) */
	{
		static const struct {
			const char *tpl, *c0, *c1;
		} cases[] = {
			{ "d/main.json", "d/main.parameters.json",
			  "d/azuredeploy.parameters.json" },
			{ "d/azuredeploy.json", "d/azuredeploy.parameters.json", NULL },
			{ "azuredeploy.json", "azuredeploy.parameters.json", NULL },
			{ "main.json", "main.parameters.json", "./azuredeploy.parameters.json" },
			{ "/main.json", "/main.parameters.json", "/azuredeploy.parameters.json" },
			{ "d/main.txt", "d/azuredeploy.parameters.json", NULL },
			{ "a/b/c.json", "a/b/c.parameters.json",
			  "a/b/azuredeploy.parameters.json" },
		};
		size_t k;
		for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			char *c[2];
			int n = rp_arm_params_candidates(cases[k].tpl, c);
			assert_int_equal(n, cases[k].c1 ? 2 : 1);
			assert_string_equal(c[0], cases[k].c0);
			if (cases[k].c1)
				assert_string_equal(c[1], cases[k].c1);
			free(c[0]);
			free(c[1]);
		}
	}
	snprintf(path, sizeof(path), "%s/main.json", dir);
	unlink(path);
	rmdir(dir);
}

static void test_nesting_limit(void **state)
{
	rp_buf b = RP_BUF_INIT;
	unsigned i, n = RP_ARM_MAX_DEPLOY_DEPTH + 2;
	ev e;

	(void)state;
	for (i = 0; i < n; i++)
		rp_buf_puts(&b, "{`$schema`: "
				"`https://schema.management.azure.com/schemas/2019-04-01/"
				"deploymentTemplate.json#`, `contentVersion`: `1.0.0.0`,"
				" `resources`: [{`type`: `Microsoft.Resources/deployments`, "
				"`apiVersion`: `2022-09-01`, `name`: `d`,"
				" `properties`: {`mode`: `Incremental`, `template`: ");
	rp_buf_puts(&b, "{`resources`: []}");
	for (i = 0; i < n; i++)
		rp_buf_puts(&b, "}}]}");
	eval_str(&e, b.data, NULL);
	rp_buf_release(&b);
	assert_true(e.rc < 0);
	expect_diag(&e, "arm-nesting", 0, 0, false);
	ev_free(&e);
}

static void test_expression_too_long(void **state)
{
	rp_buf b = RP_BUF_INIT;
	size_t i;
	ev e;

	(void)state;
	rp_buf_puts(&b, HEAD
		    "`resources`: [], `outputs`: {`o`: {`type`: `string`, `value`: `[concat('");
	for (i = 0; i < RP_ARM_MAX_EXPR_LEN; i++)
		rp_buf_putc(&b, 'a');
	rp_buf_puts(&b, "')]`}}}");
	eval_str(&e, b.data, NULL);
	rp_buf_release(&b);
	assert_true(e.rc < 0);
	assert_true(e.diag.nerrors > 0);
	{
		uint32_t l = 0, c = 0;
		rp_source_linecol(e.diag.items[0].src, e.diag.items[0].start, &l, &c);
		assert_int_equal(l, 2);
	}
	ev_free(&e);
}

static void test_outputs(void **state)
{
	ev e;
	rp_value *o;

	(void)state;
	eval_str(&e,
		 HEAD
		 "`resources`: [{`type`: `Microsoft.Network/publicIPAddresses`, `apiVersion`: "
		 "`2023-04-01`, `name`: `ip`}],\n"
		 "`outputs`: {`id`: {`type`: `string`, `value`: "
		 "`[resourceId('Microsoft.Network/publicIPAddresses', 'ip')]`},\n"
		 " `fqdn`: {`type`: `string`, `value`: `[reference('ip').dnsSettings.fqdn]`},\n"
		 " `list`: {`type`: `array`, `copy`: {`count`: 2, `input`: `[copyIndex()]`}},\n"
		 " `skipped`: {`condition`: false, `type`: `string`, `value`: `x`}}}",
		 NULL);
	expect_ok(&e);
	o = e.d->outputs;
	assert_non_null(o);
	assert_non_null(strstr(vstr(rp_value_getz(o, "id")), "/publicIPAddresses/ip"));
	assert_int_equal(rp_value_getz(o, "fqdn")->kind, RP_V_UNKNOWN);
	assert_int_equal(rp_value_getz(o, "list")->len, 2);
	assert_null(rp_value_getz(o, "skipped"));
	ev_free(&e);
}

static void test_subscription_scope(void **state)
{
	ev e;

	(void)state;
	eval_str(&e,
		 "{`$schema`: "
		 "`https://schema.management.azure.com/schemas/2018-05-01/"
		 "subscriptionDeploymentTemplate.json#`, `contentVersion`: `1.0.0.0`,\n"
		 "`resources`: [{`type`: `Microsoft.Resources/resourceGroups`, `apiVersion`: "
		 "`2022-09-01`, `name`: `rg1`, `location`: `eastus`},\n"
		 " {`type`: `Microsoft.Resources/deployments`, `apiVersion`: `2022-09-01`, `name`: "
		 "`inrg`, `resourceGroup`: `rg1`,\n"
		 "  `properties`: {`mode`: `Incremental`, `expressionEvaluationOptions`: {`scope`: "
		 "`inner`}, `template`: {\n"
		 "   `$schema`: "
		 "`https://schema.management.azure.com/schemas/2019-04-01/"
		 "deploymentTemplate.json#`, `contentVersion`: `1.0.0.0`,\n"
		 "   `resources`: [{`type`: `Microsoft.Network/publicIPAddresses`, `apiVersion`: "
		 "`2023-04-01`, `name`: `ip`}]}}}]}",
		 NULL);
	expect_ok(&e);
	assert_string_equal(vstr(res_named(e.d, "rg1")->id),
			    "/subscriptions/" RP_ARM_DEFAULT_SUBSCRIPTION "/resourceGroups/rg1");
	assert_string_equal(vstr(res_named(e.d, "inrg")->id),
			    "/subscriptions/" RP_ARM_DEFAULT_SUBSCRIPTION
			    "/resourceGroups/rg1/providers/Microsoft.Resources/deployments/inrg");
	assert_string_equal(vstr(res_named(e.d, "ip")->id),
			    "/subscriptions/" RP_ARM_DEFAULT_SUBSCRIPTION
			    "/resourceGroups/rg1/providers/Microsoft.Network/publicIPAddresses/ip");
	ev_free(&e);
}

static void test_bad_json_and_shapes(void **state)
{
	ev e;

	(void)state;
	eval_str(&e, "{`resources`: [,]}", NULL);
	assert_int_equal(e.rc, -RP_EPARSE);
	ev_free(&e);
	eval_str(&e, "[1, 2]", NULL);
	expect_diag(&e, "arm-template", 1, 1, false);
	ev_free(&e);
	eval_str(&e, HEAD "`resources`: [{`name`: `x`}]}", NULL);
	expect_diag(&e, "arm-template", 2, 15, false);
	ev_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_resource),
		cmocka_unit_test(test_context_options),
		cmocka_unit_test(test_param_unknown_and_secure),
		cmocka_unit_test(test_param_constraints),
		cmocka_unit_test(test_enumeration),
		cmocka_unit_test(test_variables_lazy_and_cycle),
		cmocka_unit_test(test_variable_copy),
		cmocka_unit_test(test_user_functions),
		cmocka_unit_test(test_unknown_builtin_function),
		cmocka_unit_test(test_parameter_cycle),
		cmocka_unit_test(test_expression_cache),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_resource_copy),
		cmocka_unit_test(test_property_copy),
		cmocka_unit_test(test_children_depends_existing),
		cmocka_unit_test(test_type_trailing_slash),
		cmocka_unit_test(test_if_unknown_condition_branch_error),
		cmocka_unit_test(test_extension_scope),
		cmocka_unit_test(test_lang2),
		cmocka_unit_test(test_nested_scopes),
		cmocka_unit_test(test_linked_templates),
		cmocka_unit_test(test_params_file_and_keyvault),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_expression_too_long),
		cmocka_unit_test(test_outputs),
		cmocka_unit_test(test_resource_id_shared),
		cmocka_unit_test(test_subscription_scope),
		cmocka_unit_test(test_bad_json_and_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
