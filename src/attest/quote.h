/* quote.h: TPM 2.0 quote verification: TPMS_ATTEST, TPMT_SIGNATURE, the
 * attestation key (PEM SubjectPublicKeyInfo, TPM2B_PUBLIC or TPMT_PUBLIC),
 * PCR files written by tpm2_quote, and the pcrDigest check.
 *
 * Specs: TPM 2.0 Library Part 2 (TPMS_ATTEST, TPMS_QUOTE_INFO,
 * TPML_PCR_SELECTION, TPMT_SIGNATURE, TPMT_PUBLIC; big-endian marshalling).
 * TPMS_ATTEST is read with rampart's cursor so that every attestation type
 * gets a clean verdict; TPMT_SIGNATURE and TPM2B_PUBLIC are unmarshalled
 * with libtss2-mu.  Signatures are verified with OpenSSL 3 EVP.
 */
#ifndef RP_ATTEST_QUOTE_H
#define RP_ATTEST_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attest/tpm.h"
#include "util/diag.h"
#include "util/source.h"

#define RP_TPM_GENERATED_VALUE 0xFF544347u
#define RP_TPM_ST_ATTEST_QUOTE 0x8018u
#define RP_TPM_ALG_RSA 0x0001u
#define RP_TPM_ALG_ECC 0x0023u
#define RP_TPM_ALG_NULL 0x0010u
#define RP_TPM_ALG_RSASSA 0x0014u
#define RP_TPM_ALG_RSAPSS 0x0016u
#define RP_TPM_ALG_ECDSA 0x0018u

/* Limits of TPM structures rampart accepts. */
#define RP_QUOTE_MAX_SELECTIONS 16u  /* TPML_PCR_SELECTION.count */
#define RP_QUOTE_MAX_SELECT_BYTES 4u /* sizeofSelect (32 PCRs) */
#define RP_QUOTE_MAX_SIG 1024u       /* signature bytes (RSA-8192) */

typedef struct rp_pcr_select {
	uint16_t hash;
	uint8_t size;
	uint8_t bits[RP_QUOTE_MAX_SELECT_BYTES];
} rp_pcr_select;

/* A parsed TPMS_ATTEST.  The quote fields are set only when type is
 * TPM_ST_ATTEST_QUOTE. */
typedef struct rp_tpm_attest {
	uint32_t magic;
	uint16_t type;
	uint8_t signer[68];
	size_t signer_len;
	uint8_t extra[64];
	size_t extra_len;
	uint64_t clock;
	uint32_t reset_count, restart_count;
	uint8_t safe;
	uint64_t firmware;
	bool is_quote;
	size_t nsel;
	rp_pcr_select sel[RP_QUOTE_MAX_SELECTIONS];
	uint8_t pcr_digest[RP_TPM_MAX_DIGEST];
	size_t pcr_digest_len;
} rp_tpm_attest;

/* Static name of a TPM_ST attestation type ("quote", "nv-certify", ...). */
const char *rp_attest_type_name(uint16_t type);

/* Parses src as a marshalled TPMS_ATTEST (the bytes tpm2_quote -m writes).
 * A quote must be consumed exactly; for another type only the common header
 * is read (the caller rejects it).  0, or -RP_EPARSE with an error
 * diagnostic (code "quote-parse") at the offending offset. */
int rp_attest_parse(rp_source *src, rp_tpm_attest *out, rp_diag *diag);

/* A signature: TPMT_SIGNATURE, or "plain" (raw RSA bytes / DER ECDSA). */
typedef struct rp_tpm_sig {
	bool plain;
	uint16_t sig_alg;                /* RP_TPM_ALG_RSASSA/RSAPSS/ECDSA; 0 for plain */
	uint16_t hash_alg;               /* 0 for plain */
	uint8_t bytes[RP_QUOTE_MAX_SIG]; /* RSA: signature; ECDSA: DER ECDSA-Sig-Value */
	size_t len;
} rp_tpm_sig;

/* Reads a TPMT_SIGNATURE (consumed exactly, a supported scheme) or else a
 * plain signature.  0 or -RP_EPARSE/-RP_EUNSUPPORTED with a diagnostic. */
int rp_sig_load(rp_source *src, rp_tpm_sig *out, rp_diag *diag);

/* An attestation key. */
struct evp_pkey_st;
typedef struct rp_ak {
	struct evp_pkey_st *pkey; /* owned */
	uint16_t type;            /* RP_TPM_ALG_RSA / RP_TPM_ALG_ECC */
	bool from_tpm;            /* loaded from TPM2B_PUBLIC/TPMT_PUBLIC */
	uint16_t scheme;          /* signing scheme of a TPM key, or 0 */
	uint16_t scheme_hash;     /* its hash, or 0 */
	unsigned bits;
} rp_ak;

/* Loads a PEM public key (SubjectPublicKeyInfo), a DER SPKI, a TPM2B_PUBLIC
 * or a TPMT_PUBLIC.  0, or -RP_EPARSE/-RP_EUNSUPPORTED with a diagnostic
 * (code "ak-load").  Release with rp_ak_release(). */
int rp_ak_load(rp_source *src, rp_ak *ak, rp_diag *diag);
void rp_ak_release(rp_ak *ak);

/* Verifies sig over msg with ak.  The hash is the TPMT_SIGNATURE's, else
 * hash (non-zero), else the AK's scheme hash, else SHA-256.  A plain RSA
 * signature is tried as the AK's scheme, or RSASSA then RSA-PSS.  RSA-PSS
 * accepts any salt length (libtpms uses the hash length, others the
 * maximum).  Returns 0 verified, -RP_EVERIFY not verified, other negative
 * codes for unusable input; *used_hash and *used_scheme say what was
 * checked; *why (static) explains a failure. */
int rp_sig_verify(const rp_ak *ak, const rp_tpm_sig *sig, uint16_t hash, const uint8_t *msg,
		  size_t len, uint16_t *used_hash, uint16_t *used_scheme, const char **why);

/* Computes H_hash(selected PCR values in selection order) from pcrs.
 * Returns 0, or -RP_ENOTFOUND when a selected PCR is missing from pcrs
 * (*miss_alg / *miss_pcr name it), -RP_EUNSUPPORTED for a PCR >= 24 or an
 * unknown hash. */
int rp_quote_pcr_digest(const rp_tpm_attest *q, const rp_pcr_set *pcrs, uint16_t hash, uint8_t *out,
			size_t *outlen, uint16_t *miss_alg, unsigned *miss_pcr);

/* Loads a PCR file written by tpm2_quote -o: its default "serialized" form
 * (host-endian TPML_PCR_SELECTION + TPML_DIGEST array, carries its own
 * selection) or "-F values" (the values concatenated in the order of sel,
 * which must then be given, usually the quote's).  0 or -RP_EPARSE with a
 * diagnostic (code "pcrs-load"). */
int rp_pcrs_load(rp_source *src, const rp_tpm_attest *sel, rp_pcr_set *out, rp_diag *diag);

/* Parses a hex nonce ("" allowed) into out[64]; 0 or -RP_EINVAL. */
int rp_nonce_parse(const char *hex, uint8_t *out, size_t *len);

#endif
