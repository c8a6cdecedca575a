/* functions_format.c: format() - .NET composite formatting as ARM applies
 * it (template-functions-string#format): "{index[,alignment][:format]}",
 * "{{" and "}}" for literal braces.  Numeric format strings supported (the
 * invariant culture): N/n, D/d, X/x, F/f, G/g, P/p with an optional
 * precision; other format strings are an RP_EUNSUPPORTED diagnostic rather
 * than a guess.  Arguments: strings as they are, integers and floats,
 * booleans "True"/"False", null as "".  Arrays and objects (rendered by
 * .NET as indented JSON) yield UNKNOWN.
 */
#include "ingest/arm/expr_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int group_digits(rp_buf *b, const char *digits, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			rc = rp_buf_putc(b, ',');
		if (!rc)
			rc = rp_buf_putc(b, digits[i]);
	}
	return rc;
}

/* Fixed-point text of |v| with prec decimals, optionally grouped. */
static int fixed(rp_buf *b, double v, int prec, bool grouped)
{
	char tmp[400];
	char *dot;
	int n = snprintf(tmp, sizeof(tmp), "%.*f", prec, fabs(v));
	int rc;

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -RP_ERANGE;
	dot = strchr(tmp, '.');
	if (!grouped)
		return rp_buf_puts(b, tmp);
	rc = group_digits(b, tmp, dot ? (size_t)(dot - tmp) : strlen(tmp));
	if (!rc && dot)
		rc = rp_buf_puts(b, dot);
	return rc;
}

static bool is_zero_text(const char *s)
{
	for (; *s; s++)
		if (*s >= '1' && *s <= '9')
			return false;
	return true;
}

/* Formats one numeric argument. 0, -RP_EUNSUPPORTED, -RP_ENOMEM. */
static int format_number(rp_buf *b, const rp_value *v, const char *f, size_t fn)
{
	char spec;
	int prec = -1, rc = 0;
	size_t i;
	bool isint = v->kind == RP_V_INT;
	double d = isint ? (double)v->u.i : v->u.f;
	rp_buf t = RP_BUF_INIT;

	if (fn == 0)
		return rp_arm_stringify(b, v);
	spec = f[0];
	if (fn > 1) {
		if (fn > 3)
			return -RP_EUNSUPPORTED;
		prec = 0;
		for (i = 1; i < fn; i++) {
			if (f[i] < '0' || f[i] > '9')
				return -RP_EUNSUPPORTED;
			prec = prec * 10 + (f[i] - '0');
		}
	}
	switch (spec) {
	case 'N':
	case 'n':
	case 'F':
	case 'f':
		rc = fixed(&t, d, prec < 0 ? 2 : prec, spec == 'N' || spec == 'n');
		if (!rc && (isint ? v->u.i < 0 : d < 0) && !is_zero_text(t.data))
			rc = rp_buf_putc(b, '-');
		if (!rc)
			rc = rp_buf_append(b, t.data, t.len);
		break;
	case 'P':
	case 'p':
		rc = fixed(&t, d * 100, prec < 0 ? 2 : prec, true);
		if (!rc && d < 0 && !is_zero_text(t.data))
			rc = rp_buf_putc(b, '-');
		if (!rc)
			rc = rp_buf_append(b, t.data, t.len);
		if (!rc)
			rc = rp_buf_puts(b, " %");
		break;
	case 'D':
	case 'd':
		if (!isint) {
			rc = -RP_EUNSUPPORTED;
			break;
		}
		{
			char tmp[32];
			uint64_t mag =
				v->u.i < 0 ? (uint64_t)0 - (uint64_t)v->u.i : (uint64_t)v->u.i;
			snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)mag);
			if (v->u.i < 0)
				rc = rp_buf_putc(b, '-');
			for (i = strlen(tmp); !rc && (int)i < prec; i++)
				rc = rp_buf_putc(b, '0');
			if (!rc)
				rc = rp_buf_puts(b, tmp);
		}
		break;
	case 'X':
	case 'x':
		if (!isint) {
			rc = -RP_EUNSUPPORTED;
			break;
		}
		{
			char tmp[32];
			snprintf(tmp, sizeof(tmp), spec == 'X' ? "%llX" : "%llx",
				 (unsigned long long)(uint64_t)v->u.i);
			for (i = strlen(tmp); !rc && (int)i < prec; i++)
				rc = rp_buf_putc(b, '0');
			if (!rc)
				rc = rp_buf_puts(b, tmp);
		}
		break;
	case 'G':
	case 'g':
		if (prec > 0)
			rc = -RP_EUNSUPPORTED;
		else
			rc = rp_arm_stringify(b, v);
		break;
	default: rc = -RP_EUNSUPPORTED; break;
	}
	rp_buf_release(&t);
	return rc;
}

