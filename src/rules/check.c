/* check.c: property access with defaults, extension and VM helpers for
 * the rule checks (check.h).  Size and image tables follow azure-facts
 * 1.6 and 1.8. */
#include "rules/check.h"
#include "util/str.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_SEGMENT 128

void rp_prop_get(const rp_mobj *o, const char *path, rp_prop *out)
{
	const rp_value *cur = o->body;
	const char *p = path;
	rp_default_result dr;

	memset(out, 0, sizeof(*out));
	out->path = path;
	out->anchor = cur;
	if (cur && cur->kind == RP_V_OBJECT && strncmp(p, "properties.", 11) == 0) {
		/* the first step, taken by the model already: o->props is
		 * body.properties */
		if (!o->props)
			cur = NULL;
		else {
			cur = o->props;
			out->anchor = cur;
			p += 11;
		}
	}
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		const rp_value *next;

		if (cur->kind == RP_V_UNKNOWN) {
			out->unknown = cur->u.reason;
			out->anchor = cur;
			return;
		}
		if (cur->kind != RP_V_OBJECT && cur->kind != RP_V_NULL) {
			/* A string, number or array where the schema has an
			 * object: ARM would reject the resource.  Not "absent"
			 * (that would apply a default: a guess); unknown. */
			out->unknown = "a property on the path is not an object, as the resource "
				       "schema requires (Azure Resource Manager rejects it)";
			out->anchor = cur;
			return;
		}
		next = rp_value_get(cur, p, n);
		if (!next) {
			cur = NULL;
			break;
		}
		cur = next;
		if (!dot)
			break;
		out->anchor = cur;
		p = dot + 1;
	}
	if (cur) {
		out->v = cur;
		out->anchor = cur;
		if (cur->kind == RP_V_UNKNOWN)
			out->unknown = cur->u.reason;
		else if (cur->kind == RP_V_NULL)
			out->v = NULL; /* null() = absent, as ARM treats it */
		if (out->v)
			return;
	}
	dr = rp_default_lookup(o->type, path, o->res->api_version, o->body, &out->def);
	if (dr == RP_DEFAULT_FOUND)
		out->v = &out->def->value;
	else if (dr == RP_DEFAULT_API_UNKNOWN)
		out->api_unknown = true;
}

rp_tri rp_prop_bool(const rp_prop *p)
{
	if (p->unknown || p->api_unknown)
		return RP_TRI_UNKNOWN;
	if (!p->v)
		return RP_TRI_ABSENT;
	if (p->v->kind == RP_V_BOOL)
		return p->v->u.b ? RP_TRI_TRUE : RP_TRI_FALSE;
	if (rp_value_str_ieq(p->v, "true"))
		return RP_TRI_TRUE;
	if (rp_value_str_ieq(p->v, "false"))
		return RP_TRI_FALSE;
	return RP_TRI_BAD;
}

const char *rp_prop_str(const rp_prop *p)
{
	if (p->unknown || p->api_unknown || !rp_value_is(p->v, RP_V_STRING))
		return NULL;
	return p->v->u.s;
}

const char *rp_prop_why(const rp_prop *p)
{
	if (p->unknown)
		return p->unknown;
	if (p->api_unknown)
		return "the property is absent and its Azure default depends on the apiVersion, "
		       "which is not set";
	if (p->v && p->v->kind != RP_V_BOOL && p->v->kind != RP_V_STRING)
		return "the property has an unexpected type";
	return "unknown";
}

const char *rp_prop_default_note(rp_rule_ctx *ctx, const rp_prop *p)
{
	if (!p->def)
		return "";
	return rp_rule_printf(ctx, " (absent; %s)", p->def->note);
}

bool rp_ext_is(const rp_mobj *ext, const char *publisher, const char *type)
{
	const char *p = rp_model_ext_publisher(ext), *t = rp_model_ext_type(ext);
	size_t pn = strlen(publisher), tn = strlen(type);

	return p && t && strlen(p) == pn && rp_str_ieq(p, publisher, pn) && strlen(t) == tn &&
	       rp_str_ieq(t, type, tn);
}

bool rp_ext_unknown(const rp_mobj *ext, const char **why)
{
	const rp_value *p = rp_value_getz(ext->props, "publisher");
	const rp_value *t = rp_value_getz(ext->props, "type");

	if (rp_value_is(p, RP_V_UNKNOWN)) {
		*why = p->u.reason;
		return true;
	}
	if (rp_value_is(t, RP_V_UNKNOWN)) {
		*why = t->u.reason;
		return true;
	}
	if (rp_value_is(ext->props, RP_V_UNKNOWN)) {
		*why = ext->props->u.reason;
		return true;
	}
	return false;
}

