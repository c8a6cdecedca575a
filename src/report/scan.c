/* scan.c: the scan driver (see scan.h): discovery, per-file evaluation ->
 * model -> rules -> report findings, inline suppressions, worker threads. */
#include "report/scan.h"
#include "report/internal.h"
#include "report/scan_net.h"
#include "depth/depth.h"
#include "ingest/arm/arm.h"
#include "report/assets.h"
#include "ingest/detect.h"
#include "model/model.h"
#include "watch/detect.h"
#include "util/error.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- discovery ---- */

/* The directories the walk listed (their paths as the walk shows them,
 * without trailing slashes) and every entry with a ".json" name in them,
 * whatever its type (a symbolic link to a parameters file counts: the
 * evaluator follows it).  A parameters candidate (X.parameters.json,
 * azuredeploy.parameters.json) in a listed directory that is not among
 * the entries does not exist, and is not opened to find that out: about
 * a thousand failed opens in the quickstart corpus. */
struct rp_scan_listing {
	rp_arena *a; /* the keys */
	rp_map dirs, jsons;
};

static void listing_free(struct rp_scan_listing *l)
{
	if (!l)
		return;
	rp_map_release(&l->dirs);
	rp_map_release(&l->jsons);
	rp_arena_free(l->a);
	free(l);
}

/* Records path (len bytes) in m; 0 or -RP_ENOMEM. */
static int listing_put(struct rp_scan_listing *l, rp_map *m, const char *path, size_t len)
{
	char *k = rp_arena_strndup(l->a, path, len);

	return k ? rp_map_put(m, k, len, NULL, NULL) : -RP_ENOMEM;
}

/* rp_arm_options.path_absent: path is in a listed directory and not among
 * its entries. */
static bool listing_absent(void *ctx, const char *path)
{
	const struct rp_scan_listing *l = ctx;
	const char *sl = strrchr(path, '/');

	if (!l || !sl || sl == path || !rp_map_get(&l->dirs, path, (size_t)(sl - path), NULL))
		return false;
	return !rp_map_get(&l->jsons, path, strlen(path), NULL);
}

void rp_scan_files_release(rp_scan_files *f)
{
	size_t i;

	listing_free(f->listing);
	for (i = 0; i < f->n; i++) {
		free(f->items[i].path);
		free(f->items[i].root);
	}
	free(f->items);
	memset(f, 0, sizeof(*f));
}

static int files_add(rp_scan_files *f, const char *path, const char *root, bool explicit_arg)
{
	rp_scan_file *e;

	if (f->n >= RP_SCAN_MAX_FILES)
		return -RP_ELIMIT;
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 64;
		void *p = realloc(f->items, ncap * sizeof(*f->items));
		if (!p)
			return -RP_ENOMEM;
		f->items = p;
		f->cap = ncap;
	}
	e = &f->items[f->n];
	e->path = strdup(path);
	e->root = root ? strdup(root) : NULL;
	e->explicit_arg = explicit_arg;
	if (!e->path || (root && !e->root)) {
		free(e->path);
		free(e->root);
		return -RP_ENOMEM;
	}
	f->n++;
	return 0;
}

static bool json_name(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && rp_str_ieq(name + n - 5, ".json", 5);
}

/* Names as the walk keeps them: the entry's d_type, then its name. */
static int cmp_entry(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

/* Walks dir (path as it will be shown), depth-limited, sorted.  The
 * entries' types come from the directory itself (d_type): no lstat per
 * entry, except on file systems that do not tell (DT_UNKNOWN). */
#define WALK_DENTS ((size_t)32 * 1024) /* getdents64 buffer, as readdir's */

/* Appends each entry of the directory open on fd (but . and ..) to
 * *names as cmp_entry keeps them.  getdents64 straight, not opendir and
 * readdir: readdir's opendir costs a status call per directory (1,500 in
 * the quickstart corpus).  The records' fields are copied out, never cast
 * onto. */
static int read_entries(int fd, char ***names, size_t *n, size_t *cap)
{
	const size_t name_at = offsetof(struct dirent64, d_name);
	char *buf = malloc(WALK_DENTS);
	int rc = 0;

	if (!buf)
		return -RP_ENOMEM;
	for (;;) {
		ssize_t got = getdents64(fd, buf, WALK_DENTS);
		size_t off = 0;
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break; /* the end, or an error: readdir would stop too */
		while (off + name_at < (size_t)got) {
			unsigned short reclen;
			unsigned char type;
			const char *name = buf + off + name_at;
			size_t nl;
			memcpy(&reclen, buf + off + offsetof(struct dirent64, d_reclen),
			       sizeof(reclen));
			if (reclen <= name_at || reclen > (size_t)got - off)
				break;
			memcpy(&type, buf + off + offsetof(struct dirent64, d_type), 1);
			nl = strnlen(name, reclen - name_at);
			off += reclen;
			if (nl == reclen - name_at || (nl == 1 && name[0] == '.') ||
			    (nl == 2 && name[0] == '.' && name[1] == '.'))
				continue; /* unterminated (never from the kernel), . or .. */
			if (*n == *cap) {
				size_t ncap = *cap ? *cap * 2 : 32;
				char **p = realloc(*names, ncap * sizeof(**names));
				if (!p) {
					rc = -RP_ENOMEM;
					goto out;
				}
				*names = p;
				*cap = ncap;
			}
			(*names)[*n] = malloc(nl + 2);
			if (!(*names)[*n]) {
				rc = -RP_ENOMEM;
				goto out;
			}
			(*names)[*n][0] = (char)type;
			memcpy((*names)[*n] + 1, name, nl + 1);
			(*n)++;
		}
	}
out:
	free(buf);
	return rc;
}

static int walk(const char *dir, const char *root, int depth, rp_scan_files *out, rp_diag *diag)
{
	int fd = -1;
	char **names = NULL;
	size_t n = 0, cap = 0, i, dl = strlen(dir), kl = dl;
	bool slash = dl > 0 && dir[dl - 1] == '/';
	int rc = 0;

	if (depth > RP_SCAN_MAX_DEPTH) {
		rp_diag_addc(diag, RP_DIAG_WARNING, "scan-depth", NULL, 0, 0,
			     "%s: directory nesting deeper than %d, not walked", dir,
			     RP_SCAN_MAX_DEPTH);
		return 0;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rp_diag_addc(diag, RP_DIAG_ERROR, "scan-io", NULL, 0, 0,
			     "%s: cannot open directory: %s", dir, strerror(errno));
		return -RP_EIO;
	}
	while (kl > 1 && dir[kl - 1] == '/')
		kl--;
	if ((rc = listing_put(out->listing, &out->listing->dirs, dir, kl)) < 0)
		goto out;
	rc = read_entries(fd, &names, &n, &cap);
	close(fd);
	fd = -1;
	if (rc < 0)
		goto out;
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_entry);
	for (i = 0; i < n && rc >= 0; i++) {
		const char *name = names[i] + 1;
		unsigned char type = (unsigned char)names[i][0];
		bool json = json_name(name);
		char *p;
		if (type != DT_DIR && type != DT_UNKNOWN && !json)
			continue; /* never a candidate: no path, no stat */
		p = malloc(dl + strlen(name) + 2);
		if (!p) {
			rc = -RP_ENOMEM;
			break;
		}
		sprintf(p, slash ? "%s%s" : "%s/%s", dir, name);
		if (json)
			rc = listing_put(out->listing, &out->listing->jsons, p, strlen(p));
		if (type == DT_UNKNOWN) {
			/* lstat: symbolic links are never followed while walking. */
			struct stat st;
			type = DT_LNK; /* gone or unreadable: skipped */
			if (lstat(p, &st) == 0)
				type = S_ISDIR(st.st_mode)   ? DT_DIR
				       : S_ISREG(st.st_mode) ? DT_REG
							     : DT_LNK;
		}
		if (rc < 0) {
			/* out of memory recording the entry */
		} else if (type == DT_DIR) {
			int r = walk(p, root, depth + 1, out, diag);
			if (r == -RP_ENOMEM || r == -RP_ELIMIT)
				rc = r;
		} else if (type == DT_REG && json) {
			rc = files_add(out, p, root, false);
		}
		free(p);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (fd >= 0)
		close(fd);
	return rc;
}

int rp_scan_collect(const char *const *paths, size_t npaths, rp_scan_files *out, rp_diag *diag)
{
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->listing = calloc(1, sizeof(*out->listing));
	if (!out->listing || !(out->listing->a = rp_arena_new()))
		return -RP_ENOMEM;
	for (i = 0; i < npaths; i++) {
		struct stat st;
		int r = 0;
		/* Paths named on the command line are followed (stat). */
		if (stat(paths[i], &st) != 0) {
			rp_diag_addc(diag, RP_DIAG_ERROR, "scan-io", NULL, 0, 0, "%s: %s", paths[i],
				     strerror(errno));
			r = -RP_EIO;
		} else if (S_ISDIR(st.st_mode)) {
			r = walk(paths[i], paths[i], 0, out, diag);
		} else if (S_ISREG(st.st_mode)) {
			r = files_add(out, paths[i], NULL, true);
		} else {
			rp_diag_addc(diag, RP_DIAG_ERROR, "scan-io", NULL, 0, 0,
				     "%s: not a regular file or directory", paths[i]);
			r = -RP_EIO;
		}
		if (r == -RP_ENOMEM || r == -RP_ELIMIT)
			return r;
		if (r < 0)
			rc = r;
	}
	return rc;
}

static bool contains_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (rp_str_ieq(s + i, needle, k))
			return true;
	return false;
}

