/* dynlib.h: optional libraries loaded at run time.
 *
 * librdkafka (watch --kafka) and Graphviz (HTML report, graph rendering) are
 * large: linking them would map some twenty shared objects at every start
 * of the process, about 7 ms, for every command, including the attestation
 * gate that must start fast.  They are opened with dlopen() by their
 * versioned soname only when a command needs them, and their functions are
 * resolved from a static table of names into typed pointers.
 *
 * Nothing is loaded from a path the user gave: only the sonames listed in
 * rampart's source, found by the dynamic loader's system search.
 *
 * Usage:
 *	static struct { rd_kafka_t *(*rd_kafka_new)(...); ... } K;
 *	static const rp_dynsym syms[] = {
 *		{"rd_kafka_new", (void **)&K.rd_kafka_new}, ...
 *	};
 *	static const char *const names[] = {"librdkafka.so.1", NULL};
 *	rp_dynlib lib;
 *	if (rp_dynlib_load(&lib, names, syms, sizeof syms / sizeof syms[0], d) < 0) ...
 */
#ifndef RP_UTIL_DYNLIB_H
#define RP_UTIL_DYNLIB_H

#include <stddef.h>

#include "util/diag.h"

typedef struct rp_dynsym {
	const char *name; /* symbol name */
	void **slot;      /* where its address goes */
} rp_dynsym;

typedef struct rp_dynlib {
	void *handle;       /* dlopen handle; NULL when not loaded */
	const char *soname; /* the name that loaded; static storage */
} rp_dynlib;

/* Opens the first of sonames (a NULL-terminated list) that the dynamic
 * loader finds, and resolves every symbol of syms into its slot.  On failure
 * nothing stays loaded, every slot is NULL, and one error diagnostic names
 * the library or the missing symbol and the Debian package to install
 * (package may be NULL).  Returns 0, -RP_ENOTFOUND (library absent) or
 * -RP_EUNSUPPORTED (a symbol is missing: an incompatible version). */
int rp_dynlib_load(rp_dynlib *lib, const char *const *sonames, const char *package,
		   const rp_dynsym *syms, size_t nsyms, rp_diag *d);

/* Closes the library; safe on a zeroed or failed rp_dynlib. */
void rp_dynlib_close(rp_dynlib *lib);

#endif
