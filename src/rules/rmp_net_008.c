/* rmp_net_008.c: RMP-NET-008 Basic SKU public IP (retired 2025-09-30;
 * open to inbound traffic without an NSG; azure-facts 3.1).  An absent
 * SKU is Azure's default, Basic.  Scale sets: the per-instance
 * publicIPAddressConfiguration. */
#include "rules/check.h"
#include "rules/checks.h"

static int check_sku(rp_rule_ctx *ctx, const rp_mobj *obj, const rp_value *holder, const char *path,
		     const char *what)
{
	const rp_value *sku = rp_value_getz(holder, "sku");
	const rp_value *name = rp_value_getz(sku, "name");

	if (rp_value_is(holder, RP_V_UNKNOWN))
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, holder, path, holder->u.reason,
				      "the %s is not known", what);
	if (rp_value_is(sku, RP_V_UNKNOWN) || rp_value_is(name, RP_V_UNKNOWN)) {
		const rp_value *u = rp_value_is(sku, RP_V_UNKNOWN) ? sku : name;
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, u, path, u->u.reason,
				      "the SKU of the %s is not known", what);
	}
	if (!name)
		return rp_rule_report(ctx, obj, RP_STATUS_FAIL, sku ? sku : holder, path, NULL,
				      "%s without a SKU: Azure's default is Basic (retired, open "
				      "without an NSG)",
				      what);
	if (rp_value_str_ieq(name, "Basic"))
		return rp_rule_report(
			ctx, obj, RP_STATUS_FAIL, name, path, NULL,
			"Basic SKU %s (retired on 2025-09-30; open to inbound traffic "
			"without an NSG)",
			what);
	return rp_rule_report(ctx, obj, RP_STATUS_PASS, name, path, NULL, "%s SKU is not Basic",
			      what);
}

RP_CHECK(rp_check_net_008)
{
	size_t n, i;
	rp_mobj *const *ics;
	int rc = 0, found = 0;

	if (obj->kind == RP_MK_PIP)
		return check_sku(ctx, obj, obj->body, "sku.name", "public IP");
	/* VM / scale set: per-instance public IPs of their NIC configurations */
	ics = rp_model_objects(rp_rule_model(ctx), RP_MK_IPCONFIG, &n);
	for (i = 0; i < n && rc == 0; i++) {
		const rp_mobj *ic = ics[i];
		const rp_value *pc = rp_value_getz(ic->props, "publicIPAddressConfiguration");
		if (!pc || pc->kind == RP_V_NULL || !ic->parent || ic->parent->parent != obj)
			continue;
		found++;
		rc = check_sku(ctx, obj, pc,
			       rp_rule_printf(ctx, "%s.properties.publicIPAddressConfiguration.sku",
					      ic->path),
			       "per-instance public IP");
	}
	if (rc == 0 && !found)
		rc = rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, NULL, "", NULL,
				    "no per-instance public IP configuration");
	return rc;
}
