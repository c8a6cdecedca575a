/* addr.c: IPv4/IPv6 parsing and formatting, address and port interval sets
 * (see addr.h and docs/network.md "Address model"). */
#include "net/addr.h"
#include "util/error.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

#define V4_MAX UINT64_C(0xFFFFFFFF)

/* ---- addresses ---- */

rp_net_addr rp_net_addr_v4(uint32_t v)
{
	rp_net_addr a = { 0, 0, v };
	return a;
}

rp_net_addr rp_net_addr_v6(uint64_t hi, uint64_t lo)
{
	rp_net_addr a = { 1, hi, lo };
	return a;
}

rp_net_addr rp_net_addr_min(void)
{
	return rp_net_addr_v4(0);
}

rp_net_addr rp_net_addr_max(void)
{
	return rp_net_addr_v6(UINT64_MAX, UINT64_MAX);
}

bool rp_net_addr_next(rp_net_addr *a)
{
	if (a->fam == 0) {
		if (a->lo == V4_MAX) {
			*a = rp_net_addr_v6(0, 0);
			return true;
		}
		a->lo++;
		return true;
	}
	if (a->lo == UINT64_MAX) {
		if (a->hi == UINT64_MAX)
			return false;
		a->hi++;
		a->lo = 0;
		return true;
	}
	a->lo++;
	return true;
}

bool rp_net_addr_prev(rp_net_addr *a)
{
	if (a->fam == 0) {
		if (a->lo == 0)
			return false;
		a->lo--;
		return true;
	}
	if (a->lo == 0) {
		if (a->hi == 0) {
			*a = rp_net_addr_v4((uint32_t)V4_MAX);
			return true;
		}
		a->hi--;
		a->lo = UINT64_MAX;
		return true;
	}
	a->lo--;
	return true;
}

static int parse_v4(const char *s, size_t n, uint32_t *out, const char **why)
{
	uint32_t v = 0;
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		uint32_t octet = 0;
		size_t digits = 0;

		if (part > 0) {
			if (i >= n || s[i] != '.') {
				*why = "an IPv4 address has four dot-separated parts";
				return -RP_EPARSE;
			}
			i++;
		}
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (digits == 1 && octet == 0) {
				*why = "leading zero in an IPv4 address part";
				return -RP_EPARSE;
			}
			octet = octet * 10 + (uint32_t)(s[i] - '0');
			if (octet > 255) {
				*why = "IPv4 address part above 255";
				return -RP_EPARSE;
			}
			digits++;
			i++;
		}
		if (digits == 0) {
			*why = "empty or non-numeric IPv4 address part";
			return -RP_EPARSE;
		}
		v = (v << 8) | octet;
	}
	if (i != n) {
		*why = "unexpected text after an IPv4 address";
		return -RP_EPARSE;
	}
	*out = v;
	return 0;
}

