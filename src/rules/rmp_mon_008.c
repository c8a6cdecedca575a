/* rmp_mon_008.c: RMP-MON-008 NSG flow log (retiring 2027-09-30; new ones
 * cannot be created since 2025-06-30): migrate to VNet flow logs
 * (azure-facts 2.8). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

static bool names_nsg(const char *s)
{
	static const char pat[] = "/networkSecurityGroups/";
	size_t n = s ? strlen(s) : 0, m = sizeof(pat) - 1, i;

	for (i = 0; n >= m && i <= n - m; i++)
		if (rp_str_ieq(s + i, pat, m))
			return true;
	return false;
}

RP_CHECK(rp_check_mon_008)
{
	const rp_mlink *l = rp_mobj_link(obj, RP_LINK_FLOWLOG_TARGET);
	bool nsg;

	if (!l)
		return rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, NULL, "", NULL,
				      "flow log without targetResourceId");
	if (l->state == RP_LINK_UNKNOWN)
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, l->ref, l->path, l->why,
				      "flow log target cannot be known");
	nsg = l->target ? l->target->kind == RP_MK_NSG : names_nsg(l->text);
	if (nsg)
		return rp_rule_report(
			ctx, obj, RP_STATUS_FAIL, l->ref, l->path, NULL,
			"NSG flow logs retire on 2027-09-30 and cannot be created since "
			"2025-06-30: use a virtual network flow log (targetResourceId = the VNet)");
	return rp_rule_report(ctx, obj, RP_STATUS_PASS, l->ref, l->path, NULL,
			      "virtual network flow log");
}
