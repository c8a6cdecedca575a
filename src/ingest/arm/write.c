/* write.c: the JSON document `rampart eval` prints for an evaluated ARM
 * deployment (format in docs/arm-evaluation.md).  Deterministic: resources
 * in evaluation order, members in template order, no timestamps.  Values of
 * secure parameters are written as {"$secure": true}; unknowns as
 * {"$unknown": reason}.
 */
#include "ingest/arm/arm.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

/* Values nested deeper than this are written as {"$truncated": ...}: the
 * JSON writer's own limit is RP_JW_MAX_DEPTH and the document adds a few
 * levels around each value. */
#define ARM_WRITE_MAX_DEPTH (RP_JW_MAX_DEPTH - 16)

static void write_value_d(rp_jw *w, const rp_value *v, int depth);

static void write_value(rp_jw *w, const rp_value *v)
{
	write_value_d(w, v, w->depth);
}

static void write_value_d(rp_jw *w, const rp_value *v, int depth)
{
	uint32_t i;

	if (depth >= ARM_WRITE_MAX_DEPTH && v &&
	    (v->kind == RP_V_ARRAY || v->kind == RP_V_OBJECT)) {
		rp_jw_object_begin(w);
		rp_jw_key(w, "$truncated");
		rp_jw_string(w, "value nested too deeply to print");
		rp_jw_object_end(w);
		return;
	}
	if (v && (v->flags & RP_VF_SECURE) && v->kind != RP_V_UNKNOWN) {
		rp_jw_object_begin(w);
		rp_jw_key(w, "$secure");
		rp_jw_bool(w, true);
		rp_jw_object_end(w);
		return;
	}
	if (!v || (v->kind != RP_V_ARRAY && v->kind != RP_V_OBJECT)) {
		rp_value_write(w, v);
		return;
	}
	if (v->kind == RP_V_ARRAY) {
		rp_jw_array_begin(w);
		for (i = 0; i < v->len; i++)
			write_value_d(w, v->u.items[i], depth + 1);
		rp_jw_array_end(w);
		return;
	}
	rp_jw_object_begin(w);
	for (i = 0; i < v->len; i++) {
		rp_jw_keyn(w, v->u.members[i].key, v->u.members[i].keylen);
		write_value_d(w, v->u.members[i].val, depth + 1);
	}
	rp_jw_object_end(w);
}

static void write_pos(rp_jw *w, const rp_span *sp)
{
	uint32_t line = 0, col = 0;
	char tmp[64];

	if (!sp->src || rp_source_linecol(sp->src, sp->off, &line, &col) < 0) {
		rp_jw_null(w);
		return;
	}
	snprintf(tmp, sizeof(tmp), ":%u:%u", line, col);
	{
		rp_buf b = RP_BUF_INIT;
		rp_buf_puts(&b, sp->src->name);
		rp_buf_puts(&b, tmp);
		rp_jw_stringn(w, b.data ? b.data : "", b.len);
		rp_buf_release(&b);
	}
}

/* "path": "file:line:col" for v and everything inside it. */
static void write_positions(rp_jw *w, rp_buf *path, const rp_value *v, unsigned depth)
{
	size_t keep = path->len;
	uint32_t i;

	if (!v || depth > 200)
		return;
	rp_jw_keyn(w, path->data ? path->data : "", path->len);
	write_pos(w, &v->span);
	if (v->flags & RP_VF_SECURE)
		return;
	if (v->kind == RP_V_ARRAY) {
		for (i = 0; i < v->len; i++) {
			rp_buf_printf(path, "[%u]", i);
			write_positions(w, path, v->u.items[i], depth + 1);
			path->len = keep;
		}
	} else if (v->kind == RP_V_OBJECT) {
		for (i = 0; i < v->len; i++) {
			if (path->len)
				rp_buf_putc(path, '.');
			rp_buf_append(path, v->u.members[i].key, v->u.members[i].keylen);
			write_positions(w, path, v->u.members[i].val, depth + 1);
			path->len = keep;
		}
	}
	if (path->data)
		path->data[keep] = '\0';
}

