/* params.c: ARM template parameters: declarations (type, defaultValue,
 * allowedValues, minValue/maxValue, minLength/maxLength, secure types,
 * nullable), lazy resolution with cycle detection, parameters files
 * (value / Key Vault reference) and allowedValues enumeration hooks.
 *
 * Spec: Microsoft Learn, "Parameters in ARM templates", "Create Resource
 * Manager parameter file", "Use Azure Key Vault to pass secure parameter
 * value during deployment".
 */
#include "ingest/arm/tpl_int.h"
#include "util/error.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

static bool type_is(const rp_value *t, const char *name)
{
	size_t n = strlen(name);

	return rp_value_is(t, RP_V_STRING) && t->len == n && rp_str_ieq(t->u.s, name, n);
}

int arm_params_declare(arm_frame *f, const rp_value *supplied)
{
	arm_run *run = f->run;
	rp_value *ps = rp_value_getz(f->tpl, "parameters");
	uint32_t i;
	int r;

	if (ps && ps->kind != RP_V_OBJECT)
		return arm_error(run, &ps->span, "arm-template", "'parameters' must be an object");
	for (i = 0; ps && i < ps->len; i++) {
		const rp_member *m = &ps->u.members[i];
		arm_param *p = rp_arena_calloc(run->a, 1, sizeof(*p));
		rp_value *type, *allowed;
		if (!p)
			return arm_fail(run, -RP_ENOMEM);
		if (m->val->kind != RP_V_OBJECT)
			return arm_error(run, &m->val->span, "arm-template",
					 "parameter '%s' must be declared with an object", m->key);
		p->name = m->key;
		p->decl = m->val;
		type = rp_value_getz(m->val, "type");
		p->secure = type_is(type, "securestring") || type_is(type, "secureobject");
		if (supplied)
			p->supplied = rp_value_get(supplied, m->key, m->keylen);
		allowed = rp_value_getz(m->val, "allowedValues");
		if (f->depth == 0 && !p->supplied && !rp_value_getz(m->val, "defaultValue") &&
		    rp_value_is(allowed, RP_V_ARRAY) && allowed->len > 0) {
			size_t k;
			bool found = false;
			/* allowedValues enumeration (rp_arm_evaluate_all) */
			for (k = 0; k < run->nassign; k++) {
				if (strcmp(run->assign[k].name, m->key) != 0 ||
				    run->assign[k].index >= allowed->len)
					continue;
				p->supplied = allowed->u.items[run->assign[k].index];
				found = true;
				break;
			}
			if (found) {
				rp_member *am =
					rp_arena_alloc(run->a, (run->nassumed + 1) * sizeof(*am));
				if (!am)
					return arm_fail(run, -RP_ENOMEM);
				if (run->nassumed)
					memcpy(am, run->assumed, run->nassumed * sizeof(*am));
				am[run->nassumed] = *m;
				am[run->nassumed].val = p->supplied;
				run->assumed = am;
				run->nassumed++;
			} else if (!run->assign) {
				arm_enum_param *e =
					realloc(run->enums, (run->nenums + 1) * sizeof(*e));
				if (!e)
					return arm_fail(run, -RP_ENOMEM);
				run->enums = e;
				e[run->nenums].name = strdup(m->key);
				if (!e[run->nenums].name)
					return arm_fail(run, -RP_ENOMEM);
				e[run->nenums++].nvalues = allowed->len;
			}
		}
		r = rp_map_put(&f->params, m->key, m->keylen, p, NULL);
		if (r < 0)
			return arm_fail(run, r);
	}
	/* Values for parameters the template does not declare: ARM rejects the
	 * deployment; we warn and go on. */
	for (i = 0; supplied && supplied->kind == RP_V_OBJECT && i < supplied->len; i++) {
		void *x = NULL;
		const rp_member *m = &supplied->u.members[i];
		if (!rp_map_get(&f->params, m->key, m->keylen, &x))
			arm_warn(run, &m->keyspan, "arm-extra-parameter",
				 "parameter '%s' is given a value but the template does not "
				 "declare it",
				 m->key);
	}
	return 0;
}

/* Type check and conversion of a supplied/default value against the declared
 * type.  Returns 0 with *v possibly replaced, or an error. */
