/* buf.c: growable byte buffer. */
#include "util/buf.h"
#include "util/str.h"
#include "util/error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Big buffers (a JSON or text report of a whole estate is tens of MB):
 * ask for transparent huge pages.  On virtual machines a page fault costs
 * microseconds, and a 42 MB report is 10,000 4-KiB pages, each touched
 * once as the buffer fills: faulting them was most of the time of writing
 * the JSON report of the quickstart corpus.  2-MiB pages cut the faults
 * 512-fold.  Advice only: failure is harmless, the bytes are the same, and
 * RSS grows by at most the unfilled part of the last huge page. */
#define BUF_HUGE_MIN ((size_t)4 << 20)

static void advise_huge(void *p)
{
#if defined(MADV_HUGEPAGE) && defined(__GLIBC__)
	/* The whole block, to the end of its pages: a big block is a mapping
	 * of its own, which realloc grows with mremap, and mremap cannot take
	 * a range that advice on a part of it would have split in two. */
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p, b = a + malloc_usable_size(p);

	if (page == 0 || (page & (page - 1)) != 0)
		return;
	a &= ~(page - 1);
	b = (b + page - 1) & ~(page - 1);
	(void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
	(void)p;
#endif
}

int rp_buf_reserve(rp_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return -RP_ENOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	if (b->sink && b->len) {
		/* bounded: write out what is held, then start over */
		int r = rp_buf_flush(b);
		if (r < 0)
			return r;
		need = extra + 1;
		if (need <= b->cap)
			return 0;
	}
	cap = b->cap ? b->cap : b->sink ? RP_BUF_SINK_CHUNK : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return -RP_ENOMEM;
	if (cap >= BUF_HUGE_MIN)
		advise_huge(p);
	b->data = p;
	b->cap = cap;
	return 0;
}

int rp_buf_append(rp_buf *b, const void *p, size_t n)
{
	int r = rp_buf_reserve(b, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int rp_buf_putc(rp_buf *b, char c)
{
	/* room for the byte and the NUL: no reserve, no memcpy */
	if (b->cap - b->len >= 2 && b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return rp_buf_append(b, &c, 1);
}

int rp_buf_puts(rp_buf *b, const char *s)
{
	return rp_buf_append(b, s, strlen(s));
}

int rp_buf_vprintf(rp_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, r;

	size_t room = b->cap > b->len ? b->cap - b->len : 0;

	/* One pass when the text fits in the room left (the usual case),
	 * else measure, grow and format again. */
	va_copy(ap2, ap);
	n = rp_vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		if (room)
			b->data[b->len] = '\0';
		return -RP_EINVAL;
	}
	if ((size_t)n < room) {
		b->len += (size_t)n;
		return 0;
	}
	r = rp_buf_reserve(b, (size_t)n);
	if (r < 0) {
		if (room)
			b->data[b->len] = '\0';
		return r;
	}
	rp_vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int rp_buf_put_u64(rp_buf *b, uint64_t v)
{
	char d[RP_FMT_DEC_MAX];
	size_t i = rp_fmt_dec(d, v, false);

	return rp_buf_append(b, d + i, sizeof(d) - i);
}

int rp_buf_put_i64(rp_buf *b, int64_t v)
{
	char d[RP_FMT_DEC_MAX];
	size_t i =
		rp_fmt_dec(d, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0);

	return rp_buf_append(b, d + i, sizeof(d) - i);
}

int rp_buf_printf(rp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rp_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void rp_buf_clear(rp_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int rp_buf_flush(rp_buf *b)
{
	int r;

	if (!b->sink || !b->len)
		return 0;
	r = b->sink->write(b->sink, b->data, b->len);
	if (r < 0)
		return r;
	b->len = 0;
	b->data[0] = '\0';
	return 0;
}

void rp_buf_release(rp_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *rp_buf_detach(rp_buf *b)
{
	char *p = b->data;

	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
