/* net_input.h: inputs of `rampart flow` and `rampart graph`: every ARM
 * template, Terraform plan and export under the given paths, evaluated
 * into ONE model (references across files resolve), and its network
 * topology (src/net/topology.h). */
#ifndef RP_CLI_NET_INPUT_H
#define RP_CLI_NET_INPUT_H

#include "cli/cli.h"
#include "ingest/resource.h"
#include "model/model.h"
#include "net/topology.h"

typedef struct rp_net_input {
	rp_deployment **deps;
	size_t ndeps, cap;
	rp_model *model;
	rp_net_topo *topo;
	rp_diag diag;
} rp_net_input;

/* Loads paths (files and directories, walked as `rampart scan` does) with
 * --params FILE (may be NULL).  Diagnostics are printed.  Returns an exit
 * code: RP_EXIT_OK, RP_EXIT_USAGE (bad input: nothing loadable, an error
 * in a file) or RP_EXIT_INTERNAL.  Release with rp_net_input_release in
 * every case. */
int rp_net_input_load(rp_cli *cli, const char *const *paths, size_t npaths, const char *params,
		      rp_net_input *in);
void rp_net_input_release(rp_net_input *in);

#endif
