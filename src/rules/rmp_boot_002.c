/* rmp_boot_002.c: RMP-BOOT-002 Secure Boot off on a Trusted Launch or
 * Confidential VM (azure-facts 1.1, 1.2, 1.9). */
#include "rules/check.h"
#include "rules/checks.h"

int rp_check_uefi_flag(rp_rule_ctx *ctx, const rp_mobj *obj, const char *member, const char *what)
{
	rp_prop p, f;
	bool assumed;
	const char *why, *st = rp_vm_security_type(ctx, obj, &p, &assumed, &why);
	rp_tri t;

	if (!st)
		return rp_rule_report(
			ctx, obj, RP_STATUS_UNKNOWN, p.anchor, p.path, why,
			"security type cannot be known, so whether %s applies cannot be known",
			what);
	if (st[0] == 'S')
		return rp_report_prop(ctx, obj, RP_STATUS_NOT_APPLICABLE, &p,
				      "not a Trusted Launch or Confidential VM (see RMP-BOOT-001)");
	if (assumed)
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &p,
				      "Trusted Launch by default (preview) enables %s", what);
	rp_prop_get(obj,
		    rp_vm_path(ctx, obj,
			       rp_rule_printf(ctx, "securityProfile.uefiSettings.%s", member)),
		    &f);
	t = rp_prop_bool(&f);
	if (t == RP_TRI_TRUE)
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &f, "%s is on (%s)%s", what, st,
				      rp_prop_default_note(ctx, &f));
	if (t == RP_TRI_FALSE)
		return rp_report_prop(ctx, obj, RP_STATUS_FAIL, &f, "%s is off on a %s VM", what,
				      st);
	if (t == RP_TRI_ABSENT)
		return rp_report_prop(ctx, obj, RP_STATUS_FAIL, &f,
				      "%s is not enabled: uefiSettings.%s is absent on a %s VM "
				      "(set it to true explicitly)",
				      what, member, st);
	return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &f, "%s cannot be known", what);
}

RP_CHECK(rp_check_boot_002)
{
	return rp_check_uefi_flag(ctx, obj, "secureBootEnabled", "Secure Boot");
}
