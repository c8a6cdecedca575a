/* quote.c: TPMS_ATTEST parsing, TPMT_SIGNATURE and attestation key loading
 * (libtss2-mu), signature verification (OpenSSL 3 EVP), both loaded at
 * first use (crypto.h), pcrDigest and the
 * PCR files of tpm2_quote.  See quote.h. */
#include "attest/quote.h"
#include "attest/crypto.h"
#include "attest/cursor.h"
#include "attest/sha.h"
#include "util/error.h"

#include <openssl/core_names.h>
#include <string.h>

/* tpm2_quote's serialized PCR file (tpm2-tools lib/pcr.c): host structs. */
#define SER_SELECTION_SIZE 132u   /* u32 count + 16 x 8-byte TPMS_PCR_SELECTION */
#define SER_DIGEST_LIST_SIZE 532u /* u32 count + 8 x (u16 size + 64 bytes) */
#define SER_DIGESTS_PER_LIST 8u

const char *rp_attest_type_name(uint16_t type)
{
	switch (type) {
	case 0x8014: return "nv-certify";
	case 0x8015: return "command-audit";
	case 0x8016: return "session-audit";
	case 0x8017: return "certify";
	case 0x8018: return "quote";
	case 0x8019: return "time";
	case 0x801A: return "creation";
	case 0x801C: return "nv-digest";
	default: return "unknown";
	}
}

