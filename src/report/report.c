/* report.c: the rp_report container, fingerprints, counts, the format
 * registry (one static table) and escaping helpers shared by the writers. */
#include "report/report.h"
#include "util/outfile.h"
#include "report/assets.h"
#include "report/internal.h"
#include "util/error.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

const char *rp_suppress_kind_name(rp_suppress_kind k)
{
	switch (k) {
	case RP_SUPPRESS_INLINE: return "inline";
	case RP_SUPPRESS_BASELINE: return "baseline";
	case RP_SUPPRESS_NONE: break;
	}
	return "none";
}

/* ---- the format registry ---- */
const rp_report_format rp_report_formats[] = {
	{ "text", "human-readable, grouped by asset and layer, with a summary table",
	  rp_report_write_text, false, true, RP_ASSET_DETAIL_MATRIX },
	{ "json", "rampart's JSON report (docs/json-output.md)", rp_report_write_json, false, false,
	  RP_ASSET_DETAIL_FULL },
	{ "sarif", "SARIF 2.1.0, for code-scanning tools", rp_report_write_sarif, false, false,
	  RP_ASSET_DETAIL_FULL },
	{ "junit", "JUnit XML, a testcase per rule and resource, for CI systems",
	  rp_report_write_junit, false, false, RP_ASSET_DETAIL_FULL },
	{ "html", "one self-contained HTML page: layer matrix, attack-path graph, findings",
	  rp_report_write_html, true, false, RP_ASSET_DETAIL_NO_LAYER_REFS },
};
const size_t rp_report_nformats = sizeof(rp_report_formats) / sizeof(rp_report_formats[0]);

const rp_report_format *rp_report_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < rp_report_nformats; i++)
		if (strcmp(rp_report_formats[i].name, name) == 0)
			return &rp_report_formats[i];
	return NULL;
}

int rp_report_emit(rp_report *r, const rp_report_format *fmt, const rp_report_options *o,
		   const char *path, int *os_errno)
{
	rp_outfile of;
	rp_buf out = RP_BUF_INIT;
	int rc;

	*os_errno = 0;
	rc = rp_outfile_open(&of, path);
	if (rc < 0) {
		*os_errno = of.os_errno;
		return rc;
	}
	out.sink = &of.sink;
	rc = fmt->write(r, o, &out);
	if (rc == 0)
		rc = rp_buf_flush(&out);
	if (rc == 0)
		rc = rp_outfile_commit(&of);
	else
		rp_outfile_abort(&of);
	*os_errno = of.os_errno;
	if (rc < 0 && *os_errno)
		rc = -RP_EIO; /* the output failed, not the writer */
	rp_buf_release(&out);
	return rc;
}

/* ---- container ---- */
int rp_report_init(rp_report *r)
{
	memset(r, 0, sizeof(*r));
	rp_map_init(&r->strings, false);
	rp_map_init(&r->file_set, false);
	r->arena = rp_arena_new();
	return r->arena ? 0 : -RP_ENOMEM;
}

void rp_report_release(rp_report *r)
{
	size_t i;

	rp_map_release(&r->strings);
	rp_map_release(&r->file_set);
	for (i = 0; i < r->narenas; i++)
		rp_arena_free(r->arenas[i]);
	free(r->arenas);
	rp_arena_free(r->arena);
	free(r->rules);
	free(r->findings);
	free(r->files);
	free(r->exposures);
	free(r->assets);
	free(r->groups);
	free(r->grouped);
	memset(r, 0, sizeof(*r));
}

/* Grows *arr (elements of size sz) to hold one more; 0 or -RP_ENOMEM. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / sz)
		return -RP_ENOMEM;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return -RP_ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int rp_report_add_rule(rp_report *r, const rp_report_rule *rule)
{
	size_t i;
	int rc;

	for (i = r->nrules; i > 0; i--) /* the latest first: findings come by rule */
		if (r->rules[i - 1] == rule)
			return 0;
	for (i = 0; i < r->nrules; i++)
		if (strcmp(r->rules[i]->id, rule->id) == 0)
			return 0;
	rc = grow((void **)&r->rules, &r->rules_cap, r->nrules, sizeof(*r->rules));
	if (rc < 0)
		return rc;
	r->rules[r->nrules++] = rule;
	r->sorted = false;
	return 0;
}

