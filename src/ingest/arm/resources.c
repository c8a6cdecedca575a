/* resources.c: the resources of an ARM template: conditions, resource copy
 * loops, child resources flattened to full type and name, dependsOn,
 * existing resources, extension resources (scope), languageVersion 2.0
 * symbolic names, and resource IDs as ARM computes them.
 *
 * Spec: Microsoft Learn, "Resource declaration in ARM templates",
 * "Conditional deployment", "Resource iteration", "Set name and type for
 * child resources", "Extension resource types", "resourceId" (template
 * functions, resource), "languageVersion 2.0".
 */
#include "ingest/arm/tpl_int.h"
#include "util/error.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const rp_span NOSPAN = { NULL, 0, 0 };

static bool ieq(const char *a, const char *b)
{
	size_t n = strlen(b);

	return strlen(a) == n && rp_str_ieq(a, b, n);
}

/* Number of '/'-separated segments. */
static size_t nseg(const char *s, size_t n)
{
	size_t i, k = 1;

	for (i = 0; i < n; i++)
		if (s[i] == '/')
			k++;
	return k;
}

/* The resource ID of a resource with full type `type` and full name `name`
 * (both known), at the frame's deployment scope or under `scope` (an
 * extension resource).  rg/sub: the resource's own resourceGroup /
 * subscriptionId (deployments only) or NULL. */
static rp_value *resource_id(arm_frame *f, rp_resource *r, const char *type, const rp_value *name,
			     const char *sub, const char *rg)
{
	rp_arena *a = f->run->a;
	rp_buf b = RP_BUF_INIT;
	const char *ns_end, *tp, *np;
	size_t ntype, nname;
	rp_value *v = NULL;
	const rp_arm_context *c = &f->ctx;
	bool rgscope;

	if (!name || name->kind != RP_V_STRING) {
		return rp_value_unknown(a, name ? name->span : r->span,
					"the resource ID depends on the name, which is unknown%s%s",
					name && name->kind == RP_V_UNKNOWN ? ": " : "",
					name && name->kind == RP_V_UNKNOWN ? name->u.reason : "");
	}
	ns_end = strchr(type, '/');
	if (!ns_end)
		return rp_value_unknown(a, r->span, "type '%s' has no namespace", type);
	ntype = nseg(ns_end + 1, strlen(ns_end + 1));
	nname = nseg(name->u.s, name->len);
	if (strstr(type, "/providers/"))
		return rp_value_unknown(
			a, name->span,
			"the resource ID of a legacy '/providers/' child type is not computed");
	if (ntype != nname) {
		arm_error(f->run, &name->span, "arm-name-segments",
			  "resource name '%s' has %zu segment(s) but type '%s' needs %zu",
			  name->u.s, nname, type, ntype);
		return rp_value_unknown(a, name->span, "the name does not match the type");
	}
	if (!sub)
		sub = c->subscription_id;
	rgscope = rg || (c->scope && strcmp(c->scope, "resourceGroup") == 0);
	if (!rg)
		rg = c->resource_group;
	/* room for a typical ID at once (from 64 bytes the buffer would be
	 * reallocated twice per resource); a failure shows at the end */
	(void)rp_buf_reserve(&b, 256);
	if (r->scope) {
		rp_buf_puts(&b, r->scope);
		while (b.len > 0 && b.data[b.len - 1] == '/')
			b.len--;
	} else if (!c->scope || rgscope) {
		rp_buf_puts(&b, "/subscriptions/");
		rp_buf_puts(&b, sub);
		rp_buf_puts(&b, "/resourceGroups/");
		rp_buf_puts(&b, rg);
	} else if (strcmp(c->scope, "subscription") == 0) {
		rp_buf_puts(&b, "/subscriptions/");
		rp_buf_puts(&b, sub);
		if (ieq(type, "Microsoft.Resources/resourceGroups")) {
			rp_buf_puts(&b, "/resourceGroups/");
			rp_buf_puts(&b, name->u.s);
			goto done;
		}
	} else if (strcmp(c->scope, "managementGroup") == 0) {
		rp_buf_puts(&b, "/providers/Microsoft.Management/managementGroups/");
		rp_buf_puts(&b, c->management_group);
	}
	rp_buf_puts(&b, "/providers/");
	rp_buf_append(&b, type, (size_t)(ns_end - type));
	tp = ns_end + 1;
	np = name->u.s;
	for (;;) {
		const char *te = strchr(tp, '/'), *ne = strchr(np, '/');
		size_t tl = te ? (size_t)(te - tp) : strlen(tp);
		size_t nl = ne ? (size_t)(ne - np) : strlen(np);
		rp_buf_putc(&b, '/');
		rp_buf_append(&b, tp, tl);
		rp_buf_putc(&b, '/');
		rp_buf_append(&b, np, nl);
		if (!te || !ne)
			break;
		tp = te + 1;
		np = ne + 1;
	}
done:
	/* interned: dependsOn entries and references computed the same text */
	if (b.data) {
		const char *s = f->run->exprs.arena == a
					? rp_arm_intern(&f->run->exprs, b.data, b.len)
					: rp_arena_strndup(a, b.data, b.len);
		v = s ? rp_value_string_borrow(a, s, b.len, name->span) : NULL;
	}
	rp_buf_release(&b);
	return v;
}

