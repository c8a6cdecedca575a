/* tfmap.c: applies a mapping table (tftables.c) to one Terraform resource's
 * attribute values, building its ARM body (tf_int.h).  Each conversion is a
 * named case here; which attribute uses which conversion is data in the
 * table.  Values keep their spans (the plan JSON text), unknowns stay
 * unknown, secrets stay flagged.
 */
#include "ingest/tfplan/tf_int.h"
#include "util/error.h"
#include "util/str.h"

#include <ctype.h>
#include <string.h>

/* Nesting of blocks in the tables (blocks inside blocks). */
#define TF_MAP_MAX_DEPTH 16

static bool absent(const rp_value *v)
{
	if (!v || v->kind == RP_V_NULL)
		return true;
	if (v->kind == RP_V_STRING && v->len == 0)
		return true;
	if (v->kind == RP_V_ARRAY && v->len == 0)
		return true;
	return false;
}

/* s is a static table string or lives in the deployment's arena: borrowed. */
static rp_value *str_val(tf_ctx *c, const char *s, rp_span sp, unsigned flags)
{
	rp_value *v = s ? rp_value_string_borrow(c->a, s, strlen(s), sp) : NULL;

	if (v)
		v->flags = (uint8_t)(v->flags | flags);
	return v;
}

static int set(tf_ctx *c, vt_node *base, const char *path, rp_value *v)
{
	if (!v)
		return -RP_ENOMEM;
	return rp_vt_set(c->vta, base, path, v);
}

/* Re-points every span of a freshly parsed value at sp (the JSON string in
 * the plan the value was decoded from).  Depth is bounded by the parser. */
static void respan(rp_value *v, rp_span sp, unsigned flags)
{
	uint32_t i;

	v->span = sp;
	v->flags = (uint8_t)((v->flags & ~(unsigned)RP_VF_LITERAL) | flags);
	if (v->kind == RP_V_ARRAY)
		for (i = 0; i < v->len; i++)
			respan(v->u.items[i], sp, flags);
	else if (v->kind == RP_V_OBJECT)
		for (i = 0; i < v->len; i++) {
			v->u.members[i].keyspan = sp;
			respan(v->u.members[i].val, sp, flags);
		}
}

static rp_value *decode_json(tf_ctx *c, const rp_value *v)
{
	rp_source *tmp = NULL;
	rp_json_doc *doc = NULL;
	rp_value *out = NULL;

	if (v->kind != RP_V_STRING)
		return (rp_value *)v;
	if (rp_source_from_memory("settings", v->u.s, v->len, &tmp) < 0)
		return NULL;
	if (rp_json_parse(tmp, RP_JSON_STRICT, &doc, NULL) == 0 &&
	    (rp_json_kind_of(doc, 0) == RP_JSON_OBJECT ||
	     rp_json_kind_of(doc, 0) == RP_JSON_ARRAY)) {
		out = rp_value_from_json(c->a, doc, 0);
		if (out)
			respan(out, v->span, v->flags);
	} else {
		out = (rp_value *)v; /* not JSON: kept as the string it is */
	}
	rp_json_doc_free(doc);
	rp_source_free(tmp);
	return out;
}

static bool x_true(tf_ctx *c, const tf_x *x)
{
	bool b = false;

	return rp_tf_x_bool(c, x, &b) && b;
}

/* x made a value and set at path (lands in the body). */
static int set_x(tf_ctx *c, tf_res *r, vt_node *base, const char *path, const tf_x *x)
{
	rp_value *v = rp_tf_x_value(c, r, x);

	if (!v)
		return c->err ? c->err : -RP_ENOMEM;
	return rp_vt_set(c->vta, base, path, v);
}

/* TC_SECTYPE: azurerm sets securityType TrustedLaunch when secure boot or
 * vTPM is enabled, ConfidentialVM when the OS disk has a security
 * encryption type; neither: no securityType (the platform's Standard). */
