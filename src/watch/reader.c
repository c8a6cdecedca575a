/* reader.c: splits a byte stream of log records into records and parses
 * each with the JSON reader (see watch.h for the shapes accepted).
 *
 * The splitter keeps state only at record boundaries: a record is scanned
 * from its first byte; if the buffer ends inside it, more bytes are read
 * and the scan restarts at the record's start.  A record therefore costs
 * at most two scans plus the JSON parse, and the buffer never holds more
 * than one record plus one read block. */
#include "watch/watch.h"

#include "util/error.h"
#include "util/source.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum split_state {
	S_TOP = 0,       /* before a top-level value */
	S_ARR_FIRST,     /* in the records array, before the first element or ']' */
	S_ARR_NEXT,      /* in the records array, after an element: ',' or ']' */
	S_WRAP_AFTER,    /* after the records array, in the wrapper object */
	S_TOP_ARR_FIRST, /* in a top-level array, first element or ']' */
	S_TOP_ARR_NEXT,  /* in a top-level array, ',' or ']' */
	S_DONE_WRAP_ARR, /* top-level array closed */
} split_state;

struct rp_watch_reader {
	char *name;
	char *path;
	rp_watch_sink sink;
	rp_diag *diag;
	rp_watch_stats *stats;
	char *buf; /* bytes from base on */
	size_t len, cap;
	size_t pos;    /* scan position (a record boundary) in buf */
	uint64_t base; /* absolute offset of buf[0] */
	split_state st;
	uint64_t resume_off; /* offset of the records array's ']' (for appends) */
	bool have_resume;
	bool failed;      /* the stream cannot be split further */
	rp_source *whole; /* the input loaded for diagnostics (error path) */
	rp_source **kept; /* sources diagnostics point into (owned) */
	size_t nkept;
};

rp_watch_reader *rp_watch_reader_new(const char *name, const char *path, const rp_watch_sink *sink,
				     rp_diag *diag, rp_watch_stats *stats)
{
	rp_watch_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = strdup(name ? name : "<input>");
	r->path = path ? strdup(path) : NULL;
	if (!r->name || (path && !r->path))
		return rp_watch_reader_free(r);
	r->sink = *sink;
	r->diag = diag;
	r->stats = stats;
	return r;
}

rp_watch_reader *rp_watch_reader_free(rp_watch_reader *r)
{
	if (!r)
		return NULL;
	free(r->name);
	free(r->path);
	free(r->buf);
	while (r->nkept > 0)
		rp_source_free(r->kept[--r->nkept]);
	free(r->kept);
	free(r);
	return NULL;
}

/* Sources made for diagnostics; owned by the reader. */
static rp_source *keep_source(rp_watch_reader *r, rp_source *s)
{
	rp_source **nk;

	if (!s)
		return NULL;
	nk = realloc(r->kept, (r->nkept + 1) * sizeof(*nk));
	if (!nk) {
		rp_source_free(s);
		return NULL;
	}
	r->kept = nk;
	r->kept[r->nkept++] = s;
	return s;
}

/* A diagnostic at absolute offsets [at, at+len) of the input.  For files
 * the whole file is loaded once so the caret lines up; for streams a copy
 * of the record [rbase, rbase+rlen) is used. */
