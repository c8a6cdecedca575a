/* bench-json.c: throughput and memory of rampart's JSON reader, with
 * jansson (json_loadb) measured side by side in the same run as the
 * reference.
 *
 * usage: bench-json [QUICKSTART_DIR] [--size MIB] [--runs N] [--only rampart|jansson]
 *   QUICKSTART_DIR defaults to $RAMPART_SHARED/corpus/arm-quickstart.
 *
 * Workloads:
 *  (a) every file of the ARM quickstart corpus (MANIFEST.tsv), read into
 *      memory first; one run parses all files and walks each document;
 *  (b) a generated ARM-like template of about 100 MiB (deterministic seed):
 *      NSGs with security rules, VMs, storage accounts, escaped and
 *      non-ASCII strings, pretty-printed.
 * Timed: parse plus a full walk (every string and key decoded and its
 * length summed, every number converted), then the free (reported apart).
 * The best of N runs (after one warm-up run) is reported, in MB/s with
 * 1 MB = 10^6 bytes, from the thread's CPU time (user + system, so page
 * faults count) rather than wall time, which other processes disturb.  Memory: peak-RSS growth over
 * the parse (VmHWM after resetting it via /proc/self/clear_refs, in a forked child per parser), as
 * a multiple of the input size.  Targets: rampart >= 5x jansson's throughput, memory growth <= 1.5x
 * the input.
 */
#include "json/json.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/source.h"

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct input {
	rp_source **src;
	size_t n;
	size_t bytes;
};

static double now(void)
{
	struct timespec ts;

	/* CPU time of this thread (user + system, page faults included):
	 * steadier than wall time on a shared machine */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- walks (the checksum keeps the work from being optimised away) ---- */

static uint64_t walk_rampart(rp_json_doc *d)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < d->nnodes; i++) {
		switch (rp_json_kind_of(d, i)) {
		case RP_JSON_STRING:
		case RP_JSON_KEY: {
			const char *p;
			size_t n;
			if (rp_json_str(d, i, &p, &n) == 0)
				sum += n;
			break;
		}
		case RP_JSON_NUMBER: {
			int64_t v;
			double x;
			if (rp_json_int64(d, i, &v) == 0)
				sum += (uint64_t)v;
			else if (rp_json_double(d, i, &x) == 0)
				sum += (uint64_t)(int64_t)x;
			break;
		}
		default: sum++; break;
		}
	}
	return sum;
}

static uint64_t walk_jansson(json_t *j)
{
	uint64_t sum = 0;

	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *v;
		sum++;
		json_object_foreach(j, k, v)
		{
			sum += strlen(k);
			sum += walk_jansson(v);
		}
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		sum++;
		json_array_foreach(j, i, v) sum += walk_jansson(v);
		break;
	}
	case JSON_STRING: sum += json_string_length(j); break;
	case JSON_INTEGER: sum += (uint64_t)json_integer_value(j); break;
	case JSON_REAL: sum += (uint64_t)(int64_t)json_real_value(j); break;
	default: sum++; break;
	}
	return sum;
}

/* ---- one pass over an input set ---- */

enum parser { P_RAMPART, P_JANSSON };

struct pass {
	double parse_walk, free_;
	uint64_t sum;
	size_t failed;
};

static struct pass run_pass(const struct input *in, enum parser which)
{
	struct pass r = { 0, 0, 0, 0 };
	size_t i;

	for (i = 0; i < in->n; i++) {
		rp_source *s = in->src[i];
		double t0 = now(), t1, t2;
		if (which == P_RAMPART) {
			rp_json_doc *doc = NULL;
			if (rp_json_parse(s, RP_JSON_EXTENDED, &doc, NULL) == 0)
				r.sum += walk_rampart(doc);
			else
				r.failed++;
			t1 = now();
			rp_json_doc_free(doc);
		} else {
			json_error_t err;
			json_t *j = json_loadb(s->data, s->size, JSON_DECODE_ANY | JSON_ALLOW_NUL,
					       &err);
			if (j)
				r.sum += walk_jansson(j);
			else
				r.failed++;
			t1 = now();
			json_decref(j);
		}
		t2 = now();
		r.parse_walk += t1 - t0;
		r.free_ += t2 - t1;
	}
	return r;
}

