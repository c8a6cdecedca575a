/* nsg.c: libFuzzer target for the network engine (src/net).
 *
 * The input is JSON (ARM's extended syntax): an NSG resource
 * {name, properties{securityRules[...]}} or a bare array of security rules.
 * For every input that parses:
 *  1. build the NSG (diagnostics are fine, crashes and leaks are not) and
 *     use it at both levels of a chain, inbound and outbound;
 *  2. compute the engine's complete decision for a local address and check,
 *     at a set of points (every rule boundary address the rules name, and
 *     fixed probes, at ports 0, 1, 22, 443, 65535), that exactly one piece
 *     contains each point and that it agrees with the single-flow evaluator
 *     (verdict and deciding rules);
 *  3. run shadow detection with and without an environment.
 * Any disagreement calls abort().
 */
#include "json/json.h"
#include "json/value.h"
#include "net/net.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz-nsg: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* Inputs larger than this are ignored (keeps each run fast). */
#define MAX_INPUT 65536u
#define MAX_POINTS 64u

static bool same_hop(const rp_net_hop *a, const rp_net_hop *b)
{
	return a->nsg == b->nsg && a->verdict == b->verdict && a->rule == b->rule &&
	       a->alt == b->alt &&
	       ((!a->reason && !b->reason) ||
		(a->reason && b->reason && !strcmp(a->reason, b->reason)));
}

static void collect(const rp_net_side *s, rp_net_addr *pts, size_t *n)
{
	size_t i;

	for (i = 0; i < s->n && *n + 2 <= MAX_POINTS; i++)
		if (s->terms[i].kind == RP_NET_T_PREFIX) {
			pts[(*n)++] = s->terms[i].iv.lo;
			pts[(*n)++] = s->terms[i].iv.hi;
		}
}

static void check_chain(const rp_net_chain *ch, rp_net_dir dir, const rp_net_addr *local,
			const rp_net_addr *pts, size_t npts)
{
	rp_net_engine *eng = rp_net_engine_new();
	const rp_net_result *res;
	static const uint32_t ports[] = { 0, 1, 22, 443, 65535 };
	size_t i, k, j, hits;
	unsigned proto;

	CHECK(eng);
	CHECK(rp_net_engine_eval(eng, ch, dir, local, &res) == 0);
	for (proto = 0; proto < RP_NET_NPROTO; proto++)
		for (i = 0; i < npts; i++)
			for (k = 0; k < sizeof(ports) / sizeof(ports[0]); k++) {
				rp_net_flow f;
				rp_net_decision d;
				const rp_net_piece *pc = NULL;
				memset(&f, 0, sizeof(f));
				f.dir = dir;
				f.proto = proto;
				f.src = dir == RP_NET_IN ? pts[i] : *local;
				f.dst = dir == RP_NET_IN ? *local : pts[i];
				f.sport.lo = f.sport.hi = ports[(k + 2) % 5];
				f.dport.lo = f.dport.hi = ports[k];
				CHECK(rp_net_flow_eval(ch, &f, &d) == 0);
				for (j = hits = 0; j < res->n; j++) {
					const rp_net_piece *p = &res->pieces[j];
					if (p->proto == proto &&
					    rp_net_aset_contains(&p->remote, &pts[i]) &&
					    rp_net_pset_contains(&p->sports, f.sport.lo) &&
					    rp_net_pset_contains(&p->dports, f.dport.lo)) {
						hits++;
						pc = p;
					}
				}
				CHECK(hits == 1);
				CHECK(pc->verdict == d.verdict);
				CHECK(same_hop(&pc->hop[0], &d.hop[0]) &&
				      same_hop(&pc->hop[1], &d.hop[1]));
			}
	rp_net_engine_free(eng);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	rp_arena *a = NULL;
	rp_net_env *env = NULL;
	rp_net_nsg *nsg = NULL;
	rp_diag diag;
	rp_value *root;
	rp_net_aset vnet = { 0 };
	rp_net_addr pts[MAX_POINTS], local;
	rp_net_shadow *sh;
	rp_net_chain ch;
	size_t npts = 0, i, nsh;
	const char *why;
	static const char *const probes[] = { "10.0.0.4",      "10.0.1.7",    "203.0.113.9",
					      "168.63.129.16", "192.168.1.1", "fd00::4",
					      "2001:db8::1",   "0.0.0.0" };

	rp_diag_init(&diag);
	if (size > MAX_INPUT || rp_source_from_memory("fuzz.json", data, size, &src) < 0)
		goto out;
	if (rp_json_parse(src, RP_JSON_EXTENDED, &doc, &diag) < 0)
		goto out;
	a = rp_arena_new();
	env = rp_net_env_new();
	CHECK(a && env);
	root = rp_value_from_json(a, doc, 0);
	CHECK(root);
	if (root->kind == RP_V_ARRAY) {
		nsg = rp_net_nsg_new(a, "fuzz", root->span);
		CHECK(nsg);
		for (i = 0; i < root->len; i++)
			if (rp_net_nsg_add_rule(nsg, root->u.items[i], &diag) < 0)
				break;
		CHECK(rp_net_nsg_finish(nsg, &diag) == 0);
	} else if (rp_net_nsg_from_value(a, root, &diag, &nsg) < 0) {
		goto out;
	}
	rp_net_aset_add(&vnet, rp_net_addr_v4(0x0A000000u), rp_net_addr_v4(0x0A00FFFFu));
	CHECK(rp_net_env_add_vnet(env, &vnet) == 0);
	CHECK(rp_net_env_finish(env) == 0);
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		CHECK(rp_net_addr_parse(probes[i], strlen(probes[i]), &pts[npts++], &why) == 0);
	for (i = 0; i < nsg->ninput; i++) {
		collect(&nsg->input[i]->src, pts, &npts);
		collect(&nsg->input[i]->dst, pts, &npts);
	}
	memset(&ch, 0, sizeof(ch));
	ch.env = env;
	ch.subnet_nsg = nsg;
	ch.nic_nsg = nsg;
	local = pts[0];
	check_chain(&ch, RP_NET_IN, &local, pts, npts);
	check_chain(&ch, RP_NET_OUT, &local, pts, npts);
	ch.subnet_nsg = NULL;
	check_chain(&ch, RP_NET_IN, &pts[5], pts, npts);
	CHECK(rp_net_nsg_shadowed(nsg, env, a, &sh, &nsh) == 0);
	CHECK(rp_net_nsg_shadowed(nsg, NULL, a, &sh, &nsh) == 0);
	for (i = 0; i < nsh; i++)
		CHECK(sh[i].rule && sh[i].ncovers > 0);
out:
	rp_net_aset_release(&vnet);
	rp_net_env_free(env);
	rp_arena_free(a);
	rp_json_doc_free(doc);
	rp_source_free(src);
	rp_diag_release(&diag);
	return 0;
}
