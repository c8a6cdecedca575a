/* outfile.h: where a report goes (a file named by -o, or standard output),
 * as an rp_sink for a streaming rp_buf (util/buf.h).
 *
 * A regular file (or a new one) is written as a temporary file beside it
 * (".NAME.XXXXXX" in the same directory) and renamed over it by
 * rp_outfile_commit(), so a failed write leaves the file as it was, as when
 * the whole report was built in memory first.  Anything else (a device such
 * as /dev/null, a FIFO, a symbolic link, or a directory where no temporary
 * file can be made) is opened and written directly, as fopen(path, "w")
 * would.  Standard output is written directly (path NULL); its write errors
 * are ignored, as they always were (a closed pipe ends the process by
 * SIGPIPE as before).
 *
 * Ownership: rp_outfile_open() allocates; rp_outfile_commit() or
 * rp_outfile_abort() (which removes the temporary file) releases.
 */
#ifndef RP_UTIL_OUTFILE_H
#define RP_UTIL_OUTFILE_H

#include <stdbool.h>

#include "util/buf.h"

typedef struct rp_outfile {
	rp_sink sink; /* first: the rp_buf's sink */
	int fd;       /* -1 when closed */
	int os_errno; /* errno of the first failure (open, write, rename), or 0 */
	char *path;   /* the target (NULL: standard output) */
	char *tmp;    /* the temporary file renamed to path, or NULL */
	bool is_stdout;
} rp_outfile;

/* Opens path (NULL: standard output, after flushing stdio's stdout).
 * 0, -RP_EIO (o->os_errno says why; nothing to release) or -RP_ENOMEM. */
int rp_outfile_open(rp_outfile *o, const char *path);
/* Closes, renames the temporary file over the target (mode 0666 less the
 * umask for a new file, the old file's permissions otherwise).  0 or
 * -RP_EIO (o->os_errno; the temporary file is removed). */
int rp_outfile_commit(rp_outfile *o);
/* Closes and removes the temporary file (the target is untouched; a file
 * written directly keeps what was written). */
void rp_outfile_abort(rp_outfile *o);

#endif
