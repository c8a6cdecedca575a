/* test-attest.c: cmocka tests of src/attest: the cursor, the event log
 * parser on every fixture of ../shared/eventlog (replay against the
 * upstream expected PCRs, tpm2-tools' expected YAML and DERIVED_FACTS.json),
 * clean errors on broken logs, the policy (parse errors, pass and fail
 * cases, generation), and the real Windows/GCE quote (verifies; tampered
 * copies fail). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "attest/cursor.h"
#include "attest/eventlog.h"
#include "attest/quote.h"
#include "attest/sha.h"

#include <openssl/evp.h>
#include "json/json.h"
#include "util/error.h"

static const char *shared(void)
{
	const char *s = getenv("RAMPART_SHARED");
	return s ? s : "../shared";
}

static rp_source *load_shared(const char *rel)
{
	char path[1024];
	rp_source *src = NULL;

	snprintf(path, sizeof(path), "%s/eventlog/%s", shared(), rel);
	if (rp_source_load(path, 0, &src, NULL) < 0) {
		fail_msg("cannot load %s", path);
		return NULL;
	}
	return src;
}

static rp_source *mem(const char *name, const void *p, size_t n)
{
	rp_source *s = NULL;
	assert_int_equal(rp_source_from_memory(name, p, n, &s), 0);
	return s;
}

/* ---- cursor ---- */

static void test_cursor(void **state)
{
	static const uint8_t buf[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };
	rp_cur c, sub;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	uint8_t u8;
	const uint8_t *p;

	(void)state;
	rp_cur_init(&c, buf, sizeof(buf));
	assert_int_equal(rp_cur_u16le(&c, &u16), 0);
	assert_int_equal(u16, 0x0201);
	assert_int_equal(rp_cur_u16be(&c, &u16), 0);
	assert_int_equal(u16, 0x0304);
	assert_int_equal(rp_cur_u32le(&c, &u32), 0);
	assert_int_equal(u32, 0x08070605);
	assert_int_equal(c.off, 8);
	assert_int_equal(rp_cur_u32be(&c, &u32), -RP_EPARSE); /* only 1 byte left */
	assert_int_equal(c.off, 8);                           /* did not move */
	assert_int_equal(rp_cur_u8(&c, &u8), 0);
	assert_int_equal(u8, 9);
	assert_int_equal(rp_cur_u8(&c, &u8), -RP_EPARSE);
	rp_cur_init(&c, buf, sizeof(buf));
	assert_int_equal(rp_cur_u64be(&c, &u64), 0);
	assert_true(u64 == 0x0102030405060708ull);
	rp_cur_init(&c, buf, sizeof(buf));
	assert_int_equal(rp_cur_u64le(&c, &u64), 0);
	assert_true(u64 == 0x0807060504030201ull);
	/* sub-cursor keeps absolute offsets and its own end */
	rp_cur_init(&c, buf, sizeof(buf));
	assert_int_equal(rp_cur_skip(&c, 2), 0);
	assert_int_equal(rp_cur_sub(&c, 3, &sub), 0);
	assert_int_equal(sub.off, 2);
	assert_int_equal(rp_cur_left(&sub), 3);
	assert_int_equal(c.off, 5);
	assert_int_equal(rp_cur_bytes(&sub, 4, &p), -RP_EPARSE);
	assert_int_equal(rp_cur_bytes(&sub, 3, &p), 0);
	assert_int_equal(p[0], 3);
	assert_int_equal(rp_cur_sub(&c, 5, &sub), -RP_EPARSE);
	assert_int_equal(rp_cur_skip(&c, SIZE_MAX), -RP_EPARSE);
	/* NULL buffer: empty */
	rp_cur_init(&c, NULL, 10);
	assert_int_equal(rp_cur_left(&c), 0);
	assert_int_equal(rp_cur_u8(&c, &u8), -RP_EPARSE);
}

/* ---- SHA-1/SHA-2: FIPS 180-4 known answers, and equality with OpenSSL ---- */

