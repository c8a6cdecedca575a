#!/usr/bin/env bash
# swtpm.sh: end-to-end test of `rampart attest` against a real software TPM.
#
# Starts swtpm on free loopback ports (killed by PID on exit), creates an EK
# and three AKs (RSASSA, RSAPSS, ECDSA) with tpm2-tools, writes a
# crypto-agile event log and extends its digests into the TPM, takes quotes,
# and checks that rampart verifies each one (log replay, serialized and
# values PCR files, TSS and plain signatures, PEM and TPM2B_PUBLIC keys) and
# rejects a wrong nonce, tampered PCRs, a tampered attestation, a tampered
# log, a wrong key and an NV_Certify attestation.  Recipe:
# ../shared/reference/attestation.md section 1.
#
# Env: RAMPART_BIN (the rampart binary).  Exit 77 (skip) only when swtpm or
# tpm2-tools are not installed.  Prints "N passed, N failed".
set -u
for tool in swtpm tpm2_createek tpm2_createak tpm2_quote tpm2_pcrextend tpm2_nvcertify python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done
R=${RAMPART_BIN:?RAMPART_BIN not set}
W=$(mktemp -d "${TMPDIR:-/tmp}/rampart-swtpm.XXXXXX")
SWTPM_PID=
cleanup() {
	if [ -n "$SWTPM_PID" ]; then
		kill "$SWTPM_PID" 2>/dev/null
		wait "$SWTPM_PID" 2>/dev/null
	fi
	rm -rf "$W"
}
trap cleanup EXIT
cd "$W" || exit 1
mkdir state

# ---- start swtpm on a free port pair (random start, try up to 30 pairs) ----
base=$(( 20000 + ($$ * 7 + $(date +%N | sed 's/^0*//;s/^$/0/') % 1000) % 30000 ))
started=0
for i in $(seq 0 29); do
	PORT=$(( base + 2 * i ))
	CPORT=$(( PORT + 1 ))
	swtpm socket --tpm2 --tpmstate dir="$W/state" \
		--server type=tcp,port=$PORT,bindaddr=127.0.0.1 \
		--ctrl type=tcp,port=$CPORT,bindaddr=127.0.0.1 \
		--flags not-need-init,startup-clear --log file="$W/swtpm.log" &
	SWTPM_PID=$!
	export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$PORT"
	for j in $(seq 100); do
		if ! kill -0 "$SWTPM_PID" 2>/dev/null; then break; fi
		if tpm2_getcap properties-fixed >/dev/null 2>&1; then started=1; break; fi
		sleep 0.05
	done
	[ $started = 1 ] && break
	kill "$SWTPM_PID" 2>/dev/null
	wait "$SWTPM_PID" 2>/dev/null
	SWTPM_PID=
done
if [ $started != 1 ]; then
	echo "FAIL: swtpm did not start on any port"
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
# expect RC DESCRIPTION rampart-args...
expect() {
	local want=$1 what=$2
	shift 2
	"$R" "$@" >"$W/out" 2>"$W/err"
	local rc=$?
	if [ $rc = "$want" ]; then ok "$what (exit $rc)"; else
		bad "$what: exit $rc, expected $want"
		sed 's/^/    /' "$W/out" "$W/err" | head -30
	fi
}
flush() { tpm2_flushcontext -t >/dev/null 2>&1; tpm2_flushcontext -s >/dev/null 2>&1; }
run() { "$@" >/dev/null 2>"$W/tool.err" || { echo "tool failed: $*"; cat "$W/tool.err"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }; }

run tpm2_createek -c ek.ctx -G rsa -u ek.pub; flush
run tpm2_createak -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa -u ak.pem -f pem -n ak.name; flush
run tpm2_createak -C ek.ctx -c akpss.ctx -G rsa -g sha256 -s rsapss -u akpss.pem -f pem -n akpss.name; flush
run tpm2_createak -C ek.ctx -c akec.ctx -G ecc -g sha256 -s ecdsa -u akec.pem -f pem -n akec.name; flush
run tpm2_readpublic -c akpss.ctx -f tss -o akpss.tss; flush

# ---- an event log whose digests are extended into the TPM ----
python3 - "$W/log.bin" "$W/extends.txt" <<'PY'
import hashlib, struct, sys
def guid(s):
    a, b, c, d, e = s.split('-')
    return struct.pack('<IHH', int(a, 16), int(b, 16), int(c, 16)) + bytes.fromhex(d + e)
