/* net-prop.c: property tests of the equivalence-class engine against a
 * brute-force evaluator (rp_net_flow_eval at every point).
 *
 * Fixed seeds.  Each case draws an environment, one or two NSGs of random
 * rules in their ARM shape (tags, ASGs, plural fields, unknown and
 * malformed values, duplicate priorities), the NIC's ASG memberships, a
 * direction and a local address.  Every rule boundary lies inside a small
 * address universe (IPv4 and IPv6 blocks, plus the edges of the special
 * ranges) and a small port window, so the brute force visits every address
 * of those blocks and every port of the window plus the top of the range:
 * the verdict and the deciding rule of every hop must agree exactly with
 * the engine's piece for that point.  Random points anywhere in the space
 * check that the pieces partition it.  A few "wide" cases draw ports
 * anywhere in 0-65535 and visit every destination port.  Shadow findings
 * are checked too: wherever a shadowed rule may match, an earlier rule
 * certainly matches.
 *
 * Usage: test-net-prop [CASES [WIDE_CASES [SEED]]].  Prints
 * "N passed, N failed" (cases).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "json/value.h"
#include "net/match.h"
#include "net/net.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/error.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static unsigned rn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static rp_arena *A;
static const rp_span NOSPAN = { NULL, 0, 0 };

static rp_value *S(const char *s)
{
	return rp_value_string(A, s, strlen(s), NOSPAN);
}

static rp_value *I(long long i)
{
	return rp_value_int(A, i, NOSPAN);
}

static rp_value *U(void)
{
	return rp_value_unknown(A, NOSPAN, "random unknown");
}

/* ---- the universe ---- */

static const char *const blocks[] = {
	"10.0.0.0/28",    /* VNet */
	"203.0.113.0/29", /* public */
	"192.168.0.0/30", /* private, not in the VNet */
	"fd00::/125",     /* VNet IPv6 */
	"2001:db8::/126", /* public IPv6 */
};
static const char *const points[] = {
	"168.63.129.16",
	"0.0.0.0",
	"255.255.255.255",
	"9.255.255.255",
	"10.0.0.16",
	"::",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	"fe80::1",
	"8.8.8.8",
};

static rp_net_addr uni[128];
static size_t nuni;

static void build_universe(void)
{
	size_t i;
	const char *why;

	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		rp_net_ival iv;
		rp_net_addr a;
		rp_net_prefix_parse(blocks[i], strlen(blocks[i]), &iv, &why);
		for (a = iv.lo;; rp_net_addr_next(&a)) {
			uni[nuni++] = a;
			if (!rp_net_addr_cmp(&a, &iv.hi))
				break;
		}
	}
	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		rp_net_addr_parse(points[i], strlen(points[i]), &uni[nuni++], &why);
}

/* A random prefix inside one of the blocks (aligned sub-block). */
static rp_value *rand_prefix(void)
{
	char buf[80];
	unsigned b = rn(5), bits;

	switch (b) {
	case 0:
		bits = rn(5); /* host bits 0..4 within /28 */
		snprintf(buf, sizeof(buf), "10.0.0.%u/%u", (rn(16) >> bits) << bits, 32 - bits);
		break;
	case 1:
		bits = rn(4);
		snprintf(buf, sizeof(buf), "203.0.113.%u/%u", (rn(8) >> bits) << bits, 32 - bits);
		break;
	case 2:
		bits = rn(3);
		snprintf(buf, sizeof(buf), "192.168.0.%u/%u", (rn(4) >> bits) << bits, 32 - bits);
		break;
	case 3:
		bits = rn(4);
		snprintf(buf, sizeof(buf), "fd00::%x/%u", (rn(8) >> bits) << bits, 128 - bits);
		break;
	default:
		bits = rn(3);
		snprintf(buf, sizeof(buf), "2001:db8::%x/%u", (rn(4) >> bits) << bits, 128 - bits);
		break;
	}
	if (rn(4) == 0) { /* a single address without /len */
		char *slash = strchr(buf, '/');
		unsigned len = (unsigned)atoi(slash + 1);
		if (len == 32 || len == 128)
			*slash = 0;
	}
	return S(buf);
}

