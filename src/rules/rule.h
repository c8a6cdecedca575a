/* rule.h: the rule registry, findings and the rule runner (issue #4).
 *
 * A rule is a static record (src/rules/registry.c holds the one table):
 * public, stable ID ("RMP-BOOT-001"), defense layer, severity, title,
 * rationale, remediation, benchmark references (Microsoft cloud security
 * benchmark v1 control IDs, CIS Microsoft Azure Foundations v3.0.0 section
 * numbers; /work/shared/reference/azure-facts.md section 7) and a check
 * function.  Each rule lists the resource types it applies to; the runner
 * calls the check once per model object of those types, and the check
 * reports one or more results through rp_rule_report():
 *
 *   PASS            the property is set (or defaulted by Azure) securely
 *   FAIL            insecure, known for certain
 *   UNKNOWN         depends on something rampart cannot know offline (a
 *                   parameter without a value, reference(), a resource not
 *                   in the scanned files); unknown_reason says what
 *   NOT_APPLICABLE  the rule does not concern this object (e.g. a Windows VM
 *                   for a Linux-only rule)
 *
 * A rule never fails on an unknown.  Defaults Azure applies when a property
 * is absent come from one table (defaults.h), keyed by resource type,
 * property path and API version.
 *
 * Findings are deterministic: rp_rules_run() sorts them by source file name,
 * byte offset, rule ID and property path.  The fingerprint is derived from
 * the rule ID, the object's identity (normalized resource ID, else type and
 * name) and the property path, never from line numbers, so it survives
 * moved lines and reformatting.
 *
 * Ownership: an rp_findings is a value the caller owns (rp_findings_init /
 * rp_findings_release); every string in it lives in its arena.  Findings
 * borrow rules (static) and model objects: the model must outlive them.
 */
#ifndef RP_RULES_RULE_H
#define RP_RULES_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json/value.h"
#include "model/model.h"
#include "util/arena.h"

/* ---- enums and their stable names ---- */

typedef enum rp_layer {
	RP_LAYER_BOOT = 0,  /* "BOOT": root of trust, Trusted Launch, attestation */
	RP_LAYER_HOST = 1,  /* "HOST": guest OS hardening, credentials, patching */
	RP_LAYER_NET = 2,   /* "NET": segmentation and exposure */
	RP_LAYER_DATA = 3,  /* "DATA": encryption, storage, Key Vault */
	RP_LAYER_MON = 4,   /* "MON": monitoring, logging, detection */
	RP_LAYER_DEPTH = 5, /* "DEPTH": cross-layer (attack paths) */
	RP_LAYER_COUNT_ = 6,
} rp_layer;

typedef enum rp_severity {
	RP_SEV_INFO = 0,     /* "info" */
	RP_SEV_LOW = 1,      /* "low" */
	RP_SEV_MEDIUM = 2,   /* "medium" */
	RP_SEV_HIGH = 3,     /* "high" */
	RP_SEV_CRITICAL = 4, /* "critical" */
	RP_SEV_COUNT_ = 5,
} rp_severity;

typedef enum rp_status {
	RP_STATUS_PASS = 0,           /* "pass" */
	RP_STATUS_FAIL = 1,           /* "fail" */
	RP_STATUS_UNKNOWN = 2,        /* "unknown" */
	RP_STATUS_NOT_APPLICABLE = 3, /* "not-applicable" */
	RP_STATUS_COUNT_ = 4,
} rp_status;

/* Static names: "BOOT".."DEPTH"; "info".."critical"; "pass", "fail",
 * "unknown", "not-applicable".  "?" for out-of-range values. */
const char *rp_layer_name(rp_layer l);
const char *rp_severity_name(rp_severity s);
const char *rp_status_name(rp_status s);
/* Case-insensitive parse of the names above; 0 or -RP_EINVAL. */
int rp_layer_parse(const char *s, rp_layer *out);
int rp_severity_parse(const char *s, rp_severity *out);
int rp_status_parse(const char *s, rp_status *out);

/* ---- rules ---- */

