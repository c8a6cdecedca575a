#!/bin/sh
# corpus.sh: `rampart scan` over the whole ../shared/corpus/arm-quickstart
# (1,695 templates, 1,240 parameters files) with --jobs 2:
#   - no crash and no internal error (exit status 0, 1 or 2 only);
#   - discovery by content finds exactly the corpus README's 1,695
#     templates and no parameters file;
#   - every error diagnostic comes from template evaluation (codes arm-* /
#     json-*), never from the scan, model, rules or report layers, and each
#     file with one is reported as an RMP-META-002 finding;
#   - the JSON report is complete; findings per rule are printed;
#   - the report is the same with --jobs 1 (byte for byte): nested
#     templates scanned alone and through their parents give assets that
#     tie on file, line and name, and their order once depended on which
#     worker finished first.
# Prints "N passed, N failed".
set -u
bin=${RAMPART_BIN:?}
shared=${RAMPART_SHARED:?}
corpus=$shared/corpus/arm-quickstart
. "$(dirname "$0")/../lib.sh"

"$bin" --color=never scan "$corpus" --jobs 2 -f json -o "$tmp/report.json" 2>"$tmp/err"
rc=$?
case $rc in
0 | 1 | 2) ok ;;
*) ko "scan exited with $rc (crash or internal error)"; tail -5 "$tmp/err" ;;
esac
"$bin" --color=never scan "$corpus" --jobs 1 -f json -o "$tmp/report1.json" 2>/dev/null
if cmp -s "$tmp/report.json" "$tmp/report1.json"; then ok; else
	ko "--jobs 2 and --jobs 1 reports differ"
	diff "$tmp/report1.json" "$tmp/report.json" | head -20
fi
if grep -q "internal error\|Segmentation\|AddressSanitizer\|runtime error" "$tmp/err"; then
	ko "internal error or sanitizer report on stderr"
	grep -m5 "internal error\|Segmentation\|AddressSanitizer\|runtime error" "$tmp/err"
else ok; fi
if python3 - "$corpus" "$tmp/report.json" "$tmp/err" <<'PY'; then ok; else ko "corpus report checks"; fi
import collections, json, re, sys
corpus, report, err = sys.argv[1:4]
rows = [l.rstrip("\n").split("\t") for l in open(corpus + "/MANIFEST.tsv", encoding="utf-8")][1:]
# The corpus README: 1,695 templates = files with "resources" that are not
# parameters files (two files in nested/ roles are parameters files).
def is_params(path):
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        return "deploymentParameters.json" in f.read(4096)
want = sorted(corpus + "/" + r[0] for r in rows
              if r[1] != "parameters" and not is_params(corpus + "/" + r[0]))
assert len(want) == 1695, len(want)
d = json.load(open(report, encoding="utf-8"))
got = d["files"]
assert got == want, ("discovery differs", sorted(set(want) - set(got))[:5], sorted(set(got) - set(want))[:5])
errfiles = set()
bad = []
for line in open(err, encoding="utf-8", errors="replace"):
    m = re.match(r"rampart: (.+?):\d+:\d+: error: .*\[([a-z0-9-]+)\]$", line.rstrip("\n"))
    if not m:
        m2 = re.match(r"rampart: (.+?): error: ", line)
        if m2:
            bad.append(line.strip())
        continue
    errfiles.add(m.group(1))
    if not (m.group(2).startswith("arm-") or m.group(2).startswith("json")):
        bad.append(line.strip())
assert not bad, bad[:5]
meta = [f for f in d["findings"] if f["rule_id"] == "RMP-META-002"]
# A nested/linked file's error is reported against the template scanned.
assert d["summary"]["input_errors"] == len(meta), (d["summary"]["input_errors"], len(meta))
assert (len(errfiles) == 0) == (len(meta) == 0)
per = collections.Counter()
for f in d["findings"]:
    if f["rule_id"].startswith("RMP-META"):
        continue
    per[(f["rule_id"], f["status"])] += 1
print("files %d, resources %d, files with evaluation errors %d" % (
    d["summary"]["files"], d["summary"]["resources"], d["summary"]["input_errors"]))
print("%-14s %7s %7s %7s %7s" % ("rule", "fail", "unknown", "pass", "n/a"))
for rule in sorted({k[0] for k in per}):
    print("%-14s %7d %7d %7d %7d" % (rule, per[(rule, "fail")], per[(rule, "unknown")],
                                     per[(rule, "pass")], per[(rule, "not-applicable")]))
PY
finish
