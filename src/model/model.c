/* model.c: builds the resource model (objects, inline children, links)
 * from rp_deployments.  See model.h for the contract; ARM shapes follow
 * /work/shared/reference/azure-facts.md sections 1-5. */
#include "model/model.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

/* Private per-object data; rp_mobj is the first member. */
typedef struct mobj_full {
	rp_mobj pub;
	struct mobj_full *next_same_key;  /* other objects with the same key */
	struct mobj_full *next_same_name; /* other objects with the same type|name */
	size_t dep;                       /* deployment index */
} mobj_full;

typedef struct model_index {
	rp_map by_key;  /* key -> mobj_full* (chain) */
	rp_map by_name; /* "type|name" lowercased -> mobj_full* (chain) */
} model_index;

typedef struct builder {
	rp_model *m;
	model_index *ix;
	rp_diag *diag;
	size_t dep;
} builder;

static const struct {
	const char *type;
	rp_mkind kind;
} kind_table[] = {
	{ "Microsoft.Compute/virtualMachines", RP_MK_VM },
	{ "Microsoft.Compute/virtualMachineScaleSets", RP_MK_VMSS },
	{ "Microsoft.Compute/virtualMachines/extensions", RP_MK_EXTENSION },
	{ "Microsoft.Compute/virtualMachineScaleSets/extensions", RP_MK_EXTENSION },
	{ "Microsoft.Compute/disks", RP_MK_DISK },
	{ "Microsoft.Compute/virtualMachines/osDisk", RP_MK_DISK_SPEC },
	{ "Microsoft.Compute/virtualMachines/dataDisks", RP_MK_DISK_SPEC },
	{ "Microsoft.Compute/virtualMachineScaleSets/osDisk", RP_MK_DISK_SPEC },
	{ "Microsoft.Compute/virtualMachineScaleSets/dataDisks", RP_MK_DISK_SPEC },
	{ "Microsoft.Compute/diskEncryptionSets", RP_MK_DES },
	{ "Microsoft.Network/networkInterfaces", RP_MK_NIC },
	{ "Microsoft.Compute/virtualMachines/networkInterfaceConfigurations", RP_MK_NIC },
	{ "Microsoft.Compute/virtualMachineScaleSets/networkInterfaceConfigurations", RP_MK_NIC },
	{ "Microsoft.Network/networkInterfaces/ipConfigurations", RP_MK_IPCONFIG },
	{ "Microsoft.Compute/virtualMachines/networkInterfaceConfigurations/ipConfigurations",
	  RP_MK_IPCONFIG },
	{ "Microsoft.Compute/virtualMachineScaleSets/networkInterfaceConfigurations/"
	  "ipConfigurations",
	  RP_MK_IPCONFIG },
	{ "Microsoft.Network/virtualNetworks", RP_MK_VNET },
	{ "Microsoft.Network/virtualNetworks/subnets", RP_MK_SUBNET },
	{ "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", RP_MK_PEERING },
	{ "Microsoft.Network/networkSecurityGroups", RP_MK_NSG },
	{ "Microsoft.Network/networkSecurityGroups/securityRules", RP_MK_NSG_RULE },
	{ "Microsoft.Network/applicationSecurityGroups", RP_MK_ASG },
	{ "Microsoft.Network/publicIPAddresses", RP_MK_PIP },
	{ "Microsoft.Network/loadBalancers", RP_MK_LB },
	{ "Microsoft.Network/loadBalancers/frontendIPConfigurations", RP_MK_LB_FRONTEND },
	{ "Microsoft.Network/loadBalancers/backendAddressPools", RP_MK_LB_POOL },
	{ "Microsoft.Network/loadBalancers/loadBalancingRules", RP_MK_LB_RULE },
	{ "Microsoft.Network/loadBalancers/inboundNatRules", RP_MK_LB_NAT_RULE },
	{ "Microsoft.Network/loadBalancers/inboundNatPools", RP_MK_LB_NAT_POOL },
	{ "Microsoft.Storage/storageAccounts", RP_MK_STORAGE },
	{ "Microsoft.KeyVault/vaults", RP_MK_KEYVAULT },
	{ "Microsoft.Insights/diagnosticSettings", RP_MK_DIAG },
	{ "Microsoft.Security/pricings", RP_MK_PRICING },
	{ "Microsoft.Network/networkWatchers", RP_MK_WATCHER },
	{ "Microsoft.Network/networkWatchers/flowLogs", RP_MK_FLOWLOG },
	{ "Microsoft.ManagedIdentity/userAssignedIdentities", RP_MK_IDENTITY },
	{ "Microsoft.Authorization/roleAssignments", RP_MK_ROLE_ASSIGNMENT },
	{ "Microsoft.Insights/dataCollectionRuleAssociations", RP_MK_DCR_ASSOC },
};

static const char *const kind_names[RP_MK_COUNT_] = {
	"other",
	"vm",
	"vmss",
	"extension",
	"disk",
	"disk-spec",
	"disk-encryption-set",
	"nic",
	"ip-configuration",
	"vnet",
	"subnet",
	"peering",
	"nsg",
	"nsg-rule",
	"asg",
	"public-ip",
	"load-balancer",
	"lb-frontend",
	"lb-backend-pool",
	"lb-rule",
	"lb-nat-rule",
	"lb-nat-pool",
	"storage-account",
	"key-vault",
	"diagnostic-setting",
	"defender-pricing",
	"network-watcher",
	"flow-log",
	"managed-identity",
	"role-assignment",
	"dcr-association",
};

static const char *const link_names[RP_LINK_COUNT_] = {
	"parent",
	"nic",
	"subnet",
	"nsg",
	"asg",
	"public-ip",
	"lb-backend-pool",
	"lb-nat-rule",
	"lb-nat-pool",
	"lb-frontend",
	"remote-vnet",
	"disk",
	"disk-encryption-set",
	"extension",
	"scope",
	"flow-log-target",
	"identity",
};

const char *rp_mkind_name(rp_mkind k)
{
	return (unsigned)k < RP_MK_COUNT_ ? kind_names[k] : "?";
}

const char *rp_link_kind_name(rp_link_kind k)
{
	return (unsigned)k < RP_LINK_COUNT_ ? link_names[k] : "?";
}

/* "<type>/providers/diagnosticSettings" child form (azure-facts 5.1). */
static bool is_nested_diag_type(const char *type)
{
	return rp_str_has_suffix(type, "/providers/diagnosticSettings") ||
	       rp_str_has_suffix(type, "/providers/diagnosticsettings");
}

