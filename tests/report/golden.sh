#!/bin/sh
# golden.sh FIXTURE: the hand-made report of fixture.c in every format
# against tests/golden/scan/fixture.* (RAMPART_REGENERATE=1 rewrites them),
# the SARIF validated against ../shared/schemas/sarif-schema-2.1.0.json, the
# JUnit XML checked for well-formedness and counts.  Prints "N passed, N failed".
set -u
fixture=$1
src=${RAMPART_SOURCE_ROOT:?}
shared=${RAMPART_SHARED:?}
gold=$src/tests/golden/scan
. "$(dirname "$0")/../lib.sh"

for pair in text:txt json:json sarif:sarif junit:xml baseline:baseline.json; do
	fmt=${pair%%:*}
	ext=${pair#*:}
	if ! "$fixture" "$fmt" >"$tmp/fixture.$ext"; then
		ko "fixture $fmt exited with an error"
		continue
	fi
	if [ "${RAMPART_REGENERATE:-0}" = 1 ]; then
		cp "$tmp/fixture.$ext" "$gold/fixture.$ext"
	fi
	if cmp -s "$tmp/fixture.$ext" "$gold/fixture.$ext"; then ok; else
		ko "fixture.$ext differs from the golden file:"
		diff -u "$gold/fixture.$ext" "$tmp/fixture.$ext" | head -40
	fi
	# Deterministic: a second run gives the same bytes.
	"$fixture" "$fmt" >"$tmp/again"
	if cmp -s "$tmp/fixture.$ext" "$tmp/again"; then ok; else ko "fixture $fmt not deterministic"; fi
done

if python3 "$src/tests/report/validate_sarif.py" "$shared/schemas/sarif-schema-2.1.0.json" \
	"$tmp/fixture.sarif" >"$tmp/v.out" 2>&1; then ok; else ko "SARIF validation"; cat "$tmp/v.out"; fi
if python3 "$src/tests/report/check_junit.py" "$tmp/fixture.xml" >"$tmp/v.out" 2>&1; then ok; else
	ko "JUnit check"; cat "$tmp/v.out"; fi
# The validators reject what they should (a broken SARIF, a broken XML).
sed 's/"startLine": 12/"startLine": 0/; s/"kind": "review"/"kind": "bogus"/' "$tmp/fixture.sarif" >"$tmp/bad.sarif"
if python3 "$src/tests/report/validate_sarif.py" "$shared/schemas/sarif-schema-2.1.0.json" \
	"$tmp/bad.sarif" >"$tmp/v.out" 2>&1; then ko "validator accepted a broken SARIF"; else ok; fi
sed 's/&amp;/\&/' "$tmp/fixture.xml" >"$tmp/bad.xml"
if python3 "$src/tests/report/check_junit.py" "$tmp/bad.xml" >"$tmp/v.out" 2>&1; then
	ko "checker accepted broken XML"; else ok; fi
# The JSON report parses and has the documented finding fields.
if python3 - "$tmp/fixture.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
need = ["rule_id", "layer", "severity", "status", "resource_type", "resource_name",
        "resource_id", "file", "line", "column", "message", "unknown_reason",
        "fingerprint", "suppressed"]
for f in d["findings"]:
    missing = [k for k in need if k not in f]
    assert not missing, missing
assert d["summary"]["fail"] == 1 and d["summary"]["suppressed"] == 2, d["summary"]
PY
then ok; else ko "JSON report fields"; fi
finish
