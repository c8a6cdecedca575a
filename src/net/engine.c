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
#include "util/str.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
	struct dim remote;      /* literal terms only (prefixes, `*`, unknown) */
	/* tag and ASG terms: per env class, a signature (emap) whose bit
	 * vectors (esy, esp: nes x W) say which rules certainly / possibly
	 * match it; a remote address matches rule r when its literal atom or
	 * its env class does (terms are OR-ed) */
	/* the local side (the NIC): address terms as a dimension, ASG terms
	 * matched against the chain's ASG ids (hash first) */
	struct dim local;
	struct lasg {
		uint32_t rule;
		uint64_t hash; /* case-insensitive */
		const char *id;
		size_t len; /* strlen(id) */
	} * lasg;
	size_t nlasg;
	const struct envpart *ep;
	uint32_t *emap;
	size_t nes;
	uint64_t *esy, *esp;
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
enum {
	SC_DB,
	SC_DY,
	SC_DP,
	SC_DS,
	SC_MB,
	SC_MC,
	SC_MS,
	SC_ML,
	SC_MK,
	SC_RD, /* remote walk: dense class table */
	SC_RS, /* runs: starts */
	SC_RR, /* runs: classes */
	SC_MI, /* materialize: runs by class */
	SC_MG, /* materialize: gathered runs */
	SC_MV, /* materialize: intervals */
	SC_MP, /* materialize: pieces before the verdict filter */
	SC_WS, /* sweep_bits: events per atom */
	SC_WE, /* sweep_bits: events */
	SC_WC, /* sweep_bits: counters */
	SC_WU, /* sweep_bits: current vectors */
	SC_N
};

/* Frozen address sets shared by content (hc_freeze). */
struct hc_ent {
	uint64_t h;
	void *v;
	size_t n;
	uint8_t kind;
};

struct hcons {
	struct hc_ent *t;
	size_t hsize, n;
	struct hchunk *chunks; /* interval storage */
	char *cur;
	size_t left;
	size_t total; /* bytes of the chunks */
};

/* Interval storage: large chunks, so the many frozen sets of a big estate
 * take few page faults (and huge pages where the system offers them). */
struct hchunk {
	struct hchunk *next;
	size_t size;
};

#define HC_CHUNK_MIN ((size_t)64 << 10)
#define HC_CHUNK_MAX ((size_t)4 << 20)
#define HC_HUGE ((size_t)2 << 20)
#define HC_BIG ((size_t)4 << 20)

static void *hc_alloc(struct hcons *hc, size_t bytes)
{
	void *p;

	bytes = (bytes + 15) & ~(size_t)15;
	if (bytes > hc->left) {
		/* chunks grow with the storage (an eighth of it, from 64 KiB
		 * to 4 MiB): a small estate stays small, and the unused tail
		 * of the last chunk stays under a ninth of the whole (doubling
		 * left up to half of it unused).  From HC_BIG on, the estate
		 * is big: chunks are at least a huge page, as doubling made
		 * them there (an eighth alone reached 2 MiB only at 16 MiB,
		 * and the 4 KiB pages in between cost bench-net's exposures
		 * a third more page faults, about 5% of their time). */
		size_t sz = hc->total / 8 > HC_CHUNK_MIN ? hc->total / 8 : HC_CHUNK_MIN;
		struct hchunk *c = NULL;
		if (hc->total >= HC_BIG && sz < HC_HUGE)
			sz = HC_HUGE;
		if (sz > HC_CHUNK_MAX)
			sz = HC_CHUNK_MAX;
		if (sz < bytes + 64)
			sz = bytes + 64;
		if (posix_memalign((void **)&c, sz >= HC_HUGE ? HC_HUGE : 64, sz) != 0)
			return NULL;
#ifdef MADV_HUGEPAGE
		if (sz >= HC_HUGE)
			madvise(c, sz, MADV_HUGEPAGE);
#endif
		c->next = hc->chunks;
		c->size = sz;
		hc->total += sz;
		hc->chunks = c;
		hc->cur = (char *)c + 64;
		hc->left = sz - 64;
	}
	p = hc->cur;
	hc->cur += bytes;
	hc->left -= bytes;
	return p;
}

static void hc_release(struct hcons *hc)
{
	while (hc->chunks) {
		struct hchunk *n = hc->chunks->next;
		free(hc->chunks);
		hc->chunks = n;
	}
	free(hc->t);
	memset(hc, 0, sizeof(*hc));
}

struct gstate;

