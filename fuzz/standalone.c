/* standalone.c: replays fuzz corpora without libFuzzer.
 *
 * Linked with one fuzz target, it calls LLVMFuzzerTestOneInput once per file
 * named on the command line (directories are walked one level deep, in
 * sorted order), so every corpus and every saved crasher runs as an
 * ordinary test in `make check`.  Prints "N passed, 0 failed"; a crash or
 * sanitizer report fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	int r = -1;

	if (!fp) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)n + 1);
	if (!buf)
		goto out;
	if (n && fread(buf, 1, (size_t)n, fp) != (size_t)n)
		goto out;
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	r = 0;
out:
	free(buf);
	fclose(fp);
	return r;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	size_t passed = 0, failed = 0;
	int i;

	for (i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: not found\n", argv[i]);
			failed++;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *e;
			char **names = NULL;
			size_t n = 0, cap = 0, k;
			if (!d) {
				failed++;
				continue;
			}
			while ((e = readdir(d)) != NULL) {
				if (e->d_name[0] == '.')
					continue;
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					names = realloc(names, cap * sizeof(*names));
					if (!names)
						return 3;
				}
				names[n] = malloc(strlen(argv[i]) + strlen(e->d_name) + 2);
				if (!names[n])
					return 3;
				sprintf(names[n], "%s/%s", argv[i], e->d_name);
				n++;
			}
			closedir(d);
			if (n)
				qsort(names, n, sizeof(*names), cmp);
			for (k = 0; k < n; k++) {
				if (run_file(names[k]) == 0)
					passed++;
				else
					failed++;
				free(names[k]);
			}
			free(names);
		} else if (run_file(argv[i]) == 0) {
			passed++;
		} else {
			failed++;
		}
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed || passed == 0 ? 1 : 0;
}
