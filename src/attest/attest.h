/* attest.h: the boot integrity verdict: quote checks, replay cross-checks
 * and the boot policy (a JSON file, docs/attest.md), evaluated into a list
 * of checks that each pass, fail or are unknown (with a reason).  A machine
 * is trusted only when at least one check ran and every check passed.
 *
 * The policy plays the role of Keylime's measured-boot reference state:
 * Secure Boot enabled; PK/KEK/db allow-lists and dbx must-contain entries
 * (SHA-256 of the certificate DER, or the SHA-256 hash entry); expected
 * boot application digests; required separators; forbidden events;
 * expected PCR values per bank; required event digest consistency; allowed
 * quote signature hashes.
 */
#ifndef RP_ATTEST_ATTEST_H
#define RP_ATTEST_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attest/eventlog.h"
#include "attest/quote.h"
#include "attest/tpm.h"
#include "json/json.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/source.h"

/* ---- policy ---- */
#define RP_POLICY_MAX_ENTRIES 100000u /* entries in one list */
#define RP_POLICY_VERSION 1

typedef struct rp_policy_ids {
	bool set;
	uint8_t (*ids)[32]; /* SHA-256 identities */
	size_t n;
} rp_policy_ids;

typedef struct rp_policy_forbid {
	bool has_type, has_pcr, has_digest, has_string;
	uint32_t type;
	uint32_t pcr;
	uint8_t digest[RP_TPM_MAX_DIGEST];
	size_t digest_len;
	const char *string;
	size_t string_len;
	uint32_t json_node; /* for messages */
} rp_policy_forbid;

typedef enum rp_policy_app_mode {
	RP_POLICY_APPS_ALLOW = 0,    /* every loaded application is in the list */
	RP_POLICY_APPS_SEQUENCE = 1, /* the applications are exactly the list, in order */
} rp_policy_app_mode;

typedef struct rp_policy {
	rp_arena *arena;
	rp_source *src;            /* borrowed */
	bool secure_boot;          /* require SecureBoot == 1 */
	rp_policy_ids pk, kek, db; /* allow-lists */
	rp_policy_ids dbx;         /* must-contain */
	bool apps_set;
	uint16_t apps_bank;
	rp_policy_app_mode apps_mode;
	uint8_t (*apps)[RP_TPM_MAX_DIGEST];
	size_t napps;
	uint32_t separators; /* bit per PCR that needs exactly one separator */
	rp_policy_forbid *forbid;
	size_t nforbid;
	rp_pcr_set pcrs; /* expected values (present bits) */
	bool require_event_digests;
	uint16_t quote_hashes[8]; /* allowed signature hashes; 0 entries = any */
	size_t nquote_hashes;
} rp_policy;

/* Parses a policy file (strict JSON; unknown keys are errors).  0, or
 * -RP_EPARSE with diagnostics pointing into src.  Free with
 * rp_policy_free(); src must outlive the policy. */
int rp_policy_parse(rp_source *src, rp_policy **out, rp_diag *diag);
rp_policy *rp_policy_free(rp_policy *p);

/* Writes a policy that the given known-good log satisfies (for review):
 * secure_boot when enabled, PK/KEK/db/dbx as measured, the boot
 * applications in order (sha256 bank, else the first), separators on PCR
 * 0-7 that have exactly one, and the replayed PCR values of every PCR the
 * log extends.  0 or a negative code. */
int rp_policy_generate(const rp_evlog *log, const rp_replay *rep, rp_buf *out);

/* ---- verdict ---- */
typedef enum rp_check_status {
	RP_CHECK_PASS = 0,
	RP_CHECK_FAIL = 1,
	RP_CHECK_UNKNOWN = 2,
} rp_check_status;

typedef struct rp_check {
	const char *id; /* stable rule id, e.g. "quote.signature" */
	rp_check_status status;
	const char *message; /* arena */
	rp_source *src;      /* file the span refers to, or NULL */
	int64_t event;       /* event seq, or -1 */
	uint32_t offset, length;
} rp_check;

typedef struct rp_verdict {
	rp_arena *arena;
	rp_check *checks;
	size_t n, cap;
	size_t npass, nfail, nunknown;
} rp_verdict;

void rp_verdict_init(rp_verdict *v);
void rp_verdict_release(rp_verdict *v);
/* Adds a check; the message is formatted into the verdict's arena.
 * ev (may be NULL) gives the event span in src.  0 or -RP_ENOMEM. */
int rp_verdict_add(rp_verdict *v, const char *id, rp_check_status st, rp_source *src,
		   const rp_evlog_event *ev, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* True when at least one check ran and all passed. */
bool rp_verdict_trusted(const rp_verdict *v);
const char *rp_check_status_name(rp_check_status s);

typedef struct rp_attest_input {
	/* event log (optional) and its replay */
	const rp_evlog *log;
	const rp_replay *replay;
	/* quote (optional; all of these together) */
	const rp_tpm_attest *quote;
	rp_source *quote_src;
	const rp_tpm_sig *sig;
	rp_source *sig_src;
	const rp_ak *ak;
	const uint8_t *nonce;
	size_t nonce_len;
	uint16_t hash; /* signature hash override for plain signatures, or 0 */
	/* PCR values file (optional) */
	const rp_pcr_set *pcrs;
	rp_source *pcrs_src;
	/* policy (optional) */
	const rp_policy *policy;
} rp_attest_input;

/* Runs every applicable check into v.  0, or -RP_ENOMEM/-RP_EINTERNAL. */
int rp_attest_evaluate(const rp_attest_input *in, rp_verdict *v);
/* The policy part of rp_attest_evaluate (in->policy must be set). */
int rp_policy_evaluate(const rp_attest_input *in, rp_verdict *v);

#endif
