/* test-parity.c: the same deployments (a Linux VM behind an NSG with
 * SSH open to the Internet, a public IP, a VNet/subnet, a storage account
 * and a Key Vault) written three ways -- an ARM template (deploy.arm.json),
 * a Terraform plan as `terraform show -json` prints it with a child module
 * (deploy.tfplan.json) and a live export in the ARM REST shape
 * (deploy.export.json) -- must give the same model and the same findings
 * (issue #7).  Compared: model objects (kind, type, full name), resolved
 * links (kind, from, to), and rule results (rule ID, status, object type
 * and name).  One asymmetry is inherent and mapped, not hidden: an export
 * lists the OS disk Azure created for a VM as a Microsoft.Compute/disks
 * resource (managedBy = the VM), which a template or plan describes only
 * inside the VM; that disk is left out of the object and link lists and
 * its findings count as findings on its VM.
 *
 * Exposures (src/net topology): the second deployment (exposure.*.json: a
 * VNet with two subnets and their NSGs (inline rules, a Terraform
 * azurerm_network_security_rule / ARM child rule with a destination ASG),
 * an NSG on a NIC, an ASG membership, a Standard public load balancer in a
 * child module with a load-balancing rule and an inbound NAT rule, pool and
 * NAT rule associations, a Basic public IP) and the first are compared on
 * every Internet and east-west exposure: owner, NIC, ipConfiguration,
 * source and its addresses, protocol, ports, public endpoint, verdict and
 * the deciding rule of each NSG hop.  Every difference is printed; the
 * test fails on any.  Prints a final line "N passed, N failed" (one check
 * per comparison). */
#include "ingest/arm/arm.h"
#include "ingest/export/export.h"
#include "ingest/resource.h"
#include "ingest/tfplan/tfplan.h"
#include "model/model.h"
#include "net/addr.h"
#include "net/topology.h"
#include "rules/rule.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 4096

typedef struct lines {
	char *v[MAX_LINES];
	size_t n;
} lines;

