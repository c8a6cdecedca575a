/* test-watch-scenario.c: detections on generated flow logs and activity
 * logs (synthetic, built from the documented schemas): a port scan, a host
 * sweep, an Internet flow to RDP, a new external peer, a traffic spike, and
 * weakening Activity Log changes, each with its expected finding; benign
 * traffic alone gives none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "watch/detect.h"

#define T0 INT64_C(1700000000) /* 2023-11-14T22:13:20Z */

typedef struct got {
	size_t n;
	char ids[64][16];
	uint8_t st[64];
	char subj[64][96];
	char rem[64][1024];
	char msg[64][256];
} got;

static int on_finding(void *ctx, const rp_watch_finding *f)
{
	got *g = ctx;
	rp_buf b = RP_BUF_INIT;

	assert_int_equal(rp_watch_finding_json(&b, f), 0);
	assert_non_null(strstr(b.data, "\"first_seen\""));
	if (g->n < 64) {
		snprintf(g->ids[g->n], sizeof(g->ids[0]), "%s", f->rule->id);
		g->st[g->n] = (uint8_t)f->status;
		snprintf(g->subj[g->n], sizeof(g->subj[0]), "%s", f->subject);
		snprintf(g->rem[g->n], sizeof(g->rem[0]), "%s",
			 f->remediation ? f->remediation : "");
		snprintf(g->msg[g->n], sizeof(g->msg[0]), "%s", f->message ? f->message : "");
	}
	g->n++;
	rp_buf_release(&b);
	return 0;
}

static size_t count(const got *g, const char *id, rp_status st)
{
	size_t i, n = 0;

	for (i = 0; i < g->n && i < 64; i++)
		n += strcmp(g->ids[i], id) == 0 && g->st[i] == st;
	return n;
}

static int find(const got *g, const char *id, const char *subject)
{
	size_t i;

	for (i = 0; i < g->n && i < 64; i++)
		if (strcmp(g->ids[i], id) == 0 && strcmp(g->subj[i], subject) == 0)
			return (int)i;
	return -1;
}

/* One VNet flow-log record per call, tuples appended with tup(). */
typedef struct gen {
	rp_buf b;
	size_t ntup;
	bool open;
} gen;

static void rec_begin(gen *g)
{
	rp_buf_puts(&g->b, g->b.len ? ",\n" : "{\"records\":[\n");
	rp_buf_puts(&g->b, "{\"time\":\"2023-11-14T22:13:20Z\",\"flowLogVersion\":4,"
			   "\"targetResourceID\":\"/subscriptions/s/resourceGroups/rg/providers/"
			   "Microsoft.Network/virtualNetworks/vnet\",\"flowRecords\":{\"flows\":[{"
			   "\"aclID\":\"acl\",\"flowGroups\":[{\"rule\":\"r\",\"flowTuples\":[");
	g->ntup = 0;
	g->open = true;
}

static void rec_end(gen *g)
{
	rp_buf_puts(&g->b, "]}]}]}}");
	g->open = false;
}

static void tup(gen *g, int64_t ts, const char *src, const char *dst, unsigned sp, unsigned dp,
		char dir, char state, uint64_t bytes)
{
	if (!g->open || g->ntup == 500) {
		if (g->open)
			rec_end(g);
		rec_begin(g);
	}
	rp_buf_printf(&g->b, "%s\"%lld,%s,%s,%u,%u,6,%c,%c,NX,%llu,%llu,%llu,%llu\"",
		      g->ntup ? "," : "", (long long)ts * 1000, src, dst, sp, dp, dir, state,
		      (unsigned long long)(bytes ? 10 : 0), (unsigned long long)bytes / 2,
		      (unsigned long long)(bytes ? 10 : 0), (unsigned long long)bytes / 2);
	g->ntup++;
}

static void finish_gen(gen *g)
{
	if (g->open)
		rec_end(g);
	rp_buf_puts(&g->b, "]}\n");
}

static void run(const char *text, const rp_watch_config *c, got *g)
{
	rp_diag d;
	rp_watch_stats st;
	rp_watch_det *det;
	rp_watch_sink sink;
	rp_watch_reader *r;

	memset(g, 0, sizeof(*g));
	memset(&st, 0, sizeof(st));
	rp_diag_init(&d);
	det = rp_watch_det_new(c, NULL, on_finding, g);
	assert_non_null(det);
	sink = rp_watch_det_sink(det);
	r = rp_watch_reader_new("gen", NULL, &sink, &d, &st);
	assert_int_equal(rp_watch_reader_feed(r, text, strlen(text)), 0);
	assert_int_equal(rp_watch_reader_finish(r), 0);
	assert_int_equal(rp_watch_det_finish(det), 0);
	if (d.nerrors)
		rp_diag_print(stderr, &d, false);
	assert_int_equal(d.nerrors, 0);
	rp_watch_reader_free(r);
	rp_watch_det_free(det);
	rp_diag_release(&d);
}

/* Two days of ordinary traffic: web servers answer the Internet on 443,
 * talk to each other and to a database, fetch updates from a few public
 * hosts; steady volumes. */
