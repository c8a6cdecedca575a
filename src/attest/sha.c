/* sha.c: SHA-1 and SHA-2 (FIPS 180-4 sections 6.1, 6.2, 6.4, 6.5).  See sha.h. */
#include "attest/sha.h"
#include "attest/tpm.h"
#include "util/error.h"

#include <stdbool.h>
#include <string.h>

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static const uint64_t K512[80] = {
	0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
	0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
	0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
	0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
	0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
	0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
	0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
	0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
	0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
	0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
	0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
	0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
	0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
	0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
	0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
	0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
	0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
	0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
	0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
	0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

static uint32_t rol32(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}
static uint32_t ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}
static uint64_t ror64(uint64_t x, unsigned n)
{
	return (x >> n) | (x << (64 - n));
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void block_sha1(uint64_t *hs, const uint8_t *b)
{
	uint32_t w[80], a = (uint32_t)hs[0], bb = (uint32_t)hs[1], c = (uint32_t)hs[2],
			d = (uint32_t)hs[3], e = (uint32_t)hs[4], t;
	unsigned i;

	for (i = 0; i < 16; i++)
		w[i] = be32(b + 4 * i);
	for (; i < 80; i++)
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (bb & c) | (~bb & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = bb ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (bb & c) | (bb & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = bb ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol32(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol32(bb, 30);
		bb = a;
		a = t;
	}
	hs[0] = (uint32_t)(hs[0] + a);
	hs[1] = (uint32_t)(hs[1] + bb);
	hs[2] = (uint32_t)(hs[2] + c);
	hs[3] = (uint32_t)(hs[3] + d);
	hs[4] = (uint32_t)(hs[4] + e);
}

static void block_sha256(uint64_t *hs, const uint8_t *b)
{
	uint32_t w[64], v[8];
	unsigned i;

	for (i = 0; i < 16; i++)
		w[i] = be32(b + 4 * i);
	for (; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	for (i = 0; i < 8; i++)
		v[i] = (uint32_t)hs[i];
	for (i = 0; i < 64; i++) {
		uint32_t S1 = ror32(v[4], 6) ^ ror32(v[4], 11) ^ ror32(v[4], 25);
		uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
		uint32_t t1 = v[7] + S1 + ch + K256[i] + w[i];
		uint32_t S0 = ror32(v[0], 2) ^ ror32(v[0], 13) ^ ror32(v[0], 22);
		uint32_t mj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
		uint32_t t2 = S0 + mj;
		v[7] = v[6];
		v[6] = v[5];
		v[5] = v[4];
		v[4] = v[3] + t1;
		v[3] = v[2];
		v[2] = v[1];
		v[1] = v[0];
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		hs[i] = (uint32_t)(hs[i] + v[i]);
}

static void block_sha512(uint64_t *hs, const uint8_t *b)
{
	uint64_t w[80], v[8];
	unsigned i;

	for (i = 0; i < 16; i++)
		w[i] = be64(b + 8 * i);
	for (; i < 80; i++) {
		uint64_t s0 = ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^ (w[i - 15] >> 7);
		uint64_t s1 = ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^ (w[i - 2] >> 6);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, hs, sizeof(v));
	for (i = 0; i < 80; i++) {
		uint64_t S1 = ror64(v[4], 14) ^ ror64(v[4], 18) ^ ror64(v[4], 41);
		uint64_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
		uint64_t t1 = v[7] + S1 + ch + K512[i] + w[i];
		uint64_t S0 = ror64(v[0], 28) ^ ror64(v[0], 34) ^ ror64(v[0], 39);
		uint64_t mj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
		v[7] = v[6];
		v[6] = v[5];
		v[5] = v[4];
		v[4] = v[3] + t1;
		v[3] = v[2];
		v[2] = v[1];
		v[1] = v[0];
		v[0] = t1 + S0 + mj;
	}
	for (i = 0; i < 8; i++)
		hs[i] += v[i];
}

static size_t block_size(uint16_t alg)
{
	return alg == RP_TPM_ALG_SHA384 || alg == RP_TPM_ALG_SHA512 ? 128 : 64;
}

int rp_sha_init(rp_sha *s, uint16_t alg)
{
	static const uint64_t iv1[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
					 0xc3d2e1f0 };
	static const uint64_t iv256[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	static const uint64_t iv384[8] = { 0xcbbb9d5dc1059ed8ull, 0x629a292a367cd507ull,
					   0x9159015a3070dd17ull, 0x152fecd8f70e5939ull,
					   0x67332667ffc00b31ull, 0x8eb44a8768581511ull,
					   0xdb0c2e0d64f98fa7ull, 0x47b5481dbefa4fa4ull };
	static const uint64_t iv512[8] = { 0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull,
					   0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
					   0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
					   0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull };

	memset(s, 0, sizeof(*s));
	s->alg = alg;
	switch (alg) {
	case RP_TPM_ALG_SHA1: memcpy(s->h, iv1, sizeof(iv1)); return 0;
	case RP_TPM_ALG_SHA256: memcpy(s->h, iv256, sizeof(iv256)); return 0;
	case RP_TPM_ALG_SHA384: memcpy(s->h, iv384, sizeof(iv384)); return 0;
	case RP_TPM_ALG_SHA512: memcpy(s->h, iv512, sizeof(iv512)); return 0;
	default: return -RP_EUNSUPPORTED;
	}
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* The x86 SHA extensions (SHA-NI: Intel since Goldmont/Ice Lake, AMD since
 * Zen), used when the CPU has them; about 5x the portable code above, which
 * matters because the replay hashes every event's data in every bank.  The
 * message schedule and rounds follow the instructions' definitions (Intel
 * SDM, SHA1RNDS4/SHA1NEXTE/SHA1MSG1/SHA1MSG2, SHA256RNDS2/SHA256MSG1/
 * SHA256MSG2); tests/attest compares both paths with OpenSSL on every
 * length across block boundaries. */
#include <cpuid.h>
#include <immintrin.h>
#define RP_SHA_NI 1

#define NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

NI_TARGET static void block_sha1_ni(uint64_t *hs, const uint8_t *b)
{
	const __m128i rev = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	uint32_t st[4];
	__m128i abcd, abcd0, e, e0, prev, w[20];
	int i;

	for (i = 0; i < 4; i++)
		st[i] = (uint32_t)hs[i];
	abcd0 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)st), 0x1B);
	e0 = _mm_set_epi32((int)(uint32_t)hs[4], 0, 0, 0);
	/* w[i]: message words 4i..4i+3, word 4i in the high lane */
	for (i = 0; i < 4; i++)
		w[i] = _mm_shuffle_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(b + 16 * i)), rev);
	for (i = 4; i < 20; i++)
		w[i] = _mm_sha1msg2_epu32(
			_mm_xor_si128(_mm_sha1msg1_epu32(w[i - 4], w[i - 3]), w[i - 2]), w[i - 1]);
	abcd = abcd0;
	e = _mm_add_epi32(e0, w[0]);
	prev = abcd;
	abcd = _mm_sha1rnds4_epu32(abcd, e, 0);
#define SHA1_NI_ROUNDS(from, to, f)                     \
	for (i = from; i < to; i++) {                   \
		e = _mm_sha1nexte_epu32(prev, w[i]);    \
		prev = abcd;                            \
		abcd = _mm_sha1rnds4_epu32(abcd, e, f); \
	}
	SHA1_NI_ROUNDS(1, 5, 0)
	SHA1_NI_ROUNDS(5, 10, 1)
	SHA1_NI_ROUNDS(10, 15, 2)
	SHA1_NI_ROUNDS(15, 20, 3)
#undef SHA1_NI_ROUNDS
	e = _mm_sha1nexte_epu32(prev, e0);
	abcd = _mm_shuffle_epi32(_mm_add_epi32(abcd, abcd0), 0x1B);
	_mm_storeu_si128((__m128i *)(void *)st, abcd);
	for (i = 0; i < 4; i++)
		hs[i] = st[i];
	hs[4] = (uint32_t)_mm_extract_epi32(e, 3);
}

NI_TARGET static void block_sha256_ni(uint64_t *hs, const uint8_t *b)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	uint32_t st[8];
	__m128i s0, s1, t, abef0, cdgh0, msg, w[16];
	int i;

	for (i = 0; i < 8; i++)
		st[i] = (uint32_t)hs[i];
	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)st), 0xB1); /* CDAB */
	s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)(st + 4)),
			       0x1B);      /* EFGH */
	s0 = _mm_alignr_epi8(t, s1, 8);    /* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xF0); /* CDGH */
	abef0 = s0;
	cdgh0 = s1;
	/* w[i]: message words 4i..4i+3, word 4i in the low lane */
	for (i = 0; i < 4; i++)
		w[i] = _mm_shuffle_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(b + 16 * i)), bswap);
	for (i = 4; i < 16; i++)
		w[i] = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(w[i - 4], w[i - 3]),
							  _mm_alignr_epi8(w[i - 1], w[i - 2], 4)),
					    w[i - 1]);
	for (i = 0; i < 16; i++) {
		msg = _mm_add_epi32(w[i],
				    _mm_loadu_si128((const __m128i *)(const void *)(K256 + 4 * i)));
		s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
		s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(msg, 0x0E));
	}
	s0 = _mm_add_epi32(s0, abef0);
	s1 = _mm_add_epi32(s1, cdgh0);
	t = _mm_shuffle_epi32(s0, 0x1B);   /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);  /* DCHG */
	s0 = _mm_blend_epi16(t, s1, 0xF0); /* DCBA */
	s1 = _mm_alignr_epi8(s1, t, 8);    /* HGFE */
	_mm_storeu_si128((__m128i *)(void *)st, s0);
	_mm_storeu_si128((__m128i *)(void *)(st + 4), s1);
	for (i = 0; i < 8; i++)
		hs[i] = st[i];
}
#endif

