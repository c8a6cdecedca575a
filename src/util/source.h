/* source.h: an input file held in memory, with a lazily built line table.
 *
 * Offsets are byte offsets into data.  Lines and columns are 1-based;
 * columns count Unicode code points (SARIF columnKind unicodeCodePoints),
 * so a caret lines up under the character a terminal shows.
 */
#ifndef RP_UTIL_SOURCE_H
#define RP_UTIL_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct rp_diag;

/* Largest input file rampart reads (offsets are 32-bit). */
#define RP_SOURCE_MAX_SIZE ((size_t)1 << 30)

typedef struct rp_source {
	char *name; /* as the user gave it; owned */
	char *data; /* owned; NUL-terminated (NUL not in size) */
	size_t size;
	uint32_t *lines; /* offsets of line starts; built on demand */
	size_t nlines;
	/* The last column computed: offset, its line index and column.  A
	 * later offset on the same line counts on from there, so thousands of
	 * diagnostics on one long (minified) line cost linear time, not
	 * quadratic.  Valid when col_val != 0 (columns start at 1). */
	size_t col_off;
	uint32_t col_line, col_val;
	/* Long lines: code points before each RP_SOURCE_COL_BLOCK-byte block
	 * of the file, built on the first column asked far into a long line,
	 * so a column in any order costs at most one block's count (findings
	 * on a 100 MB one-line plan come in rule order, not offset order). */
	uint32_t *colck;
} rp_source;

#define RP_SOURCE_COL_BLOCK 4096u

/* Reads a regular file of at most max_size bytes (0 = RP_SOURCE_MAX_SIZE).
 * Refuses devices, FIFOs and directories.  On failure a diagnostic naming
 * the file is added to diag (if non-NULL) and a negative code returned.
 * The caller frees *out with rp_source_free(). */
int rp_source_load(const char *path, size_t max_size, rp_source **out, struct rp_diag *diag);
/* Reads the file that pathfd (an O_PATH descriptor, or any open one) refers
 * to, by reopening it through /proc/self/fd: the file checked when pathfd
 * was opened is the one read, even if its path has since been replaced (a
 * symbolic link swapped in after the check).  name is the file's name in
 * messages and in *out.  Same contract as rp_source_load; pathfd stays open
 * (the caller closes it). */
int rp_source_reopen(int pathfd, const char *name, size_t max_size, rp_source **out,
		     struct rp_diag *diag);
/* Reads the rest of the file open on fd, of which the caller has read the
 * first nhead bytes (head) from the start: the source is head followed by
 * everything up to the end of the file.  Same checks and contract as
 * rp_source_load (a regular file of at most max_size bytes); fd stays open
 * (the caller closes it).  Spares a second open and read of a file whose
 * first bytes were read to decide what it is. */
int rp_source_read_rest(int fd, const char *name, const void *head, size_t nhead, size_t max_size,
			rp_source **out, struct rp_diag *diag);
/* Copies data; name is copied too.  Caller frees with rp_source_free(). */
int rp_source_from_memory(const char *name, const void *data, size_t size, rp_source **out);
/* Reads all of a stream (stdin); same contract as rp_source_load. */
int rp_source_load_stream(const char *name, void *fp, size_t max_size, rp_source **out,
			  struct rp_diag *diag);
rp_source *rp_source_free(rp_source *s);

/* 1-based line and column of offset (clamped to size).  CRLF counts as one
 * line end.  Returns 0 or -RP_ENOMEM (line table allocation). */
int rp_source_linecol(rp_source *s, size_t offset, uint32_t *line, uint32_t *col);
/* Start offset and length (without the line end) of the 1-based line. */
int rp_source_line(rp_source *s, uint32_t line, size_t *start, size_t *len);

#endif