static void benign(gen *g, int64_t from, int64_t to)
{
	int64_t t;
	unsigned k = 0;
	char ip[32];

	for (t = from; t < to; t += 60, k++) {
		snprintf(ip, sizeof(ip), "198.51.100.%u", 10 + k % 40);
		tup(g, t, ip, "10.0.0.4", 40000 + k % 1000, 443, 'I', 'C', 200000);
		tup(g, t + 1, "10.0.0.4", "10.0.1.5", 50000 + k % 1000, 1433, 'O', 'C', 50000);
		tup(g, t + 2, "10.0.0.6", "20.1.2.3", 51000 + k % 1000, 443, 'O', 'E', 30000);
		tup(g, t + 3, "10.0.0.8", "20.1.2.4", 52000 + k % 1000, 443, 'O', 'C', 100000);
		if (k % 7 == 0)
			tup(g, t + 4, "203.0.113.77", "10.0.0.4", 1234, 3389, 'I', 'D', 0);
	}
}

static void test_benign(void **state)
{
	gen g = { RP_BUF_INIT, 0, false };
	rp_watch_config c;
	got r;

	(void)state;
	rp_watch_config_default(&c);
	benign(&g, T0, T0 + 2 * 86400);
	finish_gen(&g);
	run(g.b.data, &c, &r);
	if (r.n)
		fprintf(stderr, "unexpected: %s %s\n", r.ids[0], r.subj[0]);
	assert_int_equal(r.n, 0);
	rp_buf_release(&g.b);
}

static void test_attacks(void **state)
{
	gen g = { RP_BUF_INIT, 0, false };
	rp_watch_config c;
	got r;
	int64_t t = T0 + 86400 + 3600; /* after the one-day peer baseline */
	unsigned i;
	char ip[32];
	int k;

	(void)state;
	rp_watch_config_default(&c);
	benign(&g, T0, T0 + 86400);
	/* port scan: 60 ports of 10.0.0.4 in 2 minutes, denied */
	for (i = 0; i < 60; i++)
		tup(&g, t + i * 2, "192.0.2.66", "10.0.0.4", 40000, 1000 + i, 'I', 'D', 0);
	/* below the threshold: 40 ports */
	for (i = 0; i < 40; i++)
		tup(&g, t + i * 2, "192.0.2.67", "10.0.0.4", 40000, 2000 + i, 'I', 'D', 0);
	/* host sweep on 22: 25 hosts in 30 minutes */
	for (i = 0; i < 25; i++) {
		snprintf(ip, sizeof(ip), "10.0.2.%u", i + 1);
		tup(&g, t + 600 + i * 60, "192.0.2.99", ip, 40001, 22, 'I', 'D', 0);
	}
	/* RDP accepted from the Internet */
	tup(&g, t + 100, "203.0.113.9", "10.0.0.5", 50123, 3389, 'I', 'B', 0);
	tup(&g, t + 400, "203.0.113.9", "10.0.0.5", 50123, 3389, 'I', 'E', 5000);
	/* new external peer for 10.0.1.5 (only internal peers during the baseline) */
	tup(&g, t + 200, "10.0.1.5", "192.0.2.200", 40000, 8443, 'O', 'E', 4000);
	/* spike: 10.0.0.8 steady at 200 kB per 5 min, then 200 MB */
	benign(&g, T0 + 86400, T0 + 86400 + 7200);
	tup(&g, T0 + 86400 + 7200 + 30, "10.0.0.8", "20.1.2.4", 52001, 443, 'O', 'C', 200000000);
	benign(&g, T0 + 86400 + 7200 + 60, T0 + 86400 + 7200 + 3600);
	finish_gen(&g);
	run(g.b.data, &c, &r);
	for (i = 0; i < r.n && i < 64; i++)
		fprintf(stderr, "  %s %s\n", r.ids[i], r.subj[i]);
	assert_true(find(&r, "RMP-WATCH-004", "192.0.2.66") >= 0);
	assert_int_equal(find(&r, "RMP-WATCH-004", "192.0.2.67"), -1);
	assert_true(find(&r, "RMP-WATCH-004", "192.0.2.99 -> *:22/tcp") >= 0);
	k = find(&r, "RMP-WATCH-002", "10.0.0.5:3389/tcp");
	assert_true(k >= 0);
	assert_non_null(strstr(r.rem[k], "\"sourceAddressPrefix\":\"Internet\""));
	assert_non_null(strstr(r.rem[k], "\"destinationPortRange\":\"3389\""));
	assert_true(find(&r, "RMP-WATCH-005", "10.0.1.5") >= 0);
	/* the RDP target had no Internet peer before either */
	assert_true(find(&r, "RMP-WATCH-005", "10.0.0.5") >= 0);
	assert_int_equal(count(&r, "RMP-WATCH-005", RP_STATUS_FAIL), 2);
	assert_true(find(&r, "RMP-WATCH-006", "10.0.0.8") >= 0);
	assert_int_equal(count(&r, "RMP-WATCH-006", RP_STATUS_FAIL), 1);
	/* nothing else: 2 scans/sweeps, 1 RDP, 2 peers, 1 spike */
	assert_int_equal(r.n, 6);
	rp_buf_release(&g.b);
}

