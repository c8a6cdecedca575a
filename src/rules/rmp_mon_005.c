/* rmp_mon_005.c: RMP-MON-005 Key Vault without diagnostic settings that
 * capture audit logs (AuditEvent, or category group audit / allLogs;
 * azure-facts 5.1, CIS 6.1.4). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

#define MAX_DIAG 64

static bool ieq(const rp_value *v, const char *s)
{
	return rp_value_str_ieq(v, s);
}

/* 1 audit captured, 0 not, -1 unknown. */
static int captures_audit(const rp_mobj *d, const char **why, const rp_value **at)
{
	const rp_value *logs = rp_value_getz(d->props, "logs");
	uint32_t i;
	int r = 0;

	if (rp_value_is(logs, RP_V_UNKNOWN)) {
		*why = logs->u.reason;
		*at = logs;
		return -1;
	}
	if (!rp_value_is(logs, RP_V_ARRAY))
		return 0;
	for (i = 0; i < logs->len; i++) {
		const rp_value *e = logs->u.items[i];
		const rp_value *c = rp_value_getz(e, "category");
		const rp_value *g = rp_value_getz(e, "categoryGroup");
		const rp_value *en = rp_value_getz(e, "enabled");
		bool match = ieq(c, "AuditEvent") || ieq(g, "audit") || ieq(g, "allLogs");
		if (rp_value_is(c, RP_V_UNKNOWN) || rp_value_is(g, RP_V_UNKNOWN) ||
		    (match && rp_value_is(en, RP_V_UNKNOWN))) {
			*why = rp_value_find_unknown(e)->u.reason;
			*at = e;
			r = -1;
			continue;
		}
		if (match && rp_value_is(en, RP_V_BOOL) && en->u.b) {
			*at = e;
			return 1;
		}
	}
	return r;
}

RP_CHECK(rp_check_mon_005)
{
	const rp_mobj *ds[MAX_DIAG];
	size_t n = rp_model_scoped(obj, RP_MK_DIAG, ds, MAX_DIAG), i, nall;
	rp_mobj *const *all = rp_model_objects(rp_rule_model(ctx), RP_MK_DIAG, &nall);
	const char *why = NULL;
	const rp_value *at = NULL;
	int unknown = 0;

	if (n > MAX_DIAG)
		n = MAX_DIAG;
	for (i = 0; i < n; i++) {
		int r = captures_audit(ds[i], &why, &at);
		if (r == 1)
			return rp_rule_report(ctx, obj, RP_STATUS_PASS, at, "", NULL,
					      "diagnostic setting '%s' captures audit events",
					      ds[i]->name ? ds[i]->name : "?");
		if (r < 0)
			unknown = 1;
	}
	if (unknown)
		return rp_rule_report(
			ctx, obj, RP_STATUS_UNKNOWN, at, "", why,
			"whether the diagnostic settings capture audit events cannot be known");
	for (i = 0; i < nall; i++) {
		const rp_mlink *l = rp_mobj_link(all[i], RP_LINK_SCOPE);
		if (l && l->state == RP_LINK_UNKNOWN)
			return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, NULL, "", l->why,
					      "a diagnostic setting in the input has a scope that "
					      "cannot be known");
	}
	if (n)
		return rp_rule_report(ctx, obj, RP_STATUS_FAIL, ds[0]->body, "", NULL,
				      "diagnostic settings exist but none enables AuditEvent (or "
				      "the audit / allLogs category group)");
	return rp_rule_report(ctx, obj, RP_STATUS_FAIL, NULL, "", NULL,
			      "no diagnostic setting (Microsoft.Insights/diagnosticSettings) "
			      "records this Key Vault's AuditEvent logs");
}