static const char *const tags[] = { "VirtualNetwork", "Internet", "AzureLoadBalancer", "Storage",
				    "internet" };
static const char *const asg_ids[] = { "asg-a", "asg-b", "asg-c" };

static bool wide;
static unsigned window = 16; /* destination ports 0..window-1 */
#define SPORT_WINDOW 5u      /* source ports 0..4 */

static rp_value *rand_port_text(bool source)
{
	char buf[40];
	unsigned top = wide ? 65536 : source ? SPORT_WINDOW : window;
	unsigned lo = rn(top), hi;

	switch (rn(5)) {
	case 0: return S("*");
	case 1: snprintf(buf, sizeof(buf), "%u", lo); break;
	case 2:
		hi = lo + rn(top - lo);
		snprintf(buf, sizeof(buf), "%u-%u", lo, hi);
		break;
	case 3: snprintf(buf, sizeof(buf), "%u-65535", lo); break;
	default: snprintf(buf, sizeof(buf), "0-%u", lo); break;
	}
	return S(buf);
}

static void put(rp_member *m, size_t *n, const char *k, rp_value *v)
{
	m[*n].key = k;
	m[*n].keylen = (uint32_t)strlen(k);
	m[*n].keyspan = NOSPAN;
	m[*n].val = v;
	(*n)++;
}

static void rand_side(rp_member *m, size_t *n, const char *one, const char *many, const char *asgs)
{
	unsigned k = rn(20);
	rp_value *items[4];
	size_t i, cnt;

	if (k == 0) {
		put(m, n, one, U());
	} else if (k < 5) {
		put(m, n, one, S("*"));
	} else if (k < 9) {
		put(m, n, one, S(tags[rn(5)]));
	} else if (k < 13) {
		put(m, n, one, rand_prefix());
	} else if (k < 17) {
		cnt = 1 + rn(3);
		for (i = 0; i < cnt; i++)
			items[i] = rn(10) == 0 ? U() : rand_prefix();
		put(m, n, many, rp_value_array(A, items, cnt, NOSPAN));
		if (rn(3) == 0)
			put(m, n, one, S("")); /* exports write the unused singular as "" */
	} else {
		cnt = 1 + rn(2);
		for (i = 0; i < cnt; i++) {
			rp_member im[1];
			size_t ni = 0;
			put(im, &ni, "id", S(asg_ids[rn(3)]));
			items[i] = rp_value_object(A, im, ni, NOSPAN);
		}
		put(m, n, asgs, rp_value_array(A, items, cnt, NOSPAN));
	}
}

static void rand_ports(rp_member *m, size_t *n, const char *one, const char *many, bool source)
{
	rp_value *items[3];
	size_t i, cnt;
	unsigned k = rn(source ? 40 : 20);

	if (k == 0) {
		put(m, n, one, U());
	} else if (k == 1) {
		put(m, n, one, S("99999")); /* malformed */
	} else if (source && k > 5) {
		put(m, n, one, S("*"));
	} else if (k < 12) {
		put(m, n, one, rand_port_text(source));
	} else {
		cnt = 1 + rn(3);
		for (i = 0; i < cnt; i++)
			items[i] = rand_port_text(source);
		put(m, n, many, rp_value_array(A, items, cnt, NOSPAN));
	}
}

