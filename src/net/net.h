/* net.h: exact NSG evaluation engine (issue #5; semantics in
 * ../shared/reference/azure-facts.md section 2, design in docs/network.md).
 *
 * Layers, bottom up:
 *   rp_net_rule   one security rule parsed from its ARM shape (an rp_value
 *                 object {name, properties{...}}), normalized into address
 *                 terms, port sets and a protocol mask.  Malformed or
 *                 UNKNOWN fields make the affected part "maybe" (three-valued)
 *                 and malformed ones add a diagnostic at the value's span.
 *   rp_net_nsg    one NSG: user rules by ascending priority per direction,
 *                 then the six default rules (section 2.3).  Rules whose
 *                 position is unknown (unknown priority or direction,
 *                 duplicate priority) are "floating": they may match before
 *                 any ordered rule.
 *   rp_net_env    what the tags mean for one virtual network: VirtualNetwork
 *                 (definite and uncertain members), Internet (derived),
 *                 AzureLoadBalancer, other service tags, ASG memberships.
 *   rp_net_chain  the path to one NIC: subnet NSG?, NIC NSG?, the NIC's ASG
 *                 memberships; inbound = subnet then NIC, outbound = NIC then
 *                 subnet; a level without an NSG allows (section 2.4).
 *   flow query    rp_net_flow_eval(): one 5-tuple, rule by rule (the
 *                 reference semantics; also the brute-force oracle in tests).
 *   engine        rp_net_engine_eval(): the complete decision for one local
 *                 address over every remote address, protocol and port,
 *                 computed on equivalence classes, as a partition into pieces.
 *   shadowing     rp_net_nsg_shadowed(): rules that can never match.
 *
 * Ownership: rules and NSGs live in the caller's arena (one per input file);
 * strings and spans are borrowed from the rp_values they were parsed from.
 * rp_net_env and rp_net_engine are heap objects with a free function; the
 * engine's results are owned by the engine and valid until it is freed.
 * Nothing here prints; problems go to the rp_diag sink.
 */
#ifndef RP_NET_NET_H
#define RP_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json/value.h"
#include "net/addr.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/hashmap.h"

/* Limits (Azure's own limits are lower; these bound hostile input). */
#define RP_NET_MAX_RULES 4096u      /* rules per NSG (Azure: 1,000) */
#define RP_NET_MAX_TERMS 8192u      /* address terms per rule side (Azure: 4,000 per NSG) */
#define RP_NET_MAX_PORT_ITEMS 4096u /* entries in a port-range array */
#define RP_NET_PRIORITY_MIN 100
#define RP_NET_PRIORITY_MAX 4096

/* Protocol classes.  `*` is all five.  (Any other IP protocol is outside
 * the model: docs/network.md.) */
enum { RP_NET_TCP = 0, RP_NET_UDP, RP_NET_ICMP, RP_NET_ESP, RP_NET_AH, RP_NET_NPROTO };
#define RP_NET_PROTO_ALL 0x1Fu

typedef enum rp_net_dir { RP_NET_IN = 0, RP_NET_OUT = 1 } rp_net_dir;

typedef enum rp_net_verdict {
	RP_NET_DENY = 0,
	RP_NET_ALLOW = 1,
	RP_NET_UNKNOWN = 2,
} rp_net_verdict;

typedef enum rp_net_tri { RP_NET_NO = 0, RP_NET_YES = 1, RP_NET_MAYBE = 2 } rp_net_tri;

/* One element of a rule's source or destination. */
typedef enum rp_net_term_kind {
	RP_NET_T_PREFIX = 0, /* iv */
	RP_NET_T_ANY,        /* "*", "Any" */
	RP_NET_T_TAG,        /* service tag: name (Internet, VirtualNetwork, ...) */
	RP_NET_T_ASG,        /* application security group: name = resource id */
	RP_NET_T_UNKNOWN,    /* name = why it is not known (may be anything) */
} rp_net_term_kind;

typedef struct rp_net_term {
	uint8_t kind;
	const char *name;
	rp_net_ival iv;
	rp_span span;
} rp_net_term;

typedef struct rp_net_side {
	rp_net_term *terms; /* union of terms */
	size_t n;
	rp_span span; /* the field that gave it */
} rp_net_side;

