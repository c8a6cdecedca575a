/* test-report.c: report container, fingerprints, escaping, dates, inline
 * suppression parsing, baselines (write, load, apply; survives moved
 * lines), merging and the format registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "json/json.h"
#include "json/value.h"
#include "report/assets.h"
#include "report/report.h"
#include "util/error.h"

static const rp_report_rule rule_a = {
	"RMP-DATA-010", "DATA", RP_SEV_HIGH, "Storage account allows HTTP", "r", "f", NULL, NULL,
};
static const rp_report_rule rule_b = {
	"RMP-MON-006", "MON", RP_SEV_LOW, "Boot diagnostics off", "r", "f", NULL, NULL,
};

static int add(rp_report *r, const rp_report_rule *rule, rp_status st, uint32_t line,
	       const char *name)
{
	rp_report_input in;

	memset(&in, 0, sizeof(in));
	in.rule = rule;
	in.status = st;
	in.file = "t.json";
	in.line = line;
	in.column = 3;
	in.resource_type = "Microsoft.Storage/storageAccounts";
	in.resource_name = name;
	in.message = "m";
	in.fingerprint_material = "properties.supportsHttpsTrafficOnly";
	return rp_report_add(r, &in, NULL);
}

static void test_fingerprint(void **state)
{
	char a[17], b[17], c[17], d[17];

	(void)state;
	rp_report_fingerprint("RMP-X-1", "Microsoft.Compute/virtualMachines", "/subs/VM1", "p", a);
	rp_report_fingerprint("rmp-x-1", "microsoft.compute/VIRTUALMACHINES", "/subs/vm1", "p", b);
	rp_report_fingerprint("RMP-X-1", "Microsoft.Compute/virtualMachines", "/subs/vm1", "q", c);
	/* "ab"+"c" must differ from "a"+"bc": the separator counts. */
	rp_report_fingerprint("RMP-X-1", "ab", "c", "p", d);
	assert_int_equal(strlen(a), 16);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	rp_report_fingerprint("RMP-X-1", "a", "bc", "p", c);
	assert_string_not_equal(c, d);
	/* Known value: the format is part of the baseline contract. */
	rp_report_fingerprint("RMP-DATA-010", "Microsoft.Storage/storageAccounts", "st", "x", a);
	rp_report_fingerprint("RMP-DATA-010", "Microsoft.Storage/storageAccounts", "st", "x", b);
	assert_string_equal(a, b);
	assert_int_equal(strspn(a, "0123456789abcdef"), 16);
}

static void test_xml_escape(void **state)
{
	rp_buf b = RP_BUF_INIT;

	(void)state;
	assert_int_equal(rp_xml_escape(&b, "a<b>&\"c'\td\n"), 0);
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&apos;&#9;d&#10;");
	rp_buf_clear(&b);
	/* Control character and invalid UTF-8 become U+FFFD; valid UTF-8 stays. */
	assert_int_equal(rp_xml_escape(&b, "x\x01y\xff\xc3\xa4"), 0);
	assert_string_equal(b.data, "x\xef\xbf\xbdy\xef\xbf\xbd\xc3\xa4");
	rp_buf_clear(&b);
	/* Truncated sequence at the end. */
	assert_int_equal(rp_xml_escape(&b, "z\xe2\x82"), 0);
	assert_string_equal(b.data, "z\xef\xbf\xbd\xef\xbf\xbd");
	rp_buf_release(&b);
}

static void test_uri(void **state)
{
	rp_buf b = RP_BUF_INIT;

	(void)state;
	assert_int_equal(rp_uri_from_path(&b, "dir with space/a#b%.json"), 0);
	assert_string_equal(b.data, "dir%20with%20space/a%23b%25.json");
	rp_buf_clear(&b);
	assert_int_equal(rp_uri_from_path(&b, "/abs/x.json"), 0);
	assert_string_equal(b.data, "file:///abs/x.json");
	rp_buf_release(&b);
}

