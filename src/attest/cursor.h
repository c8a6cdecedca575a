/* cursor.h: bounds-checked reading of binary input (event logs, TPM
 * structures).  Every read checks the remaining length first; nothing is
 * ever cast onto the buffer.  Little-endian readers serve the TCG event log,
 * big-endian readers the TPM 2.0 marshalled structures (TPM 2.0 Library
 * spec Part 1, "Marshalling").
 *
 * Offsets are absolute in the buffer the cursor was created on, so a
 * sub-cursor over an embedded structure still reports file offsets.
 *
 * Ownership: a cursor borrows its buffer.  Readers return 0, or -RP_EPARSE
 * when fewer bytes remain than needed; on failure the cursor does not move.
 */
#ifndef RP_ATTEST_CURSOR_H
#define RP_ATTEST_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rp_cur {
	const uint8_t *base; /* start of the whole buffer */
	size_t off;          /* absolute offset of the next byte */
	size_t end;          /* absolute offset just past the readable range */
} rp_cur;

/* Cursor over p[0..len). */
void rp_cur_init(rp_cur *c, const void *p, size_t len);
static inline size_t rp_cur_left(const rp_cur *c)
{
	return c->end - c->off;
}
static inline const uint8_t *rp_cur_ptr(const rp_cur *c)
{
	return c->base + c->off;
}

int rp_cur_u8(rp_cur *c, uint8_t *v);
int rp_cur_u16le(rp_cur *c, uint16_t *v);
int rp_cur_u32le(rp_cur *c, uint32_t *v);
int rp_cur_u64le(rp_cur *c, uint64_t *v);
int rp_cur_u16be(rp_cur *c, uint16_t *v);
int rp_cur_u32be(rp_cur *c, uint32_t *v);
int rp_cur_u64be(rp_cur *c, uint64_t *v);
/* *p points at the next n bytes, which are consumed. */
int rp_cur_bytes(rp_cur *c, size_t n, const uint8_t **p);
/* Copies n bytes into dst. */
int rp_cur_copy(rp_cur *c, void *dst, size_t n);
int rp_cur_skip(rp_cur *c, size_t n);
/* *sub covers the next n bytes (same base, absolute offsets); c skips them. */
int rp_cur_sub(rp_cur *c, size_t n, rp_cur *sub);
/* Reads the next n bytes without consuming them. */
int rp_cur_peek(const rp_cur *c, size_t n, const uint8_t **p);

#endif
