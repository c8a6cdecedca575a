#!/bin/sh
# test-cli.sh: the CLI shell: help, version, exit codes, colors, the
# error format.  Prints "N passed, N failed".
set -u
bin=${RAMPART_BIN:?RAMPART_BIN not set}
. "$(dirname "$0")/../lib.sh"


# expect_rc RC DESCRIPTION -- ARGS...
expect_rc() {
	want=$1; shift; what=$1; shift
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else ko "$what: exit $rc, want $want"; cat "$tmp/err"; fi
}
# expect_in FILE TEXT DESCRIPTION
expect_in() {
	if grep -qF -- "$2" "$1"; then ok; else ko "$3: '$2' not in $(basename "$1")"; sed 's/^/  | /' "$1" | head -20; fi
}
expect_not_in() {
	if grep -qF -- "$2" "$1"; then ko "$3: '$2' unexpectedly in $(basename "$1")"; else ok; fi
}

expect_rc 0 "--help" --help
expect_in "$tmp/out" "usage: rampart" "--help usage"
expect_in "$tmp/out" "  json " "--help lists json"
expect_in "$tmp/out" "  help " "--help lists help"
expect_rc 0 "-h" -h
expect_rc 0 "--version" --version
if grep -Eq '^rampart [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out"; then ok; else ko "version format"; fi
expect_rc 0 "version command" version
expect_rc 0 "help json" help json
expect_in "$tmp/out" "usage: rampart json" "help json usage"
expect_rc 0 "json --help" json --help
expect_in "$tmp/out" "--strict" "json --help options"
expect_rc 2 "no arguments" 
expect_rc 2 "unknown command" frobnicate
expect_in "$tmp/err" "rampart: error: unknown command 'frobnicate'" "unknown command message"
expect_rc 2 "unknown global option" --frob
expect_rc 2 "help unknown command" help frobnicate
expect_rc 2 "bad --color" --color=sometimes --help
expect_in "$tmp/err" "--color takes auto, always or never" "bad --color message"
expect_rc 2 "json without file" json
expect_in "$tmp/err" "usage: rampart json" "usage shown on usage error"
expect_rc 2 "json unknown option" json --frob x.json
expect_rc 2 "json bad format" json --format yaml x.json

# The error format: FILE:LINE:COL, the source line, a caret.
printf '{\n  "a": [1, 2,\n  "b"\n}\n' >"$tmp/bad.json"
expect_rc 2 "syntax error exit" --color=never json "$tmp/bad.json"
expect_in "$tmp/err" "rampart: $tmp/bad.json:4:1: error: expected ',' or ']', found '}'" "error header"
if [ "$(sed -n 2p "$tmp/err")" = " }" ] && [ "$(sed -n 3p "$tmp/err")" = " ^" ]; then ok; else ko "source line and caret"; cat "$tmp/err"; fi
expect_rc 2 "missing file" json "$tmp/none.json"
expect_in "$tmp/err" "cannot open" "missing file message"
expect_rc 2 "directory as file" json "$tmp"
expect_in "$tmp/err" "not a regular file" "directory refused"

# Colors: never on a pipe by default, always on request, NO_COLOR honoured.
esc=$(printf '\033')
expect_rc 2 "auto color on pipe" json "$tmp/bad.json"
expect_not_in "$tmp/err" "$esc" "no color on a pipe"
expect_rc 2 "forced color" --color=always json "$tmp/bad.json"
expect_in "$tmp/err" "$esc[" "ANSI color with --color=always"
expect_rc 2 "--color after command" json --color always "$tmp/bad.json"
expect_in "$tmp/err" "$esc[" "--color accepted after the command"
NO_COLOR=1 "$bin" json "$tmp/bad.json" 2>"$tmp/err2" >/dev/null
expect_not_in "$tmp/err2" "$esc" "NO_COLOR"
if command -v script >/dev/null 2>&1; then
	# A pseudo-terminal: auto mode colors, NO_COLOR turns it off.
	env -u NO_COLOR script -qec "$bin json $tmp/bad.json" /dev/null >"$tmp/tty" 2>&1
	expect_in "$tmp/tty" "$esc[" "color on a terminal"
	NO_COLOR=1 script -qec "$bin json $tmp/bad.json" /dev/null >"$tmp/tty2" 2>&1
	expect_not_in "$tmp/tty2" "$esc" "NO_COLOR on a terminal"
fi

# Strict vs extended JSON and stdin.
printf '{"a": 1, // note\n "b": [1,2,],}\n' >"$tmp/ext.json"
expect_rc 0 "extended accepted" json "$tmp/ext.json"
expect_in "$tmp/out" "extended JSON: line comment, trailing comma" "extensions listed"
expect_rc 2 "strict rejects" json --strict "$tmp/ext.json"
expect_in "$tmp/err" ":1:10: error: comments are not allowed in strict JSON" "strict error position"
printf '[1,2]' | "$bin" json - >"$tmp/out" 2>&1
expect_in "$tmp/out" "<stdin>: ok: 3 values" "stdin"

# Writing to a closed stdout is an internal error, not a crash.
"$bin" --help >/dev/full 2>/dev/null
rc=$?
if [ "$rc" -eq 3 ]; then ok; else ko "write error exit $rc, want 3"; fi

# regression: the text report's line for a finding about the input itself
# (RMP-META-002: no resource, no type) ended with a space
printf '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [ }' >"$tmp/broken.json"
"$bin" --color=never scan "$tmp/broken.json" >"$tmp/out" 2>"$tmp/err"
expect_in "$tmp/out" "(no resource)" "unreadable template listed in the text report"
if grep -q ' $' "$tmp/out"; then ko "text report has trailing spaces: $(grep -n ' $' "$tmp/out" | head -3)"; else ok; fi

finish
