/* topology.c: the model -> NSG engine bridge (see topology.h): NSGs,
 * environments, ipConfigurations with their chains, private address ranges
 * and public endpoints. Exposures and flow queries: exposure.c. */
#include "net/topology.h"
#include "net/topo_internal.h"
#include "util/error.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

/* ---- small value helpers ---- */

static const char *vstr(const rp_value *v)
{
	return rp_value_is(v, RP_V_STRING) ? v->u.s : NULL;
}

/* v.key; *why set when v or the member is UNKNOWN. */
static const rp_value *vget(const rp_value *v, const char *key, const char **why)
{
	const rp_value *r;

	if (rp_value_is(v, RP_V_UNKNOWN)) {
		if (why && !*why)
			*why = v->u.reason;
		return NULL;
	}
	r = rp_value_getz(v, key);
	if (rp_value_is(r, RP_V_UNKNOWN) && why && !*why)
		*why = r->u.reason;
	return r;
}

static bool vieq(const rp_value *v, const char *s)
{
	return rp_value_is(v, RP_V_STRING) && rp_value_str_ieq(v, s);
}

/* Adds one prefix string to set; false when it is not a prefix. */
static int add_prefix(rp_net_aset *set, const rp_value *v, bool *bad)
{
	const char *s = vstr(v), *why = NULL;
	rp_net_ival iv;

	if (!s || rp_net_prefix_parse(s, strlen(s), &iv, &why) < 0) {
		*bad = true;
		return 0;
	}
	return rp_net_aset_add(set, iv.lo, iv.hi);
}

/* Prefixes of a value that is one prefix or an array of them; *unknown
 * set when any part is unknown or malformed. */
static int add_prefixes(rp_net_aset *set, const rp_value *v, bool *unknown)
{
	size_t i;
	int rc = 0;

	if (!v)
		return 0;
	if (v->kind == RP_V_ARRAY) {
		for (i = 0; i < v->len && rc == 0; i++)
			rc = add_prefix(set, v->u.items[i], unknown);
		return rc;
	}
	return add_prefix(set, v, unknown);
}

/* Address prefixes of a subnet (addressPrefix / addressPrefixes). */
static int subnet_prefixes(const rp_mobj *s, rp_net_aset *set, bool *unknown)
{
	const char *why = NULL;
	const rp_value *p1 = vget(s->props, "addressPrefix", &why);
	const rp_value *p2 = vget(s->props, "addressPrefixes", &why);
	int rc;

	if (!s->props || why)
		*unknown = true;
	if ((rc = add_prefixes(set, p1, unknown)) < 0)
		return rc;
	if ((rc = add_prefixes(set, p2, unknown)) < 0)
		return rc;
	if (!p1 && !p2)
		*unknown = true;
	return 0;
}

static int vnet_space(const rp_mobj *v, rp_net_aset *set, bool *unknown)
{
	const char *why = NULL;
	const rp_value *as = vget(v->props, "addressSpace", &why);
	const rp_value *p = vget(as, "addressPrefixes", &why);

	if (why || !p)
		*unknown = true;
	return add_prefixes(set, p, unknown);
}

/* ---- SKUs and ports ---- */

static rp_net_sku read_sku(const rp_value *body, bool *defaulted, const char **why)
{
	const char *w = NULL;
	const rp_value *sku = vget(body, "sku", &w);
	const rp_value *n = vget(sku, "name", &w);

	*defaulted = false;
	if (w) {
		*why = w;
		return RP_NET_SKU_UNKNOWN;
	}
	if (!n) {
		*defaulted = true; /* Azure's default SKU is Basic */
		return RP_NET_SKU_BASIC;
	}
	if (vieq(n, "Basic"))
		return RP_NET_SKU_BASIC;
	if (vieq(n, "Standard"))
		return RP_NET_SKU_STANDARD;
	*why = "the SKU is neither Basic nor Standard";
	return RP_NET_SKU_UNKNOWN;
}

/* An integer port 0..65535 (integer or decimal string); -1 when unknown /
 * absent / malformed. */
static long read_port(const rp_value *v)
{
	if (rp_value_is(v, RP_V_INT) && v->u.i >= 0 && v->u.i <= 65535)
		return (long)v->u.i;
	if (rp_value_is(v, RP_V_STRING) && v->len > 0 && v->len <= 5) {
		long n = 0;
		size_t i;
		for (i = 0; i < v->len; i++) {
			if (v->u.s[i] < '0' || v->u.s[i] > '9')
				return -1;
			n = n * 10 + (v->u.s[i] - '0');
		}
		return n <= 65535 ? n : -1;
	}
	return -1;
}

/* ---- topology construction ---- */

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t nc;
	void *q;

	if (need <= *cap)
		return p;
	nc = *cap ? *cap * 2 : 8;
	while (nc < need)
		nc *= 2;
	q = realloc(p, nc * size);
	if (!q)
		return NULL;
	*cap = nc;
	return q;
}

/* An NSG whose content is not known: one floating unknown rule.  One per
 * name and reason, shared by every ipConfiguration it stands for (a
 * thousand NICs in a subnet outside the scanned files get one, not a
 * thousand NSGs, engine tables and decisions): what an exposure, a flow
 * answer or a depth path shows of it is its name, its default rules and
 * the reason, which are equal; the floating rule's span (the first
 * ipConfiguration's) is not shown.  *why (may be a temporary text)
 * becomes the topology's shared copy of the reason. */
