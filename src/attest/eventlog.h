/* eventlog.h: TCG PC Client firmware event log (binary_bios_measurements).
 *
 * Spec: TCG PC Client Platform Firmware Profile (PFP): TCG_PCR_EVENT (SHA-1
 * legacy format) and TCG_PCR_EVENT2 (crypto-agile format, announced by a
 * first EV_NO_ACTION event whose data is TCG_EfiSpecIdEvent "Spec ID
 * Event03").  All integers are little-endian.  Digest sizes of the banks come
 * from the Spec ID event, so unknown algorithms are still skipped exactly.
 *
 * The parser reads the log with a bounds-checked cursor into an array of
 * events whose data and digests point into the source (which must outlive
 * the log).  Trailing 0x00/0xFF padding is ignored.  Malformed input gives
 * -RP_EPARSE (or -RP_ELIMIT) with one error diagnostic carrying the byte
 * offset; nothing is guessed.
 *
 * Payload decoders (UEFI_VARIABLE_DATA, EFI_SIGNATURE_LIST,
 * UEFI_IMAGE_LOAD_EVENT, device paths) and the PCR replay live here too.
 */
#ifndef RP_ATTEST_EVENTLOG_H
#define RP_ATTEST_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attest/tpm.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/source.h"

/* ---- limits ---- */
#define RP_EVLOG_MAX_EVENTS 200000u         /* events in one log */
#define RP_EVLOG_MAX_EVENT_DATA (16u << 20) /* bytes of one event's data */
#define RP_EVLOG_MAX_ALGS 16u               /* algorithms in the Spec ID event */
#define RP_EVLOG_MAX_DIGEST_SIZE 512u       /* digest size announced for one algorithm */

/* ---- event types (PFP "Events") ---- */
#define RP_EV_PREBOOT_CERT 0x00u
#define RP_EV_POST_CODE 0x01u
#define RP_EV_NO_ACTION 0x03u
#define RP_EV_SEPARATOR 0x04u
#define RP_EV_ACTION 0x05u
#define RP_EV_EVENT_TAG 0x06u
#define RP_EV_S_CRTM_CONTENTS 0x07u
#define RP_EV_S_CRTM_VERSION 0x08u
#define RP_EV_CPU_MICROCODE 0x09u
#define RP_EV_PLATFORM_CONFIG_FLAGS 0x0Au
#define RP_EV_TABLE_OF_DEVICES 0x0Bu
#define RP_EV_COMPACT_HASH 0x0Cu
#define RP_EV_IPL 0x0Du
#define RP_EV_IPL_PARTITION_DATA 0x0Eu
#define RP_EV_EFI_VARIABLE_DRIVER_CONFIG 0x80000001u
#define RP_EV_EFI_VARIABLE_BOOT 0x80000002u
#define RP_EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u
#define RP_EV_EFI_BOOT_SERVICES_DRIVER 0x80000004u
#define RP_EV_EFI_RUNTIME_SERVICES_DRIVER 0x80000005u
#define RP_EV_EFI_GPT_EVENT 0x80000006u
#define RP_EV_EFI_ACTION 0x80000007u
#define RP_EV_EFI_PLATFORM_FIRMWARE_BLOB 0x80000008u
#define RP_EV_EFI_HANDOFF_TABLES 0x80000009u
#define RP_EV_EFI_PLATFORM_FIRMWARE_BLOB2 0x8000000Au
#define RP_EV_EFI_HANDOFF_TABLES2 0x8000000Bu
#define RP_EV_EFI_VARIABLE_BOOT2 0x8000000Cu
#define RP_EV_EFI_GPT_EVENT2 0x8000000Du
#define RP_EV_EFI_HCRTM_EVENT 0x80000010u
#define RP_EV_EFI_VARIABLE_AUTHORITY 0x800000E0u

typedef enum rp_evlog_format {
	RP_EVLOG_SHA1 = 0,         /* TCG_PCR_EVENT only */
	RP_EVLOG_CRYPTO_AGILE = 1, /* Spec ID Event03 + TCG_PCR_EVENT2 */
} rp_evlog_format;

typedef struct rp_evlog_bank {
	uint16_t alg;
	uint16_t size;
} rp_evlog_bank;

/* Result of checking an event's digest against its data, per PFP rules. */
typedef enum rp_digest_check {
	RP_DIGEST_NOT_DEFINED = 0, /* the spec does not define the digest as H(data) */
	RP_DIGEST_OK = 1,          /* every hashable bank matches */
	RP_DIGEST_VARIANT = 2,     /* matches a documented variant (e.g. VariableData only) */
	RP_DIGEST_MISMATCH = 3,    /* at least one bank differs */
	RP_DIGEST_UNKNOWN = 4,     /* no bank could be hashed */
} rp_digest_check;