static int qerr(rp_diag *diag, rp_source *src, const char *code, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int qerr(rp_diag *diag, rp_source *src, const char *code, size_t at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rp_diag_vadd(diag, RP_DIAG_ERROR, code, src, at, at + 1, fmt, ap);
	va_end(ap);
	return -RP_EPARSE;
}

static int read_tpm2b(rp_cur *c, uint8_t *dst, size_t cap, size_t *len)
{
	uint16_t n;

	if (rp_cur_u16be(c, &n) < 0 || n > cap || rp_cur_copy(c, dst, n) < 0)
		return -RP_EPARSE;
	*len = n;
	return 0;
}

int rp_attest_parse(rp_source *src, rp_tpm_attest *q, rp_diag *diag)
{
	rp_cur c;
	uint32_t count, i;
	size_t at;

	memset(q, 0, sizeof(*q));
	rp_cur_init(&c, src->data, src->size);
	if (rp_cur_u32be(&c, &q->magic) < 0 || rp_cur_u16be(&c, &q->type) < 0)
		return qerr(diag, src, "quote-parse", 0,
			    "TPMS_ATTEST: truncated header (%zu bytes)", src->size);
	at = c.off;
	if (read_tpm2b(&c, q->signer, sizeof(q->signer), &q->signer_len) < 0)
		return qerr(diag, src, "quote-parse", at, "TPMS_ATTEST: bad qualifiedSigner");
	at = c.off;
	if (read_tpm2b(&c, q->extra, sizeof(q->extra), &q->extra_len) < 0)
		return qerr(diag, src, "quote-parse", at,
			    "TPMS_ATTEST: bad extraData (at most 64 bytes)");
	at = c.off;
	if (rp_cur_u64be(&c, &q->clock) < 0 || rp_cur_u32be(&c, &q->reset_count) < 0 ||
	    rp_cur_u32be(&c, &q->restart_count) < 0 || rp_cur_u8(&c, &q->safe) < 0 ||
	    rp_cur_u64be(&c, &q->firmware) < 0)
		return qerr(diag, src, "quote-parse", at,
			    "TPMS_ATTEST: truncated clockInfo/firmwareVersion");
	if (q->type != RP_TPM_ST_ATTEST_QUOTE)
		return 0; /* other attestation types: rejected by the caller */
	at = c.off;
	if (rp_cur_u32be(&c, &count) < 0 || count > RP_QUOTE_MAX_SELECTIONS)
		return qerr(diag, src, "quote-parse", at,
			    "TPMS_QUOTE_INFO: bad pcrSelect count (at most %u)",
			    RP_QUOTE_MAX_SELECTIONS);
	for (i = 0; i < count; i++) {
		rp_pcr_select *s = &q->sel[i];
		at = c.off;
		if (rp_cur_u16be(&c, &s->hash) < 0 || rp_cur_u8(&c, &s->size) < 0 ||
		    s->size > RP_QUOTE_MAX_SELECT_BYTES || rp_cur_copy(&c, s->bits, s->size) < 0)
			return qerr(diag, src, "quote-parse", at,
				    "TPMS_QUOTE_INFO: bad PCR selection %u", i);
	}
	q->nsel = count;
	at = c.off;
	if (read_tpm2b(&c, q->pcr_digest, sizeof(q->pcr_digest), &q->pcr_digest_len) < 0)
		return qerr(diag, src, "quote-parse", at, "TPMS_QUOTE_INFO: bad pcrDigest");
	if (rp_cur_left(&c))
		return qerr(diag, src, "quote-parse", c.off, "TPMS_ATTEST: %zu trailing bytes",
			    rp_cur_left(&c));
	q->is_quote = true;
	return 0;
}

static int ecdsa_to_der(const rp_crypto_api *C, const uint8_t *r, size_t rn, const uint8_t *s,
			size_t sn, uint8_t *out, size_t cap, size_t *len)
{
	ECDSA_SIG *sig = C->ECDSA_SIG_new();
	BIGNUM *br = C->BN_bin2bn(r, (int)rn, NULL), *bs = C->BN_bin2bn(s, (int)sn, NULL);
	unsigned char *p = NULL;
	int n, ret = -RP_ENOMEM;

	if (!sig || !br || !bs)
		goto out;
	if (C->ECDSA_SIG_set0(sig, br, bs) != 1)
		goto out;
	br = bs = NULL;
	n = C->i2d_ECDSA_SIG(sig, &p);
	if (n <= 0 || (size_t)n > cap) {
		ret = -RP_EPARSE;
		goto out;
	}
	memcpy(out, p, (size_t)n);
	*len = (size_t)n;
	ret = 0;
out:
	C->CRYPTO_free(p, OPENSSL_FILE, OPENSSL_LINE);
	C->BN_free(br);
	C->BN_free(bs);
	C->ECDSA_SIG_free(sig);
	return ret;
}

int rp_sig_load(rp_source *src, rp_tpm_sig *out, rp_diag *diag)
{
	const rp_crypto_api *C;
	TPMT_SIGNATURE s;
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	if (src->size == 0)
		return qerr(diag, src, "sig-load", 0, "empty signature file");
	if (!(C = rp_crypto(diag)))
		return -RP_ENOTFOUND;
	memset(&s, 0, sizeof(s));
	if (C->Tss2_MU_TPMT_SIGNATURE_Unmarshal((const uint8_t *)src->data, src->size, &off, &s) ==
		    TSS2_RC_SUCCESS &&
	    off == src->size) {
		out->sig_alg = s.sigAlg;
		switch (s.sigAlg) {
		case RP_TPM_ALG_RSASSA:
		case RP_TPM_ALG_RSAPSS:
			out->hash_alg = s.signature.rsassa.hash;
			if (s.signature.rsassa.sig.size > sizeof(out->bytes))
				return qerr(diag, src, "sig-load", 4, "RSA signature too long");
			memcpy(out->bytes, s.signature.rsassa.sig.buffer,
			       s.signature.rsassa.sig.size);
			out->len = s.signature.rsassa.sig.size;
			return 0;
		case RP_TPM_ALG_ECDSA:
			out->hash_alg = s.signature.ecdsa.hash;
			if (ecdsa_to_der(C, s.signature.ecdsa.signatureR.buffer,
					 s.signature.ecdsa.signatureR.size,
					 s.signature.ecdsa.signatureS.buffer,
					 s.signature.ecdsa.signatureS.size, out->bytes,
					 sizeof(out->bytes), &out->len) < 0)
				return qerr(diag, src, "sig-load", 4, "bad ECDSA signature");
			return 0;
		default:
			rp_diag_addc(diag, RP_DIAG_ERROR, "sig-load", src, 0, 2,
				     "TPMT_SIGNATURE: unsupported signature scheme 0x%04x",
				     s.sigAlg);
			return -RP_EUNSUPPORTED;
		}
	}
	/* plain: raw RSA signature bytes or a DER ECDSA-Sig-Value */
	if (src->size > sizeof(out->bytes))
		return qerr(
			diag, src, "sig-load", 0,
			"signature is neither a TPMT_SIGNATURE nor a plain signature (%zu bytes)",
			src->size);
	out->plain = true;
	memcpy(out->bytes, src->data, src->size);
	out->len = src->size;
	return 0;
}

void rp_ak_release(rp_ak *ak)
{
	const rp_crypto_api *C = ak->pkey ? rp_crypto(NULL) : NULL;

	if (C) /* a key was loaded, so was libcrypto */
		C->EVP_PKEY_free(ak->pkey);
	memset(ak, 0, sizeof(*ak));
}

static EVP_PKEY *pkey_fromdata(const rp_crypto_api *C, const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = C->OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = C->EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;

	if (params && ctx && C->EVP_PKEY_fromdata_init(ctx) == 1)
		if (C->EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
			pkey = NULL;
	C->EVP_PKEY_CTX_free(ctx);
	C->OSSL_PARAM_free(params);
	return pkey;
}

static int ak_from_tpmt(const rp_crypto_api *C, const TPMT_PUBLIC *p, rp_ak *ak, rp_source *src,
			rp_diag *diag)
{
	OSSL_PARAM_BLD *bld = C->OSSL_PARAM_BLD_new();
	BIGNUM *n = NULL, *e = NULL;
	int r = -RP_ENOMEM;

	if (!bld)
		return -RP_ENOMEM;
	ak->from_tpm = true;
	ak->type = p->type;
	if (p->type == RP_TPM_ALG_RSA) {
		const TPMS_RSA_PARMS *rp = &p->parameters.rsaDetail;
		uint32_t exp = rp->exponent ? rp->exponent : 65537u;
		ak->scheme = rp->scheme.scheme;
		ak->scheme_hash = rp->scheme.scheme == RP_TPM_ALG_NULL
					  ? 0
					  : rp->scheme.details.anySig.hashAlg;
		ak->bits = rp->keyBits;
		n = C->BN_bin2bn(p->unique.rsa.buffer, p->unique.rsa.size, NULL);
		e = C->BN_new();
		if (!n || !e || C->BN_set_word(e, exp) != 1)
			goto out;
		if (C->OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
		    C->OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1)
			goto out;
		ak->pkey = pkey_fromdata(C, "RSA", bld);
	} else if (p->type == RP_TPM_ALG_ECC) {
		const TPMS_ECC_PARMS *ep = &p->parameters.eccDetail;
		const char *group;
		size_t fl;
		uint8_t pt[1 + 2 * 66];
		switch (ep->curveID) {
		case 0x0003:
			group = "prime256v1";
			fl = 32;
			break;
		case 0x0004:
			group = "secp384r1";
			fl = 48;
			break;
		case 0x0005:
			group = "secp521r1";
			fl = 66;
			break;
		default:
			rp_diag_addc(diag, RP_DIAG_ERROR, "ak-load", src, 0, 0,
				     "attestation key: unsupported ECC curve 0x%04x", ep->curveID);
			r = -RP_EUNSUPPORTED;
			goto out;
		}
		ak->scheme = ep->scheme.scheme;
		ak->scheme_hash = ep->scheme.scheme == RP_TPM_ALG_NULL
					  ? 0
					  : ep->scheme.details.anySig.hashAlg;
		ak->bits = (unsigned)fl * 8;
		if (p->unique.ecc.x.size > fl || p->unique.ecc.y.size > fl) {
			r = qerr(diag, src, "ak-load", 0,
				 "attestation key: ECC point larger than the curve");
			goto out;
		}
		memset(pt, 0, sizeof(pt));
		pt[0] = 0x04;
		memcpy(pt + 1 + fl - p->unique.ecc.x.size, p->unique.ecc.x.buffer,
		       p->unique.ecc.x.size);
		memcpy(pt + 1 + 2 * fl - p->unique.ecc.y.size, p->unique.ecc.y.buffer,
		       p->unique.ecc.y.size);
		if (C->OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) !=
			    1 ||
		    C->OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
							1 + 2 * fl) != 1)
			goto out;
		ak->pkey = pkey_fromdata(C, "EC", bld);
	} else {
		rp_diag_addc(diag, RP_DIAG_ERROR, "ak-load", src, 0, 0,
			     "attestation key: unsupported key type 0x%04x", p->type);
		r = -RP_EUNSUPPORTED;
		goto out;
	}
	if (!ak->pkey) {
		r = qerr(diag, src, "ak-load", 0,
			 "attestation key: OpenSSL rejected the public key");
		goto out;
	}
	r = 0;
out:
	C->BN_free(n);
	C->BN_free(e);
	C->OSSL_PARAM_BLD_free(bld);
	return r;
}