static int add_line(lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add_line(lines *l, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (l->n == MAX_LINES)
		return -1;
	l->v[l->n] = strdup(buf);
	return l->v[l->n++] ? 0 : -1;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void finish(lines *l)
{
	size_t i, j = 0;

	qsort(l->v, l->n, sizeof(l->v[0]), cmp);
	for (i = 0; i < l->n; i++) {
		if (j && strcmp(l->v[j - 1], l->v[i]) == 0) {
			free(l->v[i]);
			continue;
		}
		l->v[j++] = l->v[i];
	}
	l->n = j;
}

static void release(lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

typedef struct side {
	const char *label;
	rp_deployment *dep;
	rp_model *model;
	rp_findings findings;
	lines objs, links, results, exps;
} side;

static const char *oname(const rp_mobj *o)
{
	return o->name ? o->name : "?";
}

/* A managed disk Azure created for a VM (an export lists it, with
 * managedBy naming the VM; a template or plan only describes it inside the
 * VM's storageProfile): the VM's name, else NULL.  Findings on such a disk
 * are compared as findings on its VM. */
static const char *implicit_disk_owner(const rp_mobj *o)
{
	const rp_value *mb;
	const char *slash;

	if (o->kind != RP_MK_DISK || !o->body)
		return NULL;
	mb = rp_value_getz(o->body, "managedBy");
	if (!rp_value_is(mb, RP_V_STRING) || !strstr(mb->u.s, "/virtualMachines/"))
		return NULL;
	slash = strrchr(mb->u.s, '/');
	return slash ? slash + 1 : NULL;
}

/* A rule's name without its NSG's ("nsg/rule" child resources). */
static const char *rule_name(const rp_net_hop *h)
{
	const char *n, *g;
	size_t k;

	if (!h->rule || !h->rule->name)
		return "-";
	n = h->rule->name;
	g = h->nsg && h->nsg->name ? h->nsg->name : NULL;
	k = g ? strlen(g) : 0;
	if (g && strncmp(n, g, k) == 0 && n[k] == '/')
		return n + k + 1;
	return n;
}

/* One line per exposure: everything but positions. */
static int exposures(side *s)
{
	rp_net_topo *t = NULL;
	const rp_net_exposure *e;
	const rp_net_ipc *xi = NULL;
	rp_net_exp_iter it;
	size_t n = 0;
	int rc;

	rc = rp_net_topo_build(s->model, NULL, &t);
	if (rc == 0)
		rc = rp_net_topo_exposures(t, &n);
	if (rc == 0)
		rp_net_exp_first(&it, t, 0, t->nipcs);
	while (rc == 0 && (e = rp_net_exp_next(&it, &xi)) != NULL) {
		rp_buf src = RP_BUF_INIT, ports = RP_BUF_INIT;
		if (rp_net_aset_format(&src, e->remote) < 0 ||
		    rp_net_pset_format(&ports, e->ports) < 0 || rp_buf_putc(&src, '\0') < 0 ||
		    rp_buf_putc(&ports, '\0') < 0)
			rc = -1;
		else
			rc = add_line(
				&s->exps,
				"%s %s nic=%s ipc=%s from=%s [%s%s] %s ports=%s via=%s %s "
				"subnet=%s/%s:%s nic=%s/%s:%s%s%s",
				xi->owner->type, oname(xi->owner), oname(xi->nic),
				oname(xi->ipconfig), rp_net_exposure_source(e), src.data,
				e->whole_source ? ", all" : "", rp_net_proto_name(e->proto),
				ports.data, e->endpoint ? e->endpoint->label : "east-west",
				rp_net_verdict_name((rp_net_verdict)e->verdict),
				e->hop[0].nsg ? e->hop[0].nsg->name : "none", rule_name(&e->hop[0]),
				rp_net_verdict_name((rp_net_verdict)e->hop[0].verdict),
				e->hop[1].nsg ? e->hop[1].nsg->name : "none", rule_name(&e->hop[1]),
				rp_net_verdict_name((rp_net_verdict)e->hop[1].verdict),
				e->reason ? " because " : "", e->reason ? e->reason : "");
		rp_buf_release(&src);
		rp_buf_release(&ports);
	}
	rp_net_topo_free(t);
	return rc < 0 ? -1 : 0;
}

static int analyse(side *s, rp_diag *diag)
{
	const rp_deployment *deps[1] = { s->dep };
	rp_rule_filter flt;
	size_t i, j;

	if (rp_model_build(deps, 1, &s->model, diag) < 0)
		return -1;
	for (i = 0; i < s->model->nobjs; i++) {
		const rp_mobj *o = s->model->objs[i];
		if (implicit_disk_owner(o))
			continue;
		add_line(&s->objs, "%s %s %s", rp_mkind_name(o->kind), o->type, oname(o));
		for (j = 0; j < o->nlinks; j++) {
			const rp_mlink *k = o->links[j];
			if (k->state == RP_LINK_RESOLVED && !implicit_disk_owner(k->target))
				add_line(&s->links, "%s %s -> %s %s", oname(o),
					 rp_link_kind_name(k->kind), k->target->type,
					 oname(k->target));
		}
	}
	if (rp_findings_init(&s->findings) < 0)
		return -1;
	memset(&flt, 0, sizeof(flt));
	flt.include_pass = true;
	if (rp_rules_run(s->model, &flt, &s->findings) < 0)
		return -1;
	for (i = 0; i < s->findings.count; i++) {
		const rp_finding *f = &s->findings.items[i];
		const char *owner = implicit_disk_owner(f->obj);
		if (owner)
			add_line(&s->results, "%s %s %s %s", f->rule->id, rp_status_name(f->status),
				 "Microsoft.Compute/virtualMachines", owner);
		else
			add_line(&s->results, "%s %s %s %s", f->rule->id, rp_status_name(f->status),
				 f->obj->type, oname(f->obj));
	}
	if (exposures(s) < 0)
		return -1;
	finish(&s->objs);
	finish(&s->links);
	finish(&s->results);
	finish(&s->exps);
	return 0;
}

static int passed, failed;

/* a and b must hold the same lines. */
static void compare(const char *what, const side *x, const lines *a, const side *y, const lines *b)
{
	size_t i = 0, j = 0;
	int diffs = 0;

	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i], b->v[j]);
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		diffs++;
		if (c < 0)
			printf("  %s only in %s: %s\n", what, x->label, a->v[i++]);
		else
			printf("  %s only in %s: %s\n", what, y->label, b->v[j++]);
	}
	printf("%s %s: %s (%zu) vs %s (%zu)\n", diffs ? "FAIL" : "ok  ", what, x->label, a->n,
	       y->label, b->n);
	if (diffs)
		failed++;
	else
		passed++;
}