static void test_dates(void **state)
{
	rp_day d, e;
	char s[40];

	(void)state;
	assert_int_equal(rp_date_parse("1970-01-01", 10, &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(rp_date_parse("2024-02-29", 10, &d), 0);
	assert_int_equal(rp_date_parse("2024-03-01", 10, &e), 0);
	assert_int_equal(e - d, 1);
	rp_day_format(d, s);
	assert_string_equal(s, "2024-02-29");
	assert_int_equal(rp_date_parse("2023-02-29", 10, &d), -RP_EINVAL);
	assert_int_equal(rp_date_parse("2100-02-29", 10, &d), -RP_EINVAL);
	assert_int_equal(rp_date_parse("2000-02-29", 10, &d), 0);
	assert_int_equal(rp_date_parse("2024-13-01", 10, &d), -RP_EINVAL);
	assert_int_equal(rp_date_parse("2024-1-01", 9, &d), -RP_EINVAL);
	assert_int_equal(rp_date_parse("2024/01/01", 10, &d), -RP_EINVAL);
	assert_int_equal(rp_date_parse("2024-04-31", 10, &d), -RP_EINVAL);
	for (d = -1000; d < 200000; d += 997) {
		rp_day back;
		rp_day_format(d, s);
		assert_int_equal(rp_date_parse(s, strlen(s), &back), 0);
		assert_int_equal(back, d);
	}
}

static rp_value *parse_value(rp_arena *a, const char *text, rp_source **src, rp_json_doc **doc)
{
	assert_int_equal(rp_source_from_memory("s.json", text, strlen(text), src), 0);
	assert_int_equal(rp_json_parse(*src, RP_JSON_EXTENDED, doc, NULL), 0);
	return rp_value_from_json(a, *doc, rp_json_root(*doc));
}

static void test_skips(void **state)
{
	const char *text =
		"{\"type\": \"x\", \"metadata\": {\"rampart\": {\"skip\": [\n"
		"  {\"id\": \"RMP-DATA-010\", \"reason\": \"internal only\", \"expires\": "
		"\"2027-01-31\"},\n"
		"  {\"id\": \"RMP-DATA-011\"},\n"
		"  {\"id\": \"RMP-DATA-012\", \"reason\": \"  \"},\n"
		"  {\"id\": \"RMP-DATA-013\", \"reason\": \"r\", \"expires\": \"2027-02-30\"},\n"
		"  42\n"
		"]}}}";
	rp_arena *a = rp_arena_new();
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	rp_value *v;
	rp_skip *s = NULL;
	rp_day want;
	uint32_t line, col;

	(void)state;
	v = parse_value(a, text, &src, &doc);
	assert_non_null(v);
	assert_int_equal(rp_skips_read(a, v, &s), 5);
	assert_string_equal(s[0].id, "RMP-DATA-010");
	assert_string_equal(s[0].reason, "internal only");
	assert_true(s[0].has_expires && s[0].expires_valid);
	assert_int_equal(rp_date_parse("2027-01-31", 10, &want), 0);
	assert_int_equal(s[0].expires, want);
	assert_int_equal(rp_source_linecol(src, s[0].span.off, &line, &col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	assert_null(s[1].reason);
	assert_false(s[1].has_expires);
	assert_null(s[2].reason); /* blank reason is no reason */
	assert_true(s[3].has_expires);
	assert_false(s[3].expires_valid);
	assert_null(s[4].id);
	/* No metadata: zero entries. */
	assert_int_equal(rp_skips_read(a, rp_value_getz(v, "type"), &s), 0);
	rp_json_doc_free(doc);
	rp_source_free(src);
	rp_arena_free(a);
}

static void test_baseline_roundtrip(void **state)
{
	rp_report r, r2;
	rp_baseline bl;
	rp_buf out = RP_BUF_INIT;
	rp_diag d;
	char path[] = "/tmp/rampart-baseline-XXXXXX";
	int fd;

	(void)state;
	rp_diag_init(&d);
	assert_int_equal(rp_report_init(&r), 0);
	assert_int_equal(add(&r, &rule_a, RP_STATUS_FAIL, 10, "st1"), 0);
	assert_int_equal(add(&r, &rule_a, RP_STATUS_FAIL, 20, "st2"), 0);
	assert_int_equal(add(&r, &rule_b, RP_STATUS_PASS, 30, "st2"), 0);
	assert_true(rp_report_fails(&r, RP_SEV_HIGH));
	assert_int_equal(rp_baseline_write(&r, &out), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out.data, out.len), (ssize_t)out.len);
	close(fd);

	/* The same findings on moved lines, plus a new one. */
	assert_int_equal(rp_report_init(&r2), 0);
	assert_int_equal(add(&r2, &rule_a, RP_STATUS_FAIL, 110, "st1"), 0);
	assert_int_equal(add(&r2, &rule_a, RP_STATUS_FAIL, 120, "st2"), 0);
	assert_int_equal(add(&r2, &rule_a, RP_STATUS_FAIL, 130, "st3"), 0);
	assert_int_equal(rp_baseline_load(path, &bl, &d), 0);
	assert_int_equal(bl.n, 2);
	assert_int_equal(rp_baseline_apply(&r2, &bl), 2);
	assert_true(rp_report_fails(&r2, RP_SEV_HIGH)); /* st3 is new */
	rp_report_sort(&r2);
	assert_int_equal(r2.findings[0].suppressed, RP_SUPPRESS_BASELINE);
	assert_int_equal(r2.findings[1].suppressed, RP_SUPPRESS_BASELINE);
	assert_int_equal(r2.findings[2].suppressed, RP_SUPPRESS_NONE);
	assert_string_equal(r2.findings[2].resource_name, "st3");
	rp_baseline_release(&bl);

	/* A file that is not a baseline is an error with a position. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"findings\": [{\"fingerprint\": 1}]}", 34), 34);
	close(fd);
	assert_int_equal(rp_baseline_load(path, &bl, &d), -RP_EPARSE);
	assert_true(d.nerrors >= 1);
	assert_int_equal(bl.n, 0);
	rp_diag_release(&d); /* items point into bl.src: release them first */
	rp_diag_init(&d);
	rp_baseline_release(&bl);
	unlink(path);
	rp_buf_release(&out);
	rp_report_release(&r);
	rp_report_release(&r2);
	rp_diag_release(&d);
}

static void test_merge_sort_counts(void **state)
{
	rp_report a, b;
	rp_report_counts c;

	(void)state;
	assert_int_equal(rp_report_init(&a), 0);
	assert_int_equal(rp_report_init(&b), 0);
	assert_int_equal(add(&a, &rule_b, RP_STATUS_FAIL, 9, "z"), 0);
	assert_int_equal(add(&b, &rule_a, RP_STATUS_FAIL, 2, "y"), 0);
	assert_int_equal(add(&b, &rule_a, RP_STATUS_UNKNOWN, 1, "x"), 0);
	assert_int_equal(rp_report_add_file(&b, "t.json"), 0);
	b.nresources = 2;
	assert_int_equal(rp_report_merge(&a, &b), 0);
	rp_report_release(&b); /* a keeps b's strings alive */
	assert_int_equal(a.nfindings, 3);
	assert_int_equal(a.nrules, 2);
	assert_int_equal(a.nfiles, 1);
	assert_int_equal(a.nresources, 2);
	rp_report_sort(&a);
	assert_int_equal(a.findings[0].line, 1);
	assert_string_equal(a.findings[2].resource_name, "z");
	assert_string_equal(a.rules[0]->id, "RMP-DATA-010");
	rp_report_count(&a, &c);
	assert_int_equal(c.by_status[RP_STATUS_FAIL], 2);
	assert_int_equal(c.by_status[RP_STATUS_UNKNOWN], 1);
	assert_int_equal(c.fail_by_severity[RP_SEV_HIGH], 1);
	assert_int_equal(c.fail_by_severity[RP_SEV_LOW], 1);
	assert_true(rp_report_fails(&a, RP_SEV_LOW));
	assert_true(rp_report_fails(&a, RP_SEV_HIGH));
	assert_false(rp_report_fails(&a, RP_SEV_CRITICAL));
	rp_report_release(&a);
}

/* Two findings equal in file, position, rule, resource, message, status and
 * fingerprint but not in what else writers show: the sorted order must not
 * depend on the order they were added in (scan --jobs N fills one report
 * per thread and merges them in thread order). */
static void test_sort_total_order(void **state)
{
	rp_report a, b;
	rp_report_input in;
	const char *reasons[2] = { "parameter 'x' has no value", "reference() is unknown" };
	int k;

	(void)state;
	assert_int_equal(rp_report_init(&a), 0);
	assert_int_equal(rp_report_init(&b), 0);
	memset(&in, 0, sizeof(in));
	in.rule = &rule_a;
	in.status = RP_STATUS_UNKNOWN;
	in.file = "t.json";
	in.line = 4;
	in.column = 2;
	in.resource_type = "Microsoft.Storage/storageAccounts";
	in.resource_name = "st";
	in.message = "m";
	in.fingerprint = "0123456789abcdef";
	for (k = 0; k < 2; k++) {
		in.unknown_reason = reasons[k];
		assert_int_equal(rp_report_add(&a, &in, NULL), 0);
		in.unknown_reason = reasons[1 - k];
		assert_int_equal(rp_report_add(&b, &in, NULL), 0);
	}
	rp_report_sort(&a);
	rp_report_sort(&b);
	for (k = 0; k < 2; k++)
		assert_string_equal(a.findings[k].unknown_reason, b.findings[k].unknown_reason);
	assert_string_equal(a.findings[0].unknown_reason, reasons[0]);
	rp_report_release(&a);
	rp_report_release(&b);
}

/* Passing and not-applicable findings grouped per file, resource, layer
 * and status (rp_report.group_passing, the text report without
 * --show-pass): fewer records, the same counts and the same text report
 * as a report keeping every finding, whatever the order they come in,
 * across a merge (scan --jobs), an index rebuild (thousands of groups)
 * and adds after a sort; failing ones are kept one by one. */
/* A finding record stays compact (a big estate keeps about 100,000 of
 * them): the Terraform address and the byte range, which few findings
 * have, are out of line (rp_report_finding.ext), read back through the
 * accessors, and shared by records of the same group. */
static void test_finding_ext(void **state)
{
	static const rp_report_rule rule = { "RMP-TEST-009", "HOST", RP_SEV_LOW, "t", "r", "f",
					     NULL,           NULL };
	rp_report r;
	rp_report_input in;
	rp_report_finding *f = NULL;

	(void)state;
	assert_true(sizeof(rp_report_finding) <= 112); /* 128 with them inline */
	assert_int_equal(rp_report_init(&r), 0);
	memset(&in, 0, sizeof(in));
	in.rule = &rule;
	in.status = RP_STATUS_FAIL;
	in.file = "main.tfplan.json";
	in.resource_type = "azurerm_linux_virtual_machine";
	in.resource_name = "vm";
	in.message = "m";
	assert_int_equal(rp_report_add(&r, &in, &f), 0);
	assert_null(f->ext);
	assert_null(rp_report_finding_address(f));
	assert_int_equal(rp_report_finding_byte_length(f), 0);
	in.address = "module.app.azurerm_linux_virtual_machine.vm";
	assert_int_equal(rp_report_add(&r, &in, &f), 0);
	assert_string_equal(rp_report_finding_address(f), in.address);
	assert_ptr_not_equal(rp_report_finding_address(f), in.address); /* a copy */
	assert_int_equal(rp_report_finding_byte_offset(f), 0);
	in.address = NULL;
	in.file = "binary_bios_measurements";
	in.byte_offset = 1u << 20;
	in.byte_length = 77;
	assert_int_equal(rp_report_add(&r, &in, &f), 0);
	assert_null(rp_report_finding_address(f));
	assert_int_equal(rp_report_finding_byte_offset(f), 1u << 20);
	assert_int_equal(rp_report_finding_byte_length(f), 77);
	rp_report_release(&r);
}

static void test_group_passing(void **state)
{
	static const rp_report_rule rules[3] = {
		{ "RMP-BOOT-001", "BOOT", RP_SEV_HIGH, "t1", "r", "f", NULL, NULL },
		{ "RMP-BOOT-002", "BOOT", RP_SEV_MEDIUM, "t2", "r", "f", NULL, NULL },
		{ "RMP-MON-006", "MON", RP_SEV_LOW, "t3", "r", "f", NULL, NULL },
	};
	static const rp_status st[6] = {
		RP_STATUS_PASS, RP_STATUS_NOT_APPLICABLE, RP_STATUS_PASS,
		RP_STATUS_FAIL, RP_STATUS_PASS,           RP_STATUS_UNKNOWN
	};
	rp_report full, grp, part, hnt;
	rp_report_input in;
	rp_report_counts cf, cg, ch;
	rp_report_options o = { false, false, "test" };
	rp_buf tf = RP_BUF_INIT, tg = RP_BUF_INIT, th = RP_BUF_INIT;
	char name[32], msg[32];
	/* group hints, as the scan keeps them: per resource, layer, status */
	static uint32_t hints[2000][2][2];
	size_t i, k, n = 0;

	(void)state;
	memset(hints, 0, sizeof(hints));
	assert_int_equal(rp_report_init(&full), 0);
	assert_int_equal(rp_report_init(&grp), 0);
	assert_int_equal(rp_report_init(&part), 0);
	assert_int_equal(rp_report_init(&hnt), 0);
	grp.group_passing = part.group_passing = hnt.group_passing = true;
	assert_true(rp_report_format_find("text")->groups_passing);
	assert_false(rp_report_format_find("json")->groups_passing);
	for (k = 0; k < 2; k++) {
		/* 2,000 resources x 3 rules x 2 passes: later findings of a
		 * resource sit on earlier lines, so the group's first one in
		 * report order changes as they come */
		for (i = 0; i < 12000; i++) {
			size_t res = (i * 7919) % 2000, ru = i % 3;
			memset(&in, 0, sizeof(in));
			in.rule = &rules[ru];
			in.status = st[(i / 3 + k) % 6];
			in.file = res % 3 ? "a.json" : "b.json";
			in.line = (uint32_t)(100000 - i);
			in.column = (uint32_t)(1 + i % 4);
			in.resource_type = "Microsoft.Compute/virtualMachines";
			snprintf(name, sizeof(name), "vm-%zu", res % 1900);
			in.resource_name = name;
			/* same type and name, another address: another group */
			in.address = res >= 1900 ? "module.b.vm" : NULL;
			snprintf(msg, sizeof(msg), "m%zu", i % 11);
			in.message = msg;
			in.fingerprint_material = rules[ru].id;
			assert_int_equal(rp_report_add(&full, &in, NULL), 0);
			assert_int_equal(rp_report_add(k == 0 && i % 2 ? &part : &grp, &in, NULL),
					 0);
			/* the same with hints; some deliberately wrong (another
			 * group's record, past the end): checked, not trusted */
			if (in.status == RP_STATUS_PASS || in.status == RP_STATUS_NOT_APPLICABLE) {
				in.group_hint = &hints[res][ru == 2][in.status != RP_STATUS_PASS];
				if (i % 97 == 0)
					*in.group_hint = (uint32_t)(i % (hnt.nfindings + 3));
			}
			assert_int_equal(rp_report_add(&hnt, &in, NULL), 0);
			n++;
		}
		if (k == 0) {
			assert_int_equal(rp_report_merge(&grp, &part), 0);
			rp_report_sort(&grp); /* the index is rebuilt on the next add */
			rp_report_sort(&hnt); /* the records move: every hint is stale */
		}
	}
	assert_int_equal(full.nfindings, n);
	assert_true(grp.nfindings < full.nfindings * 3 / 4);
	rp_report_count(&full, &cf);
	rp_report_count(&grp, &cg);
	assert_memory_equal(&cf, &cg, sizeof(cf));
	assert_int_equal(rp_report_write_text(&full, &o, &tf), 0);
	assert_int_equal(rp_report_write_text(&grp, &o, &tg), 0);
	assert_int_equal(tf.len, tg.len);
	assert_memory_equal(tf.data, tg.data, tf.len);
	assert_non_null(strstr(tg.data, "module.b.vm"));
	/* hinted: the same counts and text as without hints */
	assert_true(hnt.nfindings < full.nfindings * 3 / 4);
	rp_report_count(&hnt, &ch);
	assert_memory_equal(&cf, &ch, sizeof(cf));
	assert_int_equal(rp_report_write_text(&hnt, &o, &th), 0);
	assert_int_equal(tf.len, th.len);
	assert_memory_equal(tf.data, th.data, tf.len);
	rp_buf_release(&tf);
	rp_buf_release(&tg);
	rp_buf_release(&th);
	rp_report_release(&hnt);
	rp_report_release(&part);
	rp_report_release(&grp);
	rp_report_release(&full);
}

/* One record per resource and status, whatever the layers: a resource's
 * passing results in BOOT, HOST and MON are one record, the not-applicable
 * one another; the summary still counts them per layer (text identical to
 * a report keeping every finding), and a merge adds the layer counts. */
static void test_group_passing_layers(void **state)
{
	static const rp_report_rule rules[4] = {
		{ "RMP-MON-006", "MON", RP_SEV_LOW, "t1", "r", "f", NULL, NULL },
		{ "RMP-BOOT-001", "BOOT", RP_SEV_HIGH, "t2", "r", "f", NULL, NULL },
		{ "RMP-HOST-001", "HOST", RP_SEV_HIGH, "t3", "r", "f", NULL, NULL },
		{ "RMP-HOST-002", "HOST", RP_SEV_HIGH, "t4", "r", "f", NULL, NULL },
	};
	static const rp_status st[4] = { RP_STATUS_PASS, RP_STATUS_PASS, RP_STATUS_PASS,
					 RP_STATUS_NOT_APPLICABLE };
	rp_report full, grp, part;
	rp_report_input in;
	rp_report_options o = { false, false, "test" };
	rp_buf tf = RP_BUF_INIT, tg = RP_BUF_INIT;
	size_t i, k;

	(void)state;
	assert_int_equal(rp_report_init(&full), 0);
	assert_int_equal(rp_report_init(&grp), 0);
	assert_int_equal(rp_report_init(&part), 0);
	grp.group_passing = part.group_passing = true;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 4; i++) {
			memset(&in, 0, sizeof(in));
			in.rule = &rules[i];
			in.status = st[i];
			in.file = k ? "b.json" : "a.json";
			in.line = (uint32_t)(10 - i);
			in.column = 1;
			in.resource_type = "Microsoft.Compute/virtualMachines";
			in.resource_name = "vm";
			in.message = "m";
			in.fingerprint_material = rules[i].id;
			assert_int_equal(rp_report_add(&full, &in, NULL), 0);
			assert_int_equal(rp_report_add(k ? &part : &grp, &in, NULL), 0);
		}
	}
	/* a.json: one PASS record standing for 3 (BOOT, HOST, MON), one N/A */
	assert_int_equal(grp.nfindings, 2);
	for (i = 0; i < grp.nfindings; i++) {
		const rp_report_finding *f = &grp.findings[i];
		if (f->status == RP_STATUS_PASS) {
			assert_int_equal(f->merged, 2);
			/* the first in layer order represents the group */
			assert_string_equal(f->rule->id, "RMP-BOOT-001");
		} else {
			assert_int_equal(f->status, RP_STATUS_NOT_APPLICABLE);
			assert_int_equal(f->merged, 0);
		}
	}
	assert_int_equal(rp_report_merge(&grp, &part), 0);
	assert_int_equal(grp.nfindings, 4);
	assert_int_equal(rp_report_write_text(&full, &o, &tf), 0);
	assert_int_equal(rp_report_write_text(&grp, &o, &tg), 0);
	assert_int_equal(tf.len, tg.len);
	assert_memory_equal(tf.data, tg.data, tf.len);
	assert_non_null(strstr(tg.data, "  BOOT                2"));
	assert_non_null(strstr(tg.data, "  HOST                2"));
	rp_buf_release(&tf);
	rp_buf_release(&tg);
	rp_report_release(&part);
	rp_report_release(&grp);
	rp_report_release(&full);
}

/* The text report's sanitizer (plain bytes taken eight at a time): every
 * control byte, DEL and C1 code point at every position of a long message
 * comes out as the byte-by-byte rule says. */
static void ref_safe(rp_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			assert_int_equal(rp_buf_printf(b, "\\u%04x", p[1]), 0);
			p++;
		} else if (*p < 0x20 || *p == 0x7F) {
			assert_int_equal(rp_buf_printf(b, "\\x%02x", *p), 0);
		} else {
			assert_int_equal(rp_buf_putc(b, (char)*p), 0);
		}
	}
}