static void report(rp_watch_reader *r, rp_diag_level lvl, uint64_t rbase, size_t rlen, uint64_t at,
		   size_t len, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

static void report(rp_watch_reader *r, rp_diag_level lvl, uint64_t rbase, size_t rlen, uint64_t at,
		   size_t len, const char *code, const char *fmt, ...)
{
	va_list ap;
	rp_source *src = NULL;
	size_t start = 0;

	if (!r->diag)
		return;
	if (r->path && !r->whole) {
		rp_source *s = NULL;
		if (rp_source_load(r->path, 0, &s, NULL) == 0)
			r->whole = keep_source(r, s);
	}
	if (r->whole && at <= r->whole->size) {
		src = r->whole;
		start = (size_t)at;
	} else if (rbase >= r->base && rbase - r->base + rlen <= r->len) {
		rp_source *s = NULL;
		char *nm = NULL;
		size_t nn = strlen(r->name) + 64;
		nm = malloc(nn);
		if (nm) {
			snprintf(nm, nn, "%s (record at byte %llu)", r->name,
				 (unsigned long long)rbase);
			if (rp_source_from_memory(nm, r->buf + (rbase - r->base), rlen, &s) == 0)
				src = keep_source(r, s);
			free(nm);
		}
		start = at >= rbase ? (size_t)(at - rbase) : 0;
	}
	va_start(ap, fmt);
	if (src) {
		rp_diag_vadd(r->diag, lvl, code, src, start, start + len, fmt, ap);
	} else {
		char msg[512];
		vsnprintf(msg, sizeof(msg), fmt, ap);
		rp_diag_addc(r->diag, lvl, code, NULL, 0, 0, "%s: byte %llu: %s", r->name,
			     (unsigned long long)at, msg);
	}
	va_end(ap);
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const char *b, size_t p, size_t n)
{
	while (p < n && is_ws(b[p]))
		p++;
	return p;
}

enum { SCAN_OK = 0, SCAN_MORE = 1, SCAN_BAD = 2 };

/* Scans one JSON object or array starting at b[p] ('{' or '[') to its
 * matching closer; *end = index past it.  Strings are skipped with their
 * escapes; the JSON reader validates everything else later. */
static int scan_value(const char *b, size_t p, size_t n, size_t *end)
{
	size_t depth = 0;

	while (p < n) {
		char c = b[p];
		if (c == '"') {
			p++;
			for (;;) {
				const char *q = memchr(b + p, '"', n - p);
				size_t k;
				if (!q)
					return SCAN_MORE;
				k = (size_t)(q - b);
				/* count the backslashes before the quote */
				{
					size_t bs = 0;
					while (k > p + bs && b[k - 1 - bs] == '\\')
						bs++;
					p = k + 1;
					if (bs % 2 == 0)
						break;
				}
			}
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return SCAN_BAD;
			if (--depth == 0) {
				*end = p + 1;
				return SCAN_OK;
			}
		}
		p++;
	}
	return SCAN_MORE;
}

/* Parses and dispatches the record buf[p, e). */
static int do_record(rp_watch_reader *r, size_t p, size_t e)
{
	rp_source view;
	rp_json_doc *doc = NULL;
	rp_diag local;
	char saved;
	int rc;
	size_t i;
	uint64_t rbase = r->base + p;

	rp_diag_init(&local);
	memset(&view, 0, sizeof(view));
	view.name = r->name;
	view.data = r->buf + p;
	view.size = e - p;
	saved = r->buf[e];
	r->buf[e] = '\0';
	rc = rp_json_parse(&view, RP_JSON_STRICT, &doc, &local);
	r->buf[e] = saved;
	if (rc == -RP_ENOMEM)
		goto out;
	if (rc < 0) {
		/* move the reader's diagnostics onto the input */
		for (i = 0; i < local.count; i++) {
			const rp_diag_item *it = &local.items[i];
			report(r, it->level, rbase, e - p, rbase + it->start, it->end - it->start,
			       it->code ? it->code : "watch-json", "%s", it->message);
		}
		if (r->stats)
			r->stats->bad_records++;
		rc = 0;
		goto out;
	}
	if (r->stats) {
		r->stats->records++;
		r->stats->bytes += e - p;
	}
	rc = rp_watch_record(doc, 0, r->name, rbase, &r->sink, &local, r->stats);
	for (i = 0; i < local.count; i++) {
		const rp_diag_item *it = &local.items[i];
		report(r, it->level, rbase, e - p, rbase + it->start, it->end - it->start,
		       it->code ? it->code : "watch-record", "%s", it->message);
	}
out:
	rp_json_doc_free(doc);
	rp_diag_release(&local);
	return rc;
}

static int bad(rp_watch_reader *r, size_t p, const char *what)
{
	char found[16];
	size_t n = p < r->len ? 1 : 0;

	if (n)
		snprintf(found, sizeof(found), "'%c'", r->buf[p]);
	else
		snprintf(found, sizeof(found), "end of input");
	report(r, RP_DIAG_ERROR, r->base + p, r->len - p, r->base + p, n, "watch-split",
	       "expected %s, found %s", what, found);
	r->failed = true;
	return -RP_EPARSE;
}

/* Does the object at b[p] ('{') start with the key "records" or "value"
 * whose value is an array?  SCAN_OK + *arr = index of '[' if so; SCAN_BAD
 * if it is some other object; SCAN_MORE if undecided. */
static int wrapper_prefix(const char *b, size_t p, size_t n, size_t *arr)
{
	static const char *const keys[] = { "records", "value" };
	size_t q = skip_ws(b, p + 1, n), k;

	if (q >= n)
		return SCAN_MORE;
	if (b[q] != '"')
		return SCAN_BAD;
	for (k = 0; k < 2; k++) {
		size_t kl = strlen(keys[k]), e;
		if (q + 1 + kl + 1 > n)
			return SCAN_MORE;
		if (memcmp(b + q + 1, keys[k], kl) != 0 || b[q + 1 + kl] != '"')
			continue;
		e = skip_ws(b, q + kl + 2, n);
		if (e >= n)
			return SCAN_MORE;
		if (b[e] != ':')
			return SCAN_BAD;
		e = skip_ws(b, e + 1, n);
		if (e >= n)
			return SCAN_MORE;
		if (b[e] != '[')
			return SCAN_BAD;
		*arr = e;
		return SCAN_OK;
	}
	return SCAN_BAD;
}

/* Processes as many complete records of buf as possible. */
static int pump(rp_watch_reader *r, bool eof)
{
	int rc = 0;

	while (!r->failed) {
		size_t p = skip_ws(r->buf, r->pos, r->len), e = 0, arr = 0;
		int s;

		if (p >= r->len) {
			r->pos = p;
			return 0;
		}
		switch (r->st) {
		case S_TOP:
			if (r->buf[p] == '[') {
				r->st = S_TOP_ARR_FIRST;
				r->pos = p + 1;
				continue;
			}
			if (r->buf[p] != '{')
				return bad(r, p,
					   "'{' or '[' (a log record or {\"records\": [...]})");
			s = wrapper_prefix(r->buf, p, r->len, &arr);
			if (s == SCAN_MORE && !eof)
				return 0;
			if (s == SCAN_OK) {
				r->st = S_ARR_FIRST;
				r->pos = arr + 1;
				continue;
			}
			s = scan_value(r->buf, p, r->len, &e);
			if (s == SCAN_MORE)
				return eof ? bad(r, r->len, "the end of the record") : 0;
			if (s == SCAN_BAD)
				return bad(r, p, "a balanced JSON object");
			rc = do_record(r, p, e);
			r->pos = e;
			if (rc < 0)
				return rc;
			continue;
		case S_ARR_FIRST:
		case S_TOP_ARR_FIRST:
		case S_ARR_NEXT:
		case S_TOP_ARR_NEXT: {
			bool top = r->st == S_TOP_ARR_FIRST || r->st == S_TOP_ARR_NEXT;
			bool first = r->st == S_ARR_FIRST || r->st == S_TOP_ARR_FIRST;
			if (r->buf[p] == ']') {
				if (!top) {
					r->resume_off = r->base + p;
					r->have_resume = true;
				}
				r->st = top ? S_DONE_WRAP_ARR : S_WRAP_AFTER;
				r->pos = p + 1;
				continue;
			}
			if (!first) {
				if (r->buf[p] != ',')
					return bad(r, p, "',' or ']' between records");
				p = skip_ws(r->buf, p + 1, r->len);
				if (p >= r->len)
					return eof ? bad(r, p, "a record") : 0;
			}
			if (r->buf[p] != '{')
				return bad(r, p, "a record (a JSON object)");
			s = scan_value(r->buf, p, r->len, &e);
			if (s == SCAN_MORE)
				return eof ? bad(r, r->len, "the end of the record") : 0;
			if (s == SCAN_BAD)
				return bad(r, p, "a balanced JSON object");
			rc = do_record(r, p, e);
			r->pos = e;
			r->st = top ? S_TOP_ARR_NEXT : S_ARR_NEXT;
			if (rc < 0)
				return rc;
			continue;
		}
		case S_WRAP_AFTER:
			/* other members of the wrapper are skipped */
			if (r->buf[p] == '}') {
				r->st = S_TOP;
				r->pos = p + 1;
				continue;
			}
			if (r->buf[p] != ',')
				return bad(r, p, "'}' closing {\"records\": [...]}");
			{
				size_t q = skip_ws(r->buf, p + 1, r->len), v;
				const char *colon;
				if (q >= r->len)
					return eof ? bad(r, q, "a member") : 0;
				if (r->buf[q] != '"')
					return bad(r, q, "a member name");
				colon = memchr(r->buf + q + 1, '"', r->len - q - 1);
				if (!colon)
					return eof ? bad(r, r->len, "a member name") : 0;
				v = skip_ws(r->buf, (size_t)(colon - r->buf) + 1, r->len);
				if (v >= r->len)
					return eof ? bad(r, v, "':'") : 0;
				if (r->buf[v] != ':')
					return bad(r, v, "':'");
				v = skip_ws(r->buf, v + 1, r->len);
				if (v >= r->len)
					return eof ? bad(r, v, "a value") : 0;
				if (r->buf[v] == '{' || r->buf[v] == '[') {
					s = scan_value(r->buf, v, r->len, &e);
					if (s == SCAN_MORE)
						return eof ? bad(r, r->len, "the end of a value")
							   : 0;
					if (s == SCAN_BAD)
						return bad(r, v, "a balanced value");
				} else {
					e = v;
					while (e < r->len && r->buf[e] != ',' && r->buf[e] != '}')
						e++;
					if (e >= r->len && !eof)
						return 0;
				}
				r->pos = e;
			}
			continue;
		case S_DONE_WRAP_ARR:
			return bad(r, p, "the end of input after the top-level array");
		}
	}
	return -RP_EPARSE;
}

int rp_watch_reader_feed(rp_watch_reader *r, const char *data, size_t n)
{
	int rc;

	if (r->failed)
		return -RP_EPARSE;
	/* drop what has been consumed */
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->base += r->pos;
		r->pos = 0;
	}
	if (r->len + n + 1 > r->cap) {
		size_t nc = r->cap ? r->cap : 65536;
		char *nb;
		while (nc < r->len + n + 1)
			nc *= 2;
		nb = realloc(r->buf, nc);
		if (!nb)
			return -RP_ENOMEM;
		r->buf = nb;
		r->cap = nc;
	}
	memcpy(r->buf + r->len, data, n);
	r->len += n;
	r->buf[r->len] = '\0';
	rc = pump(r, false);
	if (rc == 0 && r->len - r->pos > RP_WATCH_MAX_RECORD) {
		report(r, RP_DIAG_ERROR, r->base + r->pos, 0, r->base + r->pos, 1, "watch-limit",
		       "a record longer than %zu bytes (RP_WATCH_MAX_RECORD)", RP_WATCH_MAX_RECORD);
		r->failed = true;
		rc = -RP_ELIMIT;
	}
	return rc;
}

