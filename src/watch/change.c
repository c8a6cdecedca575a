/* change.c: Activity Log changes that weaken a defence layer
 * (RMP-WATCH-010 to 014).
 *
 * The intended state of a write is in the Start record's requestbody (the
 * ARM PUT body); whether it happened is in the Success or Failure record of
 * the same correlationId.  So: a weakening body on a Success record (the
 * REST shape carries both) is a finding at once; on a Start or Accept
 * record it waits for its outcome: Success makes it a finding, Failure
 * drops it, and at the end of input it is reported as unknown ("the
 * outcome is not in the log").  Deletes need no body.  Operation names are
 * compared case-insensitively (exports use upper case). */
#include "watch/internal.h"

#include "util/error.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PENDING 4096u

typedef struct cand {
	const rp_rule *rule;
	char *subject, *message, *remediation, *correlation;
	int64_t first, last;
	rp_watch_evidence ev[2];
	size_t nev;
} cand;

struct rp_watch_changes {
	cand *p;
	size_t n, cap;
};

int rp_watch_changes_new(rp_watch_det *d)
{
	struct rp_watch_changes *c = calloc(1, sizeof(*c));

	*rp_watch_det_changes(d) = c;
	return c ? 0 : -RP_ENOMEM;
}

static void cand_release(cand *c)
{
	free(c->subject);
	free(c->message);
	free(c->remediation);
	free(c->correlation);
	memset(c, 0, sizeof(*c));
}

void rp_watch_changes_free(rp_watch_det *d)
{
	struct rp_watch_changes *c = *rp_watch_det_changes(d);
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		cand_release(&c->p[i]);
	free(c->p);
	free(c);
	*rp_watch_det_changes(d) = NULL;
}

/* ---- body access ---- */

static uint32_t get(rp_json_doc *doc, uint32_t obj, const char *k)
{
	return rp_json_is(doc, obj, RP_JSON_OBJECT) ? rp_json_getz_ci(doc, obj, k) : RP_JSON_NONE;
}

static uint32_t path(rp_json_doc *doc, uint32_t obj, const char *p)
{
	char k[64];

	while (*p && obj != RP_JSON_NONE) {
		size_t n = strcspn(p, ".");
		if (n >= sizeof(k))
			return RP_JSON_NONE;
		memcpy(k, p, n);
		k[n] = '\0';
		obj = get(doc, obj, k);
		p += n + (p[n] == '.');
	}
	return obj;
}

static bool is_false(rp_json_doc *doc, uint32_t i)
{
	return i != RP_JSON_NONE && rp_json_kind_of(doc, i) == RP_JSON_FALSE;
}

static bool is_true(rp_json_doc *doc, uint32_t i)
{
	return i != RP_JSON_NONE && rp_json_kind_of(doc, i) == RP_JSON_TRUE;
}

static bool str_ieq(rp_json_doc *doc, uint32_t i, const char *s)
{
	const char *p;
	size_t n;

	if (!rp_json_is(doc, i, RP_JSON_STRING) || rp_json_str(doc, i, &p, &n) < 0)
		return false;
	return n == strlen(s) && rp_str_ieq(p, s, n);
}

static rp_slice str_of(rp_json_doc *doc, uint32_t i)
{
	rp_slice s = { "", 0 };

	if (rp_json_is(doc, i, RP_JSON_STRING) && rp_json_str(doc, i, &s.p, &s.n) < 0) {
		s.p = "";
		s.n = 0;
	}
	return s;
}

static bool op_is(const rp_activity *a, const char *op)
{
	return a->op.n == strlen(op) && rp_str_ieq(a->op.p, op, a->op.n);
}

static bool op_ends(const rp_activity *a, const char *suffix)
{
	size_t n = strlen(suffix);

	return a->op.n >= n && rp_str_ieq(a->op.p + a->op.n - n, suffix, n);
}

/* ---- candidates ---- */