typedef struct rp_net_ports {
	rp_net_pset yes;     /* ports the rule certainly matches */
	const char *unknown; /* non-NULL: any other port may match too (why) */
	rp_span span;
} rp_net_ports;

typedef struct rp_net_rule {
	const char *name;
	rp_span span; /* the rule object; for defaults src == NULL */
	int32_t priority;
	bool priority_known;
	bool is_default;
	bool floating;      /* position unknown (see above) */
	int8_t dir;         /* rp_net_dir, or -1 unknown */
	int8_t access;      /* RP_NET_ALLOW / RP_NET_DENY, or -1 unknown */
	uint8_t proto_yes;  /* protocol classes certainly matched (bit per RP_NET_TCP...) */
	uint8_t proto_poss; /* possibly matched (superset of proto_yes) */
	rp_net_side src, dst;
	rp_net_ports sport, dport;
	const char *unknown; /* first reason part of the rule is unknown/malformed, or NULL */
	rp_span unknown_span;
	const char *tag_why; /* why a service tag / ASG term may or may not match (set by finish) */
	uint32_t index;      /* input order within its NSG */
} rp_net_rule;

typedef struct rp_net_nsg {
	const char *name;
	rp_span span;
	rp_arena *arena;
	rp_net_rule **input; /* user rules in input order */
	size_t ninput, cap;
	/* after rp_net_nsg_finish(): per direction, user rules by ascending
	 * priority (ties keep input order) then the three defaults; floating
	 * rules separately. */
	rp_net_rule **ordered[2];
	size_t nordered[2];
	rp_net_rule **floating[2];
	size_t nfloating[2];
	bool finished;
	bool rejected; /* Azure would reject it (duplicate priority ...) */
	uint32_t id;   /* unique per process, for caches */
} rp_net_nsg;

/* ---- rules and NSGs ---- */

/* Parses one security rule in its ARM shape ({name, properties{...}}, as an
 * element of properties.securityRules[] or a securityRules child resource;
 * name is taken as given).  Every malformed field adds an error diagnostic
 * at its span and makes that part unknown; UNKNOWN values make their part
 * unknown with the value's reason.  Returns 0 or -RP_ENOMEM. */
int rp_net_rule_parse(rp_arena *a, const rp_value *rule, rp_net_rule *out, rp_diag *diag);

/* A new empty NSG in arena a (NULL on allocation failure). */
rp_net_nsg *rp_net_nsg_new(rp_arena *a, const char *name, rp_span span);
/* Parses and adds one rule (see rp_net_rule_parse).  0, -RP_ENOMEM, or
 * -RP_ELIMIT (diagnostic) past RP_NET_MAX_RULES. */
int rp_net_nsg_add_rule(rp_net_nsg *nsg, const rp_value *rule, rp_diag *diag);
/* Orders the rules, reports duplicate priorities per direction (an error
 * Azure rejects; both rules become floating) and appends the default
 * rules.  Must be called once before evaluation.  0 or -RP_ENOMEM. */
int rp_net_nsg_finish(rp_net_nsg *nsg, rp_diag *diag);
/* Builds and finishes an NSG from a Microsoft.Network/networkSecurityGroups
 * resource value (name, properties.securityRules[]); defaultSecurityRules
 * of live exports are ignored (the built-in defaults are used).  0 or a
 * negative code; *out in arena a. */
int rp_net_nsg_from_value(rp_arena *a, const rp_value *res, rp_diag *diag, rp_net_nsg **out);

/* The six default rules (section 2.3), static. */
const rp_net_rule *rp_net_default_rule(rp_net_dir dir, size_t i); /* i < 3 */

const char *rp_net_proto_name(unsigned proto);     /* "Tcp" ... */
const char *rp_net_verdict_name(rp_net_verdict v); /* "deny" "allow" "unknown" */
const char *rp_net_dir_name(rp_net_dir d);         /* "inbound" "outbound" */
/* Parses "tcp" "udp" "icmp" "esp" "ah" (any case); -1 if none. */
int rp_net_proto_parse(const char *s, size_t n);

/* ---- environment (one virtual network) ---- */

typedef struct rp_net_class {
	rp_net_aset yes;   /* certainly members */
	rp_net_aset maybe; /* possibly members (disjoint from yes) */
} rp_net_class;

