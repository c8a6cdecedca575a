/* diag.h: diagnostics with byte spans.
 *
 * Library code reports problems about user input here, never on stderr.
 * A diagnostic points at [start, end) of a source; the CLI prints it as
 *   rampart: FILE:LINE:COL: error: MESSAGE
 * followed by the source line and a caret under the column.
 *
 * Ownership: an rp_diag is a value owned by the caller (rp_diag_init /
 * rp_diag_release).  Sources are borrowed: they must outlive the sink.
 * Messages are copied.  At most RP_DIAG_MAX_KEPT are kept; later ones are
 * only counted, so hostile input cannot exhaust memory through diagnostics.
 */
#ifndef RP_UTIL_DIAG_H
#define RP_UTIL_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/source.h"

#define RP_DIAG_MAX_KEPT 10000

typedef enum rp_diag_level {
	RP_DIAG_NOTE = 0,
	RP_DIAG_WARNING = 1,
	RP_DIAG_ERROR = 2,
} rp_diag_level;

typedef struct rp_diag_item {
	rp_diag_level level;
	rp_source *src; /* borrowed; NULL for messages about no file */
	size_t start, end;
	char *code; /* optional stable identifier, e.g. "json-duplicate-key" */
	char *message;
} rp_diag_item;

typedef struct rp_diag {
	rp_diag_item *items;
	size_t count, cap;
	size_t dropped;
	size_t nerrors, nwarnings;
} rp_diag;

void rp_diag_init(rp_diag *d);
void rp_diag_release(rp_diag *d);

/* Adds a diagnostic; d may be NULL (then nothing happens).  Returns 0, or
 * -RP_ENOMEM if it could not be stored (it is still counted). */
int rp_diag_add(rp_diag *d, rp_diag_level level, rp_source *src, size_t start, size_t end,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int rp_diag_addc(rp_diag *d, rp_diag_level level, const char *code, rp_source *src, size_t start,
		 size_t end, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
int rp_diag_vadd(rp_diag *d, rp_diag_level level, const char *code, rp_source *src, size_t start,
		 size_t end, const char *fmt, va_list ap);

const char *rp_diag_level_name(rp_diag_level level);

/* Prints one diagnostic: header line, then (when it has a source) the source
 * line and a caret line.  color selects ANSI colors. */
void rp_diag_print_item(FILE *fp, const rp_diag_item *it, bool color);
/* Prints all kept diagnostics in order, then a line about dropped ones. */
void rp_diag_print(FILE *fp, const rp_diag *d, bool color);

#endif
