/* test-depth.c: src/depth on small templates evaluated by the real ARM
 * evaluator: the rating algorithm (docs/depth.md), Internet reachability,
 * attack paths (entries, NSG chain, data reached through disks and role
 * assignments), and that depth rates on every rule whatever the filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "depth/depth.h"
#include "ingest/arm/arm.h"
#include "model/model.h"
#include "report/assets.h"
#include "report/report.h"
#include "report/scan.h"
#include "rules/rule.h"

static const char *root;

typedef struct world {
	rp_deployment *dep;
	rp_model *m;
	rp_findings f;
	rp_depth_result d;
} world;

static void load(world *w, const char *rel, const rp_rule_filter *flt)
{
	char path[4096];
	rp_arm_options o;
	rp_diag diag;

	memset(w, 0, sizeof(*w));
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	memset(&o, 0, sizeof(o));
	rp_diag_init(&diag);
	assert_int_equal(rp_arm_evaluate(path, &o, &w->dep, &diag), 0);
	assert_int_equal(rp_model_build((const rp_deployment *const *)&w->dep, 1, &w->m, &diag), 0);
	assert_int_equal(rp_findings_init(&w->f), 0);
	assert_int_equal(rp_depth_run(w->m, flt, &w->f, &w->d), 0);
	rp_diag_release(&diag);
}

static void unload(world *w)
{
	rp_depth_release(&w->d);
	rp_findings_release(&w->f);
	rp_model_free(w->m);
	rp_deployment_free(w->dep);
}

static bool basis_has(const rp_depth_layer *l, const char *rule_id)
{
	size_t i;

	for (i = 0; i < l->nbasis; i++)
		if (strcmp(l->basis[i]->rule->id, rule_id) == 0)
			return true;
	return false;
}

static const rp_finding *finding_of(const world *w, const char *rule_id)
{
	size_t i;

	for (i = 0; i < w->f.count; i++)
		if (strcmp(w->f.items[i].rule->id, rule_id) == 0)
			return &w->f.items[i];
	return NULL;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(rp_depth_rating_name(RP_DEPTH_HOLDS), "holds");
	assert_string_equal(rp_depth_rating_name(RP_DEPTH_BROKEN), "broken");
	assert_string_equal(rp_depth_node_name(RP_DN_KEYVAULT), "key-vault");
	assert_string_equal(rp_depth_state_name(RP_DS_RESTRICTED), "restricted");
}

/* A weak VM with a Basic public IP and no NSG: reachable, broken layers
 * name their rules, the path goes Internet -> IP -> subnet -> NIC -> VM ->
 * disk, and RMP-DEPTH-001 fails. */
static void test_weak_exposed(void **state)
{
	world w;
	const rp_depth_asset *a;
	const rp_depth_path *p;
	static const rp_depth_node kinds[] = { RP_DN_INTERNET, RP_DN_PUBLIC_IP, RP_DN_SUBNET,
					       RP_DN_NIC,      RP_DN_ASSET,     RP_DN_DISK };
	size_t i;

	(void)state;
	load(&w, "tests/rules/RMP-DEPTH-001/fail/weak-basic-pip-no-nsg.json", NULL);
	assert_int_equal(w.d.n, 1);
	a = &w.d.assets[0];
	assert_string_equal(a->name, "vm1");
	assert_int_equal(a->layers[RP_LAYER_BOOT].rating, RP_DEPTH_BROKEN);
	assert_true(basis_has(&a->layers[RP_LAYER_BOOT], "RMP-BOOT-001"));
	assert_int_equal(a->layers[RP_LAYER_HOST].rating, RP_DEPTH_BROKEN);
	assert_true(basis_has(&a->layers[RP_LAYER_HOST], "RMP-HOST-001"));
	assert_int_equal(a->score, 0);
	assert_int_equal(a->internet, 1);
	assert_true(a->npaths >= 2);
	p = &a->paths[0];
	assert_true(p->weakest && p->from_internet);
	assert_int_equal(p->nhops, 6);
	assert_int_equal(p->nentry, 5);
	for (i = 0; i < 6; i++)
		assert_int_equal(p->hops[i].kind, kinds[i]);
	assert_int_equal(p->hops[2].state, RP_DS_OPEN); /* no NSG at the subnet */
	assert_int_equal(p->hops[3].state, RP_DS_OPEN); /* nor at the NIC */
	assert_false(a->paths[1].from_internet);
	assert_non_null(finding_of(&w, "RMP-DEPTH-001"));
	assert_int_equal(finding_of(&w, "RMP-DEPTH-001")->status, RP_STATUS_FAIL);
	assert_non_null(strstr(w.d.facts[0].layers, "BOOT broken, HOST broken, NET "));
	assert_non_null(strstr(w.d.facts[0].path, "Internet -> pip [open]"));
	unload(&w);
}

