/* detect.c: flow detections (RMP-WATCH-002, 004, 005, 006; 001 and 003
 * with a policy) on keyed event-time windows, and the findings' JSON.
 * Activity-log detections are in change.c.  See detect.h. */
#include "watch/detect.h"
#include "watch/internal.h"
#include "watch/policy.h"

#include "util/error.h"
#include "util/hashmap.h"

#include <math.h>
#include <stddef.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rp_watch_config_default(rp_watch_config *c)
{
	memset(c, 0, sizeof(*c));
	c->scan_ports = 50;
	c->scan_window_s = 300;
	c->sweep_hosts = 20;
	c->sweep_window_s = 3600;
	c->agg_window_s = 3600;
	c->lateness_s = 600;
	c->peer_learn_s = 86400;
	c->peer_rotate_s = 86400;
	c->spike_bucket_s = 300;
	c->spike_warmup = 12;
	c->spike_lambda = 0.3;
	c->spike_k = 3.0;
	c->spike_floor = 10u * 1000u * 1000u;
	c->max_keys = 65536;
}

/* Management and database ports (RMP-WATCH-002, 010). */
bool rp_watch_sensitive_port(uint32_t port, const char **name)
{
	static const struct {
		uint16_t port;
		const char *name;
	} t[] = {
		{ 22, "SSH" },
		{ 23, "Telnet" },
		{ 135, "RPC" },
		{ 139, "NetBIOS" },
		{ 445, "SMB" },
		{ 1433, "SQL Server" },
		{ 1434, "SQL Browser" },
		{ 1521, "Oracle" },
		{ 2375, "Docker" },
		{ 2376, "Docker TLS" },
		{ 3306, "MySQL" },
		{ 3389, "RDP" },
		{ 5432, "PostgreSQL" },
		{ 5900, "VNC" },
		{ 5984, "CouchDB" },
		{ 5985, "WinRM" },
		{ 5986, "WinRM HTTPS" },
		{ 6379, "Redis" },
		{ 9200, "Elasticsearch" },
		{ 11211, "Memcached" },
		{ 27017, "MongoDB" },
	};
	size_t i;

	switch (port) { /* the common answer (no) without the table */
	case 22:
	case 23:
	case 135:
	case 139:
	case 445:
	case 1433:
	case 1434:
	case 1521:
	case 2375:
	case 2376:
	case 3306:
	case 3389:
	case 5432:
	case 5900:
	case 5984:
	case 5985:
	case 5986:
	case 6379:
	case 9200:
	case 11211:
	case 27017: break;
	default: return false;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].port == port) {
			if (name)
				*name = t[i].name;
			return true;
		}
	return false;
}

const char *rp_watch_proto_name(unsigned proto)
{
	switch (proto) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1: return "icmp";
	case 58: return "icmpv6";
	default: return "ip";
	}
}

void rp_watch_format_time(int64_t ms, char out[32])
{
	char tmp[128];

	int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000,
		days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	int64_t sod = s - days * 86400, z = days + 719468, era, doe, yoe, y, doy, mp, d, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(tmp, sizeof(tmp), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
		 (long long)y, (long long)m, (long long)d, (long long)(sod / 3600),
		 (long long)(sod / 60 % 60), (long long)(sod % 60), (long long)(ms - s * 1000));
	snprintf(out, 32, "%.31s", tmp);
}

/* Hash of an address's value (never of its bytes: padding). */
static uint64_t addr_hash(const rp_net_addr *a, uint64_t seed)
{
	uint64_t v[3] = { a->fam, a->hi, a->lo };

	return rp_watch_hash(v, sizeof(v), seed);
}

/* ---- keyed windows ---- */

/* A table's key, compact (32 bytes: the first address as its two 64-bit
 * halves and family, no padding), compared as bytes.  The second address
 * (001 and 003 only) is compared beside it (struct lkey, entry.bhi/blo). */
typedef struct wkey {
	uint64_t ahi, alo;
	int64_t win;
	uint32_t port;
	uint16_t proto; /* the IANA number; bit 8: the logged direction (001/003) */
	uint8_t afam, bfam;
} wkey;
_Static_assert(sizeof(wkey) == 32, "wkey has no padding");

/* A key as looked up: wkey and the second address's halves (0 if none). */
typedef struct lkey {
	wkey k;
	uint64_t bhi, blo;
} lkey;

static void key_a(const wkey *k, rp_net_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->fam = k->afam;
	out->hi = k->ahi;
	out->lo = k->alo;
}

static void key_b(const wkey *k, uint64_t bhi, uint64_t blo, rp_net_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->fam = k->bfam;
	out->hi = bhi;
	out->lo = blo;
}

/* Evidence is kept once per flow, not per key: the flow's text goes into
 * a cell of a shared pool the first time a key takes it as evidence, and
 * the keys hold the cell's number (a reference count frees it).  A flow
 * that updates five keys is copied once, and an entry is three cache
 * lines instead of seven. */
#define EV_INLINE 103
typedef struct evcell {
	int64_t ts_ms;
	uint64_t off;
	const char *input;
	char text[EV_INLINE]; /* NUL-terminated; unused when spilled */
	uint8_t spilled;      /* the text is in the cell's spill buffer */
} evcell;
_Static_assert(sizeof(evcell) == 128, "an evidence cell is two cache lines");

/* A key's aggregate, two cache lines (the entries are 64-byte aligned).
 * The first line is what a flow that finds its key reads and writes: the
 * key, the count, the times (milliseconds after the window's start) and
 * either the distinct-count sketch or, in the table that sums bytes (006),
 * the bytes and the largest flow's.  The second line is read only to
 * create the entry, to emit it, or to change its evidence: the second
 * address of 001 and 003, the evidence cells (the first flow, and the
 * latest of the largest), the names (interned, by number), and the times
 * in full when a table's windows are too long for 32-bit offsets (wide).
 * Its insertion order (the order findings of one window are emitted in)
 * is kept beside its place (struct place), and the remote end 005 and 006
 * keep in the table's side array (struct ext). */
typedef struct entry {
	wkey k;
	uint64_t count;
	uint32_t first, last; /* ms after the window's start (unused when wide) */
	union {
		rp_hll distinct; /* every table but 006 */
		struct {
			uint64_t bytes, best; /* 006 (has_bytes) */
		} v;
	} u;
	/* second line */
	uint64_t bhi, blo;       /* the second address (has_b: 001, 003) */
	int64_t wfirst, wlast;   /* the times when wide */
	uint32_t ev[2];          /* evidence cells + 1; 0: none */
	uint32_t resource, rule; /* interned names + 1; 0: none */
} __attribute__((aligned(64))) entry;
_Static_assert(sizeof(entry) == 128, "an entry is two cache lines");
_Static_assert(offsetof(entry, bhi) == 64, "what a hit touches is the first line");

/* Per place of the tables that keep a remote end (005, 006). */
typedef struct ext {
	union {
		rp_net_addr top_remote; /* 006: the largest flow's remote end */
		rp_net_addr first_peer; /* 005: the first Internet peer */
	} u;
	uint8_t top_in; /* the largest flow was inbound (006) */
} ext;

/* An entry's evidence in the finding's form. */
typedef struct evpair {
	rp_watch_evidence ev[2];
	size_t n;
} evpair;

typedef struct table {
	/* entries live at places [0, hw) of e, in no order; the free places
	 * below hw are listed in freel (closing a window frees places and
	 * moves nothing) */
	entry *e; /* 64-byte aligned, in raw */
	void *raw;
	/* per place, beside e so that closing and rehashing scan 16 bytes a
	 * place instead of an entry's cache lines: its window (PLACE_FREE if
	 * free) and where its key's probe starts */
	struct place {
		int64_t win;
		uint64_t pos; /* key_base of its key */
		uint64_t seq; /* insertion order */
	} * pl;
	ext *ext; /* per place, when has_ext (005, 006) */
	bool has_ext;
	size_t n, hw, cap; /* live entries, high water, capacity */
	size_t e_pf;       /* prefault: bytes of e faulted in */
	uint32_t *freel;
	size_t nfree;
	uint64_t seq;
	/* open addressing, linear probing, 32-bit slots (a 512 KiB array at
	 * the default max_keys): 0 empty, else the entry's index + 1 in the
	 * low ibits bits (enough for max_keys) and the same bits of the key's
	 * hash above (a tag: 15 bits at the default), so a probe touches an
	 * entry only when the tags match */
	uint32_t *slot;
	size_t nslots;
	uint32_t imask; /* (1 << ibits) - 1 */
	/* presence filter of the keys' probe starts (key_base, the same for
	 * every window of a key): PRES_K bits in one word of nslots /
	 * PRES_SLOTS words (at least 8 bits a key).  A lookup whose bits are
	 * not all set is of a key the table holds in no window, so it reads no
	 * slot: on a full table that is most lookups (the keys the count-min
	 * sketch refuses).  Set when a key is placed, rebuilt when the slots
	 * are (a close frees keys). */
	uint64_t *pres;
	size_t pres_mask; /* words - 1 */
	/* changes whenever the slots do (a key placed, a rehash): a probe's
	 * outcome found ahead (struct lookup's hint) holds while it is the same */
	uint64_t ver;
	uint32_t window_s;
	int64_t wms;    /* window_s in ms: window w starts at w * wms */
	bool wide;      /* its windows span 2^32 ms or more: entry.wfirst/wlast */
	bool has_b;     /* keys have a second address (001, 003) */
	bool has_bytes; /* entries sum bytes (006) instead of a distinct count */
	int64_t closed; /* windows below this index are closed */
	rp_cms cms;
	uint32_t admit; /* CMS estimate a key needs past half of max_keys */
	/* Hopping windows (scan, sweep): window i covers [i*W/2, i*W/2 + W), so
	 * a burst shorter than W/2 is always inside one window; a key raised in
	 * window i is not raised again in window i+1 (same burst).  last_emit
	 * is a lossy direct-mapped table: a collision can only repeat a
	 * finding. */
	bool hopping;
	int64_t ev_thr; /* 004: the finding threshold (see entry_update); else -1 */
	uint64_t *emit_key;
	int64_t *emit_win;
} table;
#define EMIT_SLOTS 65536u
#define PLACE_FREE INT64_MAX /* windows are below: timestamps are < 2^53 ms */

/* Persistent per-server EWMA state (006). */
typedef struct ewma {
	rp_net_addr a;
	int64_t last_bucket;
	double mean, var;
	uint32_t n;
} ewma;

