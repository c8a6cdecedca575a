/* checks.h: the check function of every rule (one file each, rmp_*.c),
 * registered in registry.c.  Internal to src/rules. */
#ifndef RP_RULES_CHECKS_H
#define RP_RULES_CHECKS_H

#include "rules/rule.h"

#define RP_CHECK(fn) int fn(rp_rule_ctx *ctx, const rp_mobj *obj)

RP_CHECK(rp_check_boot_001);
RP_CHECK(rp_check_boot_002);
RP_CHECK(rp_check_boot_003);
RP_CHECK(rp_check_boot_004);
RP_CHECK(rp_check_boot_005);
RP_CHECK(rp_check_boot_006);
RP_CHECK(rp_check_depth_001);
RP_CHECK(rp_check_host_001);
RP_CHECK(rp_check_host_002);
RP_CHECK(rp_check_host_003);
RP_CHECK(rp_check_host_004);
RP_CHECK(rp_check_data_001);
RP_CHECK(rp_check_data_002);
RP_CHECK(rp_check_data_003);
RP_CHECK(rp_check_data_004);
RP_CHECK(rp_check_data_010);
RP_CHECK(rp_check_data_011);
RP_CHECK(rp_check_data_012);
RP_CHECK(rp_check_data_013);
RP_CHECK(rp_check_data_014);
RP_CHECK(rp_check_data_015);
RP_CHECK(rp_check_data_016);
RP_CHECK(rp_check_data_020);
RP_CHECK(rp_check_data_021);
RP_CHECK(rp_check_data_022);
RP_CHECK(rp_check_data_023);
RP_CHECK(rp_check_mon_001);
RP_CHECK(rp_check_mon_002);
RP_CHECK(rp_check_mon_003);
RP_CHECK(rp_check_mon_004);
RP_CHECK(rp_check_mon_005);
RP_CHECK(rp_check_mon_006);
RP_CHECK(rp_check_mon_007);
RP_CHECK(rp_check_mon_008);
RP_CHECK(rp_check_net_001);
RP_CHECK(rp_check_net_002);
RP_CHECK(rp_check_net_003);
RP_CHECK(rp_check_net_004);
RP_CHECK(rp_check_net_005);
RP_CHECK(rp_check_net_006);
RP_CHECK(rp_check_net_007);
RP_CHECK(rp_check_net_008);
RP_CHECK(rp_check_net_009);

/* Shared by BOOT-002 and BOOT-003 (rmp_boot_002.c): uefiSettings.<member>
 * on a Trusted Launch / Confidential VM. */
int rp_check_uefi_flag(rp_rule_ctx *ctx, const rp_mobj *obj, const char *member, const char *what);
/* Shared by VM-level extension rules (rmp_boot_004.c): when an extension
 * of vm matches one of pubs[i]/types[i], reports it (FAIL if forbidden,
 * else PASS) with present + its name; UNKNOWN when an extension cannot be
 * classified; else the opposite status with absent. */
int rp_check_extension(rp_rule_ctx *ctx, const rp_mobj *vm, const char *const *pubs,
		       const char *const *types, bool forbidden, const char *present,
		       const char *absent);
/* Shared by DATA-014 and DATA-022 (rmp_data_014.c). */
int rp_check_public_network(rp_rule_ctx *ctx, const rp_mobj *obj, const char *what);

/* Shared by NET-001..004 (rmp_net_001.c): Internet exposures of obj (a VM,
 * scale set, or a NIC no VM owns) on the listed ports, every port, or
 * other ports.  FAIL when reachable from every Internet address; UNKNOWN
 * when it may be; else PASS. */
typedef enum rp_net_port_mode {
	RP_NET_PORTS_LISTED = 0,
	RP_NET_PORTS_ALL = 1,
	RP_NET_PORTS_OTHER = 2,
} rp_net_port_mode;
int rp_check_net_internet(rp_rule_ctx *ctx, const rp_mobj *obj, rp_net_port_mode mode,
			  const uint32_t *ports, size_t nports, const char *what);
extern const uint32_t rp_net_mgmt_ports[];
extern const size_t rp_net_nmgmt_ports;
extern const uint32_t rp_net_db_ports[];
extern const size_t rp_net_ndb_ports;

#endif