static void ak_from_pkey(const rp_crypto_api *C, rp_ak *ak)
{
	ak->type = C->EVP_PKEY_is_a(ak->pkey, "RSA")  ? RP_TPM_ALG_RSA
		   : C->EVP_PKEY_is_a(ak->pkey, "EC") ? RP_TPM_ALG_ECC
						      : 0;
	ak->bits = (unsigned)C->EVP_PKEY_get_bits(ak->pkey);
}

int rp_ak_load(rp_source *src, rp_ak *ak, rp_diag *diag)
{
	const uint8_t *p = (const uint8_t *)src->data;
	const rp_crypto_api *C;
	TPM2B_PUBLIC pub2b;
	TPMT_PUBLIC pubt;
	size_t off = 0;

	memset(ak, 0, sizeof(*ak));
	if (src->size == 0)
		return qerr(diag, src, "ak-load", 0, "empty attestation key file");
	if (!(C = rp_crypto(diag)))
		return -RP_ENOTFOUND;
	if (memmem(src->data, src->size, "-----BEGIN", 10)) {
		BIO *bio = C->BIO_new_mem_buf(src->data, (int)src->size);
		if (!bio)
			return -RP_ENOMEM;
		ak->pkey = C->PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		C->BIO_free(bio);
		if (!ak->pkey)
			return qerr(diag, src, "ak-load", 0,
				    "attestation key: not a PEM public key");
		ak_from_pkey(C, ak);
		if (!ak->type) {
			rp_ak_release(ak);
			return qerr(diag, src, "ak-load", 0, "attestation key: neither RSA nor EC");
		}
		return 0;
	}
	memset(&pub2b, 0, sizeof(pub2b));
	if (C->Tss2_MU_TPM2B_PUBLIC_Unmarshal(p, src->size, &off, &pub2b) == TSS2_RC_SUCCESS &&
	    off == src->size)
		return ak_from_tpmt(C, &pub2b.publicArea, ak, src, diag);
	off = 0;
	memset(&pubt, 0, sizeof(pubt));
	if (C->Tss2_MU_TPMT_PUBLIC_Unmarshal(p, src->size, &off, &pubt) == TSS2_RC_SUCCESS &&
	    off == src->size)
		return ak_from_tpmt(C, &pubt, ak, src, diag);
	{
		const unsigned char *q = p;
		ak->pkey = C->d2i_PUBKEY(NULL, &q, (long)src->size);
		if (ak->pkey && q == p + src->size) {
			ak_from_pkey(C, ak);
			if (ak->type)
				return 0;
		}
		rp_ak_release(ak);
	}
	return qerr(diag, src, "ak-load", 0,
		    "attestation key is not PEM, DER SubjectPublicKeyInfo, TPM2B_PUBLIC or "
		    "TPMT_PUBLIC");
}