static long status_kib(const char *field)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(field);

	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(fp);
	return v;
}

/* Peak RSS growth (bytes) over parsing every input once, measured in a
 * child process so that the parsers do not disturb each other; -1 if the
 * kernel does not support resetting the peak. */
static long long mem_growth(const struct input *in, enum parser which)
{
	int fds[2];
	pid_t pid;
	long long growth = -1;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		void **keep = calloc(in->n, sizeof(void *));
		long before, peak;
		int fd = open("/proc/self/clear_refs", O_WRONLY);
		size_t i;
		close(fds[0]);
		if (!keep || fd < 0 || write(fd, "5", 1) != 1)
			_exit(1);
		close(fd);
		before = status_kib("VmRSS");
		for (i = 0; i < in->n; i++) {
			if (which == P_RAMPART) {
				rp_json_doc *doc = NULL;
				rp_json_parse(in->src[i], RP_JSON_EXTENDED, &doc, NULL);
				keep[i] = doc;
			} else {
				json_error_t err;
				keep[i] = json_loadb(in->src[i]->data, in->src[i]->size,
						     JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
			}
		}
		peak = status_kib("VmHWM");
		growth = (long long)(peak - before) * 1024;
		if (write(fds[1], &growth, sizeof growth) != (ssize_t)sizeof growth)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &growth, sizeof growth) != (ssize_t)sizeof growth)
		growth = -1;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return growth;
}

static int only = -1; /* --only rampart|jansson (profiling) */

/* id: the dotted name of the BENCH lines (bench/dashboard.py). */
static void bench(const char *title, const char *id, const struct input *in, int runs)
{
	struct pass best[2], p;
	long long mem[2];
	int w, k;

	printf("-- %s: %zu file%s, %.1f MB\n", title, in->n, in->n == 1 ? "" : "s",
	       (double)in->bytes / 1e6);
	/* memory first: a child forked before any parse in this process, so
	 * freed heap pages from earlier runs cannot hide the growth */
	for (w = 0; w < 2; w++)
		mem[w] = only < 0 || only == w ? mem_growth(in, (enum parser)w) : 0;
	for (w = 0; w < 2; w++) {
		if (only >= 0 && only != w) {
			memset(&best[w], 0, sizeof best[w]);
			best[w].parse_walk = 1;
			continue;
		}
		(void)run_pass(in, (enum parser)w); /* warm-up */
		for (k = 0; k < runs; k++) {
			p = run_pass(in, (enum parser)w);
			if (k == 0 || p.parse_walk < best[w].parse_walk)
				best[w] = p;
		}
	}
	for (w = 0; w < 2; w++) {
		printf("   %-8s parse+walk %8.1f ms  %8.1f MB/s  free %6.1f ms  memory +%.1f MB "
		       "(%.2fx input)%s\n",
		       w == P_RAMPART ? "rampart" : "jansson", best[w].parse_walk * 1e3,
		       (double)in->bytes / best[w].parse_walk / 1e6, best[w].free_ * 1e3,
		       (double)mem[w] / 1e6, (double)mem[w] / (double)in->bytes,
		       best[w].failed ? "  (some inputs rejected)" : "");
	}
	printf("   ratio rampart/jansson throughput: %.1fx (target >= 5x); "
	       "rampart memory %.2fx input (target <= 1.5x)\n",
	       best[P_JANSSON].parse_walk / best[P_RAMPART].parse_walk,
	       (double)mem[P_RAMPART] / (double)in->bytes);
	if (only < 0) {
		double speed = best[P_JANSSON].parse_walk / best[P_RAMPART].parse_walk;
		double memr = (double)mem[P_RAMPART] / (double)in->bytes;
		printf("BENCH {\"id\":\"json.%s.vs_jansson\",\"figure\":%.2f,\"unit\":\"x "
		       "jansson throughput\",\"target\":\">= 5\",\"met\":%s,\"reference\":"
		       "\"jansson 2.14 parse+walk of the same %zu file(s), %.1f MB, best of %d, "
		       "same run (rampart %.1f ms, jansson %.1f ms)\"}\n",
		       id, speed, speed >= 5 ? "true" : "false", in->n, (double)in->bytes / 1e6,
		       runs, best[P_RAMPART].parse_walk * 1e3, best[P_JANSSON].parse_walk * 1e3);
		printf("BENCH {\"id\":\"json.%s.memory\",\"figure\":%.2f,\"unit\":\"x input "
		       "size\",\"target\":\"<= 1.5\",\"met\":%s,\"reference\":\"input %.1f MB; "
		       "jansson %.2fx, same run\"}\n",
		       id, memr, memr <= 1.5 ? "true" : "false", (double)in->bytes / 1e6,
		       (double)mem[P_JANSSON] / (double)in->bytes);
	}
}

