/* commands.c: the subcommand registry.  One static table, in the order
 * `rampart --help` lists them.  Add a row here and a handler in cmd_*.c. */
#include "cli/cli.h"

#include <string.h>

const rp_command rp_commands[] = {
	{
		"json",
		"check JSON files: syntax, extensions in use, duplicate keys",
		"rampart json [--strict] [--print] [--format text|json] FILE...",
		"Parses each FILE with rampart's position-aware reader and reports, with\n"
		"file:line:col, the first syntax error, every duplicate key and the uses\n"
		"of ARM's extensions to strict JSON (comments, multi-line strings,\n"
		"trailing commas, a byte order mark).  FILE - reads standard input.\n"
		"\n"
		"  --strict           accept RFC 8259 JSON only (default: ARM's extended JSON)\n"
		"  --print            print each document re-serialised, indented\n"
		"  --format FORMAT    text (default) or json\n"
		"\n"
		"Exit status: 0 all files parsed, 2 a file could not be read or parsed.",
		rp_cmd_json,
	},
	{
		"attest",
		"verify boot integrity: event log replay, TPM 2.0 quote, boot policy",
		"rampart attest [--eventlog FILE] [--quote MSG --signature SIG --ak KEY --nonce "
		"HEX]\n"
		"                      [--pcrs FILE] [--policy FILE] [--format text|json|sarif]\n"
		"       rampart attest --init-policy --eventlog FILE",
		"A gate to call before workloads start.  Replays the firmware event log\n"
		"(PCR values per bank, StartupLocality honoured), verifies a TPM 2.0 quote\n"
		"(TPMS_ATTEST magic and type TPM_ST_ATTEST_QUOTE only, nonce, RSASSA/RSAPSS/\n"
		"ECDSA signature with the attestation key, pcrDigest against the replayed\n"
		"PCRs or a PCR file) and evaluates a boot policy (Secure Boot, PK/KEK/db\n"
		"allow-lists, dbx revocations, boot applications, separators, forbidden\n"
		"events, expected PCRs).  Every failed check names the event that caused it.\n"
		"Policy format: docs/attest.md.\n"
		"\n"
		"  --eventlog FILE    TCG PC Client event log (binary_bios_measurements)\n"
		"  --quote MSG        TPMS_ATTEST as written by tpm2_quote -m\n"
		"  --signature SIG    TPMT_SIGNATURE (tpm2_quote -s) or a plain signature\n"
		"  --ak KEY           attestation key: PEM public key or TPM2B_PUBLIC\n"
		"  --nonce HEX        expected extraData (\"\" for none)\n"
		"  --pcrs FILE        tpm2_quote -o PCR file (serialized or -F values)\n"
		"  --hash ALG         signature hash for plain signatures (default: AK scheme, "
		"sha256)\n"
		"  --policy FILE      boot policy (JSON)\n"
		"  --format FORMAT    text (default), json or sarif\n"
		"  --init-policy      print a policy built from a known-good --eventlog\n"
		"  --ebs-workaround   replay the ExitBootServices events firmware omitted\n"
		"\n"
		"Exit status: 0 trusted, 1 untrusted (a check failed or is unknown),\n"
		"2 bad input, 3 internal error.",
		rp_cmd_attest,
	},
	{
		"eventlog",
		"print a TCG firmware event log: events, payloads, replayed PCRs",
		"rampart eventlog [--format text|json] [--ebs-workaround] FILE",
		"Parses a TCG PC Client firmware event log (binary_bios_measurements, SHA-1\n"
		"or crypto-agile format) and prints every event with its digests, the\n"
		"decoded payload (UEFI variables, signature lists, device paths, strings),\n"
		"the digest self-check where the spec defines one, and the replayed PCRs.\n"
		"See docs/attest.md.\n"
		"\n"
		"  --format FORMAT    text (default) or json\n"
		"  --ebs-workaround   extend PCR5 with the ExitBootServices actions when the\n"
		"                     firmware did not log them (go-attestation's workaround)\n"
		"\n"
		"Exit status: 0 parsed, 2 unreadable or malformed log (the error names the\n"
		"byte offset), 3 internal error.",
		rp_cmd_eventlog,
	},
	{
		"eval",
		"evaluate an ARM template offline and print its resources as JSON",
		"rampart eval [--params FILE] [--positions] [--enumerate] [--root DIR] "
		"[--subscription-id ID] [--resource-group NAME] [--location LOC] FILE",
		"Evaluates the ARM template FILE as Azure Resource Manager would, without\n"
		"network access: parameters (from --params FILE, or the paired\n"
		"X.parameters.json / azuredeploy.parameters.json beside FILE), variables,\n"
		"user functions, conditions, copy loops, child resources, nested and\n"
		"linked deployments (linked files only under the root).  Prints each\n"
		"resource's type, full name, resource ID, apiVersion, location, condition\n"
		"and properties as JSON.  Values rampart cannot know offline are written\n"
		"as {\"$unknown\": reason}; secure parameter values as {\"$secure\": true}.\n"
		"\n"
		"  --params FILE          parameters file (default: paired automatically)\n"
		"  --no-params            do not pair a parameters file\n"
		"  --positions            add file:line:col of every resource and property value\n"
		"  --enumerate            one evaluation per combination of allowedValues of\n"
		"                         parameters without a value (printed as an array)\n"
		"  --root DIR             linked templates are read only under DIR\n"
		"                         (default: the template's directory)\n"
		"  --subscription-id ID, --resource-group NAME, --location LOC,\n"
		"  --tenant-id ID, --deployment-name NAME, --management-group NAME\n"
		"                         deployment context (defaults: see "
		"docs/arm-evaluation.md)\n"
		"\n"
		"Exit status: 0 evaluated, 2 bad input (a diagnostic says where), 3 internal "
		"error.",
		rp_cmd_eval,
	},
	{
		"scan",
		"check ARM deployments layer by layer: boot, host, data, monitoring",
		"rampart scan [OPTIONS] PATH...",
		"Evaluates every ARM template in PATH (files; directories are walked for\n"
		"*.json files recognized as templates by their content; parameters files\n"
		"are paired with their template, never scanned), builds the resource model,\n"
		"runs the rules (`rampart rules`) and writes a report.\n"
		"\n"
		"  -f, --format FORMAT      text (default), json, sarif, junit or html\n"
		"  -o, --output FILE        write the report to FILE instead of stdout\n"
		"  --fail-on SEVERITY       exit 1 if an unsuppressed failure has this severity\n"
		"                           or higher: info, low, medium, high (default),\n"
		"                           critical, or none\n"
		"  --rule ID,...            run only these rules\n"
		"  --skip-rule ID,...       do not run these rules\n"
		"  --params FILE            parameters file for every template\n"
		"  --baseline FILE          suppress findings whose fingerprint is in FILE\n"
		"  --write-baseline FILE    write the open findings' fingerprints to FILE\n"
		"  -j, --jobs N             evaluate N files in parallel (default 1)\n"
		"  --subscription-id ID, --resource-group NAME, --location LOC\n"
		"                           deployment context for the ARM evaluation\n"
		"  --assume trusted-launch-default\n"
		"                           model the Trusted-Launch-by-default preview\n"
		"  --min-depth N            RMP-DEPTH-001: an Internet-reachable asset needs N\n"
		"                           of its 5 layers to hold (1-5, default 3)\n"
		"  --show-pass              text: list passing checks too\n"
		"  --notes                  also print note-level diagnostics\n"
		"  --input KIND             read every file as arm, tfplan (terraform show\n"
		"                           -json) or export; default auto (by content)\n"
		"\n"
		"Inline suppressions: \"metadata\": {\"rampart\": {\"skip\": [{\"id\": ...,\n"
		"\"reason\": ..., \"expires\": \"YYYY-MM-DD\"}]}} in a resource; one without a\n"
		"reason, or expired, is not applied and is reported (RMP-META-001).\n"
		"RAMPART_TODAY=YYYY-MM-DD overrides today's date.  Formats: "
		"docs/output-formats.md.\n"
		"\n"
		"Exit status: 0 nothing at or above --fail-on, 1 findings at or above it,\n"
		"2 usage error or a file that could not be read or evaluated, 3 internal error.",
		rp_cmd_scan,
	},
	{
		"watch",
		"check flow logs and activity logs: drift, exposure, scans, weakening changes",
		"rampart watch [OPTIONS] [PATH...]",
		"Reads NSG flow logs (v1, v2), VNet flow logs and Azure Activity Log\n"
		"records (Event Hubs/storage {\"records\": [...]}, JSON Lines, REST) from\n"
		"files, directories (*.json, walked) or standard input (no PATH, or -),\n"
		"and raises RMP-WATCH findings (`rampart rules`): Internet flows accepted\n"
		"on management or database ports, port scans and host sweeps, new\n"
		"external peers, traffic spikes, and Activity Log changes that weaken a\n"
		"layer.  Windows run on the logs' own timestamps.\n"
		"\n"
		"  -f, --format FORMAT      jsonl (default: one JSON line per finding on\n"
		"                           stdout, as raised), or text, json, sarif, junit\n"
		"                           (a report at exit)\n"
		"  -o, --output FILE        write the report to FILE\n"
		"  --stream FILE            write the JSON lines to FILE (with a report format)\n"
		"  --model PATH             the intended deployment (ARM template, Terraform\n"
		"                           plan or export; repeatable): flows it denies are\n"
		"                           drift (RMP-WATCH-001) or east-west (003)\n"
		"  --fail-on SEVERITY       exit 1 if a finding has this severity or higher\n"
		"                           (default high; none to never fail)\n"
		"  --kafka BROKERS          consume records from Kafka (Azure Event Hubs: port\n"
		"                           9093, -X security.protocol=SASL_SSL ...) as a\n"
		"                           member of a consumer group, instead of PATHs\n"
		"  --topic TOPIC, --group GROUP\n"
		"                           --kafka: the topic and the consumer group\n"
		"  -X KEY=VALUE             --kafka: a librdkafka setting (repeatable)\n"
		"  --follow                 keep reading blocks appended to the files\n"
		"  --interval SECONDS       --follow: poll interval (default 5)\n"
		"  --idle-exit SECONDS      --follow, --kafka: stop after SECONDS without new "
		"data\n"
		"  --exec CMD               run CMD per finding, the finding's JSON on its\n"
		"                           stdin (split on blanks, no shell)\n"
		"  --exec-timeout SECONDS   kill CMD after SECONDS (default 10)\n"
		"  --scan-ports N           port scan: more than N ports per source (50)\n"
		"  --scan-window SECONDS    port scan window (300)\n"
		"  --sweep-hosts N          host sweep: more than N hosts on a port (20)\n"
		"  --sweep-window SECONDS   host sweep window (3600)\n"
		"  --lateness SECONDS       allowed lateness of records (600)\n"
		"  --peer-baseline SECONDS  new-peer baseline period (86400)\n"
		"  --spike-k K              traffic spike: standard deviations (3)\n"
		"  --spike-floor BYTES      traffic spike: minimum bytes per interval (10000000)\n"
		"  --max-keys N             keys tracked per detector (65536)\n"
		"  --skip-rule ID,...       do not raise these rules\n"
		"  --no-status              no live summary on a terminal\n"
		"\n"
		"Formats and detections: docs/watch.md.\n"
		"\n"
		"Exit status: 0 nothing at or above --fail-on, 1 findings at or above it,\n"
		"2 usage error or bad input (a diagnostic says where), 3 internal error.",
		rp_cmd_watch,
	},
	{
		"flow",
		"evaluate one flow exactly through the NSGs: verdict, public path, deciding rules",
		"rampart flow PATH... --to VM|NIC|IP --proto tcp|udp|icmp|esp|ah|* [--port P]\n"
		"                    [--from Internet|IP|CIDR|VM|TAG] [--direction in|out]\n"
		"                    [--format text|json] [--params FILE]",
		"Loads every ARM template, Terraform plan and export under PATH into one\n"
		"model and evaluates one flow to (or, with --direction out, from) the\n"
		"ipConfigurations of a VM, scale set or NIC, or a private address: the NSGs\n"
		"on the path (inbound: subnet then NIC; outbound: NIC then subnet) with\n"
		"priorities, Deny, the default rules, service tags and ASGs.  Prints the\n"
		"verdict, the public path (public IP, load balancer rule / NAT rule / NAT\n"
		"pool with the frontend -> backend port mapping) and the deciding rule of\n"
		"each hop with file:line.  See docs/network.md.\n"
		"\n"
		"  --to NAME|IP        VM, scale set or NIC name, or a private address\n"
		"  --port P            destination port at the NIC (tcp, udp)\n"
		"  --proto PROTO       tcp, udp, icmp, esp, ah or * (every protocol)\n"
		"  --from REMOTE       Internet (default), an address, a CIDR prefix, a VM\n"
		"                      with a static address, or a service tag\n"
		"  --direction in|out  inbound (default) or outbound from the target\n"
		"  --format FORMAT     text (default) or json\n"
		"  --params FILE       parameters for every template\n"
		"\n"
		"Exit status: 0 allowed (from at least part of the remote addresses), 1\n"
		"denied or unknown, 2 bad input or no such target, 3 internal error.",
		rp_cmd_flow,
	},
	{
		"graph",
		"print the reachability graph (Internet, endpoints, subnets, VMs) as DOT",
		"rampart graph PATH... [--format dot] [--group-above N] [--params FILE]",
		"Loads every input under PATH into one model and prints who reaches what\n"
		"as Graphviz DOT text: the Internet, public endpoints, subnets (clusters)\n"
		"and machines; edges labelled with protocols and ports, dashed where it\n"
		"is unknown.  Render with `dot -Tsvg`.  See docs/network.md.\n"
		"\n"
		"  --format dot        the only format\n"
		"  --group-above N     one node per subnet above N ipConfigurations\n"
		"                      (default 40; 0 never)\n"
		"  --params FILE       parameters for every template\n"
		"\n"
		"Exit status: 0 printed, 2 bad input, 3 internal error.",
		rp_cmd_graph,
	},
	{
		"rules",
		"list the rule catalog",
		"rampart rules [--format text|json|markdown]",
		"Lists every rule: ID, layer, severity and title (text), everything\n"
		"including rationale, remediation and references (json), or the\n"
		"Markdown of docs/rules.md (markdown).",
		rp_cmd_rules,
	},
	{
		"explain",
		"explain one rule: why it matters, how to fix it, references",
		"rampart explain RULE-ID",
		"Prints the rule's title, layer, severity, rationale, remediation and its\n"
		"Microsoft cloud security benchmark and CIS references.\n"
		"\n"
		"Exit status: 0 printed, 2 unknown rule.",
		rp_cmd_explain,
	},
	{
		"help",
		"show help for rampart or for one command",
		"rampart help [COMMAND]",
		"Without COMMAND, lists the commands; with it, shows its usage and options.",
		rp_cmd_help,
	},
	{
		"version",
		"print rampart's version",
		"rampart version",
		"Prints the version, as `rampart --version` does.",
		rp_cmd_version,
	},
};

const size_t rp_ncommands = sizeof(rp_commands) / sizeof(rp_commands[0]);

const rp_command *rp_command_find(const char *name)
{
	size_t i;

	for (i = 0; i < rp_ncommands; i++)
		if (strcmp(rp_commands[i].name, name) == 0)
			return &rp_commands[i];
	return NULL;
}