static void test_sha(void **state)
{
	static const struct {
		uint16_t alg;
		const char *hex;
		const char *evp;
	} kat[] = {
		{ RP_TPM_ALG_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d", "SHA1" },
		{ RP_TPM_ALG_SHA256,
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA256" },
		{ RP_TPM_ALG_SHA384,
		  "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc23"
		  "58baeca134c825a7",
		  "SHA384" },
		{ RP_TPM_ALG_SHA512,
		  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a8"
		  "36ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
		  "SHA512" },
	};
	uint8_t buf[600], out[64], ref[64];
	char hex[129];
	size_t i, n, pass;
	bool accel = rp_sha_accel();

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	/* pass 0: the CPU's SHA extensions when present; pass 1: portable code */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < 4; i++) {
			if (i == 0)
				rp_sha_set_accel(pass == 0);
			EVP_MD *md = EVP_MD_fetch(NULL, kat[i].evp, NULL);
			size_t sz = rp_tpm_alg_size(kat[i].alg);
			assert_non_null(md);
			assert_int_equal(rp_tpm_hash(kat[i].alg, "abc", 3, out), 0);
			rp_hex_encode(out, sz, hex);
			assert_string_equal(hex, kat[i].hex);
			/* every length across block boundaries, one shot and split */
			for (n = 0; n <= sizeof(buf); n++) {
				unsigned int rl;
				assert_int_equal(EVP_Digest(buf, n, ref, &rl, md, NULL), 1);
				assert_int_equal(rp_tpm_hash(kat[i].alg, buf, n, out), 0);
				assert_memory_equal(out, ref, sz);
				assert_int_equal(rp_tpm_hash2(kat[i].alg, buf, n / 3, buf + n / 3,
							      n - n / 3, out),
						 0);
				assert_memory_equal(out, ref, sz);
			}
			EVP_MD_free(md);
		}
	rp_sha_set_accel(true);
	assert_true(rp_sha_accel() == accel);
	{
		rp_sha s;
		assert_int_equal(rp_sha_init(&s, RP_TPM_ALG_SM3_256), -RP_EUNSUPPORTED);
	}
}

/* ---- helpers for logs ---- */

typedef struct parsed {
	rp_source *src;
	rp_evlog *log;
	rp_replay rep;
	rp_diag d;
} parsed;

static parsed *parse_file(const char *rel, bool ebs)
{
	parsed *p = calloc(1, sizeof(*p));
	rp_replay_opts o = { ebs };
	int r;

	assert_non_null(p);
	rp_diag_init(&p->d);
	p->src = load_shared(rel);
	r = rp_evlog_parse(p->src, &p->log, &p->d);
	if (r != 0) {
		rp_diag_print(stderr, &p->d, false);
		fail_msg("%s: parse failed (%d)", rel, r);
	}
	assert_int_equal(rp_evlog_check_digests(p->log, &p->d), 0);
	assert_int_equal(rp_evlog_replay(p->log, &o, &p->rep, &p->d), 0);
	return p;
}

static void parsed_free(parsed *p)
{
	rp_evlog_free(p->log);
	rp_source_free(p->src);
	rp_diag_release(&p->d);
	free(p);
}

/* Compares expected {"sha1": {"0": "hex"}} from a JSON node with the replay.
 * skip: bit mask of PCRs not to compare (IMA PCR10).  Returns compared count. */
static size_t compare_pcrs(rp_json_doc *doc, uint32_t obj, const rp_replay *rep, uint32_t skip,
			   const char *what)
{
	rp_json_iter it = rp_json_iter_begin(doc, obj), jt;
	uint32_t k, v, k2, v2;
	size_t n = 0;

	while (rp_json_iter_next(doc, &it, &k, &v)) {
		uint16_t alg;
		const rp_pcr_bank *b;
		assert_int_equal(rp_tpm_alg_parse(rp_json_strz(doc, k), &alg), 0);
		b = rp_pcr_set_cbank(&rep->pcrs, alg);
		if (!b)
			continue; /* a bank the log does not carry (e.g. sha256 of a SHA-1 log) */
		jt = rp_json_iter_begin(doc, v);
		while (rp_json_iter_next(doc, &jt, &k2, &v2)) {
			unsigned pcr = (unsigned)atoi(rp_json_strz(doc, k2));
			char hex[2 * RP_TPM_MAX_DIGEST + 1];
			const char *want = rp_json_strz(doc, v2);
			if (skip & (1u << pcr))
				continue;
			rp_hex_encode(b->v[pcr], b->size, hex);
			if (strcmp(hex, want) != 0)
				fail_msg("%s: %s PCR %u: replay %s, expected %s", what,
					 rp_tpm_alg_name(alg), pcr, hex, want);
			n++;
		}
	}
	return n;
}

static rp_json_doc *load_json(const char *rel, rp_source **src)
{
	rp_json_doc *doc = NULL;

	*src = load_shared(rel);
	assert_int_equal(rp_json_parse(*src, RP_JSON_STRICT, &doc, NULL), 0);
	return doc;
}

/* ---- every parseable fixture parses; replay equals DERIVED_FACTS ---- */

static void test_fixtures_derived_facts(void **state)
{
	rp_source *js;
	rp_json_doc *doc = load_json("DERIVED_FACTS.json", &js);
	rp_json_iter it = rp_json_iter_begin(doc, 0);
	uint32_t k, v;
	size_t files = 0, values = 0;

	(void)state;
	while (rp_json_iter_next(doc, &it, &k, &v)) {
		const char *name = rp_json_strz(doc, k);
		uint32_t ev, rp;
		int64_t nev;
		parsed *p;
		if (name[0] == '_')
			continue;
		p = parse_file(name, false);
		ev = rp_json_getz(doc, v, "events");
		assert_int_equal(rp_json_int64(doc, ev, &nev), 0);
		if ((int64_t)p->log->nevents != nev)
			fail_msg("%s: %zu events, DERIVED_FACTS says %lld", name, p->log->nevents,
				 (long long)nev);
		rp = rp_json_getz(doc, v, "replayed_pcrs");
		if (rp != RP_JSON_NONE)
			values += compare_pcrs(doc, rp, &p->rep, 0, name);
		{
			/* SecureBoot: hex, "(empty)" or null */
			uint32_t sbn = rp_json_getz(doc, v, "SecureBoot"), seq;
			const char *why;
			int sb = rp_evlog_secure_boot(p->log, &seq, &why);
			if (rp_json_is(doc, sbn, RP_JSON_STRING)) {
				const char *s = rp_json_strz(doc, sbn);
				if (strcmp(s, "01") == 0)
					assert_int_equal(sb, 1);
				else if (strcmp(s, "00") == 0)
					assert_int_equal(sb, 0);
				else
					assert_int_equal(sb, -1);
			} else {
				assert_int_equal(sb, -1);
			}
		}
		files++;
		parsed_free(p);
	}
	assert_true(files >= 34);
	assert_true(values > 300);
	rp_json_doc_free(doc);
	rp_source_free(js);
}

/* ---- replay equals the upstream expected PCRs ---- */

static void test_replay_go_eventlog(void **state)
{
	rp_source *js;
	rp_json_doc *doc = load_json("go-eventlog/tpm/EXPECTED.json", &js);
	rp_json_iter it = rp_json_iter_begin(doc, 0);
	uint32_t k, v;
	size_t n = 0, files = 0;

	(void)state;
	while (rp_json_iter_next(doc, &it, &k, &v)) {
		char rel[256];
		parsed *p;
		snprintf(rel, sizeof(rel), "go-eventlog/tpm/%s",
			 rp_json_strz(doc, rp_json_getz(doc, v, "file")));
		p = parse_file(rel, false);
		n += compare_pcrs(doc, rp_json_getz(doc, v, "pcrs"), &p->rep, 0, rel);
		/* expected EFI application digests (firmware volumes excluded) */
		{
			uint32_t apps =
				rp_json_getz(doc, v, "expected_efi_boot_services_app_digests");
			uint32_t k2, v2;
			rp_json_iter jt;
			if (apps != RP_JSON_NONE) {
				jt = rp_json_iter_begin(doc, apps);
				while (rp_json_iter_next(doc, &jt, &k2, &v2)) {
					uint16_t alg;
					int bi;
					size_t i, j = 0;
					rp_json_iter lt = rp_json_iter_begin(doc, v2);
					uint32_t lk, lv;
					assert_int_equal(
						rp_tpm_alg_parse(rp_json_strz(doc, k2), &alg), 0);
					bi = rp_evlog_bank_index(p->log, alg);
					assert_true(bi >= 0);
					for (i = 0; i < p->log->nevents; i++) {
						const rp_evlog_event *ev = &p->log->events[i];
						rp_uefi_image im;
						char hex[129];
						if (ev->type != RP_EV_EFI_BOOT_SERVICES_APPLICATION)
							continue;
						assert_int_equal(rp_uefi_image_parse(ev, &im), 0);
						if (rp_efi_devpath_is_fv(im.path, im.path_len))
							continue;
						assert_true(rp_json_iter_next(doc, &lt, &lk, &lv));
						rp_hex_encode(ev->digests[bi],
							      p->log->banks[bi].size, hex);
						assert_string_equal(hex, rp_json_strz(doc, lv));
						j++;
					}
					assert_false(rp_json_iter_next(doc, &lt, &lk, &lv));
					assert_true(j > 0);
				}
			}
		}
		files++;
		parsed_free(p);
	}
	assert_int_equal(files, 10);
	assert_true(n > 150);
	rp_json_doc_free(doc);
	rp_source_free(js);
}

static void test_replay_go_attestation(void **state)
{
	rp_source *js;
	rp_json_doc *doc = load_json("go-attestation/EXPECTED.json", &js);
	parsed *p;
	size_t n;

	(void)state;
	/* PCR10 is IMA, not part of the firmware log */
	p = parse_file("go-attestation/sb_cert_eventlog", false);
	n = compare_pcrs(doc, rp_json_getz(doc, rp_json_getz(doc, 0, "sb_cert_eventlog"), "pcrs"),
			 &p->rep, 1u << 10, "sb_cert_eventlog");
	assert_int_equal(n, 46);
	parsed_free(p);
	/* tpm2_eventlog 5.4 segfaults on this one */
	p = parse_file("go-attestation/option_rom_eventlog", false);
	n = compare_pcrs(doc,
			 rp_json_getz(doc, rp_json_getz(doc, 0, "option_rom_eventlog"), "pcrs"),
			 &p->rep, 0, "option_rom_eventlog");
	assert_int_equal(n, 8);
	parsed_free(p);
	/* firmware omits ExitBootServices: matches only with the flagged workaround */
	p = parse_file("go-attestation/ebs_event_missing_eventlog", true);
	assert_true(p->rep.ebs_applied);
	n = compare_pcrs(
		doc, rp_json_getz(doc, rp_json_getz(doc, 0, "ebs_event_missing_eventlog"), "pcrs"),
		&p->rep, 0, "ebs_event_missing_eventlog");
	assert_int_equal(n, 1);
	parsed_free(p);
	p = parse_file("go-attestation/ebs_event_missing_eventlog", false);
	{
		char hex[41];
		rp_hex_encode(p->rep.pcrs.banks[0].v[5], 20, hex);
		assert_string_not_equal(
			hex,
			rp_json_strz(
				doc,
				rp_json_getz(
					doc,
					rp_json_getz(
						doc,
						rp_json_getz(
							doc,
							rp_json_getz(doc, 0,
								     "ebs_event_missing_eventlog"),
							"pcrs"),
						"sha1"),
					"5")));
	}
	parsed_free(p);
	rp_json_doc_free(doc);
	rp_source_free(js);
	/* the 49-byte log whose only event is a short EV_NO_ACTION */
	p = parse_file("go-attestation/short_no_action_eventlog", false);
	assert_int_equal(p->log->nevents, 1);
	assert_int_equal(p->log->format, RP_EVLOG_SHA1);
	parsed_free(p);
}

static void test_replay_expected_pcr_files(void **state)
{
	static const char *files[][2] = {
		{ "go-attestation/windows_gcp_shielded_vm.eventlog.bin",
		  "go-attestation/windows_gcp_shielded_vm.expected_pcrs.json" },
		{ "go-eventlog/legacydata/linux_tpm12.eventlog.bin",
		  "go-eventlog/legacydata/linux_tpm12.expected_pcrs.json" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		rp_source *js;
		rp_json_doc *doc = load_json(files[i][1], &js);
		parsed *p = parse_file(files[i][0], false);
		/* compare only PCRs the firmware log extends (PCR10 is IMA) */
		uint32_t skip = ~p->rep.extended;
		size_t n =
			compare_pcrs(doc, rp_json_getz(doc, 0, "pcrs"), &p->rep, skip, files[i][0]);
		assert_true(n >= 8);
		parsed_free(p);
		rp_json_doc_free(doc);
		rp_source_free(js);
	}
}

/* tpm2-tools' upstream expected YAML: the "pcrs:" section. */
static void test_replay_tpm2_tools_yaml(void **state)
{
	static const char *names[] = { "event-arch-linux.bin",
				       "event-bootorder.bin",
				       "event-gce-ubuntu-2104-log.bin",
				       "event-moklisttrusted.bin",
				       "event-postcode.bin",
				       "event-sd-boot-fedora37.bin",
				       "event-uefi-sha1-log.bin",
				       "event-uefiaction.bin",
				       "event-uefiservices.bin",
				       "event-uefivar.bin",
				       "event.bin",
				       "specid-vendordata.bin" };
	size_t i, total = 0;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char rel[256];
		rp_source *y;
		parsed *p;
		const char *s;
		uint16_t bank = 0;
		bool in_pcrs = false;
		snprintf(rel, sizeof(rel), "tpm2-tools/expected-raw/%s.yaml", names[i]);
		{
			char path[1024];
			snprintf(path, sizeof(path), "%s/eventlog/%s", shared(), rel);
			if (rp_source_load(path, 0, &y, NULL) < 0) {
				snprintf(rel, sizeof(rel), "tpm2-tools/%s.yaml", names[i]);
			} else {
				rp_source_free(y);
			}
		}
		y = load_shared(rel);
		snprintf(rel, sizeof(rel), "tpm2-tools/%s", names[i]);
		p = parse_file(rel, false);
		for (s = y->data; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
			unsigned pcr;
			char hex[160], alg[16];
			if (strncmp(s, "pcrs:", 5) == 0) {
				in_pcrs = true;
				continue;
			}
			if (!in_pcrs)
				continue;
			if (sscanf(s, "  %15[a-z0-9_]:", alg) == 1 && s[2] != ' ') {
				assert_int_equal(rp_tpm_alg_parse(alg, &bank), 0);
			} else if (sscanf(s, "    %u : 0x%159[0-9a-fA-F]", &pcr, hex) == 2) {
				const rp_pcr_bank *b = rp_pcr_set_cbank(&p->rep.pcrs, bank);
				char got[2 * RP_TPM_MAX_DIGEST + 1];
				size_t k;
				assert_non_null(b);
				for (k = 0; hex[k]; k++)
					hex[k] = (char)(hex[k] >= 'A' && hex[k] <= 'F' ? hex[k] + 32
										       : hex[k]);
				rp_hex_encode(b->v[pcr], b->size, got);
				if (strcmp(got, hex) != 0)
					fail_msg("%s: PCR %u: %s, yaml %s", names[i], pcr, got,
						 hex);
				total++;
			}
		}
		parsed_free(p);
		rp_source_free(y);
	}
	assert_true(total > 100);
}

/* StartupLocality sets PCR0's initial value (tpm2_eventlog 5.4 ignores it). */
static void test_startup_locality(void **state)
{
	parsed *p = parse_file("go-eventlog/tpm/glinux-alex.bin", false);
	uint8_t init[32] = { 0 }, h[32];

	(void)state;
	assert_int_equal(p->log->startup_locality, 3);
	/* recompute PCR0 from 0..03 and the PCR0 events */
	init[31] = 3;
	{
		size_t i;
		int bi = rp_evlog_bank_index(p->log, RP_TPM_ALG_SHA256);
		memcpy(h, init, 32);
		for (i = 0; i < p->log->nevents; i++) {
			const rp_evlog_event *ev = &p->log->events[i];
			if (ev->pcr == 0 && ev->type != RP_EV_NO_ACTION)
				assert_int_equal(rp_tpm_hash2(RP_TPM_ALG_SHA256, h, 32,
							      ev->digests[bi], 32, h),
						 0);
		}
	}
	assert_memory_equal(h, rp_pcr_set_cbank(&p->rep.pcrs, RP_TPM_ALG_SHA256)->v[0], 32);
	parsed_free(p);
}

static void test_payloads(void **state)
{
	parsed *p = parse_file("keylime/binary_bios_measurements-secureboot", false);
	size_t i, db = 0, dbx = 0, apps = 0;
	uint32_t seq;
	const char *why;

	(void)state;
	assert_int_equal(rp_evlog_secure_boot(p->log, &seq, &why), 1);
	for (i = 0; i < p->log->nevents; i++) {
		const rp_evlog_event *ev = &p->log->events[i];
		rp_uefi_var v;
		if (ev->type == RP_EV_EFI_VARIABLE_DRIVER_CONFIG) {
			rp_efi_sig_iter it;
			rp_efi_sig s;
			assert_int_equal(rp_uefi_var_parse(ev, &v), 0);
			rp_efi_sig_iter_init(&it, v.data, v.data_len);
			if (rp_uefi_var_name_is(&v, "db"))
				while (rp_efi_sig_iter_next(&it, &s) == 1)
					db += rp_efi_sig_kind_of(&s) == RP_EFI_SIG_X509;
			else if (rp_uefi_var_name_is(&v, "dbx"))
				while (rp_efi_sig_iter_next(&it, &s) == 1)
					dbx++;
		}
		if (ev->type == RP_EV_EFI_BOOT_SERVICES_APPLICATION) {
			rp_uefi_image im;
			rp_buf b = RP_BUF_INIT;
			assert_int_equal(rp_uefi_image_parse(ev, &im), 0);
			assert_int_equal(rp_efi_devpath_format(&b, im.path, im.path_len), 0);
			if (b.data && strstr(b.data, "File(") && !strstr(b.data, "<malformed>"))
				apps++;
			rp_buf_release(&b);
		}
	}
	assert_true(db >= 1);
	assert_true(dbx >= 1);
	assert_true(apps >= 2);
	parsed_free(p);
	/* GUID formatting: EFI_GLOBAL_VARIABLE as stored in a log */
	{
		rp_efi_guid g = { { 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11, 0xaa, 0x0d,
				    0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c } };
		char s[37];
		rp_efi_guid_format(&g, s);
		assert_string_equal(s, RP_GUID_EFI_GLOBAL_VARIABLE);
	}
}

/* arch-linux event 24: digest does not match its payload (a warning, as
 * tpm2-tools' fixture expects), but the log parses. */
static void test_digest_mismatch_warns(void **state)
{
	parsed *p = parse_file("tpm2-tools/event-arch-linux.bin", false);
	size_t i, warn = 0;

	(void)state;
	assert_int_equal(p->log->events[24].check, RP_DIGEST_MISMATCH);
	for (i = 0; i < p->d.count; i++)
		if (p->d.items[i].level == RP_DIAG_WARNING &&
		    strstr(p->d.items[i].message, "event 24 "))
			warn++;
	assert_int_equal(warn, 1);
	/* separators check out */
	for (i = 0; i < p->log->nevents; i++)
		if (p->log->events[i].type == RP_EV_SEPARATOR)
			assert_int_equal(p->log->events[i].check, RP_DIGEST_OK);
	parsed_free(p);
}

/* ---- broken logs: clean errors with offsets ---- */

static void expect_error(rp_source *src, size_t offset, const char *needle)
{
	rp_evlog *log = NULL;
	rp_diag d;
	int r;

	rp_diag_init(&d);
	r = rp_evlog_parse(src, &log, &d);
	assert_true(r == -RP_EPARSE || r == -RP_ELIMIT);
	assert_null(log);
	assert_int_equal(d.nerrors, 1);
	if (d.items[0].start != offset || !strstr(d.items[0].message, needle))
		fail_msg("%s: error at %zu '%s', expected offset %zu and '%s'", src->name,
			 d.items[0].start, d.items[0].message, offset, needle);
	rp_diag_release(&d);
	rp_source_free(src);
}

static void test_bad_logs(void **state)
{
	uint8_t buf[512];
	rp_source *ok = load_shared("tpm2-tools/event.bin");
	size_t i;

	(void)state;
	expect_error(load_shared("keylime/binary_bios_measurements-bogus"), 28, "EventSize");
	expect_error(load_shared("keylime/binary_bios_measurements-empty"), 0, "empty");
	expect_error(load_shared("go-eventlog/ccel/CCEL.bin"), 28, "EventSize");
	expect_error(load_shared("go-eventlog/ccel/cos-113-intel-tdx.table.bin"), 28, "EventSize");
	/* a 3.18 GB EventSize (go-attestation's test) */
	memset(buf, 0, sizeof(buf));
	buf[4] = 8; /* EV_S_CRTM_VERSION */
	buf[28] = 0x00;
	buf[29] = 0x00;
	buf[30] = 0x90;
	buf[31] = 0xBD;
	expect_error(mem("huge", buf, 40), 28, "exceeds the limit");
	/* PCR index out of range */
	memset(buf, 0, sizeof(buf));
	buf[0] = 30;
	buf[4] = 8;
	expect_error(mem("pcr30", buf, 32), 0, "PCR index 30");
	/* only padding */
	memset(buf, 0xFF, 64);
	expect_error(mem("ff", buf, 64), 0, "only padding");
	/* every truncation of a valid crypto-agile log fails cleanly or parses */
	for (i = 1; i < ok->size; i++) {
		rp_source *s = mem("trunc", ok->data, i);
		rp_evlog *log = NULL;
		rp_diag d;
		int r;
		rp_diag_init(&d);
		r = rp_evlog_parse(s, &log, &d);
		assert_true(r == 0 || (r == -RP_EPARSE && d.nerrors == 1 && d.items[0].start <= i));
		rp_evlog_free(log);
		rp_diag_release(&d);
		rp_source_free(s);
	}
	/* an agile event naming an algorithm the Spec ID event does not list */
	memcpy(buf, ok->data, ok->size);
	{
		/* first TCG_PCR_EVENT2 starts after the Spec ID event */
		rp_source *s = mem("alg", ok->data, ok->size);
		rp_evlog *log = NULL;
		size_t at;
		assert_int_equal(rp_evlog_parse(s, &log, NULL), 0);
		at = log->events[1].off + 12; /* first hashAlg */
		rp_evlog_free(log);
		rp_source_free(s);
		buf[at] = 0x99;
		buf[at + 1] = 0x00;
		expect_error(mem("alg", buf, ok->size), at, "not in the Spec ID event");
	}
	/* padding after events is accepted */
	memcpy(buf, ok->data, ok->size);
	memset(buf + ok->size, 0xFF, 100);
	{
		rp_source *s = mem("padded", buf, ok->size + 100);
		rp_evlog *log = NULL;
		assert_int_equal(rp_evlog_parse(s, &log, NULL), 0);
		assert_int_equal(log->nevents, 2);
		rp_evlog_free(log);
		rp_source_free(s);
	}
	rp_source_free(ok);
}

/* ---- policy ---- */

/* Policies borrow their source; the sources are freed by the group teardown. */
static rp_source *keep[64];
static size_t nkeep;

static int free_kept(void **state)
{
	(void)state;
	while (nkeep)
		rp_source_free(keep[--nkeep]);
	return 0;
}

static rp_policy *policy_from(const char *text, rp_diag *d, int *r)
{
	rp_source *s = mem("policy.json", text, strlen(text));
	rp_policy *p = NULL;

	*r = rp_policy_parse(s, &p, d);
	if (nkeep < 64)
		keep[nkeep++] = s;
	else
		rp_source_free(s);
	return p;
}

static void test_policy_parse_errors(void **state)
{
	static const char *bad[] = {
		"[]",
		"{\"secure_boot\": true}",
		"{\"version\": 2}",
		"{\"version\": 1, \"secureboot\": true}",
		"{\"version\": 1, \"db\": {\"allow\": [\"zz\"]}}",
		"{\"version\": 1, \"db\": {\"allow\": [\"00\"]}}",
		"{\"version\": 1, \"dbx\": {\"allow\": []}}",
		"{\"version\": 1, \"separators\": {\"pcrs\": [24]}}",
		"{\"version\": 1, \"pcrs\": {\"sha256\": {\"0\": \"00\"}}}",
		"{\"version\": 1, \"pcrs\": {\"md5\": {}}}",
		"{\"version\": 1, \"forbidden_events\": [{\"type\": \"EV_BOGUS\"}]}",
		"{\"version\": 1, \"boot_applications\": {\"mode\": \"any\", \"digests\": []}}",
		"{\"version\": 1, \"version\": 1}",
		"{\"version\": 1, \"event_digests\": \"maybe\"}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rp_diag d;
		int r;
		rp_policy *p;
		rp_diag_init(&d);
		p = policy_from(bad[i], &d, &r);
		if (r != -RP_EPARSE || p || d.nerrors == 0)
			fail_msg("policy %zu accepted: %s", i, bad[i]);
		rp_diag_release(&d);
	}
}

static void eval(parsed *lp, rp_policy *pol, rp_verdict *v)
{
	rp_attest_input in;

	memset(&in, 0, sizeof(in));
	in.log = lp->log;
	in.replay = &lp->rep;
	in.policy = pol;
	rp_verdict_init(v);
	assert_int_equal(rp_attest_evaluate(&in, v), 0);
}

static const rp_check *find_check(const rp_verdict *v, const char *id, rp_check_status st)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->checks[i].id, id) == 0 && v->checks[i].status == st)
			return &v->checks[i];
	return NULL;
}

