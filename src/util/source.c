/* source.c: loading input files and mapping offsets to lines. */
#include "util/source.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

rp_source *rp_source_free(rp_source *s)
{
	if (!s)
		return NULL;
	free(s->name);
	free(s->data);
	free(s->lines);
	free(s->colck);
	free(s);
	return NULL;
}

static rp_source *source_new(const char *name)
{
	rp_source *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->name = strdup(name);
	if (!s->name) {
		free(s);
		return NULL;
	}
	return s;
}

int rp_source_from_memory(const char *name, const void *data, size_t size, rp_source **out)
{
	rp_source *s = NULL;
	int r = -RP_ENOMEM;

	*out = NULL;
	if (size >= RP_SOURCE_MAX_SIZE)
		return -RP_ELIMIT;
	s = source_new(name);
	if (!s)
		goto out;
	s->data = malloc(size + 1);
	if (!s->data)
		goto out;
	if (size)
		memcpy(s->data, data, size);
	s->data[size] = '\0';
	s->size = size;
	*out = s;
	s = NULL;
	r = 0;
out:
	rp_source_free(s);
	return r;
}

/* Reads fd to its end under name, after the nhead bytes of head (already
 * read from it), into a new source. */
static int read_fd(int fd, const char *name, size_t max_size, size_t hint, const void *head,
		   size_t nhead, rp_source **out, rp_diag *diag)
{
	rp_source *s = NULL;
	/* the size from fstat, the NUL, and one byte more so that the read
	 * which sees end-of-file needs no larger buffer (with hint + 1 every
	 * file was copied into a buffer twice its size) */
	size_t cap = hint + 2, len = 0;
	char *p;
	int r = -RP_ENOMEM;

	*out = NULL;
	s = source_new(name);
	if (!s)
		goto out;
	if (cap < 4096)
		cap = 4096;
	if (cap > max_size + 2)
		cap = max_size + 2;
	if (cap < nhead + 2)
		cap = nhead + 2;
	s->data = malloc(cap);
	if (!s->data)
		goto out;
	if (nhead) {
		memcpy(s->data, head, nhead);
		len = nhead;
	}
	for (;;) {
		ssize_t n;
		if (len + 1 >= cap) {
			size_t ncap;
			if (len >= max_size + 1)
				break;
			ncap = cap * 2 > max_size + 2 ? max_size + 2 : cap * 2;
			p = realloc(s->data, ncap);
			if (!p)
				goto out;
			s->data = p;
			cap = ncap;
		}
		n = read(fd, s->data + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: cannot read: %s", name,
				    strerror(errno));
			r = -RP_EIO;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max_size) {
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0,
			    "%s: file larger than the limit of %zu bytes", name, max_size);
		r = -RP_ELIMIT;
		goto out;
	}
	s->data[len] = '\0';
	s->size = len;
	*out = s;
	s = NULL;
	r = 0;
out:
	if (r == -RP_ENOMEM)
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: out of memory", name);
	rp_source_free(s);
	return r;
}

/* Reads the file open on fd (closed here) under name: a regular file of at
 * most max_size bytes (the checks of rp_source_read_rest, with no head).
 * The shared tail of rp_source_load and rp_source_reopen. */
static int load_open(int fd, const char *name, size_t max_size, rp_source **out, rp_diag *diag)
{
	int r = rp_source_read_rest(fd, name, NULL, 0, max_size, out, diag);

	close(fd);
	return r;
}

/* Opens path for reading (never a controlling terminal, never blocking on
 * a FIFO) and reads it as name. */
static int open_load(const char *path, const char *name, size_t max_size, rp_source **out,
		     rp_diag *diag)
{
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: cannot open: %s", name,
			    strerror(errno));
		return -RP_EIO;
	}
	return load_open(fd, name, max_size, out, diag);
}

int rp_source_load(const char *path, size_t max_size, rp_source **out, rp_diag *diag)
{
	return open_load(path, path, max_size, out, diag);
}

int rp_source_reopen(int pathfd, const char *name, size_t max_size, rp_source **out, rp_diag *diag)
{
	char link[64];
	struct stat st;

	*out = NULL;
	/* Only a regular file is opened for reading: opening a device or a
	 * FIFO can have effects of its own.  fstat on an O_PATH descriptor
	 * reads the inode without opening it. */
	if (fstat(pathfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: not a regular file", name);
		return -RP_EIO;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pathfd);
	return open_load(link, name, max_size, out, diag);
}

int rp_source_read_rest(int fd, const char *name, const void *head, size_t nhead, size_t max_size,
			rp_source **out, rp_diag *diag)
{
	struct stat st;

	*out = NULL;
	if (max_size == 0 || max_size > RP_SOURCE_MAX_SIZE)
		max_size = RP_SOURCE_MAX_SIZE;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: not a regular file", name);
		return -RP_EIO;
	}
	if ((uint64_t)st.st_size > max_size || nhead > max_size) {
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0,
			    "%s: file of %lld bytes is larger than the limit of %zu bytes", name,
			    (long long)st.st_size, max_size);
		return -RP_ELIMIT;
	}
	return read_fd(fd, name, max_size, (size_t)st.st_size, head, nhead, out, diag);
}

