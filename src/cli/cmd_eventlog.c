/* cmd_eventlog.c: `rampart eventlog`: parse a TCG PC Client firmware event
 * log (binary_bios_measurements) and print its events, decoded payloads and
 * the replayed PCR values, as text or JSON. */
#include "attest/cursor.h"
#include "attest/eventlog.h"
#include "cli/cli.h"
#include "cli/cmd_attest_common.h"
#include "json/json.h"
#include "util/error.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Event data shown in full up to this many bytes; longer data as a hash. */
#define EVDATA_HEX_MAX 64u
/* Entries of a signature list listed one by one in JSON output. */
#define SIGLIST_MAX_LISTED 1000u

typedef struct emit {
	rp_jw *w;     /* JSON mode when non-NULL */
	rp_buf *text; /* text mode */
} emit;

static void kv(emit *e, const char *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void kv(emit *e, const char *k, const char *fmt, ...)
{
	va_list ap;
	rp_buf v = RP_BUF_INIT;

	va_start(ap, fmt);
	rp_buf_vprintf(&v, fmt, ap);
	va_end(ap);
	if (e->w) {
		rp_jw_key(e->w, k);
		rp_jw_stringn(e->w, v.data ? v.data : "", v.len);
	} else {
		rp_buf_printf(e->text, "    %s: %s\n", k, v.data ? v.data : "");
	}
	rp_buf_release(&v);
}

static void kvu(emit *e, const char *k, uint64_t n)
{
	if (e->w) {
		rp_jw_key(e->w, k);
		rp_jw_uint(e->w, n);
	} else {
		rp_buf_printf(e->text, "    %s: %" PRIu64 "\n", k, n);
	}
}

static void kvhex(emit *e, const char *k, const uint8_t *p, size_t n)
{
	char tmp[2 * EVDATA_HEX_MAX + 1];
	uint8_t h[32];

	if (n <= EVDATA_HEX_MAX) {
		rp_hex_encode(p, n, tmp);
		kv(e, k, "%s", tmp);
	} else if (rp_tpm_hash(RP_TPM_ALG_SHA256, p, n, h) == 0) {
		char kk[64];
		rp_hex_encode(h, 32, tmp);
		snprintf(kk, sizeof(kk), "%s_sha256", k);
		kv(e, kk, "%s", tmp);
	}
}

static void describe_siglist(emit *e, const uint8_t *p, size_t n)
{
	rp_efi_sig_iter it;
	rp_efi_sig s;
	size_t nx = 0, nh = 0, no = 0;
	int r;

	rp_efi_sig_iter_init(&it, p, n);
	if (e->w) {
		rp_jw_key(e->w, "signatures");
		rp_jw_array_begin(e->w);
	}
	while ((r = rp_efi_sig_iter_next(&it, &s)) == 1) {
		rp_efi_sig_kind k = rp_efi_sig_kind_of(&s);
		if (k == RP_EFI_SIG_X509)
			nx++;
		else if (k == RP_EFI_SIG_SHA256)
			nh++;
		else
			no++;
		if (e->w && nx + nh + no <= SIGLIST_MAX_LISTED) {
			uint8_t id[32];
			char hex[65], g[37];
			rp_jw_object_begin(e->w);
			rp_jw_key(e->w, "kind");
			rp_jw_string(e->w, k == RP_EFI_SIG_X509     ? "x509"
					   : k == RP_EFI_SIG_SHA256 ? "sha256"
								    : "other");
			rp_efi_guid_format(&s.owner, g);
			rp_jw_key(e->w, "owner");
			rp_jw_string(e->w, g);
			if (rp_efi_sig_id(&s, id) == 0) {
				rp_hex_encode(id, 32, hex);
				rp_jw_key(e->w, "sha256");
				rp_jw_string(e->w, hex);
			}
			rp_jw_object_end(e->w);
		}
	}
	if (e->w)
		rp_jw_array_end(e->w);
	if (r < 0)
		kv(e, "signature_list_error", "malformed EFI_SIGNATURE_LIST");
	kv(e, "signature_counts", "x509=%zu sha256=%zu other=%zu", nx, nh, no);
}

static void describe_var(emit *e, const rp_evlog *log, const rp_evlog_event *ev, rp_arena *a)
{
	rp_uefi_var v;
	char g[37];
	const char *name;

	if (rp_uefi_var_parse(ev, &v) < 0) {
		kv(e, "error", "malformed UEFI_VARIABLE_DATA");
		return;
	}
	(void)log;
	rp_efi_guid_format(&v.guid, g);
	name = rp_uefi_var_name(a, &v);
	kv(e, "variable_guid", "%s", g);
	kv(e, "variable_name", "%s", name ? name : "?");
	kvu(e, "variable_data_size", v.data_len);
	if (ev->type == RP_EV_EFI_VARIABLE_DRIVER_CONFIG) {
		if (rp_uefi_var_name_is(&v, "SecureBoot")) {
			kv(e, "secure_boot", "%s",
			   v.data_len == 1 ? (v.data[0] == 1   ? "enabled"
					      : v.data[0] == 0 ? "disabled"
							       : "invalid")
					   : "unknown (data is not one byte)");
		} else if (rp_uefi_var_name_is(&v, "PK") || rp_uefi_var_name_is(&v, "KEK") ||
			   rp_uefi_var_name_is(&v, "db") || rp_uefi_var_name_is(&v, "dbx") ||
			   rp_uefi_var_name_is(&v, "dbt") || rp_uefi_var_name_is(&v, "dbr")) {
			describe_siglist(e, v.data, v.data_len);
		} else {
			kvhex(e, "variable_data", v.data, v.data_len);
		}
	} else if (ev->type == RP_EV_EFI_VARIABLE_AUTHORITY) {
		if (v.data_len > 16 &&
		    (rp_uefi_var_name_is(&v, "db") || rp_uefi_var_name_is(&v, "Shim") ||
		     rp_uefi_var_name_is(&v, "MokList") || rp_uefi_var_name_is(&v, "vendor_db"))) {
			rp_efi_guid owner;
			uint8_t h[32];
			char hex[65];
			memcpy(owner.b, v.data, 16);
			rp_efi_guid_format(&owner, g);
			kv(e, "signature_owner", "%s", g);
			if (rp_tpm_hash(RP_TPM_ALG_SHA256, v.data + 16, v.data_len - 16, h) == 0) {
				rp_hex_encode(h, 32, hex);
				kv(e, "signature_sha256", "%s", hex);
			}
		} else {
			kvhex(e, "variable_data", v.data, v.data_len);
		}
	} else if (rp_uefi_var_name_is(&v, "BootOrder")) {
		rp_buf b = RP_BUF_INIT;
		size_t i;
		for (i = 0; i + 1 < v.data_len; i += 2)
			rp_buf_printf(&b, "%sBoot%04X", i ? "," : "",
				      (unsigned)(v.data[i] | v.data[i + 1] << 8));
		kv(e, "boot_order", "%s", b.data ? b.data : "");
		rp_buf_release(&b);
	} else if (name && v.name_len == 8 && strncmp(name, "Boot", 4) == 0) {
		/* EFI_LOAD_OPTION: u32 Attributes, u16 FilePathListLength,
		 * CHAR16 Description[] (NUL-terminated), device path */
		rp_cur c;
		uint32_t attr;
		uint16_t plen;
		size_t start;
		rp_cur_init(&c, v.data, v.data_len);
		if (rp_cur_u32le(&c, &attr) == 0 && rp_cur_u16le(&c, &plen) == 0) {
			uint16_t u = 1;
			rp_uefi_var d;
			start = c.off;
			while (u && rp_cur_u16le(&c, &u) == 0)
				;
			memset(&d, 0, sizeof(d));
			d.name16 = v.data + start;
			d.name_len = (c.off - start) / 2;
			name = rp_uefi_var_name(a, &d);
			kv(e, "description", "%s", name ? name : "");
			if (plen <= rp_cur_left(&c)) {
				rp_buf b = RP_BUF_INIT;
				rp_efi_devpath_format(&b, rp_cur_ptr(&c), plen);
				kv(e, "device_path", "%s", b.data ? b.data : "");
				rp_buf_release(&b);
			}
		}
	} else {
		kvhex(e, "variable_data", v.data, v.data_len);
	}
}

static void describe(emit *e, const rp_evlog *log, const rp_evlog_event *ev, rp_arena *a)
{
	const char *s;
	size_t n;

	switch (ev->type) {
	case RP_EV_EFI_VARIABLE_DRIVER_CONFIG:
	case RP_EV_EFI_VARIABLE_BOOT:
	case RP_EV_EFI_VARIABLE_BOOT2:
	case RP_EV_EFI_VARIABLE_AUTHORITY: describe_var(e, log, ev, a); return;
	case RP_EV_EFI_BOOT_SERVICES_APPLICATION:
	case RP_EV_EFI_BOOT_SERVICES_DRIVER:
	case RP_EV_EFI_RUNTIME_SERVICES_DRIVER: {
		rp_uefi_image im;
		rp_buf b = RP_BUF_INIT;
		if (rp_uefi_image_parse(ev, &im) < 0) {
			kv(e, "error", "malformed UEFI_IMAGE_LOAD_EVENT");
			return;
		}
		kv(e, "image_location", "0x%" PRIx64, im.location);
		kvu(e, "image_length", im.length);
		rp_efi_devpath_format(&b, im.path, im.path_len);
		kv(e, "device_path", "%s", b.data ? b.data : "");
		rp_buf_release(&b);
		return;
	}
	case RP_EV_SEPARATOR: kvhex(e, "value", ev->data, ev->data_len); return;
	case RP_EV_NO_ACTION:
		if (ev->seq == 0 && log->has_specid) {
			kv(e, "spec_id",
			   "Spec ID Event03, platform class %u, version %u.%u errata %u, uintn %u",
			   log->platform_class, log->spec_major, log->spec_minor, log->spec_errata,
			   log->uintn_size);
			return;
		}
		if (ev->data_len >= 17 && memcmp(ev->data, "StartupLocality", 16) == 0) {
			kvu(e, "startup_locality", ev->data[16]);
			return;
		}
		if (ev->data_len >= 16) {
			size_t k = 0;
			while (k < 16 && ev->data[k] >= 0x20 && ev->data[k] < 0x7F)
				k++;
			kv(e, "signature", "%.*s", (int)k, (const char *)ev->data);
		}
		kvhex(e, "data", ev->data, ev->data_len);
		return;
	case RP_EV_EFI_PLATFORM_FIRMWARE_BLOB:
	case RP_EV_POST_CODE:
		if (ev->type == RP_EV_POST_CODE && rp_evlog_event_text(ev, &s, &n)) {
			kv(e, "string", "%.*s", (int)n, s);
			return;
		}
		if (ev->data_len == 16) {
			rp_cur c;
			uint64_t base, len;
			rp_cur_init(&c, ev->data, ev->data_len);
			rp_cur_u64le(&c, &base);
			rp_cur_u64le(&c, &len);
			kv(e, "blob_base", "0x%" PRIx64, base);
			kvu(e, "blob_length", len);
			return;
		}
		break;
	case RP_EV_S_CRTM_VERSION:
		if (ev->data_len >= 2 && ev->data_len % 2 == 0) {
			rp_uefi_var d;
			const char *t;
			memset(&d, 0, sizeof(d));
			d.name16 = ev->data;
			d.name_len = ev->data_len / 2;
			t = rp_uefi_var_name(a, &d);
			if (t && t[0]) {
				kv(e, "version", "%s", t);
				return;
			}
		}
		break;
	default: break;
	}
	if (rp_evlog_event_text(ev, &s, &n)) {
		kv(e, "string", "%.*s", (int)n, s);
		return;
	}
	kvhex(e, "data", ev->data, ev->data_len);
}

static const char *check_name(rp_digest_check c)
{
	switch (c) {
	case RP_DIGEST_OK: return "ok";
	case RP_DIGEST_VARIANT: return "ok-variant";
	case RP_DIGEST_MISMATCH: return "mismatch";
	case RP_DIGEST_UNKNOWN: return "unknown";
	default: return "not-defined";
	}
}

void rp_cli_attest_bank_name(uint16_t alg, char *dst, size_t cap)
{
	const char *n = rp_tpm_alg_name(alg);

	if (n)
		snprintf(dst, cap, "%s", n);
	else
		snprintf(dst, cap, "0x%04x", alg);
}

void rp_cli_attest_print_binary_diags(const rp_cli *cli, const rp_diag *d)
{
	size_t i;

	for (i = 0; i < d->count; i++) {
		const rp_diag_item *it = &d->items[i];
		const char *lvl = rp_diag_level_name(it->level);
		bool c = cli->color_err;
		const char *col = it->level == RP_DIAG_ERROR     ? "\033[1;31m"
				  : it->level == RP_DIAG_WARNING ? "\033[1;33m"
								 : "\033[1;36m";
		if (it->src)
			fprintf(stderr, "rampart: %s: offset %zu: %s%s:%s %s", it->src->name,
				it->start, c ? col : "", lvl, c ? "\033[0m" : "", it->message);
		else
			fprintf(stderr, "rampart: %s%s:%s %s", c ? col : "", lvl,
				c ? "\033[0m" : "", it->message);
		if (it->code)
			fprintf(stderr, " [%s]", it->code);
		fputc('\n', stderr);
	}
	if (d->dropped)
		fprintf(stderr, "rampart: %zu more diagnostics not shown\n", d->dropped);
}

static void print_pcrs_text(rp_buf *t, const rp_replay *rep)
{
	size_t b, p;

	rp_buf_puts(t, "pcrs (replayed, PCRs the log extends):\n");
	for (b = 0; b < rep->pcrs.nbanks; b++) {
		const rp_pcr_bank *pb = &rep->pcrs.banks[b];
		char name[16], hex[2 * RP_TPM_MAX_DIGEST + 1];
		rp_cli_attest_bank_name(pb->alg, name, sizeof(name));
		rp_buf_printf(t, "  %s:\n", name);
		for (p = 0; p < RP_TPM_NUM_PCRS; p++) {
			if (!(rep->extended & (1u << p)))
				continue;
			rp_hex_encode(pb->v[p], pb->size, hex);
			rp_buf_printf(t, "    %2zu: %s\n", p, hex);
		}
	}
	for (b = 0; b < rep->nunhashable; b++)
		rp_buf_printf(t, "  0x%04x: not replayed (hash not supported)\n",
			      rep->unhashable[b]);
	for (b = 0; b < rep->nincomplete; b++)
		rp_buf_printf(t, "  %s: not replayed (some events lack its digest)\n",
			      rp_tpm_alg_name(rep->incomplete[b]));
}

void rp_cli_attest_pcrs_json(rp_jw *w, const rp_pcr_set *s, uint32_t mask)
{
	size_t b, p;

	rp_jw_object_begin(w);
	for (b = 0; b < s->nbanks; b++) {
		const rp_pcr_bank *pb = &s->banks[b];
		char name[16], hex[2 * RP_TPM_MAX_DIGEST + 1], idx[8];
		rp_cli_attest_bank_name(pb->alg, name, sizeof(name));
		rp_jw_key(w, name);
		rp_jw_object_begin(w);
		for (p = 0; p < RP_TPM_NUM_PCRS; p++) {
			if (!(pb->present & mask & (1u << p)))
				continue;
			snprintf(idx, sizeof(idx), "%zu", p);
			rp_hex_encode(pb->v[p], pb->size, hex);
			rp_jw_key(w, idx);
			rp_jw_string(w, hex);
		}
		rp_jw_object_end(w);
	}
	rp_jw_object_end(w);
}

static void render(const rp_evlog *log, const rp_replay *rep, bool as_json, rp_buf *out,
		   rp_arena *a)
{
	rp_jw w;
	emit e;
	size_t i, b;
	char name[16], hex[2 * RP_EVLOG_MAX_DIGEST_SIZE + 1];

	e.w = as_json ? &w : NULL;
	e.text = out;
	if (as_json) {
		rp_jw_init(&w, out, 2);
		rp_jw_object_begin(&w);
		rp_jw_key(&w, "file");
		rp_jw_string(&w, log->src->name);
		rp_jw_key(&w, "format");
		rp_jw_string(&w, log->format == RP_EVLOG_CRYPTO_AGILE ? "crypto-agile" : "sha1");
		rp_jw_key(&w, "banks");
		rp_jw_array_begin(&w);
		for (b = 0; b < log->nbanks; b++) {
			rp_jw_object_begin(&w);
			rp_cli_attest_bank_name(log->banks[b].alg, name, sizeof(name));
			rp_jw_key(&w, "alg");
			rp_jw_string(&w, name);
			rp_jw_key(&w, "size");
			rp_jw_uint(&w, log->banks[b].size);
			rp_jw_object_end(&w);
		}
		rp_jw_array_end(&w);
		rp_jw_key(&w, "startup_locality");
		if (log->startup_locality >= 0)
			rp_jw_int(&w, log->startup_locality);
		else
			rp_jw_null(&w);
		rp_jw_key(&w, "events");
		rp_jw_array_begin(&w);
	} else {
		rp_buf_printf(out, "%s: %s event log, %zu event%s, banks:", log->src->name,
			      log->format == RP_EVLOG_CRYPTO_AGILE ? "crypto-agile" : "SHA-1",
			      log->nevents, log->nevents == 1 ? "" : "s");
		for (b = 0; b < log->nbanks; b++) {
			rp_cli_attest_bank_name(log->banks[b].alg, name, sizeof(name));
			rp_buf_printf(out, " %s", name);
		}
		if (log->startup_locality >= 0)
			rp_buf_printf(out, ", StartupLocality %d", log->startup_locality);
		rp_buf_putc(out, '\n');
	}
	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		const char *tn = rp_evlog_type_name(ev->type);
		char tbuf[16];
		if (!tn) {
			snprintf(tbuf, sizeof(tbuf), "0x%08x", ev->type);
			tn = tbuf;
		}
		if (as_json) {
			rp_jw_object_begin(&w);
			rp_jw_key(&w, "seq");
			rp_jw_uint(&w, ev->seq);
			rp_jw_key(&w, "offset");
			rp_jw_uint(&w, ev->off);
			rp_jw_key(&w, "pcr");
			rp_jw_uint(&w, ev->pcr);
			rp_jw_key(&w, "type");
			rp_jw_string(&w, tn);
			rp_jw_key(&w, "type_value");
			rp_jw_uint(&w, ev->type);
			rp_jw_key(&w, "data_size");
			rp_jw_uint(&w, ev->data_len);
			rp_jw_key(&w, "digests");
			rp_jw_object_begin(&w);
			for (b = 0; b < log->nbanks; b++) {
				if (!ev->digests[b])
					continue;
				rp_cli_attest_bank_name(log->banks[b].alg, name, sizeof(name));
				rp_hex_encode(ev->digests[b], log->banks[b].size, hex);
				rp_jw_key(&w, name);
				rp_jw_string(&w, hex);
			}
			rp_jw_object_end(&w);
			rp_jw_key(&w, "digest_check");
			rp_jw_string(&w, check_name(ev->check));
			rp_jw_key(&w, "details");
			rp_jw_object_begin(&w);
			describe(&e, log, ev, a);
			rp_jw_object_end(&w);
			rp_jw_object_end(&w);
		} else {
			rp_buf_printf(out, "#%u PCR %u %s offset %u size %u digest %s\n", ev->seq,
				      ev->pcr, tn, ev->off, ev->data_len, check_name(ev->check));
			for (b = 0; b < log->nbanks; b++) {
				if (!ev->digests[b])
					continue;
				rp_cli_attest_bank_name(log->banks[b].alg, name, sizeof(name));
				rp_hex_encode(ev->digests[b], log->banks[b].size, hex);
				rp_buf_printf(out, "    %s: %s\n", name, hex);
			}
			describe(&e, log, ev, a);
		}
	}
	if (as_json) {
		rp_jw_array_end(&w);
		rp_jw_key(&w, "pcrs");
		rp_cli_attest_pcrs_json(&w, &rep->pcrs, rep->extended);
		rp_jw_object_end(&w);
		rp_jw_finish(&w);
	} else {
		print_pcrs_text(out, rep);
	}
}