typedef struct unk_nsg {
	rp_net_nsg *nsg;
	const char *why;
} unk_nsg;

static rp_net_nsg *unknown_nsg(rp_net_topo *t, const char *name, rp_span span, const char **why)
{
	topo_priv *p = t->priv;
	size_t nn = strlen(name), nw = strlen(*why);
	char *key = malloc(nn + nw + 2), *k;
	unk_nsg *un = NULL;
	rp_net_nsg *nsg = NULL;
	void *v = NULL;
	rp_value *u;

	if (!key)
		return NULL;
	memcpy(key, name, nn + 1);
	memcpy(key + nn + 1, *why, nw + 1);
	if (rp_map_get(&p->unknown_nsgs, key, nn + nw + 1, &v)) {
		un = v;
		*why = un->why;
		nsg = un->nsg;
		goto out;
	}
	un = rp_arena_alloc(t->arena, sizeof(*un));
	k = rp_arena_alloc(t->arena, nn + nw + 2);
	nsg = rp_net_nsg_new(t->arena, name, span);
	u = rp_value_unknown(t->arena, span, "%s", *why);
	if (!un || !k || !nsg || !u || rp_net_nsg_add_rule(nsg, u, NULL) < 0 ||
	    rp_net_nsg_finish(nsg, NULL) < 0) {
		nsg = NULL;
		goto out;
	}
	memcpy(k, key, nn + nw + 2);
	un->nsg = nsg;
	un->why = k + nn + 1;
	if (rp_map_put(&p->unknown_nsgs, k, nn + nw + 1, un, NULL) < 0)
		nsg = NULL;
	else
		*why = un->why;
out:
	free(key);
	return nsg;
}

/* ASG terms name the ASG by its normalized key, so a rule and an
 * ipConfiguration that write the same ID differently still meet. */
static void normalize_asg_terms(rp_net_topo *t, rp_net_nsg *nsg)
{
	size_t i, j, s;

	for (i = 0; i < nsg->ninput; i++) {
		rp_net_rule *r = nsg->input[i];
		rp_net_side *sides[2] = { &r->src, &r->dst };
		for (s = 0; s < 2; s++)
			for (j = 0; j < sides[s]->n; j++) {
				rp_net_term *tm = &sides[s]->terms[j];
				const char *k;
				if (tm->kind != RP_NET_T_ASG || !tm->name)
					continue;
				k = rp_model_key_from_id(t->arena, tm->name);
				if (k)
					tm->name = k;
			}
	}
}

static int build_nsgs(rp_net_topo *t, topo_priv *p, rp_diag *diag)
{
	size_t n, i, k;
	rp_mobj *const *nsgs = rp_model_objects(t->m, RP_MK_NSG, &n);
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		const rp_mobj *o = nsgs[i];
		const rp_value *sr = rp_value_getz(o->props, "securityRules");
		const rp_mobj **rules = NULL;
		size_t nr = rp_model_nsg_rules(o, NULL, 0);
		rp_net_nsg *nsg =
			rp_net_nsg_new(t->arena, o->name ? o->name : "(unnamed NSG)", o->span);
		if (!nsg)
			return -RP_ENOMEM;
		if (rp_value_is(o->props, RP_V_UNKNOWN))
			rc = rp_net_nsg_add_rule(nsg, o->props, diag);
		else if (rp_value_is(sr, RP_V_UNKNOWN))
			rc = rp_net_nsg_add_rule(nsg, sr, diag);
		if (rc == 0 && nr) {
			rules = calloc(nr, sizeof(*rules));
			if (!rules)
				return -RP_ENOMEM;
			nr = rp_model_nsg_rules(o, rules, nr);
			for (k = 0; k < nr && rc == 0; k++)
				rc = rp_net_nsg_add_rule(nsg, rules[k]->body, diag);
			free(rules);
		}
		if (rc == -RP_ELIMIT)
			rc = 0; /* diagnosed; the rules beyond the limit are dropped */
		if (rc == 0) {
			normalize_asg_terms(t, nsg);
			rc = rp_net_nsg_finish(nsg, diag);
		}
		p->nsg_by_obj[o->index] = nsg;
	}
	return rc;
}

/* The NSG on a NIC or subnet: NULL with *known = true when none. */
static const rp_net_nsg *nsg_at(rp_net_topo *t, topo_priv *p, const rp_mobj *o, bool *known,
				const char **why)
{
	const rp_mlink *l = rp_model_nsg_of(o);
	const rp_net_nsg *nsg;
	rp_buf b = RP_BUF_INIT;
	const char *reason;

	*known = true;
	if (!l)
		return NULL;
	if (l->state == RP_LINK_RESOLVED && l->target && p->nsg_by_obj[l->target->index])
		return p->nsg_by_obj[l->target->index];
	*known = false;
	/* the reason is kept once per text (unknown_nsg), not per NIC */
	if ((l->state == RP_LINK_UNKNOWN
		     ? rp_buf_printf(&b, "the network security group of %s is unknown (%s)",
				     o->name ? o->name : o->type, l->why ? l->why : "")
		     : rp_buf_printf(&b, "network security group %s is not in the scanned files",
				     l->text ? l->text : "?")) < 0) {
		rp_buf_release(&b);
		return NULL;
	}
	reason = b.data;
	nsg = unknown_nsg(t, l->text ? l->text : "unknown NSG", l->ref ? l->ref->span : o->span,
			  &reason);
	rp_buf_release(&b);
	if (nsg && !*why)
		*why = reason;
	return nsg;
}

