/* net-templates.c: data-driven tests of the model bridge, exposures and
 * flow queries on small ARM templates (tests/net/templates/NAME.json, each
 * with NAME.expect.json holding verdicts derived by hand from
 * ../shared/reference/azure-facts.md sections 2-3):
 *   internet[]  {resource, proto, verdict, ports}: the union of the ports of
 *               every Internet exposure of that resource with that protocol
 *               and verdict (allow: reachable from every Internet address
 *               only; "partial": allowed from part of the Internet).  The
 *               list is EXACT: every (resource, proto, verdict) found must
 *               be listed, and every listed one found;
 *   eastwest[]  {resource, from (subnet name), proto, ports, [verdict]}:
 *               the allowed ports from that subnet (the listed pairs only);
 *   flows[]     {to, proto, [port], [from], [dir], expect, [hops[2]],
 *               [endpoint]}: rp_net_topo_query on every ipConfiguration of
 *               `to`; hops are the deciding rule names ("-" = no NSG);
 *   endpoints[] {resource, label}: the exact labels of the public endpoints;
 *   exposures_min: at least this many exposures in all (a template big
 *               enough to take the large-array path of the exposure list).
 * Every template is also checked differentially: the exposures computed
 * with east-west entries shared between ipConfigurations (the default) and
 * with every ipConfiguration computed alone must be identical, field by
 * field.
 * Prints one line per failure and "N passed, N failed" (templates), and
 * how many ipConfigurations shared entries over all templates. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/arm/arm.h"
#include "json/json.h"
#include "json/value.h"
#include "model/model.h"
#include "net/topo_internal.h"
#include "net/topology.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"
#include "util/str.h"

static int nfail;
static const char *cur;

#define FAIL(...)                         \
	do {                              \
		printf("FAIL %s: ", cur); \
		printf(__VA_ARGS__);      \
		printf("\n");             \
		nfail++;                  \
	} while (0)

/* An exposure and its ipConfiguration (an exposure of a shared run does
 * not name it). */
typedef struct xp {
	const rp_net_ipc *ipc;
	const rp_net_exposure *e;
} xp;

static const char *s_of(const rp_value *o, const char *k)
{
	const rp_value *v = rp_value_getz(o, k);
	return rp_value_is(v, RP_V_STRING) ? v->u.s : NULL;
}

static bool name_is(const rp_mobj *o, const char *want)
{
	size_t n = strlen(want), k;

	if (!o || !o->name)
		return false;
	k = strlen(o->name);
	return (k == n && rp_str_ieq(o->name, want, n)) ||
	       (k > n && o->name[k - n - 1] == '/' && rp_str_ieq(o->name + k - n, want, n));
}

static int proto_of(const char *s)
{
	return s ? rp_net_proto_parse(s, strlen(s)) : -1;
}

static const char *verdict_key(const rp_net_exposure *e)
{
	if (e->verdict == RP_NET_UNKNOWN)
		return "unknown";
	return e->whole_source ? "allow" : "partial";
}

/* Union of ports of the Internet exposures (resource, proto, verdict). */
static void internet_ports(const xp *ex, size_t n, const rp_mobj *res, int proto,
			   const char *verdict, rp_buf *out)
{
	rp_net_pset u = { 0 };
	size_t i;

	for (i = 0; i < n; i++)
		if (ex[i].e->endpoint && ex[i].ipc->owner == res && ex[i].e->proto == proto &&
		    strcmp(verdict_key(ex[i].e), verdict) == 0)
			rp_net_pset_add_set(&u, ex[i].e->ports);
	rp_net_pset_format(out, &u);
	rp_net_pset_release(&u);
}

static const rp_mobj *find_resource(rp_net_topo *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nipcs; i++)
		if (name_is(t->ipcs[i].owner, name))
			return t->ipcs[i].owner;
	return NULL;
}

