/* cmd_explain.c: `rampart explain RULE-ID`: a rule's rationale,
 * remediation and references. */
#include "cli/cli.h"
#include "report/report.h"
#include "report/scan.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define EXPLAIN_WIDTH 76

/* Prints text word-wrapped at EXPLAIN_WIDTH with an indent. */
static void wrapped(const char *text, const char *indent)
{
	const char *p = text;
	size_t col = 0, ind = strlen(indent);

	fputs(indent, stdout);
	col = ind;
	while (*p) {
		size_t w = strcspn(p, " \n");
		if (col > ind && col + 1 + w > EXPLAIN_WIDTH) {
			printf("\n%s", indent);
			col = ind;
		} else if (col > ind) {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, w, stdout);
		col += w;
		p += w;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	putchar('\n');
}

int rp_cmd_explain(rp_cli *cli, int argc, char **argv)
{
	static const char *const sev[] = { "info", "low", "medium", "high", "critical" };
	const rp_command *self = rp_command_find("explain");
	const rp_report_rule *const *cat;
	const rp_report_rule *r = NULL;
	size_t n, i;
	char anchor[64];

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		rp_cli_print_command_help(self);
		return RP_EXIT_OK;
	}
	if (argc != 2)
		return rp_cli_usage_error(cli, self, argc < 2 ? "no RULE-ID" : "one RULE-ID only");
	cat = rp_scan_catalog(&n);
	for (i = 0; i < n; i++)
		if (strcasecmp(cat[i]->id, argv[1]) == 0)
			r = cat[i];
	if (!r)
		return rp_cli_usage_error(cli, self, "unknown rule '%s' (see `rampart rules`)",
					  argv[1]);
	for (i = 0; r->id[i] && i + 1 < sizeof(anchor); i++)
		anchor[i] = (char)(r->id[i] >= 'A' && r->id[i] <= 'Z' ? r->id[i] - 'A' + 'a'
								      : r->id[i]);
	anchor[i] = '\0';
	printf("%s%s%s: %s\n", cli->color_out ? "\033[1m" : "", r->id,
	       cli->color_out ? "\033[0m" : "", r->title);
	printf("layer %s, severity %s\n\nWhy:\n", r->layer,
	       (unsigned)r->severity < 5 ? sev[r->severity] : "?");
	wrapped(r->rationale ? r->rationale : "", "  ");
	fputs("\nFix:\n", stdout);
	wrapped(r->remediation ? r->remediation : "", "  ");
	fputs("\nReferences:\n", stdout);
	if (r->mcsb)
		printf("  Microsoft cloud security benchmark v1: %s\n", r->mcsb);
	if (r->cis)
		printf("  CIS Microsoft Azure Foundations Benchmark v3.0.0: %s\n", r->cis);
	{
		char uri[RP_CLI_DOC_URI_MAX];
		const char *page = rp_cli_doc_uri("rules.md", uri, sizeof uri);
		printf("  %s#%s\n", page ? page : "docs/rules.md", anchor);
	}
	return RP_EXIT_OK;
}
