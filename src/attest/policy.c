/* policy.c: the boot policy file (JSON, docs/attest.md): parsing with
 * positions, evaluation against a parsed event log / replay / PCR file,
 * and generation from a known-good log (`rampart attest --init-policy`). */
#include "attest/attest.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rp_policy *rp_policy_free(rp_policy *p)
{
	if (p)
		rp_arena_free(p->arena);
	return NULL;
}

typedef struct pparse {
	rp_policy *p;
	rp_json_doc *doc;
	rp_diag *diag;
} pparse;

static int perr(pparse *ps, uint32_t node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(pparse *ps, uint32_t node, const char *fmt, ...)
{
	va_list ap;
	const rp_json_node *n = &ps->doc->nodes[node];

	va_start(ap, fmt);
	rp_diag_vadd(ps->diag, RP_DIAG_ERROR, "policy", ps->p->src, n->off, (size_t)n->off + n->len,
		     fmt, ap);
	va_end(ap);
	return -RP_EPARSE;
}

static int get_hex(pparse *ps, uint32_t node, uint8_t *out, size_t cap, size_t *n)
{
	const char *s;
	size_t len;

	if (!rp_json_is(ps->doc, node, RP_JSON_STRING) || rp_json_str(ps->doc, node, &s, &len) < 0)
		return perr(ps, node, "expected a hex string");
	if (rp_hex_decode(s, len, out, cap, n) < 0)
		return perr(ps, node, "not a hex string of at most %zu bytes", cap);
	return 0;
}

static int get_pcr(pparse *ps, uint32_t node, uint32_t *pcr)
{
	int64_t v;

	if (!rp_json_is(ps->doc, node, RP_JSON_NUMBER) || rp_json_int64(ps->doc, node, &v) < 0 ||
	    v < 0 || v >= RP_TPM_NUM_PCRS)
		return perr(ps, node, "expected a PCR index 0-%u", RP_TPM_NUM_PCRS - 1);
	*pcr = (uint32_t)v;
	return 0;
}

static int get_bank(pparse *ps, uint32_t node, uint16_t *alg)
{
	const char *s;

	if (!rp_json_is(ps->doc, node, RP_JSON_STRING) && !rp_json_is(ps->doc, node, RP_JSON_KEY))
		return perr(ps, node, "expected a hash algorithm name");
	s = rp_json_strz(ps->doc, node);
	if (!s || rp_tpm_alg_parse(s, alg) < 0 || !rp_tpm_alg_size(*alg))
		return perr(ps, node, "unknown hash algorithm '%s'", s ? s : "");
	return 0;
}

/* {"KEY": [hex32...]} with exactly the member key. */
static int parse_ids(pparse *ps, uint32_t obj, const char *key, rp_policy_ids *ids)
{
	rp_json_iter it;
	uint32_t k, val, arr = RP_JSON_NONE;
	size_t i = 0;

	if (!rp_json_is(ps->doc, obj, RP_JSON_OBJECT))
		return perr(ps, obj, "expected an object with \"%s\"", key);
	it = rp_json_iter_begin(ps->doc, obj);
	while (rp_json_iter_next(ps->doc, &it, &k, &val)) {
		if (!rp_json_str_eq(ps->doc, k, key, strlen(key)))
			return perr(ps, k, "unknown key (expected \"%s\")", key);
		arr = val;
	}
	if (arr == RP_JSON_NONE || !rp_json_is(ps->doc, arr, RP_JSON_ARRAY))
		return perr(ps, arr == RP_JSON_NONE ? obj : arr,
			    "\"%s\" must be an array of SHA-256 hex strings", key);
	if (rp_json_count(ps->doc, arr) > RP_POLICY_MAX_ENTRIES)
		return perr(ps, arr, "more than %u entries", RP_POLICY_MAX_ENTRIES);
	ids->set = true;
	ids->n = rp_json_count(ps->doc, arr);
	ids->ids = rp_arena_calloc(ps->p->arena, ids->n ? ids->n : 1, 32);
	if (!ids->ids)
		return -RP_ENOMEM;
	it = rp_json_iter_begin(ps->doc, arr);
	while (rp_json_iter_next(ps->doc, &it, &k, &val)) {
		size_t n;
		int r = get_hex(ps, val, ids->ids[i], 32, &n);
		if (r < 0)
			return r;
		if (n != 32)
			return perr(ps, val, "expected 32 bytes (SHA-256), got %zu", n);
		i++;
	}
	return 0;
}

static int parse_apps(pparse *ps, uint32_t obj)
{
	rp_policy *p = ps->p;
	rp_json_iter it;
	uint32_t k, val, digests = RP_JSON_NONE;
	int r;

	if (!rp_json_is(ps->doc, obj, RP_JSON_OBJECT))
		return perr(ps, obj, "expected an object");
	p->apps_set = true;
	p->apps_bank = RP_TPM_ALG_SHA256;
	p->apps_mode = RP_POLICY_APPS_ALLOW;
	it = rp_json_iter_begin(ps->doc, obj);
	while (rp_json_iter_next(ps->doc, &it, &k, &val)) {
		if (rp_json_str_eq(ps->doc, k, "bank", 4)) {
			if ((r = get_bank(ps, val, &p->apps_bank)) < 0)
				return r;
		} else if (rp_json_str_eq(ps->doc, k, "mode", 4)) {
			if (rp_json_str_eq(ps->doc, val, "allow", 5))
				p->apps_mode = RP_POLICY_APPS_ALLOW;
			else if (rp_json_str_eq(ps->doc, val, "sequence", 8))
				p->apps_mode = RP_POLICY_APPS_SEQUENCE;
			else
				return perr(ps, val, "mode must be \"allow\" or \"sequence\"");
		} else if (rp_json_str_eq(ps->doc, k, "digests", 7)) {
			digests = val;
		} else {
			return perr(ps, k, "unknown key in boot_applications");
		}
	}
	if (digests == RP_JSON_NONE || !rp_json_is(ps->doc, digests, RP_JSON_ARRAY))
		return perr(ps, obj, "boot_applications needs a \"digests\" array");
	p->napps = rp_json_count(ps->doc, digests);
	if (p->napps > RP_POLICY_MAX_ENTRIES)
		return perr(ps, digests, "more than %u entries", RP_POLICY_MAX_ENTRIES);
	p->apps = rp_arena_calloc(p->arena, p->napps ? p->napps : 1, RP_TPM_MAX_DIGEST);
	if (!p->apps)
		return -RP_ENOMEM;
	it = rp_json_iter_begin(ps->doc, digests);
	{
		size_t i = 0, n;
		while (rp_json_iter_next(ps->doc, &it, &k, &val)) {
			if ((r = get_hex(ps, val, p->apps[i], RP_TPM_MAX_DIGEST, &n)) < 0)
				return r;
			if (n != rp_tpm_alg_size(p->apps_bank))
				return perr(ps, val, "digest has %zu bytes; the %s bank needs %zu",
					    n, rp_tpm_alg_name(p->apps_bank),
					    rp_tpm_alg_size(p->apps_bank));
			i++;
		}
	}
	return 0;
}

static int parse_forbid(pparse *ps, uint32_t arr)
{
	rp_policy *p = ps->p;
	rp_json_iter it, jt;
	uint32_t k, val, k2, v2;
	int r;

	if (!rp_json_is(ps->doc, arr, RP_JSON_ARRAY))
		return perr(ps, arr, "forbidden_events must be an array of objects");
	p->nforbid = rp_json_count(ps->doc, arr);
	if (p->nforbid > RP_POLICY_MAX_ENTRIES)
		return perr(ps, arr, "more than %u entries", RP_POLICY_MAX_ENTRIES);
	p->forbid = rp_arena_calloc(p->arena, p->nforbid ? p->nforbid : 1, sizeof(*p->forbid));
	if (!p->forbid)
		return -RP_ENOMEM;
	it = rp_json_iter_begin(ps->doc, arr);
	{
		size_t i = 0;
		while (rp_json_iter_next(ps->doc, &it, &k, &val)) {
			rp_policy_forbid *f = &p->forbid[i++];
			f->json_node = val;
			if (!rp_json_is(ps->doc, val, RP_JSON_OBJECT) ||
			    rp_json_count(ps->doc, val) == 0)
				return perr(ps, val,
					    "each forbidden event is an object with type, pcr, "
					    "digest and/or string");
			jt = rp_json_iter_begin(ps->doc, val);
			while (rp_json_iter_next(ps->doc, &jt, &k2, &v2)) {
				if (rp_json_str_eq(ps->doc, k2, "type", 4)) {
					const char *s = rp_json_is(ps->doc, v2, RP_JSON_STRING)
								? rp_json_strz(ps->doc, v2)
								: NULL;
					int64_t n;
					if (s ? rp_evlog_type_parse(s, &f->type) < 0
					      : (!rp_json_is(ps->doc, v2, RP_JSON_NUMBER) ||
						 rp_json_int64(ps->doc, v2, &n) < 0 || n < 0 ||
						 n > 0xFFFFFFFFll))
						return perr(ps, v2, "unknown event type");
					if (!s)
						f->type = (uint32_t)n;
					f->has_type = true;
				} else if (rp_json_str_eq(ps->doc, k2, "pcr", 3)) {
					if ((r = get_pcr(ps, v2, &f->pcr)) < 0)
						return r;
					f->has_pcr = true;
				} else if (rp_json_str_eq(ps->doc, k2, "digest", 6)) {
					if ((r = get_hex(ps, v2, f->digest, RP_TPM_MAX_DIGEST,
							 &f->digest_len)) < 0)
						return r;
					f->has_digest = true;
				} else if (rp_json_str_eq(ps->doc, k2, "string", 6)) {
					const char *s;
					size_t n;
					if (!rp_json_is(ps->doc, v2, RP_JSON_STRING) ||
					    rp_json_str(ps->doc, v2, &s, &n) < 0)
						return perr(ps, v2, "expected a string");
					f->string = rp_arena_strndup(p->arena, s, n);
					if (!f->string)
						return -RP_ENOMEM;
					f->string_len = n;
					f->has_string = true;
				} else {
					return perr(ps, k2,
						    "unknown key in a forbidden event (type, pcr, "
						    "digest, string)");
				}
			}
		}
	}
	return 0;
}

static int parse_pcrs(pparse *ps, uint32_t obj)
{
	rp_json_iter it, jt;
	uint32_t k, val, k2, v2;
	int r;

	if (!rp_json_is(ps->doc, obj, RP_JSON_OBJECT))
		return perr(ps, obj, "pcrs must map bank names to {\"PCR\": \"hex\"} objects");
	it = rp_json_iter_begin(ps->doc, obj);
	while (rp_json_iter_next(ps->doc, &it, &k, &val)) {
		uint16_t alg;
		rp_pcr_bank *b;
		if ((r = get_bank(ps, k, &alg)) < 0)
			return r;
		b = rp_pcr_set_add(&ps->p->pcrs, alg, (uint16_t)rp_tpm_alg_size(alg));
		if (!b)
			return perr(ps, k, "too many banks");
		if (!rp_json_is(ps->doc, val, RP_JSON_OBJECT))
			return perr(ps, val, "expected {\"PCR\": \"hex\"}");
		jt = rp_json_iter_begin(ps->doc, val);
		while (rp_json_iter_next(ps->doc, &jt, &k2, &v2)) {
			const char *s = rp_json_strz(ps->doc, k2);
			char *end;
			unsigned long pcr = s ? strtoul(s, &end, 10) : 0;
			size_t n;
			if (!s || !s[0] || *end || pcr >= RP_TPM_NUM_PCRS)
				return perr(ps, k2, "expected a PCR index 0-%u",
					    RP_TPM_NUM_PCRS - 1);
			if ((r = get_hex(ps, v2, b->v[pcr], RP_TPM_MAX_DIGEST, &n)) < 0)
				return r;
			if (n != b->size)
				return perr(ps, v2, "value has %zu bytes; %s needs %u", n,
					    rp_tpm_alg_name(alg), b->size);
			b->present |= 1u << pcr;
		}
	}
	return 0;
}

int rp_policy_parse(rp_source *src, rp_policy **out, rp_diag *diag)
{
	pparse ps;
	rp_policy *p;
	rp_arena *a;
	rp_json_iter it;
	uint32_t k, val, root;
	bool have_version = false;
	int r;

	*out = NULL;
	memset(&ps, 0, sizeof(ps));
	if (!(a = rp_arena_new()))
		return -RP_ENOMEM;
	p = rp_arena_calloc(a, 1, sizeof(*p));
	if (!p) {
		rp_arena_free(a);
		return -RP_ENOMEM;
	}
	p->arena = a;
	p->src = src;
	ps.p = p;
	ps.diag = diag;
	if ((r = rp_json_parse(src, RP_JSON_STRICT, &ps.doc, diag)) < 0)
		goto out;
	root = rp_json_root(ps.doc);
	if (!rp_json_is(ps.doc, root, RP_JSON_OBJECT)) {
		r = perr(&ps, root, "a policy is a JSON object");
		goto out;
	}
	if (ps.doc->ndups) {
		r = perr(&ps, ps.doc->dups[0].dup_key, "duplicate key in the policy");
		goto out;
	}
	it = rp_json_iter_begin(ps.doc, root);
	while (rp_json_iter_next(ps.doc, &it, &k, &val)) {
		rp_json_doc *d = ps.doc;
		r = 0;
		if (rp_json_str_eq(d, k, "version", 7)) {
			int64_t v;
			if (!rp_json_is(d, val, RP_JSON_NUMBER) || rp_json_int64(d, val, &v) < 0 ||
			    v != RP_POLICY_VERSION)
				r = perr(&ps, val,
					 "unsupported policy version (this rampart reads version "
					 "%d)",
					 RP_POLICY_VERSION);
			have_version = true;
		} else if (rp_json_str_eq(d, k, "description", 11)) {
			if (!rp_json_is(d, val, RP_JSON_STRING))
				r = perr(&ps, val, "description must be a string");
		} else if (rp_json_str_eq(d, k, "secure_boot", 11)) {
			if (!rp_json_is(d, val, RP_JSON_TRUE) && !rp_json_is(d, val, RP_JSON_FALSE))
				r = perr(&ps, val, "secure_boot must be true or false");
			p->secure_boot = rp_json_is(d, val, RP_JSON_TRUE);
		} else if (rp_json_str_eq(d, k, "pk", 2)) {
			r = parse_ids(&ps, val, "allow", &p->pk);
		} else if (rp_json_str_eq(d, k, "kek", 3)) {
			r = parse_ids(&ps, val, "allow", &p->kek);
		} else if (rp_json_str_eq(d, k, "db", 2)) {
			r = parse_ids(&ps, val, "allow", &p->db);
		} else if (rp_json_str_eq(d, k, "dbx", 3)) {
			r = parse_ids(&ps, val, "must_contain", &p->dbx);
		} else if (rp_json_str_eq(d, k, "boot_applications", 17)) {
			r = parse_apps(&ps, val);
		} else if (rp_json_str_eq(d, k, "separators", 10)) {
			uint32_t arr = rp_json_is(d, val, RP_JSON_OBJECT)
					       ? rp_json_getz(d, val, "pcrs")
					       : RP_JSON_NONE;
			rp_json_iter jt;
			uint32_t k2, v2, pcr = 0;
			if (arr == RP_JSON_NONE || !rp_json_is(d, arr, RP_JSON_ARRAY) ||
			    rp_json_count(d, val) != 1) {
				r = perr(&ps, val, "separators must be {\"pcrs\": [0, 1, ...]}");
			} else {
				jt = rp_json_iter_begin(d, arr);
				while (r == 0 && rp_json_iter_next(d, &jt, &k2, &v2))
					if ((r = get_pcr(&ps, v2, &pcr)) == 0)
						p->separators |= 1u << pcr;
			}
		} else if (rp_json_str_eq(d, k, "forbidden_events", 16)) {
			r = parse_forbid(&ps, val);
		} else if (rp_json_str_eq(d, k, "pcrs", 4)) {
			r = parse_pcrs(&ps, val);
		} else if (rp_json_str_eq(d, k, "event_digests", 13)) {
			if (rp_json_str_eq(d, val, "require", 7))
				p->require_event_digests = true;
			else if (!rp_json_str_eq(d, val, "report", 6))
				r = perr(&ps, val,
					 "event_digests must be \"report\" or \"require\"");
		} else if (rp_json_str_eq(d, k, "quote", 5)) {
			uint32_t arr = rp_json_is(d, val, RP_JSON_OBJECT)
					       ? rp_json_getz(d, val, "allowed_hashes")
					       : RP_JSON_NONE;
			rp_json_iter jt;
			uint32_t k2, v2;
			if (arr == RP_JSON_NONE || !rp_json_is(d, arr, RP_JSON_ARRAY) ||
			    rp_json_count(d, val) != 1 || rp_json_count(d, arr) > 8) {
				r = perr(&ps, val,
					 "quote must be {\"allowed_hashes\": [\"sha256\", ...]} "
					 "(at most 8)");
			} else {
				jt = rp_json_iter_begin(d, arr);
				while (r == 0 && rp_json_iter_next(d, &jt, &k2, &v2))
					r = get_bank(&ps, v2, &p->quote_hashes[p->nquote_hashes++]);
			}
		} else {
			r = perr(&ps, k, "unknown policy key");
		}
		if (r < 0)
			goto out;
	}
	if (!have_version) {
		r = perr(&ps, root, "the policy needs \"version\": %d", RP_POLICY_VERSION);
		goto out;
	}
	r = 0;
out:
	rp_json_doc_free(ps.doc);
	if (r < 0) {
		rp_policy_free(p);
		return r;
	}
	*out = p;
	return 0;
}

/* ---- evaluation ---- */

#define CHECK(x)                   \
	do {                       \
		int r_ = (x);      \
		if (r_ < 0)        \
			return r_; \
	} while (0)

static bool guid_str_is(const rp_efi_guid *g, const char *s)
{
	char t[37];

	rp_efi_guid_format(g, t);
	return strcmp(t, s) == 0;
}

static bool is_var(const rp_evlog_event *ev, const char *guid, const char *name, rp_uefi_var *v)
{
	if (ev->type != RP_EV_EFI_VARIABLE_DRIVER_CONFIG || rp_uefi_var_parse(ev, v) < 0)
		return false;
	return guid_str_is(&v->guid, guid) && rp_uefi_var_name_is(v, name);
}

static bool ids_has(const rp_policy_ids *ids, const uint8_t id[32])
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		if (memcmp(ids->ids[i], id, 32) == 0)
			return true;
	return false;
}

