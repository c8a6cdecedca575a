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
#include "json/json.h"
#include "json/value.h"
#include "util/buf.h"
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

/* ---- a plan big enough that the load hands its tape back as it goes ----
 *
 * N modules, each: an azurerm_lb_rule listed BEFORE the azurerm_lb it is
 * merged into (and one more in the root module, at the very start of
 * planned_values, reaching it through a module output), the lb, an NSG whose name has an escape, a
 * subnet, the association (after both), and a VM whose admin_password is sensitive only through
 * resource_changes' after_sensitive.  resource_changes come in reverse module order (the change of
 * the first body is the last change), and a prior_state member (never read) comes first.  Every
 * body must be exactly what the small plan gives, and the tape of
 * planned_values must have gone back to the system. */
#define BIG_MODULES 2500u

static void big_values(rp_buf *b, unsigned i)
{
	rp_buf_printf(
		b,
		"{\"address\":\"module.m%u\",\"resources\":["
		"{\"address\":\"module.m%u.azurerm_lb_rule.r\",\"mode\":\"managed\",\"type\":"
		"\"azurerm_lb_rule\",\"name\":\"r\",\"values\":{\"name\":\"http\",\"protocol\":"
		"\"Tcp\",\"frontend_port\":80,\"backend_port\":8080,\"frontend_ip_configuration_"
		"name\":\"fe1\"},\"sensitive_values\":{}},"
		"{\"address\":\"module.m%u.azurerm_lb.this\",\"mode\":\"managed\",\"type\":"
		"\"azurerm_lb\",\"name\":\"this\",\"values\":{\"location\":\"westeurope\",\"name\":"
		"\"lb-%u\",\"resource_group_name\":\"rg\",\"sku\":\"Standard\","
		"\"frontend_ip_configuration\":[{\"name\":\"fe1\"}]},\"sensitive_values\":{}},"
		"{\"address\":\"module.m%u.azurerm_network_security_group.n\",\"mode\":\"managed\","
		"\"type\":\"azurerm_network_security_group\",\"name\":\"n\",\"values\":{"
		"\"location\":\"westeurope\",\"name\":\"nsg-\\u00e9%u\",\"resource_group_name\":"
		"\"rg\",\"security_rule\":[{\"access\":\"Allow\",\"direction\":\"Inbound\","
		"\"name\":\"ssh\",\"priority\":100,\"protocol\":\"Tcp\",\"source_address_prefix\":"
		"\"10.%u.0.0/16\",\"destination_address_prefix\":\"*\",\"source_port_range\":\"*\","
		"\"destination_port_range\":\"22\"}]},\"sensitive_values\":{}},"
		"{\"address\":\"module.m%u.azurerm_subnet.s\",\"mode\":\"managed\",\"type\":"
		"\"azurerm_subnet\",\"name\":\"s\",\"values\":{\"name\":\"snet-%u\","
		"\"resource_group_name\":\"rg\",\"virtual_network_name\":\"vnet\","
		"\"address_prefixes\":[\"10.%u.1.0/24\"]},\"sensitive_values\":{}},"
		"{\"address\":\"module.m%u.azurerm_subnet_network_security_group_association.a\","
		"\"mode\":\"managed\",\"type\":\"azurerm_subnet_network_security_group_"
		"association\",\"name\":\"a\",\"values\":{}},"
		"{\"address\":\"module.m%u.azurerm_linux_virtual_machine.vm\",\"mode\":\"managed\","
		"\"type\":\"azurerm_linux_virtual_machine\",\"name\":\"vm\",\"values\":{"
		"\"location\":\"westeurope\",\"name\":\"vm-%u\",\"resource_group_name\":\"rg\","
		"\"size\":\"Standard_B1s\",\"admin_username\":\"ops\",\"admin_password\":"
		"\"pw-%u\"}}]}",
		i, i, i, i, i, i, i % 250, i, i, i % 250, i, i, i, i);
}

/* 40 numbers no loader reads: what keeps the early parts of planned_values
 * and resource_changes over a whole 2 MiB block of tape. */
#define BIG_NUMS "[0,1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9]"
#define BIG_PAD "\"pad\":" BIG_NUMS
/* four times as many */
#define BIG_PAD4 BIG_PAD ",\"pad2\":" BIG_NUMS ",\"pad3\":" BIG_NUMS ",\"pad4\":" BIG_NUMS