/* Virtual networks: envs (VNet space + peered spaces). */
static int build_envs(rp_net_topo *t, topo_priv *p)
{
	size_t nv, np, i, j;
	rp_mobj *const *vnets = rp_model_objects(t->m, RP_MK_VNET, &nv);
	rp_mobj *const *peers = rp_model_objects(t->m, RP_MK_PEERING, &np);
	rp_net_aset all = { 0 };
	int rc = 0;

	p->nvnets = nv;
	p->vnets = calloc(nv + 1, sizeof(*p->vnets));
	if (!p->vnets)
		return -RP_ENOMEM;
	if ((rc = rp_net_aset_add_all(&all)) < 0)
		goto out;
	for (i = 0; i <= nv && rc == 0; i++) {
		topo_vnet *tv = &p->vnets[i];
		bool unk = false;
		tv->obj = i < nv ? vnets[i] : NULL;
		tv->env = rp_net_env_new();
		if (!tv->env) {
			rc = -RP_ENOMEM;
			break;
		}
		if (i == nv) {
			/* the environment of NICs whose network is not in the model */
			rc = rp_net_env_add_vnet_maybe(tv->env, &all);
			tv->env->asg_complete = false;
			continue;
		}
		if ((rc = vnet_space(tv->obj, &tv->space, &unk)) < 0)
			break;
		tv->space_unknown = unk;
		if (unk)
			rc = rp_net_env_add_vnet_maybe(tv->env, &all);
	}
	/* peerings: the remote space joins VirtualNetwork */
	for (j = 0; j < np && rc == 0; j++) {
		const rp_mobj *pe = peers[j];
		const char *why = NULL;
		const rp_value *acc = vget(pe->props, "allowVirtualNetworkAccess", &why);
		const rp_mlink *rl = rp_mobj_link(pe, RP_LINK_REMOTE_VNET);
		topo_vnet *tv = NULL, *rv = NULL;
		bool maybe = why != NULL;
		rp_net_aset rs = { 0 };
		bool unk = false;
		for (i = 0; i < nv; i++)
			if (pe->parent == p->vnets[i].obj)
				tv = &p->vnets[i];
		if (!tv)
			continue;
		if (rp_value_is(acc, RP_V_BOOL) && !acc->u.b)
			continue;
		if (rl && rl->state == RP_LINK_RESOLVED)
			for (i = 0; i < nv; i++)
				if (rl->target == p->vnets[i].obj)
					rv = &p->vnets[i];
		if (rv) {
			rc = rp_net_aset_add_set(&rs, &rv->space);
			unk = rv->space_unknown;
			if (rc == 0 && !maybe) {
				rc = rp_net_aset_add_set(&tv->peer_space, &rv->space);
				if (rc == 0 && tv->npeers < TOPO_MAX_PEERS)
					tv->peers[tv->npeers++] = (size_t)(rv - p->vnets);
			}
		} else {
			/* remote network outside the model: its declared space if given */
			const char *w2 = NULL;
			const rp_value *ras = vget(pe->props, "remoteAddressSpace", &w2);
			const rp_value *rp = vget(ras, "addressPrefixes", &w2);
			if (!rp || w2)
				unk = true;
			rc = add_prefixes(&rs, rp, &unk);
		}
		if (rc == 0)
			rc = maybe ? rp_net_env_add_vnet_maybe(tv->env, &rs)
				   : rp_net_env_add_vnet(tv->env, &rs);
		if (rc == 0 && unk)
			rc = rp_net_env_add_vnet_maybe(tv->env, &all);
		rp_net_aset_release(&rs);
	}
	for (i = 0; i < nv && rc == 0; i++)
		rc = rp_net_env_add_vnet(p->vnets[i].env, &p->vnets[i].space);
out:
	rp_net_aset_release(&all);
	return rc;
}

static size_t vnet_index(const topo_priv *p, const rp_mobj *vnet)
{
	size_t i;

	for (i = 0; i < p->nvnets; i++)
		if (p->vnets[i].obj == vnet)
			return i;
	return p->nvnets;
}

static const rp_mobj *nic_owner(const rp_mobj *nic)
{
	const rp_mlink *l;
	size_t it = 0;

	if (nic->is_inline && nic->parent &&
	    (nic->parent->kind == RP_MK_VM || nic->parent->kind == RP_MK_VMSS))
		return nic->parent;
	while ((l = rp_mobj_next_backlink(nic, RP_LINK_NIC, &it)) != NULL)
		if (l->from && (l->from->kind == RP_MK_VM || l->from->kind == RP_MK_VMSS))
			return l->from;
	return nic;
}

