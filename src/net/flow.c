/* flow.c: single-flow evaluation through the subnet + NIC chain, rule by
 * rule (azure-facts.md 2.2, 2.4).  This is the reference semantics: the
 * class engine (engine.c) must agree with it on every point, which the
 * property tests check.  Also the term-matching helpers both share. */
#include "net/match.h"
#include "util/error.h"
#include "util/str.h"

#include <string.h>

static const char portless_why[] = "the rule restricts ports and this protocol has none; Azure "
				   "does not document how such a rule treats it";

const char *rp_net__maybe_reason(const rp_net_rule *r, unsigned proto)
{
	if (r->unknown)
		return r->unknown;
	if (!rp_net__portful(proto) &&
	    !(rp_net_pset_is_all(&r->sport.yes) && rp_net_pset_is_all(&r->dport.yes)))
		return portless_why;
	if (r->tag_why)
		return r->tag_why;
	return "the rule may match";
}

static rp_net_tri class_tri(const rp_net_class *cl, const rp_net_addr *a)
{
	if (rp_net_aset_contains(&cl->yes, a))
		return RP_NET_YES;
	return rp_net_aset_contains(&cl->maybe, a) ? RP_NET_MAYBE : RP_NET_NO;
}

static rp_net_tri tri_or(rp_net_tri a, rp_net_tri b)
{
	if (a == RP_NET_YES || b == RP_NET_YES)
		return RP_NET_YES;
	return a == RP_NET_MAYBE || b == RP_NET_MAYBE ? RP_NET_MAYBE : RP_NET_NO;
}

static bool id_eq(const char *a, const char *b)
{
	size_t n = strlen(a);

	return strlen(b) == n && rp_str_ieq(a, b, n);
}

rp_net_tri rp_net__side_local(const rp_net_side *s, const rp_net_chain *c, const rp_net_addr *a)
{
	rp_net_tri m = RP_NET_NO;
	size_t i, j;

	for (i = 0; i < s->n && m != RP_NET_YES; i++) {
		const rp_net_term *t = &s->terms[i];
		rp_net_tri x = RP_NET_NO;

		switch (t->kind) {
		case RP_NET_T_PREFIX:
			x = rp_net_addr_cmp(&t->iv.lo, a) <= 0 && rp_net_addr_cmp(a, &t->iv.hi) <= 0
				    ? RP_NET_YES
				    : RP_NET_NO;
			break;
		case RP_NET_T_ANY: x = RP_NET_YES; break;
		case RP_NET_T_TAG: x = class_tri(rp_net_env_tag(c->env, t->name), a); break;
		case RP_NET_T_ASG:
			for (j = 0; j < c->nasgs; j++)
				if (c->asgs[j] && id_eq(c->asgs[j], t->name))
					x = RP_NET_YES;
			if (x == RP_NET_NO && c->asgs_unknown)
				x = RP_NET_MAYBE;
			break;
		default: x = RP_NET_MAYBE; break;
		}
		m = tri_or(m, x);
	}
	return m;
}

rp_net_tri rp_net__side_remote(const rp_net_side *s, const rp_net_env *env, const rp_net_addr *a)
{
	rp_net_tri m = RP_NET_NO;
	size_t i;

	for (i = 0; i < s->n && m != RP_NET_YES; i++) {
		const rp_net_term *t = &s->terms[i];
		rp_net_tri x;

		switch (t->kind) {
		case RP_NET_T_PREFIX:
			x = rp_net_addr_cmp(&t->iv.lo, a) <= 0 && rp_net_addr_cmp(a, &t->iv.hi) <= 0
				    ? RP_NET_YES
				    : RP_NET_NO;
			break;
		case RP_NET_T_ANY: x = RP_NET_YES; break;
		case RP_NET_T_TAG: x = class_tri(rp_net_env_tag(env, t->name), a); break;
		case RP_NET_T_ASG: x = class_tri(rp_net_env_asg(env, t->name), a); break;
		default: x = RP_NET_MAYBE; break;
		}
		m = tri_or(m, x);
	}
	return m;
}