static const char *kind_name(rp_efi_sig_kind k)
{
	return k == RP_EFI_SIG_X509     ? "X.509 certificate"
	       : k == RP_EFI_SIG_SHA256 ? "SHA-256 hash"
					: "entry";
}

static int check_allow(const rp_attest_input *in, rp_verdict *v, const char *id, const char *guid,
		       const char *name, const rp_policy_ids *ids)
{
	const rp_evlog *log = in->log;
	size_t i, events = 0, entries = 0, bad = 0;

	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		rp_uefi_var var;
		rp_efi_sig_iter it;
		rp_efi_sig s;
		int r;
		if (!is_var(ev, guid, name, &var))
			continue;
		events++;
		rp_efi_sig_iter_init(&it, var.data, var.data_len);
		while ((r = rp_efi_sig_iter_next(&it, &s)) == 1) {
			uint8_t sid[32];
			char hex[65];
			entries++;
			CHECK(rp_efi_sig_id(&s, sid));
			if (ids_has(ids, sid))
				continue;
			bad++;
			rp_hex_encode(sid, 32, hex);
			CHECK(rp_verdict_add(v, id, RP_CHECK_FAIL, log->src, ev,
					     "%s %s %s is not in the policy's allow-list", name,
					     kind_name(rp_efi_sig_kind_of(&s)), hex));
		}
		if (r < 0) {
			bad++;
			CHECK(rp_verdict_add(v, id, RP_CHECK_FAIL, log->src, ev,
					     "%s holds a malformed EFI_SIGNATURE_LIST", name));
		}
	}
	if (events == 0)
		return rp_verdict_add(v, id, RP_CHECK_UNKNOWN, log->src, NULL,
				      "the log does not measure %s, so its entries are unknown",
				      name);
	if (!bad)
		return rp_verdict_add(v, id, RP_CHECK_PASS, log->src, NULL,
				      "all %zu %s entries are in the allow-list", entries, name);
	return 0;
}