static void test_policy_generated_roundtrip(void **state)
{
	parsed *good = parse_file("keylime/binary_bios_measurements-secureboot", false);
	parsed *other = parse_file("keylime/binary_bios_measurements", false);
	rp_buf b = RP_BUF_INIT;
	rp_policy *pol;
	rp_verdict v;
	rp_diag d;
	int r;

	(void)state;
	assert_int_equal(rp_policy_generate(good->log, &good->rep, &b), 0);
	assert_non_null(strstr(b.data, "\"secure_boot\": true"));
	rp_diag_init(&d);
	pol = policy_from(b.data, &d, &r);
	assert_int_equal(r, 0);
	assert_true(pol->secure_boot && pol->pk.set && pol->db.set && pol->dbx.set &&
		    pol->apps_set);
	assert_int_equal(pol->separators, 0xFF);
	/* the log the policy was made from passes */
	eval(good, pol, &v);
	if (!rp_verdict_trusted(&v)) {
		size_t i;
		for (i = 0; i < v.n; i++)
			fprintf(stderr, "%s %s %s\n", rp_check_status_name(v.checks[i].status),
				v.checks[i].id, v.checks[i].message);
		fail_msg("generated policy does not accept its own log");
	}
	assert_non_null(find_check(&v, "policy.secure-boot", RP_CHECK_PASS));
	assert_non_null(find_check(&v, "policy.dbx", RP_CHECK_PASS));
	rp_verdict_release(&v);
	/* another machine (Secure Boot off) fails, each failure with its event */
	eval(other, pol, &v);
	assert_false(rp_verdict_trusted(&v));
	{
		const rp_check *c = find_check(&v, "policy.secure-boot", RP_CHECK_FAIL);
		assert_non_null(c);
		assert_true(c->event >= 0);
		assert_int_equal(other->log->events[c->event].type,
				 RP_EV_EFI_VARIABLE_DRIVER_CONFIG);
		c = find_check(&v, "policy.boot-applications", RP_CHECK_FAIL);
		assert_non_null(c);
		assert_true(c->event >= 0);
		assert_int_equal(other->log->events[c->event].type,
				 RP_EV_EFI_BOOT_SERVICES_APPLICATION);
		assert_non_null(find_check(&v, "policy.pcrs", RP_CHECK_FAIL));
	}
	rp_verdict_release(&v);
	rp_policy_free(pol);
	rp_diag_release(&d);
	rp_buf_release(&b);
	parsed_free(good);
	parsed_free(other);
}

