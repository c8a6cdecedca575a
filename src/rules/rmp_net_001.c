/* rmp_net_001.c: RMP-NET-001 management port (22, 3389, 5985, 5986)
 * reachable from the Internet; and the shared check of RMP-NET-001..004
 * over the exposures of the network analysis (src/net/topology.h). */
#include "net/topology.h"
#include "rules/check.h"
#include "rules/checks.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/str.h"

#include <string.h>

const uint32_t rp_net_mgmt_ports[] = { 22, 3389, 5985, 5986 };
const size_t rp_net_nmgmt_ports = sizeof(rp_net_mgmt_ports) / sizeof(rp_net_mgmt_ports[0]);
const uint32_t rp_net_db_ports[] = { 1433, 3306, 5432, 6379, 27017, 9200, 11211 };
const size_t rp_net_ndb_ports = sizeof(rp_net_db_ports) / sizeof(rp_net_db_ports[0]);

/* Appends ", " (unless b is empty), lo, and "-hi" when hi differs: the
 * digits without printf (tens of thousands of port lists in a corpus). */
static int put_ports(rp_buf *b, uint32_t lo, uint32_t hi)
{
	char t[2 + 2 * RP_FMT_DEC_MAX + 1], d[RP_FMT_DEC_MAX];
	size_t n = 0, i;

	if (b->len) {
		t[n++] = ',';
		t[n++] = ' ';
	}
	i = rp_fmt_dec(d, lo, false);
	memcpy(t + n, d + i, sizeof(d) - i);
	n += sizeof(d) - i;
	if (hi != lo) {
		t[n++] = '-';
		i = rp_fmt_dec(d, hi, false);
		memcpy(t + n, d + i, sizeof(d) - i);
		n += sizeof(d) - i;
	}
	return rp_buf_append(b, t, n);
}

/* The ports of e that concern the mode, appended to b ("" when none). */
static int concerned(const rp_net_exposure *e, rp_net_port_mode mode, const uint32_t *ports,
		     size_t nports, rp_buf *b)
{
	size_t i;
	int rc = 0;

	if (e->proto != RP_NET_TCP && e->proto != RP_NET_UDP)
		return 0; /* portless protocols carry no service port */
	if (mode == RP_NET_PORTS_LISTED) {
		for (i = 0; i < nports && rc == 0; i++)
			if (rp_net_pset_contains(e->ports, ports[i]))
				rc = put_ports(b, ports[i], ports[i]);
		return rc;
	}
	if (mode == RP_NET_PORTS_ALL)
		return rp_net_pset_is_all(e->ports) ? rp_buf_puts(b, "every port") : 0;
	/* other ports: everything but the management and database ports; web
	 * ports published through a load balancer are expected (info).  The
	 * runs of e's ranges between the excluded ports, by walking the
	 * (sorted) excluded ports rather than every port of a range. */
	{
		uint32_t ex[16];
		size_t nex = 0, k, j;
		for (k = 0; k < rp_net_nmgmt_ports && nex < 16; k++)
			ex[nex++] = rp_net_mgmt_ports[k];
		for (k = 0; k < rp_net_ndb_ports && nex < 16; k++)
			ex[nex++] = rp_net_db_ports[k];
		if (e->endpoint && e->endpoint->kind == RP_NET_EP_LB_RULE && nex + 2 <= 16) {
			ex[nex++] = 80;
			ex[nex++] = 443;
		}
		for (k = 1; k < nex; k++) /* insertion sort: a dozen ports */
			for (j = k; j > 0 && ex[j - 1] > ex[j]; j--) {
				uint32_t t = ex[j];
				ex[j] = ex[j - 1];
				ex[j - 1] = t;
			}
		for (i = 0; i < e->ports->n && rc == 0; i++) {
			uint32_t lo = e->ports->v[i].lo, hi = e->ports->v[i].hi, cur = lo;
			bool done = false;
			for (k = 0; k <= nex && rc == 0 && !done; k++) {
				uint32_t end;
				if (k < nex && (ex[k] < cur || ex[k] > hi))
					continue;
				if (k == nex) {
					end = hi; /* the rest of the range */
					done = true;
				} else if (ex[k] == cur) {
					if (cur == hi)
						done = true;
					else
						cur++;
					continue;
				} else {
					end = ex[k] - 1;
				}
				rc = put_ports(b, cur, end);
				if (k < nex) {
					if (ex[k] == hi)
						done = true;
					else
						cur = ex[k] + 1;
				}
			}
		}
	}
	return rc;
}

