/* fixture.h: TEST-ONLY literal ARM template loader (see fixture.c). */
#ifndef RP_TESTS_RULES_FIXTURE_H
#define RP_TESTS_RULES_FIXTURE_H

#include "ingest/resource.h"
#include "json/json.h"
#include "json/value.h"
#include "util/diag.h"

/* Loads a template whose resources are literal (no "[...]" in type or
 * name).  0 with *out (free with rp_deployment_free), or a negative code. */
int fixture_load_literal(const char *path, rp_deployment **out, rp_diag *diag);

#endif
