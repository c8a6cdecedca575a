/* eventlog.c: TCG PC Client firmware event log parser (PFP spec, SHA-1 and
 * crypto-agile formats), digest self-checks and PCR replay.  See
 * eventlog.h. */
#include "attest/eventlog.h"
#include "attest/cursor.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define SHA1_EVENT_HEADER 32u /* u32 pcr, u32 type, u8[20], u32 size */
#define SPECID03 "Spec ID Event03"
#define STARTUP_LOCALITY "StartupLocality"

typedef struct type_name {
	uint32_t type;
	const char *name;
} type_name;

static const type_name type_names[] = {
	{ 0x00, "EV_PREBOOT_CERT" },
	{ 0x01, "EV_POST_CODE" },
	{ 0x02, "EV_UNUSED" },
	{ 0x03, "EV_NO_ACTION" },
	{ 0x04, "EV_SEPARATOR" },
	{ 0x05, "EV_ACTION" },
	{ 0x06, "EV_EVENT_TAG" },
	{ 0x07, "EV_S_CRTM_CONTENTS" },
	{ 0x08, "EV_S_CRTM_VERSION" },
	{ 0x09, "EV_CPU_MICROCODE" },
	{ 0x0A, "EV_PLATFORM_CONFIG_FLAGS" },
	{ 0x0B, "EV_TABLE_OF_DEVICES" },
	{ 0x0C, "EV_COMPACT_HASH" },
	{ 0x0D, "EV_IPL" },
	{ 0x0E, "EV_IPL_PARTITION_DATA" },
	{ 0x0F, "EV_NONHOST_CODE" },
	{ 0x10, "EV_NONHOST_CONFIG" },
	{ 0x11, "EV_NONHOST_INFO" },
	{ 0x12, "EV_OMIT_BOOT_DEVICE_EVENTS" },
	{ 0x80000001, "EV_EFI_VARIABLE_DRIVER_CONFIG" },
	{ 0x80000002, "EV_EFI_VARIABLE_BOOT" },
	{ 0x80000003, "EV_EFI_BOOT_SERVICES_APPLICATION" },
	{ 0x80000004, "EV_EFI_BOOT_SERVICES_DRIVER" },
	{ 0x80000005, "EV_EFI_RUNTIME_SERVICES_DRIVER" },
	{ 0x80000006, "EV_EFI_GPT_EVENT" },
	{ 0x80000007, "EV_EFI_ACTION" },
	{ 0x80000008, "EV_EFI_PLATFORM_FIRMWARE_BLOB" },
	{ 0x80000009, "EV_EFI_HANDOFF_TABLES" },
	{ 0x8000000A, "EV_EFI_PLATFORM_FIRMWARE_BLOB2" },
	{ 0x8000000B, "EV_EFI_HANDOFF_TABLES2" },
	{ 0x8000000C, "EV_EFI_VARIABLE_BOOT2" },
	{ 0x8000000D, "EV_EFI_GPT_EVENT2" },
	{ 0x80000010, "EV_EFI_HCRTM_EVENT" },
	{ 0x800000E0, "EV_EFI_VARIABLE_AUTHORITY" },
	{ 0x800000E1, "EV_EFI_SPDM_FIRMWARE_BLOB" },
	{ 0x800000E2, "EV_EFI_SPDM_FIRMWARE_CONFIG" },
	{ 0x800000E3, "EV_EFI_SPDM_DEVICE_POLICY" },
	{ 0x800000E4, "EV_EFI_SPDM_DEVICE_AUTHORITY" },
};

const char *rp_evlog_type_name(uint32_t type)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return NULL;
}

int rp_evlog_type_parse(const char *name, uint32_t *type)
{
	size_t i;
	char *end;
	unsigned long long v;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (strcmp(type_names[i].name, name) == 0) {
			*type = type_names[i].type;
			return 0;
		}
	}
	if (!name[0])
		return -RP_EINVAL;
	v = strtoull(name, &end, 0);
	if (*end || v > 0xFFFFFFFFull)
		return -RP_EINVAL;
	*type = (uint32_t)v;
	return 0;
}

int rp_evlog_bank_index(const rp_evlog *log, uint16_t alg)
{
	size_t i;

	for (i = 0; i < log->nbanks; i++)
		if (log->banks[i].alg == alg)
			return (int)i;
	return -1;
}

rp_evlog *rp_evlog_free(rp_evlog *log)
{
	if (log) {
		free(log->events);
		rp_arena_free(log->arena);
	}
	return NULL;
}

