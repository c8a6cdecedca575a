/* buf.h: growable byte buffer (heap).
 *
 * Ownership: an rp_buf is a value the caller owns; release with
 * rp_buf_release().  data may move on every append, so never keep a pointer
 * into it across an append.  data is always NUL-terminated once non-empty
 * (the NUL is not counted in len).  Appends return 0 or -RP_ENOMEM and leave
 * the buffer unchanged on failure.
 */
#ifndef RP_UTIL_BUF_H
#define RP_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Where a streaming buffer's bytes go (rp_buf.sink): write() takes all n
 * bytes or fails (0 or a negative RP_E* code).  Embed it first in a
 * struct of your own to carry state (util/outfile.h: a file). */
typedef struct rp_sink {
	int (*write)(struct rp_sink *s, const char *p, size_t n);
} rp_sink;

/* With a sink, the buffer is bounded: when an append would grow it past
 * RP_BUF_SINK_CHUNK (or past its capacity, for one bigger item), what it
 * holds is written to the sink first and the buffer starts over.  So a
 * writer on a sink must not keep an offset into data across appends (no
 * writer does: they only append); rp_buf_flush() writes the rest. */
#define RP_BUF_SINK_CHUNK ((size_t)128 << 10)

typedef struct rp_buf {
	char *data;
	size_t len;
	size_t cap;
	rp_sink *sink; /* NULL: grows in memory (the usual case) */
} rp_buf;

#define RP_BUF_INIT              \
	{                        \
		NULL, 0, 0, NULL \
	}

int rp_buf_reserve(rp_buf *b, size_t extra);
int rp_buf_append(rp_buf *b, const void *p, size_t n);
int rp_buf_putc(rp_buf *b, char c);
int rp_buf_puts(rp_buf *b, const char *s);
/* v in decimal (printf's "%llu" and "%lld"). */
int rp_buf_put_u64(rp_buf *b, uint64_t v);
int rp_buf_put_i64(rp_buf *b, int64_t v);
int rp_buf_printf(rp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rp_buf_vprintf(rp_buf *b, const char *fmt, va_list ap);
void rp_buf_clear(rp_buf *b);
/* With a sink: writes what the buffer holds to it and empties the buffer
 * (0, or the sink's error, buffer unchanged); without one: 0. */
int rp_buf_flush(rp_buf *b);
/* Frees data and resets to empty. */
void rp_buf_release(rp_buf *b);
/* Hands data over to the caller (free() it); the buffer becomes empty.
 * Returns "" semantics as NULL when empty. */
char *rp_buf_detach(rp_buf *b);

#endif
