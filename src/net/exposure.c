/* exposure.c: Internet and east-west exposure of every ipConfiguration and
 * single-flow queries over the topology (see topology.h). */
#include "net/match.h"
#include "net/topo_internal.h"
#include "util/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ALLOW_BIT (1u << RP_NET_ALLOW)
#define UNKNOWN_BIT (1u << RP_NET_UNKNOWN)
#define DENY_BIT (1u << RP_NET_DENY)

/* Exposures need only the allowed and unknown pieces (about 30% of a big
 * estate's pieces): they ask the engine for those, or take the complete
 * decision when a flow query computed it already.  Flow queries
 * (rp_net_topo_query: RMP-NET-007 in every scan, `rampart flow`) answer
 * from the same allowed and unknown pieces unless the answer is a denial,
 * whose deciding rules only the denied pieces give (docs/network.md
 * "Performance"). */
#define EVAL_MASK (ALLOW_BIT | UNKNOWN_BIT)

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

/* An entry while it is built: its sets by value (the ports may be a heap
 * set while pieces merge into it); commit() turns it into an exposure
 * with shared frozen sets. */
typedef struct went {
	const rp_net_endpoint *endpoint;
	const rp_mobj *source_subnet;
	rp_net_aset remote;      /* frozen: engine-owned or in the topology's arena */
	rp_net_pset ports;       /* frozen (borrowed) or heap (merged) */
	const rp_net_aset *rref; /* remote is this piece's set: shared as is */
	const rp_net_pset *pref; /* ports are this (frozen) set: shared as is */
	const rp_net_hop *hop;
	const char *reason;
	uint8_t proto;
	uint8_t verdict;
} went;

_Static_assert(sizeof(rp_net_exposure) == 56, "an exposure is 56 bytes");

typedef struct ent {
	went e;
	size_t src;
	uint64_t h; /* ent_hash */
} ent;

/* Entries in order of first appearance, with an open-addressing index
 * (hash -> position + 1) to find the entry a piece merges into. */
typedef struct entv {
	ent *v;
	size_t n, cap;
	uint32_t *ix;
	size_t ixcap; /* power of two, > 2n; 0: none yet */
} entv;

static void entv_release(entv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		rp_net_pset_release(&v->v[i].e.ports);
	free(v->v);
	free(v->ix);
	memset(v, 0, sizeof(*v));
}

/* Empties v for reuse (keeps its arrays). */
static void entv_clear(entv *v)
{
	size_t i, slot, k;
	bool all = false;

	for (i = 0; i < v->n; i++)
		rp_net_pset_release(&v->v[i].e.ports);
	/* the index keeps the size of the largest run so far: clear only
	 * the slots of these entries when they are few (else all of it) */
	if (v->ixcap && v->n * 8 >= v->ixcap)
		all = true;
	for (i = 0; v->ixcap && !all && i < v->n; i++) {
		slot = v->v[i].h & (v->ixcap - 1);
		for (k = 0; k < v->ixcap && v->ix[slot] != i + 1; k++)
			slot = (slot + 1) & (v->ixcap - 1);
		if (k == v->ixcap)
			all = true; /* not indexed: clear everything */
		else
			v->ix[slot] = 0;
	}
	if (all)
		memset(v->ix, 0, v->ixcap * sizeof(*v->ix));
	v->n = 0;
}

static bool aset_eq(const rp_net_aset *a, const rp_net_aset *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	if (a->v == b->v)
		return true;
	for (i = 0; i < a->n; i++)
		if (rp_net_addr_cmp(&a->v[i].lo, &b->v[i].lo) ||
		    rp_net_addr_cmp(&a->v[i].hi, &b->v[i].hi))
			return false;
	return true;
}

static inline uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + UINT64_C(0x9E3779B97F4A7C15) + (h << 6) + (h >> 2);
	return h * UINT64_C(0xBF58476D1CE4E5B9);
}

static inline uint64_t hop_hash(uint64_t h, const rp_net_hop *hp)
{
	h = mix(h, (uint64_t)(uintptr_t)hp->nsg);
	h = mix(h, (uint64_t)(uintptr_t)hp->rule);
	return mix(h, hp->verdict);
}

static bool same_hop(const rp_net_hop *a, const rp_net_hop *b)
{
	return a->nsg == b->nsg && a->rule == b->rule && a->verdict == b->verdict;
}

static const char *piece_reason(const rp_net_piece *pc)
{
	return pc->hop[0].reason ? pc->hop[0].reason : pc->hop[1].reason;
}

static const rp_net_pival all_ports = { 0, RP_NET_PORT_MAX };
static const rp_net_pset all_ports_set = { (rp_net_pival *)(uintptr_t)&all_ports, 1, 0 };

/* Frozen interval arrays shared by content: the clipped remote sets and
 * merged port sets of entries repeat from decision to decision (the same
 * subnet clipped out of the same kind of piece), so each distinct one is
 * stored once in the topology's arena, behind its set header (an
 * rp_net_aset or rp_net_pset that exposures point at). */
typedef struct ivtab {
	struct ivslot {
		uint64_t h;      /* the content's hash; its low bit is the kind (0: address
				  * intervals, 1: port intervals) */
		const void *hdr; /* rp_net_aset (kind 0) or rp_net_pset (kind 1) */
	} * t;                   /* 16-byte slots: the probes of a big estate miss the cache */
	size_t cap, n;           /* cap: power of two */
} ivtab;

