#!/bin/sh
# test-format.sh: the C sources follow .clang-format (`make format` fixes
# them).  Skips (77) when clang-format is not installed.
set -u
root=${RAMPART_SOURCE_ROOT:?}
cd "$root" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
	echo "clang-format not installed"
	exit 77
fi
pass=0
fail=0
for f in $(find src tests fuzz bench -name '*.[ch]' | sort); do
	if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $f is not formatted (run: clang-format -i $f)"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