/* Members of raw that are not evaluated as part of the body. */
static bool skip_member(const char *k, uint32_t n)
{
	return (n == 9 && rp_str_ieq(k, "resources", 9)) || (n == 4 && rp_str_ieq(k, "copy", 4)) ||
	       (n == 9 && rp_str_ieq(k, "condition", 9));
}

/* A full type starts with a resource provider namespace ("Microsoft.Web/..."),
 * whose first segment has a dot; a child's relative type ("blobServices/
 * containers", "extensions") has none. */
static bool has_namespace(const char *type)
{
	const char *sl = strchr(type, '/');
	const char *dot = strchr(type, '.');

	return sl && dot && dot < sl;
}

typedef struct res_parent {
	const char *type; /* full type */
	rp_value *name;   /* full name */
} res_parent;

static int eval_list(arm_frame *f, const rp_value *list, const res_parent *parent);

static const char *str_or_null(const rp_value *v)
{
	return rp_value_is(v, RP_V_STRING) ? v->u.s : NULL;
}

/* Full child name: parent/child unless the child already has the segments
 * its full type needs. */
static rp_value *full_name(arm_frame *f, const res_parent *parent, const char *type, rp_value *name)
{
	rp_arena *a = f->run->a;
	char *s;

	if (!parent || !name)
		return name;
	if (name->kind == RP_V_STRING && nseg(name->u.s, name->len) == nseg(type, strlen(type)) - 1)
		return name;
	if (parent->name->kind != RP_V_STRING)
		return rp_value_unknown(a, name->span, "the parent's name is unknown: %s",
					parent->name->kind == RP_V_UNKNOWN ? parent->name->u.reason
									   : "not a string");
	if (name->kind == RP_V_UNKNOWN)
		return name;
	if (name->kind != RP_V_STRING)
		return name;
	s = rp_arena_printf(a, "%s/%s", parent->name->u.s, name->u.s);
	return s ? rp_value_string_borrow(a, s, strlen(s), name->span) : NULL;
}

