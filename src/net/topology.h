/* topology.h: the bridge from the resource model to the NSG engine, and
 * what it answers: Internet and east-west exposure of every VM, scale set
 * and NIC, and single-flow queries (`rampart flow`, issue #5; semantics in
 * ../shared/reference/azure-facts.md sections 2-3, docs/network.md
 * "Exposure").
 *
 * rp_net_topo_build() reads one model:
 *   - every networkSecurityGroups resource (inline rules and securityRules
 *     child resources) becomes an rp_net_nsg; an NSG reference that names
 *     nothing in the model, or whose value is UNKNOWN, becomes an NSG with
 *     one unknown floating rule (its content is not known, so nothing it
 *     decides is known);
 *   - every virtual network becomes an rp_net_env: its address space plus
 *     the address spaces of peered networks (allowVirtualNetworkAccess not
 *     false); unknown prefixes and peerings to networks outside the model
 *     make every address "maybe VirtualNetwork";
 *   - every ipConfiguration (NIC, VM-managed NIC, scale-set NIC
 *     configuration) becomes an rp_net_ipc: its owner (the VM or scale set,
 *     else the NIC), subnet, chain (subnet NSG, NIC NSG, ASGs), private
 *     address range (the static address, else the subnet's usable range,
 *     else unknown) and its public endpoints.
 *
 * Public endpoints (azure-facts 3): a public IP on the ipConfiguration; a
 * scale set's publicIPAddressConfiguration; a load balancer whose frontend
 * has a public IP, through load-balancing rules (backend pool membership),
 * inbound NAT rules and NAT pools, with the frontend -> backend port
 * mapping.  Standard SKU (public IP or load balancer) is closed unless an
 * NSG allows: with no NSG on subnet or NIC it exposes nothing; Basic (and
 * an absent SKU, Azure's default Basic) is open without NSG.  No public
 * endpoint means no Internet exposure, whatever the NSGs allow.  An
 * endpoint that may or may not exist (UNKNOWN reference), or whose SKU or
 * ports are unknown, yields "unknown" exposures, never guessed ones.
 *
 * Exposure (rp_net_topo_exposures): for each ipConfiguration, the pieces
 * the engine allows (or may allow) inbound, split by source: the Internet
 * (certain Internet addresses; addresses only possibly Internet give
 * unknown entries) through each public endpoint, and each other subnet of
 * the same or a peered virtual network (east-west; what the destination's
 * NSGs admit; the source's outbound rules are not applied).  One entry per
 * (endpoint, source, protocol, verdict, deciding rules, source addresses)
 * with the destination ports merged.
 *
 * When the private address is not one known address, the engine is run at
 * one address of every class the rules' local-side prefixes cut the range
 * into; when the classes disagree, every entry becomes unknown ("depends
 * on the address the NIC gets").
 *
 * Ownership: the topology owns an arena and an engine; everything it
 * returns lives until rp_net_topo_free().  The model must outlive it.
 * Not thread-safe (one topology per thread).
 */
#ifndef RP_NET_TOPOLOGY_H
#define RP_NET_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "net/net.h"
#include "util/buf.h"
#include "util/diag.h"

/* Bounds on hostile input. */
#define RP_NET_TOPO_MAX_REPS 64u       /* local address classes evaluated per NIC */
#define RP_NET_TOPO_MAX_ENDPOINTS 256u /* public endpoints per ipConfiguration */

typedef enum rp_net_ep_kind {
	RP_NET_EP_PIP = 0,     /* public IP on the ipConfiguration */
	RP_NET_EP_VMSS_PIP,    /* publicIPAddressConfiguration (one per instance) */
	RP_NET_EP_LB_RULE,     /* load-balancing rule of a public frontend */
	RP_NET_EP_LB_NAT_RULE, /* inbound NAT rule of a public frontend */
	RP_NET_EP_LB_NAT_POOL, /* inbound NAT pool of a public frontend */
	RP_NET_EP_UNKNOWN,     /* a reference that may be a public path (UNKNOWN/unresolved) */
} rp_net_ep_kind;

typedef enum rp_net_sku {
	RP_NET_SKU_BASIC = 0,
	RP_NET_SKU_STANDARD,
	RP_NET_SKU_UNKNOWN
} rp_net_sku;

