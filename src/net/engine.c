/* engine.c: the exact equivalence-class engine (docs/network.md
 * "Algorithm").
 *
 * For one NSG and direction (a "table", built once per NSG, direction and
 * environment and cached in the engine), every dimension is cut into atoms
 * at every boundary of every prefix and port range in play: remote
 * addresses (IPv4 and IPv6 in one ordered space), and per protocol with
 * ports (Tcp, Udp) source and destination ports.  Each atom gets two bit
 * vectors over the rules (certainly / possibly matches), and atoms with
 * equal vectors share one signature: the equivalence classes.  Protocols
 * and the local address (the NIC) are bit vectors too.
 *
 * A chain (two tables, hop order) merges the two tables' atoms into
 * combined classes (pairs of signatures), evaluates every cell (protocol x
 * remote class x source-port class x destination-port class) once per hop
 * by AND-ing bit vectors and scanning for the first candidate, and groups
 * the cells into pieces with equal decisions.  Results are cached per
 * (tables, local-side bit vectors), so NICs with the same NSGs and the same
 * local matches share one computation. */
#include "net/match.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define NONE16 0xFFFFu

struct dim {
	size_t na;           /* atoms */
	rp_net_addr *bound;  /* start of each atom; atom k ends before bound[k+1] */
	uint32_t *sig;       /* signature of each atom */
	size_t ns;           /* signatures */
	uint64_t *yes, *poss; /* ns x W */
};

struct table {
	uint32_t key[3]; /* nsg id, dir, env id (map key bytes) */
	const rp_net_nsg *nsg;
	rp_net_dir dir;
	size_t nord, nflo, nr, W;
	const rp_net_rule **rules;
	uint8_t *acc;
	uint64_t *pyes, *pposs; /* RP_NET_NPROTO x W */
	struct dim remote;
	struct dim sport[2], dport[2]; /* Tcp, Udp */
	uint64_t *plyes, *plposs;      /* port dimension for portless protocols */
};

struct cached {
	unsigned char *key;
	size_t keylen;
	rp_net_result res;
};

struct rp_net_engine {
	rp_arena *arena;
	rp_map tables;
	rp_map results;
	size_t computed, cached;
};

/* ---- bit helpers ---- */

static inline void bit_set(uint64_t *v, size_t i)
{
	v[i >> 6] |= UINT64_C(1) << (i & 63);
}

static inline bool bit_get(const uint64_t *v, size_t i)
{
	return (v[i >> 6] >> (i & 63)) & 1u;
}

static uint64_t mix64(uint64_t h, uint64_t x)
{
	h ^= x + UINT64_C(0x9E3779B97F4A7C15) + (h << 6) + (h >> 2);
	h *= UINT64_C(0xFF51AFD7ED558CCD);
	return h ^ (h >> 33);
}

/* ---- dimensions ---- */

static int cmp_addr(const void *a, const void *b)
{
	return rp_net_addr_cmp(a, b);
}

static size_t lower_bound(const rp_net_addr *v, size_t n, const rp_net_addr *x)
{
	size_t l = 0, r = n;

	while (l < r) {
		size_t m = l + (r - l) / 2;
		if (rp_net_addr_cmp(&v[m], x) < 0)
			l = m + 1;
		else
			r = m;
	}
	return l;
}

static void mark(const struct dim *d, uint64_t *bits, size_t W, const rp_net_aset *s, size_t r)
{
	size_t i, k;

	for (i = 0; i < s->n; i++) {
		k = lower_bound(d->bound, d->na, &s->v[i].lo);
		for (; k < d->na && rp_net_addr_cmp(&d->bound[k], &s->v[i].hi) <= 0; k++)
			bit_set(bits + k * W, r);
	}
}

/* Builds a dimension from per-rule (yes, maybe) sets over [min, maxa];
 * rules with yes[r] == NULL are not relevant (all bits 0). */
