#!/bin/sh
# run.sh BUILD_DIR SECONDS [TARGET...]: runs every libFuzzer target (or the
# ones named) for SECONDS each.  `make fuzz FUZZ_SECONDS=N` calls this.
# run.sh --seed-dirs TARGET: lists the seed directories TARGET starts from.
#
# Each target starts from its committed corpus (fuzz/corpus/NAME, replayed
# by `make check`) plus real fixtures from ../shared as seeds.  New inputs go
# to BUILD_DIR/fuzz-work/NAME (the committed corpus stays small and
# reviewed); crashes, leaks and timeouts go to BUILD_DIR/fuzz-crashes as
# NAME-crash-*, which you minimise and add to fuzz/corpus/NAME with the fix.
# Prints one summary line per target and exits 1 if any target failed.
# FUZZ_TIMEOUT (seconds, default 10): an input running longer is a hang.
# FUZZ_CLOCK=cpu: SECONDS is the CPU time (user + system) each target gets,
# not wall time: on a shared machine a niced fuzzer then runs until it has
# really fuzzed that long (the process is stopped with SIGINT, and libFuzzer
# prints its final statistics as on a normal end).
# On a loaded shared machine a niced fuzzer can be starved past 10 s in
# ASan's own bookkeeping; replay such a "timeout" alone before trusting it,
# and raise FUZZ_TIMEOUT for campaigns beside other work.
set -u
build=${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared"

# Real inputs each target starts from, besides its own corpus.
seeds() {
	case "$1" in
	json | arm_template | model_rules) echo "$shared/fixtures/checkov-arm/templates" ;;
	tfplan) echo "$shared/fixtures/tfplan" ;;
	export) echo "$shared/fixtures/exports" ;;
	eventlog) echo "$shared/eventlog" ;;
	flowlog | activitylog) echo "$shared/fixtures/monitoring" ;;
	esac
}

# seed_dirs TARGET: the directories holding its seed files under 1 MiB.
# libFuzzer reads seed directories flat, so the files' own directories are
# listed.  (`find -size -1M` would round sizes up to whole MiB and match
# only empty files: until session 5 no seed reached the fuzzers.)
seed_dirs() {
	for s in $(seeds "$1"); do
		find "$s" -type f -size +0 -size -1024k -printf '%h\n' 2>/dev/null
	done | sort -u
}

# run.sh --seed-dirs TARGET: print them (tests check every seeded target
# gets real inputs).
if [ "$build" = --seed-dirs ]; then
	seed_dirs "$seconds"
	exit 0
fi
crashes="$build/fuzz-crashes"
mkdir -p "$crashes"

if [ $# -eq 0 ]; then
	set -- $(cd "$build/fuzz" && ls fuzz-* 2>/dev/null | sed 's/^fuzz-//')
fi
if [ $# -eq 0 ]; then
	echo "run.sh: no fuzz targets in $build/fuzz (configure with -Dfuzzing=true)" >&2
	exit 2
fi
# cpu_budget PID SECONDS: waits until PID has used SECONDS of CPU time
# (utime + stime from /proc/PID/stat, in clock ticks), then interrupts it.
# Returns at once when PID ends by itself (a crash ends a run early).
cpu_budget() {
	hz=$(getconf CLK_TCK)
	while [ -r "/proc/$1/stat" ]; do
		# the command name may hold spaces: count fields after its ')'
		used=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk -v hz="$hz" '{ print int(($12 + $13) / hz) }')
		[ -n "$used" ] || break
		if [ "$used" -ge "$2" ]; then
			kill -INT "$1" 2>/dev/null
			break
		fi
		sleep 5
	done
}

# The spurious "timeouts" seen beside other work were ASan returning freed
# memory to the kernel (madvise inside quarantine recycling) in a starved
# process; keep freed memory in the allocator unless told otherwise.
: "${ASAN_OPTIONS:=allocator_release_to_os_interval_ms=-1}"
export ASAN_OPTIONS

failed=0
for t in "$@"; do
	exe="$build/fuzz/fuzz-$t"
	if [ ! -x "$exe" ]; then
		echo "run.sh: no target $t ($exe)" >&2
		failed=1
		continue
	fi
	work="$build/fuzz-work/$t"
	mkdir -p "$work"
	dirs="$work $root/fuzz/corpus/$t"
	for d in $(seed_dirs "$t"); do
		dirs="$dirs $d"
	done
	log="$build/fuzz-$t.log"
	# -max_len: the seeds are up to hundreds of KB; mutations past 1 MB buy
	# nothing but time.  -rss_limit_mb: a leak or runaway allocation is a bug.
	limit=$seconds
	[ "${FUZZ_CLOCK:-wall}" = cpu ] && limit=0
	"$exe" -max_total_time="$limit" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len=1048576 \
		-print_final_stats=1 -artifact_prefix="$crashes/$t-" $dirs >"$log" 2>&1 &
	pid=$!
	if [ "${FUZZ_CLOCK:-wall}" = cpu ]; then
		cpu_budget "$pid" "$seconds"
	fi
	wait "$pid"
	rc=$?
	# a stop at the CPU budget is the normal end of the run
	if [ "${FUZZ_CLOCK:-wall}" = cpu ] && [ $rc -ne 0 ] && grep -q 'libFuzzer: run interrupted' "$log"; then
		rc=0
	fi
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		echo "fuzz $t: ok, ${runs:-?} runs in ${seconds}s (${FUZZ_CLOCK:-wall}), ${cov:-cov: ?}"
	else
		echo "fuzz $t: FAILED (exit $rc), see $log and $crashes/$t-*"
		failed=1
	fi
done
exit $failed
