/* html.c: the HTML report (`scan --format html`): one self-contained file,
 * no scripts, no external resources (fonts, styles, images), readable
 * offline and printed.
 *
 * Sections: summary; the layer matrix (assets x BOOT HOST NET DATA MON,
 * depth score, Internet); the attack-path graph (inline SVG, laid out by
 * Graphviz dot, gv.h; grouped by subnet when the estate has more than
 * RP_HTML_GRAPH_MAX_ASSETS assets); the exposure table; the weakest path
 * of each asset reachable from the Internet; findings by layer and rule
 * with code excerpts at their exact lines (the scanned files are read
 * again, read-only, for the excerpts).
 *
 * Meaning is never carried by colour alone: every rating, state and
 * status is written as a word with a symbol (+ holds, ~ weak, x broken,
 * ? unknown), colour only repeats it.  Deterministic: no timestamps.
 * Bounded on large estates: excerpts for the first RP_HTML_MAX_EXCERPTS
 * findings of each rule, at most RP_HTML_MAX_LISTED listed per rule, path
 * details for at most RP_HTML_MAX_DETAILS assets (the JSON report has all).
 */
#include "report/assets.h"
#include "report/gv.h"
#include "report/internal.h"
#include "report/report.h"
#include "util/error.h"
#include "util/source.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RP_HTML_GRAPH_MAX_ASSETS 40u
#define RP_HTML_GRAPH_MAX_GROUPS 120u
#define RP_HTML_MAX_EXCERPTS 10u
#define RP_HTML_MAX_LISTED 200u
#define RP_HTML_MAX_DETAILS 200u
#define RP_HTML_MAX_EXPOSURE_ROWS 1000u
#define RP_HTML_EXCERPT_CONTEXT 2u
#define RP_HTML_EXCERPT_MAX_LINES 12u
#define RP_HTML_LINE_MAX 240u

static const char *const sym_rating[] = { "+", "~", "x", "?" };
static const char *const sym_state[] = { "x", "+", "?" }; /* open, restricted, unknown */

typedef struct hctx {
	rp_report *r;
	rp_buf *b;
	int rc;
	char **excerpt; /* per finding index: rendered <pre>, or NULL */
} hctx;

static void put(hctx *h, const char *s)
{
	if (h->rc == 0)
		h->rc = rp_buf_puts(h->b, s);
}

