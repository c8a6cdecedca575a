/* json.h: position-aware JSON reader (a flat node tape) and a streaming
 * JSON writer.
 *
 * Reader.  rp_json_parse() validates the whole input (RFC 8259, UTF-8
 * included) and records one 16-byte node per value and per object key, in
 * document order, in one array.  Every node has the byte offset and length
 * of its text in the source, so any finding can point at the exact key or
 * value; lines and columns come from the source's line table on demand.
 * Containers store the index just past their subtree (O(1) skip) and their
 * child count.  Strings are unescaped on access; plain strings come back as
 * slices of the input.  Numbers stay text until converted.
 *
 * Object layout on the tape: the object node, then for each member a KEY
 * node followed by the value's subtree.
 *
 * Extensions (ARM's extended JSON) are off in strict mode; each use is
 * recorded in doc->ext_uses with its offset, so callers can report it.
 *
 * Duplicate keys: every duplicate is recorded in doc->dups and flagged on
 * the key node.  Lookups return the LAST member with the key, as Azure
 * Resource Manager (Newtonsoft.Json) does: see docs/json.md.
 *
 * Ownership: the document owns its nodes and its arena; the source is
 * borrowed and must outlive the document.  Strings returned by accessors
 * are borrowed from the document or the source.
 */
#ifndef RP_JSON_JSON_H
#define RP_JSON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/source.h"

/* ---- limits (each a clean RP_ELIMIT diagnostic with a position) ---- */
#define RP_JSON_MAX_DEPTH 1000u                   /* nesting of arrays/objects */
#define RP_JSON_MAX_STRING ((size_t)64 << 20)     /* raw bytes between a string's quotes */
#define RP_JSON_MAX_NODES ((uint32_t)1 << 28)     /* nodes in one document */
#define RP_JSON_MAX_CHILDREN ((uint32_t)0xFFFFFF) /* members of one container */
#define RP_JSON_MAX_NUMBER 1024u                  /* characters in one number */

typedef enum rp_json_kind {
	RP_JSON_NULL = 0,
	RP_JSON_FALSE = 1,
	RP_JSON_TRUE = 2,
	RP_JSON_NUMBER = 3,
	RP_JSON_STRING = 4,
	RP_JSON_ARRAY = 5,
	RP_JSON_OBJECT = 6,
	RP_JSON_KEY = 7,
} rp_json_kind;

/* Node flags. */
enum {
	RP_JSON_F_ESCAPES = 1u << 0, /* string/key contains backslash escapes */
	RP_JSON_F_RAWCTRL = 1u << 1, /* string holds raw control chars (multi-line ext.) */
	RP_JSON_F_DUP = 1u << 2,     /* key repeats an earlier key of its object */
	RP_JSON_F_INTEGER = 1u << 3, /* number has no fraction and no exponent */
};

typedef struct rp_json_node {
	uint32_t off;  /* byte offset of the first character (quote, bracket, digit) */
	uint32_t len;  /* byte length of the token; containers: through the closer */
	uint32_t next; /* index just past this node's subtree */
	uint32_t meta; /* kind: bits 0-3; flags: bits 4-7; bits 8-31: child count
			* (containers), or for strings and keys with escapes
			* 1 + their ordinal among those (decoding cache slot;
			* 0 past 2^24 - 2 of them) */
} rp_json_node;

/* Parse options (bit set). */
enum {
	RP_JSON_ALLOW_COMMENTS = 1u << 0,        /* // and / * * / comments */
	RP_JSON_ALLOW_MULTILINE = 1u << 1,       /* raw newlines and control chars in strings */
	RP_JSON_ALLOW_TRAILING_COMMAS = 1u << 2, /* [1,2,] and {"a":1,} */
	RP_JSON_ALLOW_BOM = 1u << 3,             /* leading UTF-8 BOM */
	RP_JSON_STRICT = 0,
	/* What Azure Resource Manager accepts in templates and parameter files. */
	RP_JSON_EXTENDED = RP_JSON_ALLOW_COMMENTS | RP_JSON_ALLOW_MULTILINE |
			   RP_JSON_ALLOW_TRAILING_COMMAS | RP_JSON_ALLOW_BOM,
};