struct rp_watch_det {
	rp_watch_config c;
	const struct rp_watch_policy *policy;
	rp_watch_finding_fn fn;
	void *ctx;
	int64_t max_ts, first_ts;
	bool any;
	/* the next max_ts at which a window closes (advance) or the peer
	 * baseline rotates; below them a new max_ts changes nothing else */
	int64_t next_close_ts, next_gen_ts;
	table t002, t001, t003, tscan, tsweep, t005, t006;
	rp_bloom gen[2]; /* 005: current, previous */
	/* 005: hashes known to be in gen[0] (added since it was last
	 * cleared): KNOWN_SETS sets of KNOWN_WAYS hashes, a set per cache line,
	 * picked by the hash (0: none).  Adding to a Bloom filter is
	 * idempotent, so a hash found here needs neither the add nor the test:
	 * one line instead of the filter's four (every allowed flow between a
	 * server and the Internet adds its server). */
	uint64_t *known; /* 64-byte aligned */
	int64_t gen_idx;
	ewma *ew;
	size_t new_, ewcap;
	rp_map ewmap;  /* key bytes -> index+1 */
	rp_map intern; /* name -> its number + 1 */
	rp_arena *arena;
	size_t ninterned;
	const char **names; /* by number */
#define INTERN_RECENT 4
	const char *recent[INTERN_RECENT]; /* the last names interned */
	uint32_t recent_id[INTERN_RECENT]; /* their numbers + 1 */
	size_t recent_n[INTERN_RECENT];    /* their lengths (0: none) */
	size_t recent_at;
	/* the last input name interned: flows of one input repeat it */
	const char *last_input, *last_input_interned;
	/* evidence cells: cells[0, ncells), free ones chained from freecell
	 * (cell + 1; 0: none); cur is the flow in hand's cell + 1 once taken */
	evcell *cells;
	char **spill;   /* per cell: a buffer of RP_WATCH_EVIDENCE_TEXT bytes for
			 * a longer tuple (IPv6), kept for reuse, or NULL */
	uint32_t *cref; /* per cell: keys holding it; once free: the next free
			 * cell + 1 (beside the cells: 4 bytes a cell to touch
			 * when a key lets go of one) */
	uint32_t ncells, capcells, freecell, cur;
	size_t cells_pf; /* prefault: bytes of cells faulted in */
	rp_watch_det_stats st;
	rp_buf msg, rem;
	struct rp_watch_changes *changes; /* change.c */
};

static bool rule_on(const rp_watch_det *d, unsigned num)
{
	return !(d->c.disabled & (1u << (num % 32)));
}

#define INTERN_MAX 65536

/* The name's number + 1 (0: none, or no more room). */
static uint32_t intern_id(rp_watch_det *d, rp_slice s)
{
	void *v;
	char *copy;
	size_t i;
	uint32_t id;

	if (!s.n)
		return 0;
	/* the names of one record (resource, rule) repeat for every key it
	 * creates: compared before they are hashed */
	for (i = 0; i < INTERN_RECENT; i++)
		if (d->recent_n[i] == s.n && memcmp(d->recent[i], s.p, s.n) == 0)
			return d->recent_id[i];
	if (rp_map_get(&d->intern, s.p, s.n, &v)) {
		id = (uint32_t)(uintptr_t)v;
		copy = (char *)d->names[id - 1];
	} else {
		if (d->ninterned >= INTERN_MAX)
			return 0;
		if (!d->names) {
			d->names = malloc(INTERN_MAX * sizeof(*d->names));
			if (!d->names)
				return 0;
		}
		copy = rp_arena_strndup(d->arena, s.p, s.n);
		id = (uint32_t)d->ninterned + 1;
		if (!copy || rp_map_put(&d->intern, copy, s.n, (void *)(uintptr_t)id, NULL) < 0)
			return 0;
		d->names[id - 1] = copy;
		d->ninterned++;
	}
	d->recent[d->recent_at] = copy;
	d->recent_id[d->recent_at] = id;
	d->recent_n[d->recent_at] = s.n;
	d->recent_at = (d->recent_at + 1) % INTERN_RECENT;
	return id;
}

/* An interned name by its number + 1 (NULL for 0). */
static const char *name_of(const rp_watch_det *d, uint32_t id)
{
	return id ? d->names[id - 1] : NULL;
}

#define KNOWN_SETS 2048u
#define KNOWN_WAYS 8u /* one cache line */
#define KNOWN_SLOTS (KNOWN_SETS * KNOWN_WAYS)

static inline uint64_t *known_set(const rp_watch_det *d, uint64_t h)
{
	return &d->known[(h & (KNOWN_SETS - 1)) * KNOWN_WAYS];
}

/* Whether h is in the known set; else remembers it there (in a free way,
 * or in place of the way h picks). */
static inline bool known_or_put(uint64_t *set, uint64_t h, bool put)
{
	unsigned w, free = KNOWN_WAYS;

	if (!h)
		return false; /* 0 marks a free way */
	for (w = 0; w < KNOWN_WAYS; w++) {
		if (set[w] == h)
			return true;
		if (!set[w] && free == KNOWN_WAYS)
			free = w;
	}
	if (put)
		set[free < KNOWN_WAYS ? free : (unsigned)(h >> 40) % KNOWN_WAYS] = h;
	return false;
}

/* 005: gen[0] holds h from now on. */
static inline void peer_add(rp_watch_det *d, uint64_t h)
{
	if (!known_or_put(known_set(d, h), h, true))
		rp_bloom_add(&d->gen[0], h);
}

/* 005: whether gen[0] holds h (rp_bloom_has: a false positive possible). */
static inline bool peer_known(rp_watch_det *d, uint64_t h)
{
	uint64_t *set = known_set(d, h);

	if (known_or_put(set, h, false))
		return true;
	if (!rp_bloom_has(&d->gen[0], h))
		return false;
	known_or_put(set, h, true); /* every bit set: as if added */
	return true;
}

static const char *intern(rp_watch_det *d, rp_slice s)
{
	uint32_t id = intern_id(d, s);

	return name_of(d, id);
}
/* The detector's large arrays (entries, slots, evidence cells) are
 * written soon after they grow: their pages are faulted in by one madvise
 * call per 256 KiB instead of one page fault each (on the paravirtualized
 * guest the benchmark runs on, a fault costs about 13 us, and the faults
 * were a tenth of the detector's CPU time).  Entries and cells are placed
 * in order up to a high-water mark, so the pages ahead of the mark are
 * faulted in as it reaches them (*done: bytes from p faulted in so far;
 * never past cap bytes).  A hint: an error (an old kernel) changes nothing
 * but the time. */