/* Skips whitespace and comments (ARM's extended JSON) from i. */
static size_t skip_ws(const char *d, size_t n, size_t i)
{
	while (i < n) {
		if (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r') {
			i++;
		} else if (d[i] == '/' && i + 1 < n && d[i + 1] == '/') {
			while (i < n && d[i] != '\n')
				i++;
		} else if (d[i] == '/' && i + 1 < n && d[i + 1] == '*') {
			i += 2;
			while (i + 1 < n && !(d[i] == '*' && d[i + 1] == '/'))
				i++;
			i = i + 2 < n ? i + 2 : n;
		} else {
			break;
		}
	}
	return i;
}

/* d[i] is '"': index just past the closing quote (n if unterminated). */
static size_t skip_string(const char *d, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (d[i] == '\\')
			i++;
		else if (d[i] == '"')
			return i + 1;
	}
	return n;
}

/* Lexical classification, without building a document: tracks nesting
 * outside strings and comments and looks at the root object's keys only.
 * "$schema" usually comes first, so most files are decided after a few
 * bytes; the evaluator parses (and validates) templates fully anyway. */
static rp_scan_kind classify(const char *data, size_t size, bool *by_schema)
{
	size_t i = 0;
	unsigned depth = 0;
	bool has_resources = false;

	*by_schema = false;
	if (size >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
	    (unsigned char)data[2] == 0xBF)
		i = 3;
	i = skip_ws(data, size, i);
	if (i >= size || data[i] != '{')
		return i < size && data[i] == '[' ? RP_SCAN_OTHER : RP_SCAN_INVALID;
	while (i < size) {
		char c = data[i];
		if (c == '"') {
			size_t start = i, end = skip_string(data, size, i), j;
			i = end;
			if (depth != 1)
				continue;
			j = skip_ws(data, size, end);
			if (j >= size || data[j] != ':')
				continue;
			/* A member of the root object: start+1 .. end-1 is the key. */
			if (end - start - 2 == 7 && memcmp(data + start + 1, "$schema", 7) == 0) {
				size_t v = skip_ws(data, size, j + 1), ve;
				if (v >= size || data[v] != '"')
					return RP_SCAN_OTHER;
				ve = skip_string(data, size, v);
				if (ve >= size)
					return RP_SCAN_OTHER; /* cut off: not decided */
				*by_schema = true;
				if (contains_ci(data + v, ve - v, "deploymentTemplate.json"))
					return RP_SCAN_TEMPLATE;
				if (contains_ci(data + v, ve - v, "deploymentParameters.json"))
					return RP_SCAN_PARAMETERS;
				return RP_SCAN_OTHER;
			}
			if (end - start - 2 == 9 && rp_str_ieq(data + start + 1, "resources", 9))
				has_resources = true;
			i = j + 1;
		} else if (c == '{' || c == '[') {
			depth++;
			i++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				break;
			depth--;
			i++;
			if (depth == 0)
				break;
		} else if (c == '/' && i + 1 < size && (data[i + 1] == '/' || data[i + 1] == '*')) {
			i = skip_ws(data, size, i);
		} else {
			i++;
		}
	}
	return has_resources ? RP_SCAN_TEMPLATE : RP_SCAN_OTHER;
}

rp_scan_kind rp_scan_classify(const char *name, const char *data, size_t size)
{
	bool by_schema;

	(void)name;
	return classify(data, size, &by_schema);
}

/* Classifies the file at path from its first RP_SCAN_SNIFF bytes when
 * "$schema" decides it there, else from the whole file.  -RP_EIO (with a
 * diagnostic) when it cannot be read. */
#define RP_SCAN_SNIFF 4096

/* A file larger than a template may be is not read whole to be
 * classified: it can still be a Terraform plan or an export, which the
 * ingest probe decides. */
static bool size_at_most(const char *path, size_t max)
{
	struct stat st;

	return stat(path, &st) == 0 && (size_t)st.st_size <= max;
}

/* Reads the rest of the file open on fd (head holds its first n bytes) as
 * rp_source_load would read it whole; NULL when it is not a regular file
 * within the template limit or cannot be read (the caller then does what it
 * did without it, and reports the problem the same way). */
