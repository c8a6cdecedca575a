/* test-depth.c: src/depth on small templates evaluated by the real ARM
 * evaluator: the rating algorithm (docs/depth.md), Internet reachability,
 * attack paths (entries, NSG chain, data reached through disks and role
 * assignments), and that depth rates on every rule whatever the filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "depth/depth.h"
#include "ingest/arm/arm.h"
#include "model/model.h"
#include "report/report.h"
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

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),          cmocka_unit_test(test_weak_exposed),
		cmocka_unit_test(test_strong_exposed), cmocka_unit_test(test_standard_closed),
		cmocka_unit_test(test_unknown_layers), cmocka_unit_test(test_identity_roles),
		cmocka_unit_test(test_vmss_lb),        cmocka_unit_test(test_filter_independent),
		cmocka_unit_test(test_threshold),      cmocka_unit_test(test_html_escapes),
	};
	root = argc > 1 ? argv[1] : ".";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
