/* functions_table.c: THE table of ARM template functions (one row per
 * function of Microsoft's "Template functions" reference, plus the
 * lambda()/lambdaVariables() helpers), with arity, determinism class,
 * unknown-handling flags and a summary.  docs/arm-functions.md is written
 * from this table (scripts in tests/expr print it: `arm-expr-runner
 * --table`).  Lookup is ASCII case-insensitive; names starting with "list"
 * (listKeys, listSecrets, listAccountSas...) resolve to the list* row.
 */
#include "ingest/arm/expr_internal.h"
#include "util/str.h"

#include <stdint.h>
#include <string.h>
#include <threads.h>

#define V RP_ARM_VARIADIC
#define P RP_ARM_PURE
#define D RP_ARM_DEPLOYMENT_CONTEXT
#define R RP_ARM_RUNTIME
#define ROW(nm, mn, mx, cls, fam, fl, fn, sum)                    \
	{                                                         \
		{ nm, mn, mx, cls, fam, sum }, fl, rp_arm_fn_##fn \
	}

enum { RAW = RP_ARM_F_RAW, UNK = RP_ARM_F_UNK_OK, TOP = RP_ARM_F_TOP_UNK, PFX = RP_ARM_F_PREFIX };

static const rp_arm_fdef TABLE[] = {
	/* string */
	ROW("base64", 1, 1, P, "string", 0, base64, "Base64 of the UTF-8 bytes of a string"),
	ROW("base64ToJson", 1, 1, P, "string", 0, base64ToJson,
	    "Decodes base64 and parses the JSON"),
	ROW("base64ToString", 1, 1, P, "string", 0, base64ToString,
	    "Decodes base64 to a UTF-8 string"),
	ROW("concat", 0, V, P, "string/array", TOP, concat,
	    "Concatenates strings (others converted) or arrays"),
	ROW("contains", 2, 2, P, "string/array/object", TOP, contains,
	    "Substring (case-sensitive), array element, or object key (case-insensitive)"),
	ROW("dataUri", 1, 1, P, "string", 0, dataUri,
	    "data:text/plain;charset=utf8;base64,... of a string"),
	ROW("dataUriToString", 1, 1, P, "string", 0, dataUriToString, "Decodes a data URI"),
	ROW("empty", 1, 1, P, "string/array/object", TOP, empty, "True for null, \"\", [] or {}"),
	ROW("endsWith", 2, 2, P, "string", 0, endsWith, "Suffix test (case-insensitive)"),
	ROW("first", 1, 1, P, "string/array", TOP, first, "First character or element"),
	ROW("format", 1, V, P, "string", 0, format, ".NET composite format ({0}, {0:N0}, {0,-5})"),
	ROW("guid", 1, V, P, "string", 0, guid,
	    "UUID v5 (ARM namespace) of the arguments joined with '-'"),
	ROW("indexOf", 2, 2, P, "string/array", 0, indexOf,
	    "First position (strings: case-insensitive) or -1"),
	ROW("join", 2, 2, P, "string", 0, join, "Joins array elements with a delimiter"),
	ROW("json", 1, 1, P, "string/object", 0, json, "Parses JSON text"),
	ROW("last", 1, 1, P, "string/array", TOP, last, "Last character or element"),
	ROW("lastIndexOf", 2, 2, P, "string/array", 0, lastIndexOf,
	    "Last position (strings: case-insensitive) or -1"),
	ROW("length", 1, 1, P, "string/array/object", TOP, length,
	    "UTF-16 length, element or member count"),
	ROW("newGuid", 0, 0, R, "string", 0, newGuid,
	    "Random GUID; parameter defaults only (UNKNOWN)"),
	ROW("padLeft", 2, 3, P, "string", 0, padLeft, "Left-pads to a total length"),
	ROW("replace", 3, 3, P, "string", 0, replace, "Replaces every occurrence (case-sensitive)"),
	ROW("skip", 2, 2, P, "string/array", TOP, skip,
	    "All after the first n characters or elements"),
	ROW("split", 2, 2, P, "string", 0, split,
	    "Splits on a delimiter or an array of delimiters"),
	ROW("startsWith", 2, 2, P, "string", 0, startsWith, "Prefix test (case-insensitive)"),
	ROW("string", 1, 1, P, "string", 0, string,
	    "Converts to a string (JSON for arrays/objects)"),
	ROW("substring", 1, 3, P, "string", 0, substring, "Substring by UTF-16 start and length"),
	ROW("take", 2, 2, P, "string/array", TOP, take, "The first n characters or elements"),
	ROW("toLower", 1, 1, P, "string", 0, toLower, "Lower case (invariant)"),
	ROW("toUpper", 1, 1, P, "string", 0, toUpper, "Upper case (invariant)"),
	ROW("trim", 1, 1, P, "string", 0, trim, "Removes leading and trailing white space"),
	ROW("uniqueString", 1, V, P, "string", 0, uniqueString,
	    "13-character hash of the arguments (Azure's Murmur64 + base32)"),
	ROW("uri", 2, 2, P, "string", 0, uri, "Combines a base URI and a relative URI"),
	ROW("uriComponent", 1, 1, P, "string", 0, uriComponent,
	    "Percent-encodes (RFC 3986 unreserved kept)"),
	ROW("uriComponentToString", 1, 1, P, "string", 0, uriComponentToString, "Percent-decodes"),
	/* array / object */
	ROW("array", 1, 1, P, "array", UNK, array, "Wraps a value in an array (arrays unchanged)"),
	ROW("createArray", 0, V, P, "array", UNK, createArray, "Array of the arguments"),
	ROW("createObject", 0, V, P, "object", UNK, createObject, "Object from key, value pairs"),
	ROW("indexFromEnd", 2, 2, P, "array", TOP, indexFromEnd,
	    "Element counted from the end (1 = last); error if out of range"),
	ROW("intersection", 1, V, P, "array/object", 0, intersection, "Common elements or members"),
	ROW("items", 1, 1, P, "object", TOP, items, "Object to [{key, value}] sorted by key"),
	ROW("max", 1, V, P, "array/numeric", 0, max,
	    "Largest integer of the arguments or an array"),
	ROW("min", 1, V, P, "array/numeric", 0, min,
	    "Smallest integer of the arguments or an array"),
	ROW("null", 0, 0, P, "object", 0, null, "The null value"),
	ROW("objectKeys", 1, 1, P, "object", TOP, objectKeys, "The keys of an object, in order"),
	ROW("range", 2, 2, P, "array", 0, range, "Integers start, start+1, ... (count)"),
	ROW("shallowMerge", 1, 1, P, "object", TOP, shallowMerge,
	    "Merges an array of objects (top level only)"),
	ROW("tryGet", 2, V, P, "object/array", TOP, tryGet,
	    "Member or element, or null when absent"),
	ROW("tryIndexFromEnd", 2, 2, P, "array", TOP, tryIndexFromEnd,
	    "Element counted from the end, or null"),
	ROW("union", 1, V, P, "array/object", 0, union,
	    "Union of arrays (deduplicated) or objects (deep merge)"),
	/* comparison */
	ROW("coalesce", 1, V, P, "comparison", RAW, coalesce,
	    "First argument that is not null (lazy)"),
	ROW("equals", 2, 2, P, "comparison", 0, equals, "Deep equality"),
	ROW("greater", 2, 2, P, "comparison", 0, greater, "a > b (integers or strings, ordinal)"),
	ROW("greaterOrEquals", 2, 2, P, "comparison", 0, greaterOrEquals, "a >= b"),
	ROW("less", 2, 2, P, "comparison", 0, less, "a < b"),
	ROW("lessOrEquals", 2, 2, P, "comparison", 0, lessOrEquals, "a <= b"),
	/* logical */
	ROW("and", 2, V, P, "logical", RAW, and, "Logical and (short-circuit)"),
	ROW("bool", 1, 1, P, "logical", 0, bool,
	    "Converts 'true'/'false' or an integer to a boolean"),
	ROW("false", 0, 0, P, "logical", 0, false, "The value false"),
	ROW("if", 3, 3, P, "logical", RAW, if, "Conditional (only the chosen branch is evaluated)"),
	ROW("not", 1, 1, P, "logical", 0, not, "Logical not"),
	ROW("or", 2, V, P, "logical", RAW, or, "Logical or (short-circuit)"),
	ROW("true", 0, 0, P, "logical", 0, true, "The value true"),
	/* numeric */
	ROW("add", 2, 2, P, "numeric", 0, add, "Integer sum (overflow is an error)"),
	ROW("copyIndex", 0, 2, D, "numeric", 0, copyIndex, "Iteration of a copy loop (+ offset)"),
	ROW("div", 2, 2, P, "numeric", 0, div, "Integer division (truncating)"),
	ROW("float", 1, 1, P, "numeric", 0, float, "Converts to a floating-point number"),
	ROW("int", 1, 1, P, "numeric", 0, int, "Converts to an integer"),
	ROW("mod", 2, 2, P, "numeric", 0, mod, "Integer remainder"),
	ROW("mul", 2, 2, P, "numeric", 0, mul, "Integer product"),
	ROW("sub", 2, 2, P, "numeric", 0, sub, "Integer difference"),
	/* date */
	ROW("dateTimeAdd", 2, 3, P, "date", 0, dateTimeAdd,
	    "Adds an ISO 8601 duration to a date-time"),
	ROW("dateTimeFromEpoch", 1, 1, P, "date", 0, dateTimeFromEpoch,
	    "Unix seconds to yyyy-MM-ddTHH:mm:ssZ"),
	ROW("dateTimeToEpoch", 1, 1, P, "date", 0, dateTimeToEpoch, "Date-time to Unix seconds"),
	ROW("utcNow", 0, 1, R, "date", 0, utcNow,
	    "Current time; parameter defaults only (UNKNOWN)"),
	/* deployment */
	ROW("deployer", 0, 0, R, "deployment", 0, deployer,
	    "The deploying principal (ids UNKNOWN)"),
	ROW("deployment", 0, 0, D, "deployment", 0, deployment, "The current deployment object"),
	ROW("environment", 0, 0, D, "deployment", 0, environment,
	    "The Azure cloud environment (AzureCloud)"),
	ROW("parameters", 1, 1, D, "deployment", 0, parameters, "Value of a template parameter"),
	ROW("variables", 1, 1, D, "deployment", 0, variables, "Value of a template variable"),
	/* resource */
	ROW("extensionResourceId", 3, V, P, "resource", 0, extensionResourceId,
	    "ID of an extension resource on a scope"),
	ROW("list*", 2, 3, R, "resource", UNK | PFX, list,
	    "listKeys/listSecrets/...: runtime values (UNKNOWN)"),
	ROW("managementGroupResourceId", 2, V, D, "resource", 0, managementGroupResourceId,
	    "ID of a management-group resource"),
	ROW("pickZones", 3, 5, R, "resource", UNK, pickZones, "Availability zones (UNKNOWN)"),
	ROW("providers", 1, 2, R, "resource", UNK, providers,
	    "Resource provider information (UNKNOWN)"),
	ROW("reference", 1, 3, R, "resource", UNK, reference,
	    "Runtime state of a resource (UNKNOWN)"),
	ROW("references", 1, 2, R, "resource", UNK, references,
	    "Runtime states of a collection (UNKNOWN)"),
	ROW("resourceId", 2, V, D, "resource", 0, resourceId,
	    "ID of a resource (resource group / subscription scope)"),
	ROW("resourceInfo", 1, 1, D, "resource", 0, resourceInfo,
	    "Symbolic-name resource info (languageVersion 2.0)"),
	ROW("subscriptionResourceId", 2, V, D, "resource", 0, subscriptionResourceId,
	    "ID of a subscription-level resource"),
	ROW("tenantResourceId", 2, V, P, "resource", 0, tenantResourceId,
	    "ID of a tenant-level resource"),
	/* scope */
	ROW("managementGroup", 0, 1, D, "scope", 0, managementGroup, "The management group object"),
	ROW("resourceGroup", 0, 1, D, "scope", 0, resourceGroup, "The resource group object"),
	ROW("subscription", 0, 1, D, "scope", 0, subscription, "The subscription object"),
	ROW("tenant", 0, 0, D, "scope", 0, tenant, "The tenant object"),
	/* lambda */
	ROW("filter", 2, 2, P, "lambda", RAW, filter, "Elements for which the lambda is true"),
	ROW("groupBy", 2, 2, P, "lambda", RAW, groupBy, "Object of arrays grouped by a key lambda"),
	ROW("lambda", 1, V, P, "lambda", RAW, lambda,
	    "A lambda expression (argument of the lambda functions)"),
	ROW("lambdaVariables", 1, 1, P, "lambda", 0, lambdaVariables, "A lambda parameter's value"),
	ROW("map", 2, 2, P, "lambda", RAW, map, "Applies a lambda to every element"),
	ROW("mapValues", 2, 2, P, "lambda", RAW, mapValues,
	    "Applies a lambda to every member value"),
	ROW("reduce", 3, 3, P, "lambda", RAW, reduce, "Folds an array with a lambda"),
	ROW("sort", 2, 2, P, "lambda", RAW, sort, "Stable sort with a 'comes before' lambda"),
	ROW("toObject", 2, 3, P, "lambda", RAW, toObject,
	    "Object from an array via key (and value) lambdas"),
	/* CIDR */
	ROW("cidrHost", 2, 2, P, "cidr", 0, cidrHost, "Usable host address by index"),
	ROW("cidrSubnet", 3, 3, P, "cidr", 0, cidrSubnet,
	    "Subnet of a range by new prefix and index"),
	ROW("parseCidr", 1, 1, P, "cidr", 0, parseCidr,
	    "Network, netmask, broadcast, usable range"),
};

