/* cmd_json.c: `rampart json`: check JSON files with the reader. */
#include "cli/cli.h"
#include "json/json.h"
#include "util/error.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void json_report_entry(rp_jw *w, rp_json_doc *doc, rp_source *src, int r, const rp_diag *d,
			      size_t first)
{
	size_t i;
	unsigned e;

	rp_jw_object_begin(w);
	rp_jw_key(w, "file");
	rp_jw_string(w, src ? src->name : "");
	rp_jw_key(w, "ok");
	rp_jw_bool(w, r == 0);
	if (doc) {
		rp_jw_key(w, "values");
		rp_jw_uint(w, doc->nnodes);
		rp_jw_key(w, "extensions");
		rp_jw_array_begin(w);
		for (e = 0; e < RP_JSON_EXT_COUNT_; e++)
			if (doc->ext_mask & (1u << e))
				rp_jw_string(w, rp_json_ext_name((rp_json_ext)e));
		rp_jw_array_end(w);
		rp_jw_key(w, "duplicate_keys");
		rp_jw_uint(w, doc->ndups);
	}
	rp_jw_key(w, "diagnostics");
	rp_jw_array_begin(w);
	for (i = first; i < d->count; i++) {
		const rp_diag_item *it = &d->items[i];
		uint32_t line = 0, col = 0;
		rp_jw_object_begin(w);
		rp_jw_key(w, "level");
		rp_jw_string(w, rp_diag_level_name(it->level));
		if (it->code) {
			rp_jw_key(w, "code");
			rp_jw_string(w, it->code);
		}
		if (it->src && rp_source_linecol(it->src, it->start, &line, &col) == 0) {
			rp_jw_key(w, "line");
			rp_jw_uint(w, line);
			rp_jw_key(w, "column");
			rp_jw_uint(w, col);
			rp_jw_key(w, "offset");
			rp_jw_uint(w, it->start);
		}
		rp_jw_key(w, "message");
		rp_jw_string(w, it->message);
		rp_jw_object_end(w);
	}
	rp_jw_array_end(w);
	rp_jw_object_end(w);
}

int rp_cmd_json(rp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strict", no_argument, NULL, 's' },
		{ "print", no_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const rp_command *self = rp_command_find("json");
	unsigned options = RP_JSON_EXTENDED;
	bool print = false, as_json = false;
	rp_buf out = RP_BUF_INIT;
	rp_jw w;
	int c, i, rc = RP_EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 's': options = RP_JSON_STRICT; break;
		case 'p': print = true; break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				as_json = true;
			else if (strcmp(optarg, "text") != 0)
				return rp_cli_usage_error(cli, self, "unknown format '%s'", optarg);
			break;
		default:
			return rp_cli_usage_error(cli, self, "unknown option '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return rp_cli_usage_error(cli, self, "no input file");
	if (as_json && print)
		return rp_cli_usage_error(cli, self,
					  "--print and --format json exclude each other");

	rp_jw_init(&w, &out, 2);
	if (as_json)
		rp_jw_array_begin(&w);
	for (i = optind; i < argc; i++) {
		rp_source *src = NULL;
		rp_json_doc *doc = NULL;
		rp_diag d;
		int r;

		rp_diag_init(&d);
		if (strcmp(argv[i], "-") == 0)
			r = rp_source_load_stream("<stdin>", stdin, 0, &src, &d);
		else
			r = rp_source_load(argv[i], 0, &src, &d);
		if (r == 0) {
			r = rp_json_parse(src, options, &doc, &d);
			if (r == 0)
				rp_json_report(doc, &d);
		}
		if (r < 0) {
			int x = rp_cli_exit_for(r);
			if (x > rc)
				rc = x;
		}
		if (as_json) {
			json_report_entry(&w, doc, src, r, &d, 0);
		} else {
			rp_cli_print_diags(cli, &d);
			if (r == 0 && print) {
				rp_buf pb = RP_BUF_INIT;
				rp_jw pw;
				rp_jw_init(&pw, &pb, 2);
				rp_jw_node(&pw, doc, rp_json_root(doc));
				if (rp_jw_finish(&pw) == 0)
					fwrite(pb.data, 1, pb.len, stdout);
				else
					rc = RP_EXIT_INTERNAL;
				rp_buf_release(&pb);
			} else if (r == 0) {
				printf("%s: ok: %u values", src->name, doc->nnodes);
				if (doc->ndups)
					printf(", %u duplicate key%s", doc->ndups,
					       doc->ndups == 1 ? "" : "s");
				if (doc->ext_mask) {
					unsigned e;
					const char *sep = ", extended JSON: ";
					for (e = 0; e < RP_JSON_EXT_COUNT_; e++) {
						if (doc->ext_mask & (1u << e)) {
							printf("%s%s", sep,
							       rp_json_ext_name((rp_json_ext)e));
							sep = ", ";
						}
					}
				}
				putchar('\n');
			}
		}
		rp_json_doc_free(doc);
		rp_diag_release(&d);
		rp_source_free(src);
	}
	if (as_json) {
		rp_jw_array_end(&w);
		if (rp_jw_finish(&w) == 0)
			fwrite(out.data, 1, out.len, stdout);
		else
			rc = RP_EXIT_INTERNAL;
	}
	rp_buf_release(&out);
	return rc;
}
