/* graph.c: the reachability graph of a topology as Graphviz DOT text
 * (`rampart graph`; docs/network.md "rampart graph").
 *
 * Nodes: the Internet, every public endpoint, every subnet (a cluster with
 * its machines, or one node per subnet when the graph is large) and every
 * VM / scale set / NIC.  Edges, labelled with protocols and ports:
 * Internet -> endpoint (frontend ports), endpoint -> machine (backend
 * ports the NSGs allow), source subnet -> machine (east-west).  Unknown
 * reachability is drawn dashed.  Output depends only on the model order. */
#include "net/match.h"
#include "net/topo_internal.h"
#include "util/error.h"
#include "util/hashmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct gnode {
	char *id; /* "n12" */
	char *label;
	const char *shape;
	size_t cluster; /* subnet index + 1, 0 = top level */
} gnode;

typedef struct gedge {
	size_t from, to;
	bool dashed;
	rp_net_pset ports[RP_NET_NPROTO]; /* heap */
	unsigned protos;                  /* seen */
} gedge;

typedef struct graph {
	rp_arena *a;
	gnode *nodes;
	size_t nn, capn;
	gedge *edges;
	size_t ne, cape;
	rp_map node_by_key, edge_by_key;
	const rp_mobj **clusters;
	size_t ncl, capcl;
} graph;

static int node(graph *g, const char *key, const char *label, const char *shape, size_t cluster,
		size_t *out)
{
	void *v = NULL;
	char *k;
	gnode *n;

	if (rp_map_get(&g->node_by_key, key, strlen(key), &v)) {
		*out = (size_t)(uintptr_t)v - 1;
		return 0;
	}
	if (g->nn == g->capn) {
		size_t nc = g->capn ? g->capn * 2 : 32;
		gnode *nv = realloc(g->nodes, nc * sizeof(*nv));
		if (!nv)
			return -RP_ENOMEM;
		g->nodes = nv;
		g->capn = nc;
	}
	k = rp_arena_strndup(g->a, key, strlen(key));
	n = &g->nodes[g->nn];
	n->id = rp_arena_printf(g->a, "n%zu", g->nn);
	n->label = rp_arena_strndup(g->a, label, strlen(label));
	n->shape = shape;
	n->cluster = cluster;
	if (!k || !n->id || !n->label)
		return -RP_ENOMEM;
	if (rp_map_put(&g->node_by_key, k, strlen(k), (void *)(uintptr_t)(g->nn + 1), NULL) < 0)
		return -RP_ENOMEM;
	*out = g->nn++;
	return 0;
}

static int edge(graph *g, size_t from, size_t to, bool dashed, unsigned proto,
		const rp_net_pset *ports)
{
	char key[80];
	void *v = NULL;
	gedge *e;

	snprintf(key, sizeof(key), "%zu>%zu%s", from, to, dashed ? "?" : "");
	if (rp_map_get(&g->edge_by_key, key, strlen(key), &v)) {
		e = &g->edges[(size_t)(uintptr_t)v - 1];
	} else {
		char *k = rp_arena_strndup(g->a, key, strlen(key));
		if (!k)
			return -RP_ENOMEM;
		if (g->ne == g->cape) {
			size_t nc = g->cape ? g->cape * 2 : 32;
			gedge *ne = realloc(g->edges, nc * sizeof(*ne));
			if (!ne)
				return -RP_ENOMEM;
			g->edges = ne;
			g->cape = nc;
		}
		e = &g->edges[g->ne];
		memset(e, 0, sizeof(*e));
		e->from = from;
		e->to = to;
		e->dashed = dashed;
		if (rp_map_put(&g->edge_by_key, k, strlen(k), (void *)(uintptr_t)(g->ne + 1),
			       NULL) < 0)
			return -RP_ENOMEM;
		g->ne++;
	}
	e->protos |= 1u << proto;
	return rp_net_pset_add_set(&e->ports[proto], ports);
}

