/* bench-depth.c: the HTML report (`scan --format html`) of a large estate.
 *
 *   bench-depth BENCH_SCAN [--vms N] [--runs N]
 *
 * Generates the 10,000-VM estate of bench/scan (by running its generator,
 * `BENCH_SCAN --generate DIR --vms N`: one generator for both benches),
 * then runs `$RAMPART_BIN scan DIR --format html -o FILE` and, as the
 * reference in the same run, `--format json -o FILE`, alternately, N times
 * each (default 3), as child processes (--jobs 2), and prints for each the
 * median CPU time (user + system of the child, both threads: robust on a
 * shared machine, and never less than the wall time of an idle 2-core
 * machine minus the parallel part), the best wall time, the peak RSS
 * (largest of the runs) and the output size, and the HTML / JSON ratios.
 * Targets (issue #6): HTML in at most 3 s (CPU time) and at most 50 MB,
 * read both as peak memory (RSS) and as the size of the file written.
 * One BENCH line per target.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv; wall seconds, CPU seconds (user + system), peak RSS (KB) and
 * exit status. */
static int run(char *const *argv, double *secs, double *cpu, long *rss_kb, int *status)
{
	struct rusage ru;
	double t0 = now();
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, status, 0, &ru) < 0)
		return -1;
	*secs = now() - t0;
	*cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	*rss_kb = ru.ru_maxrss;
	return 0;
}

static long file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define MAX_RUNS 64

static void rm_tree(const char *dir, int nfiles)
{
	char p[4200];
	int i;

	for (i = 0; i < nfiles; i++) {
		snprintf(p, sizeof(p), "%s/vms-%02d.json", dir, i);
		unlink(p);
	}
	rmdir(dir);
}

int main(int argc, char **argv)
{
	const char *bin = getenv("RAMPART_BIN"), *gen = NULL;
	char dir[] = "/tmp/rampart-bench-depth-XXXXXX", vms_s[32], out_html[4200], out_json[4200];
	int vms = 10000, runs = 3, a, k, status = 0, rc = 0;
	double best[2] = { 1e30, 1e30 }, cpus[2][MAX_RUNS], cpu[2];
	long rss[2] = { 0, 0 }, size[2] = { 0, 0 };
	const char *fmt[2] = { "html", "json" };

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--vms") == 0 && a + 1 < argc)
			vms = atoi(argv[++a]);
		else if (strcmp(argv[a], "--runs") == 0 && a + 1 < argc)
			runs = atoi(argv[++a]);
		else
			gen = argv[a];
	}
	if (!bin || !gen) {
		fprintf(stderr,
			"usage: RAMPART_BIN=... bench-depth BENCH_SCAN [--vms N] [--runs N]\n");
		return 2;
	}
	if (runs < 1)
		runs = 1;
	if (runs > MAX_RUNS)
		runs = MAX_RUNS;
	if (!mkdtemp(dir))
		return 3;
	snprintf(vms_s, sizeof(vms_s), "%d", vms);
	{
		char *gargv[] = { (char *)gen, "--generate", dir, "--vms", vms_s, NULL };
		double s, c;
		long r;
		if (run(gargv, &s, &c, &r, &status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench-depth: the generator %s failed\n", gen);
			rc = 3;
			goto out;
		}
	}
	snprintf(out_html, sizeof(out_html), "%s/report.html", dir);
	snprintf(out_json, sizeof(out_json), "%s/report.json", dir);
	printf("bench-depth: generated estate: %d VMs with NICs, NSGs and data disks (bench/scan "
	       "generator), 10 templates\n",
	       vms);
	for (k = 0; k < runs; k++) {
		int f;
		for (f = 0; f < 2; f++) {
			char *out = f == 0 ? out_html : out_json;
			char *cargv[] = { (char *)bin, "--color=never", "scan", dir, "--jobs", "2",
					  "--format",  (char *)fmt[f],  "-o",   out, NULL };
			double s, c;
			long r;
			if (run(cargv, &s, &c, &r, &status) < 0 || !WIFEXITED(status) ||
			    WEXITSTATUS(status) > 1) {
				fprintf(stderr,
					"bench-depth: rampart scan --format %s failed (%d)\n",
					fmt[f], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
				rc = 3;
				goto out;
			}
			if (s < best[f])
				best[f] = s;
			cpus[f][k] = c;
			if (r > rss[f])
				rss[f] = r;
			size[f] = file_size(out);
			unlink(out);
		}
	}
	cpu[0] = median(cpus[0], runs);
	cpu[1] = median(cpus[1], runs);
	printf("bench-depth: html: %.3f s CPU (median of %d, --jobs 2), %.3f s wall (best), peak "
	       "RSS %.1f MB, %.1f MB written\n",
	       cpu[0], runs, best[0], (double)rss[0] / 1024.0, (double)size[0] / 1e6);
	printf("bench-depth: json (reference, same run): %.3f s CPU, %.3f s wall, peak RSS %.1f "
	       "MB, %.1f MB written\n",
	       cpu[1], best[1], (double)rss[1] / 1024.0, (double)size[1] / 1e6);
	printf("bench-depth: html/json: CPU %.2fx, wall %.2fx, size %.3fx, peak RSS %.2fx\n",
	       cpu[0] / cpu[1], best[0] / best[1], (double)size[0] / (double)size[1],
	       (double)rss[0] / (double)rss[1]);
	printf("BENCH "
	       "{\"id\":\"depth.html.seconds\",\"figure\":%.3f,\"unit\":\"s CPU\",\"target\":\"<= "
	       "3\",\"met\":%s,\"reference\":\"json report of the same %d-VM estate, same run: "
	       "%.3f s CPU (html/json %.2fx); html wall %.3f s\"}\n",
	       cpu[0], cpu[0] <= 3.0 ? "true" : "false", vms, cpu[1], cpu[0] / cpu[1], best[0]);
	printf("BENCH {\"id\":\"depth.html.peak_rss\",\"figure\":%.1f,\"unit\":\"MB peak RSS\","
	       "\"target\":\"<= 50\",\"met\":%s,\"reference\":\"json report of the same estate, "
	       "same run: %.1f MB peak RSS (html/json %.2fx)\"}\n",
	       (double)rss[0] / 1024.0, (double)rss[0] <= 50.0 * 1024.0 ? "true" : "false",
	       (double)rss[1] / 1024.0, (double)rss[0] / (double)rss[1]);
	printf("BENCH {\"id\":\"depth.html.megabytes\",\"figure\":%.1f,\"unit\":\"MB written\","
	       "\"target\":\"<= 50\",\"met\":%s,\"reference\":\"json report of the same estate, "
	       "same run: %.1f MB (html/json %.3fx)\"}\n",
	       (double)size[0] / 1e6, (double)size[0] <= 50e6 ? "true" : "false",
	       (double)size[1] / 1e6, (double)size[0] / (double)size[1]);
out:
	unlink(out_html);
	unlink(out_json);
	rm_tree(dir, 10);
	return rc;
}
