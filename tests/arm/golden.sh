#!/bin/sh
# golden.sh: `rampart eval` on corpus templates compared with stored output.
#
# tests/golden/eval/LIST names one corpus template per line (a path under
# $RAMPART_SHARED/corpus/arm-quickstart, then optional extra eval flags);
# the expected output is tests/golden/eval/<path with / replaced by __>.json
# (stdout, then the diagnostics on stderr in <...>.stderr).  The command runs
# from the corpus root with relative paths, so no absolute path can appear.
# RAMPART_REGENERATE=1 rewrites the expected files instead of comparing.
set -u
src=${RAMPART_SOURCE_ROOT:?}
bin=${RAMPART_BIN:?}
corpus=${RAMPART_SHARED:?}/corpus/arm-quickstart
dir="$src/tests/golden/eval"
[ -d "$corpus" ] || { echo "golden: no corpus at $corpus (skipped)"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
while read -r file flags; do
	case "$file" in ''|'#'*) continue ;; esac
	name=$(printf '%s' "$file" | sed 's|/|__|g; s|\.json$||')
	# shellcheck disable=SC2086
	(cd "$corpus" && "$bin" eval --root . $flags "$file") >"$tmp/out" 2>"$tmp/err"
	echo "exit $?" >>"$tmp/err"
	if grep -q -E -e "$corpus" -e "$src" -e '"/(tmp|home|work|usr|root|var)/' "$tmp/out" "$tmp/err"; then
		echo "FAIL $file: output contains an absolute path"
		fail=$((fail + 1))
		continue
	fi
	if [ "${RAMPART_REGENERATE:-0}" = 1 ]; then
		cp "$tmp/out" "$dir/$name.json"
		cp "$tmp/err" "$dir/$name.stderr"
		echo "regenerated $file"
		pass=$((pass + 1))
	elif cmp -s "$tmp/out" "$dir/$name.json" && cmp -s "$tmp/err" "$dir/$name.stderr"; then
		pass=$((pass + 1))
	else
		echo "FAIL $file"
		diff -u "$dir/$name.json" "$tmp/out" | head -40
		diff -u "$dir/$name.stderr" "$tmp/err" | head -20
		fail=$((fail + 1))
	fi
done <"$dir/LIST"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
