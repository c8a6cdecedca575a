/* rmp_boot_006.c: RMP-BOOT-006 Confidential VM without confidential OS
 * disk encryption (securityEncryptionType not DiskWithVMGuestState;
 * azure-facts 1.1, 1.9, 9.5). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

RP_CHECK(rp_check_boot_006)
{
	rp_prop p, e;
	bool assumed;
	const char *why, *st = rp_vm_security_type(ctx, obj, &p, &assumed, &why);
	const char *s;

	if (!st)
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, p.anchor, p.path, why,
				      "security type cannot be known");
	if (st[0] != 'C')
		return rp_report_prop(ctx, obj, RP_STATUS_NOT_APPLICABLE, &p,
				      "not a Confidential VM");
	rp_prop_get(
		obj,
		rp_vm_path(
			ctx, obj,
			"storageProfile.osDisk.managedDisk.securityProfile.securityEncryptionType"),
		&e);
	if (e.unknown)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &e,
				      "OS disk security encryption type cannot be known");
	s = rp_prop_str(&e);
	if (!s)
		return rp_report_prop(
			ctx, obj, RP_STATUS_FAIL, &e,
			"Confidential VM without "
			"osDisk.managedDisk.securityProfile.securityEncryptionType (required; "
			"DiskWithVMGuestState encrypts the whole OS disk)");
	if (strlen(s) == strlen("DiskWithVMGuestState") &&
	    rp_str_ieq(s, "DiskWithVMGuestState", strlen(s)))
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &e,
				      "confidential OS disk encryption (DiskWithVMGuestState)");
	return rp_report_prop(
		ctx, obj, RP_STATUS_FAIL, &e,
		"securityEncryptionType is '%s': only the VM guest state is protected, the OS disk "
		"is not confidentially encrypted (use DiskWithVMGuestState)",
		s);
}