static int check_dbx(const rp_attest_input *in, rp_verdict *v)
{
	const rp_evlog *log = in->log;
	const rp_policy_ids *need = &in->policy->dbx;
	const rp_evlog_event *last = NULL;
	uint8_t(*have)[32] = NULL;
	size_t nhave = 0, cap = 0, i, j, missing = 0;
	int r = 0;

	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		rp_uefi_var var;
		rp_efi_sig_iter it;
		rp_efi_sig s;
		if (!is_var(ev, RP_GUID_IMAGE_SECURITY_DB, "dbx", &var))
			continue;
		last = ev;
		rp_efi_sig_iter_init(&it, var.data, var.data_len);
		while ((r = rp_efi_sig_iter_next(&it, &s)) == 1) {
			if (nhave == cap) {
				size_t ncap = cap ? cap * 2 : 256;
				uint8_t(*n)[32] = realloc(have, ncap * 32);
				if (!n) {
					r = -RP_ENOMEM;
					goto out;
				}
				have = n;
				cap = ncap;
			}
			if ((r = rp_efi_sig_id(&s, have[nhave])) < 0)
				goto out;
			nhave++;
		}
		if (r < 0) {
			r = rp_verdict_add(v, "policy.dbx", RP_CHECK_FAIL, log->src, ev,
					   "dbx holds a malformed EFI_SIGNATURE_LIST");
			goto out;
		}
	}
	if (!last) {
		r = rp_verdict_add(v, "policy.dbx", RP_CHECK_UNKNOWN, log->src, NULL,
				   "the log does not measure dbx, so revocations are unknown");
		goto out;
	}
	for (j = 0; j < need->n; j++) {
		bool found = false;
		char hex[65];
		for (i = 0; i < nhave && !found; i++)
			found = memcmp(have[i], need->ids[j], 32) == 0;
		if (found)
			continue;
		missing++;
		rp_hex_encode(need->ids[j], 32, hex);
		if ((r = rp_verdict_add(v, "policy.dbx", RP_CHECK_FAIL, log->src, last,
					"dbx lacks the required revocation %s", hex)) < 0)
			goto out;
	}
	r = 0;
	if (!missing)
		r = rp_verdict_add(v, "policy.dbx", RP_CHECK_PASS, log->src, last,
				   "dbx (%zu entries) contains all %zu required revocations", nhave,
				   need->n);
