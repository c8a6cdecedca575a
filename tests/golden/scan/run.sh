#!/bin/sh
# run.sh: `rampart scan` end to end, run from the source root so file names
# in reports are relative:
#   - golden outputs of the bundled demo (examples/) in every format
#     (tests/golden/scan/examples.*; RAMPART_REGENERATE=1 rewrites them),
#     SARIF schema validation, JUnit well-formedness, --jobs independence;
#   - exit codes (--fail-on, usage and input errors);
#   - discovery by content (parameters files paired, other JSON skipped,
#     symlinks out of the root not followed);
#   - inline suppressions (valid, no reason, expired, bad date, unknown
#     rule) with RAMPART_TODAY, and baselines surviving moved lines;
#   - --rule / --skip-rule, `rampart rules`, docs/rules.md up to date,
#     `rampart explain`.
# Prints "N passed, N failed".
set -u
bin=${RAMPART_BIN:?}
src=${RAMPART_SOURCE_ROOT:?}
shared=${RAMPART_SHARED:?}
gold=$src/tests/golden/scan
fx=tests/golden/scan/fixtures
. "$(dirname "$0")/../../lib.sh"
cd "$src" || exit 1
export RAMPART_TODAY=2026-06-01
unset NO_COLOR_OVERRIDE
# expect_rc WANT DESCRIPTION CMD...: runs CMD, output in $tmp/out, $tmp/err
expect_rc() {
	want=$1
	what=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else
		ko "$what: exit $got, expected $want"
		head -5 "$tmp/err"
	fi
}
# py DESCRIPTION SCRIPT [ARGS]: a python3 assertion over files
py() {
	what=$1
	shift
	if python3 - "$@" >"$tmp/py.out" 2>&1; then ok; else ko "$what"; cat "$tmp/py.out"; fi
}

