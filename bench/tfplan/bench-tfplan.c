/* bench-tfplan.c: Terraform plan ingestion speed and memory (issue #7: a
 * 100 MB plan in at most 2 s, memory at most 3x the input).
 *
 * Generates a deterministic plan of about SIZE_MB megabytes (argument 1,
 * default 100) in the shape `terraform show -json` prints: one child module
 * per application tier, each with a VNet subnet, an NSG with inline rules,
 * the subnet association, a NIC and a Linux VM, with after_unknown and the
 * configuration's references, and writes it to a temporary file.
 *
 * Each measurement runs in a fresh child process (fork), so one does not
 * inherit the other's heap: the child reads the file, resets its peak RSS
 * (/proc/self/clear_refs 5) and notes its RSS, then (a) parses the JSON
 * alone, the reference, or (b) loads the plan (parse + rp_tfplan_load_doc),
 * and reports its CPU time (the machine is shared: CPU time, not wall
 * time) and its peak RSS (VmHWM) minus the RSS before, i.e. the memory the
 * parse or the load needed on top of the input text.  Repeated REPS times,
 * alternating; medians are printed, with the ratios load / parse and
 * memory / input size, and one BENCH line per target.
 *
 * With RAMPART_BIN set (bench/run.sh sets it), `rampart scan` of the same
 * plan also runs once in a child process, and its CPU time and peak RSS
 * are printed for information: the whole user path, not only the load.
 */
#include "ingest/resource.h"
#include "ingest/tfplan/tfplan.h"
#include "json/json.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/source.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPS 3

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A "VmRSS:" / "VmHWM:" line of /proc/self/status in kB, or -1. */
static long status_kb(const char *key)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(key);

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, key, n) == 0) {
			v = strtol(line + n, NULL, 10);
			break;
		}
	fclose(fp);
	return v;
}

/* Resets the peak RSS to the current RSS (Linux >= 4.0); false if not
 * possible, then getrusage's peak (since the start) is used. */
static bool reset_peak(void)
{
	FILE *fp = fopen("/proc/self/clear_refs", "w");
	bool ok;

	if (!fp)
		return false;
	ok = fputs("5", fp) >= 0;
	return fclose(fp) == 0 && ok;
}

