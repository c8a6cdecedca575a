/* assets.c: the depth view of a report (see assets.h): copies of
 * src/depth's ratings and paths into the report's arena. */
#include "report/assets.h"
#include "report/internal.h"
#include "report/report.h"
#include "util/error.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const rp_report_layer_names[RP_DEPTH_NLAYERS] = { "BOOT", "HOST", "NET", "DATA",
							      "MON" };

const char *rp_report_internet_name(int internet)
{
	return internet == 1 ? "yes" : internet == 0 ? "no" : "unknown";
}

static void span_line(const rp_span *sp, const char **file, uint32_t *line, uint32_t *col)
{
	uint32_t l, c;

	*file = "";
	*line = 0;
	if (col)
		*col = 0;
	if (!sp->src)
		return;
	*file = sp->src->name ? sp->src->name : "";
	if (rp_source_linecol(sp->src, sp->off, &l, &c) == 0) {
		*line = l;
		if (col)
			*col = c;
	}
}

/* Index of rule in r->ref_rules (added when new), or -1 when the table
 * is full. */
static int ref_rule_index(rp_report *r, const rp_report_rule *rule)
{
	size_t i;

	for (i = r->nref_rules; i-- > 0;)
		if (r->ref_rules[i] == rule)
			return (int)i;
	if (r->nref_rules >= RP_REPORT_MAX_REF_RULES)
		return -1;
	r->ref_rules[r->nref_rules] = rule;
	return (int)r->nref_rules++;
}

/* A fingerprint of 16 lower-case hex digits as two 32-bit halves; false
 * for anything else (kept as "no fingerprint"). */
static bool fp_parse(const char *s, uint32_t *hi, uint32_t *lo)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 16; i++) {
		int d = rp_hex_digit((unsigned char)s[i]);
		if (d < 0 || (s[i] >= 'A' && s[i] <= 'F'))
			return false; /* lower case only: written back as such */
		v = v << 4 | (uint64_t)d;
	}
	if (s[16] != '\0')
		return false;
	*hi = (uint32_t)(v >> 32);
	*lo = (uint32_t)v;
	return true;
}

void rp_report_ref_fingerprint(const rp_report_ref *x, char out[17])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t v = (uint64_t)x->fp_hi << 32 | x->fp_lo;
	int i;

	if (!x->has_fp) {
		out[0] = '\0';
		return;
	}
	for (i = 15; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 0xF];
	out[16] = '\0';
}

const rp_report_rule *rp_report_ref_rule(const rp_report *r, const rp_report_ref *x)
{
	return x->rule < r->nref_rules ? r->ref_rules[x->rule] : NULL;
}

static rp_report_ref *refs(rp_report *r, const rp_finding *const *fs, size_t n,
			   rp_report_rule_of_fn rule_of, bool *fail)
{
	rp_report_ref *out;
	const rp_rule *last = NULL;
	int idx = -1;
	size_t i;

	if (!n)
		return NULL;
	out = rp_arena_calloc(r->arena, n, sizeof(*out));
	if (!out) {
		*fail = true;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const rp_finding *f = fs[i];
		if (f->rule != last || idx < 0) {
			const rp_report_rule *ru = rule_of(f->rule);
			last = f->rule;
			idx = ru ? ref_rule_index(r, ru) : -1;
		}
		if (idx < 0) {
			*fail = true;
			return out;
		}
		out[i].rule = (uint16_t)idx;
		out[i].status = (uint8_t)f->status;
		out[i].has_fp = fp_parse(f->fingerprint, &out[i].fp_hi, &out[i].fp_lo);
	}
	return out;
}

int rpt_ref_rules_map(rp_report *dst, const rp_report *src, uint16_t *map)
{
	size_t i;

	for (i = 0; i < src->nref_rules; i++) {
		int k = ref_rule_index(dst, src->ref_rules[i]);
		if (k < 0)
			return -RP_ELIMIT;
		map[i] = (uint16_t)k;
	}
	return 0;
}

static void remap(rp_report_ref *x, size_t n, const uint16_t *map)
{
	size_t i;

	for (i = 0; i < n; i++)
		x[i].rule = map[x[i].rule];
}

