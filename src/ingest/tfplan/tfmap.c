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

static bool is_true(const rp_value *v)
{
	return v && v->kind == RP_V_BOOL && v->u.b;
}

/* TC_SECTYPE: azurerm sets securityType TrustedLaunch when secure boot or
 * vTPM is enabled, ConfidentialVM when the OS disk has a security
 * encryption type; neither: no securityType (the platform's Standard). */
static int sectype(tf_ctx *c, vt_node *base, const tf_attr *m, const rp_value *tfv)
{
	const rp_value *sb = rp_value_getz(tfv, "secure_boot_enabled");
	const rp_value *vt = rp_value_getz(tfv, "vtpm_enabled");
	const rp_value *od = rp_value_getz(tfv, "os_disk");
	const rp_value *set_enc = NULL;

	if (od && od->kind == RP_V_ARRAY && od->len > 0)
		set_enc = rp_value_getz(od->u.items[0], "security_encryption_type");
	if (set_enc && set_enc->kind == RP_V_STRING && set_enc->len > 0)
		return set(c, base, m->arm, str_val(c, "ConfidentialVM", set_enc->span, 0));
	if (is_true(sb))
		return set(c, base, m->arm, str_val(c, "TrustedLaunch", sb->span, 0));
	if (is_true(vt))
		return set(c, base, m->arm, str_val(c, "TrustedLaunch", vt->span, 0));
	if (set_enc && set_enc->kind == RP_V_UNKNOWN)
		return set(c, base, m->arm,
			   rp_value_with(c->a, set_enc, set_enc->flags, set_enc->span));
	if (sb && sb->kind == RP_V_UNKNOWN)
		return set(c, base, m->arm, rp_value_with(c->a, sb, sb->flags, sb->span));
	if (vt && vt->kind == RP_V_UNKNOWN)
		return set(c, base, m->arm, rp_value_with(c->a, vt, vt->flags, vt->span));
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

static int apply(tf_ctx *c, tf_res *r, vt_node *base, const tf_attr *attrs, const rp_value *tfv,
		 uint32_t cfg, const char *parent_id, int depth);

static int one(tf_ctx *c, tf_res *r, vt_node *base, const tf_attr *m, const rp_value *tfv,
	       uint32_t cfg, const char *parent_id, int depth)
{
	rp_value *v = m->tf && m->conv != TC_SECTYPE ? rp_value_getz(tfv, m->tf) : NULL;
	uint32_t ecfg = m->tf ? rp_tf_cfg_member(c, cfg, m->tf, 0) : RP_JSON_NONE;
	rp_value *out = NULL;
	vt_node *sub;
	uint32_t i;
	int rc;

	switch (m->conv) {
	case TC_GROUP:
		sub = rp_vt_obj_at(c->vta, base, m->arm, tfv->span);
		if (!sub)
			return -RP_ENOMEM;
		return apply(c, r, sub, m->sub, tfv, cfg, parent_id, depth + 1);
	case TC_SECTYPE: return sectype(c, base, m, tfv);
	case TC_CONST:
		if (m->tf && (absent(v) || (v->kind == RP_V_BOOL && !v->u.b)))
			return 0;
		return set(c, base, m->arm, str_val(c, m->aux, v ? v->span : tfv->span, 0));
	case TC_SKU2: {
		const rp_value *w = rp_value_getz(tfv, m->aux);
		if (absent(v) || absent(w))
			return 0;
		if (v->kind == RP_V_UNKNOWN)
			return set(c, base, m->arm, v);
		if (w->kind == RP_V_UNKNOWN)
			return set(c, base, m->arm, (rp_value *)w);
		if (v->kind != RP_V_STRING || w->kind != RP_V_STRING)
			return 0;
		out = str_val(c, rp_arena_printf(c->a, "%s_%s", v->u.s, w->u.s), v->span, 0);
		return set(c, base, m->arm, out);
	}
	default: break;
	}
	/* Unknown and not set in the configuration: a value the provider
	 * computes (Azure's default), which an ARM template would not state
	 * either: absent.  Only when the block's configuration is known. */
	if (v && v->kind == RP_V_UNKNOWN && cfg != RP_JSON_NONE && ecfg == RP_JSON_NONE)
		return 0;
	if (absent(v)) {
		if (m->conv == TC_PRESENT && v && v->kind == RP_V_ARRAY)
			return set(c, base, m->arm, rp_value_bool(c->a, false, v->span));
		return 0;
	}
	switch (m->conv) {
	case TC_COPY: return set(c, base, m->arm, v);
	case TC_SECRET:
		return set(c, base, m->arm,
			   rp_value_with(c->a, v, v->flags | RP_VF_SECURE, v->span));
	case TC_TRUE_ONLY:
		if (v->kind == RP_V_UNKNOWN || is_true(v))
			return set(c, base, m->arm, v);
		return 0;
	case TC_TRUE_CONST: return set(c, base, m->arm, rp_value_bool(c->a, true, v->span));
	case TC_ENABLED:
		if (v->kind == RP_V_BOOL)
			return set(c, base, m->arm,
				   str_val(c, v->u.b ? "Enabled" : "Disabled", v->span, 0));
		return v->kind == RP_V_UNKNOWN ? set(c, base, m->arm, v) : 0;
	case TC_NOT:
		if (v->kind == RP_V_BOOL)
			return set(c, base, m->arm, rp_value_bool(c->a, !v->u.b, v->span));
		return v->kind == RP_V_UNKNOWN ? set(c, base, m->arm, v) : 0;
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
	case TC_ID:
		rc = rp_tf_resolve_id(c, r, v, ecfg, m->tf, m->aux, &out);
		if (rc < 0)
			return rc;
		return out ? set(c, base, m->arm, out) : 0;
	case TC_ID_LIST:
	case TC_VNET_RULES:
		rc = rp_tf_resolve_id_list(c, r, v, ecfg, m->tf, m->aux, &out);
		if (rc < 0)
			return rc;
		if (!out)
			return 0;
		if (out->kind != RP_V_ARRAY)
			return set(c, base, m->arm, out);
		return m->conv == TC_ID_LIST
			       ? obj_list(c, base, m->arm, out, "id", NULL, NULL)
			       : obj_list(c, base, m->arm, out, "id", "action", "Allow");
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
	case TC_PRESENT:
		if (v->kind == RP_V_UNKNOWN)
			return set(c, base, m->arm, v);
		return set(c, base, m->arm, rp_value_bool(c->a, true, v->span));
	case TC_BLOCK:
		if (v->kind != RP_V_ARRAY && v->kind != RP_V_OBJECT)
			return 0;
		if (v->kind == RP_V_ARRAY)
			v = v->u.items[0];
		if (v->kind != RP_V_OBJECT)
			return 0;
		sub = rp_vt_obj_at(c->vta, base, m->arm, v->span);
		if (!sub)
			return -RP_ENOMEM;
		return apply(c, r, sub, m->sub, v, ecfg, parent_id, depth + 1);
	case TC_BLOCKS: {
		vt_node *arr;
		if (v->kind == RP_V_UNKNOWN)
			return set(c, base, m->arm, v);
		if (v->kind != RP_V_ARRAY)
			return 0;
		arr = rp_vt_arr_at(c->vta, base, m->arm, v->span);
		if (!arr)
			return -RP_ENOMEM;
		for (i = 0; i < v->len; i++) {
			rp_value *it = v->u.items[i];
			vt_node *el;
			if (it->kind != RP_V_OBJECT)
				continue;
			el = rp_vt_new(c->vta, VT_OBJ, it->span);
			if (!el)
				return -RP_ENOMEM;
			rc = apply(c, r, el, m->sub, it, rp_tf_cfg_member(c, cfg, m->tf, i),
				   parent_id, depth + 1);
			if (rc < 0)
				return rc;
			rp_vt_append(arr, el);
		}
		return 0;
	}
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
	case TC_SSH_KEYS: {
		vt_node *arr;
		if (v->kind == RP_V_UNKNOWN)
			return set(c, base, m->arm, v);
		if (v->kind != RP_V_ARRAY)
			return 0;
		arr = rp_vt_arr_at(c->vta, base, m->arm, v->span);
		if (!arr)
			return -RP_ENOMEM;
		for (i = 0; i < v->len; i++) {
			const rp_value *it = v->u.items[i];
			const rp_value *key = rp_value_getz(it, "public_key");
			const rp_value *user = rp_value_getz(it, "username");
			vt_node *el = rp_vt_new(c->vta, VT_OBJ, it->span);
			if (!el)
				return -RP_ENOMEM;
			if (key && (rc = set(c, el, "keyData", (rp_value *)key)) < 0)
				return rc;
			if (user && user->kind == RP_V_STRING) {
				out = str_val(c,
					      rp_arena_printf(c->a, "/home/%s/.ssh/authorized_keys",
							      user->u.s),
					      user->span, 0);
				if ((rc = set(c, el, "path", out)) < 0)
					return rc;
			} else if (user && user->kind == RP_V_UNKNOWN) {
				if ((rc = set(c, el, "path", (rp_value *)user)) < 0)
					return rc;
			}
			rp_vt_append(arr, el);
		}
		return 0;
	}
	default: return -RP_EINTERNAL;
	}
}

static int apply(tf_ctx *c, tf_res *r, vt_node *base, const tf_attr *attrs, const rp_value *tfv,
		 uint32_t cfg, const char *parent_id, int depth)
{
	const tf_attr *m;
	int rc;

	if (depth > TF_MAP_MAX_DEPTH)
		return -RP_EINTERNAL;
	for (m = attrs; m->tf || m->arm; m++) {
		rc = one(c, r, base, m, tfv, cfg, parent_id, depth);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rp_tf_map_resource(tf_ctx *c, tf_res *r, vt_node *base, const tf_attr *attrs,
		       const rp_value *tfv, uint32_t cfg, const char *parent_id)
{
	return apply(c, r, base, attrs, tfv, cfg, parent_id, 0);
}