/* IPv6 text (RFC 4291 section 2.2) into 8 groups. */
static int parse_v6(const char *s, size_t n, uint16_t g[8], const char **why)
{
	uint16_t head[8], tail[8];
	size_t nh = 0, nt = 0, i = 0;
	bool gap = false;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = true;
		i = 2;
	} else if (n >= 1 && s[0] == ':') {
		*why = "an IPv6 address cannot start with a single ':'";
		return -RP_EPARSE;
	}
	while (i < n) {
		size_t start = i, digits = 0;
		uint32_t v = 0;
		uint16_t *dst = gap ? tail : head;
		size_t *cnt = gap ? &nt : &nh;

		while (i < n && rp_hex_digit((unsigned char)s[i]) >= 0 && digits < 5) {
			v = v * 16 + (uint32_t)rp_hex_digit((unsigned char)s[i]);
			digits++;
			i++;
		}
		if (i < n && s[i] == '.') {
			/* embedded IPv4 in the last 32 bits */
			uint32_t v4;
			if (parse_v4(s + start, n - start, &v4, why) < 0)
				return -RP_EPARSE;
			if (nh + nt + 2 > 8) {
				*why = "too many groups in an IPv6 address";
				return -RP_EPARSE;
			}
			dst[(*cnt)++] = (uint16_t)(v4 >> 16);
			dst[(*cnt)++] = (uint16_t)(v4 & 0xFFFF);
			i = n;
			break;
		}
		if (digits == 0 || digits > 4) {
			*why = "an IPv6 group has 1 to 4 hexadecimal digits";
			return -RP_EPARSE;
		}
		if (nh + nt >= 8) {
			*why = "too many groups in an IPv6 address";
			return -RP_EPARSE;
		}
		dst[(*cnt)++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i] != ':') {
			*why = "unexpected character in an IPv6 address";
			return -RP_EPARSE;
		}
		i++;
		if (i < n && s[i] == ':') {
			if (gap) {
				*why = "'::' may appear only once in an IPv6 address";
				return -RP_EPARSE;
			}
			gap = true;
			i++;
		} else if (i == n) {
			*why = "an IPv6 address cannot end with a single ':'";
			return -RP_EPARSE;
		}
	}
	if (gap) {
		size_t k;
		if (nh + nt > 7) {
			*why = "'::' must stand for at least one group";
			return -RP_EPARSE;
		}
		for (k = 0; k < 8; k++)
			g[k] = 0;
		for (k = 0; k < nh; k++)
			g[k] = head[k];
		for (k = 0; k < nt; k++)
			g[8 - nt + k] = tail[k];
	} else {
		if (nh != 8) {
			*why = "an IPv6 address has 8 groups unless '::' is used";
			return -RP_EPARSE;
		}
		memcpy(g, head, sizeof(head));
	}
	return 0;
}

int rp_net_addr_parse(const char *s, size_t n, rp_net_addr *out, const char **why)
{
	size_t i;
	bool colon = false;

	if (n == 0 || n > RP_NET_ADDR_TEXT_MAX) {
		*why = n ? "address text too long" : "empty address";
		return -RP_EPARSE;
	}
	for (i = 0; i < n; i++)
		if (s[i] == ':')
			colon = true;
	if (!colon) {
		uint32_t v;
		if (parse_v4(s, n, &v, why) < 0)
			return -RP_EPARSE;
		*out = rp_net_addr_v4(v);
		return 0;
	} else {
		uint16_t g[8];
		uint64_t hi = 0, lo = 0;
		int k;
		if (parse_v6(s, n, g, why) < 0)
			return -RP_EPARSE;
		for (k = 0; k < 4; k++)
			hi = (hi << 16) | g[k];
		for (k = 4; k < 8; k++)
			lo = (lo << 16) | g[k];
		*out = rp_net_addr_v6(hi, lo);
		return 0;
	}
}

/* Mask of the host bits below a prefix of len bits within a width-bit word
 * holding the bits [off, off+64) of the address. */
static uint64_t host_mask(unsigned len, unsigned off)
{
	/* bits of this 64-bit word that are host bits */
	if (len <= off)
		return UINT64_MAX;
	if (len >= off + 64)
		return 0;
	return UINT64_MAX >> (len - off);
}

