/* registry.c: THE rule table: every rule's public ID, layer, severity,
 * texts, benchmark references and check.  IDs are public and stable;
 * rp_rules[] is ordered by ID.  References: MCSB v1 control IDs and CIS
 * Microsoft Azure Foundations v3.0.0 sections (azure-facts section 7). */
#include "rules/checks.h"
#include "rules/rule.h"

#define VM_T "Microsoft.Compute/virtualMachines"
#define VMSS_T "Microsoft.Compute/virtualMachineScaleSets"
#define VMEXT_T "Microsoft.Compute/virtualMachines/extensions"
#define VMSSEXT_T "Microsoft.Compute/virtualMachineScaleSets/extensions"

static const char *const t_vm[] = { VM_T, VMSS_T, NULL };
static const char *const t_vm_ext[] = { VM_T, VMSS_T, VMEXT_T, VMSSEXT_T, NULL };
static const char *const t_script[] = { VMEXT_T, VMSSEXT_T,
					"Microsoft.Compute/virtualMachines/runCommands", NULL };
static const char *const t_vm_disk[] = { VM_T, VMSS_T, "Microsoft.Compute/disks", NULL };
static const char *const t_sa[] = { "Microsoft.Storage/storageAccounts", NULL };
static const char *const t_kv[] = { "Microsoft.KeyVault/vaults", NULL };
static const char *const t_nsg_vnet[] = { "Microsoft.Network/networkSecurityGroups",
					  "Microsoft.Network/virtualNetworks", NULL };
static const char *const t_flowlog[] = { "Microsoft.Network/networkWatchers/flowLogs", NULL };
static const char *const t_pricing[] = { "Microsoft.Security/pricings", NULL };
static const char *const t_vm_nic[] = { VM_T, VMSS_T, "Microsoft.Network/networkInterfaces", NULL };
static const char *const t_nsg[] = { "Microsoft.Network/networkSecurityGroups", NULL };
static const char *const t_pip[] = { "Microsoft.Network/publicIPAddresses", VMSS_T, NULL };
static const char *const t_subnet[] = { "Microsoft.Network/virtualNetworks/subnets", NULL };

#define RULE(var, id_, layer_, sev_, title_, why_, fix_, mcsb_, cis_, types_, fn_) \
	static const rp_rule var = {                                               \
		id_, layer_, sev_, title_, why_, fix_, mcsb_, cis_, types_, fn_    \
	}

RULE(boot_001, "RMP-BOOT-001", RP_LAYER_BOOT, RP_SEV_HIGH,
     "VM or scale set is not on Trusted Launch or Confidential VM",
     "Without Trusted Launch the VM boots without Secure Boot and without a vTPM: boot kits and "
     "rootkits can load undetected and the boot chain cannot be measured or attested. An absent "
     "securityType deploys a Standard VM; Trusted Launch by default is only a preview for ARM, "
     "Bicep, Terraform and REST.",
     "Set properties.securityProfile.securityType to \"TrustedLaunch\" (or \"ConfidentialVM\") "
     "with uefiSettings.secureBootEnabled and vTpmEnabled true (scale sets: "
     "virtualMachineProfile.securityProfile). Needs a Generation 2 image and a size with Trusted "
     "Launch support (see RMP-BOOT-005).",
     "PV-3", "8.11", t_vm, rp_check_boot_001);
RULE(boot_002, "RMP-BOOT-002", RP_LAYER_BOOT, RP_SEV_HIGH,
     "Secure Boot is off on a Trusted Launch or Confidential VM",
     "Secure Boot makes the firmware refuse boot loaders, kernels and drivers that are not signed "
     "by trusted publishers; without it a boot kit survives reboots, and guest attestation fails.",
     "Set securityProfile.uefiSettings.secureBootEnabled to true.", "PV-3", "8.11", t_vm,
     rp_check_boot_002);
