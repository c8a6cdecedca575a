#!/bin/sh
# run-golden.sh: golden tests of the JSON report's `assets` view (layer
# ratings, score, Internet reachability, attack paths) on the templates in
# tests/depth/cases/ and the RMP-DEPTH-001 fixtures, run from the source
# root so file names are relative.  tests/depth/golden/NAME.json holds
# `assets` of each; RAMPART_REGENERATE=1 rewrites them.  Also checks, on
# every case, the documented invariants: score = layers rated holds, every
# non-holds rating names the rules behind it, paths weakest first.
# Prints "N passed, N failed".
set -u
bin=${RAMPART_BIN:?}
src=${RAMPART_SOURCE_ROOT:?}
gold=$src/tests/depth/golden
. "$(dirname "$0")/../lib.sh"
cd "$src" || exit 1
export RAMPART_TODAY=2026-06-01
for f in tests/depth/cases/*.json tests/rules/RMP-DEPTH-001/*/*.json; do
	case $f in *.parameters.json) continue ;; esac
	name=$(echo "$f" | sed -e 's|^tests/||' -e 's|/|_|g' -e 's|\.json$||')
	"$bin" scan "$f" -f json -o "$tmp/full.json" --fail-on none 2>"$tmp/err"
	rc=$?
	if [ "$rc" != 0 ]; then ko "$f: exit $rc"; cat "$tmp/err"; continue; fi
	if python3 - "$tmp/full.json" "$tmp/$name.json" >"$tmp/py" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assets = d["assets"]
order = {"holds": 0, "weak": 1, "broken": 2, "unknown": 3}
for a in assets:
    layers = a["layers"]
    assert list(layers) == ["BOOT", "HOST", "NET", "DATA", "MON"], list(layers)
    assert a["score"] == sum(l["rating"] == "holds" for l in layers.values()), a["resource_name"]
    assert a["layers_unknown"] == sum(l["rating"] == "unknown" for l in layers.values())
    for n, l in layers.items():
        assert l["rating"] in order, l
        if l["rating"] in ("weak", "broken"):
            # the failing rules, or (NET without NET rules) the exposures
            assert (l["rules"] and all(r["status"] == "fail" for r in l["rules"])) or \
                (n == "NET" and not l["rules"] and l["reason"].startswith("from the exposures")), (n, l)
        if l["rating"] == "holds":
            assert all(r["status"] == "pass" for r in l["rules"]), (n, l)
    assert a["internet"] in ("yes", "no", "unknown")
    ps = a["paths"]
    assert not ps or ps[0]["weakest"] and not any(p["weakest"] for p in ps[1:])
    if a["internet"] != "no":
        assert ps and ps[0]["from"] == "internet", a["resource_name"]
    for p in ps:
        assert p["hops"][0]["kind"] in ("internet", "neighbours")
        entry = [h for h in p["hops"] if h["role"] == "entry"]
        assert entry[-1]["kind"] == "asset", entry
findings = {f["fingerprint"] for f in d["findings"]}
for a in assets:
    for l in a["layers"].values():
        for r in l["rules"]:
            assert r["fingerprint"] in findings, r
json.dump(assets, open(sys.argv[2], "w"), indent=2, sort_keys=False)
open(sys.argv[2], "a").write("\n")
PY
	then ok; else ko "$f: invariants"; cat "$tmp/py"; continue; fi
	if [ "${RAMPART_REGENERATE:-0}" = 1 ]; then cp "$tmp/$name.json" "$gold/$name.json"; fi
	if cmp -s "$tmp/$name.json" "$gold/$name.json"; then ok; else
		ko "$f: assets differ from $gold/$name.json"
		diff -u "$gold/$name.json" "$tmp/$name.json" | head -40
	fi
done
finish
