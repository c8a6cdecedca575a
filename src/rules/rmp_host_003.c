/* rmp_host_003.c: RMP-HOST-003 automatic guest patching off: patchMode
 * not AutomaticByPlatform; scale set without automatic OS image upgrade
 * (azure-facts 6). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

static bool is_abp(const char *s)
{
	return s && strlen(s) == strlen("AutomaticByPlatform") &&
	       rp_str_ieq(s, "AutomaticByPlatform", strlen(s));
}

RP_CHECK(rp_check_host_003)
{
	rp_prop lp, wp, up;
	rp_os os = rp_model_vm_os(obj);
	rp_prop *p;
	rp_tri t;

	if (obj->kind == RP_MK_VMSS) {
		rp_prop_get(obj,
			    "properties.upgradePolicy.automaticOSUpgradePolicy."
			    "enableAutomaticOSUpgrade",
			    &up);
		t = rp_prop_bool(&up);
		if (t == RP_TRI_TRUE)
			return rp_report_prop(ctx, obj, RP_STATUS_PASS, &up,
					      "automatic OS image upgrade is on");
	}
	rp_prop_get(obj,
		    rp_vm_path(ctx, obj, "osProfile.linuxConfiguration.patchSettings.patchMode"),
		    &lp);
	rp_prop_get(obj,
		    rp_vm_path(ctx, obj, "osProfile.windowsConfiguration.patchSettings.patchMode"),
		    &wp);
	p = os == RP_OS_WINDOWS ? &wp : &lp;
	if (os == RP_OS_UNKNOWN && !lp.def && (lp.v || lp.unknown))
		p = &lp;
	else if (os == RP_OS_UNKNOWN && !wp.def && (wp.v || wp.unknown))
		p = &wp;
	if (is_abp(rp_prop_str(p)))
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, p,
				      "patchMode is AutomaticByPlatform");
	if (p->unknown)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, p, "patchMode cannot be known");
	if (obj->kind == RP_MK_VMSS && rp_prop_bool(&up) == RP_TRI_UNKNOWN)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &up,
				      "automatic OS upgrade cannot be known");
	if (obj->kind == RP_MK_VMSS)
		return rp_report_prop(
			ctx, obj, RP_STATUS_FAIL, p,
			"scale set has neither automatic OS image upgrade "
			"(upgradePolicy.automaticOSUpgradePolicy.enableAutomaticOSUpgrade) nor "
			"patchMode AutomaticByPlatform; patchMode is '%s'%s",
			rp_prop_str(p) ? rp_prop_str(p) : "?", rp_prop_default_note(ctx, p));
	return rp_report_prop(
		ctx, obj, RP_STATUS_FAIL, p,
		"automatic guest patching is off: patchMode is '%s'%s, not AutomaticByPlatform",
		rp_prop_str(p) ? rp_prop_str(p) : "?", rp_prop_default_note(ctx, p));
}