static bool has_sub_ci(const char *s, const char *sub)
{
	size_t n = strlen(s), m = strlen(sub), i;

	for (i = 0; m <= n && i <= n - m; i++)
		if (rp_str_ieq(s + i, sub, m))
			return true;
	return false;
}

static bool prefix_ci(const char *s, const char *pre)
{
	size_t m = strlen(pre);

	return strlen(s) >= m && rp_str_ieq(s, pre, m);
}

static bool eq_ci(const char *s, const char *t)
{
	size_t n = strlen(t);

	return strlen(s) == n && rp_str_ieq(s, t, n);
}

/* API version >= 2021-11-01 (TLaD preview condition, azure-facts 1.4). */
static bool tlad_api(const rp_mobj *vm)
{
	return vm->res->api_version && rp_api_cmp(vm->res->api_version, "2021-11-01") >= 0;
}

const char *rp_vm_security_type(rp_rule_ctx *ctx, const rp_mobj *vm, rp_prop *p, bool *assumed_tl,
				const char **why)
{
	rp_prop sp;
	const char *s;

	*assumed_tl = false;
	*why = NULL;
	rp_prop_get(vm, rp_vm_path(ctx, vm, "securityProfile.securityType"), p);
	if (p->unknown) {
		*why = p->unknown;
		return NULL;
	}
	s = rp_prop_str(p);
	if (!s) {
		*why = "securityType has an unexpected type";
		return NULL;
	}
	if (p->def && rp_rule_opts(ctx)->assume_trusted_launch_default) {
		/* TLaD: securityProfile ABSENT, API >= 2021-11-01, Gen2 image, TL size. */
		rp_prop_get(vm, rp_vm_path(ctx, vm, "securityProfile"), &sp);
		if (!sp.v && !sp.unknown && tlad_api(vm)) {
			const char *d1, *d2;
			const rp_value *a1, *a2;
			rp_capability g = rp_vm_image_gen2(ctx, vm, &d1, &a1);
			rp_capability z = rp_vm_size_tl(ctx, vm, &d2, &a2);
			if (g == RP_CAP_YES && z == RP_CAP_YES) {
				*assumed_tl = true;
				return "TrustedLaunch";
			}
			if (g != RP_CAP_NO && z != RP_CAP_NO) {
				*why = rp_rule_printf(
					ctx,
					"Trusted Launch by default (preview) applies only to an "
					"eligible Gen2 image and size: %s; %s",
					d1, d2);
				return NULL;
			}
		}
	}
	if (eq_ci(s, "TrustedLaunch"))
		return "TrustedLaunch";
	if (eq_ci(s, "ConfidentialVM"))
		return "ConfidentialVM";
	return "Standard";
}

/* ---- image generation (azure-facts 1.8) ---- */

