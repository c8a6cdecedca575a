/* export.c: live Azure exports (ARM REST shape, PSRule's export, az CLI's
 * flattened shape; arrays and value/data envelopes) into an rp_deployment
 * (export.h).  Spec: the ARM REST resource envelope
 * (learn.microsoft.com/rest/api/resources/resources/get-by-id: id, name,
 * type, location, properties, sku, kind, identity, tags, zones, plan,
 * managedBy, extendedLocation), Azure Resource Graph result envelopes
 * ({"count", "data", "skip_token", "total_records"}), and PSRule for
 * Azure's Export-AzRuleData output (PascalCase Get-AzResource fields).
 */
#include "ingest/export/export.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/str.h"

#include <ctype.h>
#include <string.h>

typedef struct ex_ctx {
	rp_arena *a;
	rp_json_doc *doc;
	rp_deployment *dep;
	rp_diag *diag;
	rp_source *src;
	rp_map seen; /* lower-case ID -> (void *)1 */
} ex_ctx;

/* Canonical casing of the types the model reads (Resource Graph returns
 * lower case). */
static const char *const known_types[] = {
	"Microsoft.Compute/virtualMachines",
	"Microsoft.Compute/virtualMachines/extensions",
	"Microsoft.Compute/virtualMachineScaleSets",
	"Microsoft.Compute/virtualMachineScaleSets/extensions",
	"Microsoft.Compute/disks",
	"Microsoft.Compute/snapshots",
	"Microsoft.Compute/diskEncryptionSets",
	"Microsoft.Compute/availabilitySets",
	"Microsoft.Network/networkInterfaces",
	"Microsoft.Network/networkSecurityGroups",
	"Microsoft.Network/networkSecurityGroups/securityRules",
	"Microsoft.Network/applicationSecurityGroups",
	"Microsoft.Network/virtualNetworks",
	"Microsoft.Network/virtualNetworks/subnets",
	"Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
	"Microsoft.Network/publicIPAddresses",
	"Microsoft.Network/loadBalancers",
	"Microsoft.Network/loadBalancers/backendAddressPools",
	"Microsoft.Network/loadBalancers/inboundNatRules",
	"Microsoft.Network/networkWatchers",
	"Microsoft.Network/networkWatchers/flowLogs",
	"Microsoft.Network/privateEndpoints",
	"Microsoft.Network/natGateways",
	"Microsoft.Network/routeTables",
	"Microsoft.Network/bastionHosts",
	"Microsoft.Network/azureFirewalls",
	"Microsoft.Storage/storageAccounts",
	"Microsoft.KeyVault/vaults",
	"Microsoft.Insights/diagnosticSettings",
	"Microsoft.Insights/dataCollectionRules",
	"Microsoft.Insights/dataCollectionRuleAssociations",
	"Microsoft.Security/pricings",
	"Microsoft.ManagedIdentity/userAssignedIdentities",
	"Microsoft.Authorization/roleAssignments",
	"Microsoft.Maintenance/configurationAssignments",
};

const char *rp_export_canonical_type(const char *type, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++)
		if (strlen(known_types[i]) == len && rp_str_ieq(known_types[i], type, len))
			return known_types[i];
	return NULL;
}

/* Envelope members: ARM spelling, and the aliases exports use for them.
 * Everything else of a resource without `properties` is a property. */
typedef struct ex_key {
	const char *arm;
	const char *alias[3];
} ex_key;

static const ex_key envelope[] = {
	{ "id", { "ResourceId", NULL, NULL } },
	{ "name", { "ResourceName", NULL, NULL } },
	{ "type", { "ResourceType", NULL, NULL } },
	{ "apiVersion", { NULL, NULL, NULL } },
	{ "location", { NULL, NULL, NULL } },
	{ "kind", { NULL, NULL, NULL } },
	{ "sku", { NULL, NULL, NULL } },
	{ "identity", { NULL, NULL, NULL } },
	{ "plan", { NULL, NULL, NULL } },
	{ "zones", { NULL, NULL, NULL } },
	{ "tags", { NULL, NULL, NULL } },
	{ "managedBy", { "ManagedBy", NULL, NULL } },
	{ "extendedLocation", { NULL, NULL, NULL } },
	{ "properties", { NULL, NULL, NULL } },
};

/* Keys that are neither properties nor copied into the body. */
static const char *const metadata_keys[] = {
	"etag",
	"resourceGroup",
	"ResourceGroupName",
	"subscriptionId",
	"tenantId",
	"systemData",
	"resources",
	"ExtensionResourceName",
	"ExtensionResourceType",
	"ParentResource",
	"ChangedTime",
	"CreatedTime",
	"PowerState",
	"instanceView",
};

