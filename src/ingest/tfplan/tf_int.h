/* tf_int.h: internals of the Terraform plan/state ingester (src/ingest/tfplan).
 *
 * Two parts share these declarations:
 *  - tfplan.c walks `terraform show -json` output, resolves references
 *    through the configuration, synthesises ARM resource IDs and assembles
 *    the rp_deployment.  A resource's attributes are read in place from the
 *    parsed document through views (tf_x: the value, its after_unknown and
 *    its sensitive marker side by side); an rp_value is made only for what
 *    lands in an ARM body;
 *  - tfmap.c holds the ONE static mapping table per azurerm resource type
 *    (Terraform attribute -> ARM property path + conversion) and applies it.
 * vtree.c is a small mutable object tree used to assemble ARM bodies before
 * they are frozen into immutable rp_values.
 *
 * Ownership: every node and string lives in the deployment's arena.
 */
#ifndef RP_INGEST_TFPLAN_TF_INT_H
#define RP_INGEST_TFPLAN_TF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/resource.h"
#include "json/json.h"
#include "json/value.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/hashmap.h"

/* ---- mutable value tree ---- */

typedef enum vt_kind { VT_OBJ = 0, VT_ARR = 1, VT_LEAF = 2 } vt_kind;

typedef struct vt_node vt_node;
struct vt_node {
	vt_kind kind;
	rp_value *leaf;  /* VT_LEAF */
	rp_span span;    /* where the element came from (objects/arrays) */
	const char *key; /* member name when inside an object */
	rp_span keyspan;
	vt_node *first, *last, *next;
	uint32_t n;
};

vt_node *rp_vt_new(rp_arena *a, vt_kind k, rp_span sp);
/* Member `key` of obj (case-insensitive), or NULL. */
vt_node *rp_vt_get(vt_node *obj, const char *key);
/* Object at dotted path below obj, created (with intermediate objects) when
 * absent; NULL on allocation failure or when a leaf is in the way.  An empty
 * path returns obj. */
vt_node *rp_vt_obj_at(rp_arena *a, vt_node *obj, const char *path, rp_span sp);
/* Array at dotted path, created when absent. */
vt_node *rp_vt_arr_at(rp_arena *a, vt_node *obj, const char *path, rp_span sp);
/* Sets dotted path to leaf v (replacing what was there).  0 or -RP_ENOMEM. */
int rp_vt_set(rp_arena *a, vt_node *obj, const char *path, rp_value *v);
/* Sets the member key (copied) of obj to node c.  0 or -RP_ENOMEM. */
int rp_vt_put(rp_arena *a, vt_node *obj, const char *key, size_t keylen, vt_node *c);
/* Appends c to array arr. */
void rp_vt_append(vt_node *arr, vt_node *c);
/* Leaf node holding v. */
vt_node *rp_vt_leaf(rp_arena *a, rp_value *v);
/* Immutable copy in a (the tree itself may live in a scratch arena);
 * member keys are interned through keys (copied into a once each).  NULL
 * on allocation failure. */
rp_value *rp_vt_freeze(rp_arena *a, rp_map *keys, const vt_node *n);

/* ---- mapping tables ---- */

