/* detect.h: detections on flow logs and activity logs (RMP-WATCH-*).
 *
 * rp_watch_det consumes flows and activities (watch.h) and emits findings
 * through a callback.  Flow detections aggregate per key and per window of
 * event time (the tuples' own timestamps) and are emitted when the
 * watermark (the largest timestamp seen minus the allowed lateness) passes
 * the window's end, or at rp_watch_det_finish().  Records later than the
 * lateness are counted and ignored.  Memory is bounded: at most max_keys
 * keys per detector (further keys are admitted only when a count-min
 * sketch says they are heavy enough to matter), HyperLogLog for distinct
 * counts, Bloom filters for the peer baseline.
 *
 * Model-based detections (001 drift, 003 east-west) take an rp_watch_policy
 * (policy.h) built from the intended deployment; without one they are off.
 *
 * Findings passed to the callback are valid during the call only.
 */
#ifndef RP_WATCH_DETECT_H
#define RP_WATCH_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/rule.h"
#include "util/buf.h"
#include "watch/watch.h"

/* The WATCH rules (registry metadata; see rules.c). */
extern const rp_rule *const rp_watch_rules[];
extern const size_t rp_watch_nrules;
const rp_rule *rp_watch_rule(const char *id); /* case-insensitive; NULL if none */

typedef struct rp_watch_config {
	uint32_t scan_ports;     /* 004 scan: more than this many distinct ports ... */
	uint32_t scan_window_s;  /* ... per source in this window (300) */
	uint32_t sweep_hosts;    /* 004 sweep: more than this many hosts on one port ... */
	uint32_t sweep_window_s; /* ... per source in this window (3600) */
	uint32_t agg_window_s;   /* 001/002/003/005 aggregation window (3600) */
	uint32_t lateness_s;     /* allowed lateness of records (600) */
	uint32_t peer_learn_s;   /* 005: baseline period before it fires (86400) */
	uint32_t peer_rotate_s;  /* 005: Bloom filter generation length (86400) */
	uint32_t spike_bucket_s; /* 006: interval (300) */
	uint32_t spike_warmup;   /* 006: intervals before it fires (12) */
	double spike_lambda;     /* 006: EWMA weight (0.3) */
	double spike_k;          /* 006: standard deviations (3) */
	uint64_t spike_floor;    /* 006: bytes an interval must exceed (10 MB) */
	size_t max_keys;         /* keys per detector (65536; 16 to RP_WATCH_MAX_KEYS) */
	unsigned disabled;       /* bit per rule: 1u << (number % 32) for RMP-WATCH-0NN */
} rp_watch_config;

/* The most keys a detector tracks (a larger max_keys is taken as this):
 * its tables' 32-bit slots keep at least 3 bits of tag beside a place.
 * The CLI accepts at most 100,000,000. */
#define RP_WATCH_MAX_KEYS ((size_t)1 << 28)

void rp_watch_config_default(rp_watch_config *c);

#define RP_WATCH_MAX_EVIDENCE 4
#define RP_WATCH_EVIDENCE_TEXT 192

typedef struct rp_watch_evidence {
	int64_t ts_ms;
	const char *input;                 /* input name (borrowed from the detector) */
	uint64_t off;                      /* byte offset of the tuple or record */
	char text[RP_WATCH_EVIDENCE_TEXT]; /* tuple text, or "OPERATION resultType" */
} rp_watch_evidence;

typedef struct rp_watch_finding {
	const rp_rule *rule;
	rp_status status;        /* FAIL, or UNKNOWN with unknown_reason */
	const char *subject;     /* "203.0.113.7", "10.0.0.4:3389/tcp", a resource ID */
	const char *resource_id; /* Azure resource when known, else "" */
	const char *message;
	const char *unknown_reason;
	int64_t first_ms, last_ms;
	uint64_t count; /* flows or records behind the finding */
	const rp_watch_evidence *ev;
	size_t nev;
	const char *remediation; /* JSON object text */
} rp_watch_finding;

typedef int (*rp_watch_finding_fn)(void *ctx, const rp_watch_finding *f);

typedef struct rp_watch_det rp_watch_det;
struct rp_watch_policy;

typedef struct rp_watch_det_stats {
	uint64_t late;    /* records older than the watermark, ignored */
	uint64_t refused; /* keys not tracked (table full, not heavy) */
	uint64_t findings;
} rp_watch_det_stats;

/* NULL on ENOMEM.  policy may be NULL (001 and 003 off). */
rp_watch_det *rp_watch_det_new(const rp_watch_config *c, const struct rp_watch_policy *policy,
			       rp_watch_finding_fn fn, void *ctx);
rp_watch_det *rp_watch_det_free(rp_watch_det *d);
int rp_watch_det_flow(rp_watch_det *d, const rp_flow *f);
int rp_watch_det_activity(rp_watch_det *d, const rp_activity *a);
/* Emits everything still open (end of input). */
int rp_watch_det_finish(rp_watch_det *d);
void rp_watch_det_get_stats(const rp_watch_det *d, rp_watch_det_stats *s);

/* A sink that feeds the detector (for rp_watch_reader). */
rp_watch_sink rp_watch_det_sink(rp_watch_det *d);

/* One finding as a compact JSON object (one line, no newline). */
int rp_watch_finding_json(rp_buf *b, const rp_watch_finding *f);
/* ISO-8601 UTC with milliseconds ("2024-01-01T00:00:00.000Z"). */
void rp_watch_format_time(int64_t ms, char out[32]);

