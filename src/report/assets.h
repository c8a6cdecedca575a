/* assets.h: the defense-in-depth view of a report (issue #6): per compute
 * asset, the five layer ratings with the findings behind them, the depth
 * score and the attack paths, copied from src/depth into the report's
 * arena (so they survive the model, like findings) by rp_report_add_depth.
 * Writers: text (layer matrix), json (`assets`), html.  Field meanings:
 * docs/depth.md and docs/json-output.md. */
#ifndef RP_REPORT_ASSETS_H
#define RP_REPORT_ASSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "depth/depth.h"
#include "json/json.h"
#include "util/buf.h"

struct rp_report;
struct rp_report_rule;

/* A finding behind a rating or an edge; the fingerprint identifies it in
 * the report's findings.  Compact (12 bytes: a big estate has a quarter
 * of a million of them): the rule is an index into the report's
 * ref_rules table (rp_report_ref_rule), the fingerprint its 16 hex
 * digits as a number (rp_report_ref_fingerprint). */
typedef struct rp_report_ref {
	uint32_t fp_hi, fp_lo; /* the fingerprint's value, when has_fp */
	uint16_t rule;         /* index into rp_report.ref_rules */
	uint8_t status;        /* rp_status */
	uint8_t has_fp;        /* 0: the finding had no fingerprint ("") */
} rp_report_ref;

/* The rule of a ref of r's assets. */
const struct rp_report_rule *rp_report_ref_rule(const struct rp_report *r, const rp_report_ref *x);
/* The fingerprint of a ref as 16 lower-case hex digits ("" when none). */
void rp_report_ref_fingerprint(const rp_report_ref *x, char out[17]);

/* How much of each asset a report keeps (rp_report.asset_detail, from the
 * format registry): only what its writer reads.  The JSON report writes
 * everything; the HTML report never lists the findings behind a layer
 * rating (only counts and the rules on path edges); the text report
 * writes the layer matrix and each asset's weakest path, never a rule
 * reference, a graph node or an edge's controls. */
typedef enum rp_report_asset_detail {
	RP_ASSET_DETAIL_FULL = 0,
	RP_ASSET_DETAIL_NO_LAYER_REFS = 1,
	RP_ASSET_DETAIL_MATRIX = 2,
} rp_report_asset_detail;

typedef struct rp_report_layer {
	const char *reason;
	rp_report_ref *refs;
	uint32_t nrefs;
	uint32_t npass, nfail, nunknown; /* saturated at UINT32_MAX */
	uint8_t rating;                  /* rp_depth_rating */
} rp_report_layer;

typedef struct rp_report_step {
	uint8_t kind;  /* rp_depth_node */
	uint8_t state; /* rp_depth_state */
	const char *name;
	const char *type; /* ARM type of the object, "" for Internet / neighbours */
	const char *node; /* graph identity: "kind:type/name" lowercased where ARM is */
	const char *controls;
	rp_report_ref *refs;
	size_t nrefs;
} rp_report_step;

typedef struct rp_report_path {
	bool from_internet, weakest;
	unsigned strength;
	rp_report_step *hops;
	size_t nhops, nentry;
} rp_report_path;

typedef struct rp_report_asset {
	const char *file;
	uint32_t line, column;
	const char *type, *name, *id;
	const char *subnet; /* "vnet/subnet" or NULL */
	rp_report_layer layers[RP_DEPTH_NLAYERS];
	unsigned score, unknown;
	int internet; /* 0 no, 1 yes, 2 unknown */
	const char *internet_why;
	rp_report_path *paths;
	size_t npaths;
} rp_report_asset;

/* Layer names in matrix order ("BOOT".."MON"). */
extern const char *const rp_report_layer_names[RP_DEPTH_NLAYERS];

/* Copies d's assets into r (strings into r's arena); pos(span) gives
 * file/line for a span (the scan's span_pos).  0 or -RP_ENOMEM. */
typedef const struct rp_report_rule *(*rp_report_rule_of_fn)(const rp_rule *rule);
int rp_report_add_depth(struct rp_report *r, const rp_depth_result *d,
			rp_report_rule_of_fn rule_of);

/* Assets of r sorted (file, line, column, name): deterministic order for
 * the writers.  Sorts r->assets in place. */
void rp_report_sort_assets(struct rp_report *r);

/* "yes" "no" "unknown" for rp_report_asset.internet. */
const char *rp_report_internet_name(int internet);

/* Writers' parts (called by json.c, text.c). */
void rp_report_json_assets(rp_jw *w, struct rp_report *r);
/* "+ holds", "~ weak", "x broken", "? unknown" (symbol and word). */
const char *rp_report_rating_label(unsigned rating);
/* The layer matrix (assets x layers, score, Internet) as text. */
int rp_report_text_matrix(rp_buf *b, struct rp_report *r, bool color);

#endif
