#!/bin/sh
# gen_policy_corpus.sh RAMPART [ROOT]: writes the seed corpus
# fuzz/corpus/policy: the policies tests/attest uses (test-attest.c's
# literals, cli.sh's malformed one) and what `rampart attest --init-policy`
# writes for the fixture logs of ../shared/eventlog (as cli.sh and swtpm.sh
# make them).  Deterministic; rerun after a policy format change.
set -eu
R=$1
root=${2:-$(dirname "$0")/../..}
E=${RAMPART_SHARED:-$root/../shared}/eventlog
out=$root/fuzz/corpus/policy
mkdir -p "$out"
for f in keylime/binary_bios_measurements keylime/binary_bios_measurements-secureboot \
	go-attestation/option_rom_eventlog go-attestation/sb_cert_eventlog \
	go-attestation/windows_gcp_shielded_vm.eventlog.bin go-eventlog/legacydata/linux_tpm12.eventlog.bin; do
	"$R" attest --init-policy --eventlog "$E/$f" >"$out/init-$(basename "$f" | tr -c 'A-Za-z0-9_.\n-' _).json"
done
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s\n' "$line" >"$out/test-$i.json"
done <<'POLICIES'
{"version": 1, "dbx": {"must_contain": ["0000000000000000000000000000000000000000000000000000000000000001"]}}
{"version": 1, "db": {"allow": []}}
{"version": 1, "secure_boot": true}
{"version": 1, "forbidden_events": [{"type": "EV_EFI_ACTION", "pcr": 5, "string": "Exit Boot Services Invocation"}]}
{"version": 1, "separators": {"pcrs": [0, 1, 2, 3, 4]}}
{"version": 1, "secure_boot": tru}
[]
{"secure_boot": true}
{"version": 2}
{"version": 1, "secureboot": true}
{"version": 1, "db": {"allow": ["zz"]}}
{"version": 1, "dbx": {"allow": []}}
{"version": 1, "separators": {"pcrs": [24]}}
{"version": 1, "pcrs": {"sha256": {"0": "00"}}}
{"version": 1, "pcrs": {"md5": {}}}
{"version": 1, "forbidden_events": [{"type": "EV_BOGUS"}]}
{"version": 1, "boot_applications": {"mode": "any", "digests": []}}
{"version": 1, "version": 1}
{"version": 1, "event_digests": "maybe"}
POLICIES
