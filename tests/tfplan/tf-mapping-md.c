/* tf-mapping-md.c: prints the Terraform -> ARM mapping tables
 * (src/ingest/tfplan/tftables.c) as the Markdown section of
 * docs/terraform.md, so the document is generated from the code.  With
 * --check FILE it instead verifies that FILE contains exactly this text
 * between the "<!-- mapping:begin -->" and "<!-- mapping:end -->" markers
 * and prints "1 passed, 0 failed" (or the first differing line). */
#include "ingest/tfplan/tf_int.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *conv_note(tf_conv c, const char *aux)
{
	static char buf[256];

	switch (c) {
	case TC_COPY: return "";
	case TC_ID:
		snprintf(buf, sizeof(buf), "reference: ARM ID%s%s", aux ? " of " : "",
			 aux ? aux : "");
		return buf;
	case TC_ID_LIST:
		snprintf(buf, sizeof(buf), "references: `[{id}]`%s%s", aux ? " of " : "",
			 aux ? aux : "");
		return buf;
	case TC_TRUE_ONLY: return "sent only when true";
	case TC_ENABLED: return "true/false -> `Enabled`/`Disabled`";
	case TC_NOT: return "negated";
	case TC_JOIN: return "list joined with `, `";
	case TC_JSON: return "JSON string decoded";
	case TC_PRESENT: return "block present -> true";
	case TC_ZONE: return "string -> one-element array";
	case TC_IDENTITY: return "`{type, userAssignedIdentities}`";
	case TC_SSH_KEYS: return "`[{keyData, path: /home/<username>/.ssh/authorized_keys}]`";
	case TC_CONST: snprintf(buf, sizeof(buf), "constant `%s`", aux); return buf;
	case TC_VALUE_LIST: return "`[{value, action: Allow}]`";
	case TC_VNET_RULES: return "references: `[{id, action: Allow}]`";
	case TC_SERVICE_LIST: return "`[{service}]`";
	case TC_SINGLE: return "when exactly one element";
	case TC_SECTYPE:
		return "`TrustedLaunch` if either is true; `ConfidentialVM` if "
		       "os_disk.security_encryption_type is set";
	case TC_SKU2: snprintf(buf, sizeof(buf), "`<account_tier>_<%s>`", aux); return buf;
	case TC_CHILD_ID:
		snprintf(buf, sizeof(buf), "name -> `<parent ID>/%s/<name>`", aux);
		return buf;
	case TC_INT: return "integer";
	case TC_LOWER: return "lower-cased";
	case TC_CAPITAL: return "first letter capitalised";
	case TC_TRUE_CONST: return "true";
	case TC_SECRET: return "flagged secret";
	default: return "";
	}
}

static void join(char *dst, size_t cap, const char *a, const char *b, const char *sep)
{
	if (a && *a && b && *b)
		snprintf(dst, cap, "%s%s%s", a, sep, b);
	else
		snprintf(dst, cap, "%s", a && *a ? a : b ? b : "");
}

static void walk(rp_buf *out, const tf_attr *t, const char *tfbase, const char *armbase, int depth)
{
	const tf_attr *m;

	if (depth > 12)
		return;
	for (m = t; m->tf || m->arm; m++) {
		char tfp[512], armp[512];
		join(tfp, sizeof(tfp), tfbase, m->tf, ".");
		if (m->conv == TC_BLOCKS)
			snprintf(armp, sizeof(armp), "%s%s%s[]", armbase, *armbase ? "." : "",
				 m->arm);
		else
			join(armp, sizeof(armp), armbase, m->arm, ".");
		if (m->conv == TC_GROUP) {
			walk(out, m->sub, tfbase, armp, depth + 1);
			continue;
		}
		if (m->conv == TC_BLOCK || m->conv == TC_BLOCKS) {
			char tfb[520];
			snprintf(tfb, sizeof(tfb), "%s%s", tfp, m->conv == TC_BLOCKS ? "[]" : "");
			walk(out, m->sub, tfb, armp, depth + 1);
			continue;
		}
		{
			/* a '|' inside a table cell must be escaped */
			char esc[1100];
			size_t i, j = 0;
			for (i = 0; tfp[i] && j + 3 < sizeof(esc); i++) {
				if (tfp[i] == '|')
					esc[j++] = '\\';
				esc[j++] = tfp[i];
			}
			esc[j] = '\0';
			rp_buf_printf(out, "| `%s` | `%s` | %s |\n", *esc ? esc : "-", armp,
				      conv_note(m->conv, m->aux));
		}
	}
}

