/* exposure.c: Internet and east-west exposure of every ipConfiguration and
 * single-flow queries over the topology (see topology.h). */
#include "net/match.h"
#include "net/topo_internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define ALLOW_BIT (1u << RP_NET_ALLOW)
#define UNKNOWN_BIT (1u << RP_NET_UNKNOWN)
#define DENY_BIT (1u << RP_NET_DENY)

static const char *const why_maybe_internet =
	"the source addresses may belong to VirtualNetwork (an address space or peering is not "
	"known)";
static const char *const why_local =
	"depends on which private address the NIC gets (the rules' destination prefixes cut "
	"its subnet)";

/* ---- local address representatives ---- */

static int cmp_addr(const void *a, const void *b)
{
	return rp_net_addr_cmp(a, b);
}

struct reps {
	rp_net_addr v[RP_NET_TOPO_MAX_REPS];
	size_t n;
	bool truncated;
};

static void rep_add(struct reps *r, rp_net_addr a)
{
	if (r->n < RP_NET_TOPO_MAX_REPS)
		r->v[r->n++] = a;
	else
		r->truncated = true;
}

static void cut_terms(const rp_net_nsg *nsg, rp_net_dir dir, const rp_net_ival *iv, struct reps *r)
{
	size_t i, j;

	if (!nsg)
		return;
	for (i = 0; i < nsg->ninput; i++) {
		const rp_net_rule *ru = nsg->input[i];
		const rp_net_side *s = dir == RP_NET_IN ? &ru->dst : &ru->src;
		if (ru->dir != -1 && ru->dir != (int8_t)dir)
			continue;
		for (j = 0; j < s->n; j++) {
			rp_net_addr c;
			if (s->terms[j].kind != RP_NET_T_PREFIX)
				continue;
			c = s->terms[j].iv.lo;
			if (rp_net_addr_cmp(&c, &iv->lo) > 0 && rp_net_addr_cmp(&c, &iv->hi) <= 0)
				rep_add(r, c);
			c = s->terms[j].iv.hi;
			if (rp_net_addr_next(&c) && rp_net_addr_cmp(&c, &iv->lo) > 0 &&
			    rp_net_addr_cmp(&c, &iv->hi) <= 0)
				rep_add(r, c);
		}
	}
}

/* One address of every class the local-side prefixes cut x->local into. */
static void local_reps(const rp_net_ipc *x, rp_net_dir dir, struct reps *r)
{
	size_t i, k, n;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < x->local.n; i++) {
		rep_add(r, x->local.v[i].lo);
		if (x->local_exact)
			break;
		cut_terms(x->chain.subnet_nsg, dir, &x->local.v[i], r);
		cut_terms(x->chain.nic_nsg, dir, &x->local.v[i], r);
	}
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(r->v[0]), cmp_addr);
	for (n = 0, k = 0; k < r->n; k++)
		if (n == 0 || rp_net_addr_cmp(&r->v[n - 1], &r->v[k]) != 0)
			r->v[n++] = r->v[k];
	r->n = n;
}

/* ---- entries ---- */

typedef struct ent {
	rp_net_exposure e;
	size_t src;
} ent;

typedef struct entv {
	ent *v;
	size_t n, cap;
} entv;

