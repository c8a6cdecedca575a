/* report.h: scan results and the report writers (text, JSON, SARIF 2.1.0,
 * JUnit XML), fingerprints, suppressions and baselines.
 *
 * The report layer knows nothing about templates, the model or how rules
 * check: it receives rule descriptions (rp_report_rule) and verdicts
 * (rp_report_finding) with everything a reader needs already resolved to
 * text and positions.  src/scan fills an rp_report from the rule registry
 * and the rules' findings; tests fill one by hand.
 *
 * Specs: SARIF 2.1.0 (OASIS, Errata 01), the JUnit XML format as read by
 * Jenkins/GitLab/Azure Pipelines (testsuites/testsuite/testcase with
 * failure/skipped), docs/json-output.md for rampart's own JSON.
 *
 * Ownership: an rp_report owns an arena; rp_report_add_* copy every string
 * they are given into it.  Rules are borrowed (static tables) and must
 * outlive the report.  Writers append to a caller-owned rp_buf and never
 * print; they return 0 or a negative RP_E* code.
 *
 * Determinism: rp_report_sort() orders findings by file, line, column,
 * rule ID, resource ID, message; every writer iterates in that order and
 * writes no timestamps or host-specific data.
 */
#ifndef RP_REPORT_REPORT_H
#define RP_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json/value.h"
#include "rules/rule.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/hashmap.h"

#define RP_REPORT_TOOL_NAME "rampart"
#define RP_REPORT_JSON_VERSION 1
/* Named limits on inputs the report layer reads itself. */
#define RP_REPORT_MAX_SKIPS 256                  /* inline suppressions per resource */
#define RP_REPORT_MAX_BASELINE ((size_t)1 << 24) /* baseline file bytes */

typedef enum rp_suppress_kind {
	RP_SUPPRESS_NONE = 0,
	RP_SUPPRESS_INLINE = 1,   /* metadata.rampart.skip in the resource */
	RP_SUPPRESS_BASELINE = 2, /* fingerprint listed in --baseline FILE */
} rp_suppress_kind;

/* Severity and status enums and their names come from rules/rule.h. */
const char *rp_suppress_kind_name(rp_suppress_kind k);

/* A rule as reports describe it.  All strings static or longer-lived than
 * the report. references: free text such as "MCSB PV-2; CIS 7.x"; mcsb and
 * cis are comma-separated control IDs, or NULL. */
typedef struct rp_report_rule {
	const char *id;    /* "RMP-BOOT-001" */
	const char *layer; /* rp_layer_name() ("BOOT" .. "DEPTH"), or "META" */
	rp_severity severity;
	const char *title; /* one line */
	const char *rationale;
	const char *remediation;
	const char *mcsb;
	const char *cis;
} rp_report_rule;

/* What few findings have (Terraform plans, TPM event logs), out of line
 * so that the many others do not pay for it (rp_report_finding.ext). */
typedef struct rp_report_finding_ext {
	const char *address; /* Terraform address (module.x.azurerm_y.z), or NULL */
	/* A byte range in a binary file (an event of a TPM event log), when
	 * line is 0 and byte_length > 0; SARIF region byteOffset/byteLength. */
	uint64_t byte_offset, byte_length;
} rp_report_finding_ext;

/* One verdict of one rule on one resource.  Positions are 1-based, columns
 * in Unicode code points; line 0 means "no position". */
typedef struct rp_report_finding {
	const rp_report_rule *rule; /* borrowed */
	const char *file;           /* as the user gave it; "" when none */
	uint32_t line, column, end_line, end_column;
	const char *resource_type;
	const char *resource_name;
	const char *resource_id;
	const char *message;
	const char *unknown_reason;  /* status unknown: why; else NULL */
	const char *suppress_reason; /* NULL when not suppressed */
	/* address and byte range (read them with the accessors below); NULL
	 * when the finding has neither (in the report's arena, shared by
	 * copies of the record) */
	const rp_report_finding_ext *ext;
	char fingerprint[17]; /* 16 lower-case hex digits */
	uint8_t status;       /* rp_status */
	uint8_t suppressed;   /* rp_suppress_kind */
	/* Findings merged into this one besides itself (0: an ordinary
	 * finding).  Only with rp_report.group_passing: a PASS or
	 * NOT_APPLICABLE record then stands for 1 + merged findings of the
	 * same file, resource (type, name, ID, address) and status (of any
	 * layer: rp_report.grouped counts them per layer), and carries the
	 * fields of the first of them in layer order, then report order. */
	uint32_t merged;
} rp_report_finding;

