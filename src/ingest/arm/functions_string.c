/* functions_string.c: ARM string functions (template-functions-string):
 * base64, base64ToJson, base64ToString, concat, contains, dataUri,
 * dataUriToString, empty, endsWith, first, format, indexOf, join, json,
 * last, lastIndexOf, length, newGuid, padLeft, replace, skip, split,
 * startsWith, string, substring, take, toLower, toUpper, trim, uri,
 * uriComponent, uriComponentToString.  Several also accept arrays/objects
 * as the reference documents (concat, contains, empty, first, last,
 * indexOf, lastIndexOf, length, skip, take).
 *
 * Strings are UTF-8; indexes and lengths are UTF-16 code units as in .NET.
 * Comparisons: contains/replace/split are ordinal (case-sensitive);
 * indexOf/lastIndexOf/startsWith/endsWith are ordinal case-insensitive, as
 * the reference's examples show.
 */
#include "ingest/arm/expr_internal.h"
#include "util/str.h"

#include <string.h>

/* ---- base64 ---- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int rp_arm_b64_encode(rp_buf *b, const unsigned char *p, size_t n)
{
	size_t i;
	int rc = rp_buf_reserve(b, (n + 2) / 3 * 4 + 1);

	for (i = 0; !rc && i + 2 < n; i += 3) {
		char q[4] = { B64[p[i] >> 2], B64[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
			      B64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], B64[p[i + 2] & 63] };
		rc = rp_buf_append(b, q, 4);
	}
	if (!rc && n - i == 1) {
		char q[4] = { B64[p[i] >> 2], B64[(p[i] & 3) << 4], '=', '=' };
		rc = rp_buf_append(b, q, 4);
	} else if (!rc && n - i == 2) {
		char q[4] = { B64[p[i] >> 2], B64[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
			      B64[(p[i + 1] & 15) << 2], '=' };
		rc = rp_buf_append(b, q, 4);
	}
	if (!rc && !b->data)
		rc = rp_buf_append(b, "", 0);
	return rc;
}

static int b64v(char c)
{
	const char *p = c ? strchr(B64, c) : NULL;
	return p ? (int)(p - B64) : -1;
}

/* .NET Convert.FromBase64String: whitespace ignored, length multiple of 4,
 * at most two '=' at the end. */
int rp_arm_b64_decode(rp_buf *b, const char *s, size_t n)
{
	unsigned acc = 0;
	int bits = 0, pad = 0, rc = 0;
	size_t i, count = 0;

	for (i = 0; i < n && !rc; i++) {
		char c = s[i];
		int v;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		count++;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -RP_EPARSE;
		v = b64v(c);
		if (v < 0)
			return -RP_EPARSE;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			rc = rp_buf_putc(b, (char)((acc >> bits) & 0xFF));
		}
	}
	if (rc)
		return rc;
	if (count % 4 != 0 || pad > 2)
		return -RP_EPARSE;
	if (!b->data)
		rc = rp_buf_append(b, "", 0);
	return rc;
}

RP_ARM_FN(base64)
{
	const char *s;
	size_t n;
	rp_buf b = RP_BUF_INIT;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	rc = rp_arm_b64_encode(&b, (const unsigned char *)s, n);
	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	return rp_arm_ret_buf(c, &b, out);
}

static int decode_arg(rp_arm_fcall *c, rp_buf *b)
{
	const char *s;
	size_t n;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	rc = rp_arm_b64_decode(b, s, n);
	if (rc == -RP_EPARSE)
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "the argument is not valid base64");
	return rc;
}

RP_ARM_FN(base64ToString)
{
	rp_buf b = RP_BUF_INIT;
	int rc = decode_arg(c, &b);

	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	if (rp_utf8_check((const unsigned char *)b.data, b.len) != b.len) {
		rp_buf_release(&b);
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "the decoded bytes are not valid UTF-8");
	}
	return rp_arm_ret_buf(c, &b, out);
}