int rp_report_add_file(rp_report *r, const char *file)
{
	size_t n = strlen(file);
	char *copy;
	void *v;
	int rc;

	if (rp_map_get(&r->file_set, file, n, &v))
		return 0;
	rc = grow((void **)&r->files, &r->files_cap, r->nfiles, sizeof(*r->files));
	if (rc < 0)
		return rc;
	copy = rp_arena_strndup(r->arena, file, n);
	if (!copy)
		return -RP_ENOMEM;
	rc = rp_map_put(&r->file_set, copy, n, copy, NULL);
	if (rc < 0)
		return rc;
	r->files[r->nfiles++] = copy;
	r->sorted = false;
	return 0;
}

void rp_report_intern_forget(rp_report *r)
{
	rp_map_release(&r->strings);
	rp_map_init(&r->strings, false);
	memset(r->intern_arg, 0, sizeof(r->intern_arg));
}

/* Interned copy of s in r's arena (the map's keys are the copies). */
const char *rp_report_intern(rp_report *r, const char *s, bool *fail)
{
	size_t n;
	void *v;
	char *c;

	uintptr_t at = (uintptr_t)s;
	size_t slot = (size_t)((at >> 4) ^ (at >> 13)) & (RP_REPORT_INTERN_MEMO - 1);

	if (!s)
		return NULL;
	/* the same argument again (a resource's type for each of its
	 * findings): one comparison instead of a hash and a lookup */
	if (r->intern_arg[slot] == s && strcmp(r->intern_copy[slot], s) == 0)
		return r->intern_copy[slot];
	n = strlen(s);
	if (rp_map_get(&r->strings, s, n, &v)) {
		c = v;
	} else {
		c = rp_arena_strndup(r->arena, s, n);
		if (!c || rp_map_put(&r->strings, c, n, c, NULL) < 0) {
			*fail = true;
			return NULL;
		}
	}
	r->intern_arg[slot] = s;
	r->intern_copy[slot] = c;
	return c;
}

static const char *dup_or_empty(rp_report *r, const char *s, bool *fail)
{
	return rp_report_intern(r, s ? s : "", fail);
}

static void fnv(uint64_t *h, const char *s, bool icase)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		unsigned char c = *p;
		if (icase && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		*h ^= c;
		*h *= 1099511628211ull;
	}
	*h ^= 0;
	*h *= 1099511628211ull; /* the NUL separator */
}

void rp_report_fingerprint(const char *rule_id, const char *resource_type,
			   const char *resource_identity, const char *material, char out[17])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t h = 14695981039346656037ull;
	int i;

	fnv(&h, "rampart-fp-v1", false);
	fnv(&h, rule_id, true);
	fnv(&h, resource_type, true);
	fnv(&h, resource_identity, true);
	fnv(&h, material, false);
	for (i = 15; i >= 0; i--) {
		out[i] = hex[h & 0xF];
		h >>= 4;
	}
	out[16] = '\0';
}

/* Fills f from in.  Strings are interned into r, except message and
 * unknown_reason when borrow is set (they stay in's, for a comparison). */
static int fill(rp_report *r, const rp_report_input *in, rp_report_finding *f, bool borrow)
{
	bool fail = false;
	const char *ident, *address;

	memset(f, 0, sizeof(*f));
	f->rule = in->rule;
	f->status = (uint8_t)in->status;
	f->line = in->line;
	f->column = in->column;
	f->end_line = in->end_line ? in->end_line : in->line;
	f->end_column = in->end_column ? in->end_column : in->column;
	if (in->interned) {
		f->file = in->file;
		f->resource_type = in->resource_type;
		f->resource_name = in->resource_name;
		f->resource_id = in->resource_id;
		address = in->address;
	} else {
		f->file = dup_or_empty(r, in->file, &fail);
		f->resource_type = dup_or_empty(r, in->resource_type, &fail);
		f->resource_name = dup_or_empty(r, in->resource_name, &fail);
		f->resource_id = dup_or_empty(r, in->resource_id, &fail);
		address = rp_report_intern(r, in->address, &fail);
	}
	if (borrow) {
		f->message = in->message ? in->message : "";
		f->unknown_reason = in->unknown_reason;
	} else {
		f->message = dup_or_empty(r, in->message, &fail);
		f->unknown_reason = rp_report_intern(r, in->unknown_reason, &fail);
	}
	if (!fail && (address || in->byte_offset || in->byte_length)) {
		rp_report_finding_ext *x = rp_arena_alloc(r->arena, sizeof(*x));
		if (x) {
			x->address = address;
			x->byte_offset = in->byte_offset;
			x->byte_length = in->byte_length;
			f->ext = x;
		} else
			fail = true;
	}
	if (fail)
		return -RP_ENOMEM;
	if (in->fingerprint && strlen(in->fingerprint) == 16 &&
	    strspn(in->fingerprint, "0123456789abcdef") == 16) {
		memcpy(f->fingerprint, in->fingerprint, 17);
	} else {
		ident = f->resource_id[0] ? f->resource_id : f->resource_name;
		rp_report_fingerprint(in->rule->id, f->resource_type, ident,
				      in->fingerprint_material, f->fingerprint);
	}
	return 0;
}

