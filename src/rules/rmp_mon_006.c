/* rmp_mon_006.c: RMP-MON-006 boot diagnostics off (azure-facts 5.5). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_mon_006)
{
	return rp_check_bool_prop(
		ctx, obj, rp_vm_path(ctx, obj, "diagnosticsProfile.bootDiagnostics.enabled"), true,
		"boot diagnostics are off: no serial console or boot screenshots for investigating "
		"boot failures",
		"boot diagnostics are on");
}