/* The strong twin: four layers hold; RMP-DEPTH-001 passes. */
static void test_strong_exposed(void **state)
{
	world w;
	const rp_depth_asset *a;
	unsigned l;

	(void)state;
	load(&w, "tests/rules/RMP-DEPTH-001/pass/strong-basic-pip.json", NULL);
	a = &w.d.assets[0];
	for (l = 0; l < RP_DEPTH_NLAYERS; l++)
		if (l != RP_LAYER_NET)
			assert_int_equal(a->layers[l].rating, RP_DEPTH_HOLDS);
	assert_true(a->score >= 4);
	assert_true(a->layers[RP_LAYER_BOOT].nbasis >= 3); /* the passes behind it */
	assert_int_equal(a->internet, 1);
	assert_int_equal(finding_of(&w, "RMP-DEPTH-001")->status, RP_STATUS_PASS);
	unload(&w);
}

/* Standard public IP, no NSG: closed (azure-facts 2.5), not applicable. */
static void test_standard_closed(void **state)
{
	world w;

	(void)state;
	load(&w, "tests/rules/RMP-DEPTH-001/not-applicable/weak-standard-pip-no-nsg.json", NULL);
	assert_int_equal(w.d.assets[0].internet, 0);
	assert_int_equal(finding_of(&w, "RMP-DEPTH-001")->status, RP_STATUS_NOT_APPLICABLE);
	unload(&w);
}

/* Unknown properties make layers unknown, never weak; the rule is
 * unknown while the unknown layers could lift the score. */
static void test_unknown_layers(void **state)
{
	world w;
	const rp_depth_asset *a;

	(void)state;
	load(&w, "tests/rules/RMP-DEPTH-001/unknown/layers-from-parameters.json", NULL);
	a = &w.d.assets[0];
	assert_int_equal(a->layers[RP_LAYER_BOOT].rating, RP_DEPTH_UNKNOWN);
	assert_int_equal(a->layers[RP_LAYER_HOST].rating, RP_DEPTH_UNKNOWN);
	assert_true(a->unknown >= 3);
	assert_int_equal(finding_of(&w, "RMP-DEPTH-001")->status, RP_STATUS_UNKNOWN);
	unload(&w);
}

/* Data reached: both disks, the Key Vault the system-assigned identity
 * holds a role on (principalId = reference(vm, ..., 'Full').identity
 * .principalId), the storage account of the user-assigned identity; not
 * the assignment to another principal. */
static void test_identity_roles(void **state)
{
	world w;
	const rp_depth_path *p;
	size_t i, disks = 0, kv = 0, sa = 0;

	(void)state;
	load(&w, "tests/depth/cases/identity-roles.json", NULL);
	assert_int_equal(w.d.n, 1);
	p = &w.d.assets[0].paths[0];
	for (i = p->nentry; i < p->nhops; i++) {
		disks += p->hops[i].kind == RP_DN_DISK;
		if (p->hops[i].kind == RP_DN_KEYVAULT) {
			kv++;
			assert_string_equal(p->hops[i].name, "kv-case");
			assert_int_equal(p->hops[i].state, RP_DS_RESTRICTED);
		}
		if (p->hops[i].kind == RP_DN_STORAGE) {
			sa++;
			assert_string_equal(p->hops[i].name, "sacase");
			assert_int_equal(p->hops[i].state, RP_DS_OPEN); /* TLS 1.0 */
		}
	}
	assert_int_equal(disks, 2);
	assert_int_equal(kv, 1);
	assert_int_equal(sa, 1);
	assert_int_equal(w.d.assets[0].internet, 0);
	unload(&w);
}

/* A scale set behind a public load balancer: one Internet path per rule
 * and NAT pool, one from the neighbours; its NIC configuration once. */