typedef struct rp_evlog_event {
	uint32_t seq; /* 0-based position in the log */
	uint32_t pcr;
	uint32_t type;
	uint32_t off;      /* byte offset of the event header */
	uint32_t end;      /* byte offset just past the event */
	uint32_t data_off; /* byte offset of the event data */
	uint32_t data_len;
	const uint8_t *data;
	const uint8_t **digests; /* [log->nbanks]; NULL when the event lacks that bank */
	rp_digest_check check;   /* filled by rp_evlog_check_digests() */
} rp_evlog_event;

typedef struct rp_evlog {
	rp_arena *arena;
	rp_source *src; /* borrowed */
	rp_evlog_format format;
	size_t nbanks;
	rp_evlog_bank banks[RP_EVLOG_MAX_ALGS];
	bool has_specid; /* crypto-agile Spec ID event present */
	uint32_t platform_class;
	uint8_t spec_minor, spec_major, spec_errata, uintn_size;
	uint32_t vendor_off, vendor_len;
	int startup_locality; /* -1: no StartupLocality event */
	uint32_t startup_locality_seq;
	rp_evlog_event *events;
	size_t nevents;
	size_t parsed_end; /* offset where events end (padding follows) */
} rp_evlog;

/* Parses the log held in src (binary).  On success *out is a log to free
 * with rp_evlog_free(); it borrows src.  On failure returns -RP_EPARSE,
 * -RP_ELIMIT or -RP_ENOMEM after adding an error diagnostic (code
 * "eventlog-parse") whose span starts at the offending byte. */
int rp_evlog_parse(rp_source *src, rp_evlog **out, rp_diag *diag);
rp_evlog *rp_evlog_free(rp_evlog *log);

/* Static name ("EV_SEPARATOR") or NULL for an unnamed type. */
const char *rp_evlog_type_name(uint32_t type);
/* Parses "EV_SEPARATOR" or a number; 0 or -RP_EINVAL. */
int rp_evlog_type_parse(const char *name, uint32_t *type);
/* Index of alg in log->banks, or -1. */
int rp_evlog_bank_index(const rp_evlog *log, uint16_t alg);

/* Checks every event's digest where the PFP defines it as a hash of the
 * event data (EV_SEPARATOR, EV_EFI_ACTION, EV_ACTION, EV_EFI_VARIABLE_*,
 * EV_EFI_GPT_EVENT, EV_S_CRTM_VERSION, grub EV_IPL on PCR 8) and sets
 * ev->check.  Adds a warning per mismatch (code "eventlog-digest").
 * Returns 0 or a negative code (hashing failure). */
int rp_evlog_check_digests(rp_evlog *log, rp_diag *diag);

/* ---- replay ---- */
typedef struct rp_replay_opts {
	/* go-attestation's workaround for firmware that does not log
	 * ExitBootServices: extend PCR5 with the two EV_EFI_ACTION strings
	 * when the log has none.  Off by default; reported when applied. */
	bool ebs_workaround;
} rp_replay_opts;

typedef struct rp_replay {
	rp_pcr_set pcrs;                        /* hashable banks, every PCR present */
	uint32_t unhashable[RP_EVLOG_MAX_ALGS]; /* algorithms OpenSSL cannot hash */
	size_t nunhashable;
	uint16_t incomplete[RP_EVLOG_MAX_ALGS]; /* banks some event has no digest for */
	size_t nincomplete;
	bool ebs_applied;
	uint32_t extended; /* bit i: PCR i was extended by some event */
} rp_replay;

/* Replays the log into per-bank PCR values: PCR0 starts at 0..0||locality
 * (StartupLocality), PCR 17-22 at FF..FF, others at 0.  EV_NO_ACTION events
 * are never extended.  A bank that some extending event has no digest for
 * is not replayed: it is listed in incomplete, with a warning (code
 * "eventlog-replay"), as tpm2_eventlog does.  0 or negative code. */
int rp_evlog_replay(const rp_evlog *log, const rp_replay_opts *opts, rp_replay *out, rp_diag *diag);

/* ---- payloads ---- */
typedef struct rp_efi_guid {
	uint8_t b[16]; /* as stored: Data1..3 little-endian */
} rp_efi_guid;

/* "8be4df61-93ca-11d2-aa0d-00e098032b8c" into dst[37]. */
void rp_efi_guid_format(const rp_efi_guid *g, char *dst);

