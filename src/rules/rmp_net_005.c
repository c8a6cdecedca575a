/* rmp_net_005.c: RMP-NET-005 a VM's or scale set's NIC with no NSG on
 * the NIC and none on its subnet (azure-facts 2.1, 2.4): nothing filters
 * its traffic. */
#include "rules/check.h"
#include "rules/checks.h"

/* 1: an NSG is there, 0: none, -1: not known (*why set). */
static int has_nsg(const rp_mobj *o, const char **why)
{
	const rp_mlink *l = rp_model_nsg_of(o);

	if (!l)
		return 0;
	if (l->state == RP_LINK_UNKNOWN) {
		*why = l->why ? l->why : "the NSG reference is unknown";
		return -1;
	}
	return 1; /* resolved, or named outside the scanned files */
}

RP_CHECK(rp_check_net_005)
{
	const rp_mlink *nl;
	size_t it = 0, nnic = 0;
	const char *why = NULL;
	const rp_mobj *bare = NULL, *unk = NULL;
	int rc = 0;

	while ((nl = rp_mobj_next_link(obj, RP_LINK_NIC, &it)) != NULL && rc == 0) {
		const rp_mobj *nic = nl->state == RP_LINK_RESOLVED ? nl->target : NULL;
		const rp_mlink *il;
		size_t it2 = 0;
		int n;
		if (!nic) {
			if (!unk) {
				why = nl->state == RP_LINK_UNKNOWN && nl->why
					      ? nl->why
					      : "the NIC is not in the scanned files";
				unk = obj;
			}
			continue;
		}
		nnic++;
		n = has_nsg(nic, &why);
		if (n == 1)
			continue;
		/* the subnet of every ipConfiguration */
		while ((il = rp_mobj_next_backlink(nic, RP_LINK_PARENT, &it2)) != NULL) {
			const rp_mobj *ic = il->from;
			const rp_mlink *sl;
			int s;
			if (ic->kind != RP_MK_IPCONFIG)
				continue;
			sl = rp_mobj_link(ic, RP_LINK_SUBNET);
			if (!sl || sl->state != RP_LINK_RESOLVED) {
				if (!unk) {
					why = sl && sl->state == RP_LINK_UNKNOWN && sl->why
						      ? sl->why
						      : "the subnet is not in the scanned files";
					unk = nic;
				}
				continue;
			}
			s = has_nsg(sl->target, &why);
			if (s == 1)
				continue;
			if (s < 0 || n < 0) {
				if (!unk)
					unk = nic;
			} else if (!bare) {
				bare = nic;
			}
		}
	}
	if (nnic == 0 && !unk)
		return rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, NULL, "", NULL,
				      "no network interface in the model");
	if (bare)
		return rp_rule_report(ctx, obj, RP_STATUS_FAIL, bare->body, "", NULL,
				      "NIC %s has no network security group, and neither has its "
				      "subnet: no traffic to or from it is filtered",
				      bare->name ? bare->name : "(unnamed)");
	if (unk)
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, unk->body, "", why,
				      "whether an NSG protects the NIC is not known");
	return rp_rule_report(ctx, obj, RP_STATUS_PASS, NULL, "", NULL,
			      "every NIC has an NSG on the NIC or its subnet");
}
