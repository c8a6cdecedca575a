/* cmd_attest.c: `rampart attest`: the boot integrity gate.  Parses an event
 * log and/or verifies a TPM 2.0 quote, cross-checks them, evaluates a boot
 * policy and prints the verdict with every check (text, JSON or SARIF).
 * Exit 0 trusted, 1 untrusted, 2 bad input, 3 internal error. */
#include "attest/attest.h"
#include "cli/cli.h"
#include "cli/cmd_attest_common.h"
#include "json/json.h"
#include "report/report.h"
#include "util/error.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RAMPART_VERSION
#define RAMPART_VERSION "0.1.0"
#endif

enum { FMT_TEXT, FMT_JSON, FMT_SARIF };

typedef struct attest_files {
	rp_source *log_src, *quote_src, *sig_src, *ak_src, *pcrs_src, *policy_src;
} attest_files;

static int load(const char *path, rp_source **out, rp_diag *d)
{
	if (!path)
		return 0;
	if (strcmp(path, "-") == 0)
		return rp_source_load_stream("<stdin>", stdin, 0, out, d);
	return rp_source_load(path, 0, out, d);
}

static const char *check_file(const rp_check *c)
{
	return c->src ? c->src->name : NULL;
}

static void print_text(const rp_verdict *v, bool color)
{
	size_t i;
	bool trusted = rp_verdict_trusted(v);

	printf("rampart attest: %s%s%s (%zu checks: %zu passed, %zu failed, %zu unknown)\n",
	       color ? (trusted ? "\033[1;32m" : "\033[1;31m") : "",
	       trusted ? "TRUSTED" : "UNTRUSTED", color ? "\033[0m" : "", v->n, v->npass, v->nfail,
	       v->nunknown);
	for (i = 0; i < v->n; i++) {
		const rp_check *c = &v->checks[i];
		const char *st = c->status == RP_CHECK_PASS   ? "pass"
				 : c->status == RP_CHECK_FAIL ? "FAIL"
							      : "UNKNOWN";
		printf("  %-8s %s: %s", st, c->id, c->message);
		if (c->event >= 0)
			printf(" [%s: event %lld at offset %u]",
			       check_file(c) ? check_file(c) : "?", (long long)c->event, c->offset);
		putchar('\n');
	}
}

static void print_json(const rp_verdict *v, const rp_attest_input *in, rp_buf *out)
{
	rp_jw w;
	size_t i;

	rp_jw_init(&w, out, 2);
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "verdict");
	rp_jw_string(&w, rp_verdict_trusted(v) ? "trusted" : "untrusted");
	rp_jw_key(&w, "passed");
	rp_jw_uint(&w, v->npass);
	rp_jw_key(&w, "failed");
	rp_jw_uint(&w, v->nfail);
	rp_jw_key(&w, "unknown");
	rp_jw_uint(&w, v->nunknown);
	if (in->log) {
		uint32_t seq;
		const char *why;
		int sb = rp_evlog_secure_boot(in->log, &seq, &why);
		rp_jw_key(&w, "secure_boot");
		rp_jw_string(&w, sb == 1 ? "enabled" : sb == 0 ? "disabled" : "unknown");
	}
	if (in->quote) {
		const rp_tpm_attest *q = in->quote;
		char hex[129], name[16];
		size_t s;
		rp_jw_key(&w, "quote");
		rp_jw_object_begin(&w);
		rp_jw_key(&w, "type");
		rp_jw_string(&w, rp_attest_type_name(q->type));
		rp_hex_encode(q->extra, q->extra_len, hex);
		rp_jw_key(&w, "extra_data");
		rp_jw_string(&w, hex);
		rp_jw_key(&w, "clock");
		rp_jw_uint(&w, q->clock);
		rp_jw_key(&w, "safe");
		rp_jw_bool(&w, q->safe != 0);
		rp_jw_key(&w, "selection");
		rp_jw_object_begin(&w);
		for (s = 0; s < q->nsel; s++) {
			unsigned p;
			rp_cli_attest_bank_name(q->sel[s].hash, name, sizeof(name));
			rp_jw_key(&w, name);
			rp_jw_array_begin(&w);
			for (p = 0; p < 8u * q->sel[s].size; p++)
				if (q->sel[s].bits[p / 8] & (1u << (p % 8)))
					rp_jw_uint(&w, p);
			rp_jw_array_end(&w);
		}
		rp_jw_object_end(&w);
		rp_jw_object_end(&w);
	}
	rp_jw_key(&w, "checks");
	rp_jw_array_begin(&w);
	for (i = 0; i < v->n; i++) {
		const rp_check *c = &v->checks[i];
		rp_jw_object_begin(&w);
		rp_jw_key(&w, "id");
		rp_jw_string(&w, c->id);
		rp_jw_key(&w, "status");
		rp_jw_string(&w, rp_check_status_name(c->status));
		rp_jw_key(&w, "message");
		rp_jw_string(&w, c->message);
		if (check_file(c)) {
			rp_jw_key(&w, "file");
			rp_jw_string(&w, check_file(c));
		}
		if (c->event >= 0) {
			rp_jw_key(&w, "event");
			rp_jw_int(&w, c->event);
			rp_jw_key(&w, "offset");
			rp_jw_uint(&w, c->offset);
			rp_jw_key(&w, "length");
			rp_jw_uint(&w, c->length);
		}
		rp_jw_object_end(&w);
	}
	rp_jw_array_end(&w);
	if (in->replay) {
		rp_jw_key(&w, "replayed_pcrs");
		rp_cli_attest_pcrs_json(&w, &in->replay->pcrs, in->replay->extended);
	}
	rp_jw_object_end(&w);
	rp_jw_finish(&w);
}