static void generate(rp_buf *out)
{
	size_t i;
	const tf_type *t;

	for (i = 0; (t = rp_tf_type_at(i)) != NULL; i++) {
		if (t->kind == TK_IGNORE)
			continue;
		rp_buf_printf(out, "\n### %s\n\n", t->tf_type);
		if (t->kind == TK_ASSOC) {
			rp_buf_printf(out,
				      "Association: sets `%s%s` = `{id: <%s>}` on the %s named by "
				      "`%s`%s%s%s.\n",
				      t->assoc_op == TA_APPEND ? "ipConfigurations[].properties."
							       : "",
				      t->assoc_path, t->assoc_value, t->assoc_target_type,
				      t->assoc_target, t->assoc_op == TA_APPEND ? " (appended" : "",
				      t->assoc_ipconfig ? ", to the ipConfiguration named by "
							  "`ip_configuration_name`"
							: "",
				      t->assoc_op == TA_APPEND ? ")" : "");
			continue;
		}
		if (t->kind == TK_MERGE)
			rp_buf_printf(
				out,
				"Merged into the %s named by `%s`: %s `%s%s` (ARM type %s).\n\n",
				t->parent_type, t->parent_attr,
				t->merge_object ? "object" : "an element of", t->merge_path,
				t->merge_object ? "" : "[]", t->arm_type);
		else
			rp_buf_printf(
				out,
				"ARM type `%s`, apiVersion `%s`; name from `%s%s%s`%s%s%s.\n\n",
				t->arm_type, t->api_version, t->name_attrs[0],
				t->name_attrs[1] ? "` / `" : "",
				t->name_attrs[1] ? t->name_attrs[1] : "",
				t->scope_attr ? "; scope: `" : "",
				t->scope_attr ? t->scope_attr : "", t->scope_attr ? "`" : "");
		rp_buf_puts(out,
			    "| Terraform attribute | ARM property | conversion |\n|---|---|---|\n");
		walk(out, t->attrs, "", "", 0);
	}
}

int main(int argc, char **argv)
{
	rp_buf out = RP_BUF_INIT;

	rp_buf_puts(&out, "<!-- mapping:begin (generated by tests/tfplan/tf-mapping-md.c; do not "
			  "edit) -->\n");
	generate(&out);
	rp_buf_puts(&out, "<!-- mapping:end -->\n");
	if (argc > 2 && strcmp(argv[1], "--check") == 0) {
		FILE *fp = fopen(argv[2], "rb");
		static char doc[1 << 20];
		size_t n;
		const char *b, *e;
		int ok;
		if (!fp) {
			printf("cannot read %s\n0 passed, 1 failed\n", argv[2]);
			return 1;
		}
		n = fread(doc, 1, sizeof(doc) - 1, fp);
		fclose(fp);
		doc[n] = '\0';
		b = strstr(doc, "<!-- mapping:begin");
		e = b ? strstr(b, "<!-- mapping:end -->\n") : NULL;
		ok = b && e && (size_t)(e + strlen("<!-- mapping:end -->\n") - b) == out.len &&
		     memcmp(b, out.data, out.len) == 0;
		if (!ok)
			printf("%s: the mapping section differs from the tables; regenerate it "
			       "with tf-mapping-md\n",
			       argv[2]);
		printf("%d passed, %d failed\n", ok, !ok);
		rp_buf_release(&out);
		return ok ? 0 : 1;
	}
	fwrite(out.data, 1, out.len, stdout);
	rp_buf_release(&out);
	return 0;
}