static void test_text_sanitized(void **state)
{
	static const rp_report_rule rule = { "RMP-HOST-002", "HOST", RP_SEV_HIGH, "t", "r", "f",
					     NULL,           NULL };
	static const char *const bad[] = { "\x1b", "\x01", "\x7f", "\xc2\x85",    "\xc2\xa9",
					   "\xc2", "\n",   "\t",   "\xe2\x82\xac" };
	rp_report_options o = { false, false, "test" };
	size_t b, pos;

	(void)state;
	for (b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
		for (pos = 0; pos < 20; pos++) {
			rp_report r;
			rp_report_input in;
			rp_buf out = RP_BUF_INIT, want = RP_BUF_INIT;
			char msg[64];
			memset(msg, 'a', pos);
			snprintf(msg + pos, sizeof(msg) - pos, "%szzzzzzzzzzzzzzzzz%s", bad[b],
				 bad[b]);
			assert_int_equal(rp_report_init(&r), 0);
			memset(&in, 0, sizeof(in));
			in.rule = &rule;
			in.status = RP_STATUS_FAIL;
			in.file = "t.json";
			in.line = 3;
			in.column = 4;
			in.resource_type = "Microsoft.Compute/virtualMachines";
			in.resource_name = "vm";
			in.message = msg;
			assert_int_equal(rp_report_add(&r, &in, NULL), 0);
			assert_int_equal(rp_report_write_text(&r, &o, &out), 0);
			assert_int_equal(rp_buf_puts(&want, "\n        "), 0);
			ref_safe(&want, msg);
			assert_int_equal(rp_buf_putc(&want, '\n'), 0);
			assert_non_null(out.data);
			assert_non_null(strstr(out.data, want.data));
			rp_buf_release(&want);
			rp_buf_release(&out);
			rp_report_release(&r);
		}
	}
}

