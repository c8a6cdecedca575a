/* arm_template.c: libFuzzer target for ARM template evaluation
 * (src/ingest/arm/arm.h).
 *
 * Every input is evaluated as a template held in memory (no root, so no
 * file is ever read: linked templates stay unresolved), then written as the
 * `rampart eval` JSON.  Checks: the call returns 0 or a negative RP_E* code,
 * a failure always comes with an error diagnostic, every resource has a
 * type, a name and an ID, and the output is valid JSON.  Any violation
 * calls abort(); sanitizers catch memory errors.
 */
#include "ingest/arm/arm.h"
#include "json/json.h"
#include "util/error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz-arm: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_deployment *d = NULL;
	rp_diag diag;
	rp_buf out = RP_BUF_INIT;
	rp_jw w;
	size_t i;
	int r;

	if (size > (1u << 20))
		return 0;
	rp_diag_init(&diag);
	r = rp_arm_evaluate_memory("fuzz.json", data, size, NULL, &d, &diag);
	CHECK(r <= 0);
	if (r < 0 && r != -RP_ENOMEM)
		CHECK(diag.nerrors > 0);
	CHECK(d != NULL);
	for (i = 0; i < d->nresources; i++) {
		CHECK(d->resources[i].type != NULL);
		CHECK(d->resources[i].name != NULL);
		CHECK(d->resources[i].id != NULL);
	}
	rp_jw_init(&w, &out, 0);
	rp_arm_write_deployment(&w, d, true);
	if (rp_jw_finish(&w) == 0) {
		rp_source *src = NULL;
		rp_json_doc *doc = NULL;
		CHECK(rp_source_from_memory("out", out.data, out.len, &src) == 0);
		CHECK(rp_json_parse(src, RP_JSON_STRICT, &doc, NULL) == 0);
		rp_json_doc_free(doc);
		rp_source_free(src);
	}
	rp_buf_release(&out);
	rp_deployment_free(d);
	rp_diag_release(&diag);
	return 0;
}
