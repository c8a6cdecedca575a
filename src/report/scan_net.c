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

/* Strings of one file's exposures: copies in the report's arena, shared
 * (rp_report_intern), and the texts of the frozen address and port sets
 * by the set's address (the topology shares one set between many
 * exposures, and keeps it until it is freed). */
typedef struct xtext {
	const void *set;
	const char *text;
} xtext;

typedef struct xstate {
	rp_report *rep;
	bool fail;
	xtext *t;
	size_t n, cap; /* cap: a power of two, or 0 */
	rp_buf b;
	const rp_net_ipc *last; /* the ipConfiguration of `pos` */
	const char *file;
	uint32_t line, column;
	const char *names[4]; /* owner type and name, NIC, ipConfiguration */
} xstate;

static const char *keep(xstate *st, const char *s)
{
	return rp_report_intern(st->rep, s, &st->fail);
}

static xtext *text_slot(xstate *st, const void *set)
{
	uintptr_t at = (uintptr_t)set;
	size_t i;

	if (2 * (st->n + 1) > st->cap) {
		size_t nc = st->cap ? 2 * st->cap : 64, k;
		xtext *nt = calloc(nc, sizeof(*nt));
		if (!nt)
			return NULL;
		for (k = 0; k < st->cap; k++) {
			if (!st->t[k].set)
				continue;
			at = (uintptr_t)st->t[k].set;
			for (i = (size_t)((at >> 4) ^ (at >> 17)) & (nc - 1); nt[i].set;
			     i = (i + 1) & (nc - 1))
				;
			nt[i] = st->t[k];
		}
		free(st->t);
		st->t = nt;
		st->cap = nc;
		at = (uintptr_t)set;
	}
	for (i = (size_t)((at >> 4) ^ (at >> 17)) & (st->cap - 1); st->t[i].set;
	     i = (i + 1) & (st->cap - 1))
		if (st->t[i].set == set)
			return &st->t[i];
	st->t[i].set = set;
	st->t[i].text = NULL;
	st->n++;
	return &st->t[i];
}

static int hop_in(xstate *st, const rp_net_hop *h, const char *level, rp_report_hop *out)
{
	uint32_t line = 0, col = 0;

	memset(out, 0, sizeof(*out));
	out->level = level;
	out->nsg = h->nsg ? (h->nsg->name ? keep(st, h->nsg->name) : "NSG") : NULL;
	out->rule = keep(st, rule_name(h));
	out->verdict = rp_net_verdict_name((rp_net_verdict)h->verdict);
	if (h->rule && !h->rule->is_default && h->rule->span.src) {
		if (rp_source_linecol(h->rule->span.src, h->rule->span.off, &line, &col) < 0)
			return -RP_ENOMEM;
		out->file = keep(st, h->rule->span.src->name);
		out->line = line;
	}
	return st->fail ? -RP_ENOMEM : 0;
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

/* The report's text of e's source addresses (cut after SRC_TEXT_MAX
 * bytes at a prefix boundary, ", ..." appended). */
static const char *source_text(xstate *st, const rp_net_exposure *e)
{
	rp_buf *b = &st->b;
	xtext *x;
	int rc;

	if (e->whole_source && !e->source_subnet)
		return "Internet";
	if (!(x = text_slot(st, e->remote)))
		return NULL;
	if (x->text)
		return x->text;
	b->len = 0;
	if ((rc = format_sources(b, e->remote)) < 0)
		return NULL;
	if (b->len > SRC_TEXT_MAX) {
		size_t k = SRC_TEXT_MAX;
		while (k > 0 && b->data[k] != ',')
			k--;
		b->len = k;
		if (rp_buf_puts(b, ", ...") < 0)
			return NULL;
	}
	if (rp_buf_putc(b, '\0') < 0)
		return NULL;
	x->text = keep(st, b->data);
	return x->text;
}

static const char *ports_text(xstate *st, const rp_net_pset *ports)
{
	rp_buf *b = &st->b;
	xtext *x = text_slot(st, ports);

	if (!x)
		return NULL;
	if (x->text)
		return x->text;
	b->len = 0;
	if (rp_net_pset_format(b, ports) < 0 || rp_buf_putc(b, '\0') < 0)
		return NULL;
	x->text = keep(st, b->data);
	return x->text;
}

/* Position and names of xi (the same for each of its exposures). */
static int ipc_in(xstate *st, const rp_net_ipc *xi)
{
	const rp_mobj *ic = xi->ipconfig;

	if (st->last == xi)
		return 0;
	st->file = NULL;
	st->line = st->column = 0;
	if (ic->span.src) {
		if (rp_source_linecol(ic->span.src, ic->span.off, &st->line, &st->column) < 0)
			return -RP_ENOMEM;
		st->file = keep(st, ic->span.src->name);
	}
	st->names[0] = keep(st, xi->owner->type);
	st->names[1] = keep(st, xi->owner->name ? xi->owner->name : "");
	st->names[2] = keep(st, xi->nic->name ? xi->nic->name : "");
	st->names[3] = keep(st, ic->name ? ic->name : "");
	if (st->fail)
		return -RP_ENOMEM;
	st->last = xi;
	return 0;
}

static int add_one(xstate *st, const rp_net_ipc *xi, const rp_net_exposure *e)
{
	rp_report_exposure x;
	int rc;

	if ((rc = ipc_in(st, xi)) < 0)
		return rc;
	memset(&x, 0, sizeof(x));
	x.file = st->file;
	x.line = st->line;
	x.column = st->column;
	x.resource_type = st->names[0];
	x.resource_name = st->names[1];
	x.nic = st->names[2];
	x.ip_configuration = st->names[3];
	x.source = e->source_subnet ? keep(st, rp_net_exposure_source(e)) : "Internet";
	x.whole_source = e->whole_source;
	x.protocol = rp_net_proto_name(e->proto);
	x.public_endpoint = e->endpoint ? keep(st, e->endpoint->label) : NULL;
	x.endpoint_kind =
		e->endpoint ? rp_net_ep_kind_name((rp_net_ep_kind)e->endpoint->kind) : NULL;
	x.verdict = rp_net_verdict_name((rp_net_verdict)e->verdict);
	x.reason = keep(st, e->reason);
	if (st->fail)
		return -RP_ENOMEM;
	if ((rc = hop_in(st, &e->hop[0], "subnet", &x.hops[0])) < 0 ||
	    (rc = hop_in(st, &e->hop[1], "nic", &x.hops[1])) < 0)
		return rc;
	x.source_addresses = source_text(st, e);
	x.ports = x.source_addresses ? ports_text(st, e->ports) : NULL;
	if (!x.ports || st->fail)
		return -RP_ENOMEM;
	return rpt_add_exposure_owned(st->rep, &x);
}

int rpt_scan_net(const rp_model *m, rp_report *rep, rp_diag *diag, rp_net_topo **out)
{
	rp_net_topo *t = NULL;
	const rp_net_exposure *e;
	const rp_net_ipc *xi = NULL;
	rp_net_exp_iter xit;
	xstate st;
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
	memset(&st, 0, sizeof(st));
	st.rep = rep;
	st.b = (rp_buf)RP_BUF_INIT;
	while (rc == 0 && (e = rp_net_exp_next(&xit, &xi)) != NULL)
		rc = add_one(&st, xi, e);
	free(st.t);
	rp_buf_release(&st.b);
	if (rc < 0) {
		rp_net_topo_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
