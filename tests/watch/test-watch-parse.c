/* test-watch-parse.c: the log parsers (src/watch) on every sample of
 * ../shared/fixtures/monitoring, the tuple splitter's edge cases, times,
 * the record splitter on split and appended input, and bad input with
 * positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/source.h"
#include "watch/watch.h"

typedef struct seen {
	size_t flows, acts, allowed, denied, states[4], v1, v2, vnet, counted;
	uint64_t pk, by;
	char first_rule[64];
	char ops[8][96];
	uint8_t outcomes[8];
	bool body[8];
	int64_t first_ts;
	uint64_t last_off;
} seen;

static int on_flow(void *ctx, const rp_flow *f)
{
	seen *s = ctx;
	const char *st = "BCED";
	const char *p = f->state ? strchr(st, f->state) : NULL;

	if (s->flows == 0) {
		snprintf(s->first_rule, sizeof(s->first_rule), "%.*s", (int)f->rule.n, f->rule.p);
		s->first_ts = f->ts_ms;
	}
	s->flows++;
	s->allowed += f->allowed;
	s->denied += !f->allowed;
	if (p)
		s->states[p - st]++;
	s->v1 += f->format == RP_FLOW_NSG_V1;
	s->v2 += f->format == RP_FLOW_NSG_V2;
	s->vnet += f->format == RP_FLOW_VNET;
	s->counted += f->has_counts;
	s->pk += f->pk_s2d + f->pk_d2s;
	s->by += f->by_s2d + f->by_d2s;
	assert_true(f->off >= s->last_off);
	s->last_off = f->off;
	return 0;
}

static int on_act(void *ctx, const rp_activity *a)
{
	seen *s = ctx;

	if (s->acts < 8) {
		snprintf(s->ops[s->acts], sizeof(s->ops[0]), "%.*s", (int)a->op.n, a->op.p);
		s->outcomes[s->acts] = a->outcome;
		s->body[s->acts] = a->body != RP_JSON_NONE;
	}
	s->acts++;
	return 0;
}

static char *fixture(const char *name)
{
	const char *sh = getenv("RAMPART_SHARED");
	static char path[4096];

	snprintf(path, sizeof(path), "%s/fixtures/monitoring/%s", sh ? sh : "../shared", name);
	return path;
}

static int read_path(const char *path, seen *s, rp_diag *d, rp_watch_stats *st)
{
	rp_watch_sink sink = { s, on_flow, on_act, NULL };
	rp_watch_reader *r = rp_watch_reader_new(path, path, &sink, d, st);
	int rc;

	assert_non_null(r);
	rc = rp_watch_read_file(r, path, 0, true, NULL);
	rp_watch_reader_free(r);
	return rc;
}

static void read_fixture(const char *name, seen *s, rp_watch_stats *st)
{
	rp_diag d;

	memset(s, 0, sizeof(*s));
	memset(st, 0, sizeof(*st));
	rp_diag_init(&d);
	assert_int_equal(read_path(fixture(name), s, &d, st), 0);
	if (d.nerrors)
		rp_diag_print(stderr, &d, false);
	assert_int_equal(d.nerrors, 0);
	rp_diag_release(&d);
}

static void test_nsg_v1(void **state)
{
	seen s;
	rp_watch_stats st;

	(void)state;
	read_fixture("nsg_flow_v1_msdocs_PT1H.json", &s, &st);
	assert_int_equal(st.records, 3);
	assert_int_equal(s.flows, 12);
	assert_int_equal(s.v1, 12);
	assert_int_equal(s.counted, 0);
	assert_string_equal(s.first_rule, "DefaultRule_DenyAllInBound");
}

static void test_nsg_v2(void **state)
{
	seen s;
	rp_watch_stats st;

	(void)state;
	read_fixture("nsg_flow_v2_msdocs_PT1H.json", &s, &st);
	assert_int_equal(st.records, 2);
	assert_int_equal(s.flows, 11);
	assert_int_equal(s.v2, 11);
	assert_int_equal(s.denied, 7);
	assert_int_equal(s.allowed, 4);
	assert_int_equal(s.first_ts, INT64_C(1542110402000));
}

static void test_vnet(void **state)
{
	seen s;
	rp_watch_stats st;

	(void)state;
	read_fixture("vnet_flow_v4_msdocs_PT1H.json", &s, &st);
	assert_int_equal(st.records, 1);
	assert_int_equal(s.flows, 19);
	assert_int_equal(s.vnet, 19);
	assert_true(s.states[3] > 0); /* D */
	assert_int_equal(s.denied, s.states[3]);
	read_fixture("vnet_flow_v4_otel_valid_1.json", &s, &st);
	assert_int_equal(s.flows, 2);
	assert_string_equal(s.first_rule, "PlatformRule");
	assert_int_equal(s.first_ts, INT64_C(1762531163718)); /* milliseconds kept */
	assert_int_equal(s.states[2], 1);                     /* E before B */
	assert_int_equal(s.states[0], 1);
	assert_int_equal(s.pk, 2);
	assert_int_equal(s.by, 701);
}