void rpt_refs_remap(rp_report *src, const uint16_t *map)
{
	size_t i, l, p, h;

	for (i = 0; i < src->nref_rules && map[i] == i; i++)
		;
	if (i == src->nref_rules)
		return; /* the same indices */
	for (i = 0; i < src->nassets; i++) {
		rp_report_asset *a = src->assets[i];
		for (l = 0; l < RP_DEPTH_NLAYERS; l++)
			remap(a->layers[l].refs, a->layers[l].nrefs, map);
		for (p = 0; p < a->npaths; p++)
			for (h = 0; h < a->paths[p].nhops; h++)
				remap(a->paths[p].hops[h].refs, a->paths[p].hops[h].nrefs, map);
	}
}

static uint32_t sat32(size_t n)
{
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static const char *node_id(rp_report *r, const rp_depth_hop *h, bool *fail)
{
	char buf[1024];

	if (h->kind == RP_DN_INTERNET)
		return "internet";
	if (h->obj && h->obj->key && strlen(h->obj->key) < sizeof(buf))
		return rp_report_intern(r, h->obj->key, fail); /* no copy through buf */
	if (!h->obj)
		snprintf(buf, sizeof(buf), "%s:%s", rp_depth_node_name(h->kind), h->name);
	else if (h->obj->key) {
		/* longer than buf: cut as the formatted copy always was */
		memcpy(buf, h->obj->key, sizeof(buf) - 1);
		buf[sizeof(buf) - 1] = '\0';
	} else
		snprintf(buf, sizeof(buf), "%s:%s#%u", h->obj->type ? h->obj->type : "?", h->name,
			 h->obj->index);
	return rp_report_intern(r, buf, fail);
}

int rp_report_add_depth(rp_report *r, const rp_depth_result *d, rp_report_rule_of_fn rule_of)
{
	rp_arena *a = r->arena;
	bool fail = false, matrix = r->asset_detail == RP_ASSET_DETAIL_MATRIX;
	size_t i, l, p, h;

	if (!d->n)
		return 0;
	if (r->nassets + d->n > r->assets_cap) {
		size_t nc = r->assets_cap ? r->assets_cap : 16;
		void *np;
		while (nc < r->nassets + d->n)
			nc *= 2;
		np = realloc(r->assets, nc * sizeof(*r->assets));
		if (!np)
			return -RP_ENOMEM;
		r->assets = np;
		r->assets_cap = nc;
	}
	for (i = 0; i < d->n && !fail; i++) {
		const rp_depth_asset *s = &d->assets[i];
		rp_report_asset *o = rp_arena_calloc(a, 1, sizeof(*o));
		const char *file;
		if (!o)
			return -RP_ENOMEM;
		span_line(&s->obj->span, &file, &o->line, &o->column);
		o->file = rp_report_intern(r, file, &fail);
		o->type = rp_report_intern(r, s->obj->type ? s->obj->type : "", &fail);
		o->name = rp_report_intern(r, s->name, &fail);
		o->id = rp_report_intern(r, s->obj->id ? s->obj->id : "", &fail);
		o->subnet = rp_report_intern(r, s->subnet, &fail);
		for (l = 0; l < RP_DEPTH_NLAYERS; l++) {
			const rp_depth_layer *sl = &s->layers[l];
			rp_report_layer *ol = &o->layers[l];
			ol->rating = (uint8_t)sl->rating;
			ol->reason = rp_report_intern(r, sl->reason, &fail);
			if (r->asset_detail == RP_ASSET_DETAIL_FULL) {
				ol->refs = refs(r, sl->basis, sl->nbasis, rule_of, &fail);
				ol->nrefs = (uint32_t)sl->nbasis;
				if (sl->nbasis > UINT32_MAX)
					fail = true;
			}
			ol->npass = sat32(sl->npass);
			ol->nfail = sat32(sl->nfail);
			ol->nunknown = sat32(sl->nunknown);
		}
		o->score = s->score;
		o->unknown = s->unknown;
		o->internet = s->internet;
		o->internet_why = rp_report_intern(r, s->internet_why, &fail);
		/* the text report only writes the weakest (first) path of an
		 * asset the Internet may reach (internet yes or unknown) */
		o->npaths = !matrix            ? s->npaths
			    : s->internet == 0 ? 0
			    : s->npaths > 1    ? 1
					       : s->npaths;
		o->paths = o->npaths ? rp_arena_calloc(a, o->npaths, sizeof(*o->paths)) : NULL;
		if (o->npaths && !o->paths)
			fail = true;
		for (p = 0; p < o->npaths && !fail; p++) {
			const rp_depth_path *sp = &s->paths[p];
			rp_report_path *op = &o->paths[p];
			op->from_internet = sp->from_internet;
			op->weakest = sp->weakest;
			op->strength = sp->strength;
			op->nhops = sp->nhops;
			op->nentry = sp->nentry;
			op->hops = rp_arena_calloc(a, sp->nhops ? sp->nhops : 1, sizeof(*op->hops));
			if (!op->hops) {
				fail = true;
				break;
			}
			for (h = 0; h < sp->nhops; h++) {
				const rp_depth_hop *sh = &sp->hops[h];
				rp_report_step *oh = &op->hops[h];
				oh->kind = (uint8_t)sh->kind;
				oh->state = (uint8_t)sh->state;
				oh->name = rp_report_intern(r, sh->name, &fail);
				oh->type = rp_report_intern(
					r, sh->obj && sh->obj->type ? sh->obj->type : "", &fail);
				if (matrix)
					continue;
				oh->node = node_id(r, sh, &fail);
				oh->controls = rp_report_intern(r, sh->controls, &fail);
				oh->refs = refs(r, sh->findings, sh->nfindings, rule_of, &fail);
				oh->nrefs = sh->nfindings;
			}
		}
		r->assets[r->nassets++] = o;
	}
	return fail ? -RP_ENOMEM : 0;
}

static int cmp_opt(const char *a, const char *b)
{
	if (a == b)
		return 0;
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_refs(const rp_report_ref *a, size_t na, const rp_report_ref *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return na < nb ? -1 : 1;
	for (i = 0; i < na; i++) {
		/* as the hex strings compare: "" first, then by value */
		if (a[i].has_fp != b[i].has_fp)
			return a[i].has_fp < b[i].has_fp ? -1 : 1;
		if (a[i].fp_hi != b[i].fp_hi)
			return a[i].fp_hi < b[i].fp_hi ? -1 : 1;
		if (a[i].fp_lo != b[i].fp_lo)
			return a[i].fp_lo < b[i].fp_lo ? -1 : 1;
		if (a[i].status != b[i].status)
			return a[i].status < b[i].status ? -1 : 1;
	}
	return 0;
}

/* Two assets at the same place with the same name and ID (a nested
 * template deployed by two parents, each scanned on its own): ordered by
 * what they say, so that the order does not depend on which worker
 * scanned which parent (scan --jobs). */
static int cmp_asset_rest(const rp_report_asset *a, const rp_report_asset *b)
{
	size_t l, p, h;
	int c;

	if ((c = cmp_opt(a->type, b->type)) != 0 || (c = cmp_opt(a->subnet, b->subnet)) != 0)
		return c;
	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	if (a->unknown != b->unknown)
		return a->unknown < b->unknown ? -1 : 1;
	if (a->internet != b->internet)
		return a->internet < b->internet ? -1 : 1;
	if ((c = cmp_opt(a->internet_why, b->internet_why)) != 0)
		return c;
	for (l = 0; l < RP_DEPTH_NLAYERS; l++) {
		const rp_report_layer *x = &a->layers[l], *y = &b->layers[l];
		if (x->rating != y->rating)
			return x->rating < y->rating ? -1 : 1;
		if (x->npass != y->npass)
			return x->npass < y->npass ? -1 : 1;
		if (x->nfail != y->nfail)
			return x->nfail < y->nfail ? -1 : 1;
		if (x->nunknown != y->nunknown)
			return x->nunknown < y->nunknown ? -1 : 1;
		if ((c = cmp_opt(x->reason, y->reason)) != 0)
			return c;
		if ((c = cmp_refs(x->refs, x->nrefs, y->refs, y->nrefs)) != 0)
			return c;
	}
	if (a->npaths != b->npaths)
		return a->npaths < b->npaths ? -1 : 1;
	for (p = 0; p < a->npaths; p++) {
		const rp_report_path *x = &a->paths[p], *y = &b->paths[p];
		if (x->strength != y->strength)
			return x->strength < y->strength ? -1 : 1;
		if (x->from_internet != y->from_internet)
			return x->from_internet ? -1 : 1;
		if (x->weakest != y->weakest)
			return x->weakest ? -1 : 1;
		if (x->nentry != y->nentry)
			return x->nentry < y->nentry ? -1 : 1;
		if (x->nhops != y->nhops)
			return x->nhops < y->nhops ? -1 : 1;
		for (h = 0; h < x->nhops; h++) {
			const rp_report_step *s = &x->hops[h], *t = &y->hops[h];
			if (s->kind != t->kind)
				return s->kind < t->kind ? -1 : 1;
			if (s->state != t->state)
				return s->state < t->state ? -1 : 1;
			if ((c = cmp_opt(s->node, t->node)) != 0 ||
			    (c = cmp_opt(s->name, t->name)) != 0 ||
			    (c = cmp_opt(s->controls, t->controls)) != 0)
				return c;
			if ((c = cmp_refs(s->refs, s->nrefs, t->refs, t->nrefs)) != 0)
				return c;
		}
	}
	return 0;
}

static int cmp_asset(const void *pa, const void *pb)
{
	const rp_report_asset *a = *(const rp_report_asset *const *)pa;
	const rp_report_asset *b = *(const rp_report_asset *const *)pb;
	int c = strcmp(a->file, b->file);

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	if ((c = strcmp(a->id, b->id)) != 0)
		return c;
	return cmp_asset_rest(a, b);
}

void rp_report_sort_assets(rp_report *r)
{
	if (r->nassets > 1)
		qsort(r->assets, r->nassets, sizeof(*r->assets), cmp_asset);
}

/* ---- JSON: the `assets` array (docs/json-output.md) ---- */

static void json_refs(rp_jw *w, const rp_report *r, const rp_report_ref *refs, size_t n)
{
	char fp[17];
	size_t i;

	RP_JW_KEY(w, "rules");
	rp_jw_array_begin(w);
	for (i = 0; i < n; i++) {
		const rp_report_ref *x = &refs[i];
		rp_jw_object_begin(w);
		RP_JW_STR(w, "rule_id", rp_report_ref_rule(r, x)->id);
		RP_JW_STR(w, "status", rp_status_name((rp_status)x->status));
		RP_JW_KEY(w, "fingerprint");
		rp_report_ref_fingerprint(x, fp);
		rp_jw_string(w, fp);
		rp_jw_object_end(w);
	}
	rp_jw_array_end(w);
}

void rp_report_json_assets(rp_jw *w, rp_report *r)
{
	size_t i, l, p, h;

	rp_report_sort_assets(r);
	RP_JW_KEY(w, "assets");
	rp_jw_array_begin(w);
	for (i = 0; i < r->nassets; i++) {
		const rp_report_asset *a = r->assets[i];
		rp_jw_object_begin(w);
		RP_JW_STR(w, "resource_type", a->type);
		RP_JW_STR(w, "resource_name", a->name);
		RP_JW_STR(w, "resource_id", a->id);
		RP_JW_STR(w, "file", a->file);
		RP_JW_UINT(w, "line", a->line);
		RP_JW_UINT(w, "column", a->column);
		RP_JW_KEY(w, "subnet");
		if (a->subnet)
			rp_jw_string(w, a->subnet);
		else
			rp_jw_null(w);
		RP_JW_UINT(w, "score", a->score);
		RP_JW_UINT(w, "layers_unknown", a->unknown);
		RP_JW_STR(w, "internet", rp_report_internet_name(a->internet));
		RP_JW_STR(w, "internet_reason", a->internet_why ? a->internet_why : "");
		RP_JW_KEY(w, "layers");
		rp_jw_object_begin(w);
		for (l = 0; l < RP_DEPTH_NLAYERS; l++) {
			const rp_report_layer *ly = &a->layers[l];
			rp_jw_key(w, rp_report_layer_names[l]);
			rp_jw_object_begin(w);
			RP_JW_STR(w, "rating", rp_depth_rating_name((rp_depth_rating)ly->rating));
			RP_JW_STR(w, "reason", ly->reason ? ly->reason : "");
			RP_JW_UINT(w, "pass", ly->npass);
			RP_JW_UINT(w, "fail", ly->nfail);
			RP_JW_UINT(w, "unknown", ly->nunknown);
			json_refs(w, r, ly->refs, ly->nrefs);
			rp_jw_object_end(w);
		}
		rp_jw_object_end(w);
		RP_JW_KEY(w, "paths");
		rp_jw_array_begin(w);
		for (p = 0; p < a->npaths; p++) {
			const rp_report_path *pa = &a->paths[p];
			rp_jw_object_begin(w);
			RP_JW_STR(w, "from", pa->from_internet ? "internet" : "neighbours");
			RP_JW_BOOL(w, "weakest", pa->weakest);
			RP_JW_UINT(w, "strength", pa->strength);
			RP_JW_KEY(w, "hops");
			rp_jw_array_begin(w);
			for (h = 0; h < pa->nhops; h++) {
				const rp_report_step *hp = &pa->hops[h];
				rp_jw_object_begin(w);
				RP_JW_STR(w, "kind", rp_depth_node_name((rp_depth_node)hp->kind));
				RP_JW_STR(w, "role", h < pa->nentry ? "entry" : "data");
				RP_JW_STR(w, "name", hp->name);
				RP_JW_STR(w, "resource_type", hp->type);
				RP_JW_STR(w, "state",
					  rp_depth_state_name((rp_depth_state)hp->state));
				RP_JW_STR(w, "controls", hp->controls);
				json_refs(w, r, hp->refs, hp->nrefs);
				rp_jw_object_end(w);
			}
			rp_jw_array_end(w);
			rp_jw_object_end(w);
		}
		rp_jw_array_end(w);
		rp_jw_object_end(w);
	}
	rp_jw_array_end(w);
}

/* ---- text: the layer matrix ---- */

#define T_RESET "\033[0m"
#define T_BOLD "\033[1m"

static const char *rating_color(unsigned r)
{
	static const char *const c[] = { "\033[32m", "\033[33m", "\033[1;31m", "\033[2m" };
	return r < 4 ? c[r] : "";
}

/* "+ holds", "~ weak", "x broken", "? unknown": the symbol and the word
 * carry the meaning, colour only repeats it. */
const char *rp_report_rating_label(unsigned r)
{
	static const char *const l[] = { "+ holds", "~ weak", "x broken", "? unknown" };
	return r < 4 ? l[r] : "?";
}

/* Appends s with control characters as '?' and at most width bytes
 * (cut on a UTF-8 boundary), padded with spaces to width. */
static int put_cell(rp_buf *b, const char *s, size_t width)
{
	size_t n = 0, i;
	int rc = 0;

	for (i = 0; s[i] && rc == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		if (width && n >= width && (c & 0xC0) != 0x80)
			break;
		if ((c & 0xC0) != 0x80)
			n++;
		rc = rp_buf_putc(b, c < 0x20 || c == 0x7F ? '?' : (char)c);
	}
	for (; n < width && rc == 0; n++)
		rc = rp_buf_putc(b, ' ');
	return rc;
}

/* Above this many assets the matrix groups identical rows (same five
 * ratings, score and Internet reachability) and the weakest paths group by
 * shape (the kinds and states of their hops); the JSON report has every
 * asset. */
#define RP_TEXT_MATRIX_MAX_ROWS 40u
#define RP_TEXT_GROUP_NAMES 3u /* asset names shown per group */

static int internet_rank(int internet)
{
	return internet == 1 ? 0 : internet == 2 ? 1 : 2; /* yes, unknown, no */
}

/* Weakest rows first: score, Internet reachability, ratings, then report
 * order (the index), so equal rows are runs in asset order. */
static int cmp_row(const void *pa, const void *pb, void *ctx)
{
	const rp_report *r = ctx;
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb, l;
	const rp_report_asset *a = r->assets[ia], *b = r->assets[ib];

	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	if (internet_rank(a->internet) != internet_rank(b->internet))
		return internet_rank(a->internet) < internet_rank(b->internet) ? -1 : 1;
	for (l = 0; l < RP_DEPTH_NLAYERS; l++)
		if (a->layers[l].rating != b->layers[l].rating)
			return a->layers[l].rating < b->layers[l].rating ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

static bool same_row(const rp_report_asset *a, const rp_report_asset *b)
{
	size_t l;

	if (a->score != b->score || a->internet != b->internet)
		return false;
	for (l = 0; l < RP_DEPTH_NLAYERS; l++)
		if (a->layers[l].rating != b->layers[l].rating)
			return false;
	return true;
}

/* Path shapes: strength (restricted edges, weakest first), entry hops'
 * kinds and states, then report order. */
static int cmp_shape_only(const rp_report_path *a, const rp_report_path *b)
{
	size_t h;

	if (a->strength != b->strength)
		return a->strength < b->strength ? -1 : 1;
	if (a->nentry != b->nentry)
		return a->nentry < b->nentry ? -1 : 1;
	for (h = 0; h < a->nentry; h++) {
		if (a->hops[h].kind != b->hops[h].kind)
			return a->hops[h].kind < b->hops[h].kind ? -1 : 1;
		if (h && a->hops[h].state != b->hops[h].state)
			return a->hops[h].state < b->hops[h].state ? -1 : 1;
	}
	return 0;
}

static int cmp_shape(const void *pa, const void *pb, void *ctx)
{
	const rp_report *r = ctx;
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	int c = cmp_shape_only(&r->assets[ia]->paths[0], &r->assets[ib]->paths[0]);

	if (c)
		return c;
	return ia < ib ? -1 : ia > ib;
}

/* "vm-1, vm-2, vm-3 and 97 more" for the assets idx[0..n). */
static int group_names(rp_buf *b, const rp_report *r, const size_t *idx, size_t n)
{
	size_t k;
	int rc = 0;

	for (k = 0; k < n && k < RP_TEXT_GROUP_NAMES && rc == 0; k++) {
		if (k)
			rc = rp_buf_puts(b, ", ");
		if (rc == 0)
			rc = put_cell(b, r->assets[idx[k]]->name, 0);
	}
	if (rc == 0 && n > RP_TEXT_GROUP_NAMES)
		rc = rp_buf_printf(b, " and %zu more", n - RP_TEXT_GROUP_NAMES);
	return rc;
}

static int matrix_row(rp_buf *b, const rp_report_asset *a, bool color)
{
	size_t l;
	int rc = 0;

	for (l = 0; l < RP_DEPTH_NLAYERS && rc == 0; l++) {
		unsigned rt = a->layers[l].rating;
		rc = rp_buf_printf(b, " %s%-10s%s", color ? rating_color(rt) : "",
				   rp_report_rating_label(rt), color ? T_RESET : "");
	}
	return rc;
}

static int path_line(rp_buf *b, const rp_report_path *p, bool kinds)
{
	size_t h;
	int rc = 0;

	for (h = 0; h < p->nentry && rc == 0; h++) {
		if (h)
			rc = rp_buf_puts(b, " -> ");
		if (rc == 0)
			rc = kinds && p->hops[h].kind != RP_DN_INTERNET
				     ? rp_buf_puts(b, rp_depth_node_name(
							      (rp_depth_node)p->hops[h].kind))
				     : put_cell(b, p->hops[h].name, 0);
		if (rc == 0 && h)
			rc = rp_buf_printf(b, " [%s]",
					   rp_depth_state_name((rp_depth_state)p->hops[h].state));
	}
	return rc;
}

/* Large estates: one row per group of identical rows, weakest first, then
 * one line per shape of weakest path. */
static int text_matrix_grouped(rp_buf *b, rp_report *r, bool color)
{
	size_t *idx = malloc(r->nassets * sizeof(*idx)), n = 0, i, j, ngroups = 0;
	int rc = 0;

	if (!idx)
		return -RP_ENOMEM;
	for (i = 0; i < r->nassets; i++)
		idx[i] = i;
	qsort_r(idx, r->nassets, sizeof(*idx), cmp_row, r);
	for (i = 0; i < r->nassets; i = j, ngroups++)
		for (j = i + 1; j < r->nassets && same_row(r->assets[idx[i]], r->assets[idx[j]]);
		     j++)
			;
	rc = rp_buf_printf(b,
			   "  %zu assets in %zu groups of identical rows, weakest first (the JSON "
			   "report lists every asset)\n",
			   r->nassets, ngroups);
	if (rc == 0)
		rc = rp_buf_printf(b, "  %-28s %-10s %-10s %-10s %-10s %-10s %-6s %-8s %s\n",
				   "assets", "BOOT", "HOST", "NET", "DATA", "MON", "score",
				   "internet", "for example");
	for (i = 0; i < r->nassets && rc == 0; i = j) {
		const rp_report_asset *a = r->assets[idx[i]];
		char count[32];
		for (j = i + 1; j < r->nassets && same_row(a, r->assets[idx[j]]); j++)
			;
		snprintf(count, sizeof(count), "%zu asset%s", j - i, j - i == 1 ? "" : "s");
		rc = rp_buf_printf(b, "  %-28s", count);
		if (rc == 0)
			rc = matrix_row(b, a, color);
		if (rc == 0)
			rc = rp_buf_printf(b, " %u/5    %-8s ", a->score,
					   rp_report_internet_name(a->internet));
		if (rc == 0)
			rc = group_names(b, r, idx + i, j - i);
		if (rc == 0)
			rc = rp_buf_putc(b, '\n');
	}
	/* weakest paths of the assets the Internet may reach, by shape */
	for (i = 0; i < r->nassets; i++)
		if (r->assets[i]->internet != 0 && r->assets[i]->npaths)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_shape, r);
	for (i = 0; i < n && rc == 0; i = j) {
		const rp_report_path *p = &r->assets[idx[i]]->paths[0];
		for (j = i + 1; j < n && cmp_shape_only(p, &r->assets[idx[j]]->paths[0]) == 0; j++)
			;
		rc = rp_buf_printf(b, "  weakest path of %zu asset%s (", j - i,
				   j - i == 1 ? "" : "s");
		if (rc == 0)
			rc = group_names(b, r, idx + i, j - i);
		if (rc == 0)
			rc = rp_buf_puts(b, "): ");
		if (rc == 0)
			rc = path_line(b, p, true);
		if (rc == 0)
			rc = rp_buf_putc(b, '\n');
	}
	free(idx);
	return rc;
}

int rp_report_text_matrix(rp_buf *b, rp_report *r, bool color)
{
	size_t i;
	int rc = 0;

	if (!r->nassets)
		return 0;
	rp_report_sort_assets(r);
	rc = rp_buf_printf(b,
			   "%sDefense in depth%s (per compute asset: the five layers, the "
			   "depth score = layers that hold, reachable from the Internet)\n",
			   color ? T_BOLD : "", color ? T_RESET : "");
	if (rc == 0 && r->nassets > RP_TEXT_MATRIX_MAX_ROWS) {
		rc = text_matrix_grouped(b, r, color);
		goto done;
	}
	if (rc == 0)
		rc = rp_buf_printf(b, "  %-28s %-10s %-10s %-10s %-10s %-10s %-6s %s\n", "asset",
				   "BOOT", "HOST", "NET", "DATA", "MON", "score", "internet");
	for (i = 0; i < r->nassets && rc == 0; i++) {
		const rp_report_asset *a = r->assets[i];
		rc = rp_buf_puts(b, "  ");
		if (rc == 0)
			rc = put_cell(b, a->name, 28);
		if (rc == 0)
			rc = matrix_row(b, a, color);
		if (rc == 0)
			rc = rp_buf_printf(b, " %u/5    %s\n", a->score,
					   rp_report_internet_name(a->internet));
	}
	/* The weakest path of every asset that may be reached from the Internet. */
	for (i = 0; i < r->nassets && rc == 0; i++) {
		const rp_report_asset *a = r->assets[i];
		const rp_report_path *p = a->npaths ? &a->paths[0] : NULL;
		if (a->internet == 0 || !p)
			continue;
		rc = rp_buf_puts(b, "  weakest path to ");
		if (rc == 0)
			rc = put_cell(b, a->name, 0);
		if (rc == 0)
			rc = rp_buf_puts(b, ": ");
		if (rc == 0)
			rc = path_line(b, p, false);
		if (rc == 0)
			rc = rp_buf_putc(b, '\n');
	}
done:
	if (rc == 0)
		rc = rp_buf_putc(b, '\n');
	return rc;
}
