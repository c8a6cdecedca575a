/* template.c: ARM template evaluation: loading, the expression environment
 * (parameters/variables/copyIndex/user functions/deployment() callbacks),
 * the value-tree walk with property copy loops, variables (lazy, cycle
 * detection, copy), user-defined functions, outputs, and the public entry
 * points including allowedValues enumeration.
 *
 * Spec: Microsoft Learn, "Understand the structure and syntax of ARM
 * templates", "Variables in ARM templates", "User-defined functions in ARM
 * templates", "Property iteration" / "Variable iteration", "Outputs".
 * docs/arm-evaluation.md describes what is evaluated and how.
 */
#include "ingest/arm/tpl_int.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <threads.h>
#include <unistd.h>

/* ---------------------------------------------------------------- diags */

int arm_fail(arm_run *run, int rc)
{
	if (rc < 0 && run->err == 0)
		run->err = rc;
	return rc;
}

static void vdiag(arm_run *run, rp_diag_level lvl, const rp_span *sp, const char *code,
		  const char *fmt, va_list ap)
{
	rp_source *src = sp ? sp->src : NULL;
	size_t start = sp ? sp->off : 0, end = sp ? (size_t)sp->off + sp->len : 0;

	rp_diag_vadd(run->diag, lvl, code, src, start, end, fmt, ap);
}

int arm_error(arm_run *run, const rp_span *sp, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(run, RP_DIAG_ERROR, sp, code, fmt, ap);
	va_end(ap);
	return arm_fail(run, -RP_EPARSE);
}

void arm_warn(arm_run *run, const rp_span *sp, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(run, RP_DIAG_WARNING, sp, code, fmt, ap);
	va_end(ap);
}

/* -------------------------------------------------------------- loading */

static int load_source(arm_run *run, rp_source *src, rp_value **out)
{
	rp_json_doc *doc = NULL;
	int r;

	r = rp_deployment_own_source(run->d, src);
	if (r < 0)
		return arm_fail(run, r);
	/* Values straight from the text (one pass, no tape); on an error the
	 * reader parses again and reports it exactly. */
	r = rp_value_parse(src, RP_JSON_EXTENDED, run->a, out);
	if (r == 0)
		return 0;
	if (r == -RP_ENOMEM)
		return arm_fail(run, r);
	r = rp_json_parse(src, RP_JSON_EXTENDED, &doc, run->diag);
	if (r < 0)
		return arm_fail(run, r);
	*out = rp_value_from_json(run->a, doc, rp_json_root(doc));
	rp_json_doc_free(doc);
	if (!*out)
		return arm_fail(run, -RP_ENOMEM);
	return 0;
}

/* The shared tail of arm_load_file and arm_load_fd: src read (r), named
 * display, parsed. */
static int load_named(arm_run *run, int r, rp_source *src, const char *display, rp_value **out,
		      rp_source **srcp)
{
	if (r < 0)
		return arm_fail(run, r);
	if (display && strcmp(display, src->name) != 0) {
		char *nm = strdup(display);
		if (!nm) {
			rp_source_free(src);
			return arm_fail(run, -RP_ENOMEM);
		}
		free(src->name);
		src->name = nm;
	}
	if (srcp)
		*srcp = src;
	return load_source(run, src, out);
}

int arm_load_file(arm_run *run, const char *path, const char *display, rp_value **out,
		  rp_source **srcp)
{
	rp_source *src = NULL;
	int r = rp_source_load(path, RP_ARM_MAX_TEMPLATE_SIZE, &src, run->diag);

	return load_named(run, r, src, display, out, srcp);
}

int arm_load_fd(arm_run *run, int pathfd, const char *display, rp_value **out, rp_source **srcp)
{
	rp_source *src = NULL;
	int r = rp_source_reopen(pathfd, display, RP_ARM_MAX_TEMPLATE_SIZE, &src, run->diag);

	return load_named(run, r, src, display, out, srcp);
}

int arm_load_source(arm_run *run, rp_source *src, rp_value **out)
{
	return load_source(run, src, out);
}

int arm_load_memory(arm_run *run, const char *name, const void *data, size_t size, rp_value **out,
		    rp_source **srcp)
{
	rp_source *src = NULL;
	int r;

	if (size > RP_ARM_MAX_TEMPLATE_SIZE) {
		rp_diag_add(run->diag, RP_DIAG_ERROR, NULL, 0, 0,
			    "%s: template of %zu bytes is larger than the limit of %zu bytes", name,
			    size, RP_ARM_MAX_TEMPLATE_SIZE);
		return arm_fail(run, -RP_ELIMIT);
	}
	r = rp_source_from_memory(name, data, size, &src);
	if (r < 0)
		return arm_fail(run, r);
	if (srcp)
		*srcp = src;
	return load_source(run, src, out);
}

/* The canonical path of path, as realpath(3), with fewer system calls:
 * glibc's realpath() calls readlink() on every component of the path (each
 * a path walk from the top), which dominated evaluation time on a corpus of
 * small templates.  Here: open(O_PATH) (no read, no side effect; resolves
 * the path as realpath does), then the kernel's name of that descriptor
 * (/proc/self/fd/N).  Falls back to realpath() when /proc is unavailable or
 * the name is not an absolute path. */
