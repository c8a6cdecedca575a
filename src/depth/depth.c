/* depth.c: per-asset layer ratings and attack paths (see depth.h and
 * docs/depth.md). */
#include "depth/depth.h"
#include "net/topology.h"
#include "rules/check.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *rp_depth_rating_name(rp_depth_rating r)
{
	static const char *const n[] = { "holds", "weak", "broken", "unknown" };
	return (unsigned)r < 4 ? n[r] : "?";
}

const char *rp_depth_node_name(rp_depth_node k)
{
	static const char *const n[RP_DN_COUNT_] = {
		"internet", "neighbours", "public-ip", "load-balancer", "subnet",
		"nic",      "asset",      "disk",      "storage",       "key-vault",
	};
	return (unsigned)k < RP_DN_COUNT_ ? n[k] : "?";
}

const char *rp_depth_state_name(rp_depth_state s)
{
	static const char *const n[] = { "open", "restricted", "unknown" };
	return (unsigned)s < 3 ? n[s] : "?";
}

void rp_depth_release(rp_depth_result *r)
{
	if (!r)
		return;
	rp_arena_free(r->arena);
	memset(r, 0, sizeof(*r));
}

/* ---- strings kept once ----
 *
 * Reasons, controls and path texts repeat across assets of one template
 * (every VM built alike): each text is looked up by content in a small
 * per-thread table of the texts this analysis kept, and shared when
 * equal, instead of a copy per asset.  A slot is valid only for the
 * analysis (generation) and arena that filled it. */
#define DK_SLOTS 256u

typedef struct dk_slot {
	const rp_arena *a;
	unsigned long gen;
	const char *s;
	size_t n;
	uint64_t h;
} dk_slot;

/* initial-exec: the executable's own TLS block, no __tls_get_addr (which
 * would make rampart need the dynamic loader's library: tests/attest
 * checks that it needs libc only) */
#define DK_TLS __attribute__((tls_model("initial-exec")))
static _Thread_local dk_slot dk[DK_SLOTS] DK_TLS;
static _Thread_local unsigned long dk_gen DK_TLS;

/* The slot's hash: the length, the first 24 and the last 8 bytes (a
 * constant cost per text; texts alike at both ends only share a slot,
 * the full comparison decides). */
static uint64_t dk_hash(const char *s, size_t n)
{
	uint64_t h = rp_hash_bytes(s, n < 24 ? n : 24, false) ^ (uint64_t)n * 0x9E3779B97F4A7C15u;

	if (n > 24)
		h = h * 31 + rp_hash_bytes(s + n - 8, 8, false);
	return h ^ (h >> 29);
}

static char *dk_strndup(rp_arena *a, const char *s, size_t n)
{
	uint64_t h = dk_hash(s, n);
	dk_slot *e = &dk[h & (DK_SLOTS - 1)];
	char *c;

	if (e->gen == dk_gen && e->a == a && e->h == h && e->n == n && memcmp(e->s, s, n) == 0)
		return (char *)e->s; /* arena memory; kept strings are never written */
	c = rp_arena_strndup(a, s, n);
	if (c) {
		e->a = a;
		e->gen = dk_gen;
		e->s = c;
		e->n = n;
		e->h = h;
	}
	return c;
}

static char *dk_printf(rp_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *dk_printf(rp_arena *a, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rp_vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof(tmp))
		return dk_strndup(a, tmp, (size_t)n);
	{
		char *c = rp_arena_alloc(a, (size_t)n + 1);
		if (!c)
			return NULL;
		va_start(ap, fmt);
		rp_vsnprintf(c, (size_t)n + 1, fmt, ap);
		va_end(ap);
		return c;
	}
}

/* ---- findings by object ---- */

/* Findings of each object: first[obj index] .. first[index + 1] in order. */
typedef struct by_obj {
	const rp_finding **items;
	size_t *first; /* nobjs + 1 */
} by_obj;

/* The index lives only while the analysis runs (malloc, freed by
 * by_obj_release), not in the result's arena. */
static void by_obj_release(by_obj *bo)
{
	free(bo->first);
	free(bo->items);
	memset(bo, 0, sizeof(*bo));
}

static int index_findings(const rp_model *m, const rp_findings *f, by_obj *bo)
{
	size_t i, *fill;

	bo->first = calloc(m->nobjs + 1, sizeof(size_t));
	bo->items = malloc((f->count ? f->count : 1) * sizeof(*bo->items));
	fill = calloc(m->nobjs + 1, sizeof(size_t));
	if (!bo->first || !bo->items || !fill) {
		free(fill);
		return -RP_ENOMEM;
	}
	for (i = 0; i < f->count; i++)
		if (f->items[i].obj && f->items[i].obj->index < m->nobjs)
			bo->first[f->items[i].obj->index + 1]++;
	for (i = 0; i < m->nobjs; i++)
		bo->first[i + 1] += bo->first[i];
	for (i = 0; i < f->count; i++) {
		const rp_mobj *o = f->items[i].obj;
		if (o && o->index < m->nobjs)
			bo->items[bo->first[o->index] + fill[o->index]++] = &f->items[i];
	}
	free(fill);
	return 0;
}

/* ---- objects related to an asset ---- */

#define L_BOOT (1u << RP_LAYER_BOOT)
#define L_HOST (1u << RP_LAYER_HOST)
#define L_NET (1u << RP_LAYER_NET)
#define L_DATA (1u << RP_LAYER_DATA)
#define L_MON (1u << RP_LAYER_MON)
#define L_ALL (L_BOOT | L_HOST | L_NET | L_DATA | L_MON)

typedef struct rel {
	const rp_mobj *obj;
	unsigned layers; /* findings of these layers on obj count for the asset */
} rel;

typedef struct rels {
	rel items[RP_DEPTH_MAX_REL];
	size_t n;
} rels;

static void rel_add(rels *r, const rp_mobj *o, unsigned layers)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < r->n; i++)
		if (r->items[i].obj == o) {
			r->items[i].layers |= layers;
			return;
		}
	if (r->n < RP_DEPTH_MAX_REL)
		r->items[r->n++] = (rel){ o, layers };
}

/* Objects of kind k whose PARENT link targets o (inline children). */
static size_t children(const rp_mobj *o, rp_mkind k, const rp_mobj **out, size_t cap)
{
	size_t it = 0, n = 0;
	const rp_mlink *l;

	while ((l = rp_mobj_next_backlink(o, RP_LINK_PARENT, &it)) != NULL)
		if (l->from->kind == k) {
			if (n < cap)
				out[n] = l->from;
			n++;
		}
	return n;
}

#define MAX_NICS 64
#define MAX_IPC 64

/* The NICs of a VM (networkInterfaces references and inline
 * networkInterfaceConfigurations) or a scale set. */
static size_t asset_nics(const rp_mobj *a, const rp_mobj **out, size_t cap)
{
	size_t it = 0, n = children(a, RP_MK_NIC, out, cap);
	const rp_mlink *l;

	if (n > cap)
		n = cap;
	while ((l = rp_mobj_next_link(a, RP_LINK_NIC, &it)) != NULL) {
		size_t i;
		if (l->state != RP_LINK_RESOLVED || n >= cap)
			continue;
		for (i = 0; i < n && out[i] != l->target; i++)
			;
		if (i == n)
			out[n++] = l->target;
	}
	return n;
}

static void flowlogs_of(rels *r, const rp_mobj *o)
{
	size_t it = 0;
	const rp_mlink *l;

	while ((l = rp_mobj_next_backlink(o, RP_LINK_FLOWLOG_TARGET, &it)) != NULL)
		rel_add(r, l->from, L_MON);
}

static void nsg_rel(rels *r, const rp_mobj *holder)
{
	const rp_mlink *l = rp_model_nsg_of(holder);
	const rp_mobj *rules[256];
	size_t n, i;

	if (!l || l->state != RP_LINK_RESOLVED)
		return;
	rel_add(r, l->target, L_NET | L_MON);
	flowlogs_of(r, l->target);
	n = rp_model_nsg_rules(l->target, rules, 256);
	for (i = 0; i < n && i < 256; i++)
		rel_add(r, rules[i], L_NET);
}

