/* model_rules.c: libFuzzer target for the resource model (src/model) and
 * every rule (src/rules) on whatever the ARM evaluator makes of the input.
 *
 * The input is evaluated as a template held in memory (no file is read),
 * modelled, and checked by all rules with PASS and NOT_APPLICABLE kept.
 * Checks: model and rules return 0 (or -RP_ENOMEM); every object has a
 * type and a body or resource; every resolved link has a target whose
 * back-links contain it; every finding has a rule, a message, a 16-digit
 * fingerprint, a span inside a source of the deployment, and a reason when
 * UNKNOWN; findings are sorted within each source.  Violations abort();
 * sanitizers catch memory errors.
 */
#include "ingest/arm/arm.h"
#include "model/model.h"
#include "rules/rule.h"
#include "util/error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "fuzz-model-rules: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                       \
			abort();                                                                 \
		}                                                                                \
	} while (0)

static void check_links(const rp_model *m)
{
	size_t i, j, k;

	for (i = 0; i < m->nobjs; i++) {
		const rp_mobj *o = m->objs[i];
		CHECK(o->type != NULL);
		CHECK(o->res != NULL);
		CHECK(o->index == i);
		for (j = 0; j < o->nlinks; j++) {
			const rp_mlink *l = o->links[j];
			int found = 0;
			CHECK(l->from == o);
			if (l->state != RP_LINK_RESOLVED) {
				CHECK(l->target == NULL);
				if (l->state == RP_LINK_UNKNOWN)
					CHECK(l->why != NULL);
				continue;
			}
			CHECK(l->target != NULL);
			for (k = 0; k < l->target->nbacklinks; k++)
				if (l->target->backlinks[k] == l)
					found = 1;
			CHECK(found);
		}
	}
}

static void check_findings(const rp_deployment *d, const rp_findings *f)
{
	size_t i, s;

	for (i = 0; i < f->count; i++) {
		const rp_finding *x = &f->items[i];
		int in = 0;
		CHECK(x->rule != NULL && x->obj != NULL);
		CHECK(x->message != NULL && x->message[0] != '\0');
		CHECK(x->fingerprint != NULL && strlen(x->fingerprint) == 16);
		CHECK(x->path != NULL);
		if (x->status == RP_STATUS_UNKNOWN)
			CHECK(x->unknown_reason != NULL);
		else
			CHECK(x->unknown_reason == NULL);
		for (s = 0; s < d->nsources; s++)
			if (x->span.src == d->sources[s] &&
			    (size_t)x->span.off + x->span.len <= d->sources[s]->size)
				in = 1;
		CHECK(in);
		if (i && x->span.src == f->items[i - 1].span.src)
			CHECK(f->items[i - 1].span.off <= x->span.off);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_deployment *d = NULL;
	rp_model *m = NULL;
	rp_findings f;
	rp_rule_filter flt;
	rp_diag diag;
	const rp_deployment *deps[1];
	int r;

	if (size > (1u << 20))
		return 0;
	rp_diag_init(&diag);
	memset(&f, 0, sizeof(f));
	r = rp_arm_evaluate_memory("fuzz.json", data, size, NULL, &d, &diag);
	if (r < 0 || !d)
		goto out;
	deps[0] = d;
	r = rp_model_build(deps, 1, &m, &diag);
	CHECK(r == 0 || r == -RP_ENOMEM || r == -RP_ELIMIT);
	if (r < 0)
		goto out;
	check_links(m);
	CHECK(rp_findings_init(&f) == 0);
	memset(&flt, 0, sizeof(flt));
	flt.include_pass = true;
	flt.include_not_applicable = true;
	flt.options.assume_trusted_launch_default = (size & 1) != 0;
	r = rp_rules_run(m, &flt, &f);
	CHECK(r == 0 || r == -RP_ENOMEM);
	if (r == 0)
		check_findings(d, &f);
out:
	rp_findings_release(&f);
	rp_model_free(m);
	rp_deployment_free(d);
	rp_diag_release(&diag);
	return 0;
}
