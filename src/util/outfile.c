/* outfile.c: a report's destination as an rp_sink (outfile.h). */
#include "util/outfile.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int outfile_write(rp_sink *s, const char *p, size_t n)
{
	rp_outfile *o = (rp_outfile *)(void *)s;

	while (n > 0) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (o->is_stdout)
				return 0; /* as fwrite to stdout always was: unchecked */
			if (!o->os_errno)
				o->os_errno = w < 0 ? errno : EIO;
			return -RP_EIO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The temporary file beside path: ".NAME.XXXXXX" in its directory. */
static char *tmp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0, n = strlen(path);
	char *t = malloc(n + 9);

	if (!t)
		return NULL;
	memcpy(t, path, dir);
	t[dir] = '.';
	memcpy(t + dir + 1, path + dir, n - dir);
	memcpy(t + n + 1, ".XXXXXX", 8);
	return t;
}

int rp_outfile_open(rp_outfile *o, const char *path)
{
	struct stat st;
	int rc = 0;

	memset(o, 0, sizeof(*o));
	o->sink.write = outfile_write;
	o->fd = -1;
	if (!path) {
		fflush(stdout);
		o->is_stdout = true;
		o->fd = STDOUT_FILENO;
		return 0;
	}
	o->path = strdup(path);
	if (!o->path) {
		rc = -RP_ENOMEM;
		goto out;
	}
	/* A temporary file only for a regular file or a new one (not through
	 * a symbolic link, which the rename would replace). */
	if (lstat(path, &st) == 0 ? S_ISREG(st.st_mode) : errno == ENOENT) {
		o->tmp = tmp_name(path);
		if (!o->tmp) {
			rc = -RP_ENOMEM;
			goto out;
		}
		o->fd = mkostemp(o->tmp, O_CLOEXEC);
		if (o->fd < 0) {
			/* no temporary file there (a read-only directory with a
			 * writable file): write the file itself */
			free(o->tmp);
			o->tmp = NULL;
		}
	}
	if (o->fd < 0) {
		o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (o->fd < 0) {
			o->os_errno = errno;
			rc = -RP_EIO;
		}
	}
out:
	if (rc < 0) {
		int e = o->os_errno;
		rp_outfile_abort(o);
		o->os_errno = e;
	}
	return rc;
}

int rp_outfile_commit(rp_outfile *o)
{
	int rc = 0;

	if (o->is_stdout) {
		o->fd = -1;
		return 0;
	}
	if (o->tmp) {
		struct stat st;
		mode_t mode;
		if (stat(o->path, &st) == 0) {
			mode = st.st_mode & 07777;
		} else {
			mode_t um = umask(0);
			umask(um);
			mode = 0666 & ~um;
		}
		if (fchmod(o->fd, mode) != 0 && !o->os_errno)
			o->os_errno = errno;
	}
	if (o->fd >= 0 && close(o->fd) != 0 && !o->os_errno)
		o->os_errno = errno;
	o->fd = -1;
	if (!o->os_errno && o->tmp && rename(o->tmp, o->path) != 0)
		o->os_errno = errno;
	if (o->os_errno)
		rc = -RP_EIO;
	if (rc == 0) {
		free(o->tmp);
		o->tmp = NULL;
	}
	{
		int e = o->os_errno;
		rp_outfile_abort(o);
		o->os_errno = e;
	}
	return rc;
}

void rp_outfile_abort(rp_outfile *o)
{
	if (o->fd >= 0 && !o->is_stdout)
		(void)close(o->fd);
	o->fd = -1;
	if (o->tmp)
		(void)unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	o->tmp = NULL;
	o->path = NULL;
}