/* Load balancer objects reached from an IP configuration. */
static void lb_rel(rels *r, const rp_mobj *ipc)
{
	static const rp_link_kind kinds[] = { RP_LINK_LB_POOL, RP_LINK_LB_NAT_RULE,
					      RP_LINK_LB_NAT_POOL };
	size_t k;

	for (k = 0; k < 3; k++) {
		size_t it = 0;
		const rp_mlink *l;
		while ((l = rp_mobj_next_link(ipc, kinds[k], &it)) != NULL) {
			if (l->state != RP_LINK_RESOLVED)
				continue;
			rel_add(r, l->target, L_NET);
			if (l->target->parent)
				rel_add(r, l->target->parent, L_NET);
		}
	}
}

static void collect_rels(const rp_model *m, const rp_mobj *a, rels *r)
{
	const rp_mobj *nics[MAX_NICS], *ext[256], *x[256];
	size_t nn, i, j, n, it;
	const rp_mlink *l;

	r->n = 0;
	rel_add(r, a, L_ALL);
	n = rp_model_extensions(a, ext, 256);
	for (i = 0; i < n && i < 256; i++)
		rel_add(r, ext[i], L_ALL);
	/* disks: inline specs, attached managed disks, encryption sets */
	it = 0;
	while ((l = rp_mobj_next_link(a, RP_LINK_DISK, &it)) != NULL) {
		size_t it2 = 0;
		const rp_mlink *l2;
		if (l->state != RP_LINK_RESOLVED)
			continue;
		rel_add(r, l->target, L_DATA | L_BOOT);
		while ((l2 = rp_mobj_next_link(l->target, RP_LINK_DISK, &it2)) != NULL)
			if (l2->state == RP_LINK_RESOLVED) {
				rel_add(r, l2->target, L_DATA);
				rel_add(r, rp_mobj_target(l2->target, RP_LINK_DES), L_DATA);
			}
		rel_add(r, rp_mobj_target(l->target, RP_LINK_DES), L_DATA);
	}
	n = children(a, RP_MK_DISK_SPEC, x, 256);
	for (i = 0; i < n && i < 256; i++)
		rel_add(r, x[i], L_DATA | L_BOOT);
	/* network */
	nn = asset_nics(a, nics, MAX_NICS);
	for (i = 0; i < nn; i++) {
		const rp_mobj *ipcs[MAX_IPC];
		size_t ni = children(nics[i], RP_MK_IPCONFIG, ipcs, MAX_IPC);
		rel_add(r, nics[i], L_NET | L_MON);
		nsg_rel(r, nics[i]);
		flowlogs_of(r, nics[i]);
		for (j = 0; j < ni && j < MAX_IPC; j++) {
			const rp_mobj *sub = rp_mobj_target(ipcs[j], RP_LINK_SUBNET);
			rel_add(r, ipcs[j], L_NET);
			rel_add(r, rp_mobj_target(ipcs[j], RP_LINK_PIP), L_NET);
			lb_rel(r, ipcs[j]);
			if (sub) {
				rel_add(r, sub, L_NET);
				nsg_rel(r, sub);
				flowlogs_of(r, sub);
				if (sub->parent)
					flowlogs_of(r, sub->parent);
			}
		}
	}
	/* subscription-wide monitoring (Defender plans) */
	n = 0;
	{
		rp_mobj *const *pr = rp_model_objects(m, RP_MK_PRICING, &n);
		for (i = 0; i < n; i++)
			rel_add(r, pr[i], L_MON);
	}
}

/* ---- ratings ---- */

typedef struct fset {
	const rp_finding **v;
	size_t n, cap;
} fset;

static int fset_add(fset *s, const rp_finding *f)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == f)
			return 0;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		const rp_finding **p = realloc(s->v, nc * sizeof(*p));
		if (!p)
			return -RP_ENOMEM;
		s->v = p;
		s->cap = nc;
	}
	s->v[s->n++] = f;
	return 0;
}

static int rate_layer(rp_arena *a, const rels *r, const by_obj *bo, rp_layer layer,
		      rp_depth_layer *out)
{
	fset all = { 0 };
	fset pick = { 0 };
	size_t i, j;
	int worst = -1, rc = 0; /* 3 broken, 2 weak, 1 unknown */

	memset(out, 0, sizeof(*out));
	for (i = 0; i < r->n && rc == 0; i++) {
		const rp_mobj *o = r->items[i].obj;
		if (!(r->items[i].layers & (1u << layer)))
			continue;
		for (j = bo->first[o->index]; j < bo->first[o->index + 1] && rc == 0; j++) {
			const rp_finding *f = bo->items[j];
			if (f->rule->layer != layer)
				continue;
			rc = fset_add(&all, f);
		}
	}
	for (i = 0; i < all.n; i++) {
		const rp_finding *f = all.v[i];
		int w = 0;
		if (f->status == RP_STATUS_PASS)
			out->npass++;
		else if (f->status == RP_STATUS_FAIL) {
			out->nfail++;
			w = f->rule->severity >= RP_SEV_HIGH     ? 3
			    : f->rule->severity >= RP_SEV_MEDIUM ? 2
								 : 0;
		} else if (f->status == RP_STATUS_UNKNOWN) {
			out->nunknown++;
			w = f->rule->severity >= RP_SEV_MEDIUM ? 1 : 0;
		}
		if (w > worst)
			worst = w;
	}
	if (worst <= 0 && out->npass == 0)
		worst = 1;
	out->rating = worst == 3   ? RP_DEPTH_BROKEN
		      : worst == 2 ? RP_DEPTH_WEAK
		      : worst == 1 ? RP_DEPTH_UNKNOWN
				   : RP_DEPTH_HOLDS;
	for (i = 0; i < all.n && rc == 0; i++) {
		const rp_finding *f = all.v[i];
		bool take = false;
		switch (out->rating) {
		case RP_DEPTH_BROKEN:
			take = f->status == RP_STATUS_FAIL && f->rule->severity >= RP_SEV_HIGH;
			break;
		case RP_DEPTH_WEAK:
			take = f->status == RP_STATUS_FAIL && f->rule->severity >= RP_SEV_MEDIUM;
			break;
		case RP_DEPTH_UNKNOWN:
			take = f->status == RP_STATUS_UNKNOWN && f->rule->severity >= RP_SEV_MEDIUM;
			break;
		case RP_DEPTH_HOLDS: take = f->status == RP_STATUS_PASS; break;
		}
		if (take)
			rc = fset_add(&pick, f);
	}
	if (rc == 0 && pick.n) {
		out->basis = rp_arena_alloc(a, pick.n * sizeof(*out->basis));
		if (!out->basis)
			rc = -RP_ENOMEM;
		else {
			memcpy(out->basis, pick.v, pick.n * sizeof(*out->basis));
			out->nbasis = pick.n;
		}
	}
	if (rc == 0) {
		const char *ln = rp_layer_name(layer);
		if (out->rating == RP_DEPTH_UNKNOWN && pick.n == 0)
			out->reason = dk_printf(
				a, all.n ? "no %s rule passes for it" : "no %s rule applies to it",
				ln);
		else if (out->rating == RP_DEPTH_HOLDS && out->nfail)
			out->reason = dk_printf(
				a, "%zu %s check%s pass; %zu low-severity failure%s noted",
				out->npass, ln, out->npass == 1 ? "" : "s", out->nfail,
				out->nfail == 1 ? "" : "s");
		else if (out->rating == RP_DEPTH_HOLDS)
			out->reason = dk_printf(a, "%zu %s check%s pass, none fails", out->npass,
						ln, out->npass == 1 ? "" : "s");
		else {
			const rp_finding *f = pick.v[0];
			out->reason = dk_printf(
				a, "%s %s (%s)%s", f->rule->id,
				f->status == RP_STATUS_FAIL ? "fails" : "is unknown",
				rp_severity_name(f->rule->severity),
				pick.n > 1 ? dk_printf(a, " and %zu more", pick.n - 1) : "");
		}
		if (!out->reason)
			rc = -RP_ENOMEM;
	}
	free(all.v);
	free(pick.v);
	return rc;
}

