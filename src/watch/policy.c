/* policy.c: the intended deployment's segmentation, for RMP-WATCH-001/003
 * and for the priority of remediation rules.  Without --model there is no
 * policy: 001 and 003 do not run and deny rules are proposed at priority
 * 100 (ahead of every user rule), with that basis stated in the artifact. */
#include "watch/internal.h"

#include "util/error.h"

int rp_watch_policy_deny(rp_watch_det *d, rp_buf *b, const char *name, bool inbound, unsigned proto,
			 const char *src, const char *dst, const char *dport, const char *nsg_id,
			 const rp_net_addr *local, uint32_t port, const char *allowed_by)
{
	(void)d;
	(void)local;
	(void)port;
	(void)allowed_by;
	return rp_watch_deny_rule(b, name, 100,
				  "no --model: 100 precedes every user rule; if it is taken, use "
				  "a free priority below the allowing rule's",
				  inbound, proto, src, dst, dport, nsg_id);
}

int rp_watch_policy_check(rp_watch_det *d, const rp_flow *f, int *which)
{
	(void)d;
	(void)f;
	*which = 0;
	return 0;
}

int rp_watch_policy_emit(rp_watch_det *d, int64_t win, const rp_net_addr *a, const rp_net_addr *b,
			 uint32_t port, uint32_t proto, int64_t first, int64_t last, uint64_t count,
			 const rp_watch_evidence *ev, size_t nev, const char *resource,
			 const char *rule, bool drift)
{
	(void)d, (void)win, (void)a, (void)b, (void)port, (void)proto, (void)first, (void)last;
	(void)count, (void)ev, (void)nev, (void)resource, (void)rule, (void)drift;
	return 0;
}