/* The usable addresses of a subnet prefix (Azure reserves the first four
 * and the last address of each IPv4 and IPv6 subnet). */
static int usable(rp_net_aset *out, const rp_net_aset *pfx)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < pfx->n && rc == 0; i++) {
		rp_net_addr lo = pfx->v[i].lo, hi = pfx->v[i].hi, l2 = lo;
		int k;
		bool ok = true;
		for (k = 0; k < 4 && ok; k++)
			ok = rp_net_addr_next(&l2);
		if (ok && rp_net_addr_cmp(&l2, &hi) < 0) {
			rp_net_addr h2 = hi;
			rp_net_addr_prev(&h2);
			rc = rp_net_aset_add(out, l2, h2);
		} else {
			rc = rp_net_aset_add(out, lo, hi);
		}
	}
	return rc;
}

static int add_ep(topo_ipc_b *b, const rp_net_endpoint *ep)
{
	rp_net_endpoint *n;

	if (b->n >= RP_NET_TOPO_MAX_ENDPOINTS)
		return 0;
	n = grow(b->v, &b->cap, b->n + 1, sizeof(*b->v));
	if (!n)
		return -RP_ENOMEM;
	b->v = n;
	b->v[b->n++] = *ep;
	return 0;
}

static const char *obj_name(const rp_mobj *o)
{
	return o && o->name ? o->name : o ? o->type : "?";
}

static unsigned lb_protos(const rp_value *v, const char **why)
{
	if (vieq(v, "Tcp"))
		return 1u << RP_NET_TCP;
	if (vieq(v, "Udp"))
		return 1u << RP_NET_UDP;
	if (vieq(v, "All"))
		return (1u << RP_NET_TCP) | (1u << RP_NET_UDP);
	if (!*why)
		*why = rp_value_is(v, RP_V_UNKNOWN)
			       ? v->u.reason
			       : "the load balancer rule's protocol is not known";
	return (1u << RP_NET_TCP) | (1u << RP_NET_UDP);
}

/* A load-balancer rule / NAT rule / NAT pool as an endpoint (skipped when
 * its frontend is private). */
static int lb_endpoint(rp_net_topo *t, topo_ipc_b *b, const rp_mobj *r, rp_net_ep_kind kind)
{
	rp_net_endpoint ep;
	const rp_mlink *fl = rp_mobj_link(r, RP_LINK_LB_FRONTEND);
	const rp_mobj *fe = fl && fl->state == RP_LINK_RESOLVED ? fl->target : NULL;
	const rp_mlink *pl = fe ? rp_mobj_link(fe, RP_LINK_PIP) : NULL;
	const char *why = NULL, *pwhy = NULL, *proto;
	long fp, fe_hi, bp;
	bool defaulted;

	memset(&ep, 0, sizeof(ep));
	ep.kind = (uint8_t)kind;
	ep.obj = r;
	ep.at = r->body;
	ep.lb = r->parent;
	if (fe && !pl && !rp_value_getz(fe->props, "publicIPPrefix"))
		return 0; /* private frontend: not an Internet path */
	if (!fe)
		why = fl && fl->state == RP_LINK_UNKNOWN ? fl->why
		      : fl ? "the rule's frontend is not in the scanned files"
			   : "the rule names no frontend";
	else if (pl && pl->state == RP_LINK_UNKNOWN)
		why = pl->why;
	if (pl && pl->state == RP_LINK_RESOLVED)
		ep.pip = pl->target;
	ep.sku = (uint8_t)read_sku(ep.lb ? ep.lb->body : NULL, &defaulted, &pwhy);
	ep.sku_defaulted = defaulted;
	if (pwhy)
		ep.sku = RP_NET_SKU_UNKNOWN;
	ep.protos = lb_protos(rp_value_getz(r->props, "protocol"), &why);
	if (kind == RP_NET_EP_LB_RULE) {
		fp = read_port(rp_value_getz(r->props, "frontendPort"));
		fe_hi = fp;
		bp = read_port(rp_value_getz(r->props, "backendPort"));
		if (bp < 0 && !rp_value_getz(r->props, "backendPort") && fp >= 0)
			bp = fp; /* backendPort defaults to the frontend port */
	} else {
		const rp_value *f1 = rp_value_getz(r->props, "frontendPortRangeStart");
		if (f1) {
			fp = read_port(f1);
			fe_hi = read_port(rp_value_getz(r->props, "frontendPortRangeEnd"));
		} else {
			fp = read_port(rp_value_getz(r->props, "frontendPort"));
			fe_hi = fp;
		}
		bp = read_port(rp_value_getz(r->props, "backendPort"));
	}
	if (fp < 0 || fe_hi < fp) {
		ep.frontend = (rp_net_pival){ 0, 65535 };
		if (!why)
			why = "the frontend port is not known";
	} else {
		ep.frontend = (rp_net_pival){ (uint32_t)fp, (uint32_t)fe_hi };
	}
	if (bp < 0) {
		ep.backend = (rp_net_pival){ 0, 65535 };
		if (!why)
			why = "the backend port is not known";
	} else if (bp == 0 && fp == 0 && kind == RP_NET_EP_LB_RULE) {
		ep.backend = (rp_net_pival){ 0, 65535 }; /* HA ports */
	} else {
		ep.backend = (rp_net_pival){ (uint32_t)bp, (uint32_t)bp };
	}
	ep.unknown = why;
	proto = ep.protos == ((1u << RP_NET_TCP) | (1u << RP_NET_UDP)) ? "Tcp+Udp"
		: ep.protos == (1u << RP_NET_TCP)                      ? "Tcp"
								       : "Udp";
	if (ep.backend.lo == 0 && ep.backend.hi == 65535 && !why)
		ep.label = rp_arena_printf(t->arena, "%s %s all ports (%s)", obj_name(r), proto,
					   rp_net_sku_name((rp_net_sku)ep.sku));
	else if (ep.frontend.lo != ep.frontend.hi)
		ep.label = rp_arena_printf(t->arena, "%s %s %u-%u->%u (%s)", obj_name(r), proto,
					   ep.frontend.lo, ep.frontend.hi, ep.backend.lo,
					   rp_net_sku_name((rp_net_sku)ep.sku));
	else if (fp >= 0 && bp >= 0)
		ep.label = rp_arena_printf(t->arena, "%s %s %u->%u (%s)", obj_name(r), proto,
					   ep.frontend.lo, ep.backend.lo,
					   rp_net_sku_name((rp_net_sku)ep.sku));
	else
		ep.label = rp_arena_printf(t->arena, "%s %s ports unknown (%s)", obj_name(r), proto,
					   rp_net_sku_name((rp_net_sku)ep.sku));
	if (!ep.label)
		return -RP_ENOMEM;
	return add_ep(b, &ep);
}