static int edge_label(const gedge *e, rp_buf *b)
{
	unsigned p;
	int rc = 0;

	for (p = 0; p < RP_NET_NPROTO && rc == 0; p++) {
		if (!(e->protos & (1u << p)))
			continue;
		rc = rp_buf_printf(b, "%s%s", b->len ? "\\n" : "", rp_net_proto_name(p));
		if (rc == 0 && rp_net__portful(p)) {
			rc = rp_buf_putc(b, ' ');
			if (rc == 0)
				rc = rp_net_pset_format(b, &e->ports[p]);
		}
	}
	return rc;
}

static int cluster_of(graph *g, const rp_mobj *subnet, size_t *out)
{
	size_t i;

	for (i = 0; i < g->ncl; i++)
		if (g->clusters[i] == subnet) {
			*out = i + 1;
			return 0;
		}
	if (g->ncl == g->capcl) {
		size_t nc = g->capcl ? g->capcl * 2 : 16;
		const rp_mobj **n = realloc(g->clusters, nc * sizeof(*n));
		if (!n)
			return -RP_ENOMEM;
		g->clusters = n;
		g->capcl = nc;
	}
	g->clusters[g->ncl++] = subnet;
	*out = g->ncl;
	return 0;
}

/* DOT string literal contents: quotes and backslashes escaped (but the
 * "\n" line breaks we put into labels kept), control characters dropped. */
static int put_esc(rp_buf *b, const char *s, bool keep_nl)
{
	int rc = 0;

	for (; *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if (keep_nl && c == '\\' && s[1] == 'n') {
			rc = rp_buf_puts(b, "\\n");
			s++;
		} else if (c == '"' || c == '\\') {
			rc = rp_buf_putc(b, '\\');
			if (rc == 0)
				rc = rp_buf_putc(b, (char)c);
		} else if (c >= 0x20 && c != 0x7F) {
			rc = rp_buf_putc(b, (char)c);
		}
	}
	return rc;
}

static const char *nm(const rp_mobj *o)
{
	return o && o->name ? o->name : o ? o->type : "?";
}