static int verify_one(const rp_crypto_api *C, EVP_PKEY *pkey, uint16_t scheme, const EVP_MD *md,
		      const uint8_t *h, size_t hlen, const uint8_t *sig, size_t slen)
{
	EVP_PKEY_CTX *ctx = C->EVP_PKEY_CTX_new(pkey, NULL);
	int ok = 0;

	if (!ctx)
		return -RP_ENOMEM;
	if (C->EVP_PKEY_verify_init(ctx) != 1 || C->EVP_PKEY_CTX_set_signature_md(ctx, md) != 1)
		goto out;
	if (scheme == RP_TPM_ALG_RSASSA) {
		if (C->EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1)
			goto out;
	} else if (scheme == RP_TPM_ALG_RSAPSS) {
		if (C->EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		    C->EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
		    C->EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) != 1)
			goto out;
	}
	ok = C->EVP_PKEY_verify(ctx, sig, slen, h, hlen) == 1;
out:
	C->EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -RP_EVERIFY;
}

int rp_sig_verify(const rp_ak *ak, const rp_tpm_sig *sig, uint16_t hash, const uint8_t *msg,
		  size_t len, uint16_t *used_hash, uint16_t *used_scheme, const char **why)
{
	uint16_t h = sig->hash_alg     ? sig->hash_alg
		     : hash            ? hash
		     : ak->scheme_hash ? ak->scheme_hash
				       : RP_TPM_ALG_SHA256;
	uint16_t schemes[2];
	size_t nschemes = 0, i;
	const rp_crypto_api *C = ak->pkey ? rp_crypto(NULL) : NULL;
	const EVP_MD *md = rp_tpm_md(h);
	uint8_t dg[RP_TPM_MAX_DIGEST];
	int r;

	*used_hash = h;
	*used_scheme = 0;
	*why = NULL;
	if (!ak->pkey || !C) {
		*why = "no attestation key";
		return -RP_EINVAL;
	}
	if (!md) {
		*why = "signature hash algorithm not supported";
		return -RP_EVERIFY;
	}
	if (!sig->plain) {
		bool rsa = sig->sig_alg == RP_TPM_ALG_RSASSA || sig->sig_alg == RP_TPM_ALG_RSAPSS;
		if ((rsa && ak->type != RP_TPM_ALG_RSA) ||
		    (sig->sig_alg == RP_TPM_ALG_ECDSA && ak->type != RP_TPM_ALG_ECC)) {
			*why = "the signature scheme does not match the attestation key type";
			return -RP_EVERIFY;
		}
		if (ak->from_tpm && ak->scheme && ak->scheme != RP_TPM_ALG_NULL &&
		    (ak->scheme != sig->sig_alg || ak->scheme_hash != sig->hash_alg)) {
			*why = "the signature scheme or hash differs from the attestation key's "
			       "scheme";
			return -RP_EVERIFY;
		}
		schemes[nschemes++] = sig->sig_alg;
	} else if (ak->type == RP_TPM_ALG_ECC) {
		schemes[nschemes++] = RP_TPM_ALG_ECDSA;
	} else if (ak->from_tpm && ak->scheme && ak->scheme != RP_TPM_ALG_NULL) {
		schemes[nschemes++] = ak->scheme;
	} else {
		schemes[nschemes++] = RP_TPM_ALG_RSASSA;
		schemes[nschemes++] = RP_TPM_ALG_RSAPSS;
	}
	if ((r = rp_tpm_hash(h, msg, len, dg)) < 0) {
		*why = "hashing the attestation failed";
		return r;
	}
	for (i = 0; i < nschemes; i++) {
		r = verify_one(C, ak->pkey, schemes[i], md, dg, rp_tpm_alg_size(h), sig->bytes,
			       sig->len);
		if (r == 0) {
			*used_scheme = schemes[i];
			return 0;
		}
		if (r != -RP_EVERIFY)
			return r;
	}
	*used_scheme = schemes[0];
	*why = "the signature does not verify with the attestation key";
	return -RP_EVERIFY;
}