static void test_vmss_lb(void **state)
{
	world w;
	const rp_depth_asset *a;
	size_t i, internet = 0;

	(void)state;
	load(&w, "tests/depth/cases/vmss-lb-nat.json", NULL);
	a = &w.d.assets[0];
	assert_int_equal(a->obj->kind, RP_MK_VMSS);
	assert_int_equal(a->npaths, 3);
	for (i = 0; i < a->npaths; i++) {
		internet += a->paths[i].from_internet;
		if (a->paths[i].from_internet)
			assert_int_equal(a->paths[i].hops[1].kind, RP_DN_LOAD_BALANCER);
	}
	assert_int_equal(internet, 2);
	assert_string_equal(a->subnet, "vnet/app");
	unload(&w);
}

/* Ratings rest on every rule: a filter for one rule changes nothing in
 * them; the caller selects what it reports. */
static void test_filter_independent(void **state)
{
	static const char *const only[] = { "RMP-BOOT-001", NULL };
	rp_rule_filter flt;
	world a, b;
	unsigned l;

	(void)state;
	memset(&flt, 0, sizeof(flt));
	flt.only_ids = only;
	load(&a, "tests/rules/RMP-DEPTH-001/fail/weak-basic-pip-no-nsg.json", NULL);
	load(&b, "tests/rules/RMP-DEPTH-001/fail/weak-basic-pip-no-nsg.json", &flt);
	for (l = 0; l < RP_DEPTH_NLAYERS; l++)
		assert_int_equal(a.d.assets[0].layers[l].rating, b.d.assets[0].layers[l].rating);
	assert_true(rp_rule_filter_selects(&flt, rp_rule_find("RMP-BOOT-001")));
	assert_false(rp_rule_filter_selects(&flt, rp_rule_find("RMP-HOST-001")));
	assert_false(rp_rule_filter_selects(&flt, rp_rule_find("RMP-DEPTH-001")));
	unload(&a);
	unload(&b);
}

/* The threshold (scan --min-depth): the strong VM (4 layers hold) passes
 * at 1 and cannot pass at 5. */
static void test_threshold(void **state)
{
	rp_rule_filter flt;
	world w;

	(void)state;
	memset(&flt, 0, sizeof(flt));
	flt.options.depth_min_holds = 5;
	load(&w, "tests/rules/RMP-DEPTH-001/pass/strong-basic-pip.json", &flt);
	if (w.d.assets[0].score < 5)
		assert_int_not_equal(finding_of(&w, "RMP-DEPTH-001")->status, RP_STATUS_PASS);
	unload(&w);
	flt.options.depth_min_holds = 1;
	load(&w, "tests/rules/RMP-DEPTH-001/pass/strong-basic-pip.json", &flt);
	assert_int_equal(finding_of(&w, "RMP-DEPTH-001")->status, RP_STATUS_PASS);
	unload(&w);
}

/* The HTML writer escapes everything taken from templates: a hostile
 * resource name cannot inject markup or script. */