RP_ARM_FN(base64ToJson)
{
	rp_buf b = RP_BUF_INIT;
	int rc = decode_arg(c, &b);

	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	rc = rp_arm_json_parse(c->a, b.data, b.len, c->res, out);
	rp_buf_release(&b);
	if (rc == -RP_EPARSE)
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "the decoded text is not valid JSON");
	return rc;
}

/* ---- concat / contains / empty ---- */

RP_ARM_FN(concat)
{
	size_t i, total = 0;
	rp_buf b = RP_BUF_INIT;
	int rc;

	if (c->nargs && c->args[0]->kind == RP_V_ARRAY) {
		rp_value **items;
		size_t k = 0;
		for (i = 0; i < c->nargs; i++) {
			if (c->args[i]->kind == RP_V_NULL)
				continue;
			if (c->args[i]->kind != RP_V_ARRAY)
				return rp_arm_type_error(c, i,
							 "an array (the first argument is one)");
			total += c->args[i]->len;
		}
		rc = rp_arm_check_size(c, total, true);
		if (rc)
			return rc;
		items = rp_arena_alloc(c->a, (total ? total : 1) * sizeof(*items));
		if (!items)
			return -RP_ENOMEM;
		for (i = 0; i < c->nargs; i++) {
			if (c->args[i]->kind != RP_V_ARRAY)
				continue;
			memcpy(items + k, c->args[i]->u.items, c->args[i]->len * sizeof(*items));
			k += c->args[i]->len;
		}
		return rp_arm_ret(c, rp_value_array(c->a, items, k, c->res), out);
	}
	for (i = 0; i < c->nargs; i++) {
		const rp_value *v = c->args[i];
		if (v->kind == RP_V_UNKNOWN) {
			rp_buf_release(&b);
			return rp_arm_ret_unk(c, v, out);
		}
		if (v->kind == RP_V_ARRAY || v->kind == RP_V_OBJECT) {
			rp_buf_release(&b);
			return rp_arm_type_error(c, i, "a string (the first argument is a string)");
		}
		rc = rp_arm_stringify(&b, v);
		if (!rc && b.len > RP_ARM_MAX_STRING)
			rc = rp_arm_check_size(c, b.len, false);
		if (rc) {
			rp_buf_release(&b);
			return rc;
		}
	}
	return rp_arm_ret_buf(c, &b, out);
}

static bool find_sub(const char *h, size_t hn, const char *nd, size_t nn, bool icase, bool last,
		     size_t *at)
{
	size_t i;

	if (nn > hn)
		return false;
	if (!last) {
		for (i = 0; i + nn <= hn; i++)
			if (icase ? rp_str_ieq(h + i, nd, nn) : memcmp(h + i, nd, nn) == 0) {
				*at = i;
				return true;
			}
		return false;
	}
	for (i = hn - nn + 1; i-- > 0;)
		if (icase ? rp_str_ieq(h + i, nd, nn) : memcmp(h + i, nd, nn) == 0) {
			*at = i;
			return true;
		}
	return false;
}

/* contains(): with unknowns inside the container, a known match still
 * decides (true); object keys are known even when values are not. */