static void putf(hctx *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(hctx *h, const char *fmt, ...)
{
	va_list ap;

	if (h->rc)
		return;
	va_start(ap, fmt);
	h->rc = rp_buf_vprintf(h->b, fmt, ap);
	va_end(ap);
}

static void esc(hctx *h, const char *s)
{
	if (h->rc == 0)
		h->rc = rp_xml_escape(h->b, s ? s : "");
}

static const char *status_word(const rp_report_finding *f)
{
	if (f->suppressed != RP_SUPPRESS_NONE)
		return "~ suppressed";
	switch (f->status) {
	case RP_STATUS_PASS: return "+ pass";
	case RP_STATUS_FAIL: return "x fail";
	case RP_STATUS_UNKNOWN: return "? unknown";
	default: return "- n/a";
	}
}

/* ---- style ---- */

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
	"margin:0 auto;max-width:1400px;padding:0 1.2em 3em;color:#1b1f24;line-height:1.4}"
	"h1{margin:.6em 0 .2em}h2{border-bottom:2px solid "
	"#444;padding-bottom:.15em;margin-top:1.6em}"
	"h3{margin:1.2em 0 .3em}h4{margin:1em 0 .3em;font-size:1em}"
	"nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1em}"
	"table{border-collapse:collapse;margin:.4em 0 1em;font-size:.92em}"
	"th,td{border:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top}"
	"th{background:#eee}td.num{text-align:right}"
	".r0{background:#d9f2dc}.r1{background:#fff1c2}.r2{background:#f8cfcf;font-weight:bold}"
	".r3{background:#e6e6e6;font-style:italic}"
	".s0{background:#f8cfcf}.s1{background:#d9f2dc}.s2{background:#e6e6e6;font-style:italic}"
	".st-fail{color:#8b0000;font-weight:bold}.st-unknown{font-style:italic}"
	".st-suppressed{color:#555}"
	"pre.excerpt{background:#f6f8fa;border:1px solid #ccc;padding:.3em;overflow-x:auto;"
	"font-size:.85em;margin:.2em 0 .8em;font-family:'DejaVu Sans Mono',monospace}"
	"pre.excerpt .ln{color:#666;user-select:none}pre.excerpt mark{background:#ffe08a}"
	".finding{margin:.3em 0 .8em 1em}.msg{margin:.1em 0}.muted{color:#555}"
	"figure.graph{margin:0;overflow:auto;border:1px solid #ccc;padding:.3em}"
	"figure.graph svg{max-width:100%;height:auto}"
	".legend{font-size:.9em}"
	"@media print{nav{display:none}body{max-width:none;padding:0;font-size:10pt}"
	"h2{break-after:avoid}table,pre.excerpt,figure.graph{break-inside:avoid}"
	"figure.graph{overflow:visible;border:none}"
	"a{color:inherit;text-decoration:none}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/* ---- excerpts ---- */

/* Renders the excerpt of f (lines around line..end_line of src) into a
 * malloc'd string. */
static char *render_excerpt(rp_source *src, const rp_report_finding *f)
{
	rp_buf b = RP_BUF_INIT;
	uint32_t first, last, end = f->end_line >= f->line ? f->end_line : f->line, ln;
	int rc = 0;

	first = f->line > RP_HTML_EXCERPT_CONTEXT ? f->line - RP_HTML_EXCERPT_CONTEXT : 1;
	last = end + RP_HTML_EXCERPT_CONTEXT;
	if (last - first + 1 > RP_HTML_EXCERPT_MAX_LINES)
		last = first + RP_HTML_EXCERPT_MAX_LINES - 1;
	rc = rp_buf_printf(&b, "<pre class=\"excerpt\" aria-label=\"%s lines %u to %u\">", "source",
			   first, last);
	for (ln = first; ln <= last && rc == 0; ln++) {
		size_t start, len;
		bool hit = ln >= f->line && ln <= end;
		char *line;
		if (rp_source_line(src, ln, &start, &len) < 0)
			break;
		if (len > RP_HTML_LINE_MAX)
			len = RP_HTML_LINE_MAX;
		line = strndup(src->data + start, len);
		if (!line) {
			rc = -RP_ENOMEM;
			break;
		}
		rc = rp_buf_printf(&b, "<span class=\"ln\">%s%5u </span>", hit ? "&gt;" : " ", ln);
		if (rc == 0 && hit)
			rc = rp_buf_puts(&b, "<mark>");
		if (rc == 0)
			rc = rp_xml_escape(&b, line);
		if (rc == 0 && hit)
			rc = rp_buf_puts(&b, "</mark>");
		if (rc == 0)
			rc = rp_buf_putc(&b, '\n');
		free(line);
	}
	if (rc == 0)
		rc = rp_buf_puts(&b, "</pre>");
	if (rc < 0) {
		rp_buf_release(&b);
		return NULL;
	}
	return rp_buf_detach(&b);
}

static bool shown(const rp_report_finding *f)
{
	return f->status == RP_STATUS_FAIL || f->status == RP_STATUS_UNKNOWN ||
	       f->suppressed != RP_SUPPRESS_NONE;
}

static int cmp_rule_then_pos(const void *pa, const void *pb)
{
	const rp_report_finding *a = *(const rp_report_finding *const *)pa;
	const rp_report_finding *b = *(const rp_report_finding *const *)pb;
	int c = strcmp(a->rule->id, b->rule->id);

	if (c)
		return c;
	return a < b ? -1 : a > b;
}

/* The findings shown, by rule (report order within a rule); picks which
 * get excerpts and renders them, one file load each. */
static int prepare_findings(hctx *h, const rp_report_finding ***out, size_t *nout)
{
	rp_report *r = h->r;
	const rp_report_finding **v = NULL;
	size_t n = 0, i, k = 0;
	int rc = 0;

	v = malloc((r->nfindings ? r->nfindings : 1) * sizeof(*v));
	h->excerpt = calloc(r->nfindings ? r->nfindings : 1, sizeof(*h->excerpt));
	if (!v || !h->excerpt) {
		free(v);
		return -RP_ENOMEM;
	}
	for (i = 0; i < r->nfindings; i++)
		if (shown(&r->findings[i]))
			v[n++] = &r->findings[i];
	qsort(v, n, sizeof(*v), cmp_rule_then_pos);
	/* mark: excerpt wanted (report findings are in file order, so each
	 * file is loaded once below) */
	for (i = 0; i < n; i++) {
		if (i == 0 || v[i]->rule != v[i - 1]->rule)
			k = 0;
		if (k++ < RP_HTML_MAX_EXCERPTS && v[i]->line)
			h->excerpt[v[i] - r->findings] = (char *)1;
	}
	for (i = 0; i < r->nfindings && rc == 0;) {
		const char *file = r->findings[i].file;
		size_t j = i;
		bool want = false;
		rp_source *src = NULL;
		while (j < r->nfindings && strcmp(r->findings[j].file, file) == 0) {
			want |= h->excerpt[j] != NULL;
			j++;
		}
		if (want && file[0] && rp_source_load(file, 0, &src, NULL) < 0)
			src = NULL;
		for (; i < j; i++) {
			if (!h->excerpt[i])
				continue;
			h->excerpt[i] = src ? render_excerpt(src, &r->findings[i]) : NULL;
			if (src && !h->excerpt[i])
				rc = -RP_ENOMEM;
		}
		rp_source_free(src);
	}
	*out = v;
	*nout = n;
	return rc;
}

/* ---- sections ---- */

static void summary(hctx *h)
{
	rp_report *r = h->r;
	rp_report_counts c;
	size_t hist[6] = { 0 }, reach[3] = { 0 }, i, depth_fail = 0;
	int s;

	rp_report_count(r, &c);
	for (i = 0; i < r->nassets; i++) {
		hist[r->assets[i]->score <= 5 ? r->assets[i]->score : 5]++;
		reach[r->assets[i]->internet == 1 ? 0 : r->assets[i]->internet == 2 ? 1 : 2]++;
	}
	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].rule->layer, "DEPTH") == 0 &&
		    r->findings[i].status == RP_STATUS_FAIL && !r->findings[i].suppressed)
			depth_fail++;
	put(h, "<section id=\"summary\"><h2>Summary</h2><table class=\"summary\"><tbody>");
	putf(h,
	     "<tr><th>files scanned</th><td class=\"num\">%zu</td></tr>"
	     "<tr><th>resources</th><td class=\"num\">%zu</td></tr>"
	     "<tr><th>rules run</th><td class=\"num\">%zu</td></tr>"
	     "<tr><th>input errors</th><td class=\"num\">%zu</td></tr>"
	     "<tr><th>compute assets</th><td class=\"num\">%zu</td></tr>",
	     r->nfiles, r->nresources, r->nrules, r->nerrors, r->nassets);
	putf(h,
	     "<tr><th>checks: x fail / ? unknown / + pass / - n/a / ~ suppressed</th>"
	     "<td class=\"num\">%zu / %zu / %zu / %zu / %zu</td></tr>",
	     c.by_status[RP_STATUS_FAIL], c.by_status[RP_STATUS_UNKNOWN],
	     c.by_status[RP_STATUS_PASS], c.by_status[RP_STATUS_NOT_APPLICABLE], c.suppressed);
	put(h, "<tr><th>failures by severity</th><td class=\"num\">");
	for (s = RP_SEV_CRITICAL; s >= RP_SEV_INFO; s--)
		putf(h, "%s%zu %s", s == RP_SEV_CRITICAL ? "" : ", ", c.fail_by_severity[s],
		     rpt_sev((rp_severity)s));
	put(h, "</td></tr>");
	putf(h,
	     "<tr><th>reachable from the Internet: yes / unknown / no</th>"
	     "<td class=\"num\">%zu / %zu / %zu</td></tr>",
	     reach[0], reach[1], reach[2]);
	putf(h,
	     "<tr><th>RMP-DEPTH-001 failures (Internet-reachable with too few layers)</th>"
	     "<td class=\"num\">%zu</td></tr>",
	     depth_fail);
	put(h, "<tr><th>assets by depth score (layers that hold)</th><td class=\"num\">");
	for (i = 6; i-- > 0;)
		putf(h, "%s%zu/5: %zu", i == 5 ? "" : ", ", i, hist[i]);
	put(h, "</td></tr></tbody></table></section>\n");
}