static rp_value *rand_rule(unsigned idx, rp_net_dir dir)
{
	static const char *const protos[] = { "Tcp", "Udp", "Icmp", "Esp", "Ah",
					      "*",   "*",   "Tcp",  "Udp" };
	rp_member p[16], r[2];
	size_t np = 0, nr = 0;
	char name[16];
	unsigned k;

	k = rn(30);
	put(p, &np, "priority", k == 0 ? U() : I(100 + rn(12) * 10 + (rn(6) == 0 ? 5 : 0)));
	k = rn(30);
	put(p, &np, "direction",
	    k == 0 ? U()
		   : S(k < 4 ? (dir == RP_NET_IN ? "Outbound" : "Inbound")
			     : (dir == RP_NET_IN ? "Inbound" : "Outbound")));
	k = rn(30);
	put(p, &np, "access", k == 0 ? U() : S(k % 2 ? "Allow" : "Deny"));
	k = rn(30);
	put(p, &np, "protocol", k == 0 ? U() : S(protos[rn(9)]));
	rand_side(p, &np, "sourceAddressPrefix", "sourceAddressPrefixes",
		  "sourceApplicationSecurityGroups");
	rand_side(p, &np, "destinationAddressPrefix", "destinationAddressPrefixes",
		  "destinationApplicationSecurityGroups");
	rand_ports(p, &np, "sourcePortRange", "sourcePortRanges", true);
	rand_ports(p, &np, "destinationPortRange", "destinationPortRanges", false);
	snprintf(name, sizeof(name), "r%u", idx);
	put(r, &nr, "name", S(name));
	put(r, &nr, "properties", rp_value_object(A, p, np, NOSPAN));
	return rp_value_object(A, r, nr, NOSPAN);
}

static rp_net_nsg *rand_nsg(const char *name, rp_net_dir dir, rp_diag *d)
{
	rp_net_nsg *n = rp_net_nsg_new(A, name, NOSPAN);
	unsigned i, cnt = rn(wide ? 6 : 9);

	for (i = 0; i < cnt; i++)
		rp_net_nsg_add_rule(n, rand_rule(i, dir), d);
	rp_net_nsg_finish(n, d);
	return n;
}

static int add_text(rp_net_aset *s, const char *t)
{
	rp_net_ival iv;
	const char *why;

	if (rp_net_prefix_parse(t, strlen(t), &iv, &why) < 0)
		return -1;
	return rp_net_aset_add(s, iv.lo, iv.hi);
}

static bool same_hop(const rp_net_hop *a, const rp_net_hop *b)
{
	return a->nsg == b->nsg && a->verdict == b->verdict && a->rule == b->rule &&
	       a->alt == b->alt &&
	       ((!a->reason && !b->reason) ||
		(a->reason && b->reason && !strcmp(a->reason, b->reason)));
}

static const char *rname(const rp_net_rule *r)
{
	return r ? r->name : "-";
}

static unsigned long long points_checked;

static int check_point(const rp_net_chain *ch, const rp_net_result *res, rp_net_dir dir,
		       const rp_net_addr *local, unsigned proto, const rp_net_addr *remote,
		       uint32_t sport, uint32_t dport)
{
	rp_net_flow f;
	rp_net_decision d;
	const rp_net_piece *pc;
	int h;

	memset(&f, 0, sizeof(f));
	f.dir = dir;
	f.proto = proto;
	f.src = dir == RP_NET_IN ? *remote : *local;
	f.dst = dir == RP_NET_IN ? *local : *remote;
	f.sport.lo = f.sport.hi = sport;
	f.dport.lo = f.dport.hi = dport;
	points_checked++;
	if (rp_net_flow_eval(ch, &f, &d) < 0) {
		printf("  flow eval failed\n");
		return -1;
	}
	pc = rp_net_result_lookup(res, proto, remote, sport, dport);
	if (!pc) {
		printf("  no piece for proto %u port %u/%u\n", proto, sport, dport);
		return -1;
	}
	if (pc->verdict != d.verdict || !same_hop(&pc->hop[0], &d.hop[0]) ||
	    !same_hop(&pc->hop[1], &d.hop[1])) {
		rp_buf b = RP_BUF_INIT;
		rp_net_addr_format(&b, remote);
		printf("  mismatch %s %s remote %s sport %u dport %u: engine %s",
		       rp_net_dir_name(dir), rp_net_proto_name(proto), b.data, sport, dport,
		       rp_net_verdict_name((rp_net_verdict)pc->verdict));
		for (h = 0; h < 2; h++)
			printf(" [%s/%s]", rname(pc->hop[h].rule), rname(pc->hop[h].alt));
		printf(", flow %s", rp_net_verdict_name((rp_net_verdict)d.verdict));
		for (h = 0; h < 2; h++)
			printf(" [%s/%s]", rname(d.hop[h].rule), rname(d.hop[h].alt));
		printf("\n");
		rp_buf_release(&b);
		return -1;
	}
	return 0;
}