static int eval_instance(arm_frame *f, const rp_value *raw, const char *sym,
			 const res_parent *parent, const char *copy_name, int64_t copy_index,
			 const char *cond_extra)
{
	arm_run *run = f->run;
	rp_arena *a = run->a;
	rp_value *cond, *tv = NULL, *nv = NULL, *t2 = NULL, *children, *body;
	rp_member *m;
	size_t nm = 0;
	uint32_t i;
	int truth = 1, r;
	const char *type, *cond_reason = cond_extra;
	rp_resource *res;
	size_t index;
	rp_arm_env env;
	arm_ectx ec;

	arm_env_init(&env, &ec, f, 0);
	if (!rp_value_is(raw, RP_V_OBJECT))
		return arm_error(run, &raw->span, "arm-template", "a resource must be an object");
	cond = rp_value_getz(raw, "condition");
	if (cond) {
		rp_value *cv = NULL;
		r = arm_eval_tree_env(&env, cond, false, &cv);
		if (r < 0)
			return r;
		if (cv->kind == RP_V_UNKNOWN) {
			truth = -1;
			cond_reason = cv->u.reason;
		} else {
			r = rp_arm_truth(&env, cv, cond->span, &truth);
			if (r < 0)
				return arm_fail(run, r);
		}
	}
	children = rp_value_getz(raw, "resources");
	if (truth == 0 && !children)
		return 0;
	tv = rp_value_getz(raw, "type");
	if (!tv)
		return arm_error(run, &raw->span, "arm-template", "a resource needs a 'type'");
	r = arm_eval_tree_env(&env, tv, false, &t2);
	if (r < 0)
		return r;
	if (t2->kind != RP_V_STRING)
		return arm_error(run, &tv->span, "arm-type",
				 "resource 'type' must be a string, not %s", rp_arm_type_name(t2));
	type = t2->u.s;
	if (parent && !has_namespace(type))
		type = rp_arena_printf(a, "%s/%s", parent->type, type);
	if (!type)
		return arm_fail(run, -RP_ENOMEM);
	if (!rp_value_getz(raw, "name"))
		return arm_error(run, &raw->span, "arm-template", "a resource needs a 'name'");
	r = arm_eval_tree_env(&env, rp_value_getz(raw, "name"), false, &nv);
	if (r < 0)
		return r;
	if (nv->kind != RP_V_STRING && nv->kind != RP_V_UNKNOWN)
		return arm_error(run, &nv->span, "arm-type",
				 "resource 'name' must be a string, not %s", rp_arm_type_name(nv));
	nv = full_name(f, parent, type, nv);
	if (!nv)
		return arm_fail(run, -RP_ENOMEM);
	if (truth != 0) {
		if (run->d->nresources >= RP_ARM_MAX_RESOURCES)
			return arm_error(run, &raw->span, "arm-limit",
					 "more than %u resources (RP_ARM_MAX_RESOURCES)",
					 RP_ARM_MAX_RESOURCES);
		m = rp_arena_alloc(a, (raw->len ? raw->len : 1) * sizeof(*m));
		if (!m)
			return arm_fail(run, -RP_ENOMEM);
		for (i = 0; i < raw->len; i++) {
			const rp_member *src = &raw->u.members[i];
			rp_value *x = NULL;
			if (skip_member(src->key, src->keylen))
				continue;
			m[nm] = *src;
			if (src->keylen == 4 && rp_str_ieq(src->key, "type", 4)) {
				x = rp_value_string_borrow(a, type, strlen(type), t2->span);
			} else if (src->keylen == 4 && rp_str_ieq(src->key, "name", 4)) {
				x = nv;
			} else if (src->keylen == 10 && rp_str_ieq(src->key, "properties", 10) &&
				   ieq(type, "Microsoft.Resources/deployments") &&
				   rp_value_is(src->val, RP_V_OBJECT)) {
				/* The nested template is evaluated in its own frame
				 * (nested.c); here everything else. */
				rp_member *pm =
					rp_arena_alloc(a, (src->val->len + 1) * sizeof(*pm));
				uint32_t j, np = 0;
				if (!pm)
					return arm_fail(run, -RP_ENOMEM);
				for (j = 0; j < src->val->len; j++) {
					const rp_member *q = &src->val->u.members[j];
					pm[np] = *q;
					if (q->keylen == 8 && rp_str_ieq(q->key, "template", 8))
						continue;
					r = arm_eval_tree_env(&env, q->val, true, &pm[np].val);
					if (r < 0)
						return r;
					np++;
				}
				x = rp_value_object_take(a, pm, np, src->val->span);
			} else {
				r = arm_eval_tree_env(&env, src->val, true, &x);
				if (r < 0)
					return r;
			}
			if (!x)
				return arm_fail(run, -RP_ENOMEM);
			m[nm++].val = x;
		}
		body = rp_value_object_take(a, m, nm, raw->span);
		if (!body)
			return arm_fail(run, -RP_ENOMEM);
		res = rp_deployment_add(run->d);
		if (!res)
			return arm_fail(run, -RP_ENOMEM);
		index = run->d->nresources - 1;
		res->type = type;
		res->name = nv;
		res->body = body;
		res->properties = rp_value_getz(body, "properties");
		res->location = rp_value_getz(body, "location");
		res->api_version = str_or_null(rp_value_getz(body, "apiVersion"));
		res->symbolic = sym;
		res->origin = RP_ORIGIN_ARM;
		res->condition = truth < 0 ? RP_COND_UNKNOWN : RP_COND_TRUE;
		res->condition_reason = truth < 0 ? cond_reason : NULL;
		if (truth > 0 && cond_extra) {
			res->condition = RP_COND_UNKNOWN;
			res->condition_reason = cond_extra;
		}
		{
			rp_value *ex = rp_value_getz(body, "existing");
			res->existing = rp_value_is(ex, RP_V_BOOL) && ex->u.b;
		}
		res->copy_index = copy_name ? copy_index : -1;
		res->copy_name = copy_name;
		res->deployment = f->depl_path;
		res->span = raw->span;
		{
			rp_value *sc = rp_value_getz(body, "scope");
			if (rp_value_is(sc, RP_V_STRING))
				res->scope = sc->u.s;
			else if (sc && sc->kind == RP_V_UNKNOWN)
				res->scope = NULL;
		}
		{
			rp_value *dep = rp_value_getz(body, "dependsOn");
			if (rp_value_is(dep, RP_V_ARRAY) && dep->len) {
				const char **ds = rp_arena_alloc(a, dep->len * sizeof(*ds));
				if (!ds)
					return arm_fail(run, -RP_ENOMEM);
				for (i = 0; i < dep->len; i++)
					if (rp_value_is(dep->u.items[i], RP_V_STRING))
						ds[res->ndepends++] = dep->u.items[i]->u.s;
				res->depends_on = ds;
			}
		}
		{
			rp_value *sc = rp_value_getz(body, "scope");
			if (sc && sc->kind == RP_V_UNKNOWN)
				res->id = rp_value_unknown(a, sc->span,
							   "the resource ID depends on its scope, "
							   "which is unknown: %s",
							   sc->u.reason);
			else
				res->id = resource_id(
					f, res, type, nv,
					ieq(type, "Microsoft.Resources/deployments")
						? str_or_null(rp_value_getz(body, "subscriptionId"))
						: NULL,
					ieq(type, "Microsoft.Resources/deployments")
						? str_or_null(rp_value_getz(body, "resourceGroup"))
						: NULL);
			if (!res->id)
				return arm_fail(run, -RP_ENOMEM);
		}
		if (sym) {
			void *old = NULL;
			/* In a copy loop the symbolic name names the collection;
			 * the first instance answers. */
			if (!rp_map_get(&f->symbols, sym, strlen(sym), &old)) {
				r = rp_map_put(&f->symbols, sym, strlen(sym), (void *)(index + 1),
					       NULL);
				if (r < 0)
					return arm_fail(run, r);
			}
		}
		if (ieq(type, "Microsoft.Resources/deployments") && !res->existing) {
			r = arm_nested_run(f, raw, &run->d->resources[index]);
			if (r < 0 && r != -RP_EPARSE && r != -RP_ELIMIT)
				return r;
		}
	}
	if (children) {
		res_parent p;
		p.type = type;
		p.name = nv;
		if (children->kind != RP_V_ARRAY)
			return arm_error(run, &children->span, "arm-template",
					 "child 'resources' must be an array");
		r = eval_list(f, children, &p);
		if (r < 0)
			return r;
	}
	return 0;
}