/* Inline child arrays whose elements the az CLI also flattens. */
static const char *const child_arrays[] = {
	"securityRules",
	"defaultSecurityRules",
	"subnets",
	"virtualNetworkPeerings",
	"ipConfigurations",
	"frontendIPConfigurations",
	"backendAddressPools",
	"loadBalancingRules",
	"inboundNatRules",
	"inboundNatPools",
	"probes",
	"outboundRules",
	"networkInterfaceConfigurations",
};

static bool key_is(rp_json_doc *d, uint32_t k, const char *s)
{
	const char *p;
	size_t n;

	if (rp_json_str(d, k, &p, &n) < 0)
		return false;
	return n == strlen(s) && rp_str_ieq(p, s, n);
}

/* Envelope slot of key k, or -1. */
static int envelope_slot(rp_json_doc *d, uint32_t k)
{
	size_t i, j;

	for (i = 0; i < sizeof(envelope) / sizeof(envelope[0]); i++) {
		if (key_is(d, k, envelope[i].arm))
			return (int)i;
		for (j = 0; j < 3 && envelope[i].alias[j]; j++)
			if (key_is(d, k, envelope[i].alias[j]))
				return (int)i;
	}
	return -1;
}

static bool is_metadata(rp_json_doc *d, uint32_t k)
{
	size_t i;

	for (i = 0; i < sizeof(metadata_keys) / sizeof(metadata_keys[0]); i++)
		if (key_is(d, k, metadata_keys[i]))
			return true;
	return false;
}

static bool is_child_array(rp_json_doc *d, uint32_t k)
{
	size_t i;

	for (i = 0; i < sizeof(child_arrays) / sizeof(child_arrays[0]); i++)
		if (key_is(d, k, child_arrays[i]))
			return true;
	return false;
}

static rp_span span_of(ex_ctx *c, uint32_t i)
{
	rp_span sp = { c->src, c->doc->nodes[i].off, c->doc->nodes[i].len };
	return sp;
}

static rp_value *fold_element(ex_ctx *c, uint32_t obj, unsigned depth);

/* Properties object from the members of obj that are not envelope or
 * metadata keys (flattened shape); child arrays are folded too. */
static rp_value *fold_props(ex_ctx *c, uint32_t obj, bool skip_envelope, unsigned depth)
{
	uint32_t n = rp_json_count(c->doc, obj), k, e, idx = 0;
	rp_member *m = rp_arena_calloc(c->a, (size_t)n + 1, sizeof(*m));
	rp_json_iter it;

	if (!m)
		return NULL;
	it = rp_json_iter_begin(c->doc, obj);
	while (rp_json_iter_next(c->doc, &it, &k, &e)) {
		const char *p;
		size_t pn;
		if (skip_envelope && (envelope_slot(c->doc, k) >= 0 || is_metadata(c->doc, k)))
			continue;
		if (rp_json_str(c->doc, k, &p, &pn) < 0)
			return NULL;
		/* the az CLI renames a flattened extension's properties.type */
		if (skip_envelope && key_is(c->doc, k, "typePropertiesType")) {
			p = "type";
			pn = 4;
		}
		m[idx].key = rp_arena_strndup(c->a, p, pn);
		m[idx].keylen = (uint32_t)pn;
		m[idx].keyspan = span_of(c, k);
		if (is_child_array(c->doc, k) && rp_json_is(c->doc, e, RP_JSON_ARRAY) &&
		    depth < 4) {
			uint32_t cnt = rp_json_count(c->doc, e), ck, ce, ci = 0;
			rp_value **items = rp_arena_calloc(c->a, (size_t)cnt + 1, sizeof(*items));
			rp_json_iter ct = rp_json_iter_begin(c->doc, e);
			if (!items)
				return NULL;
			while (rp_json_iter_next(c->doc, &ct, &ck, &ce)) {
				items[ci] = rp_json_is(c->doc, ce, RP_JSON_OBJECT)
						    ? fold_element(c, ce, depth + 1)
						    : rp_value_from_json(c->a, c->doc, ce);
				if (!items[ci])
					return NULL;
				ci++;
			}
			m[idx].val = rp_value_array(c->a, items, ci, span_of(c, e));
		} else {
			m[idx].val = rp_value_from_json(c->a, c->doc, e);
		}
		if (!m[idx].key || !m[idx].val)
			return NULL;
		idx++;
	}
	return rp_value_object(c->a, m, idx, span_of(c, obj));
}