static void rating_cell(hctx *h, const rp_report_layer *l)
{
	unsigned rt = l->rating < 4 ? l->rating : 3;

	putf(h, "<td class=\"r%u\" title=\"", rt);
	esc(h, l->reason);
	putf(h, "\">%s %s</td>", sym_rating[rt], rp_depth_rating_name((rp_depth_rating)rt));
}

static void matrix(hctx *h)
{
	rp_report *r = h->r;
	size_t i, l;

	put(h, "<section id=\"matrix\"><h2>Layer matrix</h2>"
	       "<p>Each compute asset's five defense layers, rated from the rules' results "
	       "(docs/depth.md): <b>+ holds</b>, <b>~ weak</b> (a medium failure), "
	       "<b>x broken</b> (a high or critical failure), <b>? unknown</b>. The depth score "
	       "counts the layers that hold.</p>");
	if (!r->nassets) {
		put(h, "<p>No compute assets (virtual machines, scale sets) in the input.</p>"
		       "</section>\n");
		return;
	}
	put(h, "<table class=\"matrix\"><thead><tr><th scope=\"col\">asset</th>"
	       "<th scope=\"col\">type</th><th scope=\"col\">subnet</th>");
	for (l = 0; l < RP_DEPTH_NLAYERS; l++)
		putf(h, "<th scope=\"col\">%s</th>", rp_report_layer_names[l]);
	put(h, "<th scope=\"col\">score</th><th scope=\"col\">Internet</th></tr></thead><tbody>");
	for (i = 0; i < r->nassets && h->rc == 0; i++) {
		const rp_report_asset *a = r->assets[i];
		const char *t = strrchr(a->type, '/');
		putf(h, "<tr id=\"asset-%zu\"><th scope=\"row\">", i);
		esc(h, a->name);
		put(h, "</th><td>");
		esc(h, t ? t + 1 : a->type);
		put(h, "</td><td>");
		esc(h, a->subnet ? a->subnet : "-");
		put(h, "</td>");
		for (l = 0; l < RP_DEPTH_NLAYERS; l++)
			rating_cell(h, &a->layers[l]);
		putf(h, "<td class=\"num\">%u/5</td><td title=\"", a->score);
		esc(h, a->internet_why);
		putf(h, "\">%s</td></tr>\n", rp_report_internet_name(a->internet));
	}
	put(h, "</tbody></table></section>\n");
}

