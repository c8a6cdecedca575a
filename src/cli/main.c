/* main.c: rampart's entry point: global options, then the subcommand. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RAMPART_VERSION
#define RAMPART_VERSION "0.1.0"
#endif

static void print_help(void)
{
	size_t i;

	printf("rampart %s: defense-in-depth checks for Azure IaaS\n\n"
	       "usage: rampart [--color=auto|always|never] COMMAND [ARGS...]\n"
	       "       rampart --help | --version | help COMMAND\n\n"
	       "commands:\n",
	       RAMPART_VERSION);
	for (i = 0; i < rp_ncommands; i++)
		printf("  %-10s %s\n", rp_commands[i].name, rp_commands[i].summary);
	printf("\nexit status: 0 success, 1 findings or a negative verdict,\n"
	       "2 usage or input error, 3 internal error.\n"
	       "Colors: on a terminal by default; NO_COLOR disables them; --color overrides.\n");
}

int rp_cmd_help(rp_cli *cli, int argc, char **argv)
{
	const rp_command *cmd;

	if (argc < 2) {
		print_help();
		return RP_EXIT_OK;
	}
	if (argc > 2)
		return rp_cli_usage_error(cli, rp_command_find("help"), "too many arguments");
	cmd = rp_command_find(argv[1]);
	if (!cmd)
		return rp_cli_usage_error(cli, NULL, "unknown command '%s'", argv[1]);
	rp_cli_print_command_help(cmd);
	return RP_EXIT_OK;
}

int rp_cmd_version(rp_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return rp_cli_usage_error(cli, rp_command_find("version"), "too many arguments");
	printf("rampart %s\n", RAMPART_VERSION);
	return RP_EXIT_OK;
}

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

static int parse_color(const char *v, enum color_mode *m)
{
	if (strcmp(v, "auto") == 0)
		*m = COLOR_AUTO;
	else if (strcmp(v, "always") == 0)
		*m = COLOR_ALWAYS;
	else if (strcmp(v, "never") == 0)
		*m = COLOR_NEVER;
	else
		return -1;
	return 0;
}

static int run(int argc, char **argv);

/* Every path out goes through here, so a failed write to stdout (a full
 * disk, a closed pipe) is reported instead of lost. */
int main(int argc, char **argv)
{
	/* stderr is unbuffered by default: a diagnostic excerpt would cost a
	 * system call per character.  Line buffering keeps each line atomic
	 * and timely; the progress line flushes itself. */
	static char errbuf[1 << 16];
	int rc;

	setvbuf(stderr, errbuf, _IOLBF, sizeof errbuf);
	rc = run(argc, argv);

	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "rampart: error: writing to standard output failed\n");
		return RP_EXIT_INTERNAL;
	}
	return rc;
}

static int run(int argc, char **argv)
{
	enum color_mode mode = COLOR_AUTO;
	rp_cli cli = { false, false };
	const rp_command *cmd;
	const char *no_color = getenv("NO_COLOR");
	int i, j, k;

	/* Pull --color out of argv wherever it stands (before a "--"). */
	for (i = 1, j = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			for (; i < argc; i++)
				argv[j++] = argv[i];
			break;
		}
		if (strncmp(a, "--color=", 8) == 0 || strcmp(a, "--color") == 0) {
			const char *v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : "");
			if (parse_color(v, &mode) < 0)
				return rp_cli_usage_error(
					&cli, NULL, "--color takes auto, always or never, not '%s'",
					v);
			continue;
		}
		argv[j++] = argv[i];
	}
	argc = j;
	argv[argc] = NULL;

	if (mode == COLOR_ALWAYS) {
		cli.color_out = cli.color_err = true;
	} else if (mode == COLOR_AUTO && !(no_color && no_color[0])) {
		cli.color_out = isatty(STDOUT_FILENO) == 1;
		cli.color_err = isatty(STDERR_FILENO) == 1;
	}

	if (argc < 2) {
		print_help();
		return RP_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_help();
		return RP_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("rampart %s\n", RAMPART_VERSION);
		return RP_EXIT_OK;
	}
	if (argv[1][0] == '-')
		return rp_cli_usage_error(&cli, NULL, "unknown option '%s'", argv[1]);
	cmd = rp_command_find(argv[1]);
	if (!cmd)
		return rp_cli_usage_error(&cli, NULL, "unknown command '%s'", argv[1]);
	/* COMMAND --help works for every command. */
	for (k = 2; k < argc && strcmp(argv[k], "--") != 0; k++) {
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			rp_cli_print_command_help(cmd);
			return RP_EXIT_OK;
		}
	}
	return cmd->run(&cli, argc - 1, argv + 1);
}