typedef struct parser {
	rp_evlog *log;
	rp_source *src;
	rp_diag *diag;
	size_t cap;
} parser;

static int perr(parser *ps, int code, size_t start, size_t end, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int perr(parser *ps, int code, size_t start, size_t end, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rp_diag_vadd(ps->diag, RP_DIAG_ERROR, "eventlog-parse", ps->src, start, end, fmt, ap);
	va_end(ap);
	return code;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static rp_evlog_event *new_event(parser *ps, size_t off)
{
	rp_evlog *log = ps->log;
	rp_evlog_event *ev;

	if (log->nevents >= RP_EVLOG_MAX_EVENTS) {
		perr(ps, -RP_ELIMIT, off, off + 1, "more than %u events (limit)",
		     RP_EVLOG_MAX_EVENTS);
		return NULL;
	}
	if (log->nevents == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 64;
		rp_evlog_event *n = realloc(log->events, ncap * sizeof(*n));
		if (!n)
			return NULL;
		log->events = n;
		ps->cap = ncap;
	}
	ev = &log->events[log->nevents];
	memset(ev, 0, sizeof(*ev));
	ev->seq = (uint32_t)log->nevents;
	ev->off = (uint32_t)off;
	ev->digests =
		rp_arena_calloc(log->arena, log->nbanks ? log->nbanks : 1, sizeof(*ev->digests));
	if (!ev->digests)
		return NULL;
	return ev;
}

/* Reads u32 EventSize and the data; the event header starts at hdr. */
static int read_data(parser *ps, rp_cur *c, rp_evlog_event *ev)
{
	uint32_t size;
	size_t at = c->off;
	const uint8_t *p;

	if (rp_cur_u32le(c, &size) < 0)
		return perr(ps, -RP_EPARSE, at, c->end,
			    "event %u at offset %u: truncated EventSize", ev->seq, ev->off);
	if (size > RP_EVLOG_MAX_EVENT_DATA)
		return perr(ps, -RP_ELIMIT, at, at + 4,
			    "event %u at offset %u: EventSize %u exceeds the limit of %u bytes",
			    ev->seq, ev->off, size, RP_EVLOG_MAX_EVENT_DATA);
	if (rp_cur_bytes(c, size, &p) < 0)
		return perr(ps, -RP_EPARSE, at, c->end,
			    "event %u at offset %u: EventSize %u runs past the end of the log (%zu "
			    "bytes left)",
			    ev->seq, ev->off, size, rp_cur_left(c));
	ev->data = p;
	ev->data_off = (uint32_t)(at + 4);
	ev->data_len = size;
	ev->end = (uint32_t)c->off;
	return 0;
}

static int check_pcr(parser *ps, rp_evlog_event *ev)
{
	if (ev->type != RP_EV_NO_ACTION && ev->pcr >= RP_TPM_NUM_PCRS)
		return perr(ps, -RP_EPARSE, ev->off, ev->off + 4,
			    "event %u at offset %u: PCR index %u out of range (0-%u)", ev->seq,
			    ev->off, ev->pcr, RP_TPM_NUM_PCRS - 1);
	return 0;
}

static void note_no_action(rp_evlog *log, const rp_evlog_event *ev)
{
	if (ev->type != RP_EV_NO_ACTION || ev->data_len < 17 || log->startup_locality >= 0)
		return;
	if (memcmp(ev->data, STARTUP_LOCALITY, sizeof(STARTUP_LOCALITY)) != 0)
		return;
	log->startup_locality = ev->data[16];
	log->startup_locality_seq = ev->seq;
}

/* TCG_PCR_EVENT (SHA-1 format). */
static int parse_sha1_event(parser *ps, rp_cur *c, rp_evlog_event **out)
{
	size_t at = c->off;
	rp_evlog_event *ev;
	const uint8_t *dg;
	int r;

	if (rp_cur_left(c) < SHA1_EVENT_HEADER)
		return perr(ps, -RP_EPARSE, at, c->end,
			    "event %zu at offset %zu: truncated event header (%zu of %u bytes)",
			    ps->log->nevents, at, rp_cur_left(c), SHA1_EVENT_HEADER);
	ev = new_event(ps, at);
	if (!ev)
		return ps->log->nevents >= RP_EVLOG_MAX_EVENTS ? -RP_ELIMIT : -RP_ENOMEM;
	rp_cur_u32le(c, &ev->pcr);
	rp_cur_u32le(c, &ev->type);
	rp_cur_bytes(c, 20, &dg);
	if ((r = read_data(ps, c, ev)) < 0)
		return r;
	if (ps->log->format == RP_EVLOG_SHA1)
		ev->digests[0] = dg;
	if ((r = check_pcr(ps, ev)) < 0)
		return r;
	ps->log->nevents++;
	note_no_action(ps->log, ev);
	*out = ev;
	return 0;
}

static int parse_specid(parser *ps, rp_evlog_event *ev, size_t *extend_to)
{
	rp_evlog *log = ps->log;
	rp_cur c;
	uint32_t nalg, i;
	uint8_t vsize;
	const uint8_t *vend;
	size_t voff;

	rp_cur_init(&c, ps->src->data, ev->data_off + (size_t)ev->data_len);
	c.off = ev->data_off + 16;
	if (rp_cur_u32le(&c, &log->platform_class) < 0 || rp_cur_u8(&c, &log->spec_minor) < 0 ||
	    rp_cur_u8(&c, &log->spec_major) < 0 || rp_cur_u8(&c, &log->spec_errata) < 0 ||
	    rp_cur_u8(&c, &log->uintn_size) < 0 || rp_cur_u32le(&c, &nalg) < 0)
		return perr(ps, -RP_EPARSE, ev->data_off, c.end, "Spec ID event: truncated header");
	if (nalg == 0 || nalg > RP_EVLOG_MAX_ALGS)
		return perr(ps, -RP_EPARSE, c.off - 4, c.off,
			    "Spec ID event: numberOfAlgorithms %u not in 1-%u", nalg,
			    RP_EVLOG_MAX_ALGS);
	for (i = 0; i < nalg; i++) {
		uint16_t alg, size;
		size_t at = c.off, known;
		uint32_t k;
		if (rp_cur_u16le(&c, &alg) < 0 || rp_cur_u16le(&c, &size) < 0)
			return perr(ps, -RP_EPARSE, at, c.end,
				    "Spec ID event: truncated digest size table");
		known = rp_tpm_alg_size(alg);
		if (size == 0 || size > RP_EVLOG_MAX_DIGEST_SIZE || (known && known != size))
			return perr(ps, -RP_EPARSE, at, at + 4,
				    "Spec ID event: algorithm 0x%04x has invalid digest size %u",
				    alg, size);
		for (k = 0; k < i; k++)
			if (log->banks[k].alg == alg)
				return perr(ps, -RP_EPARSE, at, at + 2,
					    "Spec ID event: algorithm 0x%04x listed twice", alg);
		log->banks[i].alg = alg;
		log->banks[i].size = size;
	}
	log->nbanks = nalg;
	if (rp_cur_u8(&c, &vsize) < 0)
		return perr(ps, -RP_EPARSE, c.off, c.end,
			    "Spec ID event: truncated vendorInfoSize");
	voff = c.off;
	if (rp_cur_bytes(&c, vsize, &vend) < 0) {
		/* tpm2-tools reads vendorInfo past EventSize (its fixture
		 * specid-vendordata.bin does this); accept it when the bytes
		 * are in the file, with a warning, and let the event cover them. */
		size_t need = c.off + vsize;
		if (need > ps->src->size)
			return perr(ps, -RP_EPARSE, c.off - 1, c.off,
				    "Spec ID event: vendorInfoSize %u runs past the end of the log",
				    vsize);
		rp_diag_addc(ps->diag, RP_DIAG_WARNING, "eventlog-specid", ps->src, c.off - 1,
			     c.off,
			     "Spec ID event: vendorInfo (%u bytes) runs past EventSize; read as "
			     "tpm2-tools does",
			     vsize);
		ev->end = (uint32_t)need;
		*extend_to = need;
	}
	log->vendor_off = (uint32_t)voff;
	log->vendor_len = vsize;
	log->has_specid = true;
	log->format = RP_EVLOG_CRYPTO_AGILE;
	return 0;
}

/* TCG_PCR_EVENT2 (crypto-agile format). */
static int parse_agile_event(parser *ps, rp_cur *c)
{
	rp_evlog *log = ps->log;
	size_t at = c->off;
	rp_evlog_event *ev;
	uint32_t count, i;
	int r;

	if (rp_cur_left(c) < 12)
		return perr(ps, -RP_EPARSE, at, c->end,
			    "event %zu at offset %zu: truncated event header (%zu bytes left)",
			    log->nevents, at, rp_cur_left(c));
	ev = new_event(ps, at);
	if (!ev)
		return log->nevents >= RP_EVLOG_MAX_EVENTS ? -RP_ELIMIT : -RP_ENOMEM;
	rp_cur_u32le(c, &ev->pcr);
	rp_cur_u32le(c, &ev->type);
	rp_cur_u32le(c, &count);
	if (count > log->nbanks)
		return perr(ps, -RP_EPARSE, at + 8, at + 12,
			    "event %u at offset %zu: %u digests, but the Spec ID event lists %zu "
			    "algorithms",
			    ev->seq, at, count, log->nbanks);
	for (i = 0; i < count; i++) {
		uint16_t alg;
		size_t dat = c->off;
		int bi;
		const uint8_t *d;
		if (rp_cur_u16le(c, &alg) < 0)
			return perr(ps, -RP_EPARSE, dat, c->end,
				    "event %u at offset %zu: truncated digest list", ev->seq, at);
		bi = rp_evlog_bank_index(log, alg);
		if (bi < 0)
			return perr(ps, -RP_EPARSE, dat, dat + 2,
				    "event %u at offset %zu: digest algorithm 0x%04x is not in the "
				    "Spec ID event",
				    ev->seq, at, alg);
		if (ev->digests[bi])
			return perr(ps, -RP_EPARSE, dat, dat + 2,
				    "event %u at offset %zu: two digests for algorithm 0x%04x",
				    ev->seq, at, alg);
		if (rp_cur_bytes(c, log->banks[bi].size, &d) < 0)
			return perr(ps, -RP_EPARSE, dat, c->end,
				    "event %u at offset %zu: truncated %s digest", ev->seq, at,
				    rp_tpm_alg_name(alg) ? rp_tpm_alg_name(alg) : "unknown");
		ev->digests[bi] = d;
	}
	if ((r = read_data(ps, c, ev)) < 0)
		return r;
	if ((r = check_pcr(ps, ev)) < 0)
		return r;
	log->nevents++;
	note_no_action(log, ev);
	return 0;
}

/* True when the rest of the buffer is padding (all 0x00 or all 0xFF). */
static bool at_padding(const rp_cur *c)
{
	const uint8_t *p = rp_cur_ptr(c);
	size_t n = rp_cur_left(c);

	if (n == 0)
		return true;
	return all_bytes(p, n, 0x00) || all_bytes(p, n, 0xFF);
}

int rp_evlog_parse(rp_source *src, rp_evlog **out, rp_diag *diag)
{
	parser ps;
	rp_evlog *log = NULL;
	rp_evlog_event *first = NULL;
	rp_cur c;
	int r;

	*out = NULL;
	memset(&ps, 0, sizeof(ps));
	ps.src = src;
	ps.diag = diag;
	if (src->size == 0) {
		rp_diag_addc(diag, RP_DIAG_ERROR, "eventlog-parse", src, 0, 0, "empty event log");
		return -RP_EPARSE;
	}
	if (src->size > 0xFFFFFFF0u) {
		rp_diag_addc(diag, RP_DIAG_ERROR, "eventlog-parse", src, 0, 0,
			     "event log too large");
		return -RP_ELIMIT;
	}
	{
		rp_arena *a = rp_arena_new();
		if (!a)
			return -RP_ENOMEM;
		log = rp_arena_calloc(a, 1, sizeof(*log));
		if (!log) {
			rp_arena_free(a);
			return -RP_ENOMEM;
		}
		log->arena = a;
	}
	log->src = src;
	log->startup_locality = -1;
	log->format = RP_EVLOG_SHA1;
	log->nbanks = 1;
	log->banks[0].alg = RP_TPM_ALG_SHA1;
	log->banks[0].size = 20;
	ps.log = log;
	rp_cur_init(&c, src->data, src->size);
	if (at_padding(&c)) {
		r = perr(&ps, -RP_EPARSE, 0, src->size, "event log holds only padding, no events");
		goto out;
	}
	/* The first event is always a TCG_PCR_EVENT. */
	if ((r = parse_sha1_event(&ps, &c, &first)) < 0)
		goto out;
	if (first->type == RP_EV_NO_ACTION && first->data_len >= 16 &&
	    memcmp(first->data, SPECID03, sizeof(SPECID03)) == 0) {
		size_t ext = 0;
		first->digests[0] = NULL;
		if ((r = parse_specid(&ps, first, &ext)) < 0)
			goto out;
		if (ext)
			c.off = ext;
		/* re-allocate the digest slots of the Spec ID event for nbanks */
		first->digests = rp_arena_calloc(log->arena, log->nbanks, sizeof(*first->digests));
		if (!first->digests) {
			r = -RP_ENOMEM;
			goto out;
		}
	}
	while (!at_padding(&c)) {
		if (log->format == RP_EVLOG_CRYPTO_AGILE)
			r = parse_agile_event(&ps, &c);
		else
			r = parse_sha1_event(&ps, &c, &first);
		if (r < 0)
			goto out;
	}
	log->parsed_end = log->nevents ? log->events[log->nevents - 1].end : 0;
	r = 0;
out:
	if (r < 0) {
		if (r == -RP_ENOMEM)
			rp_diag_addc(diag, RP_DIAG_ERROR, "eventlog-parse", src, c.off, c.off,
				     "out of memory");
		rp_evlog_free(log);
		return r;
	}
	*out = log;
	return 0;
}

/* ---- digest checks ---- */

static bool has_prefix(const uint8_t *p, size_t n, const char *pre, size_t *plen)
{
	size_t k = strlen(pre);

	if (n < k || memcmp(p, pre, k) != 0)
		return false;
	*plen = k;
	return true;
}

/* Compares every hashable bank of ev with H(a[0..an)); returns 1 all
 * equal, 0 some differ, 2 nothing hashable, negative on error. */
static int digests_equal(const rp_evlog *log, const rp_evlog_event *ev, const uint8_t *a, size_t an)
{
	size_t b;
	bool any = false;

	for (b = 0; b < log->nbanks; b++) {
		uint8_t h[RP_TPM_MAX_DIGEST];
		int r;
		if (!ev->digests[b] || !rp_tpm_alg_can_hash(log->banks[b].alg))
			continue;
		r = rp_tpm_hash(log->banks[b].alg, a, an, h);
		if (r < 0)
			return r;
		any = true;
		if (memcmp(h, ev->digests[b], log->banks[b].size) != 0)
			return 0;
	}
	return any ? 1 : 2;
}

int rp_evlog_check_digests(rp_evlog *log, rp_diag *diag)
{
	size_t i;

	for (i = 0; i < log->nevents; i++) {
		rp_evlog_event *ev = &log->events[i];
		const uint8_t *pa = ev->data, *pb = NULL;
		size_t na = ev->data_len, nb = 0, k;
		rp_uefi_var var;
		int r;

		ev->check = RP_DIGEST_NOT_DEFINED;
		if (ev->type == RP_EV_NO_ACTION)
			continue;
		switch (ev->type) {
		case RP_EV_SEPARATOR:
		case RP_EV_EFI_ACTION:
		case RP_EV_ACTION:
		case RP_EV_EFI_GPT_EVENT:
		case RP_EV_S_CRTM_VERSION: break;
		case RP_EV_IPL:
			if (ev->pcr != 8)
				continue;
			if (!has_prefix(ev->data, ev->data_len, "grub_cmd: ", &k) &&
			    !has_prefix(ev->data, ev->data_len, "kernel_cmdline: ", &k)) {
				/* older grub ("grub_cmd set x") hashes text
				 * not in the event: not defined */
				if (has_prefix(ev->data, ev->data_len, "grub_", &k))
					continue;
				/* other boot loaders (systemd-boot): H(data),
				 * or H(data without trailing NULs) */
				pb = ev->data;
				nb = ev->data_len;
				while (nb && pb[nb - 1] == 0)
					nb--;
				break;
			}
			pa = ev->data + k;
			na = ev->data_len - k;
			while (na && pa[na - 1] == 0)
				na--;
			break;
		case RP_EV_EFI_VARIABLE_DRIVER_CONFIG:
		case RP_EV_EFI_VARIABLE_AUTHORITY:
			if (rp_uefi_var_parse(ev, &var) < 0)
				continue;
			pb = var.data;
			nb = var.data_len;
			break;
		case RP_EV_EFI_VARIABLE_BOOT:
		case RP_EV_EFI_VARIABLE_BOOT2:
			/* edk2 hashes VariableData only; others the whole structure */
			if (rp_uefi_var_parse(ev, &var) < 0)
				continue;
			pa = var.data;
			na = var.data_len;
			pb = ev->data;
			nb = ev->data_len;
			break;
		default: continue;
		}
		r = digests_equal(log, ev, pa, na);
		if (r < 0)
			return r;
		if (r == 2) {
			ev->check = RP_DIGEST_UNKNOWN;
			continue;
		}
		if (r == 1) {
			ev->check = RP_DIGEST_OK;
			continue;
		}
		if (pb) {
			r = digests_equal(log, ev, pb, nb);
			if (r < 0)
				return r;
			if (r == 1) {
				ev->check = RP_DIGEST_VARIANT;
				continue;
			}
		}
		ev->check = RP_DIGEST_MISMATCH;
		rp_diag_addc(diag, RP_DIAG_WARNING, "eventlog-digest", log->src, ev->off, ev->end,
			     "event %u (%s, PCR %u): digest does not match its data", ev->seq,
			     rp_evlog_type_name(ev->type), ev->pcr);
	}
	return 0;
}

/* ---- replay ---- */

static bool has_ebs_event(const rp_evlog *log)
{
	static const char inv[] = "Exit Boot Services Invocation";
	size_t i;

	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		if (ev->type == RP_EV_EFI_ACTION && ev->data_len >= sizeof(inv) - 1 &&
		    memcmp(ev->data, inv, sizeof(inv) - 1) == 0)
			return true;
	}
	return false;
}

int rp_evlog_replay(const rp_evlog *log, const rp_replay_opts *opts, rp_replay *out, rp_diag *diag)
{
	static const char *const ebs[2] = { "Exit Boot Services Invocation",
					    "Exit Boot Services Returned with Success" };
	int bank_of[RP_EVLOG_MAX_ALGS];
	size_t b, i, p;
	int r;

	memset(out, 0, sizeof(*out));
	for (b = 0; b < log->nbanks; b++) {
		rp_pcr_bank *pb;
		const rp_evlog_event *missing = NULL;
		bank_of[b] = -1;
		if (!rp_tpm_alg_can_hash(log->banks[b].alg)) {
			out->unhashable[out->nunhashable++] = log->banks[b].alg;
			continue;
		}
		for (i = 0; i < log->nevents && !missing; i++)
			if (log->events[i].type != RP_EV_NO_ACTION && !log->events[i].digests[b])
				missing = &log->events[i];
		if (missing) {
			rp_diag_addc(
				diag, RP_DIAG_WARNING, "eventlog-replay", log->src, missing->off,
				missing->end,
				"event %u (PCR %u) has no %s digest: the %s bank is not replayed",
				missing->seq, missing->pcr, rp_tpm_alg_name(log->banks[b].alg),
				rp_tpm_alg_name(log->banks[b].alg));
			out->incomplete[out->nincomplete++] = log->banks[b].alg;
			continue;
		}
		pb = rp_pcr_set_add(&out->pcrs, log->banks[b].alg, log->banks[b].size);
		if (!pb)
			return -RP_EINTERNAL;
		bank_of[b] = (int)(pb - out->pcrs.banks);
		pb->present = (uint32_t)((1ull << RP_TPM_NUM_PCRS) - 1);
		for (p = 17; p <= 22; p++)
			memset(pb->v[p], 0xFF, pb->size);
		if (log->startup_locality >= 0)
			pb->v[0][pb->size - 1] = (uint8_t)log->startup_locality;
	}
	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		if (ev->type == RP_EV_NO_ACTION)
			continue;
		out->extended |= 1u << ev->pcr;
		for (b = 0; b < log->nbanks; b++) {
			rp_pcr_bank *pb;
			if (bank_of[b] < 0)
				continue;
			pb = &out->pcrs.banks[bank_of[b]];
			r = rp_tpm_hash2(pb->alg, pb->v[ev->pcr], pb->size, ev->digests[b],
					 pb->size, pb->v[ev->pcr]);
			if (r < 0)
				return r;
		}
	}
	if (opts && opts->ebs_workaround && !has_ebs_event(log)) {
		for (b = 0; b < out->pcrs.nbanks; b++) {
			rp_pcr_bank *pb = &out->pcrs.banks[b];
			for (i = 0; i < 2; i++) {
				uint8_t h[RP_TPM_MAX_DIGEST];
				if ((r = rp_tpm_hash(pb->alg, ebs[i], strlen(ebs[i]), h)) < 0)
					return r;
				if ((r = rp_tpm_hash2(pb->alg, pb->v[5], pb->size, h, pb->size,
						      pb->v[5])) < 0)
					return r;
			}
		}
		out->ebs_applied = true;
		out->extended |= 1u << 5;
	}
	return 0;
}