typedef enum rp_json_ext {
	RP_JSON_EXT_LINE_COMMENT = 0,
	RP_JSON_EXT_BLOCK_COMMENT = 1,
	RP_JSON_EXT_MULTILINE_STRING = 2,
	RP_JSON_EXT_TRAILING_COMMA = 3,
	RP_JSON_EXT_BOM = 4,
	RP_JSON_EXT_COUNT_ = 5,
} rp_json_ext;

typedef struct rp_json_ext_use {
	rp_json_ext ext;
	uint32_t off;
} rp_json_ext_use;

typedef struct rp_json_dup {
	uint32_t first_key; /* node index of the earlier key */
	uint32_t dup_key;   /* node index of the repeated key */
} rp_json_dup;

typedef struct rp_json_doc {
	rp_source *src; /* borrowed */
	rp_json_node *nodes;
	uint32_t nnodes;
	uint32_t nodes_cap; /* tape entries allocated (sized once from a bound) */
	unsigned options;
	unsigned ext_mask;         /* bit (1 << rp_json_ext) per extension used */
	rp_json_ext_use *ext_uses; /* first RP_JSON_MAX_EXT_USES uses, in order */
	uint32_t nuses, uses_cap;
	uint32_t ext_count; /* all uses, including those not kept */
	rp_json_dup *dups;
	uint32_t ndups, dups_cap;
	rp_arena *arena;   /* unescaped strings */
	void *strcache;    /* node index -> unescaped string */
	uint32_t nescaped; /* strings and keys with escapes */
} rp_json_doc;

#define RP_JSON_MAX_EXT_USES 4096u
#define RP_JSON_NONE UINT32_MAX

/* Parses src.  On success *out is a document to free with
 * rp_json_doc_free().  On failure returns -RP_EPARSE, -RP_ELIMIT or
 * -RP_ENOMEM after adding an error diagnostic with the exact position to
 * diag (may be NULL).  Duplicate keys and extension uses are not
 * diagnostics here: the caller decides how to report them (see
 * rp_json_report()). */
int rp_json_parse(rp_source *src, unsigned options, rp_json_doc **out, rp_diag *diag);

/* Lower limits for one parse (a field of 0 keeps the default above; a
 * value above the default is clamped to it).  For callers that want
 * tighter bounds on small inputs, and for testing every limit. */
typedef struct rp_json_limits {
	uint32_t max_depth;    /* RP_JSON_MAX_DEPTH */
	uint32_t max_nodes;    /* RP_JSON_MAX_NODES */
	uint32_t max_children; /* RP_JSON_MAX_CHILDREN */
	uint32_t max_number;   /* RP_JSON_MAX_NUMBER */
	size_t max_string;     /* RP_JSON_MAX_STRING: raw bytes between the quotes */
} rp_json_limits;
/* As rp_json_parse with limits (NULL: the defaults). */
int rp_json_parse_ex(rp_source *src, unsigned options, const rp_json_limits *limits,
		     rp_json_doc **out, rp_diag *diag);
rp_json_doc *rp_json_doc_free(rp_json_doc *doc);
/* Declares the nodes [from, to) of doc's tape no longer needed: the whole
 * 2 MiB blocks of a big tape (4 MiB and more) they cover go back to the
 * system at once (madvise MADV_DONTNEED), so a consumer that reads a big
 * document front to back can hand its memory back as it goes.  Afterwards
 * those nodes read as zeros: the caller must never read them again (their
 * strings, spans and subtrees included).  Nothing happens for small tapes,
 * or where madvise is not available.  Returns the bytes released. */
size_t rp_json_doc_discard(rp_json_doc *doc, uint32_t from, uint32_t to);

/* Adds one warning per duplicate key and one note per extension use (up to
 * a few per kind) to diag. */
void rp_json_report(const rp_json_doc *doc, rp_diag *diag);
const char *rp_json_ext_name(rp_json_ext ext);
const char *rp_json_kind_name(rp_json_kind kind);