def var(g, name, data):
    return guid(g) + struct.pack('<QQ', len(name), len(data)) + name.encode('utf-16-le') + data
G = '8be4df61-93ca-11d2-aa0d-00e098032b8c'
events = [
    (0, 0x08, 'rampart test firmware\0'.encode('utf-16-le'), None),
    (7, 0x80000001, var(G, 'SecureBoot', b'\x00'), None),
] + [(p, 4, b'\0\0\0\0', None) for p in range(8)] + [
    (4, 0x80000007, b'Calling EFI Application from Boot Option', None),
    (4, 0x80000003, struct.pack('<QQQQ', 0x1000, 0x2000, 0, 4) + bytes([0x7f, 0xff, 4, 0]),
     hashlib.sha256(b'a boot loader image').digest()),
    (5, 0x80000007, b'Exit Boot Services Invocation', None),
]
spec = b'Spec ID Event03\0' + struct.pack('<IBBBBI', 0, 0, 2, 0, 2, 1) + struct.pack('<HH', 0x000b, 32) + b'\0'
out = struct.pack('<II', 0, 3) + bytes(20) + struct.pack('<I', len(spec)) + spec
ext = []
for pcr, typ, data, dg in events:
    d = dg or hashlib.sha256(data).digest()
    out += struct.pack('<III', pcr, typ, 1) + struct.pack('<H', 0x000b) + d + struct.pack('<I', len(data)) + data
    ext.append('%d:sha256=%s' % (pcr, d.hex()))
open(sys.argv[1], 'wb').write(out)
open(sys.argv[2], 'w').write('\n'.join(ext) + '\n')
PY
while read -r e; do run tpm2_pcrextend "$e"; done < extends.txt
NONCE=$(python3 -c 'import os; print(os.urandom(16).hex())')
SEL=sha256:0,1,2,3,4,5,6,7

# 1) RSASSA, TPMT_SIGNATURE, serialized PCR file
run tpm2_quote -c ak.ctx -l $SEL -q "$NONCE" -m q.msg -s q.sig -o q.pcrs -g sha256; flush
expect 0 "rsassa quote verified against the log replay" attest --eventlog log.bin --quote q.msg --signature q.sig --ak ak.pem --nonce "$NONCE"
expect 0 "rsassa quote with serialized PCR file" attest --eventlog log.bin --quote q.msg --signature q.sig --ak ak.pem --nonce "$NONCE" --pcrs q.pcrs
expect 0 "rsassa quote without log, PCR file only" attest --quote q.msg --signature q.sig --ak ak.pem --nonce "$NONCE" --pcrs q.pcrs --format json
grep -q '"verdict": "trusted"' out && ok "json verdict trusted" || bad "json verdict"
# 2) plain signature, -F values with 8 PCRs (tpm2_checkquote 5.4 cannot)
run tpm2_quote -c ak.ctx -l $SEL -q "$NONCE" -m qv.msg -s qv.sig -f plain -o qv.pcrs -F values -g sha256; flush
expect 0 "rsassa plain signature, -F values PCR file (8 PCRs)" attest --eventlog log.bin --quote qv.msg --signature qv.sig --ak ak.pem --nonce "$NONCE" --pcrs qv.pcrs
# 3) RSA-PSS (libtpms salt = hash length), PEM and TPM2B_PUBLIC keys, 2 banks
run tpm2_quote -c akpss.ctx -l $SEL -q "$NONCE" -m qs.msg -s qs.sig -o qs.pcrs -g sha256 --scheme rsapss; flush
expect 0 "rsapss quote, PEM key" attest --eventlog log.bin --quote qs.msg --signature qs.sig --ak akpss.pem --nonce "$NONCE" --pcrs qs.pcrs
expect 0 "rsapss quote, TPM2B_PUBLIC key" attest --eventlog log.bin --quote qs.msg --signature qs.sig --ak akpss.tss --nonce "$NONCE"
run tpm2_quote -c akpss.ctx -l "$SEL" -q "$NONCE" -m qs2.msg -s qs2.sig -f plain -g sha256 --scheme rsapss; flush
expect 0 "rsapss plain signature" attest --eventlog log.bin --quote qs2.msg --signature qs2.sig --ak akpss.tss --nonce "$NONCE"
# 4) ECDSA P-256
run tpm2_quote -c akec.ctx -l $SEL -q "$NONCE" -m qe.msg -s qe.sig -o qe.pcrs -g sha256; flush
expect 0 "ecdsa quote" attest --eventlog log.bin --quote qe.msg --signature qe.sig --ak akec.pem --nonce "$NONCE" --pcrs qe.pcrs
run tpm2_quote -c akec.ctx -l $SEL -q "$NONCE" -m qep.msg -s qep.sig -f plain -g sha256; flush
expect 0 "ecdsa plain (DER) signature" attest --eventlog log.bin --quote qep.msg --signature qep.sig --ak akec.pem --nonce "$NONCE"

