/* functions_resource.c: ARM deployment, resource and scope functions
 * (template-functions-deployment, -resource, -scope): deployer,
 * deployment, environment, parameters, variables; extensionResourceId,
 * list*, managementGroupResourceId, pickZones, providers, reference,
 * references, resourceId, resourceInfo, subscriptionResourceId,
 * tenantResourceId; managementGroup, resourceGroup, subscription, tenant.
 *
 * Resource IDs interleave the type segments after the namespace with the
 * names: resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')
 * = /subscriptions/S/resourceGroups/G/providers/Microsoft.Network/
 *   virtualNetworks/v/subnets/s.
 * Values only known at deployment time (reference(), list*(), pickZones(),
 * providers(), tags, display names) are UNKNOWN with a reason.
 */
#include "ingest/arm/expr_internal.h"
#include "util/str.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

/* The context with every NULL field replaced by its default. */
static const rp_arm_context *ctx_of(rp_arm_fcall *c)
{
	static const rp_arm_context defaults = {
		RP_ARM_DEFAULT_SUBSCRIPTION,
		RP_ARM_DEFAULT_TENANT,
		RP_ARM_DEFAULT_RESOURCE_GROUP,
		RP_ARM_DEFAULT_LOCATION,
		RP_ARM_DEFAULT_DEPLOYMENT,
		RP_ARM_DEFAULT_MANAGEMENT_GROUP,
		"resourceGroup",
	};
	const rp_arm_context *x = c->env->ctx;
	rp_arm_context *m;

	if (!x)
		return &defaults;
	if (x->subscription_id && x->tenant_id && x->resource_group && x->location &&
	    x->deployment_name && x->management_group && x->scope)
		return x;
	m = rp_arena_alloc(c->a, sizeof(*m));
	if (!m)
		return &defaults;
	*m = *x;
#define FILL(f)    \
	if (!m->f) \
	m->f = defaults.f
	FILL(subscription_id);
	FILL(tenant_id);
	FILL(resource_group);
	FILL(location);
	FILL(deployment_name);
	FILL(management_group);
	FILL(scope);
#undef FILL
	return m;
}

static bool scope_is(rp_arm_fcall *c, const char *s)
{
	const char *sc = ctx_of(c)->scope;
	size_t n = strlen(s);

	return strlen(sc) == n && rp_str_ieq(sc, s, n);
}

/* ---- object building ---- */
typedef struct obj_b {
	rp_member mem[16];
	size_t n;
} obj_b;

static void ob_put(rp_arm_fcall *c, obj_b *o, const char *k, rp_value *v)
{
	if (o->n >= 16)
		return;
	o->mem[o->n].key = k;
	o->mem[o->n].keylen = (uint32_t)strlen(k);
	o->mem[o->n].keyspan = c->res;
	o->mem[o->n].val = v;
	o->n++;
}

static rp_value *ob_done(rp_arm_fcall *c, obj_b *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!o->mem[i].val)
			return NULL;
	return rp_value_object(c->a, o->mem, o->n, c->res);
}

static rp_value *str(rp_arm_fcall *c, const char *s)
{
	return rp_value_string(c->a, s, strlen(s), c->res);
}

static rp_value *unk(rp_arm_fcall *c, const char *why)
{
	return rp_value_unknown(c->a, c->res, "%s", why);
}

/* ---- deployment functions ---- */

RP_ARM_FN(parameters)
{
	const char *s;
	size_t n;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	if (!c->env->parameter)
		return rp_arm_fail(c, c->at, RP_EINVAL, "parameters are not available here");
	return c->env->parameter(c->env, s, n, c->at, out);
}

RP_ARM_FN(variables)
{
	const char *s;
	size_t n;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	if (!c->env->variable)
		return rp_arm_fail(c, c->at, RP_EINVAL, "variables are not available here");
	return c->env->variable(c->env, s, n, c->at, out);
}

RP_ARM_FN(deployment)
{
	obj_b o = { .n = 0 };

	if (c->env->deployment)
		return c->env->deployment(c->env, c->at, out);
	ob_put(c, &o, "name", str(c, ctx_of(c)->deployment_name));
	if (!scope_is(c, "resourceGroup"))
		ob_put(c, &o, "location", str(c, ctx_of(c)->location));
	ob_put(c, &o, "properties",
	       unk(c, "deployment().properties depends on how the template is deployed"));
	return rp_arm_ret(c, ob_done(c, &o), out);
}