static rp_source *read_whole(int fd, const char *path, const char *head, size_t n, bool eof,
			     const struct stat *known)
{
	rp_source *src = NULL;
	struct stat st;

	if (!eof) {
		/* checks the file as rp_source_load does */
		(void)rp_source_read_rest(fd, path, head, n, RP_ARM_MAX_TEMPLATE_SIZE, &src, NULL);
		return src;
	}
	if (known)
		st = *known;
	if ((known || fstat(fd, &st) == 0) && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size <= RP_ARM_MAX_TEMPLATE_SIZE)
		(void)rp_source_from_memory(path, head, n, &src);
	return src;
}

struct file_result;
static void admit_enter(struct file_result *fr, const char *path, size_t size);

/* fr (may be NULL): with --jobs N the file is admitted (admit_enter) before
 * it is read whole, so a file waiting for its turn holds no more than its
 * first bytes. */
static int classify_path(const char *path, rp_scan_kind *kind, rp_source **whole, rp_diag *diag,
			 struct file_result *fr)
{
	char buf[RP_SCAN_SNIFF];
	rp_source *src = NULL;
	struct stat st;
	bool by_schema = false, eof = false, stated = false, known = false;
	size_t n = 0;
	int fd, rc = 0;

	*whole = NULL;
	/* a plain read of the first bytes (no stdio buffer or stat per file:
	 * a corpus is thousands of small files) */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rp_diag_addc(diag, RP_DIAG_ERROR, "scan-io", NULL, 0, 0, "%s: %s", path,
			     strerror(errno));
		return -RP_EIO;
	}
	while (n < sizeof(buf)) {
		ssize_t k = read(fd, buf + n, sizeof(buf) - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			eof = k == 0;
			break;
		}
		n += (size_t)k;
		/* A short read of a regular file whose size is what was read
		 * is its end: no read to see end-of-file (most files of a
		 * corpus are below RP_SCAN_SNIFF bytes), and the status is
		 * the one read_whole checks. */
		if (n < sizeof(buf) && !stated) {
			stated = true;
			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
			    (uint64_t)st.st_size == n) {
				eof = known = true;
				break;
			}
		}
	}
	*kind = classify(buf, n, &by_schema);
	/* A template (or a file its first bytes do not decide) is read whole
	 * from this descriptor: the evaluator takes the template's bytes
	 * instead of opening and reading the file a second time. */
	if ((*kind == RP_SCAN_TEMPLATE && (eof || n == RP_SCAN_SNIFF)) ||
	    (!by_schema && n == RP_SCAN_SNIFF)) {
		if (fr) {
			size_t size = n;
			struct stat fst;
			if (!known && fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode) &&
			    (uint64_t)fst.st_size > n)
				size = (size_t)fst.st_size;
			admit_enter(fr, path, size ? size : 1);
		}
		src = read_whole(fd, path, buf, n, eof, known ? &st : NULL);
	}
	close(fd);
	if (!by_schema && n == RP_SCAN_SNIFF) {
		if (!src && size_at_most(path, RP_ARM_MAX_TEMPLATE_SIZE))
			rc = rp_source_load(path, RP_ARM_MAX_TEMPLATE_SIZE, &src, diag);
		if (rc == 0 && src)
			*kind = classify(src->data, src->size, &by_schema);
	}
	if (rc == 0 && *kind == RP_SCAN_TEMPLATE) {
		*whole = src;
		src = NULL;
	}
	rp_source_free(src);
	return rc;
}

/* ---- the report view of the registry ---- */

#define RP_SCAN_MAX_RULES 512
static rp_report_rule catalog_rules[RP_SCAN_MAX_RULES];
static const rp_report_rule *catalog_ptrs[RP_SCAN_MAX_RULES + 2];
/* The WATCH rules (src/watch/rules.c): raised from logs, not from models. */
static rp_report_rule watch_rules[64];
static size_t catalog_n;
static pthread_once_t catalog_once = PTHREAD_ONCE_INIT;
/* The registry's rules by address, for rp_scan_report_rule (once per
 * finding): a binary search instead of a scan of the registry. */
typedef struct rule_slot {
	const rp_rule *rule;
	const rp_report_rule *report;
} rule_slot;
static rule_slot rule_slots[RP_SCAN_MAX_RULES];
static size_t rule_nslots;

static int cmp_slot(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const rule_slot *)a)->rule,
		  y = (uintptr_t)((const rule_slot *)b)->rule;
	return x < y ? -1 : x > y;
}

static int cmp_rrule(const void *a, const void *b)
{
	return strcmp((*(const rp_report_rule *const *)a)->id,
		      (*(const rp_report_rule *const *)b)->id);
}

static void catalog_build(void)
{
	size_t i, n = rp_nrules < RP_SCAN_MAX_RULES ? rp_nrules : RP_SCAN_MAX_RULES;

	for (i = 0; i < n; i++) {
		const rp_rule *ru = rp_rules[i];
		rp_report_rule *o = &catalog_rules[i];
		o->id = ru->id;
		o->layer = rp_layer_name(ru->layer);
		o->severity = ru->severity;
		o->title = ru->title;
		o->rationale = ru->rationale;
		o->remediation = ru->remediation;
		o->mcsb = ru->mcsb;
		o->cis = ru->cis;
		catalog_ptrs[i] = o;
		rule_slots[i].rule = ru;
		rule_slots[i].report = o;
	}
	rule_nslots = n;
	qsort(rule_slots, rule_nslots, sizeof(*rule_slots), cmp_slot);
	for (i = 0; i < rp_watch_nrules && i < sizeof(watch_rules) / sizeof(watch_rules[0]) &&
		    n < RP_SCAN_MAX_RULES;
	     i++, n++) {
		const rp_rule *ru = rp_watch_rules[i];
		rp_report_rule *o = &watch_rules[i];
		o->id = ru->id;
		o->layer = rp_layer_name(ru->layer);
		o->severity = ru->severity;
		o->title = ru->title;
		o->rationale = ru->rationale;
		o->remediation = ru->remediation;
		o->mcsb = ru->mcsb;
		o->cis = ru->cis;
		catalog_ptrs[n] = o;
	}
	catalog_ptrs[n] = &rp_rule_meta_suppression;
	catalog_ptrs[n + 1] = &rp_rule_meta_input;
	catalog_n = n + 2;
	qsort(catalog_ptrs, catalog_n, sizeof(*catalog_ptrs), cmp_rrule);
}

const rp_report_rule *const *rp_scan_catalog(size_t *n)
{
	pthread_once(&catalog_once, catalog_build);
	*n = catalog_n;
	return catalog_ptrs;
}

const rp_report_rule *rp_scan_report_rule(const rp_rule *rule)
{
	size_t lo = 0, hi;

	pthread_once(&catalog_once, catalog_build);
	hi = rule_nslots;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rule_slots[mid].rule == rule)
			return rule_slots[mid].report;
		if ((uintptr_t)rule_slots[mid].rule < (uintptr_t)rule)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- one file ---- */