/* ---- graph ---- */

static const char *node_shape(unsigned kind)
{
	switch (kind) {
	case RP_DN_INTERNET: return "doubleoctagon";
	case RP_DN_NEIGHBOURS: return "octagon";
	case RP_DN_PUBLIC_IP:
	case RP_DN_LOAD_BALANCER: return "cds";
	case RP_DN_SUBNET: return "box3d";
	case RP_DN_ASSET: return "box";
	default: return "cylinder";
	}
}

static const char *kind_word(unsigned kind)
{
	switch (kind) {
	case RP_DN_PUBLIC_IP: return "public IP";
	case RP_DN_LOAD_BALANCER: return "load balancer";
	case RP_DN_SUBNET: return "subnet";
	case RP_DN_NIC: return "NIC";
	case RP_DN_DISK: return "disk";
	case RP_DN_STORAGE: return "storage account";
	case RP_DN_KEYVAULT: return "Key Vault";
	case RP_DN_NEIGHBOURS: return "";
	case RP_DN_INTERNET: return "";
	default: return "";
	}
}

static int edge(rp_gv *g, const char *from, const char *to, unsigned state, const char *extra)
{
	char label[160];
	const char *attrs[] = {
		"label",
		label,
		"style",
		state == RP_DS_OPEN ? "bold" : state == RP_DS_UNKNOWN ? "dashed" : "solid",
		"color",
		state == RP_DS_OPEN ? "#b00000" : state == RP_DS_UNKNOWN ? "#666666" : "#2e7d32",
		"fontname",
		"Helvetica",
		"fontsize",
		"10",
		NULL
	};

	snprintf(label, sizeof(label), "%s %s%s%s", sym_state[state < 3 ? state : 2],
		 rp_depth_state_name((rp_depth_state)state), extra && extra[0] ? "\n" : "",
		 extra ? extra : "");
	return rp_gv_edge(g, from, to, attrs);
}

static int gnode(rp_gv *g, const char *id, unsigned kind, const char *label, const char *url,
		 const char *fill)
{
	const char *attrs[] = { "label",
				label,
				"shape",
				node_shape(kind),
				"fontname",
				"Helvetica",
				"fontsize",
				"11",
				"style",
				"filled",
				"fillcolor",
				fill,
				url ? "URL" : NULL,
				url,
				NULL };
	return rp_gv_node(g, id, attrs);
}

static const char *asset_fill(const rp_report_asset *a)
{
	return a->score >= 4 ? "#d9f2dc" : a->score >= 3 ? "#fff1c2" : "#f8cfcf";
}

/* Short layer line: "BOOT+ HOST~ NET? DATA+ MON+". */
static void layer_line(const rp_report_asset *a, char *out, size_t n)
{
	snprintf(out, n, "BOOT%s HOST%s NET%s DATA%s MON%s", sym_rating[a->layers[0].rating & 3],
		 sym_rating[a->layers[1].rating & 3], sym_rating[a->layers[2].rating & 3],
		 sym_rating[a->layers[3].rating & 3], sym_rating[a->layers[4].rating & 3]);
}

/* The NIC hop is drawn on the edge into the asset: its NSG. */
static int full_graph(hctx *h, rp_gv *g)
{
	rp_report *r = h->r;
	size_t i, p, k;
	int rc = 0;

	for (i = 0; i < r->nassets && rc == 0; i++) {
		const rp_report_asset *a = r->assets[i];
		char lab[512], nm[128], ll[64], url[32];
		const char *asset_id = NULL;
		for (p = 0; p < a->npaths && rc == 0; p++) {
			const rp_report_path *pa = &a->paths[p];
			const char *prev = NULL;
			unsigned nic_state = RP_DS_RESTRICTED;
			for (k = 0; k < pa->nhops && rc == 0; k++) {
				const rp_report_step *hp = &pa->hops[k];
				const char *fill = "#ffffff";
				if (hp->kind == RP_DN_NIC) {
					nic_state = hp->state;
					continue;
				}
				rp_gv_label_text(hp->name, 48, nm, sizeof(nm));
				if (hp->kind == RP_DN_ASSET) {
					layer_line(a, ll, sizeof(ll));
					snprintf(lab, sizeof(lab), "%s\nscore %u/5\n%s", nm,
						 a->score, ll);
					snprintf(url, sizeof(url), "#detail-%zu", i);
					rc = gnode(g, hp->node, hp->kind, lab, url, asset_fill(a));
					asset_id = hp->node;
				} else {
					const char *kw = kind_word(hp->kind);
					snprintf(lab, sizeof(lab), "%s%s%s", kw, kw[0] ? "\n" : "",
						 nm);
					if (hp->kind == RP_DN_INTERNET)
						fill = "#f8cfcf";
					rc = gnode(g, hp->node, hp->kind, lab, NULL, fill);
				}
				if (rc)
					break;
				if (k >= pa->nentry && asset_id)
					rc = edge(g, asset_id, hp->node, hp->state, NULL);
				else if (prev && hp->kind == RP_DN_ASSET)
					rc = edge(g, prev, hp->node, nic_state, "NIC NSG");
				else if (prev)
					rc = edge(g, prev, hp->node, hp->state, NULL);
				if (k < pa->nentry)
					prev = hp->node;
			}
		}
	}
	return rc;
}