RP_ARM_FN(deployer)
{
	obj_b o = { .n = 0 };

	ob_put(c, &o, "objectId", unk(c, "deployer() is the principal running the deployment"));
	ob_put(c, &o, "tenantId", str(c, ctx_of(c)->tenant_id));
	ob_put(c, &o, "userPrincipalName",
	       unk(c, "deployer() is the principal running the deployment"));
	return rp_arm_ret(c, ob_done(c, &o), out);
}

/* environment(): the AzureCloud object as the reference documents it
 * (template-functions-deployment#environment). */
static const char AZURE_CLOUD[] =
	"{\"name\":\"AzureCloud\",\"gallery\":\"https://gallery.azure.com/\","
	"\"graph\":\"https://graph.windows.net/\",\"portal\":\"https://portal.azure.com\","
	"\"graphAudience\":\"https://graph.windows.net/\","
	"\"activeDirectoryDataLake\":\"https://datalake.azure.net/\","
	"\"batch\":\"https://batch.core.windows.net/\",\"media\":\"https://rest.media.azure.net\","
	"\"sqlManagement\":\"https://management.core.windows.net:8443/\","
	"\"vmImageAliasDoc\":\"https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/"
	"arm-compute/quickstart-templates/aliases.json\","
	"\"resourceManager\":\"https://management.azure.com/\","
	"\"authentication\":{\"loginEndpoint\":\"https://login.windows.net/\","
	"\"audiences\":[\"https://management.core.windows.net/\",\"https://management.azure.com/"
	"\"],"
	"\"tenant\":\"common\",\"identityProvider\":\"AAD\"},"
	"\"suffixes\":{\"acrLoginServer\":\".azurecr.io\","
	"\"azureDatalakeAnalyticsCatalogAndJob\":\"azuredatalakeanalytics.net\","
	"\"azureDatalakeStoreFileSystem\":\"azuredatalakestore.net\","
	"\"azureFrontDoorEndpointSuffix\":\"azurefd.net\",\"keyvaultDns\":\".vault.azure.net\","
	"\"sqlServerHostname\":\".database.windows.net\",\"storage\":\"core.windows.net\"}}";

/* AZURE_CLOUD is parsed once per process (call_once; into an arena that
 * lives as long as the process, like the text itself); each call returns a
 * copy of that tree with the call's span on every value and key, as
 * parsing the text with that span would give, and the strings shared. */
static once_flag env_once = ONCE_FLAG_INIT;
static rp_arena *env_arena;
static rp_value *env_tree;

/* Frees the tree at exit, so leak checkers see every byte accounted for
 * (the arena pointer is otherwise only stored, and a compiler may drop the
 * store, which LeakSanitizer then reports as a leak). */
static void env_fini(void)
{
	env_tree = NULL;
	env_arena = rp_arena_free(env_arena);
}

static void env_init(void)
{
	rp_span none = { NULL, 0, 0 };

	env_arena = rp_arena_new();
	if (!env_arena)
		return;
	/* when registration fails the tree simply lives as long as the process */
	(void)atexit(env_fini);
	if (rp_arm_json_parse(env_arena, AZURE_CLOUD, sizeof(AZURE_CLOUD) - 1, none, &env_tree) !=
	    0)
		env_tree = NULL;
}

static rp_value *respan(rp_arena *a, const rp_value *v, rp_span sp)
{
	rp_value *r = rp_value_with(a, v, v->flags, sp);
	uint32_t i;

	if (!r)
		return NULL;
	if (v->kind == RP_V_ARRAY) {
		rp_value **items = rp_arena_alloc(a, (v->len ? v->len : 1) * sizeof(*items));
		if (!items)
			return NULL;
		for (i = 0; i < v->len; i++)
			if (!(items[i] = respan(a, v->u.items[i], sp)))
				return NULL;
		r->u.items = items;
	} else if (v->kind == RP_V_OBJECT) {
		rp_member *m = rp_arena_alloc(a, (v->len ? v->len : 1) * sizeof(*m));
		if (!m)
			return NULL;
		for (i = 0; i < v->len; i++) {
			m[i] = v->u.members[i];
			m[i].keyspan = sp;
			if (!(m[i].val = respan(a, v->u.members[i].val, sp)))
				return NULL;
		}
		r->u.members = m;
	}
	return r;
}

