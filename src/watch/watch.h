/* watch.h: flow logs and activity logs, read as a stream (issue #9).
 *
 * Inputs (formats in docs/watch.md and ../shared/reference/monitoring.md):
 *   NSG flow logs v1 and v2, VNet flow logs (flowLogVersion 4), and Azure
 *   Activity Log records in the Event Hubs / storage shape ({"records":[...]},
 *   JSON Lines) and the REST shape (operationName.value, status.value).
 *
 * Reading.  rp_watch_reader splits a byte stream into records without
 * holding more than one record (plus one read block) in memory: the
 * elements of a top-level {"records": [...]} or {"value": [...]} array, the
 * elements of a top-level array, or each top-level object (JSON Lines, a
 * single REST event).  Each record is then parsed with the project's JSON
 * reader (src/json), with positions, and dispatched by its content: flow
 * tuples go to sink->flow one by one (no allocation per tuple: the tuple
 * text is a slice of the record), activity records to sink->activity.
 * Memory therefore depends on the largest record, not on the number of
 * records or tuples.
 *
 * Positions.  Every flow and activity carries the absolute byte offset of
 * its text in the input.  Diagnostics about a bad record point into the
 * input file (loaded again only on that error path, so the caret lines up)
 * or, for streams that cannot be re-read (stdin, Kafka), into a copy of
 * the record.
 *
 * Appends.  A flow-log blob (PT1H.json) grows by blocks inserted before
 * its closing "]}".  rp_watch_reader_resume() gives the offset and state
 * to continue from, so `--follow` parses only the records appended since
 * the last read.
 *
 * Ownership: flows and activities passed to the sink borrow the record's
 * document and are valid only during the callback.
 */
#ifndef RP_WATCH_WATCH_H
#define RP_WATCH_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json/json.h"
#include "net/addr.h"
#include "util/diag.h"
#include "util/str.h"

/* Limits. */
#define RP_WATCH_MAX_RECORD ((size_t)64 << 20) /* bytes of one record */
#define RP_WATCH_MAX_TUPLE 512u                /* bytes of one flow tuple */
#define RP_WATCH_READ_BLOCK ((size_t)1 << 20)  /* bytes read at a time */

typedef enum rp_flow_format {
	RP_FLOW_NSG_V1 = 1, /* 8 fields, decision A/D */
	RP_FLOW_NSG_V2 = 2, /* 13 fields, decision A/D, state B/C/E */
	RP_FLOW_VNET = 4,   /* 13 fields, IANA protocol, state B/C/E/D, encryption */
} rp_flow_format;

enum { RP_FLOW_IN = 0, RP_FLOW_OUT = 1 };

/* One flow tuple, normalized. */
typedef struct rp_flow {
	int64_t ts_ms; /* event time, milliseconds since the epoch */
	rp_net_addr src, dst;
	uint32_t sport, dport;
	uint8_t proto;   /* IANA number (NSG T -> 6, U -> 17) */
	uint8_t dir;     /* RP_FLOW_IN / RP_FLOW_OUT */
	uint8_t allowed; /* 1 allowed, 0 denied (NSG decision D, VNet state D) */
	char state;      /* 'B', 'C', 'E', 'D', or 0 (NSG v1) */
	uint8_t format;  /* rp_flow_format */
	uint8_t has_counts;
	uint64_t pk_s2d, by_s2d, pk_d2s, by_d2s;
	rp_slice enc;      /* VNet encryption ("X", "NX", "NX_..."); empty otherwise */
	rp_slice text;     /* the tuple as logged */
	rp_slice rule;     /* rule that logged it */
	rp_slice mac;      /* NIC MAC */
	rp_slice resource; /* NSG resource ID (NSG logs), target resource (VNet) */
	rp_slice acl;      /* VNet aclID; empty for NSG logs */
	const char *input; /* input name */
	uint64_t off;      /* absolute byte offset of the tuple's string in the input */
} rp_flow;

typedef enum rp_act_outcome {
	RP_ACT_OTHER = 0,
	RP_ACT_START = 1,   /* Start, Started */
	RP_ACT_ACCEPT = 2,  /* Accept, Accepted */
	RP_ACT_SUCCESS = 3, /* Success, Succeeded */
	RP_ACT_FAILURE = 4, /* Failure, Failed */
} rp_act_outcome;

/* One Activity Log record (either shape). */
typedef struct rp_activity {
	int64_t ts_ms;
	bool rest; /* REST shape (operationName.value) */
	uint8_t outcome;
	rp_slice op;          /* operationName, as logged */
	rp_slice result;      /* resultType / status.value */
	rp_slice resource_id; /* as logged */
	rp_slice correlation;
	rp_slice caller; /* UPN, name or principal ID; may be empty */
	rp_slice caller_ip;
	rp_json_doc *doc; /* the record */
	uint32_t rec;
	rp_json_doc *body_doc; /* properties.requestbody parsed, or NULL */
	uint32_t body;         /* its root, or RP_JSON_NONE */
	const char *input;
	uint64_t off;
} rp_activity;

