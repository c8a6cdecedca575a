/* tpm.h: TPM 2.0 algorithm identifiers, hashing through OpenSSL 3 EVP, and
 * PCR value sets shared by replay, quote checking and policy.
 *
 * Algorithm IDs are TPM_ALG_ID values (TPM 2.0 Library spec Part 2, and the
 * TCG Algorithm Registry): sha1 0x0004, sha256 0x000B, sha384 0x000C,
 * sha512 0x000D, sm3_256 0x0012.
 */
#ifndef RP_ATTEST_TPM_H
#define RP_ATTEST_TPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RP_TPM_ALG_SHA1 0x0004u
#define RP_TPM_ALG_SHA256 0x000Bu
#define RP_TPM_ALG_SHA384 0x000Cu
#define RP_TPM_ALG_SHA512 0x000Du
#define RP_TPM_ALG_SM3_256 0x0012u

/* PCRs of a PC Client TPM. */
#define RP_TPM_NUM_PCRS 24u
/* Largest digest rampart stores (SHA-512). */
#define RP_TPM_MAX_DIGEST 64u
/* Banks in one PCR set (TPM2_NUM_PCR_BANKS). */
#define RP_TPM_MAX_BANKS 16u

/* Static name ("sha256") or NULL for an unknown algorithm. */
const char *rp_tpm_alg_name(uint16_t alg);
/* Digest size of a known hash algorithm, 0 when unknown. */
size_t rp_tpm_alg_size(uint16_t alg);
/* Parses "sha256", "sha1", ... or a number ("0x000b", "11"); 0 or -RP_EINVAL. */
int rp_tpm_alg_parse(const char *name, uint16_t *alg);
/* True when rampart can compute this hash (OpenSSL provides it). */
bool rp_tpm_alg_can_hash(uint16_t alg);
/* The OpenSSL digest for alg (borrowed, process lifetime) or NULL. */
struct evp_md_st;
const struct evp_md_st *rp_tpm_md(uint16_t alg);
/* out[rp_tpm_alg_size(alg)] = H_alg(data).  0, -RP_EUNSUPPORTED, -RP_EINTERNAL. */
int rp_tpm_hash(uint16_t alg, const void *data, size_t len, uint8_t *out);
/* out = H_alg(a || b) (PCR extend). */
int rp_tpm_hash2(uint16_t alg, const void *a, size_t alen, const void *b, size_t blen,
		 uint8_t *out);

/* One bank of PCR values.  present has bit i set when PCR i has a value. */
typedef struct rp_pcr_bank {
	uint16_t alg;
	uint16_t size;
	uint32_t present;
	uint8_t v[RP_TPM_NUM_PCRS][RP_TPM_MAX_DIGEST];
} rp_pcr_bank;

typedef struct rp_pcr_set {
	size_t nbanks;
	rp_pcr_bank banks[RP_TPM_MAX_BANKS];
} rp_pcr_set;

/* The bank for alg, or NULL. */
rp_pcr_bank *rp_pcr_set_bank(rp_pcr_set *s, uint16_t alg);
const rp_pcr_bank *rp_pcr_set_cbank(const rp_pcr_set *s, uint16_t alg);
/* The bank for alg, added (empty) when missing; NULL when the set is full
 * or the algorithm's size is unknown and size is 0. */
rp_pcr_bank *rp_pcr_set_add(rp_pcr_set *s, uint16_t alg, uint16_t size);

/* Lowercase hex of p[0..n) into dst (2n+1 bytes). */
void rp_hex_encode(const uint8_t *p, size_t n, char *dst);
/* Decodes hex (optional "0x" prefix, either case) into out[cap]; *n gets the
 * byte count.  0 or -RP_EINVAL. */
int rp_hex_decode(const char *s, size_t slen, uint8_t *out, size_t cap, size_t *n);
/* Constant-time equality of two byte strings of equal length. */
bool rp_ct_equal(const void *a, const void *b, size_t n);

#endif