/* An inline child element: as is when it has `properties`, else
 * {name, id, type, etag, properties: {the rest}}. */
static rp_value *fold_element(ex_ctx *c, uint32_t obj, unsigned depth)
{
	uint32_t props = rp_json_getz_ci(c->doc, obj, "properties"), k, e, idx = 0;
	rp_member *m;
	rp_json_iter it;

	if (props != RP_JSON_NONE)
		return rp_value_from_json(c->a, c->doc, obj);
	m = rp_arena_calloc(c->a, (size_t)rp_json_count(c->doc, obj) + 2, sizeof(*m));
	if (!m)
		return NULL;
	it = rp_json_iter_begin(c->doc, obj);
	while (rp_json_iter_next(c->doc, &it, &k, &e)) {
		const char *p;
		size_t pn;
		if (!key_is(c->doc, k, "name") && !key_is(c->doc, k, "id") &&
		    !key_is(c->doc, k, "type") && !key_is(c->doc, k, "etag"))
			continue;
		if (rp_json_str(c->doc, k, &p, &pn) < 0)
			return NULL;
		m[idx].key = rp_arena_strndup(c->a, p, pn);
		m[idx].keylen = (uint32_t)pn;
		m[idx].keyspan = span_of(c, k);
		m[idx].val = rp_value_from_json(c->a, c->doc, e);
		if (!m[idx].key || !m[idx].val)
			return NULL;
		idx++;
	}
	m[idx].key = "properties";
	m[idx].keylen = 10;
	m[idx].keyspan = span_of(c, obj);
	m[idx].val = fold_props(c, obj, true, depth);
	if (!m[idx].val)
		return NULL;
	idx++;
	return rp_value_object(c->a, m, idx, span_of(c, obj));
}

