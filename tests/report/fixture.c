/* fixture.c: builds a fixed, hand-made report (every status, suppression
 * kind, severity, and strings that need escaping in JSON, XML and URIs) and
 * writes it in the format named by argv[1] ("baseline" writes the
 * baseline).  tests/report/golden.sh compares the output with
 * tests/golden/scan/fixture.*, validates the SARIF against the schema and
 * checks the JUnit XML is well-formed. */
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "util/error.h"

static const rp_report_rule rule_boot = {
	"RMP-BOOT-001",
	"BOOT",
	RP_SEV_HIGH,
	"VM or scale set not on Trusted Launch",
	"Trusted Launch gives the VM Secure Boot and a vTPM.",
	"Set properties.securityProfile.securityType to \"TrustedLaunch\".",
	"PV-3",
	"7.9",
};
static const rp_report_rule rule_data = {
	"RMP-DATA-012",
	"DATA",
	RP_SEV_MEDIUM,
	"Storage account allows public blob access",
	"Anonymous <blob> access & \"public\" containers leak data.",
	"Set allowBlobPublicAccess to false.",
	"DP-2",
	NULL,
};
static const rp_report_rule rule_mon = {
	"RMP-MON-006",
	"MON",
	RP_SEV_LOW,
	"Boot diagnostics off",
	"Console output helps.",
	"Enable diagnosticsProfile.bootDiagnostics.",
	NULL,
	NULL,
};

static int add(rp_report *r, const rp_report_rule *rule, rp_status st, const char *file,
	       uint32_t line, uint32_t col, const char *type, const char *name, const char *msg,
	       const char *why, rp_suppress_kind sup, const char *sreason)
{
	rp_report_input in;
	rp_report_finding *f = NULL;
	char id[512];
	int rc;

	memset(&in, 0, sizeof(in));
	snprintf(id, sizeof(id), "/subscriptions/0000/resourceGroups/rg/providers/%s/%s", type,
		 name);
	in.rule = rule;
	in.status = st;
	in.file = file;
	in.line = line;
	in.column = col;
	in.end_line = line;
	in.end_column = col + 10;
	in.resource_type = type;
	in.resource_name = name;
	in.resource_id = id;
	in.message = msg;
	in.unknown_reason = why;
	in.fingerprint_material = "properties.x";
	rc = rp_report_add(r, &in, &f);
	if (rc == 0 && sup != RP_SUPPRESS_NONE) {
		f->suppressed = sup;
		f->suppress_reason = sreason;
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *vm = "Microsoft.Compute/virtualMachines";
	const char *st = "Microsoft.Storage/storageAccounts";
	const rp_report_format *fmt;
	rp_report_options o = { false, false, "0.0.0-test" };
	rp_report r;
	rp_buf out = RP_BUF_INIT;
	int rc;

	if (argc != 2) {
		fputs("usage: fixture text|json|sarif|junit|baseline\n", stderr);
		return 2;
	}
	if (rp_report_init(&r) < 0)
		return 3;
	rc = rp_report_add_file(&r, "dir with space/b.json");
	if (rc == 0)
		rc = rp_report_add_file(&r, "a.json");
	if (rc == 0)
		rc = add(&r, &rule_boot, RP_STATUS_FAIL, "a.json", 12, 9, vm, "web-vm",
			 "securityType is \"Standard\" <not TrustedLaunch> & co", NULL,
			 RP_SUPPRESS_NONE, NULL);
	if (rc == 0)
		rc = add(&r, &rule_mon, RP_STATUS_PASS, "a.json", 30, 5, vm, "web-vm",
			 "boot diagnostics enabled", NULL, RP_SUPPRESS_NONE, NULL);
	if (rc == 0)
		rc = add(&r, &rule_boot, RP_STATUS_UNKNOWN, "a.json", 50, 9, vm, "app-vm",
			 "securityType depends on a parameter",
			 "parameter 'securityType' has no value", RP_SUPPRESS_NONE, NULL);
	if (rc == 0)
		rc = add(&r, &rule_data, RP_STATUS_FAIL, "dir with space/b.json", 7, 3, st,
			 "st\xc3\xa4tic\x01", "allowBlobPublicAccess is true", NULL,
			 RP_SUPPRESS_INLINE, "public web assets; reviewed 'ok'");
	if (rc == 0)
		rc = add(&r, &rule_data, RP_STATUS_FAIL, "dir with space/b.json", 40, 3, st, "logs",
			 "allowBlobPublicAccess is true", NULL, RP_SUPPRESS_BASELINE,
			 "in the baseline");
	if (rc == 0)
		rc = add(&r, &rule_mon, RP_STATUS_NOT_APPLICABLE, "dir with space/b.json", 40, 3,
			 st, "logs", "not a VM", NULL, RP_SUPPRESS_NONE, NULL);
	r.nresources = 4;
	if (rc < 0)
		goto out;
	if (strcmp(argv[1], "baseline") == 0) {
		rc = rp_baseline_write(&r, &out);
	} else {
		fmt = rp_report_format_find(argv[1]);
		if (!fmt) {
			fprintf(stderr, "fixture: unknown format %s\n", argv[1]);
			rc = -RP_EINVAL;
			goto out;
		}
		rc = fmt->write(&r, &o, &out);
	}
	if (rc == 0 && out.len)
		fwrite(out.data, 1, out.len, stdout);
out:
	rp_buf_release(&out);
	rp_report_release(&r);
	if (rc < 0)
		fprintf(stderr, "fixture: %s\n", rp_strerror(rc));
	return rc < 0 ? 3 : 0;
}
