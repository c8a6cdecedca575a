/* defaults.c: Azure's defaults for absent properties (see defaults.h).
 * Each row names its source in /work/shared/reference/azure-facts.md. */
#include "rules/defaults.h"
#include "util/hashmap.h"
#include "util/str.h"

#include <pthread.h>
#include <string.h>

#define VM "Microsoft.Compute/virtualMachines"
#define VMSS "Microsoft.Compute/virtualMachineScaleSets"
#define SA "Microsoft.Storage/storageAccounts"
#define KV "Microsoft.KeyVault/vaults"
#define VMSSP "properties.virtualMachineProfile."

#define B(x)                                  \
	{                                     \
		.kind = RP_V_BOOL, .u.b = (x) \
	}
#define S(x)                                                          \
	{                                                             \
		.kind = RP_V_STRING, .len = sizeof(x) - 1, .u.s = (x) \
	}
#define I(x)                                 \
	{                                    \
		.kind = RP_V_INT, .u.i = (x) \
	}

const rp_default rp_defaults[] = {
	/* 1.1/1.4: "UefiSettings will not be enabled unless this property is set";
	 * Standard is "returned as the default value when securityType is not specified". */
	{ VM, "properties.securityProfile.securityType", NULL, NULL, NULL, NULL, S("Standard"),
	  "azure-facts 1.4: absent securityType means Standard (Trusted Launch by default is a "
	  "preview feature for ARM/REST)" },
	{ VMSS, VMSSP "securityProfile.securityType", NULL, NULL, NULL, NULL, S("Standard"),
	  "azure-facts 1.4: absent securityType means Standard" },
	/* 1.9: Confidential VMs: "Secure Boot on by default", "vTPM required". */
	{ VM, "properties.securityProfile.uefiSettings.secureBootEnabled", NULL, NULL,
	  "properties.securityProfile.securityType", "ConfidentialVM", B(true),
	  "azure-facts 1.9: Confidential VM: Secure Boot on by default" },
	{ VMSS, VMSSP "securityProfile.uefiSettings.secureBootEnabled", NULL, NULL,
	  VMSSP "securityProfile.securityType", "ConfidentialVM", B(true),
	  "azure-facts 1.9: Confidential VM: Secure Boot on by default" },
	{ VM, "properties.securityProfile.uefiSettings.vTpmEnabled", NULL, NULL,
	  "properties.securityProfile.securityType", "ConfidentialVM", B(true),
	  "azure-facts 1.9: Confidential VM: vTPM required" },
	{ VMSS, VMSSP "securityProfile.uefiSettings.vTpmEnabled", NULL, NULL,
	  VMSSP "securityProfile.securityType", "ConfidentialVM", B(true),
	  "azure-facts 1.9: Confidential VM: vTPM required" },
	/* 1.1/4.1: "The Encryption at host will be disabled unless this property is set to true".
	 */
	{ VM, "properties.securityProfile.encryptionAtHost", NULL, NULL, NULL, NULL, B(false),
	  "azure-facts 4.1: encryption at host is disabled unless set to true" },
	{ VMSS, VMSSP "securityProfile.encryptionAtHost", NULL, NULL, NULL, NULL, B(false),
	  "azure-facts 4.1: encryption at host is disabled unless set to true" },
	/* 6: "Default when omitted: false if adminPassword supplied". */
	{ VM, "properties.osProfile.linuxConfiguration.disablePasswordAuthentication", NULL, NULL,
	  NULL, NULL, B(false),
	  "azure-facts 6: password authentication stays enabled when omitted" },
	{ VMSS, VMSSP "osProfile.linuxConfiguration.disablePasswordAuthentication", NULL, NULL,
	  NULL, NULL, B(false),
	  "azure-facts 6: password authentication stays enabled when omitted" },
	/* 6: Linux patchMode ImageDefault ("The virtual machine's default patching configuration is
	   used"). */
	{ VM, "properties.osProfile.linuxConfiguration.patchSettings.patchMode", NULL, NULL, NULL,
	  NULL, S("ImageDefault"), "azure-facts 6: Linux patchMode ImageDefault" },
	{ VMSS, VMSSP "osProfile.linuxConfiguration.patchSettings.patchMode", NULL, NULL, NULL,
	  NULL, S("ImageDefault"), "azure-facts 6: Linux patchMode ImageDefault" },
	/* 6: Windows patchMode: Manual | AutomaticByOS | AutomaticByPlatform; with
	 * enableAutomaticUpdates defaulting to true the OS patches itself. */
	{ VM, "properties.osProfile.windowsConfiguration.patchSettings.patchMode", NULL, NULL, NULL,
	  NULL, S("AutomaticByOS"),
	  "azure-facts 6: Windows enableAutomaticUpdates default true (AutomaticByOS)" },
	{ VMSS, VMSSP "osProfile.windowsConfiguration.patchSettings.patchMode", NULL, NULL, NULL,
	  NULL, S("AutomaticByOS"),
	  "azure-facts 6: Windows enableAutomaticUpdates default true (AutomaticByOS)" },
	{ VMSS, "properties.upgradePolicy.automaticOSUpgradePolicy.enableAutomaticOSUpgrade", NULL,
	  NULL, NULL, NULL, B(false), "azure-facts 6: automatic OS image upgrade is opt-in" },
	/* 5.5 */
	{ VM, "properties.diagnosticsProfile.bootDiagnostics.enabled", NULL, NULL, NULL, NULL,
	  B(false), "azure-facts 5.5: boot diagnostics only when enabled" },
	{ VMSS, VMSSP "diagnosticsProfile.bootDiagnostics.enabled", NULL, NULL, NULL, NULL,
	  B(false), "azure-facts 5.5: boot diagnostics only when enabled" },
	/* 4.1: "EncryptionAtRestWithPlatformKey ... It is the default encryption type." */
	{ "Microsoft.Compute/disks", "properties.encryption.type", NULL, NULL, NULL, NULL,
	  S("EncryptionAtRestWithPlatformKey"),
	  "azure-facts 4.1: platform-managed keys are the default" },
	/* 4.3 Storage. */
	{ SA, "properties.supportsHttpsTrafficOnly", "2019-04-01", NULL, NULL, NULL, B(true),
	  "azure-facts 4.3: \"The default value is true since API version 2019-04-01\"" },
	{ SA, "properties.supportsHttpsTrafficOnly", NULL, "2019-04-01", NULL, NULL, B(false),
	  "azure-facts 4.3: before API 2019-04-01 secure transfer was off unless set" },
	{ SA, "properties.minimumTlsVersion", NULL, NULL, NULL, NULL, S("TLS1_0"),
	  "azure-facts 4.3 / CIS 4.15: the default interpretation is TLS 1.0" },
	{ SA, "properties.allowBlobPublicAccess", NULL, NULL, NULL, NULL, B(false),
	  "azure-facts 4.3: \"The default interpretation is false\" for new accounts (service "
	  "change Dec 2023, not API-gated)" },
	{ SA, "properties.allowSharedKeyAccess", NULL, NULL, NULL, NULL, B(true),
	  "azure-facts 4.3: \"The default value is null, which is equivalent to true\"" },
	{ SA, "properties.publicNetworkAccess", NULL, NULL, NULL, NULL, S("Enabled"),
	  "azure-facts 4.3: absent publicNetworkAccess leaves the public endpoint to networkAcls" },
	{ SA, "properties.networkAcls.defaultAction", NULL, NULL, NULL, NULL, S("Allow"),
	  "azure-facts 4.3: networkAcls.defaultAction default Allow" },
	{ SA, "properties.encryption.requireInfrastructureEncryption", NULL, NULL, NULL, NULL,
	  B(false),
	  "azure-facts 4.3: infrastructure encryption default false (set only at creation)" },
	{ SA, "properties.allowCrossTenantReplication", NULL, NULL, NULL, NULL, B(false),
	  "azure-facts 4.3: \"Cross-tenant policies are not permitted by default for a storage "
	  "account created after Dec 15, 2023\"" },
	/* 4.4 Key Vault. */
	{ KV, "properties.enableSoftDelete", NULL, NULL, NULL, NULL, B(true),
	  "azure-facts 4.4: enableSoftDelete default true" },
	{ KV, "properties.enablePurgeProtection", NULL, NULL, NULL, NULL, B(false),
	  "azure-facts 4.4: enablePurgeProtection default null/false" },
	{ KV, "properties.enableRbacAuthorization", NULL, "2026-02-01", NULL, NULL, B(false),
	  "azure-facts 4.4: RBAC default false before API 2026-02-01" },
	{ KV, "properties.enableRbacAuthorization", "2026-02-01", NULL, NULL, NULL, B(true),
	  "azure-facts 4.4: RBAC default true for create with API 2026-02-01 or later" },
	{ KV, "properties.publicNetworkAccess", NULL, NULL, NULL, NULL, S("Enabled"),
	  "azure-facts 4.4: public access unless publicNetworkAccess Disabled" },
	{ KV, "properties.networkAcls.defaultAction", NULL, NULL, NULL, NULL, S("Allow"),
	  "azure-facts 4.4: networkAcls.defaultAction default Allow" },
	/* 2.8 flow logs: no retention policy = records kept (0 = unlimited). */
	{ "Microsoft.Network/networkWatchers/flowLogs", "properties.retentionPolicy.enabled", NULL,
	  NULL, NULL, NULL, B(false),
	  "azure-facts 2.8: no retention policy: records are kept (days 0 = unlimited)" },
	{ "Microsoft.Network/networkWatchers/flowLogs", "properties.retentionPolicy.days", NULL,
	  NULL, NULL, NULL, I(0), "azure-facts 2.8: days 0 = unlimited" },
	{ "Microsoft.Network/networkWatchers/flowLogs", "properties.enabled", NULL, NULL, NULL,
	  NULL, B(false), "azure-facts 2.8: a flow log records only when enabled" },
	/* 5.4 */
	{ "Microsoft.Security/pricings", "properties.pricingTier", NULL, NULL, NULL, NULL,
	  S("Free"), "azure-facts 5.4: pricingTier Free unless Standard" },
};

