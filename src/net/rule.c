/* rule.c: NSG security rules from their ARM shape, NSG assembly and the
 * default rules (azure-facts.md 2.1, 2.2, 2.3; docs/network.md "Rules"). */
#include "net/net.h"
#include "util/error.h"
#include "util/str.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define DIAG_CODE "net-rule"

/* atomic: scan --jobs N builds topologies in N threads, and an engine
 * keys its caches by these ids */
static _Atomic uint32_t next_nsg_id = 1;

/* ---- diagnostics and unknown parts ---- */

static void diag_at(rp_diag *d, rp_diag_level lvl, rp_span sp, const char *fmt, const char *a1,
		    const char *a2)
{
	rp_diag_addc(d, lvl, DIAG_CODE, sp.src, sp.off, (size_t)sp.off + sp.len, fmt, a1, a2);
}

static void mark_unknown(rp_net_rule *r, const char *why, rp_span sp)
{
	if (!r->unknown) {
		r->unknown = why;
		r->unknown_span = sp;
	}
}

static rp_span span_of(const rp_value *v, rp_span fallback)
{
	return v ? v->span : fallback;
}

/* A malformed field: error diagnostic + the part becomes unknown. */
static const char *malformed(rp_arena *a, rp_diag *d, rp_net_rule *r, rp_span sp, const char *field,
			     const char *why)
{
	const char *msg = rp_arena_printf(a, "malformed %s (%s)", field, why);

	diag_at(d, RP_DIAG_ERROR, sp, "security rule %s: %s", r->name ? r->name : "(unnamed)",
		msg ? msg : why);
	msg = msg ? msg : "malformed field";
	mark_unknown(r, msg, sp);
	return msg;
}

static const char *unknown_reason(rp_arena *a, rp_net_rule *r, const rp_value *v, const char *field)
{
	const rp_value *u = rp_value_find_unknown(v);
	const char *msg = rp_arena_printf(a, "%s is not known: %s", field,
					  u && u->u.reason ? u->u.reason : "unknown value");

	msg = msg ? msg : "unknown value";
	mark_unknown(r, msg, v->span);
	return msg;
}

/* ---- enumerations ---- */

static const char *const proto_names[RP_NET_NPROTO] = { "Tcp", "Udp", "Icmp", "Esp", "Ah" };

const char *rp_net_proto_name(unsigned proto)
{
	return proto < RP_NET_NPROTO ? proto_names[proto] : "?";
}

int rp_net_proto_parse(const char *s, size_t n)
{
	unsigned i;

	for (i = 0; i < RP_NET_NPROTO; i++)
		if (strlen(proto_names[i]) == n && rp_str_ieq(s, proto_names[i], n))
			return (int)i;
	return -1;
}

const char *rp_net_verdict_name(rp_net_verdict v)
{
	switch (v) {
	case RP_NET_ALLOW: return "allow";
	case RP_NET_DENY: return "deny";
	default: return "unknown";
	}
}

const char *rp_net_dir_name(rp_net_dir d)
{
	return d == RP_NET_IN ? "inbound" : "outbound";
}

/* ---- field parsers ---- */

static int parse_priority(rp_arena *a, const rp_value *p, rp_net_rule *r, rp_diag *d, rp_span rs)
{
	if (!p) {
		malformed(a, d, r, rs, "priority", "missing; Azure requires it");
		return 0;
	}
	if (p->kind == RP_V_UNKNOWN) {
		unknown_reason(a, r, p, "priority");
		return 0;
	}
	if (p->kind != RP_V_INT) {
		malformed(a, d, r, p->span, "priority", "not an integer");
		return 0;
	}
	if (p->u.i < RP_NET_PRIORITY_MIN || p->u.i > RP_NET_PRIORITY_MAX) {
		malformed(a, d, r, p->span, "priority", "outside 100-4096");
		return 0;
	}
	r->priority = (int32_t)p->u.i;
	r->priority_known = true;
	return 0;
}

