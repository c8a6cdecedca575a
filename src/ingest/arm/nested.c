/* nested.c: nested deployments (Microsoft.Resources/deployments): inline
 * templates with inner or outer expression scope, and linked templates
 * (templateLink.relativePath, or a URI under the synthetic base of the
 * scanned tree) resolved to files under the root only.
 *
 * Spec: Microsoft Learn, "Using linked and nested templates when deploying
 * Azure resources" (expression evaluation scope, relativePath), "Deploy to
 * resource group / subscription" (resourceGroup / subscriptionId of a
 * deployment).  The no-escape rule and the URI base are in
 * docs/arm-evaluation.md.
 */
#include "ingest/arm/tpl_int.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Normalises a relative path (a/./b/../c -> a/c) in place.  Returns false
 * when it climbs above its start or is absolute. */
static bool normalise(char *p)
{
	char *segs[512];
	size_t n = 0, i;
	char *tok, *save = NULL, *w;

	if (p[0] == '/' || p[0] == '\0')
		return false;
	for (tok = strtok_r(p, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (n == 0)
				return false;
			n--;
			continue;
		}
		if (n >= sizeof(segs) / sizeof(segs[0]))
			return false;
		segs[n++] = tok;
	}
	if (n == 0)
		return false;
	w = p;
	for (i = 0; i < n; i++) {
		size_t l = strlen(segs[i]);
		if (i)
			*w++ = '/';
		memmove(w, segs[i], l);
		w += l;
	}
	*w = '\0';
	return true;
}

