/* commands.c: the subcommand registry.  One static table, in the order
 * `rampart --help` lists them.  Add a row here and a handler in cmd_*.c. */
#include "cli/cli.h"

#include <string.h>

const rp_command rp_commands[] = {
	{
		"json",
		"check JSON files: syntax, extensions in use, duplicate keys",
		"rampart json [--strict] [--print] [--format text|json] FILE...",
		"Parses each FILE with rampart's position-aware reader and reports, with\n"
		"file:line:col, the first syntax error, every duplicate key and the uses\n"
		"of ARM's extensions to strict JSON (comments, multi-line strings,\n"
		"trailing commas, a byte order mark).  FILE - reads standard input.\n"
		"\n"
		"  --strict           accept RFC 8259 JSON only (default: ARM's extended JSON)\n"
		"  --print            print each document re-serialised, indented\n"
		"  --format FORMAT    text (default) or json\n"
		"\n"
		"Exit status: 0 all files parsed, 2 a file could not be read or parsed.",
		rp_cmd_json,
	},
	{
		"eventlog",
		"print a TCG firmware event log: events, payloads, replayed PCRs",
		"rampart eventlog [--format text|json] [--ebs-workaround] FILE",
		"Parses a TCG PC Client firmware event log (binary_bios_measurements, SHA-1\n"
		"or crypto-agile format) and prints every event with its digests, the\n"
		"decoded payload (UEFI variables, signature lists, device paths, strings),\n"
		"the digest self-check where the spec defines one, and the replayed PCRs.\n"
		"See docs/attest.md.\n"
		"\n"
		"  --format FORMAT    text (default) or json\n"
		"  --ebs-workaround   extend PCR5 with the ExitBootServices actions when the\n"
		"                     firmware did not log them (go-attestation's workaround)\n"
		"\n"
		"Exit status: 0 parsed, 2 unreadable or malformed log (the error names the\n"
		"byte offset), 3 internal error.",
		rp_cmd_eventlog,
	},
	{
		"help",
		"show help for rampart or for one command",
		"rampart help [COMMAND]",
		"Without COMMAND, lists the commands; with it, shows its usage and options.",
		rp_cmd_help,
	},
	{
		"version",
		"print rampart's version",
		"rampart version",
		"Prints the version, as `rampart --version` does.",
		rp_cmd_version,
	},
};

const size_t rp_ncommands = sizeof(rp_commands) / sizeof(rp_commands[0]);

const rp_command *rp_command_find(const char *name)
{
	size_t i;

	for (i = 0; i < rp_ncommands; i++)
		if (strcmp(rp_commands[i].name, name) == 0)
			return &rp_commands[i];
	return NULL;
}