static inline const char *rp_report_finding_address(const rp_report_finding *f)
{
	return f->ext ? f->ext->address : NULL;
}
static inline uint64_t rp_report_finding_byte_offset(const rp_report_finding *f)
{
	return f->ext ? f->ext->byte_offset : 0;
}
static inline uint64_t rp_report_finding_byte_length(const rp_report_finding *f)
{
	return f->ext ? f->ext->byte_length : 0;
}

/* What the caller gives rp_report_add(); strings are copied. */
typedef struct rp_report_input {
	const rp_report_rule *rule;
	rp_status status;
	const char *file;
	uint32_t line, column, end_line, end_column;
	const char *resource_type;
	const char *resource_name;
	const char *resource_id;
	const char *message;
	const char *unknown_reason;
	/* Terraform resource address the finding is about (plans and state),
	 * or NULL: written as an additional field by every format. */
	const char *address;
	/* A byte range in a binary file instead of a line (see the finding). */
	uint64_t byte_offset, byte_length;
	/* Stable identity of the finding within its resource (for instance the
	 * property path it is about); goes into the fingerprint.  May be NULL. */
	const char *fingerprint_material;
	/* A fingerprint computed already (16 hex digits, the rules layer's),
	 * used as is when well-formed; else rp_report_fingerprint() is used. */
	const char *fingerprint;
	/* file, resource_type, resource_name, resource_id and address are
	 * strings of the report already (rp_report_intern() of this report;
	 * file, type, name and id never NULL): kept as they are, not copied
	 * again (the scan interns them once per resource, not per finding). */
	bool interned;
	/* With rp_report.group_passing, for a PASS or NOT_APPLICABLE finding:
	 * the caller's cache of its group's record (index + 1; 0: not known
	 * yet), one per resource and status, updated by the add.  The
	 * record it names is checked against the group before use, so a stale
	 * value only costs the usual lookup.  May be NULL. */
	uint32_t *group_hint;
} rp_report_input;

/* One exposure of the network analysis (docs/json-output.md "exposures"):
 * what reaches a VM, scale set or NIC, from where, through which public
 * endpoint, and the rule that decided each NSG hop.  Strings are copied. */
typedef struct rp_report_hop {
	const char *level; /* "subnet", "nic" */
	const char *nsg;   /* NULL: no NSG at this level (allows) */
	const char *rule;  /* deciding rule, NULL when none */
	const char *file;  /* rule position; NULL for the built-in default rules */
	uint32_t line;
	const char *verdict; /* "allow", "deny", "unknown" */
} rp_report_hop;

typedef struct rp_report_exposure {
	const char *file; /* the ipConfiguration's position */
	uint32_t line, column;
	const char *resource_type;
	const char *resource_name;
	const char *nic;
	const char *ip_configuration;
	const char *source;           /* "Internet" or the source subnet's name */
	const char *source_addresses; /* the addresses concerned */
	bool whole_source;            /* every address of the source */
	const char *protocol;         /* "Tcp", "Udp", "Icmp", "Esp", "Ah" */
	const char *ports;            /* destination ports "22, 80-90" ("*": all) */
	const char *public_endpoint;  /* NULL: east-west */
	const char *endpoint_kind;    /* "public-ip", "lb-rule", ... or NULL */
	const char *verdict;          /* "allow" or "unknown" */
	const char *reason;           /* unknown: why */
	rp_report_hop hops[2];        /* subnet NSG, NIC NSG */
} rp_report_exposure;

