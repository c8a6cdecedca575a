/* fixture.c: TEST-ONLY loader of literal ARM templates (no expressions)
 * into an rp_deployment, for the model unit tests, which must not depend
 * on the template evaluator.  Child resources ("resources" inside a
 * resource) are flattened to full type and name as ARM does; IDs are
 * computed as resourceId() would with subscription
 * 00000000-0000-0000-0000-000000000000 and resource group "rg".  A string
 * starting with '[' in type or name is refused (use the real evaluator). */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define FIX_SUB "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
#define FIX_MAX_DEPTH 8

static const char *sv(const rp_value *v)
{
	return rp_value_is(v, RP_V_STRING) ? v->u.s : NULL;
}

/* "Microsoft.Network/virtualNetworks/subnets" + "v/s" ->
 * "Microsoft.Network/virtualNetworks/v/subnets/s" */
static char *interleave(rp_arena *a, const char *type, const char *name)
{
	char buf[2048];
	size_t n = 0;
	const char *t = strchr(type, '/'), *nm = name;

	if (!t)
		return NULL;
	n = (size_t)snprintf(buf, sizeof(buf), "%.*s", (int)(t - type), type);
	t++;
	while (*t && *nm && n < sizeof(buf)) {
		const char *te = strchr(t, '/'), *ne = strchr(nm, '/');
		int tl = te ? (int)(te - t) : (int)strlen(t);
		int nl = ne ? (int)(ne - nm) : (int)strlen(nm);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "/%.*s/%.*s", tl, t, nl, nm);
		if (!te || !ne)
			break;
		t = te + 1;
		nm = ne + 1;
	}
	if (n >= sizeof(buf))
		return NULL;
	return rp_arena_printf(a, FIX_SUB "%s", buf);
}

static int add(rp_deployment *d, const rp_value *r, const char *ptype, const char *pname, int depth)
{
	rp_arena *a = d->arena;
	const char *type = sv(rp_value_getz(r, "type")), *name = sv(rp_value_getz(r, "name"));
	const rp_value *kids, *ex, *sc;
	rp_resource *res;
	char *ft, *fn;
	uint32_t i;
	int rc;

	if (depth > FIX_MAX_DEPTH || !type || !name || type[0] == '[' || name[0] == '[')
		return -RP_EUNSUPPORTED;
	if (ptype && !strchr(type, '/')) {
		ft = rp_arena_printf(a, "%s/%s", ptype, type);
		fn = rp_arena_printf(a, "%s/%s", pname, name);
	} else {
		ft = rp_arena_strndup(a, type, strlen(type));
		fn = rp_arena_strndup(a, name, strlen(name));
	}
	if (!ft || !fn)
		return -RP_ENOMEM;
	res = rp_deployment_add(d);
	if (!res)
		return -RP_ENOMEM;
	res->type = ft;
	res->name = rp_value_string(a, fn, strlen(fn), rp_value_getz(r, "name")->span);
	res->api_version = sv(rp_value_getz(r, "apiVersion"));
	res->location = rp_value_getz(r, "location");
	res->body = (rp_value *)r;
	res->properties = rp_value_getz(r, "properties");
	res->span = r->span;
	ex = rp_value_getz(r, "existing");
	res->existing = rp_value_is(ex, RP_V_BOOL) && ex->u.b;
	sc = rp_value_getz(r, "scope");
	res->scope = sv(sc);
	{
		char *id = interleave(a, ft, fn);
		if (res->scope && id && res->scope[0] == '/') {
			const char *p = strstr(id, "/providers/") + strlen("/providers/");
			id = rp_arena_printf(a, "%s/providers/%s", res->scope, p);
		}
		if (id)
			res->id = rp_value_string(a, id, strlen(id), r->span);
	}
	if (!res->name)
		return -RP_ENOMEM;
	kids = rp_value_getz(r, "resources");
	for (i = 0; kids && kids->kind == RP_V_ARRAY && i < kids->len; i++)
		if ((rc = add(d, kids->u.items[i], ft, fn, depth + 1)) < 0)
			return rc;
	return 0;
}

int fixture_load_literal(const char *path, rp_deployment **out, rp_diag *diag)
{
	rp_deployment *d = rp_deployment_new();
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	rp_value *root;
	const rp_value *rs;
	uint32_t i;
	int rc;

	*out = NULL;
	if (!d)
		return -RP_ENOMEM;
	if ((rc = rp_source_load(path, 0, &src, diag)) < 0)
		goto out;
	if ((rc = rp_deployment_own_source(d, src)) < 0)
		goto out;
	if ((rc = rp_json_parse(src, RP_JSON_EXTENDED, &doc, diag)) < 0)
		goto out;
	root = rp_value_from_json(d->arena, doc, rp_json_root(doc));
	rc = -RP_ENOMEM;
	if (!root)
		goto out;
	rs = rp_value_getz(root, "resources");
	rc = -RP_EUNSUPPORTED;
	if (!rp_value_is(rs, RP_V_ARRAY))
		goto out;
	for (i = 0; i < rs->len; i++)
		if ((rc = add(d, rs->u.items[i], NULL, NULL, 0)) < 0)
			goto out;
	rc = 0;
	*out = d;
	d = NULL;
out:
	rp_json_doc_free(doc);
	rp_deployment_free(d);
	return rc;
}