static int unknown_endpoint(rp_net_topo *t, topo_ipc_b *b, const rp_mlink *l, const char *what)
{
	rp_net_endpoint ep;

	memset(&ep, 0, sizeof(ep));
	ep.kind = RP_NET_EP_UNKNOWN;
	ep.sku = RP_NET_SKU_UNKNOWN;
	ep.at = l->ref;
	ep.protos = RP_NET_PROTO_ALL;
	ep.frontend = (rp_net_pival){ 0, 65535 };
	ep.backend = (rp_net_pival){ 0, 65535 };
	ep.unknown = l->state == RP_LINK_UNKNOWN
			     ? rp_arena_printf(t->arena, "%s is unknown (%s)", what,
					       l->why ? l->why : "")
			     : rp_arena_printf(t->arena, "%s %s is not in the scanned files", what,
					       l->text ? l->text : "?");
	ep.label =
		rp_arena_printf(t->arena, "%s %s", what, l->text ? l->text : "(unknown reference)");
	if (!ep.unknown || !ep.label)
		return -RP_ENOMEM;
	return add_ep(b, &ep);
}

static int ipc_endpoints(rp_net_topo *t, const rp_mobj *ipc, topo_ipc_b *b)
{
	const rp_mlink *l;
	size_t it;
	const rp_value *pc;
	int rc = 0;

	/* a public IP on the ipConfiguration */
	l = rp_mobj_link(ipc, RP_LINK_PIP);
	if (l) {
		rp_net_endpoint ep;
		const char *why = NULL;
		bool defaulted = false;
		memset(&ep, 0, sizeof(ep));
		ep.kind = RP_NET_EP_PIP;
		ep.at = l->ref;
		ep.protos = RP_NET_PROTO_ALL;
		ep.frontend = (rp_net_pival){ 0, 65535 };
		ep.backend = (rp_net_pival){ 0, 65535 };
		if (l->state == RP_LINK_RESOLVED) {
			ep.obj = ep.pip = l->target;
			ep.sku = (uint8_t)read_sku(l->target->body, &defaulted, &why);
			ep.sku_defaulted = defaulted;
			if (l->target->res->condition == RP_COND_UNKNOWN)
				ep.unknown =
					"the public IP is deployed only if its condition holds";
		} else if (l->state == RP_LINK_UNRESOLVED) {
			ep.sku = RP_NET_SKU_UNKNOWN;
		} else {
			ep.sku = RP_NET_SKU_UNKNOWN;
			ep.unknown = rp_arena_printf(
				t->arena, "whether the NIC has a public IP is unknown (%s)",
				l->why ? l->why : "");
		}
		ep.label = rp_arena_printf(t->arena, "%s (%s)",
					   l->state == RP_LINK_RESOLVED ? obj_name(l->target)
					   : l->text                    ? l->text
									: "public IP",
					   rp_net_sku_name((rp_net_sku)ep.sku));
		if (!ep.label || (l->state == RP_LINK_UNKNOWN && !ep.unknown))
			return -RP_ENOMEM;
		if ((rc = add_ep(b, &ep)) < 0)
			return rc;
	}
	/* a scale set's (or VM-managed NIC's) publicIPAddressConfiguration */
	pc = rp_value_getz(ipc->props, "publicIPAddressConfiguration");
	if (pc && pc->kind != RP_V_NULL) {
		rp_net_endpoint ep;
		const char *why = NULL;
		const rp_value *nm = rp_value_getz(pc, "name");
		bool defaulted = false;
		memset(&ep, 0, sizeof(ep));
		ep.kind = RP_NET_EP_VMSS_PIP;
		ep.obj = ipc;
		ep.at = pc;
		ep.protos = RP_NET_PROTO_ALL;
		ep.frontend = (rp_net_pival){ 0, 65535 };
		ep.backend = (rp_net_pival){ 0, 65535 };
		if (pc->kind == RP_V_UNKNOWN) {
			ep.sku = RP_NET_SKU_UNKNOWN;
			ep.unknown = pc->u.reason;
		} else {
			ep.sku = (uint8_t)read_sku(pc, &defaulted, &why);
			ep.sku_defaulted = defaulted;
		}
		ep.label = rp_arena_printf(t->arena, "%s (per-instance public IP, %s)",
					   vstr(nm) ? vstr(nm) : "publicIPAddressConfiguration",
					   rp_net_sku_name((rp_net_sku)ep.sku));
		if (!ep.label)
			return -RP_ENOMEM;
		if ((rc = add_ep(b, &ep)) < 0)
			return rc;
	}
	/* load-balancer backend pools: the rules (and v2 NAT rules) using them */
	it = 0;
	while (rc == 0 && (l = rp_mobj_next_link(ipc, RP_LINK_LB_POOL, &it)) != NULL) {
		const rp_mlink *bl;
		size_t it2 = 0;
		if (l->state != RP_LINK_RESOLVED) {
			rc = unknown_endpoint(t, b, l, "load balancer backend pool");
			continue;
		}
		while (rc == 0 &&
		       (bl = rp_mobj_next_backlink(l->target, RP_LINK_LB_POOL, &it2)) != NULL) {
			if (bl->from->kind == RP_MK_LB_RULE)
				rc = lb_endpoint(t, b, bl->from, RP_NET_EP_LB_RULE);
			else if (bl->from->kind == RP_MK_LB_NAT_RULE)
				rc = lb_endpoint(t, b, bl->from, RP_NET_EP_LB_NAT_RULE);
		}
	}
	it = 0;
	while (rc == 0 && (l = rp_mobj_next_link(ipc, RP_LINK_LB_NAT_RULE, &it)) != NULL)
		rc = l->state == RP_LINK_RESOLVED
			     ? lb_endpoint(t, b, l->target, RP_NET_EP_LB_NAT_RULE)
			     : unknown_endpoint(t, b, l, "inbound NAT rule");
	it = 0;
	while (rc == 0 && (l = rp_mobj_next_link(ipc, RP_LINK_LB_NAT_POOL, &it)) != NULL)
		rc = l->state == RP_LINK_RESOLVED
			     ? lb_endpoint(t, b, l->target, RP_NET_EP_LB_NAT_POOL)
			     : unknown_endpoint(t, b, l, "inbound NAT pool");
	return rc;
}

