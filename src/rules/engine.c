/* engine.c: enum names, findings container, the rule runner and
 * rp_rule_report() (see rule.h). */
#include "net/topology.h"
#include "rules/check.h"
#include "rules/rule.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/str.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string kept in the findings' arena and its length. */
typedef struct kept {
	const char *s;
	size_t n;
} kept;

struct rp_rule_ctx {
	const rp_model *m;
	const rp_rule_filter *f;
	const rp_rule *rule;
	rp_findings *out;
	const char **ident; /* per object (by index): fingerprint identity */
	rp_net_topo *net;   /* the filter's, or own_net */
	rp_net_topo *own_net;
	/* Per object (by index), built on first use by the NET checks: its
	 * ipConfigurations and its exposures, in topology order (one pass over
	 * the topology per run instead of one per object and rule). */
	bool net_index_done;
	size_t *ipc_first; /* nobjs + 1 offsets into ipc_idx */
	size_t *ipc_idx;
	/* The last strings kept in the findings' arena: a finding whose
	 * message (by status), path or unknown reason equals the last one
	 * kept shares it instead of a copy (a rule's results on like objects
	 * repeat their texts: 31,000 results of a 1,000-VM template hold a
	 * few hundred distinct ones).  Compared by content. */
	kept last_msg[RP_STATUS_COUNT_];
	kept last_path, last_reason;
	kept vm_path[16]; /* rp_vm_path's results, by rel's address */
	kept printed[8];  /* rp_rule_printf's results, by the format's address */
};

/* Rules the type-hash table covers (more: plain type comparison). */
#define RP_ENGINE_MAX_RULES 1024

/* Longest piece of a name expression used in an identity. */
#define MAX_IDENT_TEXT 256

static const char *const layer_names[RP_LAYER_COUNT_] = { "BOOT", "HOST", "NET",
							  "DATA", "MON",  "DEPTH" };
static const char *const sev_names[RP_SEV_COUNT_] = { "info", "low", "medium", "high", "critical" };
static const char *const status_names[RP_STATUS_COUNT_] = { "pass", "fail", "unknown",
							    "not-applicable" };

const char *rp_layer_name(rp_layer l)
{
	return (unsigned)l < RP_LAYER_COUNT_ ? layer_names[l] : "?";
}

const char *rp_severity_name(rp_severity s)
{
	return (unsigned)s < RP_SEV_COUNT_ ? sev_names[s] : "?";
}

const char *rp_status_name(rp_status s)
{
	return (unsigned)s < RP_STATUS_COUNT_ ? status_names[s] : "?";
}

static int parse_name(const char *s, const char *const *names, int n, int *out)
{
	int i;
	size_t len;

	if (!s)
		return -RP_EINVAL;
	len = strlen(s);
	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && rp_str_ieq(names[i], s, len)) {
			*out = i;
			return 0;
		}
	return -RP_EINVAL;
}

int rp_layer_parse(const char *s, rp_layer *out)
{
	int v, rc = parse_name(s, layer_names, RP_LAYER_COUNT_, &v);

	if (rc == 0)
		*out = (rp_layer)v;
	return rc;
}

int rp_severity_parse(const char *s, rp_severity *out)
{
	int v, rc = parse_name(s, sev_names, RP_SEV_COUNT_, &v);

	if (rc == 0)
		*out = (rp_severity)v;
	return rc;
}

int rp_status_parse(const char *s, rp_status *out)
{
	int v, rc = parse_name(s, status_names, RP_STATUS_COUNT_, &v);

	if (rc == 0)
		*out = (rp_status)v;
	return rc;
}

const rp_rule *rp_rule_find(const char *id)
{
	size_t i, n;

	if (!id)
		return NULL;
	n = strlen(id);
	for (i = 0; i < rp_nrules; i++)
		if (strlen(rp_rules[i]->id) == n && rp_str_ieq(rp_rules[i]->id, id, n))
			return rp_rules[i];
	return NULL;
}

int rp_findings_init(rp_findings *f)
{
	memset(f, 0, sizeof(*f));
	f->arena = rp_arena_new();
	return f->arena ? 0 : -RP_ENOMEM;
}

void rp_findings_release(rp_findings *f)
{
	free(f->items);
	rp_arena_free(f->arena);
	memset(f, 0, sizeof(*f));
}

const rp_model *rp_rule_model(const rp_rule_ctx *ctx)
{
	return ctx->m;
}

const rp_rule_options *rp_rule_opts(const rp_rule_ctx *ctx)
{
	return &ctx->f->options;
}

rp_net_topo *rp_rule_net(rp_rule_ctx *ctx)
{
	if (!ctx->net && rp_net_topo_build(ctx->m, NULL, &ctx->own_net) == 0)
		ctx->net = ctx->own_net;
	return ctx->net;
}

