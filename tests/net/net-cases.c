/* net-cases.c: data-driven NSG engine tests (tests/net/cases/NAME.json).
 *
 * Each case file holds an environment, up to two NSGs in their ARM shape
 * (subnet, nic), the NIC's ASG memberships, and expectations with verdicts
 * derived by hand from azure-facts.md section 2:
 *   queries[]   {dir, proto, src, dst, port, [sport], expect, hops[2], [alt]}
 *               checked against BOTH the single-flow evaluator and the class
 *               engine (the piece containing the point);
 *   allowed[]   {dir, local, proto, from ("Internet" | CIDR | "*"),
 *                ports ("22, 80-90" or "(none)"), [verdict]}: the destination
 *               ports of the engine's pieces with that verdict (allow by
 *               default) whose remote set meets `from`;
 *   shadowed[]  {rule, covers[]}: the exact list of shadowed rules;
 *   errors      number of error diagnostics; messages[]: substrings.
 * Prints one line per failure and a final "N passed, N failed" (cases).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/value.h"
#include "net/net.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

static int case_fail;
static const char *case_name;

static void failf(const char *fmt, const char *a, const char *b, const char *c)
{
	printf("FAIL %s: ", case_name);
	printf(fmt, a, b, c);
	printf("\n");
	case_fail++;
}

/* Copy of v where every string "$unknown..." becomes an UNKNOWN value
 * (how the ARM evaluator marks what it cannot know). */
static rp_value *unknowns(rp_arena *a, rp_value *v, int depth)
{
	size_t i;

	if (!v || depth > 64)
		return v;
	if (v->kind == RP_V_STRING && !strncmp(v->u.s, "$unknown", 8))
		return rp_value_unknown(a, v->span, "%s", v->u.s[8] ? v->u.s + 9 : "test unknown");
	if (v->kind == RP_V_ARRAY) {
		rp_value **items = rp_arena_calloc(a, v->len ? v->len : 1, sizeof(*items));
		for (i = 0; items && i < v->len; i++)
			items[i] = unknowns(a, v->u.items[i], depth + 1);
		return items ? rp_value_array(a, items, v->len, v->span) : NULL;
	}
	if (v->kind == RP_V_OBJECT) {
		rp_member *m = rp_arena_calloc(a, v->len ? v->len : 1, sizeof(*m));
		for (i = 0; m && i < v->len; i++) {
			m[i] = v->u.members[i];
			m[i].val = unknowns(a, v->u.members[i].val, depth + 1);
		}
		return m ? rp_value_object(a, m, v->len, v->span) : NULL;
	}
	return v;
}

static const char *str(const rp_value *o, const char *key)
{
	const rp_value *v = rp_value_getz(o, key);
	return v && v->kind == RP_V_STRING ? v->u.s : NULL;
}

static int set_from_list(const rp_value *arr, rp_net_aset *s)
{
	size_t i;
	const char *why;

	if (!arr)
		return 0;
	for (i = 0; i < arr->len; i++) {
		rp_net_ival iv;
		const rp_value *it = arr->u.items[i];
		if (it->kind != RP_V_STRING ||
		    rp_net_prefix_parse(it->u.s, it->len, &iv, &why) < 0) {
			failf("bad prefix in case file: %s%s%s",
			      it->kind == RP_V_STRING ? it->u.s : "?", "", "");
			return -1;
		}
		rp_net_aset_add(s, iv.lo, iv.hi);
	}
	return 0;
}

static int build_env(const rp_value *ev, rp_net_env *env)
{
	rp_net_aset s = { 0 };
	const rp_value *asgs, *tags, *c;
	size_t i;
	int rc = 0;

	if (ev) {
		rc |= set_from_list(rp_value_getz(ev, "vnet"), &s);
		rp_net_env_add_vnet(env, &s);
		s.n = 0;
		rc |= set_from_list(rp_value_getz(ev, "vnet_maybe"), &s);
		rp_net_env_add_vnet_maybe(env, &s);
		c = rp_value_getz(ev, "asg_complete");
		if (c && c->kind == RP_V_BOOL)
			env->asg_complete = c->u.b;
		asgs = rp_value_getz(ev, "asgs");
		for (i = 0; asgs && i < asgs->len; i++) {
			s.n = 0;
			rc |= set_from_list(asgs->u.members[i].val, &s);
			rp_net_env_add_asg_member(env, asgs->u.members[i].key, &s);
		}
		tags = rp_value_getz(ev, "tags");
		for (i = 0; tags && i < tags->len; i++) {
			rp_net_aset m = { 0 };
			s.n = 0;
			rc |= set_from_list(rp_value_getz(tags->u.members[i].val, "yes"), &s);
			rc |= set_from_list(rp_value_getz(tags->u.members[i].val, "maybe"), &m);
			rp_net_env_add_tag(env, tags->u.members[i].key, &s, &m);
			rp_net_aset_release(&m);
		}
	}
	rp_net_aset_release(&s);
	if (rp_net_env_finish(env) < 0)
		return -1;
	return rc;
}

