/* env.c: what service tags and application security groups mean for one
 * virtual network (azure-facts.md 2.5, 2.6; docs/network.md "Tags").
 *
 * Internet model: the globally routable space (everything but the special
 * ranges below) minus VirtualNetwork (certain and uncertain) minus the
 * AzureLoadBalancer address; addresses that may be in VirtualNetwork are
 * "maybe" Internet.  Other service tags without known ranges are opaque:
 * any globally routable address may be a member.  ASGs: the member
 * addresses the caller registered; with asg_complete false, any
 * VirtualNetwork address may be a member too (ASG members share a VNet). */
#include "net/net.h"
#include "util/error.h"
#include "util/str.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* atomic: scan --jobs N builds topologies in N threads, and an engine
 * keys its caches by these ids */
static _Atomic uint32_t next_env_id = 1;

/* Not globally routable (IANA special-purpose registries): these are never
 * Internet sources.  Documentation ranges (192.0.2/24, 198.51.100/24,
 * 203.0.113/24, 2001:db8::/32) are deliberately NOT listed, so examples
 * may use them as Internet addresses. */
static const char *const special_ranges[] = {
	"0.0.0.0/8",     "10.0.0.0/8",     "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4",   "240.0.0.0/4", "::/128",
	"::1/128",       "fc00::/7",       "fe80::/10",     "ff00::/8",
};

/* AzureLoadBalancer: the host's virtual IP where health probes originate. */
#define LB_ADDR "168.63.129.16/32"

rp_net_env *rp_net_env_new(void)
{
	rp_net_env *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	rp_map_init(&e->tags, true);
	rp_map_init(&e->asgs, true);
	e->asg_complete = true;
	e->id = atomic_fetch_add(&next_env_id, 1);
	return e;
}

static void class_release(rp_net_class *c)
{
	rp_net_aset_release(&c->yes);
	rp_net_aset_release(&c->maybe);
}

static void map_release_classes(rp_map *m)
{
	size_t i;

	for (i = 0; i < m->count; i++) {
		rp_net_class *c = m->entries[i].value;
		if (c) {
			class_release(c);
			free(c);
		}
	}
	rp_map_release(m);
}

rp_net_env *rp_net_env_free(rp_net_env *e)
{
	size_t i;

	if (!e)
		return NULL;
	rp_net_aset_release(&e->vnet);
	rp_net_aset_release(&e->vnet_maybe);
	rp_net_aset_release(&e->public_space);
	class_release(&e->c_vnet);
	class_release(&e->c_internet);
	class_release(&e->c_lb);
	class_release(&e->c_opaque);
	class_release(&e->c_any);
	class_release(&e->c_asg_unknown);
	map_release_classes(&e->tags);
	map_release_classes(&e->asgs);
	for (i = 0; i < e->nkeys; i++)
		free(e->keys[i]);
	free(e->keys);
	free(e);
	return NULL;
}

int rp_net_env_add_vnet(rp_net_env *e, const rp_net_aset *prefixes)
{
	e->finished = false;
	return rp_net_aset_add_set(&e->vnet, prefixes);
}

int rp_net_env_add_vnet_maybe(rp_net_env *e, const rp_net_aset *prefixes)
{
	e->finished = false;
	return rp_net_aset_add_set(&e->vnet_maybe, prefixes);
}

/* The class stored under key in m, created when absent. */
static rp_net_class *class_for(rp_net_env *e, rp_map *m, const char *key)
{
	void *v = NULL;
	rp_net_class *c;
	char *k;
	size_t n = strlen(key);

	if (rp_map_get(m, key, n, &v))
		return v;
	if (e->nkeys == e->keys_cap) {
		size_t cap = e->keys_cap ? e->keys_cap * 2 : 16;
		char **p = realloc(e->keys, cap * sizeof(*p));
		if (!p)
			return NULL;
		e->keys = p;
		e->keys_cap = cap;
	}
	c = calloc(1, sizeof(*c));
	k = malloc(n + 1);
	if (!c || !k)
		goto fail;
	memcpy(k, key, n + 1);
	if (rp_map_put(m, k, n, c, NULL) < 0)
		goto fail;
	e->keys[e->nkeys++] = k;
	return c;
fail:
	free(c);
	free(k);
	return NULL;
}

int rp_net_env_add_tag(rp_net_env *e, const char *name, const rp_net_aset *yes,
		       const rp_net_aset *maybe)
{
	rp_net_class *c = class_for(e, &e->tags, name);

	e->finished = false;
	if (!c)
		return -RP_ENOMEM;
	if (yes && rp_net_aset_add_set(&c->yes, yes) < 0)
		return -RP_ENOMEM;
	if (maybe && rp_net_aset_add_set(&c->maybe, maybe) < 0)
		return -RP_ENOMEM;
	return 0;
}

int rp_net_env_add_asg_member(rp_net_env *e, const char *asg_id, const rp_net_aset *addrs)
{
	rp_net_class *c = class_for(e, &e->asgs, asg_id);

	e->finished = false;
	if (!c)
		return -RP_ENOMEM;
	return rp_net_aset_add_set(&c->yes, addrs);
}

/* maybe := maybe - yes, so the two are disjoint. */
static int class_normalize(rp_net_class *c)
{
	rp_net_aset t = { 0 };
	int rc = rp_net_aset_subtract(&t, &c->maybe, &c->yes);

	if (rc == 0) {
		rp_net_aset_release(&c->maybe);
		c->maybe = t;
	} else {
		rp_net_aset_release(&t);
	}
	return rc;
}