/* Counting sort of n items by owner index (stable: topology order kept
 * within an owner).  first: nobjs + 1 offsets; idx: n item indices. */
static int owner_index(const rp_model *m, size_t n, const rp_mobj *(*owner)(const void *, size_t),
		       const void *items, size_t **first_out, size_t **idx_out)
{
	size_t nobjs = m->nobjs, i, *first = calloc(nobjs + 2, sizeof(*first)),
	       *idx = malloc((n ? n : 1) * sizeof(*idx));
	int rc = 0;

	if (!first || !idx) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const rp_mobj *o = owner(items, i);
		if (o && o->index < nobjs)
			first[o->index + 2]++;
	}
	for (i = 2; i < nobjs + 2; i++)
		first[i] += first[i - 1];
	for (i = 0; i < n; i++) {
		const rp_mobj *o = owner(items, i);
		if (o && o->index < nobjs)
			idx[first[o->index + 1]++] = i;
	}
	/* first[k + 1] is now the end of object k: first[k] its start */
out:
	if (rc < 0) {
		free(first);
		free(idx);
		first = NULL;
		idx = NULL;
	}
	*first_out = first;
	*idx_out = idx;
	return rc;
}

static const rp_mobj *ipc_owner(const void *items, size_t i)
{
	return ((const rp_net_ipc *)items)[i].owner;
}

static int net_index(rp_rule_ctx *ctx)
{
	rp_net_topo *t = rp_rule_net(ctx);
	int rc;

	if (ctx->net_index_done)
		return 0;
	if (!t)
		return -RP_ENOMEM;
	if ((rc = owner_index(ctx->m, t->nipcs, ipc_owner, t->ipcs, &ctx->ipc_first,
			      &ctx->ipc_idx)) < 0)
		return rc;
	ctx->net_index_done = true;
	return 0;
}

/* obj's run in the owner index net_index builds. */
static int net_slice(rp_rule_ctx *ctx, const rp_mobj *obj, const size_t **idx, size_t *n)
{
	int rc = net_index(ctx);
	const size_t *first, *all;

	*idx = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	first = ctx->ipc_first;
	all = ctx->ipc_idx;
	if (obj->index < ctx->m->nobjs) {
		*idx = all + first[obj->index];
		*n = first[obj->index + 1] - first[obj->index];
	}
	return 0;
}

int rp_rule_net_ipcs(rp_rule_ctx *ctx, const rp_mobj *obj, const size_t **idx, size_t *n)
{
	return net_slice(ctx, obj, idx, n);
}

