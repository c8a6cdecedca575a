/* tftables.c: the static mapping tables, one per azurerm resource type, from
 * Terraform attributes (azurerm provider v3 and v4 names; v2 names where they
 * still appear in real plans) to the ARM type and property layout the model
 * and rules read.  docs/terraform.md lists the same mapping for users.
 *
 * Sources: ARM property names from /work/shared/reference/azure-facts.md
 * sections 1-5 and 8.7; azurerm attribute names from the provider's
 * documentation.  Conventions (applied by tfmap.c): null, "" and [] are
 * absent (azurerm sends no property for them); TC_TRUE_ONLY marks booleans
 * azurerm sends only when true (secure boot, vTPM, encryption at host), so
 * false is "absent" exactly as in an ARM template that omits it.
 */
#include "ingest/tfplan/tf_int.h"

#include <string.h>

#define END                                     \
	{                                       \
		NULL, NULL, TC_COPY, NULL, NULL \
	}

#define T_NSG "Microsoft.Network/networkSecurityGroups"
#define T_ASG "Microsoft.Network/applicationSecurityGroups"
#define T_SUBNET "Microsoft.Network/virtualNetworks/subnets"
#define T_VNET "Microsoft.Network/virtualNetworks"
#define T_PIP "Microsoft.Network/publicIPAddresses"
#define T_NIC "Microsoft.Network/networkInterfaces"
#define T_LB "Microsoft.Network/loadBalancers"
#define T_LB_POOL "Microsoft.Network/loadBalancers/backendAddressPools"
#define T_LB_NAT "Microsoft.Network/loadBalancers/inboundNatRules"
#define T_LB_PROBE "Microsoft.Network/loadBalancers/probes"
#define T_VM "Microsoft.Compute/virtualMachines"
#define T_VMSS "Microsoft.Compute/virtualMachineScaleSets"
#define T_DISK "Microsoft.Compute/disks"
#define T_DES "Microsoft.Compute/diskEncryptionSets"
#define T_AVSET "Microsoft.Compute/availabilitySets"
#define T_SA "Microsoft.Storage/storageAccounts"
#define T_KV "Microsoft.KeyVault/vaults"
#define T_WATCHER "Microsoft.Network/networkWatchers"

#define API_COMPUTE "2024-03-01"
#define API_DISK "2023-10-02"
#define API_NETWORK "2023-09-01"
#define API_STORAGE "2023-01-01"
#define API_KV "2023-07-01"

/* ---------------- network ---------------- */

static const tf_attr nsg_rule_props[] = {
	{ "description", "description", TC_COPY, NULL, NULL },
	{ "protocol", "protocol", TC_COPY, NULL, NULL },
	{ "source_port_range", "sourcePortRange", TC_COPY, NULL, NULL },
	{ "source_port_ranges", "sourcePortRanges", TC_COPY, NULL, NULL },
	{ "destination_port_range", "destinationPortRange", TC_COPY, NULL, NULL },
	{ "destination_port_ranges", "destinationPortRanges", TC_COPY, NULL, NULL },
	{ "source_address_prefix", "sourceAddressPrefix", TC_COPY, NULL, NULL },
	{ "source_address_prefixes", "sourceAddressPrefixes", TC_COPY, NULL, NULL },
	{ "destination_address_prefix", "destinationAddressPrefix", TC_COPY, NULL, NULL },
	{ "destination_address_prefixes", "destinationAddressPrefixes", TC_COPY, NULL, NULL },
	{ "source_application_security_group_ids", "sourceApplicationSecurityGroups", TC_ID_LIST,
	  T_ASG, NULL },
	{ "destination_application_security_group_ids", "destinationApplicationSecurityGroups",
	  TC_ID_LIST, T_ASG, NULL },
	{ "access", "access", TC_COPY, NULL, NULL },
	{ "priority", "priority", TC_COPY, NULL, NULL },
	{ "direction", "direction", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr nsg_rule_inline[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ NULL, "properties", TC_GROUP, NULL, nsg_rule_props },
	END,
};

static const tf_attr nsg_attrs[] = {
	{ "security_rule", "properties.securityRules", TC_BLOCKS, NULL, nsg_rule_inline },
	END,
};

static const tf_attr nsg_rule_attrs[] = {
	{ NULL, "properties", TC_GROUP, NULL, nsg_rule_props },
	END,
};

static const tf_attr asg_attrs[] = { END };

static const tf_attr subnet_props[] = {
	{ "address_prefix", "addressPrefix", TC_COPY, NULL, NULL },
	{ "address_prefixes", "addressPrefixes", TC_COPY, NULL, NULL },
	{ "address_prefixes", "addressPrefix", TC_SINGLE, NULL, NULL },
	{ "default_outbound_access_enabled", "defaultOutboundAccess", TC_COPY, NULL, NULL },
	{ "service_endpoints", "serviceEndpoints", TC_SERVICE_LIST, NULL, NULL },
	{ "private_endpoint_network_policies", "privateEndpointNetworkPolicies", TC_COPY, NULL,
	  NULL },
	{ "network_security_group_id", "networkSecurityGroup.id", TC_ID, T_NSG, NULL },
	{ "security_group", "networkSecurityGroup.id", TC_ID, T_NSG, NULL },
	{ "route_table_id", "routeTable.id", TC_ID, NULL, NULL },
	END,
};

static const tf_attr subnet_attrs[] = {
	{ NULL, "properties", TC_GROUP, NULL, subnet_props },
	END,
};

static const tf_attr vnet_subnet_inline[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ NULL, "properties", TC_GROUP, NULL, subnet_props },
	END,
};

static const tf_attr vnet_attrs[] = {
	{ "address_space", "properties.addressSpace.addressPrefixes", TC_COPY, NULL, NULL },
	{ "dns_servers", "properties.dhcpOptions.dnsServers", TC_COPY, NULL, NULL },
	{ "subnet", "properties.subnets", TC_BLOCKS, NULL, vnet_subnet_inline },
	{ "ddos_protection_plan", "properties.enableDdosProtection", TC_PRESENT, NULL, NULL },
	END,
};