#define PREFAULT_STEP ((size_t)256 * 1024)
static void prefault(void *p, size_t *done, size_t need, size_t cap)
{
	size_t to;

	if (need <= *done)
		return;
	to = need + PREFAULT_STEP < cap ? need + PREFAULT_STEP : cap;
#ifdef MADV_POPULATE_WRITE
	{
		uintptr_t a = ((uintptr_t)p + *done + 4095) & ~(uintptr_t)4095;
		uintptr_t e = ((uintptr_t)p + to) & ~(uintptr_t)4095;
		if (e > a)
			(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
	}
#else
	(void)p;
#endif
	*done = to;
}

/* ---- evidence cells ---- */

static void cell_unref(rp_watch_det *d, uint32_t id)
{
	if (!id)
		return;
	if (--d->cref[id - 1] == 0) {
		d->cref[id - 1] = d->freecell;
		d->freecell = id;
	}
}

static const char *input_of(rp_watch_det *d, const char *input);

/* The cell of the flow in hand (copied at the first call), with one more
 * reference; 0 on ENOMEM. */
static uint32_t cell_take(rp_watch_det *d, const rp_flow *f)
{
	evcell *c;
	uint32_t id = d->cur;
	size_t n;

	if (!id) {
		if (d->freecell) {
			id = d->freecell;
			d->freecell = d->cref[id - 1];
			if (d->freecell)
				__builtin_prefetch(&d->cells[d->freecell - 1], 1);
		} else {
			if (d->ncells == d->capcells) {
				uint32_t nc = d->capcells ? d->capcells * 2 : 256, *r;
				char **sp;
				evcell *x = realloc(d->cells, (size_t)nc * sizeof(*x));
				if (!x)
					return 0;
				d->cells = x;
				r = realloc(d->cref, (size_t)nc * sizeof(*r));
				if (!r)
					return 0;
				d->cref = r;
				sp = realloc(d->spill, (size_t)nc * sizeof(*sp));
				if (!sp)
					return 0;
				d->spill = sp;
				memset(sp + d->capcells, 0,
				       (size_t)(nc - d->capcells) * sizeof(*sp));
				d->capcells = nc;
			}
			id = ++d->ncells;
			prefault(d->cells, &d->cells_pf, (size_t)id * sizeof(evcell),
				 (size_t)d->capcells * sizeof(evcell));
		}
		d->cref[id - 1] = 0;
		c = &d->cells[id - 1];
		c->ts_ms = f->ts_ms;
		c->off = f->off;
		c->input = input_of(d, f->input);
		n = f->text.n < RP_WATCH_EVIDENCE_TEXT - 1 ? f->text.n : RP_WATCH_EVIDENCE_TEXT - 1;
		if (n < EV_INLINE) {
			memcpy(c->text, f->text.p, n);
			c->text[n] = '\0';
			c->spilled = 0;
		} else {
			char *b = d->spill[id - 1];
			if (!b) {
				b = malloc(RP_WATCH_EVIDENCE_TEXT);
				if (!b) {
					/* back to the free list */
					d->cref[id - 1] = d->freecell;
					d->freecell = id;
					return 0;
				}
				d->spill[id - 1] = b;
			}
			memcpy(b, f->text.p, n);
			b[n] = '\0';
			c->spilled = 1;
		}
		d->cur = id;
	}
	d->cref[id - 1]++;
	return id;
}

/* The flow in hand is done: its cell, if no key took it, is free again. */
static void cell_done(rp_watch_det *d)
{
	if (d->cur) {
		if (d->cref[d->cur - 1] == 0) {
			d->cref[d->cur - 1] = d->freecell;
			d->freecell = d->cur;
		}
		d->cur = 0;
	}
	/* the next flow's cell, written soon */
	if (d->freecell) {
		__builtin_prefetch(&d->cells[d->freecell - 1], 1);
		__builtin_prefetch((const char *)&d->cells[d->freecell - 1] + 64, 1);
	}
}

static void evidence_out(const rp_watch_det *d, const entry *e, evpair *out)
{
	size_t i;

	out->n = 0;
	for (i = 0; i < 2; i++) {
		const evcell *c;
		if (!e->ev[i])
			continue;
		c = &d->cells[e->ev[i] - 1];
		out->ev[out->n].ts_ms = c->ts_ms;
		out->ev[out->n].input = c->input;
		out->ev[out->n].off = c->off;
		snprintf(out->ev[out->n].text, sizeof(out->ev[out->n].text), "%s",
			 c->spilled ? d->spill[e->ev[i] - 1] : c->text);
		out->n++;
	}
}

static void entry_release(rp_watch_det *d, const table *t, entry *e)
{
	if (!t->has_bytes)
		rp_hll_release(&e->u.distinct);
	cell_unref(d, e->ev[0]);
	cell_unref(d, e->ev[1]);
	e->ev[0] = e->ev[1] = 0;
}

static int table_init(table *t, uint32_t window_s, uint32_t admit, size_t max_keys)
{
	memset(t, 0, sizeof(*t));
	/* places are below max_keys (at most max_keys live, and a place is
	 * taken above the live ones only when none below is free) */
	t->imask = 1;
	while (t->imask < max_keys)
		t->imask = t->imask << 1 | 1;
	t->window_s = window_s ? window_s : 1;
	t->wms = (int64_t)t->window_s * 1000;
	/* a hopping window spans two hops: offsets below 2 * wms */
	t->wide = 2 * (uint64_t)t->wms > UINT32_MAX;
	t->closed = INT64_MIN;
	t->admit = admit < 2 ? 2 : admit;
	t->ev_thr = -1;
	return rp_cms_init(&t->cms, 4096, 4);
}

static void table_release(rp_watch_det *d, table *t)
{
	size_t i;

	free(t->emit_key);
	free(t->emit_win);
	for (i = 0; i < t->hw; i++)
		if (t->pl[i].win != PLACE_FREE)
			entry_release(d, t, &t->e[i]);
	free(t->freel);
	free(t->pl);
	free(t->ext);
	free(t->raw);
	free(t->slot);
	free(t->pres);
	rp_cms_release(&t->cms);
}

/* A slot: the tag of hash (its top bits above imask) and place i + 1. */
static inline uint32_t slot_of(const table *t, uint64_t hash, size_t i)
{
	return ((uint32_t)(hash >> 32) & ~t->imask) | ((uint32_t)i + 1);
}

/* Whether slot s has the tag of hash. */
static inline bool slot_tag_eq(const table *t, uint32_t s, uint64_t hash)
{
	return ((s ^ (uint32_t)(hash >> 32)) & ~t->imask) == 0;
}

/* The place slot s names. */
static inline uint32_t slot_place(const table *t, uint32_t s)
{
	return (s & t->imask) - 1;
}

static uint64_t key_hash_win(uint64_t base, int64_t win);

#define PRES_SLOTS 16
/* A key's bits in the presence filter, and its word (pos: key_base). */
static inline uint64_t pres_bits(uint64_t pos)
{
	return (uint64_t)1 << (pos >> 20 & 63) | (uint64_t)1 << (pos >> 26 & 63) |
	       (uint64_t)1 << (pos >> 32 & 63);
}

static inline uint64_t *pres_word(const table *t, uint64_t pos)
{
	return &t->pres[(pos >> 40) & t->pres_mask];
}

/* Whether the table may hold the key (in some window): false only when it
 * holds it in none. */
static inline bool pres_maybe(const table *t, uint64_t pos)
{
	uint64_t b = pres_bits(pos);

	return t->pres && (*pres_word(t, pos) & b) == b;
}

static int table_rehash(table *t, size_t nslots)
{
	uint32_t *s;
	size_t i, npres = nslots / PRES_SLOTS > 8 ? nslots / PRES_SLOTS : 8;

	t->ver++;
	if (!t->pres || t->pres_mask + 1 != npres) {
		uint64_t *np = calloc(npres, sizeof(*np));
		if (!np)
			return -RP_ENOMEM;
		free(t->pres);
		t->pres = np;
		t->pres_mask = npres - 1;
	} else {
		memset(t->pres, 0, npres * sizeof(*t->pres));
	}
	if (t->slot && nslots == t->nslots) {
		/* same size (after a close): in place, no new pages */
		s = t->slot;
		memset(s, 0, nslots * sizeof(*s));
	} else {
		s = calloc(nslots, sizeof(*s));
		if (!s)
			return -RP_ENOMEM;
		{
			size_t none = 0;
			prefault(s, &none, nslots * sizeof(*s), nslots * sizeof(*s));
		}
	}
	for (i = 0; i < t->hw; i++) {
		uint64_t pos = t->pl[i].pos;
		size_t j = pos & (nslots - 1);
		if (t->pl[i].win == PLACE_FREE)
			continue;
		while (s[j])
			j = (j + 1) & (nslots - 1);
		s[j] = slot_of(t, key_hash_win(pos, t->pl[i].win), i);
		*pres_word(t, pos) |= pres_bits(pos);
	}
	if (s != t->slot)
		free(t->slot);
	t->slot = s;
	t->nslots = nslots;
	return 0;
}

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The key's hash: the fields but the window (the second address only
 * when there is one: 001 and 003), then the window.  The hopping tables
 * look a key up in two windows: key_base once, key_hash_win twice. */
static uint64_t key_base(const lkey *l)
{
	const wkey *k = &l->k;
	uint64_t m = (uint64_t)k->port | (uint64_t)k->proto << 32 | (uint64_t)k->afam << 48 |
		     (uint64_t)k->bfam << 56;
	uint64_t h = mix64(k->alo ^ (k->ahi * UINT64_C(0x9e3779b97f4a7c15)) ^
			   (m * UINT64_C(0xbf58476d1ce4e5b9)) ^ UINT64_C(0x5754));

	if (l->bhi | l->blo | k->bfam)
		h ^= mix64(l->blo ^ (l->bhi * UINT64_C(0x94d049bb133111eb)) ^
			   UINT64_C(0x3c6ef372fe94f82a));
	return h;
}

static uint64_t key_hash_win(uint64_t base, int64_t win)
{
	return mix64(base + (uint64_t)win * UINT64_C(0x9e3779b97f4a7c15));
}

static uint64_t key_hash(const lkey *k)
{
	return key_hash_win(key_base(k), k->k.win);
}

/* Finds or creates the entry of k (pos: key_base(k), h: key_hash(k));
 * *e NULL when refused (table full).  The probe starts at pos, the same
 * for every window of a key, so a hopping table's two lookups of a flow
 * read one run of slots; the tag (h's top bits) tells the windows apart. */
#define HINT_NONE 0   /* probe */
#define HINT_ABSENT 1 /* not in the table; else the entry's place + 2 */

/* The entry the look-ahead found for k (hint, at the table's version
 * hver), if the table is unchanged since and the entry is still k's. */
static inline entry *hint_entry(const table *t, const lkey *k, uint32_t hint, uint64_t hver)
{
	entry *x;

	if (hint < 2 || hver != t->ver)
		return NULL;
	x = &t->e[hint - 2];
	if (memcmp(&x->k, &k->k, sizeof(x->k)) == 0 &&
	    (!t->has_b || (x->bhi == k->bhi && x->blo == k->blo)))
		return x;
	return NULL;
}

static int table_get(rp_watch_det *d, table *t, const lkey *k, uint64_t pos, uint64_t h,
		     uint32_t hint, uint64_t hver, const uint32_t *cpos, entry **e)
{
	uint32_t s;
	size_t j, mask = t->nslots - 1;
	entry *x;
	uint32_t est;

	*e = NULL;
	if (hint != HINT_NONE && hver == t->ver) {
		/* the look-ahead probed these very slots */
		if (hint == HINT_ABSENT)
			goto absent;
		x = hint_entry(t, k, hint, hver);
		if (x) {
			*e = x;
			return 0;
		}
	}
	if (pres_maybe(t, pos)) {
		for (j = pos & mask; (s = t->slot[j]) != 0; j = (j + 1) & mask) {
			if (!slot_tag_eq(t, s, h))
				continue;
			x = &t->e[slot_place(t, s)];
			if (memcmp(&x->k, &k->k, sizeof(x->k)) == 0 &&
			    (!t->has_b || (x->bhi == k->bhi && x->blo == k->blo))) {
				*e = x;
				return 0;
			}
		}
	}
absent:
	/* cpos: the count-min counters of h, found ahead (rp_cms_prefetch) */
	est = cpos ? rp_cms_add_pos(&t->cms, cpos) : rp_cms_add(&t->cms, h);
	if (t->n >= d->c.max_keys || (t->n >= d->c.max_keys / 2 && est < t->admit)) {
		d->st.refused++;
		return 0;
	}
	if (t->nfree == 0 && t->hw == t->cap) {
		/* grown with realloc (large blocks move without a copy), the
		 * entries 64-byte aligned inside, so an entry's hot fields are
		 * two cache lines */
		size_t nc = t->cap ? t->cap * 2 : 64;
		size_t off = t->raw ? (size_t)((char *)t->e - (char *)t->raw) : 0, noff;
		char *nraw = realloc(t->raw, nc * sizeof(entry) + 64);
		uint32_t *nf;
		struct place *np;
		if (!nraw)
			return -RP_ENOMEM;
		t->raw = nraw;
		noff = (64 - (uintptr_t)nraw % 64) % 64;
		if (noff != off && t->hw)
			memmove(nraw + noff, nraw + off, t->hw * sizeof(entry));
		t->e = (entry *)(void *)(nraw + noff);
		nf = realloc(t->freel, nc * sizeof(*nf));
		if (!nf)
			return -RP_ENOMEM;
		t->freel = nf;
		np = realloc(t->pl, nc * sizeof(*np));
		if (!np)
			return -RP_ENOMEM;
		t->pl = np;
		if (t->has_ext) {
			ext *nx = realloc(t->ext, nc * sizeof(*nx));
			if (!nx)
				return -RP_ENOMEM;
			t->ext = nx;
		}
		t->cap = nc;
	}
	if ((t->n + 1) * 2 > t->nslots) {
		int rc = table_rehash(t, t->nslots ? t->nslots * 2 : 128);
		if (rc < 0)
			return rc;
		mask = t->nslots - 1;
	}
	{
		size_t at = t->nfree ? t->freel[--t->nfree] : t->hw++;
		prefault(t->e, &t->e_pf, (at + 1) * sizeof(entry), t->cap * sizeof(entry));
		x = &t->e[at];
		memset(x, 0, sizeof(*x));
		memcpy(&x->k, &k->k, sizeof(x->k));
		x->bhi = k->bhi;
		x->blo = k->blo;
		t->pl[at].win = k->k.win;
		t->pl[at].pos = pos;
		t->pl[at].seq = t->seq++;
		if (t->has_ext)
			memset(&t->ext[at], 0, sizeof(t->ext[at]));
		for (j = pos & mask; t->slot[j]; j = (j + 1) & mask)
			;
		t->slot[j] = slot_of(t, h, at);
		*pres_word(t, pos) |= pres_bits(pos);
		t->n++;
		t->ver++;
		/* the next new key's place, written then (a new key writes its
		 * entry whole: without this, two cache misses) */
		{
			size_t nx = t->nfree ? t->freel[t->nfree - 1] : t->hw;
			if (nx < t->cap) {
				__builtin_prefetch(&t->e[nx], 1);
				__builtin_prefetch((const char *)&t->e[nx] + 64, 1);
				__builtin_prefetch(&t->pl[nx], 1);
			}
		}
	}
	*e = x;
	return 0;
}