/* The change of the root module's rule of module i (a comma after it). */
static void big_rule_change(rp_buf *b, unsigned i)
{
	rp_buf_printf(b,
		      "{\"address\":\"azurerm_lb_rule.r%u\",\"change\":{\"actions\":["
		      "\"create\"],\"after_unknown\":{\"id\":true,\"loadbalancer_id\":"
		      "true,\"backend_port\":true}}," BIG_PAD4 "},",
		      i);
}

/* The module's changes but the VM's (which come early, with the root
 * module's rules). */
static void big_changes(rp_buf *b, unsigned i, bool last)
{
	rp_buf_printf(
		b,
		"{\"address\":\"module.m%u.azurerm_lb_rule.r\",\"change\":{\"actions\":["
		"\"create\"],\"after_unknown\":{\"id\":true,\"loadbalancer_id\":true}}},"
		"{\"address\":\"module.m%u.azurerm_lb.this\",\"change\":{\"actions\":[\"create\"],"
		"\"after_unknown\":{\"id\":true}}},"
		"{\"address\":\"module.m%u.azurerm_network_security_group.n\",\"change\":{"
		"\"actions\":[\"create\"],\"after_unknown\":{\"id\":true}}},"
		"{\"address\":\"module.m%u.azurerm_subnet.s\",\"change\":{\"actions\":[\"create\"],"
		"\"after_unknown\":{\"id\":true}}},"
		"{\"address\":\"module.m%u.azurerm_subnet_network_security_group_association.a\","
		"\"change\":{\"actions\":[\"create\"],\"after_unknown\":{\"id\":true,\"subnet_id\":"
		"true,\"network_security_group_id\":true}}}%s",
		i, i, i, i, i, last ? "" : ",");
}

static void big_config(rp_buf *b, unsigned i)
{
	rp_buf_printf(
		b,
		"\"m%u\":{\"source\":\"./m\",\"module\":{\"outputs\":{\"lb_id\":{"
		"\"expression\":{\"references\":[\"azurerm_lb.this.id\",\"azurerm_lb.this\"]}}},"
		"\"resources\":["
		"{\"address\":\"azurerm_lb_rule.r\",\"mode\":\"managed\",\"type\":\"azurerm_lb_"
		"rule\",\"name\":\"r\",\"expressions\":{\"loadbalancer_id\":{\"references\":["
		"\"azurerm_lb.this.id\",\"azurerm_lb.this\"]}}},"
		"{\"address\":\"azurerm_subnet_network_security_group_association.a\",\"mode\":"
		"\"managed\",\"type\":\"azurerm_subnet_network_security_group_association\","
		"\"name\":\"a\",\"expressions\":{\"subnet_id\":{\"references\":[\"azurerm_subnet.s."
		"id\",\"azurerm_subnet.s\"]},\"network_security_group_id\":{\"references\":["
		"\"azurerm_network_security_group.n.id\",\"azurerm_network_security_group.n\"]}}}"
		"]}}",
		i);
}

/* The plan of modules [first, first + n) (changes reversed, prior_state
 * first). */
static void big_plan(rp_buf *b, unsigned first, unsigned n)
{
	unsigned i;

	rp_buf_puts(b, "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\","
		       "\"prior_state\":{\"format_version\":\"1.0\",\"values\":{\"root_module\":{"
		       "\"child_modules\":[");
	for (i = first; i < first + n; i++) {
		if (i > first)
			rp_buf_putc(b, ',');
		big_values(b, i);
	}
	rp_buf_puts(b, "]}}},\"planned_values\":{\"root_module\":{\"resources\":[");
	for (i = first; i < first + n; i++)
		rp_buf_printf(b,
			      "%s{\"address\":\"azurerm_lb_rule.r%u\",\"mode\":\"managed\","
			      "\"type\":\"azurerm_lb_rule\",\"name\":\"r%u\",\"values\":{"
			      "\"name\":\"root-%u\",\"protocol\":\"Udp\",\"frontend_port\":53,"
			      "\"frontend_ip_configuration_name\":\"fe1\"}," BIG_PAD "}",
			      i > first ? "," : "", i, i, i);
	rp_buf_puts(b, "],\"child_modules\":[");
	for (i = first; i < first + n; i++) {
		if (i > first)
			rp_buf_putc(b, ',');
		big_values(b, i);
	}
	/* the root module's rules' changes (their backend_port known after
	 * apply) for the first half of the modules, every VM's (sensitive,
	 * nothing unknown), the rules' of the second half, then the rest
	 * module by module: the early ones are read to the end */
	rp_buf_puts(b, "]}},\"resource_changes\":[");
	for (i = first; i < first + n / 2; i++)
		big_rule_change(b, i);
	for (i = first; i < first + n; i++)
		rp_buf_printf(b,
			      "{\"address\":\"module.m%u.azurerm_linux_virtual_machine.vm\","
			      "\"change\":{\"actions\":[\"create\"],\"after_sensitive\":{"
			      "\"admin_password\":true,\"admin_username\":true}}," BIG_PAD4 "},",
			      i);
	for (i = first + n / 2; i < first + n; i++)
		big_rule_change(b, i);
	for (i = first; i < first + n; i++)
		big_changes(b, i, i + 1 == first + n);
	rp_buf_puts(b, "],\"configuration\":{\"root_module\":{\"resources\":[");
	for (i = first; i < first + n; i++)
		rp_buf_printf(b,
			      "%s{\"address\":\"azurerm_lb_rule.r%u\",\"mode\":\"managed\","
			      "\"type\":\"azurerm_lb_rule\",\"name\":\"r%u\",\"expressions\":{"
			      "\"loadbalancer_id\":{\"references\":[\"module.m%u.lb_id\","
			      "\"module.m%u\"]},\"backend_port\":{\"references\":["
			      "\"var.port\"]}}}",
			      i > first ? "," : "", i, i, i, i);
	rp_buf_puts(b, "],\"module_calls\":{");
	for (i = first; i < first + n; i++) {
		if (i > first)
			rp_buf_putc(b, ',');
		big_config(b, i);
	}
	rp_buf_puts(b, "}}}}");
}