static long peak_kb(bool reset_ok)
{
	struct rusage ru;
	long hwm = reset_ok ? status_kb("VmHWM:") : -1;

	if (hwm >= 0)
		return hwm;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

typedef struct result {
	double cpu;  /* seconds */
	double grow; /* bytes above the RSS before */
	size_t nres; /* resources loaded (load only) */
	int rc;
} result;

/* In a child: reads path, parses it (load: and loads the plan), reports. */
static result measure(const char *path, bool load)
{
	int fd[2];
	pid_t pid;
	result r;

	memset(&r, 0, sizeof(r));
	r.rc = -1;
	if (pipe(fd) < 0)
		return r;
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return r;
	}
	if (pid == 0) {
		rp_source *src = NULL;
		rp_json_doc *doc = NULL;
		rp_deployment *dep = NULL;
		rp_diag diag;
		long rss0;
		bool ok;
		double t0;
		ssize_t w;

		close(fd[0]);
		rp_diag_init(&diag);
		if (rp_source_load(path, 0, &src, &diag) < 0)
			_exit(3);
		ok = reset_peak();
		rss0 = ok ? status_kb("VmRSS:") : peak_kb(false);
		t0 = now();
		r.rc = rp_json_parse(src, RP_JSON_STRICT, &doc, &diag);
		if (r.rc == 0 && load) {
			dep = rp_deployment_new();
			r.rc = dep ? rp_tfplan_load_doc(doc, dep, &diag) : -1;
			r.nres = dep ? dep->nresources : 0;
		}
		r.cpu = now() - t0;
		r.grow = (double)(peak_kb(ok) - rss0) * 1024.0;
		if (r.rc < 0)
			rp_diag_print(stderr, &diag, false);
		w = write(fd[1], &r, sizeof(r));
		_exit(w == (ssize_t)sizeof(r) ? 0 : 3);
	}
	close(fd[1]);
	if (read(fd[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
		r.rc = -1;
	close(fd[0]);
	waitpid(pid, NULL, 0);
	return r;
}

/* `$RAMPART_BIN scan PATH -o /dev/null` in a child process: its CPU time
 * (user + system) and peak RSS (bytes, the input text included); false
 * when it could not run.  Exit status 0 or 1 (findings) is a success. */
static bool scan_run(const char *bin, const char *path, double *cpu, double *peak)
{
	struct rusage ru;
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2); /* its diagnostics */
		}
		execl(bin, bin, "scan", path, "-o", "/dev/null", (char *)NULL);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
		return false;
	*cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	*peak = (double)ru.ru_maxrss * 1024.0;
	return true;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return v[n / 2];
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
	double mb = argc > 1 ? atof(argv[1]) : 100.0;
	double pc[REPS], pg[REPS], lc[REPS], lg[REPS], t_parse, t_load, g_parse, g_load, per100, mx,
		size;
	char path[] = "/tmp/rampart-bench-tfplan-XXXXXX";
	rp_buf b = RP_BUF_INIT;
	size_t nres = 0;
	double scan_cpu = 0, scan_peak = 0;
	bool scan_ok = false;
	unsigned n, i;
	FILE *fp;
	int fd, k;

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
	fd = mkstemp(path);
	fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!fp || fwrite(b.data, 1, b.len, fp) != b.len || fclose(fp) != 0) {
		fprintf(stderr, "bench-tfplan: cannot write %s\n", path);
		return 3;
	}
	size = (double)b.len;
	rp_buf_release(&b);

	for (k = 0; k < REPS; k++) {
		result p = measure(path, false), l = measure(path, true);
		if (p.rc < 0 || l.rc < 0) {
			fprintf(stderr, "bench-tfplan: a measurement failed\n");
			unlink(path);
			return 3;
		}
		pc[k] = p.cpu;
		pg[k] = p.grow;
		lc[k] = l.cpu;
		lg[k] = l.grow;
		nres = l.nres;
	}
	/* The whole user path once (informational: the targets are the
	 * load's): `rampart scan plan.json` = detection, this load, the model,
	 * every rule and the report. */
	if (getenv("RAMPART_BIN"))
		scan_ok = scan_run(getenv("RAMPART_BIN"), path, &scan_cpu, &scan_peak);
	unlink(path);
	t_parse = median(pc, REPS);
	t_load = median(lc, REPS);
	g_parse = median(pg, REPS);
	g_load = median(lg, REPS);
	per100 = t_load * 100e6 / size;
	mx = g_load / size;
	printf("tfplan: %.1f MB plan, %u modules, %zu resources; medians of %d runs, each in a "
	       "fresh process\n",
	       size / 1e6, n, nres, REPS);
	printf("tfplan: CPU time: parse only (reference) %.3f s; full load %.3f s = %.2fx parse "
	       "only; %.2f s per 100 MB (target <= 2: %s); %.0f resources/s\n",
	       t_parse, t_load, t_load / t_parse, per100, per100 <= 2.0 ? "met" : "NOT met",
	       (double)nres / t_load);
	printf("tfplan: peak RSS above the input text: parse only %.1f MB (%.2fx the input); full "
	       "load %.1f MB = %.2fx the input (target <= 3: %s) = %.2fx parse only; with the "
	       "input text itself %.2fx\n",
	       g_parse / 1e6, g_parse / size, g_load / 1e6, mx, mx <= 3.0 ? "met" : "NOT met",
	       g_load / g_parse, mx + 1.0);
	if (getenv("RAMPART_BIN") && scan_ok)
		printf("tfplan: `rampart scan` of the plan (one run, informational): CPU %.2f s = "
		       "%.2fx parse only; peak RSS %.1f MB = %.2fx the input (the input text "
		       "included)\n",
		       scan_cpu, scan_cpu / t_parse, scan_peak / 1e6, scan_peak / size);
	else if (getenv("RAMPART_BIN"))
		printf("tfplan: `rampart scan` of the plan could not run (%s)\n",
		       getenv("RAMPART_BIN"));
	printf("BENCH {\"id\":\"tfplan.load\",\"figure\":%.2f,\"unit\":\"s per 100 MB\","
	       "\"target\":\"<= 2\",\"met\":%s,\"reference\":\"parse only, same file, same "
	       "run: %.2f s per 100 MB (load %.2fx)\"}\n",
	       per100, per100 <= 2.0 ? "true" : "false", t_parse * 100e6 / size, t_load / t_parse);
	printf("BENCH {\"id\":\"tfplan.memory\",\"figure\":%.2f,\"unit\":\"x input\","
	       "\"target\":\"<= 3\",\"met\":%s,\"reference\":\"peak RSS above the input "
	       "text; parse only, same file, same run: %.2fx input (load %.2fx)\"}\n",
	       mx, mx <= 3.0 ? "true" : "false", g_parse / size, g_load / g_parse);
	return 0;
}