static void key_addr(rp_net_addr *dst, const rp_net_addr *src)
{
	dst->fam = src->fam;
	dst->hi = src->hi;
	dst->lo = src->lo;
}

const char *rp_watch_det_intern(rp_watch_det *d, const char *s)
{
	rp_slice sl = { s, s ? strlen(s) : 0 };

	return intern(d, sl);
}

/* The input's name outlives its reader (findings come later): interned,
 * once per run of flows from the same input. */
static const char *input_of(rp_watch_det *d, const char *input)
{
	if (!input)
		return NULL;
	if (input != d->last_input || !d->last_input_interned ||
	    strcmp(input, d->last_input_interned) != 0) {
		d->last_input = input;
		d->last_input_interned = rp_watch_det_intern(d, input);
	}
	return d->last_input_interned;
}

/* An entry's first and last times.  The offsets from the window's start
 * are computed modulo 2^64, which is exact: the true offset is in
 * [0, 2 * wms) and the true time fits in int64_t. */
static inline int64_t entry_first(const table *t, const entry *e)
{
	return t->wide ? e->wfirst : (int64_t)((uint64_t)e->k.win * (uint64_t)t->wms + e->first);
}

static inline int64_t entry_last(const table *t, const entry *e)
{
	return t->wide ? e->wlast : (int64_t)((uint64_t)e->k.win * (uint64_t)t->wms + e->last);
}

/* Widens [first, last] of e to the time ts (first: e has no flow yet). */
static inline void entry_times(const table *t, entry *e, int64_t ts, bool first)
{
	if (t->wide) {
		if (first || ts < e->wfirst)
			e->wfirst = ts;
		if (first || ts > e->wlast)
			e->wlast = ts;
	} else {
		uint32_t r = (uint32_t)((uint64_t)ts - (uint64_t)e->k.win * (uint64_t)t->wms);
		if (first || r < e->first)
			e->first = r;
		if (first || r > e->last)
			e->last = r;
	}
}

/* Updates e with flow f; distinct: what to count (0: nothing); top: where
 * to keep the largest flow's remote end (006), or NULL; thr: the table's finding threshold
 * on the distinct count (004), or -1.
 *
 * With a threshold, the latest flow is kept as evidence only once the
 * distinct count is past it: an entry is emitted only when its final
 * count is, and the count never decreases, so the flow that is the latest
 * when the window closes was added with the count already past the
 * threshold (an exact count is the number of members; an estimate, once
 * large, always keeps it).  Below it every flow would be replaced by the
 * next one anyway: the evidence of every finding is the same, and a scan
 * table's hit copies no text. */
static int entry_update(rp_watch_det *d, const table *t, entry *e, const rp_flow *f,
			uint64_t distinct, uint64_t bytes, ext *top, int64_t thr)
{
	bool first = e->count == 0;
	/* the flow is the largest so far (always, in tables without bytes) */
	bool largest = !t->has_bytes || bytes >= e->u.v.best;

	entry_times(t, e, f->ts_ms, first);
	e->count++;
	if (t->has_bytes)
		e->u.v.bytes += bytes;
	if (thr >= 0 && !first && largest) {
		int rc = distinct ? rp_hll_add(&e->u.distinct, distinct) : 0;
		if (rc < 0)
			return rc;
		if (e->u.distinct.n == RP_HLL_LARGE || (int64_t)e->u.distinct.n > thr) {
			uint32_t id = cell_take(d, f);
			if (!id)
				return -RP_ENOMEM;
			cell_unref(d, e->ev[1]);
			e->ev[1] = id;
		}
		if (t->has_bytes && bytes > e->u.v.best)
			e->u.v.best = bytes;
		return 0;
	}

	if (top && (first || largest)) {
		const rp_net_addr *remote = f->dir == RP_FLOW_IN ? &f->src : &f->dst;
		key_addr(&top->u.top_remote, remote);
		top->top_in = f->dir == RP_FLOW_IN;
	}
	if (first || largest) {
		uint32_t id = cell_take(d, f);
		if (!id)
			return -RP_ENOMEM;
		if (first) {
			e->ev[0] = id;
		} else {
			cell_unref(d, e->ev[1]);
			e->ev[1] = id;
		}
	}
	if (t->has_bytes) {
		if (bytes > e->u.v.best)
			e->u.v.best = bytes;
	} else if (distinct) {
		return rp_hll_add(&e->u.distinct, distinct);
	}
	return 0;
}

/* ---- remediation artifacts ---- */

/* Resource group and name of an NSG resource ID. */
static bool nsg_parts(const char *id, char *rg, size_t rgcap, char *name, size_t ncap)
{
	const char *p, *q;
	size_t n;

	if (!id)
		return false;
	for (p = id; *p; p++)
		if (strncasecmp(p, "/resourceGroups/", 16) == 0)
			break;
	if (!*p)
		return false;
	p += 16;
	q = strchr(p, '/');
	if (!q || (size_t)(q - p) >= rgcap)
		return false;
	memcpy(rg, p, (size_t)(q - p));
	rg[q - p] = '\0';
	p = strcasestr(q, "/networkSecurityGroups/");
	if (!p)
		return false;
	p += 23;
	n = strcspn(p, "/");
	if (n == 0 || n >= ncap)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	return true;
}

/* {"nsg_rule": {...}, "az": "..."|null, "notes": "..."} for a deny rule. */
int rp_watch_deny_rule(rp_buf *b, const char *name, int priority, const char *priority_basis,
		       bool inbound, unsigned proto, const char *src, const char *dst,
		       const char *dport, const char *nsg_id)
{
	rp_jw w;
	char rg[256], nsg[256];
	const char *pr = proto == 6 ? "Tcp" : proto == 17 ? "Udp" : proto == 1 ? "Icmp" : "*";
	rp_buf cmd = RP_BUF_INIT;
	int rc;

	rp_jw_init(&w, b, 0);
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "kind");
	rp_jw_string(&w, "nsg-deny-rule");
	rp_jw_key(&w, "nsg_rule");
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "name");
	rp_jw_string(&w, name);
	rp_jw_key(&w, "properties");
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "priority");
	rp_jw_int(&w, priority);
	rp_jw_key(&w, "direction");
	rp_jw_string(&w, inbound ? "Inbound" : "Outbound");
	rp_jw_key(&w, "access");
	rp_jw_string(&w, "Deny");
	rp_jw_key(&w, "protocol");
	rp_jw_string(&w, pr);
	rp_jw_key(&w, "sourceAddressPrefix");
	rp_jw_string(&w, src);
	rp_jw_key(&w, "sourcePortRange");
	rp_jw_string(&w, "*");
	rp_jw_key(&w, "destinationAddressPrefix");
	rp_jw_string(&w, dst);
	rp_jw_key(&w, "destinationPortRange");
	rp_jw_string(&w, dport);
	rp_jw_object_end(&w);
	rp_jw_object_end(&w);
	rp_jw_key(&w, "priority_basis");
	rp_jw_string(&w, priority_basis);
	rp_jw_key(&w, "az");
	if (nsg_parts(nsg_id, rg, sizeof(rg), nsg, sizeof(nsg)) &&
	    rp_buf_printf(&cmd,
			  "az network nsg rule create --resource-group %s --nsg-name %s --name %s "
			  "--priority %d --direction %s --access Deny --protocol %s "
			  "--source-address-prefixes %s --source-port-ranges '*' "
			  "--destination-address-prefixes %s --destination-port-ranges %s",
			  rg, nsg, name, priority, inbound ? "Inbound" : "Outbound", pr,
			  strcmp(src, "*") ? src : "'*'", strcmp(dst, "*") ? dst : "'*'",
			  strcmp(dport, "*") ? dport : "'*'") == 0)
		rp_jw_string(&w, cmd.data);
	else
		rp_jw_null(&w);
	if (!nsg_id || !nsg_parts(nsg_id, rg, sizeof(rg), nsg, sizeof(nsg))) {
		rp_jw_key(&w, "notes");
		rp_jw_string(&w, "the log does not name the NSG (VNet flow logs name the ACL by "
				 "GUID): add the rule to the NSG on the path of the flow");
	}
	rp_jw_object_end(&w);
	rc = rp_jw_finish(&w);
	rp_buf_release(&cmd);
	return rc;
}

static void addr_text(const rp_net_addr *a, char *out, size_t cap)
{
	rp_buf b = RP_BUF_INIT;

	if (rp_net_addr_format(&b, a) == 0 && b.data)
		snprintf(out, cap, "%s", b.data);
	else
		snprintf(out, cap, "?");
	rp_buf_release(&b);
}

static const char *host_prefix(const rp_net_addr *a, char *out, size_t cap)
{
	char t[64];

	addr_text(a, t, sizeof(t));
	snprintf(out, cap, "%s/%d", t, a->fam == 0 ? 32 : 128);
	return out;
}

/* ---- emitting ---- */

int rp_watch_emit(rp_watch_det *d, const rp_watch_finding *f)
{
	d->st.findings++;
	return d->fn ? d->fn(d->ctx, f) : 0;
}

static int emit_entry(rp_watch_det *d, const table *t, const char *id, rp_status st,
		      const char *subject, const entry *e, const evpair *ev, const char *message,
		      const char *remediation)
{
	rp_watch_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = rp_watch_rule(id);
	f.status = st;
	f.subject = subject;
	f.resource_id = e->resource ? name_of(d, e->resource) : "";
	f.message = message;
	f.first_ms = entry_first(t, e);
	f.last_ms = entry_last(t, e);
	f.count = e->count;
	f.ev = ev->ev;
	f.nev = ev->n;
	f.remediation = remediation;
	return rp_watch_emit(d, &f);
}