static int dim_build(rp_arena *ar, struct dim *d, size_t nr, size_t W, rp_net_aset *yes,
		     rp_net_aset *maybe, rp_net_addr maxa)
{
	size_t nb = 1, r, i, k, hsize;
	rp_net_addr *b = NULL;
	uint64_t *ty = NULL, *tp = NULL;
	uint32_t *slot = NULL;
	int rc = -RP_ENOMEM;

	memset(d, 0, sizeof(*d));
	for (r = 0; r < nr; r++)
		nb += 2 * (yes[r].n + maybe[r].n);
	b = malloc(nb * sizeof(*b));
	if (!b)
		goto out;
	nb = 0;
	b[nb++] = rp_net_addr_min();
	for (r = 0; r < nr; r++) {
		const rp_net_aset *sets[2] = { &yes[r], &maybe[r] };
		int s;
		for (s = 0; s < 2; s++)
			for (i = 0; i < sets[s]->n; i++) {
				rp_net_addr h = sets[s]->v[i].hi;
				b[nb++] = sets[s]->v[i].lo;
				if (rp_net_addr_cmp(&h, &maxa) < 0 && rp_net_addr_next(&h))
					b[nb++] = h;
			}
	}
	qsort(b, nb, sizeof(*b), cmp_addr);
	for (i = k = 0; i < nb; i++)
		if (k == 0 || rp_net_addr_cmp(&b[k - 1], &b[i]) != 0)
			b[k++] = b[i];
	d->na = k;
	d->bound = rp_arena_calloc(ar, k, sizeof(*d->bound));
	d->sig = rp_arena_calloc(ar, k, sizeof(*d->sig));
	ty = calloc(k * W, sizeof(*ty));
	tp = calloc(k * W, sizeof(*tp));
	if (!d->bound || !d->sig || !ty || !tp)
		goto out;
	memcpy(d->bound, b, k * sizeof(*b));
	for (r = 0; r < nr; r++) {
		mark(d, ty, W, &yes[r], r);
		mark(d, tp, W, &yes[r], r);
		mark(d, tp, W, &maybe[r], r);
	}
	/* dedupe atoms into signatures */
	for (hsize = 16; hsize < 2 * k; hsize *= 2)
		;
	slot = malloc(hsize * sizeof(*slot));
	if (!slot)
		goto out;
	memset(slot, 0xFF, hsize * sizeof(*slot));
	d->ns = 0;
	for (i = 0; i < k; i++) {
		uint64_t h = 1;
		size_t w, pos;
		for (w = 0; w < W; w++)
			h = mix64(mix64(h, ty[i * W + w]), tp[i * W + w]);
		pos = (size_t)h & (hsize - 1);
		for (;;) {
			uint32_t s = slot[pos];
			if (s == UINT32_MAX) {
				slot[pos] = (uint32_t)i; /* atom index of the first with this sig */
				d->sig[i] = (uint32_t)d->ns++;
				break;
			}
			if (!memcmp(ty + s * W, ty + i * W, W * sizeof(*ty)) &&
			    !memcmp(tp + s * W, tp + i * W, W * sizeof(*tp))) {
				d->sig[i] = d->sig[s];
				break;
			}
			pos = (pos + 1) & (hsize - 1);
		}
	}
	d->yes = rp_arena_calloc(ar, d->ns * W, sizeof(*d->yes));
	d->poss = rp_arena_calloc(ar, d->ns * W, sizeof(*d->poss));
	if (!d->yes || !d->poss)
		goto out;
	for (i = 0; i < k; i++) {
		memcpy(d->yes + d->sig[i] * W, ty + i * W, W * sizeof(*ty));
		memcpy(d->poss + d->sig[i] * W, tp + i * W, W * sizeof(*tp));
	}
	rc = 0;
out:
	free(b);
	free(ty);
	free(tp);
	free(slot);
	return rc;
}

static int pset_to_aset(const rp_net_pset *p, rp_net_aset *out)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (rp_net_aset_add(out, rp_net_addr_v4(p->v[i].lo), rp_net_addr_v4(p->v[i].hi)) < 0)
			return -RP_ENOMEM;
	return 0;
}

/* ---- tables ---- */

static void release_sets(rp_net_aset *a, size_t n)
{
	size_t i;

	if (a)
		for (i = 0; i < n; i++)
			rp_net_aset_release(&a[i]);
	free(a);
}

static int table_build(rp_net_engine *e, const rp_net_nsg *nsg, rp_net_dir dir, const rp_net_env *env,
		       struct table **out)
{
	struct table *t = rp_arena_calloc(e->arena, 1, sizeof(*t));
	rp_net_aset *ys = NULL, *ms = NULL;
	size_t r, W, p;
	int rc = -RP_ENOMEM, pp;

