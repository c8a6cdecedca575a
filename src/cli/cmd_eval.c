/* cmd_eval.c: `rampart eval`: evaluate an ARM template offline and print
 * its resources as JSON (src/ingest/arm/arm.h; docs/arm-evaluation.md). */
#include "cli/cli.h"
#include "ingest/arm/arm.h"
#include "json/json.h"
#include "util/error.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int rp_cmd_eval(rp_cli *cli, int argc, char **argv)
{
	enum { O_SUB = 256, O_RG, O_LOC, O_TENANT, O_DEPL, O_ROOT, O_NOPARAMS, O_ENUM, O_MG };
	static const struct option opts[] = {
		{ "params", required_argument, NULL, 'p' },
		{ "positions", no_argument, NULL, 'P' },
		{ "subscription-id", required_argument, NULL, O_SUB },
		{ "resource-group", required_argument, NULL, O_RG },
		{ "location", required_argument, NULL, O_LOC },
		{ "tenant-id", required_argument, NULL, O_TENANT },
		{ "deployment-name", required_argument, NULL, O_DEPL },
		{ "management-group", required_argument, NULL, O_MG },
		{ "root", required_argument, NULL, O_ROOT },
		{ "no-params", no_argument, NULL, O_NOPARAMS },
		{ "enumerate", no_argument, NULL, O_ENUM },
		{ NULL, 0, NULL, 0 },
	};
	const rp_command *self = rp_command_find("eval");
	rp_arm_options o;
	bool positions = false, enumerate = false;
	rp_deployment **ds = NULL;
	size_t nds = 0, i;
	rp_buf out = RP_BUF_INIT;
	rp_diag d;
	rp_jw w;
	int c, r, rc = RP_EXIT_OK;

	memset(&o, 0, sizeof(o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.params_path = optarg; break;
		case 'P': positions = true; break;
		case O_SUB: o.subscription_id = optarg; break;
		case O_RG: o.resource_group = optarg; break;
		case O_LOC: o.location = optarg; break;
		case O_TENANT: o.tenant_id = optarg; break;
		case O_DEPL: o.deployment_name = optarg; break;
		case O_MG: o.management_group = optarg; break;
		case O_ROOT: o.root = optarg; break;
		case O_NOPARAMS: o.no_auto_params = true; break;
		case O_ENUM: enumerate = true; break;
		default:
			return rp_cli_usage_error(cli, self, "unknown option or missing value '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return rp_cli_usage_error(cli, self, "no template file");
	if (optind + 1 < argc)
		return rp_cli_usage_error(cli, self, "one template file at a time");
	if (o.params_path && o.no_auto_params)
		return rp_cli_usage_error(cli, self, "--params and --no-params exclude each other");

	rp_diag_init(&d);
	if (enumerate) {
		r = rp_arm_evaluate_all(argv[optind], &o, &ds, &nds, &d);
	} else {
		rp_deployment *one = NULL;
		r = rp_arm_evaluate(argv[optind], &o, &one, &d);
		ds = NULL;
		if (one) {
			static rp_deployment *slot[1];
			slot[0] = one;
			ds = slot;
			nds = 1;
		}
	}
	rp_cli_print_diags(cli, &d);
	if (r < 0 || d.nerrors) {
		rc = r < 0 ? rp_cli_exit_for(r) : RP_EXIT_USAGE;
		goto out;
	}
	rp_jw_init(&w, &out, 2);
	if (enumerate)
		rp_jw_array_begin(&w);
	for (i = 0; i < nds; i++)
		rp_arm_write_deployment(&w, ds[i], positions);
	if (enumerate)
		rp_jw_array_end(&w);
	if (rp_jw_finish(&w) == 0)
		fwrite(out.data, 1, out.len, stdout);
	else
		rc = RP_EXIT_INTERNAL;
out:
	if (enumerate) {
		rp_arm_deployments_free(ds, nds);
	} else if (nds) {
		rp_deployment_free(ds[0]);
	}
	rp_diag_release(&d);
	rp_buf_release(&out);
	return rc;
}