static int emit_002(rp_watch_det *d, const table *t, const entry *e, const evpair *ev)
{
	rp_net_addr ka;
	char dst[64], pfx[80], subject[96], name[64], port[16];
	const char *svc = "?";
	int rc;

	key_a(&e->k, &ka);
	addr_text(&ka, dst, sizeof(dst));
	rp_watch_sensitive_port(e->k.port, &svc);
	snprintf(subject, sizeof(subject), "%s:%u/%s", dst, e->k.port,
		 rp_watch_proto_name(e->k.proto));
	snprintf(name, sizeof(name), "rampart-deny-internet-%u", e->k.port);
	snprintf(port, sizeof(port), "%u", e->k.port);
	rp_buf_clear(&d->msg);
	rp_buf_clear(&d->rem);
	rc = rp_buf_printf(&d->msg,
			   "%s (%s %u) on %s accepted from the Internet: %llu flow%s from %.0f "
			   "source%s%s%s",
			   svc, rp_watch_proto_name(e->k.proto), e->k.port, dst,
			   (unsigned long long)e->count, e->count == 1 ? "" : "s",
			   rp_hll_count(&e->u.distinct),
			   rp_hll_count(&e->u.distinct) < 1.5 ? "" : "s",
			   e->rule ? ", allowed by rule " : "", e->rule ? name_of(d, e->rule) : "");
	if (rc == 0)
		rc = rp_watch_policy_deny(d, &d->rem, name, true, e->k.proto, "Internet",
					  host_prefix(&ka, pfx, sizeof(pfx)), port,
					  name_of(d, e->resource), &ka, e->k.port,
					  name_of(d, e->rule));
	if (rc == 0)
		rc = emit_entry(d, t, "RMP-WATCH-002", RP_STATUS_FAIL, subject, e, ev, d->msg.data,
				d->rem.data);
	return rc;
}

static int emit_scan(rp_watch_det *d, const table *t, const entry *e, const evpair *ev, bool sweep)
{
	rp_net_addr ka;
	char src[64], pfx[80], subject[96], name[96];
	double n = rp_hll_count(&e->u.distinct);
	bool pub;
	int rc;

	key_a(&e->k, &ka);
	pub = rp_watch_is_public(&ka);
	if (n <= (sweep ? d->c.sweep_hosts : d->c.scan_ports))
		return 0;
	addr_text(&ka, src, sizeof(src));
	if (sweep)
		snprintf(subject, sizeof(subject), "%s -> *:%u/%s", src, e->k.port,
			 rp_watch_proto_name(e->k.proto));
	else
		snprintf(subject, sizeof(subject), "%s", src);
	snprintf(name, sizeof(name), "rampart-deny-%s", src);
	for (char *p = name; *p; p++)
		if (*p == '.' || *p == ':')
			*p = '-';
	rp_buf_clear(&d->msg);
	rp_buf_clear(&d->rem);
	if (sweep)
		rc = rp_buf_printf(&d->msg,
				   "%s %s: contacted %.0f distinct hosts on %s %u (more than %u) "
				   "within %u minutes (%llu flows)",
				   pub ? "host sweep from the Internet address" : "host sweep by",
				   src, n, rp_watch_proto_name(e->k.proto), e->k.port,
				   d->c.sweep_hosts, d->c.sweep_window_s / 60,
				   (unsigned long long)e->count);
	else
		rc = rp_buf_printf(&d->msg,
				   "%s %s: contacted %.0f distinct ports (more than %u) within %u "
				   "minutes (%llu flows)",
				   pub ? "port scan from the Internet address" : "port scan by",
				   src, n, d->c.scan_ports, d->c.scan_window_s / 60,
				   (unsigned long long)e->count);
	if (rc == 0) {
		/* an outside scanner is denied inbound; an inside one is cut off
		 * outbound (isolated) */
		if (pub)
			rc = rp_watch_policy_deny(d, &d->rem, name, true, 0,
						  host_prefix(&ka, pfx, sizeof(pfx)), "*", "*",
						  name_of(d, e->resource), NULL, 0, NULL);
		else
			rc = rp_watch_policy_deny(d, &d->rem, name, false, 0,
						  host_prefix(&ka, pfx, sizeof(pfx)), "*", "*",
						  name_of(d, e->resource), NULL, 0, NULL);
	}
	if (rc == 0)
		rc = emit_entry(d, t, "RMP-WATCH-004", RP_STATUS_FAIL, subject, e, ev, d->msg.data,
				d->rem.data);
	return rc;
}

static int emit_005(rp_watch_det *d, const table *t, entry *e, const ext *x, const evpair *ev)
{
	rp_net_addr ka;
	char local[64], peer[64], pfx[80], ppfx[80], name[96];
	int rc;

	key_a(&e->k, &ka);
	addr_text(&ka, local, sizeof(local));
	addr_text(&x->u.first_peer, peer, sizeof(peer));
	snprintf(name, sizeof(name), "rampart-deny-peer-%s", peer);
	for (char *p = name; *p; p++)
		if (*p == '.' || *p == ':')
			*p = '-';
	rp_buf_clear(&d->msg);
	rp_buf_clear(&d->rem);
	rc = rp_buf_printf(&d->msg,
			   "%s had no Internet peers during the baseline and now exchanges traffic "
			   "with %.0f (first: %s; %llu flows)",
			   local, rp_hll_count(&e->u.distinct), peer, (unsigned long long)e->count);
	if (rc == 0)
		rc = rp_watch_policy_deny(d, &d->rem, name, false, 0,
					  host_prefix(&ka, pfx, sizeof(pfx)),
					  host_prefix(&x->u.first_peer, ppfx, sizeof(ppfx)), "*",
					  name_of(d, e->resource), NULL, 0, NULL);
	if (rc == 0)
		rc = emit_entry(d, t, "RMP-WATCH-005", RP_STATUS_FAIL, local, e, ev, d->msg.data,
				d->rem.data);
	/* now part of the baseline */
	peer_add(d, addr_hash(&ka, 5));
	return rc;
}

static ewma *ewma_get(rp_watch_det *d, const rp_net_addr *a)
{
	void *v;
	ewma *x;

	if (rp_map_get(&d->ewmap, (const char *)a, sizeof(*a), &v))
		return &d->ew[(size_t)(uintptr_t)v - 1];
	if (d->new_ >= d->c.max_keys || d->new_ == d->ewcap)
		return NULL;
	x = &d->ew[d->new_];
	memset(x, 0, sizeof(*x));
	key_addr(&x->a, a);
	x->last_bucket = INT64_MIN;
	if (rp_map_put(&d->ewmap, (const char *)&x->a, sizeof(x->a),
		       (void *)(uintptr_t)(d->new_ + 1), NULL) < 0)
		return NULL;
	d->new_++;
	return x;
}

static void ewma_update(ewma *x, double v, double lambda)
{
	if (x->n == 0) {
		x->mean = v;
		x->var = 0;
	} else {
		double diff = v - x->mean, incr = lambda * diff;
		x->mean += incr;
		x->var = (1 - lambda) * (x->var + diff * incr);
	}
	x->n++;
}

/* Exact updates before the rest of a gap is taken in closed form. */
#define GAP_STEPS 4096

/* base^k by squaring (libm's pow would make rampart link libm: see the
 * start-up check in tests/attest/cli.sh). */
static double pow_u64(double base, uint64_t k)
{
	double r = 1;

	for (; k && r != 0; k >>= 1, base *= base)
		if (k & 1)
			r *= base;
	return r;
}

/* The empty intervals of a gap since the last one count as zero traffic:
 * one update with 0 each, as far as they change the state.  The updates
 * reach a fixed point: all zero (then the count stops too, as it always
 * has), or the smallest subnormals, which a weight below 1/2 no longer
 * moves (then only the count grows, saturated).  At the default weight 0.3
 * that takes at most about 2,200 updates from any state; a log whose time
 * jumps by years (10^15 ms is 3 * 10^9 intervals) must not cost an update
 * per interval.  With a weight so small that GAP_STEPS updates do not get
 * there, the rest is applied in closed form: k updates with 0 multiply the
 * mean by A = (1 - lambda)^k and make the variance A * (var + mean^2 *
 * (1 - A)). */
static void ewma_gap(ewma *x, int64_t gap, double lambda)
{
	int64_t i;

	for (i = 0; i < gap && x->n < UINT32_MAX; i++) {
		double mean = x->mean, var = x->var;
		uint64_t rest = (uint64_t)(gap - i - 1);

		ewma_update(x, 0, lambda);
		if (x->var == 0 && x->mean == 0)
			return; /* a long silence: the state is all zero */
		if (x->mean == mean && x->var == var) {
			/* a fixed point: the remaining updates only count */
			x->n = rest >= UINT32_MAX - x->n ? UINT32_MAX : x->n + (uint32_t)rest;
			return;
		}
		if (i + 1 == GAP_STEPS && rest > 0) {
			double a = pow_u64(1 - lambda, rest);
			x->var = a * (x->var + x->mean * x->mean * (1 - a));
			x->mean *= a;
			x->n = rest >= UINT32_MAX - x->n ? UINT32_MAX : x->n + (uint32_t)rest;
			return;
		}
	}
}

static int emit_006(rp_watch_det *d, const table *t, entry *e, const ext *top)
{
	rp_net_addr ka;
	ewma *x;
	double v = (double)e->u.v.bytes, sd, thr;
	char local[64], subject[64];
	int rc = 0;

	key_a(&e->k, &ka);
	x = ewma_get(d, &ka);
	if (!x) {
		d->st.refused++;
		return 0;
	}
	/* empty intervals since the last one count as zero traffic */
	if (x->last_bucket != INT64_MIN)
		ewma_gap(x, e->k.win - x->last_bucket - 1, d->c.spike_lambda);
	sd = sqrt(x->var);
	thr = x->mean + d->c.spike_k * sd;
	if (x->n >= d->c.spike_warmup && v > thr && v > (double)d->c.spike_floor) {
		addr_text(&ka, local, sizeof(local));
		snprintf(subject, sizeof(subject), "%s", local);
		rp_buf_clear(&d->msg);
		rp_buf_clear(&d->rem);
		rc = rp_buf_printf(
			&d->msg,
			"%s moved %.0f bytes in %u minutes; baseline mean %.0f, standard "
			"deviation %.0f (threshold %.0f, floor %llu); largest flow in the "
			"evidence",
			local, v, d->c.spike_bucket_s / 60, x->mean, sd, thr,
			(unsigned long long)d->c.spike_floor);
		if (rc == 0) {
			/* contain: deny the largest flow's remote peer */
			char pfx[80], rpfx[80], name[96], peer[64];
			const rp_net_addr *remote = &top->u.top_remote;
			addr_text(remote, peer, sizeof(peer));
			snprintf(name, sizeof(name), "rampart-deny-peer-%s", peer);
			for (char *p = name; *p; p++)
				if (*p == '.' || *p == ':')
					*p = '-';
			rc = rp_watch_policy_deny(
				d, &d->rem, name, top->top_in, 0,
				top->top_in ? host_prefix(remote, rpfx, sizeof(rpfx))
					    : host_prefix(&ka, pfx, sizeof(pfx)),
				top->top_in ? host_prefix(&ka, pfx, sizeof(pfx))
					    : host_prefix(remote, rpfx, sizeof(rpfx)),
				"*", name_of(d, e->resource), NULL, 0, NULL);
		}
		if (rc == 0) {
			evpair ev;
			evidence_out(d, e, &ev);
			rc = emit_entry(d, t, "RMP-WATCH-006", RP_STATUS_FAIL, subject, e, &ev,
					d->msg.data, d->rem.data);
		}
	}
	ewma_update(x, v, d->c.spike_lambda);
	x->last_bucket = e->k.win;
	return rc;
}

