#!/bin/sh
# test-scan-inputs.sh: `rampart scan` reads Terraform plans and live exports
# (detected by content) into the same model as templates.  Prints
# "N passed, N failed".
set -u
bin=${RAMPART_BIN:?}
shared=${RAMPART_SHARED:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
if [ ! -d "$shared/fixtures/tfplan" ]; then
	echo "shared fixtures missing"
	exit 77
fi

# A directory of Terraform plans: every plan is scanned, none is an error.
"$bin" scan -f json "$shared/fixtures/tfplan" >"$tmp/tf.json" 2>"$tmp/tf.err"
rc=$?
if [ "$rc" -le 1 ]; then ok; else ko "tfplan dir exit $rc"; cat "$tmp/tf.err"; fi
python3 - "$tmp/tf.json" <<'PY' && ok || ko "tfplan findings"
import json, sys
d = json.load(open(sys.argv[1]))
files = [f for f in d["findings"] if f["file"].endswith("plan.out.json")]
types = {f["resource_type"] for f in files}
assert "Microsoft.Compute/virtualMachines" in types, types
assert "Microsoft.Storage/storageAccounts" in types, types
assert "Microsoft.Network/networkSecurityGroups" in types, types
assert not [f for f in d["findings"] if f["rule_id"] == "RMP-META-002"], "a plan failed to load"
PY

# The PSRule live export: 47 resources (37 listed, children split out).
"$bin" scan "$shared/fixtures/exports" >"$tmp/ex.txt" 2>"$tmp/ex.err"
rc=$?
if [ "$rc" -le 1 ]; then ok; else ko "export exit $rc"; cat "$tmp/ex.err"; fi
if grep -q "^1 file, 47 resources" "$tmp/ex.txt"; then ok; else ko "export resource count"; tail -3 "$tmp/ex.txt"; fi

# An explicit file that is none of the inputs is an input error (exit 2).
echo '{"x": 1}' >"$tmp/x.json"
"$bin" scan "$tmp/x.json" >/dev/null 2>"$tmp/x.err"
rc=$?
if [ "$rc" -eq 2 ]; then ok; else ko "unknown input exit $rc"; fi
if grep -q "not an ARM template, Terraform plan or export" "$tmp/x.err"; then ok; else ko "unknown input message"; cat "$tmp/x.err"; fi
# ... but such a file met while walking a directory is skipped.
mkdir "$tmp/d" && cp "$tmp/x.json" "$tmp/d/" && cp "$shared/fixtures/tfplan/terraform-compliance/tests/functional/test_issue-394/plan.out.json" "$tmp/d/plan.json"
"$bin" scan "$tmp/d" >"$tmp/d.txt" 2>"$tmp/d.err"
rc=$?
if [ "$rc" -le 1 ] && grep -q "^1 file, 2 resources" "$tmp/d.txt"; then ok; else ko "walk skips unknown JSON (exit $rc)"; tail -3 "$tmp/d.txt"; cat "$tmp/d.err"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
