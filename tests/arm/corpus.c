/* corpus.c: evaluates every primary template of the Azure Quickstart corpus
 * ($RAMPART_SHARED/corpus/arm-quickstart, MANIFEST.tsv role=primary) with
 * its automatically paired parameters file and the corpus root as the
 * linked-template root.  Prints counts (fully known / with unknowns /
 * failed), failures grouped by diagnostic code, the number of unresolved
 * linked templates, and fails when fewer than 99% evaluate without an error.
 *
 * Usage: arm-corpus [MIN_PERCENT]   (default 99)
 */
#include "ingest/arm/arm.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reason {
	char *code;
	size_t count;
	rp_buf files;
} reason;

static bool res_has_unknown(const rp_resource *r)
{
	return r->condition == RP_COND_UNKNOWN || rp_value_has_unknown(r->name) ||
	       rp_value_has_unknown(r->body);
}

int main(int argc, char **argv)
{
	const char *shared = getenv("RAMPART_SHARED");
	double min_pct = argc > 1 ? atof(argv[1]) : 99.0;
	char root[4096], manifest[4200], line[8192], path[12400];
	FILE *fp;
	size_t total = 0, known = 0, unknowns = 0, failed = 0, unresolved = 0, nres = 0;
	size_t with_unresolved = 0;
	reason reasons[64];
	size_t nreasons = 0, i;
	double pct;

	if (!shared) {
		fprintf(stderr, "arm-corpus: RAMPART_SHARED is not set\n");
		return 77;
	}
	snprintf(root, sizeof(root), "%s/corpus/arm-quickstart", shared);
	snprintf(manifest, sizeof(manifest), "%s/MANIFEST.tsv", root);
	fp = fopen(manifest, "r");
	if (!fp) {
		fprintf(stderr, "arm-corpus: cannot open %s (skipped)\n", manifest);
		return 77;
	}
	memset(reasons, 0, sizeof(reasons));
	while (fgets(line, sizeof(line), fp)) {
		char *tab = strchr(line, '\t'), *role;
		rp_arm_options o;
		rp_deployment *d = NULL;
		rp_diag diag;
		int r;
		bool unk = false, unres = false;

		if (!tab)
			continue;
		*tab = '\0';
		role = tab + 1;
		if (strncmp(role, "primary\t", 8) != 0)
			continue;
		total++;
		snprintf(path, sizeof(path), "%s/%s", root, line);
		memset(&o, 0, sizeof(o));
		o.root = root;
		rp_diag_init(&diag);
		r = rp_arm_evaluate(path, &o, &d, &diag);
		for (i = 0; i < diag.count; i++)
			if (diag.items[i].code &&
			    strcmp(diag.items[i].code, "arm-unresolved-link") == 0) {
				unresolved++;
				unres = true;
			}
		if (unres)
			with_unresolved++;
		if (r < 0 || diag.nerrors) {
			const rp_diag_item *first = NULL;
			const char *code;
			for (i = 0; i < diag.count && !first; i++)
				if (diag.items[i].level == RP_DIAG_ERROR)
					first = &diag.items[i];
			code = first && first->code ? first->code
						    : (first ? "(no code)" : rp_strerror(r));
			for (i = 0; i < nreasons; i++)
				if (strcmp(reasons[i].code, code) == 0)
					break;
			if (i == nreasons && nreasons < sizeof(reasons) / sizeof(reasons[0])) {
				reasons[i].code = strdup(code);
				nreasons++;
			}
			if (i < nreasons) {
				uint32_t l = 0, c = 0;
				reasons[i].count++;
				if (first && first->src)
					rp_source_linecol(first->src, first->start, &l, &c);
				rp_buf_printf(&reasons[i].files, "    %s:%u:%u: %s\n", line, l, c,
					      first ? first->message : rp_strerror(r));
			}
			failed++;
		} else {
			for (i = 0; d && i < d->nresources && !unk; i++)
				unk = res_has_unknown(&d->resources[i]);
			if (d)
				nres += d->nresources;
			if (unk)
				unknowns++;
			else
				known++;
		}
		rp_deployment_free(d);
		rp_diag_release(&diag);
	}
	fclose(fp);
	pct = total ? 100.0 * (double)(total - failed) / (double)total : 0.0;
	printf("arm corpus: %zu primary templates: %zu fully known, %zu with unknowns, %zu failed "
	       "(%.2f%% without error; need %.2f%%)\n",
	       total, known, unknowns, failed, pct, min_pct);
	printf("arm corpus: %zu resources; %zu unresolved linked templates in %zu templates "
	       "(warnings)\n",
	       nres, unresolved, with_unresolved);
	for (i = 0; i < nreasons; i++) {
		printf("  failed: %s: %zu\n%s", reasons[i].code, reasons[i].count,
		       reasons[i].files.data ? reasons[i].files.data : "");
		free(reasons[i].code);
		rp_buf_release(&reasons[i].files);
	}
	/* The test is one check: the success rate.  Templates that fail to
	 * evaluate (their own bugs, or something unavailable) are reported
	 * above, not counted as failed tests. */
	printf("%d passed, %d failed\n", total > 0 && pct >= min_pct ? 1 : 0,
	       total > 0 && pct >= min_pct ? 0 : 1);
	return total > 0 && pct >= min_pct ? 0 : 1;
}
