/* rmp_net_002.c: RMP-NET-002 database or cache port (1433, 3306, 5432,
 * 6379, 27017, 9200, 11211) reachable from the Internet. */
#include "rules/checks.h"

RP_CHECK(rp_check_net_002)
{
	return rp_check_net_internet(ctx, obj, RP_NET_PORTS_LISTED, rp_net_db_ports,
				     rp_net_ndb_ports, "database or cache port");
}
