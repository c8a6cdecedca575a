/* error.c: names of the RP_E* codes. */
#include "util/error.h"

const char *rp_strerror(int code)
{
	if (code < 0)
		code = -code;
	switch (code) {
	case RP_OK: return "success";
	case RP_ENOMEM: return "out of memory";
	case RP_EPARSE: return "parse error";
	case RP_ELIMIT: return "limit exceeded";
	case RP_ENOTFOUND: return "not found";
	case RP_EUNSUPPORTED: return "unsupported";
	case RP_EIO: return "I/O error";
	case RP_EINVAL: return "invalid argument";
	case RP_ERANGE: return "out of range";
	case RP_EVERIFY: return "verification failed";
	case RP_EINTERNAL: return "internal error";
	default: return "unknown error";
	}
}