/* ---- node access ---- */
static inline rp_json_kind rp_json_kind_of(const rp_json_doc *d, uint32_t i)
{
	return (rp_json_kind)(d->nodes[i].meta & 0xFu);
}
static inline unsigned rp_json_flags(const rp_json_doc *d, uint32_t i)
{
	return (d->nodes[i].meta >> 4) & 0xFu;
}
/* Members of an array or object; 0 for other kinds. */
static inline uint32_t rp_json_count(const rp_json_doc *d, uint32_t i)
{
	rp_json_kind k = rp_json_kind_of(d, i);

	return k == RP_JSON_ARRAY || k == RP_JSON_OBJECT ? d->nodes[i].meta >> 8 : 0;
}
/* Index just past node i's subtree. */
static inline uint32_t rp_json_skip(const rp_json_doc *d, uint32_t i)
{
	return d->nodes[i].next;
}
static inline uint32_t rp_json_root(const rp_json_doc *d)
{
	(void)d;
	return 0;
}
static inline bool rp_json_is(const rp_json_doc *d, uint32_t i, rp_json_kind k)
{
	return i != RP_JSON_NONE && rp_json_kind_of(d, i) == k;
}

/* Iteration over an array's elements or an object's members:
 *   rp_json_iter it = rp_json_iter_begin(doc, obj);
 *   uint32_t key, val;
 *   while (rp_json_iter_next(doc, &it, &key, &val)) ...
 * For arrays key is RP_JSON_NONE.  Duplicate keys are all visited. */
typedef struct rp_json_iter {
	uint32_t pos, end;
	bool object;
} rp_json_iter;
rp_json_iter rp_json_iter_begin(const rp_json_doc *d, uint32_t container);
bool rp_json_iter_next(const rp_json_doc *d, rp_json_iter *it, uint32_t *key, uint32_t *val);

/* Value of the member named key (exact bytes / ASCII case-insensitive, as
 * ARM compares property names), or RP_JSON_NONE.  The last duplicate wins.
 * keylen is the byte length of the decoded name.  Linear in the member
 * count; build an rp_map for repeated lookups in big objects. */
uint32_t rp_json_get(rp_json_doc *d, uint32_t obj, const char *key, size_t keylen);
uint32_t rp_json_get_ci(rp_json_doc *d, uint32_t obj, const char *key, size_t keylen);
/* NUL-terminated key convenience forms. */
uint32_t rp_json_getz(rp_json_doc *d, uint32_t obj, const char *key);
uint32_t rp_json_getz_ci(rp_json_doc *d, uint32_t obj, const char *key);
/* Element i of an array (linear), or RP_JSON_NONE. */
uint32_t rp_json_at(const rp_json_doc *d, uint32_t arr, uint32_t i);

/* Decoded bytes of a STRING or KEY node.  *p is NUL-terminated only when
 * the node has escapes; use *n.  The text may contain NUL bytes (\u0000).
 * Returns 0, -RP_EINVAL for another kind, or -RP_ENOMEM. */
int rp_json_str(rp_json_doc *d, uint32_t i, const char **p, size_t *n);
/* Decoded string as a NUL-terminated copy in the document's arena; NULL on
 * error or wrong kind. */
const char *rp_json_strz(rp_json_doc *d, uint32_t i);
/* True when node i is a STRING/KEY whose decoded bytes equal s[0..n). */
bool rp_json_str_eq(rp_json_doc *d, uint32_t i, const char *s, size_t n);

/* Numbers: exact int64 when the text is an integer in range (-RP_ERANGE
 * otherwise, including fractions and exponents that give an integer),
 * double by correctly rounded, locale-independent conversion (-RP_ERANGE on
 * overflow to infinity). */
int rp_json_int64(const rp_json_doc *d, uint32_t i, int64_t *out);
int rp_json_double(const rp_json_doc *d, uint32_t i, double *out);
/* rp_json_double on the number text s[0..n) (a valid JSON number). */
int rp_json_number_double(const char *s, size_t n, double *out);
/* Decodes the escapes of a string body s[0..n) the reader validated into
 * o (room for n bytes: the result is never longer); returns its length. */
size_t rp_json_unescape(const char *s, size_t n, char *o);
/* Raw token text of any node. */
static inline const char *rp_json_text(const rp_json_doc *d, uint32_t i, size_t *n)
{
	*n = d->nodes[i].len;
	return d->src->data + d->nodes[i].off;
}