const rp_rule_depth_fact *rp_rule_depth_fact_of(const rp_rule_ctx *ctx, const rp_mobj *obj)
{
	const rp_rule_depth_fact *v = ctx->f->depth_facts;
	size_t lo = 0, hi = ctx->f->ndepth_facts;

	while (v && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].asset->index == obj->index)
			return &v[mid];
		if (v[mid].asset->index < obj->index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Identity of an object for fingerprints: its normalized key; when the
 * name is unknown, the type and the text of the name expression (stable
 * across moved lines), with the copy index; inline objects add their path.
 * Repeated identities (a resource declared twice, conditional
 * alternatives) get "#2", "#3"... in model order. */
static const char *base_ident(rp_arena *a, const rp_mobj *o)
{
	const rp_value *nv = o->res->name;
	const char *text = "?";
	char *c = NULL;

	if (o->key)
		return o->key;
	if (nv && nv->span.src && nv->span.len &&
	    (size_t)nv->span.off + nv->span.len <= nv->span.src->size) {
		size_t n = nv->span.len < MAX_IDENT_TEXT ? nv->span.len : MAX_IDENT_TEXT;
		c = rp_arena_strndup(a, nv->span.src->data + nv->span.off, n);
		if (!c)
			return NULL;
		text = c;
	} else if (o->res->name && o->res->name->kind == RP_V_STRING) {
		text = o->res->name->u.s;
	}
	if (o->res->copy_index >= 0)
		return rp_arena_printf(a, "%s/{%s}[%lld]%s%s", o->res->type ? o->res->type : "?",
				       text, (long long)o->res->copy_index, o->is_inline ? "@" : "",
				       o->is_inline ? o->path : "");
	return rp_arena_printf(a, "%s/{%s}%s%s", o->res->type ? o->res->type : "?", text,
			       o->is_inline ? "@" : "", o->is_inline ? o->path : "");
}

static int make_idents(const rp_model *m, rp_arena *a, const char ***out)
{
	const char **id = rp_arena_calloc(a, m->nobjs ? m->nobjs : 1, sizeof(*id));
	rp_map seen;
	size_t i;
	int rc = 0;

	if (!id)
		return -RP_ENOMEM;
	rp_map_init(&seen, true);
	for (i = 0; i < m->nobjs && rc == 0; i++) {
		const char *b = base_ident(a, m->objs[i]);
		void *v = NULL;
		uintptr_t n;
		size_t len;
		if (!b) {
			rc = -RP_ENOMEM;
			break;
		}
		/* one hashing in the usual case (a first occurrence); a
		 * repeated identity puts its count again */
		len = strlen(b);
		if ((rc = rp_map_put(&seen, b, len, (void *)(uintptr_t)1, &v)) < 0)
			break;
		n = v ? (uintptr_t)v + 1 : 1;
		if (n > 1 && (rc = rp_map_put(&seen, b, len, (void *)n, NULL)) < 0)
			break;
		id[i] = n > 1 ? rp_arena_printf(a, "%s#%llu", b, (unsigned long long)n) : b;
		if (!id[i])
			rc = -RP_ENOMEM;
	}
	rp_map_release(&seen);
	*out = id;
	return rc;
}

/* s[0..n) as a string in the arena: k's string when equal to it, else a
 * copy, which k then keeps.  NULL when out of memory. */
static const char *keep(rp_arena *a, kept *k, const char *s, size_t n)
{
	char *c;

	if (k->s && k->n == n && memcmp(k->s, s, n) == 0)
		return k->s;
	c = rp_arena_strndup(a, s, n);
	if (c) {
		k->s = c;
		k->n = n;
	}
	return c;
}

/* vprintf into the arena, formatting once when the text fits a stack
 * buffer (almost always); a text equal to k's is not copied again but
 * shared.  *n: the length, negative on a format error (then NULL). */
static const char *kept_vprintf(rp_arena *a, kept *k, const char *fmt, va_list ap, int *n)
{
	char tmp[512];
	char *s;
	va_list ap2;

	va_copy(ap2, ap);
	*n = rp_vsnprintf(tmp, sizeof(tmp), fmt, ap);
	if (*n < 0) {
		s = NULL;
		goto out;
	}
	if ((size_t)*n < sizeof(tmp)) {
		va_end(ap2);
		return keep(a, k, tmp, (size_t)*n);
	}
	s = rp_arena_alloc(a, (size_t)*n + 1);
	if (!s)
		goto out;
	rp_vsnprintf(s, (size_t)*n + 1, fmt, ap2);
	k->s = s;
	k->n = (size_t)*n;
out:
	va_end(ap2);
	return s;
}

/* FNV-1a 64 steps over s (ASCII letters folded), as rp_hash_bytes(.., true)
 * does over a whole string: the fingerprint material is hashed in pieces. */
static uint64_t fnv_icase(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		unsigned char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h ^= c;
		h *= 1099511628211ULL;
	}
	return h;
}

/* rp_rule_report's work.  msg: NULL when the message is still to be
 * formatted from fmt and *ap (then only if it is kept), else the message
 * itself (in out's arena, or a literal). */
