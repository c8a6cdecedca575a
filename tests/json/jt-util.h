/* jt-util.h: helpers shared by the JSON test programs (tests/json): file
 * lists and the quickstart manifest.  Test code only. */
#ifndef RP_TESTS_JSON_JT_UTIL_H
#define RP_TESTS_JSON_JT_UTIL_H

#include <stddef.h>

typedef struct jt_list {
	char **items; /* owned, sorted */
	size_t n, cap;
} jt_list;

/* Full paths of the regular files in dir whose names end in suffix (NULL:
 * every file not starting with '.'), sorted.  0 or -1. */
int jt_list_dir(const char *dir, const char *suffix, jt_list *out);
/* Paths (relative to the corpus root) of MANIFEST.tsv's rows.  0 or -1. */
int jt_read_manifest(const char *manifest, jt_list *out);
int jt_list_add(jt_list *l, const char *s);
void jt_list_free(jt_list *l);
/* malloc'd "a/b"; aborts on allocation failure (test code). */
char *jt_path(const char *a, const char *b);
/* Base name of a path (pointer into it). */
const char *jt_base(const char *path);
/* Reads a whole file into malloc'd memory (NUL-terminated); NULL on error. */
char *jt_read_file(const char *path, size_t *n);

#endif