/* Pieces must be pairwise disjoint: count pieces containing the point. */
static int check_partition(const rp_net_result *res, unsigned proto, const rp_net_addr *remote,
			   uint32_t sport, uint32_t dport)
{
	size_t i, hits = 0;

	for (i = 0; i < res->n; i++) {
		const rp_net_piece *p = &res->pieces[i];
		if (p->proto == proto && rp_net_aset_contains(&p->remote, remote) &&
		    rp_net_pset_contains(&p->sports, sport) &&
		    rp_net_pset_contains(&p->dports, dport))
			hits++;
	}
	if (hits != 1) {
		printf("  point in %zu pieces\n", hits);
		return -1;
	}
	return 0;
}

static bool term_eq(const rp_net_term *a, const rp_net_term *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == RP_NET_T_PREFIX)
		return !rp_net_addr_cmp(&a->iv.lo, &b->iv.lo) &&
		       !rp_net_addr_cmp(&a->iv.hi, &b->iv.hi);
	if (a->kind == RP_NET_T_ANY)
		return true;
	if (a->kind == RP_NET_T_TAG || a->kind == RP_NET_T_ASG)
		return !strcasecmp(a->name, b->name);
	return false;
}

/* e's side lists every term of r's side */
static bool literal_cover(const rp_net_side *e, const rp_net_side *r)
{
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		for (j = 0; j < e->n && !term_eq(&e->terms[j], &r->terms[i]); j++)
			;
		if (j == e->n)
			return false;
	}
	return r->n > 0;
}

static bool ports_may(const rp_net_ports *p, uint32_t port)
{
	return p->unknown || rp_net_pset_contains(&p->yes, port);
}

/* Brute-force check of shadow findings: at every sampled point where the
 * shadowed rule may match, an earlier rule of its direction certainly
 * matches (both ends resolved through the environment). */
static int check_shadows(const rp_net_nsg *nsg, const rp_net_env *env, size_t *nfound)
{
	rp_net_shadow *sh;
	size_t n, i, s, t, k, j, pos;
	unsigned proto;
	static const uint32_t ports[] = { 0, 1, 2, 3, 4, 5, 7, 8, 11, 13, 15, 16, 100, 65535 };

	if (rp_net_nsg_shadowed(nsg, env, A, &sh, &n) < 0)
		return -1;
	*nfound += n;
	for (i = 0; i < n; i++) {
		const rp_net_rule *r = sh[i].rule;
		rp_net_dir dir = (rp_net_dir)r->dir;
		for (pos = 0; nsg->ordered[dir][pos] != r; pos++)
			;
		for (proto = 0; proto < RP_NET_NPROTO; proto++) {
			bool pf = proto == RP_NET_TCP || proto == RP_NET_UDP;
			if (!((r->proto_poss >> proto) & 1u))
				continue;
			for (s = 0; s < nuni; s++)
				for (t = 0; t < nuni; t += 3)
					for (k = 0; k < (pf ? sizeof(ports) / sizeof(ports[0]) : 1);
					     k++) {
						uint32_t sp = ports[(k * 7) % (sizeof(ports) /
									       sizeof(ports[0]))],
							 dp = ports[k];
						if (rp_net__side_remote(&r->src, env, &uni[s]) ==
							    RP_NET_NO ||
						    rp_net__side_remote(&r->dst, env, &uni[t]) ==
							    RP_NET_NO ||
						    (pf && (!ports_may(&r->sport, sp) ||
							    !ports_may(&r->dport, dp))))
							continue;
						for (j = 0; j < pos; j++) {
							const rp_net_rule *e = nsg->ordered[dir][j];
							if (!((e->proto_yes >> proto) & 1u))
								continue;
							if (!literal_cover(&e->src, &r->src) &&
							    rp_net__side_remote(&e->src, env,
										&uni[s]) !=
								    RP_NET_YES)
								continue;
							if (!literal_cover(&e->dst, &r->dst) &&
							    rp_net__side_remote(&e->dst, env,
										&uni[t]) !=
								    RP_NET_YES)
								continue;
							if (pf ? !(rp_net_pset_contains(
									   &e->sport.yes, sp) &&
								   rp_net_pset_contains(
									   &e->dport.yes, dp))
							       : !(rp_net_pset_is_all(
									   &e->sport.yes) &&
								   rp_net_pset_is_all(
									   &e->dport.yes)))
								continue;
							break;
						}
						if (j == pos) {
							printf("  rule %s reported shadowed but "
							       "may match uncovered (%s)\n",
							       r->name, rp_net_proto_name(proto));
							return -1;
						}
					}
		}
	}
	return 0;
}