/* ---- writer ----
 * Streams JSON text into an rp_buf.  Deterministic: keys in the order
 * written, shortest round-trip doubles, "\uXXXX" for control characters,
 * invalid UTF-8 replaced by U+FFFD.  indent = 0 for compact output.
 * Errors (ENOMEM, misuse such as a value where a key is due) are sticky:
 * check rp_jw_finish(). */
#define RP_JW_MAX_DEPTH 256

typedef struct rp_jw {
	rp_buf *out; /* borrowed */
	int indent;
	int depth;
	int err;
	bool need_comma[RP_JW_MAX_DEPTH + 1];
	bool in_object[RP_JW_MAX_DEPTH + 1];
	bool after_key;
} rp_jw;

void rp_jw_init(rp_jw *w, rp_buf *out, int indent);
void rp_jw_object_begin(rp_jw *w);
void rp_jw_object_end(rp_jw *w);
void rp_jw_array_begin(rp_jw *w);
void rp_jw_array_end(rp_jw *w);
void rp_jw_keyn(rp_jw *w, const char *key, size_t n);
/* Inline so that the length of a literal key is known at compile time. */
static inline void rp_jw_key(rp_jw *w, const char *key)
{
	rp_jw_keyn(w, key, strlen(key));
}
/* A key that is a string literal of characters JSON does not escape
 * (checked in debug builds): written as one precomputed `"key": ` without
 * strlen or escaping. */
#define RP_JW_KEY(w, lit) rp_jw_key_plain((w), RP_JW_QUOTED_(lit))
/* quoted: `"key": ` (n bytes) with nothing to escape in key. */
void rp_jw_key_plain(rp_jw *w, const char *quoted, size_t n);
/* A whole member (RP_JW_KEY's key and its value) in one step, as
 * RP_JW_KEY followed by rp_jw_string (NULL: null), rp_jw_stringn,
 * rp_jw_uint, rp_jw_bool or rp_jw_raw would write it. */
#define RP_JW_QUOTED_(lit) "\"" lit "\": ", sizeof(lit) + 3
#define RP_JW_STR(w, lit, s) rp_jw_member_str((w), RP_JW_QUOTED_(lit), (s))
#define RP_JW_STRN(w, lit, s, n) rp_jw_member_strn((w), RP_JW_QUOTED_(lit), (s), (n))
#define RP_JW_UINT(w, lit, v) rp_jw_member_uint((w), RP_JW_QUOTED_(lit), (v))
#define RP_JW_BOOL(w, lit, v) \
	rp_jw_member_raw((w), RP_JW_QUOTED_(lit), (v) ? "true" : "false", (v) ? 4u : 5u)
#define RP_JW_NULL(w, lit) rp_jw_member_raw((w), RP_JW_QUOTED_(lit), "null", 4)
void rp_jw_member_str(rp_jw *w, const char *quoted, size_t qn, const char *s);
void rp_jw_member_strn(rp_jw *w, const char *quoted, size_t qn, const char *s, size_t n);
void rp_jw_member_uint(rp_jw *w, const char *quoted, size_t qn, uint64_t v);
void rp_jw_member_raw(rp_jw *w, const char *quoted, size_t qn, const char *json, size_t n);
void rp_jw_string(rp_jw *w, const char *s);
void rp_jw_stringn(rp_jw *w, const char *s, size_t n);
void rp_jw_int(rp_jw *w, int64_t v);
void rp_jw_uint(rp_jw *w, uint64_t v);
void rp_jw_double(rp_jw *w, double v); /* NaN/inf written as null */
void rp_jw_bool(rp_jw *w, bool v);
void rp_jw_null(rp_jw *w);
/* Already-serialised JSON text, inserted as one value. */
void rp_jw_raw(rp_jw *w, const char *json, size_t n);
/* Copies node i of doc (and its subtree) as a value. */
void rp_jw_node(rp_jw *w, rp_json_doc *doc, uint32_t i);
/* 0 when the document is complete and no error occurred; adds a final
 * newline when indenting. */
int rp_jw_finish(rp_jw *w);

/* Appends s[0..n) as a JSON string literal (with quotes) to b. */
int rp_json_escape(rp_buf *b, const char *s, size_t n);
/* Shortest "%.Ng" that reads back as v ("1", "0.1", "1e+300"). */
int rp_json_format_double(char *dst, size_t cap, double v);

#endif
