/* cmd_flow.c: `rampart flow`: the verdict of one flow to (or from) a VM,
 * NIC or private address, with the public path and the deciding rule of
 * each NSG hop (src/net/topology.h; docs/network.md "rampart flow"). */
#include "cli/cli.h"
#include "cli/net_input.h"
#include "json/json.h"
#include "net/topology.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/str.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PATHS 1024

static bool name_is(const rp_mobj *o, const char *want)
{
	size_t n = strlen(want), k;
	const char *nm;

	if (!o || !o->name)
		return false;
	nm = o->name;
	k = strlen(nm);
	if (k == n && rp_str_ieq(nm, want, n))
		return true;
	/* the last segment of "parent/child" names */
	return k > n && nm[k - n - 1] == '/' && rp_str_ieq(nm + k - n, want, n);
}

/* Remote end of the flow from --from. */
typedef struct remote {
	bool internet;
	const char *tag;
	rp_net_aset set; /* heap */
	char *text;
} remote;

static int parse_from(rp_net_input *in, const char *s, remote *r, const char **err)
{
	rp_net_ival iv;
	rp_net_addr a;
	const char *why = NULL;
	size_t i, found = 0;

	memset(r, 0, sizeof(*r));
	if (!s || (strlen(s) == 8 && rp_str_ieq(s, "Internet", 8))) {
		r->internet = true;
		return 0;
	}
	if (strcmp(s, "*") == 0 || (strlen(s) == 3 && rp_str_ieq(s, "Any", 3)))
		return rp_net_aset_add_all(&r->set);
	if (rp_net_addr_parse(s, strlen(s), &a, &why) == 0)
		return rp_net_aset_add(&r->set, a, a);
	if (strchr(s, '/') && rp_net_prefix_parse(s, strlen(s), &iv, &why) == 0)
		return rp_net_aset_add(&r->set, iv.lo, iv.hi);
	/* a VM or NIC in the inputs: its private addresses */
	for (i = 0; i < in->topo->nipcs; i++) {
		const rp_net_ipc *x = &in->topo->ipcs[i];
		if (name_is(x->owner, s) || name_is(x->nic, s)) {
			if (!x->local_exact) {
				*err = "the source VM has no static private address: give its "
				       "address or subnet prefix with --from";
				return -RP_EINVAL;
			}
			if (rp_net_aset_add_set(&r->set, &x->local) < 0)
				return -RP_ENOMEM;
			found++;
		}
	}
	if (found)
		return 0;
	/* anything else: a service tag (VirtualNetwork, AzureLoadBalancer, Storage...) */
	if (strchr(s, '/') || strchr(s, ':') || (s[0] >= '0' && s[0] <= '9')) {
		*err = why ? why : "not an address, prefix, VM or service tag";
		return -RP_EINVAL;
	}
	r->tag = s;
	return 0;
}

static void write_hop_json(rp_jw *w, const rp_net_hop *h, const char *level)
{
	rp_buf b = RP_BUF_INIT;
	uint32_t line = 0, col = 0;

	rp_jw_object_begin(w);
	rp_jw_key(w, "level");
	rp_jw_string(w, level);
	rp_jw_key(w, "nsg");
	if (h->nsg)
		rp_jw_string(w, h->nsg->name ? h->nsg->name : "NSG");
	else
		rp_jw_null(w);
	rp_jw_key(w, "rule");
	if (h->rule && h->rule->name)
		rp_jw_string(w, h->rule->name);
	else
		rp_jw_null(w);
	rp_jw_key(w, "file");
	if (h->rule && !h->rule->is_default && h->rule->span.src &&
	    rp_source_linecol(h->rule->span.src, h->rule->span.off, &line, &col) == 0)
		rp_jw_string(w, h->rule->span.src->name);
	else
		rp_jw_null(w);
	rp_jw_key(w, "line");
	rp_jw_uint(w, line);
	rp_jw_key(w, "verdict");
	rp_jw_string(w, rp_net_verdict_name((rp_net_verdict)h->verdict));
	rp_jw_key(w, "reason");
	if (h->reason)
		rp_jw_string(w, h->reason);
	else
		rp_jw_null(w);
	rp_jw_object_end(w);
	rp_buf_release(&b);
}

static const char *local_text(const rp_net_ipc *x, rp_buf *b)
{
	b->len = 0;
	if (x->local_exact)
		return rp_net_aset_format(b, &x->local) < 0 ? "?" : b->data;
	if (!x->subnet_prefixes.n)
		return "private address unknown";
	if (rp_buf_puts(b, "dynamic in ") < 0 || rp_net_aset_format(b, &x->subnet_prefixes) < 0)
		return "?";
	return b->data;
}