rp_capability rp_vm_image_gen2(rp_rule_ctx *ctx, const rp_mobj *vm, const char **detail,
			       const rp_value **at)
{
	rp_prop ir;
	const rp_value *pub, *offer, *sku, *id;
	const char *ps, *os, *ss;

	*at = NULL;
	rp_prop_get(vm, rp_vm_path(ctx, vm, "storageProfile.imageReference"), &ir);
	*at = ir.anchor;
	if (ir.unknown) {
		*detail =
			rp_rule_printf(ctx, "the image reference cannot be known (%s)", ir.unknown);
		return RP_CAP_UNKNOWN;
	}
	if (!ir.v) {
		/* Attached OS disk or no image: generation is the disk's. */
		*detail = "no imageReference (attached OS disk): the image generation is the "
			  "disk's hyperVGeneration";
		return RP_CAP_UNKNOWN;
	}
	id = rp_value_getz(ir.v, "id");
	pub = rp_value_getz(ir.v, "publisher");
	offer = rp_value_getz(ir.v, "offer");
	sku = rp_value_getz(ir.v, "sku");
	if (id && !pub) {
		*detail = "the image is a gallery or managed image: its generation is the image "
			  "definition's hyperVGeneration";
		return RP_CAP_UNKNOWN;
	}
	if (rp_value_is(sku, RP_V_UNKNOWN) || rp_value_is(offer, RP_V_UNKNOWN) ||
	    rp_value_is(pub, RP_V_UNKNOWN)) {
		const rp_value *u = rp_value_is(sku, RP_V_UNKNOWN)     ? sku
				    : rp_value_is(offer, RP_V_UNKNOWN) ? offer
								       : pub;
		*at = u;
		*detail = rp_rule_printf(ctx, "the image SKU cannot be known (%s)", u->u.reason);
		return RP_CAP_UNKNOWN;
	}
	if (!rp_value_is(sku, RP_V_STRING) || !rp_value_is(offer, RP_V_STRING) ||
	    !rp_value_is(pub, RP_V_STRING)) {
		*detail = "the image reference is incomplete";
		return RP_CAP_UNKNOWN;
	}
	*at = sku;
	ps = pub->u.s;
	os = offer->u.s;
	ss = sku->u.s;
	/* Explicit markers first. */
	if (has_sub_ci(ss, "gen1")) {
		*detail = rp_rule_printf(ctx, "image SKU '%s' is Generation 1", ss);
		return RP_CAP_NO;
	}
	if (has_sub_ci(ss, "gen2") || has_sub_ci(ss, "gensecond") || has_sub_ci(ss, "-g2") ||
	    has_sub_ci(ss, "azure-edition") || has_sub_ci(ss, "cvm")) {
		*detail = rp_rule_printf(ctx, "image SKU '%s' is Generation 2", ss);
		return RP_CAP_YES;
	}
	/* Ubuntu 24.04: sku "server" is Gen2 (Gen1 is "server-gen1"). */
	if (eq_ci(ps, "Canonical") && prefix_ci(os, "ubuntu-24_04")) {
		*detail = rp_rule_printf(ctx, "Ubuntu 24.04 image SKU '%s' is Generation 2", ss);
		return RP_CAP_YES;
	}
	/* Publishers that publish Gen2 as separate SKUs: an unmarked SKU is the
	 * Gen1 one (documented pairs: 2019-Datacenter vs
	 * 2019-datacenter-gensecond; 22_04-lts vs 22_04-lts-gen2). */
	if (eq_ci(ps, "MicrosoftWindowsServer") || eq_ci(ps, "MicrosoftWindowsDesktop") ||
	    (eq_ci(ps, "Canonical") &&
	     (eq_ci(os, "UbuntuServer") || prefix_ci(os, "0001-com-ubuntu-server"))) ||
	    (eq_ci(ps, "RedHat") && eq_ci(os, "RHEL"))) {
		*detail = rp_rule_printf(ctx,
					 "image %s:%s:%s is the Generation 1 SKU (its Gen2 twin "
					 "has a -gen2 / -g2 / -gensecond suffix)",
					 ps, os, ss);
		return RP_CAP_NO;
	}
	*detail = rp_rule_printf(ctx,
				 "the generation of image %s:%s:%s is not recorded in rampart's "
				 "table (check hyperVGeneration with az vm image show)",
				 ps, os, ss);
	return RP_CAP_UNKNOWN;
}

/* ---- VM sizes (azure-facts 1.6) ---- */

typedef enum size_class {
	SZ_TL = 0,      /* Trusted Launch supported */
	SZ_NO_GEN2 = 1, /* size family has no Generation 2 */
	SZ_NOT_YET = 2, /* Gen2 but "currently not supported" */
	SZ_CVM = 3,     /* confidential family: use ConfidentialVM */
	SZ_UNKNOWN = 4,
} size_class;

/* Splits "Standard_D4s_v3" into family letters "D", suffix letters "s"
 * and version 3 (0 when absent; the last "_v<digits>" counts, so
 * "ND96amsr_A100_v4" has version 4). */
static void parse_size(const char *size, char *fam, size_t famcap, char *suf, size_t sufcap,
		       int *ver, bool *digits)
{
	const char *p = size, *v;
	size_t i = 0, j = 0;

	*ver = 0;
	*digits = false;
	if (prefix_ci(p, "Standard_"))
		p += 9;
	else if (prefix_ci(p, "Basic_"))
		p += 6;
	while (*p && isalpha((unsigned char)*p) && i + 1 < famcap)
		fam[i++] = (char)toupper((unsigned char)*p++);
	fam[i] = '\0';
	while (*p && (isdigit((unsigned char)*p) || *p == '-')) {
		*digits = true;
		p++;
	}
	while (*p && *p != '_' && j + 1 < sufcap)
		suf[j++] = (char)tolower((unsigned char)*p++);
	suf[j] = '\0';
	for (v = p; (v = strchr(v, '_')) != NULL; v++) {
		if ((v[1] == 'v' || v[1] == 'V') && isdigit((unsigned char)v[2])) {
			int n = 0;
			const char *q = v + 2;
			while (isdigit((unsigned char)*q) && n < 1000)
				n = n * 10 + (*q++ - '0');
			*ver = n;
		}
	}
}