RULE(boot_003, "RMP-BOOT-003", RP_LAYER_BOOT, RP_SEV_HIGH,
     "vTPM is off on a Trusted Launch or Confidential VM",
     "The vTPM measures the boot chain (UEFI, boot loader, kernel, drivers) into PCRs so it can be "
     "attested remotely, and seals keys such as BitLocker's; without it boot tampering cannot be "
     "detected.",
     "Set securityProfile.uefiSettings.vTpmEnabled to true.", "PV-3", "8.11", t_vm,
     rp_check_boot_003);
RULE(boot_004, "RMP-BOOT-004", RP_LAYER_BOOT, RP_SEV_MEDIUM,
     "No boot integrity monitoring (Guest Attestation extension missing)",
     "Measured boot only helps if someone checks the measurements: the Guest Attestation extension "
     "attests the boot chain to Microsoft Azure Attestation and Defender for Cloud raises alerts "
     "on failures. It is not installed by default by templates.",
     "Deploy the extension publisher Microsoft.Azure.Security.LinuxAttestation (or "
     "WindowsAttestation), type GuestAttestation, typeHandlerVersion 1.0, as a child of the VM or "
     "in the scale set's extensionProfile; allow outbound to the AzureAttestation service tag.",
     "PV-4", "8.11", t_vm, rp_check_boot_004);
RULE(boot_005, "RMP-BOOT-005", RP_LAYER_BOOT, RP_SEV_MEDIUM,
     "Trusted Launch is impossible as configured (Generation 1 image or unsupported size)",
     "Trusted Launch needs a Generation 2 image and a VM size that supports it; a Generation 1 "
     "image or a size from the A, Dv2, Dv3, original NC/NV, NP or M families rules it out, so the "
     "VM cannot get Secure Boot or a vTPM without a change.",
     "Use the image's Generation 2 SKU (suffix -gen2, -g2 or -gensecond, or an Azure Edition SKU) "
     "and a Trusted Launch capable size (for example Standard_D2s_v5); confidential sizes "
     "(DCas/ECas) need securityType ConfidentialVM.",
     "PV-3", "8.11", t_vm, rp_check_boot_005);
RULE(boot_006, "RMP-BOOT-006", RP_LAYER_BOOT, RP_SEV_LOW,
     "Confidential VM without confidential OS disk encryption",
     "With securityEncryptionType VMGuestStateOnly (or NonPersistedTPM) only the VM guest state is "
     "protected; DiskWithVMGuestState also encrypts the whole OS disk with keys bound to the "
     "confidential VM.",
     "Set storageProfile.osDisk.managedDisk.securityProfile.securityEncryptionType to "
     "\"DiskWithVMGuestState\" (optionally with a ConfidentialVmEncryptedWithCustomerKey disk "
     "encryption set).",
     "DP-4", NULL, t_vm, rp_check_boot_006);
RULE(host_001, "RMP-HOST-001", RP_LAYER_HOST, RP_SEV_HIGH,
     "Linux VM allows SSH password authentication",
     "Passwords can be guessed and sprayed; SSH keys cannot. A Linux VM with an adminPassword and "
     "without disablePasswordAuthentication accepts password logins.",
     "Set osProfile.linuxConfiguration.disablePasswordAuthentication to true, provide "
     "linuxConfiguration.ssh.publicKeys and drop adminPassword (or use Microsoft Entra ID login, "
     "AADSSHLoginForLinux).",
     "IM-6", NULL, t_vm, rp_check_host_001);
RULE(host_002, "RMP-HOST-002", RP_LAYER_HOST, RP_SEV_HIGH,
     "Secret in clear text (admin password literal or default, extension public settings)",
     "A password written in the template, as a parameter default or as a non-secure value is "
     "readable by anyone with the template or the deployment history; extension public settings "
     "(including commandToExecute) are stored in plain text too.",
     "Pass secrets as secureString parameters without defaults (or Key Vault references) and put "
     "commands and secrets of extensions in protectedSettings.",
     "IM-8", NULL, t_vm_ext, rp_check_host_002);