static const char *hop_name(const rp_net_hop *h)
{
	if (!h->nsg)
		return "-";
	return h->rule ? h->rule->name : "(none)";
}

static bool same_hop(const rp_net_hop *a, const rp_net_hop *b)
{
	return a->nsg == b->nsg && a->verdict == b->verdict && a->rule == b->rule &&
	       a->alt == b->alt &&
	       ((!a->reason && !b->reason) ||
		(a->reason && b->reason && !strcmp(a->reason, b->reason)));
}

static int parse_dir(const char *s)
{
	if (s && !strcmp(s, "out"))
		return RP_NET_OUT;
	return RP_NET_IN;
}

static int parse_proto(const char *s)
{
	return s ? rp_net_proto_parse(s, strlen(s)) : -1;
}

static void check_query(const rp_value *q, const rp_net_chain *ch, rp_net_engine *eng)
{
	const char *sdir = str(q, "dir"), *sp = str(q, "proto"), *ssrc = str(q, "src"),
		   *sdst = str(q, "dst");
	const char *expect = str(q, "expect"), *why;
	const rp_value *port = rp_value_getz(q, "port"), *sport = rp_value_getz(q, "sport");
	const rp_value *hops = rp_value_getz(q, "hops"), *alt = rp_value_getz(q, "alt");
	rp_net_flow f;
	rp_net_decision d;
	const rp_net_result *res;
	const rp_net_piece *pc;
	const rp_net_addr *local, *remote;
	int proto = parse_proto(sp), h;
	char label[200];

	snprintf(label, sizeof(label), "%s %s %s->%s:%lld", sdir ? sdir : "in", sp ? sp : "?",
		 ssrc ? ssrc : "?", sdst ? sdst : "?",
		 port && port->kind == RP_V_INT ? (long long)port->u.i : -1LL);
	memset(&f, 0, sizeof(f));
	f.dir = (rp_net_dir)parse_dir(sdir);
	if (proto < 0 || !ssrc || !sdst || !expect ||
	    rp_net_addr_parse(ssrc, strlen(ssrc), &f.src, &why) < 0 ||
	    rp_net_addr_parse(sdst, strlen(sdst), &f.dst, &why) < 0) {
		failf("%s: malformed query%s%s", label, "", "");
		return;
	}
	f.proto = (unsigned)proto;
	f.dport.lo = f.dport.hi = port && port->kind == RP_V_INT ? (uint32_t)port->u.i : 0;
	if (sport && sport->kind == RP_V_INT) {
		f.sport.lo = f.sport.hi = (uint32_t)sport->u.i;
	} else {
		f.sport.lo = 0;
		f.sport.hi = RP_NET_PORT_MAX;
	}
	if (rp_net_flow_eval(ch, &f, &d) < 0) {
		failf("%s: flow evaluation failed%s%s", label, "", "");
		return;
	}
	if (strcmp(rp_net_verdict_name((rp_net_verdict)d.verdict), expect))
		failf("%s: flow verdict %s, expected %s", label,
		      rp_net_verdict_name((rp_net_verdict)d.verdict), expect);
	for (h = 0; hops && h < 2 && (size_t)h < hops->len; h++) {
		const rp_value *e = hops->u.items[h];
		if (e->kind == RP_V_STRING && strcmp(hop_name(&d.hop[h]), e->u.s))
			failf("%s: deciding rule %s, expected %s", label, hop_name(&d.hop[h]),
			      e->u.s);
	}
	for (h = 0; alt && h < 2 && (size_t)h < alt->len; h++) {
		const rp_value *e = alt->u.items[h];
		const char *an = d.hop[h].alt ? d.hop[h].alt->name : "-";
		if (e->kind == RP_V_STRING && strcmp(an, e->u.s))
			failf("%s: alternative rule %s, expected %s", label, an, e->u.s);
	}
	/* the engine must agree on the point (single source port only) */
	local = f.dir == RP_NET_IN ? &f.dst : &f.src;
	remote = f.dir == RP_NET_IN ? &f.src : &f.dst;
	if (rp_net_engine_eval(eng, ch, f.dir, local, &res) < 0) {
		failf("%s: engine evaluation failed%s%s", label, "", "");
		return;
	}
	if (f.sport.lo != f.sport.hi) {
		/* any source port: a known flow verdict must hold for every
		 * piece over the point; an unknown one must not be uniform */
		size_t i;
		unsigned seen = 0;
		for (i = 0; i < res->n; i++) {
			pc = &res->pieces[i];
			if (pc->proto == f.proto && rp_net_aset_contains(&pc->remote, remote) &&
			    rp_net_pset_contains(&pc->dports, f.dport.lo))
				seen |= 1u << pc->verdict;
		}
		if ((d.verdict != RP_NET_UNKNOWN && seen != (1u << d.verdict)) ||
		    (d.verdict == RP_NET_UNKNOWN &&
		     (seen == (1u << RP_NET_ALLOW) || seen == (1u << RP_NET_DENY))))
			failf("%s: engine pieces over the point disagree with the flow verdict "
			      "%s%s",
			      label, rp_net_verdict_name((rp_net_verdict)d.verdict), "");
		return;
	}
	pc = rp_net_result_lookup(res, f.proto, remote, f.sport.lo, f.dport.lo);
	if (!pc) {
		failf("%s: engine has no piece for the point%s%s", label, "", "");
		return;
	}
	if (pc->verdict != d.verdict || !same_hop(&pc->hop[0], &d.hop[0]) ||
	    !same_hop(&pc->hop[1], &d.hop[1]))
		failf("%s: engine (%s, %s) disagrees with the flow evaluator", label,
		      rp_net_verdict_name((rp_net_verdict)pc->verdict), hop_name(&pc->hop[0]));
}