int rp_source_load_stream(const char *name, void *fp, size_t max_size, rp_source **out,
			  rp_diag *diag)
{
	if (max_size == 0 || max_size > RP_SOURCE_MAX_SIZE)
		max_size = RP_SOURCE_MAX_SIZE;
	return read_fd(fileno((FILE *)fp), name, max_size, 0, NULL, 0, out, diag);
}

static int build_lines(rp_source *s)
{
	size_t n = 1, i = 0, cap;
	const char *p = s->data, *end = s->data + s->size, *q;

	for (q = p; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
		n++;
	cap = n;
	s->lines = malloc(cap * sizeof(uint32_t));
	if (!s->lines)
		return -RP_ENOMEM;
	s->lines[i++] = 0;
	for (q = p; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
		s->lines[i++] = (uint32_t)(q + 1 - p);
	s->nlines = i;
	return 0;
}

static uint32_t line_index(const rp_source *s, size_t offset)
{
	size_t lo = 0, hi = s->nlines;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->lines[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

static int build_colck(rp_source *s)
{
	size_t k, n = s->size / RP_SOURCE_COL_BLOCK + 1, cum = 0;

	s->colck = malloc(n * sizeof(uint32_t));
	if (!s->colck)
		return -RP_ENOMEM;
	for (k = 0; k < n; k++) {
		size_t at = k * RP_SOURCE_COL_BLOCK, len = s->size - at;
		s->colck[k] = (uint32_t)cum;
		if (len > RP_SOURCE_COL_BLOCK)
			len = RP_SOURCE_COL_BLOCK;
		cum += rp_utf8_count((const unsigned char *)s->data + at, len);
	}
	return 0;
}

/* Code points (UTF-8 lead bytes) before offset x. */
static size_t cum_points(const rp_source *s, size_t x)
{
	size_t k = x / RP_SOURCE_COL_BLOCK, at = k * RP_SOURCE_COL_BLOCK;

	return s->colck[k] + rp_utf8_count((const unsigned char *)s->data + at, x - at);
}

int rp_source_linecol(rp_source *s, size_t offset, uint32_t *line, uint32_t *col)
{
	uint32_t li;

	if (!s->lines) {
		int r = build_lines(s);
		if (r < 0)
			return r;
	}
	if (offset > s->size)
		offset = s->size;
	li = line_index(s, offset);
	*line = li + 1;
	if (s->col_val != 0 && s->col_line == li && offset >= s->col_off &&
	    offset - s->col_off < RP_SOURCE_COL_BLOCK) {
		/* rp_utf8_count counts lead bytes, so counts of adjacent
		 * ranges add up even when a range starts inside a sequence. */
		*col = s->col_val +
		       (uint32_t)rp_utf8_count((const unsigned char *)s->data + s->col_off,
					       offset - s->col_off);
	} else if (offset - s->lines[li] >= 2 * RP_SOURCE_COL_BLOCK) {
		if (!s->colck) {
			int r = build_colck(s);
			if (r < 0)
				return r;
		}
		*col = (uint32_t)(cum_points(s, offset) - cum_points(s, s->lines[li])) + 1;
	} else {
		*col = (uint32_t)rp_utf8_count((const unsigned char *)s->data + s->lines[li],
					       offset - s->lines[li]) +
		       1;
	}
	s->col_off = offset;
	s->col_line = li;
	s->col_val = *col;
	return 0;
}

int rp_source_line(rp_source *s, uint32_t line, size_t *start, size_t *len)
{
	size_t b, e;

	if (!s->lines) {
		int r = build_lines(s);
		if (r < 0)
			return r;
	}
	if (line == 0 || line > s->nlines)
		return -RP_ENOTFOUND;
	b = s->lines[line - 1];
	e = line < s->nlines ? s->lines[line] : s->size;
	if (e > b && s->data[e - 1] == '\n')
		e--;
	if (e > b && s->data[e - 1] == '\r')
		e--;
	*start = b;
	*len = e - b;
	return 0;
}