# ---- golden outputs of the demo ----
for pair in text:txt json:json sarif:sarif junit:xml; do
	fmt=${pair%%:*}
	ext=${pair#*:}
	expect_rc 1 "scan examples -f $fmt" "$bin" --color=never scan examples -f "$fmt"
	cp "$tmp/out" "$tmp/examples.$ext"
	if [ -s "$tmp/err" ]; then ko "scan examples -f $fmt wrote to stderr"; cat "$tmp/err"; fi
	if [ "${RAMPART_REGENERATE:-0}" = 1 ]; then cp "$tmp/examples.$ext" "$gold/examples.$ext"; fi
	if cmp -s "$tmp/examples.$ext" "$gold/examples.$ext"; then ok; else
		ko "examples.$ext differs from the golden file"
		diff -u "$gold/examples.$ext" "$tmp/examples.$ext" | head -30
	fi
	expect_rc 1 "scan --jobs 3 -f $fmt" "$bin" --color=never scan --jobs 3 examples "$fx" -f "$fmt"
	cp "$tmp/out" "$tmp/j3.$ext"
	expect_rc 1 "scan --jobs 1 -f $fmt" "$bin" --color=never scan --jobs 1 examples "$fx" -f "$fmt"
	if cmp -s "$tmp/out" "$tmp/j3.$ext"; then ok; else ko "--jobs 3 output differs from --jobs 1 ($fmt)"; fi
done
if python3 "$src/tests/report/validate_sarif.py" "$shared/schemas/sarif-schema-2.1.0.json" \
	"$tmp/examples.sarif" "$tmp/j3.sarif" >"$tmp/v.out" 2>&1; then ok; else ko "SARIF validation"; cat "$tmp/v.out"; fi
expect_rc 1 "scan -f junit fixtures" "$bin" scan examples "$fx" -f junit -o "$tmp/all.xml"
if python3 "$src/tests/report/check_junit.py" "$tmp/examples.xml" "$tmp/all.xml" >"$tmp/v.out" 2>&1; then ok; else
	ko "JUnit check"; cat "$tmp/v.out"; fi
py "demo: strong and weak assets, documented JSON fields" "$tmp/examples.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
need = {"rule_id", "layer", "severity", "status", "resource_type", "resource_name", "resource_id",
        "file", "line", "column", "message", "unknown_reason", "fingerprint", "suppressed"}
for f in d["findings"]:
    assert need <= set(f), need - set(f)
    assert f["line"] >= 1 and f["column"] >= 1, f
    assert not f["file"].startswith("/"), f["file"]
by = {}
for f in d["findings"]:
    by.setdefault(f["resource_name"], []).append(f)
web = [f for f in by["shop-web"] if f["status"] == "fail"]
assert not web, web                      # the strong asset
assert any(f["status"] == "pass" for f in by["shop-web"])
app = {f["rule_id"] for f in by["shop-app1"] if f["status"] == "fail" and not f["suppressed"]}
assert {"RMP-BOOT-001", "RMP-HOST-001", "RMP-HOST-002", "RMP-HOST-003"} <= app, app
assert any(f["suppressed"] and f["suppression"]["kind"] == "inline" for f in d["findings"])
assert d["summary"]["fail"] > 0 and d["summary"]["input_errors"] == 0
# defense in depth: a clearly strong asset and clearly weak ones
assets = {a["resource_name"]: a for a in d["assets"]}
assert set(assets) == {"shop-web", "shop-app1", "shop-app2", "shop-db"}, set(assets)
assert assets["shop-web"]["score"] >= 4, assets["shop-web"]
assert all(assets[n]["score"] <= 1 for n in ("shop-app1", "shop-app2", "shop-db"))
assert assets["shop-app1"]["layers"]["BOOT"]["rating"] == "broken"
assert assets["shop-web"]["internet"] != "no" and assets["shop-db"]["internet"] == "no"
PY
# The text report has colors only when asked for.
expect_rc 1 "scan --color=always" "$bin" --color=always scan examples
if grep -q "$(printf '\033')\[" "$tmp/out"; then ok; else ko "--color=always: no ANSI colors"; fi
if grep -q "$(printf '\033')" "$tmp/examples.txt"; then ko "colors in --color=never output"; else ok; fi

# ---- exit codes ----
expect_rc 1 "--fail-on critical (SSH open to the app VMs: RMP-NET-001)" "$bin" scan examples --fail-on critical
expect_rc 0 "--fail-on none" "$bin" scan examples --fail-on none
expect_rc 1 "--fail-on low" "$bin" scan examples --fail-on LOW
expect_rc 0 "unknown only, default threshold" "$bin" scan "$fx/walk/nested/unknown.json"
expect_rc 2 "--fail-on bogus" "$bin" scan examples --fail-on bogus
expect_rc 2 "no path" "$bin" scan
expect_rc 2 "unknown format" "$bin" scan examples -f pdf
expect_rc 2 "unknown option" "$bin" scan examples --frobnicate
expect_rc 2 "--jobs 0" "$bin" scan examples --jobs 0
expect_rc 2 "missing path" "$bin" scan "$tmp/does-not-exist"
expect_rc 2 "parameters file named" "$bin" scan "$fx/walk/app.parameters.json"
grep -q "parameters file" "$tmp/err" && ok || ko "parameters file: message"
mkdir "$tmp/empty"
expect_rc 2 "no templates" "$bin" scan "$tmp/empty"
grep -q "no ARM templates" "$tmp/err" && ok || ko "no templates: message"
expect_rc 2 "unknown --rule" "$bin" scan examples --rule RMP-NOPE-1
printf '{"resources": [ {"type": "x", ' >"$tmp/broken.json"
expect_rc 2 "unparsable template named" "$bin" scan "$tmp/broken.json" -f json
py "input error is an RMP-META-002 finding" "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["summary"]["input_errors"] == 1, d["summary"]
assert [f["rule_id"] for f in d["findings"]] == ["RMP-META-002"], d["findings"]
PY

# ---- discovery ----
mkdir -p "$tmp/outside" "$tmp/root/sub"
cp "$fx/walk/app.json" "$tmp/outside/secret.json"
cp "$fx/walk/nested/unknown.json" "$tmp/root/sub/real.json"
ln -s "$tmp/outside/secret.json" "$tmp/root/link.json"
ln -s "$tmp/outside" "$tmp/root/linkdir"
mkfifo "$tmp/root/fifo.json" 2>/dev/null || true
expect_rc 0 "walk with symlinks" "$bin" scan "$tmp/root" -f json
py "symlinks out of the root are not followed" "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert [f.rsplit("/", 2)[-2:] for f in d["files"]] == [["sub", "real.json"]], d["files"]
PY
expect_rc 1 "walk fixtures" "$bin" scan "$fx/walk" -f json
py "templates recognized by content; parameters paired" "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["files"] == ["tests/golden/scan/fixtures/walk/app.json",
                      "tests/golden/scan/fixtures/walk/nested/noschema.json",
                      "tests/golden/scan/fixtures/walk/nested/unknown.json"], d["files"]