static rp_mkind kind_of_type(const char *type)
{
	size_t i, n;

	if (!type)
		return RP_MK_OTHER;
	n = strlen(type);
	for (i = 0; i < sizeof(kind_table) / sizeof(kind_table[0]); i++)
		if (strlen(kind_table[i].type) == n && rp_str_ieq(kind_table[i].type, type, n))
			return kind_table[i].kind;
	if (is_nested_diag_type(type))
		return RP_MK_DIAG;
	return RP_MK_OTHER;
}

static char *lower_dup(rp_arena *a, const char *s, size_t n)
{
	char *c = rp_arena_strndup(a, s, n);
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; i < n; i++)
		if (c[i] >= 'A' && c[i] <= 'Z')
			c[i] = (char)(c[i] + ('a' - 'A'));
	return c;
}

/* Finds the last "/providers/" (case-insensitive) in s[0..n). */
static const char *last_providers(const char *s, size_t n)
{
	static const char pat[] = "/providers/";
	const size_t pn = sizeof(pat) - 1;
	size_t i;

	if (n < pn)
		return NULL;
	for (i = n - pn + 1; i-- > 0;)
		if (s[i] == '/' && rp_str_ieq(s + i, pat, pn))
			return s + i;
	return NULL;
}

const char *rp_model_key_from_id(rp_arena *a, const char *id)
{
	const char *p, *tail;
	size_t n;

	if (!id)
		return NULL;
	n = strlen(id);
	p = last_providers(id, n);
	if (p) {
		tail = p + strlen("/providers/");
	} else if (id[0] != '/' && strchr(id, '.') && strchr(id, '/')) {
		tail = id; /* "Microsoft.Network/virtualNetworks/v" */
	} else {
		return NULL;
	}
	n = strlen(tail);
	while (n > 0 && tail[n - 1] == '/')
		n--;
	/* Needs at least namespace/type/name. */
	{
		size_t i, slashes = 0;
		for (i = 0; i < n; i++)
			if (tail[i] == '/')
				slashes++;
		if (slashes < 2 || slashes % 2 != 0)
			return NULL;
	}
	return lower_dup(a, tail, n);
}

const char *rp_model_key_from_type_name(rp_arena *a, const char *type, const char *name)
{
	/* The key is as long as type, '/' and name: built in place in the
	 * arena (no growing buffer). */
	char stack[512];
	rp_buf b = RP_BUF_INIT;
	const char *t, *nm, *ts, *ns;
	const char *out = NULL;
	int first = 1;

	if (!type || !name)
		return NULL;
	/* namespace */
	ts = strchr(type, '/');
	if (!ts)
		return NULL;
	if (strlen(type) + strlen(name) + 2 <= sizeof(stack)) {
		/* fits: rp_buf over a stack array (never grown, never freed) */
		b.data = stack;
		b.cap = sizeof(stack);
	}
	if (rp_buf_append(&b, type, (size_t)(ts - type)) < 0)
		goto out;
	t = ts + 1;
	nm = name;
	for (;;) {
		const char *te = strchr(t, '/');
		size_t tl = te ? (size_t)(te - t) : strlen(t);
		const char *ne;
		size_t nl;

		if (!*nm && !first)
			goto out;
		ne = strchr(nm, '/');
		nl = ne ? (size_t)(ne - nm) : strlen(nm);
		if (tl == 0 || nl == 0)
			goto out;
		if (rp_buf_putc(&b, '/') < 0 || rp_buf_append(&b, t, tl) < 0 ||
		    rp_buf_putc(&b, '/') < 0 || rp_buf_append(&b, nm, nl) < 0)
			goto out;
		first = 0;
		if (!te && !ne)
			break;
		if (!te || !ne)
			goto out; /* segment counts differ */
		t = te + 1;
		nm = ne + 1;
	}
	ns = lower_dup(a, b.data, b.len);
	out = ns;
out:
	if (b.data != stack)
		rp_buf_release(&b);
	return out;
}

static const char *value_str(const rp_value *v)
{
	return rp_value_is(v, RP_V_STRING) ? v->u.s : NULL;
}

/* ---- object creation ---- */

static int push_ptr(void ***arr, size_t *n, size_t *cap, void *p)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		void **na = realloc(*arr, nc * sizeof(*na));
		if (!na)
			return -RP_ENOMEM;
		*arr = na;
		*cap = nc;
	}
	(*arr)[(*n)++] = p;
	return 0;
}

static int index_add(builder *b, mobj_full *f)
{
	rp_mobj *o = &f->pub;
	void *old = NULL;
	int rc;

	if (o->key) {
		if (rp_map_get(&b->ix->by_key, o->key, strlen(o->key), &old)) {
			mobj_full *c = old;
			while (c->next_same_key)
				c = c->next_same_key;
			c->next_same_key = f;
		} else if ((rc = rp_map_put(&b->ix->by_key, o->key, strlen(o->key), f, NULL)) < 0) {
			return rc;
		}
	}
	if (o->name && o->type) {
		/* "type|name" in lower case, built in one pass */
		size_t nt = strlen(o->type), nn = strlen(o->name), i;
		char *lk = rp_arena_alloc(b->m->arena, nt + nn + 2);
		if (!lk)
			return -RP_ENOMEM;
		memcpy(lk, o->type, nt);
		lk[nt] = '|';
		memcpy(lk + nt + 1, o->name, nn + 1);
		for (i = 0; i < nt + nn + 1; i++)
			if (lk[i] >= 'A' && lk[i] <= 'Z')
				lk[i] = (char)(lk[i] + ('a' - 'A'));
		if (rp_map_get(&b->ix->by_name, lk, strlen(lk), &old)) {
			mobj_full *c = old;
			while (c->next_same_name)
				c = c->next_same_name;
			c->next_same_name = f;
		} else if ((rc = rp_map_put(&b->ix->by_name, lk, strlen(lk), f, NULL)) < 0) {
			return rc;
		}
	}
	return 0;
}