static void test_policy_cases(void **state)
{
	parsed *sb = parse_file("keylime/binary_bios_measurements-secureboot", false);
	parsed *empty_sb = parse_file("go-attestation/crypto_agile_eventlog", false);
	parsed *dupe =
		parse_file("go-eventlog/ccel/cos-113-intel-tdx-dupe-separator-unpadded.bin", false);
	rp_policy *pol;
	rp_verdict v;
	rp_diag d;
	int r;

	(void)state;
	rp_diag_init(&d);
	/* dbx must contain a revocation the log lacks */
	pol = policy_from(
		"{\"version\": 1, \"dbx\": {\"must_contain\": "
		"[\"0000000000000000000000000000000000000000000000000000000000000001\"]}}",
		&d, &r);
	assert_int_equal(r, 0);
	eval(sb, pol, &v);
	assert_non_null(find_check(&v, "policy.dbx", RP_CHECK_FAIL));
	assert_false(rp_verdict_trusted(&v));
	rp_verdict_release(&v);
	rp_policy_free(pol);
	/* empty db allow-list: every db certificate fails, pointing at the db event */
	pol = policy_from("{\"version\": 1, \"db\": {\"allow\": []}}", &d, &r);
	assert_int_equal(r, 0);
	eval(sb, pol, &v);
	{
		const rp_check *c = find_check(&v, "policy.db", RP_CHECK_FAIL);
		rp_uefi_var var;
		assert_non_null(c);
		assert_int_equal(rp_uefi_var_parse(&sb->log->events[c->event], &var), 0);
		assert_true(rp_uefi_var_name_is(&var, "db"));
	}
	rp_verdict_release(&v);
	rp_policy_free(pol);
	/* a zero-length SecureBoot variable is unknown, not enabled */
	pol = policy_from("{\"version\": 1, \"secure_boot\": true}", &d, &r);
	assert_int_equal(r, 0);
	eval(empty_sb, pol, &v);
	assert_non_null(find_check(&v, "policy.secure-boot", RP_CHECK_UNKNOWN));
	assert_false(rp_verdict_trusted(&v));
	rp_verdict_release(&v);
	eval(sb, pol, &v);
	assert_true(rp_verdict_trusted(&v));
	rp_verdict_release(&v);
	rp_policy_free(pol);
	/* forbidden event: a string event that this log has */
	pol = policy_from(
		"{\"version\": 1, \"forbidden_events\": [{\"type\": \"EV_EFI_ACTION\", \"pcr\": 5, "
		"\"string\": \"Exit Boot Services Invocation\"}]}",
		&d, &r);
	assert_int_equal(r, 0);
	eval(sb, pol, &v);
	{
		const rp_check *c = find_check(&v, "policy.forbidden-events", RP_CHECK_FAIL);
		assert_non_null(c);
		assert_int_equal(sb->log->events[c->event].type, RP_EV_EFI_ACTION);
		assert_int_equal(sb->log->events[c->event].pcr, 5);
	}
	rp_verdict_release(&v);
	rp_policy_free(pol);
	/* duplicate separators are not accepted silently */
	pol = policy_from("{\"version\": 1, \"separators\": {\"pcrs\": [0, 1, 2, 3, 4]}}", &d, &r);
	assert_int_equal(r, 0);
	eval(dupe, pol, &v);
	{
		size_t i, second = 0;
		for (i = 0; i < v.n; i++)
			if (v.checks[i].status == RP_CHECK_FAIL &&
			    strstr(v.checks[i].message, "second EV_SEPARATOR"))
				second++;
		assert_true(second >= 1);
	}
	rp_verdict_release(&v);
	eval(sb, pol, &v);
	assert_non_null(find_check(&v, "policy.separators", RP_CHECK_PASS));
	rp_verdict_release(&v);
	rp_policy_free(pol);
	/* expected PCR value mismatch */
	pol = policy_from("{\"version\": 1, \"pcrs\": {\"sha256\": {\"7\": "
			  "\"0000000000000000000000000000000000000000000000000000000000000000\"}}}",
			  &d, &r);
	assert_int_equal(r, 0);
	eval(sb, pol, &v);
	assert_non_null(find_check(&v, "policy.pcrs", RP_CHECK_FAIL));
	rp_verdict_release(&v);
	rp_policy_free(pol);
	/* event digests required: arch-linux event 24 fails */
	{
		parsed *arch = parse_file("tpm2-tools/event-arch-linux.bin", false);
		pol = policy_from("{\"version\": 1, \"event_digests\": \"require\"}", &d, &r);
		assert_int_equal(r, 0);
		eval(arch, pol, &v);
		assert_int_equal(find_check(&v, "policy.event-digests", RP_CHECK_FAIL)->event, 24);
		rp_verdict_release(&v);
		rp_policy_free(pol);
		parsed_free(arch);
	}
	rp_diag_release(&d);
	parsed_free(sb);
	parsed_free(empty_sb);
	parsed_free(dupe);
}