char *arm_realpath_open(const char *path, struct stat *st, int *pathfd)
{
	char link[64], buf[PATH_MAX];
	char *r = NULL;
	ssize_t n;
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (pathfd)
		*pathfd = -1;
	if (fd < 0)
		return NULL; /* errno from open: ENOENT, EACCES... as realpath */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf));
	if (n > 0 && (size_t)n < sizeof(buf) && buf[0] == '/' && (!st || fstat(fd, st) == 0)) {
		r = strndup(buf, (size_t)n);
		if (!r) {
			close(fd);
			errno = ENOMEM;
			return NULL;
		}
		if (pathfd)
			*pathfd = fd;
		else
			close(fd);
		return r;
	}
	close(fd);
	r = realpath(path, NULL);
	if (r && st && stat(r, st) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

char *arm_realpath_stat(const char *path, struct stat *st)
{
	return arm_realpath_open(path, st, NULL);
}

char *arm_realpath(const char *path)
{
	return arm_realpath_stat(path, NULL);
}

/* arm_realpath(root) for run_one, remembered for the last root string:
 * a scan evaluates every template of a tree with the same root, and the
 * root's real path does not change during one run.  Process-wide (scan
 * evaluates in several threads), under a mutex. */
static once_flag root_once = ONCE_FLAG_INIT;
static mtx_t root_mtx;
static char *root_in, *root_out; /* malloc'd; the last root and its real path */

static void root_init(void)
{
	mtx_init(&root_mtx, mtx_plain);
}

static char *root_realpath(const char *root)
{
	char *r = NULL, *in, *out;

	call_once(&root_once, root_init);
	mtx_lock(&root_mtx);
	if (root_in && strcmp(root_in, root) == 0)
		r = strdup(root_out);
	mtx_unlock(&root_mtx);
	if (r)
		return r;
	r = arm_realpath(root);
	if (!r)
		return NULL;
	in = strdup(root);
	out = strdup(r);
	if (!in || !out) {
		free(in);
		free(out);
		return r;
	}
	mtx_lock(&root_mtx);
	free(root_in);
	free(root_out);
	root_in = in;
	root_out = out;
	mtx_unlock(&root_mtx);
	return r;
}

/* ----------------------------------------------------- env callbacks */

static arm_func *func_find(arm_frame *f, const char *qn, size_t n)
{
	void *v = NULL;

	if (rp_map_get(&f->scope->funcs, qn, n, &v))
		return v;
	return NULL;
}

static int var_get(arm_frame *f, const char *name, size_t n, rp_span at, rp_value **out);

/* if() with an unknown condition evaluates both branches with env->diag
 * diverted (functions_logic.c): a failure there is not a template error.
 * The callbacks below therefore report through env->diag while they run,
 * and a failure under a diverted sink does not stick in run->err. */
typedef struct arm_divert {
	rp_diag *diag;
	int err;
	bool on;
} arm_divert;

static void divert_enter(arm_run *run, const rp_arm_env *env, arm_divert *dv)
{
	dv->diag = run->diag;
	dv->err = run->err;
	dv->on = env->diag != run->diag;
	run->diag = env->diag;
	if (dv->on)
		run->diverted++;
}

static int divert_leave(arm_run *run, const arm_divert *dv, int r)
{
	run->diag = dv->diag;
	if (dv->on) {
		run->diverted--;
		if (r < 0 && r != -RP_ENOMEM && r != -RP_ELIMIT)
			run->err = dv->err;
	}
	return r;
}

static int cb_parameter_in(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out)
{
	arm_ectx *ec = env->ud;

	if (ec->fn) {
		rp_value *ps = rp_value_getz(ec->fn->decl, "parameters");
		uint32_t i;
		for (i = 0; rp_value_is(ps, RP_V_ARRAY) && i < ps->len; i++) {
			rp_value *pn = rp_value_getz(ps->u.items[i], "name");
			if (rp_value_is(pn, RP_V_STRING) && pn->len == n &&
			    rp_str_ieq(pn->u.s, name, n) && i < ec->fn_nargs) {
				*out = ec->fn_args[i];
				return 0;
			}
		}
		return arm_error(ec->f->run, &at, "arm-undefined-parameter",
				 "user-defined function '%s' has no parameter '%.*s'",
				 ec->fn->qname, (int)n, name);
	}
	return arm_param_get(ec->f->scope, name, n, at, out);
}

static int cb_parameter(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out)
{
	arm_ectx *ec = env->ud;
	arm_run *run = ec->f->run;
	arm_divert dv;

	divert_enter(run, env, &dv);
	return divert_leave(run, &dv, cb_parameter_in(env, name, n, at, out));
}

static int cb_variable_in(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out)
{
	arm_ectx *ec = env->ud;

	if (ec->fn)
		return arm_error(ec->f->run, &at, "arm-function-scope",
				 "variables() cannot be used in user-defined function '%s'",
				 ec->fn->qname);
	return var_get(ec->f->scope, name, n, at, out);
}

static int cb_variable(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out)
{
	arm_ectx *ec = env->ud;
	arm_run *run = ec->f->run;
	arm_divert dv;

	divert_enter(run, env, &dv);
	return divert_leave(run, &dv, cb_variable_in(env, name, n, at, out));
}

static int cb_copy_index(rp_arm_env *env, const char *loop, size_t n, rp_span at, int64_t *out)
{
	arm_ectx *ec = env->ud;
	arm_frame *f = ec->f;
	unsigned i;

	if (ec->fn)
		return arm_error(f->run, &at, "arm-function-scope",
				 "copyIndex() cannot be used in user-defined function '%s'",
				 ec->fn->qname);
	for (i = f->ncopies; i-- > 0;) {
		const arm_copy *c = &f->copies[i];
		if (loop ? (c->name && strlen(c->name) == n && rp_str_ieq(c->name, loop, n))
			 : c->resource) {
			*out = c->index;
			return 0;
		}
	}
	if (loop)
		return arm_error(
			f->run, &at, "arm-copy-index",
			"copyIndex('%.*s'): no copy loop of that name is being evaluated here",
			(int)n, loop);
	return arm_error(f->run, &at, "arm-copy-index",
			 "copyIndex() is only allowed inside a resource copy loop");
}

static int check_output_type(arm_run *run, const char *what, const rp_value *type,
			     const rp_value *v, rp_span at)
{
	const char *t;
	bool ok = true;

	if (!rp_value_is(type, RP_V_STRING) || !v || v->kind == RP_V_UNKNOWN)
		return 0;
	t = type->u.s;
	if (rp_str_ieq(t, "string", 7) && type->len == 6)
		ok = v->kind == RP_V_STRING;
	else if (type->len == 12 && rp_str_ieq(t, "securestring", 12))
		ok = v->kind == RP_V_STRING;
	else if (type->len == 3 && rp_str_ieq(t, "int", 3))
		ok = v->kind == RP_V_INT;
	else if (type->len == 4 && rp_str_ieq(t, "bool", 4))
		ok = v->kind == RP_V_BOOL;
	else if (type->len == 5 && rp_str_ieq(t, "array", 5))
		ok = v->kind == RP_V_ARRAY;
	else if ((type->len == 6 && rp_str_ieq(t, "object", 6)) ||
		 (type->len == 12 && rp_str_ieq(t, "secureobject", 12)))
		ok = v->kind == RP_V_OBJECT;
	if (ok)
		return 0;
	return arm_error(run, &at, "arm-type", "%s is declared '%s' but the value is %s", what, t,
			 rp_arm_type_name(v));
}

static int cb_user_function_in(rp_arm_env *env, const char *ns, size_t nsn, const char *name,
			       size_t nn, rp_value **args, size_t nargs, rp_span at, rp_value **out)
{
	arm_ectx *ec = env->ud, sub;
	arm_frame *f = ec->f;
	char *qn;
	arm_func *fn;
	rp_value *ps, *outdecl, *body;
	rp_arm_env e2;
	uint32_t i;
	int r;

	qn = rp_arena_printf(f->run->a, "%.*s.%.*s", (int)nsn, ns, (int)nn, name);
	if (!qn)
		return arm_fail(f->run, -RP_ENOMEM);
	fn = func_find(f, qn, strlen(qn));
	if (!fn)
		return arm_error(f->run, &at, "arm-unknown-function",
				 "unknown user-defined function '%s'", qn);
	if (fn->state == ARM_ACTIVE)
		return arm_error(
			f->run, &at, "arm-function-cycle",
			"user-defined function '%s' calls itself (recursion is not allowed)",
			fn->qname);
	ps = rp_value_getz(fn->decl, "parameters");
	if ((ps ? (rp_value_is(ps, RP_V_ARRAY) ? ps->len : 0) : 0) != nargs)
		return arm_error(f->run, &at, "arm-arity",
				 "user-defined function '%s' takes %u argument(s), %zu given",
				 fn->qname, rp_value_is(ps, RP_V_ARRAY) ? ps->len : 0u, nargs);
	for (i = 0; rp_value_is(ps, RP_V_ARRAY) && i < ps->len; i++) {
		rp_value *pn = rp_value_getz(ps->u.items[i], "name");
		char *what =
			rp_arena_printf(f->run->a, "argument '%s' of '%s'",
					rp_value_is(pn, RP_V_STRING) ? pn->u.s : "?", fn->qname);
		if (!what)
			return arm_fail(f->run, -RP_ENOMEM);
		r = check_output_type(f->run, what, rp_value_getz(ps->u.items[i], "type"), args[i],
				      at);
		if (r < 0)
			return r;
	}
	outdecl = rp_value_getz(fn->decl, "output");
	body = outdecl ? rp_value_getz(outdecl, "value") : NULL;
	if (!body)
		return arm_error(f->run, &fn->decl->span, "arm-function",
				 "user-defined function '%s' has no output value", fn->qname);
	if (env->depth + 1 >= RP_ARM_MAX_CALL_DEPTH)
		return arm_error(f->run, &at, "arm-limit",
				 "user-defined functions nested deeper than %u calls",
				 RP_ARM_MAX_CALL_DEPTH);
	memset(&sub, 0, sizeof(sub));
	sub.f = f;
	sub.fn = fn;
	sub.fn_args = args;
	sub.fn_nargs = nargs;
	e2 = *env;
	e2.ud = &sub;
	e2.depth = env->depth + 1;
	e2.lambda = NULL;
	fn->state = ARM_ACTIVE;
	r = arm_eval_tree_env(&e2, body, true, out);
	fn->state = ARM_PENDING;
	env->work = e2.work;
	if (r < 0)
		return r;
	return check_output_type(f->run, rp_arena_printf(f->run->a, "output of '%s'", fn->qname),
				 rp_value_getz(outdecl, "type"), *out, at);
}

static int cb_user_function(rp_arm_env *env, const char *ns, size_t nsn, const char *name,
			    size_t nn, rp_value **args, size_t nargs, rp_span at, rp_value **out)
{
	arm_ectx *ec = env->ud;
	arm_run *run = ec->f->run;
	arm_divert dv;

	divert_enter(run, env, &dv);
	return divert_leave(run, &dv,
			    cb_user_function_in(env, ns, nsn, name, nn, args, nargs, at, out));
}

static int cb_deployment(rp_arm_env *env, rp_span at, rp_value **out)
{
	arm_ectx *ec = env->ud;
	arm_frame *f = ec->f;
	rp_arena *a = f->run->a;
	rp_span none = { NULL, 0, 0 };
	rp_member pm[4], dm[3], tm[2];
	size_t np = 0, nd = 0, nt = 0;
	rp_value *tv, *cv, *meta;

	(void)at;
	if (f->deployment_obj) {
		*out = f->deployment_obj;
		return 0;
	}
	cv = rp_value_getz(f->tpl, "contentVersion");
	meta = rp_value_getz(f->tpl, "metadata");
	if (cv) {
		tm[nt].key = "contentVersion";
		tm[nt].keylen = 14;
		tm[nt].keyspan = none;
		tm[nt++].val = cv;
	}
	if (meta) {
		tm[nt].key = "metadata";
		tm[nt].keylen = 8;
		tm[nt].keyspan = none;
		tm[nt++].val = meta;
	}
	tv = rp_value_object(a, tm, nt, none);
	if (!tv)
		return arm_fail(f->run, -RP_ENOMEM);
	pm[np].key = "template";
	pm[np].keylen = 8;
	pm[np].keyspan = none;
	pm[np++].val = tv;
	if (f->link_uri) {
		rp_member lm[1];
		lm[0].key = "uri";
		lm[0].keylen = 3;
		lm[0].keyspan = none;
		lm[0].val = f->link_uri;
		pm[np].key = "templateLink";
		pm[np].keylen = 12;
		pm[np].keyspan = none;
		pm[np].val = rp_value_object(a, lm, 1, none);
		if (!pm[np++].val)
			return arm_fail(f->run, -RP_ENOMEM);
	}
	pm[np].key = "mode";
	pm[np].keylen = 4;
	pm[np].keyspan = none;
	pm[np].val = rp_value_string(a, "Incremental", 11, none);
	if (!pm[np++].val)
		return arm_fail(f->run, -RP_ENOMEM);
	dm[nd].key = "name";
	dm[nd].keylen = 4;
	dm[nd].keyspan = none;
	dm[nd].val =
		rp_value_string(a, f->ctx.deployment_name, strlen(f->ctx.deployment_name), none);
	if (!dm[nd++].val)
		return arm_fail(f->run, -RP_ENOMEM);
	dm[nd].key = "properties";
	dm[nd].keylen = 10;
	dm[nd].keyspan = none;
	dm[nd].val = rp_value_object(a, pm, np, none);
	if (!dm[nd++].val)
		return arm_fail(f->run, -RP_ENOMEM);
	if (f->ctx.scope && strcmp(f->ctx.scope, "resourceGroup") != 0) {
		dm[nd].key = "location";
		dm[nd].keylen = 8;
		dm[nd].keyspan = none;
		dm[nd].val = rp_value_string(a, f->ctx.location, strlen(f->ctx.location), none);
		if (!dm[nd++].val)
			return arm_fail(f->run, -RP_ENOMEM);
	}
	f->deployment_obj = rp_value_object(a, dm, nd, none);
	if (!f->deployment_obj)
		return arm_fail(f->run, -RP_ENOMEM);
	*out = f->deployment_obj;
	return 0;
}

static int cb_symbolic(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out)
{
	arm_ectx *ec = env->ud;

	return arm_symbolic(ec->f, name, n, at, out);
}

void arm_env_init(rp_arm_env *env, arm_ectx *ec, arm_frame *f, unsigned flags)
{
	memset(env, 0, sizeof(*env));
	memset(ec, 0, sizeof(*ec));
	ec->f = f;
	env->ud = ec;
	env->arena = f->run->a;
	env->diag = f->run->diag;
	env->ctx = &f->ctx;
	env->flags = flags;
	env->parameter = cb_parameter;
	env->variable = cb_variable;
	env->copy_index = cb_copy_index;
	env->user_function = cb_user_function;
	env->deployment = cb_deployment;
	env->symbolic = f->lang2 ? cb_symbolic : NULL;
	env->cache = &f->run->exprs;
}

/* ------------------------------------------------------------ tree walk */

int arm_copy_count(rp_arm_env *env, arm_run *run, const rp_value *copy, int64_t *count,
		   const char **why)
{
	rp_value *cv = rp_value_getz(copy, "count"), *v = NULL;
	int r;

	*why = NULL;
	if (!cv)
		return arm_error(run, &copy->span, "arm-copy", "copy has no 'count'");
	r = arm_eval_tree_env(env, cv, false, &v);
	if (r < 0)
		return r;
	if (v->kind == RP_V_UNKNOWN) {
		*why = v->u.reason;
		*count = -1;
		return 0;
	}
	if (v->kind == RP_V_STRING) {
		/* ARM converts a numeric string count. */
		char *end = NULL;
		long long ll = strtoll(v->u.s, &end, 10);
		if (v->len && end && *end == '\0') {
			*count = ll;
			goto range;
		}
	}
	if (v->kind != RP_V_INT)
		return arm_error(run, &cv->span, "arm-type",
				 "copy count must be an integer, not %s", rp_arm_type_name(v));
	*count = v->u.i;
range:
	if (*count < 0)
		return arm_error(run, &cv->span, "arm-copy-count", "copy count %lld is negative",
				 (long long)*count);
	if (*count > (int64_t)RP_ARM_MAX_COPY)
		return arm_error(run, &cv->span, "arm-copy-count",
				 "copy count %lld is above Azure's limit of %u", (long long)*count,
				 RP_ARM_MAX_COPY);
	return 0;
}

static bool is_copy_array(const rp_value *v)
{
	uint32_t i;

	if (!rp_value_is(v, RP_V_ARRAY) || v->len == 0)
		return false;
	for (i = 0; i < v->len; i++) {
		rp_value *e = v->u.items[i];
		if (!rp_value_is(e, RP_V_OBJECT) || !rp_value_getz(e, "name") ||
		    !rp_value_getz(e, "input") || !rp_value_getz(e, "count"))
			return false;
	}
	return true;
}

/* Expands one property/variable copy entry into an array (or UNKNOWN). */
static int eval_copy_entry(rp_arm_env *env, const rp_value *e, const char **name, rp_value **out)
{
	arm_ectx *ec = env->ud;
	arm_frame *f = ec->f;
	arm_run *run = f->run;
	rp_value *nm = rp_value_getz(e, "name"), *input = rp_value_getz(e, "input");
	rp_value **items = NULL;
	int64_t count = 0, i;
	const char *why = NULL;
	int r;

	if (!rp_value_is(nm, RP_V_STRING) || rp_arm_is_expression(nm->u.s, nm->len))
		return arm_error(run, nm ? &nm->span : &e->span, "arm-copy",
				 "copy 'name' must be a literal string");
	*name = nm->u.s;
	r = arm_copy_count(env, run, e, &count, &why);
	if (r < 0)
		return r;
	if (count < 0) {
		*out = rp_value_unknown(run->a, e->span, "copy '%s' count is unknown: %s", nm->u.s,
					why);
		return *out ? 0 : arm_fail(run, -RP_ENOMEM);
	}
	if (f->ncopies >= ARM_MAX_COPY_STACK)
		return arm_error(run, &e->span, "arm-limit", "copy loops nested deeper than %u",
				 ARM_MAX_COPY_STACK);
	items = rp_arena_alloc(run->a, (size_t)(count ? count : 1) * sizeof(*items));
	if (!items)
		return arm_fail(run, -RP_ENOMEM);
	for (i = 0; i < count; i++) {
		f->copies[f->ncopies].name = nm->u.s;
		f->copies[f->ncopies].index = i;
		f->copies[f->ncopies].resource = false;
		f->ncopies++;
		r = arm_eval_tree_env(env, input, true, &items[i]);
		f->ncopies--;
		if (r < 0)
			return r;
	}
	*out = rp_value_array_take(run->a, items, (size_t)count, e->span);
	return *out ? 0 : arm_fail(run, -RP_ENOMEM);
}

size_t rp_arm_memory_budget(size_t template_size)
{
	size_t per = RP_ARM_MEMORY_PER_BYTE;

	if (template_size > (RP_ARM_MAX_MEMORY - RP_ARM_MEMORY_BASE) / per)
		return RP_ARM_MAX_MEMORY;
	return RP_ARM_MEMORY_BASE + per * template_size;
}

/* The member array of the evaluation of object v, holding its first
 * `done` members (unchanged), with room for property copy expansions. */
static rp_member *obj_members(rp_arena *a, const rp_value *v, bool copy_ok, uint32_t done,
			      size_t *nm)
{
	size_t cap = v->len;
	rp_member *m;
	uint32_t i;

	for (i = 0; copy_ok && i < v->len; i++)
		if (v->u.members[i].keylen == 4 && rp_value_is(v->u.members[i].val, RP_V_ARRAY) &&
		    rp_str_ieq(v->u.members[i].key, "copy", 4))
			cap += v->u.members[i].val->len;
	m = rp_arena_alloc(a, (cap ? cap : 1) * sizeof(*m));
	if (m && done)
		memcpy(m, v->u.members, done * sizeof(*m));
	*nm = done;
	return m;
}

int arm_eval_tree_env(rp_arm_env *env, const rp_value *v, bool copy_ok, rp_value **out)
{
	arm_ectx *ec = env->ud;
	arm_run *run = ec->f->run;
	rp_arena *a = run->a;
	uint32_t i;
	int r;

	if (++run->steps > RP_ARM_MAX_STEPS)
		return arm_error(run, &v->span, "arm-limit",
				 "evaluation exceeds %u steps (RP_ARM_MAX_STEPS)",
				 RP_ARM_MAX_STEPS);
	if ((run->steps & 1023u) == 0 && rp_arena_footprint(a) > run->max_memory)
		return arm_error(run, &v->span, "arm-limit",
				 "evaluation needs more than %zu MiB (RP_ARM_MEMORY_BASE + "
				 "RP_ARM_MEMORY_PER_BYTE x template size)",
				 run->max_memory >> 20);
	switch (v->kind) {
	case RP_V_STRING:
		if (v->len > 0 && v->u.s[0] == '[') {
			rp_value *res = NULL;
			r = rp_arm_eval_string(env, v->u.s, v->len, v->span, &res);
			if (r < 0)
				return arm_fail(run, r);
			if (v->flags & RP_VF_SECURE && res->kind != RP_V_UNKNOWN)
				res = rp_value_with(a, res, res->flags | RP_VF_SECURE, res->span);
			*out = res;
			return res ? 0 : arm_fail(run, -RP_ENOMEM);
		}
		*out = (rp_value *)v;
		return 0;
	case RP_V_ARRAY: {
		rp_value **items = NULL;
		for (i = 0; i < v->len; i++) {
			rp_value *x = NULL;
			r = arm_eval_tree_env(env, v->u.items[i], copy_ok, &x);
			if (r < 0)
				return r;
			if (x != v->u.items[i] && !items) {
				items = rp_arena_alloc(a, v->len * sizeof(*items));
				if (!items)
					return arm_fail(run, -RP_ENOMEM);
				memcpy(items, v->u.items, i * sizeof(*items));
			}
			if (items)
				items[i] = x;
		}
		if (!items) {
			*out = (rp_value *)v;
			return 0;
		}
		*out = rp_value_array_take(a, items, v->len, v->span);
		if (*out)
			(*out)->flags = v->flags & (uint8_t)~RP_VF_LITERAL;
		return *out ? 0 : arm_fail(run, -RP_ENOMEM);
	}
	case RP_V_OBJECT: {
		/* The members are copied from the first one that changes on:
		 * an object that evaluates to itself is returned as it is. */
		rp_member *m = NULL;
		size_t nm = 0;
		for (i = 0; i < v->len; i++) {
			const rp_member *src = &v->u.members[i];
			rp_member cur;
			bool key_changed = false;
			rp_value *x = NULL;
			if (copy_ok && src->keylen == 4 && rp_str_ieq(src->key, "copy", 4) &&
			    is_copy_array(src->val)) {
				uint32_t j;
				if (!m && !(m = obj_members(a, v, copy_ok, i, &nm)))
					return arm_fail(run, -RP_ENOMEM);
				for (j = 0; j < src->val->len; j++) {
					const char *cn = NULL;
					r = eval_copy_entry(env, src->val->u.items[j], &cn, &x);
					if (r < 0)
						return r;
					m[nm].key = cn;
					m[nm].keylen = (uint32_t)strlen(cn);
					m[nm].keyspan =
						rp_value_getz(src->val->u.items[j], "name")->span;
					m[nm++].val = x;
				}
				continue;
			}
			cur = *src;
			if (src->keylen > 0 && src->key[0] == '[' &&
			    rp_arm_is_expression(src->key, src->keylen)) {
				rp_value *k = NULL;
				r = rp_arm_eval_string(env, src->key, src->keylen, src->keyspan,
						       &k);
				if (r < 0)
					return arm_fail(run, r);
				if (k->kind == RP_V_UNKNOWN) {
					*out = rp_value_unknown(a, v->span,
								"property name is unknown: %s",
								k->u.reason);
					return *out ? 0 : arm_fail(run, -RP_ENOMEM);
				}
				if (k->kind != RP_V_STRING)
					return arm_error(
						run, &src->keyspan, "arm-type",
						"property name expression yields %s, not a string",
						rp_arm_type_name(k));
				cur.key = k->u.s;
				cur.keylen = k->len;
				key_changed = true;
			}
			r = arm_eval_tree_env(env, src->val, copy_ok, &x);
			if (r < 0)
				return r;
			cur.val = x;
			if (!m && (key_changed || x != src->val) &&
			    !(m = obj_members(a, v, copy_ok, i, &nm)))
				return arm_fail(run, -RP_ENOMEM);
			if (m)
				m[nm++] = cur;
		}
		if (!m) {
			*out = (rp_value *)v;
			return 0;
		}
		*out = rp_value_object_take(a, m, nm, v->span);
		if (*out)
			(*out)->flags = v->flags & (uint8_t)~RP_VF_LITERAL;
		return *out ? 0 : arm_fail(run, -RP_ENOMEM);
	}
	default: *out = (rp_value *)v; return 0;
	}
}

int arm_eval_tree(arm_frame *f, const rp_value *v, bool copy_ok, rp_value **out)
{
	rp_arm_env env;
	arm_ectx ec;

	arm_env_init(&env, &ec, f, 0);
	return arm_eval_tree_env(&env, v, copy_ok, out);
}

/* ------------------------------------------------------------ variables */

static void chain_put(rp_buf *b, const arm_link *l)
{
	rp_buf_puts(b, l->param ? "parameters('" : "variables('");
	rp_buf_puts(b, l->name);
	rp_buf_puts(b, "')");
}

/* "variables('a') -> variables('b') -> variables('a')" from the resolution
 * chain of f, starting at the entry equal to what (formatted only for the
 * diagnostic: resolution itself never formats). */
static const char *chain_text(arm_frame *f, const arm_link *what)
{
	rp_buf b = RP_BUF_INIT;
	unsigned i, start = 0;
	char *s;

	for (i = 0; i < f->nchain; i++)
		if (f->chain[i].param == what->param && strcmp(f->chain[i].name, what->name) == 0) {
			start = i;
			break;
		}
	for (i = start; i < f->nchain; i++) {
		chain_put(&b, &f->chain[i]);
		rp_buf_puts(&b, " -> ");
	}
	chain_put(&b, what);
	s = b.data ? rp_arena_strndup(f->run->a, b.data, b.len) : NULL;
	rp_buf_release(&b);
	return s ? s : what->name;
}

int arm_chain_push(arm_frame *f, bool param, const char *name, rp_span at)
{
	arm_link what = { name, param };
	unsigned i;

	for (i = 0; i < f->nchain; i++)
		if (f->chain[i].param == param && strcmp(f->chain[i].name, name) == 0)
			return arm_error(f->run, &at, "arm-cycle", "cyclic reference: %s",
					 chain_text(f, &what));
	if (f->nchain >= RP_ARM_MAX_VAR_DEPTH)
		return arm_error(
			f->run, &at, "arm-limit",
			"variables and parameters nested deeper than %u (RP_ARM_MAX_VAR_DEPTH)",
			RP_ARM_MAX_VAR_DEPTH);
	f->chain[f->nchain++] = what;
	return 0;
}

void arm_chain_pop(arm_frame *f)
{
	if (f->nchain)
		f->nchain--;
}

static int declare_vars(arm_frame *f)
{
	rp_value *vs = rp_value_getz(f->tpl, "variables");
	uint32_t i, j;
	int r;

	if (!vs)
		return 0;
	if (vs->kind != RP_V_OBJECT)
		return arm_error(f->run, &vs->span, "arm-template",
				 "'variables' must be an object");
	for (i = 0; i < vs->len; i++) {
		const rp_member *m = &vs->u.members[i];
		if (m->keylen == 4 && rp_str_ieq(m->key, "copy", 4) && m->val->kind == RP_V_ARRAY) {
			for (j = 0; j < m->val->len; j++) {
				rp_value *e = m->val->u.items[j], *nm = rp_value_getz(e, "name");
				arm_var *v;
				if (!rp_value_is(nm, RP_V_STRING) || !rp_value_getz(e, "count") ||
				    !rp_value_getz(e, "input"))
					return arm_error(f->run, &e->span, "arm-copy",
							 "a variable copy entry needs 'name', "
							 "'count' and 'input'");
				v = rp_arena_calloc(f->run->a, 1, sizeof(*v));
				if (!v)
					return arm_fail(f->run, -RP_ENOMEM);
				v->name = nm->u.s;
				v->copy = e;
				r = rp_map_put(&f->vars, nm->u.s, nm->len, v, NULL);
				if (r < 0)
					return arm_fail(f->run, r);
			}
			continue;
		}
		{
			arm_var *v = rp_arena_calloc(f->run->a, 1, sizeof(*v));
			if (!v)
				return arm_fail(f->run, -RP_ENOMEM);
			v->name = m->key;
			v->expr = m->val;
			r = rp_map_put(&f->vars, m->key, m->keylen, v, NULL);
			if (r < 0)
				return arm_fail(f->run, r);
		}
	}
	return 0;
}

static int var_get(arm_frame *f, const char *name, size_t n, rp_span at, rp_value **out)
{
	arm_var *v = NULL;
	void *p = NULL;
	rp_arm_env env;
	arm_ectx ec;
	unsigned saved;
	arm_copy saved_copies[ARM_MAX_COPY_STACK];
	int r;

	if (!rp_map_get(&f->vars, name, n, &p))
		return arm_error(f->run, &at, "arm-undefined-variable",
				 "variable '%.*s' is not defined", (int)n, name);
	v = p;
	if (v->state == ARM_DONE) {
		*out = v->value;
		return 0;
	}
	r = arm_chain_push(f, false, v->name, at);
	if (r < 0)
		return r;
	v->state = ARM_ACTIVE;
	/* Variables do not see the loops being evaluated; their own copy
	 * loops push onto an emptied stack, restored afterwards. */
	saved = f->ncopies;
	memcpy(saved_copies, f->copies, sizeof(saved_copies));
	f->ncopies = 0;
	arm_env_init(&env, &ec, f, RP_ARM_NO_REFERENCE);
	if (v->copy) {
		const char *cn = NULL;
		r = eval_copy_entry(&env, v->copy, &cn, &v->value);
	} else {
		r = arm_eval_tree_env(&env, v->expr, true, &v->value);
	}
	f->ncopies = saved;
	memcpy(f->copies, saved_copies, sizeof(saved_copies));
	arm_chain_pop(f);
	v->state = ARM_DONE;
	if (r < 0 && f->run->diverted) {
		/* failed inside a diverted if() branch: not cached, so a real use
		 * later evaluates (and reports) it again */
		v->state = ARM_PENDING;
		v->value = NULL;
		return r;
	}
	if (r < 0) {
		v->value = rp_value_unknown(f->run->a, at, "variable '%s' could not be evaluated",
					    v->name);
		return r;
	}
	*out = v->value;
	return 0;
}

/* ------------------------------------------------------------ functions */

static int declare_funcs(arm_frame *f)
{
	rp_value *fs = rp_value_getz(f->tpl, "functions");
	uint32_t i, j;
	int r;

	if (!fs)
		return 0;
	if (fs->kind != RP_V_ARRAY)
		return arm_error(f->run, &fs->span, "arm-template", "'functions' must be an array");
	for (i = 0; i < fs->len; i++) {
		rp_value *ns = rp_value_getz(fs->u.items[i], "namespace");
		rp_value *mem = rp_value_getz(fs->u.items[i], "members");
		if (!rp_value_is(ns, RP_V_STRING) || !rp_value_is(mem, RP_V_OBJECT))
			return arm_error(f->run, &fs->u.items[i]->span, "arm-template",
					 "a function namespace needs 'namespace' (string) and "
					 "'members' (object)");
		for (j = 0; j < mem->len; j++) {
			arm_func *fn = rp_arena_calloc(f->run->a, 1, sizeof(*fn));
			char *qn;
			if (!fn)
				return arm_fail(f->run, -RP_ENOMEM);
			qn = rp_arena_printf(f->run->a, "%s.%s", ns->u.s, mem->u.members[j].key);
			if (!qn)
				return arm_fail(f->run, -RP_ENOMEM);
			fn->qname = qn;
			fn->decl = mem->u.members[j].val;
			if (!rp_value_is(fn->decl, RP_V_OBJECT))
				return arm_error(f->run, &fn->decl->span, "arm-template",
						 "function '%s' must be an object", qn);
			r = rp_map_put(&f->funcs, qn, strlen(qn), fn, NULL);
			if (r < 0)
				return arm_fail(f->run, r);
		}
	}
	return 0;
}

/* --------------------------------------------------------------- frames */

static const char *scope_of_schema(const rp_value *schema)
{
	if (!rp_value_is(schema, RP_V_STRING))
		return NULL;
	if (strstr(schema->u.s, "subscriptionDeploymentTemplate"))
		return "subscription";
	if (strstr(schema->u.s, "managementGroupDeploymentTemplate"))
		return "managementGroup";
	if (strstr(schema->u.s, "tenantDeploymentTemplate"))
		return "tenant";
	if (strstr(schema->u.s, "deploymentTemplate"))
		return "resourceGroup";
	return NULL;
}

int arm_frame_init(arm_frame *f, arm_run *run, arm_frame *parent, rp_value *tpl, rp_source *src)
{
	rp_value *lv, *sc;
	const char *scope;

	memset(f, 0, sizeof(*f));
	f->run = run;
	f->parent = parent;
	f->scope = f;
	f->tpl = tpl;
	f->src = src;
	rp_map_init(&f->params, true);
	rp_map_init(&f->vars, true);
	rp_map_init(&f->funcs, true);
	rp_map_init(&f->symbols, true);
	f->ctx = parent ? parent->ctx : run->ctx;
	f->depth = parent ? parent->depth + 1 : 0;
	f->relpath = parent ? parent->relpath : "";
	f->dirpath = parent ? parent->dirpath : NULL;
	if (!rp_value_is(tpl, RP_V_OBJECT))
		return arm_error(run, tpl ? &tpl->span : NULL, "arm-template",
				 "a template must be a JSON object");
	sc = rp_value_getz(tpl, "$schema");
	if (sc && sc->kind != RP_V_STRING)
		return arm_error(run, &sc->span, "arm-template", "'$schema' must be a string");
	scope = scope_of_schema(sc);
	if (scope)
		f->ctx.scope = scope;
	lv = rp_value_getz(tpl, "languageVersion");
	if (lv) {
		if (lv->kind != RP_V_STRING)
			return arm_error(run, &lv->span, "arm-template",
					 "'languageVersion' must be a string");
		f->lang2 = lv->len >= 1 && lv->u.s[0] == '2';
	}
	return 0;
}

void arm_frame_release(arm_frame *f)
{
	rp_map_release(&f->params);
	rp_map_release(&f->vars);
	rp_map_release(&f->funcs);
	rp_map_release(&f->symbols);
}

static int eval_outputs(arm_frame *f, rp_value **outputs)
{
	rp_value *os = rp_value_getz(f->tpl, "outputs");
	rp_member *m;
	size_t nm = 0;
	uint32_t i;
	int r, rc = 0;

	if (!os)
		return 0;
	if (os->kind != RP_V_OBJECT)
		return arm_error(f->run, &os->span, "arm-template", "'outputs' must be an object");
	m = rp_arena_alloc(f->run->a, (os->len ? os->len : 1) * sizeof(*m));
	if (!m)
		return arm_fail(f->run, -RP_ENOMEM);
	for (i = 0; i < os->len; i++) {
		rp_value *o = os->u.members[i].val, *cond, *copy, *val, *res = NULL;
		rp_arm_env env;
		arm_ectx ec;

		if (!rp_value_is(o, RP_V_OBJECT)) {
			rc = arm_error(f->run, &o->span, "arm-template",
				       "output '%s' must be an object", os->u.members[i].key);
			continue;
		}
		arm_env_init(&env, &ec, f, 0);
		cond = rp_value_getz(o, "condition");
		if (cond) {
			rp_value *cv = NULL;
			int truth = 1;
			r = arm_eval_tree_env(&env, cond, false, &cv);
			if (r == 0)
				r = rp_arm_truth(&env, cv, cond->span, &truth);
			if (r < 0) {
				rc = arm_fail(f->run, r);
				continue;
			}
			if (truth == 0)
				continue;
		}
		copy = rp_value_getz(o, "copy");
		val = rp_value_getz(o, "value");
		if (copy) {
			rp_value *e = copy;
			const char *cn = "";
			rp_member cm[3];
			if (!rp_value_is(copy, RP_V_OBJECT)) {
				rc = arm_error(f->run, &copy->span, "arm-copy",
					       "an output copy must be an object");
				continue;
			}
			/* eval_copy_entry wants a name; outputs loops have none. */
			cm[0].key = "name";
			cm[0].keylen = 4;
			cm[0].keyspan = copy->span;
			cm[0].val = rp_value_string(f->run->a, os->u.members[i].key,
						    os->u.members[i].keylen, copy->span);
			cm[1].key = "count";
			cm[1].keylen = 5;
			cm[1].keyspan = copy->span;
			cm[1].val = rp_value_getz(copy, "count");
			cm[2].key = "input";
			cm[2].keylen = 5;
			cm[2].keyspan = copy->span;
			cm[2].val = rp_value_getz(copy, "input");
			if (!cm[0].val || !cm[1].val || !cm[2].val) {
				rc = cm[0].val
					     ? arm_error(f->run, &copy->span, "arm-copy",
							 "an output copy needs 'count' and 'input'")
					     : arm_fail(f->run, -RP_ENOMEM);
				continue;
			}
			e = rp_value_object(f->run->a, cm, 3, copy->span);
			if (!e)
				return arm_fail(f->run, -RP_ENOMEM);
			/* copyIndex() without a name refers to this loop. */
			r = 0;
			{
				int64_t count = 0, k;
				const char *why = NULL;
				rp_value **items;
				r = arm_copy_count(&env, f->run, e, &count, &why);
				if (r == 0 && count < 0) {
					res = rp_value_unknown(f->run->a, copy->span,
							       "output copy count is unknown: %s",
							       why);
				} else if (r == 0) {
					items = rp_arena_alloc(f->run->a,
							       (size_t)(count ? count : 1) *
								       sizeof(*items));
					if (!items)
						return arm_fail(f->run, -RP_ENOMEM);
					for (k = 0;
					     k < count && r == 0 && f->ncopies < ARM_MAX_COPY_STACK;
					     k++) {
						f->copies[f->ncopies].name = cn;
						f->copies[f->ncopies].index = k;
						f->copies[f->ncopies].resource = true;
						f->ncopies++;
						r = arm_eval_tree_env(&env, cm[2].val, true,
								      &items[k]);
						f->ncopies--;
					}
					if (r == 0)
						res = rp_value_array_take(f->run->a, items,
									  (size_t)count,
									  copy->span);
				}
			}
		} else if (val) {
			r = arm_eval_tree_env(&env, val, true, &res);
		} else {
			rc = arm_error(f->run, &o->span, "arm-template",
				       "output '%s' has neither 'value' nor 'copy'",
				       os->u.members[i].key);
			continue;
		}
		if (r < 0) {
			rc = arm_fail(f->run, r);
			continue;
		}
		if (!res)
			return arm_fail(f->run, -RP_ENOMEM);
		r = check_output_type(f->run, "output", rp_value_getz(o, "type"), res, o->span);
		if (r < 0) {
			rc = r;
			continue;
		}
		m[nm] = os->u.members[i];
		m[nm++].val = res;
	}
	if (outputs) {
		*outputs = rp_value_object(f->run->a, m, nm, os->span);
		if (!*outputs)
			return arm_fail(f->run, -RP_ENOMEM);
	}
	return rc;
}

int arm_frame_run(arm_frame *f, const rp_value *supplied, rp_value **outputs)
{
	int r, rc = 0;
	size_t i;

	if (f->scope == f) {
		r = arm_params_declare(f, supplied);
		if (r < 0)
			return r;
		r = declare_vars(f);
		if (r < 0)
			return r;
		r = declare_funcs(f);
		if (r < 0)
			return r;
	}
	r = arm_resources_run(f);
	if (r < 0)
		rc = r;
	if (f->scope == f) {
		/* ARM validates every variable, used or not. */
		for (i = 0; i < f->vars.count; i++) {
			arm_var *v = f->vars.entries[i].value;
			rp_value *x = NULL;
			rp_span sp = v->expr ? v->expr->span : v->copy->span;
			if (v->state == ARM_DONE)
				continue;
			r = var_get(f, v->name, f->vars.entries[i].keylen, sp, &x);
			if (r < 0 && rc == 0)
				rc = r;
		}
	}
	r = eval_outputs(f, outputs);
	if (r < 0 && rc == 0)
		rc = r;
	return rc;
}

/* -------------------------------------------------------- entry points */

static char *dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');

	if (!sl)
		return strdup(".");
	if (sl == path)
		return strdup("/");
	return strndup(path, (size_t)(sl - path));
}

