/* depth.h: defense in depth per asset (issue #6; algorithm in docs/depth.md).
 *
 * For every compute asset (virtual machine, scale set) of a model, the five
 * defense layers BOOT, HOST, NET, DATA and MON are rated from the results
 * of the rules (rules/rule.h) on the asset and on the objects that belong to
 * it (extensions, disks and their encryption sets, NICs, IP configurations,
 * subnets, NSGs and their rules, public IPs, load balancers, flow logs of
 * its NSGs, the subscription's Defender plans):
 *
 *   broken   a result FAIL of severity high or critical
 *   weak     otherwise, a FAIL of severity medium or low
 *   unknown  otherwise, an UNKNOWN of severity medium or higher, or no
 *            PASS at all (no rule of the layer applies, or none ran)
 *   holds    otherwise (at least one PASS; only info-level failures and
 *            low-severity unknowns, which are listed but do not lower it)
 *
 * Suppressions do not change a rating: a suppressed weakness is still
 * there.  The depth score is the number of layers that hold.
 *
 * Attack paths: every way in to the asset, from the Internet (a public IP
 * on an IP configuration, a scale set's per-instance public IP, a load
 * balancer's public frontend through its rules or inbound NAT) or from a
 * neighbour subnet of the virtual network, through the subnet's NSG and the
 * NIC's NSG to the asset, then on to the data it reaches: its disks, and
 * the storage accounts and Key Vaults its managed identities hold role
 * assignments on (when the deployment shows them).  Every edge carries its
 * controls (text) and a state; the weakest path (Internet before
 * neighbours, then the fewest edges whose control holds) comes first.
 *
 * Network decisions come from the topology's exposures (net/topology.h:
 * the exact NSG evaluation of every flow) when a topology is given, else
 * from the NET rules' results on the chain (an NSG without them is a
 * control whose verdict is unknown; see docs/depth.md).
 *
 * Ownership: an rp_depth_result owns one arena with every asset, path and
 * string; it borrows the model and the findings (which must outlive it).
 * Deterministic: assets in model order, paths sorted.
 */
#ifndef RP_DEPTH_DEPTH_H
#define RP_DEPTH_DEPTH_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "rules/rule.h"
#include "util/arena.h"

#define RP_DEPTH_NLAYERS 5u    /* BOOT, HOST, NET, DATA, MON (rp_layer 0..4) */
#define RP_DEPTH_MAX_PATHS 16u /* entry paths kept per asset (weakest first) */
#define RP_DEPTH_MAX_REL 4096u /* related objects per asset (hostile input) */

typedef enum rp_depth_rating {
	RP_DEPTH_HOLDS = 0,
	RP_DEPTH_WEAK = 1,
	RP_DEPTH_BROKEN = 2,
	RP_DEPTH_UNKNOWN = 3,
} rp_depth_rating;

/* "holds" "weak" "broken" "unknown". */
const char *rp_depth_rating_name(rp_depth_rating r);

typedef struct rp_depth_layer {
	rp_depth_rating rating;
	/* The results that decide the rating: broken: the high/critical
	 * fails; weak: the fails; unknown: the unknowns (medium and up);
	 * holds: the passes.  Each finding at most once. */
	const rp_finding **basis;
	size_t nbasis;
	size_t npass, nfail, nunknown; /* every result of the layer for the asset */
	const char *reason;            /* one line, e.g. "RMP-BOOT-001 fails (high)" */
} rp_depth_layer;

typedef enum rp_depth_node {
	RP_DN_INTERNET = 0,
	RP_DN_NEIGHBOURS, /* the other subnets of the virtual network */
	RP_DN_PUBLIC_IP,
	RP_DN_LOAD_BALANCER,
	RP_DN_SUBNET, /* the subnet and its NSG */
	RP_DN_NIC,    /* the NIC and its NSG */
	RP_DN_ASSET,
	RP_DN_DISK,
	RP_DN_STORAGE,
	RP_DN_KEYVAULT,
	RP_DN_COUNT_,
} rp_depth_node;

/* "internet" "neighbours" "public-ip" "load-balancer" "subnet" "nic"
 * "asset" "disk" "storage" "key-vault". */
const char *rp_depth_node_name(rp_depth_node k);

/* State of one edge: can an attacker pass it? */
typedef enum rp_depth_state {
	RP_DS_OPEN = 0,       /* no control, or the control lets the traffic through */
	RP_DS_RESTRICTED = 1, /* a control holds (NSG without failing NET results,
				 encryption with passing DATA results ...) */
	RP_DS_UNKNOWN = 2,    /* the control's verdict cannot be known */
} rp_depth_state;

/* "open" "restricted" "unknown". */
const char *rp_depth_state_name(rp_depth_state s);

/* One hop: the edge into node `kind`/`obj` and its controls. */
typedef struct rp_depth_hop {
	rp_depth_node kind;
	const rp_mobj *obj;   /* NULL for the Internet and neighbours */
	const char *name;     /* display name */
	const char *controls; /* on the edge into this hop, one line ("" at the source) */
	rp_depth_state state;
	const rp_finding **findings; /* results that decide the state */
	size_t nfindings;
} rp_depth_hop;

typedef struct rp_depth_path {
	bool from_internet;
	rp_depth_hop *hops; /* source ... asset, then the data reached */
	size_t nhops;
	size_t nentry;     /* hops[0 .. nentry) lead in; hops[nentry-1] is the asset */
	unsigned strength; /* entry edges whose state is RESTRICTED */
	bool weakest;      /* the first path of the asset */
} rp_depth_path;

typedef struct rp_depth_asset {
	const rp_mobj *obj; /* VM or scale set */
	const char *name;   /* display name */
	const char *subnet; /* the first NIC's subnet ("vnet/subnet"), or NULL */
	rp_depth_layer layers[RP_DEPTH_NLAYERS];
	unsigned score;   /* layers that hold */
	unsigned unknown; /* layers rated unknown */
	int internet;     /* reachable from the Internet: 0 no, 1 yes, 2 unknown */
	const char *internet_why;
	rp_depth_path *paths; /* weakest first */
	size_t npaths;
} rp_depth_asset;

typedef struct rp_depth_result {
	rp_arena *arena;
	rp_depth_asset *assets; /* model order */
	size_t n;
	rp_rule_depth_fact *facts; /* one per asset, for DEPTH rules */
} rp_depth_result;

struct rp_net_topo;

/* Rates every asset of m from the findings f (which must include PASS
 * results: run the rules with include_pass) and, when net is given (the
 * model's topology, src/net/topology.h), its exposures: the public
 * endpoints, the NSG verdicts on each path, Internet reachability, and
 * NET when no NET rule produced a result for the asset.  0 or -RP_ENOMEM.
 * Release with rp_depth_release() in every case; it must not outlive net. */
int rp_depth_analyze(const rp_model *m, const rp_findings *f, struct rp_net_topo *net,
		     rp_depth_result *out);
void rp_depth_release(rp_depth_result *r);

/* The whole analysis of one model, on one network topology (f->net, else
 * built here): every rule except DEPTH ones (with f's
 * options, always with PASS and NOT_APPLICABLE results, whatever f's
 * layer, severity and ID selection: ratings rest on every rule), the depth
 * ratings, then the DEPTH rules on the ratings.  out receives every result;
 * the caller keeps those rp_rule_filter_selects(f, rule) selects.  res
 * (may be NULL) receives the ratings; they point into out.
 * 0, -RP_ENOMEM or a check's error. */
int rp_depth_run(const rp_model *m, const rp_rule_filter *f, rp_findings *out,
		 rp_depth_result *res);

#endif
