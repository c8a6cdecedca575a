/* functions_cidr.c: ARM CIDR functions (template-functions-cidr):
 * parseCidr, cidrSubnet, cidrHost, for IPv4 and IPv6.
 *
 * parseCidr returns network, netmask, broadcast (IPv4 only), firstUsable,
 * lastUsable and cidr, as the reference's examples show; IPv6 addresses are
 * written in RFC 5952 canonical form.  cidrHost(n, i) is the (i+1)-th
 * address of the range (index 0 = the first address after the network
 * address), for both families, as documented.
 */
#include "ingest/arm/expr_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct ipnet {
	unsigned char a[16];
	int bits; /* 32 or 128 */
	int prefix;
} ipnet;

static bool parse_v4(const char *s, size_t n, unsigned char *a)
{
	size_t i = 0;
	int k;

	for (k = 0; k < 4; k++) {
		unsigned v = 0, nd = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && nd < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			nd++;
		}
		if (nd == 0 || nd > 3 || v > 255)
			return false;
		a[k] = (unsigned char)v;
		if (k < 3) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == n;
}

static int hexd(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if ((ch | 32) >= 'a' && (ch | 32) <= 'f')
		return (ch | 32) - 'a' + 10;
	return -1;
}

static bool parse_v6(const char *s, size_t n, unsigned char *a)
{
	uint16_t g[8];
	int ng = 0, gap = -1;
	size_t i = 0;

	memset(a, 0, 16);
	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (n >= 1 && s[0] == ':') {
		return false;
	}
	while (i < n) {
		unsigned v = 0, nd = 0;
		while (i < n && hexd(s[i]) >= 0 && nd < 5) {
			v = v * 16 + (unsigned)hexd(s[i]);
			i++;
			nd++;
		}
		if (nd == 0 || nd > 4 || ng >= 8)
			return false;
		g[ng++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = ng;
			i++;
		} else if (i == n) {
			return false;
		}
	}
	if (gap < 0 && ng != 8)
		return false;
	if (gap >= 0 && ng > 7)
		return false;
	{
		int k, pos = 0;
		uint16_t full[8] = { 0 };
		for (k = 0; k < (gap < 0 ? ng : gap); k++)
			full[pos++] = g[k];
		if (gap >= 0) {
			pos = 8 - (ng - gap);
			for (k = gap; k < ng; k++)
				full[pos++] = g[k];
		}
		for (k = 0; k < 8; k++) {
			a[2 * k] = (unsigned char)(full[k] >> 8);
			a[2 * k + 1] = (unsigned char)full[k];
		}
	}
	return true;
}

static bool parse_net(const char *s, size_t n, ipnet *o)
{
	const char *slash = memchr(s, '/', n);
	size_t an, i;
	int p = 0;

	memset(o, 0, sizeof(*o));
	if (!slash)
		return false;
	an = (size_t)(slash - s);
	if (an + 1 >= n || n - an - 1 > 3)
		return false;
	for (i = an + 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		p = p * 10 + (s[i] - '0');
	}
	if (memchr(s, ':', an)) {
		o->bits = 128;
		if (!parse_v6(s, an, o->a))
			return false;
	} else {
		o->bits = 32;
		if (!parse_v4(s, an, o->a))
			return false;
	}
	if (p > o->bits)
		return false;
	o->prefix = p;
	return true;
}

static void mask_of(int bits, int prefix, unsigned char *m)
{
	int i;

	memset(m, 0, 16);
	for (i = 0; i < bits / 8; i++) {
		int take = prefix - 8 * i;
		m[i] = (unsigned char)(take >= 8   ? 0xFF
				       : take <= 0 ? 0
						   : (0xFF << (8 - take)) & 0xFF);
	}
}