/* Grouped passing findings of one layer (rp_report.grouped). */
typedef struct rp_report_layer_tally {
	const char *layer; /* the rules' layer name (borrowed) */
	size_t n[RP_STATUS_COUNT_];
} rp_report_layer_tally;

/* Entries of rp_report's interning memo (a power of two). */
#define RP_REPORT_INTERN_MEMO 256
/* Distinct rules the depth assets of one report refer to. */
#define RP_REPORT_MAX_REF_RULES 512

typedef struct rp_report {
	rp_arena *arena;
	const rp_report_rule **rules; /* the rules that ran, sorted by ID */
	size_t nrules, rules_cap;
	rp_report_finding *findings;
	size_t nfindings, findings_cap;
	const char **files; /* every input file scanned, sorted */
	size_t nfiles, files_cap;
	rp_map strings; /* interned copies in arena (keys = values) */
	/* rp_report_intern's memo: recent arguments by address and their
	 * interned copies, used after a comparison of the text (the same
	 * address may hold another string by then); emptied with the map. */
	const char *intern_arg[RP_REPORT_INTERN_MEMO], *intern_copy[RP_REPORT_INTERN_MEMO];
	rp_map file_set;   /* files[] by name, for O(1) duplicate checks */
	rp_arena **arenas; /* merged reports' arenas (owned) */
	size_t narenas, arenas_cap;
	size_t nresources;             /* resources evaluated (informational) */
	size_t nerrors;                /* input errors (files that failed) */
	rp_report_exposure *exposures; /* network exposures (report order after sort) */
	size_t nexposures, exposures_cap;
	/* The absolute URI of the page documenting the rules, without the
	 * anchor (SARIF helpUri appends the lower-case rule ID, e.g.
	 * "#rmp-boot-001"; informationUri is the page itself).  NULL: SARIF
	 * carries neither, since rampart has no published documentation site
	 * of its own; the CLI sets it from RAMPART_DOC_BASE_URI. */
	const char *rules_doc_uri;
	struct rp_report_asset **assets; /* depth view (report/assets.h), in arenas */
	size_t nassets, assets_cap;
	/* Passing and not-applicable findings are only counted, not kept
	 * (tallied[status]; rp_report_count adds them): set before the first
	 * rp_report_add when the format does not list them one by one
	 * (rp_report_format.counts_passing); rp_scan_run gives it to its
	 * workers' reports.  Suppression never applies to them. */
	bool tally_passing;
	size_t tallied[RP_STATUS_COUNT_];
	/* Passing and not-applicable findings are grouped: one record per
	 * file, resource and status, counting the rest in `merged`
	 * (for the text report without --show-pass, which prints their
	 * number per resource and per layer, never one of them; every
	 * count (rp_report_count, the text summary) adds `merged`).  Set
	 * before the first rp_report_add; rp_scan_run gives it to its
	 * workers' reports.  groups: open-addressing index of the records
	 * (finding index + 1, 0 empty), rebuilt when needed. */
	bool group_passing;
	uint32_t *groups;
	size_t groups_cap, ngroups;
	/* With group_passing: the grouped findings per layer and status (a
	 * record groups a resource's results across layers; the text
	 * summary's rows come from here). */
	rp_report_layer_tally *grouped;
	size_t ngrouped, grouped_cap;
	/* What of the depth assets is kept (rp_report_asset_detail of
	 * report/assets.h, from rp_report_format.asset_detail): set before
	 * the first rp_report_add_depth; rp_scan_run gives it to its
	 * workers' reports. */
	uint8_t asset_detail;
	/* The rules the assets' refs name (rp_report_ref.rule indexes it). */
	const rp_report_rule *ref_rules[RP_REPORT_MAX_REF_RULES];
	size_t nref_rules;
	bool sorted;
} rp_report;