	if (!t)
		return -RP_ENOMEM;
	t->nsg = nsg;
	t->dir = dir;
	t->nord = nsg->nordered[dir];
	t->nflo = nsg->nfloating[dir];
	t->nr = t->nord + t->nflo;
	t->W = W = (t->nr + 63) / 64;
	t->rules = rp_arena_calloc(e->arena, t->nr, sizeof(*t->rules));
	t->acc = rp_arena_calloc(e->arena, t->nr, 1);
	t->pyes = rp_arena_calloc(e->arena, RP_NET_NPROTO * W, sizeof(uint64_t));
	t->pposs = rp_arena_calloc(e->arena, RP_NET_NPROTO * W, sizeof(uint64_t));
	t->plyes = rp_arena_calloc(e->arena, W, sizeof(uint64_t));
	t->plposs = rp_arena_calloc(e->arena, W, sizeof(uint64_t));
	ys = calloc(t->nr, sizeof(*ys));
	ms = calloc(t->nr, sizeof(*ms));
	if (!t->rules || !t->acc || !t->pyes || !t->pposs || !t->plyes || !t->plposs || !ys || !ms)
		goto out;
	for (r = 0; r < t->nr; r++) {
		const rp_net_rule *ru = r < t->nord ? nsg->ordered[dir][r] : nsg->floating[dir][r - t->nord];
		bool fl = r >= t->nord;
		t->rules[r] = ru;
		t->acc[r] = (uint8_t)rp_net__acc_bits(ru);
		for (p = 0; p < RP_NET_NPROTO; p++) {
			if (ru->proto_poss & (1u << p))
				bit_set(t->pposs + p * W, r);
			if (!fl && (ru->proto_yes & (1u << p)))
				bit_set(t->pyes + p * W, r);
		}
		bit_set(t->plposs, r);
		if (!fl && rp_net_pset_is_all(&ru->sport.yes) && rp_net_pset_is_all(&ru->dport.yes))
			bit_set(t->plyes, r);
		rc = rp_net__side_sets(dir == RP_NET_IN ? &ru->src : &ru->dst, env, &ys[r], &ms[r]);
		if (rc < 0)
			goto out;
	}
	rc = dim_build(e->arena, &t->remote, t->nr, W, ys, ms, rp_net_addr_max());
	if (rc < 0)
		goto out;
	for (pp = 0; pp < 2; pp++) {
		int side;
		for (side = 0; side < 2; side++) {
			for (r = 0; r < t->nr; r++) {
				const rp_net_ports *ports = side == 0 ? &t->rules[r]->sport : &t->rules[r]->dport;
				ys[r].n = 0;
				ms[r].n = 0;
				if (!(t->rules[r]->proto_poss & (1u << pp)))
					continue;
				rc = pset_to_aset(&ports->yes, &ys[r]);
				if (rc == 0 && ports->unknown)
					rc = rp_net_aset_add(&ms[r], rp_net_addr_v4(0), rp_net_addr_v4(RP_NET_PORT_MAX));
				if (rc < 0)
					goto out;
			}
			rc = dim_build(e->arena, side == 0 ? &t->sport[pp] : &t->dport[pp], t->nr, W, ys, ms,
				       rp_net_addr_v4(RP_NET_PORT_MAX));
			if (rc < 0)
				goto out;
		}
	}
	*out = t;
	rc = 0;
out:
	release_sets(ys, t->nr);
	release_sets(ms, t->nr);
	return rc;
}

static int get_table(rp_net_engine *e, const rp_net_nsg *nsg, rp_net_dir dir, const rp_net_env *env,
		     struct table **out)
{
	uint32_t key[3] = { nsg->id, (uint32_t)dir, env->id };
	void *v = NULL;
	struct table *t = NULL;
	int rc;

	if (rp_map_get(&e->tables, (const char *)key, sizeof(key), &v)) {
		*out = v;
		return 0;
	}
	rc = table_build(e, nsg, dir, env, &t);
	if (rc < 0)
		return rc;
	memcpy(t->key, key, sizeof(key));
	rc = rp_map_put(&e->tables, (const char *)t->key, sizeof(t->key), t, NULL);
	if (rc < 0)
		return rc;
	*out = t;
	return 0;
}

/* ---- combined dimensions ---- */

struct cdim {
	size_t na;
	rp_net_addr *bound;
	uint32_t *cls;
	size_t nc;
	uint32_t *csig; /* nc x 2 */
};

static void cdim_release(struct cdim *c)
{
	free(c->bound);
	free(c->cls);
	free(c->csig);
	memset(c, 0, sizeof(*c));
}

static int cdim_merge(const struct dim *a, const struct dim *b, struct cdim *out)
{
	size_t ia = 0, ib = 0, na = a ? a->na : 1, nb = b ? b->na : 1, cap = na + nb, hsize, k = 0;
	uint32_t *slot = NULL;
	uint64_t *slotkey = NULL;
	rp_net_addr cur = rp_net_addr_min();
	int rc = -RP_ENOMEM;

	memset(out, 0, sizeof(*out));
	out->bound = malloc(cap * sizeof(*out->bound));
	out->cls = malloc(cap * sizeof(*out->cls));
	out->csig = malloc(2 * cap * sizeof(*out->csig));
	for (hsize = 16; hsize < 2 * cap; hsize *= 2)
		;
	slot = malloc(hsize * sizeof(*slot));
	slotkey = malloc(hsize * sizeof(*slotkey));
	if (!out->bound || !out->cls || !out->csig || !slot || !slotkey)
		goto out;
	memset(slot, 0xFF, hsize * sizeof(*slot));
	for (;;) {
		uint32_t sa = a ? a->sig[ia] : 0, sb = b ? b->sig[ib] : 0;
		uint64_t key = ((uint64_t)sa << 32) | sb;
		size_t pos = (size_t)mix64(1, key) & (hsize - 1);
		const rp_net_addr *na_next = a && ia + 1 < na ? &a->bound[ia + 1] : NULL;
		const rp_net_addr *nb_next = b && ib + 1 < nb ? &b->bound[ib + 1] : NULL;
		int c;

		while (slot[pos] != UINT32_MAX && slotkey[pos] != key)
			pos = (pos + 1) & (hsize - 1);
		if (slot[pos] == UINT32_MAX) {
			slot[pos] = (uint32_t)out->nc;
			slotkey[pos] = key;
			out->csig[2 * out->nc] = sa;
			out->csig[2 * out->nc + 1] = sb;
			out->nc++;
		}
		out->bound[k] = cur;
		out->cls[k] = slot[pos];
		k++;
		if (!na_next && !nb_next)
			break;
		c = !na_next ? 1 : !nb_next ? -1 : rp_net_addr_cmp(na_next, nb_next);
		cur = c <= 0 ? *na_next : *nb_next;
		if (c <= 0)
			ia++;
		if (c >= 0)
			ib++;
	}
	out->na = k;
	rc = 0;
out:
	free(slot);
	free(slotkey);
	if (rc < 0)
		cdim_release(out);
	return rc;
}