/* Admission of files by their estimated working set (--jobs N): a file
 * starts its evaluation (or ingest) only while the estimates of the files
 * being scanned, its own included, stay within the larger of
 * SCAN_ADMIT_FLOOR and its own estimate; a file whose estimate alone is
 * above the floor waits until no other file is in flight.  So the working
 * sets of parallel files never add up past what the biggest file alone
 * needs in a --jobs 1 scan (or the floor): estates of small files keep
 * their parallelism, big templates take turns.  The estimate is
 * SCAN_WS_PER_BYTE times the file's size: a generated 1,000-VM template
 * of 2.85 MB peaks at about 50 MB (evaluation, model, network topology,
 * rules and depth; docs/output-formats.md, Performance). */
#define SCAN_WS_PER_BYTE ((uint64_t)18)
#define SCAN_ADMIT_FLOOR ((uint64_t)64 << 20)

typedef struct scan_admit {
	pthread_mutex_t mtx;
	pthread_cond_t cv;
	uint64_t inflight; /* estimates of the files admitted and not done */
} scan_admit;

/* What one file adds besides its findings (which go straight into the
 * report of the thread that scanned it). */
typedef struct file_result {
	bool inited;
	bool is_template;
	bool failed;
	char *diag_text;
	size_t errors, warnings;
	size_t resources;
	int rc; /* internal failure (ENOMEM) */
	/* With --jobs N: held from the network topology's build to its
	 * release (see scan_shared.stage), or NULL. */
	pthread_mutex_t *stage;
	/* With --jobs N: the admission (see scan_admit) and this file's
	 * estimate while admitted (0 when not). */
	scan_admit *admit;
	uint64_t admitted;
	/* Read whole as the parameters file of a template scanned before it
	 * (and classified from those bytes): not read again to be classified. */
	atomic_bool params_known;
} file_result;

static bool id_listed(const char *const *ids, const char *id)
{
	if (!ids)
		return false;
	for (; *ids; ids++)
		if (strlen(*ids) == strlen(id) && rp_str_ieq(*ids, id, strlen(id)))
			return true;
	return false;
}

static bool meta_enabled(const rp_scan_options *o, const rp_report_rule *ru)
{
	return !id_listed(o->skip_ids, ru->id);
}

static void span_pos_at(const rp_span *sp, rp_report_input *in, bool end)
{
	uint32_t l, c;

	if (!sp->src)
		return;
	in->file = sp->src->name;
	if (rp_source_linecol(sp->src, sp->off, &l, &c) == 0) {
		in->line = l;
		in->column = c;
	}
	if (end && rp_source_linecol(sp->src, (size_t)sp->off + sp->len, &l, &c) == 0) {
		in->end_line = l;
		in->end_column = c;
	}
}

/* Where the last finding's start was: the findings of a file come sorted
 * by offset, so the next one's line is found by stepping on from there
 * instead of a binary search over the line table of a big template. */
typedef struct line_cursor {
	const rp_source *src;
	size_t off;
	uint32_t li;
} line_cursor;

/* rp_source_linecol(sp->src, sp->off) through the cursor. */
static int start_linecol(const rp_span *sp, line_cursor *cur, uint32_t *line, uint32_t *col)
{
	rp_source *s = sp->src;
	size_t off = sp->off;
	int rc;

	if (s->lines && cur->src == s && off >= cur->off && off <= s->size) {
		uint32_t li = cur->li, steps = 0;
		while ((size_t)li + 1 < s->nlines && s->lines[li + 1] <= off && steps < 64) {
			li++;
			steps++;
		}
		if (((size_t)li + 1 >= s->nlines || s->lines[li + 1] > off) &&
		    off - s->lines[li] < 2 * RP_SOURCE_COL_BLOCK) {
			*line = li + 1;
			*col = (uint32_t)rp_utf8_count((const unsigned char *)s->data +
							       s->lines[li],
						       off - s->lines[li]) +
			       1;
			cur->off = off;
			cur->li = li;
			return 0;
		}
	}
	rc = rp_source_linecol(s, off, line, col);
	if (rc == 0) {
		cur->src = s;
		cur->off = off > s->size ? s->size : off;
		cur->li = *line - 1;
	}
	return rc;
}

static const char *value_text(const rp_value *v, const char *fallback)
{
	if (rp_value_is(v, RP_V_STRING))
		return v->u.s;
	return fallback;
}

static void span_pos(const rp_span *sp, rp_report_input *in)
{
	span_pos_at(sp, in, true);
}

/* Adds an RMP-META-001 finding about one inline suppression entry. */
static int meta_skip(rp_report *rep, const rp_scan_options *o, const rp_resource *res,
		     const rp_skip *s, size_t idx, const char *fmt, const char *arg)
{
	rp_report_input in;
	char msg[512], mat[64];

	if (!meta_enabled(o, &rp_rule_meta_suppression))
		return 0;
	memset(&in, 0, sizeof(in));
	in.rule = &rp_rule_meta_suppression;
	in.status = RP_STATUS_FAIL;
	span_pos(&s->span, &in);
	if (!in.file && res->span.src)
		span_pos(&res->span, &in);
	in.resource_type = res->type;
	in.resource_name = value_text(res->name, "");
	in.resource_id = value_text(res->id, "");
	in.address = res->address;
	snprintf(msg, sizeof(msg), fmt, arg ? arg : "");
	in.message = msg;
	snprintf(mat, sizeof(mat), "skip[%zu]:%s", idx, s->id ? s->id : "");
	in.fingerprint_material = mat;
	return rp_report_add(rep, &in, NULL);
}

/* Reads and checks the inline suppressions of every resource; skips[i]
 * and nskips[i] get resource i's valid-or-not entries. */
static int read_skips(rp_report *rep, const rp_scan_options *o, const rp_deployment *d,
		      rp_skip **skips, int *nskips)
{
	size_t i;
	int j, rc = 0;

	for (i = 0; i < d->nresources && rc == 0; i++) {
		const rp_resource *res = &d->resources[i];
		int n = rp_skips_read(rep->arena, res->body, &skips[i]);
		if (n < 0) {
			if (n == -RP_ENOMEM)
				return n;
			n = 0; /* over the limit: ignored, reported below */
			skips[i] = NULL;
			rc = meta_skip(rep, o, res, &(rp_skip){ .span = res->span }, 0,
				       "more than %s inline suppressions; none applied", "256");
		}
		nskips[i] = n;
		for (j = 0; j < n && rc == 0; j++) {
			const rp_skip *s = &skips[i][j];
			char date[40];
			if (!s->id)
				rc = meta_skip(
					rep, o, res, s, (size_t)j,
					"suppression entry without an \"id\" naming a rule%s",
					NULL);
			else if (!rp_rule_find(s->id))
				rc = meta_skip(rep, o, res, s, (size_t)j,
					       "suppression names an unknown rule '%s'", s->id);
			else if (!s->reason)
				rc = meta_skip(rep, o, res, s, (size_t)j,
					       "suppression of %s has no reason; it is not applied",
					       s->id);
			else if (s->has_expires && !s->expires_valid)
				rc = meta_skip(rep, o, res, s, (size_t)j,
					       "suppression of %s: \"expires\" is not a date "
					       "YYYY-MM-DD; it is not applied",
					       s->id);
			else if (s->has_expires && s->expires < o->today) {
				rp_day_format(s->expires, date);
				char m[160];
				snprintf(m, sizeof(m),
					 "suppression of %s expired on %s; it is not applied",
					 s->id, date);
				rc = meta_skip(rep, o, res, s, (size_t)j, "%s", m);
			}
		}
	}
	return rc;
}