typedef struct group {
	const char *subnet;
	size_t n, internet[3], hist[6], disks;
	unsigned min, max;
	bool from_internet, from_neighbours;
	unsigned in_state; /* worst state of an Internet entry */
} group;

static int cmp_group(const void *pa, const void *pb)
{
	return strcmp(((const group *)pa)->subnet, ((const group *)pb)->subnet);
}

/* Large estates: one node per subnet (assets, scores, exposure). */
static int grouped_graph(hctx *h, rp_gv *g)
{
	rp_report *r = h->r;
	group *gs = calloc(RP_HTML_GRAPH_MAX_GROUPS + 1, sizeof(*gs));
	size_t ng = 0, i, j, p, k;
	int rc = 0;

	if (!gs)
		return -RP_ENOMEM;
	for (i = 0; i < r->nassets; i++) {
		const rp_report_asset *a = r->assets[i];
		const char *sn = a->subnet ? a->subnet : "(subnet not in the input)";
		group *gr = NULL;
		for (j = 0; j < ng; j++)
			if (strcmp(gs[j].subnet, sn) == 0) {
				gr = &gs[j];
				break;
			}
		if (!gr) {
			if (ng < RP_HTML_GRAPH_MAX_GROUPS) {
				gr = &gs[ng++];
				gr->subnet = sn;
				gr->min = 5;
			} else {
				gr = &gs[RP_HTML_GRAPH_MAX_GROUPS];
				gr->subnet = "(other subnets)";
				if (!gr->n)
					gr->min = 5;
			}
		}
		gr->n++;
		gr->internet[a->internet == 1 ? 0 : a->internet == 2 ? 1 : 2]++;
		gr->hist[a->score <= 5 ? a->score : 5]++;
		gr->min = a->score < gr->min ? a->score : gr->min;
		gr->max = a->score > gr->max ? a->score : gr->max;
		for (p = 0; p < a->npaths; p++) {
			const rp_report_path *pa = &a->paths[p];
			if (pa->from_internet) {
				if (!gr->from_internet || pa->hops[1].state == RP_DS_OPEN)
					gr->in_state = pa->hops[1].state;
				gr->from_internet = true;
			} else
				gr->from_neighbours = true;
			if (p == 0)
				for (k = pa->nentry; k < pa->nhops; k++)
					gr->disks += pa->hops[k].kind == RP_DN_DISK;
		}
	}
	if (gs[RP_HTML_GRAPH_MAX_GROUPS].n)
		ng++;
	qsort(gs, ng < RP_HTML_GRAPH_MAX_GROUPS ? ng : RP_HTML_GRAPH_MAX_GROUPS, sizeof(*gs),
	      cmp_group);
	rc = gnode(g, "internet", RP_DN_INTERNET, "Internet", NULL, "#f8cfcf");
	if (rc == 0)
		rc = gnode(g, "neighbours", RP_DN_NEIGHBOURS, "neighbour subnets", NULL, "#ffffff");
	for (i = 0; i < ng && rc == 0; i++) {
		const group *gr = &gs[i];
		char id[32], lab[600], nm[128];
		rp_gv_label_text(gr->subnet, 60, nm, sizeof(nm));
		snprintf(id, sizeof(id), "group-%zu", i);
		snprintf(lab, sizeof(lab),
			 "subnet %s\n%zu asset%s, %zu disk%s\nscore min %u, max %u\n"
			 "5:%zu 4:%zu 3:%zu 2:%zu 1:%zu 0:%zu\nInternet: yes %zu, unknown %zu, no "
			 "%zu",
			 nm, gr->n, gr->n == 1 ? "" : "s", gr->disks, gr->disks == 1 ? "" : "s",
			 gr->min, gr->max, gr->hist[5], gr->hist[4], gr->hist[3], gr->hist[2],
			 gr->hist[1], gr->hist[0], gr->internet[0], gr->internet[1],
			 gr->internet[2]);
		rc = gnode(g, id, RP_DN_SUBNET, lab, NULL,
			   gr->min >= 4   ? "#d9f2dc"
			   : gr->min >= 3 ? "#fff1c2"
					  : "#f8cfcf");
		if (rc == 0 && gr->from_internet)
			rc = edge(g, "internet", id, gr->in_state, "public endpoints");
		if (rc == 0 && gr->from_neighbours)
			rc = edge(g, "neighbours", id, RP_DS_UNKNOWN, "NSGs per asset");
	}
	free(gs);
	return rc;
}