/* ---- quote: the real Windows/GCE quote ---- */

typedef struct gce {
	rp_source *msg, *sig, *ak, *pcrs;
	rp_tpm_attest q;
	rp_tpm_sig s;
	rp_ak k;
	rp_pcr_set p;
} gce;

static void gce_load(gce *g, const char *ak)
{
	memset(g, 0, sizeof(*g));
	g->msg = load_shared("go-attestation/windows_gcp_shielded_vm.quote.msg");
	g->sig = load_shared("go-attestation/windows_gcp_shielded_vm.quote.sig");
	g->ak = load_shared(ak);
	g->pcrs = load_shared("go-attestation/windows_gcp_shielded_vm.quote.pcrs");
	assert_int_equal(rp_attest_parse(g->msg, &g->q, NULL), 0);
	assert_int_equal(rp_sig_load(g->sig, &g->s, NULL), 0);
	assert_int_equal(rp_ak_load(g->ak, &g->k, NULL), 0);
	assert_int_equal(rp_pcrs_load(g->pcrs, &g->q, &g->p, NULL), 0);
}

static void gce_free(gce *g)
{
	rp_ak_release(&g->k);
	rp_source_free(g->msg);
	rp_source_free(g->sig);
	rp_source_free(g->ak);
	rp_source_free(g->pcrs);
}