static rp_mobj *new_obj(builder *b, const rp_resource *res, const rp_value *body, const char *type,
			const char *name, const char *name_reason, const char *path, bool is_inline)
{
	rp_model *m = b->m;
	mobj_full *f = rp_arena_calloc(m->arena, 1, sizeof(*f));
	rp_mobj *o;

	if (!f)
		return NULL;
	o = &f->pub;
	f->dep = b->dep;
	o->kind = kind_of_type(type);
	o->res = res;
	o->body = body;
	o->props = rp_value_getz(body, "properties");
	o->type = type;
	o->name = name;
	o->name_reason = name_reason;
	o->path = path ? path : "";
	o->is_inline = is_inline;
	o->span = (body && body->span.src) ? body->span : res->span;
	if (is_nested_diag_type(type)) {
		o->key = NULL; /* identity derived from the scope; see link_scope */
	} else {
		o->key = rp_model_key_from_type_name(m->arena, type, name);
	}
	if (!is_inline && rp_value_is(res->id, RP_V_STRING)) {
		o->id = res->id->u.s;
		if (!o->key)
			o->key = rp_model_key_from_id(m->arena, o->id);
	} else if (o->key) {
		o->id = rp_arena_printf(m->arena, "/providers/%s", o->key);
		if (!o->id)
			return NULL;
	}
	o->index = (uint32_t)m->nobjs;
	if (push_ptr((void ***)&m->objs, &m->nobjs, &m->objs_cap, o) < 0)
		return NULL;
	if (index_add(b, f) < 0)
		return NULL;
	return o;
}

static int add_link(builder *b, rp_mobj *from, rp_link_kind k, rp_link_state st, rp_mobj *to,
		    const rp_value *ref, const char *text, const char *why, const char *path,
		    rp_mlink **out)
{
	rp_mlink *l = rp_arena_calloc(b->m->arena, 1, sizeof(*l));
	int rc;

	if (!l)
		return -RP_ENOMEM;
	l->kind = k;
	l->state = st;
	l->from = from;
	l->target = to;
	l->ref = ref;
	l->text = text;
	l->why = why;
	l->path = path;
	if ((rc = push_ptr((void ***)&from->links, &from->nlinks, &from->links_cap, l)) < 0)
		return rc;
	if (to &&
	    (rc = push_ptr((void ***)&to->backlinks, &to->nbacklinks, &to->backlinks_cap, l)) < 0)
		return rc;
	if (st == RP_LINK_UNRESOLVED &&
	    (rc = push_ptr((void ***)&b->m->unresolved, &b->m->nunresolved, &b->m->unresolved_cap,
			   l)) < 0)
		return rc;
	if (k == RP_LINK_PARENT && to && !from->parent)
		from->parent = to;
	if (out)
		*out = l;
	return 0;
}

/* ---- lookup ---- */

static bool kind_ok(const rp_mobj *o, const rp_mkind *want, size_t nwant)
{
	size_t i;

	if (nwant == 0)
		return true;
	for (i = 0; i < nwant; i++)
		if (o->kind == want[i])
			return true;
	return false;
}

/* Resolves a reference text (see the rule at the end).  *ambiguous set
 * when only other deployments declare it, more than one of them. */
static rp_mobj *lookup(const rp_model *m, const model_index *ix, const char *text, size_t dep,
		       const rp_mkind *want, size_t nwant, bool *ambiguous)
{
	rp_arena *a = m->arena;
	mobj_full *c, *first = NULL, *last = NULL, *last_same = NULL;
	size_t nsame = 0;
	bool several_deps = false;
	void *v;

	*ambiguous = false;
	if (!text || !*text)
		return NULL;
	if (strchr(text, '/')) {
		const char *key = rp_model_key_from_id(a, text);
		if (!key || !rp_map_get(&ix->by_key, key, strlen(key), &v))
			return NULL;
		for (c = v; c; c = c->next_same_key) {
			if (!kind_ok(&c->pub, want, nwant))
				continue;
			if (!first)
				first = c;
			if (c->dep == dep) {
				last_same = c;
				nsame++;
			}
			if (c->dep != first->dep)
				several_deps = true;
			last = c;
		}
	} else {
		/* Plain name: try each wanted type. */
		size_t i, k;
		for (i = 0; i < sizeof(kind_table) / sizeof(kind_table[0]); i++) {
			const char *lk;
			if (nwant) {
				for (k = 0; k < nwant; k++)
					if (kind_table[i].kind == want[k])
						break;
				if (k == nwant)
					continue;
			}
			lk = rp_arena_printf(a, "%s|%s", kind_table[i].type, text);
			if (!lk)
				return NULL;
			lk = lower_dup(a, lk, strlen(lk));
			if (!lk || !rp_map_get(&ix->by_name, lk, strlen(lk), &v))
				continue;
			for (c = v; c; c = c->next_same_name) {
				if (!first)
					first = c;
				if (c->dep == dep) {
					last_same = c;
					nsame++;
				}
				if (c->dep != first->dep)
					several_deps = true;
				last = c;
			}
		}
	}
	/* The same ID declared more than once in one deployment is one Azure
	 * resource, deployed last by its last declaration: take that one,
	 * preferring the referring deployment.  Candidates only in several
	 * other deployments are ambiguous. */
	if (nsame)
		return &last_same->pub;
	if (last && !several_deps)
		return &last->pub;
	if (last)
		*ambiguous = true;
	return NULL;
}

rp_mobj *rp_model_find(const rp_model *m, const char *ref, const char *type)
{
	rp_mkind k = kind_of_type(type);
	bool amb;

	if (!m || !ref)
		return NULL;
	return lookup(m, m->index_, ref, (size_t)-1, type ? &k : NULL, type ? 1 : 0, &amb);
}

/* Links from->(value v) with expected kinds.  v NULL: nothing. */
static int link_ref(builder *b, rp_mobj *from, rp_link_kind k, const rp_value *v, const char *path,
		    const rp_mkind *want, size_t nwant)
{
	rp_model *m = b->m;
	rp_mobj *to;
	bool amb = false;
	const char *text;

	if (!v)
		return 0;
	if (v->kind == RP_V_UNKNOWN)
		return add_link(b, from, k, RP_LINK_UNKNOWN, NULL, v, NULL, v->u.reason, path,
				NULL);
	text = value_str(v);
	if (!text) {
		const rp_value *u = rp_value_find_unknown(v);
		if (u)
			return add_link(b, from, k, RP_LINK_UNKNOWN, NULL, v, NULL, u->u.reason,
					path, NULL);
		text = rp_arena_printf(m->arena, "<%s>", rp_vkind_name((rp_vkind)v->kind));
		if (!text)
			return -RP_ENOMEM;
		to = NULL;
	} else {
		to = lookup(m, b->ix, text, b->dep, want, nwant, &amb);
	}
	if (to)
		return add_link(b, from, k, RP_LINK_RESOLVED, to, v, text, NULL, path, NULL);
	{
		const rp_span *sp = v->span.src ? &v->span : &from->span;
		int rc = add_link(b, from, k, RP_LINK_UNRESOLVED, NULL, v, text, NULL, path, NULL);
		if (rc < 0)
			return rc;
		rp_diag_addc(b->diag, RP_DIAG_NOTE, "model-unresolved-ref", sp->src, sp->off,
			     (size_t)sp->off + sp->len,
			     "%s reference '%s' (%s of %s '%s') %s; kept as unresolved",
			     rp_link_kind_name(k), text, path, rp_mkind_name(from->kind),
			     from->name ? from->name : "?",
			     amb ? "matches several resources"
				 : "names no resource in the scanned input");
	}
	return 0;
}

