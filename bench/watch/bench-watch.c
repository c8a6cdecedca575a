/* bench-watch.c: `rampart watch` throughput and memory (issue #9).
 *
 * Generates synthetic VNet flow logs (PT1H.json shape, 500 tuples per
 * record; 5,000 servers, 200,000 remote addresses, a few scanners) into a
 * temporary directory, then, in the same run:
 *   parse-only  the streaming reader and tuple parser, the sink does nothing
 *   watch       the reader feeding every flow detector (002, 004, 005, 006)
 * each the best of 3 runs on one core.  Prints tuples/s of the full
 * pipeline, its ratio to parse-only, and the peak RSS of a file four times
 * larger relative to the first (memory must not grow with the tuples).
 *
 * usage: bench-watch [TUPLES]   (default 2,000,000)
 */
#include "util/error.h"
#include "watch/detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static int generate(const char *path, size_t tuples)
{
	FILE *fp = fopen(path, "w");
	size_t i;
	int64_t ts = INT64_C(1700000000000);

	if (!fp)
		return -1;
	fputs("{\"records\":[", fp);
	for (i = 0; i < tuples; i++) {
		uint32_t srv = rnd() % 5000, rem = rnd() % 200000, r = rnd() % 100;
		if (i % 500 == 0) {
			if (i)
				fputs("]}]}]}},", fp);
			fputs("{\"time\":\"2023-11-14T22:13:20.0000000Z\",\"flowLogVersion\":4,"
			      "\"flowLogGUID\":\"00000000-0000-0000-0000-000000000000\","
			      "\"macAddress\":\"00224871C205\",\"category\":\"FlowLogFlowEvent\","
			      "\"targetResourceID\":\"/subscriptions/s/resourceGroups/rg/providers/"
			      "Microsoft.Network/virtualNetworks/"
			      "vnet\",\"flowRecords\":{\"flows\":[{"
			      "\"aclID\":\"9a4d2c3e-0000-0000-0000-000000000000\",\"flowGroups\":[{"
			      "\"rule\":\"DefaultRule_AllowInternetOutBound\",\"flowTuples\":[",
			      fp);
		} else {
			fputc(',', fp);
		}
		ts += rnd() % 3;
		if (r < 2) /* scanners */
			fprintf(fp, "\"%lld,192.0.2.%u,10.%u.%u.%u,%u,%u,6,I,D,NX,0,0,0,0\"",
				(long long)ts, rnd() % 8, srv >> 8 & 255, srv & 255, 4,
				40000 + rnd() % 999, rnd() % 65536);
		else if (r < 50)
			fprintf(fp, "\"%lld,10.%u.%u.%u,20.%u.%u.%u,%u,443,6,O,C,NX,%u,%u,%u,%u\"",
				(long long)ts, srv >> 8 & 255, srv & 255, 4, rem >> 16,
				rem >> 8 & 255, rem & 255, 30000 + rnd() % 30000, rnd() % 100,
				rnd() % 100000, rnd() % 100, rnd() % 1000000);
		else
			fprintf(fp, "\"%lld,52.%u.%u.%u,10.%u.%u.%u,%u,443,6,I,E,NX,%u,%u,%u,%u\"",
				(long long)ts, rem >> 16, rem >> 8 & 255, rem & 255, srv >> 8 & 255,
				srv & 255, 4, 30000 + rnd() % 30000, rnd() % 100, rnd() % 100000,
				rnd() % 100, rnd() % 1000000);
	}
	fputs("]}]}]}}]}", fp);
	return fclose(fp);
}

static size_t nfind;
static int on_finding(void *ctx, const rp_watch_finding *f)
{
	(void)ctx;
	(void)f;
	nfind++;
	return 0;
}

static int null_flow(void *ctx, const rp_flow *f)
{
	(void)f;
	(*(uint64_t *)ctx)++;
	return 0;
}