static void test_activity(void **state)
{
	seen s;
	rp_watch_stats st;

	(void)state;
	read_fixture("activitylog_eh_diagsettings_write_otel.json", &s, &st);
	assert_int_equal(s.acts, 1);
	assert_string_equal(s.ops[0], "MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/WRITE");
	assert_int_equal(s.outcomes[0], RP_ACT_START);
	assert_true(s.body[0]); /* requestbody parsed from its string */
	read_fixture("activitylog_eh_msdocs_example.json", &s, &st);
	assert_int_equal(s.acts, 1);
	read_fixture("activitylog_rest_msdocs_nsg_write.json", &s, &st);
	assert_int_equal(s.acts, 1);
	assert_string_equal(s.ops[0], "Microsoft.Network/networkSecurityGroups/write");
	assert_int_equal(s.outcomes[0], RP_ACT_SUCCESS);
}

static void test_tuple(void **state)
{
	rp_flow f;
	const char *why;
	size_t at;
	/* the doc's example: B (empty counters), C, C, E of one flow */
	static const char *const v2[] = {
		"1493763938,185.170.185.105,10.2.0.4,35370,23,T,I,A,B,,,,",
		"1493695838,185.170.185.105,10.2.0.4,35370,23,T,I,A,C,1021,588096,8005,4610880",
		"1493696138,185.170.185.105,10.2.0.4,35370,23,T,I,A,E,52,29952,47,27072",
	};
	uint64_t pk = 0, by = 0;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(rp_flow_tuple_parse(v2[i], strlen(v2[i]), false, &f, &why, &at),
				 0);
		pk += f.pk_s2d + f.pk_d2s;
		by += f.by_s2d + f.by_d2s;
	}
	assert_int_equal(pk, 1021 + 8005 + 52 + 47);
	assert_int_equal(by, 588096 + 4610880 + 29952 + 27072);
	assert_int_equal(f.dport, 23);
	assert_int_equal(f.proto, 6);
	/* VNet with seconds, the doc's empty-counter B form, IPv6 */
	assert_int_equal(
		rp_flow_tuple_parse("1663146003,10.0.0.6,10.0.0.5,47216,22,6,O,B,NX,,,,",
				    strlen("1663146003,10.0.0.6,10.0.0.5,47216,22,6,O,B,NX,,,,"),
				    true, &f, &why, &at),
		0);
	assert_int_equal(f.ts_ms, INT64_C(1663146003000));
	assert_int_equal(f.has_counts, 0);
	assert_int_equal(f.enc.n, 2);
	assert_int_equal(rp_flow_tuple_parse(
				 "1663146003599,2001:db8::1,fd00::5,1,443,17,I,D,X,0,0,0,0",
				 strlen("1663146003599,2001:db8::1,fd00::5,1,443,17,I,D,X,0,0,0,0"),
				 true, &f, &why, &at),
			 0);
	assert_int_equal(f.src.fam, 1);
	assert_false(f.allowed);
	assert_int_equal(f.proto, 17);
	/* errors with the field position */
	assert_int_equal(rp_flow_tuple_parse("1,1.2.3.4,5.6.7.8,1,99999,T,I,A",
					     strlen("1,1.2.3.4,5.6.7.8,1,99999,T,I,A"), false, &f,
					     &why, &at),
			 -RP_EPARSE);
	assert_int_equal(at, 20);
	assert_non_null(strstr(why, "destination port"));
	assert_int_equal(rp_flow_tuple_parse("1,1.2.3.4,5.6.7.8,1,2,X,I,A",
					     strlen("1,1.2.3.4,5.6.7.8,1,2,X,I,A"), false, &f, &why,
					     &at),
			 -RP_EPARSE);
	assert_int_equal(rp_flow_tuple_parse("1,1.2.3.4,5.6.7.8,1,2,T,I",
					     strlen("1,1.2.3.4,5.6.7.8,1,2,T,I"), false, &f, &why,
					     &at),
			 -RP_EPARSE);
	assert_int_equal(rp_flow_tuple_parse("1,1.2.3.4,5.6.7.8,1,2,T,I,A,B,1,,,",
					     strlen("1,1.2.3.4,5.6.7.8,1,2,T,I,A,B,1,,,"), false,
					     &f, &why, &at),
			 -RP_EPARSE);
	assert_int_equal(rp_flow_tuple_parse("1,1.2.3.04,5.6.7.8,1,2,T,I,A",
					     strlen("1,1.2.3.04,5.6.7.8,1,2,T,I,A"), false, &f,
					     &why, &at),
			 -RP_EPARSE);
	assert_int_equal(rp_flow_tuple_parse("1,1.2.3.4,5.6.7.8,1,2,6,I,Q,NX,0,0,0,0",
					     strlen("1,1.2.3.4,5.6.7.8,1,2,6,I,Q,NX,0,0,0,0"), true,
					     &f, &why, &at),
			 -RP_EPARSE);
}

