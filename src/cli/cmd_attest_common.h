/* cmd_attest_common.h: helpers shared by `rampart eventlog` and
 * `rampart attest` (defined in cmd_eventlog.c). */
#ifndef RP_CLI_CMD_ATTEST_COMMON_H
#define RP_CLI_CMD_ATTEST_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "attest/tpm.h"
#include "cli/cli.h"
#include "json/json.h"

/* "sha256", or "0x0020" for an unknown algorithm. */
void rp_cli_attest_bank_name(uint16_t alg, char *dst, size_t cap);
/* Prints diagnostics about binary inputs as "FILE: offset N: level: msg". */
void rp_cli_attest_print_binary_diags(const rp_cli *cli, const rp_diag *d);
/* {"sha256": {"0": "hex", ...}, ...} for the PCRs in mask. */
void rp_cli_attest_pcrs_json(rp_jw *w, const rp_pcr_set *s, uint32_t mask);

#endif