static int cmp_finding(const void *pa, const void *pb);

/* Defense layers in report order; unknown layers sort after, by name. */
static const char *const layer_order[] = {
	"BOOT", "HOST", "NET", "DATA", "MON", "DEPTH", "META",
};
#define NLAYER_ORDER (sizeof(layer_order) / sizeof(layer_order[0]))

static size_t layer_rank(const char *layer)
{
	size_t i;

	for (i = 0; i < NLAYER_ORDER; i++)
		if (strcmp(layer, layer_order[i]) == 0)
			return i;
	return NLAYER_ORDER;
}

int rpt_cmp_layer(const char *a, const char *b)
{
	size_t ra, rb;

	if (a == b)
		return 0;
	ra = layer_rank(a);
	rb = layer_rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(a, b);
}

/* ---- grouped passing findings (rp_report.group_passing) ---- */

static bool groupable(const rp_report_finding *f)
{
	return f->suppressed == RP_SUPPRESS_NONE &&
	       (f->status == RP_STATUS_PASS || f->status == RP_STATUS_NOT_APPLICABLE);
}

/* The group key: file, resource type, name, ID and address (interned:
 * equal strings are the same pointer) and status.  Not the layer: the text
 * report prints one count per resource, and its summary's counts per
 * layer come from rp_report.grouped (a resource's passing results span
 * two to five layers: as many records fewer). */
static size_t group_hash(const rp_report_finding *f)
{
	const void *p[5] = { f->file, f->resource_type, f->resource_name, f->resource_id,
			     rp_report_finding_address(f) };
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; i < 5; i++) {
		h ^= (uint64_t)(uintptr_t)p[i];
		h *= 1099511628211ull;
		h ^= h >> 29;
	}
	h ^= f->status;
	h *= 1099511628211ull;
	return (size_t)(h ^ (h >> 32));
}

static bool group_same(const rp_report_finding *a, const rp_report_finding *b)
{
	return a->file == b->file && a->resource_type == b->resource_type &&
	       a->resource_name == b->resource_name && a->resource_id == b->resource_id &&
	       rp_report_finding_address(a) == rp_report_finding_address(b) &&
	       a->status == b->status;
}

/* Which of two findings of a group represents it: the first in layer
 * order, then in report order, as the text report orders a resource's
 * findings (so its first record of a resource is the same as among all
 * findings). */
static int cmp_group_first(const rp_report_finding *a, const rp_report_finding *b)
{
	int c = rpt_cmp_layer(a->rule->layer, b->rule->layer);

	return c ? c : cmp_finding(a, b);
}

/* Counts one grouped finding in rp_report.grouped (its layer's row). */
static int tally_layer(rp_report *r, const char *layer, rp_status st, size_t n)
{
	size_t i;

	for (i = 0; i < r->ngrouped; i++)
		if (r->grouped[i].layer == layer || strcmp(r->grouped[i].layer, layer) == 0)
			break;
	if (i == r->ngrouped) {
		int rc = grow((void **)&r->grouped, &r->grouped_cap, r->ngrouped,
			      sizeof(*r->grouped));
		if (rc < 0)
			return rc;
		memset(&r->grouped[i], 0, sizeof(r->grouped[i]));
		r->grouped[i].layer = layer;
		r->ngrouped++;
	}
	r->grouped[i].n[st] += n;
	return 0;
}

