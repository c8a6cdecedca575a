/* rmp_depth_001.c: RMP-DEPTH-001 an asset reachable from the Internet
 * with fewer than N of its five defense layers holding (N: the option
 * depth_min_holds, `scan --min-depth N`, default 3).  The layer ratings
 * and the reachability come from src/depth (docs/depth.md) as facts. */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_depth_001)
{
	const rp_rule_depth_fact *df = rp_rule_depth_fact_of(ctx, obj);
	unsigned min = rp_rule_opts(ctx)->depth_min_holds;

	if (min == 0)
		min = RP_RULE_DEPTH_MIN_DEFAULT;
	if (!df)
		return rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, NULL, "", NULL,
				      "not a deployed compute asset");
	if (df->internet == 0)
		return rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, NULL, "", NULL,
				      "not reachable from the Internet (%s)",
				      df->internet_why ? df->internet_why : "no public endpoint");
	if (df->holds >= min)
		return rp_rule_report(ctx, obj, RP_STATUS_PASS, NULL, "", NULL,
				      "%u of 5 layers hold (at least %u needed): %s", df->holds,
				      min, df->layers);
	if (df->internet == 2)
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, NULL, "",
				      df->internet_why ? df->internet_why
						       : "Internet reachability unknown",
				      "only %u of 5 layers hold (%s), if reachable from the "
				      "Internet; weakest path: %s",
				      df->holds, df->layers, df->path);
	if (df->holds + df->unknown >= min)
		return rp_rule_report(
			ctx, obj, RP_STATUS_UNKNOWN, NULL, "",
			rp_rule_printf(ctx, "%u layer%s rated unknown may hold", df->unknown,
				       df->unknown == 1 ? "" : "s"),
			"reachable from the Internet (%s) with %u of 5 layers known to hold (%s)",
			df->internet_why ? df->internet_why : "", df->holds, df->layers);
	return rp_rule_report(ctx, obj, RP_STATUS_FAIL, NULL, "", NULL,
			      "reachable from the Internet (%s) with only %u of 5 layers holding, "
			      "at least %u needed (%s); weakest path: %s",
			      df->internet_why ? df->internet_why : "", df->holds, min, df->layers,
			      df->path);
}
