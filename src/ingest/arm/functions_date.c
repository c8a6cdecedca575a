/* functions_date.c: ARM date functions (template-functions-date):
 * dateTimeAdd, dateTimeFromEpoch, dateTimeToEpoch, utcNow.
 *
 * Datetimes are ISO 8601 ("2020-04-07T14:53:14Z", a space instead of 'T',
 * optional seconds, fraction and offset; an offset is converted to UTC).
 * Durations are ISO 8601 ("P3Y", "-P9D", "PT1H30M", "P1W").  Output formats
 * are .NET standard (d D f F g G m M o O r R s t T u y Y) or custom format
 * strings (yyyy yy MM M MMM MMMM dd d ddd dddd HH H hh h mm m ss s f..fffffff
 * tt K z zz zzz, quoted literals and '\' escapes), in the invariant culture.
 * dateTimeAdd without a format yields UNKNOWN: ARM returns a DateTime token
 * whose textual form the reference does not pin down (see
 * docs/arm-functions.md).  utcNow() is allowed only in parameter default
 * values (as in ARM) and yields UNKNOWN there.
 */
#include "ingest/arm/expr_internal.h"

#include <string.h>

typedef struct dt {
	int64_t days;  /* days since 1970-01-01 */
	int64_t secs;  /* seconds in the day */
	int64_t ticks; /* 100 ns units within the second */
} dt;

/* Howard Hinnant's civil-from-days algorithms (public domain description). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned mdays(int64_t y, unsigned m)
{
	static const unsigned md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : md[m - 1];
}

static bool digits(const char *s, size_t n, size_t *i, int cnt, int64_t *v)
{
	int k;

	*v = 0;
	for (k = 0; k < cnt; k++) {
		if (*i >= n || s[*i] < '0' || s[*i] > '9')
			return false;
		*v = *v * 10 + (s[*i] - '0');
		(*i)++;
	}
	return true;
}

static bool parse_dt(const char *s, size_t n, dt *out)
{
	size_t i = 0;
	int64_t y, mo, d, h = 0, mi = 0, se = 0, ticks = 0, off = 0;

	if (!digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' || !digits(s, n, &i, 2, &mo) ||
	    i >= n || s[i++] != '-' || !digits(s, n, &i, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays(y, (unsigned)mo))
		return false;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (!digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':' ||
		    !digits(s, n, &i, 2, &mi))
			return false;
		if (i < n && s[i] == ':') {
			i++;
			if (!digits(s, n, &i, 2, &se))
				return false;
			if (i < n && s[i] == '.') {
				int k = 0;
				i++;
				while (i < n && s[i] >= '0' && s[i] <= '9') {
					if (k < 7)
						ticks = ticks * 10 + (s[i] - '0'), k++;
					i++;
				}
				if (k == 0)
					return false;
				while (k++ < 7)
					ticks *= 10;
			}
		}
		if (h > 23 || mi > 59 || se > 59)
			return false;
		if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			int64_t oh, om = 0;
			int sign = s[i++] == '-' ? -1 : 1;
			if (!digits(s, n, &i, 2, &oh))
				return false;
			if (i < n && s[i] == ':')
				i++;
			if (i < n && !digits(s, n, &i, 2, &om))
				return false;
			if (oh > 14 || om > 59)
				return false;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (i != n)
		return false;
	out->days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	out->secs = h * 3600 + mi * 60 + se - off;
	out->ticks = ticks;
	while (out->secs < 0)
		out->secs += 86400, out->days--;
	while (out->secs >= 86400)
		out->secs -= 86400, out->days++;
	return true;
}

/* Adds an ISO 8601 duration; false on a malformed duration. */
static bool add_duration(dt *t, const char *s, size_t n)
{
	size_t i = 0;
	int sign = 1;
	bool in_time = false, any = false;
	int64_t years = 0, months = 0, days = 0, secs = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		sign = s[i++] == '-' ? -1 : 1;
	if (i >= n || (s[i] != 'P' && s[i] != 'p'))
		return false;
	i++;
	while (i < n) {
		int64_t v = 0;
		size_t st;
		if (s[i] == 'T' || s[i] == 't') {
			if (in_time)
				return false;
			in_time = true;
			i++;
			continue;
		}
		st = i;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (v > 100000000)
				return false;
			v = v * 10 + (s[i] - '0');
			i++;
		}
		if (i == st || i >= n)
			return false;
		switch (s[i] | 32) {
		case 'y':
			if (in_time)
				return false;
			years += v;
			break;
		case 'm':
			if (in_time)
				secs += v * 60;
			else
				months += v;
			break;
		case 'w':
			if (in_time)
				return false;
			days += 7 * v;
			break;
		case 'd':
			if (in_time)
				return false;
			days += v;
			break;
		case 'h':
			if (!in_time)
				return false;
			secs += v * 3600;
			break;
		case 's':
			if (!in_time)
				return false;
			secs += v;
			break;
		default: return false;
		}
		any = true;
		i++;
	}
	if (!any)
		return false;
	if (years || months) {
		int64_t y;
		unsigned m, d;
		int64_t total;
		civil_from_days(t->days, &y, &m, &d);
		total = y * 12 + (m - 1) + sign * (years * 12 + months);
		y = total >= 0 ? total / 12 : (total - 11) / 12;
		m = (unsigned)(total - y * 12) + 1;
		if (d > mdays(y, m))
			d = mdays(y, m);
		t->days = days_from_civil(y, m, d);
	}
	t->days += sign * days;
	t->secs += sign * secs;
	t->days += t->secs >= 0 ? t->secs / 86400 : -((-t->secs + 86399) / 86400);
	t->secs -= (t->secs >= 0 ? t->secs / 86400 : -((-t->secs + 86399) / 86400)) * 86400;
	return true;
}

