/* writer.c: streaming JSON writer for rampart's reports. */
#include "json/json.h"
#include "json/scan.h"
#include "util/error.h"
#include "util/str.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rp_json_escape(rp_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run;
	int r;

	r = rp_buf_reserve(b, n + 2);
	if (r < 0)
		return r;
	rp_buf_putc(b, '"');
	while (i < n) {
		unsigned char c = u[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			run = rp_scan_plain_run(u, i, n);
			r = rp_buf_append(b, s + i, run - i);
			i = run;
		} else if (c >= 0x80) {
			size_t end = i, ok;
			while (end < n && u[end] >= 0x80)
				end++;
			ok = rp_utf8_check(u + i, end - i);
			if (ok > 0) {
				/* ok stops at a sequence boundary */
				r = rp_buf_append(b, s + i, ok);
				i += ok;
			} else {
				r = rp_buf_append(b, "\xEF\xBF\xBD", 3); /* U+FFFD */
				i++;
			}
		} else {
			char e[7];
			switch (c) {
			case '"': r = rp_buf_append(b, "\\\"", 2); break;
			case '\\': r = rp_buf_append(b, "\\\\", 2); break;
			case '\n': r = rp_buf_append(b, "\\n", 2); break;
			case '\r': r = rp_buf_append(b, "\\r", 2); break;
			case '\t': r = rp_buf_append(b, "\\t", 2); break;
			case '\b': r = rp_buf_append(b, "\\b", 2); break;
			case '\f': r = rp_buf_append(b, "\\f", 2); break;
			default:
				e[0] = '\\';
				e[1] = 'u';
				e[2] = '0';
				e[3] = '0';
				e[4] = hex[c >> 4];
				e[5] = hex[c & 15];
				e[6] = 0;
				r = rp_buf_append(b, e, 6);
			}
			i++;
		}
		if (r < 0)
			return r;
	}
	return rp_buf_putc(b, '"');
}

/* The "C" locale, so that printf and strtod use '.' whatever the
 * process locale is (a de_DE process would otherwise write "1,5"). */
static locale_t c_locale(void)
{
	static locale_t loc;

	if (!loc)
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return loc;
}

int rp_json_format_double(char *dst, size_t cap, double v)
{
	locale_t loc, old;
	int prec;

	if (!isfinite(v))
		return snprintf(dst, cap, "null");
	if (v == 0)
		return snprintf(dst, cap, signbit(v) ? "-0.0" : "0.0");
	loc = c_locale();
	if (!loc)
		return snprintf(dst, cap, "null");
	old = uselocale(loc);
	for (prec = 1; prec <= 17; prec++) {
		snprintf(dst, cap, "%.*g", prec, v);
		if (strtod(dst, NULL) == v)
			break;
	}
	/* Same digits in plain notation for 1e-6 <= |v| < 1e21 (close to
	 * how ECMAScript prints numbers): "100.0", not "1e+02". */
	if (strchr(dst, 'e')) {
		int x = atoi(strchr(dst, 'e') + 1); /* decimal exponent of the digits */
		char plain[48];
		if (x >= -6 && x <= 20 && prec <= 17) {
			int decimals = prec - 1 - x;
			snprintf(plain, sizeof plain, "%.*f", decimals < 0 ? 0 : decimals, v);
			if (strtod(plain, NULL) == v && strlen(plain) < cap)
				memcpy(dst, plain, strlen(plain) + 1);
		}
	}
	uselocale(old);
	/* Keep it a JSON number that reads back as a double, not an int. */
	if (!strpbrk(dst, ".eEn")) {
		size_t l = strlen(dst);
		if (l + 3 <= cap)
			memcpy(dst + l, ".0", 3);
	}
	return (int)strlen(dst);
}

void rp_jw_init(rp_jw *w, rp_buf *out, int indent)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->indent = indent < 0 ? 0 : indent > 8 ? 8 : indent;
}

static void put(rp_jw *w, const char *s, size_t n)
{
	if (!w->err) {
		int r = rp_buf_append(w->out, s, n);
		if (r < 0)
			w->err = r;
	}
}

static void newline(rp_jw *w)
{
	/* A newline and the indentation in as few appends as possible. */
	static const char nl[] = "\n                                                               "
				 "                                                                ";
	size_t n, k;

	if (!w->indent)
		return;
	n = (size_t)w->depth * (size_t)w->indent;
	k = n < sizeof(nl) - 2 ? n : sizeof(nl) - 2;
	put(w, nl, k + 1);
	for (n -= k; n > 0; n -= k) {
		k = n < sizeof(nl) - 2 ? n : sizeof(nl) - 2;
		put(w, nl + 1, k);
	}
}

/* Called before every value. */
static void before_value(rp_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->in_object[w->depth]) {
		w->err = w->err ? w->err : -RP_EINVAL; /* value where a key is due */
		return;
	}
	if (w->depth == 0 && w->need_comma[0]) {
		w->err = w->err ? w->err : -RP_EINVAL; /* second top-level value */
		return;
	}
	if (w->need_comma[w->depth])
		put(w, ",", 1);
	if (w->depth > 0)
		newline(w);
	w->need_comma[w->depth] = true;
}

