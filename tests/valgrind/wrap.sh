#!/bin/sh
# The exe_wrapper of `meson test --setup=valgrind` (make check VALGRIND=1).
# A compiled test program runs under memcheck.  A test written in sh or
# Python runs as it is (memcheck would check the shell, not rampart), and
# every rampart it starts runs under memcheck through rampart.sh beside this
# file: RAMPART_BIN, and any argument that names the rampart executable,
# point at rampart.sh instead; RAMPART_VALGRIND_BIN keeps the real path
# for the checks that read the executable itself (readelf).
here=$(cd "$(dirname "$0")" && pwd)
script=0
case "${1##*/}" in
sh | dash | bash | python3 | python3.[0-9]*) script=1 ;;
*) [ "$(head -c 2 "$1" 2>/dev/null)" = "#!" ] && script=1 ;; # run by its #! line
esac
case $script in
1)
	# a script that starts no rampart (no RAMPART_BIN) runs as it is
	[ -n "${RAMPART_BIN:-}" ] || exec "$@"
	real=$RAMPART_BIN
	RAMPART_VALGRIND_BIN=$real
	RAMPART_BIN=$here/rampart.sh
	RAMPART_VALGRIND=1
	export RAMPART_VALGRIND_BIN RAMPART_BIN RAMPART_VALGRIND
	prog=$1
	shift
	for a; do
		shift
		if [ "$a" = "$real" ]; then
			set -- "$@" "$RAMPART_BIN"
		else
			set -- "$@" "$a"
		fi
	done
	exec "$prog" "$@"
	;;
*)
	exec valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite \
		--suppressions="$here/thirdparty.supp" --quiet "$@"
	;;
esac
