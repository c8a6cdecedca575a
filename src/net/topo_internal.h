/* topo_internal.h: private state of rp_net_topo shared by topology.c and
 * exposure.c (not a public interface). */
#ifndef RP_NET_TOPO_INTERNAL_H
#define RP_NET_TOPO_INTERNAL_H

#include "net/topology.h"
#include "util/hashmap.h"

#define TOPO_MAX_PEERS 64

typedef struct topo_vnet {
	const rp_mobj *obj; /* NULL: the environment of unknown networks */
	rp_net_env *env;
	rp_net_aset space; /* heap */
	bool space_unknown;
	rp_net_aset peer_space; /* heap */
	size_t peers[TOPO_MAX_PEERS];
	size_t npeers;
} topo_vnet;

typedef struct topo_subnet {
	const rp_mobj *obj;
	size_t vnet_index;
	rp_net_aset pfx; /* frozen */
} topo_subnet;

/* The exposures of one ipConfiguration: t->exp[first[r] .. first[r] + n[r])
 * for r = 0 (its own), 1 (shared east-west entries).  Indexes, as t->exp
 * moves while it grows. */
typedef struct topo_xrun {
	size_t first[2], n[2];
} topo_xrun;

typedef struct topo_priv {
	rp_net_nsg **nsg_by_obj; /* by rp_mobj.index */
	rp_map unknown_nsgs;     /* name NUL reason -> the unknown NSG (shared) */
	topo_vnet *vnets;        /* nvnets + 1 (the last: unknown networks) */
	size_t nvnets;
	topo_subnet *subnets;
	size_t nsubnets;
	rp_net_aset *subnet_pfx; /* per ipc: its subnet's prefixes (frozen) */
	void *ew;                /* exposure.c: shared east-west entries */
	size_t exp_bytes;        /* exposure.c: bytes allocated at t->exp */
	bool exp_mapped;         /* exposure.c: t->exp is a mapping (else a heap block) */
	void *hdrs;              /* exposure.c: chunks of exposures' set headers */
	struct topo_xrun *xruns; /* exposure.c: per ipc, its runs of t->exp */
	bool ew_off;             /* tests: compute every ipConfiguration's entries alone */
	size_t ew_shared;        /* ipConfigurations whose east-west entries were shared */
	bool query_full;         /* tests: flow queries evaluate complete decisions only */
	size_t q_light;          /* flow queries answered without the denied pieces */
	size_t q_uncovered;      /* ... of which found denied flows by coverage */
} topo_priv;

/* Tests (the differential check of net-templates): turns the sharing of
 * east-west entries between ipConfigurations off (call before
 * rp_net_topo_exposures); the number of ipConfigurations that reused
 * another's entries. */
void rp_net__topo_share_ew(rp_net_topo *t, bool on);
size_t rp_net__topo_ew_shared(const rp_net_topo *t);

/* Tests (the differential check of net-templates): makes flow queries
 * evaluate the complete decision (denied pieces included) from the start,
 * as before the allowed-and-unknown first path; the number of queries
 * answered without the denied pieces and, of those, how many found a
 * denied flow by coverage. */
void rp_net__topo_query_full(rp_net_topo *t, bool on);
void rp_net__topo_query_stats(const rp_net_topo *t, size_t *light, size_t *uncovered);

/* Unmaps t->exp and frees topo_priv.hdrs (exposure.c); before topo_priv
 * is freed. */
void rp_net__exposures_free(rp_net_topo *t);

/* Frees topo_priv.ew (exposure.c). */
void rp_net__exposure_cache_free(void *cache);

typedef struct topo_ipc_b {
	rp_net_endpoint *v;
	size_t n, cap;
} topo_ipc_b;

#endif
