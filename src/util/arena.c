/* arena.c: chained-block bump allocator. */
#include "util/arena.h"
#include "util/str.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#define ARENA_BLOCK_MIN ((size_t)64 * 1024)
#define ARENA_ALIGN (_Alignof(max_align_t))

struct rp_arena_block {
	struct rp_arena_block *prev;
	size_t size; /* usable bytes after the header */
	size_t used;
};

_Static_assert(ARENA_ALIGN == RP_ARENA_ALIGN, "arena.h's alignment is max_align_t's");

/* struct rp_arena is in arena.h (its first two fields serve the inline
 * fast path of rp_arena_alloc): cur..end is the free part of the head
 * block, whose `used` is brought up to date here before the block is
 * looked at. */

/* Spare blocks, kept when an arena is freed and reused by the next arena: a
 * program that evaluates thousands of small files one after the other (a
 * scan) otherwise gives each block back to malloc, which returns the memory
 * to the kernel (heap trimming, munmap) and page-faults it in again for the
 * next file.  Process-wide under a mutex (arenas are used in several
 * threads); at most SPARE_BYTES in all.  Off under
 * AddressSanitizer, so that a use after rp_arena_free() is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define SPARE_ON 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPARE_ON 0
#endif
#endif
#ifndef SPARE_ON
#define SPARE_ON 1
#endif
#define SPARE_BYTES ((size_t)8 << 20)

#if SPARE_ON
static once_flag spare_once = ONCE_FLAG_INIT;
static mtx_t spare_mtx;
static struct rp_arena_block *spare; /* chained through prev */
static size_t spare_total;           /* usable bytes of the spare blocks */

static void spare_init(void)
{
	mtx_init(&spare_mtx, mtx_plain);
}

/* A spare block of exactly size usable bytes, or NULL.  (Exactly: an
 * arena's footprint, which evaluation limits check, stays what it would be
 * with a fresh block.) */
static struct rp_arena_block *spare_get(size_t size)
{
	struct rp_arena_block **pp, *b = NULL;

	call_once(&spare_once, spare_init);
	mtx_lock(&spare_mtx);
	for (pp = &spare; *pp; pp = &(*pp)->prev)
		if ((*pp)->size == size) {
			b = *pp;
			*pp = b->prev;
			spare_total -= b->size;
			break;
		}
	mtx_unlock(&spare_mtx);
	return b;
}

/* Keeps b if there is room; false when the caller must free it. */
static bool spare_put(struct rp_arena_block *b)
{
	bool kept = false;

	call_once(&spare_once, spare_init);
	mtx_lock(&spare_mtx);
	if (spare_total + b->size <= SPARE_BYTES) {
		b->prev = spare;
		spare = b;
		spare_total += b->size;
		kept = true;
	}
	mtx_unlock(&spare_mtx);
	return kept;
}
#endif

rp_arena *rp_arena_new(void)
{
	return calloc(1, sizeof(rp_arena));
}

rp_arena *rp_arena_free(rp_arena *a)
{
	struct rp_arena_block *b, *prev;

	if (!a)
		return NULL;
	for (b = a->head; b; b = prev) {
		prev = b->prev;
#if SPARE_ON
		if (spare_put(b))
			continue;
#endif
		free(b);
	}
	free(a);
	return NULL;
}

static size_t header_size(void)
{
	return (sizeof(struct rp_arena_block) + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

/* Brings the head block's `used` up to date with a->cur. */
static void sync_head(rp_arena *a)
{
	struct rp_arena_block *b = a->head;

	if (b)
		b->used = (size_t)(a->cur - ((char *)b + header_size()));
}

void *rp_arena_alloc_slow(rp_arena *a, size_t size)
{
	struct rp_arena_block *b;
	size_t need, bsize;
	char *p;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX / 2)
		return NULL;
	sync_head(a);
	b = a->head;
	need = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (!b || b->size - b->used < need) {
		bsize = need > ARENA_BLOCK_MIN ? need : ARENA_BLOCK_MIN;
		/* Blocks grow with the arena so many small files stay cheap and
		 * big ones do not make thousands of blocks. */
		if (a->footprint / 4 > bsize && a->footprint / 4 < ((size_t)64 << 20))
			bsize = a->footprint / 4;
		b = NULL;
#if SPARE_ON
		b = spare_get(bsize);
#endif
		if (!b)
			b = malloc(header_size() + bsize);
		if (!b)
			return NULL;
		b->size = bsize;
		b->used = 0;
		/* A big one-off allocation goes behind the current block so the
		 * current block keeps serving small requests. */
		if (a->head && need > ARENA_BLOCK_MIN && a->head->size - a->head->used > 1024) {
			b->prev = a->head->prev;
			a->head->prev = b;
		} else {
			b->prev = a->head;
			a->head = b;
		}
		a->footprint += header_size() + bsize;
	}
	p = (char *)b + header_size() + b->used;
	b->used += need;
	if (b == a->head) {
		a->cur = p + need;
		a->end = (char *)b + header_size() + b->size;
	}
	return p;
}

void *rp_arena_calloc(rp_arena *a, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = rp_arena_alloc(a, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

char *rp_arena_strndup(rp_arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = rp_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *rp_arena_printf(rp_arena *a, const char *fmt, ...)
{
	va_list ap;
	char tmp[256];
	int n;
	char *p;

	/* one pass for short texts (the usual case) */
	va_start(ap, fmt);
	n = rp_vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof(tmp)) {
		p = rp_arena_alloc(a, (size_t)n + 1);
		if (p)
			memcpy(p, tmp, (size_t)n + 1);
		return p;
	}
	p = rp_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	rp_vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t rp_arena_footprint(const rp_arena *a)
{
	return a ? a->footprint : 0;
}
