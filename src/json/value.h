/* value.h: typed values with provenance, for evaluators and the model.
 *
 * ARM evaluation, Terraform plans and exports all produce rp_value trees:
 * null, bool, int (64-bit), float, string, array, object, and UNKNOWN.  An
 * unknown is a value rampart cannot know offline (a parameter without a
 * value, reference(), utcNow(), a Terraform "known after apply"); it carries
 * the reason and where it arose, and propagates through every operation.
 * Errors are not values: evaluators return a negative RP_E* code with a
 * diagnostic.
 *
 * Every value carries a span: the JSON text it came from (the literal in the
 * template, or the expression string that computed it), so a rule can point
 * at the exact property.
 *
 * Ownership: values are immutable once built and live in an arena (the
 * deployment's); constructors return NULL on allocation failure.  Objects
 * keep members in insertion order; lookups are ASCII case-insensitive, as
 * ARM property names are.
 */
#ifndef RP_JSON_VALUE_H
#define RP_JSON_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json/json.h"
#include "util/arena.h"
#include "util/source.h"

typedef enum rp_vkind {
	RP_V_NULL = 0,
	RP_V_BOOL,
	RP_V_INT,
	RP_V_FLOAT,
	RP_V_STRING,
	RP_V_ARRAY,
	RP_V_OBJECT,
	RP_V_UNKNOWN,
} rp_vkind;

/* Value flags. */
enum {
	RP_VF_SECURE = 1u << 0,  /* from a secureString/secureObject parameter */
	RP_VF_LITERAL = 1u << 1, /* written literally in the input (not computed) */
	RP_VF_DEFAULT = 1u << 2, /* came from a parameter's defaultValue */
};

/* Where a value came from. src NULL = nowhere in particular. */
typedef struct rp_span {
	rp_source *src;
	uint32_t off, len;
} rp_span;

typedef struct rp_value rp_value;

typedef struct rp_member {
	const char *key; /* NUL-terminated (may contain NUL; use keylen) */
	uint32_t keylen;
	rp_span keyspan;
	rp_value *val;
} rp_member;

struct rp_value {
	uint8_t kind;  /* rp_vkind */
	uint8_t flags; /* RP_VF_* */
	uint32_t len;  /* string bytes, array items, object members */
	rp_span span;
	union {
		bool b;
		int64_t i;
		double f;
		const char *s; /* NUL-terminated, len bytes */
		rp_value **items;
		rp_member *members;
		const char *reason; /* UNKNOWN: why it cannot be known */
	} u;
};

rp_value *rp_value_null(rp_arena *a, rp_span sp);
rp_value *rp_value_bool(rp_arena *a, bool b, rp_span sp);
rp_value *rp_value_int(rp_arena *a, int64_t i, rp_span sp);
rp_value *rp_value_float(rp_arena *a, double f, rp_span sp);
/* Copies s[0..n). */
rp_value *rp_value_string(rp_arena *a, const char *s, size_t n, rp_span sp);
/* Takes s (already in the arena, NUL-terminated) without copying. */
rp_value *rp_value_string_borrow(rp_arena *a, const char *s, size_t n, rp_span sp);
/* Copies the items / members array (not the values). */
rp_value *rp_value_array(rp_arena *a, rp_value *const *items, size_t n, rp_span sp);
rp_value *rp_value_object(rp_arena *a, const rp_member *members, size_t n, rp_span sp);
/* As rp_value_array / rp_value_object, but the value takes items[0..n) /
 * members[0..n) as they are (no copy): the array must be in a (or live as
 * long as it) and must not change afterwards.  NULL when items/members is
 * NULL with n > 0, or on allocation failure. */
rp_value *rp_value_array_take(rp_arena *a, rp_value **items, size_t n, rp_span sp);
rp_value *rp_value_object_take(rp_arena *a, rp_member *members, size_t n, rp_span sp);
/* An unknown with a reason (copied).  printf-style. */
rp_value *rp_value_unknown(rp_arena *a, rp_span sp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An unknown with the reason reason[0..n) (copied, no formatting). */
rp_value *rp_value_unknown_str(rp_arena *a, rp_span sp, const char *reason, size_t n);
/* Shallow copy with other flags / span. */
rp_value *rp_value_with(rp_arena *a, const rp_value *v, unsigned flags, rp_span sp);

/* Converts node i of doc (and its subtree) into values with spans into
 * doc->src.  Duplicate keys: the last one is kept (as lookups would see).
 * Returns NULL on allocation failure. */
rp_value *rp_value_from_json(rp_arena *a, rp_json_doc *doc, uint32_t i);

/* Parses src (rp_json_parse's grammar, options and limits) straight into
 * values in a, in one pass with no tape: the same tree as
 * rp_value_from_json(a, rp_json_parse(src), root) (kinds, spans into src,
 * flags, decoded strings, duplicate keys).  0 and *out on success;
 * -RP_EPARSE on any syntax error or limit, with no diagnostic (parse again
 * with rp_json_parse for the exact one); -RP_ENOMEM.  Values built before
 * a failure stay in the arena. */
int rp_value_parse(rp_source *src, unsigned options, rp_arena *a, rp_value **out);

/* Member lookup, ASCII case-insensitive; NULL if absent or v is no object.
 * The last member with the key wins. */
rp_value *rp_value_get(const rp_value *v, const char *key, size_t keylen);
/* rp_value_get with a NUL-terminated key (inline: a literal key's length
 * is known at compile time). */
static inline rp_value *rp_value_getz(const rp_value *v, const char *key)
{
	return rp_value_get(v, key, strlen(key));
}
/* Path lookup "properties.securityProfile.uefiSettings" (dots only). */
rp_value *rp_value_path(const rp_value *v, const char *dotted);

/* True if v or anything inside it is UNKNOWN. */
bool rp_value_has_unknown(const rp_value *v);
/* First UNKNOWN inside v (depth-first), or NULL. */
const rp_value *rp_value_find_unknown(const rp_value *v);
/* Deep structural equality; strings compare exactly (case-sensitive),
 * object keys case-insensitively, ints and floats numerically.  Unknowns
 * are never equal to anything (callers check rp_value_has_unknown first). */
bool rp_value_equal(const rp_value *a, const rp_value *b);

static inline bool rp_value_is(const rp_value *v, rp_vkind k)
{
	return v && v->kind == k;
}
/* String compare helpers (v must be a STRING). */
bool rp_value_str_ieq(const rp_value *v, const char *s);

const char *rp_vkind_name(rp_vkind k);

/* Writes v as JSON.  Unknowns are written as {"$unknown": reason}. */
void rp_value_write(rp_jw *w, const rp_value *v);

#endif