static void entv_release(entv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		rp_net_pset_release(&v->v[i].e.ports);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

static bool same_hop(const rp_net_hop *a, const rp_net_hop *b)
{
	return a->nsg == b->nsg && a->rule == b->rule && a->verdict == b->verdict;
}

static const char *piece_reason(const rp_net_piece *pc)
{
	return pc->hop[0].reason ? pc->hop[0].reason : pc->hop[1].reason;
}

/* Adds the ports of pc within [lo, hi] as an entry (merged with an equal
 * one). */
static int ent_add(entv *v, const rp_net_ipc *x, const rp_net_endpoint *ep, size_t src,
		   const rp_mobj *src_subnet, const char *src_name, const rp_net_piece *pc,
		   uint8_t verdict, const char *reason, rp_net_pival win)
{
	rp_net_pset ports = { 0 };
	size_t i;
	int rc = 0;

	if (rp_net__portful(pc->proto)) {
		for (i = 0; i < pc->dports.n && rc == 0; i++) {
			uint32_t lo = pc->dports.v[i].lo > win.lo ? pc->dports.v[i].lo : win.lo;
			uint32_t hi = pc->dports.v[i].hi < win.hi ? pc->dports.v[i].hi : win.hi;
			if (lo <= hi)
				rc = rp_net_pset_add(&ports, lo, hi);
		}
	} else {
		rc = rp_net_pset_add(&ports, 0, RP_NET_PORT_MAX);
	}
	if (rc < 0 || ports.n == 0)
		goto out;
	for (i = 0; i < v->n; i++) {
		ent *e = &v->v[i];
		if (e->src == src && e->e.endpoint == ep && e->e.proto == pc->proto &&
		    e->e.verdict == verdict && e->e.reason == reason &&
		    same_hop(&e->e.hop[0], &pc->hop[0]) && same_hop(&e->e.hop[1], &pc->hop[1]) &&
		    rp_net_aset_equal(&e->e.remote, &pc->remote)) {
			rc = rp_net_pset_add_set(&e->e.ports, &ports);
			goto out;
		}
	}
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 16;
		ent *nv = realloc(v->v, nc * sizeof(*nv));
		if (!nv) {
			rc = -RP_ENOMEM;
			goto out;
		}
		v->v = nv;
		v->cap = nc;
	}
	{
		ent *e = &v->v[v->n++];
		memset(e, 0, sizeof(*e));
		e->src = src;
		e->e.ipc = x;
		e->e.resource = x->owner;
		e->e.endpoint = ep;
		e->e.source_subnet = src_subnet;
		e->e.source = src_name;
		e->e.remote = pc->remote; /* frozen in the topology's arena */
		e->e.proto = pc->proto;
		e->e.verdict = verdict;
		e->e.ports = ports;
		e->e.hop[0] = pc->hop[0];
		e->e.hop[1] = pc->hop[1];
		e->e.reason = reason;
		memset(&ports, 0, sizeof(ports));
	}
out:
	rp_net_pset_release(&ports);
	return rc;
}

/* Sources of one ipConfiguration: [0] certain Internet, [1] maybe
 * Internet, then every other subnet of its network and peered networks. */
typedef struct srcset {
	const rp_net_aset **sets;
	const rp_mobj **subnet;
	size_t n;
} srcset;

static int sources(rp_net_topo *t, const rp_net_ipc *x, srcset *s)
{
	topo_priv *p = t->priv;
	size_t i, k;

	s->n = 0;
	s->sets = rp_arena_calloc(t->arena, p->nsubnets + 2, sizeof(*s->sets));
	s->subnet = rp_arena_calloc(t->arena, p->nsubnets + 2, sizeof(*s->subnet));
	if (!s->sets || !s->subnet)
		return -RP_ENOMEM;
	s->sets[s->n++] = &x->env->c_internet.yes;
	s->sets[s->n++] = &x->env->c_internet.maybe;
	if (x->vnet_index >= p->nvnets)
		return 0;
	for (i = 0; i < p->nsubnets; i++) {
		const topo_subnet *sn = &p->subnets[i];
		const topo_vnet *tv = &p->vnets[x->vnet_index];
		bool mine = sn->vnet_index == x->vnet_index;
		if (sn->obj == x->subnet)
			continue;
		for (k = 0; k < tv->npeers && !mine; k++)
			mine = tv->peers[k] == sn->vnet_index;
		if (!mine)
			continue;
		s->subnet[s->n] = sn->obj;
		s->sets[s->n++] = &sn->pfx;
	}
	return 0;
}

static bool no_nsg(const rp_net_ipc *x)
{
	return !x->chain.subnet_nsg && !x->chain.nic_nsg;
}

/* Entries of one evaluation (one local address). */
static int entries_of(rp_net_topo *t, const rp_net_ipc *x, const srcset *s,
		      const rp_net_result *res, entv *v)
{
	rp_net_result *outs = rp_arena_calloc(t->arena, s->n, sizeof(*outs));
	size_t si, i, k;
	int rc;

	if (!outs)
		return -RP_ENOMEM;
	rc = rp_net_result_partition(res, s->sets, s->n, ALLOW_BIT | UNKNOWN_BIT, t->arena, outs);
	if (rc == -RP_EINVAL) /* overlapping sources: one at a time */
		for (rc = 0, si = 0; si < s->n && rc == 0; si++)
			rc = rp_net_result_restrict(res, s->sets[si], ALLOW_BIT | UNKNOWN_BIT,
						    t->arena, &outs[si]);
	for (si = 0; si < s->n && rc == 0; si++) {
		const rp_net_result *o = &outs[si];
		for (i = 0; i < o->n && rc == 0; i++) {
			const rp_net_piece *pc = &o->pieces[i];
			const char *reason =
				pc->verdict == RP_NET_UNKNOWN ? piece_reason(pc) : NULL;
			uint8_t verdict = pc->verdict;
			if (si == 1) {
				verdict = RP_NET_UNKNOWN;
				reason = why_maybe_internet;
			}
			if (verdict == RP_NET_UNKNOWN && !reason)
				reason = x->nsg_unknown ? x->nsg_unknown : "not known";
			if (si >= 2) {
				rc = ent_add(v, x, NULL, si, s->subnet[si],
					     s->subnet[si]->name ? s->subnet[si]->name : "subnet",
					     pc, verdict, reason,
					     (rp_net_pival){ 0, RP_NET_PORT_MAX });
				continue;
			}
			for (k = 0; k < x->neps && rc == 0; k++) {
				const rp_net_endpoint *ep = &x->eps[k];
				uint8_t ev = verdict;
				const char *er = reason;
				if (!(ep->protos & (1u << pc->proto)))
					continue;
				if (no_nsg(x) && ep->sku == RP_NET_SKU_STANDARD)
					continue; /* Standard: closed without an NSG */
				if (no_nsg(x) && ep->sku == RP_NET_SKU_UNKNOWN) {
					ev = RP_NET_UNKNOWN;
					er = "no NSG on the path, and the public endpoint's SKU is "
					     "not known (Standard is closed, Basic open)";
				}
				if (ep->unknown) {
					ev = RP_NET_UNKNOWN;
					er = ep->unknown;
				}
				rc = ent_add(v, x, ep, si, NULL, "Internet", pc, ev, er,
					     ep->backend);
			}
		}
	}
	return rc;
}

