/* rmp_data_004.c: RMP-DATA-004 Azure Disk Encryption extension in use;
 * ADE retires on 2028-09-15 (azure-facts 4.2). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_004)
{
	const char *why;

	if (rp_ext_is(obj, "Microsoft.Azure.Security", "AzureDiskEncryption") ||
	    rp_ext_is(obj, "Microsoft.Azure.Security", "AzureDiskEncryptionForLinux"))
		return rp_rule_report(ctx, obj, RP_STATUS_FAIL, rp_value_getz(obj->props, "type"),
				      "properties.type", NULL,
				      "Azure Disk Encryption (extension %s) retires on 2028-09-15, after which encrypted disks fail to unlock on reboot: migrate to encryption at host or confidential OS disk encryption",
				      rp_model_ext_type(obj));
	if (rp_ext_unknown(obj, &why))
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, obj->body, "", why,
				      "extension publisher or type cannot be known");
	return rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, obj->body, "", NULL,
			      "not an Azure Disk Encryption extension");
}