/* The slot of f's group: holding its record's index + 1, or 0 (free). */
static uint32_t *group_slot(const rp_report *r, const rp_report_finding *f)
{
	size_t mask = r->groups_cap - 1, i = group_hash(f) & mask;

	while (r->groups[i] && !group_same(&r->findings[r->groups[i] - 1], f))
		i = (i + 1) & mask;
	return &r->groups[i];
}

static void groups_drop(rp_report *r)
{
	free(r->groups);
	r->groups = NULL;
	r->groups_cap = r->ngroups = 0;
}

/* (Re)builds the index with room for `need` groups at load <= 1/2, from
 * the grouped records present (after a merge or sort moved them). */
static int groups_rebuild(rp_report *r, size_t need)
{
	size_t cap = 64, i, have = 0;

	for (i = 0; i < r->nfindings; i++)
		have += groupable(&r->findings[i]);
	if (need < have)
		need = have;
	while (cap / 2 < need + 1)
		cap *= 2;
	groups_drop(r);
	r->groups = calloc(cap, sizeof(*r->groups));
	if (!r->groups)
		return -RP_ENOMEM;
	r->groups_cap = cap;
	for (i = 0; i < r->nfindings; i++) {
		uint32_t *slot;
		if (!groupable(&r->findings[i]))
			continue;
		slot = group_slot(r, &r->findings[i]);
		if (*slot == 0) {
			*slot = (uint32_t)(i + 1);
			r->ngroups++;
		}
	}
	return 0;
}

/* Adds a PASS or NOT_APPLICABLE finding to its group's record: a new
 * record for the first of a group; the record keeps the fields of the
 * group's first finding in report order (so sorting and grouping the
 * records as the text report does picks the same one as it would among
 * all findings) and counts the others. */
static int add_grouped(rp_report *r, const rp_report_input *in)
{
	rp_report_finding t, *rec;
	uint32_t *slot, *hint = in->group_hint;
	uint32_t merged;
	bool fail = false;
	int rc;

	if ((rc = fill(r, in, &t, true)) < 0)
		return rc;
	if ((rc = tally_layer(r, t.rule->layer, (rp_status)t.status, 1)) < 0)
		return rc;
	rec = hint && *hint && *hint <= r->nfindings ? &r->findings[*hint - 1] : NULL;
	if (rec && groupable(rec) && group_same(rec, &t) && rec->merged < UINT32_MAX) {
		/* the caller's hint names the group's record: no lookup */
		slot = NULL;
	} else {
		if (!r->groups || (r->ngroups + 1) * 2 > r->groups_cap) {
			if ((rc = groups_rebuild(r, r->ngroups ? r->ngroups * 2 : 1024)) < 0)
				return rc;
		}
		slot = group_slot(r, &t);
		rec = *slot ? &r->findings[*slot - 1] : NULL;
	}
	if (rec) {
		if (hint)
			*hint = (uint32_t)(rec - r->findings) + 1;
		if (rec->merged < UINT32_MAX) {
			if (cmp_group_first(&t, rec) < 0) {
				/* the new one comes first: it represents the group */
				t.message = dup_or_empty(r, t.message, &fail);
				t.unknown_reason = rp_report_intern(r, t.unknown_reason, &fail);
				if (fail)
					return -RP_ENOMEM;
				merged = rec->merged + 1;
				*rec = t;
				rec->merged = merged;
			} else {
				rec->merged++;
			}
			return 0;
		}
	}
	/* (a record named by the hint always took the group above: slot is set) */
	if (r->nfindings >= UINT32_MAX - 1)
		return -RP_ENOMEM;
	t.message = dup_or_empty(r, t.message, &fail);
	t.unknown_reason = rp_report_intern(r, t.unknown_reason, &fail);
	if (fail)
		return -RP_ENOMEM;
	rc = grow((void **)&r->findings, &r->findings_cap, r->nfindings, sizeof(*r->findings));
	if (rc < 0)
		return rc;
	r->findings[r->nfindings] = t;
	if (*slot == 0)
		r->ngroups++;
	*slot = (uint32_t)(r->nfindings + 1);
	if (hint)
		*hint = *slot;
	r->nfindings++;
	r->sorted = false;
	return 0;
}

