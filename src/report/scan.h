/* scan.h: the scan driver behind `rampart scan`: find templates under the
 * given paths, evaluate each (ingest/arm), build its model, run the rules,
 * apply inline suppressions, and collect everything into an rp_report.
 *
 * Discovery (rp_scan_collect).  A path that is a file is scanned as given.
 * A directory is walked: entries in byte order of their names, files whose
 * name ends in ".json" (any case) are candidates; symbolic links met while
 * walking are never followed (everything inside a root is reached through
 * its real path anyway, and a link cannot lead the walk out of the root);
 * devices, FIFOs and sockets are skipped.  Whether a candidate is a
 * template is decided by its content (rp_scan_classify): a JSON object
 * whose "$schema" names deploymentTemplate.json, or, without "$schema",
 * one with "resources".
 * Parameters files ("$schema" deploymentParameters.json) are not scanned;
 * the ARM layer pairs them with their template (X.parameters.json, then
 * azuredeploy.parameters.json), or --params names one for all templates.
 *
 * Parallelism: opts->jobs threads take files in order from a shared
 * counter; each file is evaluated into its own arenas, and results are
 * merged in file order, so the report does not depend on the job count.
 *
 * Diagnostics of each file are rendered to text (with the caller's color
 * choice) before the file's sources are freed, and returned in file order.
 */
#ifndef RP_REPORT_SCAN_H
#define RP_REPORT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "report/report.h"
#include "rules/rule.h"
#include "util/diag.h"

#define RP_SCAN_MAX_DEPTH 64       /* directory nesting walked */
#define RP_SCAN_MAX_FILES 1000000u /* candidate files collected */
#define RP_SCAN_MAX_JOBS 256u

typedef struct rp_scan_file {
	char *path;        /* owned (malloc) */
	char *root;        /* the directory given on the command line, or NULL */
	bool explicit_arg; /* named on the command line (must be a template) */
} rp_scan_file;

typedef struct rp_scan_files {
	rp_scan_file *items;
	size_t n, cap;
	/* What the walk listed (scan.c): the parameters pairing of the scan
	 * knows from it which candidates do not exist, without opening them.
	 * NULL when nothing was walked. */
	struct rp_scan_listing *listing;
} rp_scan_files;

/* Collects candidate files under paths.  A path that does not exist or
 * cannot be read is an error diagnostic (no source) and -RP_EIO; walking
 * continues with the other paths.  0, -RP_EIO, -RP_ELIMIT or -RP_ENOMEM.
 * Release with rp_scan_files_release() in every case. */
int rp_scan_collect(const char *const *paths, size_t npaths, rp_scan_files *out, rp_diag *diag);
void rp_scan_files_release(rp_scan_files *f);

/* What a JSON text is, by its content. */
typedef enum rp_scan_kind {
	RP_SCAN_OTHER = 0, /* JSON, but neither */
	RP_SCAN_TEMPLATE = 1,
	RP_SCAN_PARAMETERS = 2,
	RP_SCAN_INVALID = 3, /* does not start like a JSON object or array */
} rp_scan_kind;
/* Lexical: looks at the root object's keys without parsing the document
 * (comments and a BOM skipped).  A broken file that looks like a template
 * is classified as one, so its evaluation error is reported rather than
 * the file silently skipped.  name is unused (diagnostics come later). */
rp_scan_kind rp_scan_classify(const char *name, const char *data, size_t size);

typedef void (*rp_scan_progress_fn)(void *ctx, size_t done, size_t total);

typedef struct rp_scan_options {
	const char *params_path;     /* --params, or NULL */
	const char *subscription_id; /* NULL: ARM defaults */
	const char *resource_group;
	const char *location;
	const char *const *only_ids; /* --rule, NULL-terminated, or NULL */
	const char *const *skip_ids; /* --skip-rule */
	bool assume_trusted_launch_default;
	unsigned depth_min;           /* --min-depth: RMP-DEPTH-001 threshold (0: 3) */
	unsigned jobs;                /* 0 or 1: in the calling thread */
	rp_day today;                 /* for suppression expiry */
	bool color;                   /* rendering of diagnostics */
	bool notes;                   /* keep note-level diagnostics */
	rp_scan_progress_fn progress; /* may be NULL; called from one thread */
	void *progress_ctx;
	/* rp_input_kind (ingest/detect.h) forced by --input; 0: by content */
	int input;
} rp_scan_options;

typedef struct rp_scan_stats {
	size_t candidates; /* files looked at */
	size_t templates;  /* evaluated as templates */
	size_t failed;     /* templates that could not be evaluated */
	size_t errors, warnings;
} rp_scan_stats;

/* Scans files into r (initialised by the caller).  *diag_text (malloc'd,
 * caller frees; may be NULL when empty) receives the rendered diagnostics.
 * Input problems are diagnostics and RMP-META findings, not a negative
 * return; the return is 0, -RP_ENOMEM or -RP_EINTERNAL (e.g. a thread
 * could not be started). */
int rp_scan_run(const rp_scan_files *files, const rp_scan_options *o, rp_report *r,
		char **diag_text, rp_scan_stats *stats);

/* The report view of a registry rule (static storage, built on first use;
 * call once from one thread before starting others).  NULL if not in the
 * registry. */
const rp_report_rule *rp_scan_report_rule(const rp_rule *rule);
/* Every rule of the registry plus the META rules, in ID order; *n set. */
const rp_report_rule *const *rp_scan_catalog(size_t *n);

#endif
