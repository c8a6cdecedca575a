/* policy.c: the intended deployment's segmentation (see policy.h).
 * Without --model there is no policy: 001 and 003 do not run and deny rules
 * are proposed at priority 100 (ahead of every user rule), with that basis
 * stated in the artifact. */
#include "watch/policy.h"
#include "watch/internal.h"

#include "ingest/arm/arm.h"
#include "ingest/detect.h"
#include "ingest/resource.h"
#include "model/model.h"
#include "net/topology.h"
#include "util/error.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 4096u

typedef struct addr_ipc {
	rp_net_addr a;
	const rp_net_ipc *ipc;
} addr_ipc;

typedef struct cache_ent {
	uint64_t key;
	int which; /* 0 none, 1 drift, 3 east-west */
	bool used;
} cache_ent;

struct rp_watch_policy {
	rp_deployment **deps;
	size_t ndeps;
	rp_model *model;
	rp_net_topo *topo;
	addr_ipc *idx;
	size_t nidx;
	cache_ent *cache;
};

static int cmp_addr(const void *a, const void *b)
{
	return rp_net_addr_cmp(&((const addr_ipc *)a)->a, &((const addr_ipc *)b)->a);
}

rp_watch_policy *rp_watch_policy_free(rp_watch_policy *p)
{
	size_t i;

	if (!p)
		return NULL;
	rp_net_topo_free(p->topo);
	rp_model_free(p->model);
	for (i = 0; i < p->ndeps; i++)
		rp_deployment_free(p->deps[i]);
	free(p->deps);
	free(p->idx);
	free(p->cache);
	free(p);
	return NULL;
}

size_t rp_watch_policy_naddrs(const rp_watch_policy *p)
{
	return p ? p->nidx : 0;
}

static int add_dep(rp_watch_policy *p, rp_deployment *dep)
{
	rp_deployment **nd = realloc(p->deps, (p->ndeps + 1) * sizeof(*nd));

	if (!nd) {
		rp_deployment_free(dep);
		return -RP_ENOMEM;
	}
	p->deps = nd;
	p->deps[p->ndeps++] = dep;
	return 0;
}

int rp_watch_policy_load(const char *const *paths, size_t npaths, rp_diag *diag,
			 rp_watch_policy **out)
{
	rp_watch_policy *p = calloc(1, sizeof(*p));
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!p)
		return -RP_ENOMEM;
	p->cache = calloc(CACHE_SLOTS, sizeof(*p->cache));
	if (!p->cache) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (i = 0; i < npaths; i++) {
		rp_input_kind k = RP_INPUT_UNKNOWN;
		rp_deployment *dep = NULL;
		rc = rp_ingest_load_file(paths[i], RP_INPUT_UNKNOWN, &k, &dep, diag);
		if (rc == 0 && k == RP_INPUT_ARM) {
			rp_arm_options ao;
			memset(&ao, 0, sizeof(ao));
			rp_deployment_free(dep);
			dep = NULL;
			rc = rp_arm_evaluate(paths[i], &ao, &dep, diag);
		} else if (rc == 0 && k != RP_INPUT_TFPLAN && k != RP_INPUT_EXPORT) {
			rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0,
				    "%s: --model needs an ARM template, a Terraform plan or an "
				    "export (this is %s)",
				    paths[i], rp_input_kind_name(k));
			rc = -RP_EUNSUPPORTED;
		}
		if (dep) {
			/* kept even on error: the diagnostics point into it */
			int r2 = add_dep(p, dep);
			if (r2 < 0)
				rc = r2;
		}
		if (rc < 0)
			goto out;
	}
	rc = rp_model_build((const rp_deployment *const *)p->deps, p->ndeps, &p->model, diag);
	if (rc < 0)
		goto out;
	rc = rp_net_topo_build(p->model, diag, &p->topo);
	if (rc < 0)
		goto out;
	p->idx = calloc(p->topo->nipcs ? p->topo->nipcs : 1, sizeof(*p->idx));
	if (!p->idx) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (i = 0; i < p->topo->nipcs; i++) {
		const rp_net_ipc *ipc = &p->topo->ipcs[i];
		if (!ipc->local_exact || ipc->local.n != 1)
			continue;
		p->idx[p->nidx].a = ipc->local.v[0].lo;
		p->idx[p->nidx].ipc = ipc;
		p->nidx++;
	}
	qsort(p->idx, p->nidx, sizeof(*p->idx), cmp_addr);
