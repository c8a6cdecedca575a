/* bench-arm.c: ARM template evaluation throughput over the Azure Quickstart
 * corpus, with parse-only time of the same files measured in the same run as
 * the reference.
 *
 * usage: bench-arm [QUICKSTART_DIR] [--runs N]
 *   QUICKSTART_DIR defaults to $RAMPART_SHARED/corpus/arm-quickstart.
 *
 * Workload: every primary template of MANIFEST.tsv (1,180).
 *  evaluate: rp_arm_evaluate on each template (reads and parses it, its
 *    paired parameters file and the linked templates it resolves under the
 *    corpus root, converts them to values and evaluates everything);
 *  parse-only: read and parse (rp_source_load + rp_json_parse, extended
 *    syntax) exactly the files that evaluation read (recorded in the
 *    warm-up run from each deployment's sources).
 * Best of N runs (default 3) after one warm-up.  Prints templates per second
 * for both and the ratio evaluate / parse-only (target: <= 2.0).
 */
#include "ingest/arm/arm.h"
#include "json/json.h"
#include "util/error.h"
#include "util/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int parse_one(const char *path)
{
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	int r = rp_source_load(path, 0, &src, NULL);

	if (r == 0)
		r = rp_json_parse(src, RP_JSON_EXTENDED, &doc, NULL);
	rp_json_doc_free(doc);
	rp_source_free(src);
	return r;
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	char manifest[4200], line[8192];
	char **paths = NULL, **params = NULL;
	char ***files = NULL; /* per template: the files evaluation read */
	size_t *nfiles = NULL, nread = 0;
	size_t n = 0, cap = 0, i, j, errs = 0;
	int runs = 3, run, a;
	double best_parse = 1e30, best_eval = 1e30;
	FILE *fp;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--runs") == 0 && a + 1 < argc)
			runs = atoi(argv[++a]);
		else
			dir = argv[a];
	}
	if (!dir) {
		const char *sh = getenv("RAMPART_SHARED");
		static char buf[4096];
		if (!sh) {
			fprintf(stderr, "bench-arm: give QUICKSTART_DIR or set RAMPART_SHARED\n");
			return 2;
		}
		snprintf(buf, sizeof(buf), "%s/corpus/arm-quickstart", sh);
		dir = buf;
	}
	if (runs < 1)
		runs = 1;
	snprintf(manifest, sizeof(manifest), "%s/MANIFEST.tsv", dir);
	fp = fopen(manifest, "r");
	if (!fp) {
		fprintf(stderr, "bench-arm: cannot open %s\n", manifest);
		return 2;
	}
	while (fgets(line, sizeof(line), fp)) {
		char *tab = strchr(line, '\t');
		if (!tab || strncmp(tab + 1, "primary\t", 8) != 0)
			continue;
		*tab = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			paths = realloc(paths, cap * sizeof(*paths));
			params = realloc(params, cap * sizeof(*params));
			if (!paths || !params)
				return 3;
		}
		paths[n] = malloc(strlen(dir) + strlen(line) + 2);
		if (!paths[n])
			return 3;
		sprintf(paths[n], "%s/%s", dir, line);
		params[n] = rp_arm_find_params(paths[n]);
		n++;
	}
	fclose(fp);
	files = calloc(n ? n : 1, sizeof(*files));
	nfiles = calloc(n ? n : 1, sizeof(*nfiles));
	if (!files || !nfiles)
		return 3;
	for (run = 0; run <= runs; run++) {
		double t0 = now(), t1, t2;
		for (i = 0; run > 0 && i < n; i++)
			for (j = 0; j < nfiles[i]; j++)
				parse_one(files[i][j]);
		t1 = now();
		for (i = 0; i < n; i++) {
			rp_arm_options o;
			rp_deployment *d = NULL;
			rp_diag diag;
			memset(&o, 0, sizeof(o));
			o.root = dir;
			rp_diag_init(&diag);
			if (rp_arm_evaluate(paths[i], &o, &d, &diag) < 0 && run == 0)
				errs++;
			if (run == 0 && d) {
				files[i] = calloc(d->nsources ? d->nsources : 1, sizeof(char *));
				if (!files[i])
					return 3;
				for (j = 0; j < d->nsources; j++)
					files[i][nfiles[i]++] = strdup(d->sources[j]->name);
				nread += nfiles[i];
			}
			rp_deployment_free(d);
			rp_diag_release(&diag);
		}
		t2 = now();
		if (run == 0)
			continue; /* warm-up */
		if (t1 - t0 < best_parse)
			best_parse = t1 - t0;
		if (t2 - t1 < best_eval)
			best_eval = t2 - t1;
	}
	printf("bench-arm: %zu primary templates (%zu with errors), %zu files read, best of %d "
	       "runs\n",
	       n, errs, nread, runs);
	printf("bench-arm: parse only: %.3f s, %.0f templates/s\n", best_parse,
	       (double)n / best_parse);
	printf("bench-arm: evaluate:   %.3f s, %.0f templates/s\n", best_eval,
	       (double)n / best_eval);
	printf("bench-arm: ratio evaluate / parse-only = %.2f (target <= 2.00)\n",
	       best_eval / best_parse);
	for (i = 0; i < n; i++) {
		free(paths[i]);
		free(params[i]);
		for (j = 0; j < nfiles[i]; j++)
			free(files[i][j]);
		free(files[i]);
	}
	free(files);
	free(nfiles);
	free(paths);
	free(params);
	return 0;
}