static int sectype(tf_ctx *c, tf_res *r, vt_node *base, const tf_attr *m, const tf_x *x)
{
	tf_x sb, vt, od, el, enc;
	tf_xit it;
	bool has_enc = false;

	rp_tf_x_get(c, x, "secure_boot_enabled", &sb);
	rp_tf_x_get(c, x, "vtpm_enabled", &vt);
	rp_tf_x_get(c, x, "os_disk", &od);
	if (rp_tf_x_kind(c, &od) == RP_V_ARRAY) {
		rp_tf_x_iter(c, &od, &it);
		if (rp_tf_x_next(c, &it, &el))
			has_enc = rp_tf_x_get(c, &el, "security_encryption_type", &enc);
	}
	if (has_enc && rp_tf_x_kind(c, &enc) == RP_V_STRING && c->doc->nodes[enc.val].len > 2)
		return set(c, base, m->arm, str_val(c, "ConfidentialVM", rp_tf_x_span(c, &enc), 0));
	if (x_true(c, &sb))
		return set(c, base, m->arm, str_val(c, "TrustedLaunch", rp_tf_x_span(c, &sb), 0));
	if (x_true(c, &vt))
		return set(c, base, m->arm, str_val(c, "TrustedLaunch", rp_tf_x_span(c, &vt), 0));
	if (has_enc && rp_tf_x_kind(c, &enc) == RP_V_UNKNOWN)
		return set_x(c, r, base, m->arm, &enc);
	if (rp_tf_x_kind(c, &sb) == RP_V_UNKNOWN)
		return set_x(c, r, base, m->arm, &sb);
	if (rp_tf_x_kind(c, &vt) == RP_V_UNKNOWN)
		return set_x(c, r, base, m->arm, &vt);
	return 0;
}

/* Array of objects {key: item, [extra_key: extra]} from a list value. */
static int obj_list(tf_ctx *c, vt_node *base, const char *path, const rp_value *v, const char *key,
		    const char *extra_key, const char *extra)
{
	vt_node *arr;
	uint32_t i;

	if (v->kind == RP_V_UNKNOWN)
		return set(c, base, path, (rp_value *)v);
	if (v->kind != RP_V_ARRAY)
		return 0;
	arr = rp_vt_arr_at(c->vta, base, path, v->span);
	if (!arr)
		return -RP_ENOMEM;
	for (i = 0; i < v->len; i++) {
		rp_value *it = v->u.items[i];
		vt_node *o = rp_vt_new(c->vta, VT_OBJ, it->span);
		if (!o || rp_vt_set(c->vta, o, key, it) < 0)
			return -RP_ENOMEM;
		if (extra_key && set(c, o, extra_key, str_val(c, extra, it->span, 0)) < 0)
			return -RP_ENOMEM;
		rp_vt_append(arr, o);
	}
	return 0;
}

static int apply(tf_ctx *c, tf_res *r, vt_node *base, const tf_attr *attrs, const tf_x *x,
		 uint32_t cfg, const char *parent_id, int depth);

