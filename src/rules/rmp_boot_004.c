/* rmp_boot_004.c: RMP-BOOT-004 no boot integrity monitoring: a Trusted
 * Launch / Confidential VM without the Guest Attestation extension
 * (azure-facts 1.3). */
#include "rules/check.h"
#include "rules/checks.h"

#define MAX_EXT 256

int rp_check_extension(rp_rule_ctx *ctx, const rp_mobj *vm, const char *const *pubs,
		       const char *const *types, bool forbidden, const char *present,
		       const char *absent)
{
	const rp_mobj *ext[MAX_EXT];
	size_t n = rp_model_extensions(vm, ext, MAX_EXT), i, k;
	const char *why = NULL;
	const rp_mobj *unk = NULL;
	size_t nall = 0;
	rp_mobj *const *all = rp_model_objects(rp_rule_model(ctx), RP_MK_EXTENSION, &nall);

	if (n > MAX_EXT)
		n = MAX_EXT;
	for (i = 0; i < n; i++) {
		const char *w;
		for (k = 0; pubs[k]; k++)
			if (rp_ext_is(ext[i], pubs[k], types[k]))
				return rp_rule_report(ctx, vm,
						      forbidden ? RP_STATUS_FAIL : RP_STATUS_PASS,
						      ext[i]->body, "", NULL, "%s: extension '%s'",
						      present, ext[i]->name ? ext[i]->name : "?");
		if (!unk && rp_ext_unknown(ext[i], &w)) {
			unk = ext[i];
			why = w;
		}
	}
	/* Extensions whose parent cannot be known may belong to this VM: they
	 * matter only if they match or cannot be classified themselves. */
	for (i = 0; i < nall && !unk && !why; i++) {
		const rp_mlink *l = rp_mobj_link(all[i], RP_LINK_PARENT);
		const char *w;
		bool relevant = rp_ext_unknown(all[i], &w);
		for (k = 0; !relevant && pubs[k]; k++)
			relevant = rp_ext_is(all[i], pubs[k], types[k]);
		if (relevant && l && l->state == RP_LINK_UNKNOWN)
			why = rp_rule_printf(ctx,
					     "extension '%s' may belong to this VM, but its VM "
					     "cannot be known: %s",
					     rp_model_ext_type(all[i]) ? rp_model_ext_type(all[i])
								       : "?",
					     l->why);
	}
	if (unk || why)
		return rp_rule_report(ctx, vm, RP_STATUS_UNKNOWN, unk ? unk->body : NULL, "", why,
				      "an extension of this VM cannot be classified");
	return rp_rule_report(ctx, vm, forbidden ? RP_STATUS_PASS : RP_STATUS_FAIL, NULL, "", NULL,
			      "%s", absent);
}

RP_CHECK(rp_check_boot_004)
{
	static const char *const pubs[] = { "Microsoft.Azure.Security.WindowsAttestation",
					    "Microsoft.Azure.Security.LinuxAttestation", NULL };
	static const char *const types[] = { "GuestAttestation", "GuestAttestation", NULL };
	rp_prop p;
	bool assumed;
	const char *why, *st = rp_vm_security_type(ctx, obj, &p, &assumed, &why);

	if (!st)
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, p.anchor, p.path, why,
				      "security type cannot be known");
	if (st[0] == 'S')
		return rp_report_prop(
			ctx, obj, RP_STATUS_NOT_APPLICABLE, &p,
			"boot integrity monitoring needs Secure Boot and vTPM (see RMP-BOOT-001)");
	return rp_check_extension(
		ctx, obj, pubs, types, false, "boot integrity monitoring is installed",
		"no boot integrity monitoring: the Guest Attestation extension (publisher "
		"Microsoft.Azure.Security.WindowsAttestation / LinuxAttestation, type "
		"GuestAttestation) is not deployed; it must be configured explicitly");
}
