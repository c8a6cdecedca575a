/* test-json-cases.c: runs the accept/reject corpus tests/json/cases.
 *
 * usage: test-json-cases CASES_DIR
 * File-name prefixes (see CASES_DIR/README.md): y_ accept (both modes, no
 * extension), n_ reject (both modes), x_ extended only, i_ our choice, read
 * from the table in CASES_DIR/README.md.  Every rejection must carry an
 * error diagnostic whose span lies inside the file.  Prints one line per
 * failure and a final "N passed, N failed".
 */
#include "json/json.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

#include "jt-util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct choice {
	char name[128];
	bool accept;
};

static struct choice choices[256];
static size_t nchoices;

/* Rows "| i_x.json | accept | ... |" of README.md. */
static int read_choices(const char *readme)
{
	FILE *fp = fopen(readme, "r");
	char line[1024];

	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp)) {
		char name[128], what[16];
		if (sscanf(line, "| %127[^ |] | %15[^ |] |", name, what) != 2 ||
		    strncmp(name, "i_", 2) != 0)
			continue;
		if (nchoices == sizeof choices / sizeof choices[0])
			break;
		snprintf(choices[nchoices].name, sizeof choices[0].name, "%s", name);
		choices[nchoices].accept = strcmp(what, "accept") == 0;
		nchoices++;
	}
	fclose(fp);
	return 0;
}

static const struct choice *find_choice(const char *name)
{
	size_t i;

	for (i = 0; i < nchoices; i++)
		if (strcmp(choices[i].name, name) == 0)
			return &choices[i];
	return NULL;
}

/* The last error in d is about src and lies inside it. */
static bool error_inside(const rp_diag *d, const rp_source *src)
{
	size_t i;

	for (i = d->count; i-- > 0;) {
		const rp_diag_item *it = &d->items[i];
		if (it->level != RP_DIAG_ERROR)
			continue;
		return it->src == src && it->start <= src->size && it->end <= src->size &&
		       it->start <= it->end && it->message && it->message[0];
	}
	return false;
}

static const char *check(const char *path, rp_source *src)
{
	const char *name = jt_base(path);
	rp_json_doc *strict = NULL, *ext = NULL;
	rp_diag ds, de;
	const char *fail = NULL;
	int rs, re;
	uint32_t i;

	rp_diag_init(&ds);
	rp_diag_init(&de);
	rs = rp_json_parse(src, RP_JSON_STRICT, &strict, &ds);
	re = rp_json_parse(src, RP_JSON_EXTENDED, &ext, &de);
	if (rs != 0 && rs != -RP_EPARSE && rs != -RP_ELIMIT) {
		fail = "strict parse returned an unexpected code";
		goto out;
	}
	if (rs != 0 && !error_inside(&ds, src)) {
		fail = "strict rejection without an error inside the file";
		goto out;
	}
	if (re != 0 && !error_inside(&de, src)) {
		fail = "extended rejection without an error inside the file";
		goto out;
	}
	switch (name[0]) {
	case 'y':
		if (rs != 0)
			fail = "strict mode rejected a y_ case";
		else if (re != 0)
			fail = "extended mode rejected a y_ case";
		else if (ext->ext_mask != 0 || ext->nuses != 0)
			fail = "extension recorded for a y_ case";
		break;
	case 'n':
		if (rs == 0)
			fail = "strict mode accepted an n_ case";
		else if (re == 0)
			fail = "extended mode accepted an n_ case";
		break;
	case 'x':
		if (rs == 0)
			fail = "strict mode accepted an x_ case";
		else if (re != 0)
			fail = "extended mode rejected an x_ case";
		else if (ext->ext_mask == 0 || ext->nuses == 0)
			fail = "no extension recorded for an x_ case";
		for (i = 0; !fail && re == 0 && i < ext->nuses; i++)
			if (ext->ext_uses[i].off >= src->size)
				fail = "extension use recorded outside the file";
		break;
	case 'i': {
		const struct choice *c = find_choice(name);
		if (!c)
			fail = "i_ case missing from README.md's table";
		else if (c->accept && (rs != 0 || re != 0))
			fail = "i_ case documented as accepted was rejected";
		else if (!c->accept && (rs == 0 || re == 0))
			fail = "i_ case documented as rejected was accepted";
		break;
	}
	default: fail = "unknown prefix";
	}
out:
	if (fail) {
		size_t k;
		for (k = 0; k < ds.count; k++)
			fprintf(stderr, "    strict: %s\n", ds.items[k].message);
		for (k = 0; k < de.count; k++)
			fprintf(stderr, "    extended: %s\n", de.items[k].message);
	}
	rp_json_doc_free(strict);
	rp_json_doc_free(ext);
	rp_diag_release(&ds);
	rp_diag_release(&de);
	return fail;
}

int main(int argc, char **argv)
{
	jt_list files;
	size_t passed = 0, failed = 0, i;
	char *readme;

	if (argc != 2) {
		fprintf(stderr, "usage: test-json-cases CASES_DIR\n");
		return 2;
	}
	readme = jt_path(argv[1], "README.md");
	if (read_choices(readme) < 0 || nchoices == 0) {
		fprintf(stderr, "cannot read the i_ table from %s\n", readme);
		free(readme);
		return 2;
	}
	free(readme);
	if (jt_list_dir(argv[1], ".json", &files) < 0 || files.n < 150) {
		fprintf(stderr, "cannot list %s (or fewer than 150 cases)\n", argv[1]);
		return 2;
	}
	for (i = 0; i < files.n; i++) {
		rp_source *src = NULL;
		const char *fail;
		if (rp_source_load(files.items[i], 0, &src, NULL) < 0) {
			fail = "cannot read the file";
		} else {
			fail = check(files.items[i], src);
		}
		if (fail) {
			printf("FAIL %s: %s\n", jt_base(files.items[i]), fail);
			failed++;
		} else {
			passed++;
		}
		rp_source_free(src);
	}
	/* every documented choice has its file */
	for (i = 0; i < nchoices; i++) {
		char *p = jt_path(argv[1], choices[i].name);
		FILE *fp = fopen(p, "rb");
		if (!fp) {
			printf("FAIL %s: listed in README.md but missing\n", choices[i].name);
			failed++;
		} else {
			fclose(fp);
		}
		free(p);
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	jt_list_free(&files);
	return failed ? 1 : 0;
}