typedef struct rp_net_env {
	rp_net_aset vnet;         /* VirtualNetwork: address space, peered VNets with
				   * allowVirtualNetworkAccess, known gateway prefixes */
	rp_net_aset vnet_maybe;   /* prefixes that may be in VirtualNetwork (e.g. a
				   * gateway whose learned routes are unknown) */
	bool asg_complete;        /* memberships given are all there are (default) */
	rp_net_aset public_space; /* derived: globally routable space (docs/network.md) */
	rp_net_class c_vnet, c_internet, c_lb, c_opaque, c_any, c_asg_unknown;
	rp_map tags; /* name (case-insensitive) -> rp_net_class* */
	rp_map asgs; /* id (case-insensitive) -> rp_net_class* */
	char **keys; /* owned copies of map keys */
	size_t nkeys, keys_cap;
	bool finished;
	uint32_t id;
} rp_net_env;

/* NULL on allocation failure.  Free with rp_net_env_free. */
rp_net_env *rp_net_env_new(void);
rp_net_env *rp_net_env_free(rp_net_env *e);
int rp_net_env_add_vnet(rp_net_env *e, const rp_net_aset *prefixes);
int rp_net_env_add_vnet_maybe(rp_net_env *e, const rp_net_aset *prefixes);
/* Known ranges of another service tag (yes certain, maybe uncertain). */
int rp_net_env_add_tag(rp_net_env *e, const char *name, const rp_net_aset *yes,
		       const rp_net_aset *maybe);
/* Adds member addresses (NIC private IPs) to an ASG. */
int rp_net_env_add_asg_member(rp_net_env *e, const char *asg_id, const rp_net_aset *addrs);
/* Derives Internet and the tag classes; call after the adds, before use.
 * 0 or -RP_ENOMEM. */
int rp_net_env_finish(rp_net_env *e);
/* The class a tag / ASG name resolves to (never NULL after finish). */
const rp_net_class *rp_net_env_tag(const rp_net_env *e, const char *name);
const rp_net_class *rp_net_env_asg(const rp_net_env *e, const char *id);

/* ---- chains, decisions ---- */

typedef struct rp_net_chain {
	const rp_net_env *env;
	const rp_net_nsg *subnet_nsg; /* NULL: none at the subnet */
	const rp_net_nsg *nic_nsg;    /* NULL: none at the NIC */
	const char *const *asgs;      /* ASG ids of the NIC's ipConfiguration */
	size_t nasgs;
	const char *asgs_unknown; /* non-NULL: membership not known (why) */
} rp_net_chain;

/* One NSG on the path. */
typedef struct rp_net_hop {
	const rp_net_nsg *nsg;   /* NULL: no NSG at this level (allows) */
	uint8_t verdict;         /* rp_net_verdict */
	const rp_net_rule *rule; /* deciding rule; when unknown, the first rule that may match */
	const rp_net_rule *alt;  /* unknown (or known through several candidates): the
				  * rule that decides if `rule` does not match; else NULL */
	const char *reason;      /* unknown: why (static or rule-owned text); else NULL */
} rp_net_hop;

/* hop[0], hop[1] in traversal order: inbound subnet then NIC, outbound NIC
 * then subnet. */
typedef struct rp_net_decision {
	uint8_t verdict;
	rp_net_hop hop[2];
} rp_net_decision;

/* A flow: src/dst as on the wire; for inbound dst is the NIC's private
 * address (the local end), for outbound src is.  sport is a range
 * (0-65535 = any source port); dport a range too (usually one port). */
typedef struct rp_net_flow {
	rp_net_dir dir;
	unsigned proto; /* RP_NET_TCP ... */
	rp_net_addr src, dst;
	rp_net_pival sport, dport;
} rp_net_flow;

/* Evaluates one flow through the chain (rule by rule).  0 or -RP_EINVAL
 * (unfinished NSG/env, bad protocol). */
int rp_net_flow_eval(const rp_net_chain *c, const rp_net_flow *f, rp_net_decision *out);

/* ---- the equivalence-class engine ---- */

/* One piece of the partition: every (proto, remote, sport, dport) in it has
 * the same decision.  remote = source addresses for inbound, destination
 * addresses for outbound. */