static bool skip_valid(const rp_skip *s, rp_day today)
{
	return s->id && s->reason && rp_rule_find(s->id) &&
	       (!s->has_expires || (s->expires_valid && s->expires >= today));
}

/* The report's copies of what every finding of one object repeats,
 * interned once per object (by rp_mobj.index) rather than per finding. */
typedef struct obj_strings {
	const char *type, *name, *id, *address;
	bool done;
	/* rp_report_input.group_hint of its PASS and NOT_APPLICABLE findings */
	uint32_t group_hint[2];
} obj_strings;

static int object_strings(rp_report *rep, const rp_finding *f, obj_strings *cache, size_t ncache,
			  obj_strings *tmp, obj_strings **out)
{
	obj_strings *c = tmp;
	bool fail = false;

	if (f->obj && f->obj->index < ncache)
		c = &cache[f->obj->index];
	if (!c->done) {
		const char *type = f->obj && f->obj->type             ? f->obj->type
				   : f->resource && f->resource->type ? f->resource->type
								      : "";
		c->type = rp_report_intern(rep, type, &fail);
		c->name = rp_report_intern(rep, f->obj && f->obj->name ? f->obj->name : "", &fail);
		c->id = rp_report_intern(rep, f->obj && f->obj->id ? f->obj->id : "", &fail);
		c->address =
			rp_report_intern(rep,
					 f->obj ? rp_resource_address_at(f->obj->res, f->obj->path)
						: rp_resource_address_at(f->resource, ""),
					 &fail);
		if (fail)
			return -RP_ENOMEM;
		c->done = c != tmp;
	}
	*out = c;
	return 0;
}

static int add_findings(rp_report *rep, const rp_scan_options *o, const rp_deployment *d,
			const rp_model *m, const rp_findings *fs, rp_skip **skips,
			const int *nskips, const char *path, const rp_rule_filter *filter)
{
	obj_strings *cache = NULL, tmp;
	line_cursor lcur = { NULL, 0, 0 };
	const char *last_name = NULL, *last_file = NULL, *path_file = NULL;
	size_t i, ncache = m ? m->nobjs : 0;
	bool fail = false;
	int rc = 0;

	memset(&tmp, 0, sizeof(tmp));
	if (ncache && (cache = calloc(ncache, sizeof(*cache))) == NULL)
		return -RP_ENOMEM;
	path_file = rp_report_intern(rep, path, &fail);
	if (fail) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (i = 0; i < fs->count && rc == 0; i++) {
		const rp_finding *f = &fs->items[i];
		const rp_report_rule *ru = rp_scan_report_rule(f->rule);
		/* only counted (tallied or grouped) by the report: no end
		 * position needed */
		bool counted =
			(rep->tally_passing || rep->group_passing) &&
			(f->status == RP_STATUS_PASS || f->status == RP_STATUS_NOT_APPLICABLE);
		obj_strings *os = NULL;
		rp_report_finding *fo = NULL;
		rp_report_input in;

		/* depth runs every rule; report only the selected ones */
		if (!rp_rule_filter_selects(filter, f->rule))
			continue;
		if (!ru) {
			rc = -RP_EINTERNAL;
			break;
		}
		memset(&in, 0, sizeof(in));
		in.rule = ru;
		in.status = f->status;
		if (f->span.src) {
			/* span_pos_at, the start through the cursor */
			uint32_t l, c;
			in.file = f->span.src->name;
			if (start_linecol(&f->span, &lcur, &l, &c) == 0) {
				in.line = l;
				in.column = c;
			}
			if (!counted &&
			    rp_source_linecol(f->span.src, (size_t)f->span.off + f->span.len, &l,
					      &c) == 0) {
				in.end_line = l;
				in.end_column = c;
			}
		}
		if (!in.file && f->resource)
			span_pos_at(&f->resource->span, &in, !counted);
		if (!in.file) {
			in.file = path_file;
		} else {
			/* the source's name: interned once per run of findings */
			if (in.file != last_name || !last_file) {
				last_file = rp_report_intern(rep, in.file, &fail);
				last_name = in.file;
				if (fail) {
					rc = -RP_ENOMEM;
					break;
				}
			}
			in.file = last_file;
		}
		if ((rc = object_strings(rep, f, cache, ncache, &tmp, &os)) < 0)
			break;
		in.resource_type = os->type;
		in.resource_name = os->name;
		in.resource_id = os->id;
		in.address = os->address;
		in.interned = true;
		in.message = f->message;
		in.unknown_reason = f->unknown_reason;
		in.fingerprint = f->fingerprint; /* always well-formed: no material needed */
		if (rep->group_passing &&
		    (f->status == RP_STATUS_PASS || f->status == RP_STATUS_NOT_APPLICABLE))
			in.group_hint = &os->group_hint[f->status == RP_STATUS_NOT_APPLICABLE];
		rc = rp_report_add(rep, &in, &fo);
		if (rc < 0 || !f->resource ||
		    (f->status != RP_STATUS_FAIL && f->status != RP_STATUS_UNKNOWN))
			continue;
		if (f->resource >= d->resources && f->resource < d->resources + d->nresources) {
			size_t ri = (size_t)(f->resource - d->resources);
			int j;
			for (j = 0; j < nskips[ri]; j++) {
				const rp_skip *s = &skips[ri][j];
				if (skip_valid(s, o->today) && strlen(s->id) == strlen(ru->id) &&
				    rp_str_ieq(s->id, ru->id, strlen(ru->id))) {
					fo->suppressed = RP_SUPPRESS_INLINE;
					fo->suppress_reason = rp_arena_strndup(
						rep->arena, s->reason, strlen(s->reason));
					if (!fo->suppress_reason)
						rc = -RP_ENOMEM;
					break;
				}
			}
		}
	}
out:
	free(cache);
	return rc;
}