static void check_internet(rp_net_topo *t, const xp *ex, size_t n, const rp_value *list)
{
	size_t i, k;
	rp_buf b = RP_BUF_INIT;

	for (i = 0; list && i < list->len; i++) {
		const rp_value *it = list->u.items[i];
		const char *rn = s_of(it, "resource"), *ports = s_of(it, "ports");
		const char *vd = s_of(it, "verdict") ? s_of(it, "verdict") : "allow";
		int p = proto_of(s_of(it, "proto"));
		const rp_mobj *res = rn ? find_resource(t, rn) : NULL;
		if (!res || p < 0 || !ports) {
			FAIL("internet[%zu]: bad expectation or no resource %s", i, rn ? rn : "?");
			continue;
		}
		b.len = 0;
		internet_ports(ex, n, res, p, vd, &b);
		if (strcmp(b.data ? b.data : "", ports) != 0)
			FAIL("internet %s %s %s: got ports '%s', want '%s'", rn, s_of(it, "proto"),
			     vd, b.data ? b.data : "", ports);
	}
	/* exactness: nothing unlisted */
	for (k = 0; k < n; k++) {
		const rp_net_exposure *e = ex[k].e;
		const rp_net_ipc *ei = ex[k].ipc;
		bool listed = false;
		if (!e->endpoint)
			continue;
		for (i = 0; list && i < list->len && !listed; i++) {
			const rp_value *it = list->u.items[i];
			const char *vd = s_of(it, "verdict") ? s_of(it, "verdict") : "allow";
			listed = s_of(it, "resource") && name_is(ei->owner, s_of(it, "resource")) &&
				 proto_of(s_of(it, "proto")) == e->proto &&
				 strcmp(vd, verdict_key(e)) == 0;
		}
		if (!listed) {
			b.len = 0;
			rp_net_pset_format(&b, e->ports);
			FAIL("unexpected Internet exposure: %s %s %s %s via %s",
			     ei->owner->name ? ei->owner->name : "?", rp_net_proto_name(e->proto),
			     b.data ? b.data : "", verdict_key(e), e->endpoint->label);
		}
	}
	rp_buf_release(&b);
}

static void check_eastwest(rp_net_topo *t, const xp *ex, size_t n, const rp_value *list)
{
	size_t i, k;
	rp_buf b = RP_BUF_INIT;

	for (i = 0; list && i < list->len; i++) {
		const rp_value *it = list->u.items[i];
		const char *rn = s_of(it, "resource"), *from = s_of(it, "from");
		const char *ports = s_of(it, "ports");
		const char *vd = s_of(it, "verdict") ? s_of(it, "verdict") : "allow";
		int p = proto_of(s_of(it, "proto"));
		const rp_mobj *res = rn ? find_resource(t, rn) : NULL;
		rp_net_pset u = { 0 };
		if (!res || !from || p < 0 || !ports) {
			FAIL("eastwest[%zu]: bad expectation", i);
			continue;
		}
		for (k = 0; k < n; k++)
			if (!ex[k].e->endpoint && ex[k].ipc->owner == res && ex[k].e->proto == p &&
			    name_is(ex[k].e->source_subnet, from) &&
			    strcmp(ex[k].e->verdict == RP_NET_UNKNOWN ? "unknown" : "allow", vd) ==
				    0)
				rp_net_pset_add_set(&u, ex[k].e->ports);
		b.len = 0;
		rp_net_pset_format(&b, &u);
		rp_net_pset_release(&u);
		if (strcmp(b.data ? b.data : "", ports) != 0)
			FAIL("eastwest %s from %s %s %s: got '%s', want '%s'", rn, from,
			     s_of(it, "proto"), vd, b.data ? b.data : "", ports);
	}
	rp_buf_release(&b);
}

static const char *hop_name(const rp_net_hop *h)
{
	const char *n, *s;
	size_t k;

	if (!h->nsg)
		return "-";
	if (!h->rule || !h->rule->name)
		return "?";
	n = h->rule->name;
	s = h->nsg->name;
	k = s ? strlen(s) : 0;
	if (s && strncmp(n, s, k) == 0 && n[k] == '/')
		return n + k + 1;
	return n;
}