/* ---- evaluation ---- */

#define HOP_NONE UINT64_MAX /* no NSG at this level */

static uint64_t scan(const struct table *t, const uint64_t *P, const uint64_t *Y)
{
	size_t w, first = NONE16, def = NONE16, ffl = NONE16, i;
	unsigned acc = 0;

	for (w = 0; w < t->W && def == NONE16; w++) {
		uint64_t bits = P[w];
		while (bits) {
			i = w * 64 + (size_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			if (i >= t->nord)
				goto floating;
			if (first == NONE16)
				first = i;
			acc |= t->acc[i];
			if (bit_get(Y, i)) {
				def = i;
				break;
			}
		}
	}
floating:
	for (i = t->nord; i < t->nr; i++)
		if (bit_get(P, i)) {
			if (ffl == NONE16)
				ffl = i - t->nord;
			acc |= t->acc[i];
		}
	return (uint64_t)acc | ((uint64_t)first << 2) | ((uint64_t)def << 18) | ((uint64_t)ffl << 34);
}

static void outcome_hop(const struct table *t, uint64_t o, unsigned proto, rp_net_hop *h)
{
	size_t first = (o >> 2) & NONE16, def = (o >> 18) & NONE16, ffl = (o >> 34) & NONE16;

	if (o == HOP_NONE || !t) {
		memset(h, 0, sizeof(*h));
		h->verdict = RP_NET_ALLOW;
		return;
	}
	rp_net__make_hop(t->nsg, t->dir, proto, first == NONE16 ? SIZE_MAX : first,
			 def == NONE16 ? SIZE_MAX : def, ffl == NONE16 ? SIZE_MAX : ffl,
			 (unsigned)(o & 3u), h);
}

struct group {
	uint8_t p;
	uint32_t a;
	uint64_t o[2];
	size_t boff;
	uint64_t hash;
	uint32_t *cls;
	size_t ncls, capcls;
};

struct gstate {
	struct group *g;
	size_t ng, capg;
	uint32_t *slot;
	size_t hsize;
	uint64_t *pool;
	size_t npool, cappool;
	size_t nbw;
};

static int gs_rehash(struct gstate *s, size_t hsize)
{
	uint32_t *slot = malloc(hsize * sizeof(*slot));
	size_t i;

	if (!slot)
		return -RP_ENOMEM;
	memset(slot, 0xFF, hsize * sizeof(*slot));
	for (i = 0; i < s->ng; i++) {
		size_t pos = (size_t)s->g[i].hash & (hsize - 1);
		while (slot[pos] != UINT32_MAX)
			pos = (pos + 1) & (hsize - 1);
		slot[pos] = (uint32_t)i;
	}
	free(s->slot);
	s->slot = slot;
	s->hsize = hsize;
	return 0;
}

/* Adds remote class c to the group (p, a, o0, o1, bset). */
static int gs_add(struct gstate *s, unsigned p, size_t a, const uint64_t o[2], const uint64_t *bset,
		  size_t nbw, uint32_t c)
{
	uint64_t h = mix64(mix64(mix64(mix64(7, p), a), o[0]), o[1]);
	size_t w, pos;
	struct group *g;

	for (w = 0; w < nbw; w++)
		h = mix64(h, bset[w]);
	if (2 * (s->ng + 1) > s->hsize && gs_rehash(s, s->hsize ? s->hsize * 2 : 64) < 0)
		return -RP_ENOMEM;
	pos = (size_t)h & (s->hsize - 1);
	for (;;) {
		uint32_t gi = s->slot[pos];
		if (gi == UINT32_MAX)
			break;
		g = &s->g[gi];
		if (g->hash == h && g->p == p && g->a == a && g->o[0] == o[0] && g->o[1] == o[1] &&
		    !memcmp(s->pool + g->boff, bset, nbw * sizeof(*bset)))
			goto found;
		pos = (pos + 1) & (s->hsize - 1);
	}
	if (s->ng == s->capg) {
		size_t cap = s->capg ? s->capg * 2 : 32;
		struct group *ng = realloc(s->g, cap * sizeof(*ng));
		if (!ng)
			return -RP_ENOMEM;
		s->g = ng;
		s->capg = cap;
	}
	if (s->npool + nbw > s->cappool) {
		size_t cap = s->cappool ? s->cappool : 256;
		uint64_t *np;
		while (cap < s->npool + nbw)
			cap *= 2;
		np = realloc(s->pool, cap * sizeof(*np));
		if (!np)
			return -RP_ENOMEM;
		s->pool = np;
		s->cappool = cap;
	}
	g = &s->g[s->ng];
	memset(g, 0, sizeof(*g));
	g->p = (uint8_t)p;
	g->a = (uint32_t)a;
	g->o[0] = o[0];
	g->o[1] = o[1];
	g->hash = h;
	g->boff = s->npool;
	memcpy(s->pool + s->npool, bset, nbw * sizeof(*bset));
	s->npool += nbw;
	s->slot[pos] = (uint32_t)s->ng;
	s->ng++;
found:
	if (g->ncls == g->capcls) {
		size_t cap = g->capcls ? g->capcls * 2 : 4;
		uint32_t *nc = realloc(g->cls, cap * sizeof(*nc));
		if (!nc)
			return -RP_ENOMEM;
		g->cls = nc;
		g->capcls = cap;
	}
	g->cls[g->ncls++] = c;
	return 0;
}

static void gs_release(struct gstate *s)
{
	size_t i;

	for (i = 0; i < s->ng; i++)
		free(s->g[i].cls);
	free(s->g);
	free(s->slot);
	free(s->pool);
}

static int verdict_rank(uint8_t v)
{
	return v == RP_NET_ALLOW ? 0 : v == RP_NET_UNKNOWN ? 1 : 2;
}

static int cmp_piece(const void *pa, const void *pb)
{
	const rp_net_piece *a = pa, *b = pb;
	int c;

	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->verdict != b->verdict)
		return verdict_rank(a->verdict) < verdict_rank(b->verdict) ? -1 : 1;
	if (a->remote.n && b->remote.n && (c = rp_net_addr_cmp(&a->remote.v[0].lo, &b->remote.v[0].lo)))
		return c;
	if (a->sports.n && b->sports.n && a->sports.v[0].lo != b->sports.v[0].lo)
		return a->sports.v[0].lo < b->sports.v[0].lo ? -1 : 1;
	if (a->dports.n && b->dports.n && a->dports.v[0].lo != b->dports.v[0].lo)
		return a->dports.v[0].lo < b->dports.v[0].lo ? -1 : 1;
	return 0;
}