/* Renders the kept diagnostics of d at or above the level into text. */
static int render_diags(const rp_diag *d, bool color, bool notes, file_result *fr)
{
	char *text = NULL;
	size_t len = 0, i, shown = 0;
	FILE *fp;

	fr->errors = d->nerrors;
	fr->warnings = d->nwarnings;
	for (i = 0; i < d->count; i++)
		shown += d->items[i].level != RP_DIAG_NOTE || notes;
	if (shown == 0 && !d->dropped)
		return 0; /* most files: no stream to open (it costs a calloc of
			   * a FILE and its buffer) */
	fp = open_memstream(&text, &len);
	if (!fp)
		return -RP_ENOMEM;
	for (i = 0; i < d->count; i++) {
		if (d->items[i].level == RP_DIAG_NOTE && !notes)
			continue;
		rp_diag_print_item(fp, &d->items[i], color);
	}
	if (d->dropped)
		fprintf(fp, "rampart: %zu more diagnostics not shown\n", d->dropped);
	if (fclose(fp) != 0) {
		free(text);
		return -RP_ENOMEM;
	}
	if (len == 0) {
		free(text);
		text = NULL;
	}
	fr->diag_text = text;
	return 0;
}

/* An error diagnostic was kept (the probe of a file named on the command
 * line). */
static bool probe_failed(const rp_diag *d)
{
	return d->nerrors > 0;
}

/* Enters the stage of worker files (scan_shared.stage), if any: true when
 * it must be left. */
static bool stage_enter(file_result *fr)
{
	if (!fr->stage)
		return false;
	pthread_mutex_lock(fr->stage);
	return true;
}

/* Waits until the file (size bytes, or the size of the file at path when
 * size is 0) may start: see scan_admit.  Nothing with --jobs 1. */
static void admit_enter(struct file_result *fr, const char *path, size_t size)
{
	scan_admit *a = fr->admit;
	uint64_t est, limit;

	if (!a || fr->admitted)
		return;
	if (size == 0) {
		struct stat st;
		if (stat(path, &st) == 0 && st.st_size > 0)
			size = (size_t)st.st_size;
	}
	est = (uint64_t)size * SCAN_WS_PER_BYTE;
	if (est == 0)
		est = 1;
	limit = est > SCAN_ADMIT_FLOOR ? est : SCAN_ADMIT_FLOOR;
	pthread_mutex_lock(&a->mtx);
	while (a->inflight > 0 && a->inflight + est > limit)
		pthread_cond_wait(&a->cv, &a->mtx);
	a->inflight += est;
	pthread_mutex_unlock(&a->mtx);
	fr->admitted = est;
}

/* The file is done: its estimate leaves the admission. */
static void admit_leave(file_result *fr)
{
	scan_admit *a = fr->admit;

	if (!a || !fr->admitted)
		return;
	pthread_mutex_lock(&a->mtx);
	a->inflight -= fr->admitted;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mtx);
	fr->admitted = 0;
}

/* Leaves the stage if entered; false (no longer in it). */
static bool stage_leave(file_result *fr, bool entered)
{
	if (entered)
		pthread_mutex_unlock(fr->stage);
	return false;
}

/* The files among the sources dep was evaluated from (its parameters file
 * above all) that the scan meets as files of its own (paths: path -> index
 * + 1 in results): those whose bytes classify as parameters are marked, and
 * their turn takes that kind instead of reading them again. */
static void note_params(const rp_deployment *dep, const rp_map *paths, file_result *results)
{
	size_t k;

	if (!dep || !paths || paths->count == 0)
		return;
	for (k = 0; k < dep->nsources; k++) {
		const rp_source *s = dep->sources[k];
		bool by_schema;
		void *v;
		if (!s || !s->name || !rp_map_get(paths, s->name, strlen(s->name), &v))
			continue;
		if (classify(s->data, s->size, &by_schema) == RP_SCAN_PARAMETERS)
			atomic_store_explicit(&results[(uintptr_t)v - 1].params_known, true,
					      memory_order_relaxed);
	}
}

static int scan_file(const rp_scan_file *sf, const rp_scan_options *o, rp_report *rep,
		     file_result *fr, const rp_map *paths, file_result *results,
		     struct rp_scan_listing *listing)
{
	rp_deployment *dep = NULL;
	rp_model *model = NULL;
	rp_net_topo *net = NULL;
	rp_findings fs;
	rp_depth_result depth;
	bool fs_init = false;
	rp_skip **skips = NULL;
	int *nskips = NULL;
	rp_arm_options ao;
	rp_rule_filter filter;
	rp_scan_kind kind;
	rp_source *whole = NULL; /* the template's bytes, read while classifying it */
	rp_diag diag;
	int rc = 0, r;
	bool staged = false;

	rp_diag_init(&diag);
	memset(&depth, 0, sizeof(depth));
	fr->inited = true;
	rp_report_intern_forget(rep); /* one interning scope per file */
	if (o->input == RP_INPUT_TFPLAN || o->input == RP_INPUT_EXPORT) {
		/* --input tfplan|export: every file is read as that format */
		rp_input_kind ik = RP_INPUT_UNKNOWN;
		fr->is_template = true;
		admit_enter(fr, sf->path, 0);
		r = rp_ingest_load_file(sf->path, (rp_input_kind)o->input, &ik, &dep, &diag);
		if (r == -RP_ENOMEM) {
			rc = r;
			goto out;
		}
		rc = rp_report_add_file(rep, sf->path);
		if (rc < 0)
			goto out;
		if (r < 0) {
			fr->failed = true;
			goto done;
		}
		goto loaded;
	}
	if (atomic_load_explicit(&fr->params_known, memory_order_relaxed)) {
		kind = RP_SCAN_PARAMETERS; /* classify_path would find the same */
		r = 0;
	} else {
		r = classify_path(sf->path, &kind, &whole, &diag, fr->admit ? fr : NULL);
	}
	if (r < 0) {
		if (r == -RP_ENOMEM) {
			rc = r;
			goto out;
		}
		fr->failed = sf->explicit_arg;
		goto done;
	}
	if (o->input == RP_INPUT_ARM && kind == RP_SCAN_INVALID)
		kind = RP_SCAN_TEMPLATE; /* --input arm: the JSON error with its position */
	if (o->input == RP_INPUT_ARM && kind == RP_SCAN_OTHER) {
		rp_diag_addc(&diag, RP_DIAG_ERROR, "input-not-arm", NULL, 0, 0,
			     "%s: not an ARM template (--input arm): no \"resources\" and no "
			     "deploymentTemplate $schema",
			     sf->path);
		fr->is_template = true;
		fr->failed = true;
		goto done;
	}
	if (kind == RP_SCAN_OTHER) {
		/* Not a template: maybe a Terraform plan or a live export, which
		 * go through their own ingesters into the same model.  Anything
		 * else is skipped silently while walking, so the probe's
		 * diagnostics are kept only for plans and exports. */
		rp_input_kind ik = RP_INPUT_UNKNOWN;
		rp_diag probe;
		size_t i;

		rp_diag_init(&probe);
		admit_enter(fr, sf->path, 0);
		r = rp_ingest_load_file(sf->path, RP_INPUT_UNKNOWN, &ik, &dep, &probe);
		if (ik == RP_INPUT_TFPLAN || ik == RP_INPUT_EXPORT ||
		    (sf->explicit_arg && ik == RP_INPUT_UNKNOWN && r != -RP_ENOMEM)) {
			/* plans and exports; for a file named on the command line
			 * also the error saying why it is none of the inputs */
			for (i = 0; i < probe.count; i++) {
				const rp_diag_item *it = &probe.items[i];
				rp_diag_addc(&diag, it->level, it->code, it->src, it->start,
					     it->end, "%s", it->message);
			}
			diag.dropped += probe.dropped;
		}
		rp_diag_release(&probe);
		if (r == -RP_ENOMEM) {
			rc = r;
			goto out;
		}
		if (ik == RP_INPUT_TFPLAN || ik == RP_INPUT_EXPORT) {
			fr->is_template = true;
			rc = rp_report_add_file(rep, sf->path);
			if (rc < 0)
				goto out;
			if (r < 0) {
				fr->failed = true;
				goto done;
			}
			goto loaded;
		}
		if (sf->explicit_arg && ik == RP_INPUT_UNKNOWN && probe_failed(&diag)) {
			/* the error names the file and what was seen; dep keeps the
			 * source it points into until the diagnostics are rendered */
			fr->failed = true;
			goto done;
		}
		dep = rp_deployment_free(dep);
	}
	if (kind != RP_SCAN_TEMPLATE) {
		if (sf->explicit_arg) {
			rp_diag_addc(&diag, RP_DIAG_ERROR, "scan-not-template", NULL, 0, 0,
				     "%s: not an ARM template, Terraform plan or export (%s)",
				     sf->path,
				     kind == RP_SCAN_PARAMETERS
					     ? "a parameters file: pass it with --params"
				     : kind == RP_SCAN_INVALID
					     ? "not valid JSON"
					     : "no deploymentTemplate $schema or resources, no "
					       "format_version, no resource list");
			fr->failed = true;
		}
		goto done;
	}
	fr->is_template = true;
	rc = rp_report_add_file(rep, sf->path);
	if (rc < 0)
		goto out;