#define RP_GUID_EFI_GLOBAL_VARIABLE "8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define RP_GUID_IMAGE_SECURITY_DB "d719b2cb-3d3a-4596-a3bc-dad00e67656f"
#define RP_GUID_SHIM_LOCK "605dab50-e046-4300-abb6-3dd810dd8b23"
#define RP_GUID_CERT_X509 "a5c059a1-94e4-4aa7-87b5-ab155c2bf072"
#define RP_GUID_CERT_SHA256 "c1c41626-504c-4092-aca9-41f936934328"

/* UEFI_VARIABLE_DATA. */
typedef struct rp_uefi_var {
	rp_efi_guid guid;
	const uint8_t *name16; /* UTF-16LE, name_len code units */
	size_t name_len;
	const uint8_t *data;
	size_t data_len;
	uint32_t data_off; /* absolute offset of VariableData */
} rp_uefi_var;

/* Decodes ev's data as UEFI_VARIABLE_DATA.  0 or -RP_EPARSE. */
int rp_uefi_var_parse(const rp_evlog_event *ev, rp_uefi_var *out);
/* The variable name as UTF-8 (arena copy; "?" for invalid code units). */
char *rp_uefi_var_name(rp_arena *a, const rp_uefi_var *v);
/* True when the variable's name equals ASCII name. */
bool rp_uefi_var_name_is(const rp_uefi_var *v, const char *name);

/* One EFI_SIGNATURE_DATA of an EFI_SIGNATURE_LIST. */
typedef struct rp_efi_sig {
	rp_efi_guid type;
	rp_efi_guid owner;
	const uint8_t *data;
	size_t len;
} rp_efi_sig;

typedef enum rp_efi_sig_kind {
	RP_EFI_SIG_OTHER = 0,
	RP_EFI_SIG_X509 = 1,
	RP_EFI_SIG_SHA256 = 2,
} rp_efi_sig_kind;

rp_efi_sig_kind rp_efi_sig_kind_of(const rp_efi_sig *s);
/* The identity used by policies: SHA-256 of an X.509 certificate's DER, the
 * hash itself for SHA-256 entries, SHA-256 of the data otherwise. */
int rp_efi_sig_id(const rp_efi_sig *s, uint8_t out[32]);

/* Iterates a concatenation of EFI_SIGNATURE_LISTs.  Call with *pos = 0;
 * returns 1 with *sig set, 0 at the end, -RP_EPARSE on a malformed list
 * (limit RP_EFI_MAX_SIGS entries). */
#define RP_EFI_MAX_SIGS 100000u
typedef struct rp_efi_sig_iter {
	const uint8_t *p;
	size_t len;
	size_t pos;   /* offset of the current list */
	size_t entry; /* offset of the next entry within the buffer */
	size_t list_end;
	uint32_t sig_size;
	rp_efi_guid type;
	size_t count;
} rp_efi_sig_iter;
void rp_efi_sig_iter_init(rp_efi_sig_iter *it, const uint8_t *p, size_t len);
int rp_efi_sig_iter_next(rp_efi_sig_iter *it, rp_efi_sig *sig);

/* UEFI_IMAGE_LOAD_EVENT (EV_EFI_BOOT_SERVICES_APPLICATION/_DRIVER). */
typedef struct rp_uefi_image {
	uint64_t location, length, link_address;
	const uint8_t *path;
	size_t path_len;
} rp_uefi_image;
int rp_uefi_image_parse(const rp_evlog_event *ev, rp_uefi_image *out);
/* Text form of an EFI device path ("PciRoot(0x0)/Pci(0x1,0x1)/.../File(\EFI\BOOT\BOOTX64.EFI)"),
 * appended to b.  Unknown nodes are printed as Path(type,subtype,hex).
 * Malformed paths end with "/<malformed>".  0 or -RP_ENOMEM. */
int rp_efi_devpath_format(rp_buf *b, const uint8_t *p, size_t len);
/* True when the device path has a firmware-volume node (FvVol/FvFile):
 * a firmware application, not one loaded from disk. */
bool rp_efi_devpath_is_fv(const uint8_t *p, size_t len);

/* The value of the SecureBoot variable: 1 enabled, 0 disabled, -1 unknown
 * (no such event, or zero-length/oversized data); *ev_seq gets the event
 * (UINT32_MAX when none); *reason a static explanation for unknown. */
int rp_evlog_secure_boot(const rp_evlog *log, uint32_t *ev_seq, const char **reason);

/* Event data as printable text for string events (EV_EFI_ACTION, EV_IPL,
 * EV_ACTION, EV_POST_CODE strings): true and slice without trailing NULs
 * when every byte is printable ASCII/UTF-8 or whitespace. */
bool rp_evlog_event_text(const rp_evlog_event *ev, const char **p, size_t *n);

#endif
