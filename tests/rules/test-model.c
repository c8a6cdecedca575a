/* test-model.c: the resource model's links (NIC <-> subnet <-> NSG, inline
 * and child security rules, ASGs, public IPs, load balancer pools / NAT
 * rules / NAT pools, VM and VMSS extensions both ways, disks and disk
 * encryption sets, diagnostic settings through scope and through nested
 * names, peering, flow logs, identities), unresolved and unknown
 * references, key normalisation; plus the rule engine's registry, names,
 * defaults table, sorting and fingerprints.  Inputs: tests/rules/model/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "model/model.h"
#include "rules/defaults.h"
#include "rules/rule.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/str.h"

typedef struct loaded {
	rp_deployment *d;
	rp_model *m;
	rp_diag diag;
} loaded;

static void load(loaded *l, const char *name)
{
	const char *root = getenv("RAMPART_SOURCE_ROOT");
	char path[4096];
	const rp_deployment *deps[1];

	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/tests/rules/model/%s", root, name);
	rp_diag_init(&l->diag);
	assert_int_equal(fixture_load_literal(path, &l->d, &l->diag), 0);
	deps[0] = l->d;
	assert_int_equal(rp_model_build(deps, 1, &l->m, &l->diag), 0);
}

static void unload(loaded *l)
{
	rp_model_free(l->m);
	rp_deployment_free(l->d);
	rp_diag_release(&l->diag);
}

static rp_mobj *find(const rp_model *m, rp_mkind k, const char *name)
{
	size_t n, i;
	rp_mobj *const *o = rp_model_objects(m, k, &n);

	for (i = 0; i < n; i++)
		if (o[i]->name && !strcmp(o[i]->name, name))
			return o[i];
	return NULL;
}

static void test_nic_subnet_nsg(void **state)
{
	loaded l;
	rp_mobj *nic, *ipc, *sub, *nsg_s, *nsg_n, *pip, *asg, *vnet, *data;
	const rp_mlink *lk;
	size_t it = 0, n = 0;

	(void)state;
	load(&l, "network.json");
	nic = find(l.m, RP_MK_NIC, "nic1");
	ipc = find(l.m, RP_MK_IPCONFIG, "nic1/ipconfig1");
	sub = find(l.m, RP_MK_SUBNET, "vnet1/web");
	data = find(l.m, RP_MK_SUBNET, "vnet1/data");
	vnet = find(l.m, RP_MK_VNET, "vnet1");
	nsg_s = find(l.m, RP_MK_NSG, "nsg-subnet");
	nsg_n = find(l.m, RP_MK_NSG, "nsg-nic");
	pip = find(l.m, RP_MK_PIP, "pip1");
	asg = find(l.m, RP_MK_ASG, "asg-web");
	assert_non_null(nic);
	assert_non_null(ipc);
	assert_non_null(sub);
	assert_non_null(data);
	assert_true(ipc->is_inline);
	assert_ptr_equal(ipc->parent, nic);
	assert_ptr_equal(sub->parent, vnet);
	assert_string_equal(sub->type, "Microsoft.Network/virtualNetworks/subnets");
	assert_string_equal(ipc->path, "properties.ipConfigurations[0]");
	/* ipconfig -> subnet -> NSG; NIC -> NSG (case-insensitive ID). */
	assert_ptr_equal(rp_mobj_target(ipc, RP_LINK_SUBNET), sub);
	assert_ptr_equal(rp_mobj_target(sub, RP_LINK_NSG), nsg_s);
	assert_ptr_equal(rp_model_nsg_of(nic)->target, nsg_n);
	assert_int_equal(rp_model_nsg_of(nic)->state, RP_LINK_RESOLVED);
	assert_string_equal(rp_model_nsg_of(nic)->path, "properties.networkSecurityGroup.id");
	assert_null(rp_model_nsg_of(data));
	assert_ptr_equal(rp_mobj_target(ipc, RP_LINK_PIP), pip);
	assert_ptr_equal(rp_mobj_target(ipc, RP_LINK_ASG), asg);
	/* Back-links: the subnet NSG knows its subnet; the subnet its ipconfigs. */
	lk = rp_mobj_next_backlink(nsg_s, RP_LINK_NSG, &it);
	assert_non_null(lk);
	assert_ptr_equal(lk->from, sub);
	it = 0;
	while ((lk = rp_mobj_next_backlink(sub, RP_LINK_SUBNET, &it)) != NULL)
		n++;
	assert_int_equal(n, 1);
	/* The span of the subnet is its inline element in the file. */
	assert_non_null(sub->span.src);
	assert_memory_equal(sub->span.src->data + sub->span.off, "{ \"name\": \"web\"", 15);
	unload(&l);
}

