/* payload.c: decoders for event payloads the policies need (PFP spec and
 * UEFI spec): UEFI_VARIABLE_DATA, EFI_SIGNATURE_LIST, UEFI_IMAGE_LOAD_EVENT
 * and EFI device paths.  All reads go through the bounds-checked cursor. */
#include "attest/cursor.h"
#include "attest/eventlog.h"
#include "util/error.h"
#include "util/str.h"

#include <inttypes.h>
#include <string.h>

/* Longest device path rendered (nodes); longer ones end with "/...". */
#define RP_DEVPATH_MAX_NODES 64u

void rp_efi_guid_format(const rp_efi_guid *g, char *dst)
{
	static const char hx[] = "0123456789abcdef";
	/* Data1..3 are little-endian; Data4 is a byte array. */
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			dst[o++] = '-';
		dst[o++] = hx[g->b[order[i]] >> 4];
		dst[o++] = hx[g->b[order[i]] & 15];
	}
	dst[o] = '\0';
}

static bool guid_is(const rp_efi_guid *g, const char *s)
{
	char t[37];

	rp_efi_guid_format(g, t);
	return strcmp(t, s) == 0;
}

int rp_uefi_var_parse(const rp_evlog_event *ev, rp_uefi_var *out)
{
	rp_cur c;
	uint64_t nlen, dlen;
	const uint8_t *p;

	memset(out, 0, sizeof(*out));
	rp_cur_init(&c, ev->data, ev->data_len);
	if (rp_cur_copy(&c, out->guid.b, 16) < 0 || rp_cur_u64le(&c, &nlen) < 0 ||
	    rp_cur_u64le(&c, &dlen) < 0)
		return -RP_EPARSE;
	if (nlen > rp_cur_left(&c) / 2)
		return -RP_EPARSE;
	rp_cur_bytes(&c, (size_t)nlen * 2, &p);
	out->name16 = p;
	out->name_len = (size_t)nlen;
	if (dlen > rp_cur_left(&c))
		return -RP_EPARSE;
	out->data_off = (uint32_t)(ev->data_off + c.off);
	rp_cur_bytes(&c, (size_t)dlen, &out->data);
	out->data_len = (size_t)dlen;
	return 0;
}

/* Appends UTF-8 of n UTF-16LE code units; stops at a NUL unit. */
static int utf16_append(rp_buf *b, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t u = (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
		char tmp[4];
		size_t k;
		if (u == 0)
			break;
		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
			uint32_t lo = (uint32_t)p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8;
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			} else {
				u = 0xFFFD;
			}
		} else if (u >= 0xD800 && u <= 0xDFFF) {
			u = 0xFFFD;
		}
		if (u < 0x80) {
			tmp[0] = (char)u;
			k = 1;
		} else if (u < 0x800) {
			tmp[0] = (char)(0xC0 | u >> 6);
			tmp[1] = (char)(0x80 | (u & 0x3F));
			k = 2;
		} else if (u < 0x10000) {
			tmp[0] = (char)(0xE0 | u >> 12);
			tmp[1] = (char)(0x80 | ((u >> 6) & 0x3F));
			tmp[2] = (char)(0x80 | (u & 0x3F));
			k = 3;
		} else {
			tmp[0] = (char)(0xF0 | u >> 18);
			tmp[1] = (char)(0x80 | ((u >> 12) & 0x3F));
			tmp[2] = (char)(0x80 | ((u >> 6) & 0x3F));
			tmp[3] = (char)(0x80 | (u & 0x3F));
			k = 4;
		}
		if (rp_buf_append(b, tmp, k) < 0)
			return -RP_ENOMEM;
	}
	return 0;
}

char *rp_uefi_var_name(rp_arena *a, const rp_uefi_var *v)
{
	rp_buf b = RP_BUF_INIT;
	char *s = NULL;

	if (utf16_append(&b, v->name16, v->name_len) == 0)
		s = rp_arena_strndup(a, b.data ? b.data : "", b.len);
	rp_buf_release(&b);
	return s;
}

