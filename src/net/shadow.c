/* shadow.c: shadowed-rule detection for RMP-NET-006 (docs/network.md
 * "Shadowed rules").
 *
 * A user rule R of one NSG and direction is shadowed when every packet R
 * could possibly match (its "maybe" parts included) is certainly matched
 * by a rule before it.  Per R, each of the five dimensions (protocol,
 * source, destination, source port, destination port) is cut into atoms
 * inside R's region at every boundary of the earlier rules; a depth-first
 * walk over the product AND-s the earlier rules' bit vectors and stops at
 * the first uncovered cell, or prunes a subtree as soon as one rule left in
 * the mask covers R's whole remaining region.  The rules that take R's
 * traffic are the first-matching ones at the covered cells. */
#include "net/match.h"
#include "util/error.h"
#include "util/str.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { D_SRC = 0, D_DST, D_SPORT, D_DPORT, ND };

struct sdim {
	size_t na;
	rp_net_addr *lo, *hi; /* atoms inside R's region */
	uint64_t *bits;       /* na x W: earlier rules certainly matching the atom */
};

struct walk {
	size_t W, nearly;
	struct sdim d[ND];
	uint64_t *full;     /* ND x W: rule covers R's whole region in the dim */
	uint64_t *portless; /* W: rule matches portless traffic (all ports) */
	uint64_t *proto;    /* NPROTO x W */
	uint64_t *covers;   /* W: rules that take some of R's traffic */
	uint64_t *stack;    /* (ND + 2) x W */
	uint8_t rproto;
	bool rport_all;
};

static bool term_eq(const rp_net_term *a, const rp_net_term *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case RP_NET_T_PREFIX:
		return !rp_net_addr_cmp(&a->iv.lo, &b->iv.lo) &&
		       !rp_net_addr_cmp(&a->iv.hi, &b->iv.hi);
	case RP_NET_T_ANY: return true;
	case RP_NET_T_TAG:
	case RP_NET_T_ASG:
		return strlen(a->name) == strlen(b->name) &&
		       rp_str_ieq(a->name, b->name, strlen(a->name));
	default: return false; /* two unknowns are not known to be equal */
	}
}

/* Every term of r is a term of e: e matches whenever r does on this side. */
static bool side_covers(const rp_net_side *e, const rp_net_side *r)
{
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		for (j = 0; j < e->n; j++)
			if (term_eq(&e->terms[j], &r->terms[i]))
				break;
		if (j == e->n)
			return false;
	}
	return r->n > 0;
}

static int cmp_addr(const void *a, const void *b)
{
	return rp_net_addr_cmp(a, b);
}

static int port_sets(const rp_net_ports *p, rp_net_aset *yes, rp_net_aset *maybe)
{
	size_t i;

	for (i = 0; i < p->yes.n; i++)
		if (rp_net_aset_add(yes, rp_net_addr_v4(p->yes.v[i].lo),
				    rp_net_addr_v4(p->yes.v[i].hi)) < 0)
			return -RP_ENOMEM;
	if (p->unknown && maybe)
		return rp_net_aset_add(maybe, rp_net_addr_v4(0), rp_net_addr_v4(RP_NET_PORT_MAX));
	return 0;
}

static int dim_sets(const rp_net_rule *r, int dim, const rp_net_env *env, rp_net_aset *yes,
		    rp_net_aset *maybe)
{
	switch (dim) {
	case D_SRC: return rp_net__side_sets(&r->src, env, yes, maybe);
	case D_DST: return rp_net__side_sets(&r->dst, env, yes, maybe);
	case D_SPORT: return port_sets(&r->sport, yes, maybe);
	default: return port_sets(&r->dport, yes, maybe);
	}
}

static bool dim_side_covers(const rp_net_rule *e, const rp_net_rule *r, int dim)
{
	if (dim == D_SRC)
		return side_covers(&e->src, &r->src);
	if (dim == D_DST)
		return side_covers(&e->dst, &r->dst);
	return false;
}