/* Case-insensitive enum field: returns the index in names, -1 unknown/bad. */
static int parse_enum(rp_arena *a, const rp_value *v, rp_net_rule *r, rp_diag *d, rp_span rs,
		      const char *field, const char *const *names, size_t nnames,
		      const char *expect)
{
	size_t i;

	if (!v) {
		malformed(a, d, r, rs, field, "missing; Azure requires it");
		return -1;
	}
	if (v->kind == RP_V_UNKNOWN) {
		unknown_reason(a, r, v, field);
		return -1;
	}
	if (v->kind == RP_V_STRING)
		for (i = 0; i < nnames; i++)
			if (strlen(names[i]) == v->len && rp_str_ieq(v->u.s, names[i], v->len))
				return (int)i;
	malformed(a, d, r, v->span, field, expect);
	return -1;
}

static bool is_tag_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

typedef struct term_vec {
	rp_net_term *v;
	size_t n, cap;
} term_vec;

static int push_term(rp_arena *a, term_vec *tv, rp_net_term t)
{
	if (tv->n == tv->cap) {
		/* most sides have one term: no room for more until asked (a big
		 * estate has 100,000 sides, and fresh memory is the cost) */
		size_t cap = tv->cap ? tv->cap * 2 : 1;
		rp_net_term *p = rp_arena_calloc(a, cap, sizeof(*p));
		if (!p)
			return -RP_ENOMEM;
		if (tv->n)
			memcpy(p, tv->v, tv->n * sizeof(*p));
		tv->v = p;
		tv->cap = cap;
	}
	tv->v[tv->n++] = t;
	return 0;
}

static int push_unknown(rp_arena *a, term_vec *tv, const char *why, rp_span sp)
{
	rp_net_term t;

	memset(&t, 0, sizeof(t));
	t.kind = RP_NET_T_UNKNOWN;
	t.name = why;
	t.span = sp;
	return push_term(a, tv, t);
}

/* One address string: "*", "Any", a tag, an IP or a CIDR prefix. */
static int parse_addr_text(rp_arena *a, const rp_value *v, rp_net_rule *r, rp_diag *d,
			   const char *field, term_vec *tv, size_t *ntags)
{
	rp_net_term t;
	const char *why = NULL;
	size_t i;

	memset(&t, 0, sizeof(t));
	t.span = v->span;
	if (v->kind == RP_V_UNKNOWN)
		return push_unknown(a, tv, unknown_reason(a, r, v, field), v->span);
	if (v->kind != RP_V_STRING)
		return push_unknown(a, tv, malformed(a, d, r, v->span, field, "not a string"),
				    v->span);
	if ((v->len == 1 && v->u.s[0] == '*') || (v->len == 3 && rp_str_ieq(v->u.s, "Any", 3))) {
		t.kind = RP_NET_T_ANY;
		return push_term(a, tv, t);
	}
	if (is_tag_name(v->u.s, v->len)) {
		t.kind = RP_NET_T_TAG;
		t.name = v->u.s;
		(*ntags)++;
		return push_term(a, tv, t);
	}
	for (i = 0; i < v->len; i++)
		if (v->u.s[i] == '-')
			return push_unknown(
				a, tv,
				malformed(a, d, r, v->span, field,
					  "address ranges a-b are not accepted; use CIDR prefixes"),
				v->span);
	if (rp_net_prefix_parse(v->u.s, v->len, &t.iv, &why) < 0)
		return push_unknown(a, tv, malformed(a, d, r, v->span, field, why), v->span);
	t.kind = RP_NET_T_PREFIX;
	return push_term(a, tv, t);
}

static bool empty_string(const rp_value *v)
{
	return v && v->kind == RP_V_STRING && v->len == 0;
}

static bool empty_array(const rp_value *v)
{
	return v && v->kind == RP_V_ARRAY && v->len == 0;
}

static bool present(const rp_value *v)
{
	return v && v->kind != RP_V_NULL && !empty_string(v) && !empty_array(v);
}