int rp_watch_reader_finish(rp_watch_reader *r)
{
	int rc;

	if (r->failed)
		return -RP_EPARSE;
	rc = pump(r, true);
	if (rc < 0)
		return rc;
	switch (r->st) {
	case S_TOP:
	case S_DONE_WRAP_ARR: return 0;
	default: return bad(r, r->len, "the closing brackets of {\"records\": [...]}");
	}
}

uint64_t rp_watch_reader_resume(rp_watch_reader *r)
{
	uint64_t off;

	if (r->have_resume && (r->st == S_WRAP_AFTER || r->st == S_TOP)) {
		/* re-read from the records array's ']' */
		off = r->resume_off;
		r->st = S_ARR_NEXT;
	} else {
		/* mid-stream (the blob was being written), or JSON Lines: continue
		 * at the first byte not consumed */
		off = r->base + r->pos;
	}
	r->base = off;
	r->len = r->pos = 0;
	r->have_resume = false;
	return off;
}

int rp_watch_read_file(rp_watch_reader *r, const char *path, uint64_t from, bool finish,
		       uint64_t *end)
{
	int fd = -1, rc = 0;
	char *blk = NULL;
	uint64_t at = from;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rp_diag_add(r->diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: %s", path, strerror(errno));
		rc = -RP_EIO;
		goto out;
	}
	if (from && lseek(fd, (off_t)from, SEEK_SET) < 0) {
		rp_diag_add(r->diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: %s", path, strerror(errno));
		rc = -RP_EIO;
		goto out;
	}
	blk = malloc(RP_WATCH_READ_BLOCK);
	if (!blk) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t k = read(fd, blk, RP_WATCH_READ_BLOCK);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			rp_diag_add(r->diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: %s", path,
				    strerror(errno));
			rc = -RP_EIO;
			goto out;
		}
		if (k == 0)
			break;
		at += (uint64_t)k;
		rc = rp_watch_reader_feed(r, blk, (size_t)k);
		if (rc < 0)
			goto out;
	}
	if (finish)
		rc = rp_watch_reader_finish(r);
