/* cmd_scan.c: `rampart scan`: evaluate ARM templates, run the rules, write
 * a report (text, json, sarif, junit), apply suppressions and baselines,
 * and map the result to an exit status. */
#include "cli/cli.h"
#include "ingest/detect.h"
#include "report/report.h"
#include "report/scan.h"
#include "rules/rule.h"
#include "util/error.h"

#include <errno.h>
#include <getopt.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef RAMPART_VERSION
#define RAMPART_VERSION "0.1.0"
#endif

#define SCAN_MAX_IDS 1024 /* rule IDs in --rule / --skip-rule together */

typedef struct progress {
	struct timespec start;
	bool tty;
	bool shown;
} progress;

static double elapsed(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void on_progress(void *ctx, size_t done, size_t total)
{
	progress *p = ctx;

	if (!p->tty || elapsed(&p->start) < 1.0)
		return;
	fprintf(stderr, "\rrampart: scanning: %zu/%zu files", done, total);
	fflush(stderr);
	p->shown = true;
}

/* Splits a comma-separated list of rule IDs into ids[*n...]; checks each
 * names a rule.  0, or a usage error already printed (returns -1). */
static int add_ids(rp_cli *cli, const rp_command *self, char *list, const char **ids, size_t *n)
{
	char *save = NULL, *tok;

	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t nc, i;
		const rp_report_rule *const *cat = rp_scan_catalog(&nc);
		bool known = false;
		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		for (i = 0; i < nc; i++)
			if (strcasecmp(cat[i]->id, tok) == 0)
				known = true;
		if (!known) {
			rp_cli_usage_error(cli, self, "unknown rule '%s' (see `rampart rules`)",
					   tok);
			return -1;
		}
		if (*n + 1 >= SCAN_MAX_IDS) {
			rp_cli_usage_error(cli, self, "too many rule IDs");
			return -1;
		}
		ids[(*n)++] = tok;
	}
	return 0;
}

/* Today as days since the epoch: RAMPART_TODAY=YYYY-MM-DD (tests), else UTC. */
static int today(rp_day *out)
{
	const char *env = getenv("RAMPART_TODAY");
	time_t now;
	struct tm tm;
	char buf[16];

	if (env && *env)
		return rp_date_parse(env, strlen(env), out);
	now = time(NULL);
	if (!gmtime_r(&now, &tm))
		return -RP_EINTERNAL;
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	return rp_date_parse(buf, strlen(buf), out);
}

static int write_file(const char *path, const rp_buf *b)
{
	FILE *fp = fopen(path, "w");
	int rc = 0;

	if (!fp)
		return -RP_EIO;
	if (b->len && fwrite(b->data, 1, b->len, fp) != b->len)
		rc = -RP_EIO;
	if (fclose(fp) != 0)
		rc = -RP_EIO;
	return rc;
}