int rp_arm_params_candidates(const char *path, char *cand[2])
{
	static const char az[] = "azuredeploy.parameters.json";
	size_t n = strlen(path), dirlen;
	const char *sl = strrchr(path, '/'), *base = sl ? sl + 1 : path;
	int k = 0;

	cand[0] = cand[1] = NULL;
	if (n > 5 && strcmp(path + n - 5, ".json") == 0) {
		cand[k] = malloc(n + 16);
		if (!cand[k])
			goto oom;
		memcpy(cand[k], path, n - 5);
		strcpy(cand[k] + n - 5, ".parameters.json");
		k++;
	}
	/* for azuredeploy.json the first candidate is this very file */
	if (k == 1 && strcmp(base, "azuredeploy.json") == 0)
		return k;
	dirlen = sl ? (sl == path ? 1 : (size_t)(sl - path)) : 1;
	cand[k] = malloc(dirlen + sizeof(az) + 1);
	if (!cand[k])
		goto oom;
	memcpy(cand[k], sl ? path : ".", dirlen);
	cand[k][dirlen] = '/';
	memcpy(cand[k] + dirlen + (sl == path ? 0 : 1), az, sizeof(az));
	return k + 1;
oom:
	free(cand[0]);
	cand[0] = NULL;
	return -1;
}

