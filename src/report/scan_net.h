/* scan_net.h: the network part of a scan (internal to src/report). */
#ifndef RP_REPORT_SCAN_NET_H
#define RP_REPORT_SCAN_NET_H

#include "model/model.h"
#include "net/topology.h"
#include "report/report.h"
#include "util/diag.h"

/* Builds the topology of m, adds its exposures to rep and returns the
 * topology in *out (the caller frees it after the rules ran).  Problems in
 * security rules become warnings in diag.  0 or -RP_ENOMEM. */
int rpt_scan_net(const rp_model *m, rp_report *rep, rp_diag *diag, rp_net_topo **out);

#endif