out:
	if (end)
		*end = at;
	free(blk);
	if (fd >= 0)
		close(fd);
	return rc;
}

typedef struct lc_ix {
	uint64_t off;
	size_t i;
} lc_ix;

static int cmp_lc(const void *a, const void *b)
{
	const lc_ix *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

int rp_watch_linecol(const char *path, const uint64_t *off, size_t n, uint32_t *line, uint32_t *col)
{
	lc_ix *ix = NULL;
	char *blk = NULL;
	int fd = -1, rc = 0;
	uint64_t pos = 0;
	uint32_t ln = 1, lc = 0; /* lead bytes since the line's start */
	size_t k = 0, i;
	struct stat sb;

	for (i = 0; i < n; i++)
		line[i] = col[i] = 0;
	if (n == 0)
		return 0;
	ix = malloc(n * sizeof(*ix));
	blk = malloc(RP_WATCH_READ_BLOCK);
	if (!ix || !blk) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		ix[i].off = off[i];
		ix[i].i = i;
	}
	qsort(ix, n, sizeof(*ix), cmp_lc);
	/* only a regular file can be read again: a pipe (a FIFO, a shell's
	 * <(...)) was consumed, and opening it again would wait for a writer
	 * that never comes; its findings keep no line:column */
	if (stat(path, &sb) < 0) {
		rc = -RP_EIO;
		goto out;
	}
	if (!S_ISREG(sb.st_mode))
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = -RP_EIO;
		goto out;
	}
	for (;;) {
		ssize_t got = read(fd, blk, RP_WATCH_READ_BLOCK);
		size_t a = 0;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -RP_EIO;
			goto out;
		}
		/* the offsets in this block, and the end of the file */
		for (;;) {
			size_t b = (size_t)got;
			const char *q, *nl = NULL;
			if (k < n && ix[k].off - pos <= (uint64_t)got)
				b = (size_t)(ix[k].off - pos);
			for (q = blk + a; (q = memchr(q, '\n', (size_t)(blk + b - q))) != NULL;
			     q++) {
				ln++;
				nl = q;
			}
			if (nl)
				lc = (uint32_t)rp_utf8_count((const unsigned char *)nl + 1,
							     (size_t)(blk + b - nl - 1));
			else
				lc += (uint32_t)rp_utf8_count((const unsigned char *)blk + a,
							      b - a);
			a = b;
			if (k < n && ix[k].off - pos == b) {
				line[ix[k].i] = ln;
				col[ix[k].i] = lc + 1;
				k++;
				continue;
			}
			break;
		}
		pos += (uint64_t)got;
		if (got == 0 || k == n)
			break;
	}
out:
	if (fd >= 0)
		close(fd);
	free(ix);
	free(blk);
	return rc;
}
