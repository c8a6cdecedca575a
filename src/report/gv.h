/* gv.h: graph layout and SVG rendering by Graphviz (dot), for the HTML
 * report's attack-path graph.
 *
 * libgvc.so.6 and libcgraph.so.6 (Debian: libgvc6, libcgraph6; headers
 * from libgraphviz-dev, types only) are loaded at run time through
 * util/dynlib.h the first time a graph is drawn, never linked: every other
 * command starts without them.  The layout is Graphviz's own (gvLayout
 * "dot"); rampart only names nodes, edges and attributes.
 *
 * Not thread-safe: one graph at a time per process (the HTML writer runs
 * once, after the scan).
 */
#ifndef RP_REPORT_GV_H
#define RP_REPORT_GV_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

typedef struct rp_gv rp_gv;

/* Loads Graphviz (once per process) and opens an empty directed graph.
 * On failure (library absent or incompatible) one error diagnostic names
 * the library and the package; returns -RP_ENOTFOUND / -RP_EUNSUPPORTED /
 * -RP_ENOMEM. */
int rp_gv_open(rp_gv **out, const char *name, rp_diag *d);
/* Frees the graph (and its layout); accepts NULL. */
void rp_gv_close(rp_gv *g);

/* Sets a graph attribute ("rankdir", "LR"). 0 or -RP_ENOMEM. */
int rp_gv_graph_attr(rp_gv *g, const char *key, const char *value);
/* Creates node id (or finds it) and sets attributes: attrs is a
 * NULL-terminated list of key, value pairs. 0 or -RP_ENOMEM. */
int rp_gv_node(rp_gv *g, const char *id, const char *const *attrs);
/* Creates the edge from -> to (both nodes created when absent) with
 * attributes.  One edge per pair: when it exists already, nothing
 * changes (the first call's attributes stay). */
int rp_gv_edge(rp_gv *g, const char *from, const char *to, const char *const *attrs);
/* Lays the graph out with dot and appends it as an <svg> element (the
 * XML prolog and DOCTYPE stripped, so it can be inlined in HTML).
 * 0, -RP_ENOMEM or -RP_EINTERNAL (layout or rendering failed). */
int rp_gv_svg(rp_gv *g, rp_buf *out);

/* Graphviz label text: backslashes (escape sequences in labels) become
 * '/', control characters spaces; at most max bytes (UTF-8 safe, "…"
 * appended when cut).  Writes into out (size outsz). */
void rp_gv_label_text(const char *s, size_t max, char *out, size_t outsz);

#endif
