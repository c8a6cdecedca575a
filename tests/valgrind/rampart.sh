#!/bin/sh
# rampart under memcheck, for the scripted tests of make check VALGRIND=1
# (wrap.sh sets RAMPART_BIN to this file).  An error, or memory definitely
# lost, exits 99, which no rampart command returns.
exec valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite \
	--suppressions="$(cd "$(dirname "$0")" && pwd)/thirdparty.supp" \
	--quiet "${RAMPART_VALGRIND_BIN:?RAMPART_VALGRIND_BIN not set}" "$@"
