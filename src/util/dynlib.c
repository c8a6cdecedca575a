/* dynlib.c: optional libraries loaded at run time (see dynlib.h). */
#include "util/dynlib.h"

#include <dlfcn.h>

#include "util/error.h"

static void clear_slots(const rp_dynsym *syms, size_t nsyms)
{
	for (size_t i = 0; i < nsyms; i++)
		*syms[i].slot = NULL;
}

int rp_dynlib_load(rp_dynlib *lib, const char *const *sonames, const char *package,
		   const rp_dynsym *syms, size_t nsyms, rp_diag *d)
{
	int rc = 0;

	lib->handle = NULL;
	lib->soname = NULL;
	clear_slots(syms, nsyms);
	for (size_t i = 0; sonames[i] != NULL && lib->handle == NULL; i++) {
		/* RTLD_LOCAL keeps the library's symbols out of the global
		 * namespace; RTLD_NOW finds a broken install here, not later. */
		lib->handle = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
		if (lib->handle != NULL)
			lib->soname = sonames[i];
	}
	if (lib->handle == NULL) {
		rp_diag_addc(d, RP_DIAG_ERROR, "dynlib-missing", NULL, 0, 0, "cannot load %s%s%s%s",
			     sonames[0] != NULL ? sonames[0] : "(none)",
			     package != NULL ? " (install the Debian package " : "",
			     package != NULL ? package : "", package != NULL ? ")" : "");
		rc = -RP_ENOTFOUND;
		goto out;
	}
	for (size_t i = 0; i < nsyms; i++) {
		dlerror();
		void *p = dlsym(lib->handle, syms[i].name);
		if (p == NULL) {
			rp_diag_addc(d, RP_DIAG_ERROR, "dynlib-symbol", NULL, 0, 0,
				     "%s has no symbol %s: an incompatible version", lib->soname,
				     syms[i].name);
			rc = -RP_EUNSUPPORTED;
			goto out;
		}
		*syms[i].slot = p;
	}
out:
	if (rc < 0)
		rp_dynlib_close(lib);
	if (rc < 0)
		clear_slots(syms, nsyms);
	return rc;
}

void rp_dynlib_close(rp_dynlib *lib)
{
	if (lib->handle != NULL)
		dlclose(lib->handle);
	lib->handle = NULL;
	lib->soname = NULL;
}