static rp_deployment *load_with(const char *path,
				int (*fn)(rp_source *, rp_deployment *, rp_diag *), rp_diag *diag)
{
	rp_source *src = NULL;
	rp_deployment *d;

	if (rp_source_load(path, 0, &src, diag) < 0)
		return NULL;
	d = rp_deployment_new();
	if (!d) {
		rp_source_free(src);
		return NULL;
	}
	if (fn(src, d, diag) < 0)
		return rp_deployment_free(d);
	return d;
}

/* Loads and compares one deployment written three ways (NAME.arm.json,
 * NAME.tfplan.json, NAME.export.json); min_exps: exposures the ARM form
 * must have at least (something to compare). */
static void one_set(const char *dir, const char *name, size_t min_exps)
{
	char p_arm[2048], p_tf[2048], p_ex[2048];
	side s[3];
	rp_diag diag;
	rp_arm_options opts;
	int i;

	memset(s, 0, sizeof(s));
	rp_diag_init(&diag);
	snprintf(p_arm, sizeof(p_arm), "%s/%s.arm.json", dir, name);
	snprintf(p_tf, sizeof(p_tf), "%s/%s.tfplan.json", dir, name);
	snprintf(p_ex, sizeof(p_ex), "%s/%s.export.json", dir, name);
	s[0].label = "arm";
	s[1].label = "tfplan";
	s[2].label = "export";
	printf("# %s\n", name);
	memset(&opts, 0, sizeof(opts));
	opts.root = dir;
	opts.no_auto_params = true;
	if (rp_arm_evaluate(p_arm, &opts, &s[0].dep, &diag) < 0)
		s[0].dep = rp_deployment_free(s[0].dep);
	s[1].dep = load_with(p_tf, rp_tfplan_load, &diag);
	s[2].dep = load_with(p_ex, rp_export_load, &diag);
	if (diag.nerrors) {
		rp_diag_print(stdout, &diag, false);
		printf("FAIL %s: loading the three inputs\n", name);
		failed++;
		goto out;
	}
	for (i = 0; i < 3; i++)
		if (!s[i].dep || analyse(&s[i], NULL) < 0) {
			printf("FAIL %s %s: load or analysis failed\n", name, s[i].label);
			failed++;
			goto out;
		}
	for (i = 1; i < 3; i++) {
		compare("object", &s[0], &s[0].objs, &s[i], &s[i].objs);
		compare("link", &s[0], &s[0].links, &s[i], &s[i].links);
		compare("result", &s[0], &s[0].results, &s[i], &s[i].results);
		compare("exposure", &s[0], &s[0].exps, &s[i], &s[i].exps);
	}
	/* something to compare at all */
	if (s[0].results.n > 0 && s[0].links.n > 0 && s[0].exps.n >= min_exps)
		passed++;
	else {
		printf("FAIL %s: too little to compare (%zu results, %zu links, %zu exposures)\n",
		       name, s[0].results.n, s[0].links.n, s[0].exps.n);
		failed++;
	}
out:
	for (i = 0; i < 3; i++) {
		release(&s[i].objs);
		release(&s[i].links);
		release(&s[i].results);
		release(&s[i].exps);
		rp_findings_release(&s[i].findings);
		rp_model_free(s[i].model);
		rp_deployment_free(s[i].dep);
	}
	rp_diag_release(&diag);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/parity";

	one_set(dir, "deploy", 1);
	one_set(dir, "exposure", 12);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