static rp_net_addr atom_end(const struct cdim *d, size_t k, rp_net_addr maxa)
{
	rp_net_addr e;

	if (k + 1 >= d->na)
		return maxa;
	e = d->bound[k + 1];
	rp_net_addr_prev(&e);
	return e;
}

static int materialize(rp_net_engine *e, struct table *const t[2], const struct cdim *rem,
		       const struct cdim sp[2], const struct cdim dp[2], struct gstate *gs,
		       rp_net_result *res)
{
	size_t *cnt = NULL, *off = NULL, i, j, k;
	uint32_t *lists = NULL;
	rp_net_aset *sets = NULL;
	rp_net_pset ps = { 0 };
	rp_net_addr amax = rp_net_addr_max(), pmax = rp_net_addr_v4(RP_NET_PORT_MAX);
	size_t total = 0;
	int rc = -RP_ENOMEM;

	cnt = calloc(rem->nc + 1, sizeof(*cnt));
	off = calloc(rem->nc + 1, sizeof(*off));
	sets = calloc(gs->ng ? gs->ng : 1, sizeof(*sets));
	res->pieces = rp_arena_calloc(e->arena, gs->ng ? gs->ng : 1, sizeof(*res->pieces));
	if (!cnt || !off || !sets || !res->pieces)
		goto out;
	for (i = 0; i < gs->ng; i++)
		for (j = 0; j < gs->g[i].ncls; j++)
			cnt[gs->g[i].cls[j]]++;
	for (i = 0; i < rem->nc; i++) {
		off[i + 1] = off[i] + cnt[i];
		total += cnt[i];
	}
	lists = malloc((total ? total : 1) * sizeof(*lists));
	if (!lists)
		goto out;
	memset(cnt, 0, (rem->nc + 1) * sizeof(*cnt));
	for (i = 0; i < gs->ng; i++)
		for (j = 0; j < gs->g[i].ncls; j++) {
			uint32_t c = gs->g[i].cls[j];
			lists[off[c] + cnt[c]++] = (uint32_t)i;
		}
	for (k = 0; k < rem->na; k++) {
		uint32_t c = rem->cls[k];
		rp_net_addr hi = atom_end(rem, k, amax);
		for (j = off[c]; j < off[c] + cnt[c]; j++)
			if (rp_net_aset_add(&sets[lists[j]], rem->bound[k], hi) < 0)
				goto out;
	}
	for (i = 0; i < gs->ng; i++) {
		struct group *g = &gs->g[i];
		rp_net_piece *pc = &res->pieces[i];
		int s;

		pc->proto = g->p;
		if (rp_net_aset_freeze(e->arena, &sets[i], &pc->remote) < 0)
			goto out;
		for (s = 0; s < 2; s++) {
			ps.n = 0;
			if (rp_net__portful(g->p)) {
				const struct cdim *d = s == 0 ? &sp[g->p] : &dp[g->p];
				for (k = 0; k < d->na; k++) {
					bool in = s == 0 ? d->cls[k] == g->a
							 : bit_get(gs->pool + g->boff, d->cls[k]);
					if (in && rp_net_pset_add(&ps, (uint32_t)d->bound[k].lo,
								  (uint32_t)atom_end(d, k, pmax).lo) < 0)
						goto out;
				}
			} else if (rp_net_pset_add(&ps, 0, RP_NET_PORT_MAX) < 0) {
				goto out;
			}
			if (rp_net_pset_freeze(e->arena, &ps, s == 0 ? &pc->sports : &pc->dports) < 0)
				goto out;
		}
		outcome_hop(t[0], g->o[0], g->p, &pc->hop[0]);
		outcome_hop(t[1], g->o[1], g->p, &pc->hop[1]);
		pc->verdict = rp_net__chain_verdict(pc->hop);
	}
	res->n = gs->ng;
	qsort(res->pieces, res->n, sizeof(*res->pieces), cmp_piece);
	rc = 0;
out:
	if (sets)
		for (i = 0; i < gs->ng; i++)
			rp_net_aset_release(&sets[i]);
	free(sets);
	free(cnt);
	free(off);
	free(lists);
	rp_net_pset_release(&ps);
	return rc;
}

