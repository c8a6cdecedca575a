/* flowlog.c: flow-log records (NSG v1/v2, VNet v4), their tuples, and the
 * dispatch of one record by its content. */
#include "watch/watch.h"

#include "util/error.h"

#include <string.h>

/* ---- small parsers over (pointer, length) ---- */

static int parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -RP_EPARSE;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return -RP_EPARSE;
		if (v > (max - d) / 10)
			return -RP_EPARSE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* IPv4 fast path, else the general parser. */
static int parse_addr(const char *s, size_t n, rp_net_addr *a)
{
	uint32_t v = 0, part = 0;
	size_t i, digits = 0, dots = 0;
	const char *why;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (digits == 3 || (digits == 1 && part == 0))
				goto general;
			part = part * 10 + (uint32_t)(c - '0');
			digits++;
		} else if (c == '.' && digits > 0 && part <= 255 && dots < 3) {
			v = (v << 8) | part;
			part = 0;
			digits = 0;
			dots++;
		} else {
			goto general;
		}
	}
	if (dots != 3 || digits == 0 || part > 255)
		goto general;
	*a = rp_net_addr_v4((v << 8) | part);
	return 0;
general:
	return rp_net_addr_parse(s, n, a, &why);
}

int rp_flow_tuple_parse(const char *s, size_t n, bool vnet, rp_flow *f, const char **why,
			size_t *at)
{
	const char *fp[14];
	size_t fl[14];
	size_t nf = 0, i, start = 0;
	uint64_t v;

	*why = NULL;
	*at = 0;
	if (n > RP_WATCH_MAX_TUPLE) {
		*why = "tuple longer than RP_WATCH_MAX_TUPLE bytes";
		return -RP_EPARSE;
	}
	/* split keeping empty fields */
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == ',') {
			if (nf == 14) {
				*why = "more than 13 fields";
				*at = i;
				return -RP_EPARSE;
			}
			fp[nf] = s + start;
			fl[nf] = i - start;
			nf++;
			start = i + 1;
		}
	}
	if (vnet ? nf != 13 : (nf != 8 && nf != 13)) {
		*why = vnet ? "a VNet flow tuple has 13 fields"
			    : "an NSG flow tuple has 8 (version 1) or 13 (version 2) fields";
		return -RP_EPARSE;
	}
#define FAIL(k, msg)                         \
	do {                                 \
		*why = (msg);                \
		*at = (size_t)(fp[(k)] - s); \
		return -RP_EPARSE;           \
	} while (0)
	if (parse_u64(fp[0], fl[0], UINT64_C(1) << 53, &v) < 0)
		FAIL(0, "bad timestamp (epoch seconds or milliseconds)");
	/* Values above 10^11 are milliseconds (seconds would be after year 5138). */
	f->ts_ms = v > UINT64_C(100000000000) ? (int64_t)v : (int64_t)v * 1000;
	if (parse_addr(fp[1], fl[1], &f->src) < 0)
		FAIL(1, "bad source IP address");
	if (parse_addr(fp[2], fl[2], &f->dst) < 0)
		FAIL(2, "bad destination IP address");
	if (parse_u64(fp[3], fl[3], 65535, &v) < 0)
		FAIL(3, "bad source port");
	f->sport = (uint32_t)v;
	if (parse_u64(fp[4], fl[4], 65535, &v) < 0)
		FAIL(4, "bad destination port");
	f->dport = (uint32_t)v;
	if (vnet) {
		if (parse_u64(fp[5], fl[5], 255, &v) < 0)
			FAIL(5, "bad protocol (an IANA protocol number)");
		f->proto = (uint8_t)v;
	} else if (fl[5] == 1 && (fp[5][0] == 'T' || fp[5][0] == 'U')) {
		f->proto = fp[5][0] == 'T' ? 6 : 17;
	} else {
		FAIL(5, "bad protocol (T or U)");
	}
	if (fl[6] != 1 || (fp[6][0] != 'I' && fp[6][0] != 'O'))
		FAIL(6, "bad direction (I or O)");
	f->dir = fp[6][0] == 'I' ? RP_FLOW_IN : RP_FLOW_OUT;
	f->enc.p = NULL;
	f->enc.n = 0;
	f->has_counts = 0;
	f->pk_s2d = f->by_s2d = f->pk_d2s = f->by_d2s = 0;
	if (vnet) {
		f->format = RP_FLOW_VNET;
		if (fl[7] != 1 || !strchr("BCED", fp[7][0]) || fp[7][0] == '\0')
			FAIL(7, "bad flow state (B, C, E or D)");
		f->state = fp[7][0];
		f->allowed = f->state != 'D';
		if (fl[8] == 0 || fl[8] > 32)
			FAIL(8, "bad encryption field (X, NX or NX_...)");
		f->enc.p = fp[8];
		f->enc.n = fl[8];
		i = 9;
	} else {
		if (fl[7] != 1 || (fp[7][0] != 'A' && fp[7][0] != 'D'))
			FAIL(7, "bad decision (A or D)");
		f->allowed = fp[7][0] == 'A';
		if (nf == 8) {
			f->format = RP_FLOW_NSG_V1;
			f->state = 0;
			goto done;
		}
		f->format = RP_FLOW_NSG_V2;
		if (fl[8] != 1 || (fp[8][0] != 'B' && fp[8][0] != 'C' && fp[8][0] != 'E'))
			FAIL(8, "bad flow state (B, C or E)");
		f->state = fp[8][0];
		i = 9;
	}
	/* counters: all four empty (B), or all four numbers */
	if (fl[i] == 0 && fl[i + 1] == 0 && fl[i + 2] == 0 && fl[i + 3] == 0)
		goto done;
	{
		uint64_t *dst[4] = { &f->pk_s2d, &f->by_s2d, &f->pk_d2s, &f->by_d2s };
		size_t k;
		for (k = 0; k < 4; k++)
			if (parse_u64(fp[i + k], fl[i + k], UINT64_C(1) << 62, dst[k]) < 0)
				FAIL(i + k, "bad packet or byte counter");
		f->has_counts = 1;
	}