RP_ARM_FN(format)
{
	const char *f;
	size_t fn, i = 0;
	rp_buf b = RP_BUF_INIT;
	int rc = rp_arm_arg_str(c, 0, &f, &fn);

	if (rc)
		return rc;
	rc = rp_buf_append(&b, "", 0);
	while (!rc && i < fn) {
		char ch = f[i];
		if (ch == '{' && i + 1 < fn && f[i + 1] == '{') {
			rc = rp_buf_putc(&b, '{');
			i += 2;
		} else if (ch == '}' && i + 1 < fn && f[i + 1] == '}') {
			rc = rp_buf_putc(&b, '}');
			i += 2;
		} else if (ch == '}') {
			rc = -RP_EPARSE;
		} else if (ch == '{') {
			size_t idx = 0, j = i + 1, nd = 0, fs = 0, fl = 0, width, start, have;
			long align = 0;
			bool neg = false;
			const rp_value *v;
			while (j < fn && f[j] >= '0' && f[j] <= '9' && nd < 6) {
				idx = idx * 10 + (size_t)(f[j] - '0');
				j++;
				nd++;
			}
			while (j < fn && f[j] == ' ')
				j++;
			if (nd == 0 || j >= fn) {
				rc = -RP_EPARSE;
				break;
			}
			if (f[j] == ',') {
				size_t na = 0;
				j++;
				while (j < fn && f[j] == ' ')
					j++;
				if (j < fn && f[j] == '-')
					neg = true, j++;
				while (j < fn && f[j] >= '0' && f[j] <= '9' && na < 6) {
					align = align * 10 + (f[j] - '0');
					j++;
					na++;
				}
				while (j < fn && f[j] == ' ')
					j++;
				if (na == 0) {
					rc = -RP_EPARSE;
					break;
				}
			}
			if (j < fn && f[j] == ':') {
				fs = ++j;
				while (j < fn && f[j] != '}')
					j++;
				fl = j - fs;
			}
			if (j >= fn || f[j] != '}') {
				rc = -RP_EPARSE;
				break;
			}
			if (idx + 1 >= c->nargs) {
				rp_buf_release(&b);
				return rp_arm_fail(
					c, rp_arm_arg_span(c, 0), RP_EINVAL,
					"the format refers to argument {%zu} but only %zu "
					"argument%s given",
					idx, c->nargs - 1, c->nargs == 2 ? " was" : "s were");
			}
			v = c->args[idx + 1];
			start = b.len;
			if (v->kind == RP_V_ARRAY || v->kind == RP_V_OBJECT) {
				rp_buf_release(&b);
				return rp_arm_ret_unknown(
					c, out,
					"format() of an array or object (rendered "
					"as indented JSON by ARM) is not modelled");
			}
			if (v->kind == RP_V_INT || v->kind == RP_V_FLOAT)
				rc = format_number(&b, v, f + fs, fl);
			else
				rc = rp_arm_stringify(&b, v);
			if (rc == -RP_EUNSUPPORTED) {
				rp_buf_release(&b);
				return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EUNSUPPORTED,
						   "format string '%.*s' is not supported",
						   (int)(fl > 20 ? 20 : fl), f + fs);
			}
			width = (size_t)align;
			have = rp_arm_u16_len(b.data + start, b.len - start);
			if (!rc && width > have) {
				size_t pad = width - have, k;
				if (width > 10000) {
					rc = -RP_ELIMIT;
					break;
				}
				for (k = 0; !rc && k < pad; k++)
					rc = rp_buf_putc(&b, ' ');
				if (!rc && !neg) {
					/* right-align: rotate the padding to the front */
					size_t len = b.len - start;
					char *tmp = rp_arena_alloc(c->a, len);
					if (!tmp) {
						rc = -RP_ENOMEM;
						break;
					}
					memcpy(tmp, b.data + start + len - pad, pad);
					memcpy(tmp + pad, b.data + start, len - pad);
					memcpy(b.data + start, tmp, len);
				}
			}
			i = j + 1;
		} else {
			rc = rp_buf_putc(&b, ch);
			i++;
		}
		if (!rc && b.len > RP_ARM_MAX_STRING)
			rc = -RP_ELIMIT;
	}
	if (rc == -RP_EPARSE) {
		rp_buf_release(&b);
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "the format string is malformed near offset %zu", i);
	}
	if (rc == -RP_ELIMIT) {
		rp_buf_release(&b);
		return rp_arm_check_size(c, RP_ARM_MAX_STRING + 1, false);
	}
	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	return rp_arm_ret_buf(c, &b, out);
}