/* -1 unknown, 0 portable code, 1 SHA-NI */
static int accel = -1;

static bool use_ni(void)
{
#ifdef RP_SHA_NI
	/* CPUID at the first block hashed, not in a constructor at start-up
	 * (__builtin_cpu_supports would link libgcc's, which runs a dozen
	 * CPUIDs, each a VM exit under a hypervisor, in every process). */
	if (accel < 0) {
		unsigned a, b, c, d;
		bool sse = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) && (c & bit_SSSE3);
		accel = sse && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
	}
	return accel == 1;
#else
	return false;
#endif
}

bool rp_sha_set_accel(bool on)
{
	bool was = use_ni();

#ifdef RP_SHA_NI
	if (!on)
		accel = 0;
	else
		accel = -1, (void)use_ni();
#else
	(void)on;
#endif
	return was;
}

bool rp_sha_accel(void)
{
	return use_ni();
}

static void compress(rp_sha *s, const uint8_t *b)
{
#ifdef RP_SHA_NI
	if (s->alg == RP_TPM_ALG_SHA1 && use_ni()) {
		block_sha1_ni(s->h, b);
		return;
	}
	if (s->alg == RP_TPM_ALG_SHA256 && use_ni()) {
		block_sha256_ni(s->h, b);
		return;
	}
#endif
	if (s->alg == RP_TPM_ALG_SHA1)
		block_sha1(s->h, b);
	else if (s->alg == RP_TPM_ALG_SHA256)
		block_sha256(s->h, b);
	else
		block_sha512(s->h, b);
}

