/* policy.h: the intended deployment (--model) for RMP-WATCH-001 and 003.
 *
 * rp_watch_policy_load() reads ARM templates (parameters files paired as
 * in scan), Terraform plans and live exports into one model and builds the
 * model -> NSG engine bridge (net/topology.h).  An observed *allowed* flow
 * whose local end is a NIC address of the model is evaluated exactly
 * through that NIC's chain (subnet and NIC NSGs, inbound subnet then NIC,
 * outbound NIC then subnet); when the deployment certainly denies it:
 *   - RMP-WATCH-003 if the remote end is also an asset of the model
 *     (east-west traffic the design keeps apart),
 *   - RMP-WATCH-001 otherwise (the live NSGs have drifted).
 * A decision the model cannot know (unknown rules, dynamic addresses whose
 * classes disagree) raises nothing.  Remediation deny rules get the lowest
 * free priority of the NSG on the path (the NIC's, else the subnet's), so
 * they precede every rule of that NSG.
 */
#ifndef RP_WATCH_POLICY_H
#define RP_WATCH_POLICY_H

#include "util/diag.h"
#include "watch/detect.h"

typedef struct rp_watch_policy rp_watch_policy;

/* 0 with *out, or a negative code after diagnostics (print diag before
 * rp_watch_policy_free: they point into the policy's sources). */
int rp_watch_policy_load(const char *const *paths, size_t npaths, rp_diag *diag,
			 rp_watch_policy **out);
rp_watch_policy *rp_watch_policy_free(rp_watch_policy *p);
/* NIC addresses indexed (ipConfigurations with one known address). */
size_t rp_watch_policy_naddrs(const rp_watch_policy *p);

#endif