static void ivtab_release(ivtab *tab)
{
	free(tab->t);
	memset(tab, 0, sizeof(*tab));
}

static bool iv_same(uint8_t kind, const void *a, const void *b, size_t n)
{
	size_t i;

	if (kind == 1)
		return !memcmp(a, b, n * sizeof(rp_net_pival));
	for (i = 0; i < n; i++) {
		const rp_net_ival *x = (const rp_net_ival *)a + i, *y = (const rp_net_ival *)b + i;
		if (rp_net_addr_cmp(&x->lo, &y->lo) || rp_net_addr_cmp(&x->hi, &y->hi))
			return false;
	}
	return true;
}

/* The shared frozen set of v[0..n) (n > 0; kind as in ivslot): its
 * header, or NULL. */
static const void *iv_intern(rp_arena *a, ivtab *tab, uint8_t kind, const void *v, size_t n)
{
	size_t esz = kind == 0 ? sizeof(rp_net_ival) : sizeof(rp_net_pival), i, pos;
	uint64_t h = mix(kind, n);
	char *p;

	if (kind == 0)
		for (i = 0; i < n; i++)
			h = mix(h, rp_net_ival_key(&((const rp_net_ival *)v)[i]));
	else
		for (i = 0; i < n; i++)
			h = mix(h, ((uint64_t)((const rp_net_pival *)v)[i].lo << 32) |
					   ((const rp_net_pival *)v)[i].hi);
	if (2 * (tab->n + 1) > tab->cap) {
		size_t nc = tab->cap ? 2 * tab->cap : 64;
		struct ivslot *nt = calloc(nc, sizeof(*nt));
		if (!nt)
			return NULL;
		for (i = 0; i < tab->cap; i++)
			if (tab->t[i].hdr) {
				for (pos = tab->t[i].h & (nc - 1); nt[pos].hdr;
				     pos = (pos + 1) & (nc - 1))
					;
				nt[pos] = tab->t[i];
			}
		free(tab->t);
		tab->t = nt;
		tab->cap = nc;
	}
	h = (h & ~(uint64_t)1) | kind;
	for (pos = h & (tab->cap - 1); tab->t[pos].hdr; pos = (pos + 1) & (tab->cap - 1)) {
		const struct ivslot *x = &tab->t[pos];
		if (x->h == h) {
			const void *xv;
			size_t xn;
			if (kind == 0) {
				xv = ((const rp_net_aset *)x->hdr)->v;
				xn = ((const rp_net_aset *)x->hdr)->n;
			} else {
				xv = ((const rp_net_pset *)x->hdr)->v;
				xn = ((const rp_net_pset *)x->hdr)->n;
			}
			if (xn == n && iv_same(kind, xv, v, n))
				return x->hdr;
		}
	}
	/* header (24 bytes, padded to 32) then the intervals */
	if (n > (SIZE_MAX - 32) / esz || !(p = rp_arena_alloc(a, 32 + n * esz)))
		return NULL;
	memcpy(p + 32, v, n * esz);
	if (kind == 0) {
		rp_net_aset *s = (rp_net_aset *)(void *)p;
		s->v = (rp_net_ival *)(void *)(p + 32);
		s->n = n;
		s->cap = 0;
	} else {
		rp_net_pset *s = (rp_net_pset *)(void *)p;
		s->v = (rp_net_pival *)(void *)(p + 32);
		s->n = n;
		s->cap = 0;
	}
	tab->t[pos].h = h;
	tab->t[pos].hdr = p;
	tab->n++;
	return p;
}

/* The shared frozen copy of an entry's ports: pref when the entry still
 * borrows a frozen set, else its merged set interned by content. */
static const rp_net_pset *ports_freeze(rp_arena *a, ivtab *tab, const rp_net_pset *s,
				       const rp_net_pset *pref)
{
	static const rp_net_pset none = { NULL, 0, 0 };

	if (pref)
		return pref;
	if (!s->n)
		return &none;
	return iv_intern(a, tab, 1, s->v, s->n);
}

/* Headers of remote sets that are runs of a piece's intervals (one per
 * committed entry; copies of shared east-west entries point at the same
 * one): 2 MiB chunks, so they take few page faults. */
#define HDR_CHUNK ((size_t)2 << 20)

typedef struct hdrchunk {
	struct hdrchunk *next;
	size_t used, size;
} hdrchunk;

/* Header chunks double from HDR_FIRST to HDR_CHUNK: a small template
 * takes one small heap block, a big estate 2 MiB chunks on huge pages. */
#define HDR_FIRST ((size_t)4 << 10)