/* ---- sketches (sketch.c), exposed for tests ---- */
#define RP_HLL_P 10
#define RP_HLL_SMALL 64
#define RP_HLL_INLINE 1 /* most keys see one value: no allocation (and rp_hll is 16 bytes) */
#define RP_HLL_LARGE UINT32_MAX
typedef struct rp_hll {
	uint32_t n;                  /* exact entries while small; RP_HLL_LARGE once large */
	uint32_t inl[RP_HLL_INLINE]; /* the first RP_HLL_INLINE of them */
	void *p; /* past RP_HLL_INLINE: all of them (up to RP_HLL_SMALL, uint32_t);
		    once large: 2^RP_HLL_P registers (uint8_t) */
} rp_hll;
void rp_hll_release(rp_hll *h);
int rp_hll_add(rp_hll *h, uint64_t hash); /* 0 or -RP_ENOMEM */
double rp_hll_count(const rp_hll *h);

#define RP_CMS_DMAX 4 /* rows at most */
typedef struct rp_cms {
	uint32_t *c;
	uint32_t w, d;
	uint32_t wmask; /* w - 1 when w is a power of two, else 0 */
} rp_cms;
int rp_cms_init(rp_cms *s, uint32_t width, uint32_t depth);
void rp_cms_release(rp_cms *s);
void rp_cms_clear(rp_cms *s);

/* The sketches' per-item operations are inline (the detector calls them
 * for nearly every flow). */
static inline uint64_t rp_watch_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The counters of a hash, one per row (double hashing): their indexes
 * in s->c, pos[0, s->d).  They depend on the hash alone, so a caller may
 * compute them ahead of time (rp_cms_prefetch) and add later. */
static inline void rp_cms_pos(const rp_cms *s, uint64_t hash, uint32_t pos[RP_CMS_DMAX])
{
	uint64_t h2 = rp_watch_mix64(hash) | 1;
	uint32_t i;

	/* unrolled: RP_CMS_DMAX rows, the last d - DMAX skipped */
	for (i = 0; i < RP_CMS_DMAX; i++) {
		uint64_t v = hash + i * h2;
		if (i >= s->d)
			break;
		uint64_t col = s->wmask ? v & s->wmask : v % s->w;
		pos[i] = i * s->w + (uint32_t)col;
	}
}

/* Adds one at the counters pos (rp_cms_pos); returns the new estimate. */
static inline uint32_t rp_cms_add_pos(rp_cms *s, const uint32_t pos[RP_CMS_DMAX])
{
	uint32_t i, min = UINT32_MAX;

	for (i = 0; i < RP_CMS_DMAX; i++) {
		uint32_t *c = &s->c[pos[i]];
		if (i >= s->d)
			break;
		if (*c < UINT32_MAX)
			(*c)++;
		if (*c < min)
			min = *c;
	}
	return min;
}

/* Adds one; returns the new estimate. */
static inline uint32_t rp_cms_add(rp_cms *s, uint64_t hash)
{
	uint32_t pos[RP_CMS_DMAX];

	rp_cms_pos(s, hash, pos);
	return rp_cms_add_pos(s, pos);
}

/* The counters of a hash, into pos (as rp_cms_pos), and prefetched. */
static inline void rp_cms_prefetch(const rp_cms *s, uint64_t hash, uint32_t pos[RP_CMS_DMAX])
{
	uint32_t i;

	rp_cms_pos(s, hash, pos);
	for (i = 0; i < RP_CMS_DMAX && i < s->d; i++)
		__builtin_prefetch(&s->c[pos[i]], 1);
}

typedef struct rp_bloom {
	uint64_t *bits;
	uint32_t nbits_log2, k;
} rp_bloom;
int rp_bloom_init(rp_bloom *b, uint32_t nbits_log2, uint32_t k);
void rp_bloom_release(rp_bloom *b);
void rp_bloom_clear(rp_bloom *b);

static inline void rp_bloom_add(rp_bloom *b, uint64_t hash)
{
	uint64_t mask = ((uint64_t)1 << b->nbits_log2) - 1, h2 = rp_watch_mix64(hash) | 1;
	uint32_t i;

	for (i = 0; i < b->k; i++) {
		uint64_t bit = (hash + i * h2) & mask;
		b->bits[bit >> 6] |= (uint64_t)1 << (bit & 63);
	}
}

static inline bool rp_bloom_has(const rp_bloom *b, uint64_t hash)
{
	uint64_t mask = ((uint64_t)1 << b->nbits_log2) - 1, h2 = rp_watch_mix64(hash) | 1;
	uint32_t i;

	for (i = 0; i < b->k; i++) {
		uint64_t bit = (hash + i * h2) & mask;
		if (!(b->bits[bit >> 6] & ((uint64_t)1 << (bit & 63))))
			return false;
	}
	return true;
}

/* The words rp_bloom_add and rp_bloom_has touch. */
static inline void rp_bloom_prefetch(const rp_bloom *b, uint64_t hash)
{
	uint64_t mask = ((uint64_t)1 << b->nbits_log2) - 1, h2 = rp_watch_mix64(hash) | 1;
	uint32_t i;

	for (i = 0; i < b->k; i++)
		__builtin_prefetch(&b->bits[((hash + i * h2) & mask) >> 6], 1);
}

uint64_t rp_watch_hash(const void *p, size_t n, uint64_t seed);

#endif