/* Every point of the universe (narrow: the port window; wide: every
 * destination port at a sample of the addresses) against the brute force.
 * Returns the number of failures (0 or 1). */
static int check_all(const rp_net_chain *ch, const rp_net_result *res, rp_net_dir dir,
		     const rp_net_addr *loc)
{
	static const uint32_t sports_narrow[] = { 0, 1, 2, 3, 4, 5, 40000, 65535 };
	static const uint32_t sports_wide[] = { 0, 65535 };
	const rp_net_addr local = *loc;
	unsigned proto, k;
	size_t i;
	uint32_t sp, dp;
	int fails = 0;

	for (proto = 0; proto < RP_NET_NPROTO && !fails; proto++) {
		bool pf = proto == RP_NET_TCP || proto == RP_NET_UDP;
		for (i = 0; i < nuni && !fails; i++) {
			if (!pf) {
				fails +=
					check_point(ch, res, dir, &local, proto, &uni[i], 0, 0) < 0;
				continue;
			}
			if (wide) {
				if (i % 10 != 0)
					continue; /* every port, at a sample of the addresses */
				for (k = 0; k < 2 && !fails; k++)
					for (dp = 0; dp <= RP_NET_PORT_MAX && !fails; dp++)
						fails += check_point(ch, res, dir, &local, proto,
								     &uni[i], sports_wide[k],
								     dp) < 0;
				continue;
			}
			for (k = 0; k < sizeof(sports_narrow) / sizeof(sports_narrow[0]) && !fails;
			     k++) {
				sp = sports_narrow[k];
				for (dp = 0; dp <= window && !fails; dp++)
					fails += check_point(ch, res, dir, &local, proto, &uni[i],
							     sp, dp) < 0;
				if (!fails)
					fails += check_point(ch, res, dir, &local, proto, &uni[i],
							     sp, 30000) < 0;
				if (!fails)
					fails += check_point(ch, res, dir, &local, proto, &uni[i],
							     sp, 65535) < 0;
			}
		}
	}
	return fails;
}

/* rp_net_engine_eval_verdicts: exactly the pieces of the full decision
 * whose verdict is in the mask, in the same order. */
static int check_verdicts(rp_net_engine *eng, const rp_net_chain *ch, rp_net_dir dir,
			  const rp_net_addr *local, const rp_net_result *full, unsigned mask)
{
	const rp_net_result *res;
	size_t i, j = 0;
	int h;

	if (rp_net_engine_eval_verdicts(eng, ch, dir, local, mask, &res) < 0) {
		printf("  eval_verdicts failed\n");
		return 1;
	}
	for (i = 0; i < full->n; i++) {
		const rp_net_piece *a = &full->pieces[i], *b;
		if (!((1u << a->verdict) & mask))
			continue;
		if (j == res->n) {
			printf("  eval_verdicts: too few pieces (mask %u)\n", mask);
			return 1;
		}
		b = &res->pieces[j++];
		if (a->proto != b->proto || a->verdict != b->verdict ||
		    !rp_net_aset_equal(&a->remote, &b->remote) ||
		    !rp_net_pset_equal(&a->sports, &b->sports) ||
		    !rp_net_pset_equal(&a->dports, &b->dports)) {
			printf("  eval_verdicts: piece %zu differs (mask %u)\n", j - 1, mask);
			return 1;
		}
		for (h = 0; h < 2; h++)
			if (!same_hop(&a->hop[h], &b->hop[h])) {
				printf("  eval_verdicts: hop differs (mask %u)\n", mask);
				return 1;
			}
	}
	if (j != res->n) {
		printf("  eval_verdicts: too many pieces (mask %u)\n", mask);
		return 1;
	}
	return 0;
}

