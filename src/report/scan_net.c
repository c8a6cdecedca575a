/* scan_net.c: the network part of a scan: the model's topology (src/net),
 * its exposures copied into the report, rule-parse problems as warnings. */
#include "net/topology.h"
#include "report/internal.h"
#include "report/scan_net.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* Longest source-address text kept in a report (a partial Internet set can
 * be hundreds of prefixes). */
#define SRC_TEXT_MAX 240

static const char *rule_name(const rp_net_hop *h)
{
	const char *n, *s;
	size_t k;

	if (!h->rule || !h->rule->name)
		return NULL;
	n = h->rule->name;
	s = h->nsg && h->nsg->name ? h->nsg->name : NULL;
	k = s ? strlen(s) : 0;
	/* child resources are named "nsg/rule" */
	if (s && strncmp(n, s, k) == 0 && n[k] == '/')
		return n + k + 1;
	return n;
}

static int hop_in(rp_arena *a, const rp_net_hop *h, const char *level, rp_report_hop *out)
{
	uint32_t line = 0, col = 0;

	memset(out, 0, sizeof(*out));
	out->level = level;
	out->nsg = h->nsg ? (h->nsg->name ? h->nsg->name : "NSG") : NULL;
	out->rule = rule_name(h);
	out->verdict = rp_net_verdict_name((rp_net_verdict)h->verdict);
	if (h->rule && !h->rule->is_default && h->rule->span.src) {
		if (rp_source_linecol(h->rule->span.src, h->rule->span.off, &line, &col) < 0)
			return -RP_ENOMEM;
		out->file = h->rule->span.src->name;
		out->line = line;
	}
	(void)a;
	return 0;
}

/* rp_net_aset_format of s, stopped once the text is longer than
 * SRC_TEXT_MAX (the report keeps only that much): the same first
 * SRC_TEXT_MAX + 1 bytes, without formatting every prefix of a big set
 * (the Internet minus the private ranges is hundreds of them), nor every
 * prefix of one interval (10.0.0.0 - 255.255.255.255 alone is dozens). */
static int format_sources(rp_buf *b, const rp_net_aset *s)
{
	size_t i;
	int rc = 0;

	if (s->n == 0 || rp_net_aset_is_all(s))
		return rp_net_aset_format(b, s);
	for (i = 0; i < s->n && rc == 0 && b->len <= SRC_TEXT_MAX; i++) {
		if (i > 0)
			rc = rp_buf_puts(b, ", ");
		if (rc == 0)
			rc = rp_net_ival_format_max(b, &s->v[i], SRC_TEXT_MAX);
	}
	return rc;
}

static int add_one(rp_report *rep, rp_arena *a, const rp_net_ipc *xi, const rp_net_exposure *e)
{
	rp_report_exposure x;
	rp_buf b = RP_BUF_INIT;
	const rp_mobj *ic = xi->ipconfig;
	char *src_text = NULL, *ports = NULL;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	if (ic->span.src) {
		uint32_t l = 0, c = 0;
		if (rp_source_linecol(ic->span.src, ic->span.off, &l, &c) < 0)
			return -RP_ENOMEM;
		x.file = ic->span.src->name;
		x.line = l;
		x.column = c;
	}
	x.resource_type = xi->owner->type;
	x.resource_name = xi->owner->name ? xi->owner->name : "";
	x.nic = xi->nic->name ? xi->nic->name : "";
	x.ip_configuration = ic->name ? ic->name : "";
	x.source = rp_net_exposure_source(e);
	x.whole_source = e->whole_source;
	x.protocol = rp_net_proto_name(e->proto);
	x.public_endpoint = e->endpoint ? e->endpoint->label : NULL;
	x.endpoint_kind =
		e->endpoint ? rp_net_ep_kind_name((rp_net_ep_kind)e->endpoint->kind) : NULL;
	x.verdict = rp_net_verdict_name((rp_net_verdict)e->verdict);
	x.reason = e->reason;
	if ((rc = hop_in(a, &e->hop[0], "subnet", &x.hops[0])) < 0 ||
	    (rc = hop_in(a, &e->hop[1], "nic", &x.hops[1])) < 0)
		goto out;
	if (e->whole_source && !e->source_subnet) {
		x.source_addresses = "Internet";
	} else {
		if ((rc = format_sources(&b, e->remote)) < 0)
			goto out;
		if (b.len > SRC_TEXT_MAX) {
			size_t k = SRC_TEXT_MAX;
			while (k > 0 && b.data[k] != ',')
				k--;
			b.len = k;
			if ((rc = rp_buf_puts(&b, ", ...")) < 0)
				goto out;
		}
		src_text = rp_buf_detach(&b);
		if (!src_text) {
			rc = -RP_ENOMEM;
			goto out;
		}
		x.source_addresses = src_text;
	}
	if ((rc = rp_net_pset_format(&b, e->ports)) < 0)
		goto out;
	ports = rp_buf_detach(&b);
	if (!ports) {
		rc = -RP_ENOMEM;
		goto out;
	}
	x.ports = ports;
	rc = rp_report_add_exposure(rep, &x);
out:
	rp_buf_release(&b);
	free(src_text);
	free(ports);
	return rc;
}

int rpt_scan_net(const rp_model *m, rp_report *rep, rp_diag *diag, rp_net_topo **out)
{
	rp_net_topo *t = NULL;
	const rp_net_exposure *e;
	const rp_net_ipc *xi = NULL;
	rp_net_exp_iter xit;
	rp_diag nd;
	size_t n = 0, i;
	int rc;

	*out = NULL;
	rp_diag_init(&nd);
	rc = rp_net_topo_build(m, &nd, &t);
	/* Problems in security rules: warnings (Azure would reject the rule;
	 * the analysis treats the part as unknown). */
	for (i = 0; i < nd.count && diag; i++) {
		const rp_diag_item *it = &nd.items[i];
		rp_diag_addc(diag, it->level > RP_DIAG_WARNING ? RP_DIAG_WARNING : it->level,
			     it->code, it->src, it->start, it->end, "%s", it->message);
	}
	rp_diag_release(&nd);
	if (rc < 0)
		return rc;
	rc = rp_net_topo_exposures(t, &n);
	if (rc == 0)
		rp_net_exp_first(&xit, t, 0, t->nipcs);
	while (rc == 0 && (e = rp_net_exp_next(&xit, &xi)) != NULL)
		rc = add_one(rep, t->arena, xi, e);
	if (rc < 0) {
		rp_net_topo_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