/* v.id for `{ "id": ... }` members. */
static const rp_value *id_of(const rp_value *v)
{
	return rp_value_is(v, RP_V_OBJECT) ? rp_value_getz(v, "id") : v;
}

static const char *join_path(builder *b, const char *base, const char *rel)
{
	if (!base || !*base)
		return rel;
	return rp_arena_printf(b->m->arena, "%s.%s", base, rel);
}

/* Links each element's id of the array at props[member] (objects {id}). */
static int link_id_array(builder *b, rp_mobj *from, rp_link_kind k, const rp_value *props,
			 const char *member, const char *ppath, const rp_mkind *want, size_t nwant)
{
	const rp_value *arr = rp_value_getz(props, member);
	uint32_t i;
	int rc;

	if (!arr)
		return 0;
	if (arr->kind == RP_V_UNKNOWN)
		return add_link(b, from, k, RP_LINK_UNKNOWN, NULL, arr, NULL, arr->u.reason,
				join_path(b, ppath, member), NULL);
	if (arr->kind != RP_V_ARRAY)
		return 0;
	for (i = 0; i < arr->len; i++) {
		const char *p = rp_arena_printf(b->m->arena, "%s%s%s[%u].id", ppath ? ppath : "",
						ppath && *ppath ? "." : "", member, i);
		if (!p)
			return -RP_ENOMEM;
		if ((rc = link_ref(b, from, k, id_of(arr->u.items[i]), p, want, nwant)) < 0)
			return rc;
	}
	return 0;
}

/* ---- inline expansion ---- */

static const char *elem_name(builder *b, const rp_value *elem, const char *parent_name,
			     const char *fallback, uint32_t i, const char **reason)
{
	const rp_value *nv = rp_value_getz(elem, "name");

	*reason = NULL;
	if (!parent_name) {
		*reason = "parent name unknown";
		return NULL;
	}
	if (rp_value_is(nv, RP_V_STRING))
		return rp_arena_printf(b->m->arena, "%s/%s", parent_name, nv->u.s);
	if (rp_value_is(nv, RP_V_UNKNOWN)) {
		*reason = nv->u.reason;
		return NULL;
	}
	if (fallback)
		return rp_arena_printf(b->m->arena, "%s/%s%u", parent_name, fallback, i);
	*reason = "element has no name";
	return NULL;
}

typedef int (*inline_fn)(builder *b, rp_mobj *o);

/* Expands parent_props[member][] into objects of type. */
static int expand(builder *b, rp_mobj *parent, const rp_value *container, const char *cpath,
		  const char *member, const char *type, rp_link_kind back, inline_fn each,
		  const char *fallback)
{
	const rp_value *arr = rp_value_getz(container, member);
	uint32_t i;
	int rc;

	if (!arr)
		return 0;
	if (arr->kind == RP_V_UNKNOWN) {
		rp_diag_addc(b->diag, RP_DIAG_NOTE, "model-unknown-inline", arr->span.src,
			     arr->span.off, (size_t)arr->span.off + arr->span.len,
			     "%s of '%s' cannot be known (%s); their links are unknown", member,
			     parent->name ? parent->name : "?", arr->u.reason);
		return 0;
	}
	if (arr->kind != RP_V_ARRAY)
		return 0;
	if (arr->len > RP_MODEL_MAX_INLINE) {
		rp_diag_addc(b->diag, RP_DIAG_ERROR, "model-limit", arr->span.src, arr->span.off,
			     (size_t)arr->span.off + arr->span.len,
			     "more than %u inline %s (RP_MODEL_MAX_INLINE)", RP_MODEL_MAX_INLINE,
			     member);
		return -RP_ELIMIT;
	}
	for (i = 0; i < arr->len; i++) {
		const rp_value *el = arr->u.items[i];
		const char *reason, *nm, *path;
		rp_mobj *o;

		if (!rp_value_is(el, RP_V_OBJECT))
			continue;
		nm = elem_name(b, el, parent->name, fallback, i, &reason);
		path = rp_arena_printf(b->m->arena, "%s%s%s[%u]", cpath, *cpath ? "." : "", member,
				       i);
		if (!path)
			return -RP_ENOMEM;
		o = new_obj(b, parent->res, el, type, nm, reason, path, true);
		if (!o)
			return -RP_ENOMEM;
		if ((rc = add_link(b, o, RP_LINK_PARENT, RP_LINK_RESOLVED, parent, NULL, NULL, NULL,
				   "", NULL)) < 0)
			return rc;
		if (back != RP_LINK_PARENT && (rc = add_link(b, parent, back, RP_LINK_RESOLVED, o,
							     NULL, NULL, NULL, path, NULL)) < 0)
			return rc;
		if (each && (rc = each(b, o)) < 0)
			return rc;
	}
	return 0;
}

static int expand_vmss_nic(builder *b, rp_mobj *nic)
{
	const char *t = rp_arena_printf(b->m->arena, "%s/ipConfigurations", nic->type);

	if (!t)
		return -RP_ENOMEM;
	return expand(b, nic, nic->props, nic->path, "ipConfigurations", t, RP_LINK_PARENT, NULL,
		      NULL);
}

/* A single inline object (osDisk). */
static int expand_one(builder *b, rp_mobj *parent, const rp_value *v, const char *path,
		      const char *type, const char *suffix, rp_link_kind back)
{
	const char *nm =
		parent->name ? rp_arena_printf(b->m->arena, "%s/%s", parent->name, suffix) : NULL;
	rp_mobj *o;
	int rc;

	if (!rp_value_is(v, RP_V_OBJECT))
		return 0;
	o = new_obj(b, parent->res, v, type, nm, nm ? NULL : "parent name unknown", path, true);
	if (!o)
		return -RP_ENOMEM;
	if ((rc = add_link(b, o, RP_LINK_PARENT, RP_LINK_RESOLVED, parent, NULL, NULL, NULL, "",
			   NULL)) < 0)
		return rc;
	return add_link(b, parent, back, RP_LINK_RESOLVED, o, NULL, NULL, NULL, path, NULL);
}