/* sourceAddressPrefix(es) + sourceApplicationSecurityGroups -> side. */
static int parse_side(rp_arena *a, const rp_value *props, rp_net_rule *r, rp_diag *d, rp_span rs,
		      const char *one, const char *many, const char *asgs, rp_net_side *out)
{
	const rp_value *v1 = rp_value_getz(props, one);
	const rp_value *vn = rp_value_getz(props, many);
	const rp_value *va = rp_value_getz(props, asgs);
	term_vec tv = { 0 };
	size_t ntags = 0, i, nfields;
	int rc = 0;

	out->span = rs;
	nfields = (size_t)present(v1) + (size_t)present(vn) + (size_t)present(va);
	if (nfields == 0) {
		rc = push_unknown(
			a, &tv,
			malformed(a, d, r, rs, one,
				  "no address prefix, prefixes or application security groups"),
			rs);
		goto out;
	}
	if (nfields > 1) {
		const rp_value *second = present(vn) && present(v1) ? vn : va;
		rc = push_unknown(a, &tv,
				  malformed(a, d, r, second->span, many,
					    "more than one of the singular prefix, the plural "
					    "prefixes and the application security groups is set"),
				  second->span);
		goto out;
	}
	if (present(v1)) {
		out->span = v1->span;
		rc = parse_addr_text(a, v1, r, d, one, &tv, &ntags);
	} else if (present(vn)) {
		out->span = vn->span;
		if (vn->kind == RP_V_UNKNOWN) {
			rc = push_unknown(a, &tv, unknown_reason(a, r, vn, many), vn->span);
			goto out;
		}
		if (vn->kind != RP_V_ARRAY) {
			rc = push_unknown(a, &tv,
					  malformed(a, d, r, vn->span, many, "not an array"),
					  vn->span);
			goto out;
		}
		if (vn->len > RP_NET_MAX_TERMS) {
			rc = push_unknown(a, &tv,
					  malformed(a, d, r, vn->span, many, "too many prefixes"),
					  vn->span);
			goto out;
		}
		for (i = 0; i < vn->len && rc == 0; i++)
			rc = parse_addr_text(a, vn->u.items[i], r, d, many, &tv, &ntags);
		if (rc == 0 && ntags > 1) {
			tv.n = 0;
			rc = push_unknown(
				a, &tv,
				malformed(
					a, d, r, vn->span, many,
					"more than one service tag in one rule (Azure rejects it)"),
				vn->span);
		}
	} else {
		out->span = va->span;
		if (va->kind == RP_V_UNKNOWN) {
			rc = push_unknown(a, &tv, unknown_reason(a, r, va, asgs), va->span);
			goto out;
		}
		if (va->kind != RP_V_ARRAY || va->len > RP_NET_MAX_TERMS) {
			rc = push_unknown(
				a, &tv,
				malformed(a, d, r, va->span, asgs, "not an array of {id} objects"),
				va->span);
			goto out;
		}
		for (i = 0; i < va->len && rc == 0; i++) {
			const rp_value *it = va->u.items[i];
			const rp_value *id =
				it && it->kind == RP_V_OBJECT ? rp_value_getz(it, "id") : NULL;
			rp_net_term t;

			memset(&t, 0, sizeof(t));
			if (it && it->kind == RP_V_UNKNOWN) {
				rc = push_unknown(a, &tv, unknown_reason(a, r, it, asgs), it->span);
				continue;
			}
			if (id && id->kind == RP_V_UNKNOWN) {
				rc = push_unknown(a, &tv, unknown_reason(a, r, id, asgs), id->span);
				continue;
			}
			if (!id || id->kind != RP_V_STRING || id->len == 0) {
				rc = push_unknown(a, &tv,
						  malformed(a, d, r, span_of(it, va->span), asgs,
							    "an element without a string id"),
						  span_of(it, va->span));
				continue;
			}
			t.kind = RP_NET_T_ASG;
			t.name = id->u.s;
			t.span = id->span;
			rc = push_term(a, &tv, t);
		}
	}
out:
	out->terms = tv.v;
	out->n = tv.n;
	return rc;
}

/* One port string (or integer) into set; returns false when malformed. */
static int parse_port_item(rp_arena *a, const rp_value *v, rp_net_rule *r, rp_diag *d,
			   const char *field, rp_net_pset *set, rp_net_ports *out)
{
	rp_net_pival iv;
	const char *why = NULL;

	if (v->kind == RP_V_UNKNOWN) {
		out->unknown = unknown_reason(a, r, v, field);
		return 0;
	}
	if (v->kind == RP_V_INT) {
		if (v->u.i < 0 || v->u.i > (int64_t)RP_NET_PORT_MAX) {
			out->unknown =
				malformed(a, d, r, v->span, field, "port number outside 0-65535");
			return 0;
		}
		return rp_net_pset_add(set, (uint32_t)v->u.i, (uint32_t)v->u.i);
	}
	if (v->kind != RP_V_STRING) {
		out->unknown = malformed(a, d, r, v->span, field, "not a string");
		return 0;
	}
	if (rp_net_port_parse(v->u.s, v->len, &iv, &why) < 0) {
		out->unknown = malformed(a, d, r, v->span, field, why);
		return 0;
	}
	return rp_net_pset_add(set, iv.lo, iv.hi);
}

