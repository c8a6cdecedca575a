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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Copies n bytes to p, which has room for n + 16: short copies as one or
 * two (overlapping) loads and stores, no call. */
static inline char *copy_short(char *p, const char *s, size_t n)
{
	if (n >= 16 && n <= 32) {
		memcpy(p, s, 16);
		memcpy(p + n - 16, s + n - 16, 16);
	} else if (n >= 8 && n < 16) {
		memcpy(p, s, 8);
		memcpy(p + n - 8, s + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(p, s, 4);
		memcpy(p + n - 4, s + n - 4, 4);
	} else if (n < 4) {
		size_t k;
		for (k = 0; k < n; k++)
			p[k] = s[k];
	} else {
		memcpy(p, s, n);
	}
	return p + n;
}

#if defined(__SSE2__)
/* The bytes of v a JSON string cannot hold as they are: signed bytes
 * below 0x20 (control characters and every byte >= 0x80), '"' and '\\'. */
static inline __m128i special16(__m128i v)
{
	return _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
			    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					 _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
}
#endif

/* Escapes s[0..n) as a JSON string literal (with quotes) into dst, which
 * has room for rp_json_escape_room(n) bytes; returns the end.  Plain runs
 * are copied 16 bytes at a time (a block is stored whole, then the write
 * position steps back over its special byte); the last 4-15 bytes are
 * checked and copied as two overlapping words (never reading outside s),
 * and only a tail with a special byte goes byte by byte. */
/* Inline: its callers are the hot paths of every report. */
static inline __attribute__((always_inline)) char *escape_to(char *dst, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	char *p = dst;
	size_t i = 0, plain_from = 0; /* s[plain_from..i) is at p - (i - plain_from) as it is */

	*p++ = '"';
	while (i < n) {
		unsigned char c;
		size_t rem;
#if defined(__SSE2__)
		/* 32 bytes a step while there are: one test for both blocks */
		while (n - i >= 32) {
			__m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
			__m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(u + i + 16));
			if (_mm_movemask_epi8(_mm_or_si128(special16(v0), special16(v1))))
				break; /* the 16-byte loop finds where */
			_mm_storeu_si128((__m128i *)(void *)p, v0);
			_mm_storeu_si128((__m128i *)(void *)(p + 16), v1);
			p += 32;
			i += 32;
		}
		while (n - i >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
			unsigned bits = (unsigned)_mm_movemask_epi8(special16(v));
			_mm_storeu_si128((__m128i *)(void *)p, v);
			if (bits) {
				size_t k = (size_t)__builtin_ctz(bits);
				p += k;
				i += k;
				goto special;
			}
			p += 16;
			i += 16;
		}
#else
		while (n - i >= 8) {
			uint64_t v = rp_scan_load8(u + i);
			if (rp_scan_special8(v))
				break;
			memcpy(p, &v, sizeof v);
			p += 8;
			i += 8;
		}
#endif
		/* fewer than 16 (8) bytes left, or a special byte ahead */
		rem = n - i;
#if defined(__SSE2__)
		if (rem > 0 && rem < 16 && i - plain_from >= 16 - rem) {
			/* The last 16 bytes of s, whose first 16 - rem were
			 * copied as they are just before p: checked and stored
			 * over them in one block. */
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + n - 16));
			if (!_mm_movemask_epi8(special16(v))) {
				_mm_storeu_si128((__m128i *)(void *)(p + rem - 16), v);
				p += rem;
				break;
			}
		}
#endif
		if (rem >= 8 && rem < 16) {
			uint64_t a = rp_scan_load8(u + i), b = rp_scan_load8(u + n - 8);
			if (!(rp_scan_special8(a) | rp_scan_special8(b))) {
				memcpy(p, &a, 8);
				memcpy(p + rem - 8, &b, 8);
				p += rem;
				break;
			}
		} else if (rem >= 4 && rem < 8) {
			uint32_t a, b;
			memcpy(&a, u + i, 4);
			memcpy(&b, u + n - 4, 4);
			if (!rp_scan_special8((uint64_t)a | (uint64_t)b << 32)) {
				memcpy(p, &a, 4);
				memcpy(p + rem - 4, &b, 4);
				p += rem;
				break;
			}
		}
		while (i < n && u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' && u[i] != '\\')
			*p++ = (char)u[i++];
		if (i >= n)
			break;
#if defined(__SSE2__)
	special:
#endif
		c = u[i];
		if (c >= 0x80) {
			size_t end = i, ok;
			while (end < n && u[end] >= 0x80)
				end++;
			ok = rp_utf8_check(u + i, end - i);
			if (ok > 0) {
				/* ok stops at a sequence boundary */
				memcpy(p, s + i, ok);
				p += ok;
				i += ok;
			} else {
				memcpy(p, "\xEF\xBF\xBD", 3); /* U+FFFD */
				p += 3;
				i++;
				plain_from = i;
			}
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		default:
			p[0] = 'u';
			p[1] = '0';
			p[2] = '0';
			p[3] = hex[c >> 4];
			p[4] = hex[c & 15];
			p += 5;
		}
		i++;
		plain_from = i;
	}
	*p++ = '"';
	return p;
}