/* Cuts dimension dim into atoms inside R's region; sets bits and full. */
static int build_dim(struct walk *w, const rp_net_rule *r, const rp_net_rule *const *early, int dim,
		     const rp_net_env *env)
{
	rp_net_aset ry = { 0 }, rm = { 0 }, reg = { 0 }, *ey = NULL;
	rp_net_addr *b = NULL;
	size_t nb = 0, cap, i, j, k;
	struct sdim *d = &w->d[dim];
	int rc = -RP_ENOMEM;

	if (dim_sets(r, dim, env, &ry, &rm) < 0 || rp_net_aset_add_set(&reg, &ry) < 0 ||
	    rp_net_aset_add_set(&reg, &rm) < 0)
		goto out;
	ey = calloc(w->nearly ? w->nearly : 1, sizeof(*ey));
	if (!ey)
		goto out;
	cap = 2 * reg.n + 1;
	for (j = 0; j < w->nearly; j++) {
		if (dim_sets(early[j], dim, env, &ey[j], NULL) < 0)
			goto out;
		cap += 2 * ey[j].n;
	}
	b = malloc(cap * sizeof(*b));
	if (!b)
		goto out;
	for (i = 0; i < reg.n; i++) {
		rp_net_addr h = reg.v[i].hi;
		b[nb++] = reg.v[i].lo;
		if (rp_net_addr_next(&h))
			b[nb++] = h;
	}
	for (j = 0; j < w->nearly; j++)
		for (i = 0; i < ey[j].n; i++) {
			rp_net_addr h = ey[j].v[i].hi;
			b[nb++] = ey[j].v[i].lo;
			if (rp_net_addr_next(&h))
				b[nb++] = h;
		}
	qsort(b, nb, sizeof(*b), cmp_addr);
	for (i = k = 0; i < nb; i++)
		if (k == 0 || rp_net_addr_cmp(&b[k - 1], &b[i]))
			b[k++] = b[i];
	nb = k;
	/* atoms [b[k], b[k+1]) that lie inside the region */
	d->lo = malloc((nb ? nb : 1) * sizeof(*d->lo));
	d->hi = malloc((nb ? nb : 1) * sizeof(*d->hi));
	if (!d->lo || !d->hi)
		goto out;
	d->na = 0;
	for (k = 0; k < nb; k++) {
		rp_net_addr hi = rp_net_addr_max();
		if (k + 1 < nb) {
			hi = b[k + 1];
			rp_net_addr_prev(&hi);
		}
		if (rp_net_aset_contains(&reg, &b[k])) {
			d->lo[d->na] = b[k];
			d->hi[d->na] = hi;
			d->na++;
		}
	}
	d->bits = calloc((d->na ? d->na : 1) * w->W, sizeof(*d->bits));
	if (!d->bits)
		goto out;
	for (j = 0; j < w->nearly; j++) {
		bool same = dim_side_covers(early[j], r, dim);
		bool all = true;
		for (k = 0; k < d->na; k++) {
			if (same || rp_net_aset_contains(&ey[j], &d->lo[k]))
				d->bits[k * w->W + j / 64] |= UINT64_C(1) << (j % 64);
			else
				all = false;
		}
		if (all)
			w->full[(size_t)dim * w->W + j / 64] |= UINT64_C(1) << (j % 64);
	}
	rc = 0;
out:
	rp_net_aset_release(&ry);
	rp_net_aset_release(&rm);
	rp_net_aset_release(&reg);
	if (ey)
		for (j = 0; j < w->nearly; j++)
			rp_net_aset_release(&ey[j]);
	free(ey);
	free(b);
	return rc;
}

static size_t first_bit(const uint64_t *m, size_t W)
{
	size_t i;

	for (i = 0; i < W; i++)
		if (m[i])
			return i * 64 + (size_t)__builtin_ctzll(m[i]);
	return SIZE_MAX;
}

