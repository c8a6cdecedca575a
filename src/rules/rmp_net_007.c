/* rmp_net_007.c: RMP-NET-007 management ports (22, 3389, 5985, 5986)
 * open east-west from the whole VirtualNetwork (every address of the
 * VNet and its peerings reaches them; the default rule AllowVnetInBound
 * does this unless a rule denies it). */
#include "net/topology.h"
#include "rules/check.h"
#include "rules/checks.h"
#include "util/buf.h"
#include "util/error.h"

RP_CHECK(rp_check_net_007)
{
	rp_net_topo *t = rp_rule_net(ctx);
	rp_buf fail = RP_BUF_INIT, unk = RP_BUF_INIT;
	const rp_net_ipc *ff = NULL, *fu = NULL;
	const char *why = NULL;
	const size_t *mine = NULL;
	size_t i, k, nmine = 0;
	int rc = 0;

	if (!t)
		return -RP_ENOMEM;
	if ((rc = rp_rule_net_ipcs(ctx, obj, &mine, &nmine)) < 0)
		return rc;
	for (i = 0; i < nmine && rc == 0; i++) {
		const rp_net_ipc *x = &t->ipcs[mine[i]];
		for (k = 0; k < rp_net_nmgmt_ports && rc == 0; k++) {
			rp_net_query q = { 0 };
			rp_net_answer a;
			q.dir = RP_NET_IN;
			q.proto = RP_NET_TCP;
			q.port = rp_net_mgmt_ports[k];
			q.remote_tag = "VirtualNetwork";
			if ((rc = rp_net_topo_query(t, x, &q, &a)) < 0)
				break;
			if (!x->env->c_vnet.yes.n && a.verdict != RP_NET_DENY) {
				a.verdict = RP_NET_UNKNOWN;
				a.reason = "the virtual network's address space is not known";
			}
			if (a.verdict == RP_NET_ALLOW && !a.partial) {
				ff = ff ? ff : x;
				rc = rp_buf_printf(&fail, "%s%u [", fail.len ? "; " : "", q.port);
				if (rc == 0)
					rc = rp_net_hop_format(&fail, &a.hop[0]);
				if (rc == 0)
					rc = rp_buf_puts(&fail, "; ");
				if (rc == 0)
					rc = rp_net_hop_format(&fail, &a.hop[1]);
				if (rc == 0)
					rc = rp_buf_putc(&fail, ']');
			} else if (a.verdict == RP_NET_UNKNOWN) {
				fu = fu ? fu : x;
				why = why ? why : a.reason;
				rc = rp_buf_printf(&unk, "%s%u", unk.len ? ", " : "", q.port);
			}
		}
	}
	if (rc < 0)
		goto out;
	if (nmine == 0)
		rc = rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, NULL, "", NULL,
				    "no network interface in the model");
	else if (ff)
		rc = rp_rule_report(ctx, obj, RP_STATUS_FAIL, ff->ipconfig->body, "", NULL,
				    "management ports open to the whole VirtualNetwork: Tcp %s",
				    fail.data);
	else if (fu)
		rc = rp_rule_report(
			ctx, obj, RP_STATUS_UNKNOWN, fu->ipconfig->body, "",
			why ? why : "not known",
			"management ports may be open to the whole VirtualNetwork: Tcp %s",
			unk.data);
	else
		rc = rp_rule_report(ctx, obj, RP_STATUS_PASS, NULL, "", NULL,
				    "management ports are not open to the whole VirtualNetwork");
out:
	rp_buf_release(&fail);
	rp_buf_release(&unk);
	return rc;
}
