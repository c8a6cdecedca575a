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

typedef struct rp_buf {
	char *data;
	size_t len;
	size_t cap;
} rp_buf;

#define RP_BUF_INIT        \
	{                  \
		NULL, 0, 0 \
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
/* Frees data and resets to empty. */
void rp_buf_release(rp_buf *b);
/* Hands data over to the caller (free() it); the buffer becomes empty.
 * Returns "" semantics as NULL when empty. */
char *rp_buf_detach(rp_buf *b);

#endif