typedef struct flow_row {
	const rp_net_ipc *x;
	unsigned proto;
	rp_net_answer a;
} flow_row;

static int print_text(FILE *fp, const flow_row *rows, size_t n, const char *from, rp_net_dir dir,
		      uint32_t port)
{
	rp_buf b = RP_BUF_INIT, h = RP_BUF_INIT;
	size_t i;
	int k, rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		const flow_row *r = &rows[i];
		const char *lt = local_text(r->x, &b);
		if (dir == RP_NET_IN)
			fprintf(fp, "%s -> ", from);
		fprintf(fp, "%s (NIC %s, %s %s)", r->x->owner->name ? r->x->owner->name : "?",
			r->x->nic->name ? r->x->nic->name : "?",
			r->x->ipconfig->name ? r->x->ipconfig->name : "?", lt);
		if (dir == RP_NET_OUT)
			fprintf(fp, " -> %s", from);
		if (rp_net_proto_has_ports(r->proto))
			fprintf(fp, ": %s %u %s\n", rp_net_proto_name(r->proto), port,
				rp_net_dir_name(dir));
		else
			fprintf(fp, ": %s %s\n", rp_net_proto_name(r->proto), rp_net_dir_name(dir));
		if (dir == RP_NET_IN && !strcmp(from, "Internet")) {
			if (r->a.endpoint)
				fprintf(fp, "  public path: %s [%s]\n", r->a.endpoint->label,
					rp_net_ep_kind_name((rp_net_ep_kind)r->a.endpoint->kind));
			else
				fprintf(fp, "  public path: none\n");
		}
		for (k = 0; k < 2; k++) {
			const rp_net_hop *hp = &r->a.hop[k];
			bool subnet = (dir == RP_NET_IN) == (k == 0);
			h.len = 0;
			if ((rc = rp_net_hop_format(&h, hp)) < 0)
				break;
			fprintf(fp, "  %-11s %s: %s%s%s\n", subnet ? "subnet NSG" : "NIC NSG",
				h.data ? h.data : "",
				rp_net_verdict_name((rp_net_verdict)hp->verdict),
				hp->reason ? " - " : "", hp->reason ? hp->reason : "");
		}
		fprintf(fp, "  verdict: %s%s\n", rp_net_verdict_name((rp_net_verdict)r->a.verdict),
			r->a.partial ? " (from part of the source only)" : "");
		if (r->a.partial && r->a.allowed.n) {
			h.len = 0;
			if (rp_net_aset_format(&h, &r->a.allowed) == 0 && h.data)
				fprintf(fp, "  allowed from: %s\n", h.data);
		}
		if (r->a.reason)
			fprintf(fp, "  why: %s\n", r->a.reason);
	}
	rp_buf_release(&b);
	rp_buf_release(&h);
	return rc;
}