static int report_v(rp_rule_ctx *ctx, const rp_mobj *obj, rp_status st, const rp_value *at,
		    const char *path, const char *unknown_reason, const char *msg, const char *fmt,
		    va_list *ap)
{
	static const char hex[] = "0123456789abcdef";
	rp_findings *out = ctx->out;
	rp_arena *a = out->arena;
	rp_finding *fd;
	const char *key;
	uint64_t h;
	int n;
	bool conditional = false;

	if (st == RP_STATUS_FAIL && obj->res->condition == RP_COND_UNKNOWN) {
		conditional = true;
		/* Deployment of the resource itself is unknown: never fail. */
		st = RP_STATUS_UNKNOWN;
		unknown_reason =
			rp_arena_printf(a, "deployed only if its condition holds (%s)",
					obj->res->condition_reason ? obj->res->condition_reason
								   : "condition unknown");
		if (!unknown_reason)
			return -RP_ENOMEM;
	}
	if (st == RP_STATUS_PASS && !ctx->f->include_pass)
		return 0;
	if (st == RP_STATUS_NOT_APPLICABLE && !ctx->f->include_not_applicable)
		return 0;
	if (st == RP_STATUS_UNKNOWN && !unknown_reason)
		unknown_reason = "unknown";
	if (ctx->f->terse_passing && (st == RP_STATUS_PASS || st == RP_STATUS_NOT_APPLICABLE)) {
		msg = ""; /* only counted: not formatted */
	} else if (!msg) {
		msg = kept_vprintf(a, &ctx->last_msg[st], fmt, *ap, &n);
		if (n < 0)
			return -RP_EINTERNAL;
		if (!msg)
			return -RP_ENOMEM;
	}
	if (conditional && (msg = rp_arena_printf(a, "if deployed: %s", msg)) == NULL)
		return -RP_ENOMEM;
	if (out->count == out->cap) {
		size_t nc = out->cap ? out->cap * 2 : 64;
		rp_finding *ni = realloc(out->items, nc * sizeof(*ni));
		if (!ni)
			return -RP_ENOMEM;
		out->items = ni;
		out->cap = nc;
	}
	fd = &out->items[out->count];
	memset(fd, 0, sizeof(*fd));
	fd->rule = ctx->rule;
	fd->status = st;
	fd->obj = obj;
	fd->resource = obj->res;
	if (at && at->span.src)
		fd->span = at->span;
	else if (obj->span.src)
		fd->span = obj->span;
	else
		fd->span = obj->res->span;
	fd->path = keep(a, &ctx->last_path, path ? path : "", path ? strlen(path) : 0);
	fd->message = msg;
	fd->unknown_reason = st == RP_STATUS_UNKNOWN ? keep(a, &ctx->last_reason, unknown_reason,
							    strlen(unknown_reason))
						     : NULL;
	key = ctx->ident[obj->index];
	if (!fd->path || !key || (st == RP_STATUS_UNKNOWN && !fd->unknown_reason))
		return -RP_ENOMEM;
	fd->ident = key;
	/* rp_hash_bytes("<rule id>|<key>|<path>", icase), without the string */
	h = fnv_icase(1469598103934665603ULL, ctx->rule->id);
	h = fnv_icase(h, "|");
	h = fnv_icase(h, key);
	h = fnv_icase(h, "|");
	h = fnv_icase(h, fd->path);
	for (n = 15; n >= 0; n--) {
		fd->fingerprint[n] = hex[h & 0xF];
		h >>= 4;
	}
	fd->fingerprint[16] = '\0';
	out->count++;
	out->by_status[st]++;
	return 0;
}

int rp_rule_report(rp_rule_ctx *ctx, const rp_mobj *obj, rp_status st, const rp_value *at,
		   const char *path, const char *unknown_reason, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = report_v(ctx, obj, st, at, path, unknown_reason, NULL, fmt, &ap);
	va_end(ap);
	return rc;
}

/* rp_rule_report of a message formatted already. */
static int report_msg(rp_rule_ctx *ctx, const rp_mobj *obj, rp_status st, const rp_value *at,
		      const char *path, const char *unknown_reason, const char *msg)
{
	return report_v(ctx, obj, st, at, path, unknown_reason, msg, NULL, NULL);
}

static bool id_listed(const char *const *ids, const char *id)
{
	size_t n = strlen(id);

	for (; ids && *ids; ids++)
		if (strlen(*ids) == n && rp_str_ieq(*ids, id, n))
			return true;
	return false;
}

bool rp_rule_filter_selects(const rp_rule_filter *f, const rp_rule *r)
{
	if (!f)
		return true;
	if (f->layers && !(f->layers & (1u << r->layer)))
		return false;
	if (r->severity < f->min_severity)
		return false;
	if (f->only_ids && !id_listed(f->only_ids, r->id))
		return false;
	if (f->skip_ids && id_listed(f->skip_ids, r->id))
		return false;
	return true;
}

static bool rule_selected(const rp_rule *r, const rp_rule_filter *f)
{
	if (r->layer == RP_LAYER_DEPTH && !f->depth_facts)
		return false;
	return rp_rule_filter_selects(f, r);
}

static bool type_matches(const rp_rule *r, const char *type)
{
	const char *const *t;
	size_t n;

	if (!type)
		return false;
	n = strlen(type);
	for (t = r->types; t && *t; t++)
		if (strlen(*t) == n && rp_str_ieq(*t, type, n))
			return true;
	return false;
}

/* The registry's type lists as case-insensitive hashes, built once: a
 * rule applies to an object when one of its type hashes equals the
 * object's (then confirmed by type_matches), so each object's type is
 * hashed once per run instead of compared with every type of every rule.
 * A registry larger than the table falls back to type_matches alone. */
#define MAX_TYPE_HASHES 4096
static uint64_t type_hash[MAX_TYPE_HASHES];
static size_t type_first[RP_ENGINE_MAX_RULES + 1];
/* Each listed type, the first listed type with the same hash (its
 * canonical spelling) and whether the two are equal ignoring case (false
 * only for a 64-bit hash collision between different types). */
static const char *type_str[MAX_TYPE_HASHES];
static size_t type_canon[MAX_TYPE_HASHES];
static bool type_canon_eq[MAX_TYPE_HASHES];
static bool type_hash_ok;
/* Each rule's rank by ID (strcmp order, which cmp_findings sorts by). */
static uint16_t rule_rank[RP_ENGINE_MAX_RULES];
static pthread_once_t type_hash_once = PTHREAD_ONCE_INIT;