out:
	free(have);
	return r;
}

static int check_secure_boot(const rp_attest_input *in, rp_verdict *v)
{
	uint32_t seq;
	const char *why;
	int sb = rp_evlog_secure_boot(in->log, &seq, &why);
	const rp_evlog_event *ev = seq != UINT32_MAX ? &in->log->events[seq] : NULL;

	if (sb == 1)
		return rp_verdict_add(v, "policy.secure-boot", RP_CHECK_PASS, in->log->src, ev,
				      "Secure Boot is enabled (SecureBoot variable is 01)");
	if (sb == 0)
		return rp_verdict_add(v, "policy.secure-boot", RP_CHECK_FAIL, in->log->src, ev,
				      "Secure Boot is disabled (SecureBoot variable is 00)");
	return rp_verdict_add(v, "policy.secure-boot", RP_CHECK_UNKNOWN, in->log->src, ev,
			      "Secure Boot state unknown: %s", why);
}

static int check_apps(const rp_attest_input *in, rp_verdict *v)
{
	const rp_policy *p = in->policy;
	const rp_evlog *log = in->log;
	int bi = rp_evlog_bank_index(log, p->apps_bank);
	size_t i, napps = 0, bad = 0, sz = rp_tpm_alg_size(p->apps_bank);
	char hex[2 * RP_TPM_MAX_DIGEST + 1];

	if (bi < 0)
		return rp_verdict_add(v, "policy.boot-applications", RP_CHECK_UNKNOWN, log->src,
				      NULL, "the log has no %s bank",
				      rp_tpm_alg_name(p->apps_bank));
	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		rp_uefi_image im;
		const uint8_t *d;
		if (ev->type != RP_EV_EFI_BOOT_SERVICES_APPLICATION)
			continue;
		if (rp_uefi_image_parse(ev, &im) == 0 && rp_efi_devpath_is_fv(im.path, im.path_len))
			continue; /* firmware application, not loaded from disk */
		d = ev->digests[bi];
		if (!d) {
			bad++;
			CHECK(rp_verdict_add(v, "policy.boot-applications", RP_CHECK_UNKNOWN,
					     log->src, ev, "boot application has no %s digest",
					     rp_tpm_alg_name(p->apps_bank)));
			napps++;
			continue;
		}
		rp_hex_encode(d, sz, hex);
		if (p->apps_mode == RP_POLICY_APPS_SEQUENCE) {
			if (napps >= p->napps) {
				bad++;
				CHECK(rp_verdict_add(
					v, "policy.boot-applications", RP_CHECK_FAIL, log->src, ev,
					"unexpected boot application %s (the policy expects %zu)",
					hex, p->napps));
			} else if (memcmp(p->apps[napps], d, sz) != 0) {
				bad++;
				CHECK(rp_verdict_add(
					v, "policy.boot-applications", RP_CHECK_FAIL, log->src, ev,
					"boot application %zu is %s, not the expected one",
					napps + 1, hex));
			}
		} else {
			size_t j;
			bool found = false;
			for (j = 0; j < p->napps && !found; j++)
				found = memcmp(p->apps[j], d, sz) == 0;
			if (!found) {
				bad++;
				CHECK(rp_verdict_add(
					v, "policy.boot-applications", RP_CHECK_FAIL, log->src, ev,
					"boot application %s is not allowed by the policy", hex));
			}
		}
		napps++;
	}
	if (p->apps_mode == RP_POLICY_APPS_SEQUENCE && napps < p->napps) {
		bad++;
		CHECK(rp_verdict_add(v, "policy.boot-applications", RP_CHECK_FAIL, log->src, NULL,
				     "the log loads %zu boot applications; the policy expects %zu",
				     napps, p->napps));
	}
	if (!bad)
		CHECK(rp_verdict_add(v, "policy.boot-applications", RP_CHECK_PASS, log->src, NULL,
				     "all %zu boot applications match the policy (%s)", napps,
				     p->apps_mode == RP_POLICY_APPS_SEQUENCE ? "sequence"
									     : "allow-list"));
	return 0;
}

