/* rmp_net_006.c: RMP-NET-006 shadowed security rule: earlier rules of
 * the same direction take all of its traffic, so it never matches
 * (src/net/shadow.c; unknown parts never produce a finding). */
#include "net/topology.h"
#include "rules/check.h"
#include "rules/checks.h"
#include "util/buf.h"
#include "util/error.h"

RP_CHECK(rp_check_net_006)
{
	rp_net_topo *t = rp_rule_net(ctx);
	const rp_net_nsg *nsg = t ? rp_net_topo_nsg(t, obj) : NULL;
	const rp_value *sr = rp_value_getz(obj->props, "securityRules");
	rp_net_shadow *sh = NULL;
	size_t n = 0, i, k;
	rp_buf b = RP_BUF_INIT;
	int rc;

	if (!t || !nsg)
		return -RP_ENOMEM;
	if (rp_value_is(obj->props, RP_V_UNKNOWN) || rp_value_is(sr, RP_V_UNKNOWN))
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, sr, "properties.securityRules",
				      rp_value_is(sr, RP_V_UNKNOWN) ? sr->u.reason
								    : obj->props->u.reason,
				      "the security rules are not known");
	if ((rc = rp_net_nsg_shadowed(nsg, NULL, t->arena, &sh, &n)) < 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		const rp_net_rule *r = sh[i].rule;
		rp_value at = { 0 };
		b.len = 0;
		for (k = 0; k < sh[i].ncovers && rc == 0; k++) {
			rc = rp_buf_printf(&b, "%s%s (priority %d, ", k ? "; " : "",
					   sh[i].covers[k]->name ? sh[i].covers[k]->name : "?",
					   (int)sh[i].covers[k]->priority);
			if (rc == 0)
				rc = rp_net_rule_where(&b, sh[i].covers[k]);
			if (rc == 0)
				rc = rp_buf_putc(&b, ')');
		}
		if (rc < 0)
			break;
		at.kind = RP_V_NULL;
		at.span = r->span;
		rc = rp_rule_report(
			ctx, obj, RP_STATUS_FAIL, &at,
			rp_rule_printf(ctx, "securityRules/%s", r->name ? r->name : "?"), NULL,
			"rule %s (priority %d) never matches: earlier rules take all its "
			"traffic: %s",
			r->name ? r->name : "?", (int)r->priority, b.data ? b.data : "");
	}
	if (rc == 0 && n == 0)
		rc = rp_rule_report(ctx, obj, RP_STATUS_PASS, NULL, "", NULL,
				    "no rule is shadowed by earlier rules");
	rp_buf_release(&b);
	return rc;
}
