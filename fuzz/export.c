/* export.c: libFuzzer target for the live export ingester
 * (src/ingest/export).
 *
 * For every input: load it as an export; on success check every resource
 * (type, name, ID and body present, body an object with the ARM envelope
 * keys it was given, every span inside the input, origin EXPORT, no two
 * resources with the same known ID).  Any violation calls abort().
 */
#include "ingest_check.h"
#include "ingest/export/export.h"
#include "ingest/resource.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_source *src = NULL;
	rp_deployment *dep;
	rp_diag diag;
	int rc;

	if (size > ((size_t)1 << 20))
		return 0;
	rp_diag_init(&diag);
	if (rp_source_from_memory("fuzz.json", data, size, &src) < 0)
		abort();
	dep = rp_deployment_new();
	if (!dep)
		abort();
	rc = rp_export_load(src, dep, &diag);
	FUZZ_CHECK(rc == 0 || diag.nerrors > 0);
	if (rc == 0 && dep->nresources < 2000)
		fuzz_check_resources(dep, size, RP_ORIGIN_EXPORT, true);
	rp_diag_release(&diag);
	rp_deployment_free(dep);
	return 0;
}
