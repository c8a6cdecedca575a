/* tpm.c: TPM algorithm table, EVP hashing, PCR sets, hex helpers. */
#include "attest/tpm.h"
#include "attest/crypto.h"
#include "attest/sha.h"
#include "util/error.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct alg_info {
	uint16_t id;
	uint16_t size;
	const char *name;
	const char *evp; /* OpenSSL digest name */
} alg_info;

static const alg_info algs[] = {
	{ RP_TPM_ALG_SHA1, 20, "sha1", "SHA1" },
	{ RP_TPM_ALG_SHA256, 32, "sha256", "SHA256" },
	{ RP_TPM_ALG_SHA384, 48, "sha384", "SHA384" },
	{ RP_TPM_ALG_SHA512, 64, "sha512", "SHA512" },
	{ RP_TPM_ALG_SM3_256, 32, "sm3_256", "SM3" },
};

static const alg_info *alg_find(uint16_t alg)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].id == alg)
			return &algs[i];
	return NULL;
}

const char *rp_tpm_alg_name(uint16_t alg)
{
	const alg_info *a = alg_find(alg);
	return a ? a->name : NULL;
}

size_t rp_tpm_alg_size(uint16_t alg)
{
	const alg_info *a = alg_find(alg);
	return a ? a->size : 0;
}

int rp_tpm_alg_parse(const char *name, uint16_t *alg)
{
	size_t i;
	char *end;
	unsigned long v;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcasecmp(name, algs[i].name) == 0) {
			*alg = algs[i].id;
			return 0;
		}
	}
	if (strcasecmp(name, "sm3") == 0) {
		*alg = RP_TPM_ALG_SM3_256;
		return 0;
	}
	if (!name[0])
		return -RP_EINVAL;
	v = strtoul(name, &end, 0);
	if (*end || v > 0xFFFF)
		return -RP_EINVAL;
	*alg = (uint16_t)v;
	return 0;
}

/* Explicitly fetched digests, cached for the process: an implicit fetch
 * on every EVP_DigestInit_ex costs more than hashing a typical event. */
static const EVP_MD *md_for(uint16_t alg)
{
	static EVP_MD *cache[sizeof(algs) / sizeof(algs[0])];
	static bool tried[sizeof(algs) / sizeof(algs[0])];
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (algs[i].id != alg)
			continue;
		if (!tried[i]) {
			/* libcrypto is loaded here, at the first digest that
			 * sha.c does not compute (SM3, or a signature's hash). */
			const rp_crypto_api *C = rp_crypto(NULL);
			cache[i] = C ? C->EVP_MD_fetch(NULL, algs[i].evp, NULL) : NULL;
			tried[i] = true;
		}
		return cache[i];
	}
	return NULL;
}

const struct evp_md_st *rp_tpm_md(uint16_t alg)
{
	return md_for(alg);
}

static bool own_sha(uint16_t alg)
{
	return alg == RP_TPM_ALG_SHA1 || alg == RP_TPM_ALG_SHA256 || alg == RP_TPM_ALG_SHA384 ||
	       alg == RP_TPM_ALG_SHA512;
}

bool rp_tpm_alg_can_hash(uint16_t alg)
{
	return own_sha(alg) || md_for(alg) != NULL;
}

int rp_tpm_hash2(uint16_t alg, const void *a, size_t alen, const void *b, size_t blen, uint8_t *out)
{
	const rp_crypto_api *C;
	const EVP_MD *md;
	EVP_MD_CTX *ctx;
	int r = -RP_EINTERNAL;

	if (own_sha(alg)) {
		rp_sha s;
		rp_sha_init(&s, alg);
		rp_sha_update(&s, a, alen);
		rp_sha_update(&s, b, blen);
		rp_sha_final(&s, out);
		return 0;
	}
	md = md_for(alg);
	if (!md || !(C = rp_crypto(NULL)))
		return -RP_EUNSUPPORTED;
	ctx = C->EVP_MD_CTX_new();
	if (!ctx)
		return -RP_ENOMEM;
	if (C->EVP_DigestInit_ex2(ctx, md, NULL) != 1)
		goto out;
	if (alen && C->EVP_DigestUpdate(ctx, a, alen) != 1)
		goto out;
	if (blen && C->EVP_DigestUpdate(ctx, b, blen) != 1)
		goto out;
	if (C->EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		goto out;
	r = 0;
out:
	C->EVP_MD_CTX_free(ctx);
	return r;
}

int rp_tpm_hash(uint16_t alg, const void *data, size_t len, uint8_t *out)
{
	return rp_tpm_hash2(alg, data, len, NULL, 0, out);
}

rp_pcr_bank *rp_pcr_set_bank(rp_pcr_set *s, uint16_t alg)
{
	size_t i;

	for (i = 0; i < s->nbanks; i++)
		if (s->banks[i].alg == alg)
			return &s->banks[i];
	return NULL;
}

const rp_pcr_bank *rp_pcr_set_cbank(const rp_pcr_set *s, uint16_t alg)
{
	size_t i;

	for (i = 0; i < s->nbanks; i++)
		if (s->banks[i].alg == alg)
			return &s->banks[i];
	return NULL;
}

rp_pcr_bank *rp_pcr_set_add(rp_pcr_set *s, uint16_t alg, uint16_t size)
{
	rp_pcr_bank *b = rp_pcr_set_bank(s, alg);

	if (b)
		return b;
	if (s->nbanks >= RP_TPM_MAX_BANKS || size == 0 || size > RP_TPM_MAX_DIGEST)
		return NULL;
	b = &s->banks[s->nbanks++];
	memset(b, 0, sizeof(*b));
	b->alg = alg;
	b->size = size;
	return b;
}

void rp_hex_encode(const uint8_t *p, size_t n, char *dst)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		dst[2 * i] = hx[p[i] >> 4];
		dst[2 * i + 1] = hx[p[i] & 15];
	}
	dst[2 * n] = '\0';
}

int rp_hex_decode(const char *s, size_t slen, uint8_t *out, size_t cap, size_t *n)
{
	size_t i;

	if (slen >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		slen -= 2;
	}
	if (slen % 2 || slen / 2 > cap)
		return -RP_EINVAL;
	for (i = 0; i < slen / 2; i++) {
		int hi = rp_hex_digit((unsigned char)s[2 * i]),
		    lo = rp_hex_digit((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -RP_EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*n = slen / 2;
	return 0;
}

bool rp_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= (uint8_t)(x[i] ^ y[i]);
	return d == 0;
}