const size_t rp_ndefaults = sizeof(rp_defaults) / sizeof(rp_defaults[0]);

int rp_api_cmp(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	int c;

	if (na > 10)
		na = 10;
	if (nb > 10)
		nb = 10;
	c = strncmp(a, b, na < nb ? na : nb);
	if (c)
		return c;
	return (na > nb) - (na < nb);
}

static bool ieq(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && rp_str_ieq(a, b, n);
}

/* Case-insensitive hashes of every row's type and path, built once: a
 * lookup hashes its path (and its type when a path matches) instead of
 * comparing both strings with every row (rules look defaults up hundreds
 * of thousands of times in a corpus). */
#define NDEFAULTS (sizeof(rp_defaults) / sizeof(rp_defaults[0]))
static uint64_t row_type_h[NDEFAULTS], row_path_h[NDEFAULTS];
static pthread_once_t rows_once = PTHREAD_ONCE_INIT;

static void rows_hash(void)
{
	size_t i;

	for (i = 0; i < NDEFAULTS; i++) {
		row_type_h[i] =
			rp_hash_bytes(rp_defaults[i].type, strlen(rp_defaults[i].type), true);
		row_path_h[i] =
			rp_hash_bytes(rp_defaults[i].path, strlen(rp_defaults[i].path), true);
	}
}