out:
	if (rc < 0) {
		/* diagnostics may point into the deployments: the caller prints
		 * them before freeing; keep the policy for that */
		*out = p;
		return rc;
	}
	*out = p;
	return 0;
}

/* The ipConfiguration with address a: one with exactly that address, else
 * the only one whose possible range contains it; NULL otherwise. */
static const rp_net_ipc *lookup(const rp_watch_policy *p, const rp_net_addr *a)
{
	size_t lo = 0, hi = p->nidx, i;
	const rp_net_ipc *found = NULL;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = rp_net_addr_cmp(&p->idx[mid].a, a);
		if (c == 0)
			return p->idx[mid].ipc;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = 0; i < p->topo->nipcs; i++) {
		const rp_net_ipc *ipc = &p->topo->ipcs[i];
		if (ipc->local_exact || !rp_net_aset_contains(&ipc->local, a))
			continue;
		if (found)
			return NULL; /* ambiguous */
		found = ipc;
	}
	return found;
}

static int proto_class(unsigned iana)
{
	switch (iana) {
	case 6: return RP_NET_TCP;
	case 17: return RP_NET_UDP;
	case 1:
	case 58: return RP_NET_ICMP;
	case 50: return RP_NET_ESP;
	case 51: return RP_NET_AH;
	default: return -1;
	}
}

/* Evaluates the flow through the local ipc's chain. */
static int evaluate(const rp_watch_policy *p, const rp_net_ipc *ipc, bool inbound, int pc,
		    uint32_t port, const rp_net_addr *remote, rp_net_answer *ans)
{
	rp_net_query q;
	int rc;

	memset(&q, 0, sizeof(q));
	q.dir = inbound ? RP_NET_IN : RP_NET_OUT;
	q.proto = (unsigned)pc;
	q.port = port;
	rc = rp_net_aset_add(&q.remote, *remote, *remote);
	if (rc == 0)
		rc = rp_net_topo_query(p->topo, ipc, &q, ans);
	rp_net_aset_release(&q.remote);
	return rc;
}

int rp_watch_policy_check(rp_watch_det *d, const rp_flow *f, int *which)
{
	const rp_watch_policy *p = rp_watch_det_policy(d);
	bool in = f->dir == RP_FLOW_IN;
	const rp_net_addr *local = in ? &f->dst : &f->src, *remote = in ? &f->src : &f->dst;
	const rp_net_ipc *ipc;
	rp_net_answer ans;
	int pc = proto_class(f->proto), rc;
	uint64_t v[8], key;
	cache_ent *ce;

	*which = 0;
	if (!p || pc < 0)
		return 0;
	v[0] = local->fam;
	v[1] = local->hi;
	v[2] = local->lo;
	v[3] = remote->fam;
	v[4] = remote->hi;
	v[5] = remote->lo;
	v[6] = ((uint64_t)in << 40) | ((uint64_t)(unsigned)pc << 32) | f->dport;
	v[7] = 0;
	key = rp_watch_hash(v, sizeof(v), 1001);
	ce = &p->cache[key % CACHE_SLOTS];
	if (ce->used && ce->key == key) {
		*which = ce->which;
		return 0;
	}
	ipc = lookup(p, local);
	if (ipc) {
		memset(&ans, 0, sizeof(ans));
		rc = evaluate(p, ipc, in, pc, f->dport, remote, &ans);
		if (rc == -RP_ENOMEM)
			return rc;
		if (rc == 0 && ans.verdict == RP_NET_DENY)
			*which = lookup(p, remote) ? 3 : 1;
	}
	ce->used = true;
	ce->key = key;
	ce->which = *which;
	return 0;
}