static void test_html_escapes(void **state)
{
	static const rp_report_rule rule = { "RMP-TEST-001", "HOST", RP_SEV_HIGH,
					     "t<i>tle",      "r",    "f",
					     NULL,           NULL };
	rp_report r;
	rp_report_input in;
	rp_report_options o = { false, false, "test" };
	rp_buf out = RP_BUF_INIT;

	(void)state;
	assert_int_equal(rp_report_init(&r), 0);
	memset(&in, 0, sizeof(in));
	in.rule = &rule;
	in.status = RP_STATUS_FAIL;
	in.file = "no-such-file.json";
	in.line = 3;
	in.column = 1;
	in.resource_type = "Microsoft.Compute/virtualMachines";
	in.resource_name = "<script>alert(1)</script>";
	in.message = "a & b \"quoted\"";
	assert_int_equal(rp_report_add(&r, &in, NULL), 0);
	assert_int_equal(rp_report_write_html(&r, &o, &out), 0);
	assert_non_null(out.data);
	assert_null(strstr(out.data, "<script"));
	assert_non_null(strstr(out.data, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(out.data, "a &amp; b"));
	assert_non_null(strstr(out.data, "t&lt;i&gt;tle"));
	assert_non_null(strstr(out.data, "No compute assets"));
	assert_non_null(strstr(out.data, "</html>"));
	rp_buf_release(&out);
	rp_report_release(&r);
}

/* A report that only counts passing and not-applicable findings (what the
 * HTML report asks for: rp_report_format.counts_passing) keeps the failing
 * ones, counts the others the same, merges the counts, and gives the same
 * HTML as one that keeps every finding. */
static void test_tally_passing(void **state)
{
	static const rp_report_rule rule = { "RMP-TEST-002", "BOOT", RP_SEV_MEDIUM,
					     "title",        "r",    "f",
					     NULL,           NULL };
	static const rp_status st[] = { RP_STATUS_PASS, RP_STATUS_NOT_APPLICABLE, RP_STATUS_FAIL,
					RP_STATUS_UNKNOWN, RP_STATUS_PASS };
	rp_report full, lean, part;
	rp_report_input in;
	rp_report_counts cf, cl;
	rp_report_finding *out = NULL;
	rp_report_options o = { false, false, "test" };
	rp_buf hf = RP_BUF_INIT, hl = RP_BUF_INIT;
	char name[16];
	size_t i;

	(void)state;
	assert_int_equal(rp_report_init(&full), 0);
	assert_int_equal(rp_report_init(&lean), 0);
	assert_int_equal(rp_report_init(&part), 0);
	lean.tally_passing = part.tally_passing = true;
	for (i = 0; i < 10; i++) {
		memset(&in, 0, sizeof(in));
		in.rule = &rule;
		in.status = st[i % 5];
		in.file = "t.json";
		in.line = (uint32_t)i + 1;
		in.column = 1;
		in.resource_type = "Microsoft.Compute/virtualMachines";
		snprintf(name, sizeof(name), "vm-%zu", i);
		in.resource_name = name;
		in.message = "m";
		assert_int_equal(rp_report_add(&full, &in, NULL), 0);
		assert_int_equal(rp_report_add(i < 5 ? &lean : &part, &in, &out), 0);
		if (in.status == RP_STATUS_PASS || in.status == RP_STATUS_NOT_APPLICABLE)
			assert_null(out);
		else
			assert_non_null(out);
	}
	assert_int_equal(rp_report_merge(&lean, &part), 0);
	assert_int_equal(full.nfindings, 10);
	assert_int_equal(lean.nfindings, 4);
	rp_report_count(&full, &cf);
	rp_report_count(&lean, &cl);
	assert_memory_equal(&cf, &cl, sizeof(cf));
	assert_int_equal(cl.by_status[RP_STATUS_PASS], 4);
	assert_int_equal(cl.by_status[RP_STATUS_NOT_APPLICABLE], 2);
	assert_int_equal(cl.by_status[RP_STATUS_FAIL], 2);
	assert_true(rp_report_format_find("html")->counts_passing);
	assert_false(rp_report_format_find("json")->counts_passing);
	assert_false(rp_report_format_find("text")->counts_passing);
	assert_int_equal(rp_report_write_html(&full, &o, &hf), 0);
	assert_int_equal(rp_report_write_html(&lean, &o, &hl), 0);
	assert_int_equal(hf.len, hl.len);
	assert_memory_equal(hf.data, hl.data, hf.len);
	assert_non_null(strstr(hl.data, "2 / 2 / 4 / 2 / 0"));
	rp_buf_release(&hf);
	rp_buf_release(&hl);
	rp_report_release(&part);
	rp_report_release(&lean);
	rp_report_release(&full);
}

/* Depth assets as a report keeps them (rp_report_add_depth): compact rule
 * references (rule index and fingerprint value) that give back each
 * basis finding's rule, status and fingerprint, also after a merge into a
 * report whose ref_rules table is in another order; and the lean levels
 * of rp_report.asset_detail give the same text matrix as a report keeping
 * everything and keep what the HTML report writes. */
static void test_asset_detail(void **state)
{
	static const char *const cases[] = {
		"tests/rules/RMP-DEPTH-001/fail/weak-basic-pip-no-nsg.json",
		"tests/depth/cases/identity-roles.json",
		"tests/depth/cases/vmss-lb-nat.json",
	};
	size_t c, i, l, k;

	(void)state;
	assert_int_equal(rp_report_format_find("text")->asset_detail, RP_ASSET_DETAIL_MATRIX);
	assert_int_equal(rp_report_format_find("html")->asset_detail,
			 RP_ASSET_DETAIL_NO_LAYER_REFS);
	assert_int_equal(rp_report_format_find("json")->asset_detail, RP_ASSET_DETAIL_FULL);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		rp_report full, lean, matrix, other;
		rp_buf a = RP_BUF_INIT, b = RP_BUF_INIT;
		size_t nrefs = 0;
		char fp[17];
		world w;

		load(&w, cases[c], NULL);
		assert_true(w.d.n > 0);
		assert_int_equal(rp_report_init(&full), 0);
		assert_int_equal(rp_report_init(&lean), 0);
		assert_int_equal(rp_report_init(&matrix), 0);
		assert_int_equal(rp_report_init(&other), 0);
		lean.asset_detail = RP_ASSET_DETAIL_NO_LAYER_REFS;
		matrix.asset_detail = RP_ASSET_DETAIL_MATRIX;
		assert_int_equal(rp_report_add_depth(&full, &w.d, rp_scan_report_rule), 0);
		assert_int_equal(rp_report_add_depth(&lean, &w.d, rp_scan_report_rule), 0);
		assert_int_equal(rp_report_add_depth(&matrix, &w.d, rp_scan_report_rule), 0);
		/* other's table starts with another rule: indices differ */
		other.ref_rules[0] = &rp_rule_meta_input;
		other.nref_rules = 1;
		assert_int_equal(rp_report_merge(&other, &full), 0);
		assert_int_equal(other.nassets, w.d.n);
		for (i = 0; i < w.d.n; i++) {
			const rp_depth_asset *s = &w.d.assets[i];
			const rp_report_asset *ra = other.assets[i];
			for (l = 0; l < RP_DEPTH_NLAYERS; l++) {
				assert_int_equal(ra->layers[l].nrefs, s->layers[l].nbasis);
				assert_null(lean.assets[i]->layers[l].refs);
				for (k = 0; k < s->layers[l].nbasis; k++) {
					const rp_finding *f = s->layers[l].basis[k];
					const rp_report_ref *x = &ra->layers[l].refs[k];
					assert_ptr_equal(rp_report_ref_rule(&other, x),
							 rp_scan_report_rule(f->rule));
					assert_int_equal(x->status, f->status);
					rp_report_ref_fingerprint(x, fp);
					assert_string_equal(fp, f->fingerprint);
					nrefs++;
				}
			}
			assert_true(matrix.assets[i]->npaths <= 1);
			if (s->internet == 0)
				assert_int_equal(matrix.assets[i]->npaths, 0);
			for (k = 0; k < lean.assets[i]->npaths; k++)
				assert_int_equal(lean.assets[i]->paths[k].nhops, s->paths[k].nhops);
		}
		assert_true(nrefs > 0);
		assert_int_equal(rp_report_text_matrix(&a, &other, false), 0);
		assert_int_equal(rp_report_text_matrix(&b, &matrix, false), 0);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		/* the HTML report's level keeps every path edge's references
		 * (what it writes); not compared through the HTML writer here:
		 * its graph loads Graphviz, whose fontconfig LeakSanitizer
		 * reports (tests/meson.build; cli-scan-lifetimes and
		 * depth-html-chromium write it) */
		for (i = 0; i < w.d.n; i++)
			for (k = 0; k < lean.assets[i]->npaths; k++) {
				const rp_report_path *x = &lean.assets[i]->paths[k],
						     *y = &other.assets[i]->paths[k];
				size_t h, q;
				for (h = 0; h < x->nhops; h++) {
					assert_int_equal(x->hops[h].nrefs, y->hops[h].nrefs);
					for (q = 0; q < x->hops[h].nrefs; q++) {
						char f2[17];
						assert_ptr_equal(
							rp_report_ref_rule(&lean,
									   &x->hops[h].refs[q]),
							rp_report_ref_rule(&other,
									   &y->hops[h].refs[q]));
						rp_report_ref_fingerprint(&x->hops[h].refs[q], fp);
						rp_report_ref_fingerprint(&y->hops[h].refs[q], f2);
						assert_string_equal(fp, f2);
					}
				}
			}
		rp_buf_release(&a);
		rp_buf_release(&b);
		rp_report_release(&other);
		rp_report_release(&matrix);
		rp_report_release(&lean);
		rp_report_release(&full);
		unload(&w);
	}
}