/* One engine for several NICs, as a scan uses it: whatever the engine
 * shares between evaluations (tables, the environment's address classes,
 * results keyed by the local bits, interned address and port sets) must
 * give each NIC its own decision.  Variants of the first chain: the same
 * NIC with its ASG ids in other case (must share), other ASG memberships
 * and addresses, the two NSGs swapped, and another environment (other ASG
 * members, same NSGs) -- where sharing must not happen. */
static int check_shared(rp_net_engine *eng, const rp_net_chain *ch, rp_net_dir dir,
			const rp_net_addr *local)
{
	static const char *const upper[] = { "ASG-A", "ASG-B", "ASG-C" };
	rp_net_env *env2 = rp_net_env_new();
	rp_net_aset s = { 0 };
	size_t k, i, before, after;
	int fails = 0;

	add_text(&s, "10.0.0.0/28");
	add_text(&s, "fd00::/125");
	rp_net_env_add_vnet(env2, &s);
	s.n = 0;
	add_text(&s, "10.0.0.3/32");
	add_text(&s, "10.0.0.12/31");
	rp_net_env_add_asg_member(env2, "asg-a", &s);
	s.n = 0;
	add_text(&s, "fd00::2/128");
	rp_net_env_add_asg_member(env2, "asg-c", &s);
	env2->asg_complete = rn(2) != 0;
	rp_net_env_finish(env2);
	for (k = 0; k < 5 && !fails; k++) {
		rp_net_chain c2 = *ch;
		const char *asg2[3];
		rp_net_addr loc2 = *local;
		const rp_net_result *res;
		size_t n = 0;

		if (k == 0) { /* the same NIC, ids in upper case: shares the result */
			for (i = 0; i < ch->nasgs; i++)
				asg2[n++] = upper[ch->asgs[i][4] - 'a'];
		} else {
			for (i = 0; i < 3; i++)
				if (rn(2))
					asg2[n++] = asg_ids[i];
			c2.asgs_unknown = rn(6) == 0 ? "random unknown membership" : NULL;
			loc2 = uni[rn(2) ? rn(16) : 16 + 8 + 4 + rn(8)];
		}
		c2.asgs = asg2;
		c2.nasgs = n;
		if (k == 2) {
			c2.subnet_nsg = ch->nic_nsg;
			c2.nic_nsg = ch->subnet_nsg;
		}
		if (k >= 3)
			c2.env = env2;
		rp_net_engine_stats(eng, &before, &i);
		if (rp_net_engine_eval(eng, &c2, dir, &loc2, &res) < 0) {
			printf("  shared engine: eval failed\n");
			fails++;
			break;
		}
		rp_net_engine_stats(eng, &after, &i);
		if (k == 0 && after != before) {
			printf("  shared engine: the same NIC was computed again\n");
			fails++;
		}
		if (!fails)
			fails += check_all(&c2, res, dir, &loc2);
		if (fails)
			printf("  shared engine: variant %zu differs\n", k);
	}
	rp_net_aset_release(&s);
	rp_net_env_free(env2);
	return fails;
}

