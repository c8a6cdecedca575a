/* rmp_data_002.c: RMP-DATA-002 managed disks with platform-managed keys
 * only (no disk encryption set; azure-facts 4.1). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

static int check_spec(rp_rule_ctx *ctx, const rp_mobj *vm, const rp_mobj *d)
{
	const rp_mlink *des = rp_mobj_link(d, RP_LINK_DES);
	const rp_mlink *att = rp_mobj_link(d, RP_LINK_DISK);

	if (rp_value_getz(d->body, "vhd") || rp_value_getz(d->body, "vhdContainers"))
		return rp_rule_report(ctx, vm, RP_STATUS_NOT_APPLICABLE, d->body, d->path, NULL,
				      "unmanaged disk (see RMP-DATA-003)");
	if (des && des->state == RP_LINK_UNKNOWN)
		return rp_rule_report(ctx, vm, RP_STATUS_UNKNOWN, des->ref, des->path, des->why,
				      "disk encryption set of %s cannot be known",
				      d->name ? d->name : d->path);
	if (des)
		return rp_rule_report(
			ctx, vm, RP_STATUS_PASS, des->ref, des->path, NULL,
			"%s is encrypted with customer-managed keys (disk encryption set %s)",
			d->name ? d->name : d->path,
			des->target && des->target->name ? des->target->name
							 : (des->text ? des->text : "?"));
	if (att && att->state == RP_LINK_RESOLVED)
		return rp_rule_report(
			ctx, vm, RP_STATUS_NOT_APPLICABLE, att->ref, att->path, NULL,
			"attached disk %s is checked as a Microsoft.Compute/disks resource",
			att->target->name ? att->target->name : "?");
	if (att)
		return rp_rule_report(ctx, vm, RP_STATUS_UNKNOWN, att->ref, att->path,
				      att->state == RP_LINK_UNKNOWN
					      ? att->why
					      : "the attached disk is not in the scanned input",
				      "encryption of the attached disk cannot be known");
	return rp_rule_report(
		ctx, vm, RP_STATUS_FAIL, d->body, d->path, NULL,
		"%s uses platform-managed keys only: no managedDisk.diskEncryptionSet",
		d->name ? d->name : d->path);
}

static bool is_cmk_type(const char *s)
{
	return s && (!strcmp(s, "EncryptionAtRestWithCustomerKey") ||
		     !strcmp(s, "EncryptionAtRestWithPlatformAndCustomerKeys"));
}

RP_CHECK(rp_check_data_002)
{
	size_t it = 0, n = 0;
	const rp_mlink *l;
	rp_prop sp;
	int rc;

	if (obj->kind == RP_MK_DISK) {
		rp_prop t, des;
		rp_prop_get(obj, "properties.encryption.diskEncryptionSetId", &des);
		rp_prop_get(obj, "properties.encryption.type", &t);
		if (des.unknown || t.unknown)
			return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, des.unknown ? &des : &t,
					      "disk encryption cannot be known");
		if (des.v || is_cmk_type(rp_prop_str(&t)))
			return rp_report_prop(ctx, obj, RP_STATUS_PASS, des.v ? &des : &t,
					      "disk is encrypted with customer-managed keys");
		return rp_report_prop(
			ctx, obj, RP_STATUS_FAIL, &t,
			"disk uses platform-managed keys only: encryption.type is %s%s",
			rp_prop_str(&t) ? rp_prop_str(&t) : "not a string",
			rp_prop_default_note(ctx, &t));
	}
	rp_prop_get(obj, rp_vm_path(ctx, obj, "storageProfile"), &sp);
	if (sp.unknown)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &sp,
				      "storage profile cannot be known");
	while ((l = rp_mobj_next_link(obj, RP_LINK_DISK, &it)) != NULL) {
		if (l->state != RP_LINK_RESOLVED)
			continue;
		if ((rc = check_spec(ctx, obj, l->target)) < 0)
			return rc;
		if (l->target->type && rp_str_has_suffix(l->target->type, "/osDisk"))
			n++;
	}
	if (n == 0 && !rp_value_getz(sp.v, "osDisk") && rp_value_getz(sp.v, "imageReference"))
		return rp_report_prop(ctx, obj, RP_STATUS_FAIL, &sp,
				      "the OS disk created from the image uses platform-managed "
				      "keys only (no osDisk.managedDisk.diskEncryptionSet)");
	return 0;
}