static int hop_text(rp_buf *b, const rp_net_exposure *e)
{
	int rc = rp_buf_puts(b, " [subnet: ");

	if (rc == 0)
		rc = rp_net_hop_format(b, &e->hop[0]);
	if (rc == 0)
		rc = rp_buf_puts(b, "; NIC: ");
	if (rc == 0)
		rc = rp_net_hop_format(b, &e->hop[1]);
	if (rc == 0)
		rc = rp_buf_putc(b, ']');
	return rc;
}

int rp_check_net_internet(rp_rule_ctx *ctx, const rp_mobj *obj, rp_net_port_mode mode,
			  const uint32_t *ports, size_t nports, const char *what)
{
	rp_net_topo *t = rp_rule_net(ctx);
	const rp_net_exposure *e, *first_fail = NULL, *first_unk = NULL;
	const rp_net_ipc *xi = NULL, *fail_ipc = NULL, *unk_ipc = NULL;
	rp_buf fail = RP_BUF_INIT, unk = RP_BUF_INIT, one = RP_BUF_INIT;
	const size_t *ipcs = NULL;
	rp_net_exp_iter it;
	size_t n = 0, j, nmine = 0;
	int rc;

	if (!t)
		return -RP_ENOMEM;
	if ((rc = rp_net_topo_exposures(t, &n)) < 0)
		return rc;
	/* the exposures reported on obj (the VM or scale set, a NIC only when
	 * no VM owns it): those of its ipConfigurations */
	if ((rc = rp_rule_net_ipcs(ctx, obj, &ipcs, &nmine)) < 0)
		return rc;
	if (nmine == 0) {
		rc = rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, NULL, "", NULL,
				    obj->kind == RP_MK_NIC ? "NIC attached to a VM (checked there)"
							   : "no network interface in the model");
		goto out;
	}
	for (j = 0; j < nmine && rc == 0; j++) {
		rp_net_exp_first(&it, t, ipcs[j], ipcs[j] + 1);
		while (rc == 0 && (e = rp_net_exp_next(&it, &xi)) != NULL) {
			rp_buf *dst;
			if (xi->owner != obj || !e->endpoint)
				continue;
			/* only exposures that can fail or be unknown are worth
			 * their port list (allowed from part of the Internet
			 * only, or denied: nothing to report) */
			if (!(e->verdict == RP_NET_ALLOW && e->whole_source) &&
			    e->verdict != RP_NET_UNKNOWN)
				continue;
			one.len = 0;
			if ((rc = concerned(e, mode, ports, nports, &one)) < 0 || one.len == 0)
				continue;
			if (e->verdict == RP_NET_ALLOW && e->whole_source) {
				dst = &fail;
				if (!first_fail) {
					first_fail = e;
					fail_ipc = xi;
				}
			} else if (e->verdict == RP_NET_UNKNOWN) {
				dst = &unk;
				if (!first_unk) {
					first_unk = e;
					unk_ipc = xi;
				}
			} else {
				continue; /* allowed from part of the Internet only */
			}
			if (dst->len)
				rc = rp_buf_puts(dst, "; ");
			/* "%s %.*s via %s" without printf */
			if (rc == 0)
				rc = rp_buf_puts(dst, rp_net_proto_name(e->proto));
			if (rc == 0)
				rc = rp_buf_putc(dst, ' ');
			if (rc == 0)
				rc = rp_buf_append(dst, one.data, one.len);
			if (rc == 0)
				rc = rp_buf_puts(dst, " via ");
			if (rc == 0)
				rc = rp_buf_puts(dst, e->endpoint->label ? e->endpoint->label
									 : "(null)");
			if (rc == 0)
				rc = hop_text(dst, e);
		}
	}
	if (rc < 0)
		goto out;
	if (first_fail)
		rc = rp_rule_report(ctx, obj, RP_STATUS_FAIL, fail_ipc->ipconfig->body, "", NULL,
				    "%s reachable from the Internet: %s", what, fail.data);
	else if (first_unk)
		rc = rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, unk_ipc->ipconfig->body, "",
				    first_unk->reason ? first_unk->reason : "not known",
				    "%s may be reachable from the Internet: %s", what, unk.data);
	else
		rc = rp_rule_report(ctx, obj, RP_STATUS_PASS, NULL, "", NULL,
				    "no %s reachable from the whole Internet", what);
out:
	rp_buf_release(&fail);
	rp_buf_release(&unk);
	rp_buf_release(&one);
	return rc;
}

RP_CHECK(rp_check_net_001)
{
	return rp_check_net_internet(ctx, obj, RP_NET_PORTS_LISTED, rp_net_mgmt_ports,
				     rp_net_nmgmt_ports, "management port");
}