static void test_rules_inline_and_child(void **state)
{
	loaded l;
	rp_mobj *nsg_s, *nsg_n, *asg;
	const rp_mobj *rules[8];
	size_t n, i;
	int seen_inline = 0, seen_child = 0, seen_nested = 0;

	(void)state;
	load(&l, "network.json");
	nsg_s = find(l.m, RP_MK_NSG, "nsg-subnet");
	nsg_n = find(l.m, RP_MK_NSG, "nsg-nic");
	asg = find(l.m, RP_MK_ASG, "asg-web");
	n = rp_model_nsg_rules(nsg_s, rules, 8);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		assert_ptr_equal(rules[i]->parent, nsg_s);
		if (!strcmp(rules[i]->name, "nsg-subnet/allow-ssh")) {
			assert_true(rules[i]->is_inline);
			seen_inline = 1;
			assert_ptr_equal(rp_mobj_target(rules[i], RP_LINK_ASG), asg);
		} else if (!strcmp(rules[i]->name, "nsg-subnet/deny-rdp")) {
			assert_false(rules[i]->is_inline);
			seen_nested = 1;
		} else if (!strcmp(rules[i]->name, "nsg-subnet/allow-https")) {
			assert_false(rules[i]->is_inline);
			seen_child = 1;
		}
	}
	assert_true(seen_inline && seen_child && seen_nested);
	/* Each rule only on its own parent. */
	n = rp_model_nsg_rules(nsg_n, rules, 8);
	assert_int_equal(n, 1);
	assert_string_equal(rules[0]->name, "nsg-nic/allow-web");
	/* cap smaller than count still returns the total. */
	assert_int_equal(rp_model_nsg_rules(nsg_s, rules, 1), 3);
	unload(&l);
}

static void test_unresolved_reported(void **state)
{
	loaded l;
	rp_mobj *ipc;
	const rp_mlink *lk;
	size_t i;
	int noted = 0;

	(void)state;
	load(&l, "network.json");
	ipc = find(l.m, RP_MK_IPCONFIG, "nic-orphan/ipconfig1");
	assert_non_null(ipc);
	lk = rp_mobj_link(ipc, RP_LINK_SUBNET);
	assert_non_null(lk);
	assert_int_equal(lk->state, RP_LINK_UNRESOLVED);
	assert_null(lk->target);
	assert_non_null(strstr(lk->text, "other-vnet/subnets/default"));
	assert_null(rp_mobj_target(ipc, RP_LINK_SUBNET));
	assert_true(l.m->nunresolved >= 1);
	for (i = 0; i < l.diag.count; i++)
		if (l.diag.items[i].code && !strcmp(l.diag.items[i].code, "model-unresolved-ref") &&
		    strstr(l.diag.items[i].message, "other-vnet")) {
			noted = 1;
			assert_int_equal(l.diag.items[i].level, RP_DIAG_NOTE);
			/* points at the reference string in the file */
			assert_memory_equal(l.diag.items[i].src->data + l.diag.items[i].start,
					    "\"/subscriptions/", 15);
		}
	assert_true(noted);
	unload(&l);
}

static void test_peering_and_flowlog(void **state)
{
	loaded l;
	rp_mobj *peer, *hub, *vnet1, *fl, *bastion, *watcher;

	(void)state;
	load(&l, "network.json");
	peer = find(l.m, RP_MK_PEERING, "vnet1/to-hub");
	hub = find(l.m, RP_MK_VNET, "hub");
	vnet1 = find(l.m, RP_MK_VNET, "vnet1");
	fl = find(l.m, RP_MK_FLOWLOG, "NetworkWatcher_westeurope/fl-vnet1");
	bastion = find(l.m, RP_MK_SUBNET, "hub/AzureBastionSubnet");
	watcher = find(l.m, RP_MK_WATCHER, "NetworkWatcher_westeurope");
	assert_non_null(peer);
	assert_ptr_equal(rp_mobj_target(peer, RP_LINK_REMOTE_VNET), hub);
	assert_ptr_equal(rp_mobj_target(fl, RP_LINK_FLOWLOG_TARGET), vnet1);
	/* Child subnet declared separately links to its VNet; the flow log to its watcher
	 * even though the watcher is declared after it. */
	assert_ptr_equal(bastion->parent, hub);
	assert_ptr_equal(fl->parent, watcher);
	unload(&l);
}

