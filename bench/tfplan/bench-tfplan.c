/* bench-tfplan.c: Terraform plan ingestion speed and memory (issue #7: a
 * 100 MB plan in at most 2 s, memory at most 3x the input).
 *
 * Generates a deterministic plan of about SIZE_MB megabytes (argument 1,
 * default 100) in the shape `terraform show -json` prints: one child module
 * per application tier, each with a VNet subnet, an NSG with inline rules,
 * the subnet association, a NIC and a Linux VM, with after_unknown and the
 * configuration's references.  Measures (a) parsing the JSON alone, the
 * reference, and (b) the full load (parse + rp_tfplan_load_doc), and prints
 * both (CPU time: the machine may be shared), the ratio b/a, resources per second, and the peak
 * memory growth of the load relative to the input size.
 */
#include "ingest/resource.h"
#include "ingest/tfplan/tfplan.h"
#include "json/json.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void module_values(rp_buf *b, unsigned i)
{
	rp_buf_printf(
		b,
		"{\"address\":\"module.t%u\",\"resources\":["
		"{\"address\":\"module.t%u.azurerm_subnet.s\",\"mode\":\"managed\",\"type\":"
		"\"azurerm_subnet\",\"name\":\"s\","
		"\"provider_name\":\"registry.terraform.io/hashicorp/"
		"azurerm\",\"schema_version\":0,\"values\":{"
		"\"address_prefixes\":[\"10.%u.%u.0/"
		"24\"],\"name\":\"snet-%u\",\"resource_group_name\":\"rg-bench\","
		"\"virtual_network_name\":\"vnet-bench\",\"default_outbound_access_enabled\":true},"
		"\"sensitive_values\":{}},"
		"{\"address\":\"module.t%u.azurerm_network_security_group.n\",\"mode\":\"managed\","
		"\"type\":\"azurerm_network_security_group\","
		"\"name\":\"n\",\"provider_name\":\"registry.terraform.io/hashicorp/"
		"azurerm\",\"schema_version\":0,\"values\":{"
		"\"location\":\"westeurope\",\"name\":\"nsg-%u\",\"resource_group_name\":\"rg-"
		"bench\",\"tags\":null,\"security_rule\":["
		"{\"access\":\"Allow\",\"description\":\"\",\"destination_address_prefix\":\"*\","
		"\"destination_address_prefixes\":[],"
		"\"destination_application_security_group_ids\":[],\"destination_port_range\":"
		"\"443\",\"destination_port_ranges\":[],"
		"\"direction\":\"Inbound\",\"name\":\"https\",\"priority\":100,\"protocol\":"
		"\"Tcp\",\"source_address_prefix\":\"Internet\","
		"\"source_address_prefixes\":[],\"source_application_security_group_ids\":[],"
		"\"source_port_range\":\"*\",\"source_port_ranges\":[]},"
		"{\"access\":\"Allow\",\"description\":\"\",\"destination_address_prefix\":\"*\","
		"\"destination_address_prefixes\":[],"
		"\"destination_application_security_group_ids\":[],\"destination_port_range\":"
		"\"22\",\"destination_port_ranges\":[],"
		"\"direction\":\"Inbound\",\"name\":\"ssh\",\"priority\":110,\"protocol\":\"Tcp\","
		"\"source_address_prefix\":\"10.0.0.0/8\","
		"\"source_address_prefixes\":[],\"source_application_security_group_ids\":[],"
		"\"source_port_range\":\"*\",\"source_port_ranges\":[]}]},"
		"\"sensitive_values\":{}},"
		"{\"address\":\"module.t%u.azurerm_subnet_network_security_group_association.a\","
		"\"mode\":\"managed\","
		"\"type\":\"azurerm_subnet_network_security_group_association\",\"name\":\"a\","
		"\"provider_name\":\"registry.terraform.io/hashicorp/"
		"azurerm\",\"schema_version\":0,\"values\":{},\"sensitive_values\":{}},"
		"{\"address\":\"module.t%u.azurerm_network_interface.nic\",\"mode\":\"managed\","
		"\"type\":\"azurerm_network_interface\","
		"\"name\":\"nic\",\"provider_name\":\"registry.terraform.io/hashicorp/"
		"azurerm\",\"schema_version\":0,\"values\":{"
		"\"location\":\"westeurope\",\"name\":\"nic-%u\",\"resource_group_name\":\"rg-"
		"bench\",\"ip_configuration\":[{\"name\":\"ipc\","
		"\"private_ip_address_allocation\":\"Dynamic\"}]},\"sensitive_values\":{}},"
		"{\"address\":\"module.t%u.azurerm_linux_virtual_machine.vm\",\"mode\":\"managed\","
		"\"type\":\"azurerm_linux_virtual_machine\","
		"\"name\":\"vm\",\"provider_name\":\"registry.terraform.io/hashicorp/"
		"azurerm\",\"schema_version\":0,\"values\":{"
		"\"admin_username\":\"ops\",\"admin_ssh_key\":[{\"public_key\":\"ssh-ed25519 "
		"AAAAbench\",\"username\":\"ops\"}],"
		"\"disable_password_authentication\":true,\"location\":\"westeurope\",\"name\":"
		"\"vm-%u\",\"resource_group_name\":\"rg-bench\","
		"\"secure_boot_enabled\":true,\"vtpm_enabled\":true,\"encryption_at_host_enabled\":"
		"true,\"size\":\"Standard_D2s_v5\","
		"\"os_disk\":[{\"caching\":\"ReadWrite\",\"storage_account_type\":\"Premium_LRS\"}]"
		","
		"\"source_image_reference\":[{\"offer\":\"ubuntu-24_04-lts\",\"publisher\":"
		"\"Canonical\",\"sku\":\"server\",\"version\":\"latest\"}]},"
		"\"sensitive_values\":{}}]}",
		i, i, i % 250, i / 250 % 250, i, i, i, i, i, i, i, i);
}

