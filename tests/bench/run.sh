#!/bin/sh
# run.sh DASHBOARD_PY DIR: golden test of the performance dashboard
# (bench/dashboard.py).  RAMPART_REGENERATE=1 rewrites expected.md.
set -u
py=$1 dir=$2
fail=0
export RAMPART_BENCH_MACHINE="test machine, 2 cores" RAMPART_BENCH_DATE=2026-11-28
out=$(mktemp)
trap 'rm -f "$out"' EXIT
python3 "$py" "$dir/sample.log" "$out" || { echo "FAIL: dashboard on sample.log"; fail=1; }
if [ "${RAMPART_REGENERATE:-0}" = 1 ]; then
	cp "$out" "$dir/expected.md"
	echo "regenerated $dir/expected.md"
elif ! diff -u "$dir/expected.md" "$out"; then
	echo "FAIL: dashboard output differs from expected.md"
	fail=1
fi
# Malformed logs are errors (exit 2) naming the problem, never a table
# that silently lacks a target.
for case in "bad-met:claims met=True" "bad-json:not JSON" "missing:lacks target"; do
	name=${case%%:*} want=${case#*:}
	err=$(python3 "$py" "$dir/$name.log" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" != 2 ]; then
		echo "FAIL: $name.log: exit $rc, expected 2"
		fail=1
	fi
	case "$err" in
	*"$want"*) ;;
	*) echo "FAIL: $name.log: stderr lacks '$want': $err"; fail=1 ;;
	esac
done
[ $fail = 0 ] && echo "ok: dashboard golden and error cases"
exit $fail
