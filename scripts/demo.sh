#!/bin/sh
# demo.sh RAMPART: `make demo`.  Scans the bundled 3-tier deployment in
# examples/ and prints the report, then what the exit status means.  The
# demo itself exits 0 whenever the scan ran (findings are the point of the
# demo); it fails only when rampart could not scan (status 2 or 3).
set -u
bin=${1:?usage: demo.sh PATH-TO-RAMPART}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
echo "\$ rampart scan examples/"
"$bin" scan examples/
rc=$?
echo
case $rc in
0) echo "rampart scan exit status 0: nothing at or above the --fail-on threshold (default: high)." ;;
1) echo "rampart scan exit status 1: findings at or above the --fail-on threshold (default: high);" \
	"a CI job would fail here.  See 'rampart explain RULE-ID', examples/README.md, and" \
	"'rampart scan examples/ --format sarif|junit|json' for CI formats." ;;
2) echo "rampart scan exit status 2: usage or input error (see the diagnostics above)." ;;
*) echo "rampart scan exit status $rc: internal error." ;;
esac
[ "$rc" -le 1 ]