static rp_verdict gce_eval(gce *g, const uint8_t *nonce, size_t nlen, parsed *log)
{
	rp_attest_input in;
	rp_verdict v;

	memset(&in, 0, sizeof(in));
	in.quote = &g->q;
	in.quote_src = g->msg;
	in.sig = &g->s;
	in.sig_src = g->sig;
	in.ak = &g->k;
	in.nonce = nonce;
	in.nonce_len = nlen;
	in.pcrs = &g->p;
	in.pcrs_src = g->pcrs;
	if (log) {
		in.log = log->log;
		in.replay = &log->rep;
	}
	rp_verdict_init(&v);
	assert_int_equal(rp_attest_evaluate(&in, &v), 0);
	return v;
}

static void test_quote_gce(void **state)
{
	static const char *aks[] = { "go-attestation/windows_gcp_shielded_vm.ak.tpm2b_public",
				     "go-attestation/windows_gcp_shielded_vm.ak.tpmt_public" };
	size_t i;
	uint8_t nonce[1];

	(void)state;
	for (i = 0; i < 2; i++) {
		gce g;
		rp_verdict v;
		parsed *log =
			parse_file("go-attestation/windows_gcp_shielded_vm.eventlog.bin", false);
		gce_load(&g, aks[i]);
		assert_int_equal(g.q.magic, RP_TPM_GENERATED_VALUE);
		assert_int_equal(g.q.type, RP_TPM_ST_ATTEST_QUOTE);
		assert_true(g.q.is_quote);
		assert_int_equal(g.q.extra_len, 0);
		assert_int_equal(g.q.nsel, 1);
		assert_int_equal(g.q.sel[0].hash, RP_TPM_ALG_SHA1);
		assert_int_equal(g.s.sig_alg, RP_TPM_ALG_RSASSA);
		assert_int_equal(g.s.hash_alg, RP_TPM_ALG_SHA1);
		assert_int_equal(g.k.type, RP_TPM_ALG_RSA);
		assert_int_equal(g.k.bits, 2048);
		v = gce_eval(&g, nonce, 0, log);
		if (!rp_verdict_trusted(&v)) {
			size_t j;
			for (j = 0; j < v.n; j++)
				fprintf(stderr, "%s %s %s\n",
					rp_check_status_name(v.checks[j].status), v.checks[j].id,
					v.checks[j].message);
			fail_msg("GCE quote not trusted with %s", aks[i]);
		}
		assert_non_null(find_check(&v, "quote.signature", RP_CHECK_PASS));
		assert_non_null(find_check(&v, "quote.pcr-digest", RP_CHECK_PASS));
		assert_non_null(find_check(&v, "quote.pcr-value", RP_CHECK_PASS));
		rp_verdict_release(&v);
		/* wrong nonce */
		nonce[0] = 0x42;
		v = gce_eval(&g, nonce, 1, NULL);
		assert_non_null(find_check(&v, "quote.nonce", RP_CHECK_FAIL));
		assert_false(rp_verdict_trusted(&v));
		rp_verdict_release(&v);
		/* a tampered PCR value in the agent's file */
		g.p.banks[0].v[7][0] ^= 1;
		v = gce_eval(&g, nonce, 0, log);
		assert_non_null(find_check(&v, "quote.pcr-digest", RP_CHECK_FAIL));
		assert_non_null(find_check(&v, "quote.pcr-value", RP_CHECK_FAIL));
		rp_verdict_release(&v);
		g.p.banks[0].v[7][0] ^= 1;
		gce_free(&g);
		parsed_free(log);
	}
}