static rp_net_aset *hdr_new(topo_priv *p)
{
	hdrchunk *c = p->hdrs;
	rp_net_aset *s;

	if (!c || c->used + sizeof(*s) > c->size) {
		size_t sz = c ? (c->size < HDR_CHUNK ? 2 * c->size : HDR_CHUNK) : HDR_FIRST;
		void *m = NULL;
		if (sz >= HDR_CHUNK) {
			if (posix_memalign(&m, HDR_CHUNK, sz) != 0)
				return NULL;
#ifdef MADV_HUGEPAGE
			madvise(m, sz, MADV_HUGEPAGE);
#endif
		} else if (!(m = malloc(sz))) {
			return NULL;
		}
		c = m;
		c->next = p->hdrs;
		c->size = sz;
		c->used = (sizeof(*c) + 15) & ~(size_t)15;
		p->hdrs = c;
	}
	s = (rp_net_aset *)(void *)((char *)c + c->used);
	c->used += sizeof(*s);
	return s;
}

static void hdrs_free(void *hdrs)
{
	hdrchunk *c = hdrs;

	while (c) {
		hdrchunk *n = c->next;
		free(c);
		c = n;
	}
}

/* Adds the ports of pc within [lo, hi] as an entry (merged with an equal
 * one).  The entry borrows the piece's set (or all_ports) while it is not
 * merged with another. */
