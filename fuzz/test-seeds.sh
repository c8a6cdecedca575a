#!/bin/sh
# Every fuzz target that has real seeds in ../shared gets them: run.sh lists
# at least one directory for it (one holding a non-empty file under 1 MiB).
# Regression: `find -size -1M` matched only empty files, so the campaigns
# before session 5 started from the committed corpus alone.
set -u
here=$(cd "$(dirname "$0")" && pwd)
fail=0
for t in json arm_template model_rules tfplan export eventlog flowlog activitylog; do
	dirs=$(sh "$here/run.sh" --seed-dirs "$t")
	n=$(printf '%s\n' "$dirs" | grep -c .)
	if [ "$n" -eq 0 ]; then
		echo "FAIL: fuzz target $t has no seed directory" >&2
		fail=1
		continue
	fi
	for d in $dirs; do
		if [ ! -d "$d" ]; then
			echo "FAIL: $t seed directory $d does not exist" >&2
			fail=1
		fi
	done
	echo "ok: $t: $n seed director$( [ "$n" -eq 1 ] && echo y || echo ies)"
done
# a target without shared seeds lists nothing
if [ -n "$(sh "$here/run.sh" --seed-dirs quote)" ]; then
	echo "FAIL: quote lists seed directories" >&2
	fail=1
fi
exit $fail
