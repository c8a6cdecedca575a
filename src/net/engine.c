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
	size_t na;            /* atoms */
	rp_net_addr *bound;   /* start of each atom; atom k ends before bound[k+1] */
	uint32_t *sig;        /* signature of each atom */
	size_t ns;            /* signatures */
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

/* Reusable scratch buffers (large, short-lived arrays: reusing them keeps
 * malloc from mapping and trimming memory on every evaluation). */
enum { SC_DB, SC_DY, SC_DP, SC_DS, SC_MB, SC_MC, SC_MS, SC_ML, SC_MK, SC_N };

struct rp_net_engine {
	rp_arena *arena;
	rp_map tables;
	rp_map results;
	size_t computed, cached;
	void *scr[SC_N];
	size_t scrcap[SC_N];
};

/* Scratch buffer i of at least bytes (contents undefined), or NULL. */
static void *scratch(rp_net_engine *e, int i, size_t bytes)
{
	if (!bytes)
		bytes = 1;
	if (bytes > e->scrcap[i]) {
		size_t cap = e->scrcap[i] ? e->scrcap[i] : 4096;
		void *p;
		while (cap < bytes) {
			if (cap > SIZE_MAX / 2)
				return NULL;
			cap *= 2;
		}
		p = realloc(e->scr[i], cap);
		if (!p)
			return NULL;
		e->scr[i] = p;
		e->scrcap[i] = cap;
	}
	return e->scr[i];
}

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

struct event {
	uint32_t rule;
	int8_t delta; /* +1 start, -1 end */
	uint8_t both; /* 1: yes and poss, 0: poss only */
};

/* Per-atom bit vectors by one sweep over interval start/end events (a
 * `*` rule costs two events, not one write per atom). */
static int sweep_bits(const struct dim *d, size_t nr, size_t W, const rp_net_aset *yes,
		      const rp_net_aset *maybe, uint64_t *ty, uint64_t *tp)
{
	size_t nev = 0, r, i, k, *start = NULL;
	struct event *ev = NULL;
	uint32_t *cy = NULL, *cp = NULL;
	uint64_t *cury = NULL, *curp = NULL;
	int rc = -RP_ENOMEM;

	for (r = 0; r < nr; r++)
		nev += 2 * (yes[r].n + maybe[r].n);
	start = calloc(d->na + 2, sizeof(*start));
	ev = malloc((nev ? nev : 1) * sizeof(*ev));
	cy = calloc(nr ? nr : 1, sizeof(*cy));
	cp = calloc(nr ? nr : 1, sizeof(*cp));
	cury = calloc(W, sizeof(*cury));
	curp = calloc(W, sizeof(*curp));
	if (!start || !ev || !cy || !cp || !cury || !curp)
		goto out;
	/* two passes: count events per atom, then place them */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			size_t acc = 0;
			for (k = 0; k <= d->na; k++) {
				size_t c = start[k];
				start[k] = acc;
				acc += c;
			}
			start[d->na + 1] = acc;
		}
		for (r = 0; r < nr; r++) {
			int which;
			for (which = 0; which < 2; which++) {
				const rp_net_aset *st = which == 0 ? &yes[r] : &maybe[r];
				for (i = 0; i < st->n; i++) {
					size_t k0 = lower_bound(d->bound, d->na, &st->v[i].lo),
					       k1 = d->na;
					rp_net_addr h = st->v[i].hi;
					if (rp_net_addr_next(&h))
						k1 = lower_bound(d->bound, d->na, &h);
					if (pass == 0) {
						start[k0]++;
						start[k1]++;
					} else {
						ev[start[k0]++] =
							(struct event){ (uint32_t)r, 1,
									(uint8_t)(which == 0) };
						ev[start[k1]++] =
							(struct event){ (uint32_t)r, -1,
									(uint8_t)(which == 0) };
					}
				}
			}
		}
	}
	/* after pass 1, start[k] is the end of atom k's events; atom k's
	 * events begin where atom k-1's end */
	for (k = 0, i = 0; k < d->na; k++) {
		for (; i < start[k]; i++) {
			const struct event *x = &ev[i];
			uint64_t bit = UINT64_C(1) << (x->rule & 63);
			size_t w = x->rule >> 6;
			if (x->both) {
				cy[x->rule] = (uint32_t)((int64_t)cy[x->rule] + x->delta);
				if (cy[x->rule])
					cury[w] |= bit;
				else
					cury[w] &= ~bit;
			}
			cp[x->rule] = (uint32_t)((int64_t)cp[x->rule] + x->delta);
			if (cp[x->rule])
				curp[w] |= bit;
			else
				curp[w] &= ~bit;
		}
		memcpy(ty + k * W, cury, W * sizeof(*cury));
		memcpy(tp + k * W, curp, W * sizeof(*curp));
	}
	rc = 0;
