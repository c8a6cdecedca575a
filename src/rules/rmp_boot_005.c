/* rmp_boot_005.c: RMP-BOOT-005 Trusted Launch impossible as configured:
 * Generation 1 image or a VM size without Trusted Launch support
 * (azure-facts 1.6, 1.8). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_boot_005)
{
	rp_prop p;
	bool assumed;
	const char *why, *st = rp_vm_security_type(ctx, obj, &p, &assumed, &why);
	const char *dg, *dz;
	const rp_value *ag, *az;
	rp_capability g, z;

	if (st && st[0] == 'C')
		return rp_report_prop(ctx, obj, RP_STATUS_NOT_APPLICABLE, &p,
				      "Confidential VM: Trusted Launch requirements do not apply");
	g = rp_vm_image_gen2(ctx, obj, &dg, &ag);
	z = rp_vm_size_tl(ctx, obj, &dz, &az);
	if (g == RP_CAP_NO && z == RP_CAP_NO)
		return rp_rule_report(
			ctx, obj, RP_STATUS_FAIL, ag,
			rp_vm_path(ctx, obj, "storageProfile.imageReference.sku"), NULL,
			"Trusted Launch is impossible as configured: %s, and %s", dg, dz);
	if (g == RP_CAP_NO)
		return rp_rule_report(ctx, obj, RP_STATUS_FAIL, ag,
				      rp_vm_path(ctx, obj, "storageProfile.imageReference.sku"),
				      NULL,
				      "Trusted Launch is impossible as configured: %s; use the "
				      "image's Generation 2 SKU",
				      dg);
	if (z == RP_CAP_NO)
		return rp_rule_report(ctx, obj, RP_STATUS_FAIL, az,
				      obj->kind == RP_MK_VMSS ? "sku.name"
							      : "properties.hardwareProfile.vmSize",
				      NULL, "Trusted Launch is impossible as configured: %s", dz);
	if (g == RP_CAP_UNKNOWN)
		return rp_rule_report(
			ctx, obj, RP_STATUS_UNKNOWN, ag,
			rp_vm_path(ctx, obj, "storageProfile.imageReference"), dg,
			"whether Trusted Launch is possible cannot be known (image generation)");
	if (z == RP_CAP_UNKNOWN)
		return rp_rule_report(
			ctx, obj, RP_STATUS_UNKNOWN, az,
			obj->kind == RP_MK_VMSS ? "sku.name" : "properties.hardwareProfile.vmSize",
			dz, "whether Trusted Launch is possible cannot be known (VM size)");
	return rp_rule_report(ctx, obj, RP_STATUS_PASS, ag,
			      rp_vm_path(ctx, obj, "storageProfile.imageReference"), NULL,
			      "Trusted Launch is possible: %s; %s", dg, dz);
}