static bool ent_same(const ent *a, const ent *b)
{
	return a->src == b->src && a->e.endpoint == b->e.endpoint && a->e.proto == b->e.proto &&
	       a->e.verdict == b->e.verdict && rp_net_pset_equal(&a->e.ports, &b->e.ports) &&
	       rp_net_aset_equal(&a->e.remote, &b->e.remote);
}

static bool entv_same(const entv *a, const entv *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!ent_same(&a->v[i], &b->v[i]))
			return false;
	return true;
}

static bool covers(const rp_net_aset *big, const rp_net_aset *small, rp_net_aset *tmp)
{
	bool r;

	tmp->n = 0;
	if (rp_net_aset_subtract(tmp, small, big) < 0)
		return false;
	r = tmp->n == 0;
	return r;
}

/* whole_source of an entry. */
static int mark_whole(const srcset *s, rp_net_exposure *e, size_t src)
{
	rp_net_aset half = { 0 }, part = { 0 }, tmp = { 0 };
	int rc = 0, f;

	e->whole_source = false;
	if (src == 1)
		return 0;
	if (src >= 2) {
		e->whole_source = covers(&e->remote, s->sets[src], &tmp);
		rp_net_aset_release(&tmp);
		return 0;
	}
	for (f = 0; f < 2 && rc == 0 && !e->whole_source; f++) {
		half.n = part.n = 0;
		rc = f == 0 ? rp_net_aset_add(&half, rp_net_addr_v4(0), rp_net_addr_v4(0xFFFFFFFFu))
			    : rp_net_aset_add(&half, rp_net_addr_v6(0, 0),
					      rp_net_addr_v6(UINT64_MAX, UINT64_MAX));
		if (rc == 0)
			rc = rp_net_aset_intersect(&part, s->sets[0], &half);
		if (rc == 0 && part.n)
			e->whole_source = covers(&e->remote, &part, &tmp);
	}
	rp_net_aset_release(&half);
	rp_net_aset_release(&part);
	rp_net_aset_release(&tmp);
	return rc;
}

static int commit(rp_net_topo *t, const srcset *s, entv *v, size_t *cap)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < v->n && rc == 0; i++) {
		rp_net_exposure *e;
		if (t->nexp == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			rp_net_exposure *ne = realloc(t->exp, nc * sizeof(*ne));
			if (!ne)
				return -RP_ENOMEM;
			t->exp = ne;
			*cap = nc;
		}
		e = &t->exp[t->nexp];
		*e = v->v[i].e;
		rc = rp_net_pset_freeze(t->arena, &v->v[i].e.ports, &e->ports);
		if (rc == 0)
			rc = mark_whole(s, e, v->v[i].src);
		if (rc == 0)
			t->nexp++;
	}
	return rc;
}