static int parse_ports(rp_arena *a, const rp_value *props, rp_net_rule *r, rp_diag *d, rp_span rs,
		       const char *one, const char *many, rp_net_ports *out)
{
	const rp_value *v1 = rp_value_getz(props, one);
	const rp_value *vn = rp_value_getz(props, many);
	rp_net_pset set = { 0 };
	size_t i;
	int rc = 0;

	out->span = rs;
	out->unknown = NULL;
	if (present(v1) && present(vn)) {
		out->span = vn->span;
		out->unknown = malformed(a, d, r, vn->span, many,
					 "both the singular range and the plural ranges are set");
	} else if (present(v1)) {
		out->span = v1->span;
		rc = parse_port_item(a, v1, r, d, one, &set, out);
	} else if (present(vn)) {
		out->span = vn->span;
		if (vn->kind == RP_V_UNKNOWN)
			out->unknown = unknown_reason(a, r, vn, many);
		else if (vn->kind != RP_V_ARRAY)
			out->unknown = malformed(a, d, r, vn->span, many, "not an array");
		else if (vn->len > RP_NET_MAX_PORT_ITEMS)
			out->unknown = malformed(a, d, r, vn->span, many, "too many port ranges");
		else
			for (i = 0; i < vn->len && rc == 0; i++)
				rc = parse_port_item(a, vn->u.items[i], r, d, many, &set, out);
	} else {
		out->unknown =
			malformed(a, d, r, rs, one, "no port range or ranges; Azure requires one");
	}
	if (rc == 0)
		rc = rp_net_pset_freeze(a, &set, &out->yes);
	rp_net_pset_release(&set);
	return rc;
}

static void all_unknown(rp_arena *a, rp_net_rule *r, const char *why, rp_span sp)
{
	static rp_net_term t_unknown;
	rp_net_term *t = rp_arena_calloc(a, 2, sizeof(*t));

	mark_unknown(r, why, sp);
	if (!t)
		t = &t_unknown; /* read-only use; name stays NULL */
	else {
		t[0].kind = RP_NET_T_UNKNOWN;
		t[0].name = why;
		t[0].span = sp;
		t[1] = t[0];
	}
	r->src.terms = &t[0];
	r->src.n = 1;
	r->dst.terms = t == &t_unknown ? t : &t[1];
	r->dst.n = 1;
	r->src.span = r->dst.span = sp;
	r->sport.unknown = r->dport.unknown = why;
	r->sport.span = r->dport.span = sp;
	r->proto_yes = 0;
	r->proto_poss = RP_NET_PROTO_ALL;
	r->dir = -1;
	r->access = -1;
	r->priority_known = false;
}

