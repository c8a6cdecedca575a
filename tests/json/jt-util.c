/* jt-util.c: helpers shared by the JSON test programs; see jt-util.h. */
#include "jt-util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int jt_list_add(jt_list *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **p = realloc(l->items, cap * sizeof(*p));
		if (!p)
			return -1;
		l->items = p;
		l->cap = cap;
	}
	l->items[l->n] = strdup(s);
	if (!l->items[l->n])
		return -1;
	l->n++;
	return 0;
}

void jt_list_free(jt_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

char *jt_path(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

const char *jt_base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int jt_list_dir(const char *dir, const char *suffix, jt_list *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		size_t ln = strlen(e->d_name);
		struct stat st;
		char *p;
		if (e->d_name[0] == '.')
			continue;
		if (suffix &&
		    (ln < strlen(suffix) || strcmp(e->d_name + ln - strlen(suffix), suffix) != 0))
			continue;
		p = jt_path(dir, e->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && jt_list_add(out, p) < 0)
			r = -1;
		free(p);
	}
	closedir(d);
	if (out->n)
		qsort(out->items, out->n, sizeof(char *), cmp);
	return r;
}

int jt_read_manifest(const char *manifest, jt_list *out)
{
	FILE *fp = fopen(manifest, "r");
	char line[4096];
	int first = 1, r = 0;

	memset(out, 0, sizeof(*out));
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp)) {
		char *tab = strchr(line, '\t');
		if (first) { /* header */
			first = 0;
			continue;
		}
		if (!tab)
			continue;
		*tab = '\0';
		if (jt_list_add(out, line) < 0)
			r = -1;
	}
	fclose(fp);
	return r;
}

char *jt_read_file(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long sz;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)sz + 1);
	if (!buf)
		goto out;
	if (sz && fread(buf, 1, (size_t)sz, fp) != (size_t)sz) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[sz] = '\0';
	*n = (size_t)sz;
out:
	fclose(fp);
	return buf;
}