char *rp_arm_find_params(const char *path)
{
	char *cand[2], *found = NULL;
	int n = rp_arm_params_candidates(path, cand), i;

	for (i = 0; i < n; i++) {
		if (!found && access(cand[i], R_OK) == 0)
			found = cand[i];
		else
			free(cand[i]);
	}
	return found;
}

/* Reads candidate parameters file path: 0 with *src, 1 when it cannot be
 * opened (skipped, as access(R_OK) would skip it), or -1 when it opens but
 * cannot be read (the caller loads it again to report why). */
static int try_params(const char *path, rp_source **src)
{
	int e;

	errno = 0;
	if (rp_source_load(path, RP_ARM_MAX_TEMPLATE_SIZE, src, NULL) == 0)
		return 0;
	e = errno;
	return e == ENOENT || e == ENOTDIR || e == EACCES || e == ELOOP || e == ENAMETOOLONG ? 1
											     : -1;
}

/* The parameters file paired with path, as rp_arm_find_params() pairs it
 * (X.parameters.json, then azuredeploy.parameters.json in the same
 * directory), read without an access() call first: one path walk less per
 * template.  *out stays NULL when there is none. */
static int auto_params(arm_run *run, const char *path, rp_value **out)
{
	char *cand[2];
	rp_source *src = NULL;
	int n = rp_arm_params_candidates(path, cand), i, t = 1, r = 0;

	if (n < 0)
		return arm_fail(run, -RP_ENOMEM);
	for (i = 0; i < n && t == 1; i++) {
		if (run->opts->path_absent &&
		    run->opts->path_absent(run->opts->path_absent_ctx, cand[i]))
			continue; /* listed by the caller as not there */
		t = try_params(cand[i], &src);
		if (t == 0)
			r = arm_params_source(run, src, out);
		else if (t < 0)
			r = arm_params_file(run, cand[i], NULL, out);
	}
	for (i = 0; i < n; i++)
		free(cand[i]);
	return r;
}

