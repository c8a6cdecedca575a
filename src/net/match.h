/* match.h: internal helpers shared by the flow evaluator, the class engine
 * and shadow detection (not a public interface). */
#ifndef RP_NET_MATCH_H
#define RP_NET_MATCH_H

#include "net/net.h"

/* Access bits of a candidate rule: allow 1, deny 2, unknown 3. */
static inline unsigned rp_net__acc_bits(const rp_net_rule *r)
{
	return r->access == RP_NET_ALLOW ? 1u : r->access == RP_NET_DENY ? 2u : 3u;
}

static inline rp_net_tri rp_net__tri_and(rp_net_tri a, rp_net_tri b)
{
	if (a == RP_NET_NO || b == RP_NET_NO)
		return RP_NET_NO;
	return a == RP_NET_YES && b == RP_NET_YES ? RP_NET_YES : RP_NET_MAYBE;
}

/* True when protocol class p has ports (Tcp, Udp). */
static inline bool rp_net__portful(unsigned p)
{
	return p == RP_NET_TCP || p == RP_NET_UDP;
}

/* Why rule r may (or may not) match traffic of protocol proto: a stable
 * text that depends only on (r, proto). */
const char *rp_net__maybe_reason(const rp_net_rule *r, unsigned proto);

/* Match of a rule side on the local end (the NIC): terms resolved with the
 * chain's ASG memberships and the env's tags. */
rp_net_tri rp_net__side_local(const rp_net_side *s, const rp_net_chain *c, const rp_net_addr *a);
/* Match of a rule side on a remote address. */
rp_net_tri rp_net__side_remote(const rp_net_side *s, const rp_net_env *env, const rp_net_addr *a);
/* Yes / maybe address sets of a remote side (heap sets, caller releases;
 * maybe may be NULL). */
int rp_net__side_sets(const rp_net_side *s, const rp_net_env *env, rp_net_aset *yes,
		      rp_net_aset *maybe);

/* Builds a hop from a scan outcome over nsg's rules in direction dir:
 * first = index of the first candidate in ordered order (or SIZE_MAX),
 * definite = index of the first certain match, ffl = first floating
 * candidate (or SIZE_MAX), acc = OR of candidates' access bits. */
void rp_net__make_hop(const rp_net_nsg *nsg, rp_net_dir dir, unsigned proto, size_t first,
		      size_t definite, size_t ffl, unsigned acc, rp_net_hop *out);
/* Chain verdict from two hop verdicts. */
uint8_t rp_net__chain_verdict(const rp_net_hop *h);

/* rp_net_engine_eval_verdicts, except that the complete decision is
 * returned when the engine has it already (it holds the pieces of every
 * mask; callers filter the pieces by verdict); *full tells which.  Same
 * returns. */
/* Tests: tables the engine built, and tables that share another's arrays
 * (NSGs equal in content). */
void rp_net__engine_table_stats(const rp_net_engine *e, size_t *built, size_t *shared);
int rp_net__engine_eval_some(rp_net_engine *e, const rp_net_chain *c, rp_net_dir dir,
			     const rp_net_addr *local, unsigned mask, const rp_net_result **out,
			     bool *full);

/* ---- a decision's pieces by source (exposures) ----
 *
 * rp_net__result_hits: what rp_net_result_partition computes, without
 * copying pieces: every (source, piece) that meet, with the remote
 * addresses they share either borrowed from the piece (a run of its own
 * intervals) or clipped into the hits' pool.  The buffers are reused from
 * call to call (a big estate makes tens of thousands of calls); nothing is
 * allocated in an arena. */
typedef struct rp_net__hit {
	size_t src;
	const rp_net_piece *pc;
	size_t off, n; /* borrowed: pc->remote.v[off..off+n); else pool[off..off+n) */
	bool borrowed;
} rp_net__hit;

struct rp_net__hpart {
	size_t stamp, first, n;
	bool borrow;
};

struct rp_net__srciv {
	rp_net_ival iv;
	size_t src;
};

typedef struct rp_net__hits {
	rp_net__hit *sorted; /* n hits by source, piece order within a source */
	size_t n, nsources;
	size_t *start;     /* source j: sorted[start[j] .. start[j+1]) */
	rp_net_ival *pool; /* clipped remote intervals (valid until the next call) */
	/* scratch */
	rp_net__hit *v;
	struct rp_net__hpart *st;
	size_t *touched;
	struct rp_net__srciv *sv;
	rp_net_aset *tmp;
	size_t cap, capsorted, capstart, cappool, capst, captouched, capsv, captmp;
} rp_net__hits;

/* 0, -RP_ENOMEM, or -RP_EINVAL when two sources overlap.  hs starts
 * zeroed; release with rp_net__hits_release. */
int rp_net__result_hits(const rp_net_result *r, const rp_net_aset *const *sources, size_t nsources,
			unsigned verdict_mask, rp_net__hits *hs);
void rp_net__hits_release(rp_net__hits *hs);

/* The remote addresses of a hit (a frozen view, valid until the next
 * rp_net__result_hits call on hs). */
static inline void rp_net__hit_remote(const rp_net__hits *hs, const rp_net__hit *h,
				      rp_net_aset *out)
{
	out->v = h->borrowed ? h->pc->remote.v + h->off : hs->pool + h->off;
	out->n = h->n;
	out->cap = 0;
}

#endif