typedef struct found {
	cand c[4];
	size_t n;
} found;

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
	va_list ap;
	rp_buf b = RP_BUF_INIT;
	int rc;

	va_start(ap, fmt);
	rc = rp_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		rp_buf_release(&b);
		return NULL;
	}
	return rp_buf_detach(&b);
}

/* {"kind":"az-cli","az":CMD,"notes":NOTE}; takes cmd (may be NULL: ENOMEM). */
static char *az_json(char *cmd, const char *note)
{
	rp_buf b = RP_BUF_INIT;
	rp_jw w;

	if (!cmd)
		return NULL;
	rp_jw_init(&w, &b, 0);
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "kind");
	rp_jw_string(&w, "az-cli");
	rp_jw_key(&w, "az");
	rp_jw_string(&w, cmd);
	if (note) {
		rp_jw_key(&w, "notes");
		rp_jw_string(&w, note);
	}
	rp_jw_object_end(&w);
	free(cmd);
	if (rp_jw_finish(&w) < 0) {
		rp_buf_release(&b);
		return NULL;
	}
	return rp_buf_detach(&b);
}

static int add(found *fd, const rp_activity *a, const char *id, char *message, char *remediation)
{
	cand *c;

	if (!message || !remediation || fd->n == 4) {
		free(message);
		free(remediation);
		return fd->n == 4 ? 0 : -RP_ENOMEM;
	}
	c = &fd->c[fd->n++];
	memset(c, 0, sizeof(*c));
	c->rule = rp_watch_rule(id);
	c->subject = dupf("%.*s", (int)a->resource_id.n, a->resource_id.p);
	c->correlation = dupf("%.*s", (int)a->correlation.n, a->correlation.p);
	c->message = message;
	c->remediation = remediation;
	c->first = c->last = a->ts_ms;
	if (!c->subject || !c->correlation)
		return -RP_ENOMEM;
	return 0;
}

static const char *who(const rp_activity *a, char *buf, size_t cap)
{
	if (a->caller.n && a->caller_ip.n)
		snprintf(buf, cap, " by %.*s from %.*s", (int)a->caller.n, a->caller.p,
			 (int)a->caller_ip.n, a->caller_ip.p);
	else if (a->caller.n)
		snprintf(buf, cap, " by %.*s", (int)a->caller.n, a->caller.p);
	else
		buf[0] = '\0';
	return buf;
}

static bool any_source(rp_json_doc *doc, uint32_t props)
{
	static const char *const any[] = { "*", "0.0.0.0/0", "0.0.0.0", "Internet", "Any", "::/0" };
	uint32_t s = get(doc, props, "sourceAddressPrefix"), arr, k, v;
	rp_json_iter it;
	size_t i;

	for (i = 0; i < sizeof(any) / sizeof(any[0]); i++)
		if (str_ieq(doc, s, any[i]))
			return true;
	arr = get(doc, props, "sourceAddressPrefixes");
	if (!rp_json_is(doc, arr, RP_JSON_ARRAY))
		return false;
	it = rp_json_iter_begin(doc, arr);
	while (rp_json_iter_next(doc, &it, &k, &v))
		for (i = 0; i < sizeof(any) / sizeof(any[0]); i++)
			if (str_ieq(doc, v, any[i]))
				return true;
	return false;
}

/* First sensitive port a port range text covers, or 0. */
static uint32_t range_sensitive(rp_slice r)
{
	static const uint32_t ports[] = { 22,   23,   135,  139,  445,  1433,  1434,
					  1521, 2375, 2376, 3306, 3389, 5432,  5900,
					  5984, 5985, 5986, 6379, 9200, 11211, 27017 };
	uint32_t lo = 0, hi = 0;
	size_t i, dash;
	char t[32];

	if (r.n == 1 && r.p[0] == '*')
		return 22;
	if (r.n == 0 || r.n >= sizeof(t))
		return 0;
	memcpy(t, r.p, r.n);
	t[r.n] = '\0';
	dash = strcspn(t, "-");
	if (sscanf(t, "%u", &lo) != 1)
		return 0;
	hi = lo;
	if (t[dash] == '-' && sscanf(t + dash + 1, "%u", &hi) != 1)
		return 0;
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i] >= lo && ports[i] <= hi)
			return ports[i];
	return 0;
}