static void graph(hctx *h)
{
	rp_report *r = h->r;
	bool grouped = r->nassets > RP_HTML_GRAPH_MAX_ASSETS;
	rp_gv *g = NULL;
	rp_diag d;
	rp_buf svg = RP_BUF_INIT;
	int rc;

	put(h, "<section id=\"graph\"><h2>Attack paths</h2>");
	if (!r->nassets) {
		put(h, "<p>No compute assets: no attack paths.</p></section>\n");
		return;
	}
	putf(h,
	     "<p class=\"legend\">From the Internet (through a public IP or a public load "
	     "balancer) or from neighbour subnets, through the subnet's and the NIC's network "
	     "security groups to each asset, then to the data it reaches. Edges are labelled "
	     "with their state: <b>x open</b> (no control stops an attacker; bold), "
	     "<b>+ restricted</b> (a control holds; solid), <b>? unknown</b> (dashed). Assets "
	     "show their depth score and layers (+ holds, ~ weak, x broken, ? unknown).%s</p>",
	     grouped ? " This estate is large: assets are grouped by subnet; the layer matrix "
		       "and the JSON report have every asset."
		     : "");
	rp_diag_init(&d);
	rc = rp_gv_open(&g, "attack_paths", &d);
	if (rc == -RP_ENOMEM) {
		h->rc = rc;
		goto out;
	}
	if (rc < 0) {
		put(h, "<p><b>The graph is not drawn:</b> ");
		esc(h, d.count ? d.items[0].message : "Graphviz could not be loaded");
		put(h, ".</p></section>\n");
		goto out;
	}
	rc = rp_gv_graph_attr(g, "rankdir", "LR");
	if (rc == 0)
		rc = rp_gv_graph_attr(g, "fontname", "Helvetica");
	if (rc == 0)
		rc = rp_gv_graph_attr(g, "nodesep", "0.25");
	if (rc == 0)
		rc = grouped ? grouped_graph(h, g) : full_graph(h, g);
	if (rc == 0)
		rc = rp_gv_svg(g, &svg);
	if (rc == -RP_ENOMEM) {
		h->rc = rc;
		goto out;
	}
	if (rc < 0) {
		put(h, "<p><b>The graph is not drawn:</b> Graphviz failed to lay it out.</p>");
	} else {
		put(h, "<figure class=\"graph\" role=\"img\" aria-label=\"attack-path graph\">");
		if (h->rc == 0)
			h->rc = rp_buf_append(h->b, svg.data, svg.len);
		put(h, "</figure>");
	}
	put(h, "</section>\n");
out:
	rp_buf_release(&svg);
	rp_gv_close(g);
	rp_diag_release(&d);
}

/* ---- exposure and paths ---- */

static void state_cell(hctx *h, const rp_report_step *hp)
{
	unsigned s = hp->state < 3 ? hp->state : 2;

	putf(h, "<td class=\"s%u\">%s %s: ", s, sym_state[s],
	     rp_depth_state_name((rp_depth_state)s));
	esc(h, hp->controls);
	put(h, "</td>");
}

static void hop_cell(hctx *h, const rp_report_hop *hp)
{
	put(h, "<td>");
	if (!hp->nsg) {
		put(h, "no NSG (allows)");
	} else {
		esc(h, hp->nsg);
		put(h, ": ");
		esc(h, hp->rule ? hp->rule : "-");
		if (hp->file) {
			put(h, " <code>");
			esc(h, hp->file);
			putf(h, ":%u</code>", hp->line);
		} else if (hp->rule) {
			put(h, " (default rule)");
		}
	}
	put(h, "</td>");
}

/* The network analysis' exposures (src/net/topology.h): Internet rows
 * first, then east-west, each in report order. */