static bool is_main_key(const char *k, uint32_t n)
{
	static const char *const keys[] = { "type",      "name",       "apiVersion",
					    "location",  "properties", "dependsOn",
					    "condition", "copy",       "resources" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i]) == n && strncasecmp(keys[i], k, n) == 0)
			return true;
	return false;
}

int rp_arm_write_deployment(rp_jw *w, rp_deployment *d, bool positions)
{
	size_t i, j;

	rp_jw_object_begin(w);
	if (d->nsources) {
		rp_jw_key(w, "template");
		rp_jw_string(w, d->sources[0]->name);
	}
	if (d->assumptions) {
		rp_jw_key(w, "assumptions");
		write_value(w, d->assumptions);
	}
	rp_jw_key(w, "parameters");
	write_value(w, d->parameters);
	rp_jw_key(w, "resources");
	rp_jw_array_begin(w);
	for (i = 0; i < d->nresources; i++) {
		rp_resource *r = &d->resources[i];
		rp_jw_object_begin(w);
		rp_jw_key(w, "type");
		rp_jw_string(w, r->type);
		rp_jw_key(w, "name");
		write_value(w, r->name);
		rp_jw_key(w, "id");
		write_value(w, r->id);
		if (r->symbolic) {
			rp_jw_key(w, "symbolicName");
			rp_jw_string(w, r->symbolic);
		}
		if (r->api_version) {
			rp_jw_key(w, "apiVersion");
			rp_jw_string(w, r->api_version);
		}
		if (r->location) {
			rp_jw_key(w, "location");
			write_value(w, r->location);
		}
		rp_jw_key(w, "condition");
		rp_jw_string(w, r->condition == RP_COND_UNKNOWN ? "unknown" : "true");
		if (r->condition_reason) {
			rp_jw_key(w, "conditionReason");
			rp_jw_string(w, r->condition_reason);
		}
		if (r->existing) {
			rp_jw_key(w, "existing");
			rp_jw_bool(w, true);
		}
		if (r->copy_name) {
			rp_jw_key(w, "copy");
			rp_jw_object_begin(w);
			rp_jw_key(w, "name");
			rp_jw_string(w, r->copy_name);
			rp_jw_key(w, "index");
			rp_jw_int(w, r->copy_index);
			rp_jw_object_end(w);
		}
		if (r->deployment) {
			rp_jw_key(w, "deployment");
			rp_jw_string(w, r->deployment);
		}
		if (r->scope) {
			rp_jw_key(w, "scope");
			rp_jw_string(w, r->scope);
		}
		if (r->ndepends) {
			rp_jw_key(w, "dependsOn");
			rp_jw_array_begin(w);
			for (j = 0; j < r->ndepends; j++)
				rp_jw_string(w, r->depends_on[j]);
			rp_jw_array_end(w);
		}
		if (r->body) {
			bool any = false;
			for (j = 0; j < r->body->len; j++) {
				const rp_member *m = &r->body->u.members[j];
				if (is_main_key(m->key, m->keylen))
					continue;
				if (!any) {
					rp_jw_key(w, "other");
					rp_jw_object_begin(w);
					any = true;
				}
				rp_jw_keyn(w, m->key, m->keylen);
				write_value(w, m->val);
			}
			if (any)
				rp_jw_object_end(w);
		}
		if (r->properties) {
			rp_jw_key(w, "properties");
			write_value(w, r->properties);
		}
		if (positions) {
			rp_buf path = RP_BUF_INIT;
			rp_jw_key(w, "positions");
			rp_jw_object_begin(w);
			if (r->body)
				write_positions(w, &path, r->body, 0);
			rp_jw_object_end(w);
			rp_buf_release(&path);
		}
		rp_jw_object_end(w);
	}
	rp_jw_array_end(w);
	if (d->outputs) {
		rp_jw_key(w, "outputs");
		write_value(w, d->outputs);
	}
	rp_jw_object_end(w);
	return w->err;
}