RP_ARM_FN(contains)
{
	const rp_value *v = c->args[0], *item = c->args[1], *unk;
	uint32_t i;

	if (v->kind != RP_V_OBJECT && (unk = rp_value_find_unknown(item)) != NULL)
		return rp_arm_ret_unk(c, unk, out);
	switch (v->kind) {
	case RP_V_STRING: {
		rp_buf b = RP_BUF_INIT;
		size_t at;
		bool r;
		if (item->kind == RP_V_ARRAY || item->kind == RP_V_OBJECT)
			return rp_arm_type_error(c, 1, "a string");
		if (rp_arm_stringify(&b, item)) {
			rp_buf_release(&b);
			return -RP_ENOMEM;
		}
		r = find_sub(v->u.s, v->len, b.data ? b.data : "", b.len, false, false, &at);
		rp_buf_release(&b);
		return rp_arm_ret_bool(c, r, out);
	}
	case RP_V_ARRAY:
		unk = NULL;
		if (rp_arm_work(c, v->len))
			return -RP_ELIMIT;
		for (i = 0; i < v->len; i++) {
			const rp_value *u = rp_value_find_unknown(v->u.items[i]);
			if (u) {
				if (!unk)
					unk = u;
				continue;
			}
			if (rp_value_equal(v->u.items[i], item))
				return rp_arm_ret_bool(c, true, out);
		}
		if (unk)
			return rp_arm_ret_unk(c, unk, out);
		return rp_arm_ret_bool(c, false, out);
	case RP_V_OBJECT:
		if (item->kind == RP_V_UNKNOWN)
			return rp_arm_ret_unk(c, item, out);
		if (item->kind != RP_V_STRING)
			return rp_arm_type_error(c, 1, "a string (a property name)");
		return rp_arm_ret_bool(c, rp_value_get(v, item->u.s, item->len) != NULL, out);
	default: return rp_arm_type_error(c, 0, "a string, array or object");
	}
}

RP_ARM_FN(empty)
{
	const rp_value *v = c->args[0];

	switch (v->kind) {
	case RP_V_NULL: return rp_arm_ret_bool(c, true, out);
	case RP_V_STRING:
	case RP_V_ARRAY:
	case RP_V_OBJECT: return rp_arm_ret_bool(c, v->len == 0, out);
	default: return rp_arm_type_error(c, 0, "a string, array or object");
	}
}

/* ---- data URIs ---- */

RP_ARM_FN(dataUri)
{
	const char *s;
	size_t n;
	rp_buf b = RP_BUF_INIT;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	rc = rp_buf_puts(&b, "data:text/plain;charset=utf8;base64,");
	if (!rc)
		rc = rp_arm_b64_encode(&b, (const unsigned char *)s, n);
	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	return rp_arm_ret_buf(c, &b, out);
}

static int hexdig(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if ((ch | 32) >= 'a' && (ch | 32) <= 'f')
		return (ch | 32) - 'a' + 10;
	return -1;
}

static int pct_decode(rp_buf *b, const char *s, size_t n, bool plus_space)
{
	size_t i;
	int rc = rp_buf_append(b, "", 0);

	for (i = 0; !rc && i < n; i++) {
		int h1 = -1, h2 = -1;
		if (s[i] == '%' && i + 2 < n) {
			h1 = hexdig(s[i + 1]);
			h2 = hexdig(s[i + 2]);
		}
		if (h1 >= 0 && h2 >= 0) {
			rc = rp_buf_putc(b, (char)(h1 * 16 + h2));
			i += 2;
		} else if (plus_space && s[i] == '+') {
			rc = rp_buf_putc(b, ' ');
		} else {
			rc = rp_buf_putc(b, s[i]);
		}
	}
	return rc;
}

RP_ARM_FN(dataUriToString)
{
	const char *s, *comma;
	size_t n, hl;
	rp_buf b = RP_BUF_INIT;
	bool is64;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	if (n < 5 || !rp_str_ieq(s, "data:", 5) || !(comma = memchr(s, ',', n)))
		return rp_arm_fail(
			c, rp_arm_arg_span(c, 0), RP_EINVAL,
			"the argument is not a data URI ('data:[<mediatype>][;base64],<data>')");
	hl = (size_t)(comma - s);
	is64 = hl >= 7 && rp_str_ieq(comma - 7, ";base64", 7);
	if (is64) {
		rc = rp_arm_b64_decode(&b, comma + 1, n - hl - 1);
		if (rc == -RP_EPARSE) {
			rp_buf_release(&b);
			return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
					   "the data URI's base64 payload is invalid");
		}
	} else {
		rc = pct_decode(&b, comma + 1, n - hl - 1, false);
	}
	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	if (rp_utf8_check((const unsigned char *)b.data, b.len) != b.len) {
		rp_buf_release(&b);
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "the decoded bytes are not valid UTF-8");
	}
	return rp_arm_ret_buf(c, &b, out);
}

/* ---- prefix/suffix/search ---- */