out:
	free(start);
	free(ev);
	free(cy);
	free(cp);
	free(cury);
	free(curp);
	return rc;
}

/* Builds a dimension from per-rule (yes, maybe) sets over [min, maxa];
 * rules with yes[r] == NULL are not relevant (all bits 0). */
static int dim_build(rp_net_engine *e, struct dim *d, size_t nr, size_t W, rp_net_aset *yes,
		     rp_net_aset *maybe, rp_net_addr maxa)
{
	rp_arena *ar = e->arena;
	size_t nb = 1, r, i, k, hsize;
	rp_net_addr *b = NULL;
	uint64_t *ty = NULL, *tp = NULL;
	uint32_t *slot = NULL;
	int rc = -RP_ENOMEM;

	memset(d, 0, sizeof(*d));
	for (r = 0; r < nr; r++)
		nb += 2 * (yes[r].n + maybe[r].n);
	b = nb <= SIZE_MAX / sizeof(*b) ? scratch(e, SC_DB, nb * sizeof(*b)) : NULL;
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
	d->bound = rp_arena_alloc(ar, k * sizeof(*d->bound));
	d->sig = rp_arena_alloc(ar, k * sizeof(*d->sig));
	ty = scratch(e, SC_DY, k * W * sizeof(*ty));
	tp = scratch(e, SC_DP, k * W * sizeof(*tp));
	if (ty && tp) {
		memset(ty, 0, k * W * sizeof(*ty));
		memset(tp, 0, k * W * sizeof(*tp));
	}
	if (!d->bound || !d->sig || !ty || !tp)
		goto out;
	memcpy(d->bound, b, k * sizeof(*b));
	if (sweep_bits(d, nr, W, yes, maybe, ty, tp) < 0)
		goto out;
	/* dedupe atoms into signatures */
	for (hsize = 16; hsize < 2 * k; hsize *= 2)
		;
	slot = scratch(e, SC_DS, hsize * sizeof(*slot));
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
	return rc;
}

static int pset_to_aset(const rp_net_pset *p, rp_net_aset *out)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (rp_net_aset_add(out, rp_net_addr_v4(p->v[i].lo), rp_net_addr_v4(p->v[i].hi)) <
		    0)
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

