#!/bin/sh
# bench/attest/run.sh BUILD_DIR: boot attestation benchmarks.
#  1. Parse + replay of an event log, whole process, side by side with
#     tpm2_eventlog (tpm2-tools) in the same run: bench-attest-spawn runs
#     `rampart eventlog LOG` (full text output), `rampart attest --eventlog
#     LOG` (replay + verdict), `tpm2_eventlog LOG` (YAML output) and
#     /bin/true (process creation alone) in turn, BENCH_N rounds, and gives
#     min and median wall and CPU time per command (CPU = user + system of
#     that process, from wait4; no shell in between).  The log is the largest
#     fixture that tpm2_eventlog 5.4 reads (keylime/binary_bios_measurements,
#     49 KB, 121 events, SHA-1 + SHA-256 banks); the largest fixture
#     (go-attestation/option_rom_eventlog, 73 KB) is timed too, rampart only:
#     tpm2_eventlog 5.4 crashes on it.  The target figure is the ratio of the
#     median CPU times (the one to read on a shared, loaded machine); target
#     >= 5x.
#  2. Quote verification per RSA-2048 quote (bench-attest-quote, in
#     process), target <= 1000 us; and, for reference, whole-process
#     `rampart attest --quote` against tpm2_checkquote on the same quote.
# Env: RAMPART_SHARED; BENCH_N (rounds, default 200).
set -eu
build=${1:-build-release}
R="$build/src/cli/rampart"
S="$build/bench/attest/bench-attest-spawn"
E="${RAMPART_SHARED:-$(dirname "$0")/../../../shared}/eventlog"
N=${BENCH_N:-200}
LOG="$E/keylime/binary_bios_measurements"
BIG="$E/go-attestation/option_rom_eventlog"
T=$(mktemp)
trap 'rm -f "$T"' EXIT

# field NAME KEY: a value from bench-attest-spawn's output in $T
field() { awk -v n="$1" -v k="$2" '$1 == n { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) print a[2] } }' "$T"; }

if ! command -v tpm2_eventlog >/dev/null 2>&1; then
	echo "attest eventlog: tpm2_eventlog not installed, reference not measured"
	echo 'BENCH {"id":"attest.eventlog_vs_tpm2_eventlog","figure":0,"unit":"x tpm2_eventlog","target":">= 5","met":false,"reference":"tpm2_eventlog not installed"}'
