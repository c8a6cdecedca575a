/* sketch.c: bounded-memory sketches for the flow detectors.
 *
 *   HyperLogLog (Flajolet et al. 2007), p = 10: 1024 one-byte registers,
 *     standard error about 1.04/sqrt(1024) = 3.3%; exact while it holds at
 *     most RP_HLL_SMALL distinct hashes (most keys never grow past that),
 *     linear counting for small estimates.
 *   Count-min (Cormode and Muthukrishnan 2005): d rows of w counters; the
 *     estimate is the minimum, an overestimate by at most e/w of the total
 *     with probability 1 - e^-d.
 *   Bloom filter with k probes from two halves of one 64-bit hash
 *     (Kirsch and Mitzenmacher's double hashing).
 */
#include "watch/detect.h"

#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t rp_watch_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = mix64(seed ^ (n * UINT64_C(0x9e3779b97f4a7c15)));
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = mix64(h ^ w) + UINT64_C(0x9e3779b97f4a7c15);
	}
	if (i < n) {
		uint64_t w = 0;
		memcpy(&w, s + i, n - i);
		h = mix64(h ^ w ^ ((uint64_t)(n - i) << 56));
	}
	return mix64(h);
}

/* ---- HyperLogLog ---- */

/* 2^-r for a register value r (0..64), built from its exponent bits: exact,
 * and without ldexp, so rampart needs no libm (loading it costs ~1 ms at
 * every start, which bench/attest measures). */
static double pow2_neg(unsigned r)
{
	uint64_t b = (uint64_t)(1023u - r) << 52;
	double d;

	memcpy(&d, &b, sizeof(d));
	return d;
}

/* Natural logarithm of a finite x >= 1 (linear counting's m / zeros):
 * x = 2^k f with f in [sqrt(1/2), sqrt(2)), ln x = k ln 2 + 2 atanh(s),
 * s = (f - 1) / (f + 1), |s| < 0.172, summed until the terms vanish;
 * within a few units in the last place of libm's log, and the estimate
 * is printed rounded to an integer. */
static double ln_ge1(double x)
{
	uint64_t b;
	double f, s, s2, t, sum = 0, prev = -1;
	int k;
	unsigned i;

	memcpy(&b, &x, sizeof(b));
	k = (int)((b >> 52) & 0x7ff) - 1023;
	b = (b & UINT64_C(0x000fffffffffffff)) | UINT64_C(0x3ff0000000000000);
	memcpy(&f, &b, sizeof(f));
	if (f > 1.4142135623730951) {
		f *= 0.5;
		k++;
	}
	s = (f - 1.0) / (f + 1.0);
	s2 = s * s;
	t = s;
	for (i = 1; i < 64 && sum != prev; i += 2) {
		prev = sum;
		sum += t / (double)i;
		t *= s2;
	}
	return (double)k * 0.69314718055994531 + 2.0 * sum;
}

void rp_hll_release(rp_hll *h)
{
	free(h->p);
	memset(h, 0, sizeof(*h));
}

static void hll_reg_add(uint8_t *reg, uint64_t hash)
{
	uint32_t idx = (uint32_t)(hash >> (64 - RP_HLL_P));
	uint64_t rest = (hash << RP_HLL_P) | ((uint64_t)1 << (RP_HLL_P - 1));
	uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);

	if (rank > reg[idx])
		reg[idx] = rank;
}

int rp_hll_add(rp_hll *h, uint64_t hash)
{
	uint32_t v = (uint32_t)(hash >> 32), i;
	uint32_t *set;
	uint8_t *reg;

	if (h->n == RP_HLL_LARGE) {
		hll_reg_add(h->p, hash);
		return 0;
	}
	/* exact phase: a set of the top 32 bits (collisions are negligible at
	 * these sizes), inline while it has at most RP_HLL_INLINE members */
	set = h->n > RP_HLL_INLINE ? h->p : h->inl;
	for (i = 0; i < h->n; i++)
		if (set[i] == v)
			return 0;
	if (h->n < RP_HLL_INLINE) {
		h->inl[h->n++] = v;
		return 0;
	}
	if (h->n < RP_HLL_SMALL) {
		/* the set grows by doubling from 8 (most keys stay small), its
		 * capacity implied by n */
		if (h->n == RP_HLL_INLINE) {
			set = malloc(8 * sizeof(*set));
			if (!set)
				return -RP_ENOMEM;
			memcpy(set, h->inl, sizeof(h->inl));
			h->p = set;
		} else if (h->n >= 8 && (h->n & (h->n - 1)) == 0) {
			set = realloc(set, 2 * h->n * sizeof(*set));
			if (!set)
				return -RP_ENOMEM;
			h->p = set;
		}
		set[h->n++] = v;
		return 0;
	}
	/* promote: the small set only kept 32 bits, which are the register
	 * index and the start of the rank; re-adding them with zero low bits
	 * keeps the index and gives a rank within one of the true one */
	reg = calloc((size_t)1 << RP_HLL_P, 1);
	if (!reg)
		return -RP_ENOMEM;
	for (i = 0; i < h->n; i++)
		hll_reg_add(reg, (uint64_t)set[i] << 32 | 0xFFFFFFFFu);
	free(set);
	h->p = reg;
	h->n = RP_HLL_LARGE;
	hll_reg_add(reg, hash);
	return 0;
}

double rp_hll_count(const rp_hll *h)
{
	const double m = (double)(1u << RP_HLL_P);
	const uint8_t *reg = h->p;
	double sum = 0, est;
	uint32_t zeros = 0, i;

	if (h->n != RP_HLL_LARGE)
		return h->n;
	for (i = 0; i < (1u << RP_HLL_P); i++) {
		sum += pow2_neg(reg[i]);
		zeros += reg[i] == 0;
	}
	est = (0.7213 / (1.0 + 1.079 / m)) * m * m / sum;
	if (est <= 2.5 * m && zeros > 0)
		est = m * ln_ge1(m / zeros);
	return est;
}

/* ---- count-min ---- */

int rp_cms_init(rp_cms *s, uint32_t width, uint32_t depth)
{
	if (width == 0 || depth == 0 || depth > RP_CMS_DMAX ||
	    (uint64_t)width * depth > UINT32_MAX) {
		s->c = NULL;
		return -RP_EINVAL;
	}
	s->w = width;
	s->d = depth;
	s->wmask = (width & (width - 1)) == 0 ? width - 1 : 0;
	s->c = calloc((size_t)width * depth, sizeof(*s->c));
	return s->c ? 0 : -RP_ENOMEM;
}

void rp_cms_release(rp_cms *s)
{
	free(s->c);
	s->c = NULL;
}

void rp_cms_clear(rp_cms *s)
{
	memset(s->c, 0, (size_t)s->w * s->d * sizeof(*s->c));
}

/* ---- Bloom ---- */

int rp_bloom_init(rp_bloom *b, uint32_t nbits_log2, uint32_t k)
{
	b->nbits_log2 = nbits_log2;
	b->k = k;
	b->bits = calloc(((size_t)1 << nbits_log2) / 64 + 1, sizeof(uint64_t));
	return b->bits ? 0 : -RP_ENOMEM;
}

void rp_bloom_release(rp_bloom *b)
{
	free(b->bits);
	b->bits = NULL;
}

void rp_bloom_clear(rp_bloom *b)
{
	memset(b->bits, 0, (((size_t)1 << b->nbits_log2) / 64 + 1) * sizeof(uint64_t));
}
