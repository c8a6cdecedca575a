/* test-tfplan.c: the Terraform plan/state ingester (src/ingest/tfplan):
 * the 8 real plans of ../shared/fixtures/tfplan, hand-written plans in the
 * shape `terraform show -json` prints (cases/: modules, count, after_unknown,
 * sensitive_values, v3 and v4 attribute names), state, and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ingest/tfplan/tfplan.h"
#include "tt-util.h"
#include "util/error.h"

#define SUB "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"

typedef struct fixture {
	const char *dir;
	size_t nres;
	const char *type; /* a type expected among the resources, or NULL */
	size_t ntype;
} fixture;

static const fixture fixtures[] = {
	{ "case_sensitivity", 0, NULL, 0 },
	{ "noskip_general", 0, NULL, 0 },
	{ "test_any_match_regex", 1, "Microsoft.Storage/storageAccounts", 1 },
	{ "test_in_step_variables_slicing-fail", 0, NULL, 0 },
	{ "test_issue-193_confirm_list_of_queues_available", 0, NULL, 0 },
	{ "test_issue-221", 1, "Microsoft.Compute/virtualMachines", 1 },
	{ "test_issue-294", 13, "Microsoft.Network/networkSecurityGroups/securityRules", 2 },
	{ "test_issue-394", 2, "Microsoft.Storage/storageAccounts", 2 },
};

static rp_deployment *load_case(const char *name, rp_diag *diag)
{
	char rel[256];
	int rc = 0;
	rp_deployment *d;

	snprintf(rel, sizeof(rel), "tests/tfplan/cases/%s", name);
	d = tt_load(tt_source(rel), RP_INPUT_UNKNOWN, &rc, diag);
	if (rc != 0)
		rp_diag_print(stderr, diag, false);
	assert_int_equal(rc, 0);
	assert_non_null(d);
	assert_int_equal(tt_ndiag(diag, RP_DIAG_ERROR), 0);
	return d;
}

static void test_fixtures(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char rel[512];
		rp_diag diag;
		rp_deployment *d;
		int rc = 0;

		snprintf(rel, sizeof(rel),
			 "fixtures/tfplan/terraform-compliance/tests/functional/%s/plan.out.json",
			 fixtures[i].dir);
		rp_diag_init(&diag);
		d = tt_load(tt_shared(rel), RP_INPUT_UNKNOWN, &rc, &diag);
		assert_int_equal(rc, 0);
		assert_int_equal(tt_ndiag(&diag, RP_DIAG_ERROR), 0);
		printf("%-50s %zu resources:", fixtures[i].dir, d->nresources);
		for (j = 0; j < d->nresources; j++)
			printf(" %s", d->resources[j].type);
		printf("\n");
		assert_int_equal(d->nresources, fixtures[i].nres);
		if (fixtures[i].type)
			assert_int_equal(tt_count_type(d, fixtures[i].type), fixtures[i].ntype);
		for (j = 0; j < d->nresources; j++) {
			assert_non_null(d->resources[j].address);
			assert_int_equal(d->resources[j].origin, RP_ORIGIN_TFPLAN);
			assert_true(rp_value_is(d->resources[j].id, RP_V_STRING));
		}
		rp_deployment_free(d);
		rp_diag_release(&diag);
	}
}