static void test_quote_tampered(void **state)
{
	gce g;
	rp_verdict v;
	uint8_t nonce[1];
	size_t i;

	(void)state;
	gce_load(&g, "go-attestation/windows_gcp_shielded_vm.ak.tpm2b_public");
	/* every single-byte change of the attestation breaks the signature */
	for (i = 0; i < g.msg->size; i++) {
		g.msg->data[i] ^= 0x01;
		if (rp_attest_parse(g.msg, &g.q, NULL) == 0) {
			v = gce_eval(&g, nonce, 0, NULL);
			assert_non_null(find_check(&v, "quote.signature", RP_CHECK_FAIL));
			assert_false(rp_verdict_trusted(&v));
			rp_verdict_release(&v);
		}
		g.msg->data[i] ^= 0x01;
	}
	/* another attestation type is rejected even when everything else holds */
	g.msg->data[5] = 0x14; /* TPM_ST_ATTEST_NV 0x8014 */
	assert_int_equal(rp_attest_parse(g.msg, &g.q, NULL), 0);
	assert_false(g.q.is_quote);
	v = gce_eval(&g, nonce, 0, NULL);
	assert_non_null(find_check(&v, "quote.type", RP_CHECK_FAIL));
	rp_verdict_release(&v);
	g.msg->data[5] = 0x18;
	/* bad magic */
	g.msg->data[0] = 0x00;
	assert_int_equal(rp_attest_parse(g.msg, &g.q, NULL), 0);
	v = gce_eval(&g, nonce, 0, NULL);
	assert_non_null(find_check(&v, "quote.magic", RP_CHECK_FAIL));
	rp_verdict_release(&v);
	g.msg->data[0] = (char)0xff;
	assert_int_equal(rp_attest_parse(g.msg, &g.q, NULL), 0);
	/* tampered signature */
	g.s.bytes[10] ^= 0x80;
	v = gce_eval(&g, nonce, 0, NULL);
	assert_non_null(find_check(&v, "quote.signature", RP_CHECK_FAIL));
	rp_verdict_release(&v);
	g.s.bytes[10] ^= 0x80;
	/* signature hash differing from the AK's scheme hash is rejected */
	g.s.hash_alg = RP_TPM_ALG_SHA256;
	v = gce_eval(&g, nonce, 0, NULL);
	assert_non_null(find_check(&v, "quote.signature", RP_CHECK_FAIL));
	rp_verdict_release(&v);
	g.s.hash_alg = RP_TPM_ALG_SHA1;
	v = gce_eval(&g, nonce, 0, NULL);
	assert_true(rp_verdict_trusted(&v));
	rp_verdict_release(&v);
	gce_free(&g);
}