int rp_report_add(rp_report *r, const rp_report_input *in, rp_report_finding **out)
{
	rp_report_finding *f;
	int rc;

	if (!in->rule || !in->rule->id)
		return -RP_EINVAL;
	rc = rp_report_add_rule(r, in->rule);
	if (rc < 0)
		return rc;
	if (out)
		*out = NULL;
	if (r->tally_passing &&
	    (in->status == RP_STATUS_PASS || in->status == RP_STATUS_NOT_APPLICABLE)) {
		r->tallied[in->status]++;
		return 0;
	}
	if (r->group_passing &&
	    (in->status == RP_STATUS_PASS || in->status == RP_STATUS_NOT_APPLICABLE))
		return add_grouped(r, in);
	rc = grow((void **)&r->findings, &r->findings_cap, r->nfindings, sizeof(*r->findings));
	if (rc < 0)
		return rc;
	f = &r->findings[r->nfindings];
	if ((rc = fill(r, in, f, false)) < 0)
		return rc;
	r->nfindings++;
	r->sorted = false;
	if (out)
		*out = f;
	return 0;
}

int rp_report_reserve(rp_report *r, size_t n)
{
	void *p;

	if (r->nfindings + n <= r->findings_cap)
		return 0;
	if (n > SIZE_MAX / sizeof(*r->findings) - r->nfindings)
		return -RP_ENOMEM;
	p = realloc(r->findings, (r->nfindings + n) * sizeof(*r->findings));
	if (!p)
		return -RP_ENOMEM;
	r->findings = p;
	r->findings_cap = r->nfindings + n;
	return 0;
}

int rp_report_merge(rp_report *dst, rp_report *src)
{
	uint16_t ref_map[RP_REPORT_MAX_REF_RULES];
	size_t i;
	int rc;

	/* Reserve everything first so a failure leaves src intact.  An empty
	 * dst takes src's findings array as it is (no copy: a worker's
	 * findings of a big scan are tens of megabytes). */
	bool adopt = dst->nfindings == 0 && src->nfindings > dst->findings_cap;

	if (!adopt && dst->nfindings + src->nfindings > dst->findings_cap) {
		size_t ncap = dst->findings_cap ? dst->findings_cap : 16;
		void *p;
		while (ncap < dst->nfindings + src->nfindings)
			ncap *= 2;
		p = realloc(dst->findings, ncap * sizeof(*dst->findings));
		if (!p)
			return -RP_ENOMEM;
		dst->findings = p;
		dst->findings_cap = ncap;
	}
	rc = grow((void **)&dst->arenas, &dst->arenas_cap, dst->narenas, sizeof(*dst->arenas));
	if (rc < 0)
		return rc;
	if (src->nassets && dst->nassets + src->nassets > dst->assets_cap) {
		void *p =
			realloc(dst->assets, (dst->nassets + src->nassets) * sizeof(*dst->assets));
		if (!p)
			return -RP_ENOMEM;
		dst->assets = p;
		dst->assets_cap = dst->nassets + src->nassets;
	}
	if ((rc = rpt_ref_rules_map(dst, src, ref_map)) < 0)
		return rc;
	for (i = 0; i < src->nrules; i++)
		if ((rc = rp_report_add_rule(dst, src->rules[i])) < 0)
			return rc;
	for (i = 0; i < src->nfiles; i++)
		if ((rc = rp_report_add_file(dst, src->files[i])) < 0)
			return rc;
	if (adopt) {
		free(dst->findings);
		dst->findings = src->findings;
		dst->findings_cap = src->findings_cap;
	} else {
		if (src->nfindings)
			memcpy(dst->findings + dst->nfindings, src->findings,
			       src->nfindings * sizeof(*src->findings));
		free(src->findings);
	}
	src->findings = NULL;
	src->findings_cap = 0;
	dst->nfindings += src->nfindings;
	src->nfindings = 0;
	groups_drop(src);
	if ((rc = rpt_merge_exposures(dst, src)) < 0)
		return rc;
	rpt_refs_remap(src, ref_map);
	if (src->nassets)
		memcpy(dst->assets + dst->nassets, src->assets,
		       src->nassets * sizeof(*src->assets));
	dst->nassets += src->nassets;
	src->nassets = 0;
	dst->arenas[dst->narenas++] = src->arena;
	src->arena = NULL;
	for (i = 0; i < src->narenas; i++) {
		rc = grow((void **)&dst->arenas, &dst->arenas_cap, dst->narenas,
			  sizeof(*dst->arenas));
		if (rc < 0)
			return rc; /* src keeps the rest */
		dst->arenas[dst->narenas++] = src->arenas[i];
		src->arenas[i] = NULL;
	}
	for (i = 0; i < RP_STATUS_COUNT_; i++) {
		dst->tallied[i] += src->tallied[i];
		src->tallied[i] = 0;
	}
	for (i = 0; i < src->ngrouped; i++) {
		size_t k;
		for (k = 0; k < RP_STATUS_COUNT_; k++)
			if (src->grouped[i].n[k] &&
			    (rc = tally_layer(dst, src->grouped[i].layer, (rp_status)k,
					      src->grouped[i].n[k])) < 0)
				return rc;
	}
	src->ngrouped = 0;
	dst->nresources += src->nresources;
	dst->nerrors += src->nerrors;
	dst->sorted = false;
	return 0;
}

