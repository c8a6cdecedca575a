/* test-json-quickstart.c: every JSON file of the ARM quickstart corpus
 * ($RAMPART_SHARED/corpus/arm-quickstart, listed in its MANIFEST.tsv) parses
 * in extended mode, and the files that use an extension, with the exact
 * extensions, are the ones in quickstart-extensions.tsv (from the corpus
 * README's "Parser edge cases").  Each extension use lies inside its file.
 *
 * usage: test-json-quickstart CORPUS_DIR EXPECTED_TSV
 * Prints one line per failure and "N passed, N failed".
 */
#include "json/json.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

#include "jt-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXPECTED 64

struct expected {
	char path[1024];
	unsigned mask;
	bool seen;
};

static struct expected want[MAX_EXPECTED];
static size_t nwant;

static int ext_by_name(const char *name)
{
	int e;

	for (e = 0; e < RP_JSON_EXT_COUNT_; e++)
		if (strcmp(rp_json_ext_name((rp_json_ext)e), name) == 0)
			return e;
	return -1;
}

static int read_expected(const char *tsv)
{
	FILE *fp = fopen(tsv, "r");
	char line[1024];

	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp)) {
		char *tab = strchr(line, '\t'), *nl;
		int e;
		size_t i;
		if (line[0] == '#' || !tab)
			continue;
		*tab++ = '\0';
		if ((nl = strchr(tab, '\n')) != NULL)
			*nl = '\0';
		e = ext_by_name(tab);
		if (e < 0) {
			fprintf(stderr, "%s: unknown extension '%s'\n", tsv, tab);
			fclose(fp);
			return -1;
		}
		for (i = 0; i < nwant && strcmp(want[i].path, line) != 0; i++)
			;
		if (i == nwant) {
			if (nwant == MAX_EXPECTED)
				break;
			snprintf(want[nwant].path, sizeof want[0].path, "%s", line);
			nwant++;
		}
		want[i].mask |= 1u << e;
	}
	fclose(fp);
	return 0;
}

static void mask_names(unsigned mask, char *buf, size_t cap)
{
	int e;

	buf[0] = '\0';
	for (e = 0; e < RP_JSON_EXT_COUNT_; e++)
		if (mask & (1u << e))
			snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", buf[0] ? ", " : "",
				 rp_json_ext_name((rp_json_ext)e));
	if (!buf[0])
		snprintf(buf, cap, "none");
}

int main(int argc, char **argv)
{
	jt_list files;
	size_t passed = 0, failed = 0, i, per_ext[RP_JSON_EXT_COUNT_] = { 0 }, with_ext = 0;
	char *manifest;

	if (argc != 3) {
		fprintf(stderr, "usage: test-json-quickstart CORPUS_DIR EXPECTED_TSV\n");
		return 2;
	}
	if (read_expected(argv[2]) < 0 || nwant == 0) {
		fprintf(stderr, "cannot read %s\n", argv[2]);
		return 2;
	}
	manifest = jt_path(argv[1], "MANIFEST.tsv");
	if (jt_read_manifest(manifest, &files) < 0 || files.n == 0) {
		fprintf(stderr, "cannot read %s\n", manifest);
		free(manifest);
		return 2;
	}
	free(manifest);
	for (i = 0; i < files.n; i++) {
		char *path = jt_path(argv[1], files.items[i]);
		rp_source *src = NULL;
		rp_json_doc *doc = NULL;
		rp_diag d;
		unsigned expect = 0;
		const char *fail = NULL;
		char got[128], exp[128];
		size_t k;
		int r;

		rp_diag_init(&d);
		for (k = 0; k < nwant; k++) {
			if (strcmp(want[k].path, files.items[i]) == 0) {
				expect = want[k].mask;
				want[k].seen = true;
			}
		}
		r = rp_source_load(path, 0, &src, &d);
		if (r == 0)
			r = rp_json_parse(src, RP_JSON_EXTENDED, &doc, &d);
		if (r != 0) {
			fail = d.count ? d.items[0].message : "parse failed";
		} else if (doc->ext_mask != expect) {
			fail = "extensions differ";
		} else {
			for (k = 0; k < doc->nuses; k++)
				if (doc->ext_uses[k].off >= src->size)
					fail = "extension use outside the file";
			if (doc->ext_mask) {
				with_ext++;
				for (k = 0; k < RP_JSON_EXT_COUNT_; k++)
					per_ext[k] += (doc->ext_mask >> k) & 1u;
			}
		}
		if (fail) {
			mask_names(doc ? doc->ext_mask : 0, got, sizeof got);
			mask_names(expect, exp, sizeof exp);
			printf("FAIL %s: %s (used: %s; expected: %s)\n", files.items[i], fail, got,
			       exp);
			failed++;
		} else {
			passed++;
		}
		rp_json_doc_free(doc);
		rp_diag_release(&d);
		rp_source_free(src);
		free(path);
	}
	for (i = 0; i < nwant; i++) {
		if (!want[i].seen) {
			printf("FAIL %s: expected in the manifest but not listed\n", want[i].path);
			failed++;
		}
	}
	printf("%zu files; %zu use extensions:", files.n, with_ext);
	for (i = 0; i < RP_JSON_EXT_COUNT_; i++)
		printf(" %s %zu%s", rp_json_ext_name((rp_json_ext)i), per_ext[i],
		       i + 1 < RP_JSON_EXT_COUNT_ ? "," : "\n");
	printf("%zu passed, %zu failed\n", passed, failed);
	jt_list_free(&files);
	return failed ? 1 : 0;
}