static void test_time(void **state)
{
	int64_t ms;

	(void)state;
	assert_int_equal(rp_watch_parse_time("2018-11-13T12:00:35.3899262Z", 28, &ms), 0);
	assert_int_equal(ms, INT64_C(1542110435389));
	assert_int_equal(rp_watch_parse_time("1970-01-01T01:00:00+01:00", 25, &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(rp_watch_parse_time("2018-02-30T00:00:00Z", 20, &ms), -RP_EPARSE);
	assert_int_equal(rp_watch_parse_time("2018-11-13", 10, &ms), -RP_EPARSE);
	assert_int_equal(rp_watch_parse_time("2018-11-13T12:00:35Zx", 21, &ms), -RP_EPARSE);
}

static void test_public(void **state)
{
	static const struct {
		const char *a;
		bool pub;
	} t[] = {
		{ "10.1.2.3", false },    { "172.31.0.1", false },    { "172.32.0.1", true },
		{ "192.168.1.1", false }, { "168.63.129.16", false }, { "100.64.0.1", false },
		{ "203.0.113.5", true },  { "8.8.8.8", true },        { "fd00::1", false },
		{ "fe80::1", false },     { "2001:db8::1", true },    { "169.254.169.254", false }
	};
	size_t i;
	rp_net_addr a;
	const char *why;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(rp_net_addr_parse(t[i].a, strlen(t[i].a), &a, &why), 0);
		assert_int_equal(rp_watch_is_public(&a), t[i].pub);
	}
}

/* The same input fed in every split point gives the same result. */
static void test_split_anywhere(void **state)
{
	static const char in[] =
		"{\"records\": [{\"time\":\"2024-01-01T00:00:00Z\",\"flowLogVersion\":4,"
		"\"flowRecords\":{\"flows\":[{\"aclID\":\"a\",\"flowGroups\":[{\"rule\":\"r\","
		"\"flowTuples\":[\"1700000000000,10.0.0.1,10.0.0.2,1,22,6,I,B,NX,0,0,0,0\","
		"\"1700000000000,10.0.0.1,10.0.0.2,1,22,6,I,D,NX,0,0,0,0\"]}]}]}},\n"
		"{\"operationName\":\"X/Y/Z\",\"time\":\"2024-01-01T00:00:00Z\",\"resultType\":"
		"\"Success\",\"properties\":{\"requestbody\":\"{\\\"a\\\":\\\"]}\\\"}\"}}]}\n";
	size_t cut, n = strlen(in);

	(void)state;
	for (cut = 0; cut <= n; cut++) {
		seen s;
		rp_watch_stats st;
		rp_diag d;
		rp_watch_sink sink = { &s, on_flow, on_act, NULL };
		rp_watch_reader *r;

		memset(&s, 0, sizeof(s));
		memset(&st, 0, sizeof(st));
		rp_diag_init(&d);
		r = rp_watch_reader_new("mem", NULL, &sink, &d, &st);
		assert_int_equal(rp_watch_reader_feed(r, in, cut), 0);
		assert_int_equal(rp_watch_reader_feed(r, in + cut, n - cut), 0);
		assert_int_equal(rp_watch_reader_finish(r), 0);
		assert_int_equal(s.flows, 2);
		assert_int_equal(s.acts, 1);
		assert_true(s.body[0]);
		assert_int_equal(d.nerrors, 0);
		rp_watch_reader_free(r);
		rp_diag_release(&d);
	}
}

/* A blob grows by records inserted before "]}": only the new ones are read. */
static void test_append(void **state)
{
	char path[] = "/tmp/watch-test-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	static const char rec[] =
		"{\"time\":\"2024-01-01T00:00:00Z\",\"properties\":{\"Version\":1,\"flows\":[{"
		"\"rule\":"
		"\"r\",\"flows\":[{\"mac\":\"00\",\"flowTuples\":[\"1700000000,1.2.3.4,10.0.0.4,1,"
		"3389,T,I,A\"]}]}]}}";
	seen s;
	rp_watch_stats st;
	rp_diag d;
	rp_watch_sink sink = { &s, on_flow, on_act, NULL };
	rp_watch_reader *r;
	uint64_t from, end;

	(void)state;
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fprintf(fp, "{\"records\":[%s]}", rec);
	fclose(fp);
	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	rp_diag_init(&d);
	r = rp_watch_reader_new(path, path, &sink, &d, &st);
	assert_int_equal(rp_watch_read_file(r, path, 0, false, &end), 0);
	assert_int_equal(s.flows, 1);
	from = rp_watch_reader_resume(r);
	assert_int_equal(from, end - 2);
	/* nothing new: nothing read */
	assert_int_equal(rp_watch_read_file(r, path, from, false, &end), 0);
	assert_int_equal(s.flows, 1);
	from = rp_watch_reader_resume(r);
	/* Azure inserts ",record" blocks before the closing "]}" */
	fp = fopen(path, "w");
	fprintf(fp, "{\"records\":[%s,%s,%s]}", rec, rec, rec);
	fclose(fp);
	assert_int_equal(rp_watch_read_file(r, path, from, false, &end), 0);
	assert_int_equal(s.flows, 3);
	assert_int_equal(st.records, 3);
	assert_int_equal(d.nerrors, 0);
	rp_watch_reader_free(r);
	rp_diag_release(&d);
	unlink(path);
}

static void expect_error(const char *in, const char *msg, uint32_t line, uint32_t col)
{
	seen s;
	rp_watch_stats st;
	rp_diag d;
	rp_watch_sink sink = { &s, on_flow, on_act, NULL };
	rp_watch_reader *r;
	char path[] = "/tmp/watch-test-XXXXXX";
	int fd = mkstemp(path);
	uint32_t l, c;
	size_t i;
	bool found = false;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, in, strlen(in)), (ssize_t)strlen(in));
	close(fd);
	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	rp_diag_init(&d);
	r = rp_watch_reader_new(path, path, &sink, &d, &st);
	(void)rp_watch_read_file(r, path, 0, true, NULL);
	for (i = 0; i < d.count; i++) {
		const rp_diag_item *it = &d.items[i];
		if (!strstr(it->message, msg) || !it->src)
			continue;
		assert_int_equal(rp_source_linecol(it->src, it->start, &l, &c), 0);
		if (l == line && c == col)
			found = true;
		else
			fprintf(stderr, "%s at %u:%u\n", it->message, l, c);
	}
	if (!found)
		rp_diag_print(stderr, &d, false);
	assert_true(found);
	rp_watch_reader_free(r);
	rp_diag_release(&d);
	unlink(path);
}