RULE(host_003, "RMP-HOST-003", RP_LAYER_HOST, RP_SEV_MEDIUM, "Automatic guest patching is off",
     "Unpatched guests are the usual way in after exposure; with patchMode AutomaticByPlatform "
     "Azure installs critical and security updates in safe, health-monitored batches, and scale "
     "sets can upgrade the OS image automatically.",
     "Set osProfile.linuxConfiguration.patchSettings.patchMode (or "
     "windowsConfiguration.patchSettings.patchMode) to \"AutomaticByPlatform\" with "
     "provisionVMAgent true; for scale sets also "
     "upgradePolicy.automaticOSUpgradePolicy.enableAutomaticOSUpgrade true.",
     "PV-6", "3.1.10", t_vm, rp_check_host_003);
RULE(host_004, "RMP-HOST-004", RP_LAYER_HOST, RP_SEV_HIGH,
     "VM extension downloads scripts over plain http",
     "Scripts run by Custom Script and Run Command execute as root or SYSTEM; fetched over http "
     "they can be replaced in transit by anyone on the path.",
     "Use https:// URLs (with a managed identity or a short-lived SAS in protectedSettings) for "
     "fileUris, commandToExecute downloads and runCommands source.scriptUri.",
     "NS-8, AM-5", "8.7", t_script, rp_check_host_004);
RULE(data_001, "RMP-DATA-001", RP_LAYER_DATA, RP_SEV_MEDIUM, "Encryption at host is off",
     "Server-side encryption does not cover the temporary disk, disk caches or the data flow "
     "between host and storage; encryption at host encrypts them on the host. Defender for Cloud "
     "reports SSE-only VMs as unhealthy.",
     "Set securityProfile.encryptionAtHost to true (register the EncryptionAtHost feature and use "
     "a size with EncryptionAtHostSupported).",
     "DP-4", NULL, t_vm, rp_check_data_001);
RULE(data_002, "RMP-DATA-002", RP_LAYER_DATA, RP_SEV_LOW,
     "Managed disk encrypted with platform-managed keys only",
     "Platform-managed keys protect against stolen media but leave key lifecycle, revocation and "
     "separation of duties with Microsoft; regulated data usually requires customer-managed keys.",
     "Reference a disk encryption set (managedDisk.diskEncryptionSet.id, or "
     "encryption.diskEncryptionSetId on Microsoft.Compute/disks) backed by a Key Vault key with "
     "purge protection.",
     "DP-5", "8.3", t_vm_disk, rp_check_data_002);
RULE(data_003, "RMP-DATA-003", RP_LAYER_DATA, RP_SEV_MEDIUM, "VM uses unmanaged (VHD) disks",
     "Unmanaged disks live as page blobs in a storage account whose keys, network rules and public "
     "access then guard the disk; they miss managed-disk encryption options and are being retired.",
     "Use managed disks (storageProfile.osDisk.managedDisk) instead of vhd.uri / vhdContainers.",
     "DP-4", "8.2", t_vm, rp_check_data_003);
RULE(data_004, "RMP-DATA-004", RP_LAYER_DATA, RP_SEV_MEDIUM,
     "Azure Disk Encryption extension in use (retires 2028-09-15)",
     "Azure Disk Encryption is scheduled for retirement on 2028-09-15; after that ADE-encrypted "
     "disks fail to unlock on reboot.",
     "Migrate to encryption at host (securityProfile.encryptionAtHost) or to Confidential VM OS "
     "disk encryption, then remove the AzureDiskEncryption / AzureDiskEncryptionForLinux "
     "extension.",
     "DP-4", NULL, t_vm, rp_check_data_004);
RULE(data_010, "RMP-DATA-010", RP_LAYER_DATA, RP_SEV_HIGH,
     "Storage account allows unencrypted HTTP",
     "Requests over HTTP expose data and shared-key signatures to anyone on the path.",
     "Set properties.supportsHttpsTrafficOnly to true (the default since API 2019-04-01).", "DP-3",
     "4.1", t_sa, rp_check_data_010);