/* 0 or -RP_ENOMEM.  Release with rp_report_release(). */
int rp_report_init(rp_report *r);
void rp_report_release(rp_report *r);
/* Registers a rule that ran (duplicates ignored).  0 or -RP_ENOMEM. */
int rp_report_add_rule(rp_report *r, const rp_report_rule *rule);
/* Registers a scanned input file (copied; duplicates ignored). */
int rp_report_add_file(rp_report *r, const char *file);
/* Adds a finding (with r->tally_passing, a PASS or NOT_APPLICABLE one is
 * only counted and *out set to NULL; copies strings, interned: a report of thousands of
 * findings on the same resource keeps one copy of its type, name and ID;
 * computes the fingerprint, registers the rule).  *out (may be NULL) gets the stored finding, valid
 * until the next add.  0, -RP_EINVAL (no rule), or -RP_ENOMEM. */
int rp_report_add(rp_report *r, const rp_report_input *in, rp_report_finding **out);
/* Adds a network exposure (strings copied).  0 or -RP_ENOMEM. */
int rp_report_add_exposure(rp_report *r, const rp_report_exposure *e);

/* Makes room for n more findings (one allocation for a known total).
 * 0 or -RP_ENOMEM. */
int rp_report_reserve(rp_report *r, size_t n);
/* Moves everything of src into dst (findings, rules, files, counters; src's
 * arena is kept alive by dst).  src is left empty but must still be
 * released.  0 or -RP_ENOMEM (src unchanged then). */
int rp_report_merge(rp_report *dst, rp_report *src);
/* Sorts findings, rules and files into the deterministic report order. */
void rp_report_sort(rp_report *r);

/* Fingerprint: FNV-1a 64 over rule ID, resource type, resource identity
 * (ID, else name) and material, NUL-separated, case-folded for the
 * case-insensitive ARM parts.  Independent of file and line, so it
 * survives moved lines and reformatting. */
void rp_report_fingerprint(const char *rule_id, const char *resource_type,
			   const char *resource_identity, const char *material, char out[17]);

/* Counts of unsuppressed findings by status, and fails at or above sev. */
typedef struct rp_report_counts {
	size_t by_status[RP_STATUS_COUNT_];
	size_t suppressed;
	size_t fail_by_severity[RP_SEV_COUNT_];
} rp_report_counts;
void rp_report_count(const rp_report *r, rp_report_counts *c);
/* True when an unsuppressed fail has severity >= threshold. */
bool rp_report_fails(const rp_report *r, rp_severity threshold);

/* ---- writers and the format registry ---- */
typedef struct rp_report_options {
	bool color;          /* text: ANSI colors */
	bool show_pass;      /* text: list passing checks too (default: counts only) */
	const char *version; /* tool version for JSON/SARIF/JUnit */
} rp_report_options;

typedef int (*rp_report_write_fn)(rp_report *r, const rp_report_options *o, rp_buf *out);

typedef struct rp_report_format {
	const char *name;        /* "text", "json", "sarif", "junit" */
	const char *description; /* one line */
	rp_report_write_fn write;
	/* The writer needs only the counts of passing and not-applicable
	 * findings (rp_report.tally_passing may be set): saves their memory. */
	bool counts_passing;
	/* Without --show-pass the writer needs passing and not-applicable
	 * findings only as counts per resource and layer
	 * (rp_report.group_passing may be set). */
	bool groups_passing;
	/* What the writer reads of the depth assets (rp_report_asset_detail,
	 * report/assets.h; 0: everything). */
	uint8_t asset_detail;
} rp_report_format;

extern const rp_report_format rp_report_formats[];
extern const size_t rp_report_nformats;
/* NULL when unknown. */
const rp_report_format *rp_report_format_find(const char *name);

/* Writes r in format fmt to the file path (NULL: standard output) as the
 * writer produces it, through a buffer of RP_BUF_SINK_CHUNK bytes (the
 * report is never whole in memory), by util/outfile.h's rules: a regular
 * file is replaced only when the whole report is written.  0; -RP_EIO when
 * the output cannot be opened or written (*os_errno: the errno); or the
 * writer's error (the output abandoned). */
