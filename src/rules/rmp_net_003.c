/* rmp_net_003.c: RMP-NET-003 every port (Tcp or Udp 0-65535) reachable
 * from the Internet. */
#include "rules/checks.h"

RP_CHECK(rp_check_net_003)
{
	return rp_check_net_internet(ctx, obj, RP_NET_PORTS_ALL, NULL, 0, "every port");
}