rp_default_result rp_default_lookup(const char *type, const char *path, const char *api_version,
				    const rp_value *body, const rp_default **out)
{
	bool versioned = false, have_th = false;
	uint64_t ph, th = 0;
	size_t i;

	*out = NULL;
	if (!type || !path)
		return RP_DEFAULT_NONE;
	pthread_once(&rows_once, rows_hash);
	ph = rp_hash_bytes(path, strlen(path), true);
	for (i = 0; i < rp_ndefaults; i++) {
		const rp_default *d = &rp_defaults[i];
		if (row_path_h[i] != ph)
			continue;
		if (!have_th) {
			th = rp_hash_bytes(type, strlen(type), true);
			have_th = true;
		}
		/* the hashes select; the strings decide */
		if (row_type_h[i] != th || !ieq(d->type, type) || !ieq(d->path, path))
			continue;
		if (d->when_path) {
			const rp_value *w = rp_value_path(body, d->when_path);
			if (!rp_value_is(w, RP_V_STRING) || !rp_value_str_ieq(w, d->when_value))
				continue;
		}
		if (d->api_min || d->api_max) {
			versioned = true;
			if (!api_version)
				continue;
			if (d->api_min && rp_api_cmp(api_version, d->api_min) < 0)
				continue;
			if (d->api_max && rp_api_cmp(api_version, d->api_max) >= 0)
				continue;
		}
		*out = d;
		return RP_DEFAULT_FOUND;
	}
	return versioned && !api_version ? RP_DEFAULT_API_UNKNOWN : RP_DEFAULT_NONE;
}