/* ---- paths ---- */

static const char *disp(const rp_mobj *o)
{
	if (!o)
		return "?";
	if (o->name)
		return o->name;
	return o->type ? o->type : "?";
}

/* Findings on o of layer (mask) with a status in smask. */
static int findings_on(const by_obj *bo, const rp_mobj *o, unsigned layers, unsigned smask,
		       fset *out)
{
	size_t j;
	int rc = 0;

	if (!o)
		return 0;
	for (j = bo->first[o->index]; j < bo->first[o->index + 1] && rc == 0; j++) {
		const rp_finding *f = bo->items[j];
		if ((layers & (1u << f->rule->layer)) && (smask & (1u << f->status)))
			rc = fset_add(out, f);
	}
	return rc;
}

#define S_FAIL (1u << RP_STATUS_FAIL)
#define S_UNK (1u << RP_STATUS_UNKNOWN)
#define S_PASS (1u << RP_STATUS_PASS)

typedef struct pbuild {
	rp_arena *a;
	const by_obj *bo;
	rp_depth_hop hops[24];
	size_t n;
	int rc;
} pbuild;

static void hop(pbuild *p, rp_depth_node kind, const rp_mobj *obj, const char *name,
		const char *controls, rp_depth_state st, const fset *fs)
{
	rp_depth_hop *h;

	if (p->rc || p->n >= 24)
		return;
	h = &p->hops[p->n++];
	memset(h, 0, sizeof(*h));
	h->kind = kind;
	h->obj = obj;
	h->name = name;
	h->controls = controls ? controls : "";
	h->state = st;
	if (fs && fs->n) {
		h->findings = rp_arena_alloc(p->a, fs->n * sizeof(*h->findings));
		if (!h->findings) {
			p->rc = -RP_ENOMEM;
			return;
		}
		memcpy(h->findings, fs->v, fs->n * sizeof(*h->findings));
		h->nfindings = fs->n;
	}
	if (!h->name || !h->controls)
		p->rc = -RP_ENOMEM;
}

/* The list of rule IDs of fs as text "RMP-NET-001 fails, ...". */
static const char *fs_text(rp_arena *a, const fset *fs)
{
	rp_buf b = RP_BUF_INIT;
	size_t i;
	char *s;

	for (i = 0; i < fs->n && i < 4; i++)
		rp_buf_printf(&b, "%s%s %s", i ? ", " : "", fs->v[i]->rule->id,
			      fs->v[i]->status == RP_STATUS_FAIL ? "fails" : "is unknown");
	if (fs->n > 4)
		rp_buf_printf(&b, " and %zu more", fs->n - 4);
	s = b.data ? dk_strndup(a, b.data, b.len) : dk_strndup(a, "", 0);
	rp_buf_release(&b);
	return s;
}

/* The edge through one NSG level (subnet or NIC).  NET results decide:
 * a failing NET rule on the level's NSG, its rules or the holder means
 * the traffic passes; no NSG at the level allows everything (azure-facts
 * 2.4); an NSG without failing NET results restricts, unless the NET
 * rules could not be evaluated (no NET result at all: unknown). */
static void nsg_hop(pbuild *p, rp_depth_node kind, const rp_mobj *holder, const char *what)
{
	const rp_mlink *l = holder ? rp_model_nsg_of(holder) : NULL;
	fset fs = { 0 }, seen = { 0 }, unk = { 0 };
	const char *ctl;
	rp_depth_state st;

	if (!holder) {
		hop(p, kind, NULL, dk_printf(p->a, "%s (unknown)", what),
		    "not in the scanned input: its NSG cannot be known", RP_DS_UNKNOWN, NULL);
		return;
	}
	if (findings_on(p->bo, holder, 1u << RP_LAYER_NET, S_FAIL, &fs) < 0)
		p->rc = -RP_ENOMEM;
	if (!l) {
		ctl = dk_printf(p->a, "no NSG on the %s: all traffic allowed%s%s", what,
				fs.n ? "; " : "", fs.n ? fs_text(p->a, &fs) : "");
		st = RP_DS_OPEN;
	} else if (l->state != RP_LINK_RESOLVED) {
		ctl = dk_printf(p->a, "NSG %s not in the scanned input",
				l->text  ? l->text
				: l->why ? l->why
					 : "?");
		st = RP_DS_UNKNOWN;
	} else {
		const rp_mobj *rules[256];
		size_t n = rp_model_nsg_rules(l->target, rules, 256), i;
		if (findings_on(p->bo, l->target, 1u << RP_LAYER_NET, S_FAIL, &fs) < 0)
			p->rc = -RP_ENOMEM;
		for (i = 0; i < n && i < 256; i++)
			if (findings_on(p->bo, rules[i], 1u << RP_LAYER_NET, S_FAIL, &fs) < 0)
				p->rc = -RP_ENOMEM;
		if (findings_on(p->bo, l->target, 1u << RP_LAYER_NET, S_UNK, &unk) < 0 ||
		    findings_on(p->bo, l->target, 1u << RP_LAYER_NET, S_PASS, &seen) < 0)
			p->rc = -RP_ENOMEM;
		if (fs.n) {
			ctl = dk_printf(p->a, "NSG %s lets traffic through: %s", disp(l->target),
					fs_text(p->a, &fs));
			st = RP_DS_OPEN;
		} else if (unk.n) {
			ctl = dk_printf(p->a, "NSG %s: %s", disp(l->target), fs_text(p->a, &unk));
			st = RP_DS_UNKNOWN;
		} else if (seen.n) {
			ctl = dk_printf(p->a, "NSG %s (no failing network rule)", disp(l->target));
			st = RP_DS_RESTRICTED;
		} else {
			ctl = dk_printf(p->a, "NSG %s (verdict not evaluated)", disp(l->target));
			st = RP_DS_UNKNOWN;
		}
	}
	hop(p, kind, holder, disp(holder), ctl, st, fs.n ? &fs : &unk);
	free(fs.v);
	free(seen.v);
	free(unk.v);
}

/* Controls on the asset itself: its HOST rating (credentials, patching). */
static void asset_hop(pbuild *p, const rp_mobj *a, const rp_depth_layer *host)
{
	fset fs = { 0 };
	size_t i;

	for (i = 0; i < host->nbasis && host->rating != RP_DEPTH_HOLDS; i++)
		if (fset_add(&fs, host->basis[i]) < 0)
			p->rc = -RP_ENOMEM;
	hop(p, RP_DN_ASSET, a, disp(a),
	    dk_printf(p->a, "host hardening %s: %s", rp_depth_rating_name(host->rating),
		      host->reason ? host->reason : ""),
	    host->rating == RP_DEPTH_HOLDS     ? RP_DS_RESTRICTED
	    : host->rating == RP_DEPTH_UNKNOWN ? RP_DS_UNKNOWN
					       : RP_DS_OPEN,
	    &fs);
	free(fs.v);
}

/* A data store (disk, storage account, Key Vault) reached from the asset:
 * its DATA results decide the edge (a failing one: open). */
/* DATA results on the asset that concern one of its disks: those whose
 * property path lies in the disk's element, and the asset-wide ones
 * (encryption at host, Azure Disk Encryption: not under storageProfile). */
static void asset_disk_findings(pbuild *p, const rp_mobj *asset, const rp_mobj *spec,
				unsigned smask, fset *out)
{
	size_t j, n = spec && spec->path ? strlen(spec->path) : 0;

	for (j = p->bo->first[asset->index]; j < p->bo->first[asset->index + 1]; j++) {
		const rp_finding *f = p->bo->items[j];
		if (f->rule->layer != RP_LAYER_DATA || !(smask & (1u << f->status)))
			continue;
		if ((n && strncmp(f->path, spec->path, n) == 0) ||
		    !strstr(f->path, "storageProfile"))
			if (fset_add(out, f) < 0)
				p->rc = -RP_ENOMEM;
	}
}