static int expose_ipc(rp_net_topo *t, const rp_net_ipc *x, size_t *cap)
{
	struct reps r;
	srcset s;
	entv v[2];
	size_t i, k;
	bool differ = false;
	int rc;

	memset(v, 0, sizeof(v));
	local_reps(x, RP_NET_IN, &r);
	if ((rc = sources(t, x, &s)) < 0)
		return rc;
	for (i = 0; i < r.n && rc == 0; i++) {
		const rp_net_result *res = NULL;
		entv *cur = i == 0 ? &v[0] : &v[1];
		if (i > 0)
			entv_release(&v[1]);
		rc = rp_net_engine_eval(t->eng, &x->chain, RP_NET_IN, &r.v[i], &res);
		if (rc == 0)
			rc = entries_of(t, x, &s, res, cur);
		if (rc == 0 && i > 0 && !entv_same(&v[0], &v[1])) {
			differ = true;
			/* keep the union: add this address's entries */
			for (k = 0; k < v[1].n && rc == 0; k++) {
				ent *e = &v[1].v[k];
				size_t j;
				bool dup = false;
				for (j = 0; j < v[0].n && !dup; j++)
					dup = ent_same(&v[0].v[j], e);
				if (dup)
					continue;
				if (v[0].n == v[0].cap) {
					size_t nc = v[0].cap ? v[0].cap * 2 : 16;
					ent *nv = realloc(v[0].v, nc * sizeof(*nv));
					if (!nv) {
						rc = -RP_ENOMEM;
						break;
					}
					v[0].v = nv;
					v[0].cap = nc;
				}
				v[0].v[v[0].n++] = *e;
				memset(&e->e.ports, 0, sizeof(e->e.ports));
			}
		}
	}
	if (rc == 0 && (differ || r.truncated))
		for (i = 0; i < v[0].n; i++) {
			v[0].v[i].e.verdict = RP_NET_UNKNOWN;
			v[0].v[i].e.reason = why_local;
		}
	if (rc == 0)
		rc = commit(t, &s, &v[0], cap);
	entv_release(&v[0]);
	entv_release(&v[1]);
	return rc;
}

int rp_net_topo_exposures(rp_net_topo *t, const rp_net_exposure **out, size_t *n)
{
	size_t i, cap = 0;
	int rc = 0;

	if (!t->exp_done) {
		for (i = 0; i < t->nipcs && rc == 0; i++)
			rc = expose_ipc(t, &t->ipcs[i], &cap);
		if (rc < 0)
			return rc;
		t->exp_done = true;
	}
	*out = t->exp;
	*n = t->nexp;
	return 0;
}

bool rp_net_proto_has_ports(unsigned proto)
{
	return rp_net__portful(proto);
}

bool rp_net_exposure_has_port(const rp_net_exposure *e, uint32_t p)
{
	return !rp_net__portful(e->proto) || rp_net_pset_contains(&e->ports, p);
}

/* ---- single flows ---- */

static bool piece_has_port(const rp_net_piece *pc, uint32_t port)
{
	return !rp_net__portful(pc->proto) || rp_net_pset_contains(&pc->dports, port);
}

struct qacc {
	rp_net_aset allow, unknown, deny;
	const rp_net_piece *first[3]; /* by verdict */
	const char *reason;
};

static int q_eval(rp_net_topo *t, const rp_net_ipc *x, const rp_net_query *q,
		  const rp_net_addr *local, const rp_net_aset *yes, const rp_net_aset *maybe,
		  struct qacc *a)
{
	const rp_net_result *res = NULL;
	rp_net_aset tmp = { 0 };
	size_t i;
	int rc = rp_net_engine_eval(t->eng, &x->chain, q->dir, local, &res);

	for (i = 0; rc == 0 && i < res->n; i++) {
		const rp_net_piece *pc = &res->pieces[i];
		int pass;
		if (pc->proto != q->proto || !piece_has_port(pc, q->port))
			continue;
		for (pass = 0; pass < 2 && rc == 0; pass++) {
			const rp_net_aset *set = pass == 0 ? yes : maybe;
			uint8_t vd = pc->verdict;
			rp_net_aset *dst;
			if (!set || !set->n)
				continue;
			tmp.n = 0;
			if ((rc = rp_net_aset_intersect(&tmp, &pc->remote, set)) < 0 || !tmp.n)
				continue;
			if (pass == 1 && vd != RP_NET_DENY) {
				vd = RP_NET_UNKNOWN;
				if (!a->reason)
					a->reason = why_maybe_internet;
			}
			if (vd == RP_NET_UNKNOWN && !a->reason)
				a->reason = piece_reason(pc);
			dst = vd == RP_NET_ALLOW  ? &a->allow
			      : vd == RP_NET_DENY ? &a->deny
						  : &a->unknown;
			if (!a->first[vd])
				a->first[vd] = pc;
			rc = rp_net_aset_add_set(dst, &tmp);
		}
	}
	rp_net_aset_release(&tmp);
	return rc;
}

static void qacc_release(struct qacc *a)
{
	rp_net_aset_release(&a->allow);
	rp_net_aset_release(&a->unknown);
	rp_net_aset_release(&a->deny);
}

