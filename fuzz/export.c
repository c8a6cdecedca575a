/* export.c: libFuzzer target for the live export ingester
 * (src/ingest/export).
 *
 * For every input: load it as an export; on success check every resource
 * (type, name, ID and body present, body an object with the ARM envelope
 * keys it was given, every span inside the input, origin EXPORT, no two
 * resources with the same known ID).  Any violation calls abort().
 */
#include "ingest/export/export.h"
#include "ingest/resource.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"
#include "util/str.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz-export: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                  \
			abort();                                                            \
		}                                                                           \
	} while (0)

static void check_spans(const rp_value *v, size_t size, int depth)
{
	uint32_t i;

	CHECK(depth < 1100);
	if (v->span.src)
		CHECK((size_t)v->span.off + v->span.len <= size);
	if (v->kind == RP_V_ARRAY)
		for (i = 0; i < v->len; i++)
			check_spans(v->u.items[i], size, depth + 1);
	else if (v->kind == RP_V_OBJECT)
		for (i = 0; i < v->len; i++)
			check_spans(v->u.members[i].val, size, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_source *src = NULL;
	rp_deployment *dep;
	rp_diag diag;
	size_t i, j;
	int rc;

	if (size > ((size_t)1 << 20))
		return 0;
	rp_diag_init(&diag);
	if (rp_source_from_memory("fuzz.json", data, size, &src) < 0)
		abort();
	dep = rp_deployment_new();
	if (!dep)
		abort();
	rc = rp_export_load(src, dep, &diag);
	CHECK(rc == 0 || diag.nerrors > 0);
	if (rc == 0 && dep->nresources < 2000) {
		for (i = 0; i < dep->nresources; i++) {
			const rp_resource *r = &dep->resources[i];
			CHECK(r->type && *r->type && r->name && r->id && r->body);
			CHECK(r->body->kind == RP_V_OBJECT);
			CHECK(r->origin == RP_ORIGIN_EXPORT);
			check_spans(r->body, size, 0);
			for (j = i + 1; j < dep->nresources; j++) {
				const rp_value *x = r->id, *y = dep->resources[j].id;
				if (x->kind == RP_V_STRING && y->kind == RP_V_STRING)
					CHECK(!(x->len == y->len &&
						rp_str_ieq(x->u.s, y->u.s, x->len)));
			}
		}
	}
	rp_diag_release(&diag);
	rp_deployment_free(dep);
	return 0;
}