static uint32_t opened_port(rp_json_doc *doc, uint32_t props)
{
	uint32_t arr, k, v, p;
	rp_json_iter it;

	if (!str_ieq(doc, get(doc, props, "access"), "Allow") ||
	    !str_ieq(doc, get(doc, props, "direction"), "Inbound") || !any_source(doc, props))
		return 0;
	p = range_sensitive(str_of(doc, get(doc, props, "destinationPortRange")));
	if (p)
		return p;
	arr = get(doc, props, "destinationPortRanges");
	if (!rp_json_is(doc, arr, RP_JSON_ARRAY))
		return 0;
	it = rp_json_iter_begin(doc, arr);
	while (rp_json_iter_next(doc, &it, &k, &v))
		if ((p = range_sensitive(str_of(doc, v))) != 0)
			return p;
	return 0;
}

static int rule_opened(found *fd, const rp_activity *a, rp_slice rule_name, uint32_t port,
		       const char *nsg_cmd_target)
{
	char w[512];
	const char *svc = "?";

	rp_watch_sensitive_port(port, &svc);
	return add(fd, a, "RMP-WATCH-010",
		   dupf("security rule %.*s allows inbound traffic from the Internet to %s (%u)%s",
			(int)rule_name.n, rule_name.p, svc, port, who(a, w, sizeof(w))),
		   az_json(strdup(nsg_cmd_target),
			   "denies the rule's traffic; or delete the rule (az network nsg rule "
			   "delete with the same arguments)"));
}

