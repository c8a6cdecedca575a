/* crypto.h: OpenSSL 3 libcrypto and libtss2-mu, loaded at first use.
 *
 * Only quote verification needs them (signatures, attestation keys,
 * TPMT_SIGNATURE / TPM2B_PUBLIC unmarshalling) and, through EVP, digests
 * other than SHA-1/2 (sha.c).  Linked into the executable, libcrypto's
 * tables carry some 19,000 pointers that the loader relocates, page by
 * page, at every start of a position-independent executable: about 2.5 ms
 * before main(), for every command, on the attestation gate's start-up
 * path (`rampart eventlog` and `rampart attest --eventlog` never call it).
 * Loaded here with dlopen (util/dynlib.h) by soname, they cost nothing
 * until a quote or a key is read, and Debian's security updates of libssl3
 * apply without rebuilding rampart.
 *
 * Callers use the typed pointers of the table returned by rp_crypto(); the
 * OpenSSL and TSS headers are included for types and prototypes only (the
 * rampart executable does not link either library, so a direct call would
 * not link).  Not thread-safe on first use; attestation is single-threaded.
 */
#ifndef RP_ATTEST_CRYPTO_H
#define RP_ATTEST_CRYPTO_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <tss2/tss2_mu.h>

#include "util/diag.h"

/* X(name) for every libcrypto function rampart calls. */
#define RP_CRYPTO_LIBCRYPTO(X)              \
	X(BIO_free)                         \
	X(BIO_new_mem_buf)                  \
	X(BN_bin2bn)                        \
	X(BN_free)                          \
	X(BN_new)                           \
	X(BN_set_word)                      \
	X(CRYPTO_free)                      \
	X(ECDSA_SIG_free)                   \
	X(ECDSA_SIG_new)                    \
	X(ECDSA_SIG_set0)                   \
	X(EVP_DigestFinal_ex)               \
	X(EVP_DigestInit_ex2)               \
	X(EVP_DigestUpdate)                 \
	X(EVP_MD_CTX_free)                  \
	X(EVP_MD_CTX_new)                   \
	X(EVP_MD_fetch)                     \
	X(EVP_PKEY_CTX_free)                \
	X(EVP_PKEY_CTX_new)                 \
	X(EVP_PKEY_CTX_new_from_name)       \
	X(EVP_PKEY_CTX_set_rsa_mgf1_md)     \
	X(EVP_PKEY_CTX_set_rsa_padding)     \
	X(EVP_PKEY_CTX_set_rsa_pss_saltlen) \
	X(EVP_PKEY_CTX_set_signature_md)    \
	X(EVP_PKEY_free)                    \
	X(EVP_PKEY_fromdata)                \
	X(EVP_PKEY_fromdata_init)           \
	X(EVP_PKEY_get_bits)                \
	X(EVP_PKEY_is_a)                    \
	X(EVP_PKEY_verify)                  \
	X(EVP_PKEY_verify_init)             \
	X(OPENSSL_init_crypto)              \
	X(OSSL_PARAM_BLD_free)              \
	X(OSSL_PARAM_BLD_new)               \
	X(OSSL_PARAM_BLD_push_BN)           \
	X(OSSL_PARAM_BLD_push_octet_string) \
	X(OSSL_PARAM_BLD_push_utf8_string)  \
	X(OSSL_PARAM_BLD_to_param)          \
	X(OSSL_PARAM_free)                  \
	X(PEM_read_bio_PUBKEY)              \
	X(d2i_PUBKEY)                       \
	X(i2d_ECDSA_SIG)

/* X(name) for every libtss2-mu function rampart calls. */
#define RP_CRYPTO_TSS2_MU(X)              \
	X(Tss2_MU_TPM2B_PUBLIC_Unmarshal) \
	X(Tss2_MU_TPMT_PUBLIC_Unmarshal)  \
	X(Tss2_MU_TPMT_SIGNATURE_Unmarshal)

#define RP_CRYPTO_SLOT(name) __typeof__(name) *name;
typedef struct rp_crypto_api {
	RP_CRYPTO_LIBCRYPTO(RP_CRYPTO_SLOT)
	RP_CRYPTO_TSS2_MU(RP_CRYPTO_SLOT)
} rp_crypto_api;
#undef RP_CRYPTO_SLOT

/* The loaded table: libcrypto.so.3 and libtss2-mu.so.0 are opened on the
 * first call (OpenSSL initialised without reading any configuration file).
 * NULL when either is missing or incompatible, with an error diagnostic on
 * d (which may be NULL) naming the library and the Debian package. */
const rp_crypto_api *rp_crypto(rp_diag *d);

/* True once rp_crypto() has succeeded in this process (for tests and the
 * start-up benchmark: the event log path must not load it). */
bool rp_crypto_loaded(void);

#endif
