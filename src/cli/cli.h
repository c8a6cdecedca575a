/* cli.h: the command-line shell: subcommand table, exit codes, colors and
 * printing of diagnostics.  The only layer that writes to stdout/stderr and
 * turns library error codes into exit codes. */
#ifndef RP_CLI_CLI_H
#define RP_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

/* Exit codes (documented in README.md and man/rampart.1). */
enum {
	RP_EXIT_OK = 0,       /* success; nothing at or above the failure threshold */
	RP_EXIT_FINDINGS = 1, /* findings at or above the threshold, or a negative verdict */
	RP_EXIT_USAGE = 2,    /* usage error or bad input */
	RP_EXIT_INTERNAL = 3, /* internal error (out of memory, broken invariant) */
};

typedef struct rp_cli {
	bool color_out; /* ANSI colors on stdout */
	bool color_err; /* ANSI colors on stderr */
} rp_cli;

typedef int (*rp_cmd_fn)(rp_cli *cli, int argc, char **argv);

/* One row of the subcommand registry (commands.c). */
typedef struct rp_command {
	const char *name;
	const char *summary; /* one line, for `rampart --help` */
	const char *usage;   /* synopsis lines after "usage: " */
	const char *help;    /* options and details, for `rampart help NAME` */
	rp_cmd_fn run;       /* argv[0] is the command name */
} rp_command;

extern const rp_command rp_commands[];
extern const size_t rp_ncommands;

const rp_command *rp_command_find(const char *name);

/* Prints diagnostics to stderr with the CLI's color choice. */
void rp_cli_print_diags(const rp_cli *cli, const rp_diag *d);
/* "rampart: error: MSG" + usage of cmd on stderr; returns RP_EXIT_USAGE. */
int rp_cli_usage_error(const rp_cli *cli, const rp_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints `rampart help NAME` text to stdout. */
void rp_cli_print_command_help(const rp_command *cmd);
/* Maps a negative library code to an exit code (ENOMEM/EINTERNAL -> 3, else 2). */
int rp_cli_exit_for(int code);

/* The URI of one of rampart's documentation pages ("rules.md") for links
 * in reports: RAMPART_DOC_BASE_URI + "/" + page, when that variable holds
 * an absolute URI (scheme ":" ...; where the user's copy of docs/ is
 * published).  NULL when it is unset or not an absolute URI: rampart
 * invents no address.  buf holds the result. */
#define RP_CLI_DOC_URI_MAX 1024
const char *rp_cli_doc_uri(const char *page, char *buf, size_t n);

/* Handlers, one per file cmd_*.c. */
int rp_cmd_help(rp_cli *cli, int argc, char **argv);
int rp_cmd_version(rp_cli *cli, int argc, char **argv);
int rp_cmd_json(rp_cli *cli, int argc, char **argv);
int rp_cmd_eval(rp_cli *cli, int argc, char **argv);
int rp_cmd_eventlog(rp_cli *cli, int argc, char **argv);
int rp_cmd_attest(rp_cli *cli, int argc, char **argv);
int rp_cmd_scan(rp_cli *cli, int argc, char **argv);
int rp_cmd_rules(rp_cli *cli, int argc, char **argv);
int rp_cmd_explain(rp_cli *cli, int argc, char **argv);
int rp_cmd_flow(rp_cli *cli, int argc, char **argv);
int rp_cmd_graph(rp_cli *cli, int argc, char **argv);
int rp_cmd_watch(rp_cli *cli, int argc, char **argv);

#endif
