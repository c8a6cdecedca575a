/* rmp_data_001.c: RMP-DATA-001 encryption at host off (azure-facts 4.1). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

RP_CHECK(rp_check_data_001)
{
	rp_prop e;
	const char *s;

	rp_prop_get(
		obj,
		rp_vm_path(
			ctx, obj,
			"storageProfile.osDisk.managedDisk.securityProfile.securityEncryptionType"),
		&e);
	s = rp_prop_str(&e);
	if (s && strlen(s) == 20 && rp_str_ieq(s, "DiskWithVMGuestState", 20))
		return rp_report_prop(
			ctx, obj, RP_STATUS_NOT_APPLICABLE, &e,
			"Confidential VM with confidential OS disk encryption (encryption at host "
			"cannot be combined with DiskWithVMGuestState)");
	return rp_check_bool_prop(ctx, obj,
				  rp_vm_path(ctx, obj, "securityProfile.encryptionAtHost"), true,
				  "encryption at host is off: temp disk, caches and data flows to "
				  "storage are not encrypted on the host",
				  "encryption at host is on");
}