int rp_cmd_eventlog(rp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "ebs-workaround", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const rp_command *self = rp_command_find("eventlog");
	bool as_json = false;
	rp_replay_opts ro = { false };
	rp_source *src = NULL;
	rp_evlog *log = NULL;
	rp_replay *rep = NULL;
	rp_arena *a = NULL;
	rp_buf out = RP_BUF_INIT;
	rp_diag d;
	int c, r, rc = RP_EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				as_json = true;
			else if (strcmp(optarg, "text") != 0)
				return rp_cli_usage_error(cli, self, "unknown format '%s'", optarg);
			break;
		case 'e': ro.ebs_workaround = true; break;
		default:
			return rp_cli_usage_error(cli, self, "unknown option '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return rp_cli_usage_error(cli, self,
					  optind >= argc ? "no input file" : "too many arguments");
	rp_diag_init(&d);
	if (strcmp(argv[optind], "-") == 0)
		r = rp_source_load_stream("<stdin>", stdin, 0, &src, &d);
	else
		r = rp_source_load(argv[optind], 0, &src, &d);
	if (r == 0)
		r = rp_evlog_parse(src, &log, &d);
	if (r == 0)
		r = rp_evlog_check_digests(log, &d);
	if (r == 0) {
		rep = calloc(1, sizeof(*rep));
		a = rp_arena_new();
		r = rep && a ? rp_evlog_replay(log, &ro, rep, &d) : -RP_ENOMEM;
	}
	if (r == 0) {
		render(log, rep, as_json, &out, a);
		fwrite(out.data, 1, out.len, stdout);
	}
	if (r < 0)
		rc = rp_cli_exit_for(r);
	rp_cli_attest_print_binary_diags(cli, &d);
	rp_buf_release(&out);
	free(rep);
	rp_arena_free(a);
	rp_evlog_free(log);
	rp_diag_release(&d);
	rp_source_free(src);
	return rc;
}