/* The text matrix: one row per asset up to 40 assets; above, identical
 * rows grouped (weakest first, with example names) and the weakest paths
 * grouped by shape. */
static void matrix_of(size_t n, rp_buf *out)
{
	static rp_report_step hops[4] = {
		{ RP_DN_INTERNET, RP_DS_OPEN, "Internet", "", "internet", "", NULL, 0 },
		{ RP_DN_PUBLIC_IP, RP_DS_OPEN, "pip", "", "pip", "", NULL, 0 },
		{ RP_DN_SUBNET, RP_DS_RESTRICTED, "vnet/app", "", "subnet", "NSG", NULL, 0 },
		{ RP_DN_ASSET, RP_DS_OPEN, "vm", "", "vm", "", NULL, 0 },
	};
	static rp_report_path path = { true, true, 1, hops, 4, 4 };
	rp_report_asset *as = calloc(n, sizeof(*as));
	char(*names)[16] = calloc(n, sizeof(*names));
	rp_report r;
	size_t i, l;

	assert_non_null(as);
	assert_non_null(names);
	assert_int_equal(rp_report_init(&r), 0);
	r.assets = malloc(n * sizeof(*r.assets));
	assert_non_null(r.assets);
	r.assets_cap = r.nassets = n;
	for (i = 0; i < n; i++) {
		bool weak = i % 5 < 3; /* 3 in 5: score 1, reachable */
		snprintf(names[i], sizeof(names[i]), "a-%zu", i);
		as[i].file = "t.json";
		as[i].line = (uint32_t)i + 1;
		as[i].type = as[i].id = "";
		as[i].name = names[i];
		for (l = 0; l < RP_DEPTH_NLAYERS; l++)
			as[i].layers[l].rating = weak && l ? RP_DEPTH_BROKEN : RP_DEPTH_HOLDS;
		as[i].score = weak ? 1 : 5;
		as[i].internet = weak ? 1 : 0;
		as[i].paths = &path;
		as[i].npaths = 1;
		r.assets[i] = &as[i];
	}
	assert_int_equal(rp_report_text_matrix(out, &r, false), 0);
	assert_non_null(out->data);
	rp_report_release(&r);
	free(names);
	free(as);
}