static void exposure(hctx *h)
{
	rp_report *r = h->r;
	size_t i, rows = 0, pass;

	put(h, "<section id=\"exposure\"><h2>Exposure</h2>"
	       "<p>What the exact NSG evaluation found reachable: per network interface, from "
	       "the Internet through each public endpoint, and from each other subnet "
	       "(east-west), the protocols and destination ports with the rule that decided at "
	       "each NSG level. Ports denied by the NSGs do not appear.</p>");
	if (!r->nexposures) {
		put(h, "<p>Nothing is reachable from the Internet or from other subnets.</p>"
		       "</section>\n");
		return;
	}
	put(h, "<table class=\"exposure\"><thead><tr><th>resource</th><th>from</th>"
	       "<th>protocol</th><th>ports</th><th>public endpoint</th><th>verdict</th>"
	       "<th>subnet NSG</th><th>NIC NSG</th></tr></thead><tbody>");
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < r->nexposures && h->rc == 0; i++) {
			const rp_report_exposure *e = &r->exposures[i];
			bool internet = e->public_endpoint != NULL;
			bool allow = e->verdict && strcmp(e->verdict, "allow") == 0;
			if (internet != (pass == 0))
				continue;
			if (rows++ >= RP_HTML_MAX_EXPOSURE_ROWS)
				continue;
			put(h, "<tr><th scope=\"row\">");
			esc(h, e->resource_name);
			put(h, "</th><td>");
			esc(h, e->source);
			if (!e->whole_source) {
				put(h, " <span class=\"muted\">(");
				esc(h, e->source_addresses);
				put(h, ")</span>");
			}
			put(h, "</td><td>");
			esc(h, e->protocol);
			put(h, "</td><td>");
			esc(h, e->ports);
			put(h, "</td><td>");
			esc(h, e->public_endpoint ? e->public_endpoint : "-");
			putf(h, "</td><td class=\"%s\">%s", allow ? "s0" : "s2",
			     allow ? "x allowed" : "? unknown");
			if (!allow && e->reason) {
				put(h, ": ");
				esc(h, e->reason);
			}
			put(h, "</td>");
			hop_cell(h, &e->hops[0]);
			hop_cell(h, &e->hops[1]);
			put(h, "</tr>\n");
		}
	}
	put(h, "</tbody></table>");
	if (rows > RP_HTML_MAX_EXPOSURE_ROWS)
		putf(h, "<p>%zu more rows: see the JSON report (exposures).</p>",
		     rows - RP_HTML_MAX_EXPOSURE_ROWS);
	put(h, "</section>\n");
}

static void details(hctx *h)
{
	rp_report *r = h->r;
	size_t i, k, n = 0;

	put(h, "<section id=\"paths\"><h2>Weakest path per asset</h2>"
	       "<p>For each asset, the path with the fewest controls that hold (Internet paths "
	       "first), then the data the asset reaches (its disks; storage accounts and Key "
	       "Vaults its managed identities hold roles on).</p>");
	for (i = 0; i < r->nassets && h->rc == 0; i++) {
		const rp_report_asset *a = r->assets[i];
		const rp_report_path *pa = a->npaths ? &a->paths[0] : NULL;
		if (!pa)
			continue;
		if (n++ >= RP_HTML_MAX_DETAILS) {
			continue;
		}
		putf(h, "<h3 id=\"detail-%zu\">", i);
		esc(h, a->name);
		putf(h, " <span class=\"muted\">(score %u/5, Internet: %s; from %s)</span></h3>",
		     a->score, rp_report_internet_name(a->internet),
		     pa->from_internet ? "the Internet" : "neighbour subnets");
		put(h, "<table class=\"path\"><thead><tr><th>#</th><th>hop</th><th>role</th>"
		       "<th>state and controls</th><th>rules</th></tr></thead><tbody>");
		for (k = 0; k < pa->nhops; k++) {
			const rp_report_step *hp = &pa->hops[k];
			size_t x;
			putf(h, "<tr><td class=\"num\">%zu</td><td>%s%s", k + 1,
			     kind_word(hp->kind), kind_word(hp->kind)[0] ? " " : "");
			esc(h, hp->name);
			putf(h, "</td><td>%s</td>", k < pa->nentry ? "way in" : "data reached");
			if (k == 0)
				put(h, "<td>source</td>");
			else
				state_cell(h, hp);
			put(h, "<td>");
			for (x = 0; x < hp->nrefs; x++) {
				const char *id = rp_report_ref_rule(r, &hp->refs[x])->id;
				putf(h, "%s<a href=\"#r-%s\">%s</a> %s", x ? ", " : "", id, id,
				     rpt_status((rp_status)hp->refs[x].status));
			}
			put(h, "</td></tr>");
		}
		put(h, "</tbody></table>\n");
	}
	if (n > RP_HTML_MAX_DETAILS)
		putf(h, "<p>%zu more assets: see the JSON report (assets[].paths).</p>",
		     n - RP_HTML_MAX_DETAILS);
	put(h, "</section>\n");
}

/* ---- findings by layer ---- */

static const char *const layer_order[] = { "BOOT", "HOST", "NET", "DATA", "MON", "DEPTH", "META" };

