/* diag.c: collecting and printing diagnostics. */
#include "util/diag.h"
#include "util/error.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

void rp_diag_init(rp_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void rp_diag_release(rp_diag *d)
{
	size_t i;

	for (i = 0; i < d->count; i++) {
		free(d->items[i].message);
		free(d->items[i].code);
	}
	free(d->items);
	rp_diag_init(d);
}

const char *rp_diag_level_name(rp_diag_level level)
{
	switch (level) {
	case RP_DIAG_ERROR: return "error";
	case RP_DIAG_WARNING: return "warning";
	default: return "note";
	}
}

int rp_diag_vadd(rp_diag *d, rp_diag_level level, const char *code, rp_source *src, size_t start,
		 size_t end, const char *fmt, va_list ap)
{
	rp_diag_item *it;
	va_list ap2;
	int n;

	if (!d)
		return 0;
	if (level == RP_DIAG_ERROR)
		d->nerrors++;
	else if (level == RP_DIAG_WARNING)
		d->nwarnings++;
	if (d->count >= RP_DIAG_MAX_KEPT) {
		d->dropped++;
		return 0;
	}
	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		rp_diag_item *p = realloc(d->items, cap * sizeof(*p));
		if (!p)
			goto oom;
		d->items = p;
		d->cap = cap;
	}
	it = &d->items[d->count];
	memset(it, 0, sizeof(*it));
	it->level = level;
	it->src = src;
	it->start = start;
	it->end = end < start ? start : end;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	it->message = malloc((size_t)n + 1);
	if (!it->message)
		goto oom;
	vsnprintf(it->message, (size_t)n + 1, fmt, ap);
	if (code) {
		it->code = strdup(code);
		if (!it->code) {
			free(it->message);
			goto oom;
		}
	}
	d->count++;
	return 0;
oom:
	d->dropped++;
	return -RP_ENOMEM;
}

int rp_diag_add(rp_diag *d, rp_diag_level level, rp_source *src, size_t start, size_t end,
		const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rp_diag_vadd(d, level, NULL, src, start, end, fmt, ap);
	va_end(ap);
	return r;
}

int rp_diag_addc(rp_diag *d, rp_diag_level level, const char *code, rp_source *src, size_t start,
		 size_t end, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rp_diag_vadd(d, level, code, src, start, end, fmt, ap);
	va_end(ap);
	return r;
}

#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_RESET "\033[0m"

/* Longest part of a source line shown; longer lines (minified JSON) are
 * cut around the column so the caret stays visible. */
#define DIAG_LINE_WINDOW 160

/* Characters the excerpt shows for p[0..n): a valid UTF-8 sequence is one,
 * every byte of an invalid one is one ('?'), as print_excerpt writes them. */
static size_t shown_width(const unsigned char *p, size_t n)
{
	size_t i = 0, w = 0;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
		} else {
			size_t end = i, ok;
			while (end < n && p[end] >= 0x80)
				end++;
			ok = rp_utf8_check(p + i, end - i);
			if (ok == 0) {
				i++;
			} else {
				w += rp_utf8_count(p + i, ok) - 1;
				i += ok;
			}
		}
		w++;
	}
	return w;
}

static void print_excerpt(FILE *fp, rp_source *src, size_t start, size_t end, bool color)
{
	uint32_t line, col, i;
	size_t lstart, llen, from, to, caret_from, width;
	const unsigned char *p;

	if (rp_source_linecol(src, start, &line, &col) < 0 ||
	    rp_source_line(src, line, &lstart, &llen) < 0)
		return;
	p = (const unsigned char *)src->data;
	from = lstart;
	to = lstart + llen;
	if (start - lstart > DIAG_LINE_WINDOW / 2)
		from = start - DIAG_LINE_WINDOW / 2;
	if (to - from > DIAG_LINE_WINDOW)
		to = from + DIAG_LINE_WINDOW;
	/* Do not start or end in the middle of a UTF-8 sequence. */
	while (from > lstart && (p[from] & 0xC0) == 0x80)
		from--;
	while (to < lstart + llen && (p[to] & 0xC0) == 0x80)
		to++;
	fputs(" ", fp);
	if (from > lstart)
		fputs("...", fp);
	for (size_t k = from; k < to; k++) {
		unsigned char c = p[k];
		if (c >= 0x80) {
			/* Copy valid UTF-8 sequences; show each invalid byte as '?'
			 * so hostile input cannot put raw bytes on a terminal. */
			size_t run = k, ok;
			while (run < to && p[run] >= 0x80)
				run++;
			ok = rp_utf8_check(p + k, run - k);
			if (ok == 0) {
				fputc('?', fp);
				continue;
			}
			fwrite(p + k, 1, ok, fp);
			k += ok - 1;
			continue;
		}
		fputc(c == '\t' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : c, fp);
	}
	if (to < lstart + llen)
		fputs("...", fp);
	fputc('\n', fp);
	caret_from = shown_width(p + from, start - from);
	width = end > start && end <= to ? shown_width(p + start, end - start) : 1;
	if (width == 0)
		width = 1;
	fputs(" ", fp);
	if (from > lstart)
		fputs("   ", fp);
	for (i = 0; i < caret_from; i++)
		fputc(' ', fp);
	if (color)
		fputs(C_GREEN, fp);
	fputc('^', fp);
	for (i = 1; i < width && i < DIAG_LINE_WINDOW; i++)
		fputc('~', fp);
	if (color)
		fputs(C_RESET, fp);
	fputc('\n', fp);
	(void)col;
}

void rp_diag_print_item(FILE *fp, const rp_diag_item *it, bool color)
{
	const char *lc = it->level == RP_DIAG_ERROR     ? C_RED
			 : it->level == RP_DIAG_WARNING ? C_YELLOW
							: C_CYAN;

	fputs("rampart: ", fp);
	if (it->src) {
		uint32_t line = 0, col = 0;
		if (color)
			fputs(C_BOLD, fp);
		if (rp_source_linecol(it->src, it->start, &line, &col) == 0)
			fprintf(fp, "%s:%u:%u: ", it->src->name, line, col);
		else
			fprintf(fp, "%s: ", it->src->name);
		if (color)
			fputs(C_RESET, fp);
	}
	fprintf(fp, "%s%s:%s %s", color ? lc : "", rp_diag_level_name(it->level),
		color ? C_RESET : "", it->message);
	if (it->code)
		fprintf(fp, " [%s]", it->code);
	fputc('\n', fp);
	if (it->src)
		print_excerpt(fp, it->src, it->start, it->end, color);
}

void rp_diag_print(FILE *fp, const rp_diag *d, bool color)
{
	size_t i;

	for (i = 0; i < d->count; i++)
		rp_diag_print_item(fp, &d->items[i], color);
	if (d->dropped)
		fprintf(fp, "rampart: note: %zu more diagnostics not shown\n", d->dropped);
}