typedef enum tf_conv {
	TC_COPY = 0,  /* value as is (null, "" and [] are absent, as azurerm sends nothing) */
	TC_ID,        /* reference to another resource: its ARM ID string */
	TC_ID_LIST,   /* list of references: array of {"id": ...} */
	TC_TRUE_ONLY, /* bool sent by azurerm only when true: false is absent */
	TC_ENABLED,   /* bool -> "Enabled" / "Disabled" */
	TC_NOT,       /* bool -> !bool */
	TC_JOIN,      /* list of strings -> "a, b" */
	TC_JSON,      /* JSON-encoded string -> value (kept as string if not JSON) */
	TC_BLOCK,     /* single nested block: sub-table applied at arm (a base path) */
	TC_BLOCKS,    /* repeated block: array at arm, one element per block */
	TC_GROUP,     /* same TF object, sub-table applied at base path arm */
	TC_PRESENT,   /* block present -> true (absent block -> false) */
	TC_ZONE,      /* string -> [string] */
	TC_IDENTITY,  /* identity block -> {type, userAssignedIdentities} */
	TC_SSH_KEYS,  /* admin_ssh_key blocks -> publicKeys[{keyData, path}] */
	TC_CONST, /* constant string aux (tf names the attribute that must be present, or NULL) */
	TC_VALUE_LIST,   /* list of strings -> [{"value": s, "action": "Allow"}] */
	TC_VNET_RULES,   /* list of subnet IDs -> [{"id": s, "action": "Allow"}] */
	TC_SERVICE_LIST, /* list of strings -> [{"service": s}] */
	TC_SINGLE,       /* list with one element -> that element (addressPrefix) */
	TC_SECTYPE,      /* VM security type from secure_boot/vtpm/os_disk */
	TC_SKU2,         /* "<tf>_<aux>" (storage account tier + replication) */
	TC_CHILD_ID,     /* name of a sibling child: <parent id>/<aux>/<name> */
	TC_INT,          /* number, or a numeric string -> int */
	TC_LOWER,        /* string lower-cased (ARM enum spelling) */
	TC_CAPITAL,      /* string with a capital first letter ("dynamic" -> "Dynamic") */
	TC_TRUE_CONST,   /* true whenever the attribute is present (enabled_log blocks) */
	TC_SECRET,       /* as TC_COPY, flagged RP_VF_SECURE (azurerm marks it sensitive) */
} tf_conv;

typedef struct tf_attr {
	const char *tf;  /* Terraform attribute ("a|b" for TC_SECTYPE) */
	const char *arm; /* ARM path (dotted), base for blocks/groups */
	tf_conv conv;
	const char *aux; /* TC_ID/TC_ID_LIST: expected ARM type; TC_CONST: value; ... */
	const struct tf_attr
		*sub; /* TC_BLOCK/TC_BLOCKS/TC_GROUP: terminated by tf == NULL && arm == NULL */
} tf_attr;

typedef enum tf_kind {
	TK_RESOURCE = 0, /* becomes an ARM resource */
	TK_MERGE,        /* merged into its parent resource (LB rules, pools, network rules) */
	TK_ASSOC,        /* association: sets a link on another resource */
	TK_IGNORE,       /* known, deliberately not mapped (resource groups, random ids) */
} tf_kind;

typedef enum tf_assoc_op {
	TA_SET = 0, /* target.<path> = {"id": value} */
	TA_APPEND,  /* target.<path> += {"id": value}, per ipConfiguration */
} tf_assoc_op;

typedef struct tf_type {
	const char *tf_type; /* azurerm_... */
	tf_kind kind;
	const char *arm_type; /* full ARM type */
	const char *api_version;
	/* Name segments, outermost first.  "@attr": last segment of the resource
	 * the attribute references (a parent given by ID); "=x": literal default
	 * when the attribute list is empty.  NULL-terminated. */
	const char *name_attrs[4];
	const char *scope_attr; /* extension resources: attribute holding the target ID */
	bool sub_scope;         /* subscription-level resource (no resource group) */
	const tf_attr *attrs;   /* mapping table, NULL-terminated */
	/* TK_MERGE: reference attribute naming the parent, the parent's ARM type,
	 * and the array property (or base object, when merge_object) in it. */
	const char *parent_attr;
	const char *parent_type;
	const char *merge_path;
	bool merge_object;
	/* TK_ASSOC: target reference, value reference, op, path on the target
	 * (for TA_APPEND: inside each matching ipConfiguration), and the
	 * attribute selecting the ipConfiguration by name (NULL: all). */
	const char *assoc_target;
	const char *assoc_target_type;
	const char *assoc_value;
	const char *assoc_value_type;
	tf_assoc_op assoc_op;
	const char *assoc_path;
	const char *assoc_ipconfig;
} tf_type;

/* The table entry for a Terraform type, or NULL. */
const tf_type *rp_tf_type_find(const char *tftype);
/* Entry by index (NULL past the end), for docs and tests. */
const tf_type *rp_tf_type_at(size_t i);