static int emit_any(rp_watch_det *d, table *tt, size_t at, int which)
{
	entry *e = &tt->e[at];
	const ext *x = tt->ext ? &tt->ext[at] : NULL;
	rp_net_addr ka, kb;
	evpair evs, *ev = &evs;

	/* the evidence is read (cells far apart in memory) only for a
	 * finding */
	key_a(&e->k, &ka);
	key_b(&e->k, e->bhi, e->blo, &kb);
	if (which != 4 && which != 40 && which != 6)
		evidence_out(d, e, &evs);
	switch (which) {
	case 1:
		return rp_watch_policy_emit(d, e->k.win, &ka, &kb, e->k.port, e->k.proto,
					    entry_first(tt, e), entry_last(tt, e), e->count, ev->ev,
					    ev->n, name_of(d, e->resource), name_of(d, e->rule),
					    true);
	case 2: return emit_002(d, tt, e, ev);
	case 3:
		return rp_watch_policy_emit(d, e->k.win, &ka, &kb, e->k.port, e->k.proto,
					    entry_first(tt, e), entry_last(tt, e), e->count, ev->ev,
					    ev->n, name_of(d, e->resource), name_of(d, e->rule),
					    false);
	case 4:
	case 40: {
		table *t = which == 4 ? &d->tscan : &d->tsweep;
		/* the key without its window, hashed in the 48-byte layout keys
		 * had before they were split (the hash picks the lossy slot:
		 * the same hash, the same repeats) */
		struct {
			uint64_t ahi, alo, bhi, blo;
			int64_t win;
			uint32_t port;
			uint16_t proto;
			uint8_t afam, bfam;
		} k = { e->k.ahi,  e->k.alo,   e->bhi,    e->blo,   0,
			e->k.port, e->k.proto, e->k.afam, e->k.bfam };
		uint64_t h;
		size_t slot;
		double n = rp_hll_count(&e->u.distinct);
		if (n <= (which == 40 ? d->c.sweep_hosts : d->c.scan_ports))
			return 0;
		_Static_assert(sizeof(k) == 48, "no padding");
		h = rp_watch_hash(&k, sizeof(k), 77);
		slot = h % EMIT_SLOTS;
		if (t->emit_key[slot] == h && t->emit_win[slot] == e->k.win - 1) {
			t->emit_win[slot] = e->k.win; /* the same burst, continued */
			return 0;
		}
		t->emit_key[slot] = h;
		t->emit_win[slot] = e->k.win;
		evidence_out(d, e, &evs);
		return emit_scan(d, tt, e, ev, which == 40);
	}
	case 5: return emit_005(d, tt, e, x, ev);
	case 6: return emit_006(d, tt, e, x);
	}
	return 0;
}

typedef struct closing {
	int64_t win;
	uint64_t seq;
	uint32_t i; /* place in table.e */
} closing;