RP_ARM_FN(environment)
{
	call_once(&env_once, env_init);
	if (!env_tree)
		return rp_arm_json_parse(c->a, AZURE_CLOUD, sizeof(AZURE_CLOUD) - 1, c->res, out);
	*out = respan(c->a, env_tree, c->res);
	return *out ? 0 : -RP_ENOMEM;
}

/* ---- scope functions ---- */

RP_ARM_FN(subscription)
{
	const rp_arm_context *x = ctx_of(c);
	obj_b o = { .n = 0 };

	if (scope_is(c, "tenant") || scope_is(c, "managementGroup"))
		return rp_arm_fail(c, c->at, RP_EINVAL, "is not available in a %s-scope deployment",
				   x->scope);
	{
		char *id = rp_arena_printf(c->a, "/subscriptions/%s", x->subscription_id);
		ob_put(c, &o, "id",
		       id ? rp_value_string_borrow(c->a, id, strlen(id), c->res) : NULL);
	}
	ob_put(c, &o, "subscriptionId", str(c, x->subscription_id));
	ob_put(c, &o, "tenantId", str(c, x->tenant_id));
	ob_put(c, &o, "displayName",
	       unk(c, "the subscription's display name is not known offline"));
	return rp_arm_ret(c, ob_done(c, &o), out);
}

RP_ARM_FN(resourceGroup)
{
	const rp_arm_context *x = ctx_of(c);
	obj_b o = { .n = 0 }, p = { .n = 0 };
	char *id;

	if (!scope_is(c, "resourceGroup"))
		return rp_arm_fail(
			c, c->at, RP_EINVAL,
			"is only available in a resource-group deployment (this is %s scope)",
			x->scope);
	id = rp_arena_printf(c->a, "/subscriptions/%s/resourceGroups/%s", x->subscription_id,
			     x->resource_group);
	if (!id)
		return -RP_ENOMEM;
	ob_put(c, &o, "id", rp_value_string_borrow(c->a, id, strlen(id), c->res));
	ob_put(c, &o, "name", str(c, x->resource_group));
	ob_put(c, &o, "type", str(c, "Microsoft.Resources/resourceGroups"));
	ob_put(c, &o, "location", str(c, x->location));
	ob_put(c, &o, "tags", unk(c, "the resource group's tags are not known offline"));
	ob_put(c, &p, "provisioningState", str(c, "Succeeded"));
	ob_put(c, &o, "properties", ob_done(c, &p));
	return rp_arm_ret(c, ob_done(c, &o), out);
}

RP_ARM_FN(tenant)
{
	const rp_arm_context *x = ctx_of(c);
	obj_b o = { .n = 0 };
	char *id = rp_arena_printf(c->a, "/tenants/%s", x->tenant_id);

	if (!id)
		return -RP_ENOMEM;
	ob_put(c, &o, "countryCode", unk(c, "the tenant's country code is not known offline"));
	ob_put(c, &o, "displayName", unk(c, "the tenant's display name is not known offline"));
	ob_put(c, &o, "id", rp_value_string_borrow(c->a, id, strlen(id), c->res));
	ob_put(c, &o, "tenantId", str(c, x->tenant_id));
	return rp_arm_ret(c, ob_done(c, &o), out);
}

RP_ARM_FN(managementGroup)
{
	const rp_arm_context *x = ctx_of(c);
	const char *mg = x->management_group;
	size_t mn = mg ? strlen(mg) : 0;
	obj_b o = { .n = 0 };
	char *id;

	if (c->nargs > 0) {
		int rc = rp_arm_arg_str(c, 0, &mg, &mn);
		if (rc)
			return rc;
	} else if (!scope_is(c, "managementGroup")) {
		return rp_arm_fail(
			c, c->at, RP_EINVAL,
			"without a name is only available in a management-group deployment");
	}
	id = rp_arena_printf(c->a, "/providers/Microsoft.Management/managementGroups/%.*s", (int)mn,
			     mg);
	if (!id)
		return -RP_ENOMEM;
	ob_put(c, &o, "id", rp_value_string_borrow(c->a, id, strlen(id), c->res));
	ob_put(c, &o, "name", rp_value_string(c->a, mg, mn, c->res));
	ob_put(c, &o, "properties",
	       unk(c, "the management group's properties are not known offline"));
	ob_put(c, &o, "type", str(c, "Microsoft.Management/managementGroups"));
	return rp_arm_ret(c, ob_done(c, &o), out);
}

