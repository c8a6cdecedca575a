/* fuzz/quote.c: libFuzzer target for the TPM structure readers: TPMS_ATTEST,
 * TPMT_SIGNATURE (and plain signatures), attestation keys (PEM, DER,
 * TPM2B_PUBLIC, TPMT_PUBLIC), tpm2_quote PCR files, the pcrDigest and the
 * signature verification path.  The input is used whole for every reader,
 * and split at its first byte for a (quote, signature, key) triple. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "attest/quote.h"
#include "util/diag.h"
#include "util/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static rp_source *src_of(const uint8_t *p, size_t n)
{
	rp_source *s = NULL;

	if (rp_source_from_memory("fuzz", p, n, &s) < 0)
		return NULL;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_source *whole = src_of(data, size), *qs = NULL, *ss = NULL, *ks = NULL;
	rp_tpm_attest *q = calloc(1, sizeof(*q));
	rp_tpm_sig *sig = calloc(1, sizeof(*sig));
	rp_pcr_set *pcrs = calloc(1, sizeof(*pcrs));
	rp_ak ak;
	rp_diag d;
	bool have_q;

	memset(&ak, 0, sizeof(ak));
	rp_diag_init(&d);
	if (!whole || !q || !sig || !pcrs)
		goto out;
	have_q = rp_attest_parse(whole, q, &d) == 0;
	rp_sig_load(whole, sig, &d);
	if (rp_ak_load(whole, &ak, &d) == 0)
		rp_ak_release(&ak);
	rp_pcrs_load(whole, have_q ? q : NULL, pcrs, &d);
	if (have_q && q->is_quote) {
		rp_pcr_set *all = calloc(1, sizeof(*all));
		uint8_t dg[RP_TPM_MAX_DIGEST];
		size_t dl;
		uint16_t ma;
		unsigned mp;
		if (all) {
			rp_pcr_bank *b = rp_pcr_set_add(all, RP_TPM_ALG_SHA256, 32);
			if (b)
				b->present = 0xFFFFFF;
			rp_quote_pcr_digest(q, all, RP_TPM_ALG_SHA256, dg, &dl, &ma, &mp);
			free(all);
		}
	}
	/* split: [n1][n2] quote(n1) sig(n2) key(rest) */
	if (size >= 2) {
		size_t n1 = data[0], n2 = data[1];
		if (2 + n1 + n2 <= size) {
			qs = src_of(data + 2, n1);
			ss = src_of(data + 2 + n1, n2);
			ks = src_of(data + 2 + n1 + n2, size - 2 - n1 - n2);
			if (qs && ss && ks && rp_attest_parse(qs, q, &d) == 0 &&
			    rp_sig_load(ss, sig, &d) == 0 && rp_ak_load(ks, &ak, &d) == 0) {
				rp_attest_input in;
				rp_verdict v;
				memset(&in, 0, sizeof(in));
				in.quote = q;
				in.quote_src = qs;
				in.sig = sig;
				in.sig_src = ss;
				in.ak = &ak;
				in.nonce = data;
				in.nonce_len = 1;
				rp_verdict_init(&v);
				rp_attest_evaluate(&in, &v);
				rp_verdict_release(&v);
				rp_ak_release(&ak);
			}
		}
	}
out:
	rp_source_free(whole);
	rp_source_free(qs);
	rp_source_free(ss);
	rp_source_free(ks);
	free(q);
	free(sig);
	free(pcrs);
	rp_diag_release(&d);
	return 0;
}