/* The private addresses an ipConfiguration may have. */
static int ipc_local(rp_net_ipc *x, const rp_net_aset *subnet_pfx, bool subnet_known, rp_arena *a)
{
	const rp_value *m = rp_value_getz(x->ipconfig->props, "privateIPAllocationMethod");
	const char *s = vstr(rp_value_getz(x->ipconfig->props, "privateIPAddress")), *why = NULL;
	rp_net_aset set = { 0 };
	rp_net_addr ad;
	int rc = 0;

	x->local_exact = false;
	if (vieq(m, "Static") && s && rp_net_addr_parse(s, strlen(s), &ad, &why) == 0) {
		rc = rp_net_aset_add(&set, ad, ad);
		x->local_exact = true;
	} else if (subnet_known && subnet_pfx->n) {
		rc = usable(&set, subnet_pfx);
	} else {
		rc = rp_net_aset_add_all(&set);
	}
	if (rc == 0)
		rc = rp_net_aset_freeze(a, &set, &x->local);
	rp_net_aset_release(&set);
	return rc;
}

static int build_ipcs(rp_net_topo *t, topo_priv *p, rp_diag *diag)
{
	size_t n, i, it;
	rp_mobj *const *ipcs = rp_model_objects(t->m, RP_MK_IPCONFIG, &n);
	int rc = 0;
	(void)diag;

	t->ipcs = rp_arena_calloc(t->arena, n ? n : 1, sizeof(*t->ipcs));
	p->subnet_pfx = rp_arena_calloc(t->arena, n ? n : 1, sizeof(*p->subnet_pfx));
	if (!t->ipcs || !p->subnet_pfx)
		return -RP_ENOMEM;
	for (i = 0; i < n && rc == 0; i++) {
		const rp_mobj *o = ipcs[i];
		rp_net_ipc *x = &t->ipcs[t->nipcs];
		const rp_mlink *sl = rp_mobj_link(o, RP_LINK_SUBNET), *l;
		rp_net_aset pfx = { 0 };
		bool pfx_unknown = false, known;
		const char *why = NULL;
		topo_ipc_b eb = { 0 };
		const char **asgs = NULL;
		size_t na = 0, cap = 0;

		if (!o->parent || o->parent->kind != RP_MK_NIC)
			continue;
		x->ipconfig = o;
		x->nic = o->parent;
		x->owner = nic_owner(o->parent);
		if (sl && sl->state == RP_LINK_RESOLVED) {
			x->subnet = sl->target;
			x->vnet = x->subnet->parent;
		}
		x->vnet_index = x->vnet ? vnet_index(p, x->vnet) : p->nvnets;
		if (x->vnet_index > p->nvnets)
			x->vnet_index = p->nvnets;
		x->env = p->vnets[x->vnet_index].env;
		x->chain.env = x->env;
		if (x->subnet) {
			x->chain.subnet_nsg = nsg_at(t, p, x->subnet, &known, &why);
			x->subnet_nsg_known = known;
			if (known && !x->chain.subnet_nsg && rp_model_nsg_of(x->subnet))
				rc = -RP_ENOMEM;
			rc = rc < 0 ? rc : subnet_prefixes(x->subnet, &pfx, &pfx_unknown);
		} else {
			/* the subnet (and so its NSG) is not known; the reason
			 * is kept once per text (unknown_nsg) */
			rp_buf b = RP_BUF_INIT;
			const char *r = "the ipConfiguration names no subnet";
			if (sl && sl->state == RP_LINK_UNKNOWN)
				rc = rp_buf_printf(&b, "the subnet is unknown (%s)",
						   sl->why ? sl->why : "");
			else if (sl)
				rc = rp_buf_printf(&b, "subnet %s is not in the scanned files",
						   sl->text ? sl->text : "?");
			if (sl && rc == 0)
				r = b.data;
			x->subnet_nsg_known = false;
			x->chain.subnet_nsg =
				rc < 0 ? NULL : unknown_nsg(t, "subnet NSG", o->span, &r);
			rp_buf_release(&b);
			if (x->chain.subnet_nsg)
				why = why ? why : r;
			if (rc == 0 && !x->chain.subnet_nsg)
				rc = -RP_ENOMEM;
		}
		if (rc == 0) {
			x->chain.nic_nsg = nsg_at(t, p, x->nic, &known, &why);
			x->nic_nsg_known = known;
			if (!known && !x->chain.nic_nsg)
				rc = -RP_ENOMEM;
			if (x->subnet && !x->subnet_nsg_known && !x->chain.subnet_nsg)
				rc = -RP_ENOMEM;
		}
		x->nsg_unknown = why;
		/* ASG memberships by normalized key */
		it = 0;
		while (rc == 0 && (l = rp_mobj_next_link(o, RP_LINK_ASG, &it)) != NULL) {
			const char *k = NULL;
			if (l->state == RP_LINK_UNKNOWN) {
				x->chain.asgs_unknown = l->why ? l->why : "ASG membership unknown";
				continue;
			}
			k = l->state == RP_LINK_RESOLVED && l->target->key ? l->target->key
			    : l->text ? rp_model_key_from_id(t->arena, l->text)
				      : NULL;
			if (!k)
				continue;
			{
				const char **ng = grow(asgs, &cap, na + 1, sizeof(*asgs));
				if (!ng) {
					rc = -RP_ENOMEM;
					break;
				}
				asgs = ng;
				asgs[na++] = k;
			}
		}
		if (rc == 0 && na) {
			const char **c = rp_arena_calloc(t->arena, na, sizeof(*c));
			if (!c)
				rc = -RP_ENOMEM;
			else {
				memcpy(c, asgs, na * sizeof(*c));
				x->chain.asgs = c;
				x->chain.nasgs = na;
			}
		}
		free(asgs);
		if (rc == 0)
			rc = ipc_local(x, &pfx, x->subnet && !pfx_unknown, t->arena);
		if (rc == 0)
			rc = rp_net_aset_freeze(t->arena, &pfx, &p->subnet_pfx[t->nipcs]);
		if (rc == 0 && !pfx_unknown)
			x->subnet_prefixes = p->subnet_pfx[t->nipcs];
		if (rc == 0)
			rc = ipc_endpoints(t, o, &eb);
		if (rc == 0 && eb.n) {
			x->eps = rp_arena_calloc(t->arena, eb.n, sizeof(*x->eps));
			if (!x->eps)
				rc = -RP_ENOMEM;
			else {
				memcpy(x->eps, eb.v, eb.n * sizeof(*x->eps));
				x->neps = eb.n;
			}
		}
		free(eb.v);
		rp_net_aset_release(&pfx);
		if (rc == 0)
			t->nipcs++;
	}
	return rc;
}

