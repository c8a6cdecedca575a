/* cmd_graph.c: `rampart graph`: the reachability graph (Internet, public
 * endpoints, subnets, machines; edges labelled with ports) as Graphviz DOT
 * text (src/net/graph.c; docs/network.md "rampart graph"). */
#include "cli/cli.h"
#include "cli/net_input.h"
#include "net/topology.h"
#include "util/buf.h"
#include "util/error.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PATHS 1024

int rp_cmd_graph(rp_cli *cli, int argc, char **argv)
{
	enum { O_FORMAT = 256, O_PARAMS, O_GROUP };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "params", required_argument, NULL, O_PARAMS },
		{ "group-above", required_argument, NULL, O_GROUP },
		{ NULL, 0, NULL, 0 },
	};
	const rp_command *self = rp_command_find("graph");
	const char *format = "dot", *params = NULL;
	long group = RP_NET_GRAPH_GROUP_DEFAULT;
	rp_net_input in;
	rp_buf out = RP_BUF_INIT;
	int c, r, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_FORMAT: format = optarg; break;
		case O_PARAMS: params = optarg; break;
		case O_GROUP: {
			char *end = NULL;
			group = strtol(optarg, &end, 10);
			if (!*optarg || *end || group < 0 || group > 1000000)
				return rp_cli_usage_error(cli, self,
							  "--group-above is a number of NICs");
			break;
		}
		default:
			return rp_cli_usage_error(cli, self, "unknown option or missing value '%s'",
						  argv[optind - 1]);
		}
	}
	if (strcmp(format, "dot") != 0)
		return rp_cli_usage_error(cli, self, "--format is dot");
	if (optind >= argc)
		return rp_cli_usage_error(cli, self, "no PATH");
	if (argc - optind > MAX_PATHS)
		return rp_cli_usage_error(cli, self, "more than %d paths", MAX_PATHS);
	rc = rp_net_input_load(cli, (const char *const *)argv + optind, (size_t)(argc - optind),
			       params, &in);
	if (rc != RP_EXIT_OK)
		goto out;
	r = rp_net_graph_dot(in.topo, (size_t)group, &out);
	if (r < 0) {
		rc = rp_cli_exit_for(r);
		goto out;
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
		rc = RP_EXIT_INTERNAL;
out:
	rp_buf_release(&out);
	rp_net_input_release(&in);
	return rc;
}