static int compute(rp_net_engine *e, struct table *const t[2], const uint64_t *const ly[2],
		   const uint64_t *const lp[2], rp_net_result *res)
{
	struct cdim rem, sp[2], dp[2];
	struct gstate gs;
	size_t W = 1, p, c, a, b, h, w, nbmax = 1;
	uint64_t *buf = NULL, *ob = NULL, *bset = NULL, *keys = NULL;
	uint64_t *b0p[2], *b0y[2], *b1p[2], *b1y[2], *b2p[2], *b2y[2], *b3p[2], *b3y[2];
	int rc = -RP_ENOMEM;

	memset(&rem, 0, sizeof(rem));
	memset(sp, 0, sizeof(sp));
	memset(dp, 0, sizeof(dp));
	memset(&gs, 0, sizeof(gs));
	for (h = 0; h < 2; h++)
		if (t[h] && t[h]->W > W)
			W = t[h]->W;
	if (cdim_merge(t[0] ? &t[0]->remote : NULL, t[1] ? &t[1]->remote : NULL, &rem) < 0)
		goto out;
	for (p = 0; p < 2; p++) {
		if (cdim_merge(t[0] ? &t[0]->sport[p] : NULL, t[1] ? &t[1]->sport[p] : NULL, &sp[p]) < 0 ||
		    cdim_merge(t[0] ? &t[0]->dport[p] : NULL, t[1] ? &t[1]->dport[p] : NULL, &dp[p]) < 0)
			goto out;
		if (dp[p].nc > nbmax)
			nbmax = dp[p].nc;
	}
	buf = calloc(16 * W, sizeof(*buf));
	ob = malloc(2 * nbmax * sizeof(*ob));
	bset = malloc(((nbmax + 63) / 64) * sizeof(*bset));
	keys = malloc(2 * nbmax * sizeof(*keys));
	if (!buf || !ob || !bset || !keys)
		goto out;
	for (h = 0; h < 2; h++) {
		b0p[h] = buf + (0 + h) * W;
		b0y[h] = buf + (2 + h) * W;
		b1p[h] = buf + (4 + h) * W;
		b1y[h] = buf + (6 + h) * W;
		b2p[h] = buf + (8 + h) * W;
		b2y[h] = buf + (10 + h) * W;
		b3p[h] = buf + (12 + h) * W;
		b3y[h] = buf + (14 + h) * W;
	}
	res->nclasses = 0;
	for (p = 0; p < RP_NET_NPROTO; p++) {
		bool pf = rp_net__portful((unsigned)p);
		size_t na = pf ? sp[p].nc : 1, nb = pf ? dp[p].nc : 1, nbw = (nb + 63) / 64;

		for (h = 0; h < 2; h++) {
			const struct table *th = t[h];
			if (!th)
				continue;
			for (w = 0; w < th->W; w++) {
				b0p[h][w] = th->pposs[p * th->W + w] & lp[h][w];
				b0y[h][w] = th->pyes[p * th->W + w] & ly[h][w];
			}
		}
		res->nclasses += rem.nc * na * nb;
		for (c = 0; c < rem.nc; c++) {
			for (h = 0; h < 2; h++) {
				const struct table *th = t[h];
				if (!th)
					continue;
				const uint64_t *rp = th->remote.poss + rem.csig[2 * c + h] * th->W;
				const uint64_t *ry = th->remote.yes + rem.csig[2 * c + h] * th->W;
				for (w = 0; w < th->W; w++) {
					b1p[h][w] = b0p[h][w] & rp[w];
					b1y[h][w] = b0y[h][w] & ry[w];
				}
			}
			for (a = 0; a < na; a++) {
				size_t nk = 0, kk;
				for (h = 0; h < 2; h++) {
					const struct table *th = t[h];
					const uint64_t *xp, *xy;
					if (!th)
						continue;
					xp = pf ? th->sport[p].poss + sp[p].csig[2 * a + h] * th->W : th->plposs;
					xy = pf ? th->sport[p].yes + sp[p].csig[2 * a + h] * th->W : th->plyes;
					for (w = 0; w < th->W; w++) {
						b2p[h][w] = b1p[h][w] & xp[w];
						b2y[h][w] = b1y[h][w] & xy[w];
					}
				}
				for (b = 0; b < nb; b++) {
					for (h = 0; h < 2; h++) {
						const struct table *th = t[h];
						if (!th) {
							ob[2 * b + h] = HOP_NONE;
							continue;
						}
						if (pf) {
							const uint64_t *xp = th->dport[p].poss + dp[p].csig[2 * b + h] * th->W;
							const uint64_t *xy = th->dport[p].yes + dp[p].csig[2 * b + h] * th->W;
							for (w = 0; w < th->W; w++) {
								b3p[h][w] = b2p[h][w] & xp[w];
								b3y[h][w] = b2y[h][w] & xy[w];
							}
							ob[2 * b + h] = scan(th, b3p[h], b3y[h]);
						} else {
							ob[2 * b + h] = scan(th, b2p[h], b2y[h]);
						}
					}
					for (kk = 0; kk < nk; kk++)
						if (keys[2 * kk] == ob[2 * b] && keys[2 * kk + 1] == ob[2 * b + 1])
							break;
					if (kk == nk) {
						keys[2 * nk] = ob[2 * b];
						keys[2 * nk + 1] = ob[2 * b + 1];
						nk++;
					}
				}
				for (kk = 0; kk < nk; kk++) {
					memset(bset, 0, nbw * sizeof(*bset));
					for (b = 0; b < nb; b++)
						if (ob[2 * b] == keys[2 * kk] && ob[2 * b + 1] == keys[2 * kk + 1])
							bit_set(bset, b);
					if (gs_add(&gs, (unsigned)p, a, &keys[2 * kk], bset, nbw, (uint32_t)c) < 0)
						goto out;
				}
			}
		}
	}
	rc = materialize(e, t, &rem, sp, dp, &gs, res);
out:
	cdim_release(&rem);
	for (p = 0; p < 2; p++) {
		cdim_release(&sp[p]);
		cdim_release(&dp[p]);
	}
	gs_release(&gs);
	free(buf);
	free(ob);
	free(bset);
	free(keys);
	return rc;
}