typedef struct rp_watch_sink {
	void *ctx;
	int (*flow)(void *ctx, const rp_flow *f);         /* may be NULL */
	int (*activity)(void *ctx, const rp_activity *a); /* may be NULL */
	/* may be NULL: flows n at a time (consecutive tuples of one record, in
	 * order), the same as n calls of flow; lets the sink look ahead */
	int (*flows)(void *ctx, const rp_flow *f, size_t n);
} rp_watch_sink;

typedef struct rp_watch_stats {
	uint64_t bytes, records, tuples, activities;
	uint64_t skipped;    /* records of no known kind */
	uint64_t bad_tuples; /* tuples rejected (diagnostic each) */
	uint64_t bad_records;
} rp_watch_stats;

/* Parses one flow tuple of the given record format (NSG: the field count
 * decides v1 or v2).  Fills the tuple fields of *f (ts, addresses, ports,
 * protocol, direction, decision, state, counters, enc, text); returns 0 or
 * -RP_EPARSE with a static reason in *why and the byte index of the bad
 * field in *at. */
int rp_flow_tuple_parse(const char *s, size_t n, bool vnet, rp_flow *f, const char **why,
			size_t *at);

/* Milliseconds since the epoch of an ISO-8601 UTC time
 * ("2018-11-13T12:00:35.3899262Z"; offset "+hh:mm" accepted). -RP_EPARSE
 * otherwise. */
int rp_watch_parse_time(const char *s, size_t n, int64_t *ms);

/* ---- reader ---- */
typedef struct rp_watch_reader rp_watch_reader;

/* name: the input's name in diagnostics; path: a file rampart may re-read
 * to point diagnostics into it, or NULL (stdin, Kafka). NULL on ENOMEM. */
rp_watch_reader *rp_watch_reader_new(const char *name, const char *path, const rp_watch_sink *sink,
				     rp_diag *diag, rp_watch_stats *stats);
/* Diagnostics may point into sources the reader owns (the input loaded
 * again for a caret): print them before freeing the reader. */
rp_watch_reader *rp_watch_reader_free(rp_watch_reader *r);
/* Feeds the next n bytes; complete records are parsed and dispatched.
 * Returns 0, a sink's negative code, -RP_ENOMEM, or -RP_EPARSE /
 * -RP_ELIMIT after a diagnostic when the stream cannot be split any further
 * (bad records and tuples are diagnostics, counted, and skipped). */
int rp_watch_reader_feed(rp_watch_reader *r, const char *data, size_t n);
/* End of input: a partial record or missing closing bracket is an error
 * (-RP_EPARSE after a diagnostic). */
int rp_watch_reader_finish(rp_watch_reader *r);
/* For appends: the absolute offset to read again from, and resets the
 * reader to continue there (a blob's closing "]}" is re-read, as new
 * blocks are inserted before it).  Call after feeding everything. */
uint64_t rp_watch_reader_resume(rp_watch_reader *r);

/* Reads a whole file through a reader (blocks of RP_WATCH_READ_BLOCK).
 * from: offset to start at (0, or rp_watch_reader_resume()); *end gets the
 * offset read up to.  If finish, calls rp_watch_reader_finish at EOF. */
int rp_watch_read_file(rp_watch_reader *r, const char *path, uint64_t from, bool finish,
		       uint64_t *end);

/* Line and column (1-based, columns in UTF-8 characters, as
 * rp_source_linecol) of n byte offsets of a file, found in one pass with a
 * fixed buffer (memory does not grow with the file).  An offset past the
 * end gets line 0, and so does every offset of a path that is not a
 * regular file (a pipe cannot be read again).  0, -RP_EIO or -RP_ENOMEM. */
int rp_watch_linecol(const char *path, const uint64_t *off, size_t n, uint32_t *line,
		     uint32_t *col);

/* Parses one record object of doc (already split and parsed) and dispatches
 * it.  base: absolute offset of doc's first byte in the input. */
int rp_watch_record(rp_json_doc *doc, uint32_t rec, const char *input, uint64_t base,
		    const rp_watch_sink *sink, rp_diag *diag, rp_watch_stats *stats);

/* ---- helpers shared by the detectors ---- */

/* True for addresses on the Internet: not private (RFC 1918, RFC 6598),
 * loopback, link-local, the Azure platform addresses 168.63.129.16 and
 * 169.254.169.254, multicast, documentation ranges are public. IPv6:
 * not ULA, link-local, loopback, multicast. */
bool rp_watch_is_public(const rp_net_addr *a);

#endif
