#!/bin/sh
# run.sh BUILD_DIR: runs every benchmark against a release build.
# Each benchmark prints its figures and the ratio to a reference measured in
# the same run.  `make bench` calls this.
set -eu
build=${1:-build-release}
root=$(cd "$(dirname "$0")/.." && pwd)
export RAMPART_SHARED="$root/../shared"
export RAMPART_BIN="$build/src/cli/rampart"
echo "== rampart benchmarks ($(uname -m), $(nproc) cores, $(date -u +%Y-%m-%d))"
# One line per benchmark below.
"$build/bench/json/bench-json" "$RAMPART_SHARED/corpus/arm-quickstart"
"$build/bench/arm/bench-arm" "$RAMPART_SHARED/corpus/arm-quickstart"
sh "$root/bench/attest/run.sh" "$build"
"$build/bench/scan/bench-scan" "$RAMPART_SHARED/corpus/arm-quickstart"
"$build/bench/tfplan/bench-tfplan" 100
"$build/bench/net/bench-net"
"$build/bench/watch/bench-watch"
"$build/bench/depth/bench-depth" "$build/bench/scan/bench-scan"
