/* corpus-rules.c: runs the model and every rule over the primary templates
 * of the Azure Quickstart corpus (../shared/corpus/arm-quickstart,
 * MANIFEST.tsv), checking invariants on every result: a span inside a
 * loaded source, a message, a 16-digit fingerprint, a reason for every
 * UNKNOWN, no NOT_APPLICABLE unless asked, fingerprints unique per
 * (rule, object, path), sorted output, and identical results on a second
 * run (determinism).  Templates the evaluator rejects are counted, not
 * failed.  Prints per-rule status counts, then "N passed, N failed"
 * (templates whose results respect every invariant / do not). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/arm/arm.h"
#include "model/model.h"
#include "rules/rule.h"
#include "util/diag.h"

#define MAX_LINE 4096
#define MAX_RULES 128

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(const rp_model *m, rp_findings *f)
{
	rp_rule_filter flt;

	memset(&flt, 0, sizeof(flt));
	flt.include_pass = true;
	if (rp_findings_init(f) < 0)
		return -1;
	return rp_rules_run(m, &flt, f);
}

static const char *check(const rp_deployment *d, const rp_findings *a, const rp_findings *b)
{
	size_t i, j, s;

	if (a->count != b->count)
		return "second run gave a different number of results";
	for (i = 0; i < a->count; i++) {
		const rp_finding *x = &a->items[i];
		bool in_src = false;
		if (strcmp(x->fingerprint, b->items[i].fingerprint) ||
		    x->status != b->items[i].status || strcmp(x->message, b->items[i].message))
			return "second run gave different results";
		for (s = 0; s < d->nsources; s++)
			if (x->span.src == d->sources[s] &&
			    (size_t)x->span.off + x->span.len <= d->sources[s]->size)
				in_src = true;
		if (!in_src)
			return "span outside the loaded sources";
		if (!x->message[0])
			return "empty message";
		if (strlen(x->fingerprint) != 16)
			return "bad fingerprint";
		if (x->status == RP_STATUS_UNKNOWN && (!x->unknown_reason || !x->unknown_reason[0]))
			return "UNKNOWN without a reason";
		if (x->status == RP_STATUS_NOT_APPLICABLE)
			return "NOT_APPLICABLE result although not requested";
		if (i && strcmp(x->span.src->name, a->items[i - 1].span.src->name) == 0 &&
		    x->span.off < a->items[i - 1].span.off)
			return "results not sorted";
		for (j = 0; j < i; j++)
			/* the same fingerprint material "<rule>|<ident>|<path>" */
			if (a->items[j].rule == x->rule && !strcmp(a->items[j].ident, x->ident) &&
			    !strcmp(a->items[j].path, x->path) && a->items[j].obj != x->obj) {
				if (getenv("RAMPART_RULES_VERBOSE"))
					printf("  duplicate: %s|%s|%s (%s / %s)\n", x->rule->id,
					       x->ident, x->path, a->items[j].obj->path,
					       x->obj->path);
				return "two objects share a fingerprint";
			}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *shared = argc > 1 ? argv[1] : getenv("RAMPART_SHARED");
	char root[MAX_LINE], manifest[MAX_LINE + 32], line[MAX_LINE], path[2 * MAX_LINE];
	size_t counts[MAX_RULES][RP_STATUS_COUNT_];
	size_t passed = 0, failed = 0, noeval = 0, nobjs = 0, nres = 0, nunres = 0, i;
	double t_eval = 0, t_rules = 0;
	FILE *fp;

	if (!shared) {
		fprintf(stderr, "usage: corpus-rules SHARED_DIR\n");
		return 2;
	}
	memset(counts, 0, sizeof(counts));
	snprintf(root, sizeof(root), "%s/corpus/arm-quickstart", shared);
	snprintf(manifest, sizeof(manifest), "%s/MANIFEST.tsv", root);
	fp = fopen(manifest, "r");
	if (!fp) {
		printf("SKIP: no corpus at %s\n0 passed, 0 failed\n", root);
		return 77;
	}
	while (fgets(line, sizeof(line), fp)) {
		char *tab = strchr(line, '\t');
		rp_arm_options opts;
		rp_deployment *d = NULL;
		rp_model *m = NULL;
		rp_findings f1, f2;
		rp_diag diag;
		const rp_deployment *deps[1];
		const char *bad = NULL;
		double t0, t1;

		if (!tab || strncmp(tab + 1, "primary\t", 8) != 0)
			continue;
		*tab = '\0';
		snprintf(path, sizeof(path), "%s/%s", root, line);
		memset(&opts, 0, sizeof(opts));
		opts.root = root;
		memset(&f1, 0, sizeof(f1));
		memset(&f2, 0, sizeof(f2));
		rp_diag_init(&diag);
		t0 = now();
		if (rp_arm_evaluate(path, &opts, &d, &diag) < 0 || !d) {
			noeval++;
			d = rp_deployment_free(d);
			goto next;
		}
		t1 = now();
		t_eval += t1 - t0;
		deps[0] = d;
		if (rp_model_build(deps, 1, &m, &diag) < 0 || run(m, &f1) < 0) {
			bad = "model or rules failed";
			goto next;
		}
		t_rules += now() - t1;
		if (run(m, &f2) < 0) {
			bad = "second run failed";
			goto next;
		}
		bad = check(d, &f1, &f2);
		nres += d->nresources;
		nobjs += m->nobjs;
		nunres += m->nunresolved;
		for (i = 0; i < f1.count; i++) {
			size_t r;
			for (r = 0; r < rp_nrules && r < MAX_RULES; r++)
				if (rp_rules[r] == f1.items[i].rule)
					counts[r][f1.items[i].status]++;
		}
	next:
		if (d) {
			if (bad) {
				printf("FAIL %s: %s\n", line, bad);
				failed++;
			} else {
				passed++;
			}
		}
		rp_findings_release(&f1);
		rp_findings_release(&f2);
		rp_model_free(m);
		rp_deployment_free(d);
		rp_diag_release(&diag);
	}
	fclose(fp);
	printf("%-14s %6s %6s %7s\n", "rule", "pass", "fail", "unknown");
	for (i = 0; i < rp_nrules && i < MAX_RULES; i++)
		printf("%-14s %6zu %6zu %7zu\n", rp_rules[i]->id, counts[i][RP_STATUS_PASS],
		       counts[i][RP_STATUS_FAIL], counts[i][RP_STATUS_UNKNOWN]);
	printf("templates: %zu checked, %zu not evaluated; resources %zu, model objects %zu, "
	       "unresolved references %zu\n",
	       passed + failed, noeval, nres, nobjs, nunres);
	printf("time: evaluation %.3f s, model + rules %.3f s (ratio %.2f)\n", t_eval, t_rules,
	       t_eval > 0 ? t_rules / t_eval : 0.0);
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