/* true when every cell below level (with mask m) is covered */
static bool walk(struct walk *w, int level, bool portful, const uint64_t *m)
{
	uint64_t *next = w->stack + (size_t)(level + 1) * w->W;
	size_t i, k;
	bool any = false;
	int last = portful ? ND : D_DST + 1;

	/* prune: the first rule in m covers all remaining dimensions, so it
	 * matches first at every cell below.  (When only a later rule of m
	 * covers everything, the region is covered, but earlier rules of m
	 * may take part of it: split further to name the right ones.) */
	k = first_bit(m, w->W);
	if (k != SIZE_MAX) {
		size_t wi = k / 64;
		uint64_t f = m[wi] & (UINT64_C(1) << (k % 64));
		int dd;
		for (dd = level; dd < last; dd++)
			f &= w->full[(size_t)dd * w->W + wi];
		if (!portful)
			f &= w->portless[wi];
		if (f) {
			w->covers[wi] |= f;
			return true;
		}
	}
	if (level == last) {
		if (!portful) {
			for (i = 0; i < w->W; i++)
				next[i] = m[i] & w->portless[i];
			m = next;
		}
		k = first_bit(m, w->W);
		if (k == SIZE_MAX)
			return false;
		w->covers[k / 64] |= UINT64_C(1) << (k % 64);
		return true;
	}
	if (level >= ND) /* unreachable: last <= ND; tells the optimiser so */
		return false;
	for (k = 0; k < w->d[level].na; k++) {
		any = false;
		for (i = 0; i < w->W; i++) {
			next[i] = m[i] & w->d[level].bits[k * w->W + i];
			any = any || next[i];
		}
		if (!any || !walk(w, level + 1, portful, next))
			return false;
	}
	return true;
}

static bool rule_shadowed(struct walk *w, const rp_net_rule *const *early)
{
	unsigned p;
	size_t i, j;

	(void)early;
	for (p = 0; p < RP_NET_NPROTO; p++) {
		uint64_t *m = w->stack;
		if (!(w->rproto & (1u << p)))
			continue;
		for (i = 0; i < w->W; i++)
			m[i] = w->proto[p * w->W + i];
		for (j = 0, i = 0; i < w->W; i++)
			j |= m[i] != 0;
		if (!j || !walk(w, 0, rp_net__portful(p), m))
			return false;
	}
	return true;
}

static void walk_release(struct walk *w)
{
	int d;

	for (d = 0; d < ND; d++) {
		free(w->d[d].lo);
		free(w->d[d].hi);
		free(w->d[d].bits);
	}
	free(w->full);
	free(w->portless);
	free(w->proto);
	free(w->covers);
	free(w->stack);
	memset(w, 0, sizeof(*w));
}

/* An environment that knows nothing: every tag and ASG may hold any
 * address (AzureLoadBalancer keeps its one documented address).  It is
 * the same for every NSG, so it is built once per process (RMP-NET-006
 * asks for each NSG of every scanned file) and only read afterwards. */
static rp_net_env *gen_env;
static pthread_once_t gen_once = PTHREAD_ONCE_INIT;

static void generic_env_build(void)
{
	rp_net_env *e = rp_net_env_new();
	rp_net_aset all = { 0 };

	if (!e)
		return;
	e->asg_complete = false;
	if (rp_net_aset_add_all(&all) < 0 || rp_net_env_add_vnet_maybe(e, &all) < 0 ||
	    rp_net_env_finish(e) < 0)
		goto fail;
	rp_net_aset_release(&e->c_opaque.maybe);
	rp_net_aset_release(&e->c_asg_unknown.maybe);
	rp_net_aset_release(&e->c_internet.maybe);
	if (rp_net_aset_add_all(&e->c_opaque.maybe) < 0 ||
	    rp_net_aset_add_all(&e->c_asg_unknown.maybe) < 0 ||
	    rp_net_aset_add_all(&e->c_internet.maybe) < 0)
		goto fail;
	rp_net_aset_release(&e->c_internet.yes);
	rp_net_aset_release(&all);
	gen_env = e;
	return;
fail:
	rp_net_aset_release(&all);
	rp_net_env_free(e);
}