static int expand_vm(builder *b, rp_mobj *vm)
{
	bool ss = vm->kind == RP_MK_VMSS;
	const char *base = ss ? "properties.virtualMachineProfile" : "properties";
	const rp_value *prof = rp_model_vm_profile(vm);
	const rp_value *sp = rp_value_getz(prof, "storageProfile");
	const rp_value *np = rp_value_getz(prof, "networkProfile");
	const rp_value *ep = rp_value_getz(prof, "extensionProfile");
	const char *tbase = ss ? "Microsoft.Compute/virtualMachineScaleSets"
			       : "Microsoft.Compute/virtualMachines";
	rp_arena *a = b->m->arena;
	const char *p, *t;
	int rc;

	if (!prof)
		return 0;
	p = rp_arena_printf(a, "%s.storageProfile.osDisk", base);
	t = rp_arena_printf(a, "%s/osDisk", tbase);
	if (!p || !t)
		return -RP_ENOMEM;
	if ((rc = expand_one(b, vm, rp_value_getz(sp, "osDisk"), p, t, "osDisk", RP_LINK_DISK)) < 0)
		return rc;
	p = rp_arena_printf(a, "%s.storageProfile", base);
	t = rp_arena_printf(a, "%s/dataDisks", tbase);
	if (!p || !t)
		return -RP_ENOMEM;
	if ((rc = expand(b, vm, sp, p, "dataDisks", t, RP_LINK_DISK, NULL, "dataDisk")) < 0)
		return rc;
	p = rp_arena_printf(a, "%s.networkProfile", base);
	t = rp_arena_printf(a, "%s/networkInterfaceConfigurations", tbase);
	if (!p || !t)
		return -RP_ENOMEM;
	if ((rc = expand(b, vm, np, p, "networkInterfaceConfigurations", t, RP_LINK_NIC,
			 expand_vmss_nic, NULL)) < 0)
		return rc;
	if (ss) {
		p = rp_arena_printf(a, "%s.extensionProfile", base);
		if (!p)
			return -RP_ENOMEM;
		if ((rc = expand(b, vm, ep, p, "extensions",
				 "Microsoft.Compute/virtualMachineScaleSets/extensions",
				 RP_LINK_EXTENSION, NULL, NULL)) < 0)
			return rc;
	}
	return 0;
}

static int expand_resource(builder *b, rp_mobj *o)
{
	int rc = 0;

	switch (o->kind) {
	case RP_MK_VM:
	case RP_MK_VMSS: return expand_vm(b, o);
	case RP_MK_VNET:
		if ((rc = expand(b, o, o->props, "properties", "subnets",
				 "Microsoft.Network/virtualNetworks/subnets", RP_LINK_PARENT, NULL,
				 NULL)) < 0)
			return rc;
		return expand(b, o, o->props, "properties", "virtualNetworkPeerings",
			      "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
			      RP_LINK_PARENT, NULL, NULL);
	case RP_MK_NSG:
		return expand(b, o, o->props, "properties", "securityRules",
			      "Microsoft.Network/networkSecurityGroups/securityRules",
			      RP_LINK_PARENT, NULL, NULL);
	case RP_MK_NIC:
		return expand(b, o, o->props, "properties", "ipConfigurations",
			      "Microsoft.Network/networkInterfaces/ipConfigurations",
			      RP_LINK_PARENT, NULL, NULL);
	case RP_MK_LB: {
		static const char *const members[][2] = {
			{ "frontendIPConfigurations",
			  "Microsoft.Network/loadBalancers/frontendIPConfigurations" },
			{ "backendAddressPools",
			  "Microsoft.Network/loadBalancers/backendAddressPools" },
			{ "loadBalancingRules",
			  "Microsoft.Network/loadBalancers/loadBalancingRules" },
			{ "inboundNatRules", "Microsoft.Network/loadBalancers/inboundNatRules" },
			{ "inboundNatPools", "Microsoft.Network/loadBalancers/inboundNatPools" },
		};
		size_t i;
		for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
			if ((rc = expand(b, o, o->props, "properties", members[i][0], members[i][1],
					 RP_LINK_PARENT, NULL, NULL)) < 0)
				return rc;
		return 0;
	}
	default: return 0;
	}
}

/* ---- reference links ---- */

static const char *parent_type(rp_arena *a, const char *type)
{
	const char *s = strrchr(type, '/');
	const char *first = strchr(type, '/');

	if (!s || s == first)
		return NULL; /* top-level: "Namespace/type" */
	return rp_arena_strndup(a, type, (size_t)(s - type));
}

static const char *parent_name(rp_arena *a, const char *name)
{
	const char *s = name ? strrchr(name, '/') : NULL;

	return s ? rp_arena_strndup(a, name, (size_t)(s - name)) : NULL;
}

/* Child resources declared separately: link to the parent by type/name. */
static int link_parent(builder *b, rp_mobj *o)
{
	rp_arena *a = b->m->arena;
	const char *pt, *pn, *key;
	rp_mkind pk;
	bool amb = false;
	rp_mobj *p;
	int rc;

	if (o->is_inline || !o->type || is_nested_diag_type(o->type))
		return 0;
	pt = parent_type(a, o->type);
	if (!pt)
		return 0;
	if (!o->name) {
		return add_link(b, o, RP_LINK_PARENT, RP_LINK_UNKNOWN, NULL, o->res->name, NULL,
				o->name_reason ? o->name_reason : "name unknown", "name", NULL);
	}
	pn = parent_name(a, o->name);
	key = rp_model_key_from_type_name(a, pt, pn);
	pk = kind_of_type(pt);
	p = key ? lookup(b->m, b->ix, rp_arena_printf(a, "/providers/%s", key), b->dep, &pk, 1,
			 &amb)
		: NULL;
	if (!p) {
		const char *text = rp_arena_printf(a, "%s/%s", pt, pn ? pn : "?");
		if (!text)
			return -RP_ENOMEM;
		/* Only report parents whose kind the model knows. */
		if (pk == RP_MK_OTHER)
			return 0;
		if ((rc = add_link(b, o, RP_LINK_PARENT, RP_LINK_UNRESOLVED, NULL, o->res->name,
				   text, NULL, "name", NULL)) < 0)
			return rc;
		rp_diag_addc(b->diag, RP_DIAG_NOTE, "model-unresolved-ref", o->span.src,
			     o->span.off, (size_t)o->span.off + o->span.len,
			     "parent %s of '%s' is not in the scanned input; kept as unresolved",
			     text, o->name);
		return 0;
	}
	if ((rc = add_link(b, o, RP_LINK_PARENT, RP_LINK_RESOLVED, p, o->res->name, NULL, NULL,
			   "name", NULL)) < 0)
		return rc;
	if (o->kind == RP_MK_EXTENSION && (p->kind == RP_MK_VM || p->kind == RP_MK_VMSS))
		return add_link(b, p, RP_LINK_EXTENSION, RP_LINK_RESOLVED, o, NULL, NULL, NULL, "",
				NULL);
	return 0;
}