done:
#undef FAIL
	f->text.p = s;
	f->text.n = n;
	return 0;
}

/* ---- times ---- */

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int digits(const char *s, size_t n, size_t at, size_t k, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (at + k > n)
		return -1;
	for (i = 0; i < k; i++) {
		if (s[at + i] < '0' || s[at + i] > '9')
			return -1;
		v = v * 10 + (s[at + i] - '0');
	}
	*out = v;
	return 0;
}

int rp_watch_parse_time(const char *s, size_t n, int64_t *ms)
{
	int64_t y, mo, d, h, mi, se, frac = 0, off = 0;
	size_t p = 19;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (digits(s, n, 0, 4, &y) || n < 19 || s[4] != '-' || digits(s, n, 5, 2, &mo) ||
	    s[7] != '-' || digits(s, n, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    digits(s, n, 11, 2, &h) || s[13] != ':' || digits(s, n, 14, 2, &mi) || s[16] != ':' ||
	    digits(s, n, 17, 2, &se))
		return -RP_EPARSE;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 60)
		return -RP_EPARSE;
	if (p < n && s[p] == '.') {
		int64_t scale = 100;
		p++;
		if (p >= n || s[p] < '0' || s[p] > '9')
			return -RP_EPARSE;
		while (p < n && s[p] >= '0' && s[p] <= '9') {
			frac += (s[p] - '0') * scale;
			scale /= 10;
			p++;
		}
	}
	if (p < n && (s[p] == 'Z' || s[p] == 'z')) {
		p++;
	} else if (p < n && (s[p] == '+' || s[p] == '-')) {
		int64_t oh, om;
		if (digits(s, n, p + 1, 2, &oh) || p + 3 >= n || s[p + 3] != ':' ||
		    digits(s, n, p + 4, 2, &om) || oh > 23 || om > 59)
			return -RP_EPARSE;
		off = (oh * 60 + om) * 60 * (s[p] == '+' ? 1 : -1);
		p += 6;
	}
	if (p != n)
		return -RP_EPARSE;
	*ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) - off) * 1000 + frac;
	return 0;
}

/* ---- addresses ---- */

bool rp_watch_is_public(const rp_net_addr *a)
{
	if (a->fam == 0) {
		uint32_t v = (uint32_t)a->lo;
		if ((v >> 24) == 10 || (v >> 24) == 127 || (v >> 24) == 0)
			return false;
		if ((v >> 20) == (172u << 4 | 1)) /* 172.16.0.0/12 */
			return false;
		if ((v >> 16) == (192u << 8 | 168)) /* 192.168.0.0/16 */
			return false;
		if ((v >> 16) == (169u << 8 | 254)) /* 169.254.0.0/16 */
			return false;
		if ((v >> 22) == (100u << 2 | 1)) /* 100.64.0.0/10 */
			return false;
		if (v == 0xA83F8110u) /* 168.63.129.16 */
			return false;
		if ((v >> 28) >= 14) /* multicast, reserved */
			return false;
		return true;
	}
	if ((a->hi >> 57) == (0xfcu >> 1)) /* fc00::/7 */
		return false;
	if ((a->hi >> 54) == (0xfe80u >> 6)) /* fe80::/10 */
		return false;
	if ((a->hi >> 56) == 0xff) /* multicast */
		return false;
	if (a->hi == 0 && a->lo <= 1) /* ::, ::1 */
		return false;
	return true;
}