int rp_net__side_sets(const rp_net_side *s, const rp_net_env *env, rp_net_aset *yes,
		      rp_net_aset *maybe)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->n && rc == 0; i++) {
		const rp_net_term *t = &s->terms[i];
		const rp_net_class *cl;

		switch (t->kind) {
		case RP_NET_T_PREFIX: rc = rp_net_aset_add(yes, t->iv.lo, t->iv.hi); break;
		case RP_NET_T_ANY: rc = rp_net_aset_add_all(yes); break;
		case RP_NET_T_TAG:
		case RP_NET_T_ASG:
			cl = t->kind == RP_NET_T_TAG ? rp_net_env_tag(env, t->name)
						     : rp_net_env_asg(env, t->name);
			rc = rp_net_aset_add_set(yes, &cl->yes);
			if (rc == 0 && maybe)
				rc = rp_net_aset_add_set(maybe, &cl->maybe);
			break;
		default:
			if (maybe)
				rc = rp_net_aset_add_all(maybe);
			break;
		}
	}
	return rc;
}

void rp_net__make_hop(const rp_net_nsg *nsg, rp_net_dir dir, unsigned proto, size_t first,
		      size_t definite, size_t ffl, unsigned acc, rp_net_hop *out)
{
	const rp_net_rule *const *ord = (const rp_net_rule *const *)nsg->ordered[dir];
	const rp_net_rule *const *flo = (const rp_net_rule *const *)nsg->floating[dir];

	memset(out, 0, sizeof(*out));
	out->nsg = nsg;
	if (first == SIZE_MAX) {
		/* cannot happen with the default rules in place */
		out->verdict = RP_NET_UNKNOWN;
		out->reason = "no rule matched";
		return;
	}
	out->rule = ord[first];
	out->verdict = acc == 1 ? RP_NET_ALLOW : acc == 2 ? RP_NET_DENY : RP_NET_UNKNOWN;
	if (definite != first && definite != SIZE_MAX)
		out->alt = ord[definite];
	else if (ffl != SIZE_MAX)
		out->alt = flo[ffl];
	if (out->verdict == RP_NET_UNKNOWN) {
		if (definite != first)
			out->reason = rp_net__maybe_reason(ord[first], proto);
		else if (ord[first]->access < 0)
			out->reason = rp_net__maybe_reason(ord[first], proto);
		else if (ffl != SIZE_MAX)
			out->reason = rp_net__maybe_reason(flo[ffl], proto);
		else
			out->reason = rp_net__maybe_reason(ord[first], proto);
	}
}

uint8_t rp_net__chain_verdict(const rp_net_hop *h)
{
	if (h[0].verdict == RP_NET_DENY || h[1].verdict == RP_NET_DENY)
		return RP_NET_DENY;
	if (h[0].verdict == RP_NET_ALLOW && h[1].verdict == RP_NET_ALLOW)
		return RP_NET_ALLOW;
	return RP_NET_UNKNOWN;
}

/* ---- one flow ---- */

static rp_net_tri ports_tri(const rp_net_ports *p, rp_net_pival range, bool *partial)
{
	size_t i;
	bool any = false;

	for (i = 0; i < p->yes.n; i++) {
		const rp_net_pival *iv = &p->yes.v[i];
		if (iv->lo <= range.lo && range.hi <= iv->hi)
			return RP_NET_YES;
		if (iv->lo <= range.hi && range.lo <= iv->hi)
			any = true;
	}
	if (any && !p->unknown)
		*partial = true;
	return any || p->unknown ? RP_NET_MAYBE : RP_NET_NO;
}