#define NTABLE (sizeof(TABLE) / sizeof(TABLE[0]))

/* Case-insensitive hash index over TABLE (open addressing, power-of-two
 * size > 2 * NTABLE), built once per process (call_once) so a lookup is a
 * hash of the name plus, on average, one comparison. */
#define HSIZE 512u

static uint16_t HASH[HSIZE]; /* TABLE index + 1; 0 = empty */
static uint8_t HLEN[NTABLE]; /* strlen of each name */
static once_flag HONCE = ONCE_FLAG_INIT;

/* Case-folded, eight bytes per step (rp_fold8): names are 2-30 bytes. */
static uint32_t name_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ rp_fold8(w)) * 0xFF51AFD7ED558CCDu;
	}
	if (n)
		h = (h ^ rp_fold8(rp_load_short(s, n))) * 0xFF51AFD7ED558CCDu;
	h ^= h >> 29;
	h *= 0xC4CEB9FE1A85EC53u;
	return (uint32_t)(h ^ (h >> 32));
}

static void build_index(void)
{
	size_t i;

	_Static_assert(HSIZE > 2 * NTABLE, "hash index too small");
	for (i = 0; i < NTABLE; i++) {
		size_t tn = strlen(TABLE[i].info.name);
		uint32_t h;
		HLEN[i] = (uint8_t)tn;
		if (TABLE[i].flags & RP_ARM_F_PREFIX)
			continue;
		h = name_hash(TABLE[i].info.name, tn) & (HSIZE - 1);
		while (HASH[h])
			h = (h + 1) & (HSIZE - 1);
		HASH[h] = (uint16_t)(i + 1);
	}
}