int rp_net_prefix_parse(const char *s, size_t n, rp_net_ival *out, const char **why)
{
	size_t slash = n, i;
	unsigned len, maxlen;
	rp_net_addr a, hi;

	for (i = 0; i < n; i++)
		if (s[i] == '/') {
			slash = i;
			break;
		}
	if (rp_net_addr_parse(s, slash, &a, why) < 0)
		return -RP_EPARSE;
	maxlen = a.fam == 0 ? 32u : 128u;
	if (slash == n) {
		len = maxlen;
	} else {
		size_t digits = 0;
		len = 0;
		for (i = slash + 1; i < n; i++) {
			if (s[i] < '0' || s[i] > '9' || digits >= 3) {
				*why = "prefix length must be a decimal number";
				return -RP_EPARSE;
			}
			if (digits == 1 && len == 0) {
				*why = "leading zero in a prefix length";
				return -RP_EPARSE;
			}
			len = len * 10 + (unsigned)(s[i] - '0');
			digits++;
		}
		if (digits == 0) {
			*why = "missing prefix length after '/'";
			return -RP_EPARSE;
		}
		if (len > maxlen) {
			*why = a.fam == 0 ? "IPv4 prefix length above 32"
					  : "IPv6 prefix length above 128";
			return -RP_EPARSE;
		}
	}
	hi = a;
	if (a.fam == 0) {
		uint64_t m = len >= 32 ? 0 : (V4_MAX >> len);
		if (a.lo & m) {
			*why = "host bits set below the prefix length (Azure rejects such a "
			       "prefix)";
			return -RP_EPARSE;
		}
		hi.lo = a.lo | m;
	} else {
		uint64_t mh = host_mask(len, 0), ml = host_mask(len, 64);
		if ((a.hi & mh) || (a.lo & ml)) {
			*why = "host bits set below the prefix length (Azure rejects such a "
			       "prefix)";
			return -RP_EPARSE;
		}
		hi.hi = a.hi | mh;
		hi.lo = a.lo | ml;
	}
	out->lo = a;
	out->hi = hi;
	return 0;
}