static void one_finding(hctx *h, const rp_report_finding *f, bool with_excerpt)
{
	const char *ex = h->excerpt[f - h->r->findings];
	const char *cls = f->suppressed != RP_SUPPRESS_NONE ? "st-suppressed"
			  : f->status == RP_STATUS_FAIL     ? "st-fail"
							    : "st-unknown";

	putf(h, "<div class=\"finding\" id=\"f-%s\"><span class=\"%s\">%s</span> <b>",
	     f->fingerprint, cls, status_word(f));
	esc(h, f->resource_name[0] ? f->resource_name : "(no resource)");
	put(h, "</b> <span class=\"muted\">");
	esc(h, f->resource_type);
	put(h, "</span> <code>");
	esc(h, f->file);
	if (f->line)
		putf(h, ":%u:%u", f->line, f->column);
	put(h, "</code><div class=\"msg\">");
	esc(h, f->message[0] ? f->message : f->rule->title);
	put(h, "</div>");
	if (f->status == RP_STATUS_UNKNOWN && f->unknown_reason) {
		put(h, "<div class=\"msg\">unknown: ");
		esc(h, f->unknown_reason);
		put(h, "</div>");
	}
	if (f->suppressed != RP_SUPPRESS_NONE) {
		putf(h, "<div class=\"msg\">suppressed (%s, was %s): ",
		     rp_suppress_kind_name(f->suppressed), rpt_status(f->status));
		esc(h, f->suppress_reason);
		put(h, "</div>");
	}
	if (with_excerpt && ex)
		put(h, ex);
	put(h, "</div>\n");
}

static void findings(hctx *h, const rp_report_finding **v, size_t n)
{
	size_t li, i, j, k;

	put(h, "<section id=\"findings\"><h2>Findings by layer</h2>"
	       "<p>Failing, unknown and suppressed checks, by defense layer and rule, with the "
	       "source lines they point at (marked &gt;).</p>");
	for (li = 0; li < sizeof(layer_order) / sizeof(layer_order[0]) && h->rc == 0; li++) {
		bool header = false;
		for (i = 0; i < n && h->rc == 0; i = j) {
			const rp_report_rule *ru = v[i]->rule;
			for (j = i; j < n && v[j]->rule == ru; j++)
				;
			if (strcmp(ru->layer, layer_order[li]) != 0)
				continue;
			if (!header) {
				putf(h, "<h3 id=\"layer-%s\">%s</h3>", layer_order[li],
				     layer_order[li]);
				header = true;
			}
			putf(h, "<h4 id=\"r-%s\">%s (%s): ", ru->id, ru->id, rpt_sev(ru->severity));
			esc(h, ru->title);
			putf(h, " <span class=\"muted\">(%zu)</span></h4>", j - i);
			for (k = i; k < j && k - i < RP_HTML_MAX_LISTED; k++)
				one_finding(h, v[k], true);
			if (j - i > RP_HTML_MAX_LISTED)
				putf(h, "<p>%zu more: see the JSON report.</p>",
				     j - i - RP_HTML_MAX_LISTED);
		}
		if (!header && li < 5)
			putf(h, "<h3 id=\"layer-%s\">%s</h3><p>No failing or unknown check.</p>",
			     layer_order[li], layer_order[li]);
	}
	put(h, "</section>\n");
}

int rp_report_write_html(rp_report *r, const rp_report_options *o, rp_buf *out)
{
	hctx h = { r, out, 0, NULL };
	const rp_report_finding **v = NULL;
	size_t nv = 0, i;

	rp_report_sort(r);
	rp_report_sort_assets(r);
	h.rc = prepare_findings(&h, &v, &nv);
	put(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>rampart report: defense in depth</title><style>");
	put(&h, css);
	put(&h,
	    "</style></head><body>\n<header><h1>rampart: defense in depth</h1><p class=\"muted\">");
	putf(&h, "%s %s; %zu file%s: ", RP_REPORT_TOOL_NAME, o && o->version ? o->version : "",
	     r->nfiles, r->nfiles == 1 ? "" : "s");
	for (i = 0; i < r->nfiles && i < 20; i++) {
		if (i)
			put(&h, ", ");
		put(&h, "<code>");
		esc(&h, r->files[i]);
		put(&h, "</code>");
	}
	if (r->nfiles > 20)
		putf(&h, " and %zu more", r->nfiles - 20);
	put(&h, "</p></header>\n<nav><ul><li><a href=\"#summary\">Summary</a></li>"
		"<li><a href=\"#matrix\">Layer matrix</a></li><li><a href=\"#graph\">Attack "
		"paths</a></li><li><a href=\"#exposure\">Exposure</a></li><li><a "
		"href=\"#paths\">Weakest paths</a></li><li><a href=\"#findings\">Findings by "
		"layer</a></li></ul></nav>\n<main>\n");
	summary(&h);
	matrix(&h);
	graph(&h);
	exposure(&h);
	details(&h);
	findings(&h, v, nv);
	put(&h, "</main></body></html>\n");
	if (h.excerpt) {
		for (i = 0; i < r->nfindings; i++)
			if (h.excerpt[i] != (char *)1)
				free(h.excerpt[i]);
		free(h.excerpt);
	}
	free(v);
	return h.rc;
}