/* ---- (b) the generated template ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *const regions[] = { "westeurope", "eastus", "japaneast", "northeurope",
				       "southcentralus" };
static const char *const cities[] = { "Z\xc3\xbcrich", "\xe6\x9d\xb1\xe4\xba\xac",
				      "S\xc3\xa3o Paulo",
				      "K\xc3\xb8"
				      "benhavn",
				      "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0" };

static void raw(rp_jw *w, const char *json)
{
	rp_jw_raw(w, json, strlen(json));
}

static void tags(rp_jw *w, uint32_t i)
{
	rp_jw_key(w, "tags");
	rp_jw_object_begin(w);
	rp_jw_key(w, "environment");
	rp_jw_string(w, i % 3 ? "production" : "staging");
	rp_jw_key(w, "site");
	rp_jw_string(w, cities[rnd(5)]);
	rp_jw_key(w, "costCenter");
	rp_jw_int(w, 1000 + rnd(9000));
	rp_jw_object_end(w);
}

static void nsg(rp_jw *w, uint32_t i)
{
	char name[64];
	uint32_t r, nrules = 4 + rnd(12);

	rp_jw_object_begin(w);
	rp_jw_key(w, "type");
	rp_jw_string(w, "Microsoft.Network/networkSecurityGroups");
	rp_jw_key(w, "apiVersion");
	rp_jw_string(w, "2023-04-01");
	snprintf(name, sizeof name, "nsg-%u", i);
	rp_jw_key(w, "name");
	rp_jw_string(w, name);
	rp_jw_key(w, "location");
	raw(w, "\"[parameters('location')]\"");
	tags(w, i);
	rp_jw_key(w, "properties");
	rp_jw_object_begin(w);
	rp_jw_key(w, "securityRules");
	rp_jw_array_begin(w);
	for (r = 0; r < nrules; r++) {
		char rn[64];
		static const char *const prefixes[] = { "*", "Internet", "VirtualNetwork",
							"10.0.0.0/8", "0.0.0.0/0" };
		snprintf(rn, sizeof rn, "rule-%u-%u", i, r);
		rp_jw_object_begin(w);
		rp_jw_key(w, "name");
		rp_jw_string(w, rn);
		rp_jw_key(w, "properties");
		rp_jw_object_begin(w);
		rp_jw_key(w, "description");
		/* escapes in the source text */
		raw(w, "\"Allow \\\"management\\\" traffic \\u2013 see \\/docs\\tnow\"");
		rp_jw_key(w, "protocol");
		rp_jw_string(w, rnd(2) ? "Tcp" : "*");
		rp_jw_key(w, "sourcePortRange");
		rp_jw_string(w, "*");
		rp_jw_key(w, "destinationPortRange");
		{
			char port[16];
			static const uint32_t ports[] = { 22, 3389, 443, 80, 5985 };
			snprintf(port, sizeof port, "%u", ports[rnd(5)]);
			rp_jw_string(w, port);
		}
		rp_jw_key(w, "sourceAddressPrefix");
		rp_jw_string(w, prefixes[rnd(5)]);
		rp_jw_key(w, "destinationAddressPrefix");
		rp_jw_string(w, "*");
		rp_jw_key(w, "access");
		rp_jw_string(w, rnd(4) ? "Allow" : "Deny");
		rp_jw_key(w, "priority");
		rp_jw_int(w, 100 + r * 10);
		rp_jw_key(w, "direction");
		rp_jw_string(w, rnd(3) ? "Inbound" : "Outbound");
		rp_jw_object_end(w);
		rp_jw_object_end(w);
	}
	rp_jw_array_end(w);
	rp_jw_object_end(w);
	rp_jw_object_end(w);
}