/* The NSG on ipc's path the deny rule goes into: the NIC's, else the
 * subnet's; its model object (for the az command) when found. */
static const rp_net_nsg *path_nsg(const rp_watch_policy *p, const rp_net_ipc *ipc,
				  const rp_mobj **obj)
{
	const rp_net_nsg *n = ipc->chain.nic_nsg ? ipc->chain.nic_nsg : ipc->chain.subnet_nsg;
	size_t i;

	*obj = NULL;
	if (!n)
		return NULL;
	for (i = 0; i < p->model->nobjs; i++)
		if (rp_net_topo_nsg(p->topo, p->model->objs[i]) == n) {
			*obj = p->model->objs[i];
			break;
		}
	return n;
}

/* Lowest priority number no rule of nsg uses in direction dir. */
static int free_priority(const rp_net_nsg *nsg, rp_net_dir dir)
{
	unsigned char used[RP_NET_PRIORITY_MAX + 1];
	size_t i;
	int pr;

	memset(used, 0, sizeof(used));
	for (i = 0; i < nsg->ninput; i++) {
		const rp_net_rule *r = nsg->input[i];
		if (r->priority_known && (r->dir == (int8_t)dir || r->dir < 0) &&
		    r->priority >= RP_NET_PRIORITY_MIN && r->priority <= RP_NET_PRIORITY_MAX)
			used[r->priority] = 1;
	}
	for (pr = RP_NET_PRIORITY_MIN; pr <= RP_NET_PRIORITY_MAX; pr++)
		if (!used[pr])
			return pr;
	return -1;
}

int rp_watch_policy_deny(rp_watch_det *d, rp_buf *b, const char *name, bool inbound, unsigned proto,
			 const char *src, const char *dst, const char *dport, const char *nsg_id,
			 const rp_net_addr *local, uint32_t port, const char *allowed_by)
{
	const rp_watch_policy *p = rp_watch_det_policy(d);
	const rp_net_ipc *ipc = p && local ? lookup(p, local) : NULL;
	const rp_mobj *obj = NULL;
	const rp_net_nsg *nsg = ipc ? path_nsg(p, ipc, &obj) : NULL;
	int pr = nsg ? free_priority(nsg, inbound ? RP_NET_IN : RP_NET_OUT) : -1;
	char basis[512];

	(void)port;
	(void)allowed_by;
	if (pr < 0)
		return rp_watch_deny_rule(
			b, name, 100,
			p ? "the model has no NSG on this address's path: 100 "
			    "precedes every user rule; if it is taken, use a free "
			    "priority below the allowing rule's"
			  : "no --model: 100 precedes every user rule; if it is "
			    "taken, use a free priority below the allowing rule's",
			inbound, proto, src, dst, dport, nsg_id);
	snprintf(basis, sizeof(basis),
		 "the lowest priority number free in %s (%s, in the deployment): ahead of its "
		 "rules with higher numbers and of the default rules",
		 nsg->name ? nsg->name : "the NSG", inbound ? "inbound" : "outbound");
	return rp_watch_deny_rule(b, name, pr, basis, inbound, proto, src, dst, dport,
				  obj && obj->id ? obj->id : nsg_id);
}

static void addr_text(const rp_net_addr *a, char *out, size_t cap)
{
	rp_buf b = RP_BUF_INIT;

	if (rp_net_addr_format(&b, a) == 0 && b.data)
		snprintf(out, cap, "%s", b.data);
	else
		snprintf(out, cap, "?");
	rp_buf_release(&b);
}