static void check_flows(rp_net_topo *t, const rp_value *list)
{
	size_t i, k;

	for (i = 0; list && i < list->len; i++) {
		const rp_value *it = list->u.items[i];
		const char *to = s_of(it, "to"), *want = s_of(it, "expect");
		const char *from = s_of(it, "from"), *dir = s_of(it, "dir");
		const char *ep = s_of(it, "endpoint");
		const rp_value *pv = rp_value_getz(it, "port"), *hops = rp_value_getz(it, "hops");
		int p = proto_of(s_of(it, "proto"));
		size_t found = 0;
		if (!to || !want || p < 0) {
			FAIL("flows[%zu]: bad expectation", i);
			continue;
		}
		for (k = 0; k < t->nipcs; k++) {
			const rp_net_ipc *x = &t->ipcs[k];
			rp_net_query q;
			rp_net_answer a;
			rp_net_ival iv;
			const char *why = NULL;
			int h;
			if (!name_is(x->owner, to) && !name_is(x->nic, to))
				continue;
			found++;
			memset(&q, 0, sizeof(q));
			q.dir = dir && strcmp(dir, "out") == 0 ? RP_NET_OUT : RP_NET_IN;
			q.proto = (unsigned)p;
			q.port = rp_value_is(pv, RP_V_INT) ? (uint32_t)pv->u.i : 0;
			if (!from || strcmp(from, "Internet") == 0)
				q.from_internet = true;
			else if (rp_net_prefix_parse(from, strlen(from), &iv, &why) == 0)
				rp_net_aset_add(&q.remote, iv.lo, iv.hi);
			else
				q.remote_tag = from;
			if (rp_net_topo_query(t, x, &q, &a) < 0) {
				FAIL("flows[%zu]: query failed", i);
				rp_net_aset_release(&q.remote);
				continue;
			}
			rp_net_aset_release(&q.remote);
			if (strcmp(rp_net_verdict_name((rp_net_verdict)a.verdict), want) != 0)
				FAIL("flows[%zu] %s %s %u: got %s (%s), want %s", i, to,
				     s_of(it, "proto"), q.port,
				     rp_net_verdict_name((rp_net_verdict)a.verdict),
				     a.reason ? a.reason : "", want);
			for (h = 0; hops && h < 2 && (size_t)h < hops->len; h++) {
				const char *hw = rp_value_is(hops->u.items[h], RP_V_STRING)
							 ? hops->u.items[h]->u.s
							 : "";
				if (strcmp(hop_name(&a.hop[h]), hw) != 0)
					FAIL("flows[%zu] %s hop %d: got %s, want %s", i, to, h,
					     hop_name(&a.hop[h]), hw);
			}
			if (ep && (!a.endpoint ||
				   strcmp(rp_net_ep_kind_name((rp_net_ep_kind)a.endpoint->kind),
					  ep) != 0))
				FAIL("flows[%zu] %s endpoint: got %s, want %s", i, to,
				     a.endpoint
					     ? rp_net_ep_kind_name((rp_net_ep_kind)a.endpoint->kind)
					     : "none",
				     ep);
		}
		if (!found)
			FAIL("flows[%zu]: no ipConfiguration of %s", i, to);
	}
}

static void check_endpoints(rp_net_topo *t, const rp_value *list)
{
	size_t i, k, j;

	for (i = 0; list && i < list->len; i++) {
		const rp_value *it = list->u.items[i];
		const char *rn = s_of(it, "resource"), *label = s_of(it, "label");
		bool ok = false;
		for (k = 0; rn && label && k < t->nipcs && !ok; k++)
			if (name_is(t->ipcs[k].owner, rn))
				for (j = 0; j < t->ipcs[k].neps && !ok; j++)
					ok = strcmp(t->ipcs[k].eps[j].label, label) == 0;
		if (!ok)
			FAIL("endpoints[%zu]: %s has no endpoint '%s'", i, rn ? rn : "?",
			     label ? label : "?");
	}
}

