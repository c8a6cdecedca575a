#!/bin/sh
# bench/attest/run.sh BUILD_DIR: boot attestation benchmarks.
#  1. Parse + replay of the largest fixture log that tpm2_eventlog 5.4 can
#     read (keylime/binary_bios_measurements, 49 KB, 121 events), whole
#     process, N runs each, `rampart eventlog` (full text output) and
#     `rampart attest --eventlog` (replay + verdict) side by side with
#     `tpm2_eventlog` in the same run, interleaved in rounds.  Wall time and
#     CPU time (user+sys of the processes, /usr/bin/time) per run; the CPU
#     ratio is the one to read on a loaded machine.  Target >= 5x.
#     The largest fixture (option_rom_eventlog, 73 KB) is timed for rampart
#     only: tpm2_eventlog 5.4 segfaults on it.
#  2. Quote verification per RSA-2048 quote (bench-attest-quote), target <= 1 ms,
#     and tpm2_checkquote (whole process) on the same quote for reference.
# Env: RAMPART_SHARED; BENCH_N (runs per tool, default 200).
set -eu
if [ "${1:-}" = "--loop" ]; then # internal: --loop COUNT CMD...
	shift
	c=$1
	shift
	i=0
	while [ $i -lt "$c" ]; do "$@" >/dev/null 2>&1 || true; i=$((i + 1)); done
	exit 0
fi
build=${1:-build-release}
self=$0
R="$build/src/cli/rampart"
E="${RAMPART_SHARED:-$(dirname "$0")/../../../shared}/eventlog"
N=${BENCH_N:-200}
LOG="$E/keylime/binary_bios_measurements"
BIG="$E/go-attestation/option_rom_eventlog"
ROUNDS=4
per=$(( N / ROUNDS ))
[ "$per" -ge 1 ] || per=1
T=$(mktemp)
trap 'rm -f "$T"' EXIT

ns() { date +%s%N; }
# measure COUNT CMD...: prints "WALL_NS CPU_NS" for COUNT runs of CMD
measure() {
	c=$1
	shift
	a=$(ns)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%U %S" -o "$T" sh "$self" --loop "$c" "$@"
		cpu=$(awk '{ printf "%.0f", ($1 + $2) * 1e9 }' "$T")
	else
		sh "$self" --loop "$c" "$@"
		cpu=0
	fi
	b=$(ns)
	echo "$((b - a)) $cpu"
}

if ! command -v tpm2_eventlog >/dev/null 2>&1; then
	echo "attest eventlog: tpm2_eventlog not installed, reference not measured"
	exit 0
fi
"$R" eventlog "$LOG" >/dev/null
wr=0; cr=0; wa=0; ca=0; wt=0; ct=0
r=0
while [ $r -lt $ROUNDS ]; do
	set -- $(measure $per "$R" eventlog "$LOG"); wr=$((wr + $1)); cr=$((cr + $2))
	set -- $(measure $per "$R" attest --eventlog "$LOG"); wa=$((wa + $1)); ca=$((ca + $2))
	set -- $(measure $per tpm2_eventlog --eventlog-version=2 "$LOG"); wt=$((wt + $1)); ct=$((ct + $2))
	r=$((r + 1))
done
runs=$((per * ROUNDS))
set -- $(measure $runs "$R" eventlog "$BIG"); wbig=$1; cbig=$2
# process creation alone (fork + exec of /bin/true), to read the ratios net of it
set -- $(measure $runs /bin/true); w0=$1; c0=$2
awk -v wr="$wr" -v cr="$cr" -v wa="$wa" -v ca="$ca" -v wt="$wt" -v ct="$ct" -v n="$runs" -v wbig="$wbig" -v cbig="$cbig" -v w0="$w0" -v c0="$c0" 'BEGIN {
	printf "attest eventlog (keylime/binary_bios_measurements, 49088 B, whole process, %d runs each, ms/run wall|cpu): ", n
	printf "rampart eventlog %.2f|%.2f, rampart attest --eventlog %.2f|%.2f, tpm2_eventlog %.2f|%.2f; ", wr/n/1e6, cr/n/1e6, wa/n/1e6, ca/n/1e6, wt/n/1e6, ct/n/1e6
	printf "ratio wall %.1fx|%.1fx, cpu %.1fx|%.1fx (eventlog|attest); target >= 5x\n", wt/wr, wt/wa, (cr ? ct/cr : 0), (ca ? ct/ca : 0)
	printf "attest eventlog (option_rom_eventlog, 72817 B, largest fixture; tpm2_eventlog 5.4 segfaults): rampart %.2f ms/run wall, %.2f cpu\n", wbig/n/1e6, cbig/n/1e6
	printf "attest eventlog net of process creation (/bin/true %.2f|%.2f ms/run wall|cpu): ratio wall %.1fx|%.1fx, cpu %.1fx|%.1fx (eventlog|attest)\n", w0/n/1e6, c0/n/1e6, (wt-w0)/(wr-w0), (wt-w0)/(wa-w0), (cr > c0 ? (ct-c0)/(cr-c0) : 0), (ca > c0 ? (ct-c0)/(ca-c0) : 0)
}'

"$build/bench/attest/bench-attest-quote" "$E/.." 2000
if command -v tpm2_checkquote >/dev/null 2>&1; then
	G="$E/go-attestation/windows_gcp_shielded_vm"
	c=50
	set -- $(measure $c tpm2_checkquote -u "$G.ak.tpm2b_public" -m "$G.quote.msg" -s "$G.quote.sig" -f "$G.quote.pcrs" -g sha1)
	wt=$1; ct=$2
	set -- $(measure $c "$R" attest --quote "$G.quote.msg" --signature "$G.quote.sig" --ak "$G.ak.tpm2b_public" --nonce "" --pcrs "$G.quote.pcrs")
	awk -v wt="$wt" -v ct="$ct" -v wr="$1" -v cr="$2" -v n=$c 'BEGIN { printf "attest quote (whole process, %d runs, ms/run wall|cpu): rampart attest %.2f|%.2f, tpm2_checkquote %.2f|%.2f, ratio wall %.1fx cpu %.1fx\n", n, wr/n/1e6, cr/n/1e6, wt/n/1e6, ct/n/1e6, wt/wr, (cr ? ct/cr : 0) }'
fi
