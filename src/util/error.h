/* error.h: the one error enum of rampart's libraries.
 *
 * Fallible library functions return int: 0 on success, a negative RP_E*
 * code on failure.  Codes are propagated unchanged; the user-facing detail
 * goes into a diagnostics sink (diag.h), never to stderr from library code.
 */
#ifndef RP_UTIL_ERROR_H
#define RP_UTIL_ERROR_H

enum {
	RP_OK = 0,
	RP_ENOMEM = 1,       /* allocation failed */
	RP_EPARSE = 2,       /* malformed input; a diagnostic says where */
	RP_ELIMIT = 3,       /* a named limit was hit; a diagnostic says which */
	RP_ENOTFOUND = 4,    /* lookup found nothing */
	RP_EUNSUPPORTED = 5, /* valid input we do not handle */
	RP_EIO = 6,          /* reading a file failed */
	RP_EINVAL = 7,       /* invalid argument (a caller's mistake or bad option) */
	RP_ERANGE = 8,       /* a value does not fit the requested type */
	RP_EVERIFY = 9,      /* a verification failed (signature, digest) */
	RP_EINTERNAL = 10,   /* broken invariant */
};

/* Short, static name of a code ("out of memory"); accepts negative codes. */
const char *rp_strerror(int code);

#endif