static size_t nshared;

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_hop_by_name(const rp_net_hop *ha, const rp_net_hop *hb)
{
	/* the NSGs are the topologies' own: compare by name and rule */
	return (ha->nsg == NULL) == (hb->nsg == NULL) && ha->verdict == hb->verdict &&
	       (ha->rule == NULL) == (hb->rule == NULL) &&
	       (!ha->rule || str_same(ha->rule->name, hb->rule->name)) &&
	       (ha->alt == NULL) == (hb->alt == NULL) &&
	       (!ha->alt || str_same(ha->alt->name, hb->alt->name)) &&
	       (!ha->nsg || str_same(ha->nsg->name, hb->nsg->name)) &&
	       str_same(ha->reason, hb->reason);
}

/* Exposure a of topology t and b of u (built from the same model) say
 * the same, field by field. */
static bool same_exposure(const rp_net_topo *t, const xp *xa, const rp_net_topo *u, const xp *xb)
{
	const rp_net_exposure *a = xa->e, *b = xb->e;
	size_t j;
	/* ipConfigurations and endpoints: the same index in both */
	bool same = xa->ipc - t->ipcs == xb->ipc - u->ipcs && xa->ipc->owner == xb->ipc->owner &&
		    (a->endpoint == NULL) == (b->endpoint == NULL) &&
		    a->source_subnet == b->source_subnet &&
		    !strcmp(rp_net_exposure_source(a), rp_net_exposure_source(b)) &&
		    rp_net_aset_equal(a->remote, b->remote) && a->whole_source == b->whole_source &&
		    a->proto == b->proto && a->verdict == b->verdict &&
		    rp_net_pset_equal(a->ports, b->ports) && str_same(a->reason, b->reason);

	if (same && a->endpoint)
		same = a->endpoint - xa->ipc->eps == b->endpoint - xb->ipc->eps;
	for (j = 0; j < 2 && same; j++)
		same = same_hop_by_name(&a->hop[j], &b->hop[j]);
	return same;
}

/* Every exposure of t with its ipConfiguration, in the iteration order
 * (rp_net_exp_first/next), checked against the per-ipConfiguration runs
 * and the count rp_net_topo_exposures gave (n).  Heap; NULL on failure
 * (reported). */
static xp *flatten(const rp_net_topo *t, size_t n)
{
	xp *v = calloc(n ? n : 1, sizeof(*v));
	rp_net_exp_iter it;
	const rp_net_exposure *e;
	const rp_net_ipc *x = NULL;
	size_t k = 0, i;

	if (!v) {
		FAIL("out of memory");
		return NULL;
	}
	rp_net_exp_first(&it, t, 0, t->nipcs);
	while ((e = rp_net_exp_next(&it, &x)) != NULL) {
		if (k == n) {
			FAIL("the iteration gives more than the %zu exposures counted", n);
			free(v);
			return NULL;
		}
		v[k].ipc = x;
		v[k++].e = e;
	}
	if (k != n) {
		FAIL("the iteration gives %zu exposures, %zu counted", k, n);
		free(v);
		return NULL;
	}
	/* the runs of each ipConfiguration are the same sequence */
	for (i = 0, k = 0; i < t->nipcs; i++) {
		rp_net_exp_runs r;
		size_t q, j;
		rp_net_topo_ipc_exposures(t, i, &r);
		for (q = 0; q < 2; q++)
			for (j = 0; j < r.n[q]; j++, k++)
				if (k >= n || v[k].e != &r.v[q][j] || v[k].ipc != &t->ipcs[i]) {
					FAIL("the runs of ipConfiguration %zu differ from the "
					     "iteration",
					     i);
					free(v);
					return NULL;
				}
	}
	return v;
}

/* The exposures of m computed with and without shared east-west entries
 * are the same, field by field (ex, n: the shared ones). */