int rp_report_emit(rp_report *r, const rp_report_format *fmt, const rp_report_options *o,
		   const char *path, int *os_errno);

/* Each writer sorts r first (hence non-const). 0 or -RP_ENOMEM. */
int rp_report_write_text(rp_report *r, const rp_report_options *o, rp_buf *out);
int rp_report_write_json(rp_report *r, const rp_report_options *o, rp_buf *out);
int rp_report_write_sarif(rp_report *r, const rp_report_options *o, rp_buf *out);
int rp_report_write_junit(rp_report *r, const rp_report_options *o, rp_buf *out);
/* html.c: the self-contained HTML report (docs/output-formats.md). */
int rp_report_write_html(rp_report *r, const rp_report_options *o, rp_buf *out);

/* Appends s with XML escaping (&<>"' and control characters other than
 * tab/LF/CR, which XML 1.0 cannot carry, as U+FFFD; invalid UTF-8 as
 * U+FFFD).  0 or -RP_ENOMEM. */
int rp_xml_escape(rp_buf *b, const char *s);
/* Appends path as a URI reference (RFC 3986): unreserved characters and
 * '/' kept, everything else percent-encoded; absolute paths become
 * file:// URIs. */
int rp_uri_from_path(rp_buf *b, const char *path);

/* ---- suppressions (suppress.c) ---- */

/* A date as days since 1970-01-01 (proleptic Gregorian). */
typedef int32_t rp_day;
/* Parses "YYYY-MM-DD" exactly (a real calendar date); -RP_EINVAL if not. */
int rp_date_parse(const char *s, size_t n, rp_day *out);
/* Writes "YYYY-MM-DD" for d (out: at least 40 bytes, for any d). */
void rp_day_format(rp_day d, char out[40]);

/* One entry of metadata.rampart.skip. */
typedef struct rp_skip {
	const char *id;     /* rule ID, or NULL when missing/not a string */
	const char *reason; /* NULL when missing or empty */
	bool has_expires;
	bool expires_valid;
	rp_day expires;
	rp_span span; /* the entry in the source */
} rp_skip;

/* Reads body.metadata.rampart.skip into arena-allocated entries.  A
 * malformed entry (not an object, unknown values) is kept with id/reason
 * NULL so the caller reports it.  Returns the number of entries (0 when
 * absent) or a negative code; -RP_ELIMIT beyond RP_REPORT_MAX_SKIPS. */
int rp_skips_read(rp_arena *a, const rp_value *body, rp_skip **out);

/* The rule reported for broken suppressions ("RMP-META-001": a suppression
 * without a reason, expired, with a bad date or for an unknown rule). */
extern const rp_report_rule rp_rule_meta_suppression;
/* The rule reported for input files that could not be evaluated
 * ("RMP-META-002"). */
extern const rp_report_rule rp_rule_meta_input;

/* Baseline: a set of fingerprints.  src is the file read, kept so that
 * diagnostics pointing into it stay valid until rp_baseline_release(). */
typedef struct rp_baseline {
	char (*fps)[17];
	size_t n, cap;
	rp_source *src;
} rp_baseline;
void rp_baseline_release(rp_baseline *b);
/* Reads a baseline file written by rp_baseline_write (a JSON object with a
 * "findings" array of objects with "fingerprint").  Diagnostics with
 * positions go to diag; they point into b->src, so print them before
 * rp_baseline_release(), which the caller calls on success and failure.
 * 0, -RP_EIO, -RP_EPARSE, -RP_ENOMEM. */
int rp_baseline_load(const char *path, rp_baseline *b, rp_diag *diag);
bool rp_baseline_has(const rp_baseline *b, const char *fp);
/* Marks every unsuppressed fail/unknown finding whose fingerprint is in b
 * as suppressed by the baseline.  Returns how many. */
size_t rp_baseline_apply(rp_report *r, const rp_baseline *b);
/* Writes the baseline of r (unsuppressed fail and unknown findings) as
 * JSON, sorted by fingerprint, into out. */
int rp_baseline_write(rp_report *r, rp_buf *out);

#endif