static void data_hop(pbuild *p, rp_depth_node kind, const rp_mobj *o, const char *how,
		     const rp_mobj *asset, const rp_mobj *spec)
{
	fset bad = { 0 }, good = { 0 };
	rp_depth_state st;
	const char *ctl;

	if (findings_on(p->bo, o, 1u << RP_LAYER_DATA, S_FAIL | S_UNK, &bad) < 0 ||
	    findings_on(p->bo, o, 1u << RP_LAYER_DATA, S_PASS, &good) < 0)
		p->rc = -RP_ENOMEM;
	if (asset) {
		asset_disk_findings(p, asset, spec, S_FAIL | S_UNK, &bad);
		asset_disk_findings(p, asset, spec, S_PASS, &good);
	}
	if (bad.n) {
		/* Like the ratings: a medium or higher failure opens the edge,
		 * low ones are listed; an unknown (medium and up) leaves it
		 * unknown. */
		bool open = false, unknown = false;
		size_t i;
		for (i = 0; i < bad.n; i++) {
			if (bad.v[i]->rule->severity < RP_SEV_MEDIUM)
				continue;
			open |= bad.v[i]->status == RP_STATUS_FAIL;
			unknown |= bad.v[i]->status == RP_STATUS_UNKNOWN;
		}
		st = open ? RP_DS_OPEN : unknown ? RP_DS_UNKNOWN : RP_DS_RESTRICTED;
		ctl = dk_printf(p->a, "%s; %s", how, fs_text(p->a, &bad));
	} else if (good.n) {
		st = RP_DS_RESTRICTED;
		ctl = dk_printf(p->a, "%s; %zu data check%s pass", how, good.n,
				good.n == 1 ? "" : "s");
	} else {
		st = RP_DS_UNKNOWN;
		ctl = dk_printf(p->a, "%s; no data rule applies", how);
	}
	hop(p, kind, o, disp(o), ctl, st, &bad);
	free(bad.v);
	free(good.v);
}

typedef struct entry {
	bool internet;
	rp_depth_node kind; /* PUBLIC_IP / LOAD_BALANCER, or NEIGHBOURS */
	const rp_mobj *endpoint;
	const char *controls;
	rp_depth_state state;
	const rp_mobj *nic, *subnet;
	bool subnet_known;         /* the ipconfig names a subnet object */
	const rp_net_ipc *ipc;     /* with the topology: the ipConfiguration */
	const rp_net_endpoint *ep; /* and the public endpoint (NULL: neighbours) */
} entry;

/* The network topology's view of the model (src/net/topology.h), indexed
 * by owner: exposures and ipConfigurations of each asset. */
typedef struct netx {
	const rp_net_topo *t;
	const rp_net_ipc **ipc; /* by owner index: ipc[ifirst[i] .. ifirst[i+1]) */
	size_t *ifirst;
} netx;

static int netx_build(rp_arena *a, const rp_model *m, rp_net_topo *t, netx *x)
{
	size_t n = 0, i, *fill;
	int rc;

	memset(x, 0, sizeof(*x));
	if (!t)
		return 0;
	if ((rc = rp_net_topo_exposures(t, &n)) < 0)
		return rc;
	x->t = t;
	x->ifirst = rp_arena_calloc(a, m->nobjs + 1, sizeof(size_t));
	x->ipc = rp_arena_calloc(a, t->nipcs ? t->nipcs : 1, sizeof(*x->ipc));
	fill = calloc(m->nobjs + 1, sizeof(size_t));
	if (!x->ifirst || !x->ipc || !fill) {
		free(fill);
		return -RP_ENOMEM;
	}
	for (i = 0; i < t->nipcs; i++)
		if (t->ipcs[i].owner && t->ipcs[i].owner->index < m->nobjs)
			x->ifirst[t->ipcs[i].owner->index + 1]++;
	for (i = 0; i < m->nobjs; i++)
		x->ifirst[i + 1] += x->ifirst[i];
	for (i = 0; i < t->nipcs; i++) {
		const rp_mobj *o = t->ipcs[i].owner;
		if (o && o->index < m->nobjs)
			x->ipc[x->ifirst[o->index] + fill[o->index]++] = &t->ipcs[i];
	}
	free(fill);
	return 0;
}

/* Management and database ports (the NET rules' critical classes). */
static bool critical_exposure(const rp_net_exposure *e)
{
	static const uint32_t ports[] = { 22,   3389, 5985,  5986, 1433, 3306,
					  5432, 6379, 27017, 9200, 11211 };
	size_t i;

	if (!rp_net_proto_has_ports(e->proto))
		return false;
	if (rp_net_pset_is_all(e->ports))
		return true;
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (rp_net_pset_contains(e->ports, ports[i]))
			return true;
	return false;
}

/* 80 and 443 through a load-balancing rule: the usual web front door. */
static bool web_front_door(const rp_net_exposure *e)
{
	size_t i;

	if (!e->endpoint || e->endpoint->kind != RP_NET_EP_LB_RULE || e->proto != RP_NET_TCP)
		return false;
	for (i = 0; i < e->ports->n; i++) {
		const rp_net_pival *v = &e->ports->v[i];
		uint32_t p;
		for (p = v->lo; p <= v->hi && p <= 65535; p++)
			if (p != 80 && p != 443)
				return false;
	}
	return true;
}

/* "Tcp 22, 80" for the allowed exposures of one path. */
static const char *exposure_ports(rp_arena *a, const rp_net_exposure *const *v, size_t n,
				  int verdict)
{
	rp_buf b = RP_BUF_INIT;
	size_t i;
	char *s;

	for (i = 0; i < n; i++) {
		if (v[i]->verdict != verdict)
			continue;
		rp_buf_printf(&b, "%s%s ", b.len ? "; " : "", rp_net_proto_name(v[i]->proto));
		if (rp_net_proto_has_ports(v[i]->proto))
			rp_net_pset_format(&b, v[i]->ports);
		else
			rp_buf_puts(&b, "*");
	}
	s = dk_strndup(a, b.data ? b.data : "", b.len);
	rp_buf_release(&b);
	return s;
}

#define MAX_ENTRIES 32

static void entry_add(entry *e, size_t *n, entry x)
{
	if (*n < MAX_ENTRIES)
		e[(*n)++] = x;
}

/* Public IP SKU: Basic is open without an NSG, Standard closed unless an
 * NSG allows (azure-facts 2.5). */
static const char *pip_text(rp_arena *a, const rp_mobj *pip, rp_depth_state *st)
{
	rp_prop sku;
	const char *s;

	rp_prop_get(pip, "sku.name", &sku);
	s = rp_prop_str(&sku);
	*st = RP_DS_OPEN;
	if (s && rp_str_ieq(s, "Standard", 8) && strlen(s) == 8) {
		*st = RP_DS_RESTRICTED;
		return dk_printf(a, "public IP %s (Standard SKU: closed unless an NSG allows)",
				 disp(pip));
	}
	if (s)
		return dk_printf(a, "public IP %s (%s SKU: open unless an NSG denies)", disp(pip),
				 s);
	if (sku.unknown)
		*st = RP_DS_UNKNOWN;
	return dk_printf(a, "public IP %s (SKU %s)", disp(pip),
			 sku.unknown ? "unknown" : "not set: Basic, open unless an NSG denies");
}

/* Load balancer rules and NAT rules that forward to pool / NAT targets:
 * "LB lb, frontend fe: 443->443/Tcp". */