static int evaluate(rp_watch_det *d, const rp_activity *a, found *fd)
{
	rp_json_doc *doc = a->body_doc;
	uint32_t body = a->body, props = get(doc, body, "properties"), sp;
	char w[512], *cmd;
	int rc = 0;

	who(a, w, sizeof(w));
	if (op_is(a, "Microsoft.Network/networkSecurityGroups/securityRules/write") && doc) {
		uint32_t port = opened_port(doc, props);
		if (port && rp_watch_det_rule_on(d, 10)) {
			rp_slice nm = str_of(doc, get(doc, body, "name"));
			if (!nm.n) {
				/* the rule's name is the last segment of its ID */
				const char *sl = a->resource_id.p;
				size_t i;
				for (i = 0; i < a->resource_id.n; i++)
					if (a->resource_id.p[i] == '/')
						sl = a->resource_id.p + i + 1;
				nm.p = sl;
				nm.n = (size_t)(a->resource_id.p + a->resource_id.n - sl);
			}
			cmd = dupf("az network nsg rule update --ids %.*s --access Deny",
				   (int)a->resource_id.n, a->resource_id.p);
			if (!cmd)
				return -RP_ENOMEM;
			rc = rule_opened(fd, a, nm, port, cmd);
			free(cmd);
		}
		return rc;
	}
	if (op_is(a, "Microsoft.Network/networkSecurityGroups/write") && doc) {
		uint32_t rules = get(doc, props, "securityRules"), k, r;
		rp_json_iter it;
		if (!rp_json_is(doc, rules, RP_JSON_ARRAY) || !rp_watch_det_rule_on(d, 10))
			return 0;
		it = rp_json_iter_begin(doc, rules);
		while (rp_json_iter_next(doc, &it, &k, &r) && rc == 0) {
			uint32_t port = opened_port(doc, get(doc, r, "properties"));
			if (port) {
				rp_slice nm = str_of(doc, get(doc, r, "name"));
				cmd = dupf(
					"az network nsg rule update --ids %.*s/securityRules/%.*s "
					"--access Deny",
					(int)a->resource_id.n, a->resource_id.p, (int)nm.n, nm.p);
				if (!cmd)
					return -RP_ENOMEM;
				rc = rule_opened(fd, a, nm, port, cmd);
				free(cmd);
			}
		}
		return rc;
	}
	if ((op_is(a, "Microsoft.Compute/virtualMachines/write") ||
	     op_is(a, "Microsoft.Compute/virtualMachineScaleSets/write")) &&
	    doc) {
		bool vmss = op_is(a, "Microsoft.Compute/virtualMachineScaleSets/write");
		const char *az = vmss ? "vmss" : "vm";
		sp = get(doc, props, "securityProfile");
		if (sp == RP_JSON_NONE)
			sp = path(doc, props, "virtualMachineProfile.securityProfile");
		if (sp == RP_JSON_NONE)
			return 0;
		if (rp_watch_det_rule_on(d, 11)) {
			uint32_t st = get(doc, sp, "securityType");
			rp_slice stv = str_of(doc, st);
			bool off_type = rp_json_is(doc, st, RP_JSON_STRING) &&
					!str_ieq(doc, st, "TrustedLaunch") &&
					!str_ieq(doc, st, "ConfidentialVM");
			bool sb = is_false(doc, path(doc, sp, "uefiSettings.secureBootEnabled"));
			bool vtpm = is_false(doc, path(doc, sp, "uefiSettings.vTpmEnabled"));
			if (off_type || sb || vtpm) {
				char what[160];
				snprintf(what, sizeof(what), "%s%.*s%s%s%s%s",
					 off_type ? "securityType set to " : "",
					 (int)(off_type ? stv.n : 0), stv.p,
					 off_type && (sb || vtpm) ? ", " : "",
					 sb ? "Secure Boot off" : "", sb && vtpm ? ", " : "",
					 vtpm ? "vTPM off" : "");
				rc = add(fd, a, "RMP-WATCH-011", dupf("%s%s", what, w),
					 az_json(dupf("az %s update --ids %.*s --security-type "
						      "TrustedLaunch --enable-secure-boot true "
						      "--enable-vtpm true",
						      az, (int)a->resource_id.n, a->resource_id.p),
						 "the VM must be deallocated for a security-type "
						 "change"));
			}
		}
		if (rc == 0 && rp_watch_det_rule_on(d, 12) &&
		    is_false(doc, get(doc, sp, "encryptionAtHost")))
			rc = add(
				fd, a, "RMP-WATCH-012", dupf("encryption at host turned off%s", w),
				az_json(dupf("az %s update --ids %.*s --set "
					     "securityProfile.encryptionAtHost=true",
					     az, (int)a->resource_id.n, a->resource_id.p),
					"the VM must be deallocated to change encryption at host"));
		return rc;
	}
	if (op_is(a, "Microsoft.Storage/storageAccounts/write") && doc &&
	    rp_watch_det_rule_on(d, 12)) {
		uint32_t tls = get(doc, props, "minimumTlsVersion");
		bool http = is_false(doc, get(doc, props, "supportsHttpsTrafficOnly"));
		bool weak_tls = str_ieq(doc, tls, "TLS1_0") || str_ieq(doc, tls, "TLS1_1");
		bool pub = is_true(doc, get(doc, props, "allowBlobPublicAccess"));
		if (http || weak_tls || pub) {
			rp_slice t = str_of(doc, tls);
			rc = add(fd, a, "RMP-WATCH-012",
				 dupf("storage account weakened:%s%s%.*s%s%s",
				      http ? " HTTPS-only off;" : "",
				      weak_tls ? " minimum TLS " : "", (int)(weak_tls ? t.n : 0),
				      t.p, weak_tls ? ";" : "",
				      pub ? " anonymous blob access allowed;" : ""),
				 az_json(dupf("az storage account update --ids %.*s%s%s%s",
					      (int)a->resource_id.n, a->resource_id.p,
					      http ? " --https-only true" : "",
					      weak_tls ? " --min-tls-version TLS1_2" : "",
					      pub ? " --allow-blob-public-access false" : ""),
					 NULL));
			if (rc == 0 && fd->n && w[0]) {
				/* append the caller */
				cand *c = &fd->c[fd->n - 1];
				char *m = dupf("%s%s", c->message, w);
				if (!m)
					return -RP_ENOMEM;
				free(c->message);
				c->message = m;
			}
		}
		return rc;
	}
	if (op_is(a, "Microsoft.Compute/disks/write") && doc && rp_watch_det_rule_on(d, 12)) {
		if (str_ieq(doc, get(doc, props, "publicNetworkAccess"), "Enabled") &&
		    str_ieq(doc, get(doc, props, "networkAccessPolicy"), "AllowAll"))
			rc = add(fd, a, "RMP-WATCH-012",
				 dupf("disk opened to public network access (AllowAll)%s", w),
				 az_json(dupf("az disk update --ids %.*s --public-network-access "
					      "Disabled --network-access-policy DenyAll",
					      (int)a->resource_id.n, a->resource_id.p),
					 NULL));
		return rc;
	}
	if (rp_watch_det_rule_on(d, 13)) {
		if (op_ends(a, "/diagnosticSettings/delete"))
			return add(fd, a, "RMP-WATCH-013", dupf("diagnostic setting deleted%s", w),
				   az_json(dupf("az monitor diagnostic-settings list --resource "
						"%.*s",
						(int)a->resource_id.n, a->resource_id.p),
					   "recreate the setting from the deployment (rampart scan "
					   "checks it: RMP-MON rules); the log does not hold its "
					   "destinations"));
		if (op_is(a, "Microsoft.Network/networkWatchers/flowLogs/delete"))
			return add(
				fd, a, "RMP-WATCH-013", dupf("flow log deleted%s", w),
				az_json(dupf("az network watcher flow-log list --location "
					     "REGION # then recreate %.*s from the deployment",
					     (int)a->resource_id.n, a->resource_id.p),
					"the log does not hold the flow log's target and storage "
					"account; recreate it from the deployment"));
		if (op_is(a, "Microsoft.Network/networkWatchers/flowLogs/write") && doc &&
		    is_false(doc, get(doc, props, "enabled")))
			return add(fd, a, "RMP-WATCH-013", dupf("flow log disabled%s", w),
				   az_json(dupf("az network watcher flow-log update --ids %.*s "
						"--enabled true",
						(int)a->resource_id.n, a->resource_id.p),
					   NULL));
	}
	if (op_is(a, "Microsoft.Security/pricings/write") && doc && rp_watch_det_rule_on(d, 14) &&
	    str_ieq(doc, get(doc, props, "pricingTier"), "Free")) {
		rp_slice nm = str_of(doc, get(doc, body, "name"));
		const char *sl = a->resource_id.p;
		size_t i;
		if (!nm.n) {
			for (i = 0; i < a->resource_id.n; i++)
				if (a->resource_id.p[i] == '/')
					sl = a->resource_id.p + i + 1;
			nm.p = sl;
			nm.n = (size_t)(a->resource_id.p + a->resource_id.n - sl);
		}
		return add(fd, a, "RMP-WATCH-014",
			   dupf("Defender plan %.*s set to Free%s", (int)nm.n, nm.p, w),
			   az_json(dupf("az security pricing create -n %.*s --tier standard",
					(int)nm.n, nm.p),
				   NULL));
	}
	return 0;
}