static int link_scope(builder *b, rp_mobj *o)
{
	rp_arena *a = b->m->arena;
	const char *text = NULL;
	rp_value *sv;

	if (o->is_inline)
		return 0;
	if (o->type && is_nested_diag_type(o->type)) {
		/* type "<T>/providers/diagnosticSettings", name "<n>/Microsoft.Insights/<d>" */
		size_t tl = strlen(o->type) - strlen("/providers/diagnosticSettings");
		const char *t = rp_arena_strndup(a, o->type, tl);
		const char *pn, *mi;
		if (!t)
			return -RP_ENOMEM;
		if (!o->name)
			return add_link(b, o, RP_LINK_SCOPE, RP_LINK_UNKNOWN, NULL, o->res->name,
					NULL, o->name_reason ? o->name_reason : "name unknown",
					"name", NULL);
		mi = strstr(o->name, "/Microsoft.Insights/");
		if (!mi)
			mi = strstr(o->name, "/microsoft.insights/");
		pn = mi ? rp_arena_strndup(a, o->name, (size_t)(mi - o->name))
			: parent_name(a, o->name);
		text = rp_model_key_from_type_name(a, t, pn);
		if (!text)
			return 0;
		text = rp_arena_printf(a, "/providers/%s", text);
		if (!text)
			return -RP_ENOMEM;
		sv = rp_value_string(a, text, strlen(text),
				     o->res->name ? o->res->name->span : o->span);
		if (!sv)
			return -RP_ENOMEM;
		return link_ref(b, o, RP_LINK_SCOPE, sv, "name", NULL, 0);
	}
	if (o->kind != RP_MK_DIAG && o->kind != RP_MK_ROLE_ASSIGNMENT &&
	    o->kind != RP_MK_DCR_ASSOC && !o->res->scope)
		return 0;
	if (o->res->scope) {
		const rp_value *bs = rp_value_getz(o->body, "scope");
		sv = rp_value_string(a, o->res->scope, strlen(o->res->scope),
				     bs ? bs->span : o->span);
		if (!sv)
			return -RP_ENOMEM;
		return link_ref(b, o, RP_LINK_SCOPE, sv, "scope", NULL, 0);
	}
	{
		const rp_value *bs = rp_value_getz(o->body, "scope");
		if (bs)
			return link_ref(b, o, RP_LINK_SCOPE, bs, "scope", NULL, 0);
	}
	return 0;
}