/* ASG members per environment, then finish the environments. */
static int finish_envs(rp_net_topo *t, topo_priv *p)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < t->nipcs && rc == 0; i++) {
		rp_net_ipc *x = &t->ipcs[i];
		rp_net_env *e = p->vnets[x->vnet_index].env;
		if (x->chain.asgs_unknown)
			e->asg_complete = false;
		for (j = 0; j < x->chain.nasgs && rc == 0; j++) {
			if (!x->local_exact)
				e->asg_complete = false;
			else
				rc = rp_net_env_add_asg_member(e, x->chain.asgs[j], &x->local);
		}
	}
	/* only the environments an ipConfiguration lives in are read (a
	 * template without NICs finishes none) */
	for (i = 0; i < t->nipcs && rc == 0; i++) {
		rp_net_env *e = p->vnets[t->ipcs[i].vnet_index].env;
		if (!e->finished)
			rc = rp_net_env_finish(e);
	}
	return rc;
}

/* Subnets of every virtual network (for east-west sources). */
static int build_subnets(rp_net_topo *t, topo_priv *p)
{
	size_t n, i;
	rp_mobj *const *subs = rp_model_objects(t->m, RP_MK_SUBNET, &n);
	int rc = 0;

	p->subnets = rp_arena_calloc(t->arena, n ? n : 1, sizeof(*p->subnets));
	if (!p->subnets)
		return -RP_ENOMEM;
	for (i = 0; i < n && rc == 0; i++) {
		topo_subnet *s = &p->subnets[p->nsubnets];
		rp_net_aset pfx = { 0 };
		bool unk = false;
		s->obj = subs[i];
		s->vnet_index = subs[i]->parent ? vnet_index(p, subs[i]->parent) : p->nvnets;
		if (s->vnet_index >= p->nvnets)
			continue;
		rc = subnet_prefixes(subs[i], &pfx, &unk);
		if (rc == 0 && !unk && pfx.n) {
			rc = rp_net_aset_freeze(t->arena, &pfx, &s->pfx);
			if (rc == 0)
				p->nsubnets++;
		}
		rp_net_aset_release(&pfx);
	}
	return rc;
}