RULE(data_011, "RMP-DATA-011", RP_LAYER_DATA, RP_SEV_MEDIUM,
     "Storage account minimum TLS version below 1.2",
     "TLS 1.0 and 1.1 have known weaknesses; the account's minimumTlsVersion defaults to TLS 1.0 "
     "when absent.",
     "Set properties.minimumTlsVersion to \"TLS1_2\".", "DP-3, NS-8", "4.15", t_sa,
     rp_check_data_011);
RULE(data_012, "RMP-DATA-012", RP_LAYER_DATA, RP_SEV_HIGH,
     "Storage account allows anonymous public blob access",
     "With allowBlobPublicAccess true any container set to Blob or Container access is readable by "
     "anyone on the Internet without credentials.",
     "Set properties.allowBlobPublicAccess to false.", "NS-2, DP-2", "4.17", t_sa,
     rp_check_data_012);
RULE(data_013, "RMP-DATA-013", RP_LAYER_DATA, RP_SEV_MEDIUM,
     "Storage account allows shared key access",
     "Account keys and SAS tokens are bearer secrets that bypass Entra ID, conditional access and "
     "per-identity auditing; allowSharedKeyAccess is true unless set to false.",
     "Set properties.allowSharedKeyAccess to false and use Entra ID (RBAC) authorization.", "IM-1",
     NULL, t_sa, rp_check_data_013);
RULE(data_014, "RMP-DATA-014", RP_LAYER_DATA, RP_SEV_MEDIUM,
     "Storage account reachable from any network",
     "Without publicNetworkAccess Disabled or a firewall that denies by default, the account "
     "endpoint accepts requests from the whole Internet, so a leaked key or SAS is usable from "
     "anywhere.",
     "Set properties.publicNetworkAccess to \"Disabled\" and use private endpoints, or set "
     "networkAcls.defaultAction to \"Deny\" with explicit ipRules / virtualNetworkRules.",
     "NS-2", "4.6, 4.7", t_sa, rp_check_data_014);
RULE(data_015, "RMP-DATA-015", RP_LAYER_DATA, RP_SEV_LOW,
     "Storage account infrastructure encryption is off",
     "Infrastructure encryption adds a second, independent layer of AES-256 encryption at rest; it "
     "can only be chosen when the account is created.",
     "Set properties.encryption.requireInfrastructureEncryption to true at creation.", "DP-4",
     "4.2", t_sa, rp_check_data_015);
RULE(data_016, "RMP-DATA-016", RP_LAYER_DATA, RP_SEV_MEDIUM,
     "Storage account allows cross-tenant object replication",
     "Object replication policies to accounts in other Microsoft Entra tenants can copy data out "
     "of the organisation's control.",
     "Set properties.allowCrossTenantReplication to false.", "DP-2", "4.16", t_sa,
     rp_check_data_016);
RULE(data_020, "RMP-DATA-020", RP_LAYER_DATA, RP_SEV_MEDIUM, "Key Vault purge protection is off",
     "Without purge protection a malicious or mistaken actor can permanently purge a soft-deleted "
     "vault or key, destroying every disk or storage account encrypted with it.",
     "Set properties.enablePurgeProtection to true (irreversible; required for disk encryption set "
     "and storage CMK vaults).",
     "DP-8", "3.3.5", t_kv, rp_check_data_020);
RULE(data_021, "RMP-DATA-021", RP_LAYER_DATA, RP_SEV_HIGH, "Key Vault soft delete is off",
     "Without soft delete a deleted key, secret or vault is gone immediately.",
     "Remove enableSoftDelete: false (soft delete is on by default and cannot be turned off on new "
     "vaults).",
     "DP-8", "3.3.5", t_kv, rp_check_data_021);
RULE(data_022, "RMP-DATA-022", RP_LAYER_DATA, RP_SEV_MEDIUM, "Key Vault reachable from any network",
     "A vault with a public endpoint open to all networks can be attacked from anywhere with "
     "stolen credentials.",
     "Set properties.publicNetworkAccess to \"Disabled\" with private endpoints, or "
     "networkAcls.defaultAction \"Deny\" with explicit rules.",
     "NS-2, DP-8", "3.3.7", t_kv, rp_check_data_022);