static int link_refs(builder *b, rp_mobj *o)
{
	static const rp_mkind k_nsg[] = { RP_MK_NSG }, k_subnet[] = { RP_MK_SUBNET },
			      k_pip[] = { RP_MK_PIP }, k_asg[] = { RP_MK_ASG },
			      k_pool[] = { RP_MK_LB_POOL }, k_nat[] = { RP_MK_LB_NAT_RULE },
			      k_natp[] = { RP_MK_LB_NAT_POOL }, k_fe[] = { RP_MK_LB_FRONTEND },
			      k_vnet[] = { RP_MK_VNET }, k_nic[] = { RP_MK_NIC },
			      k_disk[] = { RP_MK_DISK }, k_des[] = { RP_MK_DES },
			      k_id[] = { RP_MK_IDENTITY },
			      k_fl[] = { RP_MK_NSG, RP_MK_VNET, RP_MK_SUBNET, RP_MK_NIC };
	const rp_value *p = o->props;
	const char *pp = o->is_inline ? rp_arena_printf(b->m->arena, "%s.properties", o->path)
				      : "properties";
	int rc = 0;

	if (!pp)
		return -RP_ENOMEM;
#define J(rel) join_path(b, pp, rel)
	switch (o->kind) {
	case RP_MK_NIC:
		rc = link_ref(b, o, RP_LINK_NSG, id_of(rp_value_getz(p, "networkSecurityGroup")),
			      J("networkSecurityGroup.id"), k_nsg, 1);
		break;
	case RP_MK_IPCONFIG:
		if ((rc = link_ref(b, o, RP_LINK_SUBNET, id_of(rp_value_getz(p, "subnet")),
				   J("subnet.id"), k_subnet, 1)) < 0)
			break;
		if ((rc = link_ref(b, o, RP_LINK_PIP, id_of(rp_value_getz(p, "publicIPAddress")),
				   J("publicIPAddress.id"), k_pip, 1)) < 0)
			break;
		if ((rc = link_id_array(b, o, RP_LINK_ASG, p, "applicationSecurityGroups", pp,
					k_asg, 1)) < 0)
			break;
		if ((rc = link_id_array(b, o, RP_LINK_LB_POOL, p, "loadBalancerBackendAddressPools",
					pp, k_pool, 1)) < 0)
			break;
		if ((rc = link_id_array(b, o, RP_LINK_LB_NAT_RULE, p, "loadBalancerInboundNatRules",
					pp, k_nat, 1)) < 0)
			break;
		rc = link_id_array(b, o, RP_LINK_LB_NAT_POOL, p, "loadBalancerInboundNatPools", pp,
				   k_natp, 1);
		break;
	case RP_MK_SUBNET:
		rc = link_ref(b, o, RP_LINK_NSG, id_of(rp_value_getz(p, "networkSecurityGroup")),
			      J("networkSecurityGroup.id"), k_nsg, 1);
		break;
	case RP_MK_PEERING:
		rc = link_ref(b, o, RP_LINK_REMOTE_VNET,
			      id_of(rp_value_getz(p, "remoteVirtualNetwork")),
			      J("remoteVirtualNetwork.id"), k_vnet, 1);
		break;
	case RP_MK_NSG_RULE:
		if ((rc = link_id_array(b, o, RP_LINK_ASG, p, "sourceApplicationSecurityGroups", pp,
					k_asg, 1)) < 0)
			break;
		rc = link_id_array(b, o, RP_LINK_ASG, p, "destinationApplicationSecurityGroups", pp,
				   k_asg, 1);
		break;
	case RP_MK_LB_FRONTEND:
		if ((rc = link_ref(b, o, RP_LINK_PIP, id_of(rp_value_getz(p, "publicIPAddress")),
				   J("publicIPAddress.id"), k_pip, 1)) < 0)
			break;
		rc = link_ref(b, o, RP_LINK_SUBNET, id_of(rp_value_getz(p, "subnet")),
			      J("subnet.id"), k_subnet, 1);
		break;
	case RP_MK_LB_RULE:
	case RP_MK_LB_NAT_RULE:
	case RP_MK_LB_NAT_POOL:
		if ((rc = link_ref(b, o, RP_LINK_LB_FRONTEND,
				   id_of(rp_value_getz(p, "frontendIPConfiguration")),
				   J("frontendIPConfiguration.id"), k_fe, 1)) < 0)
			break;
		if ((rc = link_ref(b, o, RP_LINK_LB_POOL,
				   id_of(rp_value_getz(p, "backendAddressPool")),
				   J("backendAddressPool.id"), k_pool, 1)) < 0)
			break;
		rc = link_id_array(b, o, RP_LINK_LB_POOL, p, "backendAddressPools", pp, k_pool, 1);
		break;
	case RP_MK_VM:
	case RP_MK_VMSS: {
		const rp_value *np = rp_value_getz(rp_model_vm_profile(o), "networkProfile");
		const rp_value *ident = rp_value_getz(o->body, "identity");
		const rp_value *uai = rp_value_getz(ident, "userAssignedIdentities");
		const char *npp = o->kind == RP_MK_VMSS
					  ? "properties.virtualMachineProfile.networkProfile"
					  : "properties.networkProfile";
		if ((rc = link_id_array(b, o, RP_LINK_NIC, np, "networkInterfaces", npp, k_nic,
					1)) < 0)
			break;
		if (rp_value_is(uai, RP_V_OBJECT)) {
			uint32_t i;
			for (i = 0; i < uai->len && rc == 0; i++) {
				const rp_member *mb = &uai->u.members[i];
				rp_value *kv = rp_value_string(b->m->arena, mb->key, mb->keylen,
							       mb->keyspan);
				if (!kv)
					return -RP_ENOMEM;
				rc = link_ref(b, o, RP_LINK_IDENTITY, kv,
					      "identity.userAssignedIdentities", k_id, 1);
			}
		} else if (rp_value_is(uai, RP_V_UNKNOWN)) {
			rc = add_link(b, o, RP_LINK_IDENTITY, RP_LINK_UNKNOWN, NULL, uai, NULL,
				      uai->u.reason, "identity.userAssignedIdentities", NULL);
		}
		break;
	}
	case RP_MK_DISK_SPEC: {
		const rp_value *md = rp_value_getz(o->body, "managedDisk");
		const char *mp = rp_arena_printf(b->m->arena, "%s.managedDisk", o->path);
		if (!mp)
			return -RP_ENOMEM;
		if ((rc = link_ref(b, o, RP_LINK_DISK, rp_value_getz(md, "id"),
				   join_path(b, mp, "id"), k_disk, 1)) < 0)
			break;
		if ((rc = link_ref(b, o, RP_LINK_DES, id_of(rp_value_getz(md, "diskEncryptionSet")),
				   join_path(b, mp, "diskEncryptionSet.id"), k_des, 1)) < 0)
			break;
		rc = link_ref(b, o, RP_LINK_DES,
			      id_of(rp_value_path(md, "securityProfile.diskEncryptionSet")),
			      join_path(b, mp, "securityProfile.diskEncryptionSet.id"), k_des, 1);
		break;
	}
	case RP_MK_DISK:
		rc = link_ref(b, o, RP_LINK_DES, rp_value_path(p, "encryption.diskEncryptionSetId"),
			      "properties.encryption.diskEncryptionSetId", k_des, 1);
		break;
	case RP_MK_FLOWLOG:
		rc = link_ref(b, o, RP_LINK_FLOWLOG_TARGET, rp_value_getz(p, "targetResourceId"),
			      "properties.targetResourceId", k_fl, 4);
		break;
	default: break;
	}
#undef J
	return rc;
}

/* ---- build ---- */

static int add_resource(builder *b, const rp_resource *r)
{
	const char *name = NULL, *reason = NULL;
	rp_mobj *o;

	if (rp_value_is(r->name, RP_V_STRING))
		name = r->name->u.s;
	else if (rp_value_is(r->name, RP_V_UNKNOWN))
		reason = r->name->u.reason;
	else
		reason = "resource has no name";
	o = new_obj(b, r, r->body, r->type ? r->type : "", name, reason, "", false);
	if (!o)
		return -RP_ENOMEM;
	return expand_resource(b, o);
}

int rp_model_build(const rp_deployment *const *deps, size_t ndeps, rp_model **out, rp_diag *diag)
{
	rp_model *m = NULL;
	model_index *ix = NULL;
	builder b;
	size_t d, i, nres;
	int rc = -RP_ENOMEM;

	*out = NULL;
	m = calloc(1, sizeof(*m));
	ix = calloc(1, sizeof(*ix));
	if (!m || !ix)
		goto out;
	m->arena = rp_arena_new();
	if (!m->arena)
		goto out;
	rp_map_init(&ix->by_key, false);
	rp_map_init(&ix->by_name, false);
	m->index_ = ix;
	ix = NULL;
	m->deps = deps;
	m->ndeps = ndeps;
	b.m = m;
	b.ix = m->index_;
	b.diag = diag;
	for (d = 0; d < ndeps; d++) {
		b.dep = d;
		for (i = 0; i < deps[d]->nresources; i++)
			if ((rc = add_resource(&b, &deps[d]->resources[i])) < 0)
				goto out;
	}
	/* Links: objects of deployment d resolve preferring deployment d. */
	nres = m->nobjs;
	for (i = 0; i < nres; i++) {
		rp_mobj *o = m->objs[i];
		b.dep = ((mobj_full *)o)->dep;
		if ((rc = link_parent(&b, o)) < 0 || (rc = link_scope(&b, o)) < 0 ||
		    (rc = link_refs(&b, o)) < 0)
			goto out;
	}
	/* Per-kind lists. */
	for (i = 0; i < m->nobjs; i++) {
		rp_mobj *o = m->objs[i];
		size_t cnt = m->nby_kind[o->kind];
		/* Capacity is the next power of two >= count: grow when count is 0
		 * or a power of two. */
		if ((cnt & (cnt - 1)) == 0) {
			size_t nc = cnt ? cnt * 2 : 1;
			rp_mobj **na = realloc(m->by_kind[o->kind], nc * sizeof(*na));
			if (!na) {
				rc = -RP_ENOMEM;
				goto out;
			}
			m->by_kind[o->kind] = na;
		}
		m->by_kind[o->kind][m->nby_kind[o->kind]++] = o;
	}
	*out = m;
	m = NULL;
	rc = 0;
out:
	free(ix);
	rp_model_free(m);
	return rc;
}

