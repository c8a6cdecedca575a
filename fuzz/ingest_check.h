/* ingest_check.h: the checks the Terraform plan and export fuzz targets
 * (fuzz/tfplan.c, fuzz/export.c) share: every loaded resource is well
 * formed (type, name, ID and an object body present, the expected origin,
 * every span inside the input) and no two resources have the same known
 * ID.  A violation prints what failed and calls abort(). */
#ifndef RP_FUZZ_INGEST_CHECK_H
#define RP_FUZZ_INGEST_CHECK_H

#include "ingest/resource.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                                     \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz: check failed: %s (%s:%d)\n", #cond, __FILE__, \
				__LINE__);                                                   \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* Spans of v and everything below it lie inside the input of size bytes. */
static inline void fuzz_check_spans(const rp_value *v, size_t size, int depth)
{
	uint32_t i;

	FUZZ_CHECK(depth < 1100);
	if (v->span.src)
		FUZZ_CHECK((size_t)v->span.off + v->span.len <= size);
	if (v->kind == RP_V_ARRAY)
		for (i = 0; i < v->len; i++)
			fuzz_check_spans(v->u.items[i], size, depth + 1);
	else if (v->kind == RP_V_OBJECT)
		for (i = 0; i < v->len; i++)
			fuzz_check_spans(v->u.members[i].val, size, depth + 1);
}

/* Every resource of d (loaded from size bytes) is well formed; with
 * unique_ids, no two share a known ID (quadratic: small inputs only). */
static inline void fuzz_check_resources(const rp_deployment *d, size_t size, rp_origin origin,
					bool unique_ids)
{
	size_t i, j;

	for (i = 0; i < d->nresources; i++) {
		const rp_resource *r = &d->resources[i];
		FUZZ_CHECK(r->type && *r->type && r->name && r->id && r->body);
		FUZZ_CHECK(r->body->kind == RP_V_OBJECT);
		FUZZ_CHECK(r->origin == origin);
		FUZZ_CHECK(r->name->kind == RP_V_STRING || r->name->kind == RP_V_UNKNOWN);
		FUZZ_CHECK(origin != RP_ORIGIN_TFPLAN ||
			   (r->address && r->id->kind == RP_V_STRING));
		fuzz_check_spans(r->body, size, 0);
		for (j = 0; unique_ids && j < i; j++) {
			const rp_value *x = r->id, *y = d->resources[j].id;
			if (x->kind == RP_V_STRING && y->kind == RP_V_STRING)
				FUZZ_CHECK(
					!(x->len == y->len && rp_str_ieq(x->u.s, y->u.s, x->len)));
		}
	}
}

#endif