/* The attestation checks as the report layer describes rules (SARIF
 * reportingDescriptors); documented in docs/attest.md, one anchor per ID. */
#define ATTEST_RULE(id_, title_, why_, fix_)                                          \
	{                                                                             \
		.id = id_, .layer = "BOOT", .severity = RP_SEV_HIGH, .title = title_, \
		.rationale = why_, .remediation = fix_                                \
	}
static const rp_report_rule attest_rules[] = {
	ATTEST_RULE(
		"eventlog.replay", "The event log replays to the quoted or supplied PCR values",
		"A log that does not replay to the TPM's PCRs does not describe the boot that "
		"happened.",
		"Collect the log and the quote from the same boot; investigate a tampered log."),
	ATTEST_RULE("quote.magic", "The attestation was generated by a TPM (TPM_GENERATED_VALUE)",
		    "Without the magic value the signed structure may not come from TPM2_Quote.",
		    "Supply the TPMS_ATTEST that tpm2_quote wrote (-m)."),
	ATTEST_RULE("quote.type", "The attestation is a quote (TPM_ST_ATTEST_QUOTE)",
		    "Other attestation types (certify, NV) are signed by the same key but do not "
		    "attest PCRs.",
		    "Supply a TPM2_Quote attestation."),
	ATTEST_RULE("quote.signature", "The quote's signature verifies with the attestation key",
		    "An unverified signature proves nothing about the TPM.",
		    "Use the AK that signed the quote; reject the machine if the key is right."),
	ATTEST_RULE("quote.nonce", "The quote carries the verifier's nonce",
		    "Without a fresh nonce an old quote can be replayed.",
		    "Quote with the nonce the verifier chose (tpm2_quote -q)."),
	ATTEST_RULE("quote.pcr-digest", "The quote's pcrDigest matches the PCR values",
		    "The signed digest binds the PCR values; a mismatch means they were altered.",
		    "Supply the PCR values of the same quote, or the log of the same boot."),
	ATTEST_RULE("quote.pcr-value", "Every quoted PCR has a value",
		    "A quoted PCR that nobody supplies cannot be checked.",
		    "Supply a PCR file (--pcrs) or an event log that covers the quoted PCRs."),
	ATTEST_RULE("policy.eventlog", "The policy's event log checks have a log to check",
		    "The policy names event log expectations but no log was given.",
		    "Pass --eventlog."),
	ATTEST_RULE(
		"policy.secure-boot", "Secure Boot is enabled",
		"Without Secure Boot unsigned boot code runs before any measurement is checked.",
		"Enable Secure Boot (Trusted Launch) on the VM."),
	ATTEST_RULE("policy.pk", "The Platform Key is on the allow-list",
		    "Whoever holds the PK controls every Secure Boot database.",
		    "Enroll the expected PK, or update the policy after review."),
	ATTEST_RULE("policy.kek", "Every Key Exchange Key is on the allow-list",
		    "A KEK may update db and dbx.", "Remove unexpected KEK entries."),
	ATTEST_RULE("policy.db", "Every db entry is on the allow-list",
		    "db decides what boot code may run.", "Remove unexpected db entries."),
	ATTEST_RULE("policy.dbx", "dbx contains every required revocation",
		    "A missing revocation lets known-vulnerable boot code run (e.g. BlackLotus).",
		    "Apply the current dbx update."),
	ATTEST_RULE(
		"policy.boot-applications", "Only expected boot applications ran",
		"An unexpected EFI application is unexpected code in the boot chain.",
		"Investigate the application; add its digest to the policy if it is legitimate."),
	ATTEST_RULE(
		"policy.separators", "The required separators are measured",
		"Separators mark the end of pre-OS measurements; a missing one lets later events "
		"pose as firmware.",
		"Investigate the firmware or the log."),
	ATTEST_RULE("policy.forbidden-events", "No forbidden event is in the log",
		    "The policy forbids these events (for example a debug mode).",
		    "Investigate the event; reconfigure the machine."),
	ATTEST_RULE("policy.pcrs", "PCR values equal the policy's",
		    "Expected PCR values pin the whole measured boot.",
		    "Investigate the changed measurements; update the policy after review."),
	ATTEST_RULE("policy.event-digests", "Event digests match the event data",
		    "A digest that does not match its data means the log was altered.",
		    "Investigate the log."),
	ATTEST_RULE("policy.quote-hash", "The quote uses an allowed hash algorithm",
		    "SHA-1 quotes are weaker than the policy allows.",
		    "Quote with an allowed algorithm (tpm2_quote -g sha256)."),
};
#undef ATTEST_RULE