static const char *lb_rules_text(rp_arena *a, const rp_mobj *target, rp_link_kind via,
				 const rp_mobj **pip_out)
{
	rp_buf b = RP_BUF_INIT;
	const rp_mobj *lb = target->parent;
	size_t it = 0, n = 0;
	const rp_mlink *l;
	char *s;

	*pip_out = NULL;
	rp_buf_printf(&b, "load balancer %s", disp(lb));
	if (via == RP_LINK_LB_POOL) {
		while ((l = rp_mobj_next_backlink(target, RP_LINK_LB_POOL, &it)) != NULL) {
			const rp_mobj *r = l->from, *fe = rp_mobj_target(r, RP_LINK_LB_FRONTEND);
			rp_prop fp, bp, pr;
			const rp_mobj *pip = fe ? rp_mobj_target(fe, RP_LINK_PIP) : NULL;
			if (r->kind != RP_MK_LB_RULE || !pip)
				continue;
			*pip_out = pip;
			rp_prop_get(r, "properties.frontendPort", &fp);
			rp_prop_get(r, "properties.backendPort", &bp);
			rp_prop_get(r, "properties.protocol", &pr);
			rp_buf_printf(&b, "%s%s", n++ ? ", " : ": rule ", disp(r));
			if (fp.v && bp.v && fp.v->kind == RP_V_INT && bp.v->kind == RP_V_INT)
				rp_buf_printf(&b, " %lld->%lld/%s", (long long)fp.v->u.i,
					      (long long)bp.v->u.i,
					      rp_prop_str(&pr) ? rp_prop_str(&pr) : "?");
		}
	} else {
		const rp_mobj *fe = rp_mobj_target(target, RP_LINK_LB_FRONTEND);
		*pip_out = fe ? rp_mobj_target(fe, RP_LINK_PIP) : NULL;
		rp_buf_printf(&b, ": inbound NAT %s", disp(target));
	}
	s = dk_strndup(a, b.data ? b.data : "", b.len);
	rp_buf_release(&b);
	return s;
}

static void collect_entries(rp_arena *a, const rp_mobj *asset, entry *e, size_t *ne)
{
	const rp_mobj *nics[MAX_NICS];
	size_t nn = asset_nics(asset, nics, MAX_NICS), i, j;

	*ne = 0;
	for (i = 0; i < nn; i++) {
		const rp_mobj *ipcs[MAX_IPC];
		size_t ni = children(nics[i], RP_MK_IPCONFIG, ipcs, MAX_IPC);
		for (j = 0; j < ni && j < MAX_IPC; j++) {
			const rp_mobj *ipc = ipcs[j], *pip = rp_mobj_target(ipc, RP_LINK_PIP);
			const rp_mlink *sl = rp_mobj_link(ipc, RP_LINK_SUBNET);
			const rp_mobj *sub =
				sl && sl->state == RP_LINK_RESOLVED ? sl->target : NULL;
			static const rp_link_kind lbk[] = { RP_LINK_LB_POOL, RP_LINK_LB_NAT_RULE,
							    RP_LINK_LB_NAT_POOL };
			entry x;
			size_t k;

			memset(&x, 0, sizeof(x));
			x.nic = nics[i];
			x.subnet = sub;
			if (pip) {
				x.internet = true;
				x.kind = RP_DN_PUBLIC_IP;
				x.endpoint = pip;
				x.controls = pip_text(a, pip, &x.state);
				entry_add(e, ne, x);
			} else if (rp_value_path(ipc->body,
						 "properties.publicIPAddressConfiguration")) {
				/* scale set: a public IP per instance (Basic unless sku says) */
				x.internet = true;
				x.kind = RP_DN_PUBLIC_IP;
				x.endpoint = NULL;
				x.controls = dk_printf(
					a,
					"a public IP per instance (publicIPAddressConfiguration)");
				x.state = RP_DS_OPEN;
				entry_add(e, ne, x);
			}
			for (k = 0; k < 3; k++) {
				size_t it = 0;
				const rp_mlink *l;
				while ((l = rp_mobj_next_link(ipc, lbk[k], &it)) != NULL) {
					const rp_mobj *lpip = NULL;
					const char *t;
					if (l->state != RP_LINK_RESOLVED)
						continue;
					t = lb_rules_text(a, l->target, lbk[k], &lpip);
					if (!lpip)
						continue; /* internal load balancer */
					x.internet = true;
					x.kind = RP_DN_LOAD_BALANCER;
					x.endpoint =
						l->target->parent ? l->target->parent : l->target;
					x.controls = dk_printf(a, "%s; frontend public IP %s", t,
							       disp(lpip));
					x.state = RP_DS_OPEN;
					entry_add(e, ne, x);
				}
			}
			/* the neighbours: other subnets of the network */
			memset(&x, 0, sizeof(x));
			x.nic = nics[i];
			x.subnet = sub;
			x.kind = RP_DN_NEIGHBOURS;
			x.controls = "";
			entry_add(e, ne, x);
		}
	}
}

static void collect_entries_net(rp_arena *a, const netx *x, const rp_mobj *asset, entry *e,
				size_t *ne)
{
	size_t i, j;

	*ne = 0;
	for (i = x->ifirst[asset->index]; i < x->ifirst[asset->index + 1]; i++) {
		const rp_net_ipc *ipc = x->ipc[i];
		entry y;
		for (j = 0; j < ipc->neps; j++) {
			const rp_net_endpoint *ep = &ipc->eps[j];
			bool lb = ep->kind == RP_NET_EP_LB_RULE ||
				  ep->kind == RP_NET_EP_LB_NAT_RULE ||
				  ep->kind == RP_NET_EP_LB_NAT_POOL;
			memset(&y, 0, sizeof(y));
			y.internet = true;
			y.kind = lb ? RP_DN_LOAD_BALANCER : RP_DN_PUBLIC_IP;
			y.endpoint = lb ? ep->lb : ep->pip;
			y.nic = ipc->nic;
			y.subnet = ipc->subnet;
			y.ipc = ipc;
			y.ep = ep;
			y.controls = dk_printf(a, "%s %s%s%s", rp_net_ep_kind_name(ep->kind),
					       ep->label ? ep->label : "?",
					       ep->unknown ? ": unknown: " : "",
					       ep->unknown ? ep->unknown : "");
			y.state = ep->unknown ? RP_DS_UNKNOWN : RP_DS_OPEN; /* refined below */
			entry_add(e, ne, y);
		}
		memset(&y, 0, sizeof(y));
		y.kind = RP_DN_NEIGHBOURS;
		y.controls = "";
		y.nic = ipc->nic;
		y.subnet = ipc->subnet;
		y.ipc = ipc;
		entry_add(e, ne, y);
	}
}

/* The exposures of asset that follow entry y: same ipConfiguration, same
 * endpoint (Internet) or east-west (neighbours). */
static size_t path_exposures(const netx *x, const rp_mobj *asset, const entry *y,
			     const rp_net_exposure **out, size_t cap)
{
	size_t n = 0, k;
	const rp_net_exposure *e;
	rp_net_exp_iter it;

	if (!y->ipc || y->ipc->owner != asset)
		return 0;
	k = (size_t)(y->ipc - x->t->ipcs);
	rp_net_exp_first(&it, x->t, k, k + 1);
	while ((e = rp_net_exp_next(&it, NULL)) != NULL) {
		if (y->internet ? e->endpoint != y->ep : e->endpoint != NULL)
			continue;
		if (n < cap)
			out[n++] = e;
	}
	return n;
}

/* One NSG level (0 subnet, 1 NIC) of a path, decided by the exposures:
 * no NSG allows; an NSG admitting a management or database port, or every
 * port, leaves the edge open; admitting other ports only, or nothing,
 * restricts it; an unknown verdict leaves it unknown. */