static void test_configurable(void **state)
{
	gen g = { RP_BUF_INIT, 0, false };
	rp_watch_config c;
	got r;
	unsigned i;

	(void)state;
	rp_watch_config_default(&c);
	c.scan_ports = 10;
	for (i = 0; i < 12; i++)
		tup(&g, T0 + i, "192.0.2.1", "10.0.0.4", 1, 100 + i, 'I', 'D', 0);
	/* a late record (older than the closed window) is ignored */
	for (i = 0; i < 12; i++)
		tup(&g, T0 + 4000 + i, "192.0.2.2", "10.0.0.4", 1, 100 + i, 'I', 'D', 0);
	for (i = 0; i < 12; i++)
		tup(&g, T0 + 10 + i, "192.0.2.3", "10.0.0.4", 1, 100 + i, 'I', 'D', 0);
	finish_gen(&g);
	run(g.b.data, &c, &r);
	assert_true(find(&r, "RMP-WATCH-004", "192.0.2.1") >= 0);
	assert_true(find(&r, "RMP-WATCH-004", "192.0.2.2") >= 0);
	assert_int_equal(find(&r, "RMP-WATCH-004", "192.0.2.3"), -1);
	rp_buf_release(&g.b);
}

/* Every finding's whole JSON line, and the detector's counters. */
static int on_line(void *ctx, const rp_watch_finding *f)
{
	rp_buf *out = ctx;

	assert_int_equal(rp_watch_finding_json(out, f), 0);
	rp_buf_puts(out, "\n");
	return 0;
}

static int one_flow(void *ctx, const rp_flow *f)
{
	return rp_watch_det_flow(ctx, f);
}

static void run_lines(const char *text, const rp_watch_config *c, bool batch, rp_buf *out)
{
	rp_diag d;
	rp_watch_stats st;
	rp_watch_det *det;
	rp_watch_det_stats ds;
	rp_watch_sink sink;
	rp_watch_reader *r;

	memset(&st, 0, sizeof(st));
	rp_diag_init(&d);
	det = rp_watch_det_new(c, NULL, on_line, out);
	assert_non_null(det);
	sink = rp_watch_det_sink(det);
	assert_non_null(sink.flows);
	if (!batch) {
		sink.flow = one_flow;
		sink.flows = NULL;
	}
	r = rp_watch_reader_new("gen", NULL, &sink, &d, &st);
	assert_int_equal(rp_watch_reader_feed(r, text, strlen(text)), 0);
	assert_int_equal(rp_watch_reader_finish(r), 0);
	assert_int_equal(rp_watch_det_finish(det), 0);
	assert_int_equal(d.nerrors, 0);
	rp_watch_det_get_stats(det, &ds);
	rp_buf_printf(out, "tuples %llu late %llu refused %llu findings %llu\n",
		      (unsigned long long)st.tuples, (unsigned long long)ds.late,
		      (unsigned long long)ds.refused, (unsigned long long)ds.findings);
	rp_watch_reader_free(r);
	rp_watch_det_free(det);
	rp_diag_release(&d);
}

/* The detector's batch entry (look-ahead prefetching, used by the reader)
 * gives exactly what flow-by-flow delivery gives: the same findings with
 * the same evidence, counts and order, and the same refusals when the
 * tables are full.  Long IPv6 tuples exercise evidence kept out of line. */
