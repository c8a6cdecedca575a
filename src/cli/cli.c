/* cli.c: shared CLI helpers. */
#include "cli/cli.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>

void rp_cli_print_diags(const rp_cli *cli, const rp_diag *d)
{
	rp_diag_print(stderr, d, cli->color_err);
}

void rp_cli_print_command_help(const rp_command *cmd)
{
	printf("usage: %s\n\n%s\n\n%s\n", cmd->usage, cmd->summary, cmd->help);
}

int rp_cli_usage_error(const rp_cli *cli, const rp_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("rampart: ", stderr);
	fputs(cli->color_err ? "\033[1;31merror:\033[0m " : "error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "usage: %s\n", cmd->usage);
	else
		fputs("usage: rampart [--color=auto|always|never] COMMAND [ARGS...]\n"
		      "Try 'rampart --help'.\n",
		      stderr);
	return RP_EXIT_USAGE;
}

int rp_cli_exit_for(int code)
{
	if (code == -RP_ENOMEM || code == -RP_EINTERNAL)
		return RP_EXIT_INTERNAL;
	return code < 0 ? RP_EXIT_USAGE : RP_EXIT_OK;
}
