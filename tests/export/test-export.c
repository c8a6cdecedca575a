/* test-export.c: the live export ingester (src/ingest/export): PSRule's
 * real export in ../shared/fixtures/exports, and the other shapes as the
 * tools print them: `az network nsg list` (flattened array), `az vm show`
 * (one flattened object with inline extensions), an ARM REST list
 * {"value": [...]}, and Azure Resource Graph {"data": [...]} with
 * lower-case types.  Also input detection (src/ingest/detect.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ingest/detect.h"
#include "ingest/export/export.h"
#include "tt-util.h"
#include "util/error.h"

static rp_deployment *load_case(const char *name, rp_diag *diag)
{
	char rel[256];
	int rc = 0;
	rp_deployment *d;

	snprintf(rel, sizeof(rel), "tests/export/cases/%s", name);
	d = tt_load(tt_source(rel), RP_INPUT_UNKNOWN, &rc, diag);
	if (rc != 0)
		rp_diag_print(stderr, diag, false);
	assert_int_equal(rc, 0);
	assert_int_equal(tt_ndiag(diag, RP_DIAG_ERROR), 0);
	return d;
}

static void test_psrule_fixture(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_resource *r;
	size_t i, j;
	int rc = 0;

	(void)state;
	rp_diag_init(&diag);
	d = tt_load(tt_shared("fixtures/exports/psrule-rules-azure/Resources.VirtualMachine.json"),
		    RP_INPUT_UNKNOWN, &rc, &diag);
	assert_int_equal(rc, 0);
	assert_int_equal(diag.count, 0);
	printf("PSRule export: %zu resources\n", d->nresources);
	/* 37 listed at the top level, 10 more only inline in VMs' resources */
	assert_int_equal(d->nresources, 47);
	assert_int_equal(tt_count_type(d, "Microsoft.Compute/virtualMachines"), 11);
	assert_int_equal(tt_count_type(d, "Microsoft.Compute/virtualMachines/extensions"), 15);
	assert_int_equal(tt_count_type(d, "Microsoft.Network/networkInterfaces"), 10);
	assert_int_equal(tt_count_type(d, "Microsoft.Compute/disks"), 5);
	assert_int_equal(tt_count_type(d, "Microsoft.Compute/snapshots"), 1);
	assert_int_equal(tt_count_type(d, "Microsoft.Compute/availabilitySets"), 2);
	assert_int_equal(tt_count_type(d, "Microsoft.Network/privateEndpoints"), 1);
	/* " Microsoft.Maintenance/configurationAssignments": trimmed */
	assert_int_equal(tt_count_type(d, "Microsoft.Maintenance/configurationAssignments"), 2);
	/* IDs unique */
	for (i = 0; i < d->nresources; i++)
		for (j = i + 1; j < d->nresources; j++)
			assert_false(strcmp(d->resources[i].id->u.s, d->resources[j].id->u.s) == 0);
	/* extension child names from the ID */
	r = tt_by_name(d, "Microsoft.Compute/virtualMachines/extensions",
		       "aks-agentpool-00000000-1/OmsAgentForLinux");
	assert_non_null(r);
	assert_string_equal(tt_str(r, "properties.publisher"),
			    "Microsoft.EnterpriseCloud.Monitoring");
	/* inline extension of vm-A */
	assert_non_null(tt_by_name(d, "Microsoft.Compute/virtualMachines/extensions",
				   "vm-A/AzureMonitorWindowsAgent"));
	/* PascalCase envelope -> ARM keys */
	r = tt_by_name(d, "Microsoft.Compute/virtualMachines", "vm-A");
	assert_non_null(r);
	assert_non_null(r->properties);
	assert_non_null(tt_path(r, "properties.storageProfile.osDisk"));
	assert_string_equal(tt_str(r, "location"), "region");
	assert_int_equal(r->origin, RP_ORIGIN_EXPORT);
	assert_null(r->address);
	/* the lower-case last element */
	assert_non_null(tt_by_name(d, "Microsoft.Network/networkInterfaces",
				   "private-link.nic.00000000-0000-0000-0000-000000000000"));
	/* a Linux VM that allows password login */
	{
		bool found = false;
		for (i = 0; i < d->nresources; i++)
			if (tt_bool(&d->resources[i], "properties.osProfile.linuxConfiguration."
						      "disablePasswordAuthentication") == 0)
				found = true;
		assert_true(found);
	}
	/* configuration assignment: an extension resource scoped to its VM */
	for (i = 0; i < d->nresources; i++)
		if (strcmp(d->resources[i].type,
			   "Microsoft.Maintenance/configurationAssignments") == 0) {
			assert_non_null(d->resources[i].scope);
			assert_non_null(strstr(d->resources[i].scope, "/virtualMachines/"));
		}
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