else
	"$R" eventlog "$LOG" >/dev/null
	"$S" "$N" -- rampart-eventlog "$R" eventlog "$LOG" \
		-- rampart-attest "$R" attest --eventlog "$LOG" \
		-- tpm2_eventlog tpm2_eventlog --eventlog-version=2 "$LOG" \
		-- rampart-eventlog-largest "$R" eventlog "$BIG" \
		-- true /bin/true >"$T"
	for n in rampart-eventlog rampart-attest tpm2_eventlog; do
		[ "$(field $n exit)" = 0 ] || { echo "attest eventlog: $n exited $(field $n exit)"; exit 1; }
	done
	awk -v n="$N" '
	{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[$1, kv[1]] = kv[2] } }
	function ms(x) { return x / 1000 }
	END {
		r = "rampart-eventlog"; a = "rampart-attest"; t = "tpm2_eventlog"; z = "true"
		printf "attest eventlog (keylime/binary_bios_measurements, 49088 B, whole process, %d interleaved rounds; ms cpu median|min, wall median|min): ", n
		printf "rampart eventlog %.2f|%.2f, %.2f|%.2f; rampart attest --eventlog %.2f|%.2f, %.2f|%.2f; tpm2_eventlog %.2f|%.2f, %.2f|%.2f; /bin/true %.2f|%.2f, %.2f|%.2f\n", \
			ms(v[r, "cpu_med_us"]), ms(v[r, "cpu_min_us"]), ms(v[r, "wall_med_us"]), ms(v[r, "wall_min_us"]), \
			ms(v[a, "cpu_med_us"]), ms(v[a, "cpu_min_us"]), ms(v[a, "wall_med_us"]), ms(v[a, "wall_min_us"]), \
			ms(v[t, "cpu_med_us"]), ms(v[t, "cpu_min_us"]), ms(v[t, "wall_med_us"]), ms(v[t, "wall_min_us"]), \
			ms(v[z, "cpu_med_us"]), ms(v[z, "cpu_min_us"]), ms(v[z, "wall_med_us"]), ms(v[z, "wall_min_us"])
		fe = v[t, "cpu_med_us"] / v[r, "cpu_med_us"]; fa = v[t, "cpu_med_us"] / v[a, "cpu_med_us"]
		printf "attest eventlog ratio tpm2_eventlog/rampart (eventlog|attest): cpu median %.1fx|%.1fx, cpu min %.1fx|%.1fx, wall median %.1fx|%.1fx; net of /bin/true, cpu median %.1fx|%.1fx; target >= 5x\n", \
			fe, fa, v[t, "cpu_min_us"] / v[r, "cpu_min_us"], v[t, "cpu_min_us"] / v[a, "cpu_min_us"], \
			v[t, "wall_med_us"] / v[r, "wall_med_us"], v[t, "wall_med_us"] / v[a, "wall_med_us"], \
			(v[t, "cpu_med_us"] - v[z, "cpu_med_us"]) / (v[r, "cpu_med_us"] - v[z, "cpu_med_us"]), \
			(v[t, "cpu_med_us"] - v[z, "cpu_med_us"]) / (v[a, "cpu_med_us"] - v[z, "cpu_med_us"])
		b = "rampart-eventlog-largest"
		printf "attest eventlog (go-attestation/option_rom_eventlog, 72817 B, largest fixture; tpm2_eventlog 5.4 crashes on it): rampart eventlog cpu %.2f ms median, %.2f min\n", \
			ms(v[b, "cpu_med_us"]), ms(v[b, "cpu_min_us"])
		printf "BENCH {\"id\":\"attest.eventlog_vs_tpm2_eventlog\",\"figure\":%.2f,\"unit\":\"x tpm2_eventlog (median CPU time, whole process)\",\"target\":\">= 5\",\"met\":%s,\"reference\":\"tpm2_eventlog --eventlog-version=2, keylime/binary_bios_measurements, %d interleaved rounds, same run (rampart attest --eventlog %.2fx)\"}\n", \
			fe, (fe >= 5 ? "true" : "false"), n, fa
	}' "$T"
fi

"$build/bench/attest/bench-attest-quote" "$E/.." 2000
if command -v tpm2_checkquote >/dev/null 2>&1; then
	G="$E/go-attestation/windows_gcp_shielded_vm"
	"$S" 50 -- rampart-attest-quote "$R" attest --quote "$G.quote.msg" --signature "$G.quote.sig" \
		--ak "$G.ak.tpm2b_public" --nonce "" --pcrs "$G.quote.pcrs" \
		-- tpm2_checkquote tpm2_checkquote -u "$G.ak.tpm2b_public" -m "$G.quote.msg" \
		-s "$G.quote.sig" -f "$G.quote.pcrs" -g sha1 >"$T"
	[ "$(field rampart-attest-quote exit)" = 0 ] || { echo "attest quote: rampart exited $(field rampart-attest-quote exit)"; exit 1; }
	awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[$1, kv[1]] = kv[2] } }
	END {
		r = "rampart-attest-quote"; t = "tpm2_checkquote"
		printf "attest quote (whole process, 50 interleaved rounds, ms cpu median|min): rampart attest %.2f|%.2f (loads libcrypto at use), tpm2_checkquote %.2f|%.2f, ratio %.1fx\n", \
			v[r, "cpu_med_us"] / 1000, v[r, "cpu_min_us"] / 1000, v[t, "cpu_med_us"] / 1000, v[t, "cpu_min_us"] / 1000, v[t, "cpu_med_us"] / v[r, "cpu_med_us"]
	}' "$T"
fi