static int cmp_str(const char *a, const char *b)
{
	if (a == b)
		return 0; /* interned: the same copy (and both NULL) */
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
	const rp_report_finding *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->file, b->file)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	if (rp_report_finding_byte_offset(a) != rp_report_finding_byte_offset(b))
		return rp_report_finding_byte_offset(a) < rp_report_finding_byte_offset(b) ? -1 : 1;
	if (a->rule != b->rule && (c = cmp_str(a->rule->id, b->rule->id)) != 0)
		return c;
	if ((c = cmp_str(a->resource_id, b->resource_id)) != 0)
		return c;
	if ((c = cmp_str(a->resource_name, b->resource_name)) != 0)
		return c;
	if ((c = cmp_str(a->message, b->message)) != 0)
		return c;
	if (a->status != b->status)
		return a->status < b->status ? -1 : 1;
	if ((c = strcmp(a->fingerprint, b->fingerprint)) != 0)
		return c;
	/* The rest of what writers show, so that the order is total and does
	 * not depend on the order findings were added in (scan --jobs). */
	if (a->end_line != b->end_line)
		return a->end_line < b->end_line ? -1 : 1;
	if (a->end_column != b->end_column)
		return a->end_column < b->end_column ? -1 : 1;
	if ((c = cmp_str(a->resource_type, b->resource_type)) != 0)
		return c;
	if ((c = cmp_str(a->unknown_reason, b->unknown_reason)) != 0)
		return c;
	if (a->suppressed != b->suppressed)
		return a->suppressed < b->suppressed ? -1 : 1;
	return cmp_str(a->suppress_reason, b->suppress_reason);
}

static int cmp_rule(const void *pa, const void *pb)
{
	const rp_report_rule *const *a = pa, *const *b = pb;
	return strcmp((*a)->id, (*b)->id);
}

static int cmp_file(const void *pa, const void *pb)
{
	const char *const *a = pa, *const *b = pb;
	return strcmp(*a, *b);
}

static int cmp_finding_ptr(const void *a, const void *b)
{
	return cmp_finding(*(const rp_report_finding *const *)a,
			   *(const rp_report_finding *const *)b);
}

void rp_report_sort(rp_report *r)
{
	if (r->sorted)
		return;
	groups_drop(r); /* records move: rebuilt on the next grouped add */
	rpt_sort_exposures(r);
	if (r->nfindings > 1) {
		/* Sort pointers, then permute in place along the cycles:
		 * findings are big structs, and a second array would double
		 * the peak memory of big scans. */
		rp_report_finding **idx = malloc(r->nfindings * sizeof(*idx));
		size_t i, n = r->nfindings;
		if (idx) {
			/* reused in place: a pointer and a size_t have the same size */
			size_t *perm = (size_t *)(void *)idx;
			_Static_assert(sizeof(size_t) == sizeof(rp_report_finding *), "perm reuse");
			for (i = 0; i < n; i++)
				idx[i] = &r->findings[i];
			qsort(idx, n, sizeof(*idx), cmp_finding_ptr);
			for (i = 0; i < n; i++) /* position -> source index */
				perm[i] = (size_t)(idx[i] - r->findings);
			for (i = 0; i < n; i++) {
				rp_report_finding tmp;
				size_t j = i;
				if (perm[i] == i)
					continue;
				tmp = r->findings[i];
				while (perm[j] != i) {
					size_t k = perm[j];
					r->findings[j] = r->findings[k];
					perm[j] = j;
					j = k;
				}
				r->findings[j] = tmp;
				perm[j] = j;
			}
		} else {
			qsort(r->findings, n, sizeof(*r->findings), cmp_finding);
		}
		free(idx);
	}
	if (r->nrules > 1)
		qsort(r->rules, r->nrules, sizeof(*r->rules), cmp_rule);
	if (r->nfiles > 1)
		qsort(r->files, r->nfiles, sizeof(*r->files), cmp_file);
	r->sorted = true;
}

