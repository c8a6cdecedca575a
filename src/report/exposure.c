/* exposure.c: network exposures in reports (docs/json-output.md
 * "exposures"): storage, merge, order, and the JSON and text views. */
#include "json/json.h"
#include "report/internal.h"
#include "report/report.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static const char *dup(rp_report *r, const char *s, int *rc)
{
	char *c;

	if (!s)
		return NULL;
	c = rp_arena_strndup(r->arena, s, strlen(s));
	if (!c)
		*rc = -RP_ENOMEM;
	return c;
}

static rp_report_exposure *exposure_slot(rp_report *r)
{
	if (r->nexposures == r->exposures_cap) {
		size_t nc = r->exposures_cap ? r->exposures_cap * 2 : 16;
		rp_report_exposure *n = realloc(r->exposures, nc * sizeof(*n));
		if (!n)
			return NULL;
		r->exposures = n;
		r->exposures_cap = nc;
	}
	return &r->exposures[r->nexposures];
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

int rpt_add_exposure_owned(rp_report *r, const rp_report_exposure *e)
{
	rp_report_exposure *x = exposure_slot(r);
	int h;

	if (!x)
		return -RP_ENOMEM;
	*x = *e;
	x->file = or_empty(e->file);
	x->resource_type = or_empty(e->resource_type);
	x->resource_name = or_empty(e->resource_name);
	x->nic = or_empty(e->nic);
	x->ip_configuration = or_empty(e->ip_configuration);
	x->source = or_empty(e->source);
	x->source_addresses = or_empty(e->source_addresses);
	x->protocol = or_empty(e->protocol);
	x->ports = or_empty(e->ports);
	x->verdict = or_empty(e->verdict);
	for (h = 0; h < 2; h++) {
		x->hops[h].level = or_empty(e->hops[h].level);
		x->hops[h].verdict = or_empty(e->hops[h].verdict);
	}
	r->nexposures++;
	r->sorted = false;
	return 0;
}

int rp_report_add_exposure(rp_report *r, const rp_report_exposure *e)
{
	rp_report_exposure *x = exposure_slot(r);
	int rc = 0, h;

	if (!x)
		return -RP_ENOMEM;
	*x = *e;
	x->file = dup(r, e->file ? e->file : "", &rc);
	x->resource_type = dup(r, e->resource_type ? e->resource_type : "", &rc);
	x->resource_name = dup(r, e->resource_name ? e->resource_name : "", &rc);
	x->nic = dup(r, e->nic ? e->nic : "", &rc);
	x->ip_configuration = dup(r, e->ip_configuration ? e->ip_configuration : "", &rc);
	x->source = dup(r, e->source ? e->source : "", &rc);
	x->source_addresses = dup(r, e->source_addresses ? e->source_addresses : "", &rc);
	x->protocol = dup(r, e->protocol ? e->protocol : "", &rc);
	x->ports = dup(r, e->ports ? e->ports : "", &rc);
	x->public_endpoint = dup(r, e->public_endpoint, &rc);
	x->endpoint_kind = dup(r, e->endpoint_kind, &rc);
	x->verdict = dup(r, e->verdict ? e->verdict : "", &rc);
	x->reason = dup(r, e->reason, &rc);
	for (h = 0; h < 2; h++) {
		x->hops[h].level = dup(r, e->hops[h].level ? e->hops[h].level : "", &rc);
		x->hops[h].nsg = dup(r, e->hops[h].nsg, &rc);
		x->hops[h].rule = dup(r, e->hops[h].rule, &rc);
		x->hops[h].file = dup(r, e->hops[h].file, &rc);
		x->hops[h].verdict = dup(r, e->hops[h].verdict ? e->hops[h].verdict : "", &rc);
	}
	if (rc < 0)
		return rc;
	r->nexposures++;
	r->sorted = false;
	return 0;
}

int rpt_merge_exposures(rp_report *dst, rp_report *src)
{
	if (!src->nexposures)
		return 0;
	if (dst->nexposures + src->nexposures > dst->exposures_cap) {
		size_t nc = dst->exposures_cap ? dst->exposures_cap : 16;
		rp_report_exposure *n;
		while (nc < dst->nexposures + src->nexposures)
			nc *= 2;
		n = realloc(dst->exposures, nc * sizeof(*n));
		if (!n)
			return -RP_ENOMEM;
		dst->exposures = n;
		dst->exposures_cap = nc;
	}
	/* strings live in src's arena, which the caller hands over to dst */
	memcpy(dst->exposures + dst->nexposures, src->exposures,
	       src->nexposures * sizeof(*src->exposures));
	dst->nexposures += src->nexposures;
	src->nexposures = 0;
	return 0;
}

static int cmp_s(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Everything else a writer shows: the order is total, so it does not
 * depend on the order exposures were added in (scan --jobs N merges one
 * report per thread). */
static int cmp_rest(const rp_report_exposure *a, const rp_report_exposure *b)
{
	int c, k;

	if ((c = cmp_s(a->resource_type, b->resource_type)) != 0 ||
	    (c = cmp_s(a->resource_name, b->resource_name)) != 0 ||
	    (c = cmp_s(a->nic, b->nic)) != 0 ||
	    (c = cmp_s(a->ip_configuration, b->ip_configuration)) != 0 ||
	    (c = cmp_s(a->endpoint_kind, b->endpoint_kind)) != 0 ||
	    (c = cmp_s(a->reason, b->reason)) != 0)
		return c;
	if (a->whole_source != b->whole_source)
		return a->whole_source ? -1 : 1;
	for (k = 0; k < 2; k++) {
		const rp_report_hop *x = &a->hops[k], *y = &b->hops[k];
		if ((c = cmp_s(x->level, y->level)) != 0 || (c = cmp_s(x->nsg, y->nsg)) != 0 ||
		    (c = cmp_s(x->file, y->file)) != 0 || (c = cmp_s(x->verdict, y->verdict)) != 0)
			return c;
		if (x->line != y->line)
			return x->line < y->line ? -1 : 1;
	}
	return 0;
}

static int cmp_exposure(const void *pa, const void *pb)
{
	const rp_report_exposure *a = pa, *b = pb;
	int c;

	if ((c = cmp_s(a->file, b->file)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	/* Internet first, then subnets by name */
	if ((a->public_endpoint == NULL) != (b->public_endpoint == NULL))
		return a->public_endpoint ? -1 : 1;
	if ((c = cmp_s(a->public_endpoint, b->public_endpoint)) != 0)
		return c;
	if ((c = cmp_s(a->source, b->source)) != 0)
		return c;
	if ((c = cmp_s(a->protocol, b->protocol)) != 0)
		return c;
	if ((c = cmp_s(a->verdict, b->verdict)) != 0)
		return c;
	if ((c = cmp_s(a->ports, b->ports)) != 0)
		return c;
	if ((c = cmp_s(a->source_addresses, b->source_addresses)) != 0)
		return c;
	if ((c = cmp_s(a->hops[0].rule, b->hops[0].rule)) != 0)
		return c;
	if ((c = cmp_s(a->hops[1].rule, b->hops[1].rule)) != 0)
		return c;
	return cmp_rest(a, b);
}

void rpt_sort_exposures(rp_report *r)
{
	if (r->nexposures > 1)
		qsort(r->exposures, r->nexposures, sizeof(*r->exposures), cmp_exposure);
}

void rpt_json_exposures(rp_jw *w, const rp_report *r)
{
	size_t i;
	int h;

	RP_JW_KEY(w, "exposures");
	rp_jw_array_begin(w);
	for (i = 0; i < r->nexposures; i++) {
		const rp_report_exposure *e = &r->exposures[i];
		rp_jw_object_begin(w);
		RP_JW_STR(w, "resource_type", e->resource_type);
		RP_JW_STR(w, "resource_name", e->resource_name);
		RP_JW_STR(w, "nic", e->nic);
		RP_JW_STR(w, "ip_configuration", e->ip_configuration);
		RP_JW_STR(w, "file", e->file);
		RP_JW_UINT(w, "line", e->line);
		RP_JW_STR(w, "source", e->source);
		RP_JW_STR(w, "source_addresses", e->source_addresses);
		RP_JW_BOOL(w, "whole_source", e->whole_source);
		RP_JW_STR(w, "protocol", e->protocol);
		RP_JW_STR(w, "ports", e->ports);
		RP_JW_STR(w, "public_endpoint", e->public_endpoint);
		RP_JW_STR(w, "endpoint_kind", e->endpoint_kind);
		RP_JW_STR(w, "verdict", e->verdict);
		RP_JW_STR(w, "reason", e->reason);
		RP_JW_KEY(w, "deciding_rules");
		rp_jw_array_begin(w);
		for (h = 0; h < 2; h++) {
			const rp_report_hop *p = &e->hops[h];
			rp_jw_object_begin(w);
			RP_JW_STR(w, "level", p->level);
			RP_JW_STR(w, "nsg", p->nsg);
			RP_JW_STR(w, "rule", p->rule);
			RP_JW_STR(w, "file", p->file);
			RP_JW_UINT(w, "line", p->line);
			RP_JW_STR(w, "verdict", p->verdict);
			rp_jw_object_end(w);
		}
		rp_jw_array_end(w);
		rp_jw_object_end(w);
	}
	rp_jw_array_end(w);
}

static int put_hop(const rp_report_hop *p, rp_buf *out)
{
	if (!p->nsg)
		return rpt_put_safe(out, "no NSG");
	if (!p->rule)
		return rpt_put_safe(out, p->nsg);
	if (p->file)
		return rpt_put_fmt_safe(out, "%s/%s %s:%u", p->nsg, p->rule, p->file, p->line);
	return rpt_put_fmt_safe(out, "%s/%s (default)", p->nsg, p->rule);
}

/* The text view: every Internet exposure, one line each; east-west
 * entries counted (the JSON report lists them). */
int rpt_text_exposures(const rp_report *r, bool color, rp_buf *out)
{
	size_t i, nin = 0, neast = 0, nunk = 0;
	int rc = 0;

	for (i = 0; i < r->nexposures; i++) {
		if (r->exposures[i].public_endpoint)
			nin++;
		else
			neast++;
	}
	if (!r->nexposures)
		return 0;
	rc = rp_buf_printf(out, "%sNetwork exposure%s\n", color ? "\033[1m" : "",
			   color ? "\033[0m" : "");
	for (i = 0; i < r->nexposures && rc == 0; i++) {
		const rp_report_exposure *e = &r->exposures[i];
		bool unk = strcmp(e->verdict, "allow") != 0;
		if (!e->public_endpoint)
			continue;
		nunk += unk;
		rc = rpt_put_fmt_safe(out, "  %s%s %s %s from %s via %s", unk ? "maybe " : "",
				      e->resource_name, e->protocol, e->ports,
				      e->whole_source ? "Internet" : e->source_addresses,
				      e->public_endpoint);
		if (rc == 0)
			rc = rp_buf_puts(out, " [");
		if (rc == 0)
			rc = put_hop(&e->hops[0], out);
		if (rc == 0)
			rc = rp_buf_puts(out, "; ");
		if (rc == 0)
			rc = put_hop(&e->hops[1], out);
		if (rc == 0)
			rc = rp_buf_puts(out, "]\n");
		if (rc == 0 && unk && e->reason)
			rc = rpt_put_fmt_safe(out, "    unknown: %s\n", e->reason);
	}
	if (rc == 0)
		rc = rp_buf_printf(out,
				   "  %zu Internet exposure%s (%zu unknown), %zu east-west; "
				   "details: --format json (\"exposures\")\n\n",
				   nin, nin == 1 ? "" : "s", nunk, neast);
	return rc;
}
