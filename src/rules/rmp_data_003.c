/* rmp_data_003.c: RMP-DATA-003 unmanaged (VHD in a storage account) disks
 * (CIS 8.2; azure-facts 7.2). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_003)
{
	size_t it = 0;
	const rp_mlink *l;
	rp_prop sp;

	rp_prop_get(obj, rp_vm_path(ctx, obj, "storageProfile"), &sp);
	if (sp.unknown)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &sp,
				      "storage profile cannot be known");
	while ((l = rp_mobj_next_link(obj, RP_LINK_DISK, &it)) != NULL) {
		const rp_value *vhd;
		if (l->state != RP_LINK_RESOLVED)
			continue;
		vhd = rp_value_getz(l->target->body, "vhd");
		if (!vhd)
			vhd = rp_value_getz(l->target->body, "vhdContainers");
		if (vhd)
			return rp_rule_report(ctx, obj, RP_STATUS_FAIL, vhd, l->target->path, NULL,
					      "%s is an unmanaged VHD disk in a storage account: "
					      "use managed disks",
					      l->target->name ? l->target->name : l->target->path);
	}
	return rp_report_prop(ctx, obj, RP_STATUS_PASS, &sp, "all disks are managed");
}