RULE(data_023, "RMP-DATA-023", RP_LAYER_DATA, RP_SEV_MEDIUM,
     "Key Vault uses access policies instead of Azure RBAC",
     "Access policies grant vault-wide permissions, cannot be scoped to single keys or secrets, "
     "and any Contributor on the vault can grant themselves access; Azure RBAC separates "
     "management from data access. RBAC is the default only for vaults created with API 2026-02-01 "
     "or later.",
     "Set properties.enableRbacAuthorization to true and replace accessPolicies with role "
     "assignments (Key Vault Secrets User, Crypto User, ...).",
     "PA-7, DP-8", "3.3.6", t_kv, rp_check_data_023);
RULE(mon_001, "RMP-MON-001", RP_LAYER_MON, RP_SEV_MEDIUM,
     "VM or scale set without the Azure Monitor Agent",
     "Without the Azure Monitor Agent (and a data collection rule) no guest security events, "
     "syslog or performance data reach Log Analytics or Sentinel.",
     "Deploy the extension publisher Microsoft.Azure.Monitor, type AzureMonitorLinuxAgent / "
     "AzureMonitorWindowsAgent, with a managed identity and a "
     "Microsoft.Insights/dataCollectionRuleAssociations resource.",
     "LT-3, LT-5", NULL, t_vm, rp_check_mon_001);
RULE(mon_002, "RMP-MON-002", RP_LAYER_MON, RP_SEV_MEDIUM,
     "Legacy Log Analytics agent (MMA / OMS) in use",
     "The Log Analytics agent was retired on 2024-08-31 and may stop uploading data at any time "
     "after 2026-03-02, silently ending guest logging.",
     "Replace MicrosoftMonitoringAgent / OmsAgentForLinux with the Azure Monitor Agent and data "
     "collection rules.",
     "LT-3", NULL, t_vm, rp_check_mon_002);
RULE(mon_003, "RMP-MON-003", RP_LAYER_MON, RP_SEV_MEDIUM,
     "Network security group or virtual network without flow logs",
     "Flow logs are the record of who talked to whom; without them lateral movement and "
     "exfiltration cannot be investigated.",
     "Create a Microsoft.Network/networkWatchers/flowLogs resource with targetResourceId = the "
     "virtual network (VNet flow logs), enabled true, a storage account and traffic analytics to a "
     "Log Analytics workspace.",
     "LT-4", "6.1.5", t_nsg_vnet, rp_check_mon_003);
RULE(mon_004, "RMP-MON-004", RP_LAYER_MON, RP_SEV_LOW, "Flow log retention below 90 days",
     "Intrusions are often found months later; flow records deleted after fewer than 90 days are "
     "gone when needed.",
     "Set properties.retentionPolicy.days to 90 or more (0 keeps records without limit).", "LT-6",
     "7.5", t_flowlog, rp_check_mon_004);
RULE(mon_005, "RMP-MON-005", RP_LAYER_MON, RP_SEV_MEDIUM,
     "Key Vault without diagnostic settings for audit events",
     "Key Vault AuditEvent logs record every access to keys and secrets; without a diagnostic "
     "setting they are not kept anywhere.",
     "Add a Microsoft.Insights/diagnosticSettings resource with scope = the vault and logs "
     "[{categoryGroup: \"audit\", enabled: true}] to a Log Analytics workspace.",
     "LT-3", "6.1.4", t_kv, rp_check_mon_005);
RULE(mon_006, "RMP-MON-006", RP_LAYER_MON, RP_SEV_LOW, "Boot diagnostics are off",
     "Boot diagnostics keep serial console output and screenshots: the evidence of a failed or "
     "tampered boot, and the prerequisite for the serial console.",
     "Set diagnosticsProfile.bootDiagnostics.enabled to true (without storageUri for managed "
     "storage).",
     "LT-3", NULL, t_vm, rp_check_mon_006);
