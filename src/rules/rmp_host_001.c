/* rmp_host_001.c: RMP-HOST-001 Linux VM allows password authentication
 * (azure-facts 6: disablePasswordAuthentication, adminPassword). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_host_001)
{
	rp_prop os, p, pw;
	rp_tri t;
	rp_os kind = rp_model_vm_os(obj);

	rp_prop_get(obj, rp_vm_path(ctx, obj, "osProfile"), &os);
	if (os.unknown)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &os,
				      "OS profile cannot be known");
	if (!os.v)
		return rp_report_prop(
			ctx, obj, RP_STATUS_NOT_APPLICABLE, &os,
			"no osProfile (attached OS disk): no credentials are provisioned");
	if (kind == RP_OS_WINDOWS)
		return rp_report_prop(ctx, obj, RP_STATUS_NOT_APPLICABLE, &os, "Windows VM");
	if (kind == RP_OS_UNKNOWN)
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, os.anchor, os.path,
				      "the operating system cannot be determined (no "
				      "linuxConfiguration, osType or known image publisher)",
				      "whether this is a Linux VM cannot be known");
	rp_prop_get(
		obj,
		rp_vm_path(ctx, obj, "osProfile.linuxConfiguration.disablePasswordAuthentication"),
		&p);
	t = rp_prop_bool(&p);
	if (t == RP_TRI_TRUE)
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &p,
				      "password authentication is disabled (SSH keys only)");
	if (t == RP_TRI_UNKNOWN || t == RP_TRI_BAD)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &p,
				      "disablePasswordAuthentication cannot be known");
	if (!p.def)
		return rp_report_prop(ctx, obj, RP_STATUS_FAIL, &p,
				      "Linux VM allows SSH password authentication: "
				      "disablePasswordAuthentication is false");
	rp_prop_get(obj, rp_vm_path(ctx, obj, "osProfile.adminPassword"), &pw);
	if (pw.v || pw.unknown)
		return rp_report_prop(
			ctx, obj, RP_STATUS_FAIL, &p,
			"Linux VM allows SSH password authentication: an adminPassword is set and "
			"disablePasswordAuthentication is absent (default false)");
	return rp_report_prop(ctx, obj, RP_STATUS_PASS, &p,
			      "no adminPassword is set, so no password can be used (set "
			      "disablePasswordAuthentication: true to make it explicit)");
}