const rp_arm_fdef *rp_arm_fdef_find(const char *name, size_t n)
{
	uint32_t h;
	size_t i;

	if (!name)
		return NULL;
	call_once(&HONCE, build_index);
	h = name_hash(name, n) & (HSIZE - 1);
	while (HASH[h]) {
		i = HASH[h] - 1u;
		if (HLEN[i] == n && rp_str_ieq(TABLE[i].info.name, name, n))
			return &TABLE[i];
		h = (h + 1) & (HSIZE - 1);
	}
	/* listKeys, listSecrets, ...: the list* row */
	if (n > 4 && rp_str_ieq(name, "list", 4))
		for (i = 0; i < NTABLE; i++)
			if (TABLE[i].flags & RP_ARM_F_PREFIX)
				return &TABLE[i];
	return NULL;
}

size_t rp_arm_function_count(void)
{
	return NTABLE;
}

const rp_arm_function_info *rp_arm_function_at(size_t i)
{
	return i < NTABLE ? &TABLE[i].info : NULL;
}

const rp_arm_function_info *rp_arm_function_find(const char *name, size_t n)
{
	const rp_arm_fdef *f = rp_arm_fdef_find(name, n);

	return f ? &f->info : NULL;
}

const char *rp_arm_fclass_name(rp_arm_fclass c)
{
	switch (c) {
	case RP_ARM_PURE: return "PURE";
	case RP_ARM_DEPLOYMENT_CONTEXT: return "DEPLOYMENT_CONTEXT";
	case RP_ARM_RUNTIME: return "RUNTIME";
	}
	return "?";
}