RP_ARM_FN(startsWith)
{
	const char *s, *p;
	size_t n, pn;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (!rc)
		rc = rp_arm_arg_str(c, 1, &p, &pn);
	if (rc)
		return rc;
	return rp_arm_ret_bool(c, pn <= n && rp_str_ieq(s, p, pn), out);
}

RP_ARM_FN(endsWith)
{
	const char *s, *p;
	size_t n, pn;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (!rc)
		rc = rp_arm_arg_str(c, 1, &p, &pn);
	if (rc)
		return rc;
	return rp_arm_ret_bool(c, pn <= n && rp_str_ieq(s + n - pn, p, pn), out);
}

static int index_of(rp_arm_fcall *c, bool last, rp_value **out)
{
	const rp_value *v = c->args[0];

	if (v->kind == RP_V_ARRAY) {
		uint32_t i;
		if (rp_arm_work(c, v->len))
			return -RP_ELIMIT;
		for (i = 0; i < v->len; i++) {
			uint32_t k = last ? v->len - 1 - i : i;
			if (rp_value_equal(v->u.items[k], c->args[1]))
				return rp_arm_ret_int(c, k, out);
		}
		return rp_arm_ret_int(c, -1, out);
	}
	if (v->kind == RP_V_STRING) {
		const char *p;
		size_t pn, at;
		int rc = rp_arm_arg_str(c, 1, &p, &pn);
		if (rc)
			return rc;
		if (!find_sub(v->u.s, v->len, p, pn, true, last, &at))
			return rp_arm_ret_int(c, -1, out);
		return rp_arm_ret_int(c, (int64_t)rp_arm_u16_len(v->u.s, at), out);
	}
	return rp_arm_type_error(c, 0, "a string or an array");
}

RP_ARM_FN(indexOf)
{
	return index_of(c, false, out);
}

RP_ARM_FN(lastIndexOf)
{
	return index_of(c, true, out);
}

/* ---- first / last / length / skip / take ---- */

static size_t first_char_len(const char *s, size_t n)
{
	size_t k = 1;

	while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
		k++;
	return k;
}

RP_ARM_FN(first)
{
	const rp_value *v = c->args[0];

	if (v->kind == RP_V_ARRAY) {
		if (v->len == 0)
			return rp_arm_ret(c, rp_value_null(c->a, c->res), out);
		*out = v->u.items[0];
		return 0;
	}
	if (v->kind == RP_V_STRING)
		return rp_arm_ret_str(c, v->u.s, v->len ? first_char_len(v->u.s, v->len) : 0, out);
	return rp_arm_type_error(c, 0, "a string or an array");
}

RP_ARM_FN(last)
{
	const rp_value *v = c->args[0];

	if (v->kind == RP_V_ARRAY) {
		if (v->len == 0)
			return rp_arm_ret(c, rp_value_null(c->a, c->res), out);
		*out = v->u.items[v->len - 1];
		return 0;
	}
	if (v->kind == RP_V_STRING) {
		size_t k = v->len;
		if (k == 0)
			return rp_arm_ret_str(c, "", 0, out);
		k--;
		while (k > 0 && ((unsigned char)v->u.s[k] & 0xC0) == 0x80)
			k--;
		return rp_arm_ret_str(c, v->u.s + k, v->len - k, out);
	}
	return rp_arm_type_error(c, 0, "a string or an array");
}

RP_ARM_FN(length)
{
	const rp_value *v = c->args[0];

	switch (v->kind) {
	case RP_V_STRING: return rp_arm_ret_int(c, (int64_t)rp_arm_u16_len(v->u.s, v->len), out);
	case RP_V_ARRAY:
	case RP_V_OBJECT: return rp_arm_ret_int(c, v->len, out);
	case RP_V_NULL: return rp_arm_ret_int(c, 0, out);
	default: return rp_arm_type_error(c, 0, "a string, array or object");
	}
}

