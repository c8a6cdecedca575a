/* run-rules.c: data-driven rule tests.  For every rule in the registry,
 * tests/rules/<RULE-ID>/<expected>/<name>.json are ARM templates evaluated
 * with the real evaluator (rp_arm_evaluate; a "<name>.parameters.json"
 * beside a template is paired automatically), modelled, and checked with
 * that rule only.  <expected> is the directory name:
 *   pass            at least one PASS; no FAIL, no UNKNOWN
 *   fail            at least one FAIL
 *   unknown         at least one UNKNOWN (with a reason); no FAIL
 *   not-applicable  only NOT_APPLICABLE results
 * A template whose name contains "tlad" runs with the option
 * assume_trusted_launch_default.  Every result must carry a span in the
 * template and a message.  Every rule must have pass, fail and unknown
 * fixtures.  Prints one line per failure and "N passed, N failed". */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "depth/depth.h"
#include "ingest/arm/arm.h"
#include "model/model.h"
#include "rules/rule.h"
#include "util/diag.h"
#include "util/str.h"

#define MAX_FILES 256

static const char *const kinds[] = { "pass", "fail", "unknown", "not-applicable" };

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.json names (not *.parameters.json) in dir; returns count. */
static size_t list_json(const char *dir, char **out, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL && n < cap) {
		if (!rp_str_has_suffix(e->d_name, ".json") ||
		    rp_str_has_suffix(e->d_name, ".parameters.json"))
			continue;
		out[n] = strdup(e->d_name);
		if (out[n])
			n++;
	}
	closedir(d);
	qsort(out, n, sizeof(*out), cmp_str);
	return n;
}

static int check_one(const rp_rule *rule, const char *kind, const char *dir, const char *file)
{
	char path[8400];
	rp_arm_options opts;
	rp_deployment *d = NULL;
	rp_model *m = NULL;
	rp_findings f;
	rp_rule_filter flt;
	rp_diag diag;
	const rp_deployment *deps[1];
	const char *ids[2] = { rule->id, NULL };
	size_t cnt[RP_STATUS_COUNT_] = { 0 }, i;
	int ok = 0, rc;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	rp_diag_init(&diag);
	memset(&f, 0, sizeof(f));
	memset(&opts, 0, sizeof(opts));
	opts.root = dir;
	rc = rp_arm_evaluate(path, &opts, &d, &diag);
	if (rc < 0 || !d) {
		printf("FAIL %s %s/%s: evaluation failed (%d)\n", rule->id, kind, file, rc);
		rp_diag_print(stdout, &diag, false);
		goto out;
	}
	deps[0] = d;
	if (rp_model_build(deps, 1, &m, &diag) < 0 || rp_findings_init(&f) < 0) {
		printf("FAIL %s %s/%s: model build failed\n", rule->id, kind, file);
		goto out;
	}
	memset(&flt, 0, sizeof(flt));
	flt.only_ids = ids;
	flt.include_pass = true;
	flt.include_not_applicable = true;
	flt.options.assume_trusted_launch_default = strstr(file, "tlad") != NULL;
	/* DEPTH rules judge the other rules' results: the whole analysis. */
	if ((rule->layer == RP_LAYER_DEPTH ? rp_depth_run(m, &flt, &f, NULL)
					   : rp_rules_run(m, &flt, &f)) < 0) {
		printf("FAIL %s %s/%s: rules run failed\n", rule->id, kind, file);
		goto out;
	}
	for (i = 0; i < f.count; i++) {
		const rp_finding *x = &f.items[i];
		if (x->rule != rule)
			continue;
		cnt[x->status]++;
		if (!x->span.src || !x->message[0] || !x->fingerprint[0] ||
		    (x->status == RP_STATUS_UNKNOWN && !x->unknown_reason)) {
			printf("FAIL %s %s/%s: result without span, message or reason\n", rule->id,
			       kind, file);
			goto out;
		}
		if (x->span.src != d->sources[0] && d->nsources == 1) {
			printf("FAIL %s %s/%s: span outside the template\n", rule->id, kind, file);
			goto out;
		}
	}
	if (!strcmp(kind, "pass"))
		ok = cnt[RP_STATUS_PASS] > 0 && !cnt[RP_STATUS_FAIL] && !cnt[RP_STATUS_UNKNOWN];
	else if (!strcmp(kind, "fail"))
		ok = cnt[RP_STATUS_FAIL] > 0;
	else if (!strcmp(kind, "unknown"))
		ok = cnt[RP_STATUS_UNKNOWN] > 0 && !cnt[RP_STATUS_FAIL];
	else
		ok = cnt[RP_STATUS_NOT_APPLICABLE] > 0 && !cnt[RP_STATUS_FAIL] &&
		     !cnt[RP_STATUS_UNKNOWN] && !cnt[RP_STATUS_PASS];
	if (!ok) {
		printf("FAIL %s %s/%s: got pass %zu, fail %zu, unknown %zu, n/a %zu\n", rule->id,
		       kind, file, cnt[0], cnt[1], cnt[2], cnt[3]);
		for (i = 0; i < f.count; i++)
			printf("  %s: %s%s%s\n", rp_status_name(f.items[i].status),
			       f.items[i].message, f.items[i].unknown_reason ? " -- " : "",
			       f.items[i].unknown_reason ? f.items[i].unknown_reason : "");
	} else if (getenv("RAMPART_RULES_VERBOSE")) {
		for (i = 0; i < f.count; i++)
			printf("ok %s %s/%s: %s: %s\n", rule->id, kind, file,
			       rp_status_name(f.items[i].status), f.items[i].message);
	}
out:
	rp_findings_release(&f);
	rp_model_free(m);
	rp_deployment_free(d);
	rp_diag_release(&diag);
	return ok;
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : getenv("RAMPART_SOURCE_ROOT");
	char base[4096], dir[4200];
	size_t passed = 0, failed = 0, r, k, i;

	if (!root) {
		fprintf(stderr, "usage: run-rules SOURCE_ROOT\n");
		return 2;
	}
	snprintf(base, sizeof(base), "%s/tests/rules", root);
	for (r = 0; r < rp_nrules; r++) {
		const rp_rule *rule = rp_rules[r];
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			char *files[MAX_FILES];
			size_t n;
			snprintf(dir, sizeof(dir), "%s/%s/%s", base, rule->id, kinds[k]);
			n = list_json(dir, files, MAX_FILES);
			if (n == 0 && k < 3) {
				printf("FAIL %s: no %s fixtures\n", rule->id, kinds[k]);
				failed++;
			}
			for (i = 0; i < n; i++) {
				if (check_one(rule, kinds[k], dir, files[i]))
					passed++;
				else
					failed++;
				free(files[i]);
			}
		}
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