bool rp_uefi_var_name_is(const rp_uefi_var *v, const char *name)
{
	size_t n = strlen(name), i;

	if (v->name_len != n)
		return false;
	for (i = 0; i < n; i++)
		if (v->name16[2 * i] != (uint8_t)name[i] || v->name16[2 * i + 1] != 0)
			return false;
	return true;
}

rp_efi_sig_kind rp_efi_sig_kind_of(const rp_efi_sig *s)
{
	if (guid_is(&s->type, RP_GUID_CERT_X509))
		return RP_EFI_SIG_X509;
	if (guid_is(&s->type, RP_GUID_CERT_SHA256) && s->len == 32)
		return RP_EFI_SIG_SHA256;
	return RP_EFI_SIG_OTHER;
}

int rp_efi_sig_id(const rp_efi_sig *s, uint8_t out[32])
{
	if (rp_efi_sig_kind_of(s) == RP_EFI_SIG_SHA256) {
		memcpy(out, s->data, 32);
		return 0;
	}
	return rp_tpm_hash(RP_TPM_ALG_SHA256, s->data, s->len, out);
}

void rp_efi_sig_iter_init(rp_efi_sig_iter *it, const uint8_t *p, size_t len)
{
	memset(it, 0, sizeof(*it));
	it->p = p;
	it->len = len;
}

int rp_efi_sig_iter_next(rp_efi_sig_iter *it, rp_efi_sig *sig)
{
	for (;;) {
		if (it->entry && it->entry + it->sig_size <= it->list_end) {
			rp_cur c;
			rp_cur_init(&c, it->p, it->list_end);
			c.off = it->entry;
			sig->type = it->type;
			rp_cur_copy(&c, sig->owner.b, 16);
			sig->len = it->sig_size - 16;
			rp_cur_bytes(&c, sig->len, &sig->data);
			it->entry += it->sig_size;
			if (++it->count > RP_EFI_MAX_SIGS)
				return -RP_EPARSE;
			return 1;
		}
		if (it->entry && it->entry != it->list_end)
			return -RP_EPARSE; /* entries do not fill the list exactly */
		it->pos = it->entry ? it->list_end : it->pos;
		it->entry = 0;
		if (it->pos >= it->len)
			return 0;
		{
			rp_cur c;
			uint32_t lsize, hsize, ssize;
			rp_cur_init(&c, it->p, it->len);
			c.off = it->pos;
			if (rp_cur_copy(&c, it->type.b, 16) < 0 || rp_cur_u32le(&c, &lsize) < 0 ||
			    rp_cur_u32le(&c, &hsize) < 0 || rp_cur_u32le(&c, &ssize) < 0)
				return -RP_EPARSE;
			if (lsize < 28 || lsize > it->len - it->pos || ssize <= 16 ||
			    hsize > lsize - 28)
				return -RP_EPARSE;
			if ((lsize - 28 - hsize) % ssize != 0)
				return -RP_EPARSE;
			it->list_end = it->pos + lsize;
			it->sig_size = ssize;
			it->entry = it->pos + 28 + hsize;
			if (it->entry == it->list_end) {
				/* empty list: move on */
				it->pos = it->list_end;
				it->entry = 0;
				continue;
			}
		}
	}
}

int rp_uefi_image_parse(const rp_evlog_event *ev, rp_uefi_image *out)
{
	rp_cur c;
	uint64_t plen;

	memset(out, 0, sizeof(*out));
	rp_cur_init(&c, ev->data, ev->data_len);
	if (rp_cur_u64le(&c, &out->location) < 0 || rp_cur_u64le(&c, &out->length) < 0 ||
	    rp_cur_u64le(&c, &out->link_address) < 0 || rp_cur_u64le(&c, &plen) < 0)
		return -RP_EPARSE;
	if (plen > rp_cur_left(&c))
		return -RP_EPARSE;
	out->path_len = (size_t)plen;
	rp_cur_bytes(&c, out->path_len, &out->path);
	return 0;
}

