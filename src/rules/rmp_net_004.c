/* rmp_net_004.c: RMP-NET-004 a port other than the management and
 * database ports reachable from the Internet (80 and 443 published
 * through a load-balancing rule are expected: they pass, noted as info). */
#include "rules/checks.h"

RP_CHECK(rp_check_net_004)
{
	return rp_check_net_internet(ctx, obj, RP_NET_PORTS_OTHER, NULL, 0, "port");
}