static int check_type(arm_run *run, arm_param *p, rp_value **v)
{
	rp_value *t = rp_value_getz(p->decl, "type");
	rp_value *x = *v;
	bool ok = true;

	if (!t && rp_value_getz(p->decl, "$ref"))
		return 0; /* languageVersion 2.0 user-defined type: not checked */
	if (!t)
		return arm_error(run, &p->decl->span, "arm-template", "parameter '%s' has no type",
				 p->name);
	if (x->kind == RP_V_UNKNOWN)
		return 0;
	if (type_is(t, "string") || type_is(t, "securestring")) {
		ok = x->kind == RP_V_STRING;
	} else if (type_is(t, "int")) {
		ok = x->kind == RP_V_INT;
		if (x->kind == RP_V_STRING) {
			/* ARM converts "3" for an int parameter. */
			char *end = NULL;
			long long ll = strtoll(x->u.s, &end, 10);
			if (x->len && end && *end == '\0') {
				*v = rp_value_int(run->a, ll, x->span);
				return *v ? 0 : arm_fail(run, -RP_ENOMEM);
			}
		}
	} else if (type_is(t, "bool")) {
		ok = x->kind == RP_V_BOOL;
		if (x->kind == RP_V_STRING &&
		    (rp_value_str_ieq(x, "true") || rp_value_str_ieq(x, "false"))) {
			*v = rp_value_bool(run->a, rp_value_str_ieq(x, "true"), x->span);
			return *v ? 0 : arm_fail(run, -RP_ENOMEM);
		}
	} else if (type_is(t, "array")) {
		ok = x->kind == RP_V_ARRAY;
	} else if (type_is(t, "object") || type_is(t, "secureobject")) {
		ok = x->kind == RP_V_OBJECT;
	} else if (!rp_value_is(t, RP_V_STRING)) {
		return arm_error(run, &t->span, "arm-template",
				 "parameter '%s': 'type' must be a string", p->name);
	}
	if (x->kind == RP_V_NULL && rp_value_is(rp_value_getz(p->decl, "nullable"), RP_V_BOOL) &&
	    rp_value_getz(p->decl, "nullable")->u.b)
		ok = true;
	if (ok)
		return 0;
	return arm_error(run, &x->span, "arm-type",
			 "parameter '%s' is declared '%s' but its value is %s", p->name, t->u.s,
			 rp_arm_type_name(x));
}

static bool in_allowed(const rp_value *allowed, const rp_value *v)
{
	uint32_t i;

	for (i = 0; i < allowed->len; i++)
		if (rp_value_equal(allowed->u.items[i], v))
			return true;
	return false;
}

static int check_constraints(arm_run *run, arm_param *p, const rp_value *v)
{
	rp_value *allowed = rp_value_getz(p->decl, "allowedValues");
	rp_value *c;
	uint32_t i;

	if (rp_value_has_unknown(v))
		return 0;
	if (rp_value_is(allowed, RP_V_ARRAY)) {
		if (v->kind == RP_V_ARRAY && !in_allowed(allowed, v)) {
			for (i = 0; i < v->len; i++)
				if (!in_allowed(allowed, v->u.items[i]))
					return arm_error(run, &v->u.items[i]->span,
							 "arm-allowed-values",
							 "element %u of parameter '%s' is not one "
							 "of its allowedValues",
							 i, p->name);
		} else if (!in_allowed(allowed, v)) {
			return arm_error(
				run, &v->span, "arm-allowed-values",
				"the value of parameter '%s' is not one of its allowedValues",
				p->name);
		}
	}
	if (v->kind == RP_V_INT) {
		c = rp_value_getz(p->decl, "minValue");
		if (rp_value_is(c, RP_V_INT) && v->u.i < c->u.i)
			return arm_error(run, &v->span, "arm-min-value",
					 "parameter '%s' is %lld, below its minValue %lld", p->name,
					 (long long)v->u.i, (long long)c->u.i);
		c = rp_value_getz(p->decl, "maxValue");
		if (rp_value_is(c, RP_V_INT) && v->u.i > c->u.i)
			return arm_error(run, &v->span, "arm-max-value",
					 "parameter '%s' is %lld, above its maxValue %lld", p->name,
					 (long long)v->u.i, (long long)c->u.i);
	}
	if (v->kind == RP_V_STRING || v->kind == RP_V_ARRAY) {
		int64_t len =
			v->kind == RP_V_STRING
				? (int64_t)rp_utf8_count((const unsigned char *)v->u.s, v->len)
				: (int64_t)v->len;
		c = rp_value_getz(p->decl, "minLength");
		if (rp_value_is(c, RP_V_INT) && len < c->u.i)
			return arm_error(run, &v->span, "arm-min-length",
					 "parameter '%s' has length %lld, below its minLength %lld",
					 p->name, (long long)len, (long long)c->u.i);
		c = rp_value_getz(p->decl, "maxLength");
		if (rp_value_is(c, RP_V_INT) && len > c->u.i)
			return arm_error(run, &v->span, "arm-max-length",
					 "parameter '%s' has length %lld, above its maxLength %lld",
					 p->name, (long long)len, (long long)c->u.i);
	}
	return 0;
}

