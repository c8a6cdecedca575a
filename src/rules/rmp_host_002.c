/* rmp_host_002.c: RMP-HOST-002 secrets in clear: an admin password that
 * is a literal or a parameter's default value, or secrets and
 * commandToExecute in an extension's public settings, which are stored in
 * plain text in the deployment history (azure-facts 6). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

#define MAX_SCAN_DEPTH 16

static bool key_is_secret(const char *k, size_t n)
{
	static const char *const words[] = { "password",   "passwd",       "pwd",
					     "secret",     "token",        "connectionstring",
					     "accountkey", "workspacekey", "privatekey",
					     "apikey",     "sastoken",     "credential",
					     NULL };
	char low[128];
	size_t i, j, m;

	if (n < sizeof(low)) {
		/* the key folded once (ASCII letters, as rp_str_ieq folds),
		 * then each word searched in it */
		for (j = 0; j < n; j++)
			low[j] = (char)(k[j] >= 'A' && k[j] <= 'Z' ? k[j] + 32 : k[j]);
		for (i = 0; words[i]; i++)
			if (memmem(low, n, words[i], strlen(words[i])))
				return true;
		return false;
	}
	for (i = 0; words[i]; i++) {
		m = strlen(words[i]);
		for (j = 0; m <= n && j <= n - m; j++)
			if (rp_str_ieq(k + j, words[i], m))
				return true;
	}
	return false;
}

static bool has_sas(const rp_value *v)
{
	return rp_value_is(v, RP_V_STRING) && strstr(v->u.s, "sig=") != NULL;
}

/* First secret-looking member or SAS URL inside v. */
static const rp_value *find_secret(const rp_value *v, const char **what, unsigned depth)
{
	uint32_t i;
	const rp_value *r;

	if (!v || depth > MAX_SCAN_DEPTH)
		return NULL;
	if (has_sas(v)) {
		*what = "a URL with a SAS signature (sig=)";
		return v;
	}
	if (v->kind == RP_V_ARRAY) {
		for (i = 0; i < v->len; i++)
			if ((r = find_secret(v->u.items[i], what, depth + 1)) != NULL)
				return r;
	} else if (v->kind == RP_V_OBJECT) {
		for (i = 0; i < v->len; i++) {
			const rp_member *m = &v->u.members[i];
			if (key_is_secret(m->key, m->keylen) && m->val &&
			    m->val->kind != RP_V_NULL &&
			    !(m->val->kind == RP_V_STRING && m->val->len == 0)) {
				*what = m->key;
				return m->val;
			}
			if ((r = find_secret(m->val, what, depth + 1)) != NULL)
				return r;
		}
	}
	return NULL;
}

static int check_extension(rp_rule_ctx *ctx, const rp_mobj *obj)
{
	rp_prop s, c;
	const char *what = NULL;
	const rp_value *sec;
	rp_prop_get(obj, "properties.settings", &s);
	if (s.unknown && !s.v)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &s,
				      "public settings cannot be known");
	if (rp_value_is(s.v, RP_V_UNKNOWN))
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &s,
				      "public settings cannot be known");
	rp_prop_get(obj, "properties.settings.commandToExecute", &c);
	if (c.v && c.v->kind != RP_V_NULL)
		return rp_report_prop(
			ctx, obj, RP_STATUS_FAIL, &c,
			"commandToExecute is in the extension's public settings, which are stored "
			"in plain text in the deployment history: move it to protectedSettings");
	sec = find_secret(s.v, &what, 0);
	if (sec)
		return rp_rule_report(ctx, obj, RP_STATUS_FAIL, sec, "properties.settings", NULL,
				      "secret in the extension's public settings (%s): public "
				      "settings are stored in plain text; use protectedSettings",
				      what);
	return rp_report_prop(ctx, obj, RP_STATUS_PASS, &s, "no secrets in public settings");
}

RP_CHECK(rp_check_host_002)
{
	rp_prop pw;
	unsigned f;

	if (obj->kind == RP_MK_EXTENSION)
		return check_extension(ctx, obj);
	rp_prop_get(obj, rp_vm_path(ctx, obj, "osProfile.adminPassword"), &pw);
	if (pw.unknown || rp_value_is(pw.v, RP_V_UNKNOWN))
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &pw,
				      "admin password is supplied at deployment time (%s)",
				      rp_prop_why(&pw));
	if (!pw.v)
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &pw,
				      "no admin password in the template");
	f = pw.v->flags;
	if (f & RP_VF_DEFAULT)
		return rp_report_prop(ctx, obj, RP_STATUS_FAIL, &pw,
				      "admin password is the default value of a %sparameter: the "
				      "secret is written in the template",
				      (f & RP_VF_SECURE) ? "secure " : "");
	if (!(f & RP_VF_SECURE))
		return rp_report_prop(
			ctx, obj, RP_STATUS_FAIL, &pw,
			"admin password is not a secureString parameter value (%s): it is stored "
			"in clear in the template, parameters or deployment history",
			(f & RP_VF_LITERAL) ? "a literal string" : "a computed string");
	return rp_report_prop(ctx, obj, RP_STATUS_PASS, &pw,
			      "admin password comes from a secure parameter value");
}
