/* arena.h: bump allocator; everything derived from one input file lives in
 * one arena and is released with one rp_arena_free() call.
 *
 * Ownership: rp_arena_new() gives the caller an arena to free with
 * rp_arena_free().  Pointers returned by rp_arena_alloc() and friends are
 * borrowed from the arena and valid until it is freed.  Allocation failure
 * returns NULL (never aborts); the arena stays usable.
 */
#ifndef RP_UTIL_ARENA_H
#define RP_UTIL_ARENA_H

#include <stddef.h>

typedef struct rp_arena rp_arena;

/* Alignment of every allocation (that of max_align_t on x86-64 and
 * aarch64; arena.c checks). */
#define RP_ARENA_ALIGN ((size_t)16)

/* The fields are arena.c's; cur and end (the free bytes of the current
 * block) are here for the inline fast path of rp_arena_alloc. */
struct rp_arena {
	char *cur, *end;
	struct rp_arena_block *head;
	size_t footprint;
};

/* NULL on allocation failure. */
rp_arena *rp_arena_new(void);
/* Accepts NULL; returns NULL so callers can write a = rp_arena_free(a). */
rp_arena *rp_arena_free(rp_arena *a);

/* size bytes aligned to max_align_t; NULL on failure or overflow. */
static inline void *rp_arena_alloc(rp_arena *a, size_t size);
/* The rest of rp_arena_alloc: a new block, zero or big sizes. */
void *rp_arena_alloc_slow(rp_arena *a, size_t size);

static inline void *rp_arena_alloc(rp_arena *a, size_t size)
{
	/* small requests that fit the current block: a pointer bump */
	if (size - 1 < 4096 &&
	    ((size + RP_ARENA_ALIGN - 1) & ~(RP_ARENA_ALIGN - 1)) <= (size_t)(a->end - a->cur)) {
		char *p = a->cur;
		a->cur += (size + RP_ARENA_ALIGN - 1) & ~(RP_ARENA_ALIGN - 1);
		return p;
	}
	return rp_arena_alloc_slow(a, size);
}
/* As rp_arena_alloc, zero-filled; n * size checked for overflow. */
void *rp_arena_calloc(rp_arena *a, size_t n, size_t size);
/* Copy of s[0..len) with a NUL after it. */
char *rp_arena_strndup(rp_arena *a, const char *s, size_t len);
/* printf into the arena. */
char *rp_arena_printf(rp_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Total bytes obtained from malloc (for benchmarks and limits). */
size_t rp_arena_footprint(const rp_arena *a);

#endif