static void module_changes(rp_buf *b, unsigned i)
{
	rp_buf_printf(
		b,
		"{\"address\":\"module.t%u.azurerm_subnet.s\",\"module_address\":\"module.t%u\","
		"\"mode\":\"managed\",\"type\":\"azurerm_subnet\",\"name\":\"s\",\"change\":{"
		"\"actions\":[\"create\"],\"after_unknown\":{\"id\":true}}},"
		"{\"address\":\"module.t%u.azurerm_network_security_group.n\",\"module_address\":"
		"\"module.t%u\",\"mode\":\"managed\",\"type\":\"azurerm_network_security_group\","
		"\"name\":\"n\",\"change\":{\"actions\":[\"create\"],\"after_unknown\":{\"id\":"
		"true,\"security_rule\":[{},{}]}}},"
		"{\"address\":\"module.t%u.azurerm_subnet_network_security_group_association.a\","
		"\"module_address\":\"module.t%u\",\"mode\":\"managed\",\"type\":\"azurerm_subnet_"
		"network_security_group_association\",\"name\":\"a\",\"change\":{\"actions\":["
		"\"create\"],\"after_unknown\":{\"id\":true,\"subnet_id\":true,\"network_security_"
		"group_id\":true}}},"
		"{\"address\":\"module.t%u.azurerm_network_interface.nic\",\"module_address\":"
		"\"module.t%u\",\"mode\":\"managed\",\"type\":\"azurerm_network_interface\","
		"\"name\":\"nic\",\"change\":{\"actions\":[\"create\"],\"after_unknown\":{\"id\":"
		"true,\"ip_configuration\":[{\"subnet_id\":true,\"private_ip_address\":true}]}}},"
		"{\"address\":\"module.t%u.azurerm_linux_virtual_machine.vm\",\"module_address\":"
		"\"module.t%u\",\"mode\":\"managed\",\"type\":\"azurerm_linux_virtual_machine\","
		"\"name\":\"vm\",\"change\":{\"actions\":[\"create\"],\"after_unknown\":{\"id\":"
		"true,\"network_interface_ids\":true,\"os_disk\":[{\"disk_size_gb\":true}]}}}",
		i, i, i, i, i, i, i, i, i, i);
}