static int fmt_guid(rp_buf *b, const char *fn, const uint8_t *p, size_t n)
{
	rp_efi_guid g;
	char s[37];

	if (n < 16)
		return rp_buf_printf(b, "%s(?)", fn);
	memcpy(g.b, p, 16);
	rp_efi_guid_format(&g, s);
	return rp_buf_printf(b, "%s(%s)", fn, s);
}

static uint64_t le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static int fmt_node(rp_buf *b, uint8_t type, uint8_t sub, const uint8_t *p, size_t n)
{
	size_t i;
	int r;

	switch (type) {
	case 0x01:
		if (sub == 0x01 && n >= 2)
			return rp_buf_printf(b, "Pci(0x%x,0x%x)", p[1], p[0]);
		if (sub == 0x03 && n >= 20)
			return rp_buf_printf(
				b, "MemoryMapped(0x%" PRIx64 ",0x%" PRIx64 ",0x%" PRIx64 ")",
				le(p, 4), le(p + 4, 8), le(p + 12, 8));
		if (sub == 0x04)
			return fmt_guid(b, "VenHw", p, n);
		break;
	case 0x02:
		if (sub == 0x01 && n >= 8) {
			uint64_t hid = le(p, 4), uid = le(p + 4, 4);
			if (hid == 0x0A0341D0)
				return rp_buf_printf(b, "PciRoot(0x%" PRIx64 ")", uid);
			if (hid == 0x0A0841D0)
				return rp_buf_printf(b, "PcieRoot(0x%" PRIx64 ")", uid);
			return rp_buf_printf(b, "Acpi(0x%08" PRIx64 ",0x%" PRIx64 ")", hid, uid);
		}
		break;
	case 0x03:
		if (sub == 0x02 && n >= 4)
			return rp_buf_printf(b, "Scsi(0x%" PRIx64 ",0x%" PRIx64 ")", le(p, 2),
					     le(p + 2, 2));
		if (sub == 0x05 && n >= 2)
			return rp_buf_printf(b, "USB(0x%x,0x%x)", p[0], p[1]);
		if (sub == 0x12 && n >= 6)
			return rp_buf_printf(b, "Sata(0x%" PRIx64 ",0x%" PRIx64 ",0x%" PRIx64 ")",
					     le(p, 2), le(p + 2, 2), le(p + 4, 2));
		if (sub == 0x17 && n >= 12)
			return rp_buf_printf(b, "NVMe(0x%" PRIx64 ",0x%016" PRIx64 ")", le(p, 4),
					     le(p + 4, 8));
		if (sub == 0x0A)
			return fmt_guid(b, "VenMsg", p, n);
		break;
	case 0x04:
		if (sub == 0x01 && n >= 38) {
			uint64_t part = le(p, 4), start = le(p + 4, 8), size = le(p + 12, 8);
			if (p[37] == 0x02) {
				rp_efi_guid g;
				char s[37];
				memcpy(g.b, p + 20, 16);
				rp_efi_guid_format(&g, s);
				return rp_buf_printf(
					b, "HD(%" PRIu64 ",GPT,%s,0x%" PRIx64 ",0x%" PRIx64 ")",
					part, s, start, size);
			}
			return rp_buf_printf(b,
					     "HD(%" PRIu64 ",MBR,0x%08" PRIx64 ",0x%" PRIx64
					     ",0x%" PRIx64 ")",
					     part, le(p + 20, 4), start, size);
		}
		if (sub == 0x03)
			return fmt_guid(b, "VenMedia", p, n);
		if (sub == 0x04) {
			if ((r = rp_buf_puts(b, "File(")) < 0 ||
			    (r = utf16_append(b, p, n / 2)) < 0)
				return r;
			return rp_buf_putc(b, ')');
		}
		if (sub == 0x06)
			return fmt_guid(b, "FvFile", p, n);
		if (sub == 0x07)
			return fmt_guid(b, "FvVol", p, n);
		if (sub == 0x08 && n >= 20)
			return rp_buf_printf(b, "Offset(0x%" PRIx64 ",0x%" PRIx64 ")", le(p + 4, 8),
					     le(p + 12, 8));
		break;
	default: break;
	}
	if ((r = rp_buf_printf(b, "Path(%u,%u,", type, sub)) < 0)
		return r;
	for (i = 0; i < n; i++)
		if ((r = rp_buf_printf(b, "%02x", p[i])) < 0)
			return r;
	return rp_buf_putc(b, ')');
}

