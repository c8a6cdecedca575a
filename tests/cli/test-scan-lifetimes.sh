#!/bin/sh
# test-scan-lifetimes.sh: what the scan frees early or never formats does
# not change a report.  The scan copies each file's depth ratings into the
# report and frees them and the network topology before it copies the
# findings; the text report without --show-pass (which only counts passing
# results) gets them without a message.  So: --jobs 1 and --jobs 2 give the
# same text, JSON and HTML; --show-pass still prints every passing result's
# message; both text reports count the same (per asset and per layer).
# Prints "N passed, N failed".
set -u
bin=${RAMPART_BIN:?}
src=${RAMPART_SOURCE_ROOT:?}
. "$(dirname "$0")/../lib.sh"

# Several templates with network exposures and depth assets (three-tier),
# under different names so that --jobs 2 scans them in parallel.
mkdir -p "$tmp/in"
for n in a b c d; do
	cp "$src/examples/three-tier/azuredeploy.json" "$tmp/in/$n.json" || exit 1
done

for fmt in text json html; do
	for j in 1 2; do
		"$bin" --color=never scan "$tmp/in" --jobs "$j" -f "$fmt" -o "$tmp/out$j.$fmt" \
			2>"$tmp/err"
		rc=$?
		if [ "$rc" -le 1 ]; then ok; else ko "$fmt --jobs $j: exit $rc"; cat "$tmp/err"; fi
	done
	if cmp -s "$tmp/out1.$fmt" "$tmp/out2.$fmt"; then ok; else ko "$fmt: --jobs 1 and 2 differ"; fi
done
# --jobs N lets one worker at a time hold a network topology (the stage
# from the topology's build to its release): with more workers than
# files in it, a Terraform plan (which enters it after its own ingest) and
# a template that fails evaluation (which never enters it), every --jobs
# gives the same report, diagnostics and exit status, and none hangs.
mkdir -p "$tmp/mixed"
cp "$tmp/in/a.json" "$tmp/in/b.json" "$tmp/mixed/" || exit 1
cp "$src/tests/parity/deploy.tfplan.json" "$tmp/mixed/c-plan.json" || exit 1
printf '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n "resources": [{"type": "[bad(]"}]}\n' >"$tmp/mixed/d-broken.json"
for j in 1 2 3 5; do
	"$bin" --color=never scan "$tmp/mixed" --jobs "$j" -f json -o "$tmp/mixed$j.json" \
		2>"$tmp/mixed$j.err"
	echo "exit $?" >>"$tmp/mixed$j.err"
done
if grep -q '"resource_type": "Microsoft.Compute/virtualMachines"' "$tmp/mixed1.json" &&
	grep -q 'c-plan.json' "$tmp/mixed1.json" && grep -q 'd-broken.json' "$tmp/mixed1.err"; then
	ok
else
	ko "mixed inputs: no template findings, no plan or no error for the broken file"
	cat "$tmp/mixed1.err"
fi
for j in 2 3 5; do
	if cmp -s "$tmp/mixed1.json" "$tmp/mixed$j.json" && cmp -s "$tmp/mixed1.err" "$tmp/mixed$j.err"
	then ok; else ko "mixed inputs: --jobs $j differs from --jobs 1"; fi
done
# --jobs N admits a file by its estimated working set (18 bytes per input
# byte; the files in flight stay within 64 MiB or the biggest file's
# estimate): a template of 4 MB (72 MB estimated) waits until no other file
# is in flight, small files beside it still run in parallel.  Same report,
# diagnostics and exit status with every --jobs, none hangs.
mkdir -p "$tmp/big"
cp "$tmp/mixed/a.json" "$tmp/mixed/b.json" "$tmp/mixed/c-plan.json" "$tmp/mixed/d-broken.json" \
	"$tmp/big/" || exit 1
{
	printf '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n "metadata": {"pad": "'
	head -c 4000000 /dev/zero | tr '\0' x
	printf '"},\n "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-09-01", "name": "big-nsg", "location": "westeurope", "properties": {"securityRules": []}}]}\n'
} >"$tmp/big/e-big.json"
for j in 1 2 3 5; do
	"$bin" --color=never scan "$tmp/big" --jobs "$j" -f json -o "$tmp/big$j.json" \
		2>"$tmp/big$j.err"
	echo "exit $?" >>"$tmp/big$j.err"
done
if grep -q 'big-nsg' "$tmp/big1.json" && grep -q 'c-plan.json' "$tmp/big1.json"; then ok; else
	ko "big template: no findings of the big template or of the plan"
	cat "$tmp/big1.err"
fi
for j in 2 3 5; do
	if cmp -s "$tmp/big1.json" "$tmp/big$j.json" && cmp -s "$tmp/big1.err" "$tmp/big$j.err"
	then ok; else ko "big template: --jobs $j differs from --jobs 1"; fi
done
if grep -q '"assets"' "$tmp/out1.json" && grep -q '"exposures"' "$tmp/out1.json"; then ok; else
	ko "json has no assets or exposures"
fi

"$bin" --color=never scan "$tmp/in" --show-pass -o "$tmp/pass.text" 2>"$tmp/err"
if [ $? -le 1 ]; then ok; else ko "--show-pass exit"; cat "$tmp/err"; fi
# the messages of passing results are formatted when they are shown
if grep -qF "securityType is TrustedLaunch" "$tmp/pass.text"; then ok; else
	ko "--show-pass lost a passing message"
fi
if grep -qE '^      PASS .*$' "$tmp/pass.text" &&
	! grep -A1 -E '^      PASS ' "$tmp/pass.text" | grep -qE '^        $'; then
	ok
else
	ko "--show-pass: a PASS line without its message"
fi
# the same counts: the summary table is identical
sed -n '/^Summary/,$p' "$tmp/out1.text" >"$tmp/sum1"
sed -n '/^Summary/,$p' "$tmp/pass.text" >"$tmp/sum2"
if [ -s "$tmp/sum1" ] && cmp -s "$tmp/sum1" "$tmp/sum2"; then ok; else
	ko "summary differs with --show-pass"
	diff "$tmp/sum1" "$tmp/sum2" | head -20
fi
# and per asset: "all N applicable checks passed" / "N passed" against the
# PASS lines listed
python3 - "$tmp/out1.text" "$tmp/pass.text" <<'PY' && ok || ko "per-asset pass counts"
import re, sys
def assets(path, listed):
    out, cur = {}, None
    for line in open(path):
        if re.match(r"^  \S", line):
            cur = line.strip(); out.setdefault(cur, 0)
        elif cur is None:
            continue
        elif listed and re.match(r"^      PASS ", line):
            out[cur] += 1
        elif not listed:
            m = re.match(r"^    all (\d+) applicable checks? passed", line) or \
                re.match(r"^    (\d+) passed, ", line)
            if m:
                out[cur] += int(m.group(1))
        if line.startswith("Summary") or line.startswith("Network exposure"):
            cur = None
    return out
a, b = assets(sys.argv[1], False), assets(sys.argv[2], True)
assert a and a == b, (len(a), len(b), [k for k in a if a[k] != b.get(k)][:5])
PY

finish
