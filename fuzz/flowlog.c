/* flowlog.c: libFuzzer target for the flow-log parsers (src/watch).
 *
 * For every input:
 *  1. the tuple parser on the whole input, as an NSG and as a VNet tuple:
 *     a success must give ports <= 65535, a known direction and state, and
 *     counters only with 13 fields;
 *  2. the streaming reader on the whole input, and again fed in two pieces
 *     split at a point taken from the input: records, tuples, activity
 *     records, rejects and findings must be the same (the split must not
 *     change what is read), the detectors run with small tables.
 * Any mismatch calls abort().
 */
#include "util/diag.h"
#include "util/error.h"
#include "watch/detect.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz-flowlog: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                   \
			abort();                                                             \
		}                                                                            \
	} while (0)

#define MAX_INPUT 65536u

static int count_finding(void *ctx, const rp_watch_finding *f)
{
	rp_buf b = RP_BUF_INIT;

	CHECK(rp_watch_finding_json(&b, f) == 0);
	rp_buf_release(&b);
	(*(size_t *)ctx)++;
	return 0;
}

typedef struct result {
	rp_watch_stats st;
	size_t findings;
	int rc;
} result;

static void run(const char *p, size_t n, size_t cut, result *r)
{
	rp_watch_config c;
	rp_watch_det *det;
	rp_watch_reader *rd;
	rp_watch_sink sink;
	rp_diag d;

	memset(r, 0, sizeof(*r));
	rp_diag_init(&d);
	rp_watch_config_default(&c);
	c.max_keys = 64;
	c.peer_learn_s = 60;
	c.spike_warmup = 2;
	c.spike_floor = 1;
	det = rp_watch_det_new(&c, NULL, count_finding, &r->findings);
	CHECK(det);
	sink = rp_watch_det_sink(det);
	rd = rp_watch_reader_new("fuzz", NULL, &sink, &d, &r->st);
	CHECK(rd);
	r->rc = rp_watch_reader_feed(rd, p, cut);
	if (r->rc == 0)
		r->rc = rp_watch_reader_feed(rd, p + cut, n - cut);
	if (r->rc == 0)
		r->rc = rp_watch_reader_finish(rd);
	CHECK(r->rc != -RP_ENOMEM);
	CHECK(rp_watch_det_finish(det) == 0);
	rp_watch_reader_free(rd);
	rp_watch_det_free(det);
	rp_diag_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	rp_flow f;
	const char *why;
	size_t at, cut;
	int vnet;
	result a, b;

	if (size > MAX_INPUT)
		return 0;
	for (vnet = 0; vnet < 2; vnet++) {
		memset(&f, 0, sizeof(f));
		if (rp_flow_tuple_parse(p, size, vnet != 0, &f, &why, &at) == 0) {
			CHECK(f.sport <= 65535 && f.dport <= 65535);
			CHECK(f.dir == RP_FLOW_IN || f.dir == RP_FLOW_OUT);
			CHECK(f.state == 0 || strchr("BCED", f.state));
			CHECK(f.format == (vnet ? RP_FLOW_VNET : f.format));
			CHECK(!f.has_counts || f.format != RP_FLOW_NSG_V1);
			CHECK(f.ts_ms >= 0);
		} else {
			CHECK(why != NULL);
			CHECK(at <= size);
		}
	}
	cut = size ? (size_t)data[0] * 257u % (size + 1) : 0;
	run(p, size, size, &a);
	run(p, size, cut, &b);
	CHECK((a.rc == 0) == (b.rc == 0));
	if (a.rc == 0) {
		CHECK(a.st.records == b.st.records);
		CHECK(a.st.tuples == b.st.tuples);
		CHECK(a.st.activities == b.st.activities);
		CHECK(a.st.bad_tuples == b.st.bad_tuples);
		CHECK(a.findings == b.findings);
	}
	return 0;
}