int rp_efi_devpath_format(rp_buf *b, const uint8_t *p, size_t len)
{
	rp_cur c;
	unsigned nodes = 0;
	const char *sep = "";
	int r;

	rp_cur_init(&c, p, len);
	while (rp_cur_left(&c) > 0) {
		uint8_t type, sub;
		uint16_t nlen;
		const uint8_t *body;
		if (rp_cur_u8(&c, &type) < 0 || rp_cur_u8(&c, &sub) < 0 ||
		    rp_cur_u16le(&c, &nlen) < 0 || nlen < 4 ||
		    rp_cur_bytes(&c, nlen - 4u, &body) < 0)
			return rp_buf_printf(b, "%s<malformed>", sep);
		if (type == 0x7F && sub == 0xFF)
			return 0;
		if (type == 0x7F) {
			sep = "";
			if ((r = rp_buf_putc(b, ',')) < 0)
				return r;
			continue;
		}
		if (++nodes > RP_DEVPATH_MAX_NODES)
			return rp_buf_printf(b, "%s...", sep);
		if ((r = rp_buf_puts(b, sep)) < 0 ||
		    (r = fmt_node(b, type, sub, body, nlen - 4u)) < 0)
			return r;
		sep = "/";
	}
	return 0;
}

bool rp_efi_devpath_is_fv(const uint8_t *p, size_t len)
{
	rp_cur c;

	rp_cur_init(&c, p, len);
	while (rp_cur_left(&c) >= 4) {
		uint8_t type, sub;
		uint16_t nlen;
		rp_cur_u8(&c, &type);
		rp_cur_u8(&c, &sub);
		rp_cur_u16le(&c, &nlen);
		if (nlen < 4 || rp_cur_skip(&c, nlen - 4u) < 0)
			return false;
		if (type == 0x04 && (sub == 0x06 || sub == 0x07))
			return true;
		if (type == 0x7F && sub == 0xFF)
			return false;
	}
	return false;
}

int rp_evlog_secure_boot(const rp_evlog *log, uint32_t *ev_seq, const char **reason)
{
	size_t i, found = 0;
	int value = -1;

	*ev_seq = UINT32_MAX;
	*reason = "the log does not measure the SecureBoot variable";
	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		rp_uefi_var v;
		if (ev->type != RP_EV_EFI_VARIABLE_DRIVER_CONFIG || rp_uefi_var_parse(ev, &v) < 0)
			continue;
		if (!guid_is(&v.guid, RP_GUID_EFI_GLOBAL_VARIABLE) ||
		    !rp_uefi_var_name_is(&v, "SecureBoot"))
			continue;
		if (++found > 1) {
			*reason = "the SecureBoot variable is measured more than once";
			return -1;
		}
		*ev_seq = ev->seq;
		if (v.data_len == 1 && v.data[0] <= 1) {
			value = v.data[0];
		} else {
			value = -1;
			*reason = v.data_len == 0
					  ? "the SecureBoot variable data is empty"
					  : "the SecureBoot variable data is not one byte 0 or 1";
		}
	}
	return value;
}

bool rp_evlog_event_text(const rp_evlog_event *ev, const char **p, size_t *n)
{
	size_t len = ev->data_len, i;

	while (len && ev->data[len - 1] == 0)
		len--;
	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		uint8_t c = ev->data[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return false;
		if (c == 0x7F)
			return false;
	}
	if (rp_utf8_check(ev->data, len) != len)
		return false;
	*p = (const char *)ev->data;
	*n = len;
	return true;
}