int rp_quote_pcr_digest(const rp_tpm_attest *q, const rp_pcr_set *pcrs, uint16_t hash, uint8_t *out,
			size_t *outlen, uint16_t *miss_alg, unsigned *miss_pcr)
{
	const rp_crypto_api *C = NULL;
	EVP_MD_CTX *ctx = NULL;
	rp_sha sha;
	bool own = rp_sha_init(&sha, hash) == 0; /* SHA-1/2 without OpenSSL */
	size_t s;
	unsigned i;
	int r = -RP_EINTERNAL;

	*miss_alg = 0;
	*miss_pcr = 0;
	if (!own) {
		const EVP_MD *md = rp_tpm_md(hash);
		if (!md || !(C = rp_crypto(NULL)))
			return -RP_EUNSUPPORTED;
		ctx = C->EVP_MD_CTX_new();
		if (!ctx)
			return -RP_ENOMEM;
		if (C->EVP_DigestInit_ex2(ctx, md, NULL) != 1)
			goto out;
	}
	for (s = 0; s < q->nsel; s++) {
		const rp_pcr_select *sel = &q->sel[s];
		const rp_pcr_bank *b = rp_pcr_set_cbank(pcrs, sel->hash);
		for (i = 0; i < 8u * sel->size; i++) {
			if (!(sel->bits[i / 8] & (1u << (i % 8))))
				continue;
			*miss_alg = sel->hash;
			*miss_pcr = i;
			if (i >= RP_TPM_NUM_PCRS) {
				r = -RP_EUNSUPPORTED;
				goto out;
			}
			if (!b || !(b->present & (1u << i))) {
				r = -RP_ENOTFOUND;
				goto out;
			}
			if (own)
				rp_sha_update(&sha, b->v[i], b->size);
			else if (C->EVP_DigestUpdate(ctx, b->v[i], b->size) != 1)
				goto out;
		}
	}
	*miss_alg = 0;
	*miss_pcr = 0;
	if (own)
		rp_sha_final(&sha, out);
	else if (C->EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		goto out;
	*outlen = rp_tpm_alg_size(hash);
	r = 0;
out:
	if (ctx)
		C->EVP_MD_CTX_free(ctx);
	return r;
}

static int load_serialized(rp_source *src, rp_pcr_set *out, rp_diag *diag)
{
	rp_cur c, dl;
	uint32_t count, nlists, i, listi = 0, used = 0, ldigests = 0;
	rp_pcr_select sel[RP_QUOTE_MAX_SELECTIONS];

	rp_cur_init(&c, src->data, src->size);
	rp_cur_u32le(&c, &count);
	if (count > RP_QUOTE_MAX_SELECTIONS)
		return qerr(diag, src, "pcrs-load", 0, "PCR file: selection count %u > %u", count,
			    RP_QUOTE_MAX_SELECTIONS);
	for (i = 0; i < RP_QUOTE_MAX_SELECTIONS; i++) {
		uint8_t pad;
		rp_cur_u16le(&c, &sel[i].hash);
		rp_cur_u8(&c, &sel[i].size);
		rp_cur_copy(&c, sel[i].bits, 4);
		rp_cur_u8(&c, &pad);
		if (i < count && sel[i].size > RP_QUOTE_MAX_SELECT_BYTES)
			return qerr(diag, src, "pcrs-load", 4 + 8 * i,
				    "PCR file: sizeofSelect %u > 4", sel[i].size);
	}
	rp_cur_u32le(&c, &nlists);
	memset(&dl, 0, sizeof(dl));
	for (i = 0; i < count; i++) {
		uint16_t size = (uint16_t)rp_tpm_alg_size(sel[i].hash);
		rp_pcr_bank *b;
		unsigned p;
		if (!size)
			return qerr(diag, src, "pcrs-load", 4 + 8 * i,
				    "PCR file: unknown hash algorithm 0x%04x", sel[i].hash);
		b = rp_pcr_set_add(out, sel[i].hash, size);
		if (!b)
			return qerr(diag, src, "pcrs-load", 4 + 8 * i, "PCR file: too many banks");
		for (p = 0; p < 8u * sel[i].size; p++) {
			uint16_t dsize;
			if (!(sel[i].bits[p / 8] & (1u << (p % 8))))
				continue;
			if (p >= RP_TPM_NUM_PCRS)
				return qerr(diag, src, "pcrs-load", 4 + 8 * i,
					    "PCR file: PCR %u out of range", p);
			if (used == ldigests) {
				if (listi >= nlists)
					return qerr(diag, src, "pcrs-load", c.off,
						    "PCR file: fewer digests than selected PCRs");
				rp_cur_sub(&c, SER_DIGEST_LIST_SIZE, &dl);
				rp_cur_u32le(&dl, &ldigests);
				if (ldigests > SER_DIGESTS_PER_LIST || ldigests == 0)
					return qerr(diag, src, "pcrs-load", dl.off - 4,
						    "PCR file: digest list count %u not in 1-8",
						    ldigests);
				listi++;
				used = 0;
			}
			{
				size_t at = dl.off;
				rp_cur_u16le(&dl, &dsize);
				if (dsize != size)
					return qerr(diag, src, "pcrs-load", at,
						    "PCR file: PCR %u digest size %u, expected %u",
						    p, dsize, size);
				rp_cur_copy(&dl, b->v[p], size);
				rp_cur_skip(&dl, RP_TPM_MAX_DIGEST - size);
			}
			b->present |= 1u << p;
			used++;
		}
	}
	if (listi != nlists || used != ldigests)
		return qerr(diag, src, "pcrs-load", c.off,
			    "PCR file: more digests than selected PCRs");
	return 0;
}

int rp_pcrs_load(rp_source *src, const rp_tpm_attest *q, rp_pcr_set *out, rp_diag *diag)
{
	size_t total = 0, s, off = 0;
	unsigned i;

	memset(out, 0, sizeof(*out));
	if (src->size >= SER_SELECTION_SIZE + 4 &&
	    (src->size - SER_SELECTION_SIZE - 4) % SER_DIGEST_LIST_SIZE == 0) {
		rp_cur c;
		uint32_t n;
		rp_cur_init(&c, src->data, src->size);
		c.off = SER_SELECTION_SIZE;
		rp_cur_u32le(&c, &n);
		if ((size_t)n * SER_DIGEST_LIST_SIZE == src->size - SER_SELECTION_SIZE - 4)
			return load_serialized(src, out, diag);
	}
	if (!q || !q->is_quote)
		return qerr(diag, src, "pcrs-load", 0,
			    "PCR file is not in tpm2_quote's serialized form, and a values file "
			    "needs the quote's selection");
	for (s = 0; s < q->nsel; s++)
		for (i = 0; i < 8u * q->sel[s].size; i++)
			if (q->sel[s].bits[i / 8] & (1u << (i % 8)))
				total += rp_tpm_alg_size(q->sel[s].hash);
	if (total != src->size)
		return qerr(diag, src, "pcrs-load", 0,
			    "PCR values file has %zu bytes; the quote's selection needs %zu",
			    src->size, total);
	for (s = 0; s < q->nsel; s++) {
		uint16_t size = (uint16_t)rp_tpm_alg_size(q->sel[s].hash);
		rp_pcr_bank *b = rp_pcr_set_add(out, q->sel[s].hash, size);
		if (!b)
			return qerr(diag, src, "pcrs-load", off,
				    "PCR values file: unknown or too many banks");
		for (i = 0; i < 8u * q->sel[s].size; i++) {
			if (!(q->sel[s].bits[i / 8] & (1u << (i % 8))))
				continue;
			if (i >= RP_TPM_NUM_PCRS)
				return qerr(diag, src, "pcrs-load", off,
					    "PCR values file: PCR %u out of range", i);
			memcpy(b->v[i], src->data + off, size);
			b->present |= 1u << i;
			off += size;
		}
	}
	return 0;
}

int rp_nonce_parse(const char *hex, uint8_t *out, size_t *len)
{
	return rp_hex_decode(hex, strlen(hex), out, 64, len);
}