static bool digest_is_hash_of_data(const rp_evlog *log, const rp_evlog_event *ev)
{
	size_t b;
	bool any = false;

	for (b = 0; b < log->nbanks; b++) {
		uint8_t h[RP_TPM_MAX_DIGEST];
		if (!ev->digests[b] || !rp_tpm_alg_can_hash(log->banks[b].alg))
			continue;
		if (rp_tpm_hash(log->banks[b].alg, ev->data, ev->data_len, h) < 0 ||
		    memcmp(h, ev->digests[b], log->banks[b].size) != 0)
			return false;
		any = true;
	}
	return any;
}

static int check_separators(const rp_attest_input *in, rp_verdict *v)
{
	const rp_evlog *log = in->log;
	unsigned p;
	size_t bad = 0, i;

	for (p = 0; p < RP_TPM_NUM_PCRS; p++) {
		const rp_evlog_event *first = NULL;
		if (!(in->policy->separators & (1u << p)))
			continue;
		for (i = 0; i < log->nevents; i++) {
			const rp_evlog_event *ev = &log->events[i];
			if (ev->type != RP_EV_SEPARATOR || ev->pcr != p)
				continue;
			if (first) {
				bad++;
				CHECK(rp_verdict_add(
					v, "policy.separators", RP_CHECK_FAIL, log->src, ev,
					"second EV_SEPARATOR on PCR %u: events after the first "
					"separator are not accepted silently",
					p));
				continue;
			}
			first = ev;
			if (ev->data_len != 4 || memcmp(ev->data, "\0\0\0\0", 4) != 0) {
				bad++;
				CHECK(rp_verdict_add(
					v, "policy.separators", RP_CHECK_FAIL, log->src, ev,
					ev->data_len == 4 &&
							memcmp(ev->data, "\xff\xff\xff\xff", 4) == 0
						? "EV_SEPARATOR on PCR %u signals a firmware error "
						  "(FFFFFFFF)"
						: "EV_SEPARATOR on PCR %u has an invalid value",
					p));
			} else if (!digest_is_hash_of_data(log, ev)) {
				bad++;
				CHECK(rp_verdict_add(v, "policy.separators", RP_CHECK_FAIL,
						     log->src, ev,
						     "EV_SEPARATOR on PCR %u: digest is not the "
						     "hash of its data",
						     p));
			}
		}
		if (!first) {
			bad++;
			CHECK(rp_verdict_add(v, "policy.separators", RP_CHECK_FAIL, log->src, NULL,
					     "PCR %u has no EV_SEPARATOR", p));
		}
	}
	if (!bad)
		CHECK(rp_verdict_add(v, "policy.separators", RP_CHECK_PASS, log->src, NULL,
				     "every required PCR has exactly one valid EV_SEPARATOR"));
	return 0;
}