static void vm(rp_jw *w, uint32_t i)
{
	char name[128];

	rp_jw_object_begin(w);
	rp_jw_key(w, "type");
	rp_jw_string(w, "Microsoft.Compute/virtualMachines");
	rp_jw_key(w, "apiVersion");
	rp_jw_string(w, "2023-03-01");
	snprintf(name, sizeof name, "vm-%u", i);
	rp_jw_key(w, "name");
	rp_jw_string(w, name);
	rp_jw_key(w, "location");
	rp_jw_string(w, regions[rnd(5)]);
	rp_jw_key(w, "dependsOn");
	rp_jw_array_begin(w);
	snprintf(name, sizeof name, "[resourceId('Microsoft.Network/networkInterfaces', 'nic-%u')]",
		 i);
	rp_jw_string(w, name);
	rp_jw_array_end(w);
	tags(w, i);
	rp_jw_key(w, "properties");
	rp_jw_object_begin(w);
	rp_jw_key(w, "hardwareProfile");
	rp_jw_object_begin(w);
	rp_jw_key(w, "vmSize");
	rp_jw_string(w, rnd(2) ? "Standard_D2s_v5" : "Standard_B2ms");
	rp_jw_object_end(w);
	rp_jw_key(w, "osProfile");
	rp_jw_object_begin(w);
	rp_jw_key(w, "computerName");
	snprintf(name, sizeof name, "host%u", i);
	rp_jw_string(w, name);
	rp_jw_key(w, "adminUsername");
	rp_jw_string(w, "azureuser");
	rp_jw_key(w, "customData");
	rp_jw_string(w, "#!/bin/sh\necho \"provisioning\" > /var/log/init.log\n"
			"sed -i 's/^PasswordAuthentication yes/PasswordAuthentication no/' "
			"/etc/ssh/sshd_config\n");
	rp_jw_key(w, "linuxConfiguration");
	rp_jw_object_begin(w);
	rp_jw_key(w, "disablePasswordAuthentication");
	rp_jw_bool(w, rnd(5) != 0);
	rp_jw_key(w, "provisionVMAgent");
	rp_jw_bool(w, true);
	rp_jw_object_end(w);
	rp_jw_object_end(w);
	rp_jw_key(w, "storageProfile");
	rp_jw_object_begin(w);
	rp_jw_key(w, "imageReference");
	rp_jw_object_begin(w);
	rp_jw_key(w, "publisher");
	rp_jw_string(w, "Canonical");
	rp_jw_key(w, "offer");
	rp_jw_string(w, "0001-com-ubuntu-server-jammy");
	rp_jw_key(w, "sku");
	rp_jw_string(w, "22_04-lts-gen2");
	rp_jw_key(w, "version");
	rp_jw_string(w, "latest");
	rp_jw_object_end(w);
	rp_jw_key(w, "osDisk");
	rp_jw_object_begin(w);
	rp_jw_key(w, "createOption");
	rp_jw_string(w, "FromImage");
	rp_jw_key(w, "diskSizeGB");
	rp_jw_int(w, 30 + rnd(5) * 32);
	rp_jw_key(w, "encryptionAtHost");
	rp_jw_bool(w, rnd(2) != 0);
	rp_jw_object_end(w);
	rp_jw_object_end(w);
	rp_jw_key(w, "networkProfile");
	rp_jw_object_begin(w);
	rp_jw_key(w, "networkInterfaces");
	rp_jw_array_begin(w);
	rp_jw_object_begin(w);
	rp_jw_key(w, "id");
	snprintf(name, sizeof name, "[resourceId('Microsoft.Network/networkInterfaces', 'nic-%u')]",
		 i);
	rp_jw_string(w, name);
	rp_jw_object_end(w);
	rp_jw_array_end(w);
	rp_jw_object_end(w);
	rp_jw_object_end(w);
	rp_jw_object_end(w);
}

