/* cli.c: shared CLI helpers. */
#include "cli/cli.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* An absolute URI as RFC 3986 section 4.3 has it, checked loosely but
 * safely for a link: scheme ALPHA *(ALPHA / DIGIT / "+" / "-" / "."), ":",
 * then printable ASCII without spaces, quotes, angle brackets or a
 * fragment. */
static bool absolute_uri(const char *s)
{
	size_t i = 0;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	       (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	if (s[i] != ':' || s[i + 1] == '\0')
		return false;
	for (i++; s[i]; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '"' || s[i] == '<' || s[i] == '>' ||
		    s[i] == '#' || s[i] == '\\')
			return false;
	return true;
}

const char *rp_cli_doc_uri(const char *page, char *buf, size_t n)
{
	const char *base = getenv("RAMPART_DOC_BASE_URI");
	size_t len;
	int w;

	if (!base || !absolute_uri(base))
		return NULL;
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		len--;
	w = snprintf(buf, n, "%.*s/%s", (int)len, base, page);
	return w > 0 && (size_t)w < n ? buf : NULL;
}
