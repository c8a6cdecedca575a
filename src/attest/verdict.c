/* verdict.c: the attestation verdict: check list, quote checks (magic,
 * type, signature, nonce, pcrDigest), PCR file against replay, then the
 * policy.  See attest.h. */
#include "attest/attest.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rp_verdict_init(rp_verdict *v)
{
	memset(v, 0, sizeof(*v));
}

void rp_verdict_release(rp_verdict *v)
{
	free(v->checks);
	rp_arena_free(v->arena);
	memset(v, 0, sizeof(*v));
}

const char *rp_check_status_name(rp_check_status s)
{
	switch (s) {
	case RP_CHECK_PASS: return "pass";
	case RP_CHECK_FAIL: return "fail";
	default: return "unknown";
	}
}

int rp_verdict_add(rp_verdict *v, const char *id, rp_check_status st, rp_source *src,
		   const rp_evlog_event *ev, const char *fmt, ...)
{
	rp_buf b = RP_BUF_INIT;
	rp_check *c;
	va_list ap;
	int r;

	if (!v->arena && !(v->arena = rp_arena_new()))
		return -RP_ENOMEM;
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 32;
		rp_check *n = realloc(v->checks, ncap * sizeof(*n));
		if (!n)
			return -RP_ENOMEM;
		v->checks = n;
		v->cap = ncap;
	}
	va_start(ap, fmt);
	r = rp_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	c = &v->checks[v->n];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->status = st;
	c->message = rp_arena_strndup(v->arena, b.data ? b.data : "", b.len);
	rp_buf_release(&b);
	if (!c->message)
		return -RP_ENOMEM;
	c->src = src;
	c->event = -1;
	if (ev) {
		c->event = ev->seq;
		c->offset = ev->off;
		c->length = ev->end - ev->off;
	}
	v->n++;
	if (st == RP_CHECK_PASS)
		v->npass++;
	else if (st == RP_CHECK_FAIL)
		v->nfail++;
	else
		v->nunknown++;
	return 0;
}

bool rp_verdict_trusted(const rp_verdict *v)
{
	return v->n > 0 && v->nfail == 0 && v->nunknown == 0;
}

static const char *alg_label(uint16_t alg, char *buf, size_t cap)
{
	const char *n = rp_tpm_alg_name(alg);

	if (n)
		return n;
	snprintf(buf, cap, "0x%04x", alg);
	return buf;
}

#define CHECK(x)                   \
	do {                       \
		int r_ = (x);      \
		if (r_ < 0)        \
			return r_; \
	} while (0)

static int replay_checks(const rp_attest_input *in, rp_verdict *v)
{
	const rp_replay *rep = in->replay;
	size_t i;
	char b1[8];

	if (!in->log || !rep)
		return 0;
	if (rep->pcrs.nbanks == 0) {
		CHECK(rp_verdict_add(v, "eventlog.replay", RP_CHECK_UNKNOWN, in->log->src, NULL,
				     "no bank of the event log could be replayed"));
		return 0;
	}
	{
		rp_buf b = RP_BUF_INIT;
		for (i = 0; i < rep->pcrs.nbanks; i++)
			rp_buf_printf(&b, "%s%s", i ? ", " : "",
				      alg_label(rep->pcrs.banks[i].alg, b1, sizeof(b1)));
		CHECK(rp_verdict_add(
			v, "eventlog.replay", RP_CHECK_PASS, in->log->src, NULL,
			"replayed %zu events into %s%s%s", in->log->nevents, b.data ? b.data : "",
			in->log->startup_locality >= 0 ? " (StartupLocality applied)" : "",
			rep->ebs_applied ? " (ExitBootServices workaround applied)" : ""));
		rp_buf_release(&b);
	}
	return 0;
}

