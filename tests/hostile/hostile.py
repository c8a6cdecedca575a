#!/usr/bin/env python3
"""hostile.py RAMPART SHARED_DIR: hostile inputs end in a clean diagnostic.

Each case writes its input into a fresh temporary directory, runs rampart
on it under setrlimit (CPU seconds and address space) and checks:
  - the exit status is the expected one (2 for refused input, 0/1 when the
    input is valid but extreme and rampart must simply cope);
  - stderr carries the expected diagnostic (a regular expression);
  - no crash (no signal, no sanitizer report), and within the limits:
    2 s of CPU and 256 MB peak RSS (ru_maxrss of the child, from wait4).

The address-space limit (RLIMIT_AS) is the hard stop in plain builds; a
sanitizer build reserves terabytes of shadow memory, so there only
RLIMIT_CPU applies and the CPU and RSS budgets are scaled by
RAMPART_SANITIZED's factor (tests/meson.build sets it).  A wall-clock
timeout catches a process that blocks (a FIFO opened for reading).

Nothing here reads outside the temporary directory except ../shared
fixtures (read-only), which some cases copy and then damage.
"""
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

GENERATE = len(sys.argv) > 1 and sys.argv[1] == "--generate"
if GENERATE:
    # hostile.py --generate SHARED NAME DIR: writes one case's input into DIR
    # and prints its argv as JSON (in a separate process, so the runner stays
    # small: a forked child's peak RSS starts at its parent's).
    SHARED = os.path.abspath(sys.argv[2])
else:
    RAMPART = os.path.abspath(sys.argv[1])
    SHARED = os.path.abspath(sys.argv[2])
    ONLY = sys.argv[3:]  # optional case names

SANITIZED = int(os.environ.get("RAMPART_SANITIZED", "0") or "0")
CPU_LIMIT = 2.0
RSS_LIMIT = 256 << 20
if SANITIZED:
    # ASan+UBSan: about 3x slower and 2-3x the memory.
    CPU_LIMIT *= 5
    RSS_LIMIT *= 3
WALL_LIMIT = 60.0  # a blocked process, not a slow one (machines are noisy)
# make check VALGRIND=1 (tests/valgrind/wrap.sh): rampart runs under
# memcheck, 20-50x slower and in valgrind's own address space; the cases
# check exit codes, diagnostics and memcheck's verdict (exit 99), and the
# budgets are those of the plain build's run, not of memcheck's.
VALGRIND = os.environ.get("RAMPART_VALGRIND") == "1"
if VALGRIND:
    CPU_LIMIT *= 100
    RSS_LIMIT = 1 << 62
    WALL_LIMIT *= 20

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def template(**kw):
    t = {"$schema": SCHEMA, "contentVersion": "1.0.0.0"}
    t.update(kw)
    if "resources" not in t:
        t["resources"] = []
    return t