static void check_allowed(const rp_value *q, const rp_net_chain *ch, rp_net_engine *eng,
			  rp_arena *a)
{
	const char *sdir = str(q, "dir"), *slocal = str(q, "local"), *sp = str(q, "proto");
	const char *from = str(q, "from"), *ports = str(q, "ports"), *sv = str(q, "verdict"), *why;
	rp_net_addr local;
	rp_net_aset fromset = { 0 };
	const rp_net_result *res;
	rp_net_result sub;
	rp_net_pset acc = { 0 };
	rp_buf b = RP_BUF_INIT;
	int proto = parse_proto(sp);
	unsigned vmask = 1u << RP_NET_ALLOW;
	size_t i;

	if (sv && !strcmp(sv, "unknown"))
		vmask = 1u << RP_NET_UNKNOWN;
	else if (sv && !strcmp(sv, "deny"))
		vmask = 1u << RP_NET_DENY;
	if (!slocal || !from || !ports || proto < 0 ||
	    rp_net_addr_parse(slocal, strlen(slocal), &local, &why) < 0) {
		failf("malformed allowed entry%s%s%s", "", "", "");
		return;
	}
	if (!strcmp(from, "Internet")) {
		rp_net_aset_copy(&fromset, &ch->env->c_internet.yes);
	} else if (!strcmp(from, "*")) {
		rp_net_aset_add_all(&fromset);
	} else {
		rp_net_ival iv;
		if (rp_net_prefix_parse(from, strlen(from), &iv, &why) < 0) {
			failf("bad from %s%s%s", from, "", "");
			return;
		}
		rp_net_aset_add(&fromset, iv.lo, iv.hi);
	}
	if (rp_net_engine_eval(eng, ch, (rp_net_dir)parse_dir(sdir), &local, &res) < 0 ||
	    rp_net_result_restrict(res, &fromset, vmask, a, &sub) < 0) {
		failf("engine failed%s%s%s", "", "", "");
		goto out;
	}
	for (i = 0; i < sub.n; i++)
		if (sub.pieces[i].proto == (unsigned)proto)
			rp_net_pset_add_set(&acc, &sub.pieces[i].dports);
	rp_net_pset_format(&b, &acc);
	if (strcmp(b.data, ports))
		failf("allowed %s from %s: ports %s", sp, from, b.data);
	if (strcmp(b.data, ports))
		printf("     expected %s\n", ports);
out:
	rp_net_aset_release(&fromset);
	rp_net_pset_release(&acc);
	rp_buf_release(&b);
}

static void check_shadowed(const rp_value *exp, const rp_net_nsg *nsg, const rp_net_env *env,
			   rp_arena *a)
{
	rp_net_shadow *sh;
	size_t n, i, j;
	rp_buf got = RP_BUF_INIT, want = RP_BUF_INIT;

	if (rp_net_nsg_shadowed(nsg, env, a, &sh, &n) < 0) {
		failf("shadow detection failed%s%s%s", "", "", "");
		return;
	}
	for (i = 0; i < n; i++) {
		rp_buf_printf(&got, "%s<", sh[i].rule->name);
		for (j = 0; j < sh[i].ncovers; j++)
			rp_buf_printf(&got, "%s%s", j ? "," : "", sh[i].covers[j]->name);
		rp_buf_puts(&got, ">;");
	}
	for (i = 0; i < exp->len; i++) {
		const rp_value *e = exp->u.items[i], *cv = rp_value_getz(e, "covers");
		rp_buf_printf(&want, "%s<", str(e, "rule"));
		for (j = 0; cv && j < cv->len; j++)
			rp_buf_printf(&want, "%s%s", j ? "," : "", cv->u.items[j]->u.s);
		rp_buf_puts(&want, ">;");
	}
	if (strcmp(got.data ? got.data : "", want.data ? want.data : ""))
		failf("shadowed %s, expected %s%s", got.data ? got.data : "(none)",
		      want.data ? want.data : "(none)", "");
	rp_buf_release(&got);
	rp_buf_release(&want);
}