typedef struct arm_req {
	const char *path; /* file, or NULL for memory */
	rp_source *src;   /* file: its bytes when the caller read them (taken over) */
	const char *name; /* memory: display name */
	const void *data;
	size_t size;
	const arm_assign *assign;
	size_t nassign;
} arm_req;

/* Is real (a realpath) inside root (a realpath)? */
bool arm_path_under(const char *root, const char *real)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return real[0] == '/';
	return strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

static int run_one(const arm_req *rq, const rp_arm_options *opts, rp_deployment **out,
		   arm_enum_param **enums, size_t *nenums, rp_diag *diag)
{
	rp_arm_options defopts;
	arm_run run;
	arm_frame top;
	bool top_init = false;
	rp_value *tpl = NULL, *supplied = NULL;
	rp_source *src = NULL, *pre = rq->src;
	char *params = NULL, *real = NULL, *dir = NULL;
	int r;

	memset(&defopts, 0, sizeof(defopts));
	if (!opts)
		opts = &defopts;
	memset(&run, 0, sizeof(run));
	*out = NULL;
	run.d = rp_deployment_new();
	if (!run.d) {
		rp_source_free(pre);
		return -RP_ENOMEM;
	}
	run.a = run.d->arena;
	rp_arm_expr_cache_init(&run.exprs, run.a);
	run.diag = diag;
	run.opts = opts;
	run.assign = rq->assign;
	run.nassign = rq->nassign;
	rp_arm_context_defaults(&run.ctx);
	if (opts->subscription_id)
		run.ctx.subscription_id = opts->subscription_id;
	if (opts->tenant_id)
		run.ctx.tenant_id = opts->tenant_id;
	if (opts->resource_group)
		run.ctx.resource_group = opts->resource_group;
	if (opts->location)
		run.ctx.location = opts->location;
	if (opts->deployment_name)
		run.ctx.deployment_name = opts->deployment_name;
	if (opts->management_group)
		run.ctx.management_group = opts->management_group;

	if (opts->root) {
		run.root = root_realpath(opts->root);
		if (!run.root) {
			rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: cannot open root: %s",
				    opts->root, strerror(errno));
			r = arm_fail(&run, -RP_EIO);
			goto out;
		}
	}
	if (rq->path) {
		size_t rl = opts->root ? strlen(opts->root) : 0;
		/* Fast path: PATH is ROOT/rest with no "." or ".." segment: its
		 * place under the root is lexical (one realpath less per file;
		 * the file the user named is trusted, linked files are not). */
		if (run.root && rl && strncmp(rq->path, opts->root, rl) == 0 &&
		    rq->path[rl] == '/' && !strstr(rq->path + rl, "/./") &&
		    !strstr(rq->path + rl, "/../") && !rp_str_has_suffix(rq->path, "/..") &&
		    !rp_str_has_suffix(rq->path, "/.")) {
			const char *rest = rq->path + rl;
			while (*rest == '/')
				rest++;
			real = malloc(strlen(run.root) + strlen(rest) + 2);
			if (real)
				sprintf(real, "%s/%s", strcmp(run.root, "/") == 0 ? "" : run.root,
					rest);
		} else {
			real = arm_realpath(rq->path);
			if (!real) {
				rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: cannot open: %s",
					    rq->path, strerror(errno));
				r = arm_fail(&run, -RP_EIO);
				goto out;
			}
		}
		if (!real) {
			r = arm_fail(&run, -RP_ENOMEM);
			goto out;
		}
	}
	if (!run.root && real) {
		run.root = dir_of(real);
		if (!run.root) {
			r = arm_fail(&run, -RP_ENOMEM);
			goto out;
		}
	}
	if (real && run.root && !arm_path_under(run.root, real)) {
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0,
			    "%s: the template is not under the root %s", rq->path,
			    opts->root ? opts->root : run.root);
		r = arm_fail(&run, -RP_EINVAL);
		goto out;
	}
	if (pre) {
		/* read by the caller from rq->path: the deployment owns it now */
		src = pre;
		pre = NULL;
		r = arm_load_source(&run, src, &tpl);
	} else if (rq->path)
		r = arm_load_file(&run, rq->path, NULL, &tpl, &src);
	else
		r = arm_load_memory(&run, rq->name, rq->data, rq->size, &tpl, &src);
	if (r < 0)
		goto out;
	run.max_memory = rp_arm_memory_budget(src->size);

	/* parameters file */
	if (opts->params_path) {
		params = strdup(opts->params_path);
		r = params ? arm_params_file(&run, params, NULL, &supplied)
			   : arm_fail(&run, -RP_ENOMEM);
	} else if (rq->path && !opts->no_auto_params) {
		r = auto_params(&run, rq->path, &supplied);
	}
	if (r < 0)
		goto out;

	r = arm_frame_init(&top, &run, NULL, tpl, src);
	top_init = true;
	if (r < 0)
		goto out;
	if (real && run.root) {
		size_t rn = strcmp(run.root, "/") == 0 ? 0 : strlen(run.root);
		const char *rel = real + rn + (real[rn] == '/' ? 1 : 0);
		dir = dir_of(real);
		top.dirpath = dir ? rp_arena_strndup(run.a, dir, strlen(dir)) : NULL;
		top.relpath = rp_arena_strndup(run.a, rel, strlen(rel));
		if (!top.relpath || !top.dirpath) {
			r = arm_fail(&run, -RP_ENOMEM);
			goto out;
		}
		{
			char *u = rp_arena_printf(run.a, "%s%s", ARM_LINK_BASE, rel);
			rp_span none = { NULL, 0, 0 };
			top.link_uri = u ? rp_value_string(run.a, u, strlen(u), none) : NULL;
		}
		if (!top.link_uri) {
			r = arm_fail(&run, -RP_ENOMEM);
			goto out;
		}
	}
	r = arm_frame_run(&top, supplied, &run.d->outputs);
	{
		int r2 = arm_params_object(&top, &run.d->parameters);
		if (r2 < 0 && r == 0)
			r = r2;
	}
	if (run.nassumed) {
		rp_span none = { NULL, 0, 0 };
		run.d->assumptions = rp_value_object(run.a, run.assumed, run.nassumed, none);
	}