int rp_net_rule_parse(rp_arena *a, const rp_value *rv, rp_net_rule *r, rp_diag *d)
{
	static const char *const dirs[] = { "Inbound", "Outbound" };
	static const char *const accs[] = { "Deny", "Allow" };
	static const char *const protos[] = { "Tcp", "Udp", "Icmp", "Esp", "Ah", "*" };
	const rp_value *props, *name, *pv;
	rp_span rs;
	int k, rc = 0;

	memset(r, 0, sizeof(*r));
	r->dir = -1;
	r->access = -1;
	r->name = "(unnamed)";
	if (!rv) {
		rp_span none = { NULL, 0, 0 };
		all_unknown(a, r, "no rule value", none);
		return 0;
	}
	rs = rv->span;
	r->span = rs;
	if (rv->kind == RP_V_UNKNOWN) {
		all_unknown(a, r, unknown_reason(a, r, rv, "the rule"), rs);
		return 0;
	}
	if (rv->kind != RP_V_OBJECT) {
		all_unknown(a, r, malformed(a, d, r, rs, "security rule", "not an object"), rs);
		return 0;
	}
	name = rp_value_getz(rv, "name");
	if (name && name->kind == RP_V_STRING)
		r->name = name->u.s;
	else if (name && name->kind == RP_V_UNKNOWN)
		r->name = "(name not known)";
	props = rp_value_getz(rv, "properties");
	if (!props || props->kind != RP_V_OBJECT) {
		if (props && props->kind == RP_V_UNKNOWN)
			all_unknown(a, r, unknown_reason(a, r, props, "properties"), props->span);
		else
			all_unknown(a, r,
				    malformed(a, d, r, span_of(props, rs), "properties",
					      "missing or not an object"),
				    span_of(props, rs));
		return 0;
	}
	rs = props->span;
	parse_priority(a, rp_value_getz(props, "priority"), r, d, rs);
	k = parse_enum(a, rp_value_getz(props, "direction"), r, d, rs, "direction", dirs, 2,
		       "expected Inbound or Outbound");
	r->dir = (int8_t)k;
	k = parse_enum(a, rp_value_getz(props, "access"), r, d, rs, "access", accs, 2,
		       "expected Allow or Deny");
	r->access = (int8_t)k;
	pv = rp_value_getz(props, "protocol");
	k = parse_enum(a, pv, r, d, rs, "protocol", protos, 6,
		       "expected Tcp, Udp, Icmp, Esp, Ah or *");
	if (k < 0) {
		r->proto_yes = 0;
		r->proto_poss = RP_NET_PROTO_ALL;
	} else if (k == 5) {
		r->proto_yes = r->proto_poss = RP_NET_PROTO_ALL;
	} else {
		r->proto_yes = r->proto_poss = (uint8_t)(1u << k);
	}
	rc = parse_side(a, props, r, d, rs, "sourceAddressPrefix", "sourceAddressPrefixes",
			"sourceApplicationSecurityGroups", &r->src);
	if (rc == 0)
		rc = parse_side(a, props, r, d, rs, "destinationAddressPrefix",
				"destinationAddressPrefixes",
				"destinationApplicationSecurityGroups", &r->dst);
	if (rc == 0)
		rc = parse_ports(a, props, r, d, rs, "sourcePortRange", "sourcePortRanges",
				 &r->sport);
	if (rc == 0)
		rc = parse_ports(a, props, r, d, rs, "destinationPortRange",
				 "destinationPortRanges", &r->dport);
	return rc;
}

/* ---- default rules (azure-facts.md 2.3; `*` where the doc table says
 * 0.0.0.0/0, as the API returns them) ---- */

static rp_net_term t_any = { RP_NET_T_ANY, NULL, { { 0, 0, 0 }, { 0, 0, 0 } }, { NULL, 0, 0 } };
static rp_net_term t_vnet = {
	RP_NET_T_TAG, "VirtualNetwork", { { 0, 0, 0 }, { 0, 0, 0 } }, { NULL, 0, 0 }
};
static rp_net_term t_lb = {
	RP_NET_T_TAG, "AzureLoadBalancer", { { 0, 0, 0 }, { 0, 0, 0 } }, { NULL, 0, 0 }
};
static rp_net_term t_inet = {
	RP_NET_T_TAG, "Internet", { { 0, 0, 0 }, { 0, 0, 0 } }, { NULL, 0, 0 }
};
static rp_net_pival all_ports_iv = { 0, RP_NET_PORT_MAX };

#define SIDE(t)                    \
	{                          \
		&(t), 1,           \
		{                  \
			NULL, 0, 0 \
		}                  \
	}
#define PORTS_ALL                              \
	{                                      \
		{ &all_ports_iv, 1, 0 }, NULL, \
		{                              \
			NULL, 0, 0             \
		}                              \
	}
#define DEFRULE(nm, prio, d, acc, s, t)                                                 \
	{                                                                               \
		nm, { NULL, 0, 0 }, prio, true, true, false, d, acc, RP_NET_PROTO_ALL,  \
			RP_NET_PROTO_ALL, SIDE(s), SIDE(t), PORTS_ALL, PORTS_ALL, NULL, \
			{ NULL, 0, 0 },                                                 \
			"membership of the address in VirtualNetwork, Internet or "     \
			"AzureLoadBalancer is not certain",                             \
			0                                                               \
	}

static const rp_net_rule defaults[2][3] = {
	{
		DEFRULE("AllowVnetInBound", 65000, RP_NET_IN, RP_NET_ALLOW, t_vnet, t_vnet),
		DEFRULE("AllowAzureLoadBalancerInBound", 65001, RP_NET_IN, RP_NET_ALLOW, t_lb,
			t_any),
		DEFRULE("DenyAllInBound", 65500, RP_NET_IN, RP_NET_DENY, t_any, t_any),
	},
	{
		DEFRULE("AllowVnetOutBound", 65000, RP_NET_OUT, RP_NET_ALLOW, t_vnet, t_vnet),
		DEFRULE("AllowInternetOutBound", 65001, RP_NET_OUT, RP_NET_ALLOW, t_any, t_inet),
		DEFRULE("DenyAllOutBound", 65500, RP_NET_OUT, RP_NET_DENY, t_any, t_any),
	},
};