tls = [f for f in d["findings"] if f["rule_id"] == "RMP-DATA-011"]
# app.parameters.json sets TLS1_1: a known failure, not an unknown
assert any(f["resource_name"] == "stwalk" and f["status"] == "fail" for f in tls), tls
unk = [f for f in d["findings"] if f["status"] == "unknown"]
assert unk and all(f["unknown_reason"] for f in unk), unk
PY
expect_rc 0 "explicit --params (medium findings only)" "$bin" scan "$fx/walk/app.json" --params "$fx/walk/app.parameters.json" -f json
py "--params" "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert any(f["rule_id"] == "RMP-DATA-011" and f["status"] == "fail" for f in d["findings"])
PY

# ---- suppressions ----
expect_rc 1 "suppressions" "$bin" scan "$fx/suppress" -f json
cp "$tmp/out" "$tmp/sup.json"
py "inline suppressions applied and broken ones reported" "$tmp/sup.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d["findings"]
def get(name, rule):
    return [x for x in f if x["resource_name"] == name and x["rule_id"] == rule]
v12, = get("stvalid", "RMP-DATA-012")
assert v12["suppressed"] and v12["suppression"] == {"kind": "inline", "reason": "public product images"}, v12
v11, = get("stvalid", "RMP-DATA-011")            # id matched case-insensitively
assert v11["suppressed"], v11
for rule in ("RMP-DATA-010", "RMP-DATA-011", "RMP-DATA-012"):
    b, = get("stbroken", rule)
    assert b["status"] == "fail" and not b["suppressed"], b
meta = sorted(x["message"] for x in f if x["rule_id"] == "RMP-META-001")
assert len(meta) == 5, meta
assert any("no reason" in m for m in meta)
assert any("expired on 2025-01-31" in m for m in meta)
assert any("not a date" in m for m in meta)
assert any("unknown rule 'RMP-NOPE-999'" in m for m in meta)
assert any("without an \"id\"" in m for m in meta)
assert all(x["line"] > 0 for x in f if x["rule_id"] == "RMP-META-001")
PY
RAMPART_TODAY=2027-07-01 "$bin" scan "$fx/suppress" -f json >"$tmp/later.json" 2>/dev/null
py "a suppression past its expiry date is reported and not applied" "$tmp/later.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v12, = [x for x in d["findings"] if x["resource_name"] == "stvalid" and x["rule_id"] == "RMP-DATA-012"]
assert not v12["suppressed"], v12
assert any("RMP-DATA-012 expired on 2027-06-30" in x["message"] for x in d["findings"])
PY
expect_rc 2 "bad RAMPART_TODAY" env RAMPART_TODAY=2026-13-01 "$bin" scan "$fx/suppress"
expect_rc 1 "--skip-rule RMP-META-001" "$bin" scan "$fx/suppress" -f json --skip-rule RMP-META-001,RMP-DATA-010
py "--skip-rule" "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ids = {x["rule_id"] for x in d["findings"]}
assert "RMP-META-001" not in ids and "RMP-DATA-010" not in ids and "RMP-DATA-012" in ids, ids
PY
expect_rc 0 "--rule" "$bin" scan "$fx/suppress" -f json --rule RMP-DATA-013 --rule rmp-data-015 --skip-rule RMP-META-001
py "--rule" "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ids = {x["rule_id"] for x in d["findings"]}
assert ids == {"RMP-DATA-013", "RMP-DATA-015"}, ids
PY