/* The text of v's span. */
static bool span_is(const rp_value *v, const char *text)
{
	return v && v->span.src && v->span.len == strlen(text) &&
	       memcmp(v->span.src->data + v->span.off, text, v->span.len) == 0;
}

/* r (of the big plan d) has exactly the body, name, ID and spans of the
 * resource at the same address in the small plan s. */
static void same_resource(const rp_deployment *d, const rp_resource *r, const rp_deployment *s)
{
	const rp_resource *x = tt_by_address(s, r->address);
	rp_buf a = RP_BUF_INIT, bb = RP_BUF_INIT;
	rp_jw wa, wb;

	(void)d;
	assert_non_null(x);
	assert_string_equal(r->type, x->type);
	assert_true(rp_value_equal(r->id, x->id));
	assert_true(rp_value_equal(r->name, x->name));
	rp_jw_init(&wa, &a, 0);
	rp_jw_init(&wb, &bb, 0);
	rp_value_write(&wa, r->body);
	rp_value_write(&wb, x->body);
	assert_int_equal(a.len, bb.len);
	assert_memory_equal(a.data, bb.data, a.len);
	rp_buf_release(&a);
	rp_buf_release(&bb);
}

static void test_big_plan_tape_released(void **state)
{
	rp_buf b = RP_BUF_INIT, one = RP_BUF_INIT;
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	rp_deployment *d = rp_deployment_new();
	rp_diag diag;
	uint32_t pv, pvend, ps, mid, zeros = 0, k;
	size_t i;
	unsigned m;

	(void)state;
	rp_diag_init(&diag);
	big_plan(&b, 0, BIG_MODULES);
	assert_non_null(d);
	assert_int_equal(rp_source_from_memory("big.tfplan.json", b.data, b.len, &src), 0);
	assert_int_equal(rp_deployment_own_source(d, src), 0);
	assert_int_equal(rp_json_parse(src, RP_JSON_STRICT, &doc, &diag), 0);
	/* a tape well past the size from which it is handed back */
	assert_true((size_t)doc->nnodes * sizeof(rp_json_node) > ((size_t)8 << 20));
	ps = rp_json_getz(doc, 0, "prior_state");
	pv = rp_json_getz(doc, 0, "planned_values");
	assert_true(ps != RP_JSON_NONE && pv != RP_JSON_NONE);
	pvend = doc->nodes[pv].next;
	mid = doc->nodes[ps].next / 2;
	assert_int_equal(rp_tfplan_load_doc(doc, d, &diag), 0);
	assert_int_equal(tt_ndiag(&diag, RP_DIAG_ERROR), 0);
	/* peeking at the used-up tape (the test's privilege): prior_state
	 * went back after the walk, most of planned_values during the load */
	assert_int_equal(doc->nodes[mid].next, 0);
	for (k = pv; k < pvend; k++)
		zeros += doc->nodes[k].next == 0;
	assert_true(zeros > (pvend - pv) / 3);
	doc = rp_json_doc_free(doc);
	/* 5 bodies per module (the rule merged into its lb, the association
	 * applied to its subnet) */
	assert_int_equal(d->nresources, (size_t)BIG_MODULES * 4);
	for (m = 0; m < BIG_MODULES; m += 1) {
		char addr[128], want[128];
		const rp_resource *lb, *nsg, *sn, *vm;
		const rp_value *v;
		/* in plan order */
		lb = &d->resources[4 * m];
		nsg = &d->resources[4 * m + 1];
		sn = &d->resources[4 * m + 2];
		vm = &d->resources[4 * m + 3];
		snprintf(addr, sizeof(addr), "module.m%u.azurerm_lb.this", m);
		assert_string_equal(lb->address, addr);
		snprintf(addr, sizeof(addr), "module.m%u.azurerm_network_security_group.n", m);
		assert_string_equal(nsg->address, addr);
		snprintf(addr, sizeof(addr), "module.m%u.azurerm_subnet.s", m);
		assert_string_equal(sn->address, addr);
		snprintf(addr, sizeof(addr), "module.m%u.azurerm_linux_virtual_machine.vm", m);
		assert_string_equal(vm->address, addr);
		/* the merged rules, read after their own places were passed:
		 * the root module's (at the start of planned_values), then the
		 * module's own (just before the lb) */
		snprintf(want, sizeof(want), "root-%u", m);
		assert_string_equal(tt_str(lb, "properties.loadBalancingRules[0].name"), want);
		assert_string_equal(
			tt_str(lb, "properties.loadBalancingRules[0].properties.protocol"), "Udp");
		assert_true(rp_value_is(
			tt_path(lb, "properties.loadBalancingRules[0].properties.backendPort"),
			RP_V_UNKNOWN));
		assert_string_equal(tt_str(lb, "properties.loadBalancingRules[1].name"), "http");
		assert_int_equal(
			tt_path(lb, "properties.loadBalancingRules[1].properties.backendPort")->u.i,
			8080);
		snprintf(want, sizeof(want), "nsg-\xc3\xa9%u", m);
		assert_string_equal(tt_str(nsg, "name"), want);
		snprintf(want, sizeof(want), "\"nsg-\\u00e9%u\"", m);
		assert_true(span_is(tt_path(nsg, "name"), want));
		snprintf(want, sizeof(want), "\"10.%u.0.0/16\"", m % 250);
		assert_true(span_is(
			tt_path(nsg, "properties.securityRules[0].properties.sourceAddressPrefix"),
			want));
		/* the association, applied to the subnet */
		assert_string_equal(tt_str(sn, "properties.networkSecurityGroup.id"), nsg->id->u.s);
		/* sensitive through after_sensitive (early in resource_changes) */
		v = tt_path(vm, "properties.osProfile.adminPassword");
		assert_non_null(v);
		assert_true(v->flags & RP_VF_SECURE);
		snprintf(want, sizeof(want), "\"pw-%u\"", m);
		assert_true(span_is(v, want));
		/* admin_username: secure only through after_sensitive */
		v = tt_path(vm, "properties.osProfile.adminUsername");
		assert_non_null(v);
		assert_true(v->flags & RP_VF_SECURE);
		snprintf(want, sizeof(want), "{\"address\":\"module.m%u.azurerm_lb.this\"", m);
		assert_int_equal(memcmp(src->data + lb->span.off, want, strlen(want)), 0);
	}
	/* every body as the plan of its module alone (a tape too small to be
	 * handed back) gives it, for a sample of modules */
	for (m = 0; m < BIG_MODULES; m += 249) {
		rp_deployment *s;
		int rc = 0;
		rp_buf_clear(&one);
		big_plan(&one, m, 1);
		s = tt_load_mem("one.tfplan.json", one.data, RP_INPUT_TFPLAN, &rc, &diag);
		assert_int_equal(rc, 0);
		assert_non_null(s);
		assert_int_equal(s->nresources, 4);
		for (i = 0; i < d->nresources; i++) {
			char pre[64];
			snprintf(pre, sizeof(pre), "module.m%u.", m);
			if (strncmp(d->resources[i].address, pre, strlen(pre)) == 0)
				same_resource(d, &d->resources[i], s);
		}
		rp_deployment_free(s);
	}
	rp_deployment_free(d);
	rp_diag_release(&diag);
	rp_buf_release(&b);
	rp_buf_release(&one);
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
		cmocka_unit_test(test_big_plan_tape_released),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