static int skip_take(rp_arm_fcall *c, bool take, rp_value **out)
{
	const rp_value *v = c->args[0];
	int64_t k;
	size_t len, from, cnt;
	int rc = rp_arm_arg_int(c, 1, &k);

	if (rc)
		return rc;
	if (v->kind == RP_V_ARRAY)
		len = v->len;
	else if (v->kind == RP_V_STRING)
		len = rp_arm_u16_len(v->u.s, v->len);
	else
		return rp_arm_type_error(c, 0, "a string or an array");
	if (k < 0)
		k = 0;
	if ((uint64_t)k > len)
		k = (int64_t)len;
	from = take ? 0 : (size_t)k;
	cnt = take ? (size_t)k : len - (size_t)k;
	if (v->kind == RP_V_ARRAY)
		return rp_arm_ret(c, rp_value_array(c->a, v->u.items + from, cnt, c->res), out);
	{
		size_t b0 = rp_arm_u16_off(v->u.s, v->len, from);
		size_t b1 = rp_arm_u16_off(v->u.s, v->len, from + cnt);
		if (b0 == SIZE_MAX || b1 == SIZE_MAX)
			return rp_arm_fail(c, c->at, RP_EUNSUPPORTED,
					   "the position splits a UTF-16 surrogate pair");
		return rp_arm_ret_str(c, v->u.s + b0, b1 - b0, out);
	}
}

RP_ARM_FN(skip)
{
	return skip_take(c, false, out);
}

RP_ARM_FN(take)
{
	return skip_take(c, true, out);
}

/* ---- join / split / replace ---- */

RP_ARM_FN(join)
{
	rp_value *arr;
	const char *d;
	size_t dn;
	uint32_t i;
	rp_buf b = RP_BUF_INIT;
	int rc = rp_arm_arg_array(c, 0, &arr);

	if (!rc)
		rc = rp_arm_arg_str(c, 1, &d, &dn);
	if (rc)
		return rc;
	rc = rp_buf_append(&b, "", 0);
	for (i = 0; !rc && i < arr->len; i++) {
		const rp_value *e = arr->u.items[i];
		if (e->kind == RP_V_ARRAY || e->kind == RP_V_OBJECT) {
			rp_buf_release(&b);
			return rp_arm_fail(
				c, rp_arm_arg_span(c, 0), RP_EINVAL,
				"element %u is %s; join needs strings, numbers or booleans", i,
				rp_arm_type_name(e));
		}
		if (i)
			rc = rp_buf_append(&b, d, dn);
		if (!rc)
			rc = rp_arm_stringify(&b, e);
		if (!rc && b.len > RP_ARM_MAX_STRING)
			rc = rp_arm_check_size(c, b.len, false);
	}
	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	return rp_arm_ret_buf(c, &b, out);
}

RP_ARM_FN(split)
{
	const char *s;
	size_t n, i, start = 0, nd = 0, cnt = 0, cap = 0;
	const rp_value *dv = c->args[1];
	const char *delims[64];
	size_t dlens[64];
	rp_value **items = NULL;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	if (dv->kind == RP_V_STRING) {
		delims[0] = dv->u.s;
		dlens[0] = dv->len;
		nd = 1;
	} else if (dv->kind == RP_V_ARRAY) {
		if (dv->len > 64)
			return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_ELIMIT,
					   "at most 64 delimiters are supported");
		for (i = 0; i < dv->len; i++) {
			if (dv->u.items[i]->kind != RP_V_STRING)
				return rp_arm_type_error(c, 1, "a string or an array of strings");
			delims[nd] = dv->u.items[i]->u.s;
			dlens[nd++] = dv->u.items[i]->len;
		}
	} else {
		return rp_arm_type_error(c, 1, "a string or an array of strings");
	}
	if (rp_arm_work(c, n * (nd ? nd : 1)))
		return -RP_ELIMIT;
	for (i = 0; i <= n;) {
		size_t k, mlen = 0;
		bool hit = false;
		if (i < n)
			for (k = 0; k < nd; k++)
				if (dlens[k] && dlens[k] <= n - i &&
				    memcmp(s + i, delims[k], dlens[k]) == 0) {
					hit = true;
					mlen = dlens[k];
					break;
				}
		if (hit || i == n) {
			if (cnt == cap) {
				size_t nc = cap ? cap * 2 : 8;
				rp_value **g;
				if (rp_arm_check_size(c, nc / 2, true))
					return -RP_ELIMIT;
				g = rp_arena_alloc(c->a, nc * sizeof(*g));
				if (!g)
					return -RP_ENOMEM;
				if (cnt)
					memcpy(g, items, cnt * sizeof(*g));
				items = g;
				cap = nc;
			}
			items[cnt] = rp_value_string(c->a, s + start, i - start, c->res);
			if (!items[cnt++])
				return -RP_ENOMEM;
			if (i == n)
				break;
			i += mlen;
			start = i;
		} else {
			i++;
		}
	}
	return rp_arm_ret(c, rp_value_array(c->a, items, cnt, c->res), out);
}