int arm_param_get(arm_frame *f, const char *name, size_t n, rp_span at, rp_value **out)
{
	arm_run *run = f->run;
	arm_param *p;
	void *x = NULL;
	rp_value *v = NULL, *def;
	int r = 0;

	if (!rp_map_get(&f->params, name, n, &x))
		return arm_error(run, &at, "arm-undefined-parameter",
				 "parameter '%.*s' is not defined", (int)n, name);
	p = x;
	if (p->state == ARM_DONE) {
		*out = p->value;
		return 0;
	}
	r = arm_chain_push(f, true, p->name, at);
	if (r < 0)
		return r;
	p->state = ARM_ACTIVE;
	def = rp_value_getz(p->decl, "defaultValue");
	/* ARM: a null value supplied for a parameter means "not given". */
	if (p->supplied && p->supplied->kind == RP_V_NULL)
		p->supplied = NULL;
	if (p->supplied && f->depth == 0 && p->supplied->kind == RP_V_STRING &&
	    p->supplied->len == 0 && rp_value_is(rp_value_getz(p->decl, "minLength"), RP_V_INT) &&
	    rp_value_getz(p->decl, "minLength")->u.i > 0) {
		/* A blank left in a parameters file for the user to fill in. */
		arm_warn(run, &p->supplied->span, "arm-unresolved-parameter",
			 "unresolved parameter '%s': the parameters file leaves it empty but it "
			 "needs at least %lld characters; treated as unknown",
			 p->name, (long long)rp_value_getz(p->decl, "minLength")->u.i);
		v = rp_value_unknown(run->a, p->supplied->span,
				     "parameter '%s' is left empty in the parameters file",
				     p->name);
		if (!v)
			r = arm_fail(run, -RP_ENOMEM);
	} else if (p->supplied) {
		v = p->supplied;
	} else if (def) {
		rp_arm_env env;
		arm_ectx ec;
		unsigned saved = f->ncopies;
		arm_copy saved_copies[ARM_MAX_COPY_STACK];
		memcpy(saved_copies, f->copies, sizeof(saved_copies));
		f->ncopies = 0;
		arm_env_init(&env, &ec, f, RP_ARM_IN_PARAM_DEFAULT | RP_ARM_NO_REFERENCE);
		r = arm_eval_tree_env(&env, def, false, &v);
		f->ncopies = saved;
		memcpy(f->copies, saved_copies, sizeof(saved_copies));
		if (r == 0 && v) {
			v = rp_value_with(run->a, v, v->flags | RP_VF_DEFAULT, v->span);
			if (!v)
				r = arm_fail(run, -RP_ENOMEM);
		}
	} else if (rp_value_is(rp_value_getz(p->decl, "nullable"), RP_V_BOOL) &&
		   rp_value_getz(p->decl, "nullable")->u.b) {
		v = rp_value_null(run->a, p->decl->span);
		if (!v)
			r = arm_fail(run, -RP_ENOMEM);
	} else {
		v = rp_value_unknown(run->a, p->decl->span, "parameter '%s' has no value", p->name);
		if (!v)
			r = arm_fail(run, -RP_ENOMEM);
	}
	if (r == 0)
		r = check_type(run, p, &v);
	if (r == 0)
		r = check_constraints(run, p, v);
	if (r == 0 && p->secure) {
		v = rp_value_with(run->a, v, v->flags | RP_VF_SECURE, v->span);
		if (!v)
			r = arm_fail(run, -RP_ENOMEM);
	}
	arm_chain_pop(f);
	p->state = ARM_DONE;
	if (r < 0) {
		p->value = rp_value_unknown(run->a, at, "parameter '%s' could not be evaluated",
					    p->name);
		return r;
	}
	p->value = v;
	*out = v;
	return 0;
}

/* Azure Quickstart test placeholders ("GEN-UNIQUE-8", "GEN-PASSWORD",
 * "GET-PREREQ-location"): the repository's pipeline replaces them before a
 * deployment, so they are not values (docs/arm-evaluation.md). */
