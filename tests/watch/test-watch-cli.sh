#!/bin/sh
# test-watch-cli.sh: `rampart watch` end to end: every sample, standard
# input, report formats, exit codes, bad input with positions, --exec,
# --follow on a growing PT1H.json.  Prints "N passed, N failed".
set -u
bin=${RAMPART_BIN:?}
fx=${RAMPART_SHARED:?}/fixtures/monitoring
. "$(dirname "$0")/../lib.sh"
check() { if eval "$2"; then ok; else ko "$1"; fi; }

# every sample is read without error
for f in "$fx"/*.json; do
	"$bin" watch --no-status --fail-on none "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "sample $(basename "$f") rc=$rc" '[ $rc -eq 0 ] && ! grep -q "error:" "$tmp/err"'
done

# v1 sample: RDP accepted from the Internet, as JSON lines, exit 1
"$bin" watch --no-status "$fx/nsg_flow_v1_msdocs_PT1H.json" >"$tmp/v1" 2>"$tmp/err"
rc=$?
check "v1 exit 1" '[ $rc -eq 1 ]'
check "v1 lines are JSON" 'python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$tmp/v1"'
check "v1 RMP-WATCH-002" 'grep -q "\"rule_id\":\"RMP-WATCH-002\".*\"subject\":\"10.1.0.4:3389/tcp\"" "$tmp/v1"'
check "v1 remediation" 'grep -q "az network nsg rule create --resource-group FABRIKAMRG --nsg-name FABRIAKMVM1-NSG" "$tmp/v1"'

# the same from standard input
"$bin" watch --no-status <"$fx/nsg_flow_v1_msdocs_PT1H.json" >"$tmp/stdin" 2>/dev/null
sed 's/"input":"[^"]*",//g' "$tmp/v1" >"$tmp/v1.noinput"
sed 's/"input":"[^"]*",//g' "$tmp/stdin" >"$tmp/stdin.noinput"
check "stdin equals file mode" 'cmp -s "$tmp/v1.noinput" "$tmp/stdin.noinput" && grep -q "\"input\":\"-\"" "$tmp/stdin"'

# report formats at exit
"$bin" watch --no-status -f sarif -o "$tmp/out.sarif" "$fx/nsg_flow_v1_msdocs_PT1H.json"
check "sarif" 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); r=d[\"runs\"][0][\"results\"]; assert r and r[0][\"ruleId\"]==\"RMP-WATCH-002\"" "$tmp/out.sarif"'
"$bin" watch --no-status -f text "$fx/nsg_flow_v1_msdocs_PT1H.json" >"$tmp/text"
check "text points at the evidence" 'grep -q "nsg_flow_v1_msdocs_PT1H.json:29:37" "$tmp/text"'
"$bin" watch --no-status -f json --stream "$tmp/lines" "$fx/nsg_flow_v1_msdocs_PT1H.json" >"$tmp/json"
check "json report + stream" 'python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/json" && cmp -s "$tmp/lines" "$tmp/v1"'

# a named pipe is read once: JSON lines need no second pass, and a report
# gives its findings without line:column (reading the pipe again used to
# wait for a writer forever)
mkfifo "$tmp/fifo"
cat "$fx/nsg_flow_v1_msdocs_PT1H.json" >"$tmp/fifo" &
timeout 60 "$bin" watch --no-status "$tmp/fifo" >"$tmp/fifo.out" 2>"$tmp/err"
rc=$?
check "fifo: JSON lines, exit 1 (rc=$rc)" '[ $rc -eq 1 ] && grep -q "\"subject\":\"10.1.0.4:3389/tcp\"" "$tmp/fifo.out"'
wait
cat "$fx/nsg_flow_v1_msdocs_PT1H.json" >"$tmp/fifo" &
timeout 60 "$bin" watch --no-status -f text "$tmp/fifo" >"$tmp/fifo.text" 2>"$tmp/err"
rc=$?
check "fifo: text report, exit 1 (rc=$rc)" '[ $rc -eq 1 ] && grep -q "RMP-WATCH-002" "$tmp/fifo.text"'
wait

# directories are walked; benign samples give nothing
mkdir -p "$tmp/dir/sub"
cp "$fx/nsg_flow_v2_msdocs_PT1H.json" "$tmp/dir/sub/PT1H.json"
cp "$fx/nsg_flow_v2_msdocs_PT1H.json" "$tmp/dir/a.json"
echo '{"ignored": "not a .json name"}' >"$tmp/dir/notes.txt"
"$bin" watch --no-status -f json "$tmp/dir" >"$tmp/d" 2>"$tmp/err"
rc=$?
check "directory benign rc=$rc" '[ $rc -eq 0 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert not d[\"findings\"], d[\"findings\"]" "$tmp/d"'
check "directory walked" 'grep -q "dir/sub/PT1H.json" "$tmp/d" && grep -q "dir/a.json" "$tmp/d" && ! grep -q notes.txt "$tmp/d"'

# bad input: position, exit 2, other records still read
printf '{"records":[{"properties":{"flows":[{"rule":"r","flows":[{"mac":"m","flowTuples":[\n"1,1.2.3.4,10.0.0.4,1,3389,T,I,A",\n"1,1.2.3.4,10.0.0.4,1,99999,T,I,A"]}]}]}}]}\n' >"$tmp/bad.json"
"$bin" watch --no-status "$tmp/bad.json" >"$tmp/b" 2>"$tmp/err"
rc=$?
check "bad tuple exit 2" '[ $rc -eq 2 ]'
check "bad tuple position" 'grep -q "bad.json:3:23: error: bad flow tuple: bad destination port" "$tmp/err"'
check "good tuple still read" 'grep -q RMP-WATCH-002 "$tmp/b"'
printf '{"records":[{"time":1}\n,"records":[]}]}' >"$tmp/bad2.json"
"$bin" watch --no-status "$tmp/bad2.json" >/dev/null 2>"$tmp/err"
rc=$?
check "split error exit 2" '[ $rc -eq 2 ] && grep -q "bad2.json:2:2: error: expected a record" "$tmp/err"'
"$bin" watch --no-status --scan-ports x "$tmp/bad.json" >/dev/null 2>&1
check "usage error exit 2" '[ $? -eq 2 ]'
"$bin" watch --no-status --skip-rule RMP-WATCH-002 "$fx/nsg_flow_v1_msdocs_PT1H.json" >"$tmp/s"
check "skip-rule" '[ ! -s "$tmp/s" ]'

# --exec: one run per finding, the finding on stdin, no shell
cat >"$tmp/hook.sh" <<'HOOK'
#!/bin/sh
cat >>"$1"
echo >>"$1"
HOOK
chmod +x "$tmp/hook.sh"
"$bin" watch --no-status --fail-on none --exec "$tmp/hook.sh $tmp/hooked" "$fx/nsg_flow_v1_msdocs_PT1H.json" >"$tmp/e"
check "exec once per finding" '[ "$(grep -c RMP-WATCH-002 "$tmp/hooked")" -eq "$(wc -l <"$tmp/e")" ]'
printf '#!/bin/sh\nexec sleep 30\n' >"$tmp/slow.sh"
chmod +x "$tmp/slow.sh"
start=$(date +%s)
"$bin" watch --no-status --fail-on none --exec "$tmp/slow.sh" --exec-timeout 1 "$fx/activitylog_rest_msdocs_nsg_write.json" "$fx/nsg_flow_v1_msdocs_PT1H.json" >/dev/null 2>"$tmp/err"
end=$(date +%s)
check "exec timeout" '[ $((end - start)) -lt 20 ] && grep -q "killed after 1 s" "$tmp/err"'

# --follow: records appended before the closing brackets are read once
rec='{"time":"2024-01-01T00:00:00Z","properties":{"Version":1,"flows":[{"rule":"r","flows":[{"mac":"m","flowTuples":["1700000000,203.0.113.5,10.0.0.4,1,22,T,I,A"]}]}]}}'
rec2='{"time":"2024-01-01T00:00:00Z","properties":{"Version":1,"flows":[{"rule":"r","flows":[{"mac":"m","flowTuples":["1700000100,203.0.113.6,10.0.0.9,1,3389,T,I,A"]}]}]}}'
printf '{"records":[%s]}' "$rec" >"$tmp/PT1H.json"
"$bin" watch --no-status --fail-on none --follow --interval 1 --idle-exit 3 "$tmp/PT1H.json" >"$tmp/f" 2>"$tmp/ferr" &
pid=$!
sleep 1.5
printf '{"records":[%s,%s]}' "$rec" "$rec2" >"$tmp/PT1H.json.new"
mv "$tmp/PT1H.json.new" "$tmp/PT1H.json"
wait $pid
check "follow reads appended records once" '[ "$(grep -c "10.0.0.4:22/tcp" "$tmp/f")" -eq 1 ] && [ "$(grep -c "10.0.0.9:3389/tcp" "$tmp/f")" -eq 1 ]'

# --model: drift (001) and east-west (003) against the intended NSGs
md=$(dirname "$0")/model
"$bin" watch --no-status --fail-on none --model "$md/azuredeploy.json" "$md/flows.json" >"$tmp/m" 2>"$tmp/merr"
rc=$?
check "model rc=$rc" '[ $rc -eq 0 ] && ! grep -q error "$tmp/merr"'
check "model drift" 'grep -q "\"rule_id\":\"RMP-WATCH-001\".*\"subject\":\"203.0.113.5 -> 10.0.1.4:22/tcp\".*nsg-web/DenyAllInBound" "$tmp/m"'
# the same server, port and protocol from another remote end: a key of its
# own (the second address is part of 001's and 003's keys)
check "model drift, second peer" 'grep -q "\"rule_id\":\"RMP-WATCH-001\".*\"subject\":\"203.0.113.9 -> 10.0.1.4:22/tcp\".*\"count\":1," "$tmp/m"'
check "model drift, first peer's count" 'grep -q "\"subject\":\"203.0.113.5 -> 10.0.1.4:22/tcp\".*\"count\":2," "$tmp/m"'
check "model east-west" 'grep -q "\"rule_id\":\"RMP-WATCH-003\".*\"subject\":\"10.0.1.4 -> 10.0.2.4:22/tcp\".*nsg-db/deny-vnet" "$tmp/m"'
check "model priority" 'grep "RMP-WATCH-003" "$tmp/m" | grep -q "\"priority\":102.*--nsg-name nsg-db"'
check "model: allowed flows raise nothing" '[ "$(wc -l <"$tmp/m")" -eq 4 ] && ! grep -q ":443/tcp\|:1433/tcp\|:8080/tcp" "$tmp/m"'
"$bin" watch --no-status --model "$md/flows.json" "$md/flows.json" >/dev/null 2>"$tmp/merr"
check "model: not a deployment exit 2" '[ $? -eq 2 ]'

finish
