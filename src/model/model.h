/* model.h: the resource model: typed objects and resolved links, built from
 * one or more rp_deployment, independent of the input format (issue #4).
 *
 * Every deployed resource becomes an object (rp_mobj).  Elements declared
 * inline inside another resource become objects of their own too, with the
 * type and name ARM gives them as child resources:
 *   virtualNetworks.properties.subnets[]          -> .../virtualNetworks/subnets
 *   virtualNetworks.properties.virtualNetworkPeerings[]
 *   networkSecurityGroups.properties.securityRules[]
 *   networkInterfaces.properties.ipConfigurations[]
 *   loadBalancers.properties.{frontendIPConfigurations, backendAddressPools,
 *     loadBalancingRules, inboundNatRules, inboundNatPools}[]
 *   virtualMachines storageProfile.{osDisk, dataDisks[]}     (kind DISK_SPEC)
 *   virtualMachines.resources[] were flattened by the ingester already
 *   virtualMachineScaleSets virtualMachineProfile.networkProfile
 *     .networkInterfaceConfigurations[] (kind NIC) and their ipConfigurations[]
 *   virtualMachineScaleSets virtualMachineProfile.extensionProfile.extensions[]
 *   virtualMachines properties.networkProfile.networkInterfaceConfigurations[]
 * Each inline object points at its own element (body, span) and its parent.
 *
 * Links are typed edges (rp_mlink) from an object to another, resolved by
 * resource ID (ASCII case-insensitive; "/subscriptions/.../providers/NS/t/n"
 * strings as resourceId() yields them, with or without the subscription and
 * resource group) or by plain name for the expected type.  The same ID
 * declared several times in one deployment is one Azure resource: the last
 * declaration (deployed last) is the target, one in the referring
 * deployment preferred; candidates only in several other deployments are
 * ambiguous (unresolved).  A reference that
 * names no object in the model is kept as UNRESOLVED with its text and a
 * note in the diagnostics sink (code "model-unresolved-ref"); a reference
 * whose value is UNKNOWN stays UNKNOWN with the value's reason.  Nothing is
 * dropped silently.  Every link is also recorded as a back-link on its
 * target, so both directions are O(links) to walk.
 *
 * Extension resources (diagnostic settings, role assignments, DCR
 * associations) link to what they extend with RP_LINK_SCOPE, from their
 * `scope` or, for "<parent type>/providers/<type>" child names, from the
 * name.  Extensions of a VM link both ways: RP_LINK_EXTENSION from the VM
 * to the extension, RP_LINK_PARENT from the extension to the VM, whether
 * the extension was a child resource, a separate "vm/ext" resource or an
 * inline VMSS extensionProfile entry.
 *
 * Determinism: objects are kept in input order (deployment, resource,
 * then inline elements in document order); lookups are by hash maps with
 * insertion-ordered iteration.
 *
 * Ownership: rp_model_build() returns a model the caller frees with
 * rp_model_free(); the deployments are borrowed and must outlive it
 * (objects point into their values and sources).
 */
#ifndef RP_MODEL_MODEL_H
#define RP_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/resource.h"
#include "json/value.h"
#include "util/diag.h"

/* Limit on inline elements expanded per resource (hostile input). */
#define RP_MODEL_MAX_INLINE 100000u

