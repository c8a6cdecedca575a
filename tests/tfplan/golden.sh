#!/bin/sh
# golden.sh: `rampart scan` of the parity Terraform plan and export in every
# format, compared with tests/tfplan/golden/* (RAMPART_REGENERATE=1 rewrites
# them).  Run from the source root so file names are relative.  The
# Terraform findings carry the resource address (JSON "address", the text
# asset line, a SARIF logical location, the JUnit test name); the export's
# carry none.  Prints "N passed, N failed".
set -u
bin=${RAMPART_BIN:?}
src=${RAMPART_SOURCE_ROOT:?}
gold=$src/tests/tfplan/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$src" || exit 1
pass=0
fail=0
for input in tfplan export; do
	for pair in text:txt json:json sarif:sarif junit:xml; do
		fmt=${pair%%:*}
		ext=${pair#*:}
		"$bin" --color=never scan -f "$fmt" "tests/parity/deploy.$input.json" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ "$rc" -ne 1 ]; then
			fail=$((fail + 1)); echo "FAIL: $input -f $fmt: exit $rc"; head -5 "$tmp/err"
			continue
		fi
		if [ "${RAMPART_REGENERATE:-0}" = 1 ]; then cp "$tmp/out" "$gold/$input.$ext"; fi
		if cmp -s "$tmp/out" "$gold/$input.$ext"; then pass=$((pass + 1)); else
			fail=$((fail + 1)); echo "FAIL: $input.$ext differs from the golden file"
			diff -u "$gold/$input.$ext" "$tmp/out" | head -30
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