static size_class classify_size(const char *size)
{
	char fam[16], suf[16];
	int ver;
	bool digits;

	parse_size(size, fam, sizeof(fam), suf, sizeof(suf), &ver, &digits);
	if (!digits || !fam[0])
		return SZ_UNKNOWN;
	if (!strcmp(fam, "A"))
		return SZ_NO_GEN2;
	if (!strcmp(fam, "DS"))
		return ver >= 2 ? SZ_TL : SZ_UNKNOWN;
	if (!strcmp(fam, "D")) {
		if (ver == 2)
			return SZ_NO_GEN2;
		if (ver == 3)
			return strchr(suf, 's') ? SZ_TL : SZ_NO_GEN2;
		if (ver == 5 && strchr(suf, 'p'))
			return SZ_NOT_YET;
		return ver >= 4 ? SZ_TL : SZ_UNKNOWN;
	}
	if (!strcmp(fam, "DC")) {
		if (strchr(suf, 'a') || strchr(suf, 'e'))
			return SZ_CVM;
		return (ver == 2 || ver == 3) ? SZ_TL : SZ_UNKNOWN;
	}
	if (!strcmp(fam, "EC"))
		return SZ_CVM;
	if (!strcmp(fam, "M"))
		return SZ_NOT_YET;
	if (!strcmp(fam, "NC") || !strcmp(fam, "NV"))
		return ver ? SZ_TL : SZ_NO_GEN2;
	if (!strcmp(fam, "NP"))
		return SZ_NO_GEN2;
	if (!strcmp(fam, "ND"))
		return (ver == 4 && (strstr(suf, "asr") || strstr(suf, "amsr"))) ? SZ_NOT_YET
										 : SZ_TL;
	if (!strcmp(fam, "B") || !strcmp(fam, "E") || !strcmp(fam, "F") || !strcmp(fam, "FX") ||
	    !strcmp(fam, "L") || !strcmp(fam, "HB") || !strcmp(fam, "HC") || !strcmp(fam, "HX"))
		return SZ_TL;
	return SZ_UNKNOWN;
}

rp_capability rp_vm_size_tl(rp_rule_ctx *ctx, const rp_mobj *vm, const char **detail,
			    const rp_value **at)
{
	rp_prop sz;
	const char *s;

	rp_prop_get(vm, vm->kind == RP_MK_VMSS ? "sku.name" : "properties.hardwareProfile.vmSize",
		    &sz);
	*at = sz.anchor;
	if (sz.unknown) {
		*detail = rp_rule_printf(ctx, "the VM size cannot be known (%s)", sz.unknown);
		return RP_CAP_UNKNOWN;
	}
	s = rp_prop_str(&sz);
	if (!s) {
		*detail = "no VM size is set";
		return RP_CAP_UNKNOWN;
	}
	switch (classify_size(s)) {
	case SZ_TL:
		*detail = rp_rule_printf(ctx, "size %s supports Trusted Launch", s);
		return RP_CAP_YES;
	case SZ_NO_GEN2:
		*detail = rp_rule_printf(
			ctx,
			"size %s belongs to a family without Generation 2 support (A, Dv2, Dv3, "
			"original NC/NV, NP): choose a v5 or later size such as Standard_D2s_v5",
			s);
		return RP_CAP_NO;
	case SZ_NOT_YET:
		*detail = rp_rule_printf(ctx,
					 "size %s does not support Trusted Launch yet (M-family, "
					 "Dpsv5/Dpdsv5/Dplsv5/Dpldsv5, NDasrA100_v4, NDm_A100_v4): "
					 "choose a TL-capable size",
					 s);
		return RP_CAP_NO;
	case SZ_CVM:
		*detail = rp_rule_printf(
			ctx, "size %s is a confidential size: use securityType ConfidentialVM", s);
		return RP_CAP_NO;
	default:
		*detail = rp_rule_printf(ctx,
					 "size %s is not in rampart's Trusted Launch table (check "
					 "the SKU capability TrustedLaunchDisabled)",
					 s);
		return RP_CAP_UNKNOWN;
	}
}

int rp_check_bool_prop(rp_rule_ctx *ctx, const rp_mobj *o, const char *path, bool secure,
		       const char *insecure_text, const char *secure_text)
{
	rp_prop p;
	rp_tri t;

	rp_prop_get(o, path, &p);
	t = rp_prop_bool(&p);
	switch (t) {
	case RP_TRI_TRUE:
	case RP_TRI_FALSE:
		if ((t == RP_TRI_TRUE) == secure)
			return rp_report_prop(
				ctx, o, RP_STATUS_PASS, &p, "%s: %s is %s%s", secure_text, path,
				t == RP_TRI_TRUE ? "true" : "false", rp_prop_default_note(ctx, &p));
		return rp_report_prop(ctx, o, RP_STATUS_FAIL, &p, "%s: %s is %s%s", insecure_text,
				      path, t == RP_TRI_TRUE ? "true" : "false",
				      rp_prop_default_note(ctx, &p));
	case RP_TRI_ABSENT:
		return rp_report_prop(ctx, o, RP_STATUS_UNKNOWN, &p,
				      "%s is absent and Azure's default is not documented", path);
	default: return rp_report_prop(ctx, o, RP_STATUS_UNKNOWN, &p, "%s cannot be known", path);
	}
}
