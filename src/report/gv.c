/* gv.c: Graphviz through util/dynlib.h (see gv.h).  The headers give the
 * types; every function comes from the static symbol tables below. */
#include "report/gv.h"
#include "util/dynlib.h"
#include "util/error.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct {
	Agraph_t *(*agopen)(char *, Agdesc_t, Agdisc_t *);
	int (*agclose)(Agraph_t *);
	Agnode_t *(*agnode)(Agraph_t *, char *, int);
	Agedge_t *(*agedge)(Agraph_t *, Agnode_t *, Agnode_t *, char *, int);
	int (*agsafeset)(void *, char *, char *, char *);
	Agdesc_t *Agdirected;
	GVC_t *(*gvContext)(void);
	int (*gvFreeContext)(GVC_t *);
	int (*gvLayout)(GVC_t *, graph_t *, const char *);
	int (*gvFreeLayout)(GVC_t *, graph_t *);
	int (*gvRenderData)(GVC_t *, graph_t *, const char *, char **, unsigned int *);
	void (*gvFreeRenderData)(char *);
} G;

static const rp_dynsym cgraph_syms[] = {
	{ "agopen", (void **)&G.agopen },       { "agclose", (void **)&G.agclose },
	{ "agnode", (void **)&G.agnode },       { "agedge", (void **)&G.agedge },
	{ "agsafeset", (void **)&G.agsafeset }, { "Agdirected", (void **)&G.Agdirected },
};
static const rp_dynsym gvc_syms[] = {
	{ "gvContext", (void **)&G.gvContext },
	{ "gvFreeContext", (void **)&G.gvFreeContext },
	{ "gvLayout", (void **)&G.gvLayout },
	{ "gvFreeLayout", (void **)&G.gvFreeLayout },
	{ "gvRenderData", (void **)&G.gvRenderData },
	{ "gvFreeRenderData", (void **)&G.gvFreeRenderData },
};
static const char *const cgraph_names[] = { "libcgraph.so.6", NULL };
static const char *const gvc_names[] = { "libgvc.so.6", NULL };

/* Loaded once per process and kept (the plugins Graphviz loads stay
 * mapped anyway). */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static rp_dynlib lib_cgraph, lib_gvc;
static GVC_t *gvc;

struct rp_gv {
	Agraph_t *g;
	int laid_out;
};

static int load(rp_diag *d)
{
	int rc = 0;

	pthread_mutex_lock(&load_lock);
	if (gvc)
		goto out;
	if (!lib_cgraph.handle)
		rc = rp_dynlib_load(&lib_cgraph, cgraph_names, "libcgraph6", cgraph_syms,
				    sizeof(cgraph_syms) / sizeof(cgraph_syms[0]), d);
	if (rc == 0 && !lib_gvc.handle)
		rc = rp_dynlib_load(&lib_gvc, gvc_names, "libgvc6", gvc_syms,
				    sizeof(gvc_syms) / sizeof(gvc_syms[0]), d);
	if (rc == 0) {
		gvc = G.gvContext();
		if (!gvc)
			rc = -RP_ENOMEM;
	}
out:
	pthread_mutex_unlock(&load_lock);
	return rc;
}

int rp_gv_open(rp_gv **out, const char *name, rp_diag *d)
{
	rp_gv *g;
	int rc;

	*out = NULL;
	if ((rc = load(d)) < 0)
		return rc;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -RP_ENOMEM;
	g->g = G.agopen((char *)name, *G.Agdirected, NULL);
	if (!g->g) {
		free(g);
		return -RP_ENOMEM;
	}
	*out = g;
	return 0;
}

void rp_gv_close(rp_gv *g)
{
	if (!g)
		return;
	if (g->laid_out)
		G.gvFreeLayout(gvc, g->g);
	G.agclose(g->g);
	free(g);
}

static int set_attrs(void *obj, const char *const *attrs)
{
	for (; attrs && attrs[0] && attrs[1]; attrs += 2)
		if (G.agsafeset(obj, (char *)attrs[0], (char *)attrs[1], "") != 0)
			return -RP_ENOMEM;
	return 0;
}

int rp_gv_graph_attr(rp_gv *g, const char *key, const char *value)
{
	return G.agsafeset(g->g, (char *)key, (char *)value, "") == 0 ? 0 : -RP_ENOMEM;
}

int rp_gv_node(rp_gv *g, const char *id, const char *const *attrs)
{
	Agnode_t *n = G.agnode(g->g, (char *)id, 1);

	return n ? set_attrs(n, attrs) : -RP_ENOMEM;
}

int rp_gv_edge(rp_gv *g, const char *from, const char *to, const char *const *attrs)
{
	Agnode_t *a = G.agnode(g->g, (char *)from, 1), *b = G.agnode(g->g, (char *)to, 1);
	Agedge_t *e;

	if (!a || !b)
		return -RP_ENOMEM;
	e = G.agedge(g->g, a, b, NULL, 0); /* one edge per pair */
	if (e)
		return 0;
	e = G.agedge(g->g, a, b, NULL, 1);
	return e ? set_attrs(e, attrs) : -RP_ENOMEM;
}

int rp_gv_svg(rp_gv *g, rp_buf *out)
{
	char *data = NULL;
	unsigned int len = 0;
	const char *svg;
	int rc;

	if (G.gvLayout(gvc, g->g, "dot") != 0)
		return -RP_EINTERNAL;
	g->laid_out = 1;
	if (G.gvRenderData(gvc, g->g, "svg", &data, &len) != 0 || !data)
		return -RP_EINTERNAL;
	/* Drop the XML declaration, the DOCTYPE and comments before <svg. */
	svg = NULL;
	if (len >= 4) {
		unsigned int i;
		for (i = 0; i + 4 <= len; i++)
			if (memcmp(data + i, "<svg", 4) == 0) {
				svg = data + i;
				break;
			}
	}
	rc = svg ? rp_buf_append(out, svg, len - (unsigned int)(svg - data)) : -RP_EINTERNAL;
	G.gvFreeRenderData(data);
	return rc;
}

void rp_gv_label_text(const char *s, size_t max, char *out, size_t outsz)
{
	size_t n = 0, i;

	if (!outsz)
		return;
	for (i = 0; s && s[i] && n + 4 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];
		if (n >= max && (c & 0xC0) != 0x80) {
			/* "…" */
			out[n++] = (char)0xE2;
			out[n++] = (char)0x80;
			out[n++] = (char)0xA6;
			break;
		}
		out[n++] = c == '\\' ? '/' : c < 0x20 || c == 0x7F ? ' ' : (char)c;
	}
	out[n] = 0;
}