typedef struct rp_net_piece {
	uint8_t proto;
	uint8_t verdict;
	rp_net_aset remote;
	rp_net_pset sports, dports;
	rp_net_hop hop[2];
} rp_net_piece;

/* The complete decision for one local address: the pieces partition
 * (protocols x all addresses x all ports x all ports), sorted by protocol,
 * then verdict (allow, unknown, deny), then first remote address. */
typedef struct rp_net_result {
	rp_net_piece *pieces;
	size_t n;
	size_t nclasses; /* cells evaluated (protocol x address x port classes) */
} rp_net_result;

typedef struct rp_net_engine rp_net_engine;

/* NULL on allocation failure. */
rp_net_engine *rp_net_engine_new(void);
rp_net_engine *rp_net_engine_free(rp_net_engine *e);
/* Computes (or returns from the engine's cache) the decision for every flow
 * to (inbound) or from (outbound) local through chain c.  *out is owned by
 * the engine.  0, -RP_ENOMEM or -RP_EINVAL.  Not thread-safe: one engine
 * per thread. */
int rp_net_engine_eval(rp_net_engine *e, const rp_net_chain *c, rp_net_dir dir,
		       const rp_net_addr *local, const rp_net_result **out);
/* Every verdict (rp_net_engine_eval_verdicts). */
#define RP_NET_VERDICTS_ALL ((1u << RP_NET_DENY) | (1u << RP_NET_ALLOW) | (1u << RP_NET_UNKNOWN))

/* The same decision, keeping only the pieces whose verdict bit
 * (1 << verdict) is in verdict_mask: exposures need the allowed and
 * unknown flows only, and leaving the denied pieces out saves about half
 * the work and memory on a big estate.  The pieces then partition the
 * flows with those verdicts, not the whole space; nclasses still counts
 * every cell evaluated.  Cached per mask; RP_NET_VERDICTS_ALL is
 * rp_net_engine_eval.  Same returns. */
int rp_net_engine_eval_verdicts(rp_net_engine *e, const rp_net_chain *c, rp_net_dir dir,
				const rp_net_addr *local, unsigned verdict_mask,
				const rp_net_result **out);
/* Engine statistics: evaluations computed vs served from the cache. */
void rp_net_engine_stats(const rp_net_engine *e, size_t *computed, size_t *cached);

/* The piece containing a point, or NULL (only if r is not a partition). */
const rp_net_piece *rp_net_result_lookup(const rp_net_result *r, unsigned proto,
					 const rp_net_addr *remote, uint32_t sport, uint32_t dport);
/* Pieces of r whose verdict bit (1 << verdict) is in verdict_mask,
 * intersected with the remote set (NULL = no restriction); empty pieces
 * dropped.  out in arena a.  0 or -RP_ENOMEM. */
int rp_net_result_restrict(const rp_net_result *r, const rp_net_aset *remote, unsigned verdict_mask,
			   rp_arena *a, rp_net_result *out);

/* The same as rp_net_result_restrict for many pairwise-disjoint remote sets
 * at once (Internet and every subnet, for exposures), in one sweep per
 * piece: out[i] gets the pieces meeting sources[i].  out must hold
 * nsources results; pieces in arena a.  0, -RP_ENOMEM, or -RP_EINVAL when
 * two sources overlap. */
int rp_net_result_partition(const rp_net_result *r, const rp_net_aset *const *sources,
			    size_t nsources, unsigned verdict_mask, rp_arena *a,
			    rp_net_result *out);

/* ---- shadowed rules (RMP-NET-006) ---- */

typedef struct rp_net_shadow {
	const rp_net_rule *rule;    /* never matches */
	const rp_net_rule **covers; /* the earlier rules that take all its traffic */
	size_t ncovers;
} rp_net_shadow;

/* Finds every user rule of nsg that can never match because earlier rules
 * of the same direction certainly match all of its traffic (its possible
 * match region, so unknown parts never produce a false finding).  Tags and
 * ASGs resolve through env when given; without env they are opaque and a
 * rule side is covered by an earlier side that is `*` or names the same
 * tags/ASGs.  Results in arena a, rules in input order.  0 or -RP_ENOMEM. */
int rp_net_nsg_shadowed(const rp_net_nsg *nsg, const rp_net_env *env, rp_arena *a,
			rp_net_shadow **out, size_t *n);

#endif