RULE(mon_007, "RMP-MON-007", RP_LAYER_MON, RP_SEV_HIGH, "Defender for Servers is set to Free",
     "Without Defender for Servers there is no threat detection, endpoint protection integration, "
     "vulnerability assessment or boot-integrity alerting for VMs.",
     "Set the Microsoft.Security/pricings resource VirtualMachines to pricingTier \"Standard\" "
     "(subPlan P1 or P2).",
     "LT-1, ES-1", "3.1.3.1", t_pricing, rp_check_mon_007);
RULE(mon_008, "RMP-MON-008", RP_LAYER_MON, RP_SEV_LOW,
     "NSG flow log (retiring): migrate to virtual network flow logs",
     "NSG flow logs cannot be created since 2025-06-30 and retire on 2027-09-30; redeploying the "
     "template will fail and logging will end.",
     "Replace the flow log's targetResourceId (an NSG) with the virtual network and disable the "
     "NSG flow log to avoid duplicate records.",
     "LT-4", NULL, t_flowlog, rp_check_mon_008);
RULE(depth_001, "RMP-DEPTH-001", RP_LAYER_DEPTH, RP_SEV_HIGH,
     "Asset reachable from the Internet with too few defense layers holding",
     "Defense in depth means an attacker must defeat several independent layers: boot integrity, "
     "host hardening, network exposure, data encryption and monitoring. An asset reachable from "
     "the Internet on which fewer than three of the five layers hold (rated from the other rules' "
     "results, docs/depth.md) leaves an attacker little to get through, and the weakest attack "
     "path shows where.",
     "Make more layers hold: fix the failing rules listed for the asset's weakest layers (rampart "
     "scan shows the layer matrix and the weakest path), or remove the public endpoint. The "
     "threshold is set with scan --min-depth N.",
     "NS-1, PV-3, DP-4, LT-1", NULL, t_vm, rp_check_depth_001);

RULE(net_001, "RMP-NET-001", RP_LAYER_NET, RP_SEV_CRITICAL,
     "Management port (22, 3389, 5985, 5986) reachable from the Internet",
     "SSH, RDP and WinRM exposed to every Internet address are brute-forced and exploited within "
     "minutes of deployment. rampart evaluates the NSGs exactly (priority, Deny, default rules, "
     "service tags, the subnet + NIC chain) and only counts ports with a public path: a public IP, "
     "a per-instance public IP or a load balancer rule / NAT rule / NAT pool on a public frontend.",
     "Remove the public path or restrict the allowing rule's source to known addresses; prefer "
     "Azure Bastion or just-in-time access "
     "(Microsoft.Security/locations/jitNetworkAccessPolicies).",
     "NS-1, PA-2", "7.1, 7.2", t_vm_nic, rp_check_net_001);
RULE(net_002, "RMP-NET-002", RP_LAYER_NET, RP_SEV_CRITICAL,
     "Database or cache port reachable from the Internet",
     "SQL Server (1433), MySQL (3306), PostgreSQL (5432), Redis (6379), MongoDB (27017), "
     "Elasticsearch (9200) and memcached (11211) reachable from every Internet address are found "
     "by scanners and attacked (credential stuffing, unauthenticated access, amplification).",
     "Keep data services on private addresses: remove the public path or the allowing rule; reach "
     "them through private endpoints, a VPN or a bastion.",
     "NS-1, NS-2", "7.4", t_vm_nic, rp_check_net_002);
RULE(net_003, "RMP-NET-003", RP_LAYER_NET, RP_SEV_CRITICAL,
     "Every port reachable from the Internet",
     "Every Tcp or Udp port of the machine is open to every Internet address (an any-any allow "
     "rule, or a Basic SKU public IP with no NSG): every service listening, including ones "
     "started later, is exposed.",
     "Add an NSG to the subnet or NIC that allows only the ports the workload serves, or use a "
     "Standard SKU public IP (closed unless an NSG allows).",
     "NS-1", "7.3", t_vm_nic, rp_check_net_003);
