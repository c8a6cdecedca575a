#!/bin/sh
# bench/attest/run.sh BUILD_DIR: boot attestation benchmarks.
#  1. Parse + replay of the largest fixture log that tpm2_eventlog 5.4 can
#     read (keylime/binary_bios_measurements, 49 KB, 121 events), whole
#     process, N runs each, `rampart eventlog` (full text output) and
#     `rampart attest --eventlog` (replay + verdict) side by side with
#     `tpm2_eventlog` in the same run, interleaved in rounds.  Target >= 5x.
#     The largest fixture (option_rom_eventlog, 73 KB) is timed for rampart
#     only: tpm2_eventlog 5.4 segfaults on it.
#  2. Quote verification per RSA-2048 quote (bench-attest-quote), target <= 1 ms,
#     and tpm2_checkquote (whole process) on the same quote for reference.
# Env: RAMPART_SHARED; BENCH_N (runs per tool, default 200).
set -eu
build=${1:-build-release}
R="$build/src/cli/rampart"
E="${RAMPART_SHARED:-$(dirname "$0")/../../../shared}/eventlog"
N=${BENCH_N:-200}
LOG="$E/keylime/binary_bios_measurements"
BIG="$E/go-attestation/option_rom_eventlog"
ROUNDS=4
per=$(( N / ROUNDS ))
[ "$per" -ge 1 ] || per=1

ns() { date +%s%N; }
loop() { # loop COUNT CMD...
	c=$1; shift
	i=0
	while [ $i -lt "$c" ]; do "$@" >/dev/null 2>&1 || true; i=$((i + 1)); done
}

if ! command -v tpm2_eventlog >/dev/null 2>&1; then
	echo "attest eventlog: tpm2_eventlog not installed, reference not measured"
	exit 0
fi
"$R" eventlog "$LOG" >/dev/null
t_r=0; t_a=0; t_t=0
r=0
while [ $r -lt $ROUNDS ]; do
	a=$(ns); loop $per "$R" eventlog "$LOG"; b=$(ns); t_r=$((t_r + b - a))
	a=$(ns); loop $per "$R" attest --eventlog "$LOG"; b=$(ns); t_a=$((t_a + b - a))
	a=$(ns); loop $per tpm2_eventlog --eventlog-version=2 "$LOG"; b=$(ns); t_t=$((t_t + b - a))
	r=$((r + 1))
done
runs=$((per * ROUNDS))
a=$(ns); loop $runs "$R" eventlog "$BIG"; b=$(ns); t_big=$((b - a))
awk -v r="$t_r" -v at="$t_a" -v t="$t_t" -v n="$runs" -v big="$t_big" 'BEGIN {
	printf "attest eventlog (keylime/binary_bios_measurements, 49088 B, whole process, %d runs each): ", n
	printf "rampart eventlog %.2f ms/run, rampart attest --eventlog %.2f ms/run, tpm2_eventlog %.2f ms/run; ", r/n/1e6, at/n/1e6, t/n/1e6
	printf "ratio %.1fx (eventlog) %.1fx (attest); target >= 5x\n", t/r, t/at
	printf "attest eventlog (option_rom_eventlog, 72817 B, largest fixture; tpm2_eventlog 5.4 segfaults): rampart %.2f ms/run\n", big/n/1e6
}'

"$build/bench/attest/bench-attest-quote" "$E/.." 2000
if command -v tpm2_checkquote >/dev/null 2>&1; then
	G="$E/go-attestation/windows_gcp_shielded_vm"
	c=50
	a=$(ns); loop $c tpm2_checkquote -u "$G.ak.tpm2b_public" -m "$G.quote.msg" -s "$G.quote.sig" -f "$G.quote.pcrs" -g sha1; b=$(ns)
	a2=$(ns); loop $c "$R" attest --quote "$G.quote.msg" --signature "$G.quote.sig" --ak "$G.ak.tpm2b_public" --nonce "" --pcrs "$G.quote.pcrs"; b2=$(ns)
	awk -v t=$((b - a)) -v r=$((b2 - a2)) -v n=$c 'BEGIN { printf "attest quote (whole process, %d runs): rampart attest %.2f ms/run, tpm2_checkquote %.2f ms/run, ratio %.1fx\n", n, r/n/1e6, t/n/1e6, t/r }'
fi