static void net_level_hop(pbuild *p, const entry *y, int level, const rp_net_exposure *const *v,
			  size_t n)
{
	const rp_net_nsg *nsg = level == 0 ? y->ipc->chain.subnet_nsg : y->ipc->chain.nic_nsg;
	bool known = level == 0 ? y->ipc->subnet_nsg_known : y->ipc->nic_nsg_known;
	const rp_mobj *holder = level == 0 ? y->subnet : y->nic;
	const char *src = y->internet ? "the Internet" : "other subnets";
	const char *what = level == 0 ? "subnet" : "NIC";
	bool crit = false, allow = false, unknown = false;
	const rp_net_exposure *first = NULL;
	rp_buf hb = RP_BUF_INIT;
	const char *ctl, *rule;
	rp_depth_state st;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i]->verdict == RP_NET_ALLOW) {
			allow = true;
			crit |= critical_exposure(v[i]);
			if (!first)
				first = v[i];
		} else
			unknown = true;
	}
	if (!first && n)
		first = v[0];
	if (first)
		rp_net_hop_format(&hb, &first->hop[level]);
	rule = dk_strndup(p->a, hb.data ? hb.data : "", hb.len);
	rp_buf_release(&hb);
	if (!known) {
		st = RP_DS_UNKNOWN;
		ctl = dk_printf(p->a, "the %s's NSG is not known: %s", what,
				y->ipc->nsg_unknown ? y->ipc->nsg_unknown : "not in the input");
	} else if (!nsg) {
		st = RP_DS_OPEN;
		ctl = dk_printf(p->a, "no NSG on the %s: all traffic allowed", what);
	} else if (crit) {
		st = RP_DS_OPEN;
		ctl = dk_printf(p->a, "NSG %s admits %s from %s (%s)", nsg->name,
				exposure_ports(p->a, v, n, RP_NET_ALLOW), src, rule);
	} else if (unknown && !allow) {
		st = RP_DS_UNKNOWN;
		ctl = dk_printf(p->a, "NSG %s: verdict unknown for %s from %s (%s)", nsg->name,
				exposure_ports(p->a, v, n, RP_NET_UNKNOWN), src,
				first && first->reason ? first->reason : "");
	} else if (allow) {
		st = RP_DS_RESTRICTED;
		ctl = dk_printf(p->a, "NSG %s admits only %s from %s (%s)", nsg->name,
				exposure_ports(p->a, v, n, RP_NET_ALLOW), src, rule);
	} else {
		st = RP_DS_RESTRICTED;
		ctl = dk_printf(p->a, "NSG %s admits nothing from %s", nsg->name, src);
	}
	hop(p, level == 0 ? RP_DN_SUBNET : RP_DN_NIC, holder,
	    holder ? disp(holder) : dk_printf(p->a, "%s (not in the input)", what), ctl, st, NULL);
}

static int cmp_paths(const void *pa, const void *pb)
{
	const rp_depth_path *a = pa, *b = pb;
	size_t i;

	if (a->from_internet != b->from_internet)
		return a->from_internet ? -1 : 1;
	if (a->strength != b->strength)
		return a->strength < b->strength ? -1 : 1;
	for (i = 0; i < a->nentry && i < b->nentry; i++) {
		int c = strcmp(a->hops[i].name, b->hops[i].name);
		if (c)
			return c;
	}
	return a->nentry < b->nentry ? -1 : a->nentry > b->nentry;
}

/* Role assignments whose principal is asset a (system-assigned identity)
 * or one of its user-assigned identities.  A principalId that is known
 * matches an identity's principalId; an unknown one written as
 * reference(ID).principalId or reference(ID, ..., 'Full').identity
 * .principalId names the identity's (or the VM's) resource ID in its
 * reason. */
static bool principal_is(const rp_model *m, const rp_mobj *ra, const rp_mobj *a)
{
	const rp_value *pid = rp_value_path(ra->body, "properties.principalId");
	size_t it = 0;
	const rp_mlink *l;
	const rp_mobj *who = NULL;

	if (!pid)
		return false;
	if (pid->kind == RP_V_UNKNOWN && pid->u.reason &&
	    strncmp(pid->u.reason, "reference('", 11) == 0) {
		const char *s = pid->u.reason + 11, *e = strchr(s, '\'');
		char buf[1024];
		if (!e || (size_t)(e - s) >= sizeof(buf))
			return false;
		memcpy(buf, s, (size_t)(e - s));
		buf[e - s] = 0;
		who = rp_model_find(m, buf, NULL);
		if (!who)
			return false;
		if (who == a)
			return true;
		while ((l = rp_mobj_next_link(a, RP_LINK_IDENTITY, &it)) != NULL)
			if (l->state == RP_LINK_RESOLVED && l->target == who)
				return true;
		return false;
	}
	if (pid->kind == RP_V_STRING) {
		const rp_value *own = rp_value_path(a->body, "identity.principalId");
		if (rp_value_is(own, RP_V_STRING) &&
		    rp_str_ieq(own->u.s, pid->u.s, strlen(own->u.s)) &&
		    strlen(own->u.s) == strlen(pid->u.s))
			return true;
		while ((l = rp_mobj_next_link(a, RP_LINK_IDENTITY, &it)) != NULL) {
			const rp_value *p;
			if (l->state != RP_LINK_RESOLVED)
				continue;
			p = rp_value_path(l->target->body, "properties.principalId");
			if (rp_value_is(p, RP_V_STRING) && strlen(p->u.s) == strlen(pid->u.s) &&
			    rp_str_ieq(p->u.s, pid->u.s, strlen(p->u.s)))
				return true;
		}
	}
	return false;
}

static const char *role_text(rp_arena *a, const rp_mobj *ra)
{
	const rp_value *rd = rp_value_path(ra->body, "properties.roleDefinitionId");
	const char *s = rp_value_is(rd, RP_V_STRING) ? rd->u.s : NULL, *slash;

	if (!s)
		return dk_printf(a, "role assignment %s (role unknown)", disp(ra));
	slash = strrchr(s, '/');
	return dk_printf(a, "role assignment %s (role definition %s)", disp(ra),
			 slash ? slash + 1 : s);
}

/* Data reached from the asset, appended to the path being built. */
static void data_hops(pbuild *p, const rp_model *m, const rp_mobj *a)
{
	size_t it = 0, n, i;
	const rp_mlink *l;
	rp_mobj *const *ras;

	while ((l = rp_mobj_next_link(a, RP_LINK_DISK, &it)) != NULL) {
		const rp_mobj *spec = l->target, *disk;
		if (l->state != RP_LINK_RESOLVED)
			continue;
		disk = rp_mobj_target(spec, RP_LINK_DISK);
		data_hop(p, RP_DN_DISK, disk ? disk : spec,
			 disk ? "attached managed disk" : "disk of the asset", a, spec);
	}
	ras = rp_model_objects(m, RP_MK_ROLE_ASSIGNMENT, &n);
	for (i = 0; i < n; i++) {
		const rp_mobj *t = rp_mobj_target(ras[i], RP_LINK_SCOPE);
		if (!t || (t->kind != RP_MK_STORAGE && t->kind != RP_MK_KEYVAULT) ||
		    !principal_is(m, ras[i], a))
			continue;
		data_hop(p, t->kind == RP_MK_STORAGE ? RP_DN_STORAGE : RP_DN_KEYVAULT, t,
			 role_text(p->a, ras[i]), NULL, NULL);
	}
}

#define MAX_PATH_EXP 256

