/* crypto.c: libcrypto and libtss2-mu loaded at first use (see crypto.h). */
#include "attest/crypto.h"

#include "util/dynlib.h"

static rp_crypto_api api;
static bool loaded;
static rp_dynlib libcrypto, libtss2mu;

#define RP_CRYPTO_SYM(name) { #name, (void **)&api.name },
static const rp_dynsym crypto_syms[] = { RP_CRYPTO_LIBCRYPTO(RP_CRYPTO_SYM) };
static const rp_dynsym mu_syms[] = { RP_CRYPTO_TSS2_MU(RP_CRYPTO_SYM) };
#undef RP_CRYPTO_SYM

static const char *const crypto_names[] = { "libcrypto.so.3", NULL };
static const char *const mu_names[] = { "libtss2-mu.so.0", NULL };

const rp_crypto_api *rp_crypto(rp_diag *d)
{
	if (loaded)
		return &api;
	if (rp_dynlib_load(&libcrypto, crypto_names, "libssl3", crypto_syms,
			   sizeof(crypto_syms) / sizeof(crypto_syms[0]), d) < 0)
		return NULL;
	if (rp_dynlib_load(&libtss2mu, mu_names, "libtss2-mu0", mu_syms,
			   sizeof(mu_syms) / sizeof(mu_syms[0]), d) < 0) {
		rp_dynlib_close(&libcrypto);
		return NULL;
	}
	/* Before any other call: never read openssl.cnf (OPENSSL_CONF), which
	 * could load engines or providers from paths the user did not give. */
	if (api.OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1) {
		rp_diag_addc(d, RP_DIAG_ERROR, "crypto-init", NULL, 0, 0,
			     "OpenSSL (libcrypto.so.3) failed to initialise");
		rp_dynlib_close(&libtss2mu);
		rp_dynlib_close(&libcrypto);
		return NULL;
	}
	loaded = true;
	return &api;
}

bool rp_crypto_loaded(void)
{
	return loaded;
}