static void test_lb(void **state)
{
	loaded l;
	rp_mobj *fe, *pool, *rule, *nat, *natp, *pip, *ipc, *ssipc, *ssnic, *vm, *nic, *sub;
	const rp_mlink *lk;

	(void)state;
	load(&l, "lb.json");
	fe = find(l.m, RP_MK_LB_FRONTEND, "lb1/fe");
	pool = find(l.m, RP_MK_LB_POOL, "lb1/pool");
	rule = find(l.m, RP_MK_LB_RULE, "lb1/http");
	nat = find(l.m, RP_MK_LB_NAT_RULE, "lb1/ssh-vm1");
	natp = find(l.m, RP_MK_LB_NAT_POOL, "lb1/rdp-pool");
	pip = find(l.m, RP_MK_PIP, "lb-pip");
	ipc = find(l.m, RP_MK_IPCONFIG, "vm1-nic/ipc");
	ssnic = find(l.m, RP_MK_NIC, "ss1/nicconf");
	ssipc = find(l.m, RP_MK_IPCONFIG, "ss1/nicconf/ipc");
	vm = find(l.m, RP_MK_VM, "vm1");
	nic = find(l.m, RP_MK_NIC, "vm1-nic");
	sub = find(l.m, RP_MK_SUBNET, "vnet/app");
	assert_non_null(fe);
	assert_non_null(ssipc);
	assert_ptr_equal(rp_mobj_target(fe, RP_LINK_PIP), pip);
	assert_ptr_equal(rp_mobj_target(rule, RP_LINK_LB_FRONTEND), fe);
	assert_ptr_equal(rp_mobj_target(rule, RP_LINK_LB_POOL), pool);
	assert_ptr_equal(rp_mobj_target(nat, RP_LINK_LB_FRONTEND), fe);
	assert_ptr_equal(rp_mobj_target(natp, RP_LINK_LB_FRONTEND), fe);
	assert_ptr_equal(rp_mobj_target(ipc, RP_LINK_LB_POOL), pool);
	assert_ptr_equal(rp_mobj_target(ipc, RP_LINK_LB_NAT_RULE), nat);
	assert_ptr_equal(rp_mobj_target(ssipc, RP_LINK_LB_POOL), pool);
	assert_ptr_equal(rp_mobj_target(ssipc, RP_LINK_LB_NAT_POOL), natp);
	assert_ptr_equal(rp_mobj_target(ssipc, RP_LINK_SUBNET), sub);
	assert_ptr_equal(ssipc->parent, ssnic);
	assert_ptr_equal(rp_mobj_target(vm, RP_LINK_NIC), nic);
	/* VMSS NIC configuration: NIC kind, linked from the scale set. */
	assert_ptr_equal(ssnic->parent, find(l.m, RP_MK_VMSS, "ss1"));
	assert_ptr_equal(rp_mobj_target(find(l.m, RP_MK_VMSS, "ss1"), RP_LINK_NIC), ssnic);
	lk = rp_model_nsg_of(ssnic);
	assert_non_null(lk);
	assert_int_equal(lk->state, RP_LINK_UNRESOLVED);
	assert_string_equal(lk->path,
			    "properties.virtualMachineProfile.networkProfile."
			    "networkInterfaceConfigurations[0].properties.networkSecurityGroup.id");
	/* The pool knows both members. */
	{
		size_t it = 0, n = 0;
		while (rp_mobj_next_backlink(pool, RP_LINK_LB_POOL, &it))
			n++;
		assert_int_equal(n, 3); /* vm1 ipconfig, scale-set ipconfig, LB rule */
	}
	unload(&l);
}

static void test_extensions_both_ways(void **state)
{
	loaded l;
	rp_mobj *vm, *ss, *ghost;
	const rp_mobj *ext[8];
	const rp_mlink *lk;
	size_t n, i;

	(void)state;
	load(&l, "compute.json");
	vm = find(l.m, RP_MK_VM, "vm1");
	ss = find(l.m, RP_MK_VMSS, "ss1");
	n = rp_model_extensions(vm, ext, 8);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_ptr_equal(ext[i]->parent, vm);
		assert_false(ext[i]->is_inline);
	}
	assert_string_equal(rp_model_ext_type(ext[0]), "AzureMonitorLinuxAgent");
	assert_string_equal(ext[0]->name, "vm1/AzureMonitorLinuxAgent");
	assert_string_equal(ext[0]->type, "Microsoft.Compute/virtualMachines/extensions");
	assert_string_equal(rp_model_ext_publisher(ext[1]),
			    "Microsoft.Azure.Security.LinuxAttestation");
	n = rp_model_extensions(ss, ext, 8);
	assert_int_equal(n, 1);
	assert_true(ext[0]->is_inline);
	assert_string_equal(ext[0]->type, "Microsoft.Compute/virtualMachineScaleSets/extensions");
	assert_ptr_equal(ext[0]->parent, ss);
	/* An extension of a VM that is not in the input: unresolved parent. */
	ghost = find(l.m, RP_MK_EXTENSION, "ghost-vm/ext");
	assert_non_null(ghost);
	lk = rp_mobj_link(ghost, RP_LINK_PARENT);
	assert_non_null(lk);
	assert_int_equal(lk->state, RP_LINK_UNRESOLVED);
	assert_null(ghost->parent);
	assert_int_equal(rp_model_vm_os(vm), RP_OS_LINUX);
	unload(&l);
}