static int set_from_text(rp_net_aset *s, const char *txt)
{
	rp_net_ival iv;
	const char *why;

	if (rp_net_prefix_parse(txt, strlen(txt), &iv, &why) < 0)
		return -RP_EINTERNAL;
	return rp_net_aset_add(s, iv.lo, iv.hi);
}

/* The parts of every environment that do not depend on it, built once per
 * process (a scan finishes an environment per file and per virtual
 * network): the globally routable space, the AzureLoadBalancer address,
 * the Internet of an environment without VirtualNetwork addresses, and
 * the whole space.  Environments borrow them frozen (cap 0: released as
 * no-ops, copied before any write). */
static struct {
	rp_net_aset public_space, lb, internet_alone, all;
	int rc;
} k_env;
static pthread_once_t k_env_once = PTHREAD_ONCE_INIT;

static void k_env_build(void)
{
	rp_net_aset special = { 0 };
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(special_ranges) / sizeof(special_ranges[0]) && rc == 0; i++)
		rc = set_from_text(&special, special_ranges[i]);
	if (rc == 0)
		rc = rp_net_aset_complement(&k_env.public_space, &special);
	if (rc == 0)
		rc = set_from_text(&k_env.lb, LB_ADDR);
	if (rc == 0)
		rc = rp_net_aset_subtract(&k_env.internet_alone, &k_env.public_space, &k_env.lb);
	if (rc == 0)
		rc = rp_net_aset_add_all(&k_env.all);
	rp_net_aset_release(&special);
	k_env.rc = rc;
}

static rp_net_aset borrow(const rp_net_aset *s)
{
	rp_net_aset b = *s;

	b.cap = 0;
	return b;
}

int rp_net_env_finish(rp_net_env *e)
{
	rp_net_aset t1 = { 0 }, t2 = { 0 };
	size_t i;
	int rc = 0;

	if (pthread_once(&k_env_once, k_env_build) != 0 || k_env.rc < 0)
		return k_env.rc < 0 ? k_env.rc : -RP_EINTERNAL;
	class_release(&e->c_vnet);
	class_release(&e->c_internet);
	class_release(&e->c_lb);
	class_release(&e->c_opaque);
	class_release(&e->c_any);
	class_release(&e->c_asg_unknown);
	rp_net_aset_release(&e->public_space);
	e->public_space = borrow(&k_env.public_space);
	/* VirtualNetwork */
	rc = rp_net_aset_copy(&e->c_vnet.yes, &e->vnet);
	if (rc == 0)
		rc = rp_net_aset_subtract(&e->c_vnet.maybe, &e->vnet_maybe, &e->vnet);
	/* AzureLoadBalancer */
	e->c_lb.yes = borrow(&k_env.lb);
	/* Internet = public - vnet - vnet_maybe - LB; maybe = public & vnet_maybe - vnet */
	if (rc == 0 && e->c_vnet.yes.n == 0 && e->c_vnet.maybe.n == 0) {
		e->c_internet.yes = borrow(&k_env.internet_alone);
	} else {
		if (rc == 0)
			rc = rp_net_aset_subtract(&t1, &e->public_space, &e->c_vnet.yes);
		if (rc == 0)
			rc = rp_net_aset_subtract(&t2, &t1, &e->c_vnet.maybe);
		if (rc == 0)
			rc = rp_net_aset_subtract(&e->c_internet.yes, &t2, &e->c_lb.yes);
		if (rc == 0)
			rc = rp_net_aset_intersect(&e->c_internet.maybe, &e->public_space,
						   &e->c_vnet.maybe);
	}
	/* opaque service tags: any public address may be a member */
	e->c_opaque.maybe = borrow(&k_env.public_space);
	e->c_any.yes = borrow(&k_env.all);
	/* ASG ids nobody registered: no members, or any VNet address when the
	 * memberships given are not complete */
	if (rc == 0 && !e->asg_complete)
		rc = rp_net_aset_add_set(&e->c_asg_unknown.maybe, &e->c_vnet.yes);
	for (i = 0; i < e->tags.count && rc == 0; i++)
		rc = class_normalize(e->tags.entries[i].value);
	for (i = 0; i < e->asgs.count && rc == 0; i++) {
		rp_net_class *c = e->asgs.entries[i].value;
		rp_net_aset_release(&c->maybe);
		if (!e->asg_complete)
			rc = rp_net_aset_add_set(&c->maybe, &e->c_vnet.yes);
		if (rc == 0)
			rc = class_normalize(c);
	}
	rp_net_aset_release(&t1);
	rp_net_aset_release(&t2);
	if (rc == 0) {
		e->finished = true;
		e->id = atomic_fetch_add(&next_env_id,
					 1); /* engines cache per id: a changed env is a new one */
	}
	return rc;
}

static bool name_is(const char *name, const char *lit)
{
	size_t n = strlen(lit);

	return strlen(name) == n && rp_str_ieq(name, lit, n);
}

const rp_net_class *rp_net_env_tag(const rp_net_env *e, const char *name)
{
	void *v = NULL;

	if (rp_map_get(&e->tags, name, strlen(name), &v))
		return v;
	if (name_is(name, "VirtualNetwork"))
		return &e->c_vnet;
	if (name_is(name, "Internet"))
		return &e->c_internet;
	if (name_is(name, "AzureLoadBalancer"))
		return &e->c_lb;
	return &e->c_opaque;
}

const rp_net_class *rp_net_env_asg(const rp_net_env *e, const char *id)
{
	void *v = NULL;

	if (rp_map_get(&e->asgs, id, strlen(id), &v))
		return v;
	return &e->c_asg_unknown;
}