/* test_issue-294: modules, count, var -> module call references. */
static void test_issue_294_links(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_resource *nic, *pip, *vm, *sub, *nsg, *rule, *lnic, *lvm;
	const rp_value *v;
	int rc = 0;

	(void)state;
	rp_diag_init(&diag);
	d = tt_load(tt_shared("fixtures/tfplan/terraform-compliance/tests/functional/"
			      "test_issue-294/plan.out.json"),
		    RP_INPUT_TFPLAN, &rc, &diag);
	assert_int_equal(rc, 0);
	nic = tt_by_address(d, "module.windowsservers-pass.azurerm_network_interface.vm[0]");
	pip = tt_by_address(d, "module.windowsservers-pass.azurerm_public_ip.vm[0]");
	vm = tt_by_address(d, "module.windowsservers-pass.azurerm_virtual_machine.vm-windows[0]");
	sub = tt_by_address(d, "azurerm_subnet.internal");
	nsg = tt_by_address(d, "module.windowsservers-pass.azurerm_network_security_group.vm");
	rule = tt_by_address(d, "module.windowsservers-pass.azurerm_network_security_rule.vm");
	lnic = tt_by_address(d, "module.linuxservers-fail.azurerm_network_interface.vm[0]");
	lvm = tt_by_address(d, "module.linuxservers-fail.azurerm_virtual_machine.vm-linux[0]");
	assert_non_null(nic);
	assert_non_null(pip);
	assert_non_null(vm);
	assert_non_null(sub);
	assert_non_null(nsg);
	assert_non_null(rule);
	assert_non_null(lnic);
	assert_non_null(lvm);
	assert_string_equal(sub->id->u.s,
			    SUB "tfctagcheck-rg/providers/Microsoft.Network/virtualNetworks/"
				"tfctagcheck-network/subnets/internal");
	assert_string_equal(sub->name->u.s, "tfctagcheck-network/internal");
	/* subnet_id = var.vnet_subnet_id -> module call -> azurerm_subnet.internal */
	assert_string_equal(tt_str(nic, "properties.ipConfigurations[0].properties.subnet.id"),
			    sub->id->u.s);
	/* public_ip_address_id = azurerm_public_ip.vm[count.index] */
	assert_string_equal(
		tt_str(nic, "properties.ipConfigurations[0].properties.publicIPAddress.id"),
		pip->id->u.s);
	/* the association resource sets the NIC's NSG */
	assert_string_equal(tt_str(nic, "properties.networkSecurityGroup.id"), nsg->id->u.s);
	assert_string_equal(
		tt_str(lnic, "properties.networkSecurityGroup.id"),
		SUB "tfctagcheck-rg/providers/Microsoft.Network/networkSecurityGroups/myvm-nsg");
	/* "" public_ip_address_id (nb_public_ip = 0): no public IP */
	assert_null(tt_path(lnic, "properties.ipConfigurations[0].properties.publicIPAddress"));
	assert_string_equal(tt_str(vm, "properties.networkProfile.networkInterfaces[0].id"),
			    nic->id->u.s);
	assert_string_equal(tt_str(vm, "properties.osProfile.computerName"), "mywinvm-0");
	assert_int_equal(tt_bool(vm, "properties.osProfile.windowsConfiguration.provisionVMAgent"),
			 1);
	assert_int_equal(
		tt_bool(lvm,
			"properties.osProfile.linuxConfiguration.disablePasswordAuthentication"),
		1);
	assert_string_equal(tt_str(lvm, "properties.storageProfile.imageReference.offer"),
			    "UbuntuServer");
	assert_string_equal(
		tt_str(lvm, "properties.storageProfile.osDisk.managedDisk.storageAccountType"),
		"Premium_LRS");
	v = tt_path(vm, "properties.osProfile.adminPassword");
	assert_non_null(v);
	assert_true(v->flags & RP_VF_SECURE);
	/* known after apply, with the address in the reason */
	v = nic->location;
	assert_true(rp_value_is(v, RP_V_UNKNOWN));
	assert_string_equal(v->u.reason,
			    "known after apply: "
			    "module.windowsservers-pass.azurerm_network_interface.vm[0].location");
	/* NSG rule child resource with its ARM name and properties */
	assert_string_equal(rule->type, "Microsoft.Network/networkSecurityGroups/securityRules");
	assert_string_equal(rule->name->u.s, "mywinvm-nsg/allow_remote_3389_in_all");
	assert_string_equal(tt_str(rule, "properties.destinationPortRange"), "3389");
	assert_string_equal(tt_str(rule, "properties.sourceAddressPrefix"), "*");
	assert_null(tt_path(rule, "properties.sourcePortRanges"));
	assert_int_equal(tt_path(rule, "properties.priority")->u.i, 100);
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

/* Line of the first occurrence of needle in the case file. */
static unsigned line_of(const rp_deployment *d, const char *needle)
{
	const char *text = d->sources[0]->data, *p = strstr(text, needle);
	unsigned line = 1;

	assert_non_null(p);
	for (; text < p; text++)
		line += *text == '\n';
	return line;
}

/* Format 1.2, nested modules, module outputs, count, sensitive_values. */
static void test_modules_v4(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_resource *vm, *nic, *sub, *nsg, *asg, *pip, *vnet;
	const rp_value *v;

	(void)state;
	rp_diag_init(&diag);
	d = load_case("linux-vm-modules.json", &diag);
	assert_int_equal(d->nresources, 7);
	vm = tt_by_address(d, "module.app.azurerm_linux_virtual_machine.vm[0]");
	nic = tt_by_address(d, "module.app.azurerm_network_interface.vm[0]");
	sub = tt_by_address(d, "module.net.azurerm_subnet.app");
	nsg = tt_by_address(d, "module.net.azurerm_network_security_group.app");
	asg = tt_by_address(d, "module.app.azurerm_application_security_group.web");
	pip = tt_by_address(d, "module.app.azurerm_public_ip.vm[0]");
	vnet = tt_by_address(d, "module.net.azurerm_virtual_network.this");
	assert_true(vm && nic && sub && nsg && asg && pip && vnet);
	/* Trusted Launch from secure_boot_enabled / vtpm_enabled */
	assert_string_equal(tt_str(vm, "properties.securityProfile.securityType"), "TrustedLaunch");
	assert_int_equal(tt_bool(vm, "properties.securityProfile.uefiSettings.secureBootEnabled"),
			 1);
	assert_int_equal(tt_bool(vm, "properties.securityProfile.uefiSettings.vTpmEnabled"), 1);
	assert_int_equal(tt_bool(vm, "properties.securityProfile.encryptionAtHost"), 1);
	assert_int_equal(
		tt_bool(vm,
			"properties.osProfile.linuxConfiguration.disablePasswordAuthentication"),
		0);
	assert_string_equal(
		tt_str(vm, "properties.osProfile.linuxConfiguration.ssh.publicKeys[0].path"),
		"/home/azureadmin/.ssh/authorized_keys");
	assert_string_equal(
		tt_str(vm, "properties.osProfile.linuxConfiguration.patchSettings.patchMode"),
		"AutomaticByPlatform");
	assert_string_equal(tt_str(vm, "properties.storageProfile.osDisk.osType"), "Linux");
	assert_string_equal(tt_str(vm, "identity.type"), "SystemAssigned");
	assert_string_equal(tt_str(vm, "zones[0]"), "1");
	assert_int_equal(tt_bool(vm, "properties.diagnosticsProfile.bootDiagnostics.enabled"), 0);
	/* sensitive_values -> RP_VF_SECURE */
	v = tt_path(vm, "properties.osProfile.adminPassword");
	assert_non_null(v);
	assert_true(v->flags & RP_VF_SECURE);
	/* spans point at the plan JSON */
	v = tt_path(vm, "properties.securityProfile.uefiSettings.secureBootEnabled");
	assert_int_equal(tt_line(v), line_of(d, "\"secure_boot_enabled\": true"));
	v = tt_path(vm, "properties.hardwareProfile.vmSize");
	assert_int_equal(tt_line(v), line_of(d, "\"size\": \"Standard_D2s_v5\""));
	assert_int_equal(v->span.len, (uint32_t)strlen("\"Standard_D2s_v5\""));
	/* links: VM -> NIC (count.index), NIC -> subnet via var -> module
	 * output, NIC -> PIP, NIC ASG association, subnet NSG association */
	assert_string_equal(tt_str(vm, "properties.networkProfile.networkInterfaces[0].id"),
			    nic->id->u.s);
	assert_string_equal(tt_str(nic, "properties.ipConfigurations[0].properties.subnet.id"),
			    sub->id->u.s);
	assert_string_equal(
		tt_str(nic, "properties.ipConfigurations[0].properties.publicIPAddress.id"),
		pip->id->u.s);
	assert_string_equal(
		tt_str(nic,
		       "properties.ipConfigurations[0].properties.applicationSecurityGroups[0].id"),
		asg->id->u.s);
	assert_string_equal(tt_str(sub, "properties.networkSecurityGroup.id"), nsg->id->u.s);
	assert_string_equal(
		sub->id->u.s, SUB
		"rg-prod/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/snet-app");
	assert_string_equal(tt_str(sub, "properties.addressPrefix"), "10.0.1.0/24");
	assert_int_equal(tt_bool(sub, "properties.defaultOutboundAccess"), 1);
	/* computed, not configured: absent, as in an ARM template */
	assert_null(tt_path(nic, "properties.ipConfigurations[0].properties.privateIPAddress"));
	assert_null(tt_path(vnet, "properties.subnets"));
	/* inline security_rule blocks with ARM names, plural forms, no empty strings */
	assert_string_equal(tt_str(nsg, "properties.securityRules[0].name"), "ssh-in");
	assert_string_equal(
		tt_str(nsg, "properties.securityRules[0].properties.sourceAddressPrefix"),
		"Internet");
	assert_string_equal(
		tt_str(nsg, "properties.securityRules[0].properties.destinationPortRange"), "22");
	assert_null(tt_path(nsg, "properties.securityRules[0].properties.description"));
	assert_null(tt_path(nsg, "properties.securityRules[0].properties.destinationPortRanges"));
	assert_string_equal(
		tt_str(nsg, "properties.securityRules[1].properties.destinationPortRanges[0]"),
		"443");
	assert_string_equal(
		tt_str(nsg, "properties.securityRules[1].properties.sourceAddressPrefixes[1]"),
		"198.51.100.7");
	assert_null(tt_path(nsg, "properties.securityRules[1].properties.sourceAddressPrefix"));
	assert_string_equal(tt_str(pip, "sku.name"), "Standard");
	assert_string_equal(tt_str(pip, "properties.publicIPAllocationMethod"), "Static");
	/* computed by Azure and not configured: absent */
	assert_null(tt_path(pip, "properties.ipAddress"));
	/* unknown inside a block without configuration: kept, with its reason */
	v = tt_path(vm, "properties.storageProfile.osDisk.diskSizeGB");
	assert_true(rp_value_is(v, RP_V_UNKNOWN));
	assert_string_equal(
		v->u.reason,
		"known after apply: "
		"module.app.azurerm_linux_virtual_machine.vm[0].os_disk[0].disk_size_gb");
	assert_string_equal(vm->api_version, "2024-03-01");
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

static void test_mappings(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_resource *r, *lb, *nic, *des, *kv;
	const char *lbid;

	(void)state;
	rp_diag_init(&diag);
	d = load_case("mappings.json", &diag);
	/* one note for the unmapped type */
	assert_int_equal(tt_ndiag(&diag, RP_DIAG_NOTE), 1);
	assert_string_equal(diag.items[0].code, "tfplan-unmapped-type");
	assert_null(tt_by_address(d, "azurerm_kubernetes_cluster.aks"));
	/* merged LB children and their references */
	lb = tt_by_address(d, "azurerm_lb.web");
	assert_non_null(lb);
	assert_null(tt_by_address(d, "azurerm_lb_rule.https"));
	lbid = lb->id->u.s;
	assert_string_equal(tt_str(lb, "properties.loadBalancingRules[0].name"), "https");
	assert_int_equal(
		tt_path(lb, "properties.loadBalancingRules[0].properties.backendPort")->u.i, 8443);
	assert_true(strstr(tt_str(lb, "properties.loadBalancingRules[0].properties."
				      "frontendIPConfiguration.id"),
			   "/loadBalancers/lb-web/frontendIPConfigurations/fe") != NULL);
	assert_true(strncmp(tt_str(lb, "properties.loadBalancingRules[0].properties."
				       "backendAddressPools[0].id"),
			    lbid, strlen(lbid)) == 0);
	assert_string_equal(tt_str(lb, "properties.inboundNatRules[0].name"), "ssh-nat");
	assert_string_equal(tt_str(lb, "properties.backendAddressPools[0].name"), "pool-web");
	assert_string_equal(tt_str(lb, "properties.probes[0].name"), "probe-443");
	assert_non_null(
		tt_str(lb, "properties.frontendIPConfigurations[0].properties.publicIPAddress.id"));
	nic = tt_by_address(d, "azurerm_network_interface.web");
	assert_true(strstr(tt_str(nic, "properties.ipConfigurations[0].properties."
				       "loadBalancerBackendAddressPools[0].id"),
			   "/loadBalancers/lb-web/backendAddressPools/pool-web") != NULL);
	assert_true(strstr(tt_str(nic, "properties.ipConfigurations[0].properties."
				       "loadBalancerInboundNatRules[0].id"),
			   "/loadBalancers/lb-web/inboundNatRules/ssh-nat") != NULL);
	assert_true(strstr(tt_str(nic, "properties.networkSecurityGroup.id"),
			   "/networkSecurityGroups/nsg-hub") != NULL);
	assert_string_equal(
		tt_str(nic, "properties.ipConfigurations[0].properties.privateIPAddress"),
		"10.2.1.10");
	assert_int_equal(tt_bool(nic, "properties.enableAcceleratedNetworking"), 1);
	/* NSG rule child resource with an ASG source */
	r = tt_by_address(d, "azurerm_network_security_rule.rdp");
	assert_string_equal(r->name->u.s, "nsg-hub/rdp-from-asg");
	assert_true(strstr(tt_str(r, "properties.sourceApplicationSecurityGroups[0].id"),
			   "/applicationSecurityGroups/asg-db"));
	/* VNet inline subnet with its NSG, peering, subnet */
	r = tt_by_address(d, "azurerm_virtual_network.hub");
	assert_string_equal(tt_str(r, "properties.subnets[0].name"), "snet-a");
	assert_true(strstr(tt_str(r, "properties.subnets[0].properties.networkSecurityGroup.id"),
			   "/nsg-hub"));
	r = tt_by_address(d, "azurerm_virtual_network_peering.hub_to_spoke");
	assert_string_equal(r->name->u.s, "vnet-hub/hub-to-spoke");
	assert_string_equal(tt_str(r, "properties.remoteVirtualNetwork.id"),
			    tt_by_address(d, "azurerm_virtual_network.spoke")->id->u.s);
	r = tt_by_address(d, "azurerm_subnet.spoke");
	assert_null(tt_path(r, "properties.addressPrefix"));
	assert_int_equal(tt_bool(r, "properties.defaultOutboundAccess"), 0);
	assert_string_equal(tt_str(r, "properties.serviceEndpoints[0].service"),
			    "Microsoft.Storage");
	/* Key Vault v3 and v4 names */
	kv = tt_by_address(d, "azurerm_key_vault.cmk");
	assert_int_equal(tt_bool(kv, "properties.enablePurgeProtection"), 1);
	assert_int_equal(tt_bool(kv, "properties.enableRbacAuthorization"), 1);
	assert_string_equal(tt_str(kv, "properties.publicNetworkAccess"), "Disabled");
	assert_string_equal(tt_str(kv, "properties.networkAcls.defaultAction"), "Deny");
	assert_string_equal(tt_str(kv, "properties.networkAcls.ipRules[0].value"),
			    "203.0.113.4/32");
	assert_string_equal(tt_str(kv, "properties.sku.name"), "premium");
	r = tt_by_address(d, "azurerm_key_vault.v4");
	assert_null(tt_path(r, "properties.enablePurgeProtection"));
	assert_int_equal(tt_bool(r, "properties.enableRbacAuthorization"), 0);
	assert_string_equal(tt_str(r, "properties.accessPolicies[0].permissions.secrets[1]"),
			    "List");
	/* disks and DES */
	des = tt_by_address(d, "azurerm_disk_encryption_set.des");
	assert_string_equal(tt_str(des, "properties.encryptionType"),
			    "EncryptionAtRestWithPlatformAndCustomerKeys");
	r = tt_by_address(d, "azurerm_managed_disk.data");
	assert_string_equal(tt_str(r, "properties.encryption.diskEncryptionSetId"), des->id->u.s);
	assert_string_equal(tt_str(r, "properties.networkAccessPolicy"), "DenyAll");
	assert_string_equal(tt_str(r, "properties.publicNetworkAccess"), "Disabled");
	/* Windows VM (v3 names), its OS disk DES, extension with parsed settings */
	r = tt_by_address(d, "azurerm_windows_virtual_machine.app");
	assert_null(tt_path(r, "properties.securityProfile"));
	assert_string_equal(
		tt_str(r, "properties.storageProfile.osDisk.managedDisk.diskEncryptionSet.id"),
		des->id->u.s);
	assert_int_equal(
		tt_bool(r, "properties.osProfile.windowsConfiguration.enableAutomaticUpdates"), 1);
	assert_string_equal(
		tt_str(r, "properties.osProfile.windowsConfiguration.winRM.listeners[0].protocol"),
		"Http");
	assert_int_equal(tt_bool(r, "properties.diagnosticsProfile.bootDiagnostics.enabled"), 1);
	assert_true(tt_path(r, "properties.osProfile.adminPassword")->flags & RP_VF_SECURE);
	{
		const rp_resource *ext = tt_by_address(d, "azurerm_virtual_machine_extension.ama");
		assert_string_equal(ext->name->u.s, "vm-win/AzureMonitorWindowsAgent");
		assert_string_equal(ext->id->u.s,
				    SUB "rg-map/providers/Microsoft.Compute/virtualMachines/vm-win/"
					"extensions/AzureMonitorWindowsAgent");
		assert_string_equal(tt_str(ext, "properties.settings.authentication."
						"managedIdentity.identifier-name"),
				    "mi_res_id");
		assert_string_equal(tt_str(ext, "properties.publisher"), "Microsoft.Azure.Monitor");
	}
	/* scale sets */
	r = tt_by_address(d, "azurerm_linux_virtual_machine_scale_set.web");
	assert_string_equal(r->type, "Microsoft.Compute/virtualMachineScaleSets");
	assert_string_equal(tt_str(r, "properties.orchestrationMode"), "Uniform");
	assert_string_equal(
		tt_str(r, "properties.virtualMachineProfile.securityProfile.securityType"),
		"TrustedLaunch");
	assert_null(tt_path(
		r, "properties.virtualMachineProfile.securityProfile.uefiSettings.vTpmEnabled"));
	assert_string_equal(tt_str(r, "properties.virtualMachineProfile.networkProfile."
				      "networkInterfaceConfigurations[0]"
				      ".properties.ipConfigurations[0].properties."
				      "publicIPAddressConfiguration.name"),
			    "inst-pip");
	assert_true(strstr(tt_str(r, "properties.virtualMachineProfile.networkProfile."
				     "networkInterfaceConfigurations[0]"
				     ".properties.networkSecurityGroup.id"),
			   "/nsg-hub"));
	assert_string_equal(tt_str(r, "properties.virtualMachineProfile.extensionProfile."
				      "extensions[0].properties.type"),
			    "ApplicationHealthLinux");
	assert_int_equal(tt_path(r, "sku.capacity")->u.i, 3);
	r = tt_by_address(d, "azurerm_orchestrated_virtual_machine_scale_set.flex");
	assert_string_equal(tt_str(r, "properties.orchestrationMode"), "Flexible");
	assert_int_equal(tt_bool(r, "properties.virtualMachineProfile.osProfile.linuxConfiguration."
				    "disablePasswordAuthentication"),
			 1);
	assert_int_equal(
		tt_bool(r, "properties.virtualMachineProfile.securityProfile.encryptionAtHost"), 1);
	/* storage v3 + network rules resource, v4 */
	r = tt_by_address(d, "azurerm_storage_account.v3");
	assert_string_equal(tt_str(r, "sku.name"), "Standard_GRS");
	assert_int_equal(tt_bool(r, "properties.supportsHttpsTrafficOnly"), 1);
	assert_int_equal(tt_bool(r, "properties.allowBlobPublicAccess"), 1);
	assert_string_equal(tt_str(r, "properties.minimumTlsVersion"), "TLS1_0");
	assert_string_equal(tt_str(r, "properties.networkAcls.defaultAction"), "Deny");
	assert_string_equal(tt_str(r, "properties.networkAcls.bypass"), "Logging, AzureServices");
	assert_true(strstr(tt_str(r, "properties.networkAcls.virtualNetworkRules[0].id"),
			   "/subnets/snet-spoke"));
	r = tt_by_address(d, "azurerm_storage_account.v4");
	assert_int_equal(tt_bool(r, "properties.supportsHttpsTrafficOnly"), 0);
	assert_int_equal(tt_bool(r, "properties.allowSharedKeyAccess"), 0);
	assert_int_equal(tt_bool(r, "properties.encryption.requireInfrastructureEncryption"), 1);
	assert_string_equal(tt_str(r, "properties.publicNetworkAccess"), "Disabled");
	/* monitoring: diagnostic setting scoped to the vault, flow log, pricing */
	r = tt_by_address(d, "azurerm_monitor_diagnostic_setting.kv");
	assert_string_equal(r->type, "Microsoft.Insights/diagnosticSettings");
	assert_string_equal(r->scope, kv->id->u.s);
	assert_string_equal(tt_str(r, "properties.logs[0].category"), "AuditEvent");
	assert_int_equal(tt_bool(r, "properties.logs[0].enabled"), 1);
	assert_string_equal(tt_str(r, "properties.metrics[0].category"), "AllMetrics");
	r = tt_by_address(d, "azurerm_network_watcher_flow_log.hub");
	assert_string_equal(r->name->u.s, "nw-northeurope/fl-hub");
	assert_true(
		strstr(tt_str(r, "properties.targetResourceId"), "/networkSecurityGroups/nsg-hub"));
	assert_int_equal(tt_path(r, "properties.retentionPolicy.days")->u.i, 30);
	assert_int_equal(tt_bool(r, "properties.flowAnalyticsConfiguration."
				    "networkWatcherFlowAnalyticsConfiguration.enabled"),
			 1);
	r = tt_by_address(d, "azurerm_security_center_subscription_pricing.vms");
	assert_string_equal(r->name->u.s, "VirtualMachines");
	assert_string_equal(r->id->u.s,
			    "/subscriptions/00000000-0000-0000-0000-000000000000/providers/"
			    "Microsoft.Security/pricings/VirtualMachines");
	assert_string_equal(tt_str(r, "properties.pricingTier"), "Standard");
	assert_string_equal(tt_str(r, "properties.subPlan"), "P2");
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

/* terraform show -json of state: real IDs, links by ID. */
static void test_state(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_resource *sub, *nic;

	(void)state;
	rp_diag_init(&diag);
	d = load_case("state.json", &diag);
	assert_int_equal(d->nresources, 2);
	sub = tt_by_address(d, "azurerm_subnet.app");
	nic = tt_by_address(d, "azurerm_network_interface.app");
	assert_string_equal(sub->name->u.s, "vnet-live/app");
	assert_true(strstr(sub->id->u.s, "/subscriptions/11111111-1111-1111-1111-111111111111/") ==
		    sub->id->u.s);
	assert_string_equal(tt_str(nic, "properties.ipConfigurations[0].properties.subnet.id"),
			    sub->id->u.s);
	/* association known by ID; the NSG itself is not in this state */
	assert_true(strstr(tt_str(nic, "properties.networkSecurityGroup.id"),
			   "/networkSecurityGroups/nsg-live"));
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

static void expect_fail(const char *text, int want, const char *code)
{
	rp_diag diag;
	rp_deployment *d;
	int rc = 0;

	rp_diag_init(&diag);
	d = tt_load_mem("bad.json", text, RP_INPUT_TFPLAN, &rc, &diag);
	assert_int_equal(rc, want);
	assert_true(tt_ndiag(&diag, RP_DIAG_ERROR) >= 1);
	if (code) {
		assert_non_null(diag.items[0].code);
		assert_string_equal(diag.items[0].code, code);
	}
	if (code && strcmp(code, "tfplan-version") != 0)
		assert_non_null(strstr(diag.items[0].message, "bad.json"));
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

static void test_bad_input(void **state)
{
	(void)state;
	expect_fail("{\"format_version\":\"2.0\",\"planned_values\":{}}", -RP_EUNSUPPORTED,
		    "tfplan-version");
	expect_fail("[]", -RP_EPARSE, "tfplan-shape");
	expect_fail("{\"planned_values\":{}}", -RP_EPARSE, "tfplan-shape");
	expect_fail("{\"format_version\":\"1.0\",\"planned_values\":{\"root_module\":{"
		    "\"resources\":[{\"type\":\"azurerm_subnet\"}]}}}",
		    -RP_EPARSE, "tfplan-shape");
	expect_fail("{\"format_version\":\"1.0\",", -RP_EPARSE, NULL);
}

static void test_empty_and_unknown_name(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	int rc = 0;
	const char *plan = "{\"format_version\":\"1.1\",\"terraform_version\":\"1.6.0\",\"planned_"
			   "values\":{\"root_module\":{"
			   "\"resources\":[{\"address\":\"azurerm_network_security_group.x\","
			   "\"mode\":\"managed\","
			   "\"type\":\"azurerm_network_security_group\",\"name\":\"x\",\"values\":{"
			   "\"location\":\"eastus\","
			   "\"resource_group_name\":\"rg\"}}]}},\"resource_changes\":[{\"address\":"
			   "\"azurerm_network_security_group.x\","
			   "\"change\":{\"actions\":[\"create\"],\"after_unknown\":{\"name\":true,"
			   "\"id\":true}}}]}";

	(void)state;
	rp_diag_init(&diag);
	d = tt_load_mem("plan.json", plan, RP_INPUT_UNKNOWN, &rc, &diag);
	assert_int_equal(rc, 0);
	assert_int_equal(d->nresources, 1);
	assert_true(rp_value_is(d->resources[0].name, RP_V_UNKNOWN));
	assert_string_equal(d->resources[0].name->u.reason,
			    "known after apply: azurerm_network_security_group.x.name");
	/* the ID stands in the address for the unknown name */
	assert_string_equal(d->resources[0].id->u.s,
			    SUB "rg/providers/Microsoft.Network/networkSecurityGroups/"
				"azurerm_network_security_group.x");
	rp_deployment_free(d);
	rp_diag_release(&diag);
	rp_diag_init(&diag);
	d = tt_load_mem("empty.json",
			"{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\",\"planned_"
			"values\":{\"root_module\":{}}}",
			RP_INPUT_UNKNOWN, &rc, &diag);
	assert_int_equal(rc, 0);
	assert_int_equal(d->nresources, 0);
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

static void test_type_table(void **state)
{
	size_t i, n = rp_tfplan_type_count();
	const char *want[] = {
		"azurerm_linux_virtual_machine",
		"azurerm_windows_virtual_machine",
		"azurerm_virtual_machine",
		"azurerm_linux_virtual_machine_scale_set",
		"azurerm_windows_virtual_machine_scale_set",
		"azurerm_orchestrated_virtual_machine_scale_set",
		"azurerm_network_interface",
		"azurerm_network_security_group",
		"azurerm_network_security_rule",
		"azurerm_subnet",
		"azurerm_subnet_network_security_group_association",
		"azurerm_virtual_network",
		"azurerm_virtual_network_peering",
		"azurerm_public_ip",
		"azurerm_lb",
		"azurerm_lb_rule",
		"azurerm_lb_nat_rule",
		"azurerm_lb_backend_address_pool",
		"azurerm_network_interface_backend_address_pool_association",
		"azurerm_application_security_group",
		"azurerm_network_interface_application_security_group_association",
		"azurerm_managed_disk",
		"azurerm_disk_encryption_set",
		"azurerm_virtual_machine_extension",
		"azurerm_storage_account",
		"azurerm_storage_account_network_rules",
		"azurerm_key_vault",
		"azurerm_monitor_diagnostic_setting",
		"azurerm_network_watcher_flow_log",
		"azurerm_security_center_subscription_pricing",
		"azurerm_network_interface_security_group_association",
	};
	size_t w;

	(void)state;
	assert_true(n >= sizeof(want) / sizeof(want[0]));
	for (w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		bool found = false;
		for (i = 0; i < n; i++)
			if (strcmp(rp_tfplan_type_name(i, NULL), want[w]) == 0)
				found = true;
		if (!found)
			fprintf(stderr, "missing %s\n", want[w]);
		assert_true(found);
	}
	assert_null(rp_tfplan_type_name(n, NULL));
}

/* The parity exposure plan: load balancer children merged into the
 * azurerm_lb keep their own address for findings (rp_resource_address_at),
 * and the module's pool and NAT rule reach the NICs through module outputs
 * (the association resources). */
static void test_lb_children_addresses(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_resource *lb, *front, *back;
	int rc;

	(void)state;
	rp_diag_init(&diag);
	d = tt_load(tt_source("tests/parity/exposure.tfplan.json"), RP_INPUT_UNKNOWN, &rc, &diag);
	assert_non_null(d);
	assert_int_equal(rc, 0);
	assert_int_equal(tt_ndiag(&diag, RP_DIAG_ERROR), 0);
	lb = tt_by_address(d, "module.lb.azurerm_lb.this");
	front = tt_by_address(d, "azurerm_network_interface.front");
	back = tt_by_address(d, "azurerm_network_interface.back");
	assert_non_null(lb);
	assert_non_null(front);
	assert_non_null(back);
	assert_string_equal(rp_resource_address_at(lb, ""), "module.lb.azurerm_lb.this");
	assert_string_equal(rp_resource_address_at(lb, "properties.loadBalancingRules[0]"),
			    "module.lb.azurerm_lb_rule.http");
	assert_string_equal(rp_resource_address_at(lb, "properties.inboundNatRules[0].properties"),
			    "module.lb.azurerm_lb_nat_rule.ssh");
	assert_string_equal(rp_resource_address_at(lb, "properties.backendAddressPools[0]"),
			    "module.lb.azurerm_lb_backend_address_pool.pool");
	/* a longer index is another element, not a prefix match */
	assert_string_equal(rp_resource_address_at(lb, "properties.loadBalancingRules[00]"),
			    "module.lb.azurerm_lb.this");
	assert_string_equal(rp_resource_address_at(lb, "properties.frontendIPConfigurations[0]"),
			    "module.lb.azurerm_lb.this");
	assert_string_equal(
		tt_str(front, "properties.ipConfigurations[0].properties."
			      "loadBalancerBackendAddressPools[0].id"),
		tt_str(lb,
		       "properties.loadBalancingRules[0].properties.backendAddressPools[0].id"));
	assert_string_equal(
		tt_str(back, "properties.ipConfigurations[0].properties."
			     "loadBalancerInboundNatRules[0].id"),
		"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rampart-rg/"
		"providers/Microsoft.Network/loadBalancers/lb-front/inboundNatRules/ssh-nat");
	assert_string_equal(
		tt_str(lb, "properties.inboundNatRules[0].properties.frontendIPConfiguration.id"),
		"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rampart-rg/"
		"providers/Microsoft.Network/loadBalancers/lb-front/frontendIPConfigurations/fe1");
	assert_null(rp_resource_address_at(NULL, ""));
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_lb_children_addresses),
		cmocka_unit_test(test_issue_294_links),
		cmocka_unit_test(test_modules_v4),
		cmocka_unit_test(test_mappings),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_empty_and_unknown_name),
		cmocka_unit_test(test_type_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
