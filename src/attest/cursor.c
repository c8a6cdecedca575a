/* cursor.c: bounds-checked binary reader (see cursor.h). */
#include "attest/cursor.h"
#include "util/error.h"

#include <string.h>

void rp_cur_init(rp_cur *c, const void *p, size_t len)
{
	c->base = p;
	c->off = 0;
	c->end = p ? len : 0;
}

int rp_cur_peek(const rp_cur *c, size_t n, const uint8_t **p)
{
	if (rp_cur_left(c) < n)
		return -RP_EPARSE;
	*p = c->base + c->off;
	return 0;
}

int rp_cur_bytes(rp_cur *c, size_t n, const uint8_t **p)
{
	if (rp_cur_left(c) < n)
		return -RP_EPARSE;
	*p = c->base + c->off;
	c->off += n;
	return 0;
}

int rp_cur_copy(rp_cur *c, void *dst, size_t n)
{
	const uint8_t *p;

	if (rp_cur_bytes(c, n, &p) < 0)
		return -RP_EPARSE;
	if (n)
		memcpy(dst, p, n);
	return 0;
}

int rp_cur_skip(rp_cur *c, size_t n)
{
	const uint8_t *p;

	return rp_cur_bytes(c, n, &p);
}

int rp_cur_sub(rp_cur *c, size_t n, rp_cur *sub)
{
	if (rp_cur_left(c) < n)
		return -RP_EPARSE;
	sub->base = c->base;
	sub->off = c->off;
	sub->end = c->off + n;
	c->off += n;
	return 0;
}

int rp_cur_u8(rp_cur *c, uint8_t *v)
{
	const uint8_t *p;

	if (rp_cur_bytes(c, 1, &p) < 0)
		return -RP_EPARSE;
	*v = p[0];
	return 0;
}

static uint64_t load_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = n; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

static uint64_t load_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

#define RP_CUR_READER(name, type, n, load)      \
	int name(rp_cur *c, type *v)            \
	{                                       \
		const uint8_t *p;               \
		if (rp_cur_bytes(c, n, &p) < 0) \
			return -RP_EPARSE;      \
		*v = (type)load(p, n);          \
		return 0;                       \
	}

RP_CUR_READER(rp_cur_u16le, uint16_t, 2, load_le)
RP_CUR_READER(rp_cur_u32le, uint32_t, 4, load_le)
RP_CUR_READER(rp_cur_u64le, uint64_t, 8, load_le)
RP_CUR_READER(rp_cur_u16be, uint16_t, 2, load_be)
RP_CUR_READER(rp_cur_u32be, uint32_t, 4, load_be)
RP_CUR_READER(rp_cur_u64be, uint64_t, 8, load_be)
