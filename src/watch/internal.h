/* internal.h: shared between the detector files of src/watch. */
#ifndef RP_WATCH_INTERNAL_H
#define RP_WATCH_INTERNAL_H

#include "watch/detect.h"

bool rp_watch_sensitive_port(uint32_t port, const char **name);
const char *rp_watch_proto_name(unsigned proto);
int rp_watch_emit(rp_watch_det *d, const rp_watch_finding *f);
const rp_watch_config *rp_watch_det_config(const rp_watch_det *d);
struct rp_watch_changes **rp_watch_det_changes(rp_watch_det *d);
const struct rp_watch_policy *rp_watch_det_policy(const rp_watch_det *d);
bool rp_watch_det_rule_on(const rp_watch_det *d, unsigned num);
/* A copy of s owned by the detector (NULL past its limit of names). */
const char *rp_watch_det_intern(rp_watch_det *d, const char *s);

/* An NSG deny rule as a remediation artifact (JSON object into b). */
int rp_watch_deny_rule(rp_buf *b, const char *name, int priority, const char *priority_basis,
		       bool inbound, unsigned proto, const char *src, const char *dst,
		       const char *dport, const char *nsg_id);

/* policy.c: the intended deployment.  rp_watch_policy_deny writes a deny
 * rule at a free priority (ahead of the rule named allowed_by when the
 * policy knows the NSG; local/port locate it); rp_watch_policy_check sets
 * *which to 1 (drift) or 3 (east-west) when the policy denies an allowed
 * flow; rp_watch_policy_emit raises those findings. */
int rp_watch_policy_deny(rp_watch_det *d, rp_buf *b, const char *name, bool inbound, unsigned proto,
			 const char *src, const char *dst, const char *dport, const char *nsg_id,
			 const rp_net_addr *local, uint32_t port, const char *allowed_by);
int rp_watch_policy_check(rp_watch_det *d, const rp_flow *f, int *which);
int rp_watch_policy_emit(rp_watch_det *d, int64_t win, const rp_net_addr *a, const rp_net_addr *b,
			 uint32_t port, uint32_t proto, int64_t first, int64_t last, uint64_t count,
			 const rp_watch_evidence *ev, size_t nev, const char *resource,
			 const char *rule, bool drift);

/* change.c: activity-log detections. */
int rp_watch_changes_new(rp_watch_det *d);
void rp_watch_changes_free(rp_watch_det *d);
int rp_watch_changes_finish(rp_watch_det *d);

#endif