out:
	if (top_init)
		arm_frame_release(&top);
	if (r == 0 && run.err)
		r = run.err;
	if (enums) {
		*enums = run.enums;
		*nenums = run.nenums;
	} else {
		size_t i;
		for (i = 0; i < run.nenums; i++)
			free(run.enums[i].name);
		free(run.enums);
	}
	free(params);
	free(real);
	free(dir);
	free(run.root);
	rp_source_free(pre);
	rp_arm_expr_cache_release(&run.exprs);
	*out = run.d;
	return r;
}

int rp_arm_evaluate(const char *path, const rp_arm_options *opts, rp_deployment **out,
		    rp_diag *diag)
{
	arm_req rq;

	memset(&rq, 0, sizeof(rq));
	rq.path = path;
	return run_one(&rq, opts, out, NULL, NULL, diag);
}

int rp_arm_evaluate_source(const char *path, rp_source *src, const rp_arm_options *opts,
			   rp_deployment **out, rp_diag *diag)
{
	arm_req rq;

	memset(&rq, 0, sizeof(rq));
	rq.path = path;
	rq.src = src;
	return run_one(&rq, opts, out, NULL, NULL, diag);
}

int rp_arm_evaluate_memory(const char *name, const void *data, size_t size,
			   const rp_arm_options *opts, rp_deployment **out, rp_diag *diag)
{
	arm_req rq;

	memset(&rq, 0, sizeof(rq));
	rq.name = name;
	rq.data = data;
	rq.size = size;
	return run_one(&rq, opts, out, NULL, NULL, diag);
}