	memset(&ao, 0, sizeof(ao));
	ao.root = sf->root;
	ao.params_path = o->params_path;
	ao.subscription_id = o->subscription_id;
	ao.resource_group = o->resource_group;
	ao.location = o->location;
	if (listing) {
		ao.path_absent = listing_absent;
		ao.path_absent_ctx = listing;
	}
	admit_enter(fr, sf->path, whole ? whole->size : 0);
	if (whole) {
		r = rp_arm_evaluate_source(sf->path, whole, &ao, &dep, &diag);
		whole = NULL;
	} else {
		r = rp_arm_evaluate(sf->path, &ao, &dep, &diag);
	}
	note_params(dep, paths, results);
	if (r < 0) {
		if (r == -RP_ENOMEM) {
			rc = r;
			goto out;
		}
		fr->failed = true;
		goto done;
	}
loaded:
	r = rp_model_build((const rp_deployment *const *)&dep, 1, &model, &diag);
	if (r < 0) {
		if (r == -RP_ENOMEM) {
			rc = r;
			goto out;
		}
		fr->failed = true;
		goto done;
	}
	fr->resources = dep->nresources;
	memset(&filter, 0, sizeof(filter));
	filter.only_ids = o->only_ids;
	filter.skip_ids = o->skip_ids;
	filter.include_pass = true;
	filter.include_not_applicable = true;
	/* a report that only counts passing results (or groups them, never
	 * printing one) needs no message for them */
	filter.terse_passing = rep->tally_passing || rep->group_passing;
	filter.options.assume_trusted_launch_default = o->assume_trusted_launch_default;
	staged = stage_enter(fr);
	if ((rc = rpt_scan_net(model, rep, &diag, &net)) < 0)
		goto out;
	filter.net = net;
	filter.options.depth_min_holds = o->depth_min;
	rc = rp_findings_init(&fs);
	if (rc < 0)
		goto out;
	fs_init = true;
	rc = rp_depth_run(model, &filter, &fs, &depth);
	if (rc == 0)
		rc = rp_report_add_depth(rep, &depth, rp_scan_report_rule);
	if (rc < 0)
		goto out;
	/* The report has its copy of the ratings and paths: the depth result
	 * and the topology (exposures, engine caches) go before the findings
	 * are copied, so they do not add to this file's peak. */
	rp_depth_release(&depth);
	memset(&depth, 0, sizeof(depth));
	filter.net = NULL;
	net = rp_net_topo_free(net);
	staged = stage_leave(fr, staged);
	if (dep->nresources) {
		skips = calloc(dep->nresources, sizeof(*skips));
		nskips = calloc(dep->nresources, sizeof(*nskips));
		if (!skips || !nskips) {
			rc = -RP_ENOMEM;
			goto out;
		}
		rc = read_skips(rep, o, dep, skips, nskips);
		if (rc < 0)
			goto out;
	}
	rc = add_findings(rep, o, dep, model, &fs, skips, nskips, sf->path, &filter);
	if (rc < 0)
		goto out;
done:
	if (fr->failed && meta_enabled(o, &rp_rule_meta_input)) {
		rp_report_input in;
		size_t i;
		memset(&in, 0, sizeof(in));
		in.rule = &rp_rule_meta_input;
		in.status = RP_STATUS_FAIL;
		in.file = sf->path;
		in.message = "the file could not be evaluated; see the error diagnostic";
		for (i = 0; i < diag.count; i++) {
			const rp_diag_item *it = &diag.items[i];
			if (it->level == RP_DIAG_ERROR) {
				rp_span sp = { it->src, (uint32_t)it->start,
					       (uint32_t)(it->end - it->start) };
				span_pos(&sp, &in);
				if (!in.file)
					in.file = sf->path;
				in.message = it->message;
				break;
			}
		}
		in.fingerprint_material = "input";
		rc = rp_report_add_file(rep, sf->path);
		if (rc == 0)
			rc = rp_report_add(rep, &in, NULL);
		if (rc < 0)
			goto out;
	}
	/* Strings in the report are copies: render diagnostics, then free the
	 * sources (owned by the deployment). */
	rc = render_diags(&diag, o->color, o->notes, fr);
out:
	free(skips);
	free(nskips);
	rp_depth_release(&depth);
	if (fs_init)
		rp_findings_release(&fs);
	rp_net_topo_free(net);
	stage_leave(fr, staged);
	rp_model_free(model);
	rp_deployment_free(dep);
	rp_source_free(whole);
	rp_diag_release(&diag);
	admit_leave(fr);
	fr->rc = rc;
	return rc;
}

/* ---- workers ---- */