static int quote_checks(const rp_attest_input *in, rp_verdict *v)
{
	const rp_tpm_attest *q = in->quote;
	rp_source *qs = in->quote_src;
	uint16_t used_hash = 0, used_scheme = 0;
	const char *why = NULL;
	char b1[8], b2[8];
	int r;

	if (!q)
		return 0;
	if (q->magic == RP_TPM_GENERATED_VALUE)
		CHECK(rp_verdict_add(
			v, "quote.magic", RP_CHECK_PASS, qs, NULL,
			"magic is TPM_GENERATED_VALUE: the TPM produced this structure"));
	else
		CHECK(rp_verdict_add(v, "quote.magic", RP_CHECK_FAIL, qs, NULL,
				     "magic is 0x%08x, not TPM_GENERATED_VALUE 0xff544347",
				     q->magic));
	if (q->type == RP_TPM_ST_ATTEST_QUOTE)
		CHECK(rp_verdict_add(v, "quote.type", RP_CHECK_PASS, qs, NULL,
				     "attestation type is TPM_ST_ATTEST_QUOTE"));
	else
		CHECK(rp_verdict_add(
			v, "quote.type", RP_CHECK_FAIL, qs, NULL,
			"attestation type is 0x%04x (%s), not TPM_ST_ATTEST_QUOTE 0x8018", q->type,
			rp_attest_type_name(q->type)));
	r = rp_sig_verify(in->ak, in->sig, in->hash, (const uint8_t *)qs->data, qs->size,
			  &used_hash, &used_scheme, &why);
	if (r == 0)
		CHECK(rp_verdict_add(v, "quote.signature", RP_CHECK_PASS, in->sig_src, NULL,
				     "signature (%s, %s) verifies with the attestation key",
				     used_scheme == RP_TPM_ALG_RSASSA   ? "RSASSA"
				     : used_scheme == RP_TPM_ALG_RSAPSS ? "RSAPSS"
									: "ECDSA",
				     alg_label(used_hash, b1, sizeof(b1))));
	else if (r == -RP_EVERIFY)
		CHECK(rp_verdict_add(v, "quote.signature", RP_CHECK_FAIL, in->sig_src, NULL, "%s",
				     why ? why : "the signature does not verify"));
	else if (r == -RP_ENOMEM || r == -RP_EINTERNAL)
		return r;
	else
		CHECK(rp_verdict_add(v, "quote.signature", RP_CHECK_FAIL, in->sig_src, NULL,
				     "signature could not be checked: %s",
				     why ? why : rp_strerror(r)));
	if (in->policy && in->policy->nquote_hashes) {
		size_t i;
		bool ok = false;
		for (i = 0; i < in->policy->nquote_hashes; i++)
			ok |= in->policy->quote_hashes[i] == used_hash;
		CHECK(rp_verdict_add(v, "policy.quote-hash", ok ? RP_CHECK_PASS : RP_CHECK_FAIL,
				     in->policy->src, NULL,
				     "signature hash %s is %sallowed by the policy",
				     alg_label(used_hash, b1, sizeof(b1)), ok ? "" : "not "));
	}
	if (in->nonce) {
		bool ok = q->extra_len == in->nonce_len &&
			  rp_ct_equal(q->extra, in->nonce, in->nonce_len);
		CHECK(rp_verdict_add(v, "quote.nonce", ok ? RP_CHECK_PASS : RP_CHECK_FAIL, qs, NULL,
				     ok ? "extraData equals the expected nonce (%zu bytes)"
					: "extraData (%zu bytes) differs from the expected nonce: "
					  "stale or replayed quote",
				     q->extra_len));
	}
	if (!q->is_quote)
		return 0;
	{
		const rp_pcr_set *src = in->pcrs ? in->pcrs : in->replay ? &in->replay->pcrs : NULL;
		const char *from = in->pcrs ? "the PCR file" : "the event log replay";
		uint8_t dg[RP_TPM_MAX_DIGEST];
		size_t dlen = 0;
		uint16_t miss_alg;
		unsigned miss_pcr;
		uint16_t h = used_hash;
		if (!src) {
			CHECK(rp_verdict_add(v, "quote.pcr-digest", RP_CHECK_UNKNOWN, qs, NULL,
					     "no PCR values to check pcrDigest against (give "
					     "--eventlog or --pcrs)"));
			return 0;
		}
		r = rp_quote_pcr_digest(q, src, h, dg, &dlen, &miss_alg, &miss_pcr);
		if (r == -RP_ENOTFOUND || r == -RP_EUNSUPPORTED) {
			CHECK(rp_verdict_add(
				v, "quote.pcr-digest", RP_CHECK_UNKNOWN, qs, NULL,
				"the quote selects %s PCR %u, which %s does not provide",
				alg_label(miss_alg, b2, sizeof(b2)), miss_pcr, from));
		} else if (r < 0) {
			return r;
		} else if (dlen == q->pcr_digest_len && rp_ct_equal(dg, q->pcr_digest, dlen)) {
			CHECK(rp_verdict_add(v, "quote.pcr-digest", RP_CHECK_PASS, qs, NULL,
					     "pcrDigest equals %s of the PCR values from %s",
					     alg_label(h, b1, sizeof(b1)), from));
		} else {
			CHECK(rp_verdict_add(
				v, "quote.pcr-digest", RP_CHECK_FAIL, qs, NULL,
				"pcrDigest differs from %s of the PCR values from %s%s",
				alg_label(h, b1, sizeof(b1)), from,
				in->pcrs ? "" : " (the log does not explain the quoted PCRs)"));
		}
	}
	return 0;
}