static int ent_add(rp_arena *a, ivtab *tab, entv *v, const rp_net_endpoint *ep, size_t src,
		   const rp_mobj *src_subnet, const rp_net_piece *pc, const rp_net_aset *remote,
		   bool pooled, uint8_t verdict, const char *reason, rp_net_pival win)
{
	rp_net_pset ports = { 0 };
	const rp_net_pset *pref = NULL;
	size_t i, slot;
	uint64_t h;
	int rc = 0;

	if (!rp_net__portful(pc->proto)) {
		ports.v = (rp_net_pival *)(uintptr_t)&all_ports; /* frozen (cap 0): never written */
		ports.n = 1;
		pref = &all_ports_set;
	} else if (pc->dports.n && win.lo <= pc->dports.v[0].lo &&
		   win.hi >= pc->dports.v[pc->dports.n - 1].hi) {
		/* the piece's own (frozen, engine-owned) set */
		ports.v = pc->dports.v;
		ports.n = pc->dports.n;
		pref = &pc->dports;
	} else {
		for (i = 0; i < pc->dports.n && rc == 0; i++) {
			uint32_t lo = pc->dports.v[i].lo > win.lo ? pc->dports.v[i].lo : win.lo;
			uint32_t hi = pc->dports.v[i].hi < win.hi ? pc->dports.v[i].hi : win.hi;
			if (lo <= hi)
				rc = rp_net_pset_add(&ports, lo, hi);
		}
	}
	if (rc < 0 || ports.n == 0)
		goto out;
	h = mix(mix(mix(mix(mix(0, src), (uint64_t)(uintptr_t)ep), pc->proto), verdict),
		(uint64_t)(uintptr_t)reason);
	h = hop_hash(hop_hash(h, &pc->hop[0]), &pc->hop[1]);
	/* the remote set by its size and ends (aset_eq decides) */
	h = mix(h, remote->n);
	if (remote->n) {
		const rp_net_addr *lo = &remote->v[0].lo, *hi = &remote->v[remote->n - 1].hi;
		h = mix(mix(mix(h, lo->fam), lo->hi), lo->lo);
		h = mix(mix(mix(h, hi->fam), hi->hi), hi->lo);
	}
	if (v->ixcap) {
		for (slot = h & (v->ixcap - 1); v->ix[slot]; slot = (slot + 1) & (v->ixcap - 1)) {
			ent *e = &v->v[v->ix[slot] - 1];
			if (e->h == h && e->src == src && e->e.endpoint == ep &&
			    e->e.proto == pc->proto && e->e.verdict == verdict &&
			    e->e.reason == reason && same_hop(&e->e.hop[0], &pc->hop[0]) &&
			    same_hop(&e->e.hop[1], &pc->hop[1]) && aset_eq(&e->e.remote, remote)) {
				if (e->e.ports.cap == 0) { /* borrowed: own a copy first */
					rp_net_pset own = { 0 };
					rc = rp_net_pset_add_set(&own, &e->e.ports);
					e->e.ports = own;
				}
				if (rc == 0)
					rc = rp_net_pset_add_set(&e->e.ports, &ports);
				e->e.pref = NULL;
				goto out;
			}
		}
	}
	if (2 * (v->n + 1) >= v->ixcap) {
		size_t nc = v->ixcap ? v->ixcap * 2 : 64, k;
		uint32_t *nix = calloc(nc, sizeof(*nix));
		if (!nix || v->n >= UINT32_MAX - 1) {
			free(nix);
			rc = -RP_ENOMEM;
			goto out;
		}
		for (k = 0; k < v->n; k++) {
			size_t sl = v->v[k].h & (nc - 1);
			while (nix[sl])
				sl = (sl + 1) & (nc - 1);
			nix[sl] = (uint32_t)(k + 1);
		}
		free(v->ix);
		v->ix = nix;
		v->ixcap = nc;
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
		ent *e;
		rp_net_aset own = *remote;
		const rp_net_aset *rref = NULL;
		/* a clipped remote set lives in the hits' pool until the next
		 * decision: the entry keeps a shared arena copy */
		if (pooled && remote->n) {
			rref = iv_intern(a, tab, 0, remote->v, remote->n);
			if (!rref) {
				rc = -RP_ENOMEM;
				goto out;
			}
			own = *rref;
		} else if (remote->v == pc->remote.v && remote->n == pc->remote.n) {
			rref = &pc->remote;
		}
		e = &v->v[v->n++];
		memset(e, 0, sizeof(*e));
		for (slot = h & (v->ixcap - 1); v->ix[slot]; slot = (slot + 1) & (v->ixcap - 1))
			;
		v->ix[slot] = (uint32_t)v->n;
		e->h = h;
		e->src = src;
		e->e.endpoint = ep;
		e->e.source_subnet = src_subnet;
		e->e.remote = own; /* engine-owned or frozen in the topology's arena */
		e->e.proto = pc->proto;
		e->e.verdict = verdict;
		e->e.ports = ports;
		e->e.pref = pref;
		e->e.rref = rref;
		e->e.hop = pc->hop; /* the piece lives as long as the topology */
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

/* State of one rp_net_topo_exposures run: buffers reused for every
 * ipConfiguration (nothing of it outlives the run but what it commits). */
typedef struct xctx {
	rp_net_topo *t;
	size_t cap; /* of t->exp */
	rp_net__hits hs;
	srcset s;
	size_t scap;
	ivtab iv;
	entv ev; /* entries of the current ipConfiguration (exact path) */
} xctx;

static int sources(xctx *c, const rp_net_ipc *x)
{
	rp_net_topo *t = c->t;
	topo_priv *p = t->priv;
	srcset *s = &c->s;
	size_t i, k;

	s->n = 0;
	if (c->scap < p->nsubnets + 2) {
		size_t n = p->nsubnets + 2;
		const rp_net_aset **ns = realloc(s->sets, n * sizeof(*ns));
		const rp_mobj **nb;
		if (ns)
			s->sets = ns;
		nb = ns ? realloc(s->subnet, n * sizeof(*nb)) : NULL;
		if (!nb)
			return -RP_ENOMEM;
		s->subnet = nb;
		c->scap = n;
	}
	s->subnet[0] = s->subnet[1] = NULL;
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

/* The entries of one piece met by source si (remote: the addresses they
 * share; pooled: remote lives in the hits' pool). */
static int piece_entries(xctx *c, const rp_net_ipc *x, const srcset *s, size_t si,
			 const rp_net_piece *pc, const rp_net_aset *remote, bool pooled, entv *v)
{
	const char *reason = pc->verdict == RP_NET_UNKNOWN ? piece_reason(pc) : NULL;
	uint8_t verdict = pc->verdict;
	size_t k;
	int rc = 0;

	if (si == 1) {
		verdict = RP_NET_UNKNOWN;
		reason = why_maybe_internet;
	}
	if (verdict == RP_NET_UNKNOWN && !reason)
		reason = x->nsg_unknown ? x->nsg_unknown : "not known";
	if (si >= 2)
		return ent_add(c->t->arena, &c->iv, v, NULL, si, s->subnet[si], pc, remote, pooled,
			       verdict, reason, (rp_net_pival){ 0, RP_NET_PORT_MAX });
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
		rc = ent_add(c->t->arena, &c->iv, v, ep, si, NULL, pc, remote, pooled, ev, er,
			     ep->backend);
	}
	return rc;
}

/* Entries of one evaluation (one local address) from the sources lo..hi-1
 * (entries come grouped by source, in source order, so the entries of
 * 0..n-1 are those of 0..k-1 followed by those of k..n-1). */
static int entries_range(xctx *c, const rp_net_ipc *x, const rp_net_result *res, size_t lo,
			 size_t hi, entv *v)
{
	rp_net_topo *t = c->t;
	const srcset *s = &c->s;
	rp_net__hits *hs = &c->hs;
	size_t si, i;
	int rc;

	if (hi <= lo)
		return 0;
	rc = rp_net__result_hits(res, s->sets + lo, hi - lo, ALLOW_BIT | UNKNOWN_BIT, hs);
	if (rc == -RP_EINVAL) { /* overlapping sources: one at a time */
		rp_net_result o;
		for (rc = 0, si = lo; si < hi && rc == 0; si++) {
			rc = rp_net_result_restrict(res, s->sets[si], ALLOW_BIT | UNKNOWN_BIT,
						    t->arena, &o);
			for (i = 0; i < o.n && rc == 0; i++)
				rc = piece_entries(c, x, s, si, &o.pieces[i], &o.pieces[i].remote,
						   false, v);
		}
		return rc;
	}
	for (si = lo; si < hi && rc == 0; si++)
		for (i = hs->start[si - lo]; i < hs->start[si - lo + 1] && rc == 0; i++) {
			const rp_net__hit *ht = &hs->sorted[i];
			rp_net_aset remote;
			rp_net__hit_remote(hs, ht, &remote);
			rc = piece_entries(c, x, s, si, ht->pc, &remote, !ht->borrowed, v);
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

/* True when big covers small clipped to [clo, chi]; *any set when
 * something of small is in [clo, chi].  Sets are normalized (sorted,
 * disjoint, non-adjacent), so each clipped interval of small must lie
 * within one interval of big: one merge walk, no allocation. */
static bool covers_clip(const rp_net_aset *big, const rp_net_aset *small, const rp_net_addr *clo,
			const rp_net_addr *chi, bool *any)
{
	size_t i, j = 0;

	*any = false;
	for (i = 0; i < small->n; i++) {
		const rp_net_addr *lo = &small->v[i].lo, *hi = &small->v[i].hi;
		if (rp_net_addr_cmp(lo, clo) < 0)
			lo = clo;
		if (rp_net_addr_cmp(hi, chi) > 0)
			hi = chi;
		if (rp_net_addr_cmp(lo, hi) > 0)
			continue;
		*any = true;
		while (j < big->n && rp_net_addr_cmp(&big->v[j].hi, lo) < 0)
			j++;
		if (j == big->n || rp_net_addr_cmp(&big->v[j].lo, lo) > 0 ||
		    rp_net_addr_cmp(&big->v[j].hi, hi) < 0)
			return false;
	}
	return true;
}

/* whole_source of an entry (remote: its addresses, from source src). */
static bool whole_of(const srcset *s, const rp_net_aset *remote, size_t src)
{
	rp_net_addr lo = rp_net_addr_min(), hi = rp_net_addr_max();
	bool any, whole = false;
	int f;

	if (src == 1)
		return false;
	if (src >= 2)
		return covers_clip(remote, s->sets[src], &lo, &hi, &any);
	/* the Internet: all of its IPv4 or all of its IPv6 part */
	for (f = 0; f < 2 && !whole; f++) {
		lo = f == 0 ? rp_net_addr_v4(0) : rp_net_addr_v6(0, 0);
		hi = f == 0 ? rp_net_addr_v4(0xFFFFFFFFu) : rp_net_addr_v6(UINT64_MAX, UINT64_MAX);
		whole = covers_clip(remote, s->sets[0], &lo, &hi, &any) && any;
	}
	return whole;
}

/* Room for n more exposures at t->exp + t->nexp.  A small array (most
 * templates have a few dozen exposures) is a heap block: no system call
 * and no fresh pages per file when a scan walks many files.  From EXP_HUGE
 * on it is a private anonymous mapping (a big estate has millions of
 * exposures): it grows with mremap, which moves pages instead of copying
 * them, and asks for huge pages, which take far fewer page faults to
 * fill.  p->exp_mapped tells which. */
#define EXP_HUGE ((size_t)2 << 20)

static rp_net_exposure *exp_reserve(rp_net_topo *t, size_t n, size_t *cap)
{
	topo_priv *p = t->priv;

	if (t->nexp + n > *cap) {
		size_t nc = *cap ? *cap : 16, bytes;
		void *m;
		while (nc < t->nexp + n)
			nc *= 2;
		if (nc > SIZE_MAX / sizeof(*t->exp) / 2)
			return NULL;
		bytes = nc * sizeof(*t->exp);
		if (bytes < EXP_HUGE) {
			m = realloc(t->exp, bytes);
			if (!m)
				return NULL;
		} else {
			bytes = (bytes + EXP_HUGE - 1) & ~(EXP_HUGE - 1);
			m = p->exp_mapped ? mremap(t->exp, p->exp_bytes, bytes, MREMAP_MAYMOVE)
					  : mmap(NULL, bytes, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m == MAP_FAILED)
				return NULL;
#ifdef MADV_HUGEPAGE
			madvise(m, bytes, MADV_HUGEPAGE);
#endif
			if (!p->exp_mapped) { /* from the heap block: copy (under 2 MiB) */
				if (t->nexp)
					memcpy(m, t->exp, t->nexp * sizeof(*t->exp));
				free(t->exp);
				p->exp_mapped = true;
			}
		}
		t->exp = m;
		p->exp_bytes = bytes;
		*cap = bytes / sizeof(*t->exp);
	}
	return t->exp + t->nexp;
}

void rp_net__exposures_free(rp_net_topo *t)
{
	topo_priv *p = t->priv;

	if (p && p->exp_mapped)
		munmap(t->exp, p->exp_bytes);
	else
		free(t->exp);
	if (p) {
		hdrs_free(p->hdrs);
		p->hdrs = NULL;
		p->exp_mapped = false;
		free(p->xruns);
		p->xruns = NULL;
	}
	t->exp = NULL;
	t->nexp = 0;
	t->nexp_all = 0;
}

static int commit(xctx *c, entv *v)
{
	rp_net_topo *t = c->t;
	rp_net_exposure *e;
	size_t i;

	if (!v->n)
		return 0;
	e = exp_reserve(t, v->n, &c->cap);
	if (!e)
		return -RP_ENOMEM;
	for (i = 0; i < v->n; i++, e++) {
		const went *w = &v->v[i].e;
		e->endpoint = w->endpoint;
		e->source_subnet = w->source_subnet;
		e->remote = w->rref;
		if (!e->remote) {
			rp_net_aset *r = hdr_new(t->priv);
			if (!r)
				return -RP_ENOMEM;
			*r = w->remote;
			e->remote = r;
		}
		e->ports = ports_freeze(t->arena, &c->iv, &w->ports, w->pref);
		if (!e->ports)
			return -RP_ENOMEM;
		e->hop = w->hop;
		e->reason = w->reason;
		e->whole_source = whole_of(&c->s, &w->remote, v->v[i].src);
		e->proto = w->proto;
		e->verdict = w->verdict;
		t->nexp++;
	}
	return 0;
}

/* ---- east-west entries shared between ipConfigurations ----
 *
 * The east-west entries of an ipConfiguration with one known address
 * depend only on its decision (the engine's result, shared by every NIC
 * with the same NSGs and the same local matches), its sources (its subnet
 * and network) and the reason used when an NSG is not known; NICs of one
 * tier share all of them.  They are computed and committed for the first
 * ipConfiguration of such a key; the others refer to that run of t->exp
 * (by index: the array may move as it grows) as their second run, without
 * a copy (an exposure does not name its ipConfiguration). */

typedef struct ew_ent {
	const rp_net_result *res;
	const rp_mobj *subnet;
	size_t vnet_index;
	const char *nsg_unknown;
	size_t first, n; /* t->exp[first .. first + n) */
} ew_ent;

typedef struct ew_cache {
	ew_ent *t;
	size_t cap, n; /* cap: power of two */
} ew_cache;

static uint64_t ew_hash(const rp_net_result *res, const rp_mobj *subnet, size_t vnet_index,
			const char *nsg_unknown)
{
	uint64_t h = mix(0, (uint64_t)(uintptr_t)res);
	h = mix(h, (uint64_t)(uintptr_t)subnet);
	h = mix(h, vnet_index);
	return mix(h, (uint64_t)(uintptr_t)nsg_unknown);
}

static ew_ent *ew_find(ew_cache *c, const rp_net_result *res, const rp_net_ipc *x, bool *found)
{
	size_t i;

	*found = false;
	if (!c->cap)
		return NULL;
	for (i = ew_hash(res, x->subnet, x->vnet_index, x->nsg_unknown) & (c->cap - 1); c->t[i].res;
	     i = (i + 1) & (c->cap - 1))
		if (c->t[i].res == res && c->t[i].subnet == x->subnet &&
		    c->t[i].vnet_index == x->vnet_index && c->t[i].nsg_unknown == x->nsg_unknown) {
			*found = true;
			return &c->t[i];
		}
	return &c->t[i];
}

static int ew_grow(ew_cache *c)
{
	size_t nc = c->cap ? c->cap * 2 : 16, i, j;
	ew_ent *nt;

	if (2 * (c->n + 1) < c->cap)
		return 0;
	nt = calloc(nc, sizeof(*nt));
	if (!nt)
		return -RP_ENOMEM;
	for (i = 0; i < c->cap; i++) {
		const ew_ent *e = &c->t[i];
		if (!e->res)
			continue;
		for (j = ew_hash(e->res, e->subnet, e->vnet_index, e->nsg_unknown) & (nc - 1);
		     nt[j].res; j = (j + 1) & (nc - 1))
			;
		nt[j] = *e;
	}
	free(c->t);
	c->t = nt;
	c->cap = nc;
	return 0;
}

void rp_net__exposure_cache_free(void *cache)
{
	ew_cache *c = cache;

	if (!c)
		return;
	free(c->t);
	free(c);
}

/* The east-west exposures of x (decision res): copied from the first
 * ipConfiguration with the same key, or computed and committed. */
static int ew_exposures(xctx *c, const rp_net_ipc *x, const rp_net_result *res)
{
	rp_net_topo *t = c->t;
	topo_priv *p = t->priv;
	ew_cache *ec = p->ew;
	ew_ent *slot;
	entv *v = &c->ev;
	bool found;
	size_t first;
	int rc;

	if (!ec) {
		ec = p->ew = calloc(1, sizeof(*ec));
		if (!ec)
			return -RP_ENOMEM;
	}
	slot = ew_find(ec, res, x, &found);
	if (found) {
		topo_xrun *xr = &p->xruns[x - t->ipcs];
		p->ew_shared++;
		xr->first[1] = slot->first;
		xr->n[1] = slot->n;
		return 0;
	}
	entv_clear(v);
	first = t->nexp;
	rc = entries_range(c, x, res, 2, c->s.n, v);
	if (rc == 0)
		rc = commit(c, v);
	if (rc == 0 && (rc = ew_grow(ec)) == 0) {
		slot = ew_find(ec, res, x, &found); /* the table may have grown */
		slot->res = res;
		slot->subnet = x->subnet;
		slot->vnet_index = x->vnet_index;
		slot->nsg_unknown = x->nsg_unknown;
		slot->first = first;
		slot->n = t->nexp - first;
		ec->n++;
	}
	return rc;
}

/* An ipConfiguration with one known address: one evaluation; Internet
 * entries of its own (they depend on its public endpoints), east-west
 * entries shared. */
static int expose_exact(xctx *c, const rp_net_ipc *x, const rp_net_addr *local)
{
	rp_net_topo *t = c->t;
	const rp_net_result *res = NULL;
	bool full;
	int rc;

	entv_clear(&c->ev);
	rc = rp_net__engine_eval_some(t->eng, &x->chain, RP_NET_IN, local, EVAL_MASK, &res, &full);
	/* Internet entries come from public endpoints only (piece_entries):
	 * without one, the Internet sources need not be met at all */
	if (rc == 0 && x->neps)
		rc = entries_range(c, x, res, 0, c->s.n < 2 ? c->s.n : 2, &c->ev);
	if (rc == 0)
		rc = commit(c, &c->ev);
	if (rc == 0)
		rc = ew_exposures(c, x, res);
	return rc;
}

static int expose_ipc(xctx *c, const rp_net_ipc *x)
{
	rp_net_topo *t = c->t;
	struct reps r;
	entv v[2];
	size_t i, k;
	bool differ = false;
	int rc;

	memset(v, 0, sizeof(v));
	local_reps(x, RP_NET_IN, &r);
	if ((rc = sources(c, x)) < 0)
		return rc;
	if (r.n == 1 && !r.truncated && !((topo_priv *)t->priv)->ew_off)
		return expose_exact(c, x, &r.v[0]);
	for (i = 0; i < r.n && rc == 0; i++) {
		const rp_net_result *res = NULL;
		bool full;
		entv *cur = i == 0 ? &v[0] : &v[1];
		if (i > 0)
			entv_release(&v[1]);
		rc = rp_net__engine_eval_some(t->eng, &x->chain, RP_NET_IN, &r.v[i], EVAL_MASK,
					      &res, &full);
		if (rc == 0)
			rc = entries_range(c, x, res, 0, c->s.n, cur);
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
		rc = commit(c, &v[0]);
	entv_release(&v[0]);
	entv_release(&v[1]);
	return rc;
}

void rp_net__topo_share_ew(rp_net_topo *t, bool on)
{
	((topo_priv *)t->priv)->ew_off = !on;
}

size_t rp_net__topo_ew_shared(const rp_net_topo *t)
{
	return ((const topo_priv *)t->priv)->ew_shared;
}

void rp_net__topo_query_full(rp_net_topo *t, bool on)
{
	((topo_priv *)t->priv)->query_full = on;
}

void rp_net__topo_query_stats(const rp_net_topo *t, size_t *light, size_t *uncovered)
{
	*light = ((const topo_priv *)t->priv)->q_light;
	*uncovered = ((const topo_priv *)t->priv)->q_uncovered;
}

int rp_net_topo_exposures(rp_net_topo *t, size_t *n)
{
	size_t i;
	int rc = 0;

	if (!t->exp_done) {
		xctx c;
		memset(&c, 0, sizeof(c));
		c.t = t;
		topo_priv *p = t->priv;
		if (!(p->xruns = calloc(t->nipcs ? t->nipcs : 1, sizeof(*p->xruns))))
			return -RP_ENOMEM;
		for (i = 0; i < t->nipcs && rc == 0; i++) {
			topo_xrun *xr = &p->xruns[i];
			xr->first[0] = t->nexp;
			rc = expose_ipc(&c, &t->ipcs[i]);
			xr->n[0] = t->nexp - xr->first[0];
			t->nexp_all += xr->n[0] + xr->n[1];
		}
		rp_net__hits_release(&c.hs);
		ivtab_release(&c.iv);
		entv_release(&c.ev);
		free(c.s.sets);
		free(c.s.subnet);
		if (rc < 0)
			return rc;
		t->exp_done = true;
	}
	*n = t->nexp_all;
	return 0;
}

void rp_net_topo_ipc_exposures(const rp_net_topo *t, size_t i, rp_net_exp_runs *out)
{
	const topo_priv *p = t->priv;
	int r;

	memset(out, 0, sizeof(*out));
	if (!t->exp_done || !p->xruns || i >= t->nipcs)
		return;
	for (r = 0; r < 2; r++) {
		out->n[r] = p->xruns[i].n[r];
		out->v[r] = out->n[r] ? t->exp + p->xruns[i].first[r] : NULL;
	}
}

void rp_net_exp_first(rp_net_exp_iter *it, const rp_net_topo *t, size_t lo, size_t hi)
{
	memset(it, 0, sizeof(*it));
	it->t = t;
	it->ipc = lo;
	it->hi = hi < t->nipcs ? hi : t->nipcs;
	if (it->ipc < it->hi)
		rp_net_topo_ipc_exposures(t, it->ipc, &it->r);
}

const rp_net_exposure *rp_net_exp_next(rp_net_exp_iter *it, const rp_net_ipc **ipc)
{
	while (it->ipc < it->hi) {
		if (it->run < 2 && it->k < it->r.n[it->run]) {
			if (ipc)
				*ipc = &it->t->ipcs[it->ipc];
			return &it->r.v[it->run][it->k++];
		}
		if (it->run < 2) {
			it->run++;
			it->k = 0;
			continue;
		}
		it->ipc++;
		it->run = 0;
		it->k = 0;
		if (it->ipc < it->hi)
			rp_net_topo_ipc_exposures(it->t, it->ipc, &it->r);
	}
	return NULL;
}

bool rp_net_proto_has_ports(unsigned proto)
{
	return rp_net__portful(proto);
}

bool rp_net_exposure_has_port(const rp_net_exposure *e, uint32_t p)
{
	return !rp_net__portful(e->proto) || rp_net_pset_contains(e->ports, p);
}

const char *rp_net_exposure_source(const rp_net_exposure *e)
{
	if (!e->source_subnet)
		return "Internet";
	return e->source_subnet->name ? e->source_subnet->name : "subnet";
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
	const rp_net_result *res; /* the decision evaluated */
	bool complete;            /* res has the denied pieces (deny, first[DENY]) */
};

/* One local address: light evaluates the allowed and unknown pieces only
 * (or the complete decision when the engine has it), else the complete
 * decision. */
static int q_eval(rp_net_topo *t, const rp_net_ipc *x, const rp_net_query *q,
		  const rp_net_addr *local, const rp_net_aset *yes, const rp_net_aset *maybe,
		  bool light, struct qacc *a)
{
	const rp_net_result *res = NULL;
	rp_net_aset tmp = { 0 };
	size_t i;
	int rc;

	a->complete = true;
	if (light)
		rc = rp_net__engine_eval_some(t->eng, &x->chain, q->dir, local,
					      ALLOW_BIT | UNKNOWN_BIT, &res, &a->complete);
	else
		rc = rp_net_engine_eval(t->eng, &x->chain, q->dir, local, &res);
	a->res = res;

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
	memset(a, 0, sizeof(*a));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Whether r's allowed and unknown pieces leave some flow (q's protocol
 * and port, any source port, a remote address of yes or maybe) uncovered:
 * the pieces partition every flow, so exactly then a denied piece meets
 * the query (what the complete decision's deny set would say).  0 or
 * -RP_ENOMEM. */
static int q_uncovered(const rp_net_result *r, const rp_net_query *q, const rp_net_aset *yes,
		       const rp_net_aset *maybe, bool *out)
{
	rp_net_aset u = { 0 }, acc = { 0 }, tmp = { 0 };
	uint32_t *cut = NULL;
	size_t i, k, ncut = 0, cap = 2;
	int rc = -RP_ENOMEM;

	*out = false;
	if ((yes && rp_net_aset_add_set(&u, yes) < 0) ||
	    (maybe && rp_net_aset_add_set(&u, maybe) < 0))
		goto out;
	if (!u.n) {
		rc = 0;
		goto out;
	}
	/* the source-port classes of the pieces that matter */
	for (i = 0; i < r->n; i++)
		if (r->pieces[i].proto == q->proto && piece_has_port(&r->pieces[i], q->port))
			cap += 2 * r->pieces[i].sports.n;
	cut = malloc(cap * sizeof(*cut));
	if (!cut)
		goto out;
	cut[ncut++] = 0;
	for (i = 0; i < r->n; i++) {
		const rp_net_piece *pc = &r->pieces[i];
		if (pc->proto != q->proto || !piece_has_port(pc, q->port))
			continue;
		for (k = 0; k < pc->sports.n; k++) {
			cut[ncut++] = pc->sports.v[k].lo;
			if (pc->sports.v[k].hi < RP_NET_PORT_MAX)
				cut[ncut++] = pc->sports.v[k].hi + 1;
		}
	}
	qsort(cut, ncut, sizeof(*cut), cmp_u32);
	for (k = 0; k < ncut && !*out; k++) {
		if (k > 0 && cut[k] == cut[k - 1])
			continue;
		acc.n = 0;
		for (i = 0; i < r->n; i++) {
			const rp_net_piece *pc = &r->pieces[i];
			if (pc->proto != q->proto || pc->verdict == RP_NET_DENY ||
			    !piece_has_port(pc, q->port) ||
			    (rp_net__portful(pc->proto) &&
			     !rp_net_pset_contains(&pc->sports, cut[k])))
				continue;
			tmp.n = 0;
			if (rp_net_aset_intersect(&tmp, &pc->remote, &u) < 0 ||
			    rp_net_aset_add_set(&acc, &tmp) < 0)
				goto out;
		}
		*out = !rp_net_aset_equal(&acc, &u);
	}
	rc = 0;
out:
	rp_net_aset_release(&u);
	rp_net_aset_release(&acc);
	rp_net_aset_release(&tmp);
	free(cut);
	return rc;
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
	bool differ = false, denied = false;
	int pass;

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
	/* the allowed and unknown pieces first; the denied ones only when
	 * the answer is a denial (its hops come from a denied piece) */
	for (pass = ((topo_priv *)t->priv)->query_full ? 1 : 0; pass < 2 && rc == 0; pass++) {
		differ = false;
		for (i = 0; i < r.n && rc == 0; i++) {
			struct qacc *a = &acc[i == 0 ? 0 : 1];
			uint8_t v;
			qacc_release(a);
			rc = q_eval(t, x, q, &r.v[i], yes, maybe, pass == 0, a);
			if (rc < 0)
				break;
			v = a->unknown.n ? RP_NET_UNKNOWN : a->allow.n ? RP_NET_ALLOW : RP_NET_DENY;
			if (i == 0)
				first_verdict = v;
			else if (v != first_verdict || !rp_net_aset_equal(&acc[0].allow, &a->allow))
				differ = true;
		}
		if (rc < 0 || acc[0].complete || first_verdict != RP_NET_DENY)
			break;
	}
	if (rc < 0)
		goto out;
	denied = acc[0].deny.n > 0;
	if (!acc[0].complete) {
		topo_priv *p = t->priv;
		p->q_light++;
		if (acc[0].allow.n && !acc[0].unknown.n) {
			rc = q_uncovered(acc[0].res, q, yes, maybe, &denied);
			p->q_uncovered += denied;
		}
	}
	if (rc < 0)
		goto out;
	if (rc < 0)
		goto out;
	verdict = first_verdict;
	out->partial = acc[0].allow.n && (denied || acc[0].unknown.n);
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