static bool is_placeholder(const rp_value *v)
{
	size_t i;

	if (!rp_value_is(v, RP_V_STRING) || v->len < 5 ||
	    !(strncmp(v->u.s, "GEN-", 4) == 0 || strncmp(v->u.s, "GET-PREREQ-", 11) == 0))
		return false;
	for (i = 4; i < v->len; i++) {
		char c = v->u.s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* One entry of a parameters file / deployment "parameters" object. */
static int param_entry(arm_run *run, const rp_member *m, bool file, rp_value **out)
{
	rp_value *e = m->val, *v, *ref;

	if (!rp_value_is(e, RP_V_OBJECT))
		return arm_error(run, &e->span, "arm-parameters",
				 "parameter '%s' must be an object with 'value' or 'reference'",
				 m->key);
	v = rp_value_getz(e, "value");
	ref = rp_value_getz(e, "reference");
	if (v && file && is_placeholder(v)) {
		*out = rp_value_unknown(
			run->a, v->span,
			"parameter '%s' is the test placeholder '%s' of the parameters file",
			m->key, v->u.s);
		return *out ? 0 : arm_fail(run, -RP_ENOMEM);
	}
	if (v) {
		*out = v;
		return 0;
	}
	if (ref) {
		rp_value *kv = rp_value_getz(ref, "keyVault");
		rp_value *id = kv ? rp_value_getz(kv, "id") : NULL;
		rp_value *sn = rp_value_getz(ref, "secretName");
		const char *vault = rp_value_is(id, RP_V_STRING) ? id->u.s : "(unknown vault)";
		const char *secret = rp_value_is(sn, RP_V_STRING) ? sn->u.s : "(unknown secret)";
		*out = rp_value_unknown(run->a, ref->span,
					"Key Vault secret '%s' of vault '%s' (parameter '%s') is "
					"only known at deployment time",
					secret, vault, m->key);
		if (!*out)
			return arm_fail(run, -RP_ENOMEM);
		(*out)->flags |= RP_VF_SECURE;
		return 0;
	}
	return arm_error(run, &e->span, "arm-parameters",
			 "parameter '%s' has neither 'value' nor 'reference'", m->key);
}

static int params_object(arm_run *run, const rp_value *ps, bool file, rp_value **out)
{
	rp_member *mm;
	uint32_t i;
	int r;

	mm = rp_arena_alloc(run->a, (ps->len ? ps->len : 1) * sizeof(*mm));
	if (!mm)
		return arm_fail(run, -RP_ENOMEM);
	for (i = 0; i < ps->len; i++) {
		mm[i] = ps->u.members[i];
		r = param_entry(run, &ps->u.members[i], file, &mm[i].val);
		if (r < 0)
			return r;
	}
	*out = rp_value_object(run->a, mm, ps->len, ps->span);
	return *out ? 0 : arm_fail(run, -RP_ENOMEM);
}

static int params_root(arm_run *run, rp_value *root, rp_value **out)
{
	rp_value *ps;

	if (!rp_value_is(root, RP_V_OBJECT))
		return arm_error(run, &root->span, "arm-parameters",
				 "a parameters file must be a JSON object");
	ps = rp_value_getz(root, "parameters");
	if (!ps) {
		rp_span none = { NULL, 0, 0 };
		*out = rp_value_object(run->a, NULL, 0, none);
		return *out ? 0 : arm_fail(run, -RP_ENOMEM);
	}
	if (ps->kind != RP_V_OBJECT)
		return arm_error(run, &ps->span, "arm-parameters",
				 "'parameters' must be an object");
	return params_object(run, ps, true, out);
}

int arm_params_file(arm_run *run, const char *path, const char *display, rp_value **out)
{
	rp_value *root = NULL;
	int r = arm_load_file(run, path, display, &root, NULL);

	return r < 0 ? r : params_root(run, root, out);
}

int arm_params_fd(arm_run *run, int pathfd, const char *display, rp_value **out)
{
	rp_value *root = NULL;
	int r = arm_load_fd(run, pathfd, display, &root, NULL);

	return r < 0 ? r : params_root(run, root, out);
}

int arm_params_source(arm_run *run, rp_source *src, rp_value **out)
{
	rp_value *root = NULL;
	int r = arm_load_source(run, src, &root);

	return r < 0 ? r : params_root(run, root, out);
}

int arm_params_from_deployment(arm_run *run, const rp_value *params, rp_value **out)
{
	if (params->kind == RP_V_UNKNOWN) {
		*out = NULL;
		return 0;
	}
	if (params->kind != RP_V_OBJECT)
		return arm_error(run, &params->span, "arm-parameters",
				 "deployment 'parameters' must be an object");
	return params_object(run, params, false, out);
}

int arm_params_object(arm_frame *f, rp_value **out)
{
	rp_member *mm;
	size_t i, n = f->params.count;
	int r, rc = 0;
	rp_span none = { NULL, 0, 0 };

	mm = rp_arena_alloc(f->run->a, (n ? n : 1) * sizeof(*mm));
	if (!mm)
		return arm_fail(f->run, -RP_ENOMEM);
	for (i = 0; i < n; i++) {
		arm_param *p = f->params.entries[i].value;
		rp_value *v = NULL;
		r = arm_param_get(f, p->name, f->params.entries[i].keylen, p->decl->span, &v);
		if (r < 0) {
			if (rc == 0)
				rc = r;
			v = p->value;
		}
		mm[i].key = p->name;
		mm[i].keylen = (uint32_t)f->params.entries[i].keylen;
		mm[i].keyspan = p->decl->span;
		mm[i].val = v;
	}
	*out = rp_value_object(f->run->a, mm, n, none);
	if (!*out)
		return arm_fail(f->run, -RP_ENOMEM);
	return rc;
}