static const rp_report_rule *attest_rule(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(attest_rules) / sizeof(attest_rules[0]); i++)
		if (strcmp(attest_rules[i].id, id) == 0)
			return &attest_rules[i];
	return NULL;
}

/* SARIF through the report layer: every failed and unknown check, with the
 * event's byte range in its file.  0 or a negative RP_E* code. */
static int write_sarif(const rp_verdict *v, rp_buf *out)
{
	rp_report rep;
	rp_report_options o = { .version = RAMPART_VERSION };
	char doc_uri[RP_CLI_DOC_URI_MAX];
	size_t i;
	int r;

	if ((r = rp_report_init(&rep)) < 0)
		return r;
	rep.rules_doc_uri = rp_cli_doc_uri("attest.md", doc_uri, sizeof doc_uri);
	for (i = 0; i < v->n && r == 0; i++) {
		const rp_check *c = &v->checks[i];
		rp_report_input in;
		char material[32];
		memset(&in, 0, sizeof(in));
		in.rule = attest_rule(c->id);
		if (!in.rule) { /* a check without a description: a bug here */
			r = -RP_EINTERNAL;
			break;
		}
		in.status = c->status == RP_CHECK_PASS   ? RP_STATUS_PASS
			    : c->status == RP_CHECK_FAIL ? RP_STATUS_FAIL
							 : RP_STATUS_UNKNOWN;
		in.file = check_file(c);
		in.resource_type = "boot";
		in.message = c->message;
		if (c->event >= 0) {
			in.byte_offset = c->offset;
			in.byte_length = c->length;
		}
		snprintf(material, sizeof(material), "event %lld", (long long)c->event);
		in.fingerprint_material = material;
		if (in.file && (r = rp_report_add_file(&rep, in.file)) < 0)
			break;
		r = rp_report_add(&rep, &in, NULL);
	}
	if (r == 0)
		r = rp_report_write_sarif(&rep, &o, out);
	rp_report_release(&rep);
	return r;
}

