/* check.h: helpers for rule checks (internal to src/rules).
 *
 * rp_prop_get() reads a property of an object's body by dotted path
 * ("properties.securityProfile.securityType"; "[n]" is not supported: use
 * the value API for arrays), stopping at an UNKNOWN container, and falls
 * back to Azure's default from the defaults table.  Checks then report
 * with the prop's anchor (the value itself, else the deepest container
 * present) so the finding points as close to the property as possible.
 */
#ifndef RP_RULES_CHECK_H
#define RP_RULES_CHECK_H

#include <stdbool.h>

#include "model/model.h"
#include "rules/defaults.h"
#include "rules/rule.h"

typedef struct rp_prop {
	const rp_value
		*v; /* explicit value or the default's value; NULL when absent without default */
	const rp_value *anchor; /* v when explicit, else the deepest container on the path */
	const char *path;
	const rp_default *def; /* set when v is Azure's default */
	const char *unknown;   /* reason when the value or a container on the path is UNKNOWN */
	bool api_unknown;      /* absent, and the default depends on an absent API version */
} rp_prop;

void rp_prop_get(const rp_mobj *o, const char *path, rp_prop *out);

/* "properties." for a VM, "properties.virtualMachineProfile." for a scale
 * set, prefixed to rel; arena-allocated in the findings (static buffer of
 * the context). */
const char *rp_vm_path(rp_rule_ctx *ctx, const rp_mobj *vm, const char *rel);

/* Three-valued reading of a prop as bool / string. */
typedef enum rp_tri {
	RP_TRI_FALSE = 0,
	RP_TRI_TRUE = 1,
	RP_TRI_UNKNOWN = 2, /* p->unknown or api_unknown */
	RP_TRI_ABSENT = 3,  /* absent, no default */
	RP_TRI_BAD = 4,     /* present with another type */
} rp_tri;
rp_tri rp_prop_bool(const rp_prop *p);
/* String value or NULL (absent, unknown, not a string). */
const char *rp_prop_str(const rp_prop *p);

/* Reason text for an UNKNOWN prop ("depends on ..."), never NULL. */
const char *rp_prop_why(const rp_prop *p);
/* " (Azure default: NOTE)" or "" */
const char *rp_prop_default_note(rp_rule_ctx *ctx, const rp_prop *p);

/* Reports with the prop's anchor and path. */
int rp_report_prop(rp_rule_ctx *ctx, const rp_mobj *o, rp_status st, const rp_prop *p,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* printf into the findings arena (messages built in pieces). */
const char *rp_rule_printf(rp_rule_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Extension classification (azure-facts 5.2, 4.2, 1.3). */
bool rp_ext_is(const rp_mobj *ext, const char *publisher, const char *type);
/* true when the extension's publisher or type is UNKNOWN; *why set. */
bool rp_ext_unknown(const rp_mobj *ext, const char **why);

/* securityType of a VM/VMSS after defaults: "TrustedLaunch",
 * "ConfidentialVM", "Standard", or NULL with *why when unknown.
 * *assumed_tl set when only the TLaD preview option makes it Trusted Launch. */
const char *rp_vm_security_type(rp_rule_ctx *ctx, const rp_mobj *vm, rp_prop *p, bool *assumed_tl,
				const char **why);

/* Trusted Launch capability (BOOT-001 option, BOOT-005). */
typedef enum rp_capability {
	RP_CAP_YES = 0,
	RP_CAP_NO = 1,
	RP_CAP_UNKNOWN = 2,
} rp_capability;
/* Image generation from imageReference: YES = Gen2, NO = Gen1. *detail
 * explains (arena string). */
rp_capability rp_vm_image_gen2(rp_rule_ctx *ctx, const rp_mobj *vm, const char **detail,
			       const rp_value **at);
/* VM size supports Trusted Launch (azure-facts 1.6). */
rp_capability rp_vm_size_tl(rp_rule_ctx *ctx, const rp_mobj *vm, const char **detail,
			    const rp_value **at);

/* Checks that the bool at path (with defaults) equals secure: PASS with
 * secure_text, FAIL with insecure_text, UNKNOWN when it cannot be known. */
int rp_check_bool_prop(rp_rule_ctx *ctx, const rp_mobj *o, const char *path, bool secure,
		       const char *insecure_text, const char *secure_text);

#endif