static void test_errors(void **state)
{
	(void)state;
	/* bad port in the second tuple, on line 3 */
	expect_error(
		"{\"records\":[{\"properties\":{\"flows\":[{\"rule\":\"r\",\"flows\":[{\"mac\":"
		"\"m\",\"flowTuples\":[\n\"1,1.2.3.4,5.6.7.8,1,2,T,I,A\",\n"
		"\"1,1.2.3.4,5.6.7.8,1,70000,T,I,A\"]}]}]}}]}",
		"destination port", 3, 22);
	/* JSON error inside the second record */
	expect_error("{\"records\":[{\"operationName\":\"a\"},\n{\"operationName\": tru}]}", "", 2,
		     19);
	/* the doc's malformed v1 sample: a second "records" key mid-array */
	expect_error("{\"records\":[{\"operationName\":\"a\",\"time\":\"2024-01-01T00:00:00Z\"},\n"
		     "\"records\":[]}]}",
		     "expected a record", 2, 1);
	/* truncated */
	expect_error("{\"records\":[{\"operationName\":\"a\"", "expected the end", 1, 33);
}

/* rp_watch_linecol (the CLI's finding positions, read in one pass with a
 * fixed buffer) agrees with rp_source_linecol on a file with several lines,
 * multi-byte characters and a line longer than the read block; offsets in
 * any order; past the end: line 0. */