static int eval_one(arm_frame *f, const rp_value *raw, const char *sym, const res_parent *parent)
{
	arm_run *run = f->run;
	rp_value *copy = rp_value_is(raw, RP_V_OBJECT) ? rp_value_getz(raw, "copy") : NULL;
	rp_value *cn;
	int64_t count = 0, i;
	const char *why = NULL, *name;
	rp_arm_env env;
	arm_ectx ec;
	int r, rc = 0;

	if (!copy)
		return eval_instance(f, raw, sym, parent, NULL, -1, NULL);
	if (!rp_value_is(copy, RP_V_OBJECT))
		return arm_error(run, &copy->span, "arm-copy",
				 "a resource 'copy' must be an object");
	cn = rp_value_getz(copy, "name");
	if (!rp_value_is(cn, RP_V_STRING))
		return arm_error(run, &copy->span, "arm-copy", "a resource copy needs a 'name'");
	name = cn->u.s;
	{
		rp_value *mode = rp_value_getz(copy, "mode"),
			 *bs = rp_value_getz(copy, "batchSize");
		if (mode &&
		    !(rp_value_str_ieq(mode, "serial") || rp_value_str_ieq(mode, "parallel")))
			return arm_error(run, &mode->span, "arm-copy",
					 "copy 'mode' must be 'serial' or 'parallel'");
		if (bs && !rp_value_is(bs, RP_V_INT) && !rp_value_is(bs, RP_V_STRING))
			return arm_error(run, &bs->span, "arm-copy",
					 "copy 'batchSize' must be an integer");
	}
	arm_env_init(&env, &ec, f, 0);
	r = arm_copy_count(&env, run, copy, &count, &why);
	if (r < 0)
		return r;
	if (f->ncopies >= ARM_MAX_COPY_STACK)
		return arm_error(run, &copy->span, "arm-limit", "copy loops nested deeper than %u",
				 ARM_MAX_COPY_STACK);
	if (count < 0) {
		/* Unknown count: one instance, marked, with copyIndex() = 0. */
		const char *reason = rp_arena_printf(
			run->a, "copy '%s' count is unknown (%s); shown once, as iteration 0", name,
			why);
		if (!reason)
			return arm_fail(run, -RP_ENOMEM);
		f->copies[f->ncopies].name = name;
		f->copies[f->ncopies].index = 0;
		f->copies[f->ncopies].resource = true;
		f->ncopies++;
		r = eval_instance(f, raw, sym, parent, name, 0, reason);
		f->ncopies--;
		return r;
	}
	for (i = 0; i < count; i++) {
		f->copies[f->ncopies].name = name;
		f->copies[f->ncopies].index = i;
		f->copies[f->ncopies].resource = true;
		f->ncopies++;
		r = eval_instance(f, raw, sym, parent, name, i, NULL);
		f->ncopies--;
		if (r < 0) {
			rc = r;
			if (r == -RP_ENOMEM || r == -RP_ELIMIT)
				return r;
			break; /* one diagnostic per loop, not count of them */
		}
	}
	return rc;
}