static rp_net_tri rule_flow(const rp_net_rule *r, const rp_net_chain *c, const rp_net_flow *f,
			    bool *partial)
{
	unsigned bit = 1u << f->proto;
	rp_net_tri m;
	const rp_net_side *ls = f->dir == RP_NET_IN ? &r->dst : &r->src;
	const rp_net_side *rs = f->dir == RP_NET_IN ? &r->src : &r->dst;
	const rp_net_addr *la = f->dir == RP_NET_IN ? &f->dst : &f->src;
	const rp_net_addr *ra = f->dir == RP_NET_IN ? &f->src : &f->dst;

	m = (r->proto_yes & bit) ? RP_NET_YES : (r->proto_poss & bit) ? RP_NET_MAYBE : RP_NET_NO;
	if (m == RP_NET_NO)
		return m;
	if (r->dir < 0)
		m = RP_NET_MAYBE;
	m = rp_net__tri_and(m, rp_net__side_local(ls, c, la));
	if (m == RP_NET_NO)
		return m;
	m = rp_net__tri_and(m, rp_net__side_remote(rs, c->env, ra));
	if (m == RP_NET_NO)
		return m;
	if (rp_net__portful(f->proto)) {
		m = rp_net__tri_and(m, ports_tri(&r->sport, f->sport, partial));
		m = rp_net__tri_and(m, ports_tri(&r->dport, f->dport, partial));
	} else if (!(rp_net_pset_is_all(&r->sport.yes) && rp_net_pset_is_all(&r->dport.yes))) {
		m = rp_net__tri_and(m, RP_NET_MAYBE);
	}
	return m;
}

static void eval_hop(const rp_net_nsg *nsg, const rp_net_chain *c, const rp_net_flow *f,
		     rp_net_hop *out)
{
	size_t i, first = SIZE_MAX, definite = SIZE_MAX, ffl = SIZE_MAX;
	unsigned acc = 0;
	bool first_partial = false;

	if (!nsg) {
		memset(out, 0, sizeof(*out));
		out->verdict = RP_NET_ALLOW;
		return;
	}
	for (i = 0; i < nsg->nordered[f->dir]; i++) {
		bool part = false;
		rp_net_tri m = rule_flow(nsg->ordered[f->dir][i], c, f, &part);
		if (m == RP_NET_NO)
			continue;
		if (first == SIZE_MAX) {
			first = i;
			first_partial = part && m == RP_NET_MAYBE;
		}
		acc |= rp_net__acc_bits(nsg->ordered[f->dir][i]);
		if (m == RP_NET_YES) {
			definite = i;
			break;
		}
	}
	for (i = 0; i < nsg->nfloating[f->dir]; i++) {
		bool part = false;
		if (rule_flow(nsg->floating[f->dir][i], c, f, &part) == RP_NET_NO)
			continue;
		if (ffl == SIZE_MAX)
			ffl = i;
		acc |= rp_net__acc_bits(nsg->floating[f->dir][i]);
	}
	rp_net__make_hop(nsg, f->dir, f->proto, first, definite, ffl, acc, out);
	if (out->verdict == RP_NET_UNKNOWN && first_partial &&
	    !nsg->ordered[f->dir][first]->unknown)
		out->reason = "the rule matches only part of the given port range";
}

int rp_net_flow_eval(const rp_net_chain *c, const rp_net_flow *f, rp_net_decision *out)
{
	const rp_net_nsg *order[2];

	memset(out, 0, sizeof(*out));
	if (!c->env || !c->env->finished || f->proto >= RP_NET_NPROTO ||
	    (f->dir != RP_NET_IN && f->dir != RP_NET_OUT))
		return -RP_EINVAL;
	if ((c->subnet_nsg && !c->subnet_nsg->finished) || (c->nic_nsg && !c->nic_nsg->finished))
		return -RP_EINVAL;
	order[0] = f->dir == RP_NET_IN ? c->subnet_nsg : c->nic_nsg;
	order[1] = f->dir == RP_NET_IN ? c->nic_nsg : c->subnet_nsg;
	eval_hop(order[0], c, f, &out->hop[0]);
	eval_hop(order[1], c, f, &out->hop[1]);
	out->verdict = rp_net__chain_verdict(out->hop);
	return 0;
}