static void test_az_nsg_list(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_resource *r;
	const rp_value *v;

	(void)state;
	rp_diag_init(&diag);
	d = load_case("az-nsg-list.json", &diag);
	assert_int_equal(d->nresources, 1);
	r = &d->resources[0];
	assert_string_equal(r->type, "Microsoft.Network/networkSecurityGroups");
	assert_string_equal(r->name->u.s, "nsg-web");
	/* flattened -> properties, child rules folded too */
	assert_string_equal(tt_str(r, "properties.provisioningState"), "Succeeded");
	assert_string_equal(tt_str(r, "properties.securityRules[0].name"), "ssh");
	assert_string_equal(
		tt_str(r, "properties.securityRules[0].properties.destinationPortRange"), "22");
	assert_string_equal(tt_str(r, "properties.securityRules[1].properties.sourceAddressPrefix"),
			    "Internet");
	assert_int_equal(tt_path(r, "properties.securityRules[1].properties.priority")->u.i, 1010);
	assert_null(tt_path(r, "properties.securityRules[0].direction"));
	assert_null(tt_path(r, "properties.securityRules[0].properties.resourceGroup"));
	assert_string_equal(tt_str(r, "properties.defaultSecurityRules[1].name"), "DenyAllInBound");
	assert_null(tt_path(r, "properties.resourceGroup"));
	assert_null(tt_path(r, "properties.name"));
	/* spans into the file */
	v = tt_path(r, "properties.securityRules[0].properties.destinationPortRange");
	assert_true(v->span.src == d->sources[0]);
	assert_int_equal(memcmp(d->sources[0]->data + v->span.off, "\"22\"", 4), 0);
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

static void test_az_vm_show(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_resource *vm, *ext;

	(void)state;
	rp_diag_init(&diag);
	d = load_case("az-vm-show.json", &diag);
	assert_int_equal(d->nresources, 2);
	vm = tt_by_name(d, "Microsoft.Compute/virtualMachines", "vm-web");
	ext = tt_by_name(d, "Microsoft.Compute/virtualMachines/extensions",
			 "vm-web/AzureMonitorLinuxAgent");
	assert_non_null(vm);
	assert_non_null(ext);
	assert_string_equal(tt_str(vm, "properties.securityProfile.securityType"), "TrustedLaunch");
	assert_int_equal(tt_bool(vm, "properties.securityProfile.uefiSettings.vTpmEnabled"), 1);
	assert_int_equal(
		tt_bool(vm,
			"properties.osProfile.linuxConfiguration.disablePasswordAuthentication"),
		1);
	assert_null(tt_path(vm, "properties.resources"));
	assert_string_equal(tt_str(ext, "properties.publisher"), "Microsoft.Azure.Monitor");
	/* typePropertiesType is the extension's properties.type */
	assert_string_equal(tt_str(ext, "properties.type"), "AzureMonitorLinuxAgent");
	assert_string_equal(tt_str(ext, "type"), "Microsoft.Compute/virtualMachines/extensions");
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

static void test_rest_value(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_resource *r;

	(void)state;
	rp_diag_init(&diag);
	d = load_case("rest-value.json", &diag);
	assert_int_equal(d->nresources, 2);
	r = tt_by_name(d, "Microsoft.Network/networkSecurityGroups", "nsg-rest");
	assert_non_null(r);
	assert_string_equal(
		tt_str(r, "properties.securityRules[0].properties.destinationPortRange"), "3389");
	r = tt_by_name(d, "Microsoft.Storage/storageAccounts", "stlive");
	assert_string_equal(tt_str(r, "kind"), "StorageV2");
	assert_string_equal(tt_str(r, "sku.name"), "Standard_LRS");
	assert_string_equal(tt_str(r, "properties.networkAcls.defaultAction"), "Allow");
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

/* A name that is not a string (found by the export fuzzer: the resource
 * kept the array as its name) is unknown, with the reason. */
static void test_name_not_string(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_value *nm;

	(void)state;
	rp_diag_init(&diag);
	d = load_case("name-not-string.json", &diag);
	assert_int_equal(d->nresources, 2);
	/* no ID to take the name from: unknown */
	nm = d->resources[0].name;
	assert_int_equal(nm->kind, RP_V_UNKNOWN);
	assert_non_null(strstr(nm->u.reason, "not a string"));
	/* the ID gives it */
	nm = d->resources[1].name;
	assert_int_equal(nm->kind, RP_V_STRING);
	assert_string_equal(nm->u.s, "vm2");
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

static void test_graph_data(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	const rp_resource *r;

	(void)state;
	rp_diag_init(&diag);
	d = load_case("graph-data.json", &diag);
	assert_int_equal(d->nresources, 2);
	/* Resource Graph lower-cases types: canonical casing restored */
	r = tt_by_name(d, "Microsoft.Network/publicIPAddresses", "pip-web");
	assert_non_null(r);
	assert_string_equal(tt_str(r, "sku.name"), "Standard");
	assert_string_equal(tt_str(r, "zones[2]"), "3");
	assert_null(tt_path(r, "resourceGroup"));
	r = tt_by_name(d, "Microsoft.Insights/diagnosticSettings", "audit");
	assert_non_null(r);
	assert_string_equal(
		r->scope,
		"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-live/"
		"providers/Microsoft.KeyVault/vaults/kv-live");
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

static rp_input_kind detect(const char *text)
{
	rp_source *src = NULL;
	rp_diag diag;
	rp_input_kind k = RP_INPUT_UNKNOWN;

	rp_diag_init(&diag);
	assert_int_equal(rp_source_from_memory("in.json", text, strlen(text), &src), 0);
	(void)rp_ingest_detect_source(src, &k, &diag);
	if (k == RP_INPUT_UNKNOWN) {
		assert_int_equal(diag.count, 1);
		assert_non_null(strstr(diag.items[0].message, "in.json"));
	}
	rp_diag_release(&diag);
	rp_source_free(src);
	return k;
}

static void test_detect(void **state)
{
	rp_input_kind k;

	(void)state;
	assert_int_equal(
		detect("{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/"
		       "deploymentTemplate.json#\", \"contentVersion\": \"1.0.0.0\", "
		       "\"resources\": []}"),
		RP_INPUT_ARM);
	assert_int_equal(
		detect("{\"$schema\": \"https://schema.management.azure.com/schemas/2018-05-01/"
		       "subscriptionDeploymentTemplate.json#\", \"resources\": []}"),
		RP_INPUT_ARM);
	/* comments: ARM's extended JSON */
	assert_int_equal(
		detect("// az group export\n{\"contentVersion\": \"1.0.0.0\", \"resources\": [],}"),
		RP_INPUT_ARM);
	assert_int_equal(
		detect("{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/"
		       "deploymentParameters.json#\", \"parameters\": {}}"),
		RP_INPUT_ARM_PARAMS);
	assert_int_equal(detect("{\"contentVersion\": \"1.0.0.0\", \"parameters\": {\"a\": "
				"{\"value\": 1}}}"),
			 RP_INPUT_ARM_PARAMS);
	assert_int_equal(detect("{\"format_version\": \"1.2\", \"planned_values\": {}}"),
			 RP_INPUT_TFPLAN);
	assert_int_equal(detect("{\"format_version\": \"0.1\", \"terraform_version\": \"0.12.0\", "
				"\"values\": {}}"),
			 RP_INPUT_TFPLAN);
	assert_int_equal(detect("[]"), RP_INPUT_EXPORT);
	assert_int_equal(detect("[{\"id\": \"/subscriptions/x\", \"name\": \"n\"}]"),
			 RP_INPUT_EXPORT);
	assert_int_equal(
		detect("{\"value\": [{\"type\": \"Microsoft.Network/publicIPAddresses\"}]}"),
		RP_INPUT_EXPORT);
	assert_int_equal(detect("{\"count\": 0, \"data\": []}"), RP_INPUT_EXPORT);
	assert_int_equal(
		detect("{\"id\": \"/subscriptions/x/resourceGroups/r/providers/Microsoft.Compute/"
		       "virtualMachines/v\", \"type\": \"Microsoft.Compute/virtualMachines\"}"),
		RP_INPUT_EXPORT);
	assert_int_equal(detect("{\"version\": 4, \"terraform_version\": \"1.9.0\", \"serial\": 3, "
				"\"lineage\": \"x\", "
				"\"resources\": []}"),
			 RP_INPUT_UNKNOWN);
	assert_int_equal(detect("[1, 2]"), RP_INPUT_UNKNOWN);
	assert_int_equal(detect("{\"hello\": \"world\"}"), RP_INPUT_UNKNOWN);
	assert_int_equal(detect("42"), RP_INPUT_UNKNOWN);
	assert_int_equal(rp_input_kind_parse("tfplan", &k), 0);
	assert_int_equal(k, RP_INPUT_TFPLAN);
	assert_int_equal(rp_input_kind_parse("export", &k), 0);
	assert_int_equal(k, RP_INPUT_EXPORT);
	assert_int_equal(rp_input_kind_parse("arm", &k), 0);
	assert_int_equal(k, RP_INPUT_ARM);
	assert_int_equal(rp_input_kind_parse("bicep", &k), -RP_EINVAL);
	assert_string_equal(rp_input_kind_name(RP_INPUT_EXPORT), "export");
}

static void test_load_file(void **state)
{
	rp_diag diag;
	rp_deployment *d = NULL;
	rp_input_kind k;
	char path[4096];

	(void)state;
	rp_diag_init(&diag);
	snprintf(path, sizeof(path), "%s", tt_source("tests/export/cases/az-nsg-list.json"));
	assert_int_equal(rp_ingest_load_file(path, RP_INPUT_UNKNOWN, &k, &d, &diag), 0);
	assert_int_equal(k, RP_INPUT_EXPORT);
	assert_non_null(d);
	assert_int_equal(d->nresources, 1);
	d = rp_deployment_free(d);
	snprintf(path, sizeof(path), "%s", tt_source("tests/tfplan/cases/state.json"));
	assert_int_equal(rp_ingest_load_file(path, RP_INPUT_UNKNOWN, &k, &d, &diag), 0);
	assert_int_equal(k, RP_INPUT_TFPLAN);
	assert_int_equal(d->nresources, 2);
	d = rp_deployment_free(d);
	snprintf(path, sizeof(path), "%s", tt_source("tests/parity/deploy.arm.json"));
	assert_int_equal(rp_ingest_load_file(path, RP_INPUT_UNKNOWN, &k, &d, &diag), 0);
	assert_int_equal(k, RP_INPUT_ARM);
	assert_null(d);
	/* forced kind: an export read as a plan fails with a diagnostic */
	snprintf(path, sizeof(path), "%s", tt_source("tests/export/cases/az-nsg-list.json"));
	assert_int_equal(rp_ingest_load_file(path, RP_INPUT_TFPLAN, &k, &d, &diag), -RP_EPARSE);
	assert_non_null(d);
	assert_true(diag.nerrors == 1);
	rp_diag_release(&diag);
	d = rp_deployment_free(d);
	/* unknown JSON: an error naming the file */
	rp_diag_init(&diag);
	snprintf(path, sizeof(path), "%s", tt_source("meson_options.txt"));
	assert_true(rp_ingest_load_file(path, RP_INPUT_UNKNOWN, &k, &d, &diag) < 0);
	assert_true(diag.nerrors >= 1);
	rp_diag_release(&diag);
	rp_deployment_free(d);
}

static void test_bad_export(void **state)
{
	rp_diag diag;
	rp_deployment *d;
	int rc = 0;

	(void)state;
	rp_diag_init(&diag);
	d = tt_load_mem("x.json", "{\"hello\": 1}", RP_INPUT_EXPORT, &rc, &diag);
	assert_int_equal(rc, -RP_EPARSE);
	assert_non_null(strstr(diag.items[0].message, "x.json"));
	rp_deployment_free(d);
	rp_diag_release(&diag);
	rp_diag_init(&diag);
	/* elements without a type are skipped with a warning; non-objects too */
	d = tt_load_mem("y.json",
			"[{\"name\": \"a\"}, 3, {\"type\": \"Microsoft.Network/virtualNetworks\", "
			"\"name\": \"v\"}]",
			RP_INPUT_EXPORT, &rc, &diag);
	assert_int_equal(rc, 0);
	assert_int_equal(d->nresources, 1);
	assert_int_equal(tt_ndiag(&diag, RP_DIAG_WARNING), 2);
	assert_true(rp_value_is(d->resources[0].id, RP_V_UNKNOWN));
	rp_deployment_free(d);
	rp_diag_release(&diag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psrule_fixture),  cmocka_unit_test(test_az_nsg_list),
		cmocka_unit_test(test_az_vm_show),      cmocka_unit_test(test_rest_value),
		cmocka_unit_test(test_name_not_string), cmocka_unit_test(test_graph_data),
		cmocka_unit_test(test_detect),          cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_bad_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