/* ---- resource IDs ---- */

/* Appends "/providers/NS/T1/N1/T2/N2..." for args [t, nargs). */
/* Appends lit, then s[0..n) up to its first NUL (as printf "%.*s"). */
static int put2(rp_buf *b, const char *lit, const char *s, size_t n)
{
	int rc = rp_buf_puts(b, lit);

	return rc ? rc : rp_buf_append(b, s, strnlen(s, n));
}

static int append_typed(rp_arm_fcall *c, rp_buf *b, size_t t)
{
	const char *type, *p, *end;
	size_t tn, i, ntypes = 0, nnames = 0;
	int rc = rp_arm_arg_str(c, t, &type, &tn);
	const char *segs[64];
	size_t seglen[64];

	if (rc)
		return rc;
	/* ARM accepts a trailing slash on the type ('Microsoft.Network/publicIPAddresses/',
	 * used by hundreds of quickstart templates) */
	while (tn > 0 && type[tn - 1] == '/')
		tn--;
	for (i = t + 1; i < c->nargs; i++) {
		const char *s;
		size_t n, k;
		/* ARM formats an integer name segment in decimal
		 * (vm-dedicated-hosts: resourceId(type, prefix, copyIndex(2))) */
		if (c->args[i]->kind == RP_V_INT) {
			char *d = rp_arena_printf(c->a, "%" PRId64, c->args[i]->u.i);
			if (!d || !(c->args[i] = rp_value_string_borrow(c->a, d, strlen(d),
									c->args[i]->span)))
				return -RP_ENOMEM;
		}
		if ((rc = rp_arm_arg_str(c, i, &s, &n)) != 0)
			return rc;
		nnames++;
		for (k = 0; k < n; k++)
			if (s[k] == '/')
				nnames++;
	}
	/* namespace/type1/type2 ... */
	p = type;
	end = type + tn;
	while (p <= end && ntypes < 64) {
		const char *q = memchr(p, '/', (size_t)(end - p));
		if (!q)
			q = end;
		segs[ntypes] = p;
		seglen[ntypes++] = (size_t)(q - p);
		p = q + 1;
	}
	if (ntypes < 2 || seglen[0] == 0)
		return rp_arm_fail(c, rp_arm_arg_span(c, t), RP_EINVAL,
				   "'%.*s' is not a fully qualified resource type "
				   "('{namespace}/{type}')",
				   (int)(tn > 80 ? 80 : tn), type);
	for (i = 1; i < ntypes; i++)
		if (seglen[i] == 0)
			return rp_arm_fail(c, rp_arm_arg_span(c, t), RP_EINVAL,
					   "the resource type '%.*s' has an empty segment",
					   (int)(tn > 80 ? 80 : tn), type);
	if (nnames != ntypes - 1)
		return rp_arm_fail(c, c->at, RP_EINVAL,
				   "the type '%.*s' needs %zu resource name segment%s, got %zu",
				   (int)(tn > 80 ? 80 : tn), type, ntypes - 1,
				   ntypes == 2 ? "" : "s", nnames);
	rc = rp_buf_puts(b, "/providers/");
	if (!rc)
		rc = rp_buf_append(b, segs[0], seglen[0]);
	{
		size_t ti = 1;
		for (i = t + 1; !rc && i < c->nargs; i++) {
			const char *s = c->args[i]->u.s;
			size_t n = c->args[i]->len, st = 0, k;
			for (k = 0; !rc && k <= n; k++) {
				if (k < n && s[k] != '/')
					continue;
				rc = rp_buf_putc(b, '/');
				if (!rc)
					rc = rp_buf_append(b, segs[ti], seglen[ti]);
				if (!rc)
					rc = rp_buf_putc(b, '/');
				if (!rc)
					rc = rp_buf_append(b, s + st, k - st);
				ti++;
				st = k + 1;
			}
		}
	}
	return rc;
}