static void test_disks_identity(void **state)
{
	loaded l;
	rp_mobj *vm, *des, *disk, *id;
	size_t it = 0, n = 0;
	const rp_mlink *lk;

	(void)state;
	load(&l, "compute.json");
	vm = find(l.m, RP_MK_VM, "vm1");
	des = find(l.m, RP_MK_DES, "des1");
	disk = find(l.m, RP_MK_DISK, "data-disk");
	id = find(l.m, RP_MK_IDENTITY, "id1");
	while ((lk = rp_mobj_next_link(vm, RP_LINK_DISK, &it)) != NULL) {
		rp_mobj *spec = lk->target;
		assert_int_equal(spec->kind, RP_MK_DISK_SPEC);
		if (!strcmp(spec->name, "vm1/osDisk")) {
			assert_ptr_equal(rp_mobj_target(spec, RP_LINK_DES), des);
		} else {
			assert_ptr_equal(rp_mobj_target(spec, RP_LINK_DISK), disk);
		}
		n++;
	}
	assert_int_equal(n, 2);
	assert_ptr_equal(rp_mobj_target(disk, RP_LINK_DES), des);
	assert_ptr_equal(rp_mobj_target(vm, RP_LINK_IDENTITY), id);
	unload(&l);
}

static void test_diag_scope(void **state)
{
	loaded l;
	rp_mobj *kv;
	const rp_mobj *ds[4], *ra[4];
	size_t n;

	(void)state;
	load(&l, "compute.json");
	kv = find(l.m, RP_MK_KEYVAULT, "kv1");
	n = rp_model_scoped(kv, RP_MK_DIAG, ds, 4);
	assert_int_equal(n, 2);
	assert_string_equal(ds[0]->name, "kv-audit");
	assert_string_equal(ds[1]->name, "kv1/Microsoft.Insights/legacy");
	assert_int_equal(rp_model_scoped(kv, RP_MK_ROLE_ASSIGNMENT, ra, 4), 1);
	unload(&l);
}

