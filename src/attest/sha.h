/* sha.h: SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4), written for
 * rampart's event log replay.  Replaying a log hashes hundreds of small
 * buffers; doing it here keeps `rampart eventlog` and `rampart attest
 * --eventlog` from initialising an OpenSSL provider at all.  Signatures are
 * still verified with OpenSSL EVP (quote.c).  Cross-checked against EVP in
 * tests/attest.
 */
#ifndef RP_ATTEST_SHA_H
#define RP_ATTEST_SHA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rp_sha {
	uint16_t alg;  /* RP_TPM_ALG_SHA1/256/384/512 */
	uint64_t h[8]; /* chaining state (32-bit words for SHA-1/256) */
	uint8_t block[128];
	size_t fill;    /* bytes in block */
	uint64_t total; /* message bytes so far */
} rp_sha;

/* 0, or -RP_EUNSUPPORTED for another algorithm. */
int rp_sha_init(rp_sha *s, uint16_t alg);
void rp_sha_update(rp_sha *s, const void *p, size_t n);
/* Writes the digest (20, 32, 48 or 64 bytes). */
void rp_sha_final(rp_sha *s, uint8_t *out);

/* SHA-1 and SHA-256 use the CPU's SHA extensions (x86 SHA-NI) when it has
 * them.  rp_sha_accel tells whether they are in use; rp_sha_set_accel(false)
 * forces the portable code, true restores detection (tests compare both);
 * it returns the previous state.  Not thread-safe. */
bool rp_sha_accel(void);
bool rp_sha_set_accel(bool on);

#endif