static size_t type_index(rp_arm_fcall *c, size_t from)
{
	size_t i;

	for (i = from; i < c->nargs; i++)
		if (c->args[i]->kind == RP_V_STRING &&
		    memchr(c->args[i]->u.s, '/', c->args[i]->len))
			return i;
	return SIZE_MAX;
}

static int no_type(rp_arm_fcall *c)
{
	return rp_arm_fail(c, c->at, RP_EINVAL,
			   "no resource type argument ('{namespace}/{type}') was found");
}

/* The ID in b as the call's result; the text is interned in the run's
 * cache (the same ID is computed for a resource, each dependsOn on it and
 * each reference to it). */
static int finish_id(rp_arm_fcall *c, rp_buf *b, int rc, rp_value **out)
{
	rp_arm_expr_cache *cache = c->env ? c->env->cache : NULL;
	const char *s;

	if (rc || !cache || cache->arena != c->a) {
		if (rc) {
			rp_buf_release(b);
			return rc;
		}
		return rp_arm_ret_buf(c, b, out);
	}
	rc = rp_arm_check_size(c, b->len, false);
	if (!rc) {
		s = rp_arm_intern(cache, b->data ? b->data : "", b->len);
		rc = rp_arm_ret(c, s ? rp_value_string_borrow(c->a, s, b->len, c->res) : NULL, out);
	}
	rp_buf_release(b);
	return rc;
}

static int prefix_str(rp_arm_fcall *c, size_t i, const char **s, size_t *n)
{
	return rp_arm_arg_str(c, i, s, n);
}

RP_ARM_FN(resourceId)
{
	const rp_arm_context *x = ctx_of(c);
	size_t t = type_index(c, 0);
	const char *sub = x->subscription_id, *rg = x->resource_group;
	size_t subn = strlen(sub), rgn = strlen(rg);
	rp_buf b = RP_BUF_INIT;
	int rc = 0;

	if (t == SIZE_MAX)
		return no_type(c);
	if (t > 2)
		return rp_arm_fail(c, c->at, RP_EINVAL,
				   "at most two arguments (subscriptionId, resourceGroupName) may "
				   "precede the resource type");
	if (t == 2) {
		if ((rc = prefix_str(c, 0, &sub, &subn)) || (rc = prefix_str(c, 1, &rg, &rgn)))
			return rc;
	} else if (t == 1) {
		if ((rc = prefix_str(c, 0, &rg, &rgn)))
			return rc;
	}
	/* room for a typical ID at once (from 64 bytes the buffer would be
	 * reallocated twice) */
	if ((rc = rp_buf_reserve(&b, 256)) != 0)
		return finish_id(c, &b, rc, out);
	if (t == 0 && (scope_is(c, "tenant") || scope_is(c, "managementGroup"))) {
		if (scope_is(c, "managementGroup"))
			rc = rp_buf_printf(&b,
					   "/providers/Microsoft.Management/managementGroups/%s",
					   x->management_group);
	} else if (t == 0 && scope_is(c, "subscription")) {
		rc = put2(&b, "/subscriptions/", sub, subn);
	} else {
		rc = put2(&b, "/subscriptions/", sub, subn);
		if (!rc)
			rc = put2(&b, "/resourceGroups/", rg, rgn);
	}
	if (!rc)
		rc = append_typed(c, &b, t);
	return finish_id(c, &b, rc, out);
}

RP_ARM_FN(subscriptionResourceId)
{
	const rp_arm_context *x = ctx_of(c);
	size_t t = type_index(c, 0);
	const char *sub = x->subscription_id;
	size_t subn = strlen(sub);
	rp_buf b = RP_BUF_INIT;
	int rc = 0;

	if (t == SIZE_MAX)
		return no_type(c);
	if (t > 1)
		return rp_arm_fail(
			c, c->at, RP_EINVAL,
			"at most one argument (subscriptionId) may precede the resource type");
	if (t == 1 && (rc = prefix_str(c, 0, &sub, &subn)))
		return rc;
	rc = put2(&b, "/subscriptions/", sub, subn);
	if (!rc)
		rc = append_typed(c, &b, t);
	return finish_id(c, &b, rc, out);
}