static bool str_ieq(const char *a, const char *b)
{
	size_t n = strlen(a);

	return strlen(b) == n && rp_str_ieq(a, b, n);
}

static void type_hash_build(void)
{
	size_t r, k = 0, j;

	if (rp_nrules > RP_ENGINE_MAX_RULES)
		return;
	for (r = 0; r < rp_nrules; r++) {
		const char *const *t;
		type_first[r] = k;
		for (t = rp_rules[r]->types; t && *t; t++) {
			if (k == MAX_TYPE_HASHES)
				return;
			type_str[k] = *t;
			type_hash[k++] = rp_hash_bytes(*t, strlen(*t), true);
		}
	}
	type_first[rp_nrules] = k;
	for (r = 0; r < rp_nrules; r++) {
		uint16_t n = 0;
		for (j = 0; j < rp_nrules; j++)
			n = (uint16_t)(n + (strcmp(rp_rules[j]->id, rp_rules[r]->id) < 0));
		rule_rank[r] = n;
	}
	for (r = 0; r < k; r++) {
		for (j = 0; type_hash[j] != type_hash[r]; j++)
			;
		type_canon[r] = j;
		type_canon_eq[r] = str_ieq(type_str[r], type_str[j]);
	}
	type_hash_ok = true;
}

static bool rule_applies(size_t r, const rp_rule *rule, const char *type, uint64_t h)
{
	size_t k;

	if (!type_hash_ok)
		return type_matches(rule, type);
	for (k = type_first[r]; k < type_first[r + 1]; k++)
		if (type_hash[k] == h)
			return type_matches(rule, type);
	return false;
}

/* An object's type hash and index: the objects sorted by these, so that
 * a rule visits only the objects of its types (binary search per type)
 * instead of testing every object. */
typedef struct type_obj {
	uint64_t h;
	size_t i;
	/* 0: not compared yet; 1: the type is the canonical spelling of its
	 * hash (see type_canon); 2: it is not (a collision) */
	uint8_t canon;
} type_obj;