static size_t count_str(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

static void test_batch_same(void **state)
{
	gen g = { RP_BUF_INIT, 0, false };
	rp_watch_config c;
	rp_buf one = RP_BUF_INIT, many = RP_BUF_INIT;
	unsigned i, j;
	char src[64], dst[64];
	int64_t t = T0;

	(void)state;
	rp_watch_config_default(&c);
	c.max_keys = 64; /* full tables: admission by the count-min sketch */
	for (i = 0; i < 6000; i++, t += i % 3 == 0) {
		snprintf(src, sizeof(src), "198.51.100.%u", (i * 7919u) % 200);
		snprintf(dst, sizeof(dst), "10.0.%u.%u", i % 3, (i * 31u) % 50);
		tup(&g, t, src, dst, 40000 + i % 1000, i % 5 ? 443 : 1000 + i % 300, 'I',
		    i % 4 ? 'C' : 'D', (i % 11) * 1000u);
		if (i % 97 == 0)
			for (j = 0; j < 60; j++)
				tup(&g, t, "192.0.2.66", dst, 40000, 2000 + j, 'I', 'D', 0);
		if (i % 50 == 0) {
			tup(&g, t, "2001:db8:ffff:ffff:ffff:ffff:ffff:1",
			    "2001:db8:aaaa:bbbb:cccc:dddd:eeee:2", 65000, 3389, 'I', 'E',
			    1234567890123ull);
		}
	}
	finish_gen(&g);
	run_lines(g.b.data, &c, false, &one);
	run_lines(g.b.data, &c, true, &many);
	assert_non_null(strstr(one.data, "RMP-WATCH-004"));
	assert_non_null(
		strstr(one.data, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:2,65000,3389,6,I,E,NX"));
	assert_null(strstr(one.data, "refused 0 "));
	assert_string_equal(one.data, many.data);
	rp_buf_release(&one);
	rp_buf_release(&many);
	rp_buf_release(&g.b);
}

/* The look-ahead reads a lookup's presence-filter word once, eight flows
 * ahead, and reuses the answer four flows ahead only while the table's
 * version is unchanged: a key placed in between (by a flow of the same
 * batch) must be found, not refused or placed twice.  Twelve scanners each
 * start a new key, and their next flows follow 1 to 9 flows later, inside
 * the look-ahead, with flows of a known key between them (so that nothing
 * else moves the version); each is one finding counting all of its 12
 * flows, and the batch gives what flow-by-flow delivery gives. */
static void test_presence_ahead(void **state)
{
	gen g = { RP_BUF_INIT, 0, false };
	rp_watch_config c;
	rp_buf one = RP_BUF_INIT, many = RP_BUF_INIT;
	unsigned s, k, gap;
	char src[32], want[96];

	(void)state;
	rp_watch_config_default(&c);
	c.scan_ports = 10;
	for (s = 0; s < 12; s++) {
		gap = 1 + s % 9;
		snprintf(src, sizeof(src), "192.0.2.%u", 10 + s);
		for (k = 0; k < 12; k++) {
			unsigned f;
			tup(&g, T0 + s, src, "10.0.0.4", 7, 100 + k, 'I', 'D', 0);
			/* fillers between two flows of the scanner: one key, found
			 * (placing none, they leave the tables' versions alone) */
			for (f = 1; f < gap; f++)
				tup(&g, T0 + s, "198.51.100.1", "10.0.0.5", 8, 443, 'I', 'D', 0);
		}
	}
	finish_gen(&g);
	run_lines(g.b.data, &c, false, &one);
	run_lines(g.b.data, &c, true, &many);
	assert_string_equal(one.data, many.data);
	assert_int_equal(count_str(many.data, "RMP-WATCH-004"), 12);
	for (s = 0; s < 12; s++) {
		const char *at;
		snprintf(want, sizeof(want), "\"subject\":\"192.0.2.%u\"", 10 + s);
		at = strstr(many.data, want);
		assert_non_null(at);
		assert_non_null(strstr(at, "\"count\":12"));
		assert_true(strstr(at, "\"count\":12") < strchr(at, '\n'));
	}
	assert_non_null(strstr(many.data, "refused 0 "));
	rp_buf_release(&one);
	rp_buf_release(&many);
	rp_buf_release(&g.b);
}

static const char *act(rp_buf *b, const char *op, const char *result, const char *corr,
		       const char *body)
{
	rp_buf_printf(b,
		      "{\"time\":\"2025-01-01T10:00:00Z\",\"resourceId\":\"/SUBSCRIPTIONS/S/"
		      "RESOURCEGROUPS/RG/PROVIDERS/X/Y\",\"operationName\":\"%s\",\"resultType\":"
		      "\"%s\",\"correlationId\":\"%s\",\"callerIpAddress\":\"203.0.113.10\","
		      "\"identity\":{\"claims\":{\"name\":\"eve\"}},\"properties\":{%s%s%s}}\n",
		      op, result, corr, body ? "\"requestbody\":\"" : "", body ? body : "",
		      body ? "\"" : "");
	return b->data;
}

/* A scan's and a sweep's evidence: the key's first flow and its latest
 * one, also when the latest repeats a port or host already counted (the
 * count stays past the threshold) and when the flows before it were below
 * the threshold; a key that stays below it has no finding. */
static void test_scan_evidence(void **state)
{
	gen g = { RP_BUF_INIT, 0, false };
	rp_watch_config c;
	rp_buf out = RP_BUF_INIT;
	char ip[32];
	unsigned i;

	(void)state;
	rp_watch_config_default(&c);
	c.scan_ports = 10;
	c.sweep_hosts = 5;
	for (i = 0; i < 12; i++)
		tup(&g, T0 + i, "192.0.2.1", "10.0.0.4", 1, 100 + i, 'I', 'D', 0);
	/* repeats of counted ports, the last one latest */
	tup(&g, T0 + 20, "192.0.2.1", "10.0.0.4", 2, 100, 'I', 'D', 0);
	tup(&g, T0 + 21, "192.0.2.1", "10.0.0.4", 3, 105, 'I', 'D', 0);
	/* below the threshold: no finding, whatever its latest flow */
	for (i = 0; i < 9; i++)
		tup(&g, T0 + 30 + i, "192.0.2.2", "10.0.0.4", 4, 100 + i, 'I', 'D', 0);
	for (i = 0; i < 7; i++) {
		snprintf(ip, sizeof(ip), "10.0.2.%u", i + 1);
		tup(&g, T0 + 40 + i, "192.0.2.3", ip, 5, 22, 'I', 'D', 0);
	}
	tup(&g, T0 + 50, "192.0.2.3", "10.0.2.1", 6, 22, 'I', 'D', 0);
	finish_gen(&g);
	run_lines(g.b.data, &c, true, &out);
	fprintf(stderr, "%s", out.data);
	assert_non_null(strstr(out.data, "\"subject\":\"192.0.2.1\""));
	assert_non_null(strstr(out.data,
			       "\"text\":\"1700000000000,192.0.2.1,10.0.0.4,1,100,6,I,D,"
			       "NX,0,0,0,0\"},{\"time\":\"2023-11-14T22:13:41.000Z\",\"input\":"
			       "\"gen\",\"offset\":"));
	assert_non_null(strstr(out.data, "\"text\":\"1700000021000,192.0.2.1,10.0.0.4,3,105,6,I,D,"
					 "NX,0,0,0,0\"}]"));
	assert_null(strstr(out.data, "\"subject\":\"192.0.2.2\""));
	assert_non_null(strstr(out.data, "\"subject\":\"192.0.2.3 -> *:22/tcp\""));
	assert_non_null(strstr(out.data, "\"text\":\"1700000040000,192.0.2.3,10.0.2.1,5,22,6,I,D,"
					 "NX,0,0,0,0\"}"));
	assert_non_null(strstr(out.data, "\"text\":\"1700000050000,192.0.2.3,10.0.2.1,6,22,6,I,D,"
					 "NX,0,0,0,0\"}]"));
	rp_buf_release(&out);
	rp_buf_release(&g.b);
}

/* Closing a window emits its findings in insertion order (the first flow
 * of each key), whatever else closes with them: three scanners, started
 * in the order .3, .1, .2, among 400 sources below the threshold, in two
 * scan windows; and on a table small enough (max_keys 16: places and tags
 * share a 32-bit slot) that most of the sources are refused, the scanners
 * admitted first are still found. */
static void test_close_order(void **state)
{
	static const char *const order[] = { "192.0.2.3", "192.0.2.1", "192.0.2.2" };
	gen g = { RP_BUF_INIT, 0, false };
	rp_watch_config c;
	unsigned i, j, w;
	char src[32];
	size_t m;

	(void)state;
	for (w = 0; w < 2; w++) {
		int64_t t0 = T0 + (int64_t)w * 3600;
		for (j = 0; j < 3; j++)
			tup(&g, t0 + j, order[j], "10.0.0.4", 1, 1, 'I', 'D', 0);
		for (i = 0; i < 400; i++) {
			snprintf(src, sizeof(src), "198.51.%u.%u", 100 + i / 200, i % 200);
			tup(&g, t0 + 5 + i / 20, src, "10.0.0.4", 1, 100 + i % 7, 'I', 'D', 0);
			for (j = 0; j < 3 && i < 60; j++)
				tup(&g, t0 + 5 + i / 20, order[j], "10.0.0.4", 1, 1000 + i, 'I',
				    'D', 0);
		}
	}
	finish_gen(&g);
	for (m = 0; m < 2; m++) {
		rp_buf out = RP_BUF_INIT;
		const char *p, *at[3];
		rp_watch_config_default(&c);
		c.scan_ports = 50;
		if (m)
			c.max_keys = 16;
		run_lines(g.b.data, &c, true, &out);
		p = out.data;
		for (w = 0; w < 2; w++) {
			for (j = 0; j < 3; j++) {
				char key[64];
				snprintf(key, sizeof(key), "\"subject\":\"%s\"", order[j]);
				at[j] = strstr(p, key);
				assert_non_null(at[j]);
				assert_true(j == 0 || at[j] > at[j - 1]);
			}
			p = at[2] + 1;
		}
		assert_int_equal(count_str(out.data, "RMP-WATCH-004"), 6);
		if (m)
			assert_null(strstr(out.data, "refused 0 "));
		rp_buf_release(&out);
	}
	rp_buf_release(&g.b);
}

/* RMP-WATCH-005 with more servers than the detector remembers as known
 * (16,384 hashes in sets of 8; the others are found in the Bloom filter):
 * 20,000 servers talk to the Internet during the baseline and again after
 * it, and only the 5 that had no Internet peer are new; the same after a
 * rotation of the baseline; two rotations later, servers of the first
 * generation are new again (the remembered hashes are forgotten with the
 * generation they were in).  Batch or flow by flow, the same lines. */
static void test_peer_known(void **state)
{
	gen g = { RP_BUF_INIT, 0, false };
	rp_watch_config c;
	char ip[32], sub[64];
	unsigned i, k, rot;
	int64_t t;

	(void)state;
	for (i = 0; i < 20000; i++) {
		snprintf(ip, sizeof(ip), "10.1.%u.%u", i / 250, i % 250 + 1);
		tup(&g, T0 + i / 100, ip, "20.1.2.3", 40000, 443, 'O', 'C', 1000);
	}
	for (k = 0; k < 2; k++) /* after the baseline, then after a rotation */
		for (i = 0; i < 20000; i++) {
			t = T0 + 1000 + k * 1500 + i / 100;
			snprintf(ip, sizeof(ip), "10.1.%u.%u", i / 250, i % 250 + 1);
			tup(&g, t, ip, "20.1.2.3", 40000, 443, 'O', 'C', 1000);
			if (i % 4000 == 0) {
				snprintf(ip, sizeof(ip), "10.2.0.%u", i / 4000 + 1 + k * 10);
				tup(&g, t, ip, "20.1.2.4", 40000, 443, 'O', 'C', 1000);
			}
		}
	for (i = 0; i < 5; i++) {
		snprintf(ip, sizeof(ip), "10.1.0.%u", i + 1);
		tup(&g, T0 + 6500, ip, "20.1.2.3", 40000, 443, 'O', 'C', 1000);
	}
	finish_gen(&g);
	for (rot = 0; rot < 2; rot++) {
		rp_buf one = RP_BUF_INIT, many = RP_BUF_INIT;
		rp_watch_config_default(&c);
		c.peer_learn_s = 1000;
		c.peer_rotate_s = rot ? 2000 : 100000;
		run_lines(g.b.data, &c, false, &one);
		run_lines(g.b.data, &c, true, &many);
		assert_string_equal(one.data, many.data);
		assert_int_equal(count_str(one.data, "RMP-WATCH-005"), rot ? 15 : 10);
		for (k = 0; k < 2; k++)
			for (i = 0; i < 5; i++) {
				snprintf(sub, sizeof(sub), "\"subject\":\"10.2.0.%u\"",
					 i + 1 + k * 10);
				assert_non_null(strstr(one.data, sub));
			}
		for (i = 0; i < 5; i++) {
			snprintf(sub, sizeof(sub), "\"subject\":\"10.1.0.%u\"", i + 1);
			assert_true(!strstr(one.data, sub) == !rot);
		}
		assert_null(strstr(one.data, "\"subject\":\"10.1.0.6\""));
		rp_buf_release(&one);
		rp_buf_release(&many);
	}
	rp_buf_release(&g.b);
}

/* The line of out whose subject is subj (NULL if none), up to its end. */
static const char *line_of(const char *out, const char *subj, char *buf, size_t cap)
{
	char key[128];
	const char *p, *b, *e;

	snprintf(key, sizeof(key), "\"subject\":\"%s\"", subj);
	p = strstr(out, key);
	if (!p)
		return NULL;
	for (b = p; b > out && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	snprintf(buf, cap, "%.*s", (int)(e ? e - b : (ptrdiff_t)strlen(b)), b);
	return buf;
}

/* Entries keep their times as offsets from the window's start, or in full
 * when a window spans 2^32 ms or more: first_seen and last_seen are the
 * same either way, with a flow earlier than the first one (within the
 * lateness) and windows far longer than 2^32 ms. */
static void test_entry_times(void **state)
{
	static const uint32_t windows[] = { 0, 5000000, 4000000000u };
	gen g = { RP_BUF_INIT, 0, false };
	unsigned i, w;
	char buf[8192];

	(void)state;
	for (i = 0; i < 12; i++)
		tup(&g, T0 + 100 + i, "192.0.2.9", "10.0.0.4", 1, 100 + i, 'I', 'D', 0);
	tup(&g, T0 + 50, "192.0.2.9", "10.0.0.4", 1, 99, 'I', 'D', 0);
	tup(&g, T0 + 120, "192.0.2.9", "10.0.0.4", 1, 98, 'I', 'D', 0);
	tup(&g, T0 + 10, "198.51.100.7", "10.0.0.4", 1, 3389, 'I', 'C', 1000);
	tup(&g, T0 + 5, "198.51.100.8", "10.0.0.4", 1, 3389, 'I', 'C', 1000);
	tup(&g, T0 + 30, "198.51.100.7", "10.0.0.4", 2, 3389, 'I', 'C', 1000);
	finish_gen(&g);
	for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		rp_watch_config c;
		rp_buf out = RP_BUF_INIT;
		const char *l;

		rp_watch_config_default(&c);
		c.scan_ports = 10;
		if (windows[w])
			c.scan_window_s = c.agg_window_s = windows[w];
		run_lines(g.b.data, &c, true, &out);
		l = line_of(out.data, "192.0.2.9", buf, sizeof(buf));
		assert_non_null(l);
		assert_non_null(strstr(l,
				       "\"first_seen\":\"2023-11-14T22:14:10.000Z\","
				       "\"last_seen\":\"2023-11-14T22:15:20.000Z\",\"count\":14,"));
		l = line_of(out.data, "10.0.0.4:3389/tcp", buf, sizeof(buf));
		assert_non_null(l);
		assert_non_null(strstr(l,
				       "\"first_seen\":\"2023-11-14T22:13:25.000Z\","
				       "\"last_seen\":\"2023-11-14T22:13:50.000Z\",\"count\":3,"));
		assert_non_null(strstr(l, "3 flows from 2 sources"));
		rp_buf_release(&out);
	}
	rp_buf_release(&g.b);
}

static void test_changes(void **state)
{
	rp_buf b = RP_BUF_INIT;
	rp_watch_config c;
	got r;
	int k;

	(void)state;
	rp_watch_config_default(&c);
	/* NSG rule opened to the Internet on RDP: Start with body, then Success */
	act(&b, "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE", "Start", "c1",
	    "{\\\"name\\\":\\\"allow-rdp\\\",\\\"properties\\\":{\\\"protocol\\\":\\\"Tcp\\\","
	    "\\\"destinationPortRange\\\":\\\"3000-4000\\\",\\\"sourceAddressPrefix\\\":\\\"*\\\","
	    "\\\"access\\\":\\\"Allow\\\",\\\"priority\\\":100,\\\"direction\\\":\\\"Inbound\\\"}"
	    "}");
	act(&b, "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE", "Success", "c1",
	    NULL);
	/* the same change, failed: nothing */
	act(&b, "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE", "Start", "c2",
	    "{\\\"properties\\\":{\\\"destinationPortRange\\\":\\\"22\\\","
	    "\\\"sourceAddressPrefix\\\":"
	    "\\\"Internet\\\",\\\"access\\\":\\\"Allow\\\",\\\"direction\\\":\\\"Inbound\\\"}}");
	act(&b, "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE", "Failure", "c2",
	    NULL);
	/* a rule from a known range on 443: not sensitive */
	act(&b, "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE", "Start", "c3",
	    "{\\\"properties\\\":{\\\"destinationPortRange\\\":\\\"443\\\","
	    "\\\"sourceAddressPrefix\\\":"
	    "\\\"*\\\",\\\"access\\\":\\\"Allow\\\",\\\"direction\\\":\\\"Inbound\\\"}}");
	act(&b, "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE", "Success", "c3",
	    NULL);
	/* Secure Boot off, outcome not in the log: unknown */
	act(&b, "Microsoft.Compute/virtualMachines/write", "Start", "c4",
	    "{\\\"properties\\\":{\\\"securityProfile\\\":{\\\"securityType\\\":"
	    "\\\"TrustedLaunch\\\","
	    "\\\"uefiSettings\\\":{\\\"secureBootEnabled\\\":false,\\\"vTpmEnabled\\\":true}}}}");
	/* storage: TLS 1.0 and HTTP allowed */
	act(&b, "MICROSOFT.STORAGE/STORAGEACCOUNTS/WRITE", "Start", "c5",
	    "{\\\"properties\\\":{\\\"minimumTlsVersion\\\":\\\"TLS1_0\\\","
	    "\\\"supportsHttpsTrafficOnly\\\":false}}");
	act(&b, "MICROSOFT.STORAGE/STORAGEACCOUNTS/WRITE", "Success", "c5", NULL);
	/* storage: a secure write gives nothing */
	act(&b, "MICROSOFT.STORAGE/STORAGEACCOUNTS/WRITE", "Start", "c6",
	    "{\\\"properties\\\":{\\\"minimumTlsVersion\\\":\\\"TLS1_2\\\"}}");
	act(&b, "MICROSOFT.STORAGE/STORAGEACCOUNTS/WRITE", "Success", "c6", NULL);
	/* diagnostic settings deleted */
	act(&b, "MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE", "Success", "c7", NULL);
	/* Defender plan downgraded */
	act(&b, "Microsoft.Security/pricings/write", "Start", "c8",
	    "{\\\"name\\\":\\\"VirtualMachines\\\",\\\"properties\\\":{\\\"pricingTier\\\":"
	    "\\\"Free\\\"}}");
	act(&b, "Microsoft.Security/pricings/write", "Success", "c8", NULL);
	run(b.data, &c, &r);
	for (k = 0; k < (int)r.n; k++)
		fprintf(stderr, "  %s %u %s\n", r.ids[k], r.st[k], r.subj[k]);
	assert_int_equal(count(&r, "RMP-WATCH-010", RP_STATUS_FAIL), 1);
	k = find(&r, "RMP-WATCH-010", "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/X/Y");
	assert_true(k >= 0);
	assert_non_null(strstr(r.rem[k], "az network nsg rule update"));
	assert_int_equal(count(&r, "RMP-WATCH-011", RP_STATUS_UNKNOWN), 1);
	assert_int_equal(count(&r, "RMP-WATCH-012", RP_STATUS_FAIL), 1);
	assert_int_equal(count(&r, "RMP-WATCH-013", RP_STATUS_FAIL), 1);
	assert_int_equal(count(&r, "RMP-WATCH-014", RP_STATUS_FAIL), 1);
	assert_int_equal(r.n, 5);
	rp_buf_release(&b);
}

/* The HyperLogLog estimate written with libm, as the reference. */
static double hll_reference(const uint8_t *reg)
{
	const double m = (double)(1u << RP_HLL_P);
	double sum = 0, est;
	uint32_t zeros = 0, i;

	for (i = 0; i < (1u << RP_HLL_P); i++) {
		sum += ldexp(1.0, -(int)reg[i]);
		zeros += reg[i] == 0;
	}
	est = (0.7213 / (1.0 + 1.079 / m)) * m * m / sum;
	if (est <= 2.5 * m && zeros > 0)
		est = m * log(m / zeros);
	return est;
}

static void test_sketches(void **state)
{
	rp_hll h;
	rp_cms s;
	rp_bloom bl;
	uint64_t i, n;
	double est;

	(void)state;
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 20; i++)
		assert_int_equal(rp_hll_add(&h, rp_watch_hash(&i, sizeof(i), 1)), 0);
	assert_true(rp_hll_count(&h) == 20.0); /* exact while small */
	for (i = 0; i < 10000; i++)
		assert_int_equal(rp_hll_add(&h, rp_watch_hash(&i, sizeof(i), 1)), 0);
	est = rp_hll_count(&h);
	assert_true(est > 9000 && est < 11000);
	rp_hll_release(&h);
	/* the estimator computes 2^-r and ln without libm: same figure as
	 * libm's ldexp and log, in the linear-counting range (65..2560
	 * distinct) and above it */
	for (n = 65; n <= 40000; n = n * 3 / 2) {
		memset(&h, 0, sizeof(h));
		for (i = 0; i < n; i++)
			assert_int_equal(rp_hll_add(&h, rp_watch_hash(&i, sizeof(i), 7)), 0);
		assert_true(h.n == RP_HLL_LARGE);
		assert_true(fabs(rp_hll_count(&h) - hll_reference(h.p)) <= 1e-9 * (double)n);
		rp_hll_release(&h);
	}
	assert_int_equal(rp_cms_init(&s, 1024, 4), 0);
	for (i = 0; i < 100; i++)
		rp_cms_add(&s, 42);
	assert_true(rp_cms_add(&s, 42) >= 101);
	assert_true(rp_cms_add(&s, 43) >= 1);
	rp_cms_release(&s);
	/* counters found ahead (rp_cms_pos, as the look-ahead does) are the
	 * ones rp_cms_add uses: two sketches fed the same stream, one each
	 * way, agree on every estimate; a width that is not a power of two
	 * and fewer rows than RP_CMS_DMAX too */
	{
		static const uint32_t shape[][2] = { { 4096, 4 }, { 1000, 3 }, { 7, 1 } };
		size_t k;
		for (k = 0; k < sizeof(shape) / sizeof(shape[0]); k++) {
			rp_cms a, b;
			uint32_t pos[RP_CMS_DMAX], pf[RP_CMS_DMAX];
			assert_int_equal(rp_cms_init(&a, shape[k][0], shape[k][1]), 0);
			assert_int_equal(rp_cms_init(&b, shape[k][0], shape[k][1]), 0);
			for (i = 0; i < 20000; i++) {
				uint64_t hv = rp_watch_hash(&i, sizeof(i), 3) % 5000;
				uint32_t ea, eb;
				hv = rp_watch_hash(&hv, sizeof(hv), 9);
				rp_cms_pos(&b, hv, pos);
				rp_cms_prefetch(&b, hv, pf);
				assert_memory_equal(pos, pf, shape[k][1] * sizeof(pos[0]));
				for (n = 0; n < shape[k][1]; n++)
					assert_true(pos[n] / shape[k][0] == n);
				ea = rp_cms_add(&a, hv);
				eb = rp_cms_add_pos(&b, pos);
				assert_int_equal(ea, eb);
				assert_true(ea >= 1);
			}
			assert_memory_equal(a.c, b.c,
					    (size_t)shape[k][0] * shape[k][1] * sizeof(*a.c));
			rp_cms_release(&a);
			rp_cms_release(&b);
		}
		/* shapes the fixed row count cannot hold are refused */
		assert_int_equal(rp_cms_init(&s, 1024, RP_CMS_DMAX + 1), -RP_EINVAL);
		assert_int_equal(rp_cms_init(&s, 1024, 0), -RP_EINVAL);
		assert_int_equal(rp_cms_init(&s, 0, 4), -RP_EINVAL);
	}
	assert_int_equal(rp_bloom_init(&bl, 16, 4), 0);
	rp_bloom_add(&bl, 7);
	assert_true(rp_bloom_has(&bl, 7));
	assert_false(rp_bloom_has(&bl, 8));
	rp_bloom_release(&bl);
}

/* One server steady at 100 kB per 5-minute interval for 20 intervals
 * (past the warm-up), silent for gap intervals, then 200 MB: the EWMA's
 * state when the spike is judged, from the finding's message. */
static void spike_after(double lambda, int64_t gap, got *r)
{
	gen g = { RP_BUF_INIT, 0, false };
	rp_watch_config c;
	int64_t i;

	rp_watch_config_default(&c);
	c.spike_lambda = lambda;
	for (i = 0; i < 20; i++)
		tup(&g, T0 + i * 300, "10.0.0.8", "20.1.2.4", (unsigned)(52000 + i), 443, 'O', 'C',
		    100000);
	tup(&g, T0 + (20 + gap) * 300, "10.0.0.8", "20.1.2.4", 52100, 443, 'O', 'C', 200000000);
	finish_gen(&g);
	run(g.b.data, &c, r);
	rp_buf_release(&g.b);
}

/* The empty intervals of a silence count as zero traffic, one EWMA update
 * each.  A log whose time jumps by thousands of years (here 3.3 * 10^9
 * intervals; a fuzzed flow log had a timestamp in microseconds) made that
 * an update per interval: minutes of CPU for a 3 kB file, because the
 * state stops changing at the smallest subnormals but never reaches zero.
 * Now the fixed point ends the updates, and for a weight too small to get
 * there in 4,096 updates the rest is taken in closed form. */
static void test_time_jump(void **state)
{
	static const double lambdas[] = { 0.3, 0.001 };
	size_t li;
	got r;
	int k;

	(void)state;
	for (li = 0; li < 2; li++) {
		spike_after(lambdas[li], INT64_C(3300000000), &r);
		k = find(&r, "RMP-WATCH-006", "10.0.0.8");
		assert_true(k >= 0);
		/* after the silence the baseline is zero */
		assert_non_null(strstr(r.msg[k], "baseline mean 0, standard deviation 0"));
	}
	/* A weight of 0.001 and 5,000 empty intervals: 4,096 updates, then the
	 * closed form for 903; the baseline agrees with 5,000 updates. */
	{
		double mean = 100000, var = 0, lambda = 0.001;
		char want[128];
		int64_t i;

		for (i = 0; i < 5000; i++) {
			double diff = 0 - mean, incr = lambda * diff;
			mean += incr;
			var = (1 - lambda) * (var + diff * incr);
		}
		snprintf(want, sizeof(want), "baseline mean %.0f, standard deviation %.0f", mean,
			 sqrt(var));
		spike_after(lambda, 5000, &r);
		k = find(&r, "RMP-WATCH-006", "10.0.0.8");
		assert_true(k >= 0);
		if (!strstr(r.msg[k], want))
			fprintf(stderr, "want '%s' in '%s'\n", want, r.msg[k]);
		assert_non_null(strstr(r.msg[k], want));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_benign),         cmocka_unit_test(test_attacks),
		cmocka_unit_test(test_configurable),   cmocka_unit_test(test_changes),
		cmocka_unit_test(test_sketches),       cmocka_unit_test(test_batch_same),
		cmocka_unit_test(test_scan_evidence),  cmocka_unit_test(test_entry_times),
		cmocka_unit_test(test_close_order),    cmocka_unit_test(test_peer_known),
		cmocka_unit_test(test_presence_ahead), cmocka_unit_test(test_time_jump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