int rp_cmd_attest(rp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "eventlog", required_argument, NULL, 'e' },
		{ "quote", required_argument, NULL, 'q' },
		{ "signature", required_argument, NULL, 's' },
		{ "ak", required_argument, NULL, 'k' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "pcrs", required_argument, NULL, 'p' },
		{ "policy", required_argument, NULL, 'P' },
		{ "format", required_argument, NULL, 'f' },
		{ "hash", required_argument, NULL, 'g' },
		{ "init-policy", no_argument, NULL, 'I' },
		{ "ebs-workaround", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	const rp_command *self = rp_command_find("attest");
	const char *f_log = NULL, *f_quote = NULL, *f_sig = NULL, *f_ak = NULL, *f_pcrs = NULL,
		   *f_policy = NULL, *nonce_hex = NULL;
	int fmt = FMT_TEXT, c, r = 0, rc = RP_EXIT_OK;
	bool init_policy = false;
	rp_replay_opts ro = { false };
	uint16_t hash = 0;
	uint8_t nonce[64];
	size_t nonce_len = 0;
	attest_files fl;
	rp_evlog *log = NULL;
	rp_replay *rep = NULL;
	rp_tpm_attest *quote = NULL;
	rp_tpm_sig *sig = NULL;
	rp_ak ak;
	rp_pcr_set *pcrs = NULL;
	rp_policy *policy = NULL;
	rp_attest_input in;
	rp_verdict v;
	rp_buf out = RP_BUF_INIT;
	rp_diag d;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'e': f_log = optarg; break;
		case 'q': f_quote = optarg; break;
		case 's': f_sig = optarg; break;
		case 'k': f_ak = optarg; break;
		case 'n': nonce_hex = optarg; break;
		case 'p': f_pcrs = optarg; break;
		case 'P': f_policy = optarg; break;
		case 'I': init_policy = true; break;
		case 'E': ro.ebs_workaround = true; break;
		case 'g':
			if (rp_tpm_alg_parse(optarg, &hash) < 0 || !rp_tpm_alg_size(hash))
				return rp_cli_usage_error(cli, self, "unknown hash algorithm '%s'",
							  optarg);
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				fmt = FMT_JSON;
			else if (strcmp(optarg, "sarif") == 0)
				fmt = FMT_SARIF;
			else if (strcmp(optarg, "text") != 0)
				return rp_cli_usage_error(cli, self, "unknown format '%s'", optarg);
			break;
		default:
			return rp_cli_usage_error(cli, self, "unknown option '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind < argc)
		return rp_cli_usage_error(cli, self, "unexpected argument '%s'", argv[optind]);
	if (init_policy && (!f_log || f_quote || f_policy))
		return rp_cli_usage_error(cli, self, "--init-policy takes only --eventlog");
	if (!f_log && !f_quote)
		return rp_cli_usage_error(cli, self, "give at least --eventlog or --quote");
	if (f_quote && (!f_sig || !f_ak || !nonce_hex))
		return rp_cli_usage_error(cli, self, "--quote needs --signature, --ak and --nonce");
	if (!f_quote && (f_sig || f_ak || nonce_hex || f_pcrs))
		return rp_cli_usage_error(cli, self,
					  "--signature, --ak, --nonce and --pcrs need --quote");
	if (nonce_hex && rp_nonce_parse(nonce_hex, nonce, &nonce_len) < 0)
		return rp_cli_usage_error(cli, self, "--nonce must be hex, at most 64 bytes");

	memset(&fl, 0, sizeof(fl));
	memset(&ak, 0, sizeof(ak));
	memset(&in, 0, sizeof(in));
	rp_verdict_init(&v);
	rp_diag_init(&d);
	if ((r = load(f_log, &fl.log_src, &d)) < 0 || (r = load(f_quote, &fl.quote_src, &d)) < 0 ||
	    (r = load(f_sig, &fl.sig_src, &d)) < 0 || (r = load(f_ak, &fl.ak_src, &d)) < 0 ||
	    (r = load(f_pcrs, &fl.pcrs_src, &d)) < 0 ||
	    (r = load(f_policy, &fl.policy_src, &d)) < 0)
		goto out;
	if (fl.log_src) {
		rep = calloc(1, sizeof(*rep));
		if (!rep) {
			r = -RP_ENOMEM;
			goto out;
		}
		if ((r = rp_evlog_parse(fl.log_src, &log, &d)) < 0 ||
		    (r = rp_evlog_check_digests(log, &d)) < 0 ||
		    (r = rp_evlog_replay(log, &ro, rep, &d)) < 0)
			goto out;
		in.log = log;
		in.replay = rep;
	}
	if (init_policy) {
		if ((r = rp_policy_generate(log, rep, &out)) < 0)
			goto out;
		{
			uint32_t seq;
			const char *why;
			if (rp_evlog_secure_boot(log, &seq, &why) != 1)
				rp_diag_addc(&d, RP_DIAG_WARNING, "attest-init-policy", NULL, 0, 0,
					     "Secure Boot is not enabled in this log, so the "
					     "policy does not require it (%s)",
					     why);
		}
		fwrite(out.data, 1, out.len, stdout);
		goto out;
	}
	if (fl.quote_src) {
		quote = calloc(1, sizeof(*quote));
		sig = calloc(1, sizeof(*sig));
		if (!quote || !sig) {
			r = -RP_ENOMEM;
			goto out;
		}
		if ((r = rp_attest_parse(fl.quote_src, quote, &d)) < 0 ||
		    (r = rp_sig_load(fl.sig_src, sig, &d)) < 0 ||
		    (r = rp_ak_load(fl.ak_src, &ak, &d)) < 0)
			goto out;
		in.quote = quote;
		in.quote_src = fl.quote_src;
		in.sig = sig;
		in.sig_src = fl.sig_src;
		in.ak = &ak;
		in.nonce = nonce;
		in.nonce_len = nonce_len;
		in.hash = hash;
	}
	if (fl.pcrs_src) {
		pcrs = calloc(1, sizeof(*pcrs));
		if (!pcrs) {
			r = -RP_ENOMEM;
			goto out;
		}
		if ((r = rp_pcrs_load(fl.pcrs_src, quote, pcrs, &d)) < 0)
			goto out;
		in.pcrs = pcrs;
		in.pcrs_src = fl.pcrs_src;
	}
	if (fl.policy_src) {
		if ((r = rp_policy_parse(fl.policy_src, &policy, &d)) < 0)
			goto out;
		in.policy = policy;
	}
	if ((r = rp_attest_evaluate(&in, &v)) < 0)
		goto out;
	if (fmt == FMT_TEXT) {
		print_text(&v, cli->color_out);
	} else {
		if (fmt == FMT_JSON)
			print_json(&v, &in, &out);
		else if ((r = write_sarif(&v, &out)) < 0)
			goto out;
		fwrite(out.data, 1, out.len, stdout);
	}
	rc = rp_verdict_trusted(&v) ? RP_EXIT_OK : RP_EXIT_FINDINGS;
out:
	if (r < 0)
		rc = rp_cli_exit_for(r);
	/* diagnostics about the JSON policy print with line:col; binary inputs with offsets */
	{
		rp_diag bin, txt;
		size_t i;
		rp_diag_init(&bin);
		rp_diag_init(&txt);
		for (i = 0; i < d.count; i++) {
			const rp_diag_item *it = &d.items[i];
			rp_diag *dst = it->src && it->src == fl.policy_src ? &txt : &bin;
			rp_diag_addc(dst, it->level, it->code, it->src, it->start, it->end, "%s",
				     it->message);
		}
		rp_cli_print_diags(cli, &txt);
		rp_cli_attest_print_binary_diags(cli, &bin);
		rp_diag_release(&bin);
		rp_diag_release(&txt);
	}
	rp_buf_release(&out);
	rp_verdict_release(&v);
	rp_policy_free(policy);
	free(pcrs);
	rp_ak_release(&ak);
	free(sig);
	free(quote);
	free(rep);
	rp_evlog_free(log);
	rp_diag_release(&d);
	rp_source_free(fl.log_src);
	rp_source_free(fl.quote_src);
	rp_source_free(fl.sig_src);
	rp_source_free(fl.ak_src);
	rp_source_free(fl.pcrs_src);
	rp_source_free(fl.policy_src);
	return rc;
}