static int cmp_closing(const void *a, const void *b)
{
	const closing *x = a, *y = b;

	if (x->win != y->win)
		return x->win < y->win ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Whether emit_any may raise or change anything for e: in the 004 tables
 * (a threshold) only an entry whose distinct count may be past it (an
 * exact count is; a large one is estimated by emit_any), in the others
 * every entry. */
static bool close_emits(const table *t, const entry *e)
{
	return t->ev_thr < 0 || e->u.distinct.n == RP_HLL_LARGE ||
	       (int64_t)e->u.distinct.n > t->ev_thr;
}

/* Frees place i (its entry closed). */
static void close_place(rp_watch_det *d, table *t, size_t i)
{
	entry_release(d, t, &t->e[i]);
	t->pl[i].win = PLACE_FREE;
	t->freel[t->nfree++] = (uint32_t)i;
}

/* Emits and removes the entries of windows below upto (all if INT64_MAX):
 * in window order, and in insertion order within a window.  Only the
 * entries emit_any acts on are sorted (in a full scan table a few of
 * 65,536); the others are freed in the same pass, while their lines are
 * at hand (their cells are reference-counted: an entry emitted later
 * keeps its own). */
static int table_close(rp_watch_det *d, table *t, int64_t upto, int which)
{
	size_t i, nclosed = 0, nemit = 0;
	closing *closed = NULL;
	int rc = 0, r;

	if (upto <= t->closed)
		return 0;
	t->closed = upto;
	if (t->hw == 0)
		return 0;
	closed = malloc(t->hw * sizeof(*closed));
	if (!closed)
		return -RP_ENOMEM;
	/* from the top, so that the lowest free places are reused first */
	for (i = t->hw; i-- > 0;)
		if (t->pl[i].win < upto) {
			nclosed++;
			if (!close_emits(t, &t->e[i])) {
				close_place(d, t, i);
				continue;
			}
			closed[nemit].win = t->pl[i].win;
			closed[nemit].seq = t->pl[i].seq;
			closed[nemit++].i = (uint32_t)i;
		}
	if (nclosed == 0) {
		free(closed);
		return 0;
	}
	qsort(closed, nemit, sizeof(*closed), cmp_closing);
	for (i = 0; i < nemit && rc == 0; i++)
		rc = emit_any(d, t, closed[i].i, which);
	for (i = nemit; i-- > 0;)
		close_place(d, t, closed[i].i);
	free(closed);
	t->n -= nclosed;
	if (t->n == 0) {
		/* empty: start again from the bottom */
		t->hw = 0;
		t->nfree = 0;
		rp_cms_clear(&t->cms);
	}
	r = table_rehash(t, t->nslots ? t->nslots : 128);
	if (rc == 0)
		rc = r;
	return rc;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* a * b + c, saturated to [INT64_MIN, INT64_MAX] */
static int64_t sat_muladd(int64_t a, int64_t b, int64_t c)
{
	int64_t m, r;

	if (__builtin_mul_overflow(a, b, &m))
		return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
	if (__builtin_add_overflow(m, c, &r))
		return c < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

/* Closes the windows the watermark has passed, and computes the next
 * max_ts at which another window closes: table t closes more once
 * floordiv(max_ts - lateness, W) - hop > t->closed, that is once
 * max_ts >= (t->closed + 1 + hop) * W + lateness. */
static int advance(rp_watch_det *d, bool all)
{
	int64_t lat = (int64_t)d->c.lateness_s * 1000, wm = d->max_ts - lat;
	struct {
		table *t;
		int which;
	} ts[] = { { &d->t001, 1 },    { &d->t002, 2 }, { &d->t003, 3 }, { &d->tscan, 4 },
		   { &d->tsweep, 40 }, { &d->t005, 5 }, { &d->t006, 6 } };
	size_t i;
	int rc = 0;
	int64_t next = INT64_MAX;

	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		int64_t wms = (int64_t)ts[i].t->window_s * 1000, hop = ts[i].t->hopping ? 1 : 0;
		int64_t upto = all ? INT64_MAX : floordiv(wm, wms);
		if (ts[i].t->hopping && upto != INT64_MAX)
			upto -= 1; /* window i ends at (i + 2) hops */
		if (rc == 0 && upto > ts[i].t->closed)
			rc = table_close(d, ts[i].t, upto, ts[i].which);
		if (ts[i].t->closed < INT64_MAX - 1 - hop) {
			int64_t at = sat_muladd(ts[i].t->closed + 1 + hop, wms, lat);
			if (at < next)
				next = at;
		}
	}
	d->next_close_ts = next;
	return rc;
}

/* ---- per flow ---- */

/* In place (the key is hashed and compared as bytes; it has no padding). */
static void mkkey(lkey *l, const rp_net_addr *a, const rp_net_addr *b, uint32_t port,
		  uint32_t proto, int64_t win)
{
	wkey *k = &l->k;

	/* every field set: wkey has no padding */
	k->afam = a ? (uint8_t)a->fam : 0;
	k->ahi = a ? a->hi : 0;
	k->alo = a ? a->lo : 0;
	k->bfam = b ? (uint8_t)b->fam : 0;
	l->bhi = b ? b->hi : 0;
	l->blo = b ? b->lo : 0;
	k->port = port;
	k->proto = (uint16_t)proto;
	k->win = win;
}

/* A flow's lookups in the large tables (004 scan and sweep, 006), planned
 * once: the key (window 0), its hash per window, and the value counted.
 * In a batch the plan is made ahead of time (see sink_flows) and its
 * slots and entries prefetched; it depends on the flow alone. */
#define PLAN_SCAN 0
#define PLAN_SWEEP 1
#define PLAN_006 2
#define PLAN_N 3
typedef struct lookup {
	table *t; /* NULL: no lookup */
	int64_t win;
	uint64_t base; /* key_base(&k): where the probe starts */
	uint64_t h[2]; /* window win, and win - 1 when hopping */
	uint64_t distinct;
	/* the look-ahead's probe per window (HINT_*) and the table's ver then;
	 * with HINT_ABSENT, the count-min counters of h (they depend on h
	 * alone) */
	uint32_t hint[2];
	uint64_t hver[2];
	uint32_t cpos[2][RP_CMS_DMAX];
	/* the presence filter's answer for base, read by ahead_slots at the
	 * table's version pver (the filter changes only with the version) */
	bool pmaybe;
	uint64_t pver;
	lkey k;
} lookup;

typedef struct plan {
	bool lpub, rpub;
	const rp_net_addr *local, *remote;
	lookup l[PLAN_N];
	uint64_t h005; /* addr_hash(server, 5) when 005 applies */
} plan;

/* addr_hash and rp_watch_hash of 8 bytes, inline (the same values). */
static inline uint64_t hash_init(uint64_t seed, uint64_t n)
{
	return mix64(seed ^ (n * UINT64_C(0x9e3779b97f4a7c15)));
}

static inline uint64_t addr_hash_fast(const rp_net_addr *a, uint64_t seed)
{
	uint64_t h = hash_init(seed, 24);

	if (a->fam == 0 && a->hi == 0) {
		/* IPv4: the steps before the low half are constants for a
		 * constant seed (folded by the compiler); the same value */
		h = mix64(h) + UINT64_C(0x9e3779b97f4a7c15);
		h = mix64(h) + UINT64_C(0x9e3779b97f4a7c15);
	} else {
		h = mix64(h ^ (uint64_t)a->fam) + UINT64_C(0x9e3779b97f4a7c15);
		h = mix64(h ^ a->hi) + UINT64_C(0x9e3779b97f4a7c15);
	}
	h = mix64(h ^ a->lo) + UINT64_C(0x9e3779b97f4a7c15);
	return mix64(h);
}

static inline uint64_t u64_hash_fast(uint64_t v, uint64_t seed)
{
	return mix64(mix64(hash_init(seed, 8) ^ v) + UINT64_C(0x9e3779b97f4a7c15));
}

static void plan_lookup(lookup *l, table *t, const rp_net_addr *a, uint32_t port, uint32_t proto,
			int64_t ts_ms, uint64_t distinct)
{
	uint64_t base;

	l->t = t;
	l->win = floordiv(ts_ms, (int64_t)t->window_s * 1000);
	mkkey(&l->k, a, NULL, port, proto, 0);
	base = key_base(&l->k);
	l->base = base;
	l->h[0] = key_hash_win(base, l->win);
	l->h[1] = t->hopping ? key_hash_win(base, l->win - 1) : 0;
	l->distinct = distinct;
	l->hint[0] = l->hint[1] = HINT_NONE;
}

static void plan_flow(const rp_watch_det *d, const rp_flow *f, plan *p)
{
	p->local = f->dir == RP_FLOW_IN ? &f->dst : &f->src;
	p->remote = f->dir == RP_FLOW_IN ? &f->src : &f->dst;
	p->rpub = rp_watch_is_public(p->remote);
	p->lpub = rp_watch_is_public(p->local);
	p->l[PLAN_SCAN].t = p->l[PLAN_SWEEP].t = p->l[PLAN_006].t = NULL;
	/* 004: scans (distinct ports per source) and sweeps (distinct
	 * hosts per source and port); every outcome counts, as in
	 * Sentinel's rules */
	if (rule_on(d, 4)) {
		uint64_t pp = ((uint64_t)f->proto << 16) | f->dport;
		plan_lookup(&p->l[PLAN_SCAN], (table *)&d->tscan, &f->src, 0, 0, f->ts_ms,
			    u64_hash_fast(pp, 4));
		if (f->dir == RP_FLOW_IN ||
		    (f->dport != 80 && f->dport != 443 && f->dport != 53 && f->dport != 123))
			plan_lookup(&p->l[PLAN_SWEEP], (table *)&d->tsweep, &f->src, f->dport,
				    f->proto, f->ts_ms, addr_hash_fast(&f->dst, 40));
	}
	/* 006: bytes per server per interval */
	if (rule_on(d, 6) && f->allowed && f->has_counts)
		plan_lookup(&p->l[PLAN_006], (table *)&d->t006,
			    p->lpub && !p->rpub ? p->remote : p->local, 0, 0, f->ts_ms, 0);
	p->h005 = 0;
	if (rule_on(d, 5) && f->allowed && p->rpub != p->lpub)
		p->h005 = addr_hash_fast(p->lpub ? p->remote : p->local, 5);
}

/* Updates the entries of a planned lookup (both windows when hopping). */
static int track_planned(rp_watch_det *d, lookup *l, const rp_flow *f, uint64_t bytes)
{
	table *t = l->t;
	entry *e;
	int rc, i;

	for (i = 0; i < (t->hopping ? 2 : 1); i++) {
		int64_t w = l->win - i;
		if (w < t->closed) {
			if (i == 0)
				d->st.late++;
			return 0;
		}
		l->k.k.win = w;
		/* a hit the look-ahead found, without the call */
		e = hint_entry(t, &l->k, l->hint[i], l->hver[i]);
		if (!e) {
			rc = table_get(d, t, &l->k, l->base, l->h[i], l->hint[i], l->hver[i],
				       l->hint[i] == HINT_ABSENT ? l->cpos[i] : NULL, &e);
			if (rc < 0)
				return rc;
			if (!e)
				continue;
		}
		if (e->count == 0) {
			e->resource = intern_id(d, f->resource);
			e->rule = intern_id(d, f->rule);
		}
		rc = entry_update(d, t, e, f, l->distinct, bytes,
				  t == &d->t006 ? &t->ext[e - t->e] : NULL, t->ev_thr);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int track(rp_watch_det *d, table *t, const rp_flow *f, const rp_net_addr *a,
		 const rp_net_addr *b, uint32_t port, uint32_t proto, uint64_t distinct,
		 uint64_t bytes)
{
	lookup l;
	uint64_t base;

	l.t = t;
	l.win = floordiv(f->ts_ms, (int64_t)t->window_s * 1000);
	mkkey(&l.k, a, b, port, proto, 0);
	base = key_base(&l.k);
	l.base = base;
	l.h[0] = key_hash_win(base, l.win);
	l.h[1] = t->hopping ? key_hash_win(base, l.win - 1) : 0;
	l.distinct = distinct;
	l.hint[0] = l.hint[1] = HINT_NONE;
	return track_planned(d, &l, f, bytes);
}

static int det_flow(rp_watch_det *d, const rp_flow *f, plan *p)
{
	const rp_net_addr *local = p->local, *remote = p->remote;
	bool rpub = p->rpub, lpub = p->lpub;
	int rc = 0;

	if (!d->any) {
		d->any = true;
		d->first_ts = d->max_ts = f->ts_ms;
		d->gen_idx = floordiv(f->ts_ms, (int64_t)d->c.peer_rotate_s * 1000);
		d->next_gen_ts = sat_muladd(d->gen_idx + 1, (int64_t)d->c.peer_rotate_s * 1000, 0);
		d->next_close_ts = INT64_MIN; /* the first advance computes it */
	}
	if (f->ts_ms > d->max_ts) {
		d->max_ts = f->ts_ms;
		if (d->max_ts >= d->next_gen_ts) {
			/* rotate the peer baseline: current -> previous */
			int64_t g = floordiv(d->max_ts, (int64_t)d->c.peer_rotate_s * 1000);
			rp_bloom tmp = d->gen[1];
			d->gen[1] = d->gen[0];
			d->gen[0] = tmp;
			rp_bloom_clear(&d->gen[0]);
			memset(d->known, 0, KNOWN_SLOTS * sizeof(*d->known));
			if (g > d->gen_idx + 1)
				rp_bloom_clear(&d->gen[1]);
			d->gen_idx = g;
			d->next_gen_ts = sat_muladd(g + 1, (int64_t)d->c.peer_rotate_s * 1000, 0);
		}
		if (d->max_ts >= d->next_close_ts) {
			rc = advance(d, false);
			if (rc < 0)
				return rc;
		}
	}
	/* 001 / 003: observed allowed flows against the intended policy */
	if (d->policy && f->allowed && (rule_on(d, 1) || rule_on(d, 3))) {
		int which = 0;
		rc = rp_watch_policy_check(d, f, &which);
		if (rc < 0)
			return rc;
		/* the logged direction rides in bit 8 of the key's protocol */
		uint32_t pd = f->proto | (f->dir == RP_FLOW_OUT ? 0x100u : 0);
		if (which == 1 && rule_on(d, 1))
			rc = track(d, &d->t001, f, local, remote, f->dport, pd, 0, 0);
		else if (which == 3 && rule_on(d, 3))
			rc = track(d, &d->t003, f, &f->src, &f->dst, f->dport, pd, 0, 0);
		if (rc < 0)
			return rc;
	}
	/* 002: Internet -> management/database port, accepted */
	if (rule_on(d, 2) && f->dir == RP_FLOW_IN && f->allowed && rpub &&
	    rp_watch_sensitive_port(f->dport, NULL)) {
		rc = track(d, &d->t002, f, &f->dst, NULL, f->dport, f->proto,
			   addr_hash_fast(&f->src, 2), 0);
		if (rc < 0)
			return rc;
	}
	/* 004 (planned) */
	if (p->l[PLAN_SCAN].t) {
		rc = track_planned(d, &p->l[PLAN_SCAN], f, 0);
		if (rc == 0 && p->l[PLAN_SWEEP].t)
			rc = track_planned(d, &p->l[PLAN_SWEEP], f, 0);
		if (rc < 0)
			return rc;
	}
	/* 005: a server's first Internet peer */
	if (rule_on(d, 5) && f->allowed && rpub != lpub) {
		const rp_net_addr *srv = lpub ? remote : local, *peer = lpub ? local : remote;
		uint64_t h = p->h005;
		if (f->ts_ms < d->first_ts + (int64_t)d->c.peer_learn_s * 1000) {
			peer_add(d, h);
		} else if (peer_known(d, h)) {
			/* known, in the current generation already */
		} else if (rp_bloom_has(&d->gen[1], h)) {
			peer_add(d, h); /* keep it in the current generation */
		} else {
			/* the server keeps its first peer as key.b */
			int64_t win = floordiv(f->ts_ms, (int64_t)d->t005.window_s * 1000);
			lkey k;
			entry *e;
			mkkey(&k, srv, NULL, 0, 0, win);
			if (win < d->t005.closed) {
				d->st.late++;
			} else {
				rc = table_get(d, &d->t005, &k, key_base(&k), key_hash(&k),
					       HINT_NONE, 0, NULL, &e);
				if (rc < 0)
					return rc;
				if (e) {
					if (e->count == 0) {
						key_addr(&d->t005.ext[e - d->t005.e].u.first_peer,
							 peer);
						e->resource = intern_id(d, f->resource);
					}
					rc = entry_update(d, &d->t005, e, f,
							  addr_hash_fast(peer, 55), 0, NULL, -1);
					if (rc < 0)
						return rc;
				}
			}
		}
	}
	/* 006 (planned): bytes per server per interval */
	if (p->l[PLAN_006].t)
		rc = track_planned(d, &p->l[PLAN_006], f, f->by_s2d + f->by_d2s);
	return rc;
}

int rp_watch_det_flow(rp_watch_det *d, const rp_flow *f)
{
	plan p;
	int rc;

	plan_flow(d, f, &p);
	rc = det_flow(d, f, &p);

	cell_done(d);
	return rc;
}

/* ---- lifecycle ---- */

rp_watch_det *rp_watch_det_new(const rp_watch_config *c, const struct rp_watch_policy *policy,
			       rp_watch_finding_fn fn, void *ctx)
{
	rp_watch_det *d = calloc(1, sizeof(*d));
	int rc = 0;

	if (!d)
		return NULL;
	d->c = *c;
	if (d->c.max_keys < 16)
		d->c.max_keys = 16;
	if (d->c.max_keys > RP_WATCH_MAX_KEYS)
		d->c.max_keys = RP_WATCH_MAX_KEYS;
	d->policy = policy;
	d->fn = fn;
	d->ctx = ctx;
	d->arena = rp_arena_new();
	rp_map_init(&d->intern, false);
	rp_map_init(&d->ewmap, false);
	d->ewcap = d->c.max_keys;
	d->ew = calloc(d->ewcap, sizeof(*d->ew));
	if (!d->arena || !d->ew)
		return rp_watch_det_free(d);
	rc |= table_init(&d->t001, c->agg_window_s, 2, d->c.max_keys);
	rc |= table_init(&d->t002, c->agg_window_s, 2, d->c.max_keys);
	rc |= table_init(&d->t003, c->agg_window_s, 2, d->c.max_keys);
	rc |= table_init(&d->tscan, (c->scan_window_s + 1) / 2, c->scan_ports / 2, d->c.max_keys);
	rc |= table_init(&d->tsweep, (c->sweep_window_s + 1) / 2, c->sweep_hosts / 2,
			 d->c.max_keys);
	d->tscan.hopping = d->tsweep.hopping = true;
	d->tscan.ev_thr = c->scan_ports;
	d->tsweep.ev_thr = c->sweep_hosts;
	d->tscan.emit_key = calloc(EMIT_SLOTS, sizeof(uint64_t));
	d->tscan.emit_win = calloc(EMIT_SLOTS, sizeof(int64_t));
	d->tsweep.emit_key = calloc(EMIT_SLOTS, sizeof(uint64_t));
	d->tsweep.emit_win = calloc(EMIT_SLOTS, sizeof(int64_t));
	if (!d->tscan.emit_key || !d->tscan.emit_win || !d->tsweep.emit_key || !d->tsweep.emit_win)
		rc = -RP_ENOMEM;
	rc |= table_init(&d->t005, c->agg_window_s, 2, d->c.max_keys);
	rc |= table_init(&d->t006, c->spike_bucket_s, 2, d->c.max_keys);
	d->t005.has_ext = d->t006.has_ext = true;
	d->t006.has_bytes = true;
	d->t001.has_b = d->t003.has_b = true;
	rc |= rp_bloom_init(&d->gen[0], 20, 4);
	rc |= rp_bloom_init(&d->gen[1], 20, 4);
	d->known = aligned_alloc(64, KNOWN_SLOTS * sizeof(*d->known));
	if (d->known)
		memset(d->known, 0, KNOWN_SLOTS * sizeof(*d->known));
	else
		rc = -RP_ENOMEM;
	if (rc)
		return rp_watch_det_free(d);
	if (rp_watch_changes_new(d) < 0)
		return rp_watch_det_free(d);
	return d;
}

rp_watch_det *rp_watch_det_free(rp_watch_det *d)
{
	if (!d)
		return NULL;
	table_release(d, &d->t001);
	table_release(d, &d->t002);
	table_release(d, &d->t003);
	table_release(d, &d->tscan);
	table_release(d, &d->tsweep);
	table_release(d, &d->t005);
	table_release(d, &d->t006);
	rp_bloom_release(&d->gen[0]);
	rp_bloom_release(&d->gen[1]);
	free(d->known);
	for (uint32_t i = 0; i < d->ncells; i++)
		free(d->spill[i]);
	free(d->spill);
	free(d->cells);
	free(d->cref);
	free(d->ew);
	rp_map_release(&d->ewmap);
	rp_map_release(&d->intern);
	free(d->names);
	rp_arena_free(d->arena);
	rp_buf_release(&d->msg);
	rp_buf_release(&d->rem);
	rp_watch_changes_free(d);
	free(d);
	return NULL;
}

int rp_watch_det_finish(rp_watch_det *d)
{
	int rc = advance(d, true);

	if (rc == 0)
		rc = rp_watch_changes_finish(d);
	return rc;
}

void rp_watch_det_get_stats(const rp_watch_det *d, rp_watch_det_stats *s)
{
	*s = d->st;
}

static int sink_flow(void *ctx, const rp_flow *f)
{
	return rp_watch_det_flow(ctx, f);
}

static int sink_act(void *ctx, const rp_activity *a)
{
	return rp_watch_det_activity(ctx, a);
}

/* ---- look-ahead ----
 *
 * The keyed tables are far larger than the caches, so a flow's work is
 * mostly waiting for memory: the probe of each table's slot array, then
 * its entry and evidence.  With a batch of flows in hand, the slots of
 * flow i + 2 * AHEAD are prefetched, and the entries those slots name for
 * flow i + AHEAD, while flow i is processed; the processing itself is
 * unchanged and in order (prefetches are hints: results do not depend on
 * them). */
#define AHEAD 4
#define RING 16 /* > 2 * AHEAD */

/* The slots of a planned flow's lookups, and its Bloom filter words. */
static void ahead_slots(const rp_watch_det *d, const rp_flow *f, plan *p)
{
	int i;

	for (i = 0; i < PLAN_N; i++) {
		const table *t = p->l[i].t;
		if (!t)
			continue;
		p->l[i].pver = t->ver;
		p->l[i].pmaybe = pres_maybe(t, p->l[i].base);
		if (!p->l[i].pmaybe)
			continue; /* no slot to read */
		__builtin_prefetch(&t->slot[p->l[i].base & (t->nslots - 1)]);
	}
	if (p->h005) {
		/* the known slot (gen[0]'s words are read only for a hash not in it) */
		__builtin_prefetch(known_set(d, p->h005), 1);
		if (f->ts_ms >= d->first_ts + (int64_t)d->c.peer_learn_s * 1000)
			rp_bloom_prefetch(&d->gen[1], p->h005);
	}
}

/* The entries those slots name, or the count-min counters a miss adds to. */
static void ahead_entries(plan *p)
{
	int i, j, nw;
	size_t k;
	uint32_t s;

	for (i = 0; i < PLAN_N; i++) {
		lookup *l = &p->l[i];
		const table *t = l->t;
		size_t mask;
		if (!t || !t->nslots)
			continue;
		mask = t->nslots - 1;
		nw = t->hopping ? 2 : 1;
		l->hver[0] = l->hver[1] = t->ver;
		l->hint[0] = l->hint[1] = HINT_ABSENT;
		/* the windows of a key share their probe's run of slots: one pass
		 * finds both (the first slot with a window's tag, as table_get) */
		/* the filter's word was read by ahead_slots: its answer holds
		 * while the version does */
		if (l->pver == t->ver ? l->pmaybe : pres_maybe(t, l->base)) {
			uint32_t found = 0, all = (1u << nw) - 1;
			for (k = l->base & mask; (s = t->slot[k]) != 0 && found != all;
			     k = (k + 1) & mask) {
				if (slot_place(t, s) >= t->hw)
					continue;
				for (j = 0; j < nw; j++)
					if (!(found & (1u << j)) && slot_tag_eq(t, s, l->h[j])) {
						/* what a hit touches: the first line */
						__builtin_prefetch(&t->e[slot_place(t, s)], 1);
						l->hint[j] = slot_place(t, s) + 2;
						found |= 1u << j;
						break;
					}
			}
		}
		/* not there: the lookup will ask the count-min sketch */
		for (j = 0; j < nw; j++)
			if (l->hint[j] == HINT_ABSENT)
				rp_cms_prefetch(&t->cms, l->h[j], l->cpos[j]);
	}
}

static int sink_flows(void *ctx, const rp_flow *fs, size_t n)
{
	rp_watch_det *d = ctx;
	plan ring[RING];
	size_t i;
	int rc;

	for (i = 0; i < n && i < 2 * AHEAD; i++) {
		plan_flow(d, &fs[i], &ring[i % RING]);
		ahead_slots(d, &fs[i], &ring[i % RING]);
	}
	for (i = 0; i < n && i < AHEAD; i++)
		ahead_entries(&ring[i % RING]);
	for (i = 0; i < n; i++) {
		if (i + 2 * AHEAD < n) {
			plan *q = &ring[(i + 2 * AHEAD) % RING];
			plan_flow(d, &fs[i + 2 * AHEAD], q);
			ahead_slots(d, &fs[i + 2 * AHEAD], q);
		}
		if (i + AHEAD < n)
			ahead_entries(&ring[(i + AHEAD) % RING]);
		rc = det_flow(d, &fs[i], &ring[i % RING]);
		cell_done(d);
		if (rc < 0)
			return rc;
	}
	return 0;
}

rp_watch_sink rp_watch_det_sink(rp_watch_det *d)
{
	rp_watch_sink s = { d, sink_flow, sink_act, sink_flows };
	return s;
}

/* internal accessors for change.c and policy.c */
const rp_watch_config *rp_watch_det_config(const rp_watch_det *d)
{
	return &d->c;
}
struct rp_watch_changes **rp_watch_det_changes(rp_watch_det *d)
{
	return &d->changes;
}
const struct rp_watch_policy *rp_watch_det_policy(const rp_watch_det *d)
{
	return d->policy;
}
bool rp_watch_det_rule_on(const rp_watch_det *d, unsigned num)
{
	return rule_on(d, num);
}

/* ---- JSON ---- */

int rp_watch_finding_json(rp_buf *b, const rp_watch_finding *f)
{
	rp_jw w;
	char t[32];
	size_t i;

	rp_jw_init(&w, b, 0);
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "rule_id");
	rp_jw_string(&w, f->rule->id);
	rp_jw_key(&w, "severity");
	rp_jw_string(&w, rp_severity_name(f->rule->severity));
	rp_jw_key(&w, "status");
	rp_jw_string(&w, rp_status_name(f->status));
	rp_jw_key(&w, "title");
	rp_jw_string(&w, f->rule->title);
	rp_jw_key(&w, "subject");
	rp_jw_string(&w, f->subject ? f->subject : "");
	rp_jw_key(&w, "resource_id");
	rp_jw_string(&w, f->resource_id ? f->resource_id : "");
	rp_jw_key(&w, "message");
	rp_jw_string(&w, f->message ? f->message : "");
	if (f->unknown_reason) {
		rp_jw_key(&w, "unknown_reason");
		rp_jw_string(&w, f->unknown_reason);
	}
	rp_watch_format_time(f->first_ms, t);
	rp_jw_key(&w, "first_seen");
	rp_jw_string(&w, t);
	rp_watch_format_time(f->last_ms, t);
	rp_jw_key(&w, "last_seen");
	rp_jw_string(&w, t);
	rp_jw_key(&w, "count");
	rp_jw_uint(&w, f->count);
	rp_jw_key(&w, "evidence");
	rp_jw_array_begin(&w);
	for (i = 0; i < f->nev; i++) {
		rp_jw_object_begin(&w);
		rp_watch_format_time(f->ev[i].ts_ms, t);
		rp_jw_key(&w, "time");
		rp_jw_string(&w, t);
		rp_jw_key(&w, "input");
		rp_jw_string(&w, f->ev[i].input ? f->ev[i].input : "");
		rp_jw_key(&w, "offset");
		rp_jw_uint(&w, f->ev[i].off);
		rp_jw_key(&w, "text");
		rp_jw_string(&w, f->ev[i].text);
		rp_jw_object_end(&w);
	}
	rp_jw_array_end(&w);
	rp_jw_key(&w, "remediation");
	if (f->remediation && *f->remediation)
		rp_jw_raw(&w, f->remediation, strlen(f->remediation));
	else
		rp_jw_null(&w);
	rp_jw_object_end(&w);
	return rp_jw_finish(&w);
}