/* Writes v (< 1000) in decimal at p; returns the end. */
static char *put_dec3(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* Writes a->fam's text at p (room for 40 bytes); returns the end.  The
 * digits are written here, not through printf: a scan formats tens of
 * thousands of addresses. */
static char *addr_to(char *p, const rp_net_addr *a)
{
	static const char hex[] = "0123456789abcdef";
	uint16_t g[8];
	int k, best = -1, bestlen = 0, run = -1, runlen = 0;

	if (a->fam == 0) {
		for (k = 24; k >= 0; k -= 8) {
			p = put_dec3(p, (unsigned)(a->lo >> k) & 255u);
			if (k)
				*p++ = '.';
		}
		return p;
	}
	for (k = 0; k < 4; k++)
		g[k] = (uint16_t)(a->hi >> (48 - 16 * k));
	for (k = 0; k < 4; k++)
		g[4 + k] = (uint16_t)(a->lo >> (48 - 16 * k));
	for (k = 0; k < 8; k++) {
		if (g[k] == 0) {
			if (run < 0) {
				run = k;
				runlen = 0;
			}
			runlen++;
			if (runlen > bestlen) {
				best = run;
				bestlen = runlen;
			}
		} else {
			run = -1;
		}
	}
	if (bestlen < 2)
		best = -1;
	for (k = 0; k < 8; k++) {
		int sh;
		bool lead = true;
		if (k == best) {
			*p++ = ':';
			*p++ = ':';
			k += bestlen - 1;
			continue;
		}
		if (k > 0 && k != best + bestlen)
			*p++ = ':';
		/* %x: no leading zeros, "0" for zero */
		for (sh = 12; sh >= 0; sh -= 4) {
			unsigned d = ((unsigned)g[k] >> sh) & 15u;
			if (lead && d == 0 && sh > 0)
				continue;
			lead = false;
			*p++ = hex[d];
		}
	}
	return p;
}

int rp_net_addr_format(rp_buf *b, const rp_net_addr *a)
{
	char t[48];

	return rp_buf_append(b, t, (size_t)(addr_to(t, a) - t));
}

/* Largest prefix starting at lo that stays within [lo, hi]: returns the
 * number of host bits. */
static unsigned prefix_bits(const rp_net_addr *lo, const rp_net_addr *hi)
{
	unsigned width = lo->fam == 0 ? 32u : 128u, bits;

	for (bits = width; bits > 0; bits--) {
		rp_net_addr end = *lo;
		uint64_t mh, ml;
		if (lo->fam == 0) {
			uint64_t m = bits >= 32 ? V4_MAX : ((UINT64_C(1) << bits) - 1);
			if (lo->lo & m)
				continue;
			end.lo = lo->lo | m;
		} else {
			mh = bits > 64 ? (bits >= 128 ? UINT64_MAX
						      : ((UINT64_C(1) << (bits - 64)) - 1))
				       : 0;
			ml = bits >= 64 ? UINT64_MAX : ((UINT64_C(1) << bits) - 1);
			if ((lo->hi & mh) || (lo->lo & ml))
				continue;
			end.hi = lo->hi | mh;
			end.lo = lo->lo | ml;
		}
		if (rp_net_addr_cmp(&end, hi) <= 0)
			return bits;
	}
	return 0;
}

static int format_same_family(rp_buf *b, rp_net_addr lo, const rp_net_addr *hi, bool *first,
			      size_t max)
{
	unsigned width = lo.fam == 0 ? 32u : 128u;

	for (;;) {
		unsigned bits = prefix_bits(&lo, hi);
		rp_net_addr end = lo;
		int rc;
		if (!*first && rp_buf_puts(b, ", ") < 0)
			return -RP_ENOMEM;
		*first = false;
		{
			char t[56], *p = addr_to(t, &lo);
			*p++ = '/';
			p = put_dec3(p, width - bits);
			rc = rp_buf_append(b, t, (size_t)(p - t));
		}
		if (rc < 0)
			return rc;
		if (lo.fam == 0) {
			end.lo = lo.lo | (bits >= 32 ? V4_MAX : ((UINT64_C(1) << bits) - 1));
		} else {
			uint64_t mh = bits > 64 ? (bits >= 128 ? UINT64_MAX
							       : ((UINT64_C(1) << (bits - 64)) - 1))
						: 0;
			uint64_t ml = bits >= 64 ? UINT64_MAX : ((UINT64_C(1) << bits) - 1);
			end.hi = lo.hi | mh;
			end.lo = lo.lo | ml;
		}
		if (rp_net_addr_cmp(&end, hi) >= 0 || b->len > max)
			return 0;
		lo = end;
		rp_net_addr_next(&lo);
	}
}

int rp_net_ival_format_max(rp_buf *b, const rp_net_ival *iv, size_t max)
{
	bool first = true;

	if (iv->lo.fam == 0 && iv->hi.fam == 1) {
		rp_net_addr v4end = rp_net_addr_v4((uint32_t)V4_MAX),
			    v6start = rp_net_addr_v6(0, 0);
		int rc = format_same_family(b, iv->lo, &v4end, &first, max);
		return rc < 0 || b->len > max
			       ? rc
			       : format_same_family(b, v6start, &iv->hi, &first, max);
	}
	return format_same_family(b, iv->lo, &iv->hi, &first, max);
}

int rp_net_ival_format(rp_buf *b, const rp_net_ival *iv)
{
	return rp_net_ival_format_max(b, iv, SIZE_MAX);
}

/* ---- address sets ---- */

void rp_net_aset_release(rp_net_aset *s)
{
	if (s->cap)
		free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int aset_reserve(rp_net_aset *s, size_t extra)
{
	size_t need, cap;
	rp_net_ival *p;

	if (s->n + extra <= s->cap)
		return 0;
	if (s->cap == 0 && s->v) {
		/* frozen: copy onto the heap first */
		cap = s->n + extra + 4;
		p = malloc(cap * sizeof(*p));
		if (!p)
			return -RP_ENOMEM;
		memcpy(p, s->v, s->n * sizeof(*p));
		s->v = p;
		s->cap = cap;
		return 0;
	}
	need = s->n + extra;
	cap = s->cap ? s->cap : 8;
	while (cap < need) {
		if (cap > SIZE_MAX / 2 / sizeof(*p))
			return -RP_ENOMEM;
		cap *= 2;
	}
	p = realloc(s->v, cap * sizeof(*p));
	if (!p)
		return -RP_ENOMEM;
	s->v = p;
	s->cap = cap;
	return 0;
}

/* a and b touch or overlap when a.hi + 1 >= b.lo (a.lo <= b.lo). */
static bool touches(const rp_net_addr *ahi, const rp_net_addr *blo)
{
	rp_net_addr t = *ahi;

	if (rp_net_addr_cmp(ahi, blo) >= 0)
		return true;
	if (!rp_net_addr_next(&t))
		return true;
	return rp_net_addr_cmp(&t, blo) >= 0;
}

int rp_net_aset_add(rp_net_aset *s, rp_net_addr lo, rp_net_addr hi)
{
	size_t l = 0, r, i, j;

	if (rp_net_addr_cmp(&lo, &hi) > 0)
		return 0;
	if (s->cap == 0 && s->v && aset_reserve(s, 1) < 0)
		return -RP_ENOMEM; /* frozen: never write into arena memory */
	/* fast path: at or after the last interval's start */
	if (s->n == 0 || rp_net_addr_cmp(&s->v[s->n - 1].lo, &lo) <= 0) {
		if (s->n && touches(&s->v[s->n - 1].hi, &lo)) {
			if (rp_net_addr_cmp(&hi, &s->v[s->n - 1].hi) > 0)
				s->v[s->n - 1].hi = hi;
			return 0;
		}
		if (aset_reserve(s, 1) < 0)
			return -RP_ENOMEM;
		s->v[s->n].lo = lo;
		s->v[s->n].hi = hi;
		s->n++;
		return 0;
	}
	/* general case: first interval whose hi + 1 >= lo */
	r = s->n;
	while (l < r) {
		size_t m = l + (r - l) / 2;
		if (touches(&s->v[m].hi, &lo))
			r = m;
		else
			l = m + 1;
	}
	i = l;
	/* intervals i..j-1 merge with [lo, hi] */
	j = i;
	while (j < s->n && touches(&hi, &s->v[j].lo)) {
		if (rp_net_addr_cmp(&s->v[j].lo, &lo) < 0)
			lo = s->v[j].lo;
		if (rp_net_addr_cmp(&s->v[j].hi, &hi) > 0)
			hi = s->v[j].hi;
		j++;
	}
	if (j == i) {
		if (aset_reserve(s, 1) < 0)
			return -RP_ENOMEM;
		memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(s->v[0]));
		s->n++;
	} else {
		memmove(&s->v[i + 1], &s->v[j], (s->n - j) * sizeof(s->v[0]));
		s->n -= j - i - 1;
	}
	s->v[i].lo = lo;
	s->v[i].hi = hi;
	return 0;
}

int rp_net_aset_add_set(rp_net_aset *s, const rp_net_aset *t)
{
	size_t i;

	/* t is normalized: when it starts past s's end (not touching it),
	 * its intervals are appended as they are */
	if (t->n && (s->n == 0 || !touches(&s->v[s->n - 1].hi, &t->v[0].lo))) {
		if (aset_reserve(s, t->n) < 0)
			return -RP_ENOMEM;
		memcpy(s->v + s->n, t->v, t->n * sizeof(*t->v));
		s->n += t->n;
		return 0;
	}
	for (i = 0; i < t->n; i++)
		if (rp_net_aset_add(s, t->v[i].lo, t->v[i].hi) < 0)
			return -RP_ENOMEM;
	return 0;
}

int rp_net_aset_add_all(rp_net_aset *s)
{
	return rp_net_aset_add(s, rp_net_addr_min(), rp_net_addr_max());
}

int rp_net_aset_copy(rp_net_aset *dst, const rp_net_aset *src)
{
	dst->n = 0;
	return rp_net_aset_add_set(dst, src);
}

int rp_net_aset_intersect(rp_net_aset *out, const rp_net_aset *a, const rp_net_aset *b)
{
	size_t i = 0, j = 0;

	while (i < a->n && j < b->n) {
		const rp_net_ival *x = &a->v[i], *y = &b->v[j];
		rp_net_addr lo = rp_net_addr_cmp(&x->lo, &y->lo) > 0 ? x->lo : y->lo;
		rp_net_addr hi = rp_net_addr_cmp(&x->hi, &y->hi) < 0 ? x->hi : y->hi;
		if (rp_net_addr_cmp(&lo, &hi) <= 0 && rp_net_aset_add(out, lo, hi) < 0)
			return -RP_ENOMEM;
		if (rp_net_addr_cmp(&x->hi, &y->hi) < 0)
			i++;
		else
			j++;
	}
	return 0;
}

int rp_net_aset_complement(rp_net_aset *out, const rp_net_aset *a)
{
	rp_net_addr cur = rp_net_addr_min();
	size_t i;

	for (i = 0; i < a->n; i++) {
		if (rp_net_addr_cmp(&cur, &a->v[i].lo) < 0) {
			rp_net_addr end = a->v[i].lo;
			rp_net_addr_prev(&end);
			if (rp_net_aset_add(out, cur, end) < 0)
				return -RP_ENOMEM;
		}
		cur = a->v[i].hi;
		if (!rp_net_addr_next(&cur))
			return 0;
	}
	return rp_net_aset_add(out, cur, rp_net_addr_max());
}

int rp_net_aset_subtract(rp_net_aset *out, const rp_net_aset *a, const rp_net_aset *b)
{
	rp_net_aset nb = { 0 };
	int rc;

	rc = rp_net_aset_complement(&nb, b);
	if (rc == 0)
		rc = rp_net_aset_intersect(out, a, &nb);
	rp_net_aset_release(&nb);
	return rc;
}

bool rp_net_aset_contains(const rp_net_aset *s, const rp_net_addr *a)
{
	size_t l = 0, r = s->n;

	while (l < r) {
		size_t m = l + (r - l) / 2;
		if (rp_net_addr_cmp(&s->v[m].hi, a) < 0)
			l = m + 1;
		else
			r = m;
	}
	return l < s->n && rp_net_addr_cmp(&s->v[l].lo, a) <= 0;
}

bool rp_net_aset_equal(const rp_net_aset *a, const rp_net_aset *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (rp_net_addr_cmp(&a->v[i].lo, &b->v[i].lo) ||
		    rp_net_addr_cmp(&a->v[i].hi, &b->v[i].hi))
			return false;
	return true;
}

bool rp_net_aset_is_all(const rp_net_aset *s)
{
	rp_net_addr mn = rp_net_addr_min(), mx = rp_net_addr_max();

	return s->n == 1 && !rp_net_addr_cmp(&s->v[0].lo, &mn) &&
	       !rp_net_addr_cmp(&s->v[0].hi, &mx);
}

int rp_net_aset_freeze(rp_arena *a, const rp_net_aset *s, rp_net_aset *out)
{
	rp_net_ival *p = NULL;

	if (s->n) {
		if (s->n > SIZE_MAX / sizeof(*p))
			return -RP_ENOMEM;
		p = rp_arena_alloc(a, s->n * sizeof(*p));
		if (!p)
			return -RP_ENOMEM;
		memcpy(p, s->v, s->n * sizeof(*p));
	}
	out->v = p;
	out->n = s->n;
	out->cap = 0;
	return 0;
}

int rp_net_aset_format(rp_buf *b, const rp_net_aset *s)
{
	size_t i;
	int rc = 0;

	if (s->n == 0)
		return rp_buf_puts(b, "(none)");
	if (rp_net_aset_is_all(s))
		return rp_buf_puts(b, "*");
	for (i = 0; i < s->n && rc == 0; i++) {
		if (i > 0)
			rc = rp_buf_puts(b, ", ");
		if (rc == 0)
			rc = rp_net_ival_format(b, &s->v[i]);
	}
	return rc;
}

/* ---- port sets ---- */

void rp_net_pset_release(rp_net_pset *s)
{
	if (s->cap)
		free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

int rp_net_pset_add(rp_net_pset *s, uint32_t lo, uint32_t hi)
{
	size_t i, j;

	if (lo > hi || hi > RP_NET_PORT_MAX)
		return 0;
	for (i = 0; i < s->n && s->v[i].hi + 1 < lo; i++)
		;
	j = i;
	while (j < s->n && s->v[j].lo <= hi + 1) {
		if (s->v[j].lo < lo)
			lo = s->v[j].lo;
		if (s->v[j].hi > hi)
			hi = s->v[j].hi;
		j++;
	}
	if (s->cap == 0 || (j == i && s->n == s->cap)) {
		size_t cap = s->cap ? s->cap * 2 : s->n + 8;
		rp_net_pival *p = malloc(cap * sizeof(*p));
		if (!p)
			return -RP_ENOMEM;
		if (s->n)
			memcpy(p, s->v, s->n * sizeof(*p));
		if (s->cap)
			free(s->v);
		s->v = p;
		s->cap = cap;
	}
	if (j == i) {
		memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(s->v[0]));
		s->n++;
	} else {
		memmove(&s->v[i + 1], &s->v[j], (s->n - j) * sizeof(s->v[0]));
		s->n -= j - i - 1;
	}
	s->v[i].lo = lo;
	s->v[i].hi = hi;
	return 0;
}

int rp_net_pset_add_set(rp_net_pset *s, const rp_net_pset *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (rp_net_pset_add(s, t->v[i].lo, t->v[i].hi) < 0)
			return -RP_ENOMEM;
	return 0;
}

bool rp_net_pset_contains(const rp_net_pset *s, uint32_t port)
{
	size_t l = 0, r = s->n;

	while (l < r) {
		size_t m = l + (r - l) / 2;
		if (s->v[m].hi < port)
			l = m + 1;
		else
			r = m;
	}
	return l < s->n && s->v[l].lo <= port;
}

bool rp_net_pset_is_all(const rp_net_pset *s)
{
	return s->n == 1 && s->v[0].lo == 0 && s->v[0].hi == RP_NET_PORT_MAX;
}

bool rp_net_pset_equal(const rp_net_pset *a, const rp_net_pset *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->v[i].lo != b->v[i].lo || a->v[i].hi != b->v[i].hi)
			return false;
	return true;
}