/* Each worker thread collects the findings of the files it scans in its
 * own report (no per-file report to merge, one arena and one string table
 * per thread); the reports are merged at the end and sorted into the
 * deterministic report order, so the output does not depend on which
 * thread scanned which file.  Everything else a file yields (diagnostics
 * text, counts) is kept per file and merged in file order.
 *
 * A file's working set peaks while its network topology, the rules'
 * results and the depth ratings are live beside its evaluation and model
 * (about 50 MB for a 1,000-VM template, of which evaluation and model are
 * about 22 MB), and workers given files of one size reach that peak
 * together.  So one worker at a time holds a topology (`stage`: from
 * the topology's build to its release, about 55% of a file's CPU time);
 * the others evaluate, model or copy findings meanwhile, so two peaks
 * never add up and most of the parallelism stays (the whole file after
 * evaluation in the stage saved 7 MB more at 10,000 VMs but left 78% of
 * the work serial).  The stage's order does not matter to the output. */
typedef struct scan_shared {
	const rp_scan_files *files;
	const rp_scan_options *o;
	file_result *results;
	rp_map paths;    /* file path -> index + 1 in results (note_params) */
	rp_report *reps; /* one per thread */
	atomic_size_t next;
	atomic_size_t done;
	atomic_int failed_rc;
	pthread_mutex_t stage;
	scan_admit admit;
} scan_shared;

typedef struct worker_arg {
	scan_shared *sh;
	rp_report *rep;
} worker_arg;

static void *worker(void *arg)
{
	worker_arg *wa = arg;
	scan_shared *sh = wa->sh;

	for (;;) {
		size_t i = atomic_fetch_add(&sh->next, 1);
		int rc;
		if (i >= sh->files->n || atomic_load(&sh->failed_rc) != 0)
			break;
		sh->results[i].stage = &sh->stage;
		sh->results[i].admit = &sh->admit;
		rc = scan_file(&sh->files->items[i], sh->o, wa->rep, &sh->results[i], &sh->paths,
			       sh->results, sh->files->listing);
		if (rc < 0)
			atomic_store(&sh->failed_rc, rc);
		atomic_fetch_add(&sh->done, 1);
	}
	return NULL;
}

/* Adds one file's counts to r and stats and its diagnostics to the text. */
static int merge_one(rp_report *r, file_result *fr, rp_scan_stats *stats, rp_buf *text)
{
	stats->candidates++;
	if (!fr->inited)
		return 0;
	if (fr->is_template)
		stats->templates++;
	if (fr->failed) {
		stats->failed++;
		r->nerrors++;
	}
	stats->errors += fr->errors;
	stats->warnings += fr->warnings;
	r->nresources += fr->resources;
	return fr->diag_text ? rp_buf_puts(text, fr->diag_text) : 0;
}

int rp_scan_run(const rp_scan_files *files, const rp_scan_options *o, rp_report *r,
		char **diag_text, rp_scan_stats *stats)
{
	scan_shared sh;
	pthread_t threads[RP_SCAN_MAX_JOBS];
	worker_arg args[RP_SCAN_MAX_JOBS];
	unsigned jobs = o->jobs ? o->jobs : 1, started = 0, nreps = 0, t;
	rp_buf text = RP_BUF_INIT;
	size_t i;
	int rc = 0;

	*diag_text = NULL;
	memset(stats, 0, sizeof(*stats));
	memset(&sh, 0, sizeof(sh));
	pthread_mutex_init(&sh.stage, NULL);
	pthread_mutex_init(&sh.admit.mtx, NULL);
	pthread_cond_init(&sh.admit.cv, NULL);
	{
		size_t n;
		(void)rp_scan_catalog(&n); /* built before threads start */
	}
	if (jobs > RP_SCAN_MAX_JOBS)
		jobs = RP_SCAN_MAX_JOBS;
	if (files->n && jobs > files->n)
		jobs = (unsigned)files->n;
	sh.files = files;
	sh.o = o;
	atomic_init(&sh.next, 0);
	atomic_init(&sh.done, 0);
	atomic_init(&sh.failed_rc, 0);
	sh.results = calloc(files->n ? files->n : 1, sizeof(*sh.results));
	if (!sh.results) {
		rc = -RP_ENOMEM;
		goto out;
	}
	rp_map_init(&sh.paths, false);
	for (i = 0; i < files->n && rc == 0; i++)
		rc = rp_map_put(&sh.paths, files->items[i].path, strlen(files->items[i].path),
				(void *)(uintptr_t)(i + 1), NULL);
	if (rc < 0)
		goto out;

	if (jobs <= 1) {
		/* One job: findings go straight into r; each file's other
		 * results are merged as soon as it is done. */
		for (i = 0; i < files->n; i++) {
			file_result *fr = &sh.results[i];
			rc = scan_file(&files->items[i], o, r, fr, &sh.paths, sh.results,
				       files->listing);
			if (rc == 0)
				rc = merge_one(r, fr, stats, &text);
			free(fr->diag_text);
			fr->diag_text = NULL;
			if (rc < 0)
				goto out;
			if (o->progress)
				o->progress(o->progress_ctx, i + 1, files->n);
		}
		goto out;
	}

	sh.reps = calloc(jobs, sizeof(*sh.reps));
	if (!sh.reps) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (t = 0; t < jobs; t++, nreps++) {
		if ((rc = rp_report_init(&sh.reps[t])) < 0)
			goto out;
		sh.reps[t].tally_passing = r->tally_passing;
		sh.reps[t].group_passing = r->group_passing;
		sh.reps[t].asset_detail = r->asset_detail;
	}
	for (t = 0; t < jobs; t++) {
		args[t].sh = &sh;
		args[t].rep = &sh.reps[t];
		if (pthread_create(&threads[t], NULL, worker, &args[t]) != 0) {
			atomic_store(&sh.failed_rc, -RP_EINTERNAL);
			break;
		}
		started++;
	}
	while (started && atomic_load(&sh.done) < files->n && atomic_load(&sh.failed_rc) == 0) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		if (o->progress)
			o->progress(o->progress_ctx, atomic_load(&sh.done), files->n);
		nanosleep(&ts, NULL);
	}
	for (t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	rc = atomic_load(&sh.failed_rc);
	if (rc < 0)
		goto out;
	if (o->progress)
		o->progress(o->progress_ctx, files->n, files->n);
	/* The first merge takes its report's findings array as it is, the
	 * others append and free theirs: no second copy of every finding. */
	for (t = 0; t < nreps && rc == 0; t++)
		rc = rp_report_merge(r, &sh.reps[t]);
	for (i = 0; i < files->n && rc == 0; i++)
		rc = merge_one(r, &sh.results[i], stats, &text);
out:
	for (t = 0; t < nreps; t++)
		rp_report_release(&sh.reps[t]);
	free(sh.reps);
	if (sh.results)
		for (i = 0; i < files->n; i++)
			free(sh.results[i].diag_text);
	free(sh.results);
	pthread_mutex_destroy(&sh.stage);
	pthread_cond_destroy(&sh.admit.cv);
	pthread_mutex_destroy(&sh.admit.mtx);
	rp_map_release(&sh.paths);
	if (rc == 0)
		*diag_text = rp_buf_detach(&text);
	rp_buf_release(&text);
	return rc;
}