RP_ARM_FN(replace)
{
	const char *s, *o, *nw;
	size_t n, on, nn, i;
	rp_buf b = RP_BUF_INIT;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (!rc)
		rc = rp_arm_arg_str(c, 1, &o, &on);
	if (!rc)
		rc = rp_arm_arg_str(c, 2, &nw, &nn);
	if (rc)
		return rc;
	/* An empty oldValue leaves the string unchanged: deployed quickstarts
	 * (list-storage-keys-windows-vm, vm-custom-script-windows) call
	 * replace(_artifactsLocation, _artifactsLocationSasToken, '') with an
	 * empty SAS token default, and ARM deploys them. */
	if (on == 0)
		return rp_arm_ret_str(c, s, n, out);
	rc = rp_buf_append(&b, "", 0);
	for (i = 0; !rc && i < n;) {
		if (on <= n - i && memcmp(s + i, o, on) == 0) {
			rc = rp_buf_append(&b, nw, nn);
			i += on;
		} else {
			rc = rp_buf_putc(&b, s[i]);
			i++;
		}
		if (!rc && b.len > RP_ARM_MAX_STRING)
			rc = rp_arm_check_size(c, b.len, false);
	}
	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	return rp_arm_ret_buf(c, &b, out);
}

/* ---- padLeft / substring / case / trim ---- */

RP_ARM_FN(padLeft)
{
	rp_buf b = RP_BUF_INIT;
	const char *pc = " ";
	size_t pcn = 1, have;
	int64_t total;
	int rc;

	if (c->args[0]->kind == RP_V_ARRAY || c->args[0]->kind == RP_V_OBJECT ||
	    c->args[0]->kind == RP_V_NULL)
		return rp_arm_type_error(c, 0, "a string or an integer");
	rc = rp_arm_arg_int(c, 1, &total);
	if (rc)
		return rc;
	if (c->nargs > 2) {
		rc = rp_arm_arg_str(c, 2, &pc, &pcn);
		if (rc)
			return rc;
		if (pcn == 0 || first_char_len(pc, pcn) != pcn || rp_arm_u16_len(pc, pcn) != 1)
			return rp_arm_fail(c, rp_arm_arg_span(c, 2), RP_EINVAL,
					   "the padding must be a single character");
	}
	if (total > (int64_t)RP_ARM_MAX_STRING)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_ELIMIT,
				   "total length %lld exceeds the limit of %zu", (long long)total,
				   RP_ARM_MAX_STRING);
	if (total < 0)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
				   "the total length must not be negative");
	rc = rp_arm_stringify(&b, c->args[0]);
	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	have = rp_arm_u16_len(b.data ? b.data : "", b.len);
	if ((size_t)total > have) {
		rp_buf p = RP_BUF_INIT;
		size_t k;
		for (k = have; !rc && k < (size_t)total; k++)
			rc = rp_buf_append(&p, pc, pcn);
		if (!rc)
			rc = rp_buf_append(&p, b.data ? b.data : "", b.len);
		rp_buf_release(&b);
		if (rc) {
			rp_buf_release(&p);
			return rc;
		}
		return rp_arm_ret_buf(c, &p, out);
	}
	return rp_arm_ret_buf(c, &b, out);
}