RULE(net_004, "RMP-NET-004", RP_LAYER_NET, RP_SEV_MEDIUM, "Port reachable from the Internet",
     "A port other than the management and database ports is open to every Internet address. "
     "Ports 80 and 443 published through a load-balancing rule are the expected shape of a web "
     "tier and pass (reported as information in the message).",
     "Check that the port is meant to be public; publish web services through a load balancer or "
     "application gateway and restrict the rule's source otherwise.",
     "NS-1", "7.4", t_vm_nic, rp_check_net_004);
RULE(net_005, "RMP-NET-005", RP_LAYER_NET, RP_SEV_HIGH,
     "VM NIC without an NSG on the NIC or its subnet",
     "With no network security group at either level nothing filters the machine's traffic: "
     "every port is open to the virtual network and, with a Basic public IP, to the Internet.",
     "Associate an NSG with the subnet (properties.networkSecurityGroup.id of the subnet) or with "
     "the NIC.",
     "NS-1", NULL, t_vm, rp_check_net_005);
RULE(net_006, "RMP-NET-006", RP_LAYER_NET, RP_SEV_LOW,
     "Security rule shadowed by higher-priority rules (it never matches)",
     "Earlier rules of the same direction take all of the rule's traffic, so it never applies: "
     "usually a Deny written after a broader Allow, or an obsolete rule. The rules that cover it "
     "are named.",
     "Remove the rule, or give it a priority number lower than the covering rules if it is meant "
     "to apply.",
     "NS-1", NULL, t_nsg, rp_check_net_006);
RULE(net_007, "RMP-NET-007", RP_LAYER_NET, RP_SEV_MEDIUM,
     "Management ports open east-west from the whole VirtualNetwork",
     "Every address of the virtual network and its peerings reaches SSH, RDP or WinRM (the "
     "default rule AllowVnetInBound does this unless a rule denies it): one compromised machine "
     "can move laterally to this one.",
     "Allow 22/3389/5985/5986 only from a management subnet (e.g. AzureBastionSubnet) and deny "
     "them from VirtualNetwork with a rule before priority 65000.",
     "NS-1", NULL, t_vm, rp_check_net_007);
RULE(net_008, "RMP-NET-008", RP_LAYER_NET, RP_SEV_MEDIUM, "Basic SKU public IP",
     "Basic public IPs were retired on 2025-09-30 and are open to inbound traffic when no NSG is "
     "on the path (Standard is closed unless an NSG allows). An absent SKU is Azure's default, "
     "Basic.",
     "Set sku.name to \"Standard\" (scale sets: publicIPAddressConfiguration.sku.name) and make "
     "sure an NSG allows what must be reachable.",
     "NS-1", "6.5", t_pip, rp_check_net_008);
RULE(net_009, "RMP-NET-009", RP_LAYER_NET, RP_SEV_LOW, "Subnet with default outbound access",
     "VMs in the subnet get an implicit, Microsoft-owned public IP for outbound traffic: an "
     "egress path nobody configured, audits or can restrict. It is on when "
     "properties.defaultOutboundAccess is true, or absent with a Microsoft.Network API version "
     "before 2025-07-01.",
     "Set properties.defaultOutboundAccess to false (a private subnet) and give outbound access "
     "explicitly (NAT gateway, load balancer outbound rules, firewall).",
     "NS-1", NULL, t_subnet, rp_check_net_009);

const rp_rule *const rp_rules[] = {
	&boot_001, &boot_002, &boot_003, &boot_004, &boot_005, &boot_006,  &data_001, &data_002,
	&data_003, &data_004, &data_010, &data_011, &data_012, &data_013,  &data_014, &data_015,
	&data_016, &data_020, &data_021, &data_022, &data_023, &depth_001, &host_001, &host_002,
	&host_003, &host_004, &mon_001,  &mon_002,  &mon_003,  &mon_004,   &mon_005,  &mon_006,
	&mon_007,  &mon_008,  &net_001,  &net_002,  &net_003,  &net_004,   &net_005,  &net_006,
	&net_007,  &net_008,  &net_009,
};

const size_t rp_nrules = sizeof(rp_rules) / sizeof(rp_rules[0]);