int rp_net_topo_query(rp_net_topo *t, const rp_net_ipc *x, const rp_net_query *q,
		      rp_net_answer *out)
{
	struct reps r;
	struct qacc acc[2];
	const rp_net_aset *yes = &q->remote, *maybe = NULL;
	const rp_net_piece *pc = NULL;
	size_t i;
	int rc = 0;
	uint8_t verdict = RP_NET_DENY, first_verdict = RP_NET_DENY;
	bool differ = false;

	memset(out, 0, sizeof(*out));
	memset(acc, 0, sizeof(acc));
	if (q->proto >= RP_NET_NPROTO || q->port > RP_NET_PORT_MAX)
		return -RP_EINVAL;
	if (q->from_internet) {
		yes = &x->env->c_internet.yes;
		maybe = &x->env->c_internet.maybe;
	} else if (q->remote_tag) {
		const rp_net_class *c = rp_net_env_tag(x->env, q->remote_tag);
		yes = &c->yes;
		maybe = &c->maybe;
	}
	local_reps(x, q->dir, &r);
	for (i = 0; i < r.n && rc == 0; i++) {
		struct qacc *a = &acc[i == 0 ? 0 : 1];
		uint8_t v;
		if (i > 0) {
			qacc_release(a);
			memset(a, 0, sizeof(*a));
		}
		rc = q_eval(t, x, q, &r.v[i], yes, maybe, a);
		if (rc < 0)
			break;
		v = a->unknown.n ? RP_NET_UNKNOWN : a->allow.n ? RP_NET_ALLOW : RP_NET_DENY;
		if (i == 0)
			first_verdict = v;
		else if (v != first_verdict || !rp_net_aset_equal(&acc[0].allow, &a->allow))
			differ = true;
	}
	if (rc < 0)
		goto out;
	verdict = first_verdict;
	out->partial = acc[0].allow.n && (acc[0].deny.n || acc[0].unknown.n);
	if (differ || r.truncated) {
		verdict = RP_NET_UNKNOWN;
		out->reason = why_local;
	} else if (verdict == RP_NET_UNKNOWN) {
		out->reason = acc[0].reason ? acc[0].reason : "not known";
	}
	pc = acc[0].first[verdict == RP_NET_UNKNOWN && !acc[0].first[RP_NET_UNKNOWN] ? RP_NET_ALLOW
										     : verdict];
	if (!pc)
		pc = acc[0].first[RP_NET_DENY]    ? acc[0].first[RP_NET_DENY]
		     : acc[0].first[RP_NET_ALLOW] ? acc[0].first[RP_NET_ALLOW]
						  : acc[0].first[RP_NET_UNKNOWN];
	if (pc) {
		out->hop[0] = pc->hop[0];
		out->hop[1] = pc->hop[1];
	}
	if ((rc = rp_net_aset_freeze(t->arena, &acc[0].allow, &out->allowed)) < 0)
		goto out;
	/* Inbound from the Internet needs a public path to the port. */
	if (q->dir == RP_NET_IN && q->from_internet) {
		const rp_net_endpoint *known = NULL, *unk = NULL, *closed = NULL;
		for (i = 0; i < x->neps; i++) {
			const rp_net_endpoint *ep = &x->eps[i];
			if (!(ep->protos & (1u << q->proto)) ||
			    (rp_net__portful(q->proto) &&
			     (q->port < ep->backend.lo || q->port > ep->backend.hi)))
				continue;
			if (no_nsg(x) && ep->sku == RP_NET_SKU_STANDARD) {
				closed = closed ? closed : ep;
				continue;
			}
			if (ep->unknown || (no_nsg(x) && ep->sku == RP_NET_SKU_UNKNOWN))
				unk = unk ? unk : ep;
			else
				known = known ? known : ep;
		}
		if (known) {
			out->endpoint = known;
		} else if (unk) {
			out->endpoint = unk;
			if (verdict != RP_NET_DENY) {
				verdict = RP_NET_UNKNOWN;
				out->reason = unk->unknown
						      ? unk->unknown
						      : "the public endpoint's SKU is not known";
			}
		} else {
			out->endpoint = closed;
			out->no_public_path = closed == NULL;
			verdict = RP_NET_DENY;
			out->partial = false;
			out->reason =
				closed ? "Standard SKU public endpoint with no NSG on the path: "
					 "closed to inbound traffic"
				       : "no public path to the port (no public IP or load "
					 "balancer rule reaches it)";
		}
	}
	out->verdict = verdict;
out:
	qacc_release(&acc[0]);
	qacc_release(&acc[1]);
	return rc;
}