static int print_json(FILE *fp, const flow_row *rows, size_t n, const char *from, rp_net_dir dir,
		      uint32_t port, const char *overall)
{
	rp_buf out = RP_BUF_INIT, b = RP_BUF_INIT;
	rp_jw w;
	size_t i;
	int rc;

	rp_jw_init(&w, &out, 2);
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "verdict");
	rp_jw_string(&w, overall);
	rp_jw_key(&w, "flows");
	rp_jw_array_begin(&w);
	for (i = 0; i < n; i++) {
		const flow_row *r = &rows[i];
		rp_jw_object_begin(&w);
		rp_jw_key(&w, "resource_type");
		rp_jw_string(&w, r->x->owner->type);
		rp_jw_key(&w, "resource_name");
		rp_jw_string(&w, r->x->owner->name ? r->x->owner->name : "");
		rp_jw_key(&w, "nic");
		rp_jw_string(&w, r->x->nic->name ? r->x->nic->name : "");
		rp_jw_key(&w, "ip_configuration");
		rp_jw_string(&w, r->x->ipconfig->name ? r->x->ipconfig->name : "");
		rp_jw_key(&w, "private_address");
		rp_jw_string(&w, local_text(r->x, &b));
		rp_jw_key(&w, "direction");
		rp_jw_string(&w, rp_net_dir_name(dir));
		rp_jw_key(&w, "remote");
		rp_jw_string(&w, from);
		rp_jw_key(&w, "protocol");
		rp_jw_string(&w, rp_net_proto_name(r->proto));
		rp_jw_key(&w, "port");
		if (rp_net_proto_has_ports(r->proto))
			rp_jw_uint(&w, port);
		else
			rp_jw_null(&w);
		rp_jw_key(&w, "verdict");
		rp_jw_string(&w, rp_net_verdict_name((rp_net_verdict)r->a.verdict));
		rp_jw_key(&w, "partial");
		rp_jw_bool(&w, r->a.partial);
		rp_jw_key(&w, "allowed_from"); /* partial only */
		b.len = 0;
		if (r->a.partial && r->a.allowed.n && rp_net_aset_format(&b, &r->a.allowed) == 0 &&
		    b.data)
			rp_jw_string(&w, b.data);
		else
			rp_jw_null(&w);
		rp_jw_key(&w, "public_endpoint");
		if (r->a.endpoint)
			rp_jw_string(&w, r->a.endpoint->label);
		else
			rp_jw_null(&w);
		rp_jw_key(&w, "endpoint_kind");
		if (r->a.endpoint)
			rp_jw_string(&w, rp_net_ep_kind_name((rp_net_ep_kind)r->a.endpoint->kind));
		else
			rp_jw_null(&w);
		rp_jw_key(&w, "hops");
		rp_jw_array_begin(&w);
		write_hop_json(&w, &r->a.hop[0], dir == RP_NET_IN ? "subnet" : "nic");
		write_hop_json(&w, &r->a.hop[1], dir == RP_NET_IN ? "nic" : "subnet");
		rp_jw_array_end(&w);
		rp_jw_key(&w, "reason");
		if (r->a.reason)
			rp_jw_string(&w, r->a.reason);
		else
			rp_jw_null(&w);
		rp_jw_object_end(&w);
	}
	rp_jw_array_end(&w);
	rp_jw_object_end(&w);
	rc = rp_jw_finish(&w);
	if (rc == 0)
		fwrite(out.data, 1, out.len, fp);
	rp_buf_release(&out);
	rp_buf_release(&b);
	return rc;
}