/* ---- attribute views ----
 *
 * A view of one attribute value of a resource, read in place in the parsed
 * plan: the value node (planned_values / values), the matching node of
 * after_unknown (true: unknown) and of the sensitive markers, and where it
 * sits (its enclosing view and member name or element index, for an
 * unknown's reason).  Views live on the stack; nothing is copied until a
 * value lands in an ARM body (rp_tf_x_value).  An object member that is
 * null or "" (and not unknown) is absent, as azurerm sends nothing. */
typedef struct tf_x tf_x;
struct tf_x {
	uint32_t val;  /* value node, or RP_JSON_NONE (absent) */
	uint32_t unk;  /* after_unknown node, or RP_JSON_NONE */
	uint32_t sens; /* sensitive marker node, or RP_JSON_NONE */
	bool secure;   /* this value or an enclosing one is sensitive */
	const tf_x *up;
	const char *key; /* member name (keylen bytes) in up; NULL: element idx */
	uint32_t keylen, idx;
};

/* Element iteration over an array view (elements only in after_unknown
 * included, as unknowns). */
typedef struct tf_xit {
	const tf_x *x;
	rp_json_iter iv, iu, is;
	bool hu, hs;
	uint32_t i, n;
} tf_xit;

/* ---- ingest context ---- */

typedef struct tf_res tf_res;
struct tf_res {
	const char *address; /* full Terraform address */
	const char *modinst; /* "module.a.module.b[0]" or "" */
	const char *type;    /* azurerm_... */
	const char *index;   /* count index / for_each key as text, or NULL */
	const tf_type *map;  /* NULL: unmapped type */
	uint32_t node;       /* resource object in planned_values / values */
	uint32_t cfg;        /* configuration resource object, or RP_JSON_NONE */
	/* the attributes, read in place: values, after_unknown and sensitive
	 * markers (the root view, tf_res_x) */
	uint32_t xval, xunk, xsens;
	bool xsecure;
	bool data;        /* data source */
	uint8_t id_state; /* ARM identity, computed lazily once: 0 not yet, 1 computing, 2 done */
	const char *arm_name;    /* "vnet/subnet"; NULL when unknown */
	const char *name_reason; /* why the name is unknown */
	uint32_t name_node;      /* where the name comes from, or RP_JSON_NONE (node) */
	const char *id;          /* ARM ID (known or synthetic) */
	struct tf_tgt *tgt;      /* what is merged into this one, or NULL */
	tf_res *next_inst;       /* next instance with the same module/type/name */
	tf_res *tail_inst;       /* the first instance: the last one */
};

/* A resource other resources are merged into or associated with (only
 * these need the lists). */
typedef struct tf_tgt {
	tf_res **pending;       /* merged children and associations applied to it */
	rp_resource_addr *kids; /* merged resources' element paths and addresses */
	uint32_t npending, pending_cap, nkids, kids_cap;
} tf_tgt;

/* The root view of r's attributes. */
static inline tf_x tf_res_x(const tf_res *r)
{
	tf_x x = { r->xval, r->xunk, r->xsens, r->xsecure, NULL, NULL, 0, 0 };

	return x;
}

/* Short-string cache slot (tfplan.c pool_str). */
#define TF_POOL_CACHE 4096u
typedef struct tf_pool_ent {
	const char *s;
	uint32_t len;
} tf_pool_ent;

typedef struct tf_ctx {
	rp_arena *a;   /* the deployment's arena: everything that is kept */
	rp_arena *vta; /* scratch: ARM bodies under construction (vt_node trees) */
	rp_map keys;   /* interned member keys of frozen bodies */
	rp_json_doc *doc;
	rp_deployment *dep;
	rp_diag *diag;
	rp_source *src;
	uint32_t config_root; /* configuration.root_module, or NONE */
	uint32_t changes;     /* resource_changes array, or NONE */
	tf_res **res;
	size_t nres, cap;
	rp_map by_base;   /* "modinst|type.name" (data. prefixed) -> first tf_res */
	rp_map by_id;     /* lower-case ID -> tf_res (icase map), once by_id_live */
	bool by_id_live;  /* by_id built (at the first lookup) and kept up to date */
	rp_map unmapped;  /* type -> first resource, reported once */
	rp_map by_change; /* address -> resource_changes element index + 1 */
	rp_map cfg_index; /* "<module node>|<address>" -> expressions index + 1 */
	const char *subscription;
	rp_buf tmp;               /* scratch text (IDs, lookup keys), reused */
	int err;                  /* a limit hit while making a value (rp_tf_x_value) */
	vt_node *body;            /* the ARM body under construction (one at a time) */
	char *pool;               /* strings of body values: current block ... */
	size_t pool_left;         /* ... and the bytes left in it */
	tf_pool_ent *pool_cache;  /* TF_POOL_CACHE slots, or NULL */
	const char *last_modinst; /* cfg_resource's cache: module instance ... */
	uint32_t last_cfgmod;     /* ... and its configuration module node */
} tf_ctx;