int rp_watch_policy_emit(rp_watch_det *d, int64_t win, const rp_net_addr *a, const rp_net_addr *b,
			 uint32_t port, uint32_t proto, int64_t first, int64_t last, uint64_t count,
			 const rp_watch_evidence *ev, size_t nev, const char *resource,
			 const char *rule, bool drift)
{
	const rp_watch_policy *p = rp_watch_det_policy(d);
	/* proto carries the logged direction in bit 8 (set: outbound); 001
	 * keys (local, remote), 003 keys (src, dst) */
	bool in = !(proto & 0x100u);
	const rp_net_addr *local = drift ? a : (in ? b : a);
	const rp_net_addr *remote = local == a ? b : a;
	const rp_net_ipc *ipc = p ? lookup(p, local) : NULL;
	rp_net_answer ans;
	rp_buf msg = RP_BUF_INIT, hops = RP_BUF_INIT, rem = RP_BUF_INIT;
	char la[64], ra[64], pfx[96], rpfx[96], name[96], ports[16], subject[160];
	rp_watch_finding f;
	int pc, rc = 0;

	(void)win;
	proto &= 0xFFu;
	pc = proto_class(proto);
	if (!ipc || pc < 0)
		return 0;
	addr_text(local, la, sizeof(la));
	addr_text(remote, ra, sizeof(ra));
	memset(&ans, 0, sizeof(ans));
	rc = evaluate(p, ipc, in, pc, port, remote, &ans);
	if (rc < 0 || ans.verdict != RP_NET_DENY)
		goto out;
	rc = rp_net_hop_format(&hops, &ans.hop[0]);
	if (rc == 0 && ans.hop[1].nsg) {
		rc = rp_buf_puts(&hops, ", then ");
		if (rc == 0)
			rc = rp_net_hop_format(&hops, &ans.hop[1]);
	}
	if (rc < 0)
		goto out;
	snprintf(subject, sizeof(subject), "%s -> %s:%u/%s", in ? ra : la, in ? la : ra, port,
		 rp_watch_proto_name(proto));
	rc = rp_buf_printf(
		&msg,
		drift ? "%s was allowed (logged by rule %s) but the deployment denies "
			"it at %s: the live NSGs have drifted"
		      : "%s was allowed (logged by rule %s) but the deployment keeps these "
			"assets apart (%s)",
		subject, rule ? rule : "?", hops.data ? hops.data : "?");
	if (rc < 0)
		goto out;
	snprintf(name, sizeof(name), "rampart-deny-%s-%u", ra, port);
	for (char *q = name; *q; q++)
		if (*q == '.' || *q == ':')
			*q = '-';
	snprintf(ports, sizeof(ports), "%u", port);
	snprintf(pfx, sizeof(pfx), "%s/%d", la, local->fam == 0 ? 32 : 128);
	snprintf(rpfx, sizeof(rpfx), "%s/%d", ra, remote->fam == 0 ? 32 : 128);
	rc = rp_watch_policy_deny(d, &rem, name, in, proto, in ? rpfx : pfx, in ? pfx : rpfx, ports,
				  resource, local, port, rule);
	if (rc < 0)
		goto out;
	memset(&f, 0, sizeof(f));
	f.rule = rp_watch_rule(drift ? "RMP-WATCH-001" : "RMP-WATCH-003");
	f.status = RP_STATUS_FAIL;
	f.subject = subject;
	f.resource_id = ipc->owner && ipc->owner->id ? ipc->owner->id : (resource ? resource : "");
	f.message = msg.data;
	f.first_ms = first;
	f.last_ms = last;
	f.count = count;
	f.ev = ev;
	f.nev = nev;
	f.remediation = rem.data;
	rc = rp_watch_emit(d, &f);
out:
	rp_buf_release(&msg);
	rp_buf_release(&hops);
	rp_buf_release(&rem);
	return rc == -RP_ENOMEM ? rc : 0;
}