# ---- baseline ----
cp "$fx/walk/app.json" "$tmp/app.json"
cp "$fx/walk/app.parameters.json" "$tmp/app.parameters.json"
# Writing a baseline does not suppress anything in the same run.
expect_rc 1 "--write-baseline" "$bin" scan "$tmp/app.json" --fail-on low --write-baseline "$tmp/baseline.json" -f json
[ -s "$tmp/out" ] && ok || ko "report written with --write-baseline"
py "baseline file" "$tmp/baseline.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fps = [f["fingerprint"] for f in d["findings"]]
assert fps == sorted(fps) and len(fps) >= 3 and all(len(x) == 16 for x in fps), fps
PY
# Move every line: a header comment and re-indentation.
{ printf '// moved\n\n\n'; sed 's/^/   /' "$fx/walk/app.json"; } >"$tmp/app.json"
expect_rc 0 "baseline survives moved lines" "$bin" scan "$tmp/app.json" --fail-on low --baseline "$tmp/baseline.json" -f json
py "baselined findings suppressed" "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fails = [f for f in d["findings"] if f["status"] == "fail"]
assert fails and all(f["suppressed"] and f["suppression"]["kind"] == "baseline" for f in fails), fails
assert all(f["line"] > 4 for f in fails)
PY
sed 's/"kind": "StorageV2"/"kind": "StorageV2", "properties2": 1/; s/"minimumTlsVersion"/"supportsHttpsTrafficOnly": false, "minimumTlsVersion"/' \
	"$fx/walk/app.json" >"$tmp/app.json"
expect_rc 1 "a new finding is not in the baseline" "$bin" scan "$tmp/app.json" --fail-on low --baseline "$tmp/baseline.json" -f json
py "only the new finding is open" "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
open_ = [f["rule_id"] for f in d["findings"] if f["status"] == "fail" and not f["suppressed"]]
assert open_ == ["RMP-DATA-010"], open_
PY
echo '{"findings": [{"fingerprint": "xyz"}]}' >"$tmp/bad-baseline.json"
expect_rc 2 "malformed baseline" "$bin" scan "$tmp/app.json" --baseline "$tmp/bad-baseline.json"
expect_rc 2 "missing baseline" "$bin" scan "$tmp/app.json" --baseline "$tmp/nope.json"

# ---- rules, docs/rules.md, explain ----
expect_rc 0 "rules --format markdown" "$bin" rules --format markdown
if cmp -s "$tmp/out" "$src/docs/rules.md"; then ok; else
	ko "docs/rules.md is stale: regenerate with 'rampart rules --format markdown > docs/rules.md'"
	diff -u "$src/docs/rules.md" "$tmp/out" | head -20
fi
expect_rc 0 "rules --format json" "$bin" rules --format json
py "rules json: every registered rule with rationale and remediation" "$tmp/out" <<'PY'
import json, sys
rules = json.load(open(sys.argv[1]))
ids = [r["id"] for r in rules]
assert ids == sorted(ids) and len(ids) == len(set(ids)), ids
for want in ["RMP-BOOT-001", "RMP-BOOT-005", "RMP-HOST-004", "RMP-DATA-001", "RMP-DATA-023",
             "RMP-MON-001", "RMP-MON-007", "RMP-META-001", "RMP-META-002"]:
    assert want in ids, want
assert all(r["rationale"] and r["remediation"] and r["title"] for r in rules)
PY
expect_rc 0 "rules" "$bin" rules
grep -q "^RMP-BOOT-001 " "$tmp/out" && ok || ko "rules text"
expect_rc 2 "rules --format xml" "$bin" rules --format xml
expect_rc 0 "explain" "$bin" explain rmp-data-012
grep -q "^Fix:" "$tmp/out" && grep -q "docs/rules.md#rmp-data-012" "$tmp/out" && ok || ko "explain output"
expect_rc 2 "explain unknown" "$bin" explain RMP-NOPE-1
expect_rc 2 "explain without id" "$bin" explain
expect_rc 0 "scan --help" "$bin" scan --help
grep -q "^usage: rampart scan" "$tmp/out" && ok || ko "scan --help output"
expect_rc 0 "rules --help" "$bin" rules --help

finish