static int build_paths(rp_arena *a, const rp_model *m, const by_obj *bo, const netx *x,
		       rp_depth_asset *as)
{
	entry e[MAX_ENTRIES];
	size_t ne, i, ndata_first = 0;
	pbuild p;
	rp_depth_path *paths;
	bool any_public = false, any_yes = false, any_unknown = false;
	const char *how = NULL, *why = NULL;
	const rp_net_exposure *pe[MAX_PATH_EXP];

	if (x->t)
		collect_entries_net(a, x, as->obj, e, &ne);
	else
		collect_entries(a, as->obj, e, &ne);
	paths = rp_arena_calloc(a, ne ? ne : 1, sizeof(*paths));
	if (!paths)
		return -RP_ENOMEM;
	(void)ndata_first;
	for (i = 0; i < ne; i++) {
		rp_depth_path *pa = &paths[i];
		size_t k;
		memset(&p, 0, sizeof(p));
		p.a = a;
		p.bo = bo;
		size_t npe = e[i].ipc ? path_exposures(x, as->obj, &e[i], pe, MAX_PATH_EXP) : 0;
		if (e[i].internet) {
			rp_depth_state est = e[i].state;
			if (e[i].ipc && !e[i].ep->unknown) {
				/* the endpoint forwards what the NSGs admit */
				bool al = false, un = false;
				size_t k2;
				for (k2 = 0; k2 < npe; k2++) {
					al |= pe[k2]->verdict == RP_NET_ALLOW;
					un |= pe[k2]->verdict != RP_NET_ALLOW;
				}
				est = al ? RP_DS_OPEN : un ? RP_DS_UNKNOWN : RP_DS_RESTRICTED;
			}
			hop(&p, RP_DN_INTERNET, NULL, "Internet", "", RP_DS_OPEN, NULL);
			hop(&p, e[i].kind, e[i].endpoint,
			    e[i].endpoint ? disp(e[i].endpoint) : "instance public IPs",
			    e[i].controls, est, NULL);
		} else {
			hop(&p, RP_DN_NEIGHBOURS, NULL,
			    e[i].subnet && e[i].subnet->parent
				    ? dk_printf(a, "other subnets of %s", disp(e[i].subnet->parent))
				    : "neighbour subnets",
			    "", RP_DS_OPEN, NULL);
		}
		if (e[i].ipc) {
			net_level_hop(&p, &e[i], 0, pe, npe);
			net_level_hop(&p, &e[i], 1, pe, npe);
		} else {
			nsg_hop(&p, RP_DN_SUBNET, e[i].subnet, "subnet");
			nsg_hop(&p, RP_DN_NIC, e[i].nic, "NIC");
		}
		asset_hop(&p, as->obj, &as->layers[RP_LAYER_HOST]);
		pa->nentry = p.n;
		data_hops(&p, m, as->obj);
		if (p.rc)
			return p.rc;
		pa->from_internet = e[i].internet;
		pa->hops = rp_arena_alloc(a, p.n * sizeof(*pa->hops));
		if (!pa->hops)
			return -RP_ENOMEM;
		memcpy(pa->hops, p.hops, p.n * sizeof(*pa->hops));
		pa->nhops = p.n;
		for (k = 1; k < pa->nentry; k++)
			pa->strength += pa->hops[k].state == RP_DS_RESTRICTED;
		if (e[i].internet && e[i].ipc) {
			/* The exposures decide: allowed, unknown, or nothing. */
			size_t k2;
			any_public = true;
			for (k2 = 0; k2 < npe; k2++) {
				if (pe[k2]->verdict == RP_NET_ALLOW && !any_yes) {
					any_yes = true;
					how = dk_printf(a, "%s via %s",
							exposure_ports(a, pe, npe, RP_NET_ALLOW),
							e[i].ep->label ? e[i].ep->label
								       : "a public endpoint");
				} else if (pe[k2]->verdict != RP_NET_ALLOW && !any_unknown) {
					any_unknown = true;
					why = dk_printf(a, "%s via %s: %s",
							exposure_ports(a, pe, npe, RP_NET_UNKNOWN),
							e[i].ep->label ? e[i].ep->label
								       : "a public endpoint",
							pe[k2]->reason ? pe[k2]->reason
								       : "verdict unknown");
				}
			}
			if (e[i].ep->unknown && !any_unknown) {
				any_unknown = true;
				why = dk_printf(a, "%s: %s",
						e[i].ep->label ? e[i].ep->label : "an endpoint",
						e[i].ep->unknown);
			}
		} else if (e[i].internet) {
			/* Reachable when no edge on the way in restricts; not
			 * when one certainly blocks; else unknown.  Standard
			 * public endpoints are closed unless an NSG allows. */
			bool restricted = false, unknown = false, nsg_open = false;
			for (k = 1; k + 1 < pa->nentry; k++) {
				rp_depth_state s = pa->hops[k].state;
				if (s == RP_DS_UNKNOWN)
					unknown = true;
				else if (s == RP_DS_RESTRICTED && k > 1)
					restricted = true;
				else if (s == RP_DS_OPEN && k > 1 && pa->hops[k].nfindings)
					nsg_open = true;
			}
			any_public = true;
			if (nsg_open ||
			    (!restricted && !unknown && pa->hops[1].state != RP_DS_RESTRICTED)) {
				any_yes = true;
				how = pa->hops[1].controls;
			} else if (unknown || restricted) {
				any_unknown = true;
				why = dk_printf(
					a,
					"through %s the NSG verdict is not known: run the network "
					"rules (RMP-NET-*)",
					pa->hops[1].name);
			}
		}
	}
	qsort(paths, ne, sizeof(*paths), cmp_paths);
	if (ne > RP_DEPTH_MAX_PATHS)
		ne = RP_DEPTH_MAX_PATHS;
	if (ne)
		paths[0].weakest = true;
	as->paths = paths;
	as->npaths = ne;
	if (!any_public) {
		as->internet = 0;
		as->internet_why =
			"no public endpoint (public IP or public load balancer) on its NICs";
	} else if (any_yes) {
		as->internet = 1;
		as->internet_why = how;
	} else if (any_unknown) {
		as->internet = 2;
		as->internet_why = why;
	} else {
		as->internet = 0;
		as->internet_why = x->t ? "its NSGs admit nothing from the Internet through its "
					  "public endpoints"
					: "no public endpoint admits traffic (a Standard SKU "
					  "endpoint is closed unless an NSG allows)";
	}
	return 0;
}

/* NET rated from the exposures when no NET rule produced a result for the
 * asset (docs/depth.md): broken when a management or database port, or
 * every port, is reachable from the Internet; weak when another port is
 * (80 and 443 through a load-balancing rule excepted), or when an
 * ipConfiguration has no NSG at either level; unknown when an Internet
 * verdict or an NSG is unknown; else holds. */
static int rate_net_exposures(rp_arena *a, const netx *x, const rp_depth_asset *as,
			      rp_depth_layer *out)
{
	size_t i, nipc = x->ifirst[as->obj->index + 1] - x->ifirst[as->obj->index];
	const rp_net_exposure *worst = NULL;
	int w = 0; /* 3 broken, 2 weak, 1 unknown */
	const char *why = NULL;

	if (nipc == 0) {
		out->reason = dk_printf(a, "no NET rule applies and no network interface "
					   "is in the input");
		return out->reason ? 0 : -RP_ENOMEM;
	}
	for (i = x->ifirst[as->obj->index]; i < x->ifirst[as->obj->index + 1]; i++) {
		size_t xk = (size_t)(x->ipc[i] - x->t->ipcs);
		const rp_net_exposure *e;
		rp_net_exp_iter it;
		rp_net_exp_first(&it, x->t, xk, xk + 1);
		while ((e = rp_net_exp_next(&it, NULL)) != NULL) {
			int k = 0;
			if (!e->endpoint)
				continue; /* east-west: the NET rules judge it */
			if (e->verdict != RP_NET_ALLOW)
				k = 1;
			else if (critical_exposure(e))
				k = 3;
			else if (!web_front_door(e))
				k = 2;
			if (k > w) {
				w = k;
				worst = e;
			}
		}
	}
	for (i = x->ifirst[as->obj->index]; i < x->ifirst[as->obj->index + 1] && w < 2; i++) {
		const rp_net_ipc *ipc = x->ipc[i];
		if (!ipc->subnet_nsg_known || !ipc->nic_nsg_known) {
			if (w < 1) {
				w = 1;
				why = ipc->nsg_unknown ? ipc->nsg_unknown : "an NSG is not known";
			}
		} else if (!ipc->chain.subnet_nsg && !ipc->chain.nic_nsg) {
			w = 2;
			why = "a network interface has no NSG at either level";
			worst = NULL;
		}
	}
	out->rating = w == 3   ? RP_DEPTH_BROKEN
		      : w == 2 ? RP_DEPTH_WEAK
		      : w == 1 ? RP_DEPTH_UNKNOWN
			       : RP_DEPTH_HOLDS;
	if (worst) {
		rp_buf b = RP_BUF_INIT;
		const rp_net_exposure *one[1] = { worst };
		rp_net_hop_format(&b, &worst->hop[0]);
		rp_buf_puts(&b, ", ");
		rp_net_hop_format(&b, &worst->hop[1]);
		out->reason = dk_printf(
			a, "from the exposures: %s %s from the Internet via %s (%s)",
			exposure_ports(a, one, 1, worst->verdict),
			worst->verdict == RP_NET_ALLOW ? "reachable" : "may be reachable",
			worst->endpoint->label ? worst->endpoint->label : "a public endpoint",
			b.data ? b.data : "");
		rp_buf_release(&b);
	} else if (why) {
		out->reason = dk_printf(a, "from the exposures: %s", why);
	} else {
		out->reason = dk_printf(a, "from the exposures: NSGs on every interface; "
					   "nothing but web ports through a load balancer "
					   "reachable from the Internet");
	}
	return out->reason ? 0 : -RP_ENOMEM;
}