static int table_build(rp_net_engine *e, const rp_net_nsg *nsg, rp_net_dir dir,
		       const rp_net_env *env, struct table **out)
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
		const rp_net_rule *ru =
			r < t->nord ? nsg->ordered[dir][r] : nsg->floating[dir][r - t->nord];
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
	rc = dim_build(e, &t->remote, t->nr, W, ys, ms, rp_net_addr_max());
	if (rc < 0)
		goto out;
	for (pp = 0; pp < 2; pp++) {
		int side;
		for (side = 0; side < 2; side++) {
			for (r = 0; r < t->nr; r++) {
				const rp_net_ports *ports =
					side == 0 ? &t->rules[r]->sport : &t->rules[r]->dport;
				ys[r].n = 0;
				ms[r].n = 0;
				if (!(t->rules[r]->proto_poss & (1u << pp)))
					continue;
				rc = pset_to_aset(&ports->yes, &ys[r]);
				if (rc == 0 && ports->unknown)
					rc = rp_net_aset_add(&ms[r], rp_net_addr_v4(0),
							     rp_net_addr_v4(RP_NET_PORT_MAX));
				if (rc < 0)
					goto out;
			}
			rc = dim_build(e, side == 0 ? &t->sport[pp] : &t->dport[pp], t->nr, W, ys,
				       ms, rp_net_addr_v4(RP_NET_PORT_MAX));
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
	bool borrowed;  /* arrays are engine scratch */
};

static void cdim_release(struct cdim *c)
{
	if (!c->borrowed) {
		free(c->bound);
		free(c->cls);
		free(c->csig);
	}
	memset(c, 0, sizeof(*c));
}

/* Signatures of one table masked by the local bits: rules that cannot
 * match the local address drop out, so more atoms share a class. */
struct msig {
	uint32_t *map; /* table signature -> masked signature */
	size_t n;
	uint64_t *yes, *poss; /* n x W */
};

static void msig_release(struct msig *m)
{
	free(m->map);
	free(m->yes);
	free(m->poss);
	memset(m, 0, sizeof(*m));
}

static int msig_build(const struct dim *d, size_t W, const uint64_t *my, const uint64_t *mp,
		      struct msig *m)
{
	size_t hsize, s, w;
	uint32_t *slot = NULL;
	int rc = -RP_ENOMEM;

	memset(m, 0, sizeof(*m));
	for (hsize = 16; hsize < 2 * d->ns; hsize *= 2)
		;
	m->map = malloc((d->ns ? d->ns : 1) * sizeof(*m->map));
	m->yes = malloc((d->ns ? d->ns : 1) * W * sizeof(*m->yes));
	m->poss = malloc((d->ns ? d->ns : 1) * W * sizeof(*m->poss));
	slot = malloc(hsize * sizeof(*slot));
	if (!m->map || !m->yes || !m->poss || !slot)
		goto out;
	memset(slot, 0xFF, hsize * sizeof(*slot));
	for (s = 0; s < d->ns; s++) {
		uint64_t *y = m->yes + m->n * W, *p = m->poss + m->n * W, h = 3;
		size_t pos;
		for (w = 0; w < W; w++) {
			y[w] = d->yes[s * W + w] & my[w];
			p[w] = d->poss[s * W + w] & mp[w];
			h = mix64(mix64(h, y[w]), p[w]);
		}
		pos = (size_t)h & (hsize - 1);
		for (;;) {
			uint32_t o = slot[pos];
			if (o == UINT32_MAX) {
				slot[pos] = (uint32_t)m->n;
				m->map[s] = (uint32_t)m->n++;
				break;
			}
			if (!memcmp(m->yes + o * W, y, W * sizeof(*y)) &&
			    !memcmp(m->poss + o * W, p, W * sizeof(*p))) {
				m->map[s] = o;
				break;
			}
			pos = (pos + 1) & (hsize - 1);
		}
	}
	rc = 0;
out:
	free(slot);
	if (rc < 0)
		msig_release(m);
	return rc;
}

/* e non-NULL: the arrays live in the engine's scratch (one such cdim at a
 * time). */
static int cdim_merge(rp_net_engine *e, const struct dim *a, const struct dim *b,
		      const struct msig *ma, const struct msig *mb, struct cdim *out)
{
	size_t ia = 0, ib = 0, na = a ? a->na : 1, nb = b ? b->na : 1, cap = na + nb, hsize, k = 0;
	uint32_t *slot = NULL;
	uint64_t *slotkey = NULL;
	rp_net_addr cur = rp_net_addr_min();
	int rc = -RP_ENOMEM;

	memset(out, 0, sizeof(*out));
	/* at most ns_a x ns_b classes: size the table by that, not by atoms */
	{
		size_t bound = (a ? ma->n : 1) * (b ? mb->n : 1);
		if (bound > cap)
			bound = cap;
		for (hsize = 16; hsize < 2 * bound; hsize *= 2)
			;
	}
	if (e) {
		out->borrowed = true;
		out->bound = scratch(e, SC_MB, cap * sizeof(*out->bound));
		out->cls = scratch(e, SC_MC, cap * sizeof(*out->cls));
		out->csig = scratch(e, SC_MS, 2 * cap * sizeof(*out->csig));
		slot = scratch(e, SC_ML, hsize * sizeof(*slot));
		slotkey = scratch(e, SC_MK, hsize * sizeof(*slotkey));
	} else {
		out->bound = malloc(cap * sizeof(*out->bound));
		out->cls = malloc(cap * sizeof(*out->cls));
		out->csig = malloc(2 * cap * sizeof(*out->csig));
		slot = malloc(hsize * sizeof(*slot));
		slotkey = malloc(hsize * sizeof(*slotkey));
	}
	if (!out->bound || !out->cls || !out->csig || !slot || !slotkey)
		goto out;
	memset(slot, 0xFF, hsize * sizeof(*slot));
	for (;;) {
		uint32_t sa = a ? ma->map[a->sig[ia]] : 0, sb = b ? mb->map[b->sig[ib]] : 0;
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
		if (k == 0 || out->cls[k - 1] != slot[pos]) { /* coalesce equal neighbours */
			out->bound[k] = cur;
			out->cls[k] = slot[pos];
			k++;
		}
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
	if (!e) {
		free(slot);
		free(slotkey);
	}
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
	return (uint64_t)acc | ((uint64_t)first << 2) | ((uint64_t)def << 18) |
	       ((uint64_t)ffl << 34);
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
	if (a->remote.n && b->remote.n &&
	    (c = rp_net_addr_cmp(&a->remote.v[0].lo, &b->remote.v[0].lo)))
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

/* The frozen union of the classes' address sets: one pass over the atoms
 * (classes partition them, so the result comes out sorted). */
static int union_classes(rp_arena *ar, const struct cdim *rem, uint32_t *mark, uint32_t stamp,
			 const uint32_t *cls, size_t ncls, rp_net_aset *out)
{
	rp_net_aset u = { 0 };
	rp_net_addr amax = rp_net_addr_max();
	size_t i;
	int rc = 0;

	for (i = 0; i < ncls; i++)
		mark[cls[i]] = stamp;
	for (i = 0; i < rem->na && rc == 0; i++)
		if (mark[rem->cls[i]] == stamp)
			rc = rp_net_aset_add(&u, rem->bound[i], atom_end(rem, i, amax));
	if (rc == 0)
		rc = rp_net_aset_freeze(ar, &u, out);
	rp_net_aset_release(&u);
	return rc;
}

static int materialize(rp_net_engine *e, struct table *const t[2], const struct cdim *rem,
		       const struct cdim sp[2], const struct cdim dp[2], struct gstate *gs,
		       rp_net_result *res)
{
	rp_net_aset *csets = NULL, *cfrozen = NULL;
	uint32_t *lslot = NULL, *mark = NULL, stamp = 0;
	uint64_t *lhash = NULL;
	size_t i, k, hsize;
	rp_net_pset ps = { 0 };
	rp_net_addr amax = rp_net_addr_max(), pmax = rp_net_addr_v4(RP_NET_PORT_MAX);
	int rc = -RP_ENOMEM;

	csets = calloc(rem->nc ? rem->nc : 1, sizeof(*csets));
	cfrozen = calloc(rem->nc ? rem->nc : 1, sizeof(*cfrozen));
	for (hsize = 16; hsize < 2 * gs->ng; hsize *= 2)
		;
	lslot = malloc(hsize * sizeof(*lslot));
	lhash = malloc((gs->ng ? gs->ng : 1) * sizeof(*lhash));
	mark = calloc(rem->nc ? rem->nc : 1, sizeof(*mark));
	res->pieces = rp_arena_alloc(e->arena, (gs->ng ? gs->ng : 1) * sizeof(*res->pieces));
	if (!csets || !cfrozen || !lslot || !lhash || !mark || !res->pieces)
		goto out;
	memset(lslot, 0xFF, hsize * sizeof(*lslot));
	/* every class's address set, in one pass over the atoms */
	for (k = 0; k < rem->na; k++)
		if (rp_net_aset_add(&csets[rem->cls[k]], rem->bound[k], atom_end(rem, k, amax)) < 0)
			goto out;
	for (i = 0; i < gs->ng; i++) {
		struct group *g = &gs->g[i];
		rp_net_piece *pc = &res->pieces[i];
		size_t pos, w;
		int s;

		memset(pc, 0, sizeof(*pc));
		pc->proto = g->p;
		/* groups with the same class list share one frozen remote set */
		if (g->ncls == 1) {
			uint32_t c = g->cls[0];
			if (!cfrozen[c].v &&
			    rp_net_aset_freeze(e->arena, &csets[c], &cfrozen[c]) < 0)
				goto out;
			pc->remote = cfrozen[c];
		} else {
			uint64_t h = 11;
			for (w = 0; w < g->ncls; w++)
				h = mix64(h, g->cls[w]);
			lhash[i] = h;
			pos = (size_t)h & (hsize - 1);
			for (;;) {
				uint32_t o = lslot[pos];
				if (o == UINT32_MAX) {
					lslot[pos] = (uint32_t)i;
					if (union_classes(e->arena, rem, mark, ++stamp, g->cls,
							  g->ncls, &pc->remote) < 0)
						goto out;
					break;
				}
				if (lhash[o] == h && gs->g[o].ncls == g->ncls &&
				    !memcmp(gs->g[o].cls, g->cls, g->ncls * sizeof(*g->cls))) {
					pc->remote = res->pieces[o].remote;
					break;
				}
				pos = (pos + 1) & (hsize - 1);
			}
		}
		for (s = 0; s < 2; s++) {
			ps.n = 0;
			if (rp_net__portful(g->p)) {
				const struct cdim *d = s == 0 ? &sp[g->p] : &dp[g->p];
				for (k = 0; k < d->na; k++) {
					bool in = s == 0 ? d->cls[k] == g->a
							 : bit_get(gs->pool + g->boff, d->cls[k]);
					if (in &&
					    rp_net_pset_add(&ps, (uint32_t)d->bound[k].lo,
							    (uint32_t)atom_end(d, k, pmax).lo) < 0)
						goto out;
				}
			} else if (rp_net_pset_add(&ps, 0, RP_NET_PORT_MAX) < 0) {
				goto out;
			}
			if (rp_net_pset_freeze(e->arena, &ps, s == 0 ? &pc->sports : &pc->dports) <
			    0)
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
	if (csets)
		for (i = 0; i < rem->nc; i++)
			rp_net_aset_release(&csets[i]);
	free(csets);
	free(cfrozen);
	free(lslot);
	free(lhash);
	free(mark);
	rp_net_pset_release(&ps);
	return rc;
}

static int compute(rp_net_engine *e, struct table *const t[2], const uint64_t *const ly[2],
		   const uint64_t *const lp[2], rp_net_result *res)
{
	struct cdim rem, sp[2], dp[2];
	struct gstate gs;
	size_t W = 1, p, c, a, b, h, w, nbmax = 1;
	uint64_t *buf = NULL, *ob = NULL, *bset = NULL, *keys = NULL, *mask = NULL;
	struct msig mrem[2], msp[2][2], mdp[2][2];
	uint64_t *b0p[2], *b0y[2], *b1p[2], *b1y[2], *b2p[2], *b2y[2], *b3p[2], *b3y[2];
	int rc = -RP_ENOMEM;

	memset(&rem, 0, sizeof(rem));
	memset(mrem, 0, sizeof(mrem));
	memset(msp, 0, sizeof(msp));
	memset(mdp, 0, sizeof(mdp));
	memset(sp, 0, sizeof(sp));
	memset(dp, 0, sizeof(dp));
	memset(&gs, 0, sizeof(gs));
	for (h = 0; h < 2; h++)
		if (t[h] && t[h]->W > W)
			W = t[h]->W;
	mask = calloc(4 * W, sizeof(*mask));
	if (!mask)
		goto out;
	for (h = 0; h < 2; h++) {
		const struct table *th = t[h];
		if (!th)
			continue;
		if (msig_build(&th->remote, th->W, ly[h], lp[h], &mrem[h]) < 0)
			goto out;
		for (p = 0; p < 2; p++) {
			for (w = 0; w < th->W; w++) {
				mask[w] = th->pyes[p * th->W + w] & ly[h][w];
				mask[W + w] = th->pposs[p * th->W + w] & lp[h][w];
			}
			if (msig_build(&th->sport[p], th->W, mask, mask + W, &msp[h][p]) < 0 ||
			    msig_build(&th->dport[p], th->W, mask, mask + W, &mdp[h][p]) < 0)
				goto out;
		}
	}
	if (cdim_merge(e, t[0] ? &t[0]->remote : NULL, t[1] ? &t[1]->remote : NULL, &mrem[0],
		       &mrem[1], &rem) < 0)
		goto out;
	for (p = 0; p < 2; p++) {
		if (cdim_merge(NULL, t[0] ? &t[0]->sport[p] : NULL, t[1] ? &t[1]->sport[p] : NULL,
			       &msp[0][p], &msp[1][p], &sp[p]) < 0 ||
		    cdim_merge(NULL, t[0] ? &t[0]->dport[p] : NULL, t[1] ? &t[1]->dport[p] : NULL,
			       &mdp[0][p], &mdp[1][p], &dp[p]) < 0)
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
				const uint64_t *rp = mrem[h].poss + rem.csig[2 * c + h] * th->W;
				const uint64_t *ry = mrem[h].yes + rem.csig[2 * c + h] * th->W;
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
					xp = pf ? msp[h][p].poss + sp[p].csig[2 * a + h] * th->W
						: th->plposs;
					xy = pf ? msp[h][p].yes + sp[p].csig[2 * a + h] * th->W
						: th->plyes;
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
							const uint64_t *xp =
								mdp[h][p].poss +
								dp[p].csig[2 * b + h] * th->W;
							const uint64_t *xy =
								mdp[h][p].yes +
								dp[p].csig[2 * b + h] * th->W;
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
						if (keys[2 * kk] == ob[2 * b] &&
						    keys[2 * kk + 1] == ob[2 * b + 1])
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
						if (ob[2 * b] == keys[2 * kk] &&
						    ob[2 * b + 1] == keys[2 * kk + 1])
							bit_set(bset, b);
					if (gs_add(&gs, (unsigned)p, a, &keys[2 * kk], bset, nbw,
						   (uint32_t)c) < 0)
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
	for (h = 0; h < 2; h++) {
		msig_release(&mrem[h]);
		for (p = 0; p < 2; p++) {
			msig_release(&msp[h][p]);
			msig_release(&mdp[h][p]);
		}
	}
	free(mask);
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
	int i;

	if (!e)
		return NULL;
	for (i = 0; i < SC_N; i++)
		free(e->scr[i]);
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
		    rp_net_pset_contains(&p->dports, dport) &&
		    rp_net_aset_contains(&p->remote, remote))
			return p;
	}
	return NULL;
}

int rp_net_result_restrict(const rp_net_result *r, const rp_net_aset *remote, unsigned verdict_mask,
			   rp_arena *a, rp_net_result *out)
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

struct src_iv {
	rp_net_ival iv;
	size_t src;
};

static int cmp_src_iv(const void *pa, const void *pb)
{
	const struct src_iv *a = pa, *b = pb;

	return rp_net_addr_cmp(&a->iv.lo, &b->iv.lo);
}

int rp_net_result_partition(const rp_net_result *r, const rp_net_aset *const *sources,
			    size_t nsources, unsigned verdict_mask, rp_arena *a, rp_net_result *out)
{
	struct hit {
		size_t src;
		const rp_net_piece *pc;
		rp_net_aset remote;
	} *hits = NULL;
	struct src_iv *sv = NULL;
	rp_net_aset *tmp = NULL;
	size_t nsv = 0, nhits = 0, caphits = 0, i, j, k, p;
	size_t *fill = NULL;
	int rc = -RP_ENOMEM;

	for (i = 0; i < nsources; i++)
		nsv += sources[i]->n;
	sv = malloc((nsv ? nsv : 1) * sizeof(*sv));
	tmp = calloc(nsources ? nsources : 1, sizeof(*tmp));
	fill = calloc(nsources ? nsources : 1, sizeof(*fill));
	if (!sv || !tmp || !fill)
		goto out;
	for (i = 0; i < nsources; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].nclasses = r->nclasses;
	}
	for (i = k = 0; i < nsources; i++)
		for (j = 0; j < sources[i]->n; j++) {
			sv[k].iv = sources[i]->v[j];
			sv[k++].src = i;
		}
	qsort(sv, nsv, sizeof(*sv), cmp_src_iv);
	for (k = 1; k < nsv; k++)
		if (rp_net_addr_cmp(&sv[k - 1].iv.hi, &sv[k].iv.lo) >= 0) {
			rc = -RP_EINVAL; /* the sources overlap */
			goto out;
		}
	for (p = 0; p < r->n; p++) {
		const rp_net_piece *pc = &r->pieces[p];
		if (!((1u << pc->verdict) & verdict_mask))
			continue;
		i = k = 0;
		while (i < pc->remote.n && k < nsv) {
			const rp_net_ival *x = &pc->remote.v[i], *y = &sv[k].iv;
			rp_net_addr lo = rp_net_addr_cmp(&x->lo, &y->lo) > 0 ? x->lo : y->lo;
			rp_net_addr hi = rp_net_addr_cmp(&x->hi, &y->hi) < 0 ? x->hi : y->hi;
			if (rp_net_addr_cmp(&lo, &hi) <= 0 &&
			    rp_net_aset_add(&tmp[sv[k].src], lo, hi) < 0)
				goto out;
			if (rp_net_addr_cmp(&x->hi, &y->hi) < 0)
				i++;
			else
				k++;
		}
		for (j = 0; j < nsources; j++) {
			if (tmp[j].n == 0)
				continue;
			if (nhits == caphits) {
				size_t cap = caphits ? caphits * 2 : 64;
				struct hit *nh = realloc(hits, cap * sizeof(*nh));
				if (!nh)
					goto out;
				hits = nh;
				caphits = cap;
			}
			hits[nhits].src = j;
			hits[nhits].pc = pc;
			if (rp_net_aset_freeze(a, &tmp[j], &hits[nhits].remote) < 0)
				goto out;
			nhits++;
			out[j].n++;
			tmp[j].n = 0;
		}
	}
	for (j = 0; j < nsources; j++)
		if (out[j].n) {
			out[j].pieces = rp_arena_alloc(a, out[j].n * sizeof(*out[j].pieces));
			if (!out[j].pieces)
				goto out;
		}
	for (i = 0; i < nhits; i++) {
		rp_net_piece *q = &out[hits[i].src].pieces[fill[hits[i].src]++];
		*q = *hits[i].pc;
		q->remote = hits[i].remote;
	}
	rc = 0;
out:
	if (tmp)
		for (i = 0; i < nsources; i++)
			rp_net_aset_release(&tmp[i]);
	free(tmp);
	free(sv);
	free(fill);
	free(hits);
	return rc;
}