typedef struct rp_net_endpoint {
	uint8_t kind;          /* rp_net_ep_kind */
	uint8_t sku;           /* rp_net_sku of the public IP / load balancer */
	bool sku_defaulted;    /* sku absent: Azure's default (Basic) */
	const rp_mobj *obj;    /* public IP, LB rule / NAT rule / NAT pool; NULL if none */
	const rp_mobj *pip;    /* the public IP resource, when in the model */
	const rp_mobj *lb;     /* the load balancer (LB kinds) */
	const rp_value *at;    /* what to point at (the reference or element) */
	unsigned protos;       /* protocol classes forwarded (bit per RP_NET_TCP ...) */
	rp_net_pival frontend; /* LB: frontend port(s); PIP: 0-65535 */
	rp_net_pival backend;  /* backend port(s) reached; PIP: 0-65535 */
	const char *label;     /* "pip-web (Standard)", "lb/rule-http Tcp 80->8080" */
	const char *unknown;   /* non-NULL: whether/how it exposes is not known (why) */
} rp_net_endpoint;

/* One ipConfiguration and its path. */
typedef struct rp_net_ipc {
	const rp_mobj *ipconfig;
	const rp_mobj *nic;
	const rp_mobj *owner;  /* VM / scale set, else the NIC */
	const rp_mobj *subnet; /* NULL when not in the model */
	const rp_mobj *vnet;
	const rp_net_env *env;
	rp_net_chain chain;
	bool subnet_nsg_known, nic_nsg_known; /* false: reference unresolved/unknown */
	const char *nsg_unknown;              /* why an NSG on the path is not known, or NULL */
	rp_net_aset local;                    /* possible private addresses (frozen) */
	rp_net_aset subnet_prefixes;          /* the subnet's prefixes (frozen; empty: unknown) */
	bool local_exact;                     /* one known address */
	rp_net_endpoint *eps;
	size_t neps;
	size_t vnet_index; /* internal */
} rp_net_ipc;

/* One exposure: 56 bytes (a big estate has millions).  The sets are
 * frozen and shared between exposures (owned by the topology or its
 * engine).  An exposure does not name its ipConfiguration: the east-west
 * exposures of the NICs of one tier (same decision, same subnet) are one
 * run shared by all of them, so the ipConfiguration is the one whose
 * exposures are read (rp_net_topo_ipc_exposures, rp_net_exp_next); the
 * resource is that ipc->owner, the source's name rp_net_exposure_source(). */
typedef struct rp_net_exposure {
	const rp_net_endpoint *endpoint; /* NULL: east-west */
	const rp_mobj *source_subnet;    /* east-west source; NULL: Internet */
	const rp_net_aset *remote;       /* the source addresses concerned */
	const rp_net_pset *ports;        /* destination (backend) ports */
	const rp_net_hop *hop;           /* hop[0], hop[1]: subnet NSG, NIC NSG (inbound
					  * order); shared, owned by the topology */
	const char *reason;              /* unknown: why; else NULL */
	bool whole_source;               /* remote covers all of the source (for the
					  * Internet: all of IPv4 or of IPv6 Internet) */
	uint8_t proto;                   /* RP_NET_TCP ... */
	uint8_t verdict;                 /* RP_NET_ALLOW or RP_NET_UNKNOWN */
} rp_net_exposure;

/* The exposures of one ipConfiguration, in order: v[0][0 .. n[0]) (its
 * own: Internet entries, then east-west ones unless shared), then
 * v[1][0 .. n[1]) (east-west entries shared with the other
 * ipConfigurations of its tier; n[1] == 0 when none). */
typedef struct rp_net_exp_runs {
	const rp_net_exposure *v[2];
	size_t n[2];
} rp_net_exp_runs;

/* Walks the exposures of the ipConfigurations t->ipcs[lo .. hi) in
 * order (ipConfiguration by ipConfiguration, each in its runs' order). */
typedef struct rp_net_exp_iter {
	const struct rp_net_topo *t;
	size_t ipc, hi, k;
	unsigned run;
	rp_net_exp_runs r;
} rp_net_exp_iter;

typedef struct rp_net_topo {
	const rp_model *m;
	rp_arena *arena;
	rp_net_engine *eng;
	rp_net_ipc *ipcs; /* model order */
	size_t nipcs;
	/* private */
	void *priv;
	rp_net_exposure *exp; /* every stored exposure (shared runs once) */
	size_t nexp;
	size_t nexp_all; /* exposures over every ipConfiguration (shared runs counted per NIC) */
	bool exp_done;
} rp_net_topo;

/* Builds the topology of m.  Problems in security rules go to diag (may be
 * NULL).  0 with *out set, or -RP_ENOMEM. */