static void evidence_of(rp_watch_det *d, rp_watch_evidence *ev, const rp_activity *a)
{
	ev->ts_ms = a->ts_ms;
	ev->input = rp_watch_det_intern(d, a->input);
	ev->off = a->off;
	snprintf(ev->text, sizeof(ev->text), "%.*s %.*s %.*s", (int)a->op.n, a->op.p,
		 (int)a->result.n, a->result.p, (int)a->correlation.n, a->correlation.p);
}

static int emit(rp_watch_det *d, cand *c, rp_status st, const char *reason)
{
	rp_watch_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = c->rule;
	f.status = st;
	f.subject = c->subject;
	f.resource_id = c->subject;
	f.message = c->message;
	f.unknown_reason = reason;
	f.first_ms = c->first;
	f.last_ms = c->last;
	f.count = c->nev;
	f.ev = c->ev;
	f.nev = c->nev;
	f.remediation = c->remediation;
	return rp_watch_emit(d, &f);
}

static int emit_unknown(rp_watch_det *d, cand *c)
{
	char reason[256];

	snprintf(reason, sizeof(reason),
		 "the log holds the operation's request but not its outcome (no Success or "
		 "Failure record with correlationId %s)",
		 c->correlation);
	return emit(d, c, RP_STATUS_UNKNOWN, reason);
}