/* Builds the ARM body of r from its table (tfmap.c).  0 or negative. */
int rp_tf_map_resource(tf_ctx *c, tf_res *r, vt_node *base, const tf_attr *attrs, const tf_x *x,
		       uint32_t cfg, const char *parent_id);

/* Views (tfplan.c). */
/* Member key of x (an object): *out is its view (absent when missing, null
 * or "" and not unknown).  True when present (known or unknown). */
bool rp_tf_x_get(tf_ctx *c, const tf_x *x, const char *key, tf_x *out);
/* Kind of x: RP_V_UNKNOWN, RP_V_NULL when absent, RP_V_INT for any number,
 * else the JSON kind. */
rp_vkind rp_tf_x_kind(tf_ctx *c, const tf_x *x);
/* Element count of an array view (0 otherwise). */
uint32_t rp_tf_x_len(tf_ctx *c, const tf_x *x);
/* As tfmap's absent(): missing, null, "" or an empty array. */
bool rp_tf_x_absent(tf_ctx *c, const tf_x *x);
/* Where the value (or its after_unknown marker) is in the plan. */
rp_span rp_tf_x_span(tf_ctx *c, const tf_x *x);
/* A known string's decoded bytes (not NUL-terminated, valid while the
 * document lives); false when x is no known string. */
bool rp_tf_x_str(tf_ctx *c, const tf_x *x, const char **p, size_t *n);
/* A known bool; false when x is no known bool. */
bool rp_tf_x_bool(tf_ctx *c, const tf_x *x, bool *b);
/* The value as an rp_value in the deployment's arena (unknowns with their
 * reason, secrets flagged); NULL on allocation failure or a limit. */
rp_value *rp_tf_x_value(tf_ctx *c, const tf_res *r, const tf_x *x);
void rp_tf_x_iter(tf_ctx *c, const tf_x *x, tf_xit *it);
bool rp_tf_x_next(tf_ctx *c, tf_xit *it, tf_x *out);

/* Resolves attribute `attr` of r (the view x at the expression cfg_expr)
 * to the ARM ID of the resource it references; *out is a STRING (known ID),
 * an UNKNOWN, or NULL (absent).  expect: ARM type wanted, or NULL.
 * tfplan.c. */
int rp_tf_resolve_id(tf_ctx *c, tf_res *r, const tf_x *x, uint32_t cfg_expr, const char *attr,
		     const char *expect, rp_value **out);
/* As rp_tf_resolve_id for list attributes: *out is an ARRAY of STRING /
 * UNKNOWN, or NULL when absent. */
int rp_tf_resolve_id_list(tf_ctx *c, tf_res *r, const tf_x *x, uint32_t cfg_expr, const char *attr,
			  const char *expect, rp_value **out);
/* Target resource of a reference attribute (for merges and associations),
 * or NULL. */
tf_res *rp_tf_resolve_target(tf_ctx *c, tf_res *r, const char *attr, const char *expect);
/* Computes r's ARM name and ID (idempotent). 0 or negative. */
int rp_tf_identity(tf_ctx *c, tf_res *r);
/* The configuration expression of member key of a block expression object
 * (element idx of a block list), or RP_JSON_NONE. */
uint32_t rp_tf_cfg_member(tf_ctx *c, uint32_t cfg, const char *key, uint32_t idx);

#endif