/* Options that change how rules read the input. */
typedef struct rp_rule_options {
	/* Model the Trusted-Launch-by-default preview (subscription feature
	 * Microsoft.Compute/TrustedLaunchByDefaultPreview): a VM or scale set
	 * with NO securityProfile, Compute API >= 2021-11-01, a Generation 2
	 * image and a TL-capable size counts as Trusted Launch (azure-facts 1.4). */
	bool assume_trusted_launch_default;
	/* RMP-DEPTH-001: an Internet-reachable asset fails when fewer than
	 * this many of its five layers hold (scan --min-depth; 0 = the
	 * default RP_RULE_DEPTH_MIN_DEFAULT). */
	unsigned depth_min_holds;
} rp_rule_options;

#define RP_RULE_DEPTH_MIN_DEFAULT 3u

typedef struct rp_rule_ctx rp_rule_ctx; /* opaque; see rp_rule_report() */

/* A check inspects one model object and reports one or more results with
 * rp_rule_report().  Returns 0 or a negative RP_E* code (allocation). */
typedef int (*rp_rule_check_fn)(rp_rule_ctx *ctx, const rp_mobj *obj);

typedef struct rp_rule {
	const char *id; /* "RMP-BOOT-001": public and stable */
	rp_layer layer;
	rp_severity severity;
	const char *title;        /* one line, imperative finding text */
	const char *rationale;    /* why it matters (sentences) */
	const char *remediation;  /* what to change, with the ARM property */
	const char *mcsb;         /* MCSB v1 control IDs, "PV-3, PV-4", or NULL */
	const char *cis;          /* CIS Azure Foundations v3.0.0 sections, "8.11", or NULL */
	const char *const *types; /* resource types it applies to, NULL-terminated;
				     matched case-insensitively against rp_mobj.type */
	rp_rule_check_fn check;
} rp_rule;

/* The registry: every rule, ordered by ID. */
extern const rp_rule *const rp_rules[];
extern const size_t rp_nrules;

/* Rule with this ID (case-insensitive), or NULL. */
const rp_rule *rp_rule_find(const char *id);

/* ---- findings ---- */

typedef struct rp_finding {
	const rp_rule *rule;
	const rp_mobj *obj;          /* the object checked: type, name, id, address */
	const rp_resource *resource; /* obj->res: the declaring resource */
	rp_span span;                /* exact property, else the object, else the resource */
	const char *path;            /* property path within the object body,
					"properties.securityProfile.securityType";
					"" for the object as a whole */
	const char *message;         /* specific to this object; never NULL */
	const char *unknown_reason;  /* UNKNOWN: what rampart cannot know; else NULL */
	/* Fingerprint: 16 lowercase hex digits of FNV-1a 64 (ASCII letters
	 * folded to lower case) over the material "<rule id>|<ident>|<path>"
	 * (ident = the object's key: normalized resource ID when known, else
	 * "<type>/<name>"), hashed without building it.  Stable across moved
	 * lines. */
	char fingerprint[17];
	rp_status status;  /* (after the fingerprint: no padding; 96 bytes) */
	const char *ident; /* the object's key in the material (one per object) */
			   /* Suppressions and baselines are applied to the report's copies
			    * (src/report), not here.  The strings above may be shared between
			    * findings (equal texts are kept once). */
} rp_finding;

typedef struct rp_findings {
	rp_finding *items;
	size_t count, cap;
	rp_arena *arena; /* messages, paths, fingerprints */
	size_t by_status[RP_STATUS_COUNT_];
} rp_findings;

/* 0 or -RP_ENOMEM. */
int rp_findings_init(rp_findings *f);
void rp_findings_release(rp_findings *f);

/* ---- cross-layer facts for DEPTH rules ----
 *
 * DEPTH rules judge an asset by the results of the other rules, which
 * src/depth computes after they ran (depth may use rules; rules never use
 * depth).  The caller hands the facts in through rp_rule_filter; without
 * facts, DEPTH rules are not run (they have nothing to judge).  Tri-state
 * fields: 0 no, 1 yes, 2 unknown. */
typedef struct rp_rule_depth_fact {
	const rp_mobj *asset;     /* VM or scale set */
	unsigned holds;           /* layers rated "holds" (0..5) */
	unsigned unknown;         /* layers rated "unknown" */
	int internet;             /* reachable from the Internet: 0, 1, 2 (unknown) */
	const char *internet_why; /* internet == 2: why; internet == 1: how (the endpoint) */
	const char *layers;       /* one line: "BOOT broken, HOST weak, NET holds, ..." */
	const char *path;         /* the weakest attack path, one line */
} rp_rule_depth_fact;