/* An UNKNOWN reference stays unknown with its reason. */
static void test_unknown_reference(void **state)
{
	rp_deployment *d = rp_deployment_new();
	rp_arena *a;
	rp_span sp = { NULL, 0, 0 };
	rp_member m[2], pm[1], sm[1], ipm[2];
	rp_value *subnet_id, *subnet, *ipprops, *ip, *arr, *props, *body;
	rp_resource *r;
	rp_model *model = NULL;
	const rp_deployment *deps[1];
	rp_mobj *ipc;
	const rp_mlink *lk;
	rp_diag diag;
	size_t n;

	(void)state;
	assert_non_null(d);
	a = d->arena;
	rp_diag_init(&diag);
	subnet_id = rp_value_unknown(a, sp, "parameter '%s' has no value", "subnetId");
	sm[0] = (rp_member){ "id", 2, sp, subnet_id };
	subnet = rp_value_object(a, sm, 1, sp);
	pm[0] = (rp_member){ "subnet", 6, sp, subnet };
	ipprops = rp_value_object(a, pm, 1, sp);
	ipm[0] = (rp_member){ "name", 4, sp, rp_value_string(a, "ipc", 3, sp) };
	ipm[1] = (rp_member){ "properties", 10, sp, ipprops };
	ip = rp_value_object(a, ipm, 2, sp);
	arr = rp_value_array(a, &ip, 1, sp);
	m[0] = (rp_member){ "ipConfigurations", 16, sp, arr };
	props = rp_value_object(a, m, 1, sp);
	m[0] = (rp_member){ "properties", 10, sp, props };
	body = rp_value_object(a, m, 1, sp);
	r = rp_deployment_add(d);
	r->type = "Microsoft.Network/networkInterfaces";
	r->name = rp_value_string(a, "nic", 3, sp);
	r->body = body;
	r->properties = props;
	deps[0] = d;
	assert_int_equal(rp_model_build(deps, 1, &model, &diag), 0);
	ipc = rp_model_objects(model, RP_MK_IPCONFIG, &n)[0];
	assert_int_equal(n, 1);
	lk = rp_mobj_link(ipc, RP_LINK_SUBNET);
	assert_int_equal(lk->state, RP_LINK_UNKNOWN);
	assert_string_equal(lk->why, "parameter 'subnetId' has no value");
	assert_int_equal(model->nunresolved, 0);
	rp_model_free(model);
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

/* Two deployments declaring the same names: references resolve inside
 * their own deployment, never ambiguously, and nothing is unresolved
 * beyond what one deployment alone leaves unresolved. */
static void test_two_deployments(void **state)
{
	loaded a, b;
	rp_model *m = NULL;
	const rp_deployment *deps[2];
	rp_diag diag;
	size_t n, i, own = 0;
	rp_mobj *const *ipcs;

	(void)state;
	load(&a, "network.json");
	load(&b, "network.json");
	deps[0] = a.d;
	deps[1] = b.d;
	rp_diag_init(&diag);
	assert_int_equal(rp_model_build(deps, 2, &m, &diag), 0);
	assert_int_equal(m->nobjs, 2 * a.m->nobjs);
	assert_int_equal(m->nunresolved, 2 * a.m->nunresolved);
	ipcs = rp_model_objects(m, RP_MK_IPCONFIG, &n);
	for (i = 0; i < n; i++) {
		rp_mobj *sub = rp_mobj_target(ipcs[i], RP_LINK_SUBNET);
		if (!sub)
			continue;
		assert_int_equal(sub->res >= a.d->resources &&
					 sub->res < a.d->resources + a.d->nresources,
				 ipcs[i]->res >= a.d->resources &&
					 ipcs[i]->res < a.d->resources + a.d->nresources);
		own++;
	}
	assert_int_equal(own, 2);
	rp_model_free(m);
	rp_diag_release(&diag);
	unload(&a);
	unload(&b);
}

/* A VNet declared twice (redeployed with DNS servers): one Azure
 * resource; references go to the last declaration, not "ambiguous". */
static void test_redeclared(void **state)
{
	loaded l;
	size_t n;
	rp_mobj *const *subs;
	rp_mobj *ipc;

	(void)state;
	load(&l, "redeclared.json");
	subs = rp_model_objects(l.m, RP_MK_SUBNET, &n);
	assert_int_equal(n, 2);
	ipc = find(l.m, RP_MK_IPCONFIG, "nic1/ipc");
	assert_ptr_equal(rp_mobj_target(ipc, RP_LINK_SUBNET), subs[1]);
	assert_ptr_equal(rp_mobj_target(subs[1], RP_LINK_NSG), find(l.m, RP_MK_NSG, "nsg1"));
	assert_int_equal(l.m->nunresolved, 0);
	unload(&l);
}

static void test_keys(void **state)
{
	rp_arena *a = rp_arena_new();
	loaded l;

	(void)state;
	assert_string_equal(rp_model_key_from_id(a,
						 "/subscriptions/x/resourceGroups/RG/providers/"
						 "Microsoft.Network/virtualNetworks/V/subnets/S"),
			    "microsoft.network/virtualnetworks/v/subnets/s");
	assert_string_equal(
		rp_model_key_from_id(a,
				     "/subscriptions/x/providers/Microsoft.Compute/virtualMachines/"
				     "vm/providers/Microsoft.Insights/diagnosticSettings/d"),
		"microsoft.insights/diagnosticsettings/d");
	assert_string_equal(rp_model_key_from_id(a, "Microsoft.KeyVault/vaults/kv1"),
			    "microsoft.keyvault/vaults/kv1");
	assert_null(rp_model_key_from_id(a, "plainname"));
	assert_null(rp_model_key_from_id(
		a, "/subscriptions/x/providers/Microsoft.Network/virtualNetworks"));
	assert_string_equal(
		rp_model_key_from_type_name(a, "Microsoft.Network/virtualNetworks/subnets", "v/s"),
		"microsoft.network/virtualnetworks/v/subnets/s");
	assert_null(
		rp_model_key_from_type_name(a, "Microsoft.Network/virtualNetworks/subnets", "v"));
	rp_arena_free(a);
	load(&l, "network.json");
	assert_non_null(rp_model_find(l.m, "nsg-nic", "Microsoft.Network/networkSecurityGroups"));
	assert_non_null(rp_model_find(l.m,
				      "/SUBSCRIPTIONS/0/RESOURCEGROUPS/RG/PROVIDERS/"
				      "MICROSOFT.NETWORK/VIRTUALNETWORKS/VNET1/SUBNETS/WEB",
				      NULL));
	assert_null(rp_model_find(l.m, "nsg-nic", "Microsoft.Network/virtualNetworks"));
	unload(&l);
}

/* ---- rule engine ---- */

static void test_registry(void **state)
{
	size_t i;

	(void)state;
	assert_true(rp_nrules >= 33);
	for (i = 0; i < rp_nrules; i++) {
		const rp_rule *r = rp_rules[i];
		assert_true(rp_str_has_prefix(r->id, "RMP-"));
		assert_true(strlen(r->title) > 10);
		assert_true(strlen(r->rationale) > 20);
		assert_true(strlen(r->remediation) > 10);
		assert_non_null(r->types);
		assert_non_null(r->types[0]);
		assert_non_null(r->check);
		assert_non_null(strstr(r->id, rp_layer_name(r->layer)));
		if (i)
			assert_true(strcmp(rp_rules[i - 1]->id, r->id) < 0);
		assert_ptr_equal(rp_rule_find(r->id), r);
	}
	assert_non_null(rp_rule_find("rmp-boot-001"));
	assert_null(rp_rule_find("RMP-NOPE-001"));
}

static void test_names(void **state)
{
	rp_layer l;
	rp_severity s;
	rp_status st;

	(void)state;
	assert_string_equal(rp_layer_name(RP_LAYER_DEPTH), "DEPTH");
	assert_string_equal(rp_severity_name(RP_SEV_CRITICAL), "critical");
	assert_string_equal(rp_status_name(RP_STATUS_NOT_APPLICABLE), "not-applicable");
	assert_string_equal(rp_layer_name((rp_layer)99), "?");
	assert_int_equal(rp_layer_parse("mon", &l), 0);
	assert_int_equal(l, RP_LAYER_MON);
	assert_int_equal(rp_severity_parse("HIGH", &s), 0);
	assert_int_equal(s, RP_SEV_HIGH);
	assert_int_equal(rp_status_parse("unknown", &st), 0);
	assert_int_equal(st, RP_STATUS_UNKNOWN);
	assert_int_equal(rp_status_parse("maybe", &st), -RP_EINVAL);
}

static void test_defaults(void **state)
{
	const rp_default *d;

	(void)state;
	assert_int_equal(rp_api_cmp("2019-04-01", "2019-04-01-preview"), 0);
	assert_true(rp_api_cmp("2018-11-01", "2019-04-01") < 0);
	assert_int_equal(rp_default_lookup("Microsoft.Storage/storageAccounts",
					   "properties.supportsHttpsTrafficOnly", "2023-01-01",
					   NULL, &d),
			 RP_DEFAULT_FOUND);
	assert_true(d->value.u.b);
	assert_int_equal(rp_default_lookup("microsoft.storage/storageaccounts",
					   "properties.supportsHttpsTrafficOnly", "2018-07-01",
					   NULL, &d),
			 RP_DEFAULT_FOUND);
	assert_false(d->value.u.b);
	assert_int_equal(rp_default_lookup("Microsoft.Storage/storageAccounts",
					   "properties.supportsHttpsTrafficOnly", NULL, NULL, &d),
			 RP_DEFAULT_API_UNKNOWN);
	assert_int_equal(rp_default_lookup("Microsoft.KeyVault/vaults",
					   "properties.enableRbacAuthorization", "2026-02-01", NULL,
					   &d),
			 RP_DEFAULT_FOUND);
	assert_true(d->value.u.b);
	assert_int_equal(rp_default_lookup("Microsoft.KeyVault/vaults",
					   "properties.enableRbacAuthorization", "2025-05-01", NULL,
					   &d),
			 RP_DEFAULT_FOUND);
	assert_false(d->value.u.b);
	assert_int_equal(rp_default_lookup("Microsoft.KeyVault/vaults", "properties.nothing",
					   "2025-05-01", NULL, &d),
			 RP_DEFAULT_NONE);
	assert_null(d);
}

static void run_all(const char *file, rp_findings *f, loaded *l, bool pass)
{
	rp_rule_filter flt;

	memset(&flt, 0, sizeof(flt));
	flt.include_pass = pass;
	load(l, file);
	assert_int_equal(rp_findings_init(f), 0);
	assert_int_equal(rp_rules_run(l->m, &flt, f), 0);
}

static void test_run_sorted_and_fingerprints(void **state)
{
	loaded l1;
	rp_findings f1;
	size_t i;

	(void)state;
	run_all("compute.json", &f1, &l1, true);
	assert_true(f1.count > 10);
	for (i = 0; i < f1.count; i++) {
		const rp_finding *x = &f1.items[i];
		assert_non_null(x->span.src);
		assert_true(x->message[0] != '\0');
		assert_int_equal(strlen(x->fingerprint), 16);
		{
			/* the documented material, hashed whole (the engine
			 * hashes it in pieces without building it) */
			char mat[2048], hex[17];
			uint64_t h;
			int k, n = snprintf(mat, sizeof(mat), "%s|%s|%s", x->rule->id, x->ident,
					    x->path);
			assert_true(n > 0 && (size_t)n < sizeof(mat));
			h = rp_hash_bytes(mat, (size_t)n, true);
			for (k = 15; k >= 0; k--) {
				hex[k] = "0123456789abcdef"[h & 0xF];
				h >>= 4;
			}
			hex[16] = '\0';
			assert_string_equal(x->fingerprint, hex);
		}
		assert_true(x->status != RP_STATUS_NOT_APPLICABLE);
		if (x->status == RP_STATUS_UNKNOWN)
			assert_non_null(x->unknown_reason);
		if (i) {
			const rp_finding *p = &f1.items[i - 1];
			assert_true(p->span.off < x->span.off ||
				    (p->span.off == x->span.off &&
				     strcmp(p->rule->id, x->rule->id) <= 0));
		}
	}
	/* by_status adds up */
	assert_int_equal(f1.by_status[0] + f1.by_status[1] + f1.by_status[2] + f1.by_status[3],
			 f1.count);
	rp_findings_release(&f1);
	unload(&l1);
}

/* The documented order of rp_rules_run: source name, offset, rule ID,
 * path, object key, object index, status. */
static int full_cmp(const rp_finding *a, const rp_finding *b)
{
	const char *na = a->span.src && a->span.src->name ? a->span.src->name : "";
	const char *nb = b->span.src && b->span.src->name ? b->span.src->name : "";
	int c = strcmp(na, nb);

	if (c)
		return c;
	if (a->span.off != b->span.off)
		return a->span.off < b->span.off ? -1 : 1;
	if ((c = strcmp(a->rule->id, b->rule->id)) != 0)
		return c;
	if ((c = strcmp(a->path, b->path)) != 0)
		return c;
	if ((c = strcmp(a->ident, b->ident)) != 0)
		return c;
	if (a->obj->index != b->obj->index)
		return a->obj->index < b->obj->index ? -1 : 1;
	return (int)a->status - (int)b->status;
}

/* Findings as text, for comparing two runs. */
static char *findings_text(const rp_findings *f)
{
	size_t i, cap = 1, len = 0;
	char *s;

	for (i = 0; i < f->count; i++)
		cap += strlen(f->items[i].message) + strlen(f->items[i].path) + 80;
	s = malloc(cap);
	assert_non_null(s);
	s[0] = '\0';
	for (i = 0; i < f->count; i++) {
		const rp_finding *x = &f->items[i];
		len += (size_t)snprintf(s + len, cap - len, "%s %s %u %s %s %s\n", x->rule->id,
					rp_status_name(x->status), (unsigned)x->span.off, x->path,
					x->fingerprint, x->message);
	}
	return s;
}

/* Every run of a session sorts what it appended in the full order; a
 * session running two rule sets gives what two separate runs give; equal
 * texts of one rule and status are kept once (shared), and a shared
 * text is still the right one. */
static void test_session_runs_and_order(void **state)
{
	const char *files[] = { "compute.json", "network.json", "lb.json", "redeclared.json" };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		loaded l;
		rp_findings a, b, c;
		rp_rule_filter f1, f2;
		rp_rules_session *s = NULL;
		char *ta, *tb;
		size_t i, j, shared = 0;

		memset(&f1, 0, sizeof(f1));
		f1.include_pass = f1.include_not_applicable = true;
		f1.layers = (1u << RP_LAYER_BOOT) | (1u << RP_LAYER_HOST) | (1u << RP_LAYER_NET);
		f2 = f1;
		f2.layers = (1u << RP_LAYER_DATA) | (1u << RP_LAYER_MON);
		load(&l, files[k]);
		assert_int_equal(rp_findings_init(&a), 0);
		assert_int_equal(rp_findings_init(&b), 0);
		assert_int_equal(rp_findings_init(&c), 0);
		assert_int_equal(rp_rules_run(l.m, &f1, &a), 0);
		assert_int_equal(rp_rules_run(l.m, &f2, &a), 0);
		assert_int_equal(rp_rules_begin(l.m, NULL, &b, &s), 0);
		assert_int_equal(rp_rules_session_run(s, &f1), 0);
		i = b.count;
		assert_int_equal(rp_rules_session_run(s, &f2), 0);
		rp_rules_end(s);
		assert_true(b.count > i && i > 0);
		ta = findings_text(&a);
		tb = findings_text(&b);
		assert_string_equal(ta, tb);
		/* each run's part in the full order */
		for (j = 1; j < b.count; j++)
			if (j != i)
				assert_true(full_cmp(&b.items[j - 1], &b.items[j]) <= 0);
		/* texts kept once: equal messages of a rule and status share */
		f1.layers = 0;
		assert_int_equal(rp_rules_run(l.m, &f1, &c), 0);
		for (i = 0; i < c.count; i++)
			for (j = i + 1; j < c.count; j++) {
				const rp_finding *x = &c.items[i], *y = &c.items[j];
				if (x->message == y->message && x->message[0])
					shared++;
				if (x->path == y->path)
					assert_string_equal(x->path, y->path);
			}
		if (k == 0)
			assert_true(shared > 0);
		free(ta);
		free(tb);
		rp_findings_release(&a);
		rp_findings_release(&b);
		rp_findings_release(&c);
		unload(&l);
	}
}