void rp_sha_update(rp_sha *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t bs = block_size(s->alg);

	if (n == 0)
		return;
	s->total += n;
	if (s->fill) {
		size_t k = bs - s->fill < n ? bs - s->fill : n;
		memcpy(s->block + s->fill, p, k);
		s->fill += k;
		p += k;
		n -= k;
		if (s->fill < bs)
			return;
		compress(s, s->block);
		s->fill = 0;
	}
	while (n >= bs) {
		compress(s, p);
		p += bs;
		n -= bs;
	}
	if (n) {
		memcpy(s->block, p, n);
		s->fill = n;
	}
}

void rp_sha_final(rp_sha *s, uint8_t *out)
{
	size_t bs = block_size(s->alg), lenbytes = bs == 128 ? 16 : 8, i, words, wsize;
	uint64_t bits = s->total * 8;

	s->block[s->fill++] = 0x80;
	if (s->fill > bs - lenbytes) {
		memset(s->block + s->fill, 0, bs - s->fill);
		compress(s, s->block);
		s->fill = 0;
	}
	memset(s->block + s->fill, 0, bs - s->fill);
	for (i = 0; i < 8; i++)
		s->block[bs - 1 - i] = (uint8_t)(bits >> (8 * i));
	compress(s, s->block);
	switch (s->alg) {
	case RP_TPM_ALG_SHA1:
		words = 5;
		wsize = 4;
		break;
	case RP_TPM_ALG_SHA256:
		words = 8;
		wsize = 4;
		break;
	case RP_TPM_ALG_SHA384:
		words = 6;
		wsize = 8;
		break;
	default:
		words = 8;
		wsize = 8;
		break;
	}
	for (i = 0; i < words; i++) {
		size_t k;
		for (k = 0; k < wsize; k++)
			out[i * wsize + k] = (uint8_t)(s->h[i] >> (8 * (wsize - 1 - k)));
	}
}