static int cmp_type_obj(const void *pa, const void *pb)
{
	const type_obj *a = pa, *b = pb;

	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* First of the n sorted entries with hash h (n when none). */
static size_t type_obj_first(const type_obj *v, size_t n, uint64_t h)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Does rule (through its listed type k, whose hash the object's has)
 * apply to the object of byt entry e?  Its type string is compared once
 * per run (with the hash's canonical spelling), not once per rule: it
 * lives in the deployment, cold in the cache by the time rules run. */
static bool typed_applies(const rp_model *m, const rp_rule *rule, size_t k, type_obj *e)
{
	const char *type = m->objs[e->i]->type;

	if (!type_canon_eq[k])
		return type_matches(rule, type);
	if (e->canon == 0)
		e->canon = str_ieq(type, type_str[type_canon[k]]) ? 1 : 2;
	return e->canon == 1 || type_matches(rule, type);
}

/* Runs rule (registry index r) on every object of its types, each once.
 * The order of the calls does not matter: the findings are sorted. */
static int run_rule_typed(rp_rule_ctx *ctx, size_t r, const rp_rule *rule, type_obj *byt,
			  size_t nbyt)
{
	const rp_model *m = ctx->m;
	size_t k, j, p;
	int rc = 0;

	for (k = type_first[r]; k < type_first[r + 1] && rc == 0; k++) {
		/* a hash listed twice (a duplicate or colliding type) is
		 * visited once: type_matches accepts every listed type */
		for (j = type_first[r]; j < k && type_hash[j] != type_hash[k]; j++)
			;
		if (j < k)
			continue;
		for (p = type_obj_first(byt, nbyt, type_hash[k]);
		     p < nbyt && byt[p].h == type_hash[k] && rc == 0; p++)
			if (typed_applies(m, rule, k, &byt[p]))
				rc = rule->check(ctx, m->objs[byt[p].i]);
	}
	return rc;
}

static const char *src_name(const rp_span *s)
{
	return s->src && s->src->name ? s->src->name : "";
}

/* strcmp of the materials "<rule id>|<ident>|<path>" of a and b, whose
 * rule IDs and paths are equal: compares "<ident>|<path>" byte by byte. */
static int cmp_ident_path(const rp_finding *a, const rp_finding *b)
{
	size_t na = strlen(a->ident), nb = strlen(b->ident), i, m = na < nb ? na : nb;
	int c = memcmp(a->ident, b->ident, m);

	/* the identities differ within the shorter one (the usual case), or
	 * have the same length: decided without the byte loop */
	if (c)
		return c;
	if (na == nb)
		return strcmp(a->path, b->path);
	if (na < nb && (unsigned char)b->ident[na] != '|')
		return (unsigned char)'|' < (unsigned char)b->ident[na] ? -1 : 1;
	if (nb < na && (unsigned char)a->ident[nb] != '|')
		return (unsigned char)a->ident[nb] < (unsigned char)'|' ? -1 : 1;
	for (i = 0;; i++) {
		unsigned char ca = i < na    ? (unsigned char)a->ident[i]
				   : i == na ? '|'
					     : (unsigned char)a->path[i - na - 1];
		unsigned char cb = i < nb    ? (unsigned char)b->ident[i]
				   : i == nb ? '|'
					     : (unsigned char)b->path[i - nb - 1];
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (ca == 0)
			return 0;
	}
}

static int cmp_findings(const void *pa, const void *pb)
{
	const rp_finding *a = pa, *b = pb;
	int c = a->span.src == b->span.src ? 0 : strcmp(src_name(&a->span), src_name(&b->span));

	if (c)
		return c;
	if (a->span.off != b->span.off)
		return a->span.off < b->span.off ? -1 : 1;
	if (a->rule != b->rule && (c = strcmp(a->rule->id, b->rule->id)) != 0)
		return c;
	if (a->path != b->path && (c = strcmp(a->path, b->path)) != 0)
		return c;
	if (a->ident != b->ident && (c = cmp_ident_path(a, b)) != 0)
		return c;
	if (a->obj->index != b->obj->index)
		return a->obj->index < b->obj->index ? -1 : 1;
	return (int)a->status - (int)b->status;
}

/* What a run prepares once per model and findings (identities, type
 * hashes, the objects by type, the network index), kept for the next run
 * on the same model: the depth analysis runs the DEPTH rules after the
 * others without preparing them again. */
struct rp_rules_session {
	rp_rule_ctx ctx;
	type_obj *byt;
	size_t nbyt;
	uint8_t *skip;
	uint64_t *hashes;
};

/* Sort key of a finding: its source's rank among the run's sources (by
 * name), its offset and its rule's rank by ID, in one integer; equal keys
 * fall back to cmp_findings (a rule unknown to the registry has rank 0:
 * cmp_findings then decides).  The findings are then permuted in place. */
typedef struct sort_key {
	uint64_t k;
	uint32_t i;
} sort_key;

static int cmp_key(const rp_finding *items, const sort_key *a, const sort_key *b)
{
	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	return cmp_findings(&items[a->i], &items[b->i]);
}

/* Stable merge sort of v[0..n) (tmp: n more), insertion sort below 16. */
static void sort_keys(const rp_finding *items, sort_key *v, sort_key *tmp, size_t n)
{
	size_t w, i, j;

	for (i = 0; i < n; i += 16) {
		size_t end = i + 16 < n ? i + 16 : n;
		for (j = i + 1; j < end; j++) {
			sort_key x = v[j];
			size_t k = j;
			while (k > i && cmp_key(items, &v[k - 1], &x) > 0) {
				v[k] = v[k - 1];
				k--;
			}
			v[k] = x;
		}
	}
	for (w = 16; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			size_t mid = i + w < n ? i + w : n, end = i + 2 * w < n ? i + 2 * w : n;
			size_t a = i, b = mid, o = i;
			if (mid >= end || cmp_key(items, &v[mid - 1], &v[mid]) <= 0) {
				memcpy(tmp + i, v + i, (end - i) * sizeof(*v));
				continue;
			}
			while (a < mid && b < end)
				tmp[o++] = cmp_key(items, &v[b], &v[a]) < 0 ? v[b++] : v[a++];
			while (a < mid)
				tmp[o++] = v[a++];
			while (b < end)
				tmp[o++] = v[b++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
}

static int cmp_src_name(const void *pa, const void *pb)
{
	const rp_source *a = *(const rp_source *const *)pa, *b = *(const rp_source *const *)pb;
	const char *na = a && a->name ? a->name : "", *nb = b && b->name ? b->name : "";
	int c = strcmp(na, nb);

	if (c)
		return c;
	return a == b ? 0 : (uintptr_t)a < (uintptr_t)b ? -1 : 1;
}

/* Sorts items[0..n) as qsort with cmp_findings would (the order is total
 * up to equal findings, which are interchangeable). */
static int sort_findings(rp_finding *items, size_t n)
{
	const rp_source *srcs[8];
	const rp_rule *last_rule = NULL;
	size_t nsrc = 0, i, j, r, rank[8];
	uint64_t rrank = 0;
	sort_key *v = NULL;
	int rc = 0;
	bool few = true;

	if (n < 2)
		return 0;
	/* the few distinct sources (the template, its parameters file,
	 * linked templates), ranked by name: equal names keep one rank */
	for (i = 0; i < n && few; i++) {
		const rp_source *s = items[i].span.src;
		for (j = 0; j < nsrc && srcs[j] != s; j++)
			;
		if (j == nsrc) {
			if (nsrc == 8)
				few = false;
			else
				srcs[nsrc++] = s;
		}
	}
	if (!few || n > UINT32_MAX) {
		qsort(items, n, sizeof(*items), cmp_findings);
		return 0;
	}
	qsort(srcs, nsrc, sizeof(*srcs), cmp_src_name);
	/* rank: that of the first source with the same name */
	rank[0] = 0;
	for (j = 1; j < nsrc; j++)
		rank[j] = strcmp(srcs[j] && srcs[j]->name ? srcs[j]->name : "",
				 srcs[j - 1] && srcs[j - 1]->name ? srcs[j - 1]->name : "") == 0
				  ? rank[j - 1]
				  : j;
	v = malloc(2 * n * sizeof(*v));
	if (!v)
		return -RP_ENOMEM;
	for (i = 0; i < n; i++) {
		const rp_source *s = items[i].span.src;
		for (j = 0; j < nsrc && srcs[j] != s; j++)
			;
		/* a rule's results are appended together: its rank is
		 * looked up once per run of them */
		if (items[i].rule != last_rule) {
			last_rule = items[i].rule;
			for (r = 0; type_hash_ok && r < rp_nrules && rp_rules[r] != last_rule; r++)
				;
			if (!type_hash_ok || r == rp_nrules) {
				/* not a registry rule: the plain sort */
				free(v);
				qsort(items, n, sizeof(*items), cmp_findings);
				return 0;
			}
			rrank = rule_rank[r];
		}
		v[i].k = (uint64_t)rank[j] << 42 | (uint64_t)items[i].span.off << 10 | rrank;
		v[i].i = (uint32_t)i;
	}
	sort_keys(items, v, v + n, n);
	/* permute in place along the cycles of v: position i receives
	 * items[v[i].i]; v[i].i = i marks a placed position */
	for (i = 0; i < n; i++) {
		rp_finding t;
		size_t cur, next;
		if (v[i].i == i)
			continue;
		t = items[i];
		cur = i;
		while ((next = v[cur].i) != i) {
			items[cur] = items[next];
			v[cur].i = (uint32_t)cur;
			cur = next;
		}
		items[cur] = t;
		v[cur].i = (uint32_t)cur;
	}
	free(v);
	return rc;
}

/* A model has a few dozen types over thousands of objects, each type
 * string its own copy: the case-insensitive hash of a type is looked up
 * by content (length and bytes) before it is computed. */
typedef struct type_cache {
	const char *t;
	size_t n;
	uint64_t h;
} type_cache;

static uint64_t type_hash_of(type_cache *tc, const char *t)
{
	size_t n = strlen(t);
	type_cache *e = &tc[(n ^ (n ? (unsigned char)t[n - 1] * 7u : 0u)) & 63];

	if (e->t && e->n == n && memcmp(e->t, t, n) == 0)
		return e->h;
	e->t = t;
	e->n = n;
	e->h = rp_hash_bytes(t, n, true);
	return e->h;
}

void rp_rules_end(rp_rules_session *s)
{
	if (!s)
		return;
	free(s->byt);
	free(s->ctx.ipc_first);
	free(s->ctx.ipc_idx);
	rp_net_topo_free(s->ctx.own_net);
	free(s);
}

int rp_rules_begin(const rp_model *m, struct rp_net_topo *net, rp_findings *out,
		   rp_rules_session **sp)
{
	rp_rules_session *s = calloc(1, sizeof(*s));
	type_cache tc[64];
	size_t i;
	int rc = 0;

	memset(tc, 0, sizeof(tc));

	*sp = NULL;
	if (!s)
		return -RP_ENOMEM;
	s->ctx.m = m;
	s->ctx.out = out;
	s->ctx.net = net;
	pthread_once(&type_hash_once, type_hash_build);
	if ((rc = make_idents(m, out->arena, &s->ctx.ident)) < 0)
		goto out;
	s->hashes = rp_arena_alloc(out->arena, (m->nobjs ? m->nobjs : 1) * sizeof(*s->hashes));
	/* Objects of "existing" resources are not checked: their hash is
	 * left 0 and skip[i] set, so that the loop below reads two
	 * contiguous arrays instead of every object for every rule. */
	s->skip = rp_arena_alloc(out->arena, m->nobjs ? m->nobjs : 1);
	if (!s->hashes || !s->skip) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (i = 0; i < m->nobjs; i++) {
		const char *t = m->objs[i]->type;
		s->skip[i] = m->objs[i]->res->existing || !t;
		s->hashes[i] = s->skip[i] ? 0 : type_hash_of(tc, t);
	}
	if (type_hash_ok && m->nobjs) {
		s->byt = malloc(m->nobjs * sizeof(*s->byt));
		if (!s->byt) {
			rc = -RP_ENOMEM;
			goto out;
		}
		for (i = 0; i < m->nobjs; i++)
			if (!s->skip[i])
				s->byt[s->nbyt++] = (type_obj){ s->hashes[i], i, 0 };
		qsort(s->byt, s->nbyt, sizeof(*s->byt), cmp_type_obj);
	}
out:
	if (rc < 0)
		rp_rules_end(s);
	else
		*sp = s;
	return rc;
}

int rp_rules_session_run(rp_rules_session *s, const rp_rule_filter *f)
{
	static const rp_rule_filter all = { 0 };
	rp_rule_ctx *ctx = &s->ctx;
	const rp_model *m = ctx->m;
	rp_findings *out = ctx->out;
	size_t r, i, first = out->count;
	int rc = 0;

	if (!f)
		f = &all;
	ctx->f = f;
	if (f->net && f->net != ctx->net) {
		/* another topology than the session's: its own index */
		free(ctx->ipc_first);
		free(ctx->ipc_idx);
		ctx->ipc_first = ctx->ipc_idx = NULL;
		ctx->net_index_done = false;
		ctx->net = f->net;
	}
	for (r = 0; r < rp_nrules && rc == 0; r++) {
		const rp_rule *rule = rp_rules[r];
		if (!rule_selected(rule, f))
			continue;
		ctx->rule = rule;
		if (type_hash_ok) {
			rc = run_rule_typed(ctx, r, rule, s->byt, s->nbyt);
			continue;
		}
		for (i = 0; i < m->nobjs && rc == 0; i++) {
			if (s->skip[i] || !rule_applies(r, rule, m->objs[i]->type, s->hashes[i]))
				continue;
			rc = rule->check(ctx, m->objs[i]);
		}
	}
	if (rc == 0)
		rc = sort_findings(out->items + first, out->count - first);
	return rc;
}

int rp_rules_run(const rp_model *m, const rp_rule_filter *f, rp_findings *out)
{
	rp_rules_session *s = NULL;
	int rc = rp_rules_begin(m, f ? f->net : NULL, out, &s);

	if (rc == 0)
		rc = rp_rules_session_run(s, f);
	rp_rules_end(s);
	return rc;
}

const char *rp_rule_printf(rp_rule_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	const char *s;
	int n;

	va_start(ap, fmt);
	s = kept_vprintf(ctx->out->arena, &ctx->printed[((uintptr_t)fmt >> 3) & 7], fmt, ap, &n);
	va_end(ap);
	return s ? s : "";
}

const char *rp_vm_path(rp_rule_ctx *ctx, const rp_mobj *vm, const char *rel)
{
	bool ss = vm->kind == RP_MK_VMSS;
	const char *pre = ss ? "properties.virtualMachineProfile." : "properties.";
	size_t np = strlen(pre), nr = strlen(rel);
	/* the checks ask for a few paths, for every VM: kept by rel's
	 * address (and confirmed by content) rather than built per call */
	kept *k = &ctx->vm_path[(((uintptr_t)rel >> 3) & 7) * 2 + ss];
	char *s;

	if (k->s && k->n == np + nr && memcmp(k->s, pre, np) == 0 &&
	    memcmp(k->s + np, rel, nr) == 0)
		return k->s;
	s = rp_arena_alloc(ctx->out->arena, np + nr + 1);
	if (!s)
		return "";
	memcpy(s, pre, np);
	memcpy(s + np, rel, nr + 1);
	k->s = s;
	k->n = np + nr;
	return s;
}

int rp_report_prop(rp_rule_ctx *ctx, const rp_mobj *o, rp_status st, const rp_prop *p,
		   const char *fmt, ...)
{
	va_list ap;
	const char *msg;
	int n;

	if (ctx->f->terse_passing && (st == RP_STATUS_PASS || st == RP_STATUS_NOT_APPLICABLE))
		return report_msg(ctx, o, st, p->anchor, p->path, NULL, "");
	va_start(ap, fmt);
	msg = kept_vprintf(ctx->out->arena, &ctx->last_msg[st], fmt, ap, &n);
	va_end(ap);
	if (n < 0)
		return -RP_EINTERNAL;
	if (!msg)
		return -RP_ENOMEM;
	/* formatted once, kept as it is (it is in the findings' arena) */
	return report_msg(ctx, o, st, p->anchor, p->path,
			  st == RP_STATUS_UNKNOWN ? rp_prop_why(p) : NULL, msg);
}