static int one(tf_ctx *c, tf_res *r, vt_node *base, const tf_attr *m, const tf_x *x, uint32_t cfg,
	       const char *parent_id, int depth)
{
	tf_x vx, el;
	tf_xit xi;
	bool has = m->tf && m->conv != TC_SECTYPE && rp_tf_x_get(c, x, m->tf, &vx);
	rp_vkind k = has ? rp_tf_x_kind(c, &vx) : RP_V_NULL;
	uint32_t ecfg = m->tf ? rp_tf_cfg_member(c, cfg, m->tf, 0) : RP_JSON_NONE;
	rp_value *v = NULL, *out = NULL;
	const char *p, *q;
	size_t n, qn;
	vt_node *sub;
	uint32_t i;
	bool b;
	int rc;

	switch (m->conv) {
	case TC_GROUP:
		sub = rp_vt_obj_at(c->vta, base, m->arm, rp_tf_x_span(c, x));
		if (!sub)
			return -RP_ENOMEM;
		return apply(c, r, sub, m->sub, x, cfg, parent_id, depth + 1);
	case TC_SECTYPE: return sectype(c, r, base, m, x);
	case TC_CONST:
		if (m->tf && (!has || rp_tf_x_absent(c, &vx) || (rp_tf_x_bool(c, &vx, &b) && !b)))
			return 0;
		return set(c, base, m->arm,
			   str_val(c, m->aux, has ? rp_tf_x_span(c, &vx) : rp_tf_x_span(c, x), 0));
	case TC_SKU2: {
		tf_x w;
		bool hw = rp_tf_x_get(c, x, m->aux, &w);
		if (!has || !hw || rp_tf_x_absent(c, &vx) || rp_tf_x_absent(c, &w))
			return 0;
		if (k == RP_V_UNKNOWN)
			return set_x(c, r, base, m->arm, &vx);
		if (rp_tf_x_kind(c, &w) == RP_V_UNKNOWN)
			return set_x(c, r, base, m->arm, &w);
		if (!rp_tf_x_str(c, &vx, &p, &n) || !rp_tf_x_str(c, &w, &q, &qn))
			return 0;
		out = str_val(c, rp_arena_printf(c->a, "%.*s_%.*s", (int)n, p, (int)qn, q),
			      rp_tf_x_span(c, &vx), 0);
		return set(c, base, m->arm, out);
	}
	default: break;
	}
	/* Unknown and not set in the configuration: a value the provider
	 * computes (Azure's default), which an ARM template would not state
	 * either: absent.  Only when the block's configuration is known. */
	if (k == RP_V_UNKNOWN && cfg != RP_JSON_NONE && ecfg == RP_JSON_NONE)
		return 0;
	if (!has || rp_tf_x_absent(c, &vx)) {
		if (m->conv == TC_PRESENT && k == RP_V_ARRAY)
			return set(c, base, m->arm,
				   rp_value_bool(c->a, false, rp_tf_x_span(c, &vx)));
		return 0;
	}
	switch (m->conv) {
	case TC_COPY: return set_x(c, r, base, m->arm, &vx);
	case TC_SECRET:
		/* a fresh value: flagged in place */
		if (!(v = rp_tf_x_value(c, r, &vx)))
			return c->err ? c->err : -RP_ENOMEM;
		v->flags |= RP_VF_SECURE;
		return set(c, base, m->arm, v);
	case TC_TRUE_ONLY:
		if (k == RP_V_UNKNOWN || x_true(c, &vx))
			return set_x(c, r, base, m->arm, &vx);
		return 0;
	case TC_TRUE_CONST:
		return set(c, base, m->arm, rp_value_bool(c->a, true, rp_tf_x_span(c, &vx)));
	case TC_ENABLED:
		if (rp_tf_x_bool(c, &vx, &b))
			return set(c, base, m->arm,
				   str_val(c, b ? "Enabled" : "Disabled", rp_tf_x_span(c, &vx), 0));
		return k == RP_V_UNKNOWN ? set_x(c, r, base, m->arm, &vx) : 0;
	case TC_NOT:
		if (rp_tf_x_bool(c, &vx, &b))
			return set(c, base, m->arm, rp_value_bool(c->a, !b, rp_tf_x_span(c, &vx)));
		return k == RP_V_UNKNOWN ? set_x(c, r, base, m->arm, &vx) : 0;
	case TC_ID:
		rc = rp_tf_resolve_id(c, r, &vx, ecfg, m->tf, m->aux, &out);
		if (rc < 0)
			return rc;
		return out ? set(c, base, m->arm, out) : 0;
	case TC_ID_LIST:
	case TC_VNET_RULES:
		rc = rp_tf_resolve_id_list(c, r, &vx, ecfg, m->tf, m->aux, &out);
		if (rc < 0)
			return rc;
		if (!out)
			return 0;
		if (out->kind != RP_V_ARRAY)
			return set(c, base, m->arm, out);
		return m->conv == TC_ID_LIST
			       ? obj_list(c, base, m->arm, out, "id", NULL, NULL)
			       : obj_list(c, base, m->arm, out, "id", "action", "Allow");
	case TC_PRESENT:
		if (k == RP_V_UNKNOWN)
			return set_x(c, r, base, m->arm, &vx);
		return set(c, base, m->arm, rp_value_bool(c->a, true, rp_tf_x_span(c, &vx)));
	case TC_BLOCK:
		if (k == RP_V_ARRAY) {
			rp_tf_x_iter(c, &vx, &xi);
			if (!rp_tf_x_next(c, &xi, &el))
				return 0;
		} else if (k == RP_V_OBJECT) {
			el = vx;
		} else {
			return 0;
		}
		if (rp_tf_x_kind(c, &el) != RP_V_OBJECT)
			return 0;
		sub = rp_vt_obj_at(c->vta, base, m->arm, rp_tf_x_span(c, &el));
		if (!sub)
			return -RP_ENOMEM;
		/* el may point at vx: both outlive the call */
		return apply(c, r, sub, m->sub, &el, ecfg, parent_id, depth + 1);
	case TC_BLOCKS: {
		vt_node *arr;
		if (k == RP_V_UNKNOWN)
			return set_x(c, r, base, m->arm, &vx);
		if (k != RP_V_ARRAY)
			return 0;
		arr = rp_vt_arr_at(c->vta, base, m->arm, rp_tf_x_span(c, &vx));
		if (!arr)
			return -RP_ENOMEM;
		rp_tf_x_iter(c, &vx, &xi);
		while (rp_tf_x_next(c, &xi, &el)) {
			vt_node *e;
			if (rp_tf_x_kind(c, &el) != RP_V_OBJECT)
				continue;
			e = rp_vt_new(c->vta, VT_OBJ, rp_tf_x_span(c, &el));
			if (!e)
				return -RP_ENOMEM;
			rc = apply(c, r, e, m->sub, &el, rp_tf_cfg_member(c, cfg, m->tf, el.idx),
				   parent_id, depth + 1);
			if (rc < 0)
				return rc;
			rp_vt_append(arr, e);
		}
		return 0;
	}
	case TC_SSH_KEYS: {
		vt_node *arr;
		if (k == RP_V_UNKNOWN)
			return set_x(c, r, base, m->arm, &vx);
		if (k != RP_V_ARRAY)
			return 0;
		arr = rp_vt_arr_at(c->vta, base, m->arm, rp_tf_x_span(c, &vx));
		if (!arr)
			return -RP_ENOMEM;
		rp_tf_x_iter(c, &vx, &xi);
		while (rp_tf_x_next(c, &xi, &el)) {
			tf_x key, user;
			vt_node *e = rp_vt_new(c->vta, VT_OBJ, rp_tf_x_span(c, &el));
			if (!e)
				return -RP_ENOMEM;
			if (rp_tf_x_get(c, &el, "public_key", &key) &&
			    (rc = set_x(c, r, e, "keyData", &key)) < 0)
				return rc;
			if (rp_tf_x_get(c, &el, "username", &user)) {
				if (rp_tf_x_str(c, &user, &p, &n)) {
					out = str_val(c,
						      rp_arena_printf(c->a,
								      "/home/%.*s/.ssh/"
								      "authorized_keys",
								      (int)n, p),
						      rp_tf_x_span(c, &user), 0);
					if ((rc = set(c, e, "path", out)) < 0)
						return rc;
				} else if (rp_tf_x_kind(c, &user) == RP_V_UNKNOWN) {
					if ((rc = set_x(c, r, e, "path", &user)) < 0)
						return rc;
				}
			}
			rp_vt_append(arr, e);
		}
		return 0;
	}
	default: break;
	}
	/* the rest read the value as a whole */
	if (!(v = rp_tf_x_value(c, r, &vx)))
		return c->err ? c->err : -RP_ENOMEM;
	switch (m->conv) {
	case TC_LOWER:
	case TC_CAPITAL:
		if (v->kind == RP_V_STRING) {
			char *s = rp_arena_strndup(c->a, v->u.s, v->len);
			if (!s)
				return -RP_ENOMEM;
			if (m->conv == TC_LOWER) {
				for (i = 0; i < v->len; i++)
					s[i] = (char)tolower((unsigned char)s[i]);
			} else {
				s[0] = (char)toupper((unsigned char)s[0]);
			}
			out = rp_value_string_borrow(c->a, s, v->len, v->span);
			if (out)
				out->flags = v->flags;
			return set(c, base, m->arm, out);
		}
		return set(c, base, m->arm, v);
	case TC_JOIN:
		if (v->kind == RP_V_ARRAY) {
			char *s = "";
			for (i = 0; i < v->len; i++) {
				const rp_value *it = v->u.items[i];
				if (it->kind == RP_V_UNKNOWN)
					return set(c, base, m->arm, (rp_value *)it);
				if (it->kind != RP_V_STRING)
					return 0;
				s = rp_arena_printf(c->a, "%s%s%s", s, i ? ", " : "", it->u.s);
				if (!s)
					return -RP_ENOMEM;
			}
			return set(c, base, m->arm, str_val(c, s, v->span, v->flags));
		}
		return set(c, base, m->arm, v);
	case TC_JSON: out = decode_json(c, v); return set(c, base, m->arm, out);
	case TC_ZONE:
		if (v->kind == RP_V_STRING || v->kind == RP_V_UNKNOWN)
			return set(c, base, m->arm, rp_value_array(c->a, &v, 1, v->span));
		return set(c, base, m->arm, v);
	case TC_SINGLE:
		if (v->kind == RP_V_ARRAY && v->len == 1)
			return set(c, base, m->arm, v->u.items[0]);
		return 0;
	case TC_VALUE_LIST: return obj_list(c, base, m->arm, v, "value", "action", "Allow");
	case TC_SERVICE_LIST: return obj_list(c, base, m->arm, v, "service", NULL, NULL);
	case TC_CHILD_ID:
		if (v->kind == RP_V_STRING && parent_id) {
			out = str_val(c,
				      rp_arena_printf(c->a, "%s/%s/%s", parent_id, m->aux, v->u.s),
				      v->span, 0);
			return set(c, base, m->arm, out);
		}
		return v->kind == RP_V_UNKNOWN ? set(c, base, m->arm, v) : 0;
	case TC_IDENTITY: {
		const rp_value *blk = v->kind == RP_V_ARRAY ? v->u.items[0] : v;
		const rp_value *type, *ids;
		if (blk->kind == RP_V_UNKNOWN)
			return set(c, base, m->arm, (rp_value *)blk);
		if (blk->kind != RP_V_OBJECT)
			return 0;
		sub = rp_vt_obj_at(c->vta, base, m->arm, blk->span);
		if (!sub)
			return -RP_ENOMEM;
		type = rp_value_getz(blk, "type");
		if (!absent(type) && (rc = set(c, sub, "type", (rp_value *)type)) < 0)
			return rc;
		ids = rp_value_getz(blk, "identity_ids");
		if (absent(ids))
			return 0;
		if (ids->kind != RP_V_ARRAY)
			return set(c, sub, "userAssignedIdentities", (rp_value *)ids);
		{
			vt_node *uai =
				rp_vt_obj_at(c->vta, sub, "userAssignedIdentities", ids->span);
			if (!uai)
				return -RP_ENOMEM;
			for (i = 0; i < ids->len; i++) {
				const rp_value *id = ids->u.items[i];
				vt_node *e;
				if (id->kind != RP_V_STRING) {
					/* an identity created in the same plan */
					return set(c, sub, "userAssignedIdentities",
						   rp_value_unknown(c->a, id->span,
								    "known after apply: "
								    "%s.identity.identity_ids",
								    r->address));
				}
				e = rp_vt_new(c->vta, VT_OBJ, id->span);
				if (!e || rp_vt_put(c->vta, uai, id->u.s, id->len, e) < 0)
					return -RP_ENOMEM;
				e->keyspan = id->span;
			}
		}
		return 0;
	}
	default: return -RP_EINTERNAL;
	}
}

static int apply(tf_ctx *c, tf_res *r, vt_node *base, const tf_attr *attrs, const tf_x *x,
		 uint32_t cfg, const char *parent_id, int depth)
{
	const tf_attr *m;
	int rc;

	if (depth > TF_MAP_MAX_DEPTH)
		return -RP_EINTERNAL;
	for (m = attrs; m->tf || m->arm; m++) {
		rc = one(c, r, base, m, x, cfg, parent_id, depth);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rp_tf_map_resource(tf_ctx *c, tf_res *r, vt_node *base, const tf_attr *attrs, const tf_x *x,
		       uint32_t cfg, const char *parent_id)
{
	return apply(c, r, base, attrs, x, cfg, parent_id, 0);
}
