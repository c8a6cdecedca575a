/* activitylog.c: libFuzzer target for the Activity Log parser and the
 * change detections (src/watch): every input is read as a stream of
 * records (JSON Lines, {"records": [...]}, REST events), requestbody
 * strings are parsed again, and the Start/Success correlation runs.  The
 * same input fed byte by byte must give the same records, activity
 * records and findings as fed at once.  Any mismatch calls abort(). */
#include "util/diag.h"
#include "util/error.h"
#include "watch/detect.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "fuzz-activitylog: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                       \
			abort();                                                                 \
		}                                                                                \
	} while (0)

#define MAX_INPUT 16384u

static int on_finding(void *ctx, const rp_watch_finding *f)
{
	rp_buf b = RP_BUF_INIT;

	CHECK(f->rule != NULL);
	CHECK(f->status == RP_STATUS_FAIL || (f->status == RP_STATUS_UNKNOWN && f->unknown_reason));
	CHECK(rp_watch_finding_json(&b, f) == 0);
	rp_buf_release(&b);
	(*(size_t *)ctx)++;
	return 0;
}

static int run(const char *p, size_t n, size_t step, rp_watch_stats *st, size_t *findings)
{
	rp_watch_config c;
	rp_watch_det *det;
	rp_watch_reader *rd;
	rp_watch_sink sink;
	rp_diag d;
	size_t i;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	*findings = 0;
	rp_diag_init(&d);
	rp_watch_config_default(&c);
	/* small tables, as in the flowlog target: the default sizes every
	 * table for 65,536 keys, which a 16 kB input cannot fill, and
	 * allocating and clearing them dominated each run (25 exec/s) */
	c.max_keys = 64;
	det = rp_watch_det_new(&c, NULL, on_finding, findings);
	CHECK(det);
	sink = rp_watch_det_sink(det);
	rd = rp_watch_reader_new("fuzz", NULL, &sink, &d, st);
	CHECK(rd);
	for (i = 0; i < n && rc == 0; i += step)
		rc = rp_watch_reader_feed(rd, p + i, n - i < step ? n - i : step);
	if (rc == 0)
		rc = rp_watch_reader_finish(rd);
	CHECK(rc != -RP_ENOMEM);
	CHECK(rp_watch_det_finish(det) == 0);
	rp_watch_reader_free(rd);
	rp_watch_det_free(det);
	rp_diag_release(&d);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_watch_stats a, b;
	size_t fa, fb;
	int ra, rb;

	if (size > MAX_INPUT || size == 0)
		return 0;
	ra = run((const char *)data, size, size, &a, &fa);
	rb = run((const char *)data, size, 1, &b, &fb);
	CHECK((ra == 0) == (rb == 0));
	if (ra == 0) {
		CHECK(a.records == b.records);
		CHECK(a.activities == b.activities);
		CHECK(a.tuples == b.tuples);
		CHECK(fa == fb);
	}
	return 0;
}