static void storage(rp_jw *w, uint32_t i)
{
	char name[64];

	rp_jw_object_begin(w);
	rp_jw_key(w, "type");
	rp_jw_string(w, "Microsoft.Storage/storageAccounts");
	rp_jw_key(w, "apiVersion");
	rp_jw_string(w, "2023-01-01");
	snprintf(name, sizeof name, "st%08u", i);
	rp_jw_key(w, "name");
	rp_jw_string(w, name);
	rp_jw_key(w, "location");
	rp_jw_string(w, regions[rnd(5)]);
	rp_jw_key(w, "sku");
	rp_jw_object_begin(w);
	rp_jw_key(w, "name");
	rp_jw_string(w, rnd(2) ? "Standard_LRS" : "Standard_GRS");
	rp_jw_object_end(w);
	rp_jw_key(w, "kind");
	rp_jw_string(w, "StorageV2");
	tags(w, i);
	rp_jw_key(w, "properties");
	rp_jw_object_begin(w);
	rp_jw_key(w, "supportsHttpsTrafficOnly");
	rp_jw_bool(w, rnd(6) != 0);
	rp_jw_key(w, "minimumTlsVersion");
	rp_jw_string(w, rnd(3) ? "TLS1_2" : "TLS1_0");
	rp_jw_key(w, "allowBlobPublicAccess");
	rp_jw_bool(w, rnd(4) == 0);
	rp_jw_key(w, "networkAcls");
	rp_jw_object_begin(w);
	rp_jw_key(w, "defaultAction");
	rp_jw_string(w, rnd(2) ? "Deny" : "Allow");
	rp_jw_key(w, "bypass");
	rp_jw_string(w, "AzureServices");
	rp_jw_key(w, "ipRules");
	rp_jw_array_begin(w);
	rp_jw_object_begin(w);
	rp_jw_key(w, "value");
	rp_jw_string(w, "203.0.113.0/24");
	rp_jw_key(w, "action");
	rp_jw_string(w, "Allow");
	rp_jw_object_end(w);
	rp_jw_array_end(w);
	rp_jw_object_end(w);
	rp_jw_key(w, "encryption");
	rp_jw_object_begin(w);
	rp_jw_key(w, "keySource");
	rp_jw_string(w, "Microsoft.Storage");
	rp_jw_key(w, "ratio");
	rp_jw_double(w, (double)rnd(1000) / 7.0);
	rp_jw_object_end(w);
	rp_jw_object_end(w);
	rp_jw_object_end(w);
}