/* One pass; returns seconds or -1. */
static double pass(const char *path, bool detect, uint64_t *tuples)
{
	rp_watch_stats st;
	rp_diag d;
	rp_watch_config c;
	rp_watch_det *det = NULL;
	rp_watch_sink sink;
	rp_watch_reader *r;
	uint64_t seen = 0;
	double t0, t;
	int rc;

	memset(&st, 0, sizeof(st));
	rp_diag_init(&d);
	rp_watch_config_default(&c);
	if (detect) {
		det = rp_watch_det_new(&c, NULL, on_finding, NULL);
		sink = rp_watch_det_sink(det);
	} else {
		sink.ctx = &seen;
		sink.flow = null_flow;
		sink.activity = NULL;
	}
	t0 = now();
	r = rp_watch_reader_new(path, path, &sink, &d, &st);
	rc = rp_watch_read_file(r, path, 0, true, NULL);
	if (rc == 0 && det)
		rc = rp_watch_det_finish(det);
	t = now() - t0;
	rp_watch_reader_free(r);
	rp_watch_det_free(det);
	if (rc < 0 || d.nerrors) {
		rp_diag_print(stderr, &d, false);
		t = -1;
	}
	rp_diag_release(&d);
	*tuples = st.tuples;
	return t;
}

static long maxrss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 2000000;
	char dir[] = "/tmp/watch-bench-XXXXXX", small[64], big[64];
	double best_parse = 1e30, best_watch = 1e30, t, rate, ratio, mem;
	uint64_t tuples = 0;
	long rss_small, rss_big;
	int i;

	if (!mkdtemp(dir))
		return 3;
	snprintf(small, sizeof(small), "%s/small.json", dir);
	snprintf(big, sizeof(big), "%s/big.json", dir);
	if (generate(small, n) < 0 || generate(big, n * 4) < 0) {
		fprintf(stderr, "bench-watch: cannot write %s\n", dir);
		return 3;
	}
	for (i = 0; i < 3; i++) {
		t = pass(small, false, &tuples);
		if (t < 0)
			return 3;
		if (t < best_parse)
			best_parse = t;
		t = pass(small, true, &tuples);
		if (t < 0)
			return 3;
		if (t < best_watch)
			best_watch = t;
	}
	rss_small = maxrss_kib();
	t = pass(big, true, &tuples);
	rss_big = maxrss_kib();
	unlink(small);
	unlink(big);
	rmdir(dir);
	if (t < 0)
		return 3;
	rate = (double)n / best_watch;
	ratio = best_watch / best_parse;
	mem = (double)rss_big / (double)rss_small;
	printf("watch: %zu tuples (%zu findings over all runs): parse-only %.3f s (%.0f tuples/s), "
	       "watch %.3f s (%.0f tuples/s), ratio %.2f; peak RSS %ld KiB at %zu tuples, %ld KiB "
	       "at %zu\n",
	       n, nfind, best_parse, (double)n / best_parse, best_watch, rate, ratio, rss_small, n,
	       rss_big, n * 4);
	printf("BENCH {\"id\":\"watch.throughput\",\"figure\":%.0f,\"unit\":\"tuples/s\","
	       "\"target\":\">= 1000000\",\"met\":%s,\"reference\":\"synthetic VNet flow logs, "
	       "reader and every flow detector, one core, best of 3\"}\n",
	       rate, rate >= 1000000 ? "true" : "false");
	printf("BENCH {\"id\":\"watch.vs_parse\",\"figure\":%.2f,\"unit\":\"x parse-only\","
	       "\"target\":\"<= 3\",\"met\":%s,\"reference\":\"parse-only, same file, same "
	       "run\"}\n",
	       ratio, ratio <= 3 ? "true" : "false");
	printf("BENCH {\"id\":\"watch.memory\",\"figure\":%.2f,\"unit\":\"x peak RSS at 1/4 the "
	       "tuples\",\"target\":\"<= 1.1\",\"met\":%s,\"reference\":\"same generator, 4x the "
	       "tuples, same run\"}\n",
	       mem, mem <= 1.1 ? "true" : "false");
	return 0;
}
