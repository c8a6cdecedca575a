#!/bin/sh
# cli.sh: `rampart eventlog` and `rampart attest` over the shared fixtures:
# every TPM log parses (exit 0), broken ones give exit 2 with an offset,
# output is deterministic, and the real Windows/GCE quote is trusted only
# with its nonce.  Env: RAMPART_BIN, RAMPART_SHARED.  Prints "N passed, N failed".
set -u
R=${RAMPART_BIN:?}
E=${RAMPART_SHARED:?}/eventlog
T=$(mktemp -d "${TMPDIR:-/tmp}/rampart-attest-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

cd "$E" || exit 1
n=0
for f in go-attestation/coreos_36_shielded_vm_no_secure_boot_eventlog go-attestation/crypto_agile_eventlog \
	go-attestation/ebs_event_missing_eventlog go-attestation/option_rom_eventlog go-attestation/sb_cert_eventlog \
	go-attestation/short_no_action_eventlog go-attestation/ubuntu_2104_shielded_vm_no_secure_boot_eventlog \
	go-attestation/windows_gcp_shielded_vm.eventlog.bin go-eventlog/legacydata/linux_tpm12.eventlog.bin \
	go-eventlog/tpm/*.bin keylime/binary_bios_measurements keylime/binary_bios_measurements-secureboot \
	keylime/mb_log.bin tpm2-tools/*.bin go-eventlog/ccel/CCEL_unpadded.data.bin \
	go-eventlog/ccel/cos-113-intel-tdx.bin go-eventlog/ccel/event_log.bin; do
	"$R" eventlog "$f" >"$T/a.txt" 2>"$T/a.err" && ok || bad "eventlog $f: exit $?"
	n=$((n + 1))
	"$R" eventlog --format json "$f" >"$T/j$n.json" 2>/dev/null || bad "eventlog --format json $f"
	"$R" eventlog --format json "$f" >"$T/b.json" 2>/dev/null
	cmp -s "$T/j$n.json" "$T/b.json" && ok || bad "eventlog json output not deterministic: $f"
done
# every JSON document is valid and has the replayed PCRs (one python run)
python3 -c 'import json,sys
for p in sys.argv[1:]:
    d = json.load(open(p)); assert d["events"] and "pcrs" in d, p' "$T"/j*.json && ok || bad "eventlog json invalid" 
for f in keylime/binary_bios_measurements-bogus keylime/binary_bios_measurements-empty \
	go-eventlog/ccel/CCEL.bin go-eventlog/ccel/cos-113-intel-tdx.table.bin; do
	"$R" eventlog "$E/$f" >/dev/null 2>"$T/err"
	rc=$?
	[ $rc = 2 ] && grep -q "offset [0-9]*: error:" "$T/err" && ok || bad "broken log $f: exit $rc, $(cat "$T/err")"
done

G=$E/go-attestation/windows_gcp_shielded_vm
"$R" attest --eventlog "$G.eventlog.bin" --quote "$G.quote.msg" --signature "$G.quote.sig" \
	--ak "$G.ak.tpm2b_public" --nonce "" --pcrs "$G.quote.pcrs" >"$T/out" 2>&1 && ok || bad "GCE quote not trusted: $(cat "$T/out")"
"$R" attest --eventlog "$G.eventlog.bin" --quote "$G.quote.msg" --signature "$G.quote.sig" \
	--ak "$G.ak.tpmt_public" --nonce "" --format json >"$T/out" 2>&1 && ok || bad "GCE quote (TPMT_PUBLIC, replay) not trusted"
"$R" attest --quote "$G.quote.msg" --signature "$G.quote.sig" --ak "$G.ak.tpm2b_public" --nonce "01" >/dev/null 2>&1
[ $? = 1 ] && ok || bad "GCE quote with a wrong nonce not rejected"
"$R" attest --eventlog "$E/keylime/binary_bios_measurements" --ak "$G.ak.tpm2b_public" >/dev/null 2>&1
[ $? = 2 ] && ok || bad "--ak without --quote is not a usage error"
"$R" attest >/dev/null 2>&1
[ $? = 2 ] && ok || bad "attest without inputs is not a usage error"
# init-policy from a Secure Boot log, then the same log is trusted and another is not
"$R" attest --init-policy --eventlog "$E/keylime/binary_bios_measurements-secureboot" >"$T/p.json" 2>/dev/null && ok || bad "init-policy"
"$R" attest --eventlog "$E/keylime/binary_bios_measurements-secureboot" --policy "$T/p.json" >/dev/null 2>&1 && ok || bad "own policy not trusted"
RAMPART_DOC_BASE_URI=https://rampart.invalid/docs/ \
	"$R" attest --eventlog "$E/keylime/binary_bios_measurements" --policy "$T/p.json" --format sarif >"$T/s.json" 2>/dev/null
[ $? = 1 ] && ok || bad "other log trusted by the policy"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"]=="2.1.0"; assert any(r["kind"]=="fail" for r in d["runs"][0]["results"])' "$T/s.json" && ok || bad "sarif output"
# SARIF through the report layer: schema-valid, a failed check points at its
# event's byte range, rules documented in docs/attest.md with an anchor each
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]
ev=[x for x in r["results"] if x["ruleId"]=="policy.secure-boot"][0]
reg=ev["locations"][0]["physicalLocation"]["region"]; assert reg["byteOffset"] > 0 and reg["byteLength"] > 0, reg
for ru in r["tool"]["driver"]["rules"]:
    assert ru["helpUri"].endswith("docs/attest.md#" + ru["id"]), ru["helpUri"]
    assert "<a id=\"%s\"></a>" % ru["id"] in open(sys.argv[2]).read(), ru["id"]' \
	"$T/s.json" "${RAMPART_SOURCE_ROOT:?}/docs/attest.md" && ok || bad "attest sarif: event region or rule documentation"
# Without RAMPART_DOC_BASE_URI (or with a value that is not an absolute URI)
# rampart invents no address: no helpUri, no informationUri.
for base in "" "docs/" "https://x y/"; do
	RAMPART_DOC_BASE_URI=$base "$R" attest --eventlog "$E/keylime/binary_bios_measurements" \
		--policy "$T/p.json" --format sarif >"$T/s2.json" 2>/dev/null
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]
assert "informationUri" not in d and all("helpUri" not in r for r in d["rules"]), d' "$T/s2.json" &&
		ok || bad "sarif links without a valid RAMPART_DOC_BASE_URI ('$base')"
done
"$R" attest --quote "$G.quote.msg" --signature "$G.quote.sig" --ak "$G.ak.tpm2b_public" --nonce "" \
	--pcrs "$G.quote.pcrs" --format sarif >"$T/q.sarif" 2>/dev/null && ok || bad "trusted quote, sarif"
"$R" attest --quote "$G.quote.msg" --signature "$G.quote.sig" --ak "$G.ak.tpm2b_public" --nonce "01" \
	--format sarif >"$T/q2.sarif" 2>/dev/null
[ $? = 1 ] && ok || bad "wrong nonce, sarif"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]["results"]; assert [x["ruleId"] for x in r if x["kind"]=="fail"]==["quote.nonce"], r' "$T/q2.sarif" && ok || bad "wrong nonce sarif: not exactly quote.nonce failing"
if python3 -c 'import jsonschema' 2>/dev/null; then
	python3 "${RAMPART_SOURCE_ROOT:?}/tests/report/validate_sarif.py" "${RAMPART_SHARED:?}/schemas/sarif-schema-2.1.0.json" \
		"$T/s.json" "$T/q.sarif" "$T/q2.sarif" >"$T/v.out" 2>&1 && ok || bad "attest SARIF schema validation: $(cat "$T/v.out")"
fi
printf '{"version": 1, "secure_boot": tru}' >"$T/bad.json"
"$R" attest --eventlog "$E/keylime/binary_bios_measurements" --policy "$T/bad.json" >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q "bad.json:1:" "$T/err" && ok || bad "malformed policy: $(cat "$T/err")"

# Start-up (bench/attest, docs/attest.md): the executable needs libc only,
# not even libm (~1 ms per start; -fno-math-errno, watch/sketch.c) (libcrypto and libtss2-mu are loaded when a quote or key is read; the
# watch and report libraries likewise), is position-independent and fully
# RELRO; parsing a log never loads libcrypto, verifying a quote does.
# (under make check VALGRIND=1, $R is the memcheck wrapper: read the
# executable it runs)
X=${RAMPART_VALGRIND_BIN:-$R}
if command -v readelf >/dev/null 2>&1; then
	readelf -dW "$X" >"$T/dyn" 2>/dev/null
	needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' "$T/dyn" | grep -v -x -e 'libc.so.6' -e 'libasan.so.[0-9]*' -e 'libubsan.so.[0-9]*' | tr '\n' ' ')
	[ -z "$needed" ] && ok || bad "rampart links more than libc: $needed"
	grep -q 'FLAGS_1.*PIE' "$T/dyn" && ok || bad "rampart is not a PIE (no ASLR)"
	grep -q 'BIND_NOW\|FLAGS_1.*NOW' "$T/dyn" && readelf -lW "$X" | grep -q GNU_RELRO && ok || bad "rampart is not fully RELRO"
	# hardening flags (meson.build): stack canaries always; the checked
	# (_FORTIFY_SOURCE) string and memory functions in optimised builds
	# without sanitizers
	readelf --dyn-syms -W "$X" >"$T/syms" 2>/dev/null
	grep -q ' __stack_chk_fail' "$T/syms" && ok || bad "rampart has no stack protector"
	if [ "${RAMPART_FORTIFY:-0}" = 1 ]; then
		grep -q ' __[a-z]*_chk' "$T/syms" && ok || bad "rampart is not built with _FORTIFY_SOURCE"
	fi
fi
LD_DEBUG=files "$R" eventlog "$E/keylime/binary_bios_measurements" >/dev/null 2>"$T/ld"
grep -q 'libcrypto\|libtss2' "$T/ld" && bad "rampart eventlog loads libcrypto or libtss2" || ok
LD_DEBUG=files "$R" attest --eventlog "$E/keylime/binary_bios_measurements" >/dev/null 2>"$T/ld"
grep -q 'libcrypto\|libtss2' "$T/ld" && bad "rampart attest --eventlog loads libcrypto or libtss2" || ok
LD_DEBUG=files "$R" attest --quote "$G.quote.msg" --signature "$G.quote.sig" --ak "$G.ak.tpm2b_public" \
	--nonce "" --pcrs "$G.quote.pcrs" >/dev/null 2>"$T/ld"
grep -q 'file=libcrypto.so.3' "$T/ld" && grep -q 'file=libtss2-mu.so.0' "$T/ld" && ok || bad "quote verification did not load libcrypto and libtss2-mu"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