static void module_config(rp_buf *b, unsigned i)
{
	rp_buf_printf(
		b,
		"\"t%u\":{\"source\":\"./tier\",\"module\":{\"resources\":["
		"{\"address\":\"azurerm_subnet.s\",\"mode\":\"managed\",\"type\":\"azurerm_"
		"subnet\",\"name\":\"s\",\"expressions\":{\"name\":{\"constant_value\":\"snet\"}}},"
		"{\"address\":\"azurerm_network_security_group.n\",\"mode\":\"managed\",\"type\":"
		"\"azurerm_network_security_group\",\"name\":\"n\",\"expressions\":{\"name\":{"
		"\"constant_value\":\"nsg\"}}},"
		"{\"address\":\"azurerm_subnet_network_security_group_association.a\",\"mode\":"
		"\"managed\",\"type\":\"azurerm_subnet_network_security_group_association\","
		"\"name\":\"a\",\"expressions\":{"
		"\"subnet_id\":{\"references\":[\"azurerm_subnet.s.id\",\"azurerm_subnet.s\"]},"
		"\"network_security_group_id\":{\"references\":[\"azurerm_network_security_group.n."
		"id\",\"azurerm_network_security_group.n\"]}}},"
		"{\"address\":\"azurerm_network_interface.nic\",\"mode\":\"managed\",\"type\":"
		"\"azurerm_network_interface\",\"name\":\"nic\",\"expressions\":{"
		"\"ip_configuration\":[{\"subnet_id\":{\"references\":[\"azurerm_subnet.s.id\","
		"\"azurerm_subnet.s\"]}}]}},"
		"{\"address\":\"azurerm_linux_virtual_machine.vm\",\"mode\":\"managed\",\"type\":"
		"\"azurerm_linux_virtual_machine\",\"name\":\"vm\",\"expressions\":{"
		"\"network_interface_ids\":{\"references\":[\"azurerm_network_interface.nic.id\","
		"\"azurerm_network_interface.nic\"]}}}]}}",
		i);
}

int main(int argc, char **argv)
{
	double mb = argc > 1 ? atof(argv[1]) : 100.0, t0, t_parse, t_load;
	rp_buf b = RP_BUF_INIT;
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	rp_deployment *dep;
	rp_diag diag;
	unsigned n, i;
	long rss0, rss1;
	size_t held;
	int rc;

	/* about 5.5 KB of plan per module */
	n = (unsigned)(mb * 1e6 / 5500.0);
	if (n == 0)
		n = 1;
	rp_buf_puts(&b, "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\",\"planned_"
			"values\":{\"root_module\":{\"child_modules\":[");
	for (i = 0; i < n; i++) {
		if (i)
			rp_buf_putc(&b, ',');
		module_values(&b, i);
	}
	rp_buf_puts(&b, "]}},\"resource_changes\":[");
	for (i = 0; i < n; i++) {
		if (i)
			rp_buf_putc(&b, ',');
		module_changes(&b, i);
	}
	rp_buf_puts(&b, "],\"configuration\":{\"root_module\":{\"module_calls\":{");
	for (i = 0; i < n; i++) {
		if (i)
			rp_buf_putc(&b, ',');
		module_config(&b, i);
	}
	rp_buf_puts(&b, "}}}}");
	if (rp_source_from_memory("bench-plan.json", b.data, b.len, &src) < 0)
		return 3;
	rp_buf_release(&b);
	rp_diag_init(&diag);

	t0 = now();
	rc = rp_json_parse(src, RP_JSON_STRICT, &doc, &diag);
	t_parse = now() - t0;
	if (rc < 0) {
		rp_diag_print(stderr, &diag, false);
		return 3;
	}
	rp_json_doc_free(doc);
	doc = NULL;

	rss0 = peak_kb();
	dep = rp_deployment_new();
	t0 = now();
	rc = rp_json_parse(src, RP_JSON_STRICT, &doc, &diag);
	if (rc == 0)
		rc = rp_tfplan_load_doc(doc, dep, &diag);
	t_load = now() - t0;
	rss1 = peak_kb();
	held = (size_t)doc->nnodes * sizeof(rp_json_node) + rp_arena_footprint(doc->arena) +
	       rp_arena_footprint(dep->arena) + dep->cap * sizeof(rp_resource);
	if (rc < 0) {
		rp_diag_print(stderr, &diag, false);
		return 3;
	}
	printf("tfplan: %.1f MB plan, %u modules, %zu resources\n", (double)src->size / 1e6, n,
	       dep->nresources);
	printf("tfplan: reference (JSON parse only) %.3f s; full load %.3f s; ratio %.2f; %.0f "
	       "resources/s\n",
	       t_parse, t_load, t_load / t_parse, (double)dep->nresources / t_load);
	printf("tfplan: memory held after the load (JSON tape, document and deployment arenas) "
	       "%.1f MB = %.2fx the "
	       "input; with the input itself %.2fx (target <= 3x); peak RSS growth %.1f MB\n",
	       (double)held / 1e6, (double)held / (double)src->size,
	       (double)(held + src->size) / (double)src->size, (double)(rss1 - rss0) / 1024.0);
	printf("tfplan: time target <= 2 s per 100 MB: %s (%.2f s per 100 MB)\n",
	       t_load * 100e6 / (double)src->size <= 2.0 ? "met" : "NOT met",
	       t_load * 100e6 / (double)src->size);
	rp_json_doc_free(doc);
	rp_deployment_free(dep);
	rp_diag_release(&diag);
	rp_source_free(src);
	return 0;
}