struct rp_net_engine {
	struct hcons hc;
	struct gstate *gs; /* compute's groups, reused: their class lists keep
			    * their buffers from one decision to the next */
	rp_map envs;       /* env id -> struct envpart */
	rp_map tables;
	rp_map by_content; /* content hash, dir, env id -> the first table built */
	rp_map results;
	size_t computed, cached;
	size_t tables_built, tables_shared;
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

/* Engine memory (tables, env classes, results): the chunked storage of
 * hc_alloc, released with the engine. */
static void *e_alloc(rp_net_engine *e, size_t n)
{
	return hc_alloc(&e->hc, n ? n : 1);
}

static void *e_calloc(rp_net_engine *e, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = hc_alloc(&e->hc, n * size > 0 ? n * size : 1);
	if (p)
		memset(p, 0, n * size);
	return p;
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

/* First index whose element is >= x. */
/* Sorts n addresses: by insertion when few (the boundaries of a small
 * NSG's dimension, most of a scan's tables: qsort's calls through
 * cmp_addr cost more than the moves), else qsort. */
static void sort_addrs(rp_net_addr *b, size_t n)
{
	size_t i, j;

	if (n > 32) {
		/* runs of sorted sets: a merge sort with the comparison inline */
		rp_net_addr *t = malloc(n * sizeof(*t));
		size_t w, lo;
		if (!t) {
			qsort(b, n, sizeof(*b), cmp_addr);
			return;
		}
		for (lo = 0; lo < n; lo += 16)
			sort_addrs(b + lo, n - lo < 16 ? n - lo : 16);
		for (w = 16; w < n; w *= 2) {
			for (lo = 0; lo < n; lo += 2 * w) {
				size_t mid = lo + w < n ? lo + w : n,
				       hi = lo + 2 * w < n ? lo + 2 * w : n;
				size_t x = lo, y = mid, o = lo;
				while (x < mid && y < hi)
					t[o++] =
						rp_net_addr_cmp(&b[y], &b[x]) < 0 ? b[y++] : b[x++];
				while (x < mid)
					t[o++] = b[x++];
				while (y < hi)
					t[o++] = b[y++];
			}
			memcpy(b, t, n * sizeof(*b));
		}
		free(t);
		return;
	}
	for (i = 1; i < n; i++) {
		rp_net_addr x = b[i];
		for (j = i; j > 0 && rp_net_addr_cmp(&b[j - 1], &x) > 0; j--)
			b[j] = b[j - 1];
		b[j] = x;
	}
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

/* First index whose element is > x. */
static size_t upper_bound(const rp_net_addr *v, size_t n, const rp_net_addr *x)
{
	size_t l = 0, r = n;

	while (l < r) {
		size_t m = l + (r - l) / 2;
		if (rp_net_addr_cmp(&v[m], x) <= 0)
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
static int sweep_bits(rp_net_engine *e, const struct dim *d, size_t nr, size_t W,
		      const rp_net_aset *yes, const rp_net_aset *maybe, uint64_t *ty, uint64_t *tp)
{
	size_t nev = 0, r, i, k, *start = NULL;
	struct event *ev = NULL;
	uint32_t *cy = NULL, *cp = NULL;
	uint64_t *cury = NULL, *curp = NULL;
	int rc = -RP_ENOMEM;

	for (r = 0; r < nr; r++)
		nev += 2 * (yes[r].n + maybe[r].n);
	/* engine scratch, not a malloc and free of six arrays per dimension */
	start = scratch(e, SC_WS, (d->na + 2) * sizeof(*start));
	ev = scratch(e, SC_WE, (nev ? nev : 1) * sizeof(*ev));
	cy = scratch(e, SC_WC, 2 * (nr ? nr : 1) * sizeof(*cy));
	cury = scratch(e, SC_WU, 2 * (W ? W : 1) * sizeof(*cury));
	if (!start || !ev || !cy || !cury)
		goto out;
	cp = cy + (nr ? nr : 1);
	curp = cury + (W ? W : 1);
	memset(start, 0, (d->na + 2) * sizeof(*start));
	memset(cy, 0, 2 * (nr ? nr : 1) * sizeof(*cy));
	memset(cury, 0, 2 * (W ? W : 1) * sizeof(*cury));
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
	return rc;
}

/* Builds a dimension from per-rule (yes, maybe) sets over [min, maxa];
 * rules with yes[r] == NULL are not relevant (all bits 0). */
static int dim_build(rp_net_engine *e, struct dim *d, size_t nr, size_t W, rp_net_aset *yes,
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
	sort_addrs(b, nb);
	for (i = k = 0; i < nb; i++)
		if (k == 0 || rp_net_addr_cmp(&b[k - 1], &b[i]) != 0)
			b[k++] = b[i];
	d->na = k;
	d->bound = e_alloc(e, k * sizeof(*d->bound));
	d->sig = e_alloc(e, k * sizeof(*d->sig));
	ty = scratch(e, SC_DY, k * W * sizeof(*ty));
	tp = scratch(e, SC_DP, k * W * sizeof(*tp));
	if (ty && tp) {
		memset(ty, 0, k * W * sizeof(*ty));
		memset(tp, 0, k * W * sizeof(*tp));
	}
	if (!d->bound || !d->sig || !ty || !tp)
		goto out;
	memcpy(d->bound, b, k * sizeof(*b));
	if (sweep_bits(e, d, nr, W, yes, maybe, ty, tp) < 0)
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
	d->yes = e_calloc(e, d->ns * W, sizeof(*d->yes));
	d->poss = e_calloc(e, d->ns * W, sizeof(*d->poss));
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

/* ---- small interning tables ---- */

/* uint64 key -> uint32 value (open addressing; UINT32_MAX = empty). */
struct u64map {
	uint64_t *k;
	uint32_t *v;
	size_t hsize, n;
};

static void u64map_release(struct u64map *m)
{
	free(m->k);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static int u64map_grow(struct u64map *m, size_t hsize)
{
	uint64_t *k = malloc(hsize * sizeof(*k));
	uint32_t *v = malloc(hsize * sizeof(*v));
	size_t i;

	if (!k || !v) {
		free(k);
		free(v);
		return -RP_ENOMEM;
	}
	memset(v, 0xFF, hsize * sizeof(*v));
	for (i = 0; i < m->hsize; i++)
		if (m->v[i] != UINT32_MAX) {
			size_t pos = (size_t)mix64(5, m->k[i]) & (hsize - 1);
			while (v[pos] != UINT32_MAX)
				pos = (pos + 1) & (hsize - 1);
			k[pos] = m->k[i];
			v[pos] = m->v[i];
		}
	free(m->k);
	free(m->v);
	m->k = k;
	m->v = v;
	m->hsize = hsize;
	return 0;
}

/* The value of key; when absent, stores next and returns it. */
static int u64map_intern(struct u64map *m, uint64_t key, uint32_t next, uint32_t *out)
{
	size_t pos;

	if (2 * (m->n + 1) > m->hsize && u64map_grow(m, m->hsize ? 2 * m->hsize : 64) < 0)
		return -RP_ENOMEM;
	pos = (size_t)mix64(5, key) & (m->hsize - 1);
	while (m->v[pos] != UINT32_MAX && m->k[pos] != key)
		pos = (pos + 1) & (m->hsize - 1);
	if (m->v[pos] == UINT32_MAX) {
		m->k[pos] = key;
		m->v[pos] = next;
		m->n++;
	}
	*out = m->v[pos];
	return 0;
}

static bool u64map_get(const struct u64map *m, uint64_t key, uint32_t *out)
{
	size_t pos;

	if (!m->hsize)
		return false;
	pos = (size_t)mix64(5, key) & (m->hsize - 1);
	while (m->v[pos] != UINT32_MAX) {
		if (m->k[pos] == key) {
			*out = m->v[pos];
			return true;
		}
		pos = (pos + 1) & (m->hsize - 1);
	}
	return false;
}

/* Interned pairs of W-word bit vectors (yes, poss): equal pairs get one id. */
struct vint {
	size_t W;
	uint64_t *y, *p; /* n x W */
	uint64_t *h;     /* hash per id */
	size_t n, cap;
	uint32_t *slot;
	size_t hsize;
};

static void vint_release(struct vint *v)
{
	free(v->y);
	free(v->p);
	free(v->h);
	free(v->slot);
	memset(v, 0, sizeof(*v));
}

static int vint_rehash(struct vint *v, size_t hsize)
{
	uint32_t *slot = malloc(hsize * sizeof(*slot));
	size_t i;

	if (!slot)
		return -RP_ENOMEM;
	memset(slot, 0xFF, hsize * sizeof(*slot));
	for (i = 0; i < v->n; i++) {
		size_t pos = (size_t)v->h[i] & (hsize - 1);
		while (slot[pos] != UINT32_MAX)
			pos = (pos + 1) & (hsize - 1);
		slot[pos] = (uint32_t)i;
	}
	free(v->slot);
	v->slot = slot;
	v->hsize = hsize;
	return 0;
}

static int vint_add(struct vint *v, const uint64_t *y, const uint64_t *p, uint32_t *id)
{
	size_t W = v->W, w, pos;
	uint64_t h = 3;

	for (w = 0; w < W; w++)
		h = mix64(mix64(h, y[w]), p[w]);
	if (2 * (v->n + 1) > v->hsize && vint_rehash(v, v->hsize ? 2 * v->hsize : 64) < 0)
		return -RP_ENOMEM;
	pos = (size_t)h & (v->hsize - 1);
	for (;;) {
		uint32_t o = v->slot[pos];
		if (o == UINT32_MAX)
			break;
		if (v->h[o] == h && !memcmp(v->y + o * W, y, W * sizeof(*y)) &&
		    !memcmp(v->p + o * W, p, W * sizeof(*p))) {
			*id = o;
			return 0;
		}
		pos = (pos + 1) & (v->hsize - 1);
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		uint64_t *ny = realloc(v->y, cap * (W ? W : 1) * sizeof(*ny));
		uint64_t *np, *nh;
		if (ny)
			v->y = ny;
		np = ny ? realloc(v->p, cap * (W ? W : 1) * sizeof(*np)) : NULL;
		if (np)
			v->p = np;
		nh = np ? realloc(v->h, cap * sizeof(*nh)) : NULL;
		if (!nh)
			return -RP_ENOMEM;
		v->h = nh;
		v->cap = cap;
	}
	memcpy(v->y + v->n * W, y, W * sizeof(*y));
	memcpy(v->p + v->n * W, p, W * sizeof(*p));
	v->h[v->n] = h;
	v->slot[pos] = (uint32_t)v->n;
	*id = (uint32_t)v->n++;
	return 0;
}

/* ---- the environment's address classes ----
 *
 * Every named class of an environment (VirtualNetwork, Internet,
 * AzureLoadBalancer, opaque tags, registered tags, every ASG) is a pair of
 * address sets (certain, possible).  The whole address space is cut once
 * per environment at every boundary of every such set ("env atoms"), and
 * atoms with the same membership in every class share one "env class".
 * A table then needs no address boundaries from tags or ASGs: a rule's
 * tag and ASG terms match per env class (a bit vector over env classes per
 * named class), its literal prefixes per literal atom.  With thousands of
 * scattered ASG members, tables stay small and are built in time
 * independent of the member count; only a decision walks the env atoms,
 * once. */
struct envpart {
	uint32_t key;
	const rp_net_env *envp;
	size_t nk;                  /* named classes */
	const rp_net_class **cls;   /* k -> class */
	const rp_net_class **kkeys; /* map key storage (pointer bytes) */
	rp_map kidx;                /* class pointer bytes -> k + 1 */
	size_t na;                  /* env atoms */
	rp_net_addr *bound;         /* start of each atom */
	uint32_t *ec;               /* env class of each atom */
	size_t nec, EW;             /* env classes; words of a vector over them */
	uint64_t *kyes, *kposs;     /* nk x EW: env classes certainly / possibly in k */
};

static void envpart_release(struct envpart *p)
{
	rp_map_release(&p->kidx);
}

/* Index of class c in p, or -1 (not a class of this environment). */
static long envpart_index(const struct envpart *p, const rp_net_class *c)
{
	void *v = NULL;

	if (!rp_map_get(&p->kidx, (const char *)&c, sizeof(c), &v))
		return -1;
	return (long)((uintptr_t)v - 1);
}

static int envpart_build(rp_net_engine *e, const rp_net_env *env, struct envpart **out)
{
	struct envpart *p = e_calloc(e, 1, sizeof(*p));
	size_t nk, k, i, nb = 1, nev = 0, KW, *start = NULL;
	rp_net_addr *b = NULL, amax = rp_net_addr_max();
	struct {
		uint32_t bit;
		int32_t delta;
	} *ev = NULL;
	uint32_t *cnt = NULL, *kk = NULL;
	uint64_t *cur = NULL, *zero = NULL;
	size_t nkk = 0;
	struct vint vi;
	int rc = -RP_ENOMEM;

	memset(&vi, 0, sizeof(vi));
	if (!p)
		return -RP_ENOMEM;
	rp_map_init(&p->kidx, false);
	nk = 5 + env->tags.count + env->asgs.count;
	p->cls = e_calloc(e, nk, sizeof(*p->cls));
	if (!p->cls)
		goto out;
	p->cls[0] = &env->c_vnet;
	p->cls[1] = &env->c_internet;
	p->cls[2] = &env->c_lb;
	p->cls[3] = &env->c_opaque;
	p->cls[4] = &env->c_asg_unknown;
	for (i = 0; i < env->tags.count; i++)
		p->cls[5 + i] = env->tags.entries[i].value;
	for (i = 0; i < env->asgs.count; i++)
		p->cls[5 + env->tags.count + i] = env->asgs.entries[i].value;
	p->nk = nk;
	for (k = 0; k < nk; k++) {
		if (rp_map_put(&p->kidx, (const char *)&p->cls[k], sizeof(p->cls[k]),
			       (void *)(uintptr_t)(k + 1), NULL) < 0)
			goto out;
		nb += 2 * (p->cls[k]->yes.n + p->cls[k]->maybe.n);
		nev += 2 * (p->cls[k]->yes.n + p->cls[k]->maybe.n);
	}
	/* atoms: every boundary of every set */
	b = malloc(nb * sizeof(*b));
	if (!b)
		goto out;
	nb = 0;
	b[nb++] = rp_net_addr_min();
	for (k = 0; k < nk; k++) {
		const rp_net_aset *sets[2] = { &p->cls[k]->yes, &p->cls[k]->maybe };
		int w;
		for (w = 0; w < 2; w++)
			for (i = 0; i < sets[w]->n; i++) {
				rp_net_addr h = sets[w]->v[i].hi;
				b[nb++] = sets[w]->v[i].lo;
				if (rp_net_addr_cmp(&h, &amax) < 0 && rp_net_addr_next(&h))
					b[nb++] = h;
			}
	}
	sort_addrs(b, nb);
	for (i = k = 0; i < nb; i++)
		if (k == 0 || rp_net_addr_cmp(&b[k - 1], &b[i]) != 0)
			b[k++] = b[i];
	p->na = k;
	p->bound = e_alloc(e, k * sizeof(*p->bound));
	p->ec = e_alloc(e, k * sizeof(*p->ec));
	start = calloc(p->na + 2, sizeof(*start));
	ev = malloc((nev ? nev : 1) * sizeof(*ev));
	cnt = calloc(2 * nk, sizeof(*cnt));
	KW = (2 * nk + 63) / 64;
	cur = calloc(KW, sizeof(*cur));
	zero = calloc(KW, sizeof(*zero));
	kk = malloc((nev ? nev : 1) * sizeof(*kk));
	if (!p->bound || !p->ec || !start || !ev || !cnt || !cur || !zero || !kk)
		goto out;
	memcpy(p->bound, b, k * sizeof(*b));
	/* events per atom (counting sort), then one sweep: the membership
	 * vector (bit 2k: certainly in k, 2k+1: possibly) of each atom,
	 * interned into env classes as it goes */
	for (int pass = 0; pass < 2; pass++) {
		nkk = 0;
		if (pass == 1) {
			size_t acc = 0;
			for (i = 0; i <= p->na; i++) {
				size_t c = start[i];
				start[i] = acc;
				acc += c;
			}
			start[p->na + 1] = acc;
		}
		for (k = 0; k < nk; k++) {
			const rp_net_aset *sets[2] = { &p->cls[k]->yes, &p->cls[k]->maybe };
			uint32_t w;
			for (w = 0; w < 2; w++)
				for (i = 0; i < sets[w]->n; i++) {
					size_t k0, k1;
					if (pass == 0) {
						rp_net_addr h = sets[w]->v[i].hi;
						k0 = lower_bound(p->bound, p->na,
								 &sets[w]->v[i].lo);
						k1 = p->na;
						if (rp_net_addr_next(&h))
							k1 = lower_bound(p->bound, p->na, &h);
						/* the atoms again in pass 1, in this order */
						kk[nkk++] = (uint32_t)k0;
						kk[nkk++] = (uint32_t)k1;
						start[k0]++;
						start[k1]++;
					} else {
						k0 = kk[nkk++];
						k1 = kk[nkk++];
						ev[start[k0]].bit = (uint32_t)(2 * k + w);
						ev[start[k0]++].delta = 1;
						ev[start[k1]].bit = (uint32_t)(2 * k + w);
						ev[start[k1]++].delta = -1;
					}
				}
		}
	}
	vi.W = KW;
	for (k = 0, i = 0; k < p->na; k++) {
		for (; i < start[k]; i++) {
			uint32_t bit = ev[i].bit;
			cnt[bit] = (uint32_t)((int64_t)cnt[bit] + ev[i].delta);
			if (cnt[bit])
				cur[bit >> 6] |= UINT64_C(1) << (bit & 63);
			else
				cur[bit >> 6] &= ~(UINT64_C(1) << (bit & 63));
		}
		if (vint_add(&vi, cur, zero, &p->ec[k]) < 0)
			goto out;
	}
	p->nec = vi.n;
	p->EW = (p->nec + 63) / 64;
	p->kyes = e_calloc(e, nk * p->EW, sizeof(*p->kyes));
	p->kposs = e_calloc(e, nk * p->EW, sizeof(*p->kposs));
	if (!p->kyes || !p->kposs)
		goto out;
	for (i = 0; i < p->nec; i++)
		for (k = 0; k < nk; k++) {
			const uint64_t *m = vi.y + i * KW;
			bool y = bit_get(m, 2 * k), mb = bit_get(m, 2 * k + 1);
			if (y)
				bit_set(p->kyes + k * p->EW, i);
			if (y || mb)
				bit_set(p->kposs + k * p->EW, i);
		}
	p->key = env->id;
	p->envp = env;
	*out = p;
	rc = 0;
out:
	if (rc < 0)
		envpart_release(p);
	free(b);
	free(start);
	free(ev);
	free(cnt);
	free(cur);
	free(zero);
	free(kk);
	vint_release(&vi);
	return rc;
}

static int get_envpart(rp_net_engine *e, const rp_net_env *env, struct envpart **out)
{
	void *v = NULL;
	struct envpart *p = NULL;
	int rc;

	if (rp_map_get(&e->envs, (const char *)&env->id, sizeof(env->id), &v)) {
		*out = v;
		return 0;
	}
	rc = envpart_build(e, env, &p);
	if (rc < 0)
		return rc;
	rc = rp_map_put(&e->envs, (const char *)&p->key, sizeof(p->key), p, NULL);
	if (rc < 0) {
		envpart_release(p);
		return rc;
	}
	*out = p;
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

/* Rule r's remote side: literal terms into (yes, maybe) address sets, tag
 * and ASG terms into bit r of the per-env-class vectors ey / ep (nec x W). */
static int remote_terms(const struct envpart *p, const rp_net_side *s, size_t r, size_t W,
			rp_net_aset *yes, rp_net_aset *maybe, uint64_t *ey, uint64_t *ep)
{
	size_t i, c, w;
	int rc = 0;

	for (i = 0; i < s->n && rc == 0; i++) {
		const rp_net_term *t = &s->terms[i];
		const rp_net_class *cl;
		long k;

		switch (t->kind) {
		case RP_NET_T_PREFIX: rc = rp_net_aset_add(yes, t->iv.lo, t->iv.hi); break;
		case RP_NET_T_ANY: rc = rp_net_aset_add_all(yes); break;
		case RP_NET_T_TAG:
		case RP_NET_T_ASG:
			cl = t->kind == RP_NET_T_TAG ? rp_net_env_tag(p->envp, t->name)
						     : rp_net_env_asg(p->envp, t->name);
			k = envpart_index(p, cl);
			if (k < 0) { /* not interned (cannot happen): exact as literal sets */
				rc = rp_net_aset_add_set(yes, &cl->yes);
				if (rc == 0)
					rc = rp_net_aset_add_set(maybe, &cl->maybe);
				break;
			}
			for (w = 0; w < p->EW; w++) {
				uint64_t ky = p->kyes[(size_t)k * p->EW + w],
					 kp = p->kposs[(size_t)k * p->EW + w];
				while (kp) {
					c = w * 64 + (size_t)__builtin_ctzll(kp);
					kp &= kp - 1;
					bit_set(ep + c * W, r);
				}
				while (ky) {
					c = w * 64 + (size_t)__builtin_ctzll(ky);
					ky &= ky - 1;
					bit_set(ey + c * W, r);
				}
			}
			break;
		default: rc = rp_net_aset_add_all(maybe); break;
		}
	}
	return rc;
}

/* Rule r's local side: address terms into (yes, maybe) sets (tags
 * resolved through env), ASG terms appended to *lasg. */
static int local_terms(rp_net_engine *e, const rp_net_env *env, const rp_net_side *s, size_t r,
		       rp_net_aset *yes, rp_net_aset *maybe, struct table *t, size_t *cap)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->n && rc == 0; i++) {
		const rp_net_term *tm = &s->terms[i];
		const rp_net_class *cl;

		switch (tm->kind) {
		case RP_NET_T_PREFIX: rc = rp_net_aset_add(yes, tm->iv.lo, tm->iv.hi); break;
		case RP_NET_T_ANY: rc = rp_net_aset_add_all(yes); break;
		case RP_NET_T_TAG:
			cl = rp_net_env_tag(env, tm->name);
			rc = rp_net_aset_add_set(yes, &cl->yes);
			if (rc == 0)
				rc = rp_net_aset_add_set(maybe, &cl->maybe);
			break;
		case RP_NET_T_ASG:
			if (t->nlasg == *cap) {
				size_t nc = *cap ? 2 * *cap : 8;
				struct lasg *nl = e_alloc(e, nc * sizeof(*nl));
				if (!nl)
					return -RP_ENOMEM;
				if (t->nlasg)
					memcpy(nl, t->lasg, t->nlasg * sizeof(*nl));
				t->lasg = nl;
				*cap = nc;
			}
			t->lasg[t->nlasg].rule = (uint32_t)r;
			t->lasg[t->nlasg].id = tm->name;
			t->lasg[t->nlasg].len = strlen(tm->name);
			t->lasg[t->nlasg].hash =
				rp_hash_bytes(tm->name, t->lasg[t->nlasg].len, true);
			t->nlasg++;
			break;
		default: rc = rp_net_aset_add_all(maybe); break;
		}
	}
	return rc;
}

static int table_build(rp_net_engine *e, const rp_net_nsg *nsg, rp_net_dir dir,
		       const rp_net_env *env, struct table **out)
{
	struct table *t = e_calloc(e, 1, sizeof(*t));
	rp_net_aset *ys = NULL, *ms = NULL;
	struct envpart *ep = NULL;
	uint64_t *ey = NULL, *epp = NULL;
	struct vint vi;
	size_t r, W, p;
	int rc = -RP_ENOMEM, pp;

	memset(&vi, 0, sizeof(vi));
	if (!t)
		return -RP_ENOMEM;
	rc = get_envpart(e, env, &ep);
	if (rc < 0)
		return rc;
	rc = -RP_ENOMEM;
	t->nsg = nsg;
	t->dir = dir;
	t->nord = nsg->nordered[dir];
	t->nflo = nsg->nfloating[dir];
	t->nr = t->nord + t->nflo;
	t->W = W = (t->nr + 63) / 64;
	t->rules = e_calloc(e, t->nr, sizeof(*t->rules));
	t->acc = e_calloc(e, t->nr, 1);
	t->pyes = e_calloc(e, RP_NET_NPROTO * W, sizeof(uint64_t));
	t->pposs = e_calloc(e, RP_NET_NPROTO * W, sizeof(uint64_t));
	t->plyes = e_calloc(e, W, sizeof(uint64_t));
	t->plposs = e_calloc(e, W, sizeof(uint64_t));
	ys = calloc(t->nr, sizeof(*ys));
	ms = calloc(t->nr, sizeof(*ms));
	ey = calloc((ep->nec ? ep->nec : 1) * W, sizeof(*ey));
	epp = calloc((ep->nec ? ep->nec : 1) * W, sizeof(*epp));
	if (!t->rules || !t->acc || !t->pyes || !t->pposs || !t->plyes || !t->plposs || !ys ||
	    !ms || !ey || !epp)
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
		rc = remote_terms(ep, dir == RP_NET_IN ? &ru->src : &ru->dst, r, W, &ys[r], &ms[r],
				  ey, epp);
		if (rc < 0)
			goto out;
	}
	rc = dim_build(e, &t->remote, t->nr, W, ys, ms, rp_net_addr_max());
	if (rc < 0)
		goto out;
	/* the local side */
	{
		size_t lcap = 0;
		for (r = 0; r < t->nr && rc == 0; r++) {
			ys[r].n = 0;
			ms[r].n = 0;
			rc = local_terms(e, env,
					 dir == RP_NET_IN ? &t->rules[r]->dst : &t->rules[r]->src,
					 r, &ys[r], &ms[r], t, &lcap);
		}
		if (rc == 0)
			rc = dim_build(e, &t->local, t->nr, W, ys, ms, rp_net_addr_max());
		if (rc < 0)
			goto out;
		rc = -RP_ENOMEM;
	}
	/* env classes -> signatures */
	t->ep = ep;
	t->emap = e_alloc(e, (ep->nec ? ep->nec : 1) * sizeof(*t->emap));
	if (!t->emap)
		goto out;
	vi.W = W;
	for (p = 0; p < ep->nec; p++)
		if (vint_add(&vi, ey + p * W, epp + p * W, &t->emap[p]) < 0)
			goto out;
	t->nes = vi.n;
	t->esy = e_alloc(e, (vi.n ? vi.n : 1) * W * sizeof(*t->esy));
	t->esp = e_alloc(e, (vi.n ? vi.n : 1) * W * sizeof(*t->esp));
	if (!t->esy || !t->esp)
		goto out;
	memcpy(t->esy, vi.y, vi.n * W * sizeof(*t->esy));
	memcpy(t->esp, vi.p, vi.n * W * sizeof(*t->esp));
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
	free(ey);
	free(epp);
	vint_release(&vi);
	return rc;
}

/* ---- tables shared by content ---- */

/* What table_build reads of a rule, for the rules of one direction in
 * table order (ordered, then floating).  NSGs that differ only in names,
 * positions and reasons (a thousand NICs, each with its own copy of one
 * NSG) get one table's arrays: a decision reads its NSG's rules through
 * the table's own `nsg` (hops by rule index), so only the arrays are
 * shared. */
static const rp_net_rule *table_rule(const rp_net_nsg *nsg, rp_net_dir dir, size_t r)
{
	return r < nsg->nordered[dir] ? nsg->ordered[dir][r]
				      : nsg->floating[dir][r - nsg->nordered[dir]];
}

static uint64_t side_hash(uint64_t h, const rp_net_side *s)
{
	size_t i;

	h = mix64(h, s->n);
	for (i = 0; i < s->n; i++) {
		const rp_net_term *t = &s->terms[i];
		h = mix64(h, t->kind);
		if (t->kind == RP_NET_T_PREFIX)
			h = mix64(h, rp_net_ival_key(&t->iv));
		else if (t->name)
			h = mix64(h, rp_hash_bytes(t->name, strlen(t->name), false));
	}
	return h;
}

static uint64_t ports_hash(uint64_t h, const rp_net_ports *p)
{
	size_t i;

	h = mix64(mix64(h, p->yes.n), p->unknown != NULL);
	for (i = 0; i < p->yes.n; i++)
		h = mix64(h, ((uint64_t)p->yes.v[i].lo << 32) | p->yes.v[i].hi);
	return h;
}

static uint64_t table_content_hash(const rp_net_nsg *nsg, rp_net_dir dir)
{
	size_t nr = nsg->nordered[dir] + nsg->nfloating[dir], r;
	uint64_t h = mix64(mix64(mix64(29, nsg->nordered[dir]), nsg->nfloating[dir]), dir);

	for (r = 0; r < nr; r++) {
		const rp_net_rule *ru = table_rule(nsg, dir, r);
		h = mix64(h, rp_net__acc_bits(ru) | (uint64_t)ru->proto_yes << 8 |
				     (uint64_t)ru->proto_poss << 16);
		h = side_hash(side_hash(h, &ru->src), &ru->dst);
		h = ports_hash(ports_hash(h, &ru->sport), &ru->dport);
	}
	return h;
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool side_same(const rp_net_side *a, const rp_net_side *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		const rp_net_term *x = &a->terms[i], *y = &b->terms[i];
		if (x->kind != y->kind)
			return false;
		if (x->kind == RP_NET_T_PREFIX ? rp_net_addr_cmp(&x->iv.lo, &y->iv.lo) ||
							 rp_net_addr_cmp(&x->iv.hi, &y->iv.hi)
					       : !str_same(x->name, y->name))
			return false;
	}
	return true;
}

static bool ports_same(const rp_net_ports *a, const rp_net_ports *b)
{
	return (a->unknown != NULL) == (b->unknown != NULL) && rp_net_pset_equal(&a->yes, &b->yes);
}

static bool table_content_same(const rp_net_nsg *a, const rp_net_nsg *b, rp_net_dir dir)
{
	size_t nr = a->nordered[dir] + a->nfloating[dir], r;

	if (a->nordered[dir] != b->nordered[dir] || a->nfloating[dir] != b->nfloating[dir])
		return false;
	for (r = 0; r < nr; r++) {
		const rp_net_rule *x = table_rule(a, dir, r), *y = table_rule(b, dir, r);
		if (x == y)
			continue;
		if (rp_net__acc_bits(x) != rp_net__acc_bits(y) || x->proto_yes != y->proto_yes ||
		    x->proto_poss != y->proto_poss || !side_same(&x->src, &y->src) ||
		    !side_same(&x->dst, &y->dst) || !ports_same(&x->sport, &y->sport) ||
		    !ports_same(&x->dport, &y->dport))
			return false;
	}
	return true;
}

static int get_table(rp_net_engine *e, const rp_net_nsg *nsg, rp_net_dir dir, const rp_net_env *env,
		     struct table **out)
{
	uint32_t key[3] = { nsg->id, (uint32_t)dir, env->id };
	struct {
		uint64_t h;
		uint32_t dir, env;
	} ckey;
	void *v = NULL;
	struct table *t = NULL;
	int rc;

	if (rp_map_get(&e->tables, (const char *)key, sizeof(key), &v)) {
		*out = v;
		return 0;
	}
	memset(&ckey, 0, sizeof(ckey));
	ckey.h = table_content_hash(nsg, dir);
	ckey.dir = (uint32_t)dir;
	ckey.env = env->id;
	if (rp_map_get(&e->by_content, (const char *)&ckey, sizeof(ckey), &v) &&
	    table_content_same(((struct table *)v)->nsg, nsg, dir)) {
		/* the same arrays; its own NSG (hops) and key */
		t = e_alloc(e, sizeof(*t));
		if (!t)
			return -RP_ENOMEM;
		*t = *(const struct table *)v;
		t->nsg = nsg;
		e->tables_shared++;
		t->rules = NULL; /* table_build's; the shared arrays are what is read */
	} else {
		rc = table_build(e, nsg, dir, env, &t);
		if (rc < 0)
			return rc;
		e->tables_built++;
		if (!v) {
			void *ck = e_alloc(e, sizeof(ckey));
			if (!ck)
				return -RP_ENOMEM;
			memcpy(ck, &ckey, sizeof(ckey));
			if ((rc = rp_map_put(&e->by_content, ck, sizeof(ckey), t, NULL)) < 0)
				return rc;
		}
	}
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
		memset(ng + s->capg, 0, (cap - s->capg) * sizeof(*ng));
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
	{
		uint32_t *cls = g->cls; /* a buffer of an earlier decision */
		size_t capcls = g->capcls;
		memset(g, 0, sizeof(*g));
		g->cls = cls;
		g->capcls = capcls;
	}
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

	for (i = 0; i < s->capg; i++)
		free(s->g[i].cls);
	free(s->g);
	free(s->slot);
	free(s->pool);
	memset(s, 0, sizeof(*s));
}

/* Empties s for the next decision, keeping every buffer. */
static void gs_reset(struct gstate *s)
{
	s->ng = 0;
	s->npool = 0;
	if (s->hsize)
		memset(s->slot, 0xFF, s->hsize * sizeof(*s->slot));
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

/* ---- remote classes of one chain ----
 *
 * The remote dimension of a decision: the two tables' literal atoms merged
 * (few), overlaid with the env atoms in one walk.  A remote class is a
 * pair of per-hop bit vectors (literal OR env-class bits, masked by the
 * local bits); the walk records runs of equal class, which give each
 * class's addresses. */
struct remote {
	size_t nrc;
	uint32_t *rcv; /* nrc x 2: vector id per hop in hv[h] */
	size_t caprc;
	struct vint hv[2]; /* per hop: (yes, poss) over the table's rules */
	size_t nrun;
	rp_net_addr *rstart; /* runs: first address (engine scratch) */
	uint32_t *rrc;       /* runs: remote class (engine scratch) */
};

static void remote_release(struct remote *rm)
{
	free(rm->rcv);
	vint_release(&rm->hv[0]);
	vint_release(&rm->hv[1]);
	memset(rm, 0, sizeof(*rm));
}

/* Largest dense (literal class x chain env class) lookup table; beyond it
 * a hash map is used. */
#define DENSE_MAX ((size_t)1 << 22)

static int remote_build(rp_net_engine *e, const struct envpart *ep, struct table *const t[2],
			const uint64_t *const ly[2], const uint64_t *const lp[2], struct remote *rm)
{
	struct msig mlit[2], mes[2];
	struct cdim lit;
	struct u64map cm, pm, fm;
	uint32_t *cemap = NULL, *cepair = NULL, *dense = NULL;
	uint64_t *vy = NULL, *vp = NULL;
	size_t nce = 0, capce = 0, h, i, j, w, Wmax = 1, capruns;
	uint32_t cur = UINT32_MAX;
	int rc = -RP_ENOMEM;

	memset(mlit, 0, sizeof(mlit));
	memset(mes, 0, sizeof(mes));
	memset(&lit, 0, sizeof(lit));
	memset(&cm, 0, sizeof(cm));
	memset(&pm, 0, sizeof(pm));
	memset(&fm, 0, sizeof(fm));
	memset(rm, 0, sizeof(*rm));
	for (h = 0; h < 2; h++) {
		struct dim ed;
		if (!t[h])
			continue;
		if (t[h]->W > Wmax)
			Wmax = t[h]->W;
		rm->hv[h].W = t[h]->W;
		memset(&ed, 0, sizeof(ed));
		ed.ns = t[h]->nes;
		ed.yes = t[h]->esy;
		ed.poss = t[h]->esp;
		if (msig_build(&t[h]->remote, t[h]->W, ly[h], lp[h], &mlit[h]) < 0 ||
		    msig_build(&ed, t[h]->W, ly[h], lp[h], &mes[h]) < 0)
			goto out;
	}
	/* env classes -> chain env classes (pairs of masked signatures) */
	cemap = malloc((ep->nec ? ep->nec : 1) * sizeof(*cemap));
	vy = malloc(Wmax * sizeof(*vy));
	vp = malloc(Wmax * sizeof(*vp));
	if (!cemap || !vy || !vp)
		goto out;
	for (i = 0; i < ep->nec; i++) {
		uint32_t m0 = t[0] ? mes[0].map[t[0]->emap[i]] : 0,
			 m1 = t[1] ? mes[1].map[t[1]->emap[i]] : 0;
		if (u64map_intern(&cm, ((uint64_t)m0 << 32) | m1, (uint32_t)nce, &cemap[i]) < 0)
			goto out;
		if (cemap[i] == nce) {
			if (nce == capce) {
				size_t cap = capce ? 2 * capce : 64;
				uint32_t *np = realloc(cepair, 2 * cap * sizeof(*np));
				if (!np)
					goto out;
				cepair = np;
				capce = cap;
			}
			cepair[2 * nce] = m0;
			cepair[2 * nce + 1] = m1;
			nce++;
		}
	}
	/* literal atoms of both tables */
	if (cdim_merge(e, t[0] ? &t[0]->remote : NULL, t[1] ? &t[1]->remote : NULL, &mlit[0],
		       &mlit[1], &lit) < 0)
		goto out;
	if (lit.nc <= DENSE_MAX / (nce ? nce : 1)) {
		dense = scratch(e, SC_RD, lit.nc * nce * sizeof(*dense));
		if (!dense)
			goto out;
		memset(dense, 0xFF, lit.nc * nce * sizeof(*dense));
	}
	capruns = ep->na + lit.na;
	rm->rstart = scratch(e, SC_RS, capruns * sizeof(*rm->rstart));
	rm->rrc = scratch(e, SC_RR, capruns * sizeof(*rm->rrc));
	if (!rm->rstart || !rm->rrc)
		goto out;
	/* the walk: every env atom inside every literal atom */
	for (j = 0; j < lit.na; j++) {
		const rp_net_addr *s = &lit.bound[j];
		uint32_t lc = lit.cls[j];
		size_t first = upper_bound(ep->bound, ep->na, s) - 1,
		       last = j + 1 < lit.na ? lower_bound(ep->bound, ep->na, &lit.bound[j + 1]) - 1
					     : ep->na - 1;
		uint32_t *row = dense ? dense + (size_t)lc * nce : NULL;

		for (i = first; i <= last; i++) {
			uint32_t ce = cemap[ep->ec[i]], r = UINT32_MAX;
			uint64_t key = ((uint64_t)lc << 32) | ce;
			if (row)
				r = row[ce];
			else if (!u64map_get(&fm, key, &r))
				r = UINT32_MAX;
			if (r == UINT32_MAX) {
				uint32_t v[2] = { 0, 0 };
				for (h = 0; h < 2; h++) {
					size_t W = t[h] ? t[h]->W : 0, ml = lit.csig[2 * lc + h],
					       me = cepair[2 * ce + h];
					if (!t[h])
						continue;
					for (w = 0; w < W; w++) {
						vy[w] = mlit[h].yes[ml * W + w] |
							mes[h].yes[me * W + w];
						vp[w] = mlit[h].poss[ml * W + w] |
							mes[h].poss[me * W + w];
					}
					if (vint_add(&rm->hv[h], vy, vp, &v[h]) < 0)
						goto out;
				}
				if (u64map_intern(&pm, ((uint64_t)v[0] << 32) | v[1],
						  (uint32_t)rm->nrc, &r) < 0)
					goto out;
				if (r == rm->nrc) {
					if (rm->nrc == rm->caprc) {
						size_t cap = rm->caprc ? 2 * rm->caprc : 64;
						uint32_t *np =
							realloc(rm->rcv, 2 * cap * sizeof(*np));
						if (!np)
							goto out;
						rm->rcv = np;
						rm->caprc = cap;
					}
					rm->rcv[2 * r] = v[0];
					rm->rcv[2 * r + 1] = v[1];
					rm->nrc++;
				}
				if (row)
					row[ce] = r;
				else if (u64map_intern(&fm, key, r, &r) < 0)
					goto out;
			}
			if (r != cur) {
				rm->rstart[rm->nrun] = i == first ? *s : ep->bound[i];
				rm->rrc[rm->nrun++] = r;
				cur = r;
			}
		}
	}
	rc = 0;
out:
	for (h = 0; h < 2; h++) {
		msig_release(&mlit[h]);
		msig_release(&mes[h]);
	}
	cdim_release(&lit);
	u64map_release(&cm);
	u64map_release(&pm);
	u64map_release(&fm);
	free(cemap);
	free(cepair);
	free(vy);
	free(vp);
	if (rc < 0)
		remote_release(rm);
	return rc;
}

static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

/* Intervals of the runs ri[0..m) (ascending run indices): consecutive
 * runs join.  Returns the count written to out. */
static size_t runs_ivals(const struct remote *rm, const uint32_t *ri, size_t m, rp_net_ival *out)
{
	size_t q, n = 0;

	for (q = 0; q < m; q++) {
		size_t k = ri[q];
		while (q + 1 < m && ri[q + 1] == ri[q] + 1)
			q++;
		out[n].lo = rm->rstart[k];
		if ((size_t)ri[q] + 1 < rm->nrun) {
			out[n].hi = rm->rstart[ri[q] + 1];
			if (out[n].hi.fam == 0 && out[n].hi.lo) /* IPv4, not the first */
				out[n].hi.lo--;
			else
				rp_net_addr_prev(&out[n].hi);
		} else {
			out[n].hi = rp_net_addr_max();
		}
		n++;
	}
	return n;
}

static uint64_t ivals_hash(const rp_net_ival *v, size_t n)
{
	uint64_t h = mix64(19, n);
	size_t i;

	for (i = 0; i < n; i++)
		h = mix64(h, rp_net_ival_key(&v[i]));
	return h;
}

static bool ivals_eq(const rp_net_ival *a, const rp_net_ival *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rp_net_addr_cmp(&a[i].lo, &b[i].lo) || rp_net_addr_cmp(&a[i].hi, &b[i].hi))
			return false;
	return true;
}

/* An engine-owned copy of the n elements at v (kind 0: address
 * intervals, 1: port intervals; h their hash), shared with every equal
 * array interned before: decisions of NICs with similar chains repeat the
 * same sets.  NULL on allocation failure. */
static const void *hc_intern(rp_net_engine *e, uint8_t kind, const void *v, size_t n, size_t esz,
			     uint64_t h)
{
	struct hcons *hc = &e->hc;
	size_t pos;
	void *p;

	if (2 * (hc->n + 1) > hc->hsize) {
		size_t hs = hc->hsize ? 2 * hc->hsize : 64, i;
		struct hc_ent *nt = calloc(hs, sizeof(*nt));
		if (!nt)
			return NULL;
		for (i = 0; i < hc->hsize; i++)
			if (hc->t[i].v) {
				size_t q = (size_t)hc->t[i].h & (hs - 1);
				while (nt[q].v)
					q = (q + 1) & (hs - 1);
				nt[q] = hc->t[i];
			}
		free(hc->t);
		hc->t = nt;
		hc->hsize = hs;
	}
	pos = (size_t)h & (hc->hsize - 1);
	while (hc->t[pos].v) {
		const struct hc_ent *x = &hc->t[pos];
		if (x->h == h && x->n == n && x->kind == kind &&
		    (kind == 0 ? ivals_eq(x->v, v, n) : !memcmp(x->v, v, n * esz)))
			return x->v;
		pos = (pos + 1) & (hc->hsize - 1);
	}
	p = hc_alloc(hc, n * esz);
	if (!p)
		return NULL;
	memcpy(p, v, n * esz);
	hc->t[pos].h = h;
	hc->t[pos].v = p;
	hc->t[pos].n = n;
	hc->t[pos].kind = kind;
	hc->n++;
	return p;
}

/* A frozen address set of the intervals v[0..n) (sorted, disjoint, not
 * adjacent), shared by content. */
static int hc_freeze(rp_net_engine *e, const rp_net_ival *v, size_t n, rp_net_aset *out)
{
	out->cap = 0;
	out->n = n;
	out->v = NULL;
	if (n == 0)
		return 0;
	out->v = (rp_net_ival *)(uintptr_t)hc_intern(e, 0, v, n, sizeof(*v), ivals_hash(v, n));
	return out->v ? 0 : -RP_ENOMEM;
}

/* The same for a port set. */
static int hc_pfreeze(rp_net_engine *e, const rp_net_pset *ps, rp_net_pset *out)
{
	uint64_t h = mix64(23, ps->n);
	size_t i;

	out->cap = 0;
	out->n = ps->n;
	out->v = NULL;
	if (ps->n == 0)
		return 0;
	for (i = 0; i < ps->n; i++)
		h = mix64(h, ((uint64_t)ps->v[i].lo << 32) | ps->v[i].hi);
	out->v = (rp_net_pival *)(uintptr_t)hc_intern(e, 1, ps->v, ps->n, sizeof(*ps->v), h);
	return out->v ? 0 : -RP_ENOMEM;
}

static int materialize(rp_net_engine *e, struct table *const t[2], const struct remote *rm,
		       const struct cdim sp[2], const struct cdim dp[2], struct gstate *gs,
		       unsigned mask, rp_net_result *res)
{
	rp_net_aset *cfrozen = NULL;
	rp_net_piece *pcs = NULL;
	bool *cdone = NULL;
	uint32_t *lslot = NULL, *off = NULL, *fill = NULL, *idx = NULL, *gather = NULL,
		 *mark = NULL, *gpiece = NULL;
	uint32_t stamp = 0;
	uint64_t *lhash = NULL;
	rp_net_ival *iv = NULL;
	size_t i, k, hsize, nrc = rm->nrc;
	rp_net_pset ps = { 0 };
	rp_net_addr pmax = rp_net_addr_v4(RP_NET_PORT_MAX);
	int rc = -RP_ENOMEM;

	cfrozen = calloc(nrc ? nrc : 1, sizeof(*cfrozen));
	cdone = calloc(nrc ? nrc : 1, sizeof(*cdone));
	for (hsize = 16; hsize < 2 * gs->ng; hsize *= 2)
		;
	lslot = malloc(hsize * sizeof(*lslot));
	lhash = malloc((gs->ng ? gs->ng : 1) * sizeof(*lhash));
	off = calloc(nrc + 2, sizeof(*off));
	fill = malloc((nrc + 1) * sizeof(*fill));
	mark = calloc(nrc + 1, sizeof(*mark));
	gpiece = malloc((gs->ng ? gs->ng : 1) * sizeof(*gpiece));
	idx = scratch(e, SC_MI, (rm->nrun ? rm->nrun : 1) * sizeof(*idx));
	gather = scratch(e, SC_MG, (rm->nrun ? rm->nrun : 1) * sizeof(*gather));
	iv = scratch(e, SC_MV, (rm->nrun ? rm->nrun : 1) * sizeof(*iv));
	/* every group's piece is built here; only those of the verdicts asked
	 * for are kept, and only they take engine memory (exposures keep
	 * about 30% of a big estate's groups) */
	pcs = scratch(e, SC_MP, (gs->ng ? gs->ng : 1) * sizeof(*pcs));
	if (!cfrozen || !cdone || !lslot || !lhash || !off || !fill || !mark || !gpiece || !idx ||
	    !gather || !iv || !pcs)
		goto out;
	memset(lslot, 0xFF, hsize * sizeof(*lslot));
	res->n = 0;
	/* every class's runs, in address order (counting sort) */
	for (k = 0; k < rm->nrun; k++)
		off[rm->rrc[k] + 1]++;
	for (i = 0; i < nrc; i++)
		off[i + 1] += off[i];
	memcpy(fill, off, (nrc + 1) * sizeof(*fill));
	for (k = 0; k < rm->nrun; k++)
		idx[fill[rm->rrc[k]]++] = (uint32_t)k;
	for (i = 0; i < gs->ng; i++) {
		struct group *g = &gs->g[i];
		rp_net_piece *pc = &pcs[res->n];
		size_t pos, w;
		int s;

		memset(pc, 0, sizeof(*pc));
		outcome_hop(t[0], g->o[0], g->p, &pc->hop[0]);
		outcome_hop(t[1], g->o[1], g->p, &pc->hop[1]);
		pc->verdict = rp_net__chain_verdict(pc->hop);
		if (!((1u << pc->verdict) & mask)) {
			gpiece[i] = UINT32_MAX;
			continue;
		}
		gpiece[i] = (uint32_t)res->n++;
		pc->proto = g->p;
		/* groups with the same class list share one frozen remote set */
		if (g->ncls == 1) {
			uint32_t c = g->cls[0];
			if (!cdone[c]) {
				size_t n = runs_ivals(rm, idx + off[c], off[c + 1] - off[c], iv);
				if (hc_freeze(e, iv, n, &cfrozen[c]) < 0)
					goto out;
				cdone[c] = true;
			}
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
					size_t m = 0, n;
					lslot[pos] = (uint32_t)i;
					for (w = 0; w < g->ncls; w++)
						m += off[g->cls[w] + 1] - off[g->cls[w]];
					if (m * 8 < rm->nrun) { /* few runs: sort them */
						m = 0;
						for (w = 0; w < g->ncls; w++) {
							uint32_t c = g->cls[w];
							memcpy(gather + m, idx + off[c],
							       (off[c + 1] - off[c]) *
								       sizeof(*gather));
							m += off[c + 1] - off[c];
						}
						qsort(gather, m, sizeof(*gather), cmp_u32);
					} else { /* many: one pass over the runs */
						stamp++;
						for (w = 0; w < g->ncls; w++)
							mark[g->cls[w]] = stamp;
						m = 0;
						for (k = 0; k < rm->nrun; k++)
							if (mark[rm->rrc[k]] == stamp)
								gather[m++] = (uint32_t)k;
					}
					n = runs_ivals(rm, gather, m, iv);
					if (hc_freeze(e, iv, n, &pc->remote) < 0)
						goto out;
					break;
				}
				if (lhash[o] == h && gs->g[o].ncls == g->ncls &&
				    !memcmp(gs->g[o].cls, g->cls, g->ncls * sizeof(*g->cls))) {
					pc->remote = pcs[gpiece[o]].remote;
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
			if (hc_pfreeze(e, &ps, s == 0 ? &pc->sports : &pc->dports) < 0)
				goto out;
		}
	}
	qsort(pcs, res->n, sizeof(*pcs), cmp_piece);
	res->pieces = hc_alloc(&e->hc, (res->n ? res->n : 1) * sizeof(*res->pieces));
	if (!res->pieces)
		goto out;
	memcpy(res->pieces, pcs, res->n * sizeof(*res->pieces));
	rc = 0;
out:
	free(cfrozen);
	free(cdone);
	free(lslot);
	free(lhash);
	free(off);
	free(fill);
	free(mark);
	free(gpiece);
	rp_net_pset_release(&ps);
	return rc;
}

static int compute(rp_net_engine *e, const struct envpart *ep, struct table *const t[2],
		   const uint64_t *const ly[2], const uint64_t *const lp[2], unsigned vmask,
		   rp_net_result *res)
{
	struct remote rem;
	struct cdim sp[2], dp[2];
	struct gstate *gs;
	size_t W = 1, p, c, a, b, h, w, nbmax = 1;
	uint64_t *buf = NULL, *ob = NULL, *bset = NULL, *keys = NULL, *mask = NULL;
	struct msig msp[2][2], mdp[2][2];
	uint64_t *b0p[2], *b0y[2], *b1p[2], *b1y[2], *b2p[2], *b2y[2], *b3p[2], *b3y[2];
	int rc = -RP_ENOMEM;

	memset(&rem, 0, sizeof(rem));
	memset(msp, 0, sizeof(msp));
	memset(mdp, 0, sizeof(mdp));
	memset(sp, 0, sizeof(sp));
	memset(dp, 0, sizeof(dp));
	for (h = 0; h < 2; h++)
		if (t[h] && t[h]->W > W)
			W = t[h]->W;
	if (!e->gs && !(e->gs = calloc(1, sizeof(*e->gs))))
		goto out;
	gs = e->gs;
	gs_reset(gs);
	mask = calloc(4 * W, sizeof(*mask));
	if (!mask)
		goto out;
	for (h = 0; h < 2; h++) {
		const struct table *th = t[h];
		if (!th)
			continue;
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
	if (remote_build(e, ep, t, ly, lp, &rem) < 0)
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
		res->nclasses += rem.nrc * na * nb;
		for (c = 0; c < rem.nrc; c++) {
			for (h = 0; h < 2; h++) {
				const struct table *th = t[h];
				if (!th)
					continue;
				const uint64_t *rp = rem.hv[h].p + rem.rcv[2 * c + h] * th->W;
				const uint64_t *ry = rem.hv[h].y + rem.rcv[2 * c + h] * th->W;
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
					if (gs_add(gs, (unsigned)p, a, &keys[2 * kk], bset, nbw,
						   (uint32_t)c) < 0)
						goto out;
				}
			}
		}
	}
	rc = materialize(e, t, &rem, sp, dp, gs, vmask, res);
out:
	remote_release(&rem);
	for (p = 0; p < 2; p++) {
		cdim_release(&sp[p]);
		cdim_release(&dp[p]);
	}
	for (h = 0; h < 2; h++) {
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
	rp_map_init(&e->envs, false);
	rp_map_init(&e->tables, false);
	rp_map_init(&e->by_content, false);
	rp_map_init(&e->results, false);
	return e;
}

rp_net_engine *rp_net_engine_free(rp_net_engine *e)
{
	int i;
	size_t j;

	if (!e)
		return NULL;
	for (i = 0; i < SC_N; i++)
		free(e->scr[i]);
	for (j = 0; j < e->envs.count; j++)
		envpart_release(e->envs.entries[j].value);
	rp_map_release(&e->envs);
	hc_release(&e->hc);
	if (e->gs) {
		gs_release(e->gs);
		free(e->gs);
	}
	rp_map_release(&e->tables);
	rp_map_release(&e->by_content);
	rp_map_release(&e->results);
	free(e);
	return NULL;
}

void rp_net__engine_table_stats(const rp_net_engine *e, size_t *built, size_t *shared)
{
	*built = e->tables_built;
	*shared = e->tables_shared;
}

void rp_net_engine_stats(const rp_net_engine *e, size_t *computed, size_t *cached)
{
	*computed = e->computed;
	*cached = e->cached;
}

/* Which rules' local side certainly (ly) / possibly (lp) matches the local
 * address and the chain's ASGs (hashes: hash and length of each of the
 * chain's ASG ids):
 * rp_net__side_local for every rule, from the table's local dimension.
 * Floating rules never certainly match. */
static void local_bits(const struct table *t, const rp_net_chain *c, const uint64_t *hashes,
		       const rp_net_addr *local, uint64_t *ly, uint64_t *lp)
{
	size_t k = upper_bound(t->local.bound, t->local.na, local) - 1, i, j, w;
	uint32_t sg = t->local.sig[k];

	memcpy(ly, t->local.yes + sg * t->W, t->W * sizeof(*ly));
	memcpy(lp, t->local.poss + sg * t->W, t->W * sizeof(*lp));
	for (i = 0; i < t->nlasg; i++) {
		const struct lasg *l = &t->lasg[i];
		bool yes = false;
		for (j = 0; j < c->nasgs && !yes; j++)
			yes = c->asgs[j] && hashes[2 * j] == l->hash &&
			      hashes[2 * j + 1] == l->len && rp_str_ieq(c->asgs[j], l->id, l->len);
		if (yes)
			bit_set(ly, l->rule);
		if (yes || c->asgs_unknown)
			bit_set(lp, l->rule);
	}
	/* floating rules: never certain */
	for (w = 0; w < t->W; w++) {
		size_t lo = w * 64;
		if (lo + 64 <= t->nord)
			continue;
		ly[w] &= lo >= t->nord ? 0 : (UINT64_C(1) << (t->nord - lo)) - 1;
	}
}

int rp_net_engine_eval(rp_net_engine *e, const rp_net_chain *c, rp_net_dir dir,
		       const rp_net_addr *local, const rp_net_result **out)
{
	return rp_net_engine_eval_verdicts(e, c, dir, local, RP_NET_VERDICTS_ALL, out);
}

/* eval_verdicts; with any_full, the complete decision when it is cached
 * already (rp_net__engine_eval_some). */
static int eval_masked(rp_net_engine *e, const rp_net_chain *c, rp_net_dir dir,
		       const rp_net_addr *local, unsigned mask, bool any_full,
		       const rp_net_result **out, bool *full)
{
	const rp_net_nsg *order[2];
	struct table *t[2] = { NULL, NULL };
	uint64_t *lbits = NULL;
	const uint64_t *ly[2] = { NULL, NULL }, *lp[2] = { NULL, NULL };
	unsigned char *key = NULL;
	size_t keylen, W[2] = { 0, 0 }, h, pos;
	struct cached *ce;
	struct envpart *ep = NULL;
	uint64_t *hashes = NULL;
	void *v = NULL;
	uint64_t tp[3]; /* tables, verdict mask */
	int rc;

	*out = NULL;
	*full = (mask & RP_NET_VERDICTS_ALL) == RP_NET_VERDICTS_ALL;
	if (!c->env || !c->env->finished || (dir != RP_NET_IN && dir != RP_NET_OUT))
		return -RP_EINVAL;
	if ((c->subnet_nsg && !c->subnet_nsg->finished) || (c->nic_nsg && !c->nic_nsg->finished))
		return -RP_EINVAL;
	rc = get_envpart(e, c->env, &ep);
	if (rc < 0)
		return rc;
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
	hashes = malloc((c->nasgs ? 2 * c->nasgs : 1) * sizeof(*hashes));
	rc = -RP_ENOMEM;
	if (!key || !hashes)
		goto out;
	for (h = 0; h < c->nasgs; h++)
		if (c->asgs[h]) {
			size_t n = strlen(c->asgs[h]);
			hashes[2 * h] = rp_hash_bytes(c->asgs[h], n, true);
			hashes[2 * h + 1] = n;
		} else {
			hashes[2 * h] = hashes[2 * h + 1] = 0;
		}
	mask &= RP_NET_VERDICTS_ALL;
	tp[0] = (uint64_t)(uintptr_t)t[0];
	tp[1] = (uint64_t)(uintptr_t)t[1];
	tp[2] = mask;
	memcpy(key, tp, sizeof(tp));
	lbits = (uint64_t *)(void *)(key + sizeof(tp));
	pos = 0;
	for (h = 0; h < 2; h++) {
		if (!t[h])
			continue;
		/* key bytes are uint64-aligned: sizeof(tp) is a multiple of 8 */
		local_bits(t[h], c, hashes, local, lbits + pos, lbits + pos + W[h]);
		ly[h] = lbits + pos;
		lp[h] = lbits + pos + W[h];
		pos += 2 * W[h];
	}
	if (any_full && mask != RP_NET_VERDICTS_ALL) {
		tp[2] = RP_NET_VERDICTS_ALL;
		memcpy(key, tp, sizeof(tp));
		if (rp_map_get(&e->results, (const char *)key, keylen, &v)) {
			e->cached++;
			*out = &((struct cached *)v)->res;
			*full = true;
			rc = 0;
			goto out;
		}
		tp[2] = mask;
		memcpy(key, tp, sizeof(tp));
	}
	if (rp_map_get(&e->results, (const char *)key, keylen, &v)) {
		e->cached++;
		*out = &((struct cached *)v)->res;
		rc = 0;
		goto out;
	}
	ce = e_calloc(e, 1, sizeof(*ce));
	rc = -RP_ENOMEM;
	if (!ce)
		goto out;
	ce->key = e_alloc(e, keylen);
	if (!ce->key)
		goto out;
	memcpy(ce->key, key, keylen);
	ce->keylen = keylen;
	rc = compute(e, ep, t, ly, lp, mask, &ce->res);
	if (rc < 0)
		goto out;
	rc = rp_map_put(&e->results, (const char *)ce->key, keylen, ce, NULL);
	if (rc < 0)
		goto out;
	e->computed++;
	*out = &ce->res;
out:
	free(key);
	free(hashes);
	return rc;
}

int rp_net_engine_eval_verdicts(rp_net_engine *e, const rp_net_chain *c, rp_net_dir dir,
				const rp_net_addr *local, unsigned mask, const rp_net_result **out)
{
	bool full;

	return eval_masked(e, c, dir, local, mask, false, out, &full);
}

int rp_net__engine_eval_some(rp_net_engine *e, const rp_net_chain *c, rp_net_dir dir,
			     const rp_net_addr *local, unsigned mask, const rp_net_result **out,
			     bool *full)
{
	return eval_masked(e, c, dir, local, mask, true, out, full);
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

static int cmp_src_iv(const void *pa, const void *pb)
{
	const struct rp_net__srciv *a = pa, *b = pb;

	return rp_net_addr_cmp(&a->iv.lo, &b->iv.lo);
}

void rp_net__hits_release(rp_net__hits *h)
{
	size_t i;

	if (h->tmp)
		for (i = 0; i < h->captmp; i++)
			rp_net_aset_release(&h->tmp[i]);
	free(h->tmp);
	free(h->v);
	free(h->sorted);
	free(h->pool);
	free(h->start);
	free(h->st);
	free(h->touched);
	free(h->sv);
	memset(h, 0, sizeof(*h));
}

/* Grows *v (elements of size esz, capacity *cap) to hold n. */
static int grow(void **v, size_t *cap, size_t n, size_t esz)
{
	size_t nc = *cap ? *cap : 64;
	void *p;

	if (n <= *cap)
		return 0;
	while (nc < n) {
		if (nc > SIZE_MAX / 2 / esz)
			return -RP_ENOMEM;
		nc *= 2;
	}
	p = realloc(*v, nc * esz);
	if (!p)
		return -RP_ENOMEM;
	*v = p;
	*cap = nc;
	return 0;
}

/* The first index j in (i, n] with v[j].hi >= *a (n if none), given
 * v[i].hi < *a and ascending ends: galloping, then a binary search. */
static size_t gallop(const rp_net_ival *v, size_t i, size_t n, const rp_net_addr *a)
{
	size_t step = 1, lo = i + 1, hi;

	while (i + step < n && rp_net_addr_cmp(&v[i + step].hi, a) < 0) {
		lo = i + step + 1;
		step *= 2;
	}
	hi = i + step < n ? i + step : n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rp_net_addr_cmp(&v[mid].hi, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The same over the sorted source intervals. */
static size_t gallop_src(const struct rp_net__srciv *v, size_t i, size_t n, const rp_net_addr *a)
{
	size_t step = 1, lo = i + 1, hi;

	while (i + step < n && rp_net_addr_cmp(&v[i + step].iv.hi, a) < 0) {
		lo = i + step + 1;
		step *= 2;
	}
	hi = i + step < n ? i + step : n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rp_net_addr_cmp(&v[mid].iv.hi, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int rp_net__result_hits(const rp_net_result *r, const rp_net_aset *const *sources, size_t nsources,
			unsigned verdict_mask, rp_net__hits *hs)
{
	size_t nsv = 0, i, j, k, p, q, ntouched, nhits = 0, npool = 0;
	int rc = -RP_ENOMEM;

	for (i = 0; i < nsources; i++)
		nsv += sources[i]->n;
	if (grow((void **)&hs->sv, &hs->capsv, nsv + 1, sizeof(*hs->sv)) < 0 ||
	    grow((void **)&hs->st, &hs->capst, nsources + 1, sizeof(*hs->st)) < 0 ||
	    grow((void **)&hs->touched, &hs->captouched, nsources + 1, sizeof(*hs->touched)) < 0 ||
	    grow((void **)&hs->start, &hs->capstart, nsources + 2, sizeof(*hs->start)) < 0)
		goto out;
	if (nsources > hs->captmp) {
		rp_net_aset *nt = realloc(hs->tmp, nsources * sizeof(*nt));
		if (!nt)
			goto out;
		memset(nt + hs->captmp, 0, (nsources - hs->captmp) * sizeof(*nt));
		hs->tmp = nt;
		hs->captmp = nsources;
	}
	/* stamps restart with every call */
	memset(hs->st, 0, nsources * sizeof(*hs->st));
	for (i = k = 0; i < nsources; i++)
		for (j = 0; j < sources[i]->n; j++) {
			hs->sv[k].iv = sources[i]->v[j];
			hs->sv[k++].src = i;
		}
	for (k = 1; k < nsv && rp_net_addr_cmp(&hs->sv[k - 1].iv.lo, &hs->sv[k].iv.lo) <= 0; k++)
		;
	if (k < nsv) /* sources given in address order need no sort */
		qsort(hs->sv, nsv, sizeof(*hs->sv), cmp_src_iv);
	for (k = 1; k < nsv; k++)
		if (rp_net_addr_cmp(&hs->sv[k - 1].iv.hi, &hs->sv[k].iv.lo) >= 0) {
			rc = -RP_EINVAL; /* the sources overlap */
			goto out;
		}
	for (p = 0; p < r->n; p++) {
		const rp_net_piece *pc = &r->pieces[p];
		if (!((1u << pc->verdict) & verdict_mask))
			continue;
		ntouched = 0;
		i = k = 0;
		if (pc->remote.n) {
			/* the first source interval that can meet the piece (the
			 * sources are sorted and disjoint: their ends ascend) */
			size_t l = 0, h = nsv;
			while (l < h) {
				size_t mid = l + (h - l) / 2;
				if (rp_net_addr_cmp(&hs->sv[mid].iv.hi, &pc->remote.v[0].lo) < 0)
					l = mid + 1;
				else
					h = mid;
			}
			k = l;
		}
		while (i < pc->remote.n && k < nsv) {
			const rp_net_ival *x = &pc->remote.v[i], *y = &hs->sv[k].iv;
			const rp_net_addr *lo, *hi;
			/* skip what cannot meet: the piece's intervals before the
			 * source interval (ASG members outside a subnet or the
			 * Internet), or source intervals before the piece's */
			if (rp_net_addr_cmp(&x->hi, &y->lo) < 0) {
				i = gallop(pc->remote.v, i, pc->remote.n, &y->lo);
				continue;
			}
			if (rp_net_addr_cmp(&y->hi, &x->lo) < 0) {
				k = gallop_src(hs->sv, k, nsv, &x->lo);
				continue;
			}
			lo = rp_net_addr_cmp(&x->lo, &y->lo) > 0 ? &x->lo : &y->lo;
			hi = rp_net_addr_cmp(&x->hi, &y->hi) < 0 ? &x->hi : &y->hi;
			if (rp_net_addr_cmp(lo, hi) <= 0) {
				size_t src = hs->sv[k].src;
				struct rp_net__hpart *s = &hs->st[src];
				bool whole = lo == &x->lo && hi == &x->hi;
				if (s->stamp != p + 1) {
					s->stamp = p + 1;
					s->first = i;
					s->n = 0;
					s->borrow = true;
					hs->tmp[src].n = 0;
					hs->touched[ntouched++] = src;
				}
				if (whole) {
					/* x and the piece's next intervals strictly
					 * inside y (the ASG members of one subnet):
					 * one block */
					size_t e = gallop(pc->remote.v, i, pc->remote.n, &y->hi);
					if (s->borrow && i == s->first + s->n) {
						s->n += e - i;
					} else {
						rp_net_aset *t = &hs->tmp[src];
						rp_net_aset blk = { pc->remote.v + i, e - i, 0 };
						if (s->borrow) {
							rp_net_aset run = { pc->remote.v + s->first,
									    s->n, 0 };
							if (rp_net_aset_add_set(t, &run) < 0)
								goto out;
							s->borrow = false;
						}
						if (rp_net_aset_add_set(t, &blk) < 0)
							goto out;
					}
					i = e;
					continue;
				} else {
					rp_net_aset *t = &hs->tmp[src];
					if (s->borrow) {
						/* the run so far, as it is (t is empty) */
						rp_net_aset run = { pc->remote.v + s->first, s->n,
								    0 };
						if (rp_net_aset_add_set(t, &run) < 0)
							goto out;
						s->borrow = false;
					}
					if (rp_net_aset_add(t, *lo, *hi) < 0)
						goto out;
				}
			}
			if (rp_net_addr_cmp(&x->hi, &y->hi) < 0)
				i++;
			else
				k++;
		}
		if (grow((void **)&hs->v, &hs->cap, nhits + ntouched, sizeof(*hs->v)) < 0)
			goto out;
		for (q = 0; q < ntouched; q++) {
			size_t src = hs->touched[q];
			struct rp_net__hpart *s = &hs->st[src];
			rp_net__hit *ht = &hs->v[nhits++];
			ht->src = src;
			ht->pc = pc;
			ht->borrowed = s->borrow;
			if (s->borrow) {
				ht->off = s->first;
				ht->n = s->n;
			} else {
				const rp_net_aset *t = &hs->tmp[src];
				if (grow((void **)&hs->pool, &hs->cappool, npool + t->n,
					 sizeof(*hs->pool)) < 0)
					goto out;
				memcpy(hs->pool + npool, t->v, t->n * sizeof(*t->v));
				ht->off = npool;
				ht->n = t->n;
				npool += t->n;
			}
		}
	}
	/* by source, stable (counting sort): piece order within a source */
	if (grow((void **)&hs->sorted, &hs->capsorted, nhits + 1, sizeof(*hs->sorted)) < 0)
		goto out;
	memset(hs->start, 0, (nsources + 2) * sizeof(*hs->start));
	for (i = 0; i < nhits; i++)
		hs->start[hs->v[i].src + 1]++;
	for (j = 0; j < nsources; j++)
		hs->start[j + 1] += hs->start[j];
	for (i = 0; i < nhits; i++)
		hs->sorted[hs->start[hs->v[i].src]++] = hs->v[i];
	/* start[j] is now the end of source j's hits: shift back */
	for (j = nsources; j > 0; j--)
		hs->start[j] = hs->start[j - 1];
	hs->start[0] = 0;
	hs->n = nhits;
	hs->nsources = nsources;
	rc = 0;
out:
	return rc;
}

int rp_net_result_partition(const rp_net_result *r, const rp_net_aset *const *sources,
			    size_t nsources, unsigned verdict_mask, rp_arena *a, rp_net_result *out)
{
	rp_net__hits hs;
	size_t i, j;
	int rc;

	memset(&hs, 0, sizeof(hs));
	for (i = 0; i < nsources; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].nclasses = r->nclasses;
	}
	rc = rp_net__result_hits(r, sources, nsources, verdict_mask, &hs);
	for (j = 0; j < nsources && rc == 0; j++) {
		size_t n = hs.start[j + 1] - hs.start[j];
		if (!n)
			continue;
		out[j].pieces = rp_arena_alloc(a, n * sizeof(*out[j].pieces));
		if (!out[j].pieces) {
			rc = -RP_ENOMEM;
			break;
		}
		for (i = 0; i < n && rc == 0; i++) {
			const rp_net__hit *ht = &hs.sorted[hs.start[j] + i];
			rp_net_piece *pq = &out[j].pieces[out[j].n++];
			rp_net_aset view;
			*pq = *ht->pc;
			rp_net__hit_remote(&hs, ht, &view);
			if (ht->borrowed)
				pq->remote = view;
			else
				rc = rp_net_aset_freeze(a, &view, &pq->remote);
		}
	}
	rp_net__hits_release(&hs);
	return rc;
}