void rp_report_count(const rp_report *r, rp_report_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < RP_STATUS_COUNT_; i++)
		c->by_status[i] = r->tallied[i];
	for (i = 0; i < r->nfindings; i++) {
		const rp_report_finding *f = &r->findings[i];
		if (f->suppressed != RP_SUPPRESS_NONE) {
			c->suppressed++;
			continue;
		}
		if ((unsigned)f->status < RP_STATUS_COUNT_)
			c->by_status[f->status] += 1 + (size_t)f->merged;
		if (f->status == RP_STATUS_FAIL && (unsigned)f->rule->severity < RP_SEV_COUNT_)
			c->fail_by_severity[f->rule->severity]++;
	}
}

bool rp_report_fails(const rp_report *r, rp_severity threshold)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++) {
		const rp_report_finding *f = &r->findings[i];
		if (f->suppressed == RP_SUPPRESS_NONE && f->status == RP_STATUS_FAIL &&
		    f->rule->severity >= threshold)
			return true;
	}
	return false;
}

/* ---- escaping ---- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t want = c < 0x80             ? 1
		      : (c & 0xE0) == 0xC0 ? 2
		      : (c & 0xF0) == 0xE0 ? 3
		      : (c & 0xF8) == 0xF0 ? 4
					   : 0;

	if (want == 0 || want > n)
		return 0;
	return rp_utf8_check(s, want) == want ? want : 0;
}

int rp_xml_escape(rp_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	int rc = 0;

	while (i < n && rc == 0) {
		unsigned char c = p[i];
		size_t l;
		switch (c) {
		case '&':
			rc = rp_buf_puts(b, "&amp;");
			i++;
			continue;
		case '<':
			rc = rp_buf_puts(b, "&lt;");
			i++;
			continue;
		case '>':
			rc = rp_buf_puts(b, "&gt;");
			i++;
			continue;
		case '"':
			rc = rp_buf_puts(b, "&quot;");
			i++;
			continue;
		case '\'':
			rc = rp_buf_puts(b, "&apos;");
			i++;
			continue;
		case '\t':
			rc = rp_buf_puts(b, "&#9;");
			i++;
			continue;
		case '\n':
			rc = rp_buf_puts(b, "&#10;");
			i++;
			continue;
		case '\r':
			rc = rp_buf_puts(b, "&#13;");
			i++;
			continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7F) {
			rc = rp_buf_puts(b, c == 0x7F ? "&#127;" : "\xEF\xBF\xBD");
			i++;
			continue;
		}
		l = utf8_len(p + i, n - i);
		if (l == 0) {
			rc = rp_buf_puts(b, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		/* U+FFFE and U+FFFF are not XML characters. */
		if (l == 3 && p[i] == 0xEF && p[i + 1] == 0xBF &&
		    (p[i + 2] == 0xBE || p[i + 2] == 0xBF))
			rc = rp_buf_puts(b, "\xEF\xBF\xBD");
		else
			rc = rp_buf_append(b, p + i, l);
		i += l;
	}
	return rc;
}

int rp_uri_from_path(rp_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;
	int rc = 0;

	if (path[0] == '/')
		rc = rp_buf_puts(b, "file://");
	for (; *p && rc == 0; p++) {
		unsigned char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			rc = rp_buf_putc(b, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 0xF] };
			rc = rp_buf_append(b, e, 3);
		}
	}
	return rc;
}