/* The agent's PCR file against the replay, for every PCR the log extends. */
static int pcrs_vs_replay(const rp_attest_input *in, rp_verdict *v)
{
	size_t b;
	unsigned p;
	size_t compared = 0, bad = 0;
	char b1[8];

	if (!in->pcrs || !in->replay)
		return 0;
	for (b = 0; b < in->pcrs->nbanks; b++) {
		const rp_pcr_bank *fb = &in->pcrs->banks[b];
		const rp_pcr_bank *rb = rp_pcr_set_cbank(&in->replay->pcrs, fb->alg);
		if (!rb)
			continue;
		for (p = 0; p < RP_TPM_NUM_PCRS; p++) {
			uint32_t bit = 1u << p;
			bool relevant = (in->replay->extended & bit) ||
					(p == 0 && in->log && in->log->startup_locality >= 0);
			char hx1[2 * RP_TPM_MAX_DIGEST + 1], hx2[2 * RP_TPM_MAX_DIGEST + 1];
			if (!(fb->present & bit) || !relevant)
				continue;
			compared++;
			if (memcmp(fb->v[p], rb->v[p], fb->size) == 0)
				continue;
			bad++;
			rp_hex_encode(fb->v[p], fb->size, hx1);
			rp_hex_encode(rb->v[p], rb->size, hx2);
			CHECK(rp_verdict_add(
				v, "quote.pcr-value", RP_CHECK_FAIL, in->pcrs_src, NULL,
				"%s PCR %u: the PCR file has %s, the event log replays to %s",
				alg_label(fb->alg, b1, sizeof(b1)), p, hx1, hx2));
		}
	}
	if (!bad)
		CHECK(rp_verdict_add(
			v, "quote.pcr-value", compared ? RP_CHECK_PASS : RP_CHECK_UNKNOWN,
			in->pcrs_src, NULL,
			compared ? "%zu PCR values of the PCR file equal the event log replay"
				 : "the PCR file shares no extended PCR with the event log (%zu "
				   "compared)",
			compared));
	return 0;
}

int rp_attest_evaluate(const rp_attest_input *in, rp_verdict *v)
{
	int r;

	if ((r = replay_checks(in, v)) < 0)
		return r;
	if ((r = quote_checks(in, v)) < 0)
		return r;
	if ((r = pcrs_vs_replay(in, v)) < 0)
		return r;
	if (in->policy && (r = rp_policy_evaluate(in, v)) < 0)
		return r;
	return 0;
}
