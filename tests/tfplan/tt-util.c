/* tt-util.c: test helpers (tt-util.h). */
#include "tt-util.h"

#include "ingest/export/export.h"
#include "ingest/tfplan/tfplan.h"
#include "util/error.h"
#include "util/source.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rp_deployment *load_src(rp_source *src, rp_input_kind kind, int *rc, rp_diag *diag)
{
	rp_deployment *dep;

	if (kind == RP_INPUT_UNKNOWN) {
		*rc = rp_ingest_detect_source(src, &kind, diag);
		if (*rc < 0) {
			rp_source_free(src);
			return NULL;
		}
	}
	dep = rp_deployment_new();
	if (!dep) {
		rp_source_free(src);
		*rc = -RP_ENOMEM;
		return NULL;
	}
	if (kind == RP_INPUT_TFPLAN)
		*rc = rp_tfplan_load(src, dep, diag);
	else if (kind == RP_INPUT_EXPORT)
		*rc = rp_export_load(src, dep, diag);
	else {
		rp_deployment_own_source(dep, src);
		*rc = -RP_EUNSUPPORTED;
	}
	return dep;
}

rp_deployment *tt_load(const char *path, rp_input_kind kind, int *rc, rp_diag *diag)
{
	rp_source *src = NULL;

	*rc = rp_source_load(path, 0, &src, diag);
	if (*rc < 0)
		return NULL;
	return load_src(src, kind, rc, diag);
}

rp_deployment *tt_load_mem(const char *name, const char *text, rp_input_kind kind, int *rc,
			   rp_diag *diag)
{
	rp_source *src = NULL;

	*rc = rp_source_from_memory(name, text, strlen(text), &src);
	if (*rc < 0)
		return NULL;
	return load_src(src, kind, rc, diag);
}

static const char *env_path(const char *var, const char *fallback, const char *rel)
{
	static char buf[4096];
	const char *root = getenv(var);

	snprintf(buf, sizeof(buf), "%s/%s", root ? root : fallback, rel);
	return buf;
}

const char *tt_shared(const char *rel)
{
	return env_path("RAMPART_SHARED", "../shared", rel);
}

const char *tt_source(const char *rel)
{
	return env_path("RAMPART_SOURCE_ROOT", ".", rel);
}

const rp_resource *tt_by_address(const rp_deployment *d, const char *address)
{
	size_t i;

	for (i = 0; i < d->nresources; i++)
		if (d->resources[i].address && strcmp(d->resources[i].address, address) == 0)
			return &d->resources[i];
	return NULL;
}

const rp_resource *tt_by_name(const rp_deployment *d, const char *type, const char *name)
{
	size_t i;

	for (i = 0; i < d->nresources; i++) {
		const rp_resource *r = &d->resources[i];
		if (strcmp(r->type, type) == 0 && rp_value_is(r->name, RP_V_STRING) &&
		    strcmp(r->name->u.s, name) == 0)
			return r;
	}
	return NULL;
}

size_t tt_count_type(const rp_deployment *d, const char *type)
{
	size_t i, n = 0;

	for (i = 0; i < d->nresources; i++)
		n += strcmp(d->resources[i].type, type) == 0;
	return n;
}

const rp_value *tt_path(const rp_resource *r, const char *path)
{
	const rp_value *v = r->body;
	const char *p = path;

	while (v && *p) {
		char key[128];
		size_t n = 0;
		while (*p && *p != '.' && *p != '[' && n + 1 < sizeof(key))
			key[n++] = *p++;
		key[n] = '\0';
		if (n)
			v = rp_value_getz(v, key);
		while (v && *p == '[') {
			unsigned long i = strtoul(p + 1, (char **)&p, 10);
			if (*p == ']')
				p++;
			if (v->kind != RP_V_ARRAY || i >= v->len)
				return NULL;
			v = v->u.items[i];
		}
		if (*p == '.')
			p++;
	}
	return v;
}

const char *tt_str(const rp_resource *r, const char *path)
{
	const rp_value *v = tt_path(r, path);

	return rp_value_is(v, RP_V_STRING) ? v->u.s : NULL;
}

int tt_bool(const rp_resource *r, const char *path)
{
	const rp_value *v = tt_path(r, path);

	return rp_value_is(v, RP_V_BOOL) ? (v->u.b ? 1 : 0) : -1;
}

unsigned tt_line(const rp_value *v)
{
	uint32_t line = 0, col = 0;

	if (!v || !v->span.src)
		return 0;
	if (rp_source_linecol(v->span.src, v->span.off, &line, &col) < 0)
		return 0;
	return line;
}

size_t tt_ndiag(const rp_diag *d, rp_diag_level level)
{
	size_t i, n = 0;

	for (i = 0; i < d->count; i++)
		n += d->items[i].level == level;
	return n;
}