static void test_linecol(void **state)
{
	char path[] = "/tmp/test-watch-linecol-XXXXXX";
	int fd = mkstemp(path);
	rp_buf b = RP_BUF_INIT;
	rp_source *src = NULL;
	uint64_t off[8];
	uint32_t line[8], col[8], l, c;
	size_t i, n;

	(void)state;
	assert_true(fd >= 0);
	rp_buf_puts(&b, "{\"records\":[\n{\"a\":\"\xc3\xa9t\xc3\xa9\"},\n");
	for (i = 0; i < RP_WATCH_READ_BLOCK / 8 + 100; i++)
		rp_buf_puts(&b, "\xe2\x82\xac-abcd,");
	rp_buf_puts(&b, "\n\n{}]}\n");
	assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
	close(fd);
	n = 0;
	off[n++] = b.len - 3;
	off[n++] = 14;
	off[n++] = 0;
	off[n++] = RP_WATCH_READ_BLOCK + 5;
	off[n++] = 14;
	off[n++] = b.len;
	off[n++] = 20;
	off[n++] = b.len + 1;
	assert_int_equal(rp_watch_linecol(path, off, n, line, col), 0);
	assert_int_equal(rp_source_load(path, 0, &src, NULL), 0);
	for (i = 0; i + 1 < n; i++) {
		assert_int_equal(rp_source_linecol(src, (size_t)off[i], &l, &c), 0);
		assert_int_equal(line[i], l);
		assert_int_equal(col[i], c);
	}
	assert_int_equal(line[n - 1], 0); /* past the end */
	assert_true(line[3] == 3 && col[3] > 100000);
	rp_source_free(src);
	rp_buf_release(&b);
	unlink(path);
	assert_int_equal(rp_watch_linecol("/nonexistent/x", off, 1, line, col), -RP_EIO);
	/* a named pipe is not opened again (that would wait for a writer):
	 * no positions */
	assert_int_equal(mkfifo(path, 0600), 0);
	line[0] = col[0] = 7;
	assert_int_equal(rp_watch_linecol(path, off, 1, line, col), 0);
	assert_int_equal(line[0], 0);
	assert_int_equal(col[0], 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nsg_v1),  cmocka_unit_test(test_nsg_v2),
		cmocka_unit_test(test_vnet),    cmocka_unit_test(test_activity),
		cmocka_unit_test(test_tuple),   cmocka_unit_test(test_time),
		cmocka_unit_test(test_public),  cmocka_unit_test(test_split_anywhere),
		cmocka_unit_test(test_append),  cmocka_unit_test(test_errors),
		cmocka_unit_test(test_linecol),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