static void check_sharing(const rp_model *m, rp_net_topo *t, const xp *ex, size_t n)
{
	rp_net_topo *u = NULL;
	xp *ux = NULL;
	size_t un = 0, i;

	nshared += rp_net__topo_ew_shared(t);
	if (rp_net_topo_build(m, NULL, &u) < 0) {
		FAIL("topology failed");
		return;
	}
	rp_net__topo_share_ew(u, false);
	if (rp_net_topo_exposures(u, &un) < 0) {
		FAIL("exposures failed");
		goto out;
	}
	if (!(ux = flatten(u, un)))
		goto out;
	if (rp_net__topo_ew_shared(u) != 0)
		FAIL("entries shared although sharing is off");
	if (un != n) {
		FAIL("%zu exposures with shared east-west entries, %zu without", n, un);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!same_exposure(t, &ex[i], u, &ux[i])) {
			FAIL("exposure %zu differs with shared east-west entries", i);
			break;
		}
out:
	free(ux);
	rp_net_topo_free(u);
}

static size_t nqueries, nq_light, nq_uncovered;

/* Flow queries answer from the allowed and unknown pieces first (the
 * denied ones only for a denial): every answer must be the one the
 * complete decision gives (a second topology of m whose queries evaluate
 * complete decisions from the start), field by field, over a sweep of
 * queries on every ipConfiguration.  The first topology computes its
 * exposures before the sweep (so the engine holds allowed and unknown
 * pieces only, as in a scan); the second computes them after its queries,
 * from the complete decisions they left in the engine: both must equal
 * the exposures of t0 (ex, n). */
static void check_queries(const rp_model *m, const rp_net_topo *t0, const xp *ex, size_t n)
{
	static const uint32_t ports[] = { 22, 80, 443, 1433, 3389 };
	static const unsigned protos[] = { RP_NET_TCP, RP_NET_UDP, RP_NET_ICMP };
	static const int remotes[] = { 3, 4, 1, 2, 0 }; /* the likely partial answers first */
	rp_net_topo *t = NULL, *u = NULL;
	xp *ux = NULL;
	size_t un = 0, k, i, light = 0, unc = 0;
	int dir, pi, po, rx;

	if (rp_net_topo_build(m, NULL, &t) < 0 || rp_net_topo_build(m, NULL, &u) < 0 ||
	    rp_net_topo_exposures(t, &un) < 0) {
		FAIL("topology failed");
		goto out;
	}
	if (!(ux = flatten(t, un)))
		goto out;
	for (i = 0; i < n && i < un; i++)
		if (!same_exposure(t0, &ex[i], t, &ux[i])) {
			FAIL("exposure %zu differs in a second topology", i);
			break;
		}
	rp_net__topo_query_full(u, true);
	for (k = 0; k < t->nipcs; k++)
		for (dir = 0; dir < 2; dir++)
			for (pi = 0; pi < 3; pi++)
				for (po = 0; po < 5; po++)
					for (rx = 0; rx < 5; rx++) {
						rp_net_query q;
						rp_net_answer a, b;
						int ra, rb, h, rk = remotes[rx];
						bool same;
						if (protos[pi] == RP_NET_ICMP && po > 0)
							continue;
						memset(&q, 0, sizeof(q));
						q.dir = dir ? RP_NET_OUT : RP_NET_IN;
						q.proto = protos[pi];
						q.port = ports[po];
						if (rk == 0)
							q.from_internet = true;
						else if (rk == 1)
							q.remote_tag = "VirtualNetwork";
						else if (rk == 2)
							q.remote_tag = "AzureLoadBalancer";
						else if (rk == 3)
							rp_net_aset_add(
								&q.remote, rp_net_addr_v4(0),
								rp_net_addr_v4(0xFFFFFFFFu));
						else if (t->ipcs[(k + 1) % t->nipcs].local.n)
							rp_net_aset_add(&q.remote,
									t->ipcs[(k + 1) % t->nipcs]
										.local.v[0]
										.lo,
									t->ipcs[(k + 1) % t->nipcs]
										.local.v[0]
										.lo);
						ra = rp_net_topo_query(t, &t->ipcs[k], &q, &a);
						rb = rp_net_topo_query(u, &u->ipcs[k], &q, &b);
						rp_net_aset_release(&q.remote);
						nqueries++;
						if (ra < 0 || rb < 0) {
							FAIL("query failed");
							continue;
						}
						same = a.verdict == b.verdict &&
						       a.partial == b.partial &&
						       rp_net_aset_equal(&a.allowed, &b.allowed) &&
						       (a.endpoint == NULL) ==
							       (b.endpoint == NULL) &&
						       (!a.endpoint ||
							a.endpoint - t->ipcs[k].eps ==
								b.endpoint - u->ipcs[k].eps) &&
						       a.no_public_path == b.no_public_path &&
						       str_same(a.reason, b.reason);
						for (h = 0; h < 2 && same; h++)
							same = same_hop_by_name(&a.hop[h],
										&b.hop[h]);
						if (!same)
							FAIL("ipConfiguration %zu %s %s %u (remote "
							     "%d): the "
							     "answer differs from the complete "
							     "decision's "
							     "(%s%s vs %s%s)",
							     k, rp_net_dir_name(q.dir),
							     rp_net_proto_name(q.proto), q.port, rk,
							     rp_net_verdict_name(
								     (rp_net_verdict)a.verdict),
							     a.partial ? " partial" : "",
							     rp_net_verdict_name(
								     (rp_net_verdict)b.verdict),
							     b.partial ? " partial" : "");
					}
	rp_net__topo_query_stats(u, &light, &unc);
	if (light)
		FAIL("%zu queries skipped the denied pieces although told not to", light);
	rp_net__topo_query_stats(t, &light, &unc);
	nq_light += light;
	nq_uncovered += unc;
	free(ux);
	ux = NULL;
	if (rp_net_topo_exposures(u, &un) < 0) {
		FAIL("exposures failed");
		goto out;
	}
	if (!(ux = flatten(u, un)))
		goto out;
	if (un != n) {
		FAIL("%zu exposures from allowed and unknown pieces, %zu from complete decisions",
		     n, un);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!same_exposure(t0, &ex[i], u, &ux[i])) {
			FAIL("exposure %zu differs when computed from complete decisions", i);
			break;
		}
out:
	free(ux);
	rp_net_topo_free(t);
	rp_net_topo_free(u);
}