static const char *const MONTHS[12] = { "January",   "February", "March",    "April",
					"May",       "June",     "July",     "August",
					"September", "October",  "November", "December" };
static const char *const WDAYS[7] = { "Sunday",   "Monday", "Tuesday", "Wednesday",
				      "Thursday", "Friday", "Saturday" };

static int put_num(rp_buf *b, int64_t v, int width)
{
	return rp_buf_printf(b, "%0*lld", width, (long long)v);
}

/* 0, or -RP_EUNSUPPORTED for a format we do not model. */
static int format_dt(rp_buf *b, const dt *t, const char *f, size_t fn)
{
	int64_t y;
	unsigned mo, d;
	int64_t h = t->secs / 3600, mi = t->secs / 60 % 60, se = t->secs % 60;
	int wd = (int)(((t->days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
	size_t i = 0;
	int rc = 0;

	civil_from_days(t->days, &y, &mo, &d);
	if (y < 1 || y > 9999)
		return -RP_ERANGE;
	if (fn == 1) {
		static const struct {
			char c;
			const char *p;
		} std[] = {
			{ 'd', "MM/dd/yyyy" },
			{ 'D', "dddd, dd MMMM yyyy" },
			{ 'f', "dddd, dd MMMM yyyy HH:mm" },
			{ 'F', "dddd, dd MMMM yyyy HH:mm:ss" },
			{ 'g', "MM/dd/yyyy HH:mm" },
			{ 'G', "MM/dd/yyyy HH:mm:ss" },
			{ 'm', "MMMM dd" },
			{ 'M', "MMMM dd" },
			{ 'o', "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'" },
			{ 'O', "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'" },
			{ 'r', "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'" },
			{ 'R', "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'" },
			{ 's', "yyyy'-'MM'-'dd'T'HH':'mm':'ss" },
			{ 't', "HH:mm" },
			{ 'T', "HH:mm:ss" },
			{ 'u', "yyyy'-'MM'-'dd HH':'mm':'ss'Z'" },
			{ 'y', "yyyy MMMM" },
			{ 'Y', "yyyy MMMM" },
		};
		size_t k;
		for (k = 0; k < sizeof(std) / sizeof(std[0]); k++)
			if (std[k].c == f[0])
				return format_dt(b, t, std[k].p, strlen(std[k].p));
		return -RP_EUNSUPPORTED;
	}
	while (!rc && i < fn) {
		char ch = f[i];
		size_t run = 1;
		while (i + run < fn && f[i + run] == ch)
			run++;
		switch (ch) {
		case 'y':
			if (run == 1)
				rc = put_num(b, y % 100, 1);
			else if (run == 2)
				rc = put_num(b, y % 100, 2);
			else
				rc = put_num(b, y, (int)run);
			break;
		case 'M':
			if (run <= 2)
				rc = put_num(b, mo, (int)run);
			else if (run == 3)
				rc = rp_buf_append(b, MONTHS[mo - 1], 3);
			else
				rc = rp_buf_puts(b, MONTHS[mo - 1]);
			break;
		case 'd':
			if (run <= 2)
				rc = put_num(b, d, (int)run);
			else if (run == 3)
				rc = rp_buf_append(b, WDAYS[wd], 3);
			else
				rc = rp_buf_puts(b, WDAYS[wd]);
			break;
		case 'H': rc = put_num(b, h, run >= 2 ? 2 : 1); break;
		case 'h': rc = put_num(b, h % 12 ? h % 12 : 12, run >= 2 ? 2 : 1); break;
		case 'm': rc = put_num(b, mi, run >= 2 ? 2 : 1); break;
		case 's': rc = put_num(b, se, run >= 2 ? 2 : 1); break;
		case 't': rc = rp_buf_append(b, h < 12 ? "AM" : "PM", run >= 2 ? 2 : 1); break;
		case 'f':
		case 'F': {
			int64_t v = t->ticks;
			size_t k;
			if (run > 7)
				return -RP_EUNSUPPORTED;
			for (k = run; k < 7; k++)
				v /= 10;
			if (ch == 'F' && v == 0)
				break;
			rc = put_num(b, v, (int)run);
			break;
		}
		case 'K': rc = rp_buf_putc(b, 'Z'); break;
		case 'z': rc = rp_buf_puts(b, run == 1 ? "+0" : run == 2 ? "+00" : "+00:00"); break;
		case '\'':
		case '"': {
			size_t j = i + 1;
			while (j < fn && f[j] != ch)
				j++;
			if (j >= fn)
				return -RP_EUNSUPPORTED;
			rc = rp_buf_append(b, f + i + 1, j - i - 1);
			run = j - i + 1;
			break;
		}
		case '\\':
			if (i + 1 >= fn)
				return -RP_EUNSUPPORTED;
			rc = rp_buf_putc(b, f[i + 1]);
			run = 2;
			break;
		case '%': run = 1; break;
		case 'g':
		case 'G': rc = rp_buf_puts(b, "A.D."); break;
		default:
			/* other characters (including letters such as T and Z) are
			 * copied, as .NET does */
			rc = rp_buf_append(b, f + i, run);
			break;
		}
		i += run;
	}
	if (!rc && !b->data)
		rc = rp_buf_append(b, "", 0);
	return rc;
}

static int finish(rp_arm_fcall *c, const dt *t, const char *f, size_t fn, size_t fmt_arg,
		  rp_value **out)
{
	rp_buf b = RP_BUF_INIT;
	int rc = format_dt(&b, t, f, fn);

	if (rc == -RP_EUNSUPPORTED) {
		rp_buf_release(&b);
		return rp_arm_fail(c, rp_arm_arg_span(c, fmt_arg), RP_EUNSUPPORTED,
				   "format '%.*s' is not supported", (int)(fn > 40 ? 40 : fn), f);
	}
	if (rc == -RP_ERANGE) {
		rp_buf_release(&b);
		return rp_arm_fail(c, c->at, RP_ERANGE, "the date is outside years 1..9999");
	}
	if (rc) {
		rp_buf_release(&b);
		return rc;
	}
	return rp_arm_ret_buf(c, &b, out);
}

RP_ARM_FN(dateTimeAdd)
{
	const char *base, *dur, *fmt = NULL;
	size_t bn, dn, fn = 0;
	dt t;
	int rc = rp_arm_arg_str(c, 0, &base, &bn);

	if (!rc)
		rc = rp_arm_arg_str(c, 1, &dur, &dn);
	if (!rc && c->nargs > 2)
		rc = rp_arm_arg_str(c, 2, &fmt, &fn);
	if (rc)
		return rc;
	if (!parse_dt(base, bn, &t))
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "'%.*s' is not an ISO 8601 date-time", (int)(bn > 40 ? 40 : bn),
				   base);
	if (!add_duration(&t, dur, dn))
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
				   "'%.*s' is not an ISO 8601 duration", (int)(dn > 40 ? 40 : dn),
				   dur);
	if (!fmt)
		return rp_arm_ret_unknown(
			c, out,
			"dateTimeAdd() without a format argument: ARM's output text "
			"form is not documented precisely");
	return finish(c, &t, fmt, fn, 2, out);
}

RP_ARM_FN(dateTimeFromEpoch)
{
	int64_t e;
	dt t;
	int rc = rp_arm_arg_int(c, 0, &e);

	if (rc)
		return rc;
	if (e < -62135596800LL || e > 253402300799LL)
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_ERANGE,
				   "the epoch value is outside years 1..9999");
	t.days = e >= 0 ? e / 86400 : -((-e + 86399) / 86400);
	t.secs = e - t.days * 86400;
	t.ticks = 0;
	{
		static const char iso[] = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'";
		return finish(c, &t, iso, sizeof(iso) - 1, 0, out);
	}
}

RP_ARM_FN(dateTimeToEpoch)
{
	const char *s;
	size_t n;
	dt t;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	if (!parse_dt(s, n, &t))
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "'%.*s' is not an ISO 8601 date-time", (int)(n > 40 ? 40 : n),
				   s);
	return rp_arm_ret_int(c, t.days * 86400 + t.secs, out);
}

RP_ARM_FN(utcNow)
{
	if (c->nargs > 0 && c->args[0]->kind != RP_V_STRING)
		return rp_arm_type_error(c, 0, "a string (a format)");
	if (!(c->env->flags & RP_ARM_IN_PARAM_DEFAULT))
		return rp_arm_fail(
			c, c->at, RP_EINVAL,
			"can only be used in the default value of a parameter (as in ARM)");
	return rp_arm_ret_unknown(c, out, "utcNow() is the time of the deployment");
}