static const rp_net_env *generic_env(void)
{
	if (pthread_once(&gen_once, generic_env_build) != 0)
		return NULL;
	return gen_env;
}

int rp_net_nsg_shadowed(const rp_net_nsg *nsg, const rp_net_env *env, rp_arena *a,
			rp_net_shadow **out, size_t *n)
{
	rp_net_shadow *res = NULL;
	size_t nres = 0, d, i, j;
	int rc = -RP_ENOMEM;

	*out = NULL;
	*n = 0;
	if (!nsg->finished)
		return -RP_EINVAL;
	/* a rule is shadowed only by earlier user rules of its direction */
	if (nsg->nordered[0] < 3 + 2 && nsg->nordered[1] < 3 + 2)
		return 0;
	if (!env || !env->finished) {
		env = generic_env();
		if (!env)
			return -RP_ENOMEM;
	}
	res = rp_arena_calloc(a, nsg->ninput ? nsg->ninput : 1, sizeof(*res));
	if (!res)
		goto out;
	for (d = 0; d < 2; d++) {
		size_t nuser = nsg->nordered[d] >= 3 ? nsg->nordered[d] - 3 : 0;
		const rp_net_rule *const *ord = (const rp_net_rule *const *)nsg->ordered[d];

		for (i = 1; i < nuser; i++) {
			struct walk w;
			const rp_net_rule *r = ord[i];
			int dim;
			bool sh;

			memset(&w, 0, sizeof(w));
			w.nearly = i;
			w.W = (i + 63) / 64;
			w.rproto = r->proto_poss;
			w.full = calloc(ND * w.W, sizeof(uint64_t));
			w.portless = calloc(w.W, sizeof(uint64_t));
			w.proto = calloc(RP_NET_NPROTO * w.W, sizeof(uint64_t));
			w.covers = calloc(w.W, sizeof(uint64_t));
			w.stack = calloc((ND + 2) * w.W, sizeof(uint64_t));
			if (!w.full || !w.portless || !w.proto || !w.covers || !w.stack) {
				walk_release(&w);
				goto out;
			}
			for (j = 0; j < i; j++) {
				unsigned p;
				for (p = 0; p < RP_NET_NPROTO; p++)
					if (ord[j]->proto_yes & (1u << p))
						w.proto[p * w.W + j / 64] |= UINT64_C(1)
									     << (j % 64);
				if (rp_net_pset_is_all(&ord[j]->sport.yes) &&
				    rp_net_pset_is_all(&ord[j]->dport.yes))
					w.portless[j / 64] |= UINT64_C(1) << (j % 64);
			}
			for (dim = 0; dim < ND; dim++)
				if (build_dim(&w, r, ord, dim, env) < 0) {
					walk_release(&w);
					goto out;
				}
			sh = rule_shadowed(&w, ord);
			if (sh) {
				size_t nc = 0, k;
				const rp_net_rule **cv;
				for (k = 0; k < i; k++)
					nc += (w.covers[k / 64] >> (k % 64)) & 1u;
				cv = rp_arena_calloc(a, nc ? nc : 1, sizeof(*cv));
				if (!cv) {
					walk_release(&w);
					goto out;
				}
				res[nres].rule = r;
				res[nres].covers = cv;
				for (k = 0; k < i; k++)
					if ((w.covers[k / 64] >> (k % 64)) & 1u)
						cv[res[nres].ncovers++] = ord[k];
				nres++;
			}
			walk_release(&w);
		}
	}
	/* input order */
	for (i = 1; i < nres; i++)
		for (j = i; j > 0 && res[j - 1].rule->index > res[j].rule->index; j--) {
			rp_net_shadow t = res[j];
			res[j] = res[j - 1];
			res[j - 1] = t;
		}
	*out = res;
	*n = nres;
	rc = 0;
out:
	return rc;
}