/* The NSGs standing for unknown ones (an NSG or subnet outside the
 * scanned files): one per name and reason, shared by the
 * ipConfigurations they stand for; the number of distinct ones is
 * "unknown_nsgs" when the expectation gives it. */
static const char *unknown_text(const rp_net_nsg *g)
{
	if (!g || g->nfloating[RP_NET_IN] != 1 || !g->floating[RP_NET_IN][0]->unknown)
		return NULL;
	return g->floating[RP_NET_IN][0]->unknown;
}

static void check_unknown_nsgs(const rp_net_topo *t, const rp_value *want)
{
	const rp_net_nsg *seen[256];
	size_t nseen = 0, i, j, k;

	for (i = 0; i < t->nipcs; i++) {
		const rp_net_ipc *x = &t->ipcs[i];
		const rp_net_nsg *g[2] = { x->subnet_nsg_known ? NULL : x->chain.subnet_nsg,
					   x->nic_nsg_known ? NULL : x->chain.nic_nsg };
		for (k = 0; k < 2; k++) {
			bool dup = false;
			if (!g[k])
				continue;
			if (!unknown_text(g[k])) {
				FAIL("ipc %zu: an unknown NSG without its one unknown floating "
				     "rule",
				     i);
				continue;
			}
			for (j = 0; j < nseen && !dup; j++) {
				bool same = strcmp(seen[j]->name, g[k]->name) == 0 &&
					    strcmp(unknown_text(seen[j]), unknown_text(g[k])) == 0;
				if (same && seen[j] != g[k])
					FAIL("two unknown NSGs '%s' of equal reason: %s",
					     g[k]->name, unknown_text(g[k]));
				dup = seen[j] == g[k];
			}
			if (!dup && nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = g[k];
		}
	}
	if (want && (want->kind != RP_V_INT || want->u.i < 0 || (uint64_t)want->u.i != nseen))
		FAIL("%zu distinct unknown NSGs, expected unknown_nsgs", nseen);
}

static void run_one(const char *dir, const char *name)
{
	char path[4096], epath[4096];
	rp_deployment *dep = NULL;
	rp_model *m = NULL;
	rp_net_topo *t = NULL;
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	rp_arena *a = rp_arena_new();
	const rp_value *exp, *emin;
	xp *ex = NULL;
	size_t n = 0, len = strlen(name);
	rp_arm_options ao;
	rp_diag d;

	cur = name;
	rp_diag_init(&d);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(epath, sizeof(epath), "%s/%.*s.expect.json", dir, (int)(len - 5), name);
	memset(&ao, 0, sizeof(ao));
	ao.no_auto_params = true;
	if (!a || rp_source_load(epath, 0, &src, &d) < 0 ||
	    rp_json_parse(src, RP_JSON_STRICT, &doc, &d) < 0) {
		FAIL("cannot read %s", epath);
		goto out;
	}
	exp = rp_value_from_json(a, doc, 0);
	if (rp_arm_evaluate(path, &ao, &dep, &d) < 0 || d.nerrors) {
		FAIL("evaluation failed (%zu errors)", d.nerrors);
		goto out;
	}
	if (rp_model_build((const rp_deployment *const *)&dep, 1, &m, NULL) < 0 ||
	    rp_net_topo_build(m, NULL, &t) < 0 || rp_net_topo_exposures(t, &n) < 0) {
		FAIL("topology failed");
		goto out;
	}
	if (!(ex = flatten(t, n)))
		goto out;
	check_internet(t, ex, n, rp_value_getz(exp, "internet"));
	check_eastwest(t, ex, n, rp_value_getz(exp, "eastwest"));
	check_flows(t, rp_value_getz(exp, "flows"));
	check_endpoints(t, rp_value_getz(exp, "endpoints"));
	emin = rp_value_getz(exp, "exposures_min");
	if (emin && (emin->kind != RP_V_INT || emin->u.i < 0 || n < (uint64_t)emin->u.i))
		FAIL("%zu exposures, expected at least exposures_min", n);
	check_sharing(m, t, ex, n);
	check_unknown_nsgs(t, rp_value_getz(exp, "unknown_nsgs"));
	check_queries(m, t, ex, n);
out:
	free(ex);
	rp_net_topo_free(t);
	rp_model_free(m);
	rp_deployment_free(dep);
	rp_json_doc_free(doc);
	rp_source_free(src);
	rp_diag_release(&d);
	rp_arena_free(a);
}

static int cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int main(int argc, char **argv)
{
	DIR *dp;
	struct dirent *de;
	char *names[1024];
	size_t n = 0, i, pass = 0, fail = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dp = opendir(argv[1]);
	if (!dp) {
		perror(argv[1]);
		return 2;
	}
	while ((de = readdir(dp)) != NULL && n < 1024) {
		size_t l = strlen(de->d_name);
		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0 &&
		    !strstr(de->d_name, ".expect.json"))
			names[n++] = strdup(de->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), cmp);
	for (i = 0; i < n; i++) {
		int before = nfail;
		run_one(argv[1], names[i]);
		if (nfail == before)
			pass++;
		else
			fail++;
		free(names[i]);
	}
	printf("%zu passed, %zu failed (%zu ipConfigurations shared east-west entries; %zu flow "
	       "queries compared, %zu answered without denied pieces, %zu of them found a denied "
	       "flow by coverage)\n",
	       pass, fail, nshared, nqueries, nq_light, nq_uncovered);
	/* both query paths must have been exercised */
	if (!nq_light || !nq_uncovered || nq_light == nqueries) {
		printf("FAIL: the query sweep did not exercise both paths\n");
		fail++;
	}
	return fail || !pass ? 1 : 0;
}
