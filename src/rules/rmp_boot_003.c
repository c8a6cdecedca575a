/* rmp_boot_003.c: RMP-BOOT-003 vTPM off on a Trusted Launch or
 * Confidential VM (azure-facts 1.1, 1.2, 1.9). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_boot_003)
{
	return rp_check_uefi_flag(ctx, obj, "vTpmEnabled", "vTPM");
}