int rp_net_topo_build(const rp_model *m, rp_diag *diag, rp_net_topo **out)
{
	rp_net_topo *t = calloc(1, sizeof(*t));
	topo_priv *p = NULL;
	int rc = 0;

	*out = NULL;
	if (!t)
		return -RP_ENOMEM;
	t->m = m;
	t->arena = rp_arena_new();
	t->eng = rp_net_engine_new();
	p = calloc(1, sizeof(*p));
	t->priv = p;
	if (!t->arena || !t->eng || !p) {
		rc = -RP_ENOMEM;
		goto out;
	}
	rp_map_init(&p->unknown_nsgs, false);
	p->nsg_by_obj = calloc(m->nobjs ? m->nobjs : 1, sizeof(*p->nsg_by_obj));
	if (!p->nsg_by_obj) {
		rc = -RP_ENOMEM;
		goto out;
	}
	if ((rc = build_nsgs(t, p, diag)) < 0)
		goto out;
	if ((rc = build_envs(t, p)) < 0)
		goto out;
	if ((rc = build_ipcs(t, p, diag)) < 0)
		goto out;
	if ((rc = finish_envs(t, p)) < 0)
		goto out;
	rc = build_subnets(t, p);
out:
	if (rc < 0)
		t = rp_net_topo_free(t);
	*out = t;
	return rc;
}

rp_net_topo *rp_net_topo_free(rp_net_topo *t)
{
	topo_priv *p;
	size_t i;

	if (!t)
		return NULL;
	p = t->priv;
	rp_net__exposures_free(t);
	if (p) {
		for (i = 0; p->vnets && i <= p->nvnets; i++) {
			rp_net_env_free(p->vnets[i].env);
			rp_net_aset_release(&p->vnets[i].space);
			rp_net_aset_release(&p->vnets[i].peer_space);
		}
		free(p->vnets);
		free(p->nsg_by_obj);
		rp_map_release(&p->unknown_nsgs);
		rp_net__exposure_cache_free(p->ew);
		free(p);
	}
	rp_net_engine_free(t->eng);
	rp_arena_free(t->arena);
	free(t);
	return NULL;
}

const rp_net_nsg *rp_net_topo_nsg(const rp_net_topo *t, const rp_mobj *nsg)
{
	const topo_priv *p = t->priv;

	if (!nsg || nsg->index >= t->m->nobjs)
		return NULL;
	return p->nsg_by_obj[nsg->index];
}

/* ---- names and formatting ---- */

const char *rp_net_ep_kind_name(rp_net_ep_kind k)
{
	static const char *const names[] = { "public-ip",   "vmss-public-ip", "lb-rule",
					     "lb-nat-rule", "lb-nat-pool",    "unknown" };
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

const char *rp_net_sku_name(rp_net_sku s)
{
	return s == RP_NET_SKU_BASIC      ? "Basic"
	       : s == RP_NET_SKU_STANDARD ? "Standard"
					  : "SKU unknown";
}

int rp_net_rule_where(rp_buf *b, const rp_net_rule *r)
{
	uint32_t line = 0, col = 0;

	if (!r || r->is_default || !r->span.src)
		return rp_buf_puts(b, "default");
	if (rp_source_linecol(r->span.src, r->span.off, &line, &col) < 0)
		return -RP_ENOMEM;
	return rp_buf_printf(b, "%s:%u", r->span.src->name, line);
}

int rp_net_hop_format(rp_buf *b, const rp_net_hop *h)
{
	int rc;

	if (!h->nsg)
		return rp_buf_puts(b, "no NSG");
	if (!h->rule)
		return rp_buf_printf(b, "%s", h->nsg->name ? h->nsg->name : "NSG");
	rc = rp_buf_printf(b, "%s/%s (", h->nsg->name ? h->nsg->name : "NSG",
			   h->rule->name ? h->rule->name : "?");
	if (rc == 0)
		rc = rp_net_rule_where(b, h->rule);
	if (rc == 0)
		rc = rp_buf_putc(b, ')');
	return rc;
}