static bool forbid_matches(const rp_evlog *log, const rp_policy_forbid *f, const rp_evlog_event *ev)
{
	if (f->has_type && ev->type != f->type)
		return false;
	if (f->has_pcr && ev->pcr != f->pcr)
		return false;
	if (f->has_digest) {
		size_t b;
		bool any = false;
		for (b = 0; b < log->nbanks && !any; b++)
			any = ev->digests[b] && log->banks[b].size == f->digest_len &&
			      memcmp(ev->digests[b], f->digest, f->digest_len) == 0;
		if (!any)
			return false;
	}
	if (f->has_string) {
		const char *s;
		size_t n;
		if (!rp_evlog_event_text(ev, &s, &n) || n != f->string_len ||
		    memcmp(s, f->string, n) != 0)
			return false;
	}
	return true;
}

static int check_forbidden(const rp_attest_input *in, rp_verdict *v)
{
	const rp_policy *p = in->policy;
	const rp_evlog *log = in->log;
	size_t i, j, bad = 0;

	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		for (j = 0; j < p->nforbid; j++) {
			const char *tn;
			if (!forbid_matches(log, &p->forbid[j], ev))
				continue;
			bad++;
			tn = rp_evlog_type_name(ev->type);
			CHECK(rp_verdict_add(
				v, "policy.forbidden-events", RP_CHECK_FAIL, log->src, ev,
				"event %u (%s, PCR %u) matches forbidden event rule %zu", ev->seq,
				tn ? tn : "unnamed type", ev->pcr, j + 1));
		}
	}
	if (!bad)
		CHECK(rp_verdict_add(v, "policy.forbidden-events", RP_CHECK_PASS, log->src, NULL,
				     "no event matches the %zu forbidden event rules", p->nforbid));
	return 0;
}

