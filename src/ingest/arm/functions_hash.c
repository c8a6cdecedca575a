/* functions_hash.c: uniqueString(), guid() and newGuid().
 *
 * uniqueString: the arguments joined with '-', UTF-8 encoded, hashed with
 * the 64-bit Murmur-style hash of Microsoft.WindowsAzure.ResourceStack
 * (ComputeHash: two 32-bit lanes, constants below, seed 0), and the 64-bit
 * result written as 13 characters of the alphabet a-z2-7, five bits at a
 * time from the most significant end.  The algorithm is described publicly
 * (e.g. JasonWhall/go-azure-uniquestring, the maskati "uniqueString in
 * PowerShell" gist); this is our own implementation from that description,
 * checked against published outputs in tests/expr/hash.test.
 *
 * guid: a version-5 (SHA-1, RFC 4122 section 4.3) name-based UUID over the
 * namespace 11fb06fb-712d-4ddd-98c7-e71bbd588830 and the UTF-8 arguments
 * joined with '-'.  SHA-1 per FIPS 180-4 (own implementation).
 */
#include "ingest/arm/expr_internal.h"

#include <string.h>

static uint32_t rotl32(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static uint32_t fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85EBCA6Bu;
	h ^= h >> 13;
	h *= 0xC2B2AE35u;
	h ^= h >> 16;
	return h;
}

static uint32_t le32(const unsigned char *p, size_t n)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < n && i < 4; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* Streaming input: the parts joined with '-' without materialising them. */
typedef struct joined {
	const char *const *parts;
	const size_t *lens;
	size_t nparts, part, off;
	bool need_sep;
} joined;

static size_t joined_read(joined *j, unsigned char *dst, size_t want)
{
	size_t got = 0;

	while (got < want && j->part < j->nparts) {
		if (j->need_sep) {
			dst[got++] = '-';
			j->need_sep = false;
			continue;
		}
		if (j->off < j->lens[j->part]) {
			size_t k = j->lens[j->part] - j->off;
			if (k > want - got)
				k = want - got;
			memcpy(dst + got, j->parts[j->part] + j->off, k);
			j->off += k;
			got += k;
			continue;
		}
		j->part++;
		j->off = 0;
		j->need_sep = j->part < j->nparts;
	}
	return got;
}

static uint64_t murmur64(const char *const *parts, const size_t *lens, size_t nparts)
{
	const uint32_t c1 = 0x239B961Bu, c2 = 0xAB0E9789u;
	uint32_t h1 = 0, h2 = 0;
	unsigned char blk[8];
	size_t total = 0, got;
	joined j = { parts, lens, nparts, 0, 0, false };

	for (;;) {
		uint32_t k1, k2;
		got = joined_read(&j, blk, 8);
		total += got;
		if (got < 8)
			break;
		k1 = le32(blk, 4);
		k2 = le32(blk + 4, 4);
		k1 *= c1;
		k1 = rotl32(k1, 15);
		k1 *= c2;
		h1 ^= k1;
		h1 = rotl32(h1, 19);
		h1 += h2;
		h1 = h1 * 5 + 0x561CCD1Bu;
		k2 *= c2;
		k2 = rotl32(k2, 17);
		k2 *= c1;
		h2 ^= k2;
		h2 = rotl32(h2, 13);
		h2 += h1;
		h2 = h2 * 5 + 0x0BCAA747u;
	}
	if (got > 0) {
		uint32_t k1 = le32(blk, got < 4 ? got : 4);
		k1 *= c1;
		k1 = rotl32(k1, 15);
		k1 *= c2;
		h1 ^= k1;
		if (got > 4) {
			uint32_t k2 = le32(blk + 4, got - 4);
			k2 *= c2;
			k2 = rotl32(k2, 17);
			k2 *= c1;
			h2 ^= k2;
		}
	}
	h1 ^= (uint32_t)total;
	h2 ^= (uint32_t)total;
	h1 += h2;
	h2 += h1;
	h1 = fmix32(h1);
	h2 = fmix32(h2);
	h1 += h2;
	h2 += h1;
	return ((uint64_t)h2 << 32) | h1;
}

void rp_arm_unique_string(const char *const *parts, const size_t *lens, size_t nparts, char out[14])
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint64_t h = murmur64(parts, lens, nparts);
	int i;

	for (i = 0; i < 13; i++) {
		out[i] = alpha[h >> 59];
		h <<= 5;
	}
	out[13] = '\0';
}