static int run_case(unsigned idx, size_t *nshadow)
{
	rp_diag d;
	rp_net_env *env = rp_net_env_new();
	rp_net_engine *eng = rp_net_engine_new();
	rp_net_aset s = { 0 };
	rp_net_nsg *n1 = NULL, *n2 = NULL;
	rp_net_chain ch;
	const char *nic_asgs[3];
	rp_net_dir dir = rn(2) ? RP_NET_IN : RP_NET_OUT;
	rp_net_addr local;
	const rp_net_result *res;
	unsigned proto, k;
	size_t i, nloc;
	uint32_t sp, dp;
	int fails = 0;

	rp_diag_init(&d);
	memset(&ch, 0, sizeof(ch));
	add_text(&s, "10.0.0.0/28");
	add_text(&s, "fd00::/125");
	rp_net_env_add_vnet(env, &s);
	if (rn(4) == 0) {
		s.n = 0;
		add_text(&s, "192.168.0.0/31");
		rp_net_env_add_vnet_maybe(env, &s);
	}
	s.n = 0;
	add_text(&s, "10.0.0.1/32");
	add_text(&s, "10.0.0.2/32");
	rp_net_env_add_asg_member(env, "asg-a", &s);
	s.n = 0;
	add_text(&s, "10.0.0.8/30");
	add_text(&s, "fd00::4/127");
	rp_net_env_add_asg_member(env, "ASG-B", &s);
	if (rn(3) == 0) {
		s.n = 0;
		add_text(&s, "203.0.113.4/30");
		rp_net_env_add_tag(env, "Storage", &s, NULL);
	}
	env->asg_complete = rn(3) != 0;
	rp_net_env_finish(env);
	k = rn(4);
	if (k != 0)
		n1 = rand_nsg("nsg-subnet", dir, &d);
	if (k != 1)
		n2 = rand_nsg("nsg-nic", dir, &d);
	ch.env = env;
	ch.subnet_nsg = n1;
	ch.nic_nsg = n2;
	for (i = 0; i < 3; i++)
		if (rn(2))
			nic_asgs[ch.nasgs++] = asg_ids[i];
	ch.asgs = nic_asgs;
	if (rn(8) == 0)
		ch.asgs_unknown = "random unknown membership";
	/* local: a VNet address (v4 or v6) */
	nloc = rn(2) ? rn(16) : 16 + 8 + 4 + rn(8);
	local = uni[nloc];
	if (rp_net_engine_eval(eng, &ch, dir, &local, &res) < 0) {
		printf("case %u: engine failed\n", idx);
		fails++;
		goto out;
	}
	fails += check_all(&ch, res, dir, &local);
	/* random points anywhere: exactly one piece, and it agrees */
	for (k = 0; k < 40 && !fails; k++) {
		rp_net_addr r;
		r.fam = rn(2);
		r.hi = r.fam ? rnd() : 0;
		r.lo = r.fam ? rnd() : (rnd() & 0xFFFFFFFFu);
		proto = rn(RP_NET_NPROTO);
		sp = rn(65536);
		dp = rn(65536);
		fails += check_partition(res, proto, &r, sp, dp) < 0;
		if (!fails)
			fails += check_point(&ch, res, dir, &local, proto, &r, sp, dp) < 0;
	}
	if (!fails && !wide) {
		if (n2)
			fails += check_shadows(n2, env, nshadow) < 0;
		if (n1 && !fails)
			fails += check_shadows(n1, env, nshadow) < 0;
	}
	if (!fails)
		fails += check_verdicts(eng, &ch, dir, &local, res, 1u + rn(7));
	if (!fails && !wide && idx % 5 == 0)
		fails += check_shared(eng, &ch, dir, &local);
	if (fails)
		printf("case %u failed (seed case index)\n", idx);
out:
	rp_net_aset_release(&s);
	rp_net_engine_free(eng);
	rp_net_env_free(env);
	rp_diag_release(&d);
	return fails ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned ncases = argc > 1 ? (unsigned)atoi(argv[1]) : 3000;
	unsigned nwide = argc > 2 ? (unsigned)atoi(argv[2]) : 3;
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : UINT64_C(20261128);
	unsigned i, pass = 0, fail = 0;
	size_t nshadow = 0;
	clock_t t0 = clock();

	build_universe();
	for (i = 0; i < ncases + nwide; i++) {
		rng_state = seed + i * UINT64_C(7919);
		wide = i >= ncases;
		A = rp_arena_new();
		if (run_case(i, &nshadow) == 0)
			pass++;
		else
			fail++;
		A = rp_arena_free(A);
	}
	printf("%llu points compared, %zu shadowed rules verified, %.1f s\n", points_checked,
	       nshadow, (double)(clock() - t0) / CLOCKS_PER_SEC);
	printf("%u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