/* Type from an ID ("/providers/NS/T1/n1/T2/n2" -> "NS/T1/T2"). */
static char *type_from_id(ex_ctx *c, const char *id)
{
	const char *p = id, *last = NULL, *q;
	char *out;
	size_t n = 0;
	int seg = 0;

	while ((q = strstr(p, "/providers/")) != NULL) {
		last = q + 11;
		p = last;
	}
	if (!last)
		return NULL;
	out = rp_arena_alloc(c->a, strlen(last) + 1);
	if (!out)
		return NULL;
	p = last;
	while (*p) {
		const char *s = strchr(p, '/');
		size_t len = s ? (size_t)(s - p) : strlen(p);
		if (seg == 0 || seg % 2 == 1) {
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		seg++;
		p += len;
		if (*p == '/')
			p++;
	}
	out[n] = '\0';
	return seg >= 3 ? out : NULL;
}

/* Trimmed, canonical type. */
static const char *clean_type(ex_ctx *c, const char *t)
{
	size_t n;
	const char *canon;

	while (*t && isspace((unsigned char)*t))
		t++;
	n = strlen(t);
	while (n && isspace((unsigned char)t[n - 1]))
		n--;
	canon = rp_export_canonical_type(t, n);
	return canon ? canon : rp_arena_strndup(c->a, t, n);
}

typedef struct ex_parent {
	const char *type, *name, *id;
} ex_parent;

static int add_resource(ex_ctx *c, uint32_t obj, const ex_parent *parent, unsigned depth);

static int add_children(ex_ctx *c, uint32_t arr, const ex_parent *self, unsigned depth)
{
	uint32_t k, e;
	rp_json_iter it;
	int rc;

	if (depth >= RP_EXPORT_MAX_DEPTH) {
		rp_diag_addc(c->diag, RP_DIAG_ERROR, "export-limit", c->src, c->doc->nodes[arr].off,
			     (size_t)c->doc->nodes[arr].off + 1,
			     "inline resources nested deeper than the limit (RP_EXPORT_MAX_DEPTH)");
		return -RP_ELIMIT;
	}
	it = rp_json_iter_begin(c->doc, arr);
	while (rp_json_iter_next(c->doc, &it, &k, &e))
		if (rp_json_is(c->doc, e, RP_JSON_OBJECT) &&
		    (rc = add_resource(c, e, self, depth + 1)) < 0)
			return rc;
	return 0;
}

static int add_resource(ex_ctx *c, uint32_t obj, const ex_parent *parent, unsigned depth)
{
	uint32_t slot[sizeof(envelope) / sizeof(envelope[0])];
	uint32_t k, e, children = RP_JSON_NONE;
	rp_json_iter it;
	const char *id = NULL, *type = NULL, *name = NULL;
	rp_member m[sizeof(envelope) / sizeof(envelope[0])];
	rp_value *body, *props, *namev, *idv;
	rp_resource *r;
	ex_parent self;
	size_t i, nm = 0;
	rp_span sp = span_of(c, obj);
	int rc;

	for (i = 0; i < sizeof(slot) / sizeof(slot[0]); i++)
		slot[i] = RP_JSON_NONE;
	it = rp_json_iter_begin(c->doc, obj);
	while (rp_json_iter_next(c->doc, &it, &k, &e)) {
		int s = envelope_slot(c->doc, k);
		/* the ARM spelling wins over an alias (ResourceId vs Id) */
		if (s >= 0 && (slot[s] == RP_JSON_NONE || key_is(c->doc, k, envelope[s].arm)))
			slot[s] = e;
		if (key_is(c->doc, k, "resources") && rp_json_is(c->doc, e, RP_JSON_ARRAY))
			children = e;
	}
	if (slot[0] != RP_JSON_NONE && rp_json_is(c->doc, slot[0], RP_JSON_STRING))
		id = rp_json_strz(c->doc, slot[0]);
	if (slot[2] != RP_JSON_NONE && rp_json_is(c->doc, slot[2], RP_JSON_STRING))
		type = clean_type(c, rp_json_strz(c->doc, slot[2]));
	if ((!type || !*type) && id) {
		char *t = type_from_id(c, id);
		type = t ? clean_type(c, t) : NULL;
	}
	if (type && parent && !strchr(type, '/'))
		type = rp_arena_printf(c->a, "%s/%s", parent->type, type);
	if (!type || !*type) {
		rp_diag_addc(c->diag, RP_DIAG_WARNING, "export-no-type", c->src, sp.off,
			     (size_t)sp.off + 1, "%s: an element has no resource type; skipped",
			     c->src->name);
		return 0;
	}
	if (id && rp_str_has_prefix(id, "/"))
		name = rp_resource_id_name(c->a, id);
	if (!name && slot[1] != RP_JSON_NONE && rp_json_is(c->doc, slot[1], RP_JSON_STRING)) {
		name = rp_json_strz(c->doc, slot[1]);
		if (name && parent && parent->name && !strchr(name, '/') &&
		    strncmp(type, parent->type, strlen(parent->type)) == 0 &&
		    type[strlen(parent->type)] == '/')
			name = rp_arena_printf(c->a, "%s/%s", parent->name, name);
	}
	if (id) {
		void *hit;
		if (rp_map_get(&c->seen, id, strlen(id), &hit))
			goto kids; /* listed twice (top level and inline): keep the first */
		if (rp_map_put(&c->seen, id, strlen(id), (void *)1, NULL) < 0)
			return -RP_ENOMEM;
	}
	/* properties: as given, or folded from the flattened shape */
	if (slot[13] != RP_JSON_NONE && rp_json_is(c->doc, slot[13], RP_JSON_OBJECT))
		props = fold_props(c, slot[13], false, 0);
	else
		props = fold_props(c, obj, true, 0);
	if (!props)
		return -RP_ENOMEM;
	for (i = 0; i < sizeof(envelope) / sizeof(envelope[0]); i++) {
		rp_value *v;
		if (i == 13) {
			v = props;
		} else if (i == 1 && name) {
			v = rp_value_string(c->a, name, strlen(name),
					    span_of(c, slot[1] != RP_JSON_NONE ? slot[1] : obj));
		} else if (i == 2) {
			v = rp_value_string(c->a, type, strlen(type),
					    span_of(c, slot[2] != RP_JSON_NONE ? slot[2] : obj));
		} else if (slot[i] != RP_JSON_NONE) {
			v = rp_value_from_json(c->a, c->doc, slot[i]);
		} else {
			continue;
		}
		if (!v)
			return -RP_ENOMEM;
		m[nm].key = envelope[i].arm;
		m[nm].keylen = (uint32_t)strlen(envelope[i].arm);
		m[nm].keyspan = v->span;
		m[nm].val = v;
		nm++;
	}
	body = rp_value_object(c->a, m, nm, sp);
	if (!body)
		return -RP_ENOMEM;
	if (c->dep->nresources >= RP_EXPORT_MAX_RESOURCES) {
		rp_diag_addc(c->diag, RP_DIAG_ERROR, "export-limit", c->src, sp.off,
			     (size_t)sp.off + 1,
			     "more resources than the limit (RP_EXPORT_MAX_RESOURCES)");
		return -RP_ELIMIT;
	}
	r = rp_deployment_add(c->dep);
	if (!r)
		return -RP_ENOMEM;
	r->type = type;
	namev = rp_value_getz(body, "name");
	/* a resource's name is a string: anything else is unknown, not guessed */
	if (namev && namev->kind != RP_V_STRING)
		namev = rp_value_unknown(c->a, namev->span, "the export's name is not a string");
	r->name = namev ? namev : rp_value_unknown(c->a, sp, "the export gives no name");
	idv = rp_value_getz(body, "id");
	r->id = idv && idv->kind == RP_V_STRING
			? idv
			: rp_value_unknown(c->a, sp, "the export gives no resource ID");
	if (!r->name || !r->id)
		return -RP_ENOMEM;
	{
		const rp_value *av = rp_value_getz(body, "apiVersion");
		r->api_version = av && av->kind == RP_V_STRING ? av->u.s : NULL;
	}
	r->location = rp_value_getz(body, "location");
	r->body = body;
	r->properties = rp_value_getz(body, "properties");
	r->origin = RP_ORIGIN_EXPORT;
	r->condition = RP_COND_TRUE;
	r->span = sp;
	/* extension resources: the scope is the ID before the last provider */
	if (id) {
		const char *p = id, *q, *last = NULL, *first = strstr(id, "/providers/");
		while ((q = strstr(p, "/providers/")) != NULL) {
			last = q;
			p = q + 11;
		}
		if (first && last && last != first)
			r->scope = rp_arena_strndup(c->a, id, (size_t)(last - id));
	}
kids:
	if (children == RP_JSON_NONE)
		return 0;
	self.type = type;
	self.name = name;
	self.id = id;
	rc = add_children(c, children, &self, depth);
	return rc;
}

int rp_export_load_doc(rp_json_doc *doc, rp_deployment *dep, rp_diag *diag)
{
	ex_ctx c;
	uint32_t root = 0, items = RP_JSON_NONE, k, e;
	rp_json_iter it;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	c.a = dep->arena;
	c.doc = doc;
	c.dep = dep;
	c.diag = diag;
	c.src = doc->src;
	rp_map_init(&c.seen, true);
	if (rp_json_is(doc, root, RP_JSON_ARRAY)) {
		items = root;
	} else if (rp_json_is(doc, root, RP_JSON_OBJECT)) {
		uint32_t v = rp_json_getz(doc, root, "value");
		if (!rp_json_is(doc, v, RP_JSON_ARRAY))
			v = rp_json_getz(doc, root, "data");
		if (rp_json_is(doc, v, RP_JSON_ARRAY))
			items = v;
	}
	if (items != RP_JSON_NONE) {
		it = rp_json_iter_begin(doc, items);
		while (rp_json_iter_next(doc, &it, &k, &e)) {
			if (!rp_json_is(doc, e, RP_JSON_OBJECT)) {
				rp_diag_addc(
					diag, RP_DIAG_WARNING, "export-not-object", c.src,
					doc->nodes[e].off,
					(size_t)doc->nodes[e].off + doc->nodes[e].len,
					"%s: an element of the export is not an object; skipped",
					c.src->name);
				continue;
			}
			if ((rc = add_resource(&c, e, NULL, 0)) < 0)
				goto out;
		}
	} else if (rp_json_is(doc, root, RP_JSON_OBJECT) &&
		   (rp_json_getz_ci(doc, root, "type") != RP_JSON_NONE ||
		    rp_json_getz_ci(doc, root, "ResourceType") != RP_JSON_NONE)) {
		rc = add_resource(&c, root, NULL, 0);
	} else {
		rp_diag_addc(diag, RP_DIAG_ERROR, "export-shape", c.src, 0,
			     doc->nodes[0].len ? 1 : 0,
			     "%s: not an Azure export (expected an array of resources, {\"value\": "
			     "[...]}, "
			     "{\"data\": [...]} or one resource object)",
			     c.src->name);
		rc = -RP_EPARSE;
	}
out:
	if (rc == -RP_ENOMEM)
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: out of memory", c.src->name);
	rp_map_release(&c.seen);
	return rc;
}

int rp_export_load(rp_source *src, rp_deployment *dep, rp_diag *diag)
{
	rp_json_doc *doc = NULL;
	int rc;

	rc = rp_deployment_own_source(dep, src);
	if (rc < 0)
		return rc;
	rc = rp_json_parse(src, RP_JSON_ALLOW_BOM, &doc, diag);
	if (rc < 0)
		goto out;
	rc = rp_export_load_doc(doc, dep, diag);
out:
	rp_json_doc_free(doc);
	return rc;
}