static int check_pcrs(const rp_attest_input *in, rp_verdict *v)
{
	const rp_policy *p = in->policy;
	const rp_pcr_set *have = in->replay ? &in->replay->pcrs : in->pcrs;
	rp_source *src = in->replay ? (in->log ? in->log->src : NULL) : in->pcrs_src;
	const char *from = in->replay ? "the replay" : "the PCR file";
	size_t b, compared = 0, bad = 0;
	unsigned i;

	if (!have)
		return rp_verdict_add(
			v, "policy.pcrs", RP_CHECK_UNKNOWN, p->src, NULL,
			"no PCR values to compare with the policy (give --eventlog or --pcrs)");
	for (b = 0; b < p->pcrs.nbanks; b++) {
		const rp_pcr_bank *want = &p->pcrs.banks[b];
		const rp_pcr_bank *got = rp_pcr_set_cbank(have, want->alg);
		for (i = 0; i < RP_TPM_NUM_PCRS; i++) {
			char h1[2 * RP_TPM_MAX_DIGEST + 1], h2[2 * RP_TPM_MAX_DIGEST + 1];
			if (!(want->present & (1u << i)))
				continue;
			if (!got || !(got->present & (1u << i))) {
				bad++;
				CHECK(rp_verdict_add(v, "policy.pcrs", RP_CHECK_UNKNOWN, src, NULL,
						     "%s PCR %u: %s has no value",
						     rp_tpm_alg_name(want->alg), i, from));
				continue;
			}
			compared++;
			if (memcmp(got->v[i], want->v[i], want->size) == 0)
				continue;
			bad++;
			rp_hex_encode(got->v[i], want->size, h1);
			rp_hex_encode(want->v[i], want->size, h2);
			CHECK(rp_verdict_add(v, "policy.pcrs", RP_CHECK_FAIL, src, NULL,
					     "%s PCR %u is %s in %s; the policy expects %s",
					     rp_tpm_alg_name(want->alg), i, h1, from, h2));
		}
	}
	if (!bad)
		CHECK(rp_verdict_add(v, "policy.pcrs", RP_CHECK_PASS, src, NULL,
				     "all %zu expected PCR values match %s", compared, from));
	return 0;
}

static int check_event_digests(const rp_attest_input *in, rp_verdict *v)
{
	const rp_evlog *log = in->log;
	size_t i, bad = 0;

	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		const char *tn = rp_evlog_type_name(ev->type);
		if (ev->check != RP_DIGEST_MISMATCH)
			continue;
		bad++;
		CHECK(rp_verdict_add(v, "policy.event-digests", RP_CHECK_FAIL, log->src, ev,
				     "event %u (%s, PCR %u): digest does not match its data",
				     ev->seq, tn ? tn : "unnamed type", ev->pcr));
	}
	if (!bad)
		CHECK(rp_verdict_add(v, "policy.event-digests", RP_CHECK_PASS, log->src, NULL,
				     "every digest the spec defines matches its event data"));
	return 0;
}

int rp_policy_evaluate(const rp_attest_input *in, rp_verdict *v)
{
	const rp_policy *p = in->policy;
	bool needs_log = p->secure_boot || p->pk.set || p->kek.set || p->db.set || p->dbx.set ||
			 p->apps_set || p->separators || p->nforbid || p->require_event_digests;

	if (needs_log && !in->log)
		CHECK(rp_verdict_add(v, "policy.eventlog", RP_CHECK_UNKNOWN, p->src, NULL,
				     "the policy checks boot events, but no event log was given"));
	if (in->log) {
		if (p->secure_boot)
			CHECK(check_secure_boot(in, v));
		if (p->pk.set)
			CHECK(check_allow(in, v, "policy.pk", RP_GUID_EFI_GLOBAL_VARIABLE, "PK",
					  &p->pk));
		if (p->kek.set)
			CHECK(check_allow(in, v, "policy.kek", RP_GUID_EFI_GLOBAL_VARIABLE, "KEK",
					  &p->kek));
		if (p->db.set)
			CHECK(check_allow(in, v, "policy.db", RP_GUID_IMAGE_SECURITY_DB, "db",
					  &p->db));
		if (p->dbx.set)
			CHECK(check_dbx(in, v));
		if (p->apps_set)
			CHECK(check_apps(in, v));
		if (p->separators)
			CHECK(check_separators(in, v));
		if (p->nforbid)
			CHECK(check_forbidden(in, v));
		if (p->require_event_digests)
			CHECK(check_event_digests(in, v));
	}
	if (p->pcrs.nbanks)
		CHECK(check_pcrs(in, v));
	return 0;
}

/* ---- generation ---- */