const rp_net_rule *rp_net_default_rule(rp_net_dir dir, size_t i)
{
	return i < 3 ? &defaults[dir == RP_NET_OUT][i] : NULL;
}

/* ---- NSGs ---- */

rp_net_nsg *rp_net_nsg_new(rp_arena *a, const char *name, rp_span span)
{
	rp_net_nsg *n = rp_arena_calloc(a, 1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = name ? name : "(unnamed NSG)";
	n->span = span;
	n->arena = a;
	n->id = atomic_fetch_add(&next_nsg_id, 1);
	return n;
}

int rp_net_nsg_add_rule(rp_net_nsg *nsg, const rp_value *rule, rp_diag *diag)
{
	rp_net_rule *r;
	int rc;

	if (nsg->finished)
		return -RP_EINVAL;
	if (nsg->ninput >= RP_NET_MAX_RULES) {
		rp_span sp = rule ? rule->span : nsg->span;
		rp_diag_addc(diag, RP_DIAG_ERROR, DIAG_CODE, sp.src, sp.off,
			     (size_t)sp.off + sp.len,
			     "network security group %s: more than %u rules", nsg->name,
			     RP_NET_MAX_RULES);
		return -RP_ELIMIT;
	}
	if (nsg->ninput == nsg->cap) {
		size_t cap = nsg->cap ? nsg->cap * 2 : 16;
		rp_net_rule **p = rp_arena_calloc(nsg->arena, cap, sizeof(*p));
		if (!p)
			return -RP_ENOMEM;
		if (nsg->ninput)
			memcpy(p, nsg->input, nsg->ninput * sizeof(*p));
		nsg->input = p;
		nsg->cap = cap;
	}
	r = rp_arena_alloc(nsg->arena, sizeof(*r));
	if (!r)
		return -RP_ENOMEM;
	rc = rp_net_rule_parse(nsg->arena, rule, r, diag);
	if (rc < 0)
		return rc;
	r->index = (uint32_t)nsg->ninput;
	nsg->input[nsg->ninput++] = r;
	return 0;
}

static int cmp_rule(const void *pa, const void *pb)
{
	const rp_net_rule *a = *(rp_net_rule *const *)pa, *b = *(rp_net_rule *const *)pb;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* "whether an address is in service tag(s)/ASG(s) X, Y is not known" */
static int build_tag_why(rp_arena *a, rp_net_rule *r)
{
	rp_buf b = RP_BUF_INIT;
	const rp_net_side *sides[2] = { &r->src, &r->dst };
	size_t s, i, count = 0;
	int rc;

	for (s = 0; s < 2; s++)
		for (i = 0; i < sides[s]->n; i++)
			count += sides[s]->terms[i].kind == RP_NET_T_TAG ||
				 sides[s]->terms[i].kind == RP_NET_T_ASG;
	if (count == 0)
		return 0; /* no tag or ASG: no text */
	count = 0;
	rc = rp_buf_puts(&b, "membership of the address in ");

	for (s = 0; s < 2 && rc == 0; s++)
		for (i = 0; i < sides[s]->n && rc == 0; i++) {
			const rp_net_term *t = &sides[s]->terms[i];
			if (t->kind != RP_NET_T_TAG && t->kind != RP_NET_T_ASG)
				continue;
			if (count++)
				rc = rp_buf_puts(&b, ", ");
			if (rc == 0)
				rc = rp_buf_puts(&b, t->kind == RP_NET_T_TAG
							     ? "service tag "
							     : "application security group ");
			if (rc == 0)
				rc = rp_buf_puts(&b, t->name ? t->name : "(null)");
		}
	if (rc == 0)
		rc = rp_buf_puts(&b, " is not known offline");
	if (rc == 0 && count) {
		r->tag_why = rp_arena_strndup(a, b.data, b.len);
		if (!r->tag_why)
			rc = -RP_ENOMEM;
	}
	rp_buf_release(&b);
	return rc;
}

int rp_net_nsg_finish(rp_net_nsg *nsg, rp_diag *diag)
{
	size_t i, d;

	if (nsg->finished)
		return 0;
	for (i = 0; i < nsg->ninput; i++)
		if (build_tag_why(nsg->arena, nsg->input[i]) < 0)
			return -RP_ENOMEM;
	for (d = 0; d < 2; d++) {
		rp_net_rule **ord = rp_arena_calloc(nsg->arena, nsg->ninput + 3, sizeof(*ord));
		rp_net_rule **flo = rp_arena_calloc(nsg->arena, nsg->ninput + 1, sizeof(*flo));
		size_t no = 0, nf = 0, j;

		if (!ord || !flo)
			return -RP_ENOMEM;
		for (i = 0; i < nsg->ninput; i++) {
			rp_net_rule *r = nsg->input[i];
			if (r->dir == (int8_t)d && r->priority_known)
				ord[no++] = r;
			else if (r->dir < 0 || (r->dir == (int8_t)d && !r->priority_known)) {
				r->floating = true;
				flo[nf++] = r;
			}
		}
		qsort(ord, no, sizeof(*ord), cmp_rule);
		/* duplicate priority + direction: Azure rejects the NSG; the
		 * order between the two is unknown, so both float. */
		for (i = 0; i + 1 < no;) {
			for (j = i + 1; j < no && ord[j]->priority == ord[i]->priority; j++) {
				rp_span sp = ord[j]->span;
				rp_diag_addc(diag, RP_DIAG_ERROR, "net-duplicate-priority", sp.src,
					     sp.off, (size_t)sp.off + sp.len,
					     "security rules %s and %s share priority %d in "
					     "direction %s (Azure rejects the NSG)",
					     ord[i]->name, ord[j]->name, (int)ord[i]->priority,
					     rp_net_dir_name((rp_net_dir)d));
				nsg->rejected = true;
			}
			if (j > i + 1) {
				size_t k;
				for (k = i; k < j; k++) {
					ord[k]->floating = true;
					mark_unknown(ord[k],
						     "its priority is shared with another rule of "
						     "the same direction (Azure rejects the NSG)",
						     ord[k]->span);
					flo[nf++] = ord[k];
					ord[k] = NULL;
				}
			}
			i = j;
		}
		for (i = j = 0; i < no; i++)
			if (ord[i])
				ord[j++] = ord[i];
		no = j;
		for (i = 0; i < 3; i++)
			ord[no++] = (rp_net_rule *)&defaults[d][i];
		nsg->ordered[d] = ord;
		nsg->nordered[d] = no;
		nsg->floating[d] = flo;
		nsg->nfloating[d] = nf;
	}
	nsg->finished = true;
	return 0;
}

int rp_net_nsg_from_value(rp_arena *a, const rp_value *res, rp_diag *diag, rp_net_nsg **out)
{
	const rp_value *name = rp_value_getz(res, "name");
	const rp_value *rules = rp_value_path(res, "properties.securityRules");
	rp_span none = { NULL, 0, 0 };
	rp_net_nsg *nsg;
	size_t i;
	int rc = 0;

	*out = NULL;
	nsg = rp_net_nsg_new(a, name && name->kind == RP_V_STRING ? name->u.s : NULL,
			     res ? res->span : none);
	if (!nsg)
		return -RP_ENOMEM;
	if (rules && rules->kind == RP_V_ARRAY) {
		for (i = 0; i < rules->len && rc == 0; i++)
			rc = rp_net_nsg_add_rule(nsg, rules->u.items[i], diag);
	} else if (rules && rules->kind == RP_V_UNKNOWN) {
		/* the whole rule list is unknown: one floating unknown rule */
		rc = rp_net_nsg_add_rule(nsg, rules, diag);
	} else if (rules && rules->kind != RP_V_NULL) {
		rp_diag_addc(diag, RP_DIAG_ERROR, DIAG_CODE, rules->span.src, rules->span.off,
			     (size_t)rules->span.off + rules->span.len,
			     "network security group %s: securityRules is not an array", nsg->name);
		rc = rp_net_nsg_add_rule(nsg, NULL, diag);
	}
	if (rc == 0)
		rc = rp_net_nsg_finish(nsg, diag);
	if (rc == 0)
		*out = nsg;
	return rc;
}