/* ---- public ---- */

rp_net_engine *rp_net_engine_new(void)
{
	rp_net_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->arena = rp_arena_new();
	if (!e->arena) {
		free(e);
		return NULL;
	}
	rp_map_init(&e->tables, false);
	rp_map_init(&e->results, false);
	return e;
}

rp_net_engine *rp_net_engine_free(rp_net_engine *e)
{
	if (!e)
		return NULL;
	rp_map_release(&e->tables);
	rp_map_release(&e->results);
	rp_arena_free(e->arena);
	free(e);
	return NULL;
}

void rp_net_engine_stats(const rp_net_engine *e, size_t *computed, size_t *cached)
{
	*computed = e->computed;
	*cached = e->cached;
}

static void local_bits(const struct table *t, const rp_net_chain *c, rp_net_dir dir,
		       const rp_net_addr *local, uint64_t *ly, uint64_t *lp)
{
	size_t r;

	memset(ly, 0, t->W * sizeof(*ly));
	memset(lp, 0, t->W * sizeof(*lp));
	for (r = 0; r < t->nr; r++) {
		const rp_net_rule *ru = t->rules[r];
		rp_net_tri m = rp_net__side_local(dir == RP_NET_IN ? &ru->dst : &ru->src, c, local);
		if (m != RP_NET_NO)
			bit_set(lp, r);
		if (m == RP_NET_YES && r < t->nord)
			bit_set(ly, r);
	}
}