RP_ARM_FN(substring)
{
	const char *s;
	size_t n, len16, b0, b1;
	int64_t start, cnt;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	len16 = rp_arm_u16_len(s, n);
	start = 0;
	if (c->nargs > 1 && (rc = rp_arm_arg_int(c, 1, &start)) != 0)
		return rc;
	if (start < 0 || (uint64_t)start > len16)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
				   "start index %lld is outside the string (length %zu)",
				   (long long)start, len16);
	cnt = (int64_t)len16 - start;
	if (c->nargs > 2 && (rc = rp_arm_arg_int(c, 2, &cnt)) != 0)
		return rc;
	if (cnt < 0 || (uint64_t)cnt > len16 - (uint64_t)start)
		return rp_arm_fail(
			c, rp_arm_arg_span(c, 2), RP_EINVAL,
			"the index and length must refer to a location within the string "
			"(start %lld, length %lld, string length %zu)",
			(long long)start, (long long)cnt, len16);
	b0 = rp_arm_u16_off(s, n, (size_t)start);
	b1 = rp_arm_u16_off(s, n, (size_t)(start + cnt));
	if (b0 == SIZE_MAX || b1 == SIZE_MAX)
		return rp_arm_fail(c, c->at, RP_EUNSUPPORTED,
				   "the position splits a UTF-16 surrogate pair");
	return rp_arm_ret_str(c, s + b0, b1 - b0, out);
}

static int change_case(rp_arm_fcall *c, bool upper, rp_value **out)
{
	const char *s;
	size_t n, i;
	char *d;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return rp_arm_ret_unknown(
				c, out, "%s() of non-ASCII text is not modelled by rampart",
				upper ? "toUpper" : "toLower");
	d = rp_arena_alloc(c->a, n + 1);
	if (!d)
		return -RP_ENOMEM;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		if (upper && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		else if (!upper && ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		d[i] = ch;
	}
	d[n] = '\0';
	return rp_arm_ret(c, rp_value_string_borrow(c->a, d, n, c->res), out);
}

RP_ARM_FN(toLower)
{
	return change_case(c, false, out);
}

RP_ARM_FN(toUpper)
{
	return change_case(c, true, out);
}

/* .NET char.IsWhiteSpace: length of a white-space character at s, or 0. */
static size_t ws_len(const unsigned char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || (s[0] >= 0x09 && s[0] <= 0x0D)))
		return 1;
	if (n >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
		return 2;
	if (n >= 3 && s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80)
		return 3;
	if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
		return 3;
	if (n >= 3 && s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)
		return 3;
	if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	return 0;
}

RP_ARM_FN(trim)
{
	const char *s;
	size_t n, a = 0, z, k;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	while (a < n && (k = ws_len((const unsigned char *)s + a, n - a)) > 0)
		a += k;
	z = n;
	for (;;) {
		size_t st = z;
		bool cut = false;
		if (z <= a)
			break;
		/* step back one character */
		st = z - 1;
		while (st > a && ((unsigned char)s[st] & 0xC0) == 0x80)
			st--;
		if (ws_len((const unsigned char *)s + st, z - st) == z - st) {
			z = st;
			cut = true;
		}
		if (!cut)
			break;
	}
	return rp_arm_ret_str(c, s + a, z - a, out);
}

/* ---- string() / json() ---- */

RP_ARM_FN(string)
{
	rp_buf b = RP_BUF_INIT;
	int rc = rp_arm_stringify(&b, c->args[0]);

	if (rc) {
		rp_buf_release(&b);
		return rc == -RP_ELIMIT ? rp_arm_check_size(c, RP_ARM_MAX_STRING + 1, false) : rc;
	}
	if (!b.data)
		rc = rp_buf_append(&b, "", 0);
	return rc ? rc : rp_arm_ret_buf(c, &b, out);
}