int rp_net_pset_freeze(rp_arena *a, const rp_net_pset *s, rp_net_pset *out)
{
	rp_net_pival *p = NULL;

	if (s->n) {
		if (s->n > SIZE_MAX / sizeof(*p))
			return -RP_ENOMEM;
		p = rp_arena_alloc(a, s->n * sizeof(*p));
		if (!p)
			return -RP_ENOMEM;
		memcpy(p, s->v, s->n * sizeof(*p));
	}
	out->v = p;
	out->n = s->n;
	out->cap = 0;
	return 0;
}

static int parse_port_num(const char *s, size_t n, uint32_t *out, const char **why)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0) {
		*why = "empty port number";
		return -RP_EPARSE;
	}
	if (n > 5) {
		*why = "port number above 65535";
		return -RP_EPARSE;
	}
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			*why = "a port is a decimal number 0-65535, a range a-b or '*'";
			return -RP_EPARSE;
		}
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > RP_NET_PORT_MAX) {
		*why = "port number above 65535";
		return -RP_EPARSE;
	}
	*out = v;
	return 0;
}

int rp_net_port_parse(const char *s, size_t n, rp_net_pival *out, const char **why)
{
	size_t i;

	if (n == 1 && s[0] == '*') {
		out->lo = 0;
		out->hi = RP_NET_PORT_MAX;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (s[i] == '-')
			break;
	if (parse_port_num(s, i, &out->lo, why) < 0)
		return -RP_EPARSE;
	if (i == n) {
		out->hi = out->lo;
		return 0;
	}
	if (parse_port_num(s + i + 1, n - i - 1, &out->hi, why) < 0)
		return -RP_EPARSE;
	if (out->lo > out->hi) {
		*why = "port range with its low end above its high end";
		return -RP_EPARSE;
	}
	return 0;
}

int rp_net_pset_format(rp_buf *b, const rp_net_pset *s)
{
	size_t i;
	int rc = 0;

	if (s->n == 0)
		return rp_buf_puts(b, "(none)");
	if (rp_net_pset_is_all(s))
		return rp_buf_puts(b, "*");
	for (i = 0; i < s->n && rc == 0; i++) {
		if (i > 0)
			rc = rp_buf_puts(b, ", ");
		if (rc == 0)
			rc = s->v[i].lo == s->v[i].hi
				     ? rp_buf_printf(b, "%u", s->v[i].lo)
				     : rp_buf_printf(b, "%u-%u", s->v[i].lo, s->v[i].hi);
	}
	return rc;
}