int rp_net_engine_eval(rp_net_engine *e, const rp_net_chain *c, rp_net_dir dir,
		       const rp_net_addr *local, const rp_net_result **out)
{
	const rp_net_nsg *order[2];
	struct table *t[2] = { NULL, NULL };
	uint64_t *lbits = NULL;
	const uint64_t *ly[2] = { NULL, NULL }, *lp[2] = { NULL, NULL };
	unsigned char *key = NULL;
	size_t keylen, W[2] = { 0, 0 }, h, pos;
	struct cached *ce;
	void *v = NULL;
	uintptr_t tp[2];
	int rc;

	*out = NULL;
	if (!c->env || !c->env->finished || (dir != RP_NET_IN && dir != RP_NET_OUT))
		return -RP_EINVAL;
	if ((c->subnet_nsg && !c->subnet_nsg->finished) || (c->nic_nsg && !c->nic_nsg->finished))
		return -RP_EINVAL;
	order[0] = dir == RP_NET_IN ? c->subnet_nsg : c->nic_nsg;
	order[1] = dir == RP_NET_IN ? c->nic_nsg : c->subnet_nsg;
	for (h = 0; h < 2; h++)
		if (order[h]) {
			rc = get_table(e, order[h], dir, c->env, &t[h]);
			if (rc < 0)
				return rc;
			W[h] = t[h]->W;
		}
	keylen = sizeof(tp) + 2 * (W[0] + W[1]) * sizeof(uint64_t);
	key = malloc(keylen);
	if (!key)
		return -RP_ENOMEM;
	tp[0] = (uintptr_t)t[0];
	tp[1] = (uintptr_t)t[1];
	memcpy(key, tp, sizeof(tp));
	lbits = (uint64_t *)(void *)(key + sizeof(tp));
	pos = 0;
	for (h = 0; h < 2; h++) {
		if (!t[h])
			continue;
		/* key bytes are uint64-aligned: sizeof(tp) is a multiple of 8 */
		local_bits(t[h], c, dir, local, lbits + pos, lbits + pos + W[h]);
		ly[h] = lbits + pos;
		lp[h] = lbits + pos + W[h];
		pos += 2 * W[h];
	}
	if (rp_map_get(&e->results, (const char *)key, keylen, &v)) {
		e->cached++;
		*out = &((struct cached *)v)->res;
		free(key);
		return 0;
	}
	ce = rp_arena_calloc(e->arena, 1, sizeof(*ce));
	rc = -RP_ENOMEM;
	if (!ce)
		goto out;
	ce->key = rp_arena_alloc(e->arena, keylen);
	if (!ce->key)
		goto out;
	memcpy(ce->key, key, keylen);
	ce->keylen = keylen;
	rc = compute(e, t, ly, lp, &ce->res);
	if (rc < 0)
		goto out;
	rc = rp_map_put(&e->results, (const char *)ce->key, keylen, ce, NULL);
	if (rc < 0)
		goto out;
	e->computed++;
	*out = &ce->res;
out:
	free(key);
	return rc;
}

const rp_net_piece *rp_net_result_lookup(const rp_net_result *r, unsigned proto,
					 const rp_net_addr *remote, uint32_t sport, uint32_t dport)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		const rp_net_piece *p = &r->pieces[i];
		if (p->proto == proto && rp_net_pset_contains(&p->sports, sport) &&
		    rp_net_pset_contains(&p->dports, dport) && rp_net_aset_contains(&p->remote, remote))
			return p;
	}
	return NULL;
}

int rp_net_result_restrict(const rp_net_result *r, const rp_net_aset *remote,
			   unsigned verdict_mask, rp_arena *a, rp_net_result *out)
{
	size_t i;
	rp_net_aset tmp = { 0 };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->pieces = rp_arena_calloc(a, r->n ? r->n : 1, sizeof(*out->pieces));
	if (!out->pieces)
		return -RP_ENOMEM;
	for (i = 0; i < r->n && rc == 0; i++) {
		const rp_net_piece *p = &r->pieces[i];
		rp_net_piece *q;
		if (!((1u << p->verdict) & verdict_mask))
			continue;
		q = &out->pieces[out->n];
		*q = *p;
		if (remote) {
			tmp.n = 0;
			rc = rp_net_aset_intersect(&tmp, &p->remote, remote);
			if (rc == 0 && tmp.n == 0)
				continue;
			if (rc == 0)
				rc = rp_net_aset_freeze(a, &tmp, &q->remote);
		}
		if (rc == 0)
			out->n++;
	}
	rp_net_aset_release(&tmp);
	out->nclasses = r->nclasses;
	return rc;
}