typedef enum rp_mkind {
	RP_MK_OTHER = 0,
	RP_MK_VM,        /* Microsoft.Compute/virtualMachines */
	RP_MK_VMSS,      /* Microsoft.Compute/virtualMachineScaleSets */
	RP_MK_EXTENSION, /* .../virtualMachines/extensions, .../virtualMachineScaleSets/extensions,
			    inline VMSS */
	RP_MK_DISK,      /* Microsoft.Compute/disks */
	RP_MK_DISK_SPEC, /* inline osDisk / dataDisks[] of a VM or VMSS */
	RP_MK_DES,       /* Microsoft.Compute/diskEncryptionSets */
	RP_MK_NIC, /* Microsoft.Network/networkInterfaces, VMSS/VM networkInterfaceConfigurations[]
		    */
	RP_MK_IPCONFIG,    /* NIC / VMSS NIC ipConfigurations[] */
	RP_MK_VNET,        /* Microsoft.Network/virtualNetworks */
	RP_MK_SUBNET,      /* .../virtualNetworks/subnets (child or inline) */
	RP_MK_PEERING,     /* .../virtualNetworks/virtualNetworkPeerings */
	RP_MK_NSG,         /* Microsoft.Network/networkSecurityGroups */
	RP_MK_NSG_RULE,    /* .../networkSecurityGroups/securityRules (child or inline) */
	RP_MK_ASG,         /* Microsoft.Network/applicationSecurityGroups */
	RP_MK_PIP,         /* Microsoft.Network/publicIPAddresses */
	RP_MK_LB,          /* Microsoft.Network/loadBalancers */
	RP_MK_LB_FRONTEND, /* .../loadBalancers/frontendIPConfigurations */
	RP_MK_LB_POOL,     /* .../loadBalancers/backendAddressPools */
	RP_MK_LB_RULE,     /* .../loadBalancers/loadBalancingRules */
	RP_MK_LB_NAT_RULE, /* .../loadBalancers/inboundNatRules */
	RP_MK_LB_NAT_POOL, /* .../loadBalancers/inboundNatPools */
	RP_MK_STORAGE,     /* Microsoft.Storage/storageAccounts */
	RP_MK_KEYVAULT,    /* Microsoft.KeyVault/vaults */
	RP_MK_DIAG, /* Microsoft.Insights/diagnosticSettings and <type>/providers/diagnosticSettings
		     */
	RP_MK_PRICING,         /* Microsoft.Security/pricings */
	RP_MK_WATCHER,         /* Microsoft.Network/networkWatchers */
	RP_MK_FLOWLOG,         /* Microsoft.Network/networkWatchers/flowLogs */
	RP_MK_IDENTITY,        /* Microsoft.ManagedIdentity/userAssignedIdentities */
	RP_MK_ROLE_ASSIGNMENT, /* Microsoft.Authorization/roleAssignments */
	RP_MK_DCR_ASSOC,       /* Microsoft.Insights/dataCollectionRuleAssociations */
	RP_MK_COUNT_,
} rp_mkind;

typedef enum rp_link_kind {
	RP_LINK_PARENT = 0,  /* child -> parent (subnet->vnet, rule->nsg, ext->vm, ipconfig->nic) */
	RP_LINK_NIC,         /* VM -> NIC (networkProfile.networkInterfaces[].id) */
	RP_LINK_SUBNET,      /* ipconfig -> subnet */
	RP_LINK_NSG,         /* NIC / subnet -> NSG */
	RP_LINK_ASG,         /* ipconfig -> ASG; NSG rule -> ASG (source or destination) */
	RP_LINK_PIP,         /* ipconfig / LB frontend -> public IP */
	RP_LINK_LB_POOL,     /* ipconfig -> LB backend pool; LB rule -> pool */
	RP_LINK_LB_NAT_RULE, /* ipconfig -> LB inbound NAT rule */
	RP_LINK_LB_NAT_POOL, /* ipconfig -> LB inbound NAT pool */
	RP_LINK_LB_FRONTEND, /* LB rule / NAT rule / NAT pool -> frontend */
	RP_LINK_REMOTE_VNET, /* peering -> remote VNet */
	RP_LINK_DISK, /* VM -> disk spec (inline), disk spec -> attached Microsoft.Compute/disks */
	RP_LINK_DES,  /* disk spec / disk -> disk encryption set */
	RP_LINK_EXTENSION, /* VM / VMSS -> extension */
	RP_LINK_SCOPE, /* extension resource (diag setting, role assignment, DCR assoc) -> target */
	RP_LINK_FLOWLOG_TARGET, /* flow log -> NSG / VNet / subnet / NIC */
	RP_LINK_IDENTITY,       /* VM / VMSS / others -> user-assigned identity */
	RP_LINK_COUNT_,
} rp_link_kind;

typedef enum rp_link_state {
	RP_LINK_RESOLVED = 0,   /* target set */
	RP_LINK_UNRESOLVED = 1, /* known reference, no such object in the model */
	RP_LINK_UNKNOWN = 2,    /* the reference value is UNKNOWN (reason in why) */
} rp_link_state;

typedef struct rp_mobj rp_mobj;

typedef struct rp_mlink {
	rp_link_kind kind;
	rp_link_state state;
	rp_mobj *from;
	rp_mobj *target; /* RESOLVED only */
	const rp_value
		*ref; /* the reference as written (STRING / UNKNOWN), NULL for structural links */
	const char *text; /* reference text, or NULL */
	const char *why;  /* UNKNOWN: reason */
	const char *path; /* where in from's body: "properties.subnet.id" */
} rp_mlink;

/* Operating system of a VM / VMSS, from osProfile / osDisk.osType / image. */
typedef enum rp_os {
	RP_OS_UNKNOWN = 0,
	RP_OS_LINUX = 1,
	RP_OS_WINDOWS = 2,
} rp_os;

