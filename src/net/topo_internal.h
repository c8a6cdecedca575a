/* topo_internal.h: private state of rp_net_topo shared by topology.c and
 * exposure.c (not a public interface). */
#ifndef RP_NET_TOPO_INTERNAL_H
#define RP_NET_TOPO_INTERNAL_H

#include "net/topology.h"

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

typedef struct topo_priv {
	rp_net_nsg **nsg_by_obj; /* by rp_mobj.index */
	topo_vnet *vnets;        /* nvnets + 1 (the last: unknown networks) */
	size_t nvnets;
	topo_subnet *subnets;
	size_t nsubnets;
	rp_net_aset *subnet_pfx; /* per ipc: its subnet's prefixes (frozen) */
} topo_priv;

typedef struct topo_ipc_b {
	rp_net_endpoint *v;
	size_t n, cap;
} topo_ipc_b;

#endif
