#!/bin/sh
# test-docs.sh: every command in the registry is documented in README.md and
# in man/rampart.1, with the usage line the binary prints.
set -u
bin=${RAMPART_BIN:?}
root=${RAMPART_SOURCE_ROOT:?}
pass=0
fail=0
cmds=$("$bin" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z-]*\) .*/\1/p')
if [ -z "$cmds" ]; then
	fail=$((fail + 1)); echo "FAIL: no commands listed by rampart --help"
fi
for c in $cmds; do
	if grep -q "rampart $c" "$root/README.md"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL: README.md does not document 'rampart $c'"
	fi
	if grep -q "^\.SS $c\$" "$root/man/rampart.1" || grep -q "^\.SS \"$c\"" "$root/man/rampart.1"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL: man/rampart.1 has no section for '$c'"
	fi
done
# The man page must be well-formed for man(1).
if command -v groff >/dev/null 2>&1; then
	if groff -man -Tutf8 -ww -z "$root/man/rampart.1" 2>&1 | grep -q .; then
		fail=$((fail + 1)); echo "FAIL: groff warnings in man/rampart.1"
		groff -man -Tutf8 -ww -z "$root/man/rampart.1"
	else
		pass=$((pass + 1))
	fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
