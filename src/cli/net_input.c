/* net_input.c: one model and topology from many inputs (see net_input.h). */
#include "cli/net_input.h"
#include "ingest/arm/arm.h"
#include "ingest/detect.h"
#include "report/scan.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static int push(rp_net_input *in, rp_deployment *d)
{
	if (in->ndeps == in->cap) {
		size_t nc = in->cap ? in->cap * 2 : 8;
		rp_deployment **n = realloc(in->deps, nc * sizeof(*n));
		if (!n)
			return -RP_ENOMEM;
		in->deps = n;
		in->cap = nc;
	}
	in->deps[in->ndeps++] = d;
	return 0;
}

int rp_net_input_load(rp_cli *cli, const char *const *paths, size_t npaths, const char *params,
		      rp_net_input *in)
{
	rp_scan_files files;
	size_t i;
	int rc = RP_EXIT_OK, r;

	memset(in, 0, sizeof(*in));
	rp_diag_init(&in->diag);
	r = rp_scan_collect(paths, npaths, &files, &in->diag);
	if (r == -RP_ENOMEM) {
		rc = RP_EXIT_INTERNAL;
		goto out;
	}
	if (r < 0)
		rc = RP_EXIT_USAGE;
	for (i = 0; i < files.n && rc != RP_EXIT_INTERNAL; i++) {
		const rp_scan_file *f = &files.items[i];
		rp_input_kind kind = RP_INPUT_UNKNOWN;
		rp_deployment *d = NULL;
		rp_diag probe;
		rp_diag_init(&probe);
		r = rp_ingest_load_file(f->path, RP_INPUT_UNKNOWN, &kind, &d, &probe);
		if (kind == RP_INPUT_ARM && r == 0) {
			rp_arm_options ao;
			memset(&ao, 0, sizeof(ao));
			ao.root = f->root;
			ao.params_path = params;
			r = rp_arm_evaluate(f->path, &ao, &d, &in->diag);
		} else if (kind == RP_INPUT_TFPLAN || kind == RP_INPUT_EXPORT || f->explicit_arg) {
			size_t k;
			for (k = 0; k < probe.count; k++) {
				const rp_diag_item *it = &probe.items[k];
				rp_diag_addc(&in->diag, it->level, it->code, it->src, it->start,
					     it->end, "%s", it->message);
			}
		} else {
			r = 0; /* not an input: skipped while walking */
		}
		if (kind == RP_INPUT_ARM_PARAMS && !f->explicit_arg)
			r = 0;
		if (d && push(in, d) < 0) {
			rp_deployment_free(d);
			r = -RP_ENOMEM;
		}
		/* diagnostics point into the deployments' sources: print later */
		rp_cli_print_diags(cli, &probe);
		rp_diag_release(&probe);
		if (r == -RP_ENOMEM)
			rc = RP_EXIT_INTERNAL;
		else if (r < 0)
			rc = RP_EXIT_USAGE;
	}
	rp_scan_files_release(&files);
	if (rc == RP_EXIT_OK && in->ndeps == 0) {
		rp_diag_addc(&in->diag, RP_DIAG_ERROR, "net-no-input", NULL, 0, 0,
			     "no ARM template, Terraform plan or export found");
		rc = RP_EXIT_USAGE;
	}
	if (rc == RP_EXIT_OK) {
		r = rp_model_build((const rp_deployment *const *)in->deps, in->ndeps, &in->model,
				   NULL);
		if (r == 0) {
			/* problems in security rules: warnings, the part is unknown */
			rp_diag nd;
			size_t k;
			rp_diag_init(&nd);
			r = rp_net_topo_build(in->model, &nd, &in->topo);
			for (k = 0; k < nd.count; k++) {
				const rp_diag_item *it = &nd.items[k];
				rp_diag_addc(
					&in->diag,
					it->level > RP_DIAG_WARNING ? RP_DIAG_WARNING : it->level,
					it->code, it->src, it->start, it->end, "%s", it->message);
			}
			rp_diag_release(&nd);
		}
		if (r < 0)
			rc = rp_cli_exit_for(r);
	}
out:
	rp_cli_print_diags(cli, &in->diag);
	if (rc == RP_EXIT_OK && in->diag.nerrors)
		rc = RP_EXIT_USAGE;
	return rc;
}

void rp_net_input_release(rp_net_input *in)
{
	size_t i;

	rp_net_topo_free(in->topo);
	rp_model_free(in->model);
	rp_diag_release(&in->diag);
	for (i = 0; i < in->ndeps; i++)
		rp_deployment_free(in->deps[i]);
	free(in->deps);
	memset(in, 0, sizeof(*in));
}