static void fmt_addr(const unsigned char *a, int bits, char *out, size_t cap)
{
	if (bits == 32) {
		snprintf(out, cap, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return;
	}
	{
		uint16_t g[8];
		int k, best = -1, bestlen = 0, cur = -1, curlen = 0;
		size_t pos = 0;
		for (k = 0; k < 8; k++) {
			g[k] = (uint16_t)(a[2 * k] << 8 | a[2 * k + 1]);
			if (g[k] == 0) {
				if (cur < 0)
					cur = k, curlen = 0;
				curlen++;
				if (curlen > bestlen)
					best = cur, bestlen = curlen;
			} else {
				cur = -1;
			}
		}
		if (bestlen < 2)
			best = -1;
		out[0] = '\0';
		for (k = 0; k < 8; k++) {
			if (k == best) {
				pos += (size_t)snprintf(out + pos, cap - pos, "::");
				k += bestlen - 1;
				continue;
			}
			pos += (size_t)snprintf(
				out + pos, cap - pos, "%s%x",
				(k > 0 && !(best >= 0 && k == best + bestlen)) ? ":" : "", g[k]);
		}
	}
}

/* a += v (big-endian, len bytes); false on overflow. */
static bool add_u64(unsigned char *a, int len, uint64_t v)
{
	int i;
	unsigned carry = 0;

	for (i = len - 1; i >= 0; i--) {
		unsigned s = a[i] + (unsigned)(v & 0xFF) + carry;
		a[i] = (unsigned char)s;
		carry = s >> 8;
		v >>= 8;
	}
	return carry == 0 && v == 0;
}

static int net_arg(rp_arm_fcall *c, size_t i, ipnet *net)
{
	const char *s;
	size_t n;
	int rc = rp_arm_arg_str(c, i, &s, &n);

	if (rc)
		return rc;
	if (!parse_net(s, n, net))
		return rp_arm_fail(c, rp_arm_arg_span(c, i), RP_EINVAL,
				   "'%.*s' is not an IP range in CIDR notation",
				   (int)(n > 60 ? 60 : n), s);
	return 0;
}

static rp_value *addr_val(rp_arm_fcall *c, const unsigned char *a, int bits)
{
	char buf[64];

	fmt_addr(a, bits, buf, sizeof(buf));
	return rp_value_string(c->a, buf, strlen(buf), c->res);
}

RP_ARM_FN(parseCidr)
{
	ipnet net;
	unsigned char m[16], nw[16], bc[16], fu[16], lu[16];
	rp_member mem[6];
	size_t k = 0, nb;
	int i, rc = net_arg(c, 0, &net);

	if (rc)
		return rc;
	nb = (size_t)net.bits / 8;
	mask_of(net.bits, net.prefix, m);
	for (i = 0; i < (int)nb; i++) {
		nw[i] = net.a[i] & m[i];
		bc[i] = nw[i] | (unsigned char)~m[i];
	}
	memcpy(fu, nw, nb);
	memcpy(lu, bc, nb);
	if (net.bits == 32 && net.prefix <= 30) {
		add_u64(fu, 4, 1);
		lu[3]--; /* bc ends in at least two 1 bits */
	}
	memset(mem, 0, sizeof(mem));
#define PUT(name, v)                                    \
	do {                                            \
		mem[k].key = name;                      \
		mem[k].keylen = (uint32_t)strlen(name); \
		mem[k].keyspan = c->res;                \
		mem[k].val = (v);                       \
		if (!mem[k].val)                        \
			return -RP_ENOMEM;              \
		k++;                                    \
	} while (0)
	PUT("network", addr_val(c, nw, net.bits));
	PUT("netmask", addr_val(c, m, net.bits));
	if (net.bits == 32)
		PUT("broadcast", addr_val(c, bc, net.bits));
	PUT("firstUsable", addr_val(c, fu, net.bits));
	PUT("lastUsable", addr_val(c, lu, net.bits));
	PUT("cidr", rp_value_int(c->a, net.prefix, c->res));
#undef PUT
	return rp_arm_ret(c, rp_value_object(c->a, mem, k, c->res), out);
}

RP_ARM_FN(cidrSubnet)
{
	ipnet net;
	unsigned char m[16], a[16];
	int64_t nc, idx;
	size_t nb;
	int i, rc = net_arg(c, 0, &net);
	char buf[80];

	if (!rc)
		rc = rp_arm_arg_int(c, 1, &nc);
	if (!rc)
		rc = rp_arm_arg_int(c, 2, &idx);
	if (rc)
		return rc;
	if (nc < net.prefix || nc > net.bits)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
				   "the new CIDR %lld must be between %d and %d", (long long)nc,
				   net.prefix, net.bits);
	if (idx < 0 || (nc - net.prefix < 63 && idx >= ((int64_t)1 << (nc - net.prefix))))
		return rp_arm_fail(c, rp_arm_arg_span(c, 2), RP_EINVAL,
				   "subnet index %lld is out of range for /%d subnets of a /%d",
				   (long long)idx, (int)nc, net.prefix);
	nb = (size_t)net.bits / 8;
	mask_of(net.bits, net.prefix, m);
	for (i = 0; i < (int)nb; i++)
		a[i] = net.a[i] & m[i];
	/* add idx << (bits - nc) */
	{
		int shift = net.bits - (int)nc;
		unsigned char add[16];
		memset(add, 0, sizeof(add));
		for (i = 0; i < 64; i++) {
			if (!((uint64_t)idx >> i & 1))
				continue;
			{
				int bit = shift + i; /* bit position from the right */
				if (bit >= net.bits)
					return rp_arm_fail(c, rp_arm_arg_span(c, 2), RP_EINVAL,
							   "subnet index out of range");
				add[nb - 1 - (size_t)(bit / 8)] |= (unsigned char)(1u << (bit % 8));
			}
		}
		{
			unsigned carry = 0;
			for (i = (int)nb - 1; i >= 0; i--) {
				unsigned s = a[i] + add[i] + carry;
				a[i] = (unsigned char)s;
				carry = s >> 8;
			}
		}
	}
	fmt_addr(a, net.bits, buf, sizeof(buf));
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%d", (int)nc);
	return rp_arm_ret_str(c, buf, strlen(buf), out);
}

RP_ARM_FN(cidrHost)
{
	ipnet net;
	unsigned char m[16], a[16], bc[16];
	int64_t idx;
	size_t nb;
	int i, rc = net_arg(c, 0, &net);

	if (!rc)
		rc = rp_arm_arg_int(c, 1, &idx);
	if (rc)
		return rc;
	if (idx < 0)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
				   "the host index must not be negative");
	nb = (size_t)net.bits / 8;
	mask_of(net.bits, net.prefix, m);
	for (i = 0; i < (int)nb; i++) {
		a[i] = net.a[i] & m[i];
		bc[i] = a[i] | (unsigned char)~m[i];
	}
	if (!add_u64(a, (int)nb, (uint64_t)idx + 1) || memcmp(a, bc, nb) > 0 ||
	    (net.bits == 32 && memcmp(a, bc, nb) >= 0))
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
				   "host index %lld is outside the usable range of the network",
				   (long long)idx);
	return rp_arm_ret(c, addr_val(c, a, net.bits), out);
}
