#!/bin/sh
# layering.sh: lower layers never include higher ones.
# Order: util < json < ingest < model < rules, net, depth < report < cli;
# attest and watch sit beside the analysis and may use util and json (watch
# also ingest, model, net).  Prints "N passed, N failed".
set -u
root=${RAMPART_SOURCE_ROOT:?}
cd "$root/src" || exit 1
pass=0
fail=0
rank() {
	case $1 in
	util) echo 0 ;;
	json) echo 1 ;;
	ingest) echo 2 ;;
	model) echo 3 ;;
	rules | net | depth) echo 4 ;;
	attest) echo 4 ;;
	watch) echo 5 ;;
	report | scan) echo 6 ;;
	cli) echo 7 ;;
	*) echo 9 ;;
	esac
}
for f in $(find . -name '*.[ch]' | sort); do
	layer=$(echo "$f" | cut -d/ -f2)
	mine=$(rank "$layer")
	for inc in $(sed -n 's/^#include "\([a-z_]*\)\/.*"/\1/p' "$f" | sort -u); do
		theirs=$(rank "$inc")
		bad=0
		if [ "$theirs" -gt "$mine" ]; then bad=1; fi
		# Same-rank siblings stay apart, except rules may use net (exposure rules).
		if [ "$theirs" -eq "$mine" ] && [ "$inc" != "$layer" ]; then
			case "$layer:$inc" in
			rules:net | depth:net | depth:rules) ;;
			*) bad=1 ;;
			esac
		fi
		if [ "$layer" = attest ] && [ "$inc" != util ] && [ "$inc" != json ] && [ "$inc" != attest ]; then bad=1; fi
		if [ $bad -eq 1 ]; then
			echo "FAIL: src/$f ($layer) includes $inc/"
			fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