RP_ARM_FN(tenantResourceId)
{
	rp_buf b = RP_BUF_INIT;
	size_t t = type_index(c, 0);

	if (t != 0)
		return t == SIZE_MAX ? no_type(c)
				     : rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
						   "the first argument must be the resource type");
	return finish_id(c, &b, append_typed(c, &b, 0), out);
}

RP_ARM_FN(managementGroupResourceId)
{
	const rp_arm_context *x = ctx_of(c);
	size_t t = type_index(c, 0);
	const char *mg = x->management_group;
	size_t mn = strlen(mg);
	rp_buf b = RP_BUF_INIT;
	int rc;

	if (t == SIZE_MAX)
		return no_type(c);
	if (t > 1)
		return rp_arm_fail(
			c, c->at, RP_EINVAL,
			"at most one argument (managementGroupName) may precede the type");
	if (t == 1 && (rc = prefix_str(c, 0, &mg, &mn)))
		return rc;
	rc = rp_buf_printf(&b, "/providers/Microsoft.Management/managementGroups/%.*s", (int)mn,
			   mg);
	if (!rc)
		rc = append_typed(c, &b, t);
	return finish_id(c, &b, rc, out);
}

RP_ARM_FN(extensionResourceId)
{
	const char *base;
	size_t bn;
	rp_buf b = RP_BUF_INIT;
	int rc = rp_arm_arg_str(c, 0, &base, &bn);

	if (rc)
		return rc;
	while (bn > 0 && base[bn - 1] == '/')
		bn--;
	rc = rp_buf_append(&b, base, bn);
	if (!rc)
		rc = append_typed(c, &b, 1);
	return finish_id(c, &b, rc, out);
}

/* ---- runtime-only functions ---- */

static const char *arg_text(rp_arm_fcall *c, size_t i)
{
	const rp_value *v = c->nargs > i ? c->args[i] : NULL;

	if (v && v->kind == RP_V_STRING)
		return rp_arena_printf(c->a, "'%.*s'", (int)(v->len > 200 ? 200 : v->len), v->u.s);
	return "...";
}

static int runtime_ref(rp_arm_fcall *c, const char *fname, rp_value **out)
{
	if (c->env->flags & RP_ARM_NO_REFERENCE)
		return rp_arm_fail(c, c->at, RP_EINVAL,
				   "cannot be used in variables or parameter defaults (as in ARM)");
	if (c->env->reference) {
		int rc = c->env->reference(c->env, c->args, c->nargs, c->at, out);
		if (rc != -RP_ENOTFOUND)
			return rc;
	}
	return rp_arm_ret_unknown(c, out, "%s(%s) is only known at deployment time", fname,
				  arg_text(c, 0));
}

RP_ARM_FN(reference)
{
	return runtime_ref(c, "reference", out);
}

RP_ARM_FN(references)
{
	if (c->env->flags & RP_ARM_NO_REFERENCE)
		return rp_arm_fail(c, c->at, RP_EINVAL,
				   "cannot be used in variables or parameter defaults (as in ARM)");
	return rp_arm_ret_unknown(c, out, "references(%s) is only known at deployment time",
				  arg_text(c, 0));
}

RP_ARM_FN(resourceInfo)
{
	const char *s;
	size_t n;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	if (c->env->symbolic)
		return c->env->symbolic(c->env, s, n, c->at, out);
	return rp_arm_ret_unknown(c, out, "resourceInfo('%.*s'): symbolic names are not available",
				  (int)(n > 200 ? 200 : n), s);
}

RP_ARM_FN(list)
{
	if (c->env->flags & RP_ARM_NO_REFERENCE)
		return rp_arm_fail(c, c->at, RP_EINVAL,
				   "cannot be used in variables or parameter defaults (as in ARM)");
	return rp_arm_ret_unknown(c, out, "%.*s(%s) returns values known only at deployment time",
				  (int)c->namelen, c->name, arg_text(c, 0));
}

RP_ARM_FN(pickZones)
{
	return rp_arm_ret_unknown(
		c, out, "pickZones(%s) depends on the zones available to the subscription",
		arg_text(c, 0));
}

RP_ARM_FN(providers)
{
	return rp_arm_ret_unknown(c, out, "providers(%s) is only known at deployment time",
				  arg_text(c, 0));
}