/* ---- records ---- */

static rp_slice str_of(rp_json_doc *d, uint32_t i)
{
	rp_slice s = { "", 0 };

	if (rp_json_is(d, i, RP_JSON_STRING) && rp_json_str(d, i, &s.p, &s.n) < 0) {
		s.p = "";
		s.n = 0;
	}
	return s;
}

static int tuple_error(rp_json_doc *doc, uint32_t node, const char *why, size_t at, rp_diag *diag,
		       rp_watch_stats *stats)
{
	size_t off = doc->nodes[node].off;

	if (stats)
		stats->bad_tuples++;
	/* +1: past the opening quote (tuples have no escapes) */
	return rp_diag_addc(diag, RP_DIAG_ERROR, "watch-tuple", doc->src, off + 1 + at,
			    off + 1 + at + 1, "bad flow tuple: %s", why);
}

#define FLOW_BATCH 128

/* Passes batch[0, n) to the sink. */
static int dispatch(const rp_watch_sink *sink, const rp_flow *batch, size_t n)
{
	size_t i;
	int rc;

	if (sink->flows)
		return n ? sink->flows(sink->ctx, batch, n) : 0;
	if (sink->flow)
		for (i = 0; i < n; i++) {
			rc = sink->flow(sink->ctx, &batch[i]);
			if (rc < 0)
				return rc;
		}
	return 0;
}

/* Dispatches every tuple of a flowTuples array, FLOW_BATCH at a time
 * (each a copy of *f, the record's fields, with the tuple's own). */
static int tuples(rp_json_doc *doc, uint32_t arr, bool vnet, rp_flow *f, uint64_t base,
		  const rp_watch_sink *sink, rp_diag *diag, rp_watch_stats *stats)
{
	rp_json_iter it;
	uint32_t k, v;
	int rc;
	rp_flow batch[FLOW_BATCH];
	size_t nb = 0;

	if (!rp_json_is(doc, arr, RP_JSON_ARRAY))
		return rp_diag_addc(diag, RP_DIAG_ERROR, "watch-record", doc->src,
				    arr == RP_JSON_NONE ? 0 : doc->nodes[arr].off,
				    arr == RP_JSON_NONE ? 0 : doc->nodes[arr].off + 1,
				    "flowTuples is missing or not an array");
	it = rp_json_iter_begin(doc, arr);
	while (rp_json_iter_next(doc, &it, &k, &v)) {
		const char *s;
		size_t n, at;
		const char *why;
		rp_flow *t = &batch[nb];

		if (!rp_json_is(doc, v, RP_JSON_STRING) ||
		    (rp_json_flags(doc, v) & RP_JSON_F_ESCAPES)) {
			rc = tuple_error(doc, v, "not a plain string", 0, diag, stats);
			if (rc < 0)
				return rc;
			continue;
		}
		s = doc->src->data + doc->nodes[v].off + 1;
		n = doc->nodes[v].len - 2;
		*t = *f;
		if (rp_flow_tuple_parse(s, n, vnet, t, &why, &at) < 0) {
			rc = tuple_error(doc, v, why, at, diag, stats);
			if (rc < 0)
				return rc;
			continue;
		}
		t->off = base + doc->nodes[v].off;
		if (stats)
			stats->tuples++;
		if (++nb == FLOW_BATCH) {
			rc = dispatch(sink, batch, nb);
			nb = 0;
			if (rc < 0)
				return rc;
		}
	}
	return dispatch(sink, batch, nb);
}