int rp_cmd_flow(rp_cli *cli, int argc, char **argv)
{
	enum { O_TO = 256, O_PORT, O_PROTO, O_FROM, O_DIR, O_FORMAT, O_PARAMS };
	static const struct option opts[] = {
		{ "to", required_argument, NULL, O_TO },
		{ "port", required_argument, NULL, O_PORT },
		{ "proto", required_argument, NULL, O_PROTO },
		{ "from", required_argument, NULL, O_FROM },
		{ "direction", required_argument, NULL, O_DIR },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "params", required_argument, NULL, O_PARAMS },
		{ NULL, 0, NULL, 0 },
	};
	const rp_command *self = rp_command_find("flow");
	const char *to = NULL, *from = NULL, *proto_s = NULL, *format = "text", *params = NULL;
	const char *port_s = NULL, *err = NULL;
	rp_net_dir dir = RP_NET_IN;
	unsigned protos = 0, p;
	long port = 0;
	rp_net_input in;
	remote rm;
	flow_row *rows = NULL;
	size_t nrows = 0, i;
	rp_net_addr target_ip;
	bool by_ip = false, any_allow = false, any_unknown = false;
	int c, rc = RP_EXIT_OK;

	memset(&in, 0, sizeof(in));
	memset(&rm, 0, sizeof(rm));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_TO: to = optarg; break;
		case O_PORT: port_s = optarg; break;
		case O_PROTO: proto_s = optarg; break;
		case O_FROM: from = optarg; break;
		case O_DIR:
			if (strcmp(optarg, "in") == 0)
				dir = RP_NET_IN;
			else if (strcmp(optarg, "out") == 0)
				dir = RP_NET_OUT;
			else
				return rp_cli_usage_error(cli, self, "--direction is in or out");
			break;
		case O_FORMAT: format = optarg; break;
		case O_PARAMS: params = optarg; break;
		default:
			return rp_cli_usage_error(cli, self, "unknown option or missing value '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return rp_cli_usage_error(cli, self, "no PATH");
	if (argc - optind > MAX_PATHS)
		return rp_cli_usage_error(cli, self, "more than %d paths", MAX_PATHS);
	if (!to)
		return rp_cli_usage_error(cli, self, "--to VM|NIC|IP is required");
	if (!proto_s)
		return rp_cli_usage_error(cli, self, "--proto tcp|udp|icmp|* is required");
	if (strcmp(proto_s, "*") == 0 || (strlen(proto_s) == 3 && rp_str_ieq(proto_s, "any", 3))) {
		protos = RP_NET_PROTO_ALL;
	} else {
		int pr = rp_net_proto_parse(proto_s, strlen(proto_s));
		if (pr < 0)
			return rp_cli_usage_error(cli, self, "unknown protocol '%s'", proto_s);
		protos = 1u << pr;
	}
	if (port_s) {
		char *end = NULL;
		port = strtol(port_s, &end, 10);
		if (!*port_s || *end || port < 0 || port > 65535)
			return rp_cli_usage_error(cli, self, "--port is a number 0-65535");
	} else if (protos & ((1u << RP_NET_TCP) | (1u << RP_NET_UDP))) {
		return rp_cli_usage_error(cli, self, "--port P is required for tcp and udp");
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return rp_cli_usage_error(cli, self, "--format is text or json");
	{
		const char *why = NULL;
		by_ip = rp_net_addr_parse(to, strlen(to), &target_ip, &why) == 0;
	}

	rc = rp_net_input_load(cli, (const char *const *)argv + optind, (size_t)(argc - optind),
			       params, &in);
	if (rc != RP_EXIT_OK)
		goto out;
	if (parse_from(&in, from, &rm, &err) < 0) {
		fprintf(stderr, "rampart: error: --from %s: %s\n", from ? from : "",
			err ? err : "");
		rc = RP_EXIT_USAGE;
		goto out;
	}
	rows = calloc(in.topo->nipcs * RP_NET_NPROTO + 1, sizeof(*rows));
	if (!rows) {
		rc = RP_EXIT_INTERNAL;
		goto out;
	}
	for (i = 0; i < in.topo->nipcs && rc == RP_EXIT_OK; i++) {
		rp_net_ipc *x = &in.topo->ipcs[i];
		rp_net_ipc one;
		const rp_net_ipc *use = x;
		if (by_ip) {
			if (!rp_net_aset_contains(&x->local, &target_ip))
				continue;
			/* evaluate at exactly that address */
			one = *x;
			one.local.v = rp_arena_calloc(in.topo->arena, 1, sizeof(*one.local.v));
			if (!one.local.v) {
				rc = RP_EXIT_INTERNAL;
				break;
			}
			one.local.v[0].lo = one.local.v[0].hi = target_ip;
			one.local.n = 1;
			one.local_exact = true;
			x = rp_arena_calloc(in.topo->arena, 1, sizeof(*x));
			if (!x) {
				rc = RP_EXIT_INTERNAL;
				break;
			}
			*x = one;
			use = x;
		} else if (!name_is(x->owner, to) && !name_is(x->nic, to)) {
			continue;
		}
		for (p = 0; p < RP_NET_NPROTO; p++) {
			rp_net_query q;
			int r;
			if (!(protos & (1u << p)))
				continue;
			memset(&q, 0, sizeof(q));
			q.dir = dir;
			q.proto = p;
			q.port = (uint32_t)port;
			q.from_internet = rm.internet;
			q.remote_tag = rm.tag;
			q.remote = rm.set;
			r = rp_net_topo_query(in.topo, use, &q, &rows[nrows].a);
			if (r < 0) {
				rc = rp_cli_exit_for(r);
				break;
			}
			rows[nrows].x = use;
			rows[nrows].proto = p;
			if (rows[nrows].a.verdict == RP_NET_ALLOW)
				any_allow = true;
			else if (rows[nrows].a.verdict == RP_NET_UNKNOWN)
				any_unknown = true;
			nrows++;
		}
	}
	if (rc != RP_EXIT_OK)
		goto out;
	if (nrows == 0) {
		fprintf(stderr,
			"rampart: error: --to %s: no VM, scale set, NIC or private address of that "
			"name in the inputs\n",
			to);
		rc = RP_EXIT_USAGE;
		goto out;
	}
	{
		const char *fromtxt = from ? from : "Internet";
		const char *overall = any_allow ? "allow" : any_unknown ? "unknown" : "deny";
		int r = strcmp(format, "json") == 0
				? print_json(stdout, rows, nrows, fromtxt, dir, (uint32_t)port,
					     overall)
				: print_text(stdout, rows, nrows, fromtxt, dir, (uint32_t)port);
		if (r < 0) {
			rc = RP_EXIT_INTERNAL;
			goto out;
		}
		if (fflush(stdout) != 0) {
			rc = RP_EXIT_INTERNAL;
			goto out;
		}
	}
	rc = any_allow ? RP_EXIT_OK : RP_EXIT_FINDINGS;
out:
	free(rows);
	rp_net_aset_release(&rm.set);
	rp_net_input_release(&in);
	return rc;
}
