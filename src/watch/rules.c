/* rules.c: the WATCH rules (detections on flow logs and activity logs).
 *
 * They use the rule registry's record (rules/rule.h) for their public
 * metadata, in layer MON, but they do not check model objects (no types,
 * no check function): src/watch/detect.c raises them from logs.  The
 * report layer adds this table to the catalog, so `rampart rules`,
 * `rampart explain`, docs/rules.md and SARIF know them.  Ordered by ID. */
#include "watch/detect.h"

#include <string.h>

#include "util/str.h"

#define W(var, id_, sev_, title_, why_, fix_, mcsb_)                         \
	static const rp_rule var = { id_,  RP_LAYER_MON, sev_, title_, why_, \
				     fix_, mcsb_,        NULL, NULL,   NULL }

W(w001, "RMP-WATCH-001", RP_SEV_HIGH, "Flow allowed that the deployment's NSGs deny (drift)",
  "The flow log shows a flow that the NSGs of the intended deployment (--model) would deny: the "
  "live NSGs have drifted from the deployment (a rule added or changed outside it), so the "
  "segmentation reviewed in the templates is not the one in force.",
  "Bring the live NSG back to the deployment (redeploy it) or add the rule to the deployment if "
  "it is intended. The finding carries an NSG deny rule for the flow at a free priority ahead "
  "of the rule that logged it.",
  "NS-1");
W(w002, "RMP-WATCH-002", RP_SEV_CRITICAL,
  "Flow from the Internet accepted on a management or database port",
  "A connection from an Internet address was allowed to a management port (SSH, RDP, WinRM, "
  "SMB, RPC, VNC, Telnet) or a database port (SQL Server, MySQL, PostgreSQL, Oracle, MongoDB, "
  "Redis, Elasticsearch). These ports are brute-forced within minutes of exposure; management "
  "belongs behind Azure Bastion, a VPN or just-in-time access.",
  "Deny the port from the Internet (the finding carries the NSG rule and the az command) and "
  "use Azure Bastion or JIT VM access for administration.",
  "NS-1, NS-2, PA-7");
W(w003, "RMP-WATCH-003", RP_SEV_HIGH, "East-west traffic between assets the model keeps apart",
  "A flow between two internal assets was allowed although the intended deployment (--model) "
  "denies it: lateral movement is possible along a path the design closed.",
  "Restore the NSG rules of the deployment; the finding carries a deny rule for the pair.", "NS-1");
W(w004, "RMP-WATCH-004", RP_SEV_HIGH, "Port scan or host sweep",
  "One source contacted more distinct ports (scan) or more distinct hosts on one port (sweep) "
  "than the threshold within the window: reconnaissance, or a compromised host looking for its "
  "next target. Counted with bounded-memory sketches (HyperLogLog) on the logs' own "
  "timestamps; defaults follow Microsoft Sentinel's published rules (more than 50 ports per "
  "source in 5 minutes, more than 20 hosts on one port in 1 hour).",
  "Block the source (the finding carries an NSG deny rule); if the source is one of your own "
  "hosts, isolate and investigate it.",
  "LT-1, NS-1");
W(w005, "RMP-WATCH-005", RP_SEV_MEDIUM, "New external peer for a server that had none",
  "A server that exchanged no traffic with the Internet during the baseline period now does: "
  "typical of command-and-control, data exfiltration or a new unreviewed dependency. The "
  "baseline is a rotating Bloom filter (two generations) on the logs' timestamps.",
  "Confirm the dependency or block it (the finding carries an outbound NSG deny rule) and look "
  "for the process that opened the connection.",
  "LT-1, NS-1");
W(w006, "RMP-WATCH-006", RP_SEV_MEDIUM, "Traffic spike against the baseline",
  "A server's traffic in one interval exceeded its EWMA baseline by more than k standard "
  "deviations and an absolute floor: exfiltration, abuse or a denial of service.",
  "Identify the peer and the process (the evidence names the largest flow); block the peer if "
  "the traffic is not expected.",
  "LT-1");
W(w010, "RMP-WATCH-010", RP_SEV_CRITICAL,
  "NSG rule opened to the Internet on a sensitive port (activity log)",
  "An Activity Log write created or changed a security rule that allows inbound traffic from "
  "any address (*, Internet, 0.0.0.0/0) to a management or database port: a defence layer was "
  "weakened at run time, outside the reviewed deployment.",
  "Revert the rule (the finding carries the az command) and find out who changed it and why "
  "(caller and correlation ID in the finding).",
  "NS-1, LT-3");
W(w011, "RMP-WATCH-011", RP_SEV_HIGH, "Trusted Launch, Secure Boot or vTPM turned off",
  "A VM or scale set write set securityType to Standard or turned Secure Boot or the vTPM off: "
  "boot integrity can no longer be enforced or attested.",
  "Turn them back on (az vm update --security-type TrustedLaunch --enable-secure-boot true "
  "--enable-vtpm true; the VM must be deallocated).",
  "PV-3");
W(w012, "RMP-WATCH-012", RP_SEV_HIGH,
  "Encryption or public access weakened (encryption at host, HTTPS-only, TLS, public access)",
  "A write turned encryption at host off, allowed plain HTTP or TLS below 1.2 on a storage "
  "account, allowed anonymous blob access, or opened a disk to public network access.",
  "Restore the setting (the finding carries the az command).", "DP-3, DP-4, NS-2");
W(w013, "RMP-WATCH-013", RP_SEV_HIGH, "Diagnostic settings or flow logs deleted or disabled",
  "Deleting diagnostic settings or a flow log, or disabling a flow log, blinds monitoring: the "
  "activity that follows is not recorded.",
  "Recreate the diagnostic setting or flow log from the deployment and restrict who may delete "
  "them (the finding names the caller).",
  "LT-3, LT-4");
W(w014, "RMP-WATCH-014", RP_SEV_HIGH, "Defender for Cloud plan downgraded",
  "A Microsoft.Security/pricings write set a Defender plan to the Free tier: threat detection "
  "for that resource type stops.",
  "Set the plan back to Standard (az security pricing create -n PLAN --tier standard).", "LT-1");

const rp_rule *const rp_watch_rules[] = {
	&w001, &w002, &w003, &w004, &w005, &w006, &w010, &w011, &w012, &w013, &w014,
};
const size_t rp_watch_nrules = sizeof(rp_watch_rules) / sizeof(rp_watch_rules[0]);

const rp_rule *rp_watch_rule(const char *id)
{
	size_t i;

	for (i = 0; i < rp_watch_nrules; i++)
		if (strlen(id) == strlen(rp_watch_rules[i]->id) &&
		    rp_str_ieq(id, rp_watch_rules[i]->id, strlen(id)))
			return rp_watch_rules[i];
	return NULL;
}