static int nsg_record(rp_json_doc *doc, uint32_t rec, uint32_t props, rp_flow *f, uint64_t base,
		      const rp_watch_sink *sink, rp_diag *diag, rp_watch_stats *stats)
{
	uint32_t flows = rp_json_getz(doc, props, "flows"), k, rule;
	rp_json_iter it, it2;
	int rc;

	f->resource = str_of(doc, rp_json_getz_ci(doc, rec, "resourceId"));
	f->acl.p = "";
	f->acl.n = 0;
	if (!rp_json_is(doc, flows, RP_JSON_ARRAY))
		return rp_diag_addc(diag, RP_DIAG_ERROR, "watch-record", doc->src,
				    doc->nodes[props].off, doc->nodes[props].off + 1,
				    "NSG flow record without properties.flows[]");
	it = rp_json_iter_begin(doc, flows);
	while (rp_json_iter_next(doc, &it, &k, &rule)) {
		uint32_t inner, g;
		if (!rp_json_is(doc, rule, RP_JSON_OBJECT))
			continue;
		f->rule = str_of(doc, rp_json_getz(doc, rule, "rule"));
		inner = rp_json_getz(doc, rule, "flows");
		if (!rp_json_is(doc, inner, RP_JSON_ARRAY))
			continue;
		it2 = rp_json_iter_begin(doc, inner);
		while (rp_json_iter_next(doc, &it2, &k, &g)) {
			if (!rp_json_is(doc, g, RP_JSON_OBJECT))
				continue;
			f->mac = str_of(doc, rp_json_getz(doc, g, "mac"));
			rc = tuples(doc, rp_json_getz(doc, g, "flowTuples"), false, f, base, sink,
				    diag, stats);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int vnet_record(rp_json_doc *doc, uint32_t rec, uint32_t fr, rp_flow *f, uint64_t base,
		       const rp_watch_sink *sink, rp_diag *diag, rp_watch_stats *stats)
{
	uint32_t flows = rp_json_getz(doc, fr, "flows"), k, acl;
	rp_json_iter it, it2;
	int rc;

	f->resource = str_of(doc, rp_json_getz(doc, rec, "targetResourceID"));
	f->mac = str_of(doc, rp_json_getz(doc, rec, "macAddress"));
	if (!rp_json_is(doc, flows, RP_JSON_ARRAY))
		return rp_diag_addc(diag, RP_DIAG_ERROR, "watch-record", doc->src,
				    doc->nodes[fr].off, doc->nodes[fr].off + 1,
				    "VNet flow record without flowRecords.flows[]");
	it = rp_json_iter_begin(doc, flows);
	while (rp_json_iter_next(doc, &it, &k, &acl)) {
		uint32_t groups, g;
		if (!rp_json_is(doc, acl, RP_JSON_OBJECT))
			continue;
		f->acl = str_of(doc, rp_json_getz(doc, acl, "aclID"));
		groups = rp_json_getz(doc, acl, "flowGroups");
		if (!rp_json_is(doc, groups, RP_JSON_ARRAY))
			continue;
		it2 = rp_json_iter_begin(doc, groups);
		while (rp_json_iter_next(doc, &it2, &k, &g)) {
			if (!rp_json_is(doc, g, RP_JSON_OBJECT))
				continue;
			f->rule = str_of(doc, rp_json_getz(doc, g, "rule"));
			rc = tuples(doc, rp_json_getz(doc, g, "flowTuples"), true, f, base, sink,
				    diag, stats);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int rp_watch_activity_record(rp_json_doc *doc, uint32_t rec, const char *input, uint64_t base,
			     const rp_watch_sink *sink, rp_diag *diag, rp_watch_stats *stats);

int rp_watch_record(rp_json_doc *doc, uint32_t rec, const char *input, uint64_t base,
		    const rp_watch_sink *sink, rp_diag *diag, rp_watch_stats *stats)
{
	uint32_t props, fr;
	rp_flow f;

	if (!rp_json_is(doc, rec, RP_JSON_OBJECT))
		return rp_diag_addc(diag, RP_DIAG_ERROR, "watch-record", doc->src,
				    doc->nodes[rec].off, doc->nodes[rec].off + 1,
				    "a log record must be a JSON object");
	memset(&f, 0, sizeof(f));
	f.input = input;
	fr = rp_json_getz(doc, rec, "flowRecords");
	if (rp_json_is(doc, fr, RP_JSON_OBJECT))
		return vnet_record(doc, rec, fr, &f, base, sink, diag, stats);
	props = rp_json_getz(doc, rec, "properties");
	if (rp_json_is(doc, props, RP_JSON_OBJECT) &&
	    rp_json_is(doc, rp_json_getz(doc, props, "flows"), RP_JSON_ARRAY))
		return nsg_record(doc, rec, props, &f, base, sink, diag, stats);
	if (rp_json_getz(doc, rec, "operationName") != RP_JSON_NONE)
		return rp_watch_activity_record(doc, rec, input, base, sink, diag, stats);
	if (stats)
		stats->skipped++;
	return rp_diag_addc(diag, RP_DIAG_WARNING, "watch-unknown-record", doc->src,
			    doc->nodes[rec].off, doc->nodes[rec].off + 1,
			    "record is neither a flow log record (properties.flows or flowRecords) "
			    "nor an Activity Log record (operationName); skipped");
}