void rp_arm_deployments_free(rp_deployment **ds, size_t n)
{
	size_t i;

	if (!ds)
		return;
	for (i = 0; i < n; i++)
		rp_deployment_free(ds[i]);
	free(ds);
}

/* Copies the items of from (index >= first) into to, skipping those that
 * repeat one already in to (same level, file, offset and message). */
static void merge_diags(rp_diag *to, size_t first, const rp_diag *from)
{
	size_t i, j;

	if (!to)
		return;
	for (i = 0; i < from->count; i++) {
		const rp_diag_item *x = &from->items[i];
		bool dup = false;
		for (j = first; j < to->count && !dup; j++) {
			const rp_diag_item *y = &to->items[j];
			dup = y->level == x->level && y->start == x->start &&
			      (y->src == NULL) == (x->src == NULL) &&
			      (!x->src || strcmp(x->src->name, y->src->name) == 0) &&
			      strcmp(x->message, y->message) == 0;
		}
		if (!dup)
			rp_diag_addc(to, x->level, x->code, x->src, x->start, x->end, "%s",
				     x->message);
	}
}

int rp_arm_evaluate_all(const char *path, const rp_arm_options *opts, rp_deployment ***out,
			size_t *n, rp_diag *diag)
{
	arm_req rq;
	arm_enum_param *enums = NULL;
	size_t nenums = 0, i, limit, ncombo = 1, nused = 0, k;
	rp_deployment *d0 = NULL, **ds = NULL;
	arm_assign *assign = NULL;
	size_t first = diag ? diag->count : 0;
	rp_diag scratch;
	int r, rc = 0;

	*out = NULL;
	*n = 0;
	memset(&rq, 0, sizeof(rq));
	rq.path = path;
	rp_diag_init(&scratch);
	r = run_one(&rq, opts, &d0, &enums, &nenums, &scratch);
	limit = opts && opts->max_enum ? opts->max_enum : RP_ARM_MAX_ENUM;
	for (i = 0; i < nenums; i++) {
		if (enums[i].nvalues == 0 || ncombo * enums[i].nvalues > limit)
			break;
		ncombo *= enums[i].nvalues;
		nused++;
	}
	if (nused == 0 || ncombo <= 1) {
		ds = malloc(sizeof(*ds));
		if (!ds) {
			rp_deployment_free(d0);
			rc = -RP_ENOMEM;
			goto out;
		}
		merge_diags(diag, first, &scratch);
		ds[0] = d0;
		*out = ds;
		*n = 1;
		rc = r;
		goto out;
	}
	rp_deployment_free(d0);
	rp_diag_release(&scratch);
	rp_diag_init(&scratch);
	ds = calloc(ncombo, sizeof(*ds));
	assign = calloc(nused, sizeof(*assign));
	if (!ds || !assign) {
		free(ds);
		rc = -RP_ENOMEM;
		goto out;
	}
	for (k = 0; k < ncombo; k++) {
		size_t rest = k;
		rp_diag one;
		for (i = nused; i-- > 0;) {
			assign[i].name = enums[i].name;
			assign[i].index = rest % enums[i].nvalues;
			rest /= enums[i].nvalues;
		}
		rq.assign = assign;
		rq.nassign = nused;
		rp_diag_init(&one);
		r = run_one(&rq, opts, &ds[k], NULL, NULL, &one);
		merge_diags(diag, first, &one);
		rp_diag_release(&one);
		if (r < 0 && rc == 0)
			rc = r;
		if (r == -RP_ENOMEM) {
			rp_arm_deployments_free(ds, k + 1);
			ds = NULL;
			goto out;
		}
	}
	*out = ds;
	*n = ncombo;
out:
	rp_diag_release(&scratch);
	for (i = 0; i < nenums; i++)
		free(enums[i].name);
	free(enums);
	free(assign);
	return rc;
}
