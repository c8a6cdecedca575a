/* ingest-dump.c: test helper: loads each file given (detected kind, or
 * --input KIND) and prints the resulting rp_deployment as JSON (type, name,
 * id, address, scope, location of each resource, then its body), and the
 * diagnostics on stderr.  Used by the golden tests and for inspection. */
#include "ingest/detect.h"
#include "ingest/export/export.h"
#include "ingest/resource.h"
#include "ingest/tfplan/tfplan.h"
#include "json/json.h"
#include "json/value.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static void write_dep(rp_jw *w, const rp_deployment *d)
{
	size_t i;

	rp_jw_array_begin(w);
	for (i = 0; i < d->nresources; i++) {
		const rp_resource *r = &d->resources[i];
		rp_jw_object_begin(w);
		rp_jw_key(w, "type");
		rp_jw_string(w, r->type);
		rp_jw_key(w, "name");
		rp_value_write(w, r->name);
		rp_jw_key(w, "id");
		rp_value_write(w, r->id);
		if (r->address) {
			rp_jw_key(w, "address");
			rp_jw_string(w, r->address);
		}
		if (r->scope) {
			rp_jw_key(w, "scope");
			rp_jw_string(w, r->scope);
		}
		rp_jw_key(w, "body");
		rp_value_write(w, r->body);
		rp_jw_object_end(w);
	}
	rp_jw_array_end(w);
}

int main(int argc, char **argv)
{
	int i, status = 0;
	rp_input_kind forced = RP_INPUT_UNKNOWN;

	for (i = 1; i < argc; i++) {
		rp_diag diag;
		rp_source *src = NULL;
		rp_deployment *dep = NULL;
		rp_input_kind kind = forced;
		int rc;

		if (strcmp(argv[i], "--input") == 0 && i + 1 < argc) {
			if (rp_input_kind_parse(argv[++i], &forced) < 0)
				return 2;
			continue;
		}
		rp_diag_init(&diag);
		rc = rp_source_load(argv[i], 0, &src, &diag);
		if (rc == 0 && kind == RP_INPUT_UNKNOWN)
			rc = rp_ingest_detect_source(src, &kind, &diag);
		if (rc == 0) {
			dep = rp_deployment_new();
			if (!dep) {
				rc = -RP_ENOMEM;
			} else if (kind == RP_INPUT_TFPLAN) {
				rc = rp_tfplan_load(src, dep, &diag);
				src = NULL;
			} else if (kind == RP_INPUT_EXPORT) {
				rc = rp_export_load(src, dep, &diag);
				src = NULL;
			} else {
				fprintf(stderr, "%s: %s input is not handled by this helper\n",
					argv[i], rp_input_kind_name(kind));
				rc = -RP_EUNSUPPORTED;
			}
		}
		rp_diag_print(stderr, &diag, false);
		if (rc == 0) {
			rp_buf b = RP_BUF_INIT;
			rp_jw w;
			rp_jw_init(&w, &b, 1);
			write_dep(&w, dep);
			if (rp_jw_finish(&w) == 0)
				fwrite(b.data, 1, b.len, stdout);
			rp_buf_release(&b);
		} else {
			status = 1;
		}
		rp_deployment_free(dep);
		rp_source_free(src);
		rp_diag_release(&diag);
	}
	return status;
}