static void err(const rp_cli *cli, const char *fmt, const char *a, const char *b)
{
	fputs("rampart: ", stderr);
	fputs(cli->color_err ? "\033[1;31merror:\033[0m " : "error: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
}

/* A scan holds each file's working set (evaluated values, model, network
 * topology, rule results: tens of megabytes for a big template) only
 * while that file is scanned, and the report's records grow between the
 * files.  With glibc's default, the mmap threshold rises to the size of
 * the biggest block freed so far (up to 32 MiB), so the big blocks of
 * every later file come from the heap, where the report's records pinned
 * between them keep the freed ones resident as holes (about 20 MB at
 * 10,000 VMs).  A fixed threshold of 1 MiB maps the big blocks and gives
 * them back when the file is done (docs/output-formats.md, Performance).
 * With --jobs N, glibc gives each worker thread a malloc arena of its
 * own, and what one worker frees (a whole file's working set) is not
 * reused by the other, which grows its own heap instead: one arena for
 * the process lets the workers reuse each other's freed memory (about
 * 5-14 MB less at 10,000 VMs with --jobs 2; the scan's allocations are
 * mostly 64 KiB arena blocks, so the shared lock is rarely taken). */
static void scan_malloc_policy(void)
{
#if defined(__GLIBC__)
	(void)mallopt(M_MMAP_THRESHOLD, 1 << 20);
	(void)mallopt(M_ARENA_MAX, 1);
#endif
}

/* When the scan is done, the heap holds the last files' freed working
 * sets (about 33 MB at 10,000 VMs: glibc gives back only the free memory
 * at the heap's top, and the report's records allocated between the
 * files pin what lies below them), all still resident while the report
 * writer allocates its output on top: the process's peak was there, not
 * during the scan (docs/output-formats.md, Performance, session 9).
 * malloc_trim hands every free page of the heap back to the kernel once,
 * which costs one pass over the free chunks. */
static void scan_release_freed(void)
{
#if defined(__GLIBC__)
	(void)malloc_trim(0);
#endif
}

int rp_cmd_scan(rp_cli *cli, int argc, char **argv)
{
	enum {
		O_FAIL = 256,
		O_RULE,
		O_SKIP,
		O_PARAMS,
		O_BASE,
		O_WBASE,
		O_SUB,
		O_RG,
		O_LOC,
		O_ASSUME,
		O_PASS,
		O_NOTES,
		O_INPUT,
		O_MIN_DEPTH
	};
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "fail-on", required_argument, NULL, O_FAIL },
		{ "rule", required_argument, NULL, O_RULE },
		{ "skip-rule", required_argument, NULL, O_SKIP },
		{ "params", required_argument, NULL, O_PARAMS },
		{ "baseline", required_argument, NULL, O_BASE },
		{ "write-baseline", required_argument, NULL, O_WBASE },
		{ "subscription-id", required_argument, NULL, O_SUB },
		{ "resource-group", required_argument, NULL, O_RG },
		{ "location", required_argument, NULL, O_LOC },
		{ "assume", required_argument, NULL, O_ASSUME },
		{ "show-pass", no_argument, NULL, O_PASS },
		{ "notes", no_argument, NULL, O_NOTES },
		{ "input", required_argument, NULL, O_INPUT },
		{ "min-depth", required_argument, NULL, O_MIN_DEPTH },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const rp_command *self = rp_command_find("scan");
	const rp_report_format *fmt = rp_report_format_find("text");
	const char *only[SCAN_MAX_IDS], *skip[SCAN_MAX_IDS];
	size_t nonly = 0, nskip = 0;
	const char *out_path = NULL, *baseline_path = NULL, *write_baseline = NULL;
	rp_severity threshold = RP_SEV_HIGH;
	bool fail_never = false, input_error = false, show_pass = false;
	rp_scan_options so;
	rp_scan_stats stats;
	rp_scan_files files;
	rp_report rep;
	rp_report_options ro;
	char doc_uri[RP_CLI_DOC_URI_MAX];
	int os_errno = 0;
	rp_diag diag;
	progress prog;
	char *diag_text = NULL;
	int c, rc = RP_EXIT_OK, r;
	bool rep_init = false;

	memset(&so, 0, sizeof(so));
	memset(&files, 0, sizeof(files));
	rp_diag_init(&diag);
	so.jobs = 1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:o:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': rp_cli_print_command_help(self); goto out;
		case 'f':
			fmt = rp_report_format_find(optarg);
			if (!fmt) {
				rc = rp_cli_usage_error(
					cli, self,
					"unknown format '%s' (text, json, sarif, junit, html)",
					optarg);
				goto out;
			}
			break;
		case 'o': out_path = optarg; break;
		case 'j': {
			char *end = NULL;
			long v;
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || !end || *end || v < 1 || v > (long)RP_SCAN_MAX_JOBS) {
				rc = rp_cli_usage_error(cli, self,
							"--jobs takes a number from 1 to %u",
							RP_SCAN_MAX_JOBS);
				goto out;
			}
			so.jobs = (unsigned)v;
			break;
		}
		case O_FAIL:
			if (strcmp(optarg, "none") == 0)
				fail_never = true;
			else if (rp_severity_parse(optarg, &threshold) < 0) {
				rc = rp_cli_usage_error(cli, self,
							"--fail-on takes none, info, low, medium, "
							"high or critical, not '%s'",
							optarg);
				goto out;
			}
			break;
		case O_RULE:
		case O_SKIP:
			if (add_ids(cli, self, optarg, c == O_RULE ? only : skip,
				    c == O_RULE ? &nonly : &nskip) < 0) {
				rc = RP_EXIT_USAGE;
				goto out;
			}
			break;
		case O_PARAMS: so.params_path = optarg; break;
		case O_BASE: baseline_path = optarg; break;
		case O_WBASE: write_baseline = optarg; break;
		case O_SUB: so.subscription_id = optarg; break;
		case O_RG: so.resource_group = optarg; break;
		case O_LOC: so.location = optarg; break;
		case O_ASSUME:
			if (strcmp(optarg, "trusted-launch-default") != 0) {
				rc = rp_cli_usage_error(
					cli, self,
					"unknown assumption '%s' (trusted-launch-default)", optarg);
				goto out;
			}
			so.assume_trusted_launch_default = true;
			break;
		case O_PASS: show_pass = true; break;
		case O_NOTES: so.notes = true; break;
		case O_INPUT: {
			rp_input_kind ik;
			if (strcmp(optarg, "auto") == 0) {
				so.input = RP_INPUT_UNKNOWN;
				break;
			}
			if (rp_input_kind_parse(optarg, &ik) < 0 || ik == RP_INPUT_ARM_PARAMS) {
				rc = rp_cli_usage_error(
					cli, self,
					"--input takes arm, tfplan, export or auto, "
					"not '%s'",
					optarg);
				goto out;
			}
			so.input = (int)ik;
			break;
		}
		case O_MIN_DEPTH: {
			char *end = NULL;
			long v;
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || !end || *end || v < 1 || v > 5) {
				rc = rp_cli_usage_error(
					cli, self,
					"--min-depth takes a number from 1 to 5, not "
					"'%s'",
					optarg);
				goto out;
			}
			so.depth_min = (unsigned)v;
			break;
		}
		default:
			rc = rp_cli_usage_error(cli, self, "unknown option or missing value '%s'",
						argv[optind - 1]);
			goto out;
		}
	}
	if (optind >= argc) {
		rc = rp_cli_usage_error(cli, self, "no PATH to scan");
		goto out;
	}
	only[nonly] = NULL;
	skip[nskip] = NULL;
	so.only_ids = nonly ? only : NULL;
	so.skip_ids = nskip ? skip : NULL;
	so.color = cli->color_err;
	if (today(&so.today) < 0) {
		rc = rp_cli_usage_error(cli, self, "RAMPART_TODAY must be a date YYYY-MM-DD");
		goto out;
	}

	r = rp_scan_collect((const char *const *)argv + optind, (size_t)(argc - optind), &files,
			    &diag);
	rp_cli_print_diags(cli, &diag);
	if (r == -RP_ENOMEM) {
		rc = RP_EXIT_INTERNAL;
		goto out;
	}
	if (r < 0)
		input_error = true;

	if (rp_report_init(&rep) < 0) {
		rc = RP_EXIT_INTERNAL;
		goto out;
	}
	rep_init = true;
	rep.tally_passing = fmt->counts_passing;
	rep.group_passing = fmt->groups_passing && !show_pass;
	rep.asset_detail = fmt->asset_detail;
	rep.rules_doc_uri = rp_cli_doc_uri("rules.md", doc_uri, sizeof doc_uri);
	memset(&prog, 0, sizeof(prog));
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	prog.tty = isatty(STDERR_FILENO) == 1;
	so.progress = on_progress;
	so.progress_ctx = &prog;
	scan_malloc_policy();
	r = rp_scan_run(&files, &so, &rep, &diag_text, &stats);
	scan_release_freed();
	if (prog.shown)
		fputs("\r\033[K", stderr);
	if (diag_text)
		fputs(diag_text, stderr);
	if (r < 0) {
		err(cli, "scan failed: %s%s", rp_strerror(r), "");
		rc = RP_EXIT_INTERNAL;
		goto out;
	}
	if (stats.failed)
		input_error = true;
	if (stats.templates == 0 && !input_error) {
		err(cli, "no ARM templates, Terraform plans or exports found in %s%s", argv[optind],
		    argc - optind > 1 ? " ..." : "");
		input_error = true;
	}

	if (baseline_path) {
		rp_baseline bl;
		rp_diag bd;
		rp_diag_init(&bd);
		r = rp_baseline_load(baseline_path, &bl, &bd);
		rp_cli_print_diags(cli, &bd);
		rp_diag_release(&bd);
		if (r == 0)
			rp_baseline_apply(&rep, &bl);
		rp_baseline_release(&bl);
		if (r < 0) {
			rc = rp_cli_exit_for(r);
			goto out;
		}
	}
	if (write_baseline) {
		rp_buf bb = RP_BUF_INIT;
		r = rp_baseline_write(&rep, &bb);
		if (r == 0)
			r = write_file(write_baseline, &bb);
		rp_buf_release(&bb);
		if (r < 0) {
			err(cli, "%s: cannot write the baseline: %s", write_baseline,
			    rp_strerror(r));
			rc = rp_cli_exit_for(r);
			goto out;
		}
	}

	memset(&ro, 0, sizeof(ro));
	ro.color = !out_path && cli->color_out && strcmp(fmt->name, "text") == 0;
	ro.show_pass = show_pass;
	ro.version = RAMPART_VERSION;
	/* Streamed to the file or stdout as it is written (rp_report_emit). */
	r = rp_report_emit(&rep, fmt, &ro, out_path, &os_errno);
	if (r == -RP_EIO && os_errno) {
		err(cli, "%s: cannot write: %s", out_path ? out_path : "standard output",
		    strerror(os_errno));
		rc = RP_EXIT_USAGE;
		goto out;
	}
	if (r < 0) {
		err(cli, "cannot write the report: %s%s", rp_strerror(r), "");
		rc = RP_EXIT_INTERNAL;
		goto out;
	}
	if (input_error)
		rc = RP_EXIT_USAGE;
	else if (!fail_never && rp_report_fails(&rep, threshold))
		rc = RP_EXIT_FINDINGS;
out:
	free(diag_text);
	if (rep_init)
		rp_report_release(&rep);
	rp_scan_files_release(&files);
	rp_diag_release(&diag);
	return rc;
}