/* Which rules to run. A zeroed filter runs every rule with default options. */
struct rp_net_topo;

typedef struct rp_rule_filter {
	unsigned layers;             /* bit (1u << rp_layer); 0 = all layers */
	rp_severity min_severity;    /* rules below are skipped */
	const char *const *only_ids; /* run only these IDs (NULL-terminated), or NULL */
	const char *const *skip_ids; /* never run these IDs, or NULL */
	bool include_pass;           /* keep PASS results (default: dropped) */
	bool include_not_applicable; /* keep NOT_APPLICABLE results (default: dropped) */
	/* PASS and NOT_APPLICABLE results get an empty message (not formatted):
	 * for callers that only count them (the text and HTML reports).  Span,
	 * path and fingerprint are kept. */
	bool terse_passing;
	rp_rule_options options;
	/* The network topology of the model (src/net/topology.h) for the NET
	 * rules, borrowed; NULL: built on first use and freed by the runner. */
	struct rp_net_topo *net;
	/* Facts for DEPTH rules, sorted by asset->index; NULL: DEPTH rules
	 * are skipped. */
	const rp_rule_depth_fact *depth_facts;
	size_t ndepth_facts;
} rp_rule_filter;

/* Whether f selects rule (layers, severity, only / skip IDs), for callers
 * that run more rules than they report (src/depth). */
bool rp_rule_filter_selects(const rp_rule_filter *f, const rp_rule *rule);

/* Runs the selected rules over every object of m and appends the results to
 * out, sorted (file name, offset, rule ID, path, object key).  Objects of
 * resources declared "existing" are not checked (not deployed here).  A
 * FAIL on a resource whose condition is unknown becomes UNKNOWN ("deployed
 * only if ...").  Returns 0, -RP_ENOMEM, or the first negative code of a
 * check.  f may be NULL (all rules). */
int rp_rules_run(const rp_model *m, const rp_rule_filter *f, rp_findings *out);

/* A run in steps, for callers that run rules more than once on one model
 * and findings (src/depth: every rule, then the DEPTH rules on the
 * ratings): rp_rules_begin prepares what every run needs once (object
 * identities, objects by type; net: the topology, or NULL to build one on
 * first use), each rp_rules_session_run runs f's rules as rp_rules_run
 * would (appending to out, sorting what it appended), rp_rules_end frees
 * the session (never the findings).  out must stay the same. */
typedef struct rp_rules_session rp_rules_session;
int rp_rules_begin(const rp_model *m, struct rp_net_topo *net, rp_findings *out,
		   rp_rules_session **s);
int rp_rules_session_run(rp_rules_session *s, const rp_rule_filter *f);
void rp_rules_end(rp_rules_session *s);

/* ---- API for checks (src/rules/rmp_*.c) ---- */

/* The model and options of the running check. */
const rp_model *rp_rule_model(const rp_rule_ctx *ctx);
const rp_rule_options *rp_rule_opts(const rp_rule_ctx *ctx);
/* The network topology of the model (filter's, or built once per run);
 * NULL on allocation failure. */
struct rp_net_topo *rp_rule_net(rp_rule_ctx *ctx);
/* obj's ipConfigurations (indices into rp_rule_net(ctx)->ipcs, whose owner
 * is obj), in topology order; indexed once per run.  Their exposures:
 * rp_net_topo_ipc_exposures().  0, or -RP_ENOMEM with *n = 0. */
int rp_rule_net_ipcs(rp_rule_ctx *ctx, const rp_mobj *obj, const size_t **idx, size_t *n);

/* The depth fact of asset obj, or NULL (no facts, or not an asset). */
const rp_rule_depth_fact *rp_rule_depth_fact_of(const rp_rule_ctx *ctx, const rp_mobj *obj);

/* Reports one result for obj.  at: the value the result points at (its span
 * is used; NULL or a spanless value falls back to the object); path: the
 * property path ("" for the object).  For UNKNOWN, unknown_reason is
 * required (use the rp_value's reason).  printf-style message.  Returns 0
 * or -RP_ENOMEM. */
int rp_rule_report(rp_rule_ctx *ctx, const rp_mobj *obj, rp_status st, const rp_value *at,
		   const char *path, const char *unknown_reason, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

#endif