static void test_quote_parse_errors(void **state)
{
	rp_source *msg = load_shared("go-attestation/windows_gcp_shielded_vm.quote.msg");
	rp_source *pcrs = load_shared("go-attestation/windows_gcp_shielded_vm.quote.pcrs");
	rp_tpm_attest q;
	rp_pcr_set ps;
	rp_diag d;
	size_t i;

	(void)state;
	/* every truncation fails cleanly */
	for (i = 0; i < msg->size; i++) {
		rp_source *s = mem("q", msg->data, i);
		rp_diag_init(&d);
		assert_int_equal(rp_attest_parse(s, &q, &d), -RP_EPARSE);
		assert_int_equal(d.nerrors, 1);
		rp_diag_release(&d);
		rp_source_free(s);
	}
	/* trailing bytes */
	{
		char buf[200];
		rp_source *s;
		memcpy(buf, msg->data, msg->size);
		buf[msg->size] = 0;
		s = mem("q", buf, msg->size + 1);
		assert_int_equal(rp_attest_parse(s, &q, NULL), -RP_EPARSE);
		rp_source_free(s);
	}
	/* values file: the concatenated PCRs of the selection */
	assert_int_equal(rp_attest_parse(msg, &q, NULL), 0);
	{
		rp_pcr_set ser;
		char vals[24 * 20];
		rp_source *s;
		assert_int_equal(rp_pcrs_load(pcrs, &q, &ser, NULL), 0);
		for (i = 0; i < 24; i++)
			memcpy(vals + 20 * i, ser.banks[0].v[i], 20);
		s = mem("values", vals, sizeof(vals));
		assert_int_equal(rp_pcrs_load(s, &q, &ps, NULL), 0);
		assert_memory_equal(ps.banks[0].v, ser.banks[0].v, sizeof(ser.banks[0].v));
		rp_source_free(s);
		s = mem("values", vals, sizeof(vals) - 1);
		rp_diag_init(&d);
		assert_int_equal(rp_pcrs_load(s, &q, &ps, &d), -RP_EPARSE);
		rp_diag_release(&d);
		rp_source_free(s);
	}
	rp_source_free(msg);
	rp_source_free(pcrs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_sha),
		cmocka_unit_test(test_fixtures_derived_facts),
		cmocka_unit_test(test_replay_go_eventlog),
		cmocka_unit_test(test_replay_go_attestation),
		cmocka_unit_test(test_replay_expected_pcr_files),
		cmocka_unit_test(test_replay_tpm2_tools_yaml),
		cmocka_unit_test(test_startup_locality),
		cmocka_unit_test(test_payloads),
		cmocka_unit_test(test_digest_mismatch_warns),
		cmocka_unit_test(test_bad_logs),
		cmocka_unit_test(test_policy_parse_errors),
		cmocka_unit_test(test_policy_generated_roundtrip),
		cmocka_unit_test(test_policy_cases),
		cmocka_unit_test(test_quote_gce),
		cmocka_unit_test(test_quote_tampered),
		cmocka_unit_test(test_quote_parse_errors),
	};
	return cmocka_run_group_tests(tests, NULL, free_kept);
}