/* Two depth assets at the same place with the same name and ID (a nested
 * template deployed by two parents scanned on their own) sort by what
 * they say, not by the order they were added in (which scan --jobs
 * changes): the JSON report was not deterministic with --jobs 2. */
static void test_assets_total_order(void **state)
{
	rp_report r;
	rp_report_asset x, y;
	int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		assert_int_equal(rp_report_init(&r), 0);
		memset(&x, 0, sizeof(x));
		x.file = "nested.json";
		x.line = 10;
		x.column = 5;
		x.type = "Microsoft.Compute/virtualMachines";
		x.name = "vm";
		x.id = "/subscriptions/s/vm";
		y = x;
		x.layers[1].rating = 1;
		x.layers[1].nfail = 1;
		y.layers[1].rating = 3;
		y.layers[1].nunknown = 2;
		r.assets = malloc(2 * sizeof(*r.assets));
		assert_non_null(r.assets);
		r.assets_cap = 2;
		r.nassets = 2;
		r.assets[k] = &x;
		r.assets[1 - k] = &y;
		rp_report_sort_assets(&r);
		assert_ptr_equal(r.assets[0], &x);
		assert_ptr_equal(r.assets[1], &y);
		r.nassets = 0;
		rp_report_release(&r);
	}
}

static void test_registry(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(rp_report_nformats, 5);
	assert_non_null(rp_report_format_find("html"));
	for (i = 0; i < rp_report_nformats; i++)
		assert_ptr_equal(rp_report_format_find(rp_report_formats[i].name),
				 &rp_report_formats[i]);
	assert_null(rp_report_format_find("html5"));
	assert_non_null(rp_report_format_find("sarif"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_xml_escape),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_skips),
		cmocka_unit_test(test_baseline_roundtrip),
		cmocka_unit_test(test_merge_sort_counts),
		cmocka_unit_test(test_sort_total_order),
		cmocka_unit_test(test_group_passing),
		cmocka_unit_test(test_finding_ext),
		cmocka_unit_test(test_group_passing_layers),
		cmocka_unit_test(test_text_sanitized),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_assets_total_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