/* ---- SHA-1 (FIPS 180-4) ---- */
typedef struct sha1 {
	uint32_t h[5];
	unsigned char buf[64];
	size_t nbuf;
	uint64_t total;
} sha1;

static void sha1_block(sha1 *s, const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = rotl32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
	for (i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20)
			f = (b & c) | (~b & d), k = 0x5A827999u;
		else if (i < 40)
			f = b ^ c ^ d, k = 0x6ED9EBA1u;
		else if (i < 60)
			f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDCu;
		else
			f = b ^ c ^ d, k = 0xCA62C1D6u;
		t = rotl32(a, 5) + f + e + k + w[i];
		e = d, d = c, c = rotl32(b, 30), b = a, a = t;
	}
	s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e;
}

static void sha1_init(sha1 *s)
{
	memset(s, 0, sizeof(*s));
	s->h[0] = 0x67452301u;
	s->h[1] = 0xEFCDAB89u;
	s->h[2] = 0x98BADCFEu;
	s->h[3] = 0x10325476u;
	s->h[4] = 0xC3D2E1F0u;
}

static void sha1_update(sha1 *s, const void *data, size_t n)
{
	const unsigned char *p = data;

	s->total += n;
	while (n > 0) {
		size_t k = 64 - s->nbuf;
		if (k > n)
			k = n;
		memcpy(s->buf + s->nbuf, p, k);
		s->nbuf += k;
		p += k;
		n -= k;
		if (s->nbuf == 64) {
			sha1_block(s, s->buf);
			s->nbuf = 0;
		}
	}
}

static void sha1_final(sha1 *s, unsigned char out[20])
{
	uint64_t bits = s->total * 8;
	unsigned char pad = 0x80, zero = 0, len[8];
	int i;

	sha1_update(s, &pad, 1);
	while (s->nbuf != 56)
		sha1_update(s, &zero, 1);
	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, len, 8);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void rp_arm_guid(const char *const *parts, const size_t *lens, size_t nparts, char out[37])
{
	static const unsigned char ns[16] = { 0x11, 0xfb, 0x06, 0xfb, 0x71, 0x2d, 0x4d, 0xdd,
					      0x98, 0xc7, 0xe7, 0x1b, 0xbd, 0x58, 0x88, 0x30 };
	static const char hex[] = "0123456789abcdef";
	unsigned char d[20];
	sha1 s;
	size_t i, k = 0;

	sha1_init(&s);
	sha1_update(&s, ns, sizeof(ns));
	for (i = 0; i < nparts; i++) {
		if (i)
			sha1_update(&s, "-", 1);
		sha1_update(&s, parts[i], lens[i]);
	}
	sha1_final(&s, d);
	d[6] = (unsigned char)((d[6] & 0x0F) | 0x50);
	d[8] = (unsigned char)((d[8] & 0x3F) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[d[i] >> 4];
		out[k++] = hex[d[i] & 15];
	}
	out[36] = '\0';
}

static int string_parts(rp_arm_fcall *c, const char ***parts, size_t **lens)
{
	size_t i;

	*parts = rp_arena_alloc(c->a, c->nargs * sizeof(**parts));
	*lens = rp_arena_alloc(c->a, c->nargs * sizeof(**lens));
	if (!*parts || !*lens)
		return -RP_ENOMEM;
	for (i = 0; i < c->nargs; i++) {
		int rc = rp_arm_arg_str(c, i, &(*parts)[i], &(*lens)[i]);
		if (rc)
			return rc;
	}
	return 0;
}

RP_ARM_FN(uniqueString)
{
	const char **parts;
	size_t *lens;
	char r[14];
	int rc = string_parts(c, &parts, &lens);

	if (rc)
		return rc;
	rp_arm_unique_string(parts, lens, c->nargs, r);
	return rp_arm_ret_str(c, r, 13, out);
}

RP_ARM_FN(guid)
{
	const char **parts;
	size_t *lens;
	char r[37];
	int rc = string_parts(c, &parts, &lens);

	if (rc)
		return rc;
	rp_arm_guid(parts, lens, c->nargs, r);
	return rp_arm_ret_str(c, r, 36, out);
}

RP_ARM_FN(newGuid)
{
	if (!(c->env->flags & RP_ARM_IN_PARAM_DEFAULT))
		return rp_arm_fail(
			c, c->at, RP_EINVAL,
			"can only be used in the default value of a parameter (as in ARM)");
	return rp_arm_ret_unknown(c, out, "newGuid() is a new random value at each deployment");
}
