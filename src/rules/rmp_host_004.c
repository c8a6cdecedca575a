/* rmp_host_004.c: RMP-HOST-004 extension downloads scripts over plain
 * http (fileUris, commandToExecute, run command scriptUri; azure-facts 6). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

static bool is_http(const char *s)
{
	return s && strlen(s) >= 7 && rp_str_ieq(s, "http://", 7);
}

static bool mentions_http(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	for (i = 0; n >= 7 && i <= n - 7; i++)
		if (rp_str_ieq(s + i, "http://", 7))
			return true;
	return false;
}

typedef struct scan {
	const rp_value *bad;
	const char *bad_path;
	const char *unknown;
	const rp_value *unknown_at;
	bool any;
} scan;

static void scan_uris(rp_rule_ctx *ctx, const rp_value *v, const char *path, scan *s)
{
	uint32_t i;

	if (!v)
		return;
	s->any = true;
	if (v->kind == RP_V_UNKNOWN) {
		if (!s->unknown) {
			s->unknown = v->u.reason;
			s->unknown_at = v;
		}
		return;
	}
	if (v->kind == RP_V_STRING) {
		if (!s->bad && is_http(v->u.s)) {
			s->bad = v;
			s->bad_path = path;
		}
		return;
	}
	if (v->kind == RP_V_ARRAY)
		for (i = 0; i < v->len; i++)
			scan_uris(ctx, v->u.items[i], rp_rule_printf(ctx, "%s[%u]", path, i), s);
}

static void scan_cmd(const rp_value *v, const char *path, scan *s)
{
	if (!v)
		return;
	s->any = true;
	if (v->kind == RP_V_UNKNOWN) {
		if (!s->unknown) {
			s->unknown = v->u.reason;
			s->unknown_at = v;
		}
	} else if (v->kind == RP_V_STRING && !s->bad && mentions_http(v->u.s)) {
		s->bad = v;
		s->bad_path = path;
	}
}

static bool is_script_ext(const rp_mobj *o)
{
	return rp_ext_is(o, "Microsoft.Azure.Extensions", "CustomScript") ||
	       rp_ext_is(o, "Microsoft.Compute", "CustomScriptExtension") ||
	       rp_ext_is(o, "Microsoft.OSTCExtensions", "CustomScriptForLinux") ||
	       (o->type && strstr(o->type, "/runCommands"));
}

RP_CHECK(rp_check_host_004)
{
	const rp_value *p = obj->props;
	const rp_value *ps = rp_value_getz(p, "protectedSettings");
	scan s = { 0 };

	scan_uris(ctx, rp_value_path(p, "settings.fileUris"), "properties.settings.fileUris", &s);
	scan_uris(ctx, rp_value_getz(ps, "fileUris"), "properties.protectedSettings.fileUris", &s);
	scan_cmd(rp_value_path(p, "settings.commandToExecute"),
		 "properties.settings.commandToExecute", &s);
	scan_cmd(rp_value_getz(ps, "commandToExecute"),
		 "properties.protectedSettings.commandToExecute", &s);
	scan_uris(ctx, rp_value_path(p, "source.scriptUri"), "properties.source.scriptUri", &s);
	if (s.bad)
		return rp_rule_report(
			ctx, obj, RP_STATUS_FAIL, s.bad, s.bad_path, NULL,
			"extension downloads over plain http: '%s' (use https: a network attacker "
			"can replace the script, which runs as root/SYSTEM)",
			s.bad->u.s);
	if (s.unknown)
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, s.unknown_at, "", s.unknown,
				      "download locations cannot be known");
	if (rp_value_is(ps, RP_V_UNKNOWN) && is_script_ext(obj))
		return rp_rule_report(
			ctx, obj, RP_STATUS_UNKNOWN, ps, "properties.protectedSettings",
			ps->u.reason,
			"protected settings (which may name script URLs) cannot be known");
	if (!s.any)
		return rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, NULL, "", NULL,
				      "extension downloads no scripts");
	return rp_rule_report(ctx, obj, RP_STATUS_PASS, NULL, "", NULL,
			      "script locations use https");
}