int rp_watch_det_activity(rp_watch_det *d, const rp_activity *a)
{
	struct rp_watch_changes *ch = *rp_watch_det_changes(d);
	found fd;
	size_t i, j;
	int rc;
	bool matched = false;

	memset(&fd, 0, sizeof(fd));
	/* outcome of a pending operation */
	if (a->correlation.n && (a->outcome == RP_ACT_SUCCESS || a->outcome == RP_ACT_FAILURE)) {
		rc = 0;
		for (i = j = 0; i < ch->n; i++) {
			cand *c = &ch->p[i];
			if (strlen(c->correlation) == a->correlation.n &&
			    rp_str_ieq(c->correlation, a->correlation.p, a->correlation.n)) {
				matched = true;
				if (a->outcome == RP_ACT_SUCCESS && rc == 0) {
					c->last = a->ts_ms;
					evidence_of(d, &c->ev[c->nev < 2 ? c->nev++ : 1], a);
					rc = emit(d, c, RP_STATUS_FAIL, NULL);
				}
				cand_release(c);
				continue;
			}
			ch->p[j++] = *c;
		}
		ch->n = j;
		if (rc < 0 || matched)
			return rc;
	}
	if (a->outcome == RP_ACT_FAILURE)
		return 0;
	rc = evaluate(d, a, &fd);
	for (i = 0; i < fd.n && rc == 0; i++) {
		cand *c = &fd.c[i];
		evidence_of(d, &c->ev[0], a);
		c->nev = 1;
		if (a->outcome == RP_ACT_SUCCESS) {
			rc = emit(d, c, RP_STATUS_FAIL, NULL);
		} else if (!a->correlation.n) {
			rc = emit(
				d, c, RP_STATUS_UNKNOWN,
				"the record has no correlationId, so its outcome cannot be found");
		} else {
			if (ch->n == MAX_PENDING) {
				rc = emit_unknown(d, &ch->p[0]);
				cand_release(&ch->p[0]);
				memmove(ch->p, ch->p + 1, (ch->n - 1) * sizeof(*ch->p));
				ch->n--;
			}
			if (ch->n == ch->cap) {
				size_t nc = ch->cap ? ch->cap * 2 : 16;
				cand *np = realloc(ch->p, nc * sizeof(*np));
				if (!np) {
					rc = -RP_ENOMEM;
					break;
				}
				ch->p = np;
				ch->cap = nc;
			}
			ch->p[ch->n++] = *c;
			memset(c, 0, sizeof(*c)); /* moved */
		}
	}
	for (i = 0; i < fd.n; i++)
		cand_release(&fd.c[i]);
	return rc;
}

int rp_watch_changes_finish(rp_watch_det *d)
{
	struct rp_watch_changes *ch = *rp_watch_det_changes(d);
	size_t i;
	int rc = 0;

	for (i = 0; i < ch->n; i++) {
		if (rc == 0)
			rc = emit_unknown(d, &ch->p[i]);
		cand_release(&ch->p[i]);
	}
	ch->n = 0;
	return rc;
}