/* The most bytes escape_to writes for n input bytes (6 per byte for
 * \u00XX, 3 for U+FFFD, the quotes) plus the 16 bytes it may store past
 * the end; SIZE_MAX when that overflows. */
static size_t escape_room(size_t n)
{
	return n > (SIZE_MAX - 32) / 6 ? SIZE_MAX : 6 * n + 2 + 16;
}

int rp_json_escape(rp_buf *b, const char *s, size_t n)
{
	size_t need = escape_room(n);
	char *end;
	int r;

	if (need == SIZE_MAX)
		return -RP_ENOMEM;
	r = rp_buf_reserve(b, need);
	if (r < 0)
		return r;
	end = escape_to(b->data + b->len, s, n);
	b->len = (size_t)(end - b->data);
	b->data[b->len] = '\0';
	return 0;
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

/* Room for n more bytes (and the NUL) at the end of the output; NULL
 * after an error (w->err set). */
static inline char *room(rp_jw *w, size_t n)
{
	rp_buf *b = w->out;

	if (w->err)
		return NULL;
	if (n == SIZE_MAX) {
		w->err = -RP_ENOMEM;
		return NULL;
	}
	if (!b->cap || b->cap - b->len <= n) {
		int r = rp_buf_reserve(b, n);
		if (r < 0) {
			w->err = r;
			return NULL;
		}
	}
	return b->data + b->len;
}

/* Ends a write at p (inside the room asked for). */
static inline void commit(rp_jw *w, char *p)
{
	w->out->len = (size_t)(p - w->out->data);
	*p = '\0';
}

static void put(rp_jw *w, const char *s, size_t n)
{
	char *p = room(w, n);

	if (p) {
		memcpy(p, s, n);
		commit(w, p + n);
	}
}

/* The room newline_to needs at the current depth: the newline, the
 * indentation and up to 16 bytes it may store past them. */
static inline size_t newline_room(const rp_jw *w)
{
	return w->indent ? 1 + (size_t)w->depth * (size_t)w->indent + 16 : 0;
}

static inline char *newline_to(const rp_jw *w, char *p)
{
	static const char spaces[16] = "                ";
	size_t n, k;

	if (!w->indent)
		return p;
	n = (size_t)w->depth * (size_t)w->indent;
	*p++ = '\n';
	/* whole 16-byte stores (the room has 16 to spare) */
	for (k = 0; k < n; k += 16)
		memcpy(p + k, spaces, 16);
	return p + n;
}

/* Checks that a value may come now; false (w->err set) when not. */
static inline bool value_ok(rp_jw *w)
{
	if (w->err)
		return false;
	if (w->after_key)
		return true;
	if (w->in_object[w->depth]) {
		w->err = -RP_EINVAL; /* value where a key is due */
		return false;
	}
	if (w->depth == 0 && w->need_comma[0]) {
		w->err = -RP_EINVAL; /* second top-level value */
		return false;
	}
	return true;
}

/* The bytes before_to writes: a comma and a newline. */
static inline size_t before_room(const rp_jw *w)
{
	return w->after_key ? 0 : 1 + (w->depth > 0 ? newline_room(w) : 0);
}

/* Writes what comes before a value (value_ok said it may come). */
static inline char *before_to(rp_jw *w, char *p)
{
	if (w->after_key) {
		w->after_key = false;
		return p;
	}
	if (w->need_comma[w->depth])
		*p++ = ',';
	if (w->depth > 0)
		p = newline_to(w, p);
	w->need_comma[w->depth] = true;
	return p;
}

/* A value of at most n bytes: the separator is written, the value goes at
 * the returned pointer; NULL after an error. */
static inline char *value_room(rp_jw *w, size_t n)
{
	char *p;

	if (!value_ok(w))
		return NULL;
	p = room(w, n > SIZE_MAX - 512 - before_room(w) ? SIZE_MAX : before_room(w) + n);
	return p ? before_to(w, p) : NULL;
}

static void open(rp_jw *w, char c, bool object)
{
	char *p;

	if (!value_ok(w))
		return;
	if (w->depth >= RP_JW_MAX_DEPTH) {
		w->err = -RP_ELIMIT;
		return;
	}
	p = room(w, before_room(w) + 1);
	if (!p)
		return;
	p = before_to(w, p);
	*p++ = c;
	commit(w, p);
	w->depth++;
	w->need_comma[w->depth] = false;
	w->in_object[w->depth] = object;
}

static void close_(rp_jw *w, char c, bool object)
{
	char *p;

	if (w->err)
		return;
	if (w->depth == 0 || w->in_object[w->depth] != object || w->after_key) {
		w->err = -RP_EINVAL;
		return;
	}
	w->depth--;
	p = room(w, 1 + newline_room(w));
	if (!p)
		return;
	if (w->need_comma[w->depth + 1])
		p = newline_to(w, p);
	*p++ = c;
	commit(w, p);
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
	size_t er = escape_room(n);
	char *p;

	if (w->err)
		return;
	if (!w->in_object[w->depth] || w->after_key || w->depth == 0) {
		w->err = -RP_EINVAL;
		return;
	}
	/* comma, newline and indentation, the key, ": " */
	p = room(w, er > SIZE_MAX - 512 ? SIZE_MAX : 1 + newline_room(w) + er + 2);
	if (!p)
		return;
	if (w->need_comma[w->depth])
		*p++ = ',';
	p = newline_to(w, p);
	w->need_comma[w->depth] = true;
	p = escape_to(p, key, n);
	*p++ = ':';
	if (w->indent)
		*p++ = ' ';
	commit(w, p);
	w->after_key = true;
}

#ifndef NDEBUG
/* `"key": ` with nothing to escape in key (RP_JW_KEY's promise) */
static bool key_ok(const char *quoted, size_t n)
{
	size_t k;
	bool ok = n >= 4 && quoted[0] == '"' && memcmp(quoted + n - 3, "\": ", 3) == 0;

	for (k = 1; ok && k + 3 < n; k++) {
		unsigned char c = (unsigned char)quoted[k];
		ok = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
	}
	return ok;
}
#endif

/* A member of the current object: writes the comma, newline,
 * indentation and the key `quoted` (n bytes, `"key": `) into room for
 * them and vn more bytes; returns where the value goes, or NULL after an
 * error.  With value false, the key waits for its value (RP_JW_KEY). */
static inline char *member_to(rp_jw *w, const char *quoted, size_t n, size_t vn, bool value)
{
	char *p;

#ifndef NDEBUG
	if (!key_ok(quoted, n)) {
		w->err = w->err ? w->err : -RP_EINVAL;
		return NULL;
	}
#endif
	if (w->err)
		return NULL;
	if (!w->in_object[w->depth] || w->after_key || w->depth == 0) {
		w->err = -RP_EINVAL;
		return NULL;
	}
	/* comma, newline and indentation, the key and ": ", 16 to spare */
	p = room(w, n > SIZE_MAX / 4 || vn > SIZE_MAX / 4 ? SIZE_MAX
							  : 1 + newline_room(w) + n + 16 + vn);
	if (!p)
		return NULL;
	if (w->need_comma[w->depth])
		*p++ = ',';
	p = newline_to(w, p);
	w->need_comma[w->depth] = true;
	p = copy_short(p, quoted, n);
	if (!w->indent)
		p--; /* compact: no space after the colon */
	w->after_key = !value;
	return p;
}

void rp_jw_key_plain(rp_jw *w, const char *quoted, size_t n)
{
	char *p = member_to(w, quoted, n, 0, false);

	if (p)
		commit(w, p);
}

void rp_jw_member_strn(rp_jw *w, const char *quoted, size_t qn, const char *s, size_t n)
{
	char *p = member_to(w, quoted, qn, escape_room(n), true);

	if (p)
		commit(w, escape_to(p, s, n));
}

void rp_jw_member_str(rp_jw *w, const char *quoted, size_t qn, const char *s)
{
	if (s)
		rp_jw_member_strn(w, quoted, qn, s, strlen(s));
	else
		rp_jw_member_raw(w, quoted, qn, "null", 4);
}

void rp_jw_member_raw(rp_jw *w, const char *quoted, size_t qn, const char *json, size_t n)
{
	char *p = member_to(w, quoted, qn, n, true);

	if (p) {
		memcpy(p, json, n);
		commit(w, p + n);
	}
}

void rp_jw_member_uint(rp_jw *w, const char *quoted, size_t qn, uint64_t v)
{
	char *p = member_to(w, quoted, qn, RP_FMT_DEC_MAX, true);

	if (!p)
		return;
	{
		/* the digits, written backwards from their end */
		uint64_t t = v;
		char *q;
		size_t k = 1;
		while (t >= 10) {
			t /= 10;
			k++;
		}
		p += k;
		q = p;
		do {
			*--q = (char)('0' + v % 10);
			v /= 10;
		} while (v);
	}
	commit(w, p);
}

void rp_jw_stringn(rp_jw *w, const char *s, size_t n)
{
	char *p = value_room(w, escape_room(n));

	if (p)
		commit(w, escape_to(p, s, n));
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
	char d[RP_FMT_DEC_MAX];
	size_t i =
		rp_fmt_dec(d, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0);

	rp_jw_raw(w, d + i, sizeof d - i);
}

void rp_jw_uint(rp_jw *w, uint64_t v)
{
	char d[RP_FMT_DEC_MAX];
	size_t i = rp_fmt_dec(d, v, false);

	rp_jw_raw(w, d + i, sizeof d - i);
}

void rp_jw_double(rp_jw *w, double v)
{
	char b[40];
	int n = rp_json_format_double(b, sizeof b, v);

	rp_jw_raw(w, b, (size_t)n);
}

void rp_jw_bool(rp_jw *w, bool v)
{
	rp_jw_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void rp_jw_null(rp_jw *w)
{
	rp_jw_raw(w, "null", 4);
}

void rp_jw_raw(rp_jw *w, const char *json, size_t n)
{
	char *p = value_room(w, n);

	if (p) {
		memcpy(p, json, n);
		commit(w, p + n);
	}
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
