/* fuzz/policy.c: libFuzzer target for the boot policy parser
 * (rp_policy_parse: strict JSON through rp_json, hex digests, PCR indexes,
 * event type names, unknown keys as errors) and the evaluation of a parsed
 * policy on an input without a log or quote (the checks that must then be
 * unknown or failing, never crash).  Seeds in fuzz/corpus/policy: the
 * policies of tests/attest (test-attest.c, cli.sh) and the policies that
 * `rampart attest --init-policy` writes for the fixture logs, as cli.sh and
 * swtpm.sh use them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "util/diag.h"
#include "util/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_source *src = NULL;
	rp_policy *pol = NULL;
	rp_diag d;

	rp_diag_init(&d);
	if (rp_source_from_memory("policy.json", data, size, &src) < 0)
		goto out;
	if (rp_policy_parse(src, &pol, &d) == 0) {
		rp_attest_input in;
		rp_verdict v;
		if (!pol)
			abort(); /* success must give a policy */
		memset(&in, 0, sizeof(in));
		in.policy = pol;
		rp_verdict_init(&v);
		rp_policy_evaluate(&in, &v);
		rp_verdict_release(&v);
	} else if (pol || d.nerrors == 0) {
		abort(); /* a rejected policy leaves nothing and says why */
	}
out:
	rp_policy_free(pol);
	rp_source_free(src);
	rp_diag_release(&d);
	return 0;
}