static void run_case(const char *path)
{
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	rp_diag diag;
	rp_arena *a = rp_arena_new();
	rp_net_env *env = rp_net_env_new();
	rp_net_engine *eng = rp_net_engine_new();
	rp_value *root;
	rp_net_nsg *nsub = NULL, *nnic = NULL;
	rp_net_chain ch;
	const rp_value *v, *nic;
	const char *asgs[32];
	size_t i;

	rp_diag_init(&diag);
	memset(&ch, 0, sizeof(ch));
	if (!a || !env || !eng || rp_source_load(path, 0, &src, &diag) < 0 ||
	    rp_json_parse(src, RP_JSON_STRICT, &doc, &diag) < 0) {
		failf("cannot load the case file%s%s%s", "", "", "");
		goto out;
	}
	root = unknowns(a, rp_value_from_json(a, doc, 0), 0);
	if (!root || build_env(rp_value_getz(root, "env"), env) < 0) {
		failf("bad env%s%s%s", "", "", "");
		goto out;
	}
	v = rp_value_path(root, "nsgs.subnet");
	if (v && rp_net_nsg_from_value(a, v, &diag, &nsub) < 0)
		failf("subnet NSG failed to build%s%s%s", "", "", "");
	v = rp_value_path(root, "nsgs.nic");
	if (v && rp_net_nsg_from_value(a, v, &diag, &nnic) < 0)
		failf("NIC NSG failed to build%s%s%s", "", "", "");
	ch.env = env;
	ch.subnet_nsg = nsub;
	ch.nic_nsg = nnic;
	nic = rp_value_getz(root, "nic");
	v = nic ? rp_value_getz(nic, "asgs") : NULL;
	for (i = 0; v && i < v->len && i < 32; i++)
		asgs[i] = v->u.items[i]->u.s;
	ch.asgs = asgs;
	ch.nasgs = v ? (v->len < 32 ? v->len : 32) : 0;
	ch.asgs_unknown = nic ? str(nic, "asgs_unknown") : NULL;
	v = rp_value_getz(root, "queries");
	for (i = 0; v && i < v->len; i++)
		check_query(v->u.items[i], &ch, eng);
	v = rp_value_getz(root, "allowed");
	for (i = 0; v && i < v->len; i++)
		check_allowed(v->u.items[i], &ch, eng, a);
	v = rp_value_getz(root, "shadowed");
	if (v)
		check_shadowed(v, nnic ? nnic : nsub,
			       rp_value_getz(root, "shadow_generic") ? NULL : env, a);
	v = rp_value_getz(root, "errors");
	if (v && v->kind == RP_V_INT && (size_t)v->u.i != diag.nerrors) {
		char got[32], want[32];
		snprintf(got, sizeof(got), "%zu", diag.nerrors);
		snprintf(want, sizeof(want), "%lld", (long long)v->u.i);
		failf("%s error diagnostics, expected %s%s", got, want, "");
		rp_diag_print(stdout, &diag, false);
	} else if (!v && diag.nerrors) {
		failf("unexpected diagnostics%s%s%s", "", "", "");
		rp_diag_print(stdout, &diag, false);
	}
	v = rp_value_getz(root, "messages");
	for (i = 0; v && i < v->len; i++) {
		size_t k;
		bool found = false;
		for (k = 0; k < diag.count; k++)
			if (strstr(diag.items[k].message, v->u.items[i]->u.s))
				found = true;
		if (!found)
			failf("no diagnostic contains \"%s\"%s%s", v->u.items[i]->u.s, "", "");
	}
out:
	rp_net_engine_free(eng);
	rp_net_env_free(env);
	rp_json_doc_free(doc);
	rp_diag_release(&diag);
	rp_source_free(src);
	rp_arena_free(a);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	DIR *d;
	struct dirent *de;
	char *names[1024];
	size_t n = 0, i;
	int pass = 0, fail = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CASES_DIR\n", argv[0]);
		return 2;
	}
	d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 2;
	}
	while ((de = readdir(d)) && n < 1024) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".json"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		case_name = names[i];
		case_fail = 0;
		run_case(path);
		if (case_fail)
			fail++;
		else
			pass++;
		free(names[i]);
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail || n == 0 ? 1 : 0;
}