static int generate(size_t target, rp_source **out)
{
	rp_buf b = RP_BUF_INIT;
	rp_jw w;
	uint32_t i;
	int r;

	rp_jw_init(&w, &b, 2);
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "$schema");
	rp_jw_string(&w, "https://schema.management.azure.com/schemas/2019-04-01/"
			 "deploymentTemplate.json#");
	rp_jw_key(&w, "contentVersion");
	rp_jw_string(&w, "1.0.0.0");
	rp_jw_key(&w, "parameters");
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "location");
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "type");
	rp_jw_string(&w, "string");
	rp_jw_key(&w, "defaultValue");
	rp_jw_string(&w, "[resourceGroup().location]");
	rp_jw_object_end(&w);
	rp_jw_object_end(&w);
	rp_jw_key(&w, "resources");
	rp_jw_array_begin(&w);
	for (i = 0; b.len < target; i++) {
		switch (i % 3) {
		case 0: nsg(&w, i); break;
		case 1: vm(&w, i); break;
		default: storage(&w, i); break;
		}
	}
	rp_jw_array_end(&w);
	rp_jw_object_end(&w);
	r = rp_jw_finish(&w);
	if (r == 0)
		r = rp_source_from_memory("generated.json", b.data, b.len, out);
	rp_buf_release(&b);
	return r;
}

static int load_quickstart(const char *dir, struct input *in)
{
	char path[8192], line[4096];
	FILE *fp;
	size_t cap = 0;

	snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	if (!fgets(line, sizeof line, fp)) { /* header */
		fclose(fp);
		return -1;
	}
	while (fgets(line, sizeof line, fp)) {
		char *tab = strchr(line, '\t');
		rp_source *s = NULL;
		if (!tab)
			continue;
		*tab = '\0';
		snprintf(path, sizeof path, "%s/%s", dir, line);
		if (rp_source_load(path, 0, &s, NULL) < 0) {
			fclose(fp);
			return -1;
		}
		if (in->n == cap) {
			cap = cap ? cap * 2 : 1024;
			in->src = realloc(in->src, cap * sizeof(*in->src));
			if (!in->src)
				abort();
		}
		in->src[in->n++] = s;
		in->bytes += s->size;
	}
	fclose(fp);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *shared = getenv("RAMPART_SHARED");
	char defdir[4096];
	struct input qs = { NULL, 0, 0 }, gen = { NULL, 0, 0 };
	size_t mib = 100, i;
	int runs = 3, k;
	rp_source *g = NULL;

	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--size") == 0 && k + 1 < argc)
			mib = (size_t)atol(argv[++k]);
		else if (strcmp(argv[k], "--runs") == 0 && k + 1 < argc)
			runs = atoi(argv[++k]);
		else if (strcmp(argv[k], "--only") == 0 && k + 1 < argc)
			only = strcmp(argv[++k], "jansson") == 0 ? P_JANSSON : P_RAMPART;
		else
			dir = argv[k];
	}
	if (runs < 1)
		runs = 1;
	if (!dir) {
		snprintf(defdir, sizeof defdir, "%s/corpus/arm-quickstart",
			 shared ? shared : "../shared");
		dir = defdir;
	}
	printf("== JSON reader: rampart vs jansson %s (CPU time, best of %d runs after a "
	       "warm-up)\n",
	       JANSSON_VERSION, runs);
	if (load_quickstart(dir, &qs) < 0) {
		fprintf(stderr, "bench-json: cannot load the quickstart corpus from %s\n", dir);
		return 1;
	}
	bench("(a) ARM quickstart corpus", "corpus", &qs, runs);
	if (generate(mib << 20, &g) < 0) {
		fprintf(stderr, "bench-json: cannot generate the template\n");
		return 1;
	}
	gen.src = &g;
	gen.n = 1;
	gen.bytes = g->size;
	{
		rp_json_doc *d = NULL;
		if (rp_json_parse(g, RP_JSON_STRICT, &d, NULL) == 0)
			printf("-- generated template: %u values and keys, strict JSON\n",
			       d->nnodes);
		rp_json_doc_free(d);
	}
	bench("(b) generated ARM-like template", "generated", &gen, runs);
	for (i = 0; i < qs.n; i++)
		rp_source_free(qs.src[i]);
	free(qs.src);
	rp_source_free(g);
	return 0;
}