static int eval_list(arm_frame *f, const rp_value *list, const res_parent *parent)
{
	uint32_t i;
	int r, rc = 0;

	if (list->kind == RP_V_ARRAY) {
		for (i = 0; i < list->len; i++) {
			r = eval_one(f, list->u.items[i], NULL, parent);
			if (r == -RP_ENOMEM)
				return r;
			if (r < 0 && rc == 0)
				rc = r;
		}
		return rc;
	}
	if (list->kind == RP_V_OBJECT && !parent) {
		for (i = 0; i < list->len; i++) {
			r = eval_one(f, list->u.members[i].val, list->u.members[i].key, parent);
			if (r == -RP_ENOMEM)
				return r;
			if (r < 0 && rc == 0)
				rc = r;
		}
		return rc;
	}
	return arm_error(f->run, &list->span, "arm-template", "'resources' must be an array%s",
			 f->lang2 ? " or an object" : "");
}

int arm_resources_run(arm_frame *f)
{
	rp_value *rs = rp_value_getz(f->tpl, "resources");

	if (!rs)
		return 0;
	if (rs->kind == RP_V_OBJECT && !f->lang2)
		return arm_error(f->run, &rs->span, "arm-template",
				 "'resources' is an object, which needs languageVersion 2.0");
	return eval_list(f, rs, NULL);
}

int arm_symbolic(arm_frame *f, const char *name, size_t n, rp_span at, rp_value **out)
{
	void *x = NULL;
	rp_resource *r;
	rp_member m[4];
	size_t k = 0;
	arm_frame *g;

	for (g = f; g; g = g->scope != g ? g->scope : NULL)
		if (rp_map_get(&g->symbols, name, n, &x))
			break;
	if (!x) {
		/* Declared later in the template?  ARM orders by dependencies; we
		 * evaluate in declaration order, so say it plainly. */
		rp_value *rs = rp_value_getz(f->tpl, "resources");
		if (rp_value_is(rs, RP_V_OBJECT) && rp_value_get(rs, name, n)) {
			*out = rp_value_unknown(f->run->a, at,
						"resource '%.*s' is declared after its use; its "
						"properties are not known here",
						(int)n, name);
			return *out ? 0 : arm_fail(f->run, -RP_ENOMEM);
		}
		return arm_error(f->run, &at, "arm-unknown-symbol",
				 "'%.*s' is not the symbolic name of a resource", (int)n, name);
	}
	r = &f->run->d->resources[(size_t)x - 1];
	m[k].key = "id";
	m[k].keylen = 2;
	m[k].keyspan = NOSPAN;
	m[k++].val = r->id;
	m[k].key = "name";
	m[k].keylen = 4;
	m[k].keyspan = NOSPAN;
	m[k++].val = r->name;
	m[k].key = "type";
	m[k].keylen = 4;
	m[k].keyspan = NOSPAN;
	m[k++].val = rp_value_string(f->run->a, r->type, strlen(r->type), NOSPAN);
	if (r->api_version) {
		m[k].key = "apiVersion";
		m[k].keylen = 10;
		m[k].keyspan = NOSPAN;
		m[k++].val =
			rp_value_string(f->run->a, r->api_version, strlen(r->api_version), NOSPAN);
	}
	for (size_t i = 0; i < k; i++)
		if (!m[i].val)
			return arm_fail(f->run, -RP_ENOMEM);
	*out = rp_value_object(f->run->a, m, k, at);
	return *out ? 0 : arm_fail(f->run, -RP_ENOMEM);
}