static void open(rp_jw *w, char c, bool object)
{
	before_value(w);
	if (w->depth >= RP_JW_MAX_DEPTH) {
		w->err = w->err ? w->err : -RP_ELIMIT;
		return;
	}
	put(w, &c, 1);
	w->depth++;
	w->need_comma[w->depth] = false;
	w->in_object[w->depth] = object;
}

static void close_(rp_jw *w, char c, bool object)
{
	if (w->depth == 0 || w->in_object[w->depth] != object || w->after_key) {
		w->err = w->err ? w->err : -RP_EINVAL;
		return;
	}
	w->depth--;
	if (w->need_comma[w->depth + 1])
		newline(w);
	put(w, &c, 1);
}

void rp_jw_object_begin(rp_jw *w)
{
	open(w, '{', true);
}
void rp_jw_object_end(rp_jw *w)
{
	close_(w, '}', true);
}
void rp_jw_array_begin(rp_jw *w)
{
	open(w, '[', false);
}
void rp_jw_array_end(rp_jw *w)
{
	close_(w, ']', false);
}

void rp_jw_keyn(rp_jw *w, const char *key, size_t n)
{
	if (!w->in_object[w->depth] || w->after_key || w->depth == 0) {
		w->err = w->err ? w->err : -RP_EINVAL;
		return;
	}
	if (w->need_comma[w->depth])
		put(w, ",", 1);
	newline(w);
	w->need_comma[w->depth] = true;
	if (!w->err) {
		int r = rp_json_escape(w->out, key, n);
		if (r < 0)
			w->err = r;
	}
	put(w, w->indent ? ": " : ":", w->indent ? 2 : 1);
	w->after_key = true;
}

void rp_jw_key(rp_jw *w, const char *key)
{
	rp_jw_keyn(w, key, strlen(key));
}

void rp_jw_stringn(rp_jw *w, const char *s, size_t n)
{
	before_value(w);
	if (!w->err) {
		int r = rp_json_escape(w->out, s, n);
		if (r < 0)
			w->err = r;
	}
}

void rp_jw_string(rp_jw *w, const char *s)
{
	if (!s)
		rp_jw_null(w);
	else
		rp_jw_stringn(w, s, strlen(s));
}

void rp_jw_int(rp_jw *w, int64_t v)
{
	char b[32];
	int n = snprintf(b, sizeof b, "%" PRId64, v);
	before_value(w);
	put(w, b, (size_t)n);
}

void rp_jw_uint(rp_jw *w, uint64_t v)
{
	char b[32];
	int n = snprintf(b, sizeof b, "%" PRIu64, v);
	before_value(w);
	put(w, b, (size_t)n);
}

void rp_jw_double(rp_jw *w, double v)
{
	char b[40];
	int n = rp_json_format_double(b, sizeof b, v);
	before_value(w);
	put(w, b, (size_t)n);
}

void rp_jw_bool(rp_jw *w, bool v)
{
	before_value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void rp_jw_null(rp_jw *w)
{
	before_value(w);
	put(w, "null", 4);
}

void rp_jw_raw(rp_jw *w, const char *json, size_t n)
{
	before_value(w);
	put(w, json, n);
}

void rp_jw_node(rp_jw *w, rp_json_doc *doc, uint32_t i)
{
	rp_json_iter it;
	uint32_t k, v;
	const char *p;
	size_t n;

	if (i == RP_JSON_NONE || i >= doc->nnodes) {
		rp_jw_null(w);
		return;
	}
	switch (rp_json_kind_of(doc, i)) {
	case RP_JSON_NULL: rp_jw_null(w); break;
	case RP_JSON_FALSE: rp_jw_bool(w, false); break;
	case RP_JSON_TRUE: rp_jw_bool(w, true); break;
	case RP_JSON_NUMBER:
		p = rp_json_text(doc, i, &n);
		rp_jw_raw(w, p, n);
		break;
	case RP_JSON_STRING:
	case RP_JSON_KEY:
		if (rp_json_str(doc, i, &p, &n) < 0)
			w->err = w->err ? w->err : -RP_ENOMEM;
		else
			rp_jw_stringn(w, p, n);
		break;
	case RP_JSON_ARRAY:
		/* Iterative would need a stack; report trees are shallow and
		 * the reader caps depth at RP_JSON_MAX_DEPTH, the writer at
		 * RP_JW_MAX_DEPTH, so recursion is bounded. */
		rp_jw_array_begin(w);
		it = rp_json_iter_begin(doc, i);
		while (!w->err && rp_json_iter_next(doc, &it, &k, &v))
			rp_jw_node(w, doc, v);
		rp_jw_array_end(w);
		break;
	case RP_JSON_OBJECT:
		rp_jw_object_begin(w);
		it = rp_json_iter_begin(doc, i);
		while (!w->err && rp_json_iter_next(doc, &it, &k, &v)) {
			if (rp_json_str(doc, k, &p, &n) < 0) {
				w->err = -RP_ENOMEM;
				break;
			}
			rp_jw_keyn(w, p, n);
			rp_jw_node(w, doc, v);
		}
		rp_jw_object_end(w);
		break;
	}
}

int rp_jw_finish(rp_jw *w)
{
	if (w->err)
		return w->err;
	if (w->depth != 0 || w->after_key || !w->need_comma[0])
		return -RP_EINVAL;
	if (w->indent)
		put(w, "\n", 1);
	return w->err;
}