/* Percent-decoding of a URI path (only %XX); false on a bad escape or NUL. */
static bool pct_decode(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (*r == '%') {
			int hi, lo;
			if (!r[1] || !r[2])
				return false;
			hi = r[1] <= '9' ? r[1] - '0' : (r[1] | 32) - 'a' + 10;
			lo = r[2] <= '9' ? r[2] - '0' : (r[2] | 32) - 'a' + 10;
			if (hi < 0 || hi > 15 || lo < 0 || lo > 15 || (hi == 0 && lo == 0))
				return false;
			*w++ = (char)(hi * 16 + lo);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return true;
}

/* Resolves a path relative to the root for a linked file.  *abs (malloc'd)
 * is the real path on success, and *pathfd the O_PATH descriptor it was
 * resolved and checked with (or -1 without /proc; the caller closes it):
 * reading through it reads the file checked here, even if the path is
 * swapped for a symbolic link in between.  Returns 0, or 1 with *why set
 * when it does not resolve (unresolved, not an error). */
static int resolve_rel(arm_run *run, const char *rel, char **abs, int *pathfd, const char **why)
{
	char *joined = NULL, *real = NULL;
	struct stat st;
	int fd = -1, rc = 1;

	*abs = NULL;
	*pathfd = -1;
	if (!run->root) {
		*why = "no root directory to resolve linked templates in";
		goto out;
	}
	joined = malloc(strlen(run->root) + strlen(rel) + 2);
	if (!joined) {
		rc = -RP_ENOMEM;
		goto out;
	}
	sprintf(joined, "%s/%s", run->root, rel);
	real = arm_realpath_open(joined, &st, &fd);
	if (!real) {
		*why = "no such file under the scanned root";
		goto out;
	}
	if (!arm_path_under(run->root, real)) {
		*why = "it resolves (through a symbolic link) outside the scanned root; refused";
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		goto out;
	}
	*abs = real;
	*pathfd = fd;
	real = NULL;
	fd = -1;
	rc = 0;
out:
	free(joined);
	free(real);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Path relative to the root for link (relativePath from dir, or a URI).
 * Returns an arena string, or NULL with *why. */
static char *link_relpath(arm_frame *f, const rp_value *tl, const char **why, const char **shown)
{
	arm_run *run = f->run;
	rp_value *rp = rp_value_getz(tl, "relativePath"), *uri = rp_value_getz(tl, "uri");
	char *p = NULL;

	*why = NULL;
	*shown = NULL;
	if (rp) {
		const char *dir = f->relpath, *sl;
		if (rp->kind == RP_V_UNKNOWN) {
			*why = rp->u.reason;
			*shown = "relativePath";
			return NULL;
		}
		if (rp->kind != RP_V_STRING) {
			*why = "relativePath is not a string";
			*shown = "relativePath";
			return NULL;
		}
		*shown = rp->u.s;
		if (f->link_uri && rp_value_is(f->link_uri, RP_V_STRING) &&
		    rp_str_has_prefix(f->link_uri->u.s, ARM_LINK_BASE))
			dir = f->link_uri->u.s + strlen(ARM_LINK_BASE);
		sl = strrchr(dir, '/');
		p = rp_arena_printf(run->a, "%.*s%s%s", sl ? (int)(sl - dir) : 0, dir,
				    sl ? "/" : "", rp->u.s);
	} else if (uri) {
		const char *u;
		size_t cut;
		if (uri->kind == RP_V_UNKNOWN) {
			*why = uri->u.reason;
			*shown = "uri";
			return NULL;
		}
		if (uri->kind != RP_V_STRING) {
			*why = "uri is not a string";
			*shown = "uri";
			return NULL;
		}
		*shown = uri->u.s;
		u = uri->u.s;
		if (!rp_str_has_prefix(u, ARM_LINK_BASE)) {
			*why = "the URI is outside the scanned tree (rampart never downloads)";
			return NULL;
		}
		u += strlen(ARM_LINK_BASE);
		cut = strcspn(u, "?#");
		p = rp_arena_strndup(run->a, u, cut);
		if (p && !pct_decode(p)) {
			*why = "bad percent-escape in the URI";
			return NULL;
		}
	} else {
		*why = "templateLink has neither 'uri' nor 'relativePath'";
		*shown = "templateLink";
		return NULL;
	}
	if (!p) {
		*why = "out of memory";
		return NULL;
	}
	if (!normalise(p)) {
		*why = "the path leaves the scanned root; refused";
		return NULL;
	}
	return p;
}

/* Display name of a linked file: relative to the directory the top template
 * was named from, so output never holds absolute paths the user did not give. */
static char *display_for(arm_frame *f, const char *rel)
{
	arm_frame *top = f;
	const char *tn, *trel, *sl;
	size_t up = 0, i, tl, rl;
	rp_buf b = RP_BUF_INIT;
	char *s;

	while (top->parent)
		top = top->parent;
	tn = top->src ? top->src->name : "";
	trel = top->relpath;
	tl = strlen(tn);
	rl = strlen(trel);
	if (rl && tl >= rl && strcmp(tn + tl - rl, trel) == 0 &&
	    (tl == rl || tn[tl - rl - 1] == '/')) {
		/* the top was named as PREFIX + its path under the root */
		rp_buf_append(&b, tn, tl - rl);
	} else {
		sl = strrchr(tn, '/');
		if (sl)
			rp_buf_append(&b, tn, (size_t)(sl - tn) + 1);
		for (i = 0; trel[i]; i++)
			if (trel[i] == '/')
				up++;
		for (i = 0; i < up; i++)
			rp_buf_puts(&b, "../");
	}
	rp_buf_puts(&b, rel);
	s = b.data ? rp_arena_strndup(f->run->a, b.data, b.len) : NULL;
	rp_buf_release(&b);
	return s;
}

int arm_nested_run(arm_frame *f, const rp_value *raw, rp_resource *r)
{
	arm_run *run = f->run;
	rp_value *props_raw = rp_value_getz(raw, "properties");
	rp_value *tpl_raw = props_raw ? rp_value_getz(props_raw, "template") : NULL;
	rp_value *props = r->properties, *tl, *eo, *sc, *supplied = NULL, *tpl = NULL;
	rp_source *src = NULL;
	arm_frame *child = NULL;
	bool inner = false;
	const char *dname;
	int rc = 0;

	if (!props_raw || !rp_value_is(props_raw, RP_V_OBJECT))
		return 0;
	if (f->depth + 1 > RP_ARM_MAX_DEPLOY_DEPTH)
		return arm_error(run, &raw->span, "arm-nesting",
				 "nested deployments deeper than %u (RP_ARM_MAX_DEPLOY_DEPTH)",
				 RP_ARM_MAX_DEPLOY_DEPTH);
	eo = props ? rp_value_getz(props, "expressionEvaluationOptions") : NULL;
	sc = eo ? rp_value_getz(eo, "scope") : NULL;
	if (sc && rp_value_is(sc, RP_V_STRING)) {
		if (rp_value_str_ieq(sc, "inner"))
			inner = true;
		else if (!rp_value_str_ieq(sc, "outer"))
			return arm_error(
				run, &sc->span, "arm-template",
				"expressionEvaluationOptions.scope must be 'inner' or 'outer'");
	}
	tl = props ? rp_value_getz(props, "templateLink") : NULL;
	child = calloc(1, sizeof(*child));
	if (!child)
		return arm_fail(run, -RP_ENOMEM);
	dname = rp_value_is(r->name, RP_V_STRING) ? r->name->u.s : "(unknown name)";

	if (tpl_raw) {
		tpl = tpl_raw;
		src = f->src;
	} else if (tl && tl->kind == RP_V_OBJECT) {
		const char *why = NULL, *shown = NULL;
		char *rel = link_relpath(f, tl, &why, &shown), *abs = NULL, *disp;
		int x, pathfd = -1;
		inner = true; /* linked templates always have their own scope */
		if (!rel) {
			arm_warn(run, &tl->span, "arm-unresolved-link",
				 "unresolved linked template '%s' in deployment '%s': %s",
				 shown ? shown : "?", dname, why ? why : "?");
			goto out;
		}
		x = resolve_rel(run, rel, &abs, &pathfd, &why);
		if (x < 0) {
			rc = arm_fail(run, x);
			goto out;
		}
		if (x > 0) {
			arm_warn(run, &tl->span, "arm-unresolved-link",
				 "unresolved linked template '%s' in deployment '%s': %s", rel,
				 dname, why);
			goto out;
		}
		disp = display_for(f, rel);
		if (!disp)
			x = -RP_ENOMEM;
		else if (pathfd >= 0)
			x = arm_load_fd(run, pathfd, disp, &tpl, &src);
		else
			x = arm_load_file(run, abs, disp, &tpl, &src);
		if (pathfd >= 0)
			close(pathfd);
		free(abs);
		if (x < 0) {
			rc = x == -RP_ENOMEM ? arm_fail(run, x) : 0;
			if (x != -RP_ENOMEM)
				arm_warn(
					run, &tl->span, "arm-unresolved-link",
					"linked template '%s' of deployment '%s' could not be read",
					rel, dname);
			goto out;
		}
		rc = arm_frame_init(child, run, f, tpl, src);
		if (rc < 0)
			goto out_frame;
		child->relpath = rel;
		child->link_uri = NULL;
		{
			char *u = rp_arena_printf(run->a, "%s%s", ARM_LINK_BASE, rel);
			rp_span none = { NULL, 0, 0 };
			child->link_uri = u ? rp_value_string(run->a, u, strlen(u), none) : NULL;
			if (!child->link_uri) {
				rc = arm_fail(run, -RP_ENOMEM);
				goto out_frame;
			}
		}
		goto params;
	} else {
		goto out;
	}
	rc = arm_frame_init(child, run, f, tpl, src);
	if (rc < 0)
		goto out_frame;
	child->link_uri = f->link_uri;
	if (!inner) {
		/* outer scope: the parent's parameters, variables, functions and
		 * copy loops are visible. */
		child->scope = f->scope;
		memcpy(child->copies, f->copies, sizeof(f->copies));
		child->ncopies = f->ncopies;
	}
params:
	if (inner && props) {
		rp_value *ps = rp_value_getz(props, "parameters");
		rp_value *pl = rp_value_getz(props, "parametersLink");
		if (ps) {
			rc = arm_params_from_deployment(run, ps, &supplied);
			if (rc < 0)
				goto out_frame;
		} else if (rp_value_is(pl, RP_V_OBJECT)) {
			const char *why = NULL, *shown = NULL;
			char *rel = link_relpath(f, pl, &why, &shown), *abs = NULL;
			int x = 1, pathfd = -1;
			if (rel)
				x = resolve_rel(run, rel, &abs, &pathfd, &why);
			if (x < 0) {
				rc = arm_fail(run, x);
				goto out_frame;
			}
			if (x > 0) {
				arm_warn(run, &pl->span, "arm-unresolved-link",
					 "unresolved parameters link '%s' in deployment '%s': %s",
					 rel ? rel : (shown ? shown : "?"), dname, why ? why : "?");
			} else {
				char *disp = display_for(f, rel);
				if (!disp)
					x = -RP_ENOMEM;
				else if (pathfd >= 0)
					x = arm_params_fd(run, pathfd, disp, &supplied);
				else
					x = arm_params_file(run, abs, disp, &supplied);
				if (pathfd >= 0)
					close(pathfd);
				free(abs);
				if (x < 0) {
					rc = x;
					goto out_frame;
				}
			}
		}
	}
	/* target scope of the deployment */
	{
		rp_value *rg = rp_value_getz(r->body, "resourceGroup");
		rp_value *sub = rp_value_getz(r->body, "subscriptionId");
		if (rp_value_is(sub, RP_V_STRING)) {
			child->ctx.subscription_id = sub->u.s;
			if (!rp_value_is(rg, RP_V_STRING) && child->ctx.scope &&
			    (strcmp(child->ctx.scope, "tenant") == 0 ||
			     strcmp(child->ctx.scope, "managementGroup") == 0))
				child->ctx.scope = "subscription";
		}
		if (rp_value_is(rg, RP_V_STRING)) {
			child->ctx.resource_group = rg->u.s;
			child->ctx.scope = "resourceGroup";
		}
		{
			/* a template's own $schema names its scope */
			rp_value *schema = rp_value_getz(tpl, "$schema");
			if (rp_value_is(schema, RP_V_STRING) && !rp_value_is(rg, RP_V_STRING) &&
			    !rp_value_is(sub, RP_V_STRING)) {
				if (strstr(schema->u.s, "subscriptionDeploymentTemplate"))
					child->ctx.scope = "subscription";
				else if (strstr(schema->u.s, "managementGroupDeploymentTemplate"))
					child->ctx.scope = "managementGroup";
				else if (strstr(schema->u.s, "tenantDeploymentTemplate"))
					child->ctx.scope = "tenant";
				else
					child->ctx.scope = f->ctx.scope;
			}
		}
	}
	if (rp_value_is(r->name, RP_V_STRING))
		child->ctx.deployment_name = r->name->u.s;
	child->depl_path =
		f->depl_path ? rp_arena_printf(run->a, "%s/%s", f->depl_path, dname) : dname;
	child->deployment_obj = NULL;
	if (!child->depl_path) {
		rc = arm_fail(run, -RP_ENOMEM);
		goto out_frame;
	}
	rc = arm_frame_run(child, inner ? supplied : NULL, NULL);
out_frame:
	arm_frame_release(child);
out:
	free(child);
	return rc;
}