static void gen_ids(rp_jw *w, const rp_evlog *log, const char *guid, const char *name,
		    const char *key, const char *list)
{
	size_t i;
	bool any = false;

	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		rp_uefi_var var;
		rp_efi_sig_iter it;
		rp_efi_sig s;
		if (!is_var(ev, guid, name, &var))
			continue;
		if (!any) {
			rp_jw_key(w, key);
			rp_jw_object_begin(w);
			rp_jw_key(w, list);
			rp_jw_array_begin(w);
			any = true;
		}
		rp_efi_sig_iter_init(&it, var.data, var.data_len);
		while (rp_efi_sig_iter_next(&it, &s) == 1) {
			uint8_t id[32];
			char hex[65];
			if (rp_efi_sig_id(&s, id) < 0)
				continue;
			rp_hex_encode(id, 32, hex);
			rp_jw_string(w, hex);
		}
	}
	if (any) {
		rp_jw_array_end(w);
		rp_jw_object_end(w);
	}
}

int rp_policy_generate(const rp_evlog *log, const rp_replay *rep, rp_buf *out)
{
	rp_jw w;
	uint32_t seq;
	const char *why;
	size_t i, b;
	int bi;
	uint16_t bank;
	unsigned p;
	char hex[2 * RP_TPM_MAX_DIGEST + 1];

	rp_jw_init(&w, out, 2);
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "version");
	rp_jw_int(&w, RP_POLICY_VERSION);
	rp_jw_key(&w, "description");
	rp_jw_string(&w, "generated by rampart attest --init-policy from a known-good event log; "
			 "review before use");
	rp_jw_key(&w, "secure_boot");
	rp_jw_bool(&w, rp_evlog_secure_boot(log, &seq, &why) == 1);
	gen_ids(&w, log, RP_GUID_EFI_GLOBAL_VARIABLE, "PK", "pk", "allow");
	gen_ids(&w, log, RP_GUID_EFI_GLOBAL_VARIABLE, "KEK", "kek", "allow");
	gen_ids(&w, log, RP_GUID_IMAGE_SECURITY_DB, "db", "db", "allow");
	gen_ids(&w, log, RP_GUID_IMAGE_SECURITY_DB, "dbx", "dbx", "must_contain");
	bank = rp_evlog_bank_index(log, RP_TPM_ALG_SHA256) >= 0 ? RP_TPM_ALG_SHA256
								: log->banks[0].alg;
	bi = rp_evlog_bank_index(log, bank);
	if (rp_tpm_alg_size(bank)) {
		bool any = false;
		for (i = 0; i < log->nevents; i++) {
			const rp_evlog_event *ev = &log->events[i];
			rp_uefi_image im;
			if (ev->type != RP_EV_EFI_BOOT_SERVICES_APPLICATION || !ev->digests[bi])
				continue;
			if (rp_uefi_image_parse(ev, &im) == 0 &&
			    rp_efi_devpath_is_fv(im.path, im.path_len))
				continue;
			if (!any) {
				rp_jw_key(&w, "boot_applications");
				rp_jw_object_begin(&w);
				rp_jw_key(&w, "bank");
				rp_jw_string(&w, rp_tpm_alg_name(bank));
				rp_jw_key(&w, "mode");
				rp_jw_string(&w, "sequence");
				rp_jw_key(&w, "digests");
				rp_jw_array_begin(&w);
				any = true;
			}
			rp_hex_encode(ev->digests[bi], rp_tpm_alg_size(bank), hex);
			rp_jw_string(&w, hex);
		}
		if (any) {
			rp_jw_array_end(&w);
			rp_jw_object_end(&w);
		}
	}
	{
		unsigned count[8] = { 0 };
		bool any = false;
		for (i = 0; i < log->nevents; i++)
			if (log->events[i].type == RP_EV_SEPARATOR && log->events[i].pcr < 8)
				count[log->events[i].pcr]++;
		for (p = 0; p < 8; p++) {
			if (count[p] != 1)
				continue;
			if (!any) {
				rp_jw_key(&w, "separators");
				rp_jw_object_begin(&w);
				rp_jw_key(&w, "pcrs");
				rp_jw_array_begin(&w);
				any = true;
			}
			rp_jw_uint(&w, p);
		}
		if (any) {
			rp_jw_array_end(&w);
			rp_jw_object_end(&w);
		}
	}
	if (rep->pcrs.nbanks) {
		rp_jw_key(&w, "pcrs");
		rp_jw_object_begin(&w);
		for (b = 0; b < rep->pcrs.nbanks; b++) {
			const rp_pcr_bank *pb = &rep->pcrs.banks[b];
			rp_jw_key(&w, rp_tpm_alg_name(pb->alg));
			rp_jw_object_begin(&w);
			for (p = 0; p < RP_TPM_NUM_PCRS; p++) {
				char idx[8];
				if (!(rep->extended & (1u << p)))
					continue;
				snprintf(idx, sizeof(idx), "%u", p);
				rp_hex_encode(pb->v[p], pb->size, hex);
				rp_jw_key(&w, idx);
				rp_jw_string(&w, hex);
			}
			rp_jw_object_end(&w);
		}
		rp_jw_object_end(&w);
	}
	rp_jw_key(&w, "event_digests");
	rp_jw_string(&w, "report");
	rp_jw_object_end(&w);
	return rp_jw_finish(&w);
}