static const tf_attr peering_attrs[] = {
	{ "remote_virtual_network_id", "properties.remoteVirtualNetwork.id", TC_ID, T_VNET, NULL },
	{ "allow_virtual_network_access", "properties.allowVirtualNetworkAccess", TC_COPY, NULL,
	  NULL },
	{ "allow_forwarded_traffic", "properties.allowForwardedTraffic", TC_COPY, NULL, NULL },
	{ "allow_gateway_transit", "properties.allowGatewayTransit", TC_COPY, NULL, NULL },
	{ "use_remote_gateways", "properties.useRemoteGateways", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr pip_attrs[] = {
	{ "sku", "sku.name", TC_COPY, NULL, NULL },
	{ "sku_tier", "sku.tier", TC_COPY, NULL, NULL },
	{ "allocation_method", "properties.publicIPAllocationMethod", TC_CAPITAL, NULL, NULL },
	{ "ip_version", "properties.publicIPAddressVersion", TC_COPY, NULL, NULL },
	{ "idle_timeout_in_minutes", "properties.idleTimeoutInMinutes", TC_COPY, NULL, NULL },
	{ "domain_name_label", "properties.dnsSettings.domainNameLabel", TC_COPY, NULL, NULL },
	{ "public_ip_prefix_id", "properties.publicIPPrefix.id", TC_ID, NULL, NULL },
	{ "ip_address", "properties.ipAddress", TC_COPY, NULL, NULL },
	{ "zones", "zones", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr nic_ipconfig_props[] = {
	{ "subnet_id", "subnet.id", TC_ID, T_SUBNET, NULL },
	{ "private_ip_address_allocation", "privateIPAllocationMethod", TC_CAPITAL, NULL, NULL },
	{ "private_ip_address", "privateIPAddress", TC_COPY, NULL, NULL },
	{ "private_ip_address_version", "privateIPAddressVersion", TC_COPY, NULL, NULL },
	{ "public_ip_address_id", "publicIPAddress.id", TC_ID, T_PIP, NULL },
	{ "primary", "primary", TC_COPY, NULL, NULL },
	{ "load_balancer_backend_address_pools_ids", "loadBalancerBackendAddressPools", TC_ID_LIST,
	  T_LB_POOL, NULL },
	{ "load_balancer_inbound_nat_rules_ids", "loadBalancerInboundNatRules", TC_ID_LIST,
	  T_LB_NAT, NULL },
	{ "application_security_group_ids", "applicationSecurityGroups", TC_ID_LIST, T_ASG, NULL },
	END,
};

static const tf_attr nic_ipconfig[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ NULL, "properties", TC_GROUP, NULL, nic_ipconfig_props },
	END,
};

static const tf_attr nic_attrs[] = {
	{ "enable_accelerated_networking", "properties.enableAcceleratedNetworking", TC_COPY, NULL,
	  NULL },
	{ "accelerated_networking_enabled", "properties.enableAcceleratedNetworking", TC_COPY, NULL,
	  NULL },
	{ "enable_ip_forwarding", "properties.enableIPForwarding", TC_COPY, NULL, NULL },
	{ "ip_forwarding_enabled", "properties.enableIPForwarding", TC_COPY, NULL, NULL },
	{ "dns_servers", "properties.dnsSettings.dnsServers", TC_COPY, NULL, NULL },
	{ "network_security_group_id", "properties.networkSecurityGroup.id", TC_ID, T_NSG, NULL },
	{ "ip_configuration", "properties.ipConfigurations", TC_BLOCKS, NULL, nic_ipconfig },
	END,
};

static const tf_attr lb_frontend_props[] = {
	{ "public_ip_address_id", "publicIPAddress.id", TC_ID, T_PIP, NULL },
	{ "subnet_id", "subnet.id", TC_ID, T_SUBNET, NULL },
	{ "private_ip_address", "privateIPAddress", TC_COPY, NULL, NULL },
	{ "private_ip_address_allocation", "privateIPAllocationMethod", TC_CAPITAL, NULL, NULL },
	{ "private_ip_address_version", "privateIPAddressVersion", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr lb_frontend[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ NULL, "properties", TC_GROUP, NULL, lb_frontend_props },
	END,
};

static const tf_attr lb_attrs[] = {
	{ "sku", "sku.name", TC_COPY, NULL, NULL },
	{ "sku_tier", "sku.tier", TC_COPY, NULL, NULL },
	{ "frontend_ip_configuration", "properties.frontendIPConfigurations", TC_BLOCKS, NULL,
	  lb_frontend },
	END,
};

/* Elements merged into the parent load balancer (name + properties). */
static const tf_attr lb_rule_attrs[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "frontend_ip_configuration_name", "properties.frontendIPConfiguration.id", TC_CHILD_ID,
	  "frontendIPConfigurations", NULL },
	{ "backend_address_pool_id", "properties.backendAddressPool.id", TC_ID, T_LB_POOL, NULL },
	{ "backend_address_pool_ids", "properties.backendAddressPools", TC_ID_LIST, T_LB_POOL,
	  NULL },
	{ "probe_id", "properties.probe.id", TC_ID, T_LB_PROBE, NULL },
	{ "protocol", "properties.protocol", TC_COPY, NULL, NULL },
	{ "frontend_port", "properties.frontendPort", TC_COPY, NULL, NULL },
	{ "backend_port", "properties.backendPort", TC_COPY, NULL, NULL },
	{ "enable_floating_ip", "properties.enableFloatingIP", TC_COPY, NULL, NULL },
	{ "floating_ip_enabled", "properties.enableFloatingIP", TC_COPY, NULL, NULL },
	{ "disable_outbound_snat", "properties.disableOutboundSnat", TC_COPY, NULL, NULL },
	{ "idle_timeout_in_minutes", "properties.idleTimeoutInMinutes", TC_COPY, NULL, NULL },
	{ "load_distribution", "properties.loadDistribution", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr lb_nat_rule_attrs[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "frontend_ip_configuration_name", "properties.frontendIPConfiguration.id", TC_CHILD_ID,
	  "frontendIPConfigurations", NULL },
	{ "protocol", "properties.protocol", TC_COPY, NULL, NULL },
	{ "frontend_port", "properties.frontendPort", TC_COPY, NULL, NULL },
	{ "backend_port", "properties.backendPort", TC_COPY, NULL, NULL },
	{ "frontend_port_start", "properties.frontendPortRangeStart", TC_COPY, NULL, NULL },
	{ "frontend_port_end", "properties.frontendPortRangeEnd", TC_COPY, NULL, NULL },
	{ "backend_address_pool_id", "properties.backendAddressPool.id", TC_ID, T_LB_POOL, NULL },
	{ "enable_floating_ip", "properties.enableFloatingIP", TC_COPY, NULL, NULL },
	{ "floating_ip_enabled", "properties.enableFloatingIP", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr lb_nat_pool_attrs[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "frontend_ip_configuration_name", "properties.frontendIPConfiguration.id", TC_CHILD_ID,
	  "frontendIPConfigurations", NULL },
	{ "protocol", "properties.protocol", TC_COPY, NULL, NULL },
	{ "frontend_port_start", "properties.frontendPortRangeStart", TC_COPY, NULL, NULL },
	{ "frontend_port_end", "properties.frontendPortRangeEnd", TC_COPY, NULL, NULL },
	{ "backend_port", "properties.backendPort", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr lb_pool_attrs[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr lb_probe_attrs[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "protocol", "properties.protocol", TC_COPY, NULL, NULL },
	{ "port", "properties.port", TC_COPY, NULL, NULL },
	{ "request_path", "properties.requestPath", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr lb_outbound_attrs[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "protocol", "properties.protocol", TC_COPY, NULL, NULL },
	{ "backend_address_pool_id", "properties.backendAddressPool.id", TC_ID, T_LB_POOL, NULL },
	END,
};

static const tf_attr watcher_attrs[] = { END };

static const tf_attr flowlog_attrs[] = {
	{ "network_security_group_id", "properties.targetResourceId", TC_ID, NULL, NULL },
	{ "target_resource_id", "properties.targetResourceId", TC_ID, NULL, NULL },
	{ "storage_account_id", "properties.storageId", TC_ID, T_SA, NULL },
	{ "enabled", "properties.enabled", TC_COPY, NULL, NULL },
	{ "retention_policy", "properties.retentionPolicy", TC_BLOCK, NULL,
	  (const tf_attr[]){ { "enabled", "enabled", TC_COPY, NULL, NULL },
			     { "days", "days", TC_COPY, NULL, NULL },
			     END } },
	{ "version", "properties.format.version", TC_COPY, NULL, NULL },
	{ "version", "properties.format.type", TC_CONST, "JSON", NULL },
	{ "traffic_analytics",
	  "properties.flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration",
	  TC_BLOCK, NULL,
	  (const tf_attr[]){
		  { "enabled", "enabled", TC_COPY, NULL, NULL },
		  { "workspace_id", "workspaceId", TC_COPY, NULL, NULL },
		  { "workspace_region", "workspaceRegion", TC_COPY, NULL, NULL },
		  { "workspace_resource_id", "workspaceResourceId", TC_COPY, NULL, NULL },
		  { "interval_in_minutes", "trafficAnalyticsInterval", TC_COPY, NULL, NULL },
		  END } },
	END,
};

/* ---------------- compute ---------------- */

static const tf_attr ssh_key_legacy[] = {
	{ "key_data", "keyData", TC_COPY, NULL, NULL },
	{ "path", "path", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr winrm_listener[] = {
	{ "protocol", "protocol", TC_COPY, NULL, NULL },
	{ "certificate_url", "certificateUrl", TC_COPY, NULL, NULL },
	END,
};

/* Disk encryption set / CVM settings of an os_disk block, relative to
 * storageProfile.osDisk. */
static const tf_attr os_disk_attrs[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "caching", "caching", TC_COPY, NULL, NULL },
	{ "storage_account_type", "managedDisk.storageAccountType", TC_COPY, NULL, NULL },
	{ "disk_size_gb", "diskSizeGB", TC_COPY, NULL, NULL },
	{ "write_accelerator_enabled", "writeAcceleratorEnabled", TC_COPY, NULL, NULL },
	{ "disk_encryption_set_id", "managedDisk.diskEncryptionSet.id", TC_ID, T_DES, NULL },
	{ "security_encryption_type", "managedDisk.securityProfile.securityEncryptionType", TC_COPY,
	  NULL, NULL },
	{ "secure_vm_disk_encryption_set_id", "managedDisk.securityProfile.diskEncryptionSet.id",
	  TC_ID, T_DES, NULL },
	{ "diff_disk_settings", "diffDiskSettings", TC_BLOCK, NULL,
	  (const tf_attr[]){ { "option", "option", TC_COPY, NULL, NULL },
			     { "placement", "placement", TC_COPY, NULL, NULL },
			     END } },
	{ NULL, "createOption", TC_CONST, "FromImage", NULL },
	END,
};

static const tf_attr image_ref_attrs[] = {
	{ "publisher", "publisher", TC_COPY, NULL, NULL },
	{ "offer", "offer", TC_COPY, NULL, NULL },
	{ "sku", "sku", TC_COPY, NULL, NULL },
	{ "version", "version", TC_COPY, NULL, NULL },
	{ "id", "id", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr boot_diag_attrs[] = {
	{ "storage_account_uri", "storageUri", TC_COPY, NULL, NULL },
	END,
};

/* Security, disks, image, boot diagnostics: shared by VMs (base
 * "properties") and scale sets (base "properties.virtualMachineProfile"). */
#define COMPUTE_COMMON                                                                            \
	{ "secure_boot_enabled", "securityProfile.uefiSettings.secureBootEnabled", TC_TRUE_ONLY,  \
	  NULL, NULL },                                                                           \
		{ "vtpm_enabled", "securityProfile.uefiSettings.vTpmEnabled", TC_TRUE_ONLY, NULL, \
		  NULL },                                                                         \
		{ "secure_boot_enabled|vtpm_enabled", "securityProfile.securityType", TC_SECTYPE, \
		  NULL, NULL },                                                                   \
		{ "encryption_at_host_enabled", "securityProfile.encryptionAtHost", TC_TRUE_ONLY, \
		  NULL, NULL },                                                                   \
		{ "os_disk", "storageProfile.osDisk", TC_BLOCK, NULL, os_disk_attrs },            \
		{ "source_image_reference", "storageProfile.imageReference", TC_BLOCK, NULL,      \
		  image_ref_attrs },                                                              \
		{ "source_image_id", "storageProfile.imageReference.id", TC_COPY, NULL, NULL },   \
		{ "boot_diagnostics", "diagnosticsProfile.bootDiagnostics.enabled", TC_PRESENT,   \
		  NULL, NULL },                                                                   \
		{ "boot_diagnostics", "diagnosticsProfile.bootDiagnostics", TC_BLOCK, NULL,       \
		  boot_diag_attrs },                                                              \
	{                                                                                         \
		"license_type", "licenseType", TC_COPY, NULL, NULL                                \
	}

static const tf_attr linux_os_attrs[] = {
	{ "admin_username", "adminUsername", TC_COPY, NULL, NULL },
	{ "admin_password", "adminPassword", TC_SECRET, NULL, NULL },
	{ "custom_data", "customData", TC_SECRET, NULL, NULL },
	{ "computer_name", "computerName", TC_COPY, NULL, NULL },
	{ "computer_name_prefix", "computerNamePrefix", TC_COPY, NULL, NULL },
	{ "allow_extension_operations", "allowExtensionOperations", TC_COPY, NULL, NULL },
	{ "extension_operations_enabled", "allowExtensionOperations", TC_COPY, NULL, NULL },
	{ "disable_password_authentication", "linuxConfiguration.disablePasswordAuthentication",
	  TC_COPY, NULL, NULL },
	{ "admin_ssh_key", "linuxConfiguration.ssh.publicKeys", TC_SSH_KEYS, NULL, NULL },
	{ "provision_vm_agent", "linuxConfiguration.provisionVMAgent", TC_COPY, NULL, NULL },
	{ "patch_mode", "linuxConfiguration.patchSettings.patchMode", TC_COPY, NULL, NULL },
	{ "patch_assessment_mode", "linuxConfiguration.patchSettings.assessmentMode", TC_COPY, NULL,
	  NULL },
	END,
};

static const tf_attr windows_os_attrs[] = {
	{ "admin_username", "adminUsername", TC_COPY, NULL, NULL },
	{ "admin_password", "adminPassword", TC_SECRET, NULL, NULL },
	{ "custom_data", "customData", TC_SECRET, NULL, NULL },
	{ "computer_name", "computerName", TC_COPY, NULL, NULL },
	{ "computer_name_prefix", "computerNamePrefix", TC_COPY, NULL, NULL },
	{ "allow_extension_operations", "allowExtensionOperations", TC_COPY, NULL, NULL },
	{ "extension_operations_enabled", "allowExtensionOperations", TC_COPY, NULL, NULL },
	{ "provision_vm_agent", "windowsConfiguration.provisionVMAgent", TC_COPY, NULL, NULL },
	{ "enable_automatic_updates", "windowsConfiguration.enableAutomaticUpdates", TC_COPY, NULL,
	  NULL },
	{ "automatic_updates_enabled", "windowsConfiguration.enableAutomaticUpdates", TC_COPY, NULL,
	  NULL },
	{ "patch_mode", "windowsConfiguration.patchSettings.patchMode", TC_COPY, NULL, NULL },
	{ "patch_assessment_mode", "windowsConfiguration.patchSettings.assessmentMode", TC_COPY,
	  NULL, NULL },
	{ "hotpatching_enabled", "windowsConfiguration.patchSettings.enableHotpatching", TC_COPY,
	  NULL, NULL },
	{ "timezone", "windowsConfiguration.timeZone", TC_COPY, NULL, NULL },
	{ "winrm_listener", "windowsConfiguration.winRM.listeners", TC_BLOCKS, NULL,
	  winrm_listener },
	END,
};

static const tf_attr vm_linux_profile[] = {
	COMPUTE_COMMON,
	{ NULL, "storageProfile.osDisk.osType", TC_CONST, "Linux", NULL },
	{ NULL, "osProfile", TC_GROUP, NULL, linux_os_attrs },
	END,
};

static const tf_attr vm_windows_profile[] = {
	COMPUTE_COMMON,
	{ NULL, "storageProfile.osDisk.osType", TC_CONST, "Windows", NULL },
	{ NULL, "osProfile", TC_GROUP, NULL, windows_os_attrs },
	END,
};

#define VM_TOP                                                                                    \
	{ "size", "properties.hardwareProfile.vmSize", TC_COPY, NULL, NULL },                     \
		{ "network_interface_ids", "properties.networkProfile.networkInterfaces",         \
		  TC_ID_LIST, T_NIC, NULL },                                                      \
		{ "availability_set_id", "properties.availabilitySet.id", TC_ID, T_AVSET, NULL }, \
		{ "zone", "zones", TC_ZONE, NULL, NULL },                                         \
	{                                                                                         \
		"identity", "identity", TC_IDENTITY, NULL, NULL                                   \
	}

static const tf_attr linux_vm_attrs[] = {
	VM_TOP,
	{ NULL, "properties", TC_GROUP, NULL, vm_linux_profile },
	END,
};

static const tf_attr windows_vm_attrs[] = {
	VM_TOP,
	{ NULL, "properties", TC_GROUP, NULL, vm_windows_profile },
	END,
};

/* azurerm_virtual_machine (legacy resource) blocks. */
static const tf_attr legacy_os_profile[] = {
	{ "computer_name", "computerName", TC_COPY, NULL, NULL },
	{ "admin_username", "adminUsername", TC_COPY, NULL, NULL },
	{ "admin_password", "adminPassword", TC_SECRET, NULL, NULL },
	{ "custom_data", "customData", TC_SECRET, NULL, NULL },
	END,
};

static const tf_attr legacy_linux_config[] = {
	{ "disable_password_authentication", "disablePasswordAuthentication", TC_COPY, NULL, NULL },
	{ "ssh_keys", "ssh.publicKeys", TC_BLOCKS, NULL, ssh_key_legacy },
	END,
};

static const tf_attr legacy_windows_config[] = {
	{ "provision_vm_agent", "provisionVMAgent", TC_COPY, NULL, NULL },
	{ "enable_automatic_upgrades", "enableAutomaticUpdates", TC_COPY, NULL, NULL },
	{ "timezone", "timeZone", TC_COPY, NULL, NULL },
	{ "winrm", "winRM.listeners", TC_BLOCKS, NULL, winrm_listener },
	END,
};

static const tf_attr legacy_os_disk[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "caching", "caching", TC_COPY, NULL, NULL },
	{ "create_option", "createOption", TC_COPY, NULL, NULL },
	{ "managed_disk_type", "managedDisk.storageAccountType", TC_COPY, NULL, NULL },
	{ "managed_disk_id", "managedDisk.id", TC_ID, T_DISK, NULL },
	{ "disk_size_gb", "diskSizeGB", TC_COPY, NULL, NULL },
	{ "os_type", "osType", TC_COPY, NULL, NULL },
	{ "vhd_uri", "vhd.uri", TC_COPY, NULL, NULL },
	{ "write_accelerator_enabled", "writeAcceleratorEnabled", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr legacy_data_disk[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "caching", "caching", TC_COPY, NULL, NULL },
	{ "create_option", "createOption", TC_COPY, NULL, NULL },
	{ "managed_disk_type", "managedDisk.storageAccountType", TC_COPY, NULL, NULL },
	{ "managed_disk_id", "managedDisk.id", TC_ID, T_DISK, NULL },
	{ "disk_size_gb", "diskSizeGB", TC_COPY, NULL, NULL },
	{ "lun", "lun", TC_COPY, NULL, NULL },
	{ "vhd_uri", "vhd.uri", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr legacy_boot_diag[] = {
	{ "enabled", "enabled", TC_COPY, NULL, NULL },
	{ "storage_uri", "storageUri", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr legacy_vm_attrs[] = {
	{ "vm_size", "properties.hardwareProfile.vmSize", TC_COPY, NULL, NULL },
	{ "os_profile", "properties.osProfile", TC_BLOCK, NULL, legacy_os_profile },
	{ "os_profile_linux_config", "properties.osProfile.linuxConfiguration", TC_BLOCK, NULL,
	  legacy_linux_config },
	{ "os_profile_windows_config", "properties.osProfile.windowsConfiguration", TC_BLOCK, NULL,
	  legacy_windows_config },
	{ "storage_image_reference", "properties.storageProfile.imageReference", TC_BLOCK, NULL,
	  image_ref_attrs },
	{ "storage_os_disk", "properties.storageProfile.osDisk", TC_BLOCK, NULL, legacy_os_disk },
	{ "storage_data_disk", "properties.storageProfile.dataDisks", TC_BLOCKS, NULL,
	  legacy_data_disk },
	{ "network_interface_ids", "properties.networkProfile.networkInterfaces", TC_ID_LIST, T_NIC,
	  NULL },
	{ "boot_diagnostics", "properties.diagnosticsProfile.bootDiagnostics", TC_BLOCK, NULL,
	  legacy_boot_diag },
	{ "availability_set_id", "properties.availabilitySet.id", TC_ID, T_AVSET, NULL },
	{ "license_type", "properties.licenseType", TC_COPY, NULL, NULL },
	{ "zones", "zones", TC_COPY, NULL, NULL },
	{ "identity", "identity", TC_IDENTITY, NULL, NULL },
	END,
};

/* Scale sets: network_interface blocks -> networkInterfaceConfigurations. */
static const tf_attr vmss_pip_attrs[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "idle_timeout_in_minutes", "properties.idleTimeoutInMinutes", TC_COPY, NULL, NULL },
	{ "domain_name_label", "properties.dnsSettings.domainNameLabel", TC_COPY, NULL, NULL },
	{ "public_ip_prefix_id", "properties.publicIPPrefix.id", TC_ID, NULL, NULL },
	{ "version", "properties.publicIPAddressVersion", TC_COPY, NULL, NULL },
	{ "sku_name", "sku.name", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr vmss_ipconfig_props[] = {
	{ "primary", "primary", TC_COPY, NULL, NULL },
	{ "subnet_id", "subnet.id", TC_ID, T_SUBNET, NULL },
	{ "version", "privateIPAddressVersion", TC_COPY, NULL, NULL },
	{ "load_balancer_backend_address_pool_ids", "loadBalancerBackendAddressPools", TC_ID_LIST,
	  T_LB_POOL, NULL },
	{ "load_balancer_inbound_nat_rules_ids", "loadBalancerInboundNatPools", TC_ID_LIST,
	  "Microsoft.Network/loadBalancers/inboundNatPools", NULL },
	{ "application_security_group_ids", "applicationSecurityGroups", TC_ID_LIST, T_ASG, NULL },
	{ "public_ip_address", "publicIPAddressConfiguration", TC_BLOCK, NULL, vmss_pip_attrs },
	END,
};

static const tf_attr vmss_ipconfig[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ NULL, "properties", TC_GROUP, NULL, vmss_ipconfig_props },
	END,
};

static const tf_attr vmss_nic[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "primary", "properties.primary", TC_COPY, NULL, NULL },
	{ "network_security_group_id", "properties.networkSecurityGroup.id", TC_ID, T_NSG, NULL },
	{ "enable_accelerated_networking", "properties.enableAcceleratedNetworking", TC_COPY, NULL,
	  NULL },
	{ "accelerated_networking_enabled", "properties.enableAcceleratedNetworking", TC_COPY, NULL,
	  NULL },
	{ "enable_ip_forwarding", "properties.enableIPForwarding", TC_COPY, NULL, NULL },
	{ "ip_forwarding_enabled", "properties.enableIPForwarding", TC_COPY, NULL, NULL },
	{ "ip_configuration", "properties.ipConfigurations", TC_BLOCKS, NULL, vmss_ipconfig },
	END,
};

static const tf_attr ext_props[] = {
	{ "publisher", "publisher", TC_COPY, NULL, NULL },
	{ "type", "type", TC_COPY, NULL, NULL },
	{ "type_handler_version", "typeHandlerVersion", TC_COPY, NULL, NULL },
	{ "auto_upgrade_minor_version", "autoUpgradeMinorVersion", TC_COPY, NULL, NULL },
	{ "automatic_upgrade_enabled", "enableAutomaticUpgrade", TC_COPY, NULL, NULL },
	{ "settings", "settings", TC_JSON, NULL, NULL },
	{ "protected_settings", "protectedSettings", TC_SECRET, NULL, NULL },
	END,
};

static const tf_attr vmss_ext[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ NULL, "properties", TC_GROUP, NULL, ext_props },
	END,
};

#define VMSS_PROFILE_COMMON                                                                      \
	{ "network_interface", "networkProfile.networkInterfaceConfigurations", TC_BLOCKS, NULL, \
	  vmss_nic },                                                                            \
	{                                                                                        \
		"extension", "extensionProfile.extensions", TC_BLOCKS, NULL, vmss_ext            \
	}

static const tf_attr vmss_linux_profile[] = {
	COMPUTE_COMMON,
	VMSS_PROFILE_COMMON,
	{ NULL, "storageProfile.osDisk.osType", TC_CONST, "Linux", NULL },
	{ NULL, "osProfile", TC_GROUP, NULL, linux_os_attrs },
	END,
};

static const tf_attr vmss_windows_profile[] = {
	COMPUTE_COMMON,
	VMSS_PROFILE_COMMON,
	{ NULL, "storageProfile.osDisk.osType", TC_CONST, "Windows", NULL },
	{ NULL, "osProfile", TC_GROUP, NULL, windows_os_attrs },
	END,
};

static const tf_attr vmss_upgrade_auto[] = {
	{ "disable_automatic_rollback", "disableAutomaticRollback", TC_COPY, NULL, NULL },
	{ "enable_automatic_os_upgrade", "enableAutomaticOSUpgrade", TC_COPY, NULL, NULL },
	END,
};

#define VMSS_TOP                                                                          \
	{ "sku", "sku.name", TC_COPY, NULL, NULL },                                       \
		{ "instances", "sku.capacity", TC_COPY, NULL, NULL },                     \
		{ "upgrade_mode", "properties.upgradePolicy.mode", TC_COPY, NULL, NULL }, \
		{ "automatic_os_upgrade_policy",                                          \
		  "properties.upgradePolicy.automaticOSUpgradePolicy", TC_BLOCK, NULL,    \
		  vmss_upgrade_auto },                                                    \
		{ NULL, "properties.orchestrationMode", TC_CONST, "Uniform", NULL },      \
		{ "zones", "zones", TC_COPY, NULL, NULL },                                \
	{                                                                                 \
		"identity", "identity", TC_IDENTITY, NULL, NULL                           \
	}

static const tf_attr linux_vmss_attrs[] = {
	VMSS_TOP,
	{ NULL, "properties.virtualMachineProfile", TC_GROUP, NULL, vmss_linux_profile },
	END,
};

static const tf_attr windows_vmss_attrs[] = {
	VMSS_TOP,
	{ NULL, "properties.virtualMachineProfile", TC_GROUP, NULL, vmss_windows_profile },
	END,
};

/* Orchestrated (Flexible) scale set: os_profile { linux_configuration {...} }. */
static const tf_attr flex_linux_cfg[] = {
	{ "admin_username", "adminUsername", TC_COPY, NULL, NULL },
	{ "admin_password", "adminPassword", TC_SECRET, NULL, NULL },
	{ "computer_name_prefix", "computerNamePrefix", TC_COPY, NULL, NULL },
	{ "disable_password_authentication", "linuxConfiguration.disablePasswordAuthentication",
	  TC_COPY, NULL, NULL },
	{ "admin_ssh_key", "linuxConfiguration.ssh.publicKeys", TC_SSH_KEYS, NULL, NULL },
	{ "provision_vm_agent", "linuxConfiguration.provisionVMAgent", TC_COPY, NULL, NULL },
	{ "patch_mode", "linuxConfiguration.patchSettings.patchMode", TC_COPY, NULL, NULL },
	{ "patch_assessment_mode", "linuxConfiguration.patchSettings.assessmentMode", TC_COPY, NULL,
	  NULL },
	END,
};

static const tf_attr flex_windows_cfg[] = {
	{ "admin_username", "adminUsername", TC_COPY, NULL, NULL },
	{ "admin_password", "adminPassword", TC_SECRET, NULL, NULL },
	{ "computer_name_prefix", "computerNamePrefix", TC_COPY, NULL, NULL },
	{ "provision_vm_agent", "windowsConfiguration.provisionVMAgent", TC_COPY, NULL, NULL },
	{ "enable_automatic_updates", "windowsConfiguration.enableAutomaticUpdates", TC_COPY, NULL,
	  NULL },
	{ "automatic_updates_enabled", "windowsConfiguration.enableAutomaticUpdates", TC_COPY, NULL,
	  NULL },
	{ "patch_mode", "windowsConfiguration.patchSettings.patchMode", TC_COPY, NULL, NULL },
	{ "patch_assessment_mode", "windowsConfiguration.patchSettings.assessmentMode", TC_COPY,
	  NULL, NULL },
	{ "hotpatching_enabled", "windowsConfiguration.patchSettings.enableHotpatching", TC_COPY,
	  NULL, NULL },
	{ "winrm_listener", "windowsConfiguration.winRM.listeners", TC_BLOCKS, NULL,
	  winrm_listener },
	END,
};

static const tf_attr flex_os_profile[] = {
	{ "custom_data", "customData", TC_SECRET, NULL, NULL },
	{ "linux_configuration", NULL, TC_BLOCK, NULL, flex_linux_cfg },
	{ "windows_configuration", NULL, TC_BLOCK, NULL, flex_windows_cfg },
	END,
};

static const tf_attr flex_profile[] = {
	COMPUTE_COMMON,
	VMSS_PROFILE_COMMON,
	{ "os_profile", "osProfile", TC_BLOCK, NULL, flex_os_profile },
	END,
};

static const tf_attr flex_vmss_attrs[] = {
	{ "sku_name", "sku.name", TC_COPY, NULL, NULL },
	{ "instances", "sku.capacity", TC_COPY, NULL, NULL },
	{ NULL, "properties.orchestrationMode", TC_CONST, "Flexible", NULL },
	{ "platform_fault_domain_count", "properties.platformFaultDomainCount", TC_COPY, NULL,
	  NULL },
	{ "zones", "zones", TC_COPY, NULL, NULL },
	{ "identity", "identity", TC_IDENTITY, NULL, NULL },
	{ NULL, "properties.virtualMachineProfile", TC_GROUP, NULL, flex_profile },
	END,
};

static const tf_attr vm_ext_attrs[] = {
	{ NULL, "properties", TC_GROUP, NULL, ext_props },
	END,
};

static const tf_attr disk_attrs[] = {
	{ "storage_account_type", "sku.name", TC_COPY, NULL, NULL },
	{ "create_option", "properties.creationData.createOption", TC_COPY, NULL, NULL },
	{ "source_resource_id", "properties.creationData.sourceResourceId", TC_COPY, NULL, NULL },
	{ "disk_size_gb", "properties.diskSizeGB", TC_COPY, NULL, NULL },
	{ "os_type", "properties.osType", TC_COPY, NULL, NULL },
	{ "disk_encryption_set_id", "properties.encryption.diskEncryptionSetId", TC_ID, T_DES,
	  NULL },
	{ "network_access_policy", "properties.networkAccessPolicy", TC_COPY, NULL, NULL },
	{ "public_network_access_enabled", "properties.publicNetworkAccess", TC_ENABLED, NULL,
	  NULL },
	{ "disk_access_id", "properties.diskAccessId", TC_ID, NULL, NULL },
	{ "encryption_settings", "properties.encryptionSettingsCollection.enabled", TC_PRESENT,
	  NULL, NULL },
	{ "security_type", "properties.securityProfile.securityType", TC_COPY, NULL, NULL },
	{ "secure_vm_disk_encryption_set_id",
	  "properties.securityProfile.secureVMDiskEncryptionSetId", TC_ID, T_DES, NULL },
	{ "zone", "zones", TC_ZONE, NULL, NULL },
	{ "zones", "zones", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr des_attrs[] = {
	{ "key_vault_key_id", "properties.activeKey.keyUrl", TC_COPY, NULL, NULL },
	{ "encryption_type", "properties.encryptionType", TC_COPY, NULL, NULL },
	{ "auto_key_rotation_enabled", "properties.rotationToLatestKeyVersionEnabled", TC_COPY,
	  NULL, NULL },
	{ "federated_client_id", "properties.federatedClientId", TC_COPY, NULL, NULL },
	{ "identity", "identity", TC_IDENTITY, NULL, NULL },
	END,
};

static const tf_attr avset_attrs[] = {
	{ "platform_fault_domain_count", "properties.platformFaultDomainCount", TC_COPY, NULL,
	  NULL },
	{ "platform_update_domain_count", "properties.platformUpdateDomainCount", TC_COPY, NULL,
	  NULL },
	{ "managed", "sku.name", TC_CONST, "Aligned", NULL },
	END,
};

/* ---------------- storage, key vault ---------------- */

static const tf_attr sa_network_rules[] = {
	{ "default_action", "defaultAction", TC_COPY, NULL, NULL },
	{ "bypass", "bypass", TC_JOIN, NULL, NULL },
	{ "ip_rules", "ipRules", TC_VALUE_LIST, NULL, NULL },
	{ "virtual_network_subnet_ids", "virtualNetworkRules", TC_VNET_RULES, T_SUBNET, NULL },
	END,
};

static const tf_attr sa_attrs[] = {
	{ "account_kind", "kind", TC_COPY, NULL, NULL },
	{ "account_tier", "sku.name", TC_SKU2, "account_replication_type", NULL },
	{ "enable_https_traffic_only", "properties.supportsHttpsTrafficOnly", TC_COPY, NULL, NULL },
	{ "https_traffic_only_enabled", "properties.supportsHttpsTrafficOnly", TC_COPY, NULL,
	  NULL },
	{ "min_tls_version", "properties.minimumTlsVersion", TC_COPY, NULL, NULL },
	{ "allow_blob_public_access", "properties.allowBlobPublicAccess", TC_COPY, NULL, NULL },
	{ "allow_nested_items_to_be_public", "properties.allowBlobPublicAccess", TC_COPY, NULL,
	  NULL },
	{ "shared_access_key_enabled", "properties.allowSharedKeyAccess", TC_COPY, NULL, NULL },
	{ "public_network_access_enabled", "properties.publicNetworkAccess", TC_ENABLED, NULL,
	  NULL },
	{ "cross_tenant_replication_enabled", "properties.allowCrossTenantReplication", TC_COPY,
	  NULL, NULL },
	{ "infrastructure_encryption_enabled",
	  "properties.encryption.requireInfrastructureEncryption", TC_COPY, NULL, NULL },
	{ "default_to_oauth_authentication", "properties.defaultToOAuthAuthentication", TC_COPY,
	  NULL, NULL },
	{ "is_hns_enabled", "properties.isHnsEnabled", TC_COPY, NULL, NULL },
	{ "local_user_enabled", "properties.isLocalUserEnabled", TC_COPY, NULL, NULL },
	{ "sftp_enabled", "properties.isSftpEnabled", TC_COPY, NULL, NULL },
	{ "network_rules", "properties.networkAcls", TC_BLOCK, NULL, sa_network_rules },
	{ "identity", "identity", TC_IDENTITY, NULL, NULL },
	END,
};

static const tf_attr kv_access_policy[] = {
	{ "tenant_id", "tenantId", TC_COPY, NULL, NULL },
	{ "object_id", "objectId", TC_COPY, NULL, NULL },
	{ "application_id", "applicationId", TC_COPY, NULL, NULL },
	{ "key_permissions", "permissions.keys", TC_COPY, NULL, NULL },
	{ "secret_permissions", "permissions.secrets", TC_COPY, NULL, NULL },
	{ "certificate_permissions", "permissions.certificates", TC_COPY, NULL, NULL },
	{ "storage_permissions", "permissions.storage", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr kv_network_acls[] = {
	{ "default_action", "defaultAction", TC_COPY, NULL, NULL },
	{ "bypass", "bypass", TC_COPY, NULL, NULL },
	{ "ip_rules", "ipRules", TC_VALUE_LIST, NULL, NULL },
	{ "virtual_network_subnet_ids", "virtualNetworkRules", TC_ID_LIST, T_SUBNET, NULL },
	END,
};

static const tf_attr kv_attrs[] = {
	{ "tenant_id", "properties.tenantId", TC_COPY, NULL, NULL },
	{ "sku_name", "properties.sku.name", TC_LOWER, NULL, NULL },
	{ "sku_name", "properties.sku.family", TC_CONST, "A", NULL },
	{ "soft_delete_enabled", "properties.enableSoftDelete", TC_COPY, NULL, NULL },
	{ "soft_delete_retention_days", "properties.softDeleteRetentionInDays", TC_COPY, NULL,
	  NULL },
	{ "purge_protection_enabled", "properties.enablePurgeProtection", TC_TRUE_ONLY, NULL,
	  NULL },
	{ "enable_rbac_authorization", "properties.enableRbacAuthorization", TC_COPY, NULL, NULL },
	{ "rbac_authorization_enabled", "properties.enableRbacAuthorization", TC_COPY, NULL, NULL },
	{ "public_network_access_enabled", "properties.publicNetworkAccess", TC_ENABLED, NULL,
	  NULL },
	{ "enabled_for_deployment", "properties.enabledForDeployment", TC_COPY, NULL, NULL },
	{ "enabled_for_disk_encryption", "properties.enabledForDiskEncryption", TC_COPY, NULL,
	  NULL },
	{ "enabled_for_template_deployment", "properties.enabledForTemplateDeployment", TC_COPY,
	  NULL, NULL },
	{ "network_acls", "properties.networkAcls", TC_BLOCK, NULL, kv_network_acls },
	{ "access_policy", "properties.accessPolicies", TC_BLOCKS, NULL, kv_access_policy },
	END,
};

/* ---------------- monitoring, Defender ---------------- */

static const tf_attr diag_log[] = {
	{ "category", "category", TC_COPY, NULL, NULL },
	{ "category_group", "categoryGroup", TC_COPY, NULL, NULL },
	{ "enabled", "enabled", TC_COPY, NULL, NULL },
	{ "retention_policy", "retentionPolicy", TC_BLOCK, NULL,
	  (const tf_attr[]){ { "enabled", "enabled", TC_COPY, NULL, NULL },
			     { "days", "days", TC_COPY, NULL, NULL },
			     END } },
	END,
};

static const tf_attr diag_enabled_log[] = {
	{ "category", "category", TC_COPY, NULL, NULL },
	{ "category_group", "categoryGroup", TC_COPY, NULL, NULL },
	{ "category", "enabled", TC_TRUE_CONST, NULL, NULL },
	END,
};

static const tf_attr diag_attrs[] = {
	{ "log_analytics_workspace_id", "properties.workspaceId", TC_COPY, NULL, NULL },
	{ "storage_account_id", "properties.storageAccountId", TC_ID, T_SA, NULL },
	{ "eventhub_authorization_rule_id", "properties.eventHubAuthorizationRuleId", TC_COPY, NULL,
	  NULL },
	{ "eventhub_name", "properties.eventHubName", TC_COPY, NULL, NULL },
	{ "log_analytics_destination_type", "properties.logAnalyticsDestinationType", TC_COPY, NULL,
	  NULL },
	{ "partner_solution_id", "properties.marketplacePartnerId", TC_COPY, NULL, NULL },
	{ "log", "properties.logs", TC_BLOCKS, NULL, diag_log },
	{ "enabled_log", "properties.logs", TC_BLOCKS, NULL, diag_enabled_log },
	{ "metric", "properties.metrics", TC_BLOCKS, NULL, diag_log },
	{ "enabled_metric", "properties.metrics", TC_BLOCKS, NULL, diag_enabled_log },
	END,
};

static const tf_attr pricing_ext[] = {
	{ "name", "name", TC_COPY, NULL, NULL },
	{ "name", "isEnabled", TC_CONST, "True", NULL },
	{ "additional_extension_properties", "additionalExtensionProperties", TC_COPY, NULL, NULL },
	END,
};

static const tf_attr pricing_attrs[] = {
	{ "tier", "properties.pricingTier", TC_COPY, NULL, NULL },
	{ "subplan", "properties.subPlan", TC_COPY, NULL, NULL },
	{ "extension", "properties.extensions", TC_BLOCKS, NULL, pricing_ext },
	END,
};

/* ---------------- the type table ---------------- */

/* A resource; scope: attribute holding the target ID of an extension
 * resource (or NULL), sub: subscription-level. */
#define RES_AT(tf, arm, api, n0, n1, scope, sub, attrs)                                           \
	{                                                                                         \
		tf, TK_RESOURCE, arm, api, { n0, n1, NULL, NULL }, scope, sub, attrs, NULL, NULL, \
			NULL, false, NULL, NULL, NULL, NULL, TA_SET, NULL, NULL                   \
	}
#define RES(tf, arm, api, n0, n1, attrs) RES_AT(tf, arm, api, n0, n1, NULL, false, attrs)
#define MERGE(tf, arm, pattr, ptype, mpath, attrs)                                               \
	{                                                                                        \
		tf, TK_MERGE, arm, API_NETWORK, { "@" pattr, "name", NULL, NULL }, NULL, false,  \
			attrs, pattr, ptype, mpath, false, NULL, NULL, NULL, NULL, TA_SET, NULL, \
			NULL                                                                     \
	}
#define ASSOC(tf, tattr, ttype, vattr, vtype, op, path, ipc)                                   \
	{                                                                                      \
		tf, TK_ASSOC, NULL, NULL, { NULL, NULL, NULL, NULL }, NULL, false, NULL, NULL, \
			NULL, NULL, false, tattr, ttype, vattr, vtype, op, path, ipc           \
	}
#define IGNORE(tf)                                                                              \
	{                                                                                       \
		tf, TK_IGNORE, NULL, NULL, { NULL, NULL, NULL, NULL }, NULL, false, NULL, NULL, \
			NULL, NULL, false, NULL, NULL, NULL, NULL, TA_SET, NULL, NULL           \
	}

static const tf_type types[] = {
	/* compute */
	RES("azurerm_linux_virtual_machine", T_VM, API_COMPUTE, "name", NULL, linux_vm_attrs),
	RES("azurerm_windows_virtual_machine", T_VM, API_COMPUTE, "name", NULL, windows_vm_attrs),
	RES("azurerm_virtual_machine", T_VM, API_COMPUTE, "name", NULL, legacy_vm_attrs),
	RES("azurerm_linux_virtual_machine_scale_set", T_VMSS, API_COMPUTE, "name", NULL,
	    linux_vmss_attrs),
	RES("azurerm_windows_virtual_machine_scale_set", T_VMSS, API_COMPUTE, "name", NULL,
	    windows_vmss_attrs),
	RES("azurerm_orchestrated_virtual_machine_scale_set", T_VMSS, API_COMPUTE, "name", NULL,
	    flex_vmss_attrs),
	RES("azurerm_virtual_machine_extension", "Microsoft.Compute/virtualMachines/extensions",
	    API_COMPUTE, "@virtual_machine_id", "name", vm_ext_attrs),
	RES("azurerm_virtual_machine_scale_set_extension",
	    "Microsoft.Compute/virtualMachineScaleSets/extensions", API_COMPUTE,
	    "@virtual_machine_scale_set_id", "name", vm_ext_attrs),
	RES("azurerm_managed_disk", T_DISK, API_DISK, "name", NULL, disk_attrs),
	RES("azurerm_disk_encryption_set", T_DES, API_DISK, "name", NULL, des_attrs),
	RES("azurerm_availability_set", T_AVSET, API_COMPUTE, "name", NULL, avset_attrs),
	/* network */
	RES("azurerm_network_security_group", T_NSG, API_NETWORK, "name", NULL, nsg_attrs),
	RES("azurerm_network_security_rule",
	    "Microsoft.Network/networkSecurityGroups/securityRules", API_NETWORK,
	    "network_security_group_name", "name", nsg_rule_attrs),
	RES("azurerm_application_security_group", T_ASG, API_NETWORK, "name", NULL, asg_attrs),
	RES("azurerm_virtual_network", T_VNET, API_NETWORK, "name", NULL, vnet_attrs),
	RES("azurerm_subnet", T_SUBNET, API_NETWORK, "virtual_network_name", "name", subnet_attrs),
	RES("azurerm_virtual_network_peering",
	    "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", API_NETWORK,
	    "virtual_network_name", "name", peering_attrs),
	RES("azurerm_public_ip", T_PIP, API_NETWORK, "name", NULL, pip_attrs),
	RES("azurerm_network_interface", T_NIC, API_NETWORK, "name", NULL, nic_attrs),
	RES("azurerm_lb", T_LB, API_NETWORK, "name", NULL, lb_attrs),
	RES("azurerm_network_watcher", T_WATCHER, API_NETWORK, "name", NULL, watcher_attrs),
	RES("azurerm_network_watcher_flow_log", "Microsoft.Network/networkWatchers/flowLogs",
	    API_NETWORK, "network_watcher_name", "name", flowlog_attrs),
	MERGE("azurerm_lb_rule", "Microsoft.Network/loadBalancers/loadBalancingRules",
	      "loadbalancer_id", T_LB, "properties.loadBalancingRules", lb_rule_attrs),
	MERGE("azurerm_lb_nat_rule", T_LB_NAT, "loadbalancer_id", T_LB,
	      "properties.inboundNatRules", lb_nat_rule_attrs),
	MERGE("azurerm_lb_nat_pool", "Microsoft.Network/loadBalancers/inboundNatPools",
	      "loadbalancer_id", T_LB, "properties.inboundNatPools", lb_nat_pool_attrs),
	MERGE("azurerm_lb_backend_address_pool", T_LB_POOL, "loadbalancer_id", T_LB,
	      "properties.backendAddressPools", lb_pool_attrs),
	MERGE("azurerm_lb_probe", T_LB_PROBE, "loadbalancer_id", T_LB, "properties.probes",
	      lb_probe_attrs),
	MERGE("azurerm_lb_outbound_rule", "Microsoft.Network/loadBalancers/outboundRules",
	      "loadbalancer_id", T_LB, "properties.outboundRules", lb_outbound_attrs),
	ASSOC("azurerm_subnet_network_security_group_association", "subnet_id", T_SUBNET,
	      "network_security_group_id", T_NSG, TA_SET, "properties.networkSecurityGroup", NULL),
	ASSOC("azurerm_network_interface_security_group_association", "network_interface_id", T_NIC,
	      "network_security_group_id", T_NSG, TA_SET, "properties.networkSecurityGroup", NULL),
	ASSOC("azurerm_network_interface_application_security_group_association",
	      "network_interface_id", T_NIC, "application_security_group_id", T_ASG, TA_APPEND,
	      "applicationSecurityGroups", NULL),
	ASSOC("azurerm_network_interface_backend_address_pool_association", "network_interface_id",
	      T_NIC, "backend_address_pool_id", T_LB_POOL, TA_APPEND,
	      "loadBalancerBackendAddressPools", "ip_configuration_name"),
	ASSOC("azurerm_network_interface_nat_rule_association", "network_interface_id", T_NIC,
	      "nat_rule_id", T_LB_NAT, TA_APPEND, "loadBalancerInboundNatRules",
	      "ip_configuration_name"),
	/* storage, key vault */
	RES("azurerm_storage_account", T_SA, API_STORAGE, "name", NULL, sa_attrs),
	{ "azurerm_storage_account_network_rules",
	  TK_MERGE,
	  "Microsoft.Storage/storageAccounts/networkAcls",
	  API_STORAGE,
	  { "@storage_account_id", "=default", NULL, NULL },
	  NULL,
	  false,
	  sa_network_rules,
	  "storage_account_id",
	  T_SA,
	  "properties.networkAcls",
	  true,
	  NULL,
	  NULL,
	  NULL,
	  NULL,
	  TA_SET,
	  NULL,
	  NULL },
	RES("azurerm_key_vault", T_KV, API_KV, "name", NULL, kv_attrs),
	/* monitoring, Defender */
	/* an extension resource of the resource target_resource_id names */
	RES_AT("azurerm_monitor_diagnostic_setting", "Microsoft.Insights/diagnosticSettings",
	       "2021-05-01-preview", "name", NULL, "target_resource_id", false, diag_attrs),
	/* a subscription-level resource */
	RES_AT("azurerm_security_center_subscription_pricing", "Microsoft.Security/pricings",
	       "2024-01-01", "resource_type", NULL, NULL, true, pricing_attrs),
	/* deliberately not mapped: containers and helpers with no security
	 * properties the model reads */
	IGNORE("azurerm_resource_group"),
	IGNORE("random_id"),
	IGNORE("random_string"),
	IGNORE("random_password"),
	IGNORE("tls_private_key"),
	IGNORE("null_resource"),
	IGNORE("terraform_data"),
	IGNORE("time_sleep"),
};

const tf_type *rp_tf_type_find(const char *tftype)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].tf_type, tftype) == 0)
			return &types[i];
	return NULL;
}

const tf_type *rp_tf_type_at(size_t i)
{
	return i < sizeof(types) / sizeof(types[0]) ? &types[i] : NULL;
}
