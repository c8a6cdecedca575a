/* fuzz/eventlog.c: libFuzzer target for the TCG event log parser, the
 * payload decoders (UEFI variables, signature lists, image load events,
 * device paths), the digest self-check, the replay and policy generation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "attest/eventlog.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_source *src = NULL;
	rp_evlog *log = NULL;
	rp_replay *rep = NULL;
	rp_arena *a = NULL;
	rp_diag d;
	size_t i;

	rp_diag_init(&d);
	if (rp_source_from_memory("fuzz", data, size, &src) < 0)
		goto out;
	if (rp_evlog_parse(src, &log, &d) < 0)
		goto out;
	rp_evlog_check_digests(log, &d);
	a = rp_arena_new();
	rep = calloc(1, sizeof(*rep));
	if (!a || !rep)
		goto out;
	{
		rp_replay_opts o = { true };
		uint32_t seq;
		const char *why;
		rp_buf b = RP_BUF_INIT;
		if (rp_evlog_replay(log, &o, rep, &d) == 0 &&
		    rp_policy_generate(log, rep, &b) == 0) {
			rp_source *ps = NULL;
			rp_policy *pol = NULL;
			if (b.data && rp_source_from_memory("policy", b.data, b.len, &ps) == 0 &&
			    rp_policy_parse(ps, &pol, &d) == 0) {
				rp_attest_input in;
				rp_verdict v;
				memset(&in, 0, sizeof(in));
				in.log = log;
				in.replay = rep;
				in.policy = pol;
				rp_verdict_init(&v);
				rp_attest_evaluate(&in, &v);
				rp_verdict_release(&v);
			}
			rp_policy_free(pol);
			rp_source_free(ps);
		}
		rp_buf_release(&b);
		rp_evlog_secure_boot(log, &seq, &why);
	}
	for (i = 0; i < log->nevents; i++) {
		const rp_evlog_event *ev = &log->events[i];
		rp_uefi_var v;
		rp_uefi_image im;
		const char *s;
		size_t n;
		if (rp_uefi_var_parse(ev, &v) == 0) {
			rp_efi_sig_iter it;
			rp_efi_sig sig;
			uint8_t id[32];
			rp_uefi_var_name(a, &v);
			rp_efi_sig_iter_init(&it, v.data, v.data_len);
			while (rp_efi_sig_iter_next(&it, &sig) == 1)
				rp_efi_sig_id(&sig, id);
		}
		if (rp_uefi_image_parse(ev, &im) == 0) {
			rp_buf b = RP_BUF_INIT;
			rp_efi_devpath_format(&b, im.path, im.path_len);
			rp_efi_devpath_is_fv(im.path, im.path_len);
			rp_buf_release(&b);
		}
		rp_evlog_event_text(ev, &s, &n);
	}
out:
	free(rep);
	rp_arena_free(a);
	rp_evlog_free(log);
	rp_source_free(src);
	rp_diag_release(&d);
	return 0;
}
