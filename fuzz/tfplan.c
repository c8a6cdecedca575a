/* tfplan.c: libFuzzer target for the Terraform plan/state ingester
 * (src/ingest/tfplan) and input detection (src/ingest/detect.c).
 *
 * For every input: detect its kind; load it as a Terraform plan; on
 * success check every resource (ingest_check.h: type, name, ID and body
 * present, body an object, every span inside the input; here also the
 * address set, origin TFPLAN) and that loading is deterministic (a second
 * load gives the same types and IDs).  Any violation calls abort().
 */
#include "ingest_check.h"
#include "ingest/detect.h"
#include "ingest/resource.h"
#include "ingest/tfplan/tfplan.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK FUZZ_CHECK

static rp_deployment *load(const uint8_t *data, size_t size, int *rc)
{
	rp_source *src = NULL;
	rp_deployment *dep;
	rp_diag diag;

	rp_diag_init(&diag);
	if (rp_source_from_memory("fuzz.json", data, size, &src) < 0)
		abort();
	dep = rp_deployment_new();
	if (!dep)
		abort();
	*rc = rp_tfplan_load(src, dep, &diag);
	CHECK(*rc == 0 || diag.nerrors > 0);
	rp_diag_release(&diag);
	return dep;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_source *src = NULL;
	rp_diag diag;
	rp_input_kind kind;
	rp_deployment *a, *b;
	int rc, rc2;
	size_t i;

	if (size > ((size_t)1 << 20))
		return 0;
	rp_diag_init(&diag);
	if (rp_source_from_memory("fuzz.json", data, size, &src) < 0)
		abort();
	rc = rp_ingest_detect_source(src, &kind, &diag);
	CHECK(rc == 0 ? kind != RP_INPUT_UNKNOWN : diag.nerrors > 0);
	rp_diag_release(&diag);
	rp_source_free(src);

	a = load(data, size, &rc);
	if (rc == 0) {
		fuzz_check_resources(a, size, RP_ORIGIN_TFPLAN, false);
		b = load(data, size, &rc2);
		CHECK(rc2 == 0 && b->nresources == a->nresources);
		for (i = 0; i < a->nresources; i++) {
			CHECK(strcmp(a->resources[i].type, b->resources[i].type) == 0);
			CHECK(strcmp(a->resources[i].id->u.s, b->resources[i].id->u.s) == 0);
		}
		rp_deployment_free(b);
	}
	rp_deployment_free(a);
	return 0;
}
