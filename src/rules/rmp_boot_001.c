/* rmp_boot_001.c: RMP-BOOT-001 VM or scale set not on Trusted Launch or
 * Confidential VM (azure-facts 1.1, 1.4, 9.1). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_boot_001)
{
	rp_prop p;
	bool assumed;
	const char *why, *st = rp_vm_security_type(ctx, obj, &p, &assumed, &why);

	if (!st)
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, p.anchor, p.path, why,
				      "security type cannot be known");
	if (assumed)
		return rp_report_prop(
			ctx, obj, RP_STATUS_PASS, &p,
			"no securityProfile: counts as Trusted Launch under the "
			"Trusted-Launch-by-default preview (option assume_trusted_launch_default; "
			"API %s, Gen2 image, TL-capable size)",
			obj->res->api_version);
	if (st[0] != 'S')
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &p, "securityType is %s", st);
	if (p.def)
		return rp_report_prop(
			ctx, obj, RP_STATUS_FAIL, &p,
			"Trusted Launch is not enabled: securityType is absent, so the platform "
			"deploys a Standard VM without Secure Boot or vTPM (only subscriptions "
			"registered for the TrustedLaunchByDefaultPreview feature, with API >= "
			"2021-11-01 and an eligible Gen2 image and size, would get Trusted "
			"Launch)");
	return rp_report_prop(ctx, obj, RP_STATUS_FAIL, &p,
			      "Trusted Launch is explicitly off: securityType is '%s'",
			      rp_prop_str(&p));
}