/* Same template, reformatted: identical fingerprints, different offsets. */
static void test_fingerprint_stable(void **state)
{
	const char *root = getenv("RAMPART_SOURCE_ROOT");
	char path[4096], tmpl[] = "/tmp/rampart-rules-XXXXXX", out[4200];
	rp_source *src = NULL;
	FILE *fp;
	loaded l1, l2;
	rp_findings f1, f2;
	const rp_deployment *deps[1];
	rp_rule_filter flt;
	size_t i, j;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/rules/model/compute.json", root);
	assert_int_equal(rp_source_load(path, 0, &src, NULL), 0);
	assert_non_null(mkdtemp(tmpl));
	snprintf(out, sizeof(out), "%s/moved.json", tmpl);
	fp = fopen(out, "w");
	assert_non_null(fp);
	fputs("\n\n\n   ", fp);
	fwrite(src->data, 1, src->size, fp);
	fclose(fp);
	rp_source_free(src);
	run_all("compute.json", &f1, &l1, true);
	rp_diag_init(&l2.diag);
	assert_int_equal(fixture_load_literal(out, &l2.d, &l2.diag), 0);
	deps[0] = l2.d;
	assert_int_equal(rp_model_build(deps, 1, &l2.m, &l2.diag), 0);
	memset(&flt, 0, sizeof(flt));
	flt.include_pass = true;
	assert_int_equal(rp_findings_init(&f2), 0);
	assert_int_equal(rp_rules_run(l2.m, &flt, &f2), 0);
	assert_int_equal(f1.count, f2.count);
	for (i = 0; i < f1.count; i++) {
		int found = 0;
		for (j = 0; j < f2.count; j++)
			if (!strcmp(f1.items[i].fingerprint, f2.items[j].fingerprint)) {
				found = 1;
				assert_int_equal(f1.items[i].span.off + 6, f2.items[j].span.off);
			}
		assert_true(found);
	}
	rp_findings_release(&f1);
	rp_findings_release(&f2);
	unload(&l1);
	unload(&l2);
	remove(out);
	rmdir(tmpl);
}