rp_model *rp_model_free(rp_model *m)
{
	size_t i, k;

	if (!m)
		return NULL;
	for (i = 0; i < m->nobjs; i++) {
		free(m->objs[i]->links);
		free(m->objs[i]->backlinks);
	}
	for (k = 0; k < RP_MK_COUNT_; k++)
		free(m->by_kind[k]);
	free(m->objs);
	free(m->unresolved);
	if (m->index_) {
		model_index *ix = m->index_;
		rp_map_release(&ix->by_key);
		rp_map_release(&ix->by_name);
		free(ix);
	}
	rp_arena_free(m->arena);
	free(m);
	return NULL;
}

/* ---- accessors ---- */

rp_mobj *const *rp_model_objects(const rp_model *m, rp_mkind k, size_t *n)
{
	if ((unsigned)k >= RP_MK_COUNT_) {
		*n = 0;
		return NULL;
	}
	*n = m->nby_kind[k];
	return m->by_kind[k];
}

const rp_mlink *rp_mobj_next_link(const rp_mobj *o, rp_link_kind k, size_t *it)
{
	while (*it < o->nlinks) {
		const rp_mlink *l = o->links[(*it)++];
		if (l->kind == k)
			return l;
	}
	return NULL;
}

const rp_mlink *rp_mobj_next_backlink(const rp_mobj *o, rp_link_kind k, size_t *it)
{
	while (*it < o->nbacklinks) {
		const rp_mlink *l = o->backlinks[(*it)++];
		if (l->kind == k)
			return l;
	}
	return NULL;
}

const rp_mlink *rp_mobj_link(const rp_mobj *o, rp_link_kind k)
{
	size_t it = 0;

	return rp_mobj_next_link(o, k, &it);
}

rp_mobj *rp_mobj_target(const rp_mobj *o, rp_link_kind k)
{
	size_t it = 0;
	const rp_mlink *l;

	while ((l = rp_mobj_next_link(o, k, &it)) != NULL)
		if (l->state == RP_LINK_RESOLVED)
			return l->target;
	return NULL;
}

const rp_mlink *rp_model_nsg_of(const rp_mobj *o)
{
	return o ? rp_mobj_link(o, RP_LINK_NSG) : NULL;
}

size_t rp_model_nsg_rules(const rp_mobj *nsg, const rp_mobj **out, size_t cap)
{
	size_t it = 0, n = 0;
	const rp_mlink *l;

	while ((l = rp_mobj_next_backlink(nsg, RP_LINK_PARENT, &it)) != NULL) {
		if (l->from->kind != RP_MK_NSG_RULE)
			continue;
		if (n < cap)
			out[n] = l->from;
		n++;
	}
	return n;
}

size_t rp_model_extensions(const rp_mobj *vm, const rp_mobj **out, size_t cap)
{
	size_t it = 0, n = 0;
	const rp_mlink *l;

	while ((l = rp_mobj_next_link(vm, RP_LINK_EXTENSION, &it)) != NULL) {
		if (l->state != RP_LINK_RESOLVED)
			continue;
		if (n < cap)
			out[n] = l->target;
		n++;
	}
	return n;
}

size_t rp_model_scoped(const rp_mobj *o, rp_mkind k, const rp_mobj **out, size_t cap)
{
	size_t it = 0, n = 0;
	const rp_mlink *l;

	while ((l = rp_mobj_next_backlink(o, RP_LINK_SCOPE, &it)) != NULL) {
		if (l->from->kind != k)
			continue;
		if (n < cap)
			out[n] = l->from;
		n++;
	}
	return n;
}

const rp_value *rp_model_vm_profile(const rp_mobj *vm)
{
	if (!vm)
		return NULL;
	if (vm->kind == RP_MK_VMSS)
		return rp_value_getz(vm->props, "virtualMachineProfile");
	if (vm->kind == RP_MK_VM)
		return vm->props;
	return NULL;
}

rp_os rp_model_vm_os(const rp_mobj *vm)
{
	const rp_value *prof = rp_model_vm_profile(vm);
	const rp_value *os = rp_value_getz(prof, "osProfile");
	const rp_value *v;
	static const char *const linux_pubs[] = {
		"Canonical",           "RedHat",    "Debian", "SUSE",    "OpenLogic", "Oracle",
		"MicrosoftCBLMariner", "AlmaLinux", "resf",   "kinvolk", NULL
	};
	static const char *const win_pubs[] = { "MicrosoftWindowsServer", "MicrosoftWindowsDesktop",
						"MicrosoftSQLServer", "MicrosoftVisualStudio",
						NULL };
	size_t i;

	if (rp_value_getz(os, "linuxConfiguration"))
		return RP_OS_LINUX;
	if (rp_value_getz(os, "windowsConfiguration"))
		return RP_OS_WINDOWS;
	v = rp_value_path(prof, "storageProfile.osDisk.osType");
	if (rp_value_is(v, RP_V_STRING)) {
		if (rp_value_str_ieq(v, "Linux"))
			return RP_OS_LINUX;
		if (rp_value_str_ieq(v, "Windows"))
			return RP_OS_WINDOWS;
	}
	v = rp_value_path(prof, "storageProfile.imageReference.publisher");
	if (rp_value_is(v, RP_V_STRING)) {
		for (i = 0; linux_pubs[i]; i++)
			if (rp_value_str_ieq(v, linux_pubs[i]))
				return RP_OS_LINUX;
		for (i = 0; win_pubs[i]; i++)
			if (rp_value_str_ieq(v, win_pubs[i]))
				return RP_OS_WINDOWS;
	}
	return RP_OS_UNKNOWN;
}

const char *rp_model_ext_publisher(const rp_mobj *ext)
{
	return value_str(rp_value_getz(ext ? ext->props : NULL, "publisher"));
}

const char *rp_model_ext_type(const rp_mobj *ext)
{
	return value_str(rp_value_getz(ext ? ext->props : NULL, "type"));
}
