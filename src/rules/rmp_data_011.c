/* rmp_data_011.c: RMP-DATA-011 storage account minimum TLS version below
 * 1.2 (azure-facts 4.3, CIS 4.15). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

RP_CHECK(rp_check_data_011)
{
	rp_prop p;
	const char *s;

	rp_prop_get(obj, "properties.minimumTlsVersion", &p);
	if (p.unknown)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &p,
				      "minimum TLS version cannot be known");
	s = rp_prop_str(&p);
	if (!s)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &p,
				      "minimumTlsVersion has an unexpected type");
	if ((strlen(s) == 6 && (rp_str_ieq(s, "TLS1_2", 6) || rp_str_ieq(s, "TLS1_3", 6))))
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &p, "minimum TLS version is %s", s);
	return rp_report_prop(ctx, obj, RP_STATUS_FAIL, &p,
			      "minimum TLS version is %s%s; set minimumTlsVersion to TLS1_2 (Azure "
			      "Storage rejects TLS 1.0/1.1 on public endpoints since 2026-02-03, "
			      "but the account setting still documents and enforces intent)",
			      s, rp_prop_default_note(ctx, &p));
}