int rp_net_topo_build(const rp_model *m, rp_diag *diag, rp_net_topo **out);
rp_net_topo *rp_net_topo_free(rp_net_topo *t);

/* Computes (once) every exposure; *n their number over every
 * ipConfiguration (a shared run counts once per ipConfiguration).  Read
 * them with rp_net_topo_ipc_exposures or rp_net_exp_first/next; they are
 * owned by t.  0 or -RP_ENOMEM. */
int rp_net_topo_exposures(rp_net_topo *t, size_t *n);
/* The exposures of t->ipcs[i] (after rp_net_topo_exposures; i < t->nipcs). */
void rp_net_topo_ipc_exposures(const rp_net_topo *t, size_t i, rp_net_exp_runs *out);
/* Iterates the exposures of t->ipcs[lo .. hi) (after
 * rp_net_topo_exposures): rp_net_exp_next returns the next exposure and
 * sets *ipc to its ipConfiguration, or returns NULL at the end. */
void rp_net_exp_first(rp_net_exp_iter *it, const rp_net_topo *t, size_t lo, size_t hi);
const rp_net_exposure *rp_net_exp_next(rp_net_exp_iter *it, const rp_net_ipc **ipc);

/* The NSG the topology built for an NSG model object, or NULL. */
const rp_net_nsg *rp_net_topo_nsg(const rp_net_topo *t, const rp_mobj *nsg);

/* ---- single flows ---- */

typedef struct rp_net_query {
	rp_net_dir dir;
	unsigned proto;         /* RP_NET_TCP ... */
	uint32_t port;          /* destination port (inbound: at the NIC) */
	bool from_internet;     /* remote = the Internet (inbound: needs a public endpoint) */
	rp_net_aset remote;     /* otherwise the remote addresses (inbound: sources) */
	const char *remote_tag; /* or a service tag name resolved in the NIC's environment */
} rp_net_query;

typedef struct rp_net_answer {
	uint8_t verdict;                 /* allow: every remote address; deny: none;
					  * unknown otherwise (or partly: see partial) */
	bool partial;                    /* allowed from some remote addresses only */
	rp_net_aset allowed;             /* remote addresses allowed (frozen) */
	const rp_net_endpoint *endpoint; /* inbound from the Internet: the public path used */
	bool no_public_path;             /* inbound from the Internet: none exists */
	rp_net_hop hop[2];               /* traversal order (inbound: subnet, NIC) */
	const char *reason;
} rp_net_answer;

/* Evaluates a flow to/from one ipConfiguration.  0, -RP_ENOMEM, -RP_EINVAL. */
int rp_net_topo_query(rp_net_topo *t, const rp_net_ipc *ipc, const rp_net_query *q,
		      rp_net_answer *out);

/* ---- the reachability graph (graph.c) ---- */

/* Above this many ipConfigurations, machines are grouped by subnet. */
#define RP_NET_GRAPH_GROUP_DEFAULT 40u

/* Appends the reachability graph as Graphviz DOT: the Internet, public
 * endpoints, subnets (clusters) and machines; edges Internet -> endpoint
 * (frontend ports), endpoint -> machine and subnet -> machine (destination
 * ports), dashed when unknown.  With more than group_threshold
 * ipConfigurations (0: never) machines collapse into one node per subnet.
 * Deterministic.  0 or -RP_ENOMEM. */
int rp_net_graph_dot(rp_net_topo *t, size_t group_threshold, rp_buf *out);

/* ---- helpers for callers ---- */

const char *rp_net_ep_kind_name(rp_net_ep_kind k); /* "public-ip", "vmss-public-ip", ... */
const char *rp_net_sku_name(rp_net_sku s);         /* "Basic" "Standard" "unknown" */
/* Appends "FILE:LINE" of a rule ("default" for the built-in rules). */
int rp_net_rule_where(rp_buf *b, const rp_net_rule *r);
/* Appends "NSG/RULE (FILE:LINE)" for a hop's deciding rule, "no NSG" when
 * the level has none. */
int rp_net_hop_format(rp_buf *b, const rp_net_hop *h);
/* True for the protocols with ports (Tcp, Udp). */
bool rp_net_proto_has_ports(unsigned proto);
/* "Internet", or the name of the exposure's source subnet ("subnet" when
 * it has none). */
const char *rp_net_exposure_source(const rp_net_exposure *e);
/* True when the exposure's ports include p (portless protocols: any p). */
bool rp_net_exposure_has_port(const rp_net_exposure *e, uint32_t p);

#endif