RP_ARM_FN(json)
{
	const char *s;
	size_t n;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	rc = rp_arm_json_parse(c->a, s, n, c->res, out);
	if (rc == -RP_EPARSE || rc == -RP_ELIMIT)
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "the argument is not valid JSON");
	return rc;
}

/* ---- URIs ---- */

RP_ARM_FN(uriComponent)
{
	const char *s;
	size_t n, i;
	rp_buf b = RP_BUF_INIT;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	rc = rp_buf_append(&b, "", 0);
	for (i = 0; !rc && i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~')
			rc = rp_buf_putc(&b, (char)ch);
		else
			rc = rp_buf_printf(&b, "%%%02X", ch);
	}
	if (!rc && b.len > RP_ARM_MAX_STRING)
		rc = rp_arm_check_size(c, b.len, false);
	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	return rp_arm_ret_buf(c, &b, out);
}

RP_ARM_FN(uriComponentToString)
{
	const char *s;
	size_t n;
	rp_buf b = RP_BUF_INIT;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	rc = pct_decode(&b, s, n, false);
	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	if (rp_utf8_check((const unsigned char *)b.data, b.len) != b.len) {
		rp_buf_release(&b);
		return rp_arm_ret_unknown(
			c, out, "uriComponentToString() of invalid UTF-8 escapes is not modelled");
	}
	return rp_arm_ret_buf(c, &b, out);
}

/* uri(base, relative): the combination rules of the reference
 * (template-functions-string#uri), which follow .NET's Uri(Uri, string). */
RP_ARM_FN(uri)
{
	const char *b, *r, *sch, *path, *lastslash;
	size_t bn, rn, keep;
	rp_buf o = RP_BUF_INIT;
	int rc = rp_arm_arg_str(c, 0, &b, &bn);

	if (!rc)
		rc = rp_arm_arg_str(c, 1, &r, &rn);
	if (rc)
		return rc;
	sch = bn >= 3 ? strstr(b, "://") : NULL;
	if (!sch || sch == b || (size_t)(sch - b) > bn)
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "the base URI must be absolute (scheme://host/...)");
	{
		const char *rs = rn >= 3 ? strstr(r, "://") : NULL;
		if (rs) {
			const char *q = r;
			bool scheme = rs > r;
			for (; q < rs; q++)
				if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
				      (*q >= '0' && *q <= '9') || *q == '+' || *q == '-' ||
				      *q == '.'))
					scheme = false;
			if (scheme)
				return rp_arm_ret_str(c, r, rn, out);
		}
	}
	if (memchr(b, '?', bn) || memchr(b, '#', bn) || strstr(r, "./") ||
	    (rn >= 2 && r[0] == '.' && r[1] == '.') || (rn == 1 && r[0] == '.') ||
	    (rn >= 1 && (r[0] == '?' || r[0] == '#')) || (rn >= 2 && r[0] == '/' && r[1] == '/'))
		return rp_arm_ret_unknown(
			c, out, "uri() with queries, fragments or dot segments is not modelled");
	path = memchr(sch + 3, '/', bn - (size_t)(sch + 3 - b));
	if (rn && r[0] == '/') {
		/* root-relative: authority + relative */
		keep = path ? (size_t)(path - b) : bn;
	} else if (!path) {
		keep = bn;
		rc = rp_buf_append(&o, b, keep);
		if (!rc)
			rc = rp_buf_putc(&o, '/');
		goto rel;
	} else {
		lastslash = b + bn - 1;
		while (*lastslash != '/')
			lastslash--;
		keep = (size_t)(lastslash - b) + 1;
	}
	rc = rp_buf_append(&o, b, keep);
rel:
	if (!rc)
		rc = rp_buf_append(&o, r, rn);
	if (!rc && !o.data)
		rc = rp_buf_append(&o, "", 0);
	if (rc) {
		rp_buf_release(&o);
		return rc;
	}
	return rp_arm_ret_buf(c, &o, out);
}

/* ---- newGuid / format live elsewhere (hash, format) ---- */
