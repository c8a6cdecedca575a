#!/bin/sh
# run.sh: golden tests of `rampart json` (tests/json/golden).
#
# Runs every row of cases.tsv with $RAMPART_BIN in the in/ directory and
# compares exit code, stdout and stderr with expected/NAME.txt.
# RAMPART_REGENERATE=1 rewrites the expected files instead (review the diff).
# Rows named err-* must also exit 2 and print the documented error format:
#   rampart: FILE:LINE:COL: error: MESSAGE [code]
#    SOURCE LINE
#    ^ (caret under the column)
# Prints "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${RAMPART_BIN:?RAMPART_BIN must name the rampart binary}
regen=${RAMPART_REGENERATE:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export NO_COLOR=1
pass=0
fail=0
tab=$(printf '\t')
mkdir -p "$here/expected"
cd "$here/in" || exit 2
while IFS="$tab" read -r name args stdin; do
	case $name in '' | '#'*) continue ;; esac
	echo "$name" >>"$tmp/names"
	# shellcheck disable=SC2086 # word splitting of args is intended
	if [ -n "$stdin" ]; then
		"$bin" $args <"$stdin" >"$tmp/out" 2>"$tmp/err"
	else
		"$bin" $args </dev/null >"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?
	{
		echo "exit: $rc"
		echo "--- stdout"
		cat "$tmp/out"
		echo "--- stderr"
		cat "$tmp/err"
	} >"$tmp/got"
	ok=1
	case $name in
	err-*)
		if [ "$rc" -ne 2 ]; then
			echo "FAIL $name: exit $rc, expected 2"
			ok=0
		fi
		if ! grep -Eq '^rampart: [^ ]+:[0-9]+:[0-9]+: error: .+' "$tmp/err" ||
			! grep -Eq '^ +(\.\.\.)? *\^~*$' "$tmp/err"; then
			echo "FAIL $name: error format (FILE:LINE:COL + caret) not found"
			ok=0
		fi
		;;
	ok-*)
		if [ "$rc" -ne 0 ]; then
			echo "FAIL $name: exit $rc, expected 0"
			ok=0
		fi
		;;
	esac
	golden="$here/expected/$name.txt"
	if [ "$regen" = 1 ]; then
		cp "$tmp/got" "$golden"
	elif ! cmp -s "$tmp/got" "$golden"; then
		echo "FAIL $name: output differs from expected/$name.txt:"
		diff -u "$golden" "$tmp/got" | head -40
		ok=0
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done <"$here/cases.tsv"
# no stale expected files
for f in "$here"/expected/*.txt; do
	n=$(basename "$f" .txt)
	if ! grep -qx "$n" "$tmp/names"; then
		if [ "$regen" = 1 ]; then
			rm -f "$f"
		else
			echo "FAIL $n: expected/$n.txt has no row in cases.tsv"
			fail=$((fail + 1))
		fi
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