def write(d, name, data):
    p = os.path.join(d, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    mode = "wb" if isinstance(data, (bytes, bytearray)) else "w"
    with open(p, mode) as f:
        if isinstance(data, (dict, list)):
            json.dump(data, f)
        else:
            f.write(data)
    return p


def template_text(variables_body):
    """A template whose variables object is the raw JSON text given."""
    return ('{"$schema":"%s","contentVersion":"1.0.0.0","variables":{%s},"resources":[]}'
            % (SCHEMA, variables_body))


def nested(rel):
    return template(resources=[{
        "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
        "name": "n", "properties": {"mode": "Incremental",
                                     "templateLink": {"relativePath": rel}}}])


# ---- case generators: each returns the argv after RAMPART ----

def c_json_deep_array(d):
    return ["json", write(d, "deep.json", "[" * 1000000 + "]" * 1000000)]


def c_scan_deep_object(d):
    body = '"a":' + '{"a":' * 1000000 + "1" + "}" * 1000000
    return ["scan", write(d, "t.json", template_text(body))]


def c_json_declared_huge_length(d):
    # A string that claims to go on forever: an opening quote, then EOF.
    return ["json", write(d, "open.json", '{"a":"' + "x" * 1000)]


def c_scan_huge_string(d):
    return ["scan", write(d, "t.json", template_text('"s":"%s"' % ("A" * 15000000)))]


def c_scan_file_too_large(d):
    return ["scan", write(d, "t.json", template_text('"s":"%s"' % ("A" * 40000000)))]


def c_scan_million_keys(d):
    # in a resource's tags: read, converted and checked, never evaluated
    tags = ",".join('"k%d":"%d"' % (i, i % 10) for i in range(1000000))
    body = ('{"$schema":"%s","contentVersion":"1.0.0.0","resources":[{"type":'
            '"Microsoft.Network/networkSecurityGroups","apiVersion":"2023-09-01",'
            '"name":"n","location":"westus","tags":{%s},"properties":{}}]}' % (SCHEMA, tags))
    return ["scan", write(d, "t.json", body)]


def c_scan_million_duplicate_keys(d):
    body = ",".join('"k":%d' % (i % 10) for i in range(1000000))
    return ["scan", write(d, "t.json", template_text(body))]


def c_json_million_duplicate_keys(d):
    body = ",".join('"k":%d' % (i % 10) for i in range(1000000))
    return ["json", write(d, "t.json", "{" + body + "}")]


def c_scan_invalid_utf8(d):
    return ["scan", write(d, "t.json", template_text('"a":"x\xff\xfe"').encode("latin-1"))]


def c_scan_nul_in_string(d):
    return ["scan", write(d, "t.json", template_text('"a":"x\x00y"'))]


def c_scan_nul_outside_string(d):
    return ["scan", write(d, "t.json", template_text('"a":1') + "\x00")]


def c_scan_copy_billion(d):
    t = template(resources=[{
        "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01",
        "name": "[concat('s', copyIndex())]", "location": "westus",
        "copy": {"name": "c", "count": 800},
        "properties": {"copy": [{"name": "p", "count": 800,
                                 "input": {"x": "[range(0, 800)]"}}]}}])
    return ["scan", write(d, "t.json", t)]


def c_scan_variable_copy_billion(d):
    v = {"copy": [{"name": "a", "count": 800, "input": "[range(0, 800)]"}],
         "b": "[variables('a')]"}
    t = template(variables=v, resources=[{
        "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01",
        "name": "[concat('s', copyIndex())]", "location": "westus",
        "copy": {"name": "c", "count": 800},
        "properties": {"x": "[variables('b')]"}}])
    return ["scan", write(d, "t.json", t)]


def c_scan_doubling_expression(d):
    v = {"v0": "ab"}
    for i in range(1, 64):
        v["v%d" % i] = "[concat(variables('v%d'), variables('v%d'))]" % (i - 1, i - 1)
    t = template(variables=v, outputs={"o": {"type": "string", "value": "[variables('v63')]"}})
    return ["scan", write(d, "t.json", t)]


def c_scan_doubling_array(d):
    v = {"v0": [1, 2]}
    for i in range(1, 64):
        v["v%d" % i] = "[concat(variables('v%d'), variables('v%d'))]" % (i - 1, i - 1)
    t = template(variables=v, outputs={"o": {"type": "array", "value": "[variables('v63')]"}})
    return ["scan", write(d, "t.json", t)]


def c_scan_expression_too_long(d):
    expr = "[concat(" + ",".join(["'a'"] * 7000) + ")]"
    t = template(variables={"v": expr}, outputs={"o": {"type": "string", "value": "[variables('v')]"}})
    return ["scan", write(d, "t.json", t)]


def c_scan_expression_deep(d):
    expr = "[" + "not(" * 2000 + "true" + ")" * 2000 + "]"  # under the length limit
    t = template(variables={"v": expr}, outputs={"o": {"type": "bool", "value": "[variables('v')]"}})
    return ["scan", write(d, "t.json", t)]


def c_scan_cyclic_variables(d):
    t = template(variables={"a": "[variables('b')]", "b": "[variables('c')]",
                            "c": "[variables('a')]"},
                 outputs={"o": {"type": "string", "value": "[variables('a')]"}})
    return ["scan", write(d, "t.json", t)]


def c_scan_cyclic_functions(d):
    fn = {"parameters": [{"name": "x", "type": "int"}], "output": {"type": "int"}}
    f = dict(fn, output={"type": "int", "value": "[n.g(parameters('x'))]"})
    g = dict(fn, output={"type": "int", "value": "[n.f(parameters('x'))]"})
    t = template(functions=[{"namespace": "n", "members": {"f": f, "g": g}}],
                 outputs={"o": {"type": "int", "value": "[n.f(1)]"}})
    return ["scan", write(d, "t.json", t)]


def c_scan_self_including_deployment(d):
    write(d, "root/main.json", nested("main.json"))
    return ["scan", os.path.join(d, "root")]


def c_scan_mutually_including_deployments(d):
    write(d, "root/a.json", nested("b.json"))
    write(d, "root/b.json", nested("a.json"))
    return ["scan", os.path.join(d, "root", "a.json")]


def c_scan_template_link_outside_root(d):
    write(d, "secret.json", template())
    write(d, "root/main.json", nested("../secret.json"))
    return ["scan", os.path.join(d, "root")]


def c_scan_template_link_device(d):
    write(d, "root/main.json", nested("/dev/zero"))
    return ["scan", os.path.join(d, "root")]


def c_scan_template_link_symlink_to_device(d):
    write(d, "root/main.json", nested("z.json"))
    os.symlink("/dev/zero", os.path.join(d, "root", "z.json"))
    return ["scan", os.path.join(d, "root", "main.json")]


def c_scan_template_link_uri(d):
    t = template(resources=[{
        "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
        "name": "n", "properties": {"mode": "Incremental", "templateLink": {
            "uri": "https://raw.githubusercontent.com/x/y/main/azuredeploy.json"}}}])
    return ["scan", write(d, "t.json", t)]


def c_scan_symlink_loops(d):
    write(d, "root/a/t.json", template())
    os.symlink("..", os.path.join(d, "root", "a", "up"))
    os.symlink("loop2", os.path.join(d, "root", "loop1"))
    os.symlink("loop1", os.path.join(d, "root", "loop2"))
    return ["scan", os.path.join(d, "root")]


def c_scan_fifo_argument(d):
    p = os.path.join(d, "fifo.json")
    os.mkfifo(p)
    return ["scan", p]


def c_scan_fifo_and_device_in_tree(d):
    write(d, "root/t.json", template())
    os.mkfifo(os.path.join(d, "root", "f.json"))
    os.symlink("/dev/zero", os.path.join(d, "root", "zero.json"))
    os.symlink("/dev/stdin", os.path.join(d, "root", "stdin.json"))
    return ["scan", os.path.join(d, "root")]


def c_scan_device_argument(d):
    return ["scan", "/dev/zero"]


def c_scan_params_deep(d):
    write(d, "t.json", template(parameters={"p": {"type": "object"}}))
    p = write(d, "t.parameters.json",
              '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/'
              'deploymentParameters.json#","contentVersion":"1.0.0.0","parameters":'
              '{"p":{"value":' + "[" * 100000 + "]" * 100000 + "}}}")
    return ["scan", os.path.join(d, "t.json"), "--params", p]


def c_scan_tfplan_deep(d):
    body = ('{"format_version":"1.2","terraform_version":"1.6.0","planned_values":'
            '{"root_module":{"resources":[{"address":"azurerm_x.y","type":"azurerm_x",'
            '"name":"y","values":{"a":' + "[" * 1000000 + "]" * 1000000 + "}}]}}}")
    return ["scan", write(d, "plan.json", body)]


def c_scan_tfplan_million_resources(d):
    res = ",".join('{"address":"azurerm_network_security_group.n%d","mode":"managed",'
                   '"type":"azurerm_network_security_group","name":"n%d","values":{}}'
                   % (i, i) for i in range(150000))
    body = ('{"format_version":"1.2","terraform_version":"1.6.0","planned_values":'
            '{"root_module":{"resources":[' + res + "]}}}")
    return ["scan", write(d, "plan.json", body)]


def c_scan_export_nul_and_utf8(d):
    body = b'[{"id":"/subscriptions/0/resourceGroups/g/providers/Microsoft.Compute/' \
           b'virtualMachines/v\x00m","type":"Microsoft.Compute/virtualMachines",' \
           b'"name":"v\xc0\xafm","properties":{}}]'
    return ["scan", write(d, "export.json", body)]


def real_log():
    return os.path.join(SHARED, "eventlog", "go-attestation", "crypto_agile_eventlog")


def c_eventlog_size_past_file(d):
    data = bytearray(open(real_log(), "rb").read())
    # The first event (SHA-1 format): PCRIndex, EventType, SHA1[20], EventSize.
    data[28:32] = (0xFFFFFFF0).to_bytes(4, "little")
    return ["eventlog", write(d, "log.bin", bytes(data))]


def c_eventlog_truncated(d):
    data = open(real_log(), "rb").read()
    return ["eventlog", write(d, "log.bin", data[: len(data) * 2 // 3 + 5])]


def c_eventlog_spec_event_huge_banks(d):
    data = bytearray(open(real_log(), "rb").read())
    # The spec event's numberOfAlgorithms (after the 24-byte signature,
    # platformClass, versions and uintnSize: offset 32 + 24).
    data[56:60] = (0x7FFFFFFF).to_bytes(4, "little")
    return ["eventlog", write(d, "log.bin", bytes(data))]


def gce(name):
    return os.path.join(SHARED, "eventlog", "go-attestation", "windows_gcp_shielded_vm." + name)


def c_attest_truncated_quote(d):
    q = open(gce("quote.msg"), "rb").read()
    return ["attest", "--quote", write(d, "q.bin", q[: len(q) // 2]),
            "--signature", gce("quote.sig"), "--ak", gce("ak.tpm2b_public"), "--nonce", ""]


def c_attest_quote_huge_tpm2b(d):
    q = bytearray(open(gce("quote.msg"), "rb").read())
    # magic(4) type(2) qualifiedSigner.size(2): claim 65535 bytes.
    q[6:8] = b"\xff\xff"
    return ["attest", "--quote", write(d, "q.bin", bytes(q)),
            "--signature", gce("quote.sig"), "--ak", gce("ak.tpm2b_public"), "--nonce", ""]


def c_attest_truncated_signature(d):
    s = open(gce("quote.sig"), "rb").read()
    return ["attest", "--quote", gce("quote.msg"), "--signature",
            write(d, "s.bin", s[:7]), "--ak", gce("ak.tpm2b_public"), "--nonce", ""]


def c_attest_garbage_ak(d):
    return ["attest", "--quote", gce("quote.msg"), "--signature", gce("quote.sig"),
            "--ak", write(d, "ak.bin", b"\x00\x01" + os.urandom(64)), "--nonce", ""]


# ---- rampart watch: flow logs and activity logs from machines that may be
# compromised ----

def vnet_record(tuples):
    return ('{"time": "2023-11-14T22:13:20Z", "flowLogVersion": 4, "targetResourceID": '
            '"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v", '
            '"flowRecords": {"flows": [{"aclID": "a", "flowGroups": [{"rule": "r", '
            '"flowTuples": [' + ",".join('"%s"' % t for t in tuples) + ']}]}]}}')


def flowlog(records):
    return '{"records": [\n' + ",\n".join(records) + '\n]}\n'


def c_watch_flowlog_time_jump(d):
    # 2,000 servers with a steady baseline, then the same servers at a
    # timestamp in microseconds (10^15 ms, 3.3 * 10^9 five-minute intervals
    # later): the silence is not replayed interval by interval (a fuzzed
    # 3 kB log with one such timestamp took minutes).
    t0 = 1700000000000
    tuples = []
    for k in range(14):
        for h in range(2000):
            tuples.append("%d,10.1.%d.%d,20.1.2.4,%d,443,6,O,C,NX,10,50000,10,50000"
                          % (t0 + k * 300000 + h, h // 250, h % 250 + 1, 40000 + k))
    for h in range(2000):
        tuples.append("%d,10.1.%d.%d,20.1.2.4,41000,443,6,O,C,NX,10,90000000,10,90000000"
                      % (1663146004251343 + h, h // 250, h % 250 + 1))
    recs = [vnet_record(tuples[i:i + 1000]) for i in range(0, len(tuples), 1000)]
    return ["watch", write(d, "PT1H.json", flowlog(recs))]


def c_watch_flowlog_deep(d):
    return ["watch", write(d, "PT1H.json", '{"records": [{"flowRecords": ' + "[" * 1000000
                           + "]" * 1000000 + "}]}")]


def c_watch_flowlog_huge_tuple(d):
    # one tuple string of 48 MB (under the reader's 64 MB string limit):
    # a counter of 48 million digits
    big = "1700000000000,10.0.0.1,10.0.0.2,1,2,6,I,C,NX," + "9" * (48 << 20)
    return ["watch", write(d, "PT1H.json", flowlog([vnet_record([big])]))]


def c_watch_flowlog_distinct_sources(d):
    # 400,000 tuples from distinct Internet sources to distinct ports: the
    # detectors' memory is bounded by --max-keys, not by the tuples
    t0 = 1700000000000
    tuples = ["%d,%d.%d.%d.%d,10.0.0.4,%d,%d,6,I,D,NX,0,0,0,0"
              % (t0 + i, 20 + i % 200, (i >> 8) % 256, i % 256, (i >> 16) % 250 + 1,
                 1024 + i % 60000, 1 + i % 65535) for i in range(400000)]
    recs = [vnet_record(tuples[i:i + 5000]) for i in range(0, len(tuples), 5000)]
    return ["watch", write(d, "PT1H.json", flowlog(recs))]


def c_watch_activitylog_requestbody_deep(d):
    body = "[" * 1000000 + "]" * 1000000
    rec = {"time": "2023-11-14T22:13:20Z", "operationName":
           "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE",
           "resourceId": "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/"
           "NETWORKSECURITYGROUPS/NSG/SECURITYRULES/R", "resultType": "Success",
           "category": "Administrative", "properties": {"requestbody": body}}
    return ["watch", write(d, "PT1H.json", json.dumps({"records": [rec]}))]


# name, generator, expected exit statuses, stderr pattern (None: anything)
CASES = [
    ("json-deep-array", c_json_deep_array, {2}, r"nesting deeper than"),
    ("scan-deep-object", c_scan_deep_object, {2}, r"nesting deeper than"),
    ("json-unterminated-string", c_json_declared_huge_length, {2}, r"error: .*(unterminated|end of)"),
    ("scan-huge-string", c_scan_huge_string, {0, 1}, None),
    ("scan-file-too-large", c_scan_file_too_large, {2}, r"larger than the limit"),
    ("scan-million-keys", c_scan_million_keys, {0, 1}, None),
    ("scan-million-duplicate-keys", c_scan_million_duplicate_keys, {0, 1}, None),
    ("json-million-duplicate-keys", c_json_million_duplicate_keys, {0}, r"duplicate"),
    ("scan-invalid-utf8", c_scan_invalid_utf8, {2}, r":1:\d+: error: invalid UTF-8"),
    ("scan-nul-in-string", c_scan_nul_in_string, {0, 1}, None),
    ("scan-nul-outside-string", c_scan_nul_outside_string, {2}, r":1:\d+: error: "),
    ("scan-copy-billion", c_scan_copy_billion, {2}, r"error: evaluation needs more than"),
    # shared, not copied: 800 resources refer to one 800x800 value
    ("scan-variable-copy-billion", c_scan_variable_copy_billion, {0, 1}, None),
    ("scan-doubling-expression", c_scan_doubling_expression, {2}, r"too large"),
    ("scan-doubling-array", c_scan_doubling_array, {2}, r"error: .*(too large|limit|more than)"),
    ("scan-expression-too-long", c_scan_expression_too_long, {2}, r"error: .*(longer|too long|limit)"),
    ("scan-expression-deep", c_scan_expression_deep, {2}, r"error: .*(nest|deep)"),
    ("scan-cyclic-variables", c_scan_cyclic_variables, {2}, r"cyclic reference"),
    ("scan-cyclic-functions", c_scan_cyclic_functions, {2}, r"error: .*(recursion|cycl|calls itself)"),
    ("scan-self-including-deployment", c_scan_self_including_deployment, {2}, r"error: .*(nested deployments deeper|includes itself|cycl)"),
    ("scan-mutually-including-deployments", c_scan_mutually_including_deployments, {2}, r"error: .*(nested deployments deeper|includes itself|cycl)"),
    ("scan-template-link-outside-root", c_scan_template_link_outside_root, {0, 1}, r"leaves the scanned root; refused"),
    ("scan-template-link-device", c_scan_template_link_device, {0, 1}, r"refused"),
    ("scan-template-link-symlink-to-device", c_scan_template_link_symlink_to_device, {0, 1}, r"outside the scanned root; refused"),
    ("scan-template-link-uri", c_scan_template_link_uri, {0, 1}, r"unresolved linked template"),
    ("scan-symlink-loops", c_scan_symlink_loops, {0, 1}, None),
    ("scan-fifo-argument", c_scan_fifo_argument, {2}, r"not a regular file"),
    ("scan-fifo-and-device-in-tree", c_scan_fifo_and_device_in_tree, {0, 1}, None),
    ("scan-device-argument", c_scan_device_argument, {2}, r"not a regular file"),
    ("scan-params-deep", c_scan_params_deep, {2}, r"nesting deeper than"),
    ("scan-tfplan-deep", c_scan_tfplan_deep, {2}, r"nesting deeper than"),
    ("scan-export-nul-and-bad-utf8", c_scan_export_nul_and_utf8, {2}, r"error: "),
    ("eventlog-size-past-file", c_eventlog_size_past_file, {2}, r"error: "),
    ("eventlog-truncated", c_eventlog_truncated, {2}, r"error: "),
    ("eventlog-huge-bank-count", c_eventlog_spec_event_huge_banks, {2}, r"error: "),
    ("attest-truncated-quote", c_attest_truncated_quote, {2}, r"error: "),
    ("attest-quote-huge-tpm2b", c_attest_quote_huge_tpm2b, {2}, r"error: "),
    # a 7-byte blob is a (plain) signature that does not verify: untrusted
    ("attest-truncated-signature", c_attest_truncated_signature, {1, 2}, None),
    ("attest-garbage-ak", c_attest_garbage_ak, {2}, r"error: "),
    ("watch-flowlog-time-jump", c_watch_flowlog_time_jump, {0, 1}, None),
    ("watch-flowlog-deep", c_watch_flowlog_deep, {2}, r"nesting deeper than"),
    ("watch-flowlog-huge-tuple", c_watch_flowlog_huge_tuple, {2}, r"PT1H.json:\d+:\d+: error: bad flow tuple"),
    ("watch-flowlog-distinct-sources", c_watch_flowlog_distinct_sources, {0, 1}, None),
    ("watch-activitylog-requestbody-deep", c_watch_activitylog_requestbody_deep, {0, 1},
     r"requestbody is not JSON \(nesting deeper than"),
]

SANITIZER_REPORT = re.compile(r"(ERROR: AddressSanitizer|runtime error:|LeakSanitizer)")


def limits():
    cpu = int(CPU_LIMIT) + 1  # the kernel's hard stop; the check below is exact
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if not SANITIZED and not VALGRIND:
        resource.setrlimit(resource.RLIMIT_AS, (RSS_LIMIT + (64 << 20),) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_case(name, gen, want_rc, pattern):
    """Runs a case; over the CPU budget only, it runs once more and keeps
    the better time (the machines are shared: a neighbour's load inflates
    CPU time through cache and page-fault costs, not only wall time)."""
    problem = run_once(name, gen, want_rc, pattern)
    if problem and problem.startswith("cpu:"):
        print("retry %-40s %s" % (name, problem.splitlines()[0]))
        problem = run_once(name, gen, want_rc, pattern)
    return problem


def run_once(name, gen, want_rc, pattern):
    d = tempfile.mkdtemp(prefix="rampart-hostile-")
    try:
        args = subprocess.run([sys.executable, os.path.abspath(__file__), "--generate",
                               SHARED, name, d], check=True, stdout=subprocess.PIPE).stdout
        argv = [RAMPART, "--color=never"] + json.loads(args)
        err_path = os.path.join(d, "stderr.txt")
        with open(err_path, "wb") as err, open(os.devnull, "wb") as out, \
                open(os.devnull, "rb") as inp:
            p = subprocess.Popen(argv, stdin=inp, stdout=out, stderr=err,
                                 preexec_fn=limits, cwd=d)
            start = time.monotonic()
            while True:
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() - start > WALL_LIMIT:
                    p.kill()
                    os.wait4(p.pid, 0)
                    return "blocked: still running after %.0f s (wall)" % WALL_LIMIT
                time.sleep(0.005)
        stderr = open(err_path, "rb").read().decode("utf-8", "replace")
        cpu = ru.ru_utime + ru.ru_stime
        rss = ru.ru_maxrss * 1024
        problems = []
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            problems.append("killed by %s" % signal.Signals(sig).name)
            rc = None
        else:
            rc = os.WEXITSTATUS(status)
            if rc not in want_rc:
                problems.append("exit %d, expected %s" % (rc, sorted(want_rc)))
        if SANITIZER_REPORT.search(stderr):
            problems.append("sanitizer report")
        if pattern and not re.search(pattern, stderr):
            problems.append("stderr does not match /%s/" % pattern)
        over_cpu = cpu > CPU_LIMIT
        if over_cpu:
            problems.append("%.2f s CPU > %.1f s" % (cpu, CPU_LIMIT))
        if rss > RSS_LIMIT:
            problems.append("%d MB peak RSS > %d MB" % (rss >> 20, RSS_LIMIT >> 20))
        detail = "exit %s, %.2f s CPU, %d MB" % (rc, cpu, rss >> 20)
        if problems:
            kind = "cpu: " if over_cpu and len(problems) == 1 else ""
            return kind + "; ".join(problems) + " (" + detail + ")\n" + stderr[:1500]
        print("ok   %-40s %s" % (name, detail))
        return None
    finally:
        shutil.rmtree(d, ignore_errors=True)


def generate():
    name, d = sys.argv[3], sys.argv[4]
    gen = {c[0]: c[1] for c in CASES}[name]
    print(json.dumps(gen(d)))
    return 0


def main():
    if GENERATE:
        return generate()
    failed = 0
    cases = [c for c in CASES if not ONLY or c[0] in ONLY]
    for name, gen, want_rc, pattern in cases:
        problem = run_case(name, gen, want_rc, pattern)
        if problem:
            failed += 1
            print("FAIL %-40s %s" % (name, problem))
    print("%d cases, %d failed" % (len(cases), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