/* ---- the analysis ---- */

static const char *layers_line(rp_arena *a, const rp_depth_asset *as)
{
	return dk_printf(a, "BOOT %s, HOST %s, NET %s, DATA %s, MON %s",
			 rp_depth_rating_name(as->layers[0].rating),
			 rp_depth_rating_name(as->layers[1].rating),
			 rp_depth_rating_name(as->layers[2].rating),
			 rp_depth_rating_name(as->layers[3].rating),
			 rp_depth_rating_name(as->layers[4].rating));
}

static const char *path_line(rp_arena *a, const rp_depth_path *p)
{
	rp_buf b = RP_BUF_INIT;
	size_t i;
	char *s;

	if (!p)
		return "no path";
	for (i = 0; i < p->nentry; i++)
		rp_buf_printf(&b, "%s%s%s", i ? " -> " : "", p->hops[i].name,
			      i && p->hops[i].state != RP_DS_RESTRICTED
				      ? dk_printf(a, " [%s]", rp_depth_state_name(p->hops[i].state))
				      : "");
	s = dk_strndup(a, b.data ? b.data : "", b.len);
	rp_buf_release(&b);
	return s;
}

static const char *subnet_name(const rp_mobj *a)
{
	const rp_mobj *nics[MAX_NICS], *ipcs[MAX_IPC];
	size_t nn = asset_nics(a, nics, MAX_NICS), i, ni, j;

	for (i = 0; i < nn; i++) {
		ni = children(nics[i], RP_MK_IPCONFIG, ipcs, MAX_IPC);
		for (j = 0; j < ni && j < MAX_IPC; j++) {
			const rp_mlink *l = rp_mobj_link(ipcs[j], RP_LINK_SUBNET);
			if (l && l->state == RP_LINK_RESOLVED)
				return disp(l->target);
			if (l && l->text) {
				/* "…/virtualNetworks/V/subnets/S" -> "V/S" */
				const char *v = strstr(l->text, "virtualNetworks/");
				return v ? v + 16 : l->text;
			}
		}
	}
	return NULL;
}

int rp_depth_analyze(const rp_model *m, const rp_findings *f, rp_net_topo *net,
		     rp_depth_result *out)
{
	netx x;
	size_t nvm, nss, i, k;
	rp_mobj *const *vms = rp_model_objects(m, RP_MK_VM, &nvm);
	rp_mobj *const *sss = rp_model_objects(m, RP_MK_VMSS, &nss);
	const rp_mobj **list = NULL;
	rels *r = NULL;
	by_obj bo;
	size_t n = 0;
	int rc = 0;

	memset(&bo, 0, sizeof(bo));
	memset(out, 0, sizeof(*out));
	dk_gen++; /* texts kept by an earlier analysis are not this one's */
	out->arena = rp_arena_new();
	r = malloc(sizeof(*r));
	list = malloc((nvm + nss + 1) * sizeof(*list));
	if (!out->arena || !r || !list) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (i = 0; i < nvm; i++)
		if (!vms[i]->res->existing)
			list[n++] = vms[i];
	for (i = 0; i < nss; i++)
		if (!sss[i]->res->existing)
			list[n++] = sss[i];
	/* model order */
	for (i = 1; i < n; i++) {
		const rp_mobj *t = list[i];
		for (k = i; k > 0 && list[k - 1]->index > t->index; k--)
			list[k] = list[k - 1];
		list[k] = t;
	}
	if ((rc = index_findings(m, f, &bo)) < 0)
		goto out;
	if ((rc = netx_build(out->arena, m, net, &x)) < 0)
		goto out;
	out->assets = rp_arena_calloc(out->arena, n ? n : 1, sizeof(*out->assets));
	out->facts = rp_arena_calloc(out->arena, n ? n : 1, sizeof(*out->facts));
	if (!out->assets || !out->facts) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++) {
		rp_depth_asset *as = &out->assets[i];
		rp_rule_depth_fact *df = &out->facts[i];
		unsigned l;
		as->obj = list[i];
		as->name = disp(list[i]);
		as->subnet = subnet_name(list[i]);
		collect_rels(m, list[i], r);
		for (l = 0; l < RP_DEPTH_NLAYERS && rc == 0; l++) {
			rc = rate_layer(out->arena, r, &bo, (rp_layer)l, &as->layers[l]);
			/* No NET rule result: the exposures decide NET. */
			if (rc == 0 && l == RP_LAYER_NET && x.t &&
			    as->layers[l].npass + as->layers[l].nfail + as->layers[l].nunknown == 0)
				rc = rate_net_exposures(out->arena, &x, as, &as->layers[l]);
			if (as->layers[l].rating == RP_DEPTH_HOLDS)
				as->score++;
			else if (as->layers[l].rating == RP_DEPTH_UNKNOWN)
				as->unknown++;
		}
		if (rc == 0)
			rc = build_paths(out->arena, m, &bo, &x, as);
		if (rc < 0)
			break;
		df->asset = as->obj;
		df->holds = as->score;
		df->unknown = as->unknown;
		df->internet = as->internet;
		df->internet_why = as->internet_why;
		df->layers = layers_line(out->arena, as);
		df->path = path_line(out->arena, as->npaths ? &as->paths[0] : NULL);
		if (!df->layers || !df->path)
			rc = -RP_ENOMEM;
	}
	out->n = i;
out:
	by_obj_release(&bo);
	free(r);
	free(list);
	return rc;
}

int rp_depth_run(const rp_model *m, const rp_rule_filter *f, rp_findings *out, rp_depth_result *res)
{
	rp_rule_filter all;
	rp_depth_result local;
	rp_depth_result *d = res ? res : &local;
	rp_net_topo *own = NULL;
	rp_rules_session *s = NULL;
	size_t nvm, nss;
	int rc = 0;

	memset(&all, 0, sizeof(all));
	memset(&local, 0, sizeof(local));
	if (f) {
		all.options = f->options;
		all.net = f->net;
		all.terse_passing = f->terse_passing;
	}
	/* One topology for the NET rules and the paths. */
	if (!all.net && (rc = rp_net_topo_build(m, NULL, &own)) == 0)
		all.net = own;
	all.include_pass = true;
	all.include_not_applicable = true;
	/* one session: the DEPTH rules reuse what the first run prepared */
	if (rc == 0)
		rc = rp_rules_begin(m, all.net, out, &s);
	if (rc == 0)
		rc = rp_rules_session_run(s, &all);
	(void)rp_model_objects(m, RP_MK_VM, &nvm);
	(void)rp_model_objects(m, RP_MK_VMSS, &nss);
	/* The ratings point at out's items: make room for the DEPTH rules'
	 * results (one per asset and rule) first, so the items never move;
	 * and no more (the array grew by doubling while the rules ran). */
	if (rc == 0 && out->cap != out->count + (nvm + nss) * 2 + 1) {
		size_t nc = out->count + (nvm + nss) * 2 + 1;
		rp_finding *ni = realloc(out->items, nc * sizeof(*ni));
		if (!ni)
			rc = -RP_ENOMEM;
		else {
			out->items = ni;
			out->cap = nc;
		}
	}
	if (rc == 0)
		rc = rp_depth_analyze(m, out, all.net, d);
	if (rc == 0 && d->n) {
		all.layers = 1u << RP_LAYER_DEPTH;
		all.depth_facts = d->facts;
		all.ndepth_facts = d->n;
		rc = rp_rules_session_run(s, &all);
	}
	rp_rules_end(s);
	if (!res)
		rp_depth_release(&local);
	rp_net_topo_free(own);
	return rc;
}