static void test_filter(void **state)
{
	loaded l;
	rp_findings f;
	rp_rule_filter flt;
	static const char *const only[] = { "RMP-DATA-021", NULL };
	size_t i;

	(void)state;
	load(&l, "compute.json");
	memset(&flt, 0, sizeof(flt));
	flt.include_pass = true;
	flt.only_ids = only;
	assert_int_equal(rp_findings_init(&f), 0);
	assert_int_equal(rp_rules_run(l.m, &flt, &f), 0);
	assert_int_equal(f.count, 1);
	assert_string_equal(f.items[0].rule->id, "RMP-DATA-021");
	assert_int_equal(f.items[0].status, RP_STATUS_PASS);
	rp_findings_release(&f);
	/* Layer and severity filters. */
	memset(&flt, 0, sizeof(flt));
	flt.layers = 1u << RP_LAYER_MON;
	flt.min_severity = RP_SEV_MEDIUM;
	assert_int_equal(rp_findings_init(&f), 0);
	assert_int_equal(rp_rules_run(l.m, &flt, &f), 0);
	for (i = 0; i < f.count; i++) {
		assert_int_equal(f.items[i].rule->layer, RP_LAYER_MON);
		assert_true(f.items[i].rule->severity >= RP_SEV_MEDIUM);
		assert_true(f.items[i].status == RP_STATUS_FAIL ||
			    f.items[i].status == RP_STATUS_UNKNOWN);
	}
	rp_findings_release(&f);
	unload(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nic_subnet_nsg),
		cmocka_unit_test(test_rules_inline_and_child),
		cmocka_unit_test(test_unresolved_reported),
		cmocka_unit_test(test_peering_and_flowlog),
		cmocka_unit_test(test_lb),
		cmocka_unit_test(test_extensions_both_ways),
		cmocka_unit_test(test_disks_identity),
		cmocka_unit_test(test_diag_scope),
		cmocka_unit_test(test_unknown_reference),
		cmocka_unit_test(test_two_deployments),
		cmocka_unit_test(test_redeclared),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_run_sorted_and_fingerprints),
		cmocka_unit_test(test_session_runs_and_order),
		cmocka_unit_test(test_fingerprint_stable),
		cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
