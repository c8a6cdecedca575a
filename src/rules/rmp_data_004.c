/* rmp_data_004.c: RMP-DATA-004 Azure Disk Encryption extension in use;
 * ADE retires on 2028-09-15 (azure-facts 4.2). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_004)
{
	static const char *const pubs[] = { "Microsoft.Azure.Security", "Microsoft.Azure.Security",
					    NULL };
	static const char *const types[] = { "AzureDiskEncryption", "AzureDiskEncryptionForLinux",
					     NULL };

	return rp_check_extension(ctx, obj, pubs, types, true,
				  "Azure Disk Encryption retires on 2028-09-15, after which "
				  "encrypted disks fail to unlock on reboot: migrate to encryption "
				  "at host or confidential OS disk encryption",
				  "no Azure Disk Encryption extension");
}
