# tests/lib.sh: the shell tests' common start, sourced as
#   . "$(dirname "$0")/../lib.sh"
# It gives a scratch directory $tmp (removed at exit), the counters pass and
# fail with ok and ko DESCRIPTION (prints "FAIL: DESCRIPTION"), and finish,
# the last command: prints "N passed, N failed" (what meson's log shows) and
# fails when something did.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rampart-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