static void test_text_matrix_groups(void **state)
{
	rp_buf b = RP_BUF_INIT;
	const char *w, *s;

	(void)state;
	matrix_of(40, &b); /* at the limit: every asset */
	assert_non_null(strstr(b.data, "\n  a-39 "));
	assert_non_null(strstr(b.data, "weakest path to a-0: Internet -> pip [open] -> "
				       "vnet/app [restricted] -> vm [open]\n"));
	assert_null(strstr(b.data, "groups"));
	rp_buf_release(&b);
	matrix_of(50, &b);
	assert_null(strstr(b.data, "a-49 "));
	assert_non_null(strstr(b.data, "50 assets in 2 groups of identical rows"));
	w = strstr(b.data, "\n  30 assets                    + holds    x broken   x broken   "
			   "x broken   x broken   1/5    yes      a-0, a-1, a-2 and 27 more\n");
	s = strstr(b.data, "\n  20 assets                    + holds    + holds    + holds    "
			   "+ holds    + holds    5/5    no       a-3, a-4, a-8 and 17 more\n");
	assert_non_null(w);
	assert_non_null(s);
	assert_true(w < s); /* weakest first */
	assert_non_null(strstr(b.data, "weakest path of 30 assets (a-0, a-1, a-2 and 27 more): "
				       "Internet -> public-ip [open] -> subnet [restricted] -> "
				       "asset [open]\n"));
	assert_null(strstr(b.data, "weakest path to"));
	rp_buf_release(&b);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),          cmocka_unit_test(test_weak_exposed),
		cmocka_unit_test(test_strong_exposed), cmocka_unit_test(test_standard_closed),
		cmocka_unit_test(test_unknown_layers), cmocka_unit_test(test_identity_roles),
		cmocka_unit_test(test_vmss_lb),        cmocka_unit_test(test_filter_independent),
		cmocka_unit_test(test_threshold),      cmocka_unit_test(test_html_escapes),
		cmocka_unit_test(test_tally_passing),  cmocka_unit_test(test_text_matrix_groups),
		cmocka_unit_test(test_asset_detail),
	};
	root = argc > 1 ? argv[1] : ".";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