int rp_net_graph_dot(rp_net_topo *t, size_t group_threshold, rp_buf *out)
{
	graph g;
	const rp_net_exposure *x_e;
	const rp_net_ipc *ex_ipc = NULL;
	rp_net_exp_iter it;
	size_t n = 0, i, c, inet = 0;
	bool group;
	rp_buf tmp = RP_BUF_INIT;
	int rc;

	memset(&g, 0, sizeof(g));
	g.a = rp_arena_new();
	rp_map_init(&g.node_by_key, false);
	rp_map_init(&g.edge_by_key, false);
	if (!g.a) {
		rc = -RP_ENOMEM;
		goto out;
	}
	if ((rc = rp_net_topo_exposures(t, &n)) < 0)
		goto out;
	group = group_threshold && t->nipcs > group_threshold;
	if ((rc = node(&g, "internet", "Internet", "doubleoctagon", 0, &inet)) < 0)
		goto out;
	/* machines (or subnets), in model order */
	for (i = 0; i < t->nipcs && rc == 0; i++) {
		const rp_net_ipc *x = &t->ipcs[i];
		size_t cl = 0, id;
		char key[64];
		if ((rc = cluster_of(&g, x->subnet, &cl)) < 0)
			break;
		if (group) {
			snprintf(key, sizeof(key), "s:%zu", cl);
			rc = node(&g, key, x->subnet ? nm(x->subnet) : "(subnet not in the inputs)",
				  "folder", 0, &id);
		} else {
			snprintf(key, sizeof(key), "o:%u", x->owner->index);
			tmp.len = 0;
			rc = rp_buf_printf(&tmp, "%s\\n%s", nm(x->owner),
					   x->owner->kind == RP_MK_VMSS ? "scale set"
					   : x->owner->kind == RP_MK_VM ? "VM"
									: "NIC");
			if (rc == 0)
				rc = node(&g, key, tmp.data, "box", cl, &id);
		}
	}
	rp_net_exp_first(&it, t, 0, t->nipcs);
	while (rc == 0 && (x_e = rp_net_exp_next(&it, &ex_ipc)) != NULL) {
		const rp_net_exposure *e = x_e;
		size_t to, from, cl = 0;
		char key[64];
		bool dashed = e->verdict != RP_NET_ALLOW;
		if ((rc = cluster_of(&g, ex_ipc->subnet, &cl)) < 0)
			break;
		if (group)
			snprintf(key, sizeof(key), "s:%zu", cl);
		else
			snprintf(key, sizeof(key), "o:%u", ex_ipc->owner->index);
		if ((rc = node(&g, key, "?", "box", 0, &to)) < 0)
			break;
		if (e->endpoint) {
			size_t ep;
			tmp.len = 0;
			rc = rp_buf_printf(&tmp, "e:%s", e->endpoint->label);
			if (rc == 0)
				rc = node(&g, tmp.data, e->endpoint->label, "ellipse", 0, &ep);
			if (rc == 0 && e->endpoint->kind >= RP_NET_EP_LB_RULE &&
			    e->endpoint->kind <= RP_NET_EP_LB_NAT_POOL) {
				rp_net_pival fp = e->endpoint->frontend;
				rp_net_pset fs = { &fp, 1, 0 };
				rc = edge(&g, inet, ep, dashed, e->proto, &fs);
			} else if (rc == 0) {
				rc = edge(&g, inet, ep, dashed, e->proto, e->ports);
			}
			if (rc == 0)
				rc = edge(&g, ep, to, dashed, e->proto, e->ports);
		} else {
			size_t scl = 0;
			char skey[64];
			if ((rc = cluster_of(&g, e->source_subnet, &scl)) < 0)
				break;
			snprintf(skey, sizeof(skey), "s:%zu", scl);
			rc = node(&g, skey, nm(e->source_subnet), "folder", group ? 0 : scl, &from);
			if (rc == 0 && from != to)
				rc = edge(&g, from, to, dashed, e->proto, e->ports);
		}
	}
	if (rc < 0)
		goto out;
	/* emit */
	rc = rp_buf_puts(out, "digraph rampart {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", "
			      "fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
	for (i = 0; i < g.nn && rc == 0; i++)
		if (g.nodes[i].cluster == 0) {
			rc = rp_buf_printf(out, "  %s [shape=%s, label=\"", g.nodes[i].id,
					   g.nodes[i].shape);
			if (rc == 0)
				rc = put_esc(out, g.nodes[i].label, true);
			if (rc == 0)
				rc = rp_buf_puts(out, "\"];\n");
		}
	for (c = 1; c <= g.ncl && rc == 0 && !group; c++) {
		rc = rp_buf_printf(out, "  subgraph cluster_%zu {\n    label=\"", c);
		if (rc == 0)
			rc = put_esc(out,
				     g.clusters[c - 1] ? nm(g.clusters[c - 1])
						       : "(subnet not in the inputs)",
				     false);
		if (rc == 0)
			rc = rp_buf_puts(out, "\";\n");
		for (i = 0; i < g.nn && rc == 0; i++)
			if (g.nodes[i].cluster == c) {
				rc = rp_buf_printf(out, "    %s [shape=%s, label=\"", g.nodes[i].id,
						   g.nodes[i].shape);
				if (rc == 0)
					rc = put_esc(out, g.nodes[i].label, true);
				if (rc == 0)
					rc = rp_buf_puts(out, "\"];\n");
			}
		if (rc == 0)
			rc = rp_buf_puts(out, "  }\n");
	}
	for (i = 0; i < g.ne && rc == 0; i++) {
		const gedge *e = &g.edges[i];
		tmp.len = 0;
		rc = rp_buf_printf(out, "  %s -> %s [label=\"", g.nodes[e->from].id,
				   g.nodes[e->to].id);
		if (rc == 0)
			rc = edge_label(e, &tmp);
		if (rc == 0)
			rc = put_esc(out, tmp.data ? tmp.data : "", true);
		if (rc == 0)
			rc = rp_buf_printf(out, "\"%s];\n", e->dashed ? ", style=dashed" : "");
	}
	if (rc == 0)
		rc = rp_buf_puts(out, "}\n");
out:
	for (i = 0; i < g.ne; i++)
		for (c = 0; c < RP_NET_NPROTO; c++)
			rp_net_pset_release(&g.edges[i].ports[c]);
	free(g.edges);
	free(g.nodes);
	free(g.clusters);
	rp_map_release(&g.node_by_key);
	rp_map_release(&g.edge_by_key);
	rp_arena_free(g.a);
	rp_buf_release(&tmp);
	return rc;
}