struct rp_mobj {
	rp_mkind kind;
	uint32_t index;         /* position in rp_model.objs */
	const rp_resource *res; /* declaring resource (for inline objects: the parent's) */
	const rp_value *body;   /* this object's JSON object (resource body or inline element) */
	const rp_value *props;  /* body.properties, or NULL */
	const char *type;       /* full ARM type (inline: the child type ARM would use) */
	const char *name;       /* full name "vnet/subnet"; NULL when unknown */
	const char
		*id; /* resource ID as given (rp_resource.id), or synthesized; NULL when unknown */
	const char *key; /* normalized identity "ns/type/name[/child/name]" lowercased; NULL when
			    unknown */
	const char *name_reason; /* why name is unknown, or NULL */
	const char *path; /* inline: path of the element in res->body ("properties.subnets[0]"); ""
			     for resources */
	bool is_inline;
	rp_span span;     /* body span, else res->span */
	rp_mobj *parent;  /* RP_LINK_PARENT target, or NULL */
	rp_mlink **links; /* outgoing, in discovery order */
	size_t nlinks, links_cap;
	rp_mlink **backlinks; /* incoming */
	size_t nbacklinks, backlinks_cap;
};

typedef struct rp_model {
	rp_arena *arena;
	rp_mobj **objs; /* every object, input order */
	size_t nobjs, objs_cap;
	rp_mobj **by_kind[RP_MK_COUNT_]; /* objects per kind, input order */
	size_t nby_kind[RP_MK_COUNT_];
	rp_mlink **unresolved; /* every UNRESOLVED link, in discovery order */
	size_t nunresolved, unresolved_cap;
	const rp_deployment *const *deps; /* borrowed */
	size_t ndeps;
	void *index_; /* private lookup maps */
} rp_model;

/* Builds the model of ndeps deployments.  Unresolved references become
 * notes in diag (may be NULL).  Returns 0 with *out set, or -RP_ENOMEM /
 * -RP_ELIMIT (diagnostic added). */
int rp_model_build(const rp_deployment *const *deps, size_t ndeps, rp_model **out, rp_diag *diag);
/* Accepts NULL; returns NULL. */
rp_model *rp_model_free(rp_model *m);

/* ---- lookups ---- */

/* Objects of one kind (input order); *n set. */
rp_mobj *const *rp_model_objects(const rp_model *m, rp_mkind k, size_t *n);
/* Object by reference (resource ID string or plain name); type may be NULL
 * (any) or the expected full type.  NULL when absent or ambiguous. */
rp_mobj *rp_model_find(const rp_model *m, const char *ref, const char *type);

/* First resolved link target of the kind, or NULL; and the first link of
 * the kind (any state), or NULL. */
rp_mobj *rp_mobj_target(const rp_mobj *o, rp_link_kind k);
const rp_mlink *rp_mobj_link(const rp_mobj *o, rp_link_kind k);
/* Iterate over outgoing / incoming links of a kind: start with *it = 0. */
const rp_mlink *rp_mobj_next_link(const rp_mobj *o, rp_link_kind k, size_t *it);
const rp_mlink *rp_mobj_next_backlink(const rp_mobj *o, rp_link_kind k, size_t *it);

/* Typed helpers (NULL / 0 when absent). */
/* NSG of a NIC or subnet (its link, any state); NULL when none is set. */
const rp_mlink *rp_model_nsg_of(const rp_mobj *nic_or_subnet);
/* Rules of an NSG (inline and child resources), input order. Writes up to
 * cap objects to out and returns the total count. */
size_t rp_model_nsg_rules(const rp_mobj *nsg, const rp_mobj **out, size_t cap);
/* VM / VMSS extensions: both child resources and separate vm/ext ones. */
size_t rp_model_extensions(const rp_mobj *vm, const rp_mobj **out, size_t cap);
/* Objects whose RP_LINK_SCOPE points at o and have kind k (e.g. RP_MK_DIAG). */
size_t rp_model_scoped(const rp_mobj *o, rp_mkind k, const rp_mobj **out, size_t cap);

/* VM / VMSS helpers. */
/* The virtualMachineProfile for VMSS, the properties for VM, else NULL. */
const rp_value *rp_model_vm_profile(const rp_mobj *vm);
rp_os rp_model_vm_os(const rp_mobj *vm);
/* Extension publisher and type (NULL when absent / not a string). */
const char *rp_model_ext_publisher(const rp_mobj *ext);
const char *rp_model_ext_type(const rp_mobj *ext);

/* Normalized key of a reference: "microsoft.network/virtualnetworks/v/subnets/s"
 * from an ID or a (type, name) pair; arena-allocated, NULL when not an ID. */
const char *rp_model_key_from_id(rp_arena *a, const char *id);
const char *rp_model_key_from_type_name(rp_arena *a, const char *type, const char *name);

const char *rp_mkind_name(rp_mkind k);
const char *rp_link_kind_name(rp_link_kind k);

#endif
