/* rmp_mon_003.c: RMP-MON-003 NSG or virtual network without flow logs
 * (azure-facts 2.8, CIS 6.1.5; MCSB LT-4).  A VNet flow log covers the
 * NSGs of its subnets; flow logs that are disabled do not count. */
#include "rules/check.h"
#include "rules/checks.h"

/* 1: an enabled flow log targets o; 0: none; -1: only unknown ones. */
static int flow_logged(const rp_mobj *o, const char **why, const rp_value **at)
{
	size_t it = 0;
	const rp_mlink *l;
	int r = 0;

	while ((l = rp_mobj_next_backlink(o, RP_LINK_FLOWLOG_TARGET, &it)) != NULL) {
		rp_prop en;
		rp_tri t;
		rp_prop_get(l->from, "properties.enabled", &en);
		t = rp_prop_bool(&en);
		if (t == RP_TRI_TRUE) {
			*at = l->from->body;
			return 1;
		}
		if (t == RP_TRI_UNKNOWN) {
			*why = rp_prop_why(&en);
			*at = en.anchor;
			r = -1;
		}
	}
	return r;
}

RP_CHECK(rp_check_mon_003)
{
	const char *why = NULL;
	const rp_value *at = NULL;
	int r = flow_logged(obj, &why, &at);
	size_t nfl, i, it = 0;
	rp_mobj *const *fls = rp_model_objects(rp_rule_model(ctx), RP_MK_FLOWLOG, &nfl);
	const rp_mlink *l;

	if (r == 1)
		return rp_rule_report(ctx, obj, RP_STATUS_PASS, at, "", NULL,
				      "an enabled flow log targets it");
	if (obj->kind == RP_MK_NSG) {
		/* Subnets using this NSG, and their VNets, may carry VNet flow logs. */
		while (r != 1 && (l = rp_mobj_next_backlink(obj, RP_LINK_NSG, &it)) != NULL) {
			const rp_mobj *sub = l->from;
			int s = flow_logged(sub, &why, &at);
			if (s == 1 ||
			    (sub->parent && (s = flow_logged(sub->parent, &why, &at)) == 1))
				return rp_rule_report(ctx, obj, RP_STATUS_PASS, at, "", NULL,
						      "covered by a virtual network flow log on %s",
						      sub->kind == RP_MK_SUBNET && sub->parent &&
								      sub->parent->name
							      ? sub->parent->name
							      : "its network");
			if (s < 0)
				r = -1;
		}
	}
	if (r < 0)
		return rp_rule_report(
			ctx, obj, RP_STATUS_UNKNOWN, at, "", why,
			"whether the flow log targeting it is enabled cannot be known");
	for (i = 0; i < nfl; i++) {
		const rp_mlink *t = rp_mobj_link(fls[i], RP_LINK_FLOWLOG_TARGET);
		if (t && t->state == RP_LINK_UNKNOWN)
			return rp_rule_report(
				ctx, obj, RP_STATUS_UNKNOWN, NULL, "", t->why,
				"a flow log in the input has a target that cannot be known");
	}
	return rp_rule_report(ctx, obj, RP_STATUS_FAIL, NULL, "", NULL,
			      "no enabled flow log (Microsoft.Network/networkWatchers/flowLogs) "
			      "targets this %s%s in the scanned input; flow logs usually live in "
			      "NetworkWatcherRG: scan them together",
			      obj->kind == RP_MK_NSG ? "network security group" : "virtual network",
			      obj->kind == RP_MK_NSG ? " or the virtual networks of its subnets"
						     : "");
}