# ---- negative cases ----
expect 1 "wrong nonce rejected" attest --eventlog log.bin --quote q.msg --signature q.sig --ak ak.pem --nonce deadbeef
grep -q "quote.nonce" out && ok "wrong nonce names quote.nonce" || bad "wrong nonce message"
cp q.pcrs bad.pcrs; printf '\x01' | dd of=bad.pcrs bs=1 seek=142 conv=notrunc 2>/dev/null
expect 1 "tampered PCR file rejected" attest --eventlog log.bin --quote q.msg --signature q.sig --ak ak.pem --nonce "$NONCE" --pcrs bad.pcrs
cp q.msg bad.msg; printf '\x00' | dd of=bad.msg bs=1 seek=$(( $(stat -c%s q.msg) - 1 )) conv=notrunc 2>/dev/null
expect 1 "tampered attestation rejected" attest --eventlog log.bin --quote bad.msg --signature q.sig --ak ak.pem --nonce "$NONCE"
expect 1 "wrong key rejected" attest --eventlog log.bin --quote q.msg --signature q.sig --ak akec.pem --nonce "$NONCE"
expect 1 "other RSA key rejected" attest --eventlog log.bin --quote q.msg --signature q.sig --ak akpss.pem --nonce "$NONCE"
cp log.bin bad.log; printf '\x55' | dd of=bad.log bs=1 seek=$(( $(stat -c%s log.bin) - 40 )) conv=notrunc 2>/dev/null
expect 1 "tampered event log (digest) rejected" attest --eventlog bad.log --quote q.msg --signature q.sig --ak ak.pem --nonce "$NONCE"
# an NV_Certify attestation signed by the same AK: not a quote
run tpm2_nvdefine -C o -s 8 -a "ownerread|ownerwrite|authread|authwrite" 0x1500016
printf 'rampart!' > nv.data
run tpm2_nvwrite -C o -i nv.data 0x1500016
run tpm2_nvcertify -C ak.ctx -c o -g sha256 -f plain -s rsassa -o nv.sig --attestation nv.attest -q "$NONCE" --size 8 0x1500016; flush
expect 1 "NV_Certify attestation rejected (tpm2_checkquote 5.4 accepts it)" attest --quote nv.attest --signature nv.sig --ak ak.pem --nonce "$NONCE"
grep -q "quote.type" out && grep -q "nv-certify" out && ok "NV_Certify names quote.type" || bad "NV_Certify message"
grep -q "pass     quote.signature" out && ok "NV_Certify signature itself verifies" || bad "NV_Certify signature"
# bad input
expect 2 "truncated attestation is bad input" attest --quote ek.pub --signature q.sig --ak ak.pem --nonce "$NONCE"
expect 2 "missing --nonce is a usage error" attest --quote q.msg --signature q.sig --ak ak.pem

# ---- policy from the known-good log ----
expect 0 "init-policy" attest --init-policy --eventlog log.bin
cp out policy.json
expect 0 "quote + policy from the same log" attest --eventlog log.bin --quote q.msg --signature q.sig --ak ak.pem --nonce "$NONCE" --policy policy.json
sed 's/"secure_boot": false/"secure_boot": true/' policy.json > sb.json
expect 1 "policy requiring Secure Boot rejects this log" attest --eventlog log.bin --quote q.msg --signature q.sig --ak ak.pem --nonce "$NONCE" --policy sb.json --format sarif
grep -q '"ruleId": "policy.secure-boot"' out && ok "SARIF names policy.secure-boot" || bad "SARIF result"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
