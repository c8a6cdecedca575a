#!/bin/sh
# test-scan-inputs.sh: `rampart scan` reads Terraform plans and live exports
# (detected by content) into the same model as templates.  Prints
# "N passed, N failed".
set -u
bin=${RAMPART_BIN:?}
shared=${RAMPART_SHARED:?}
. "$(dirname "$0")/../lib.sh"
if [ ! -d "$shared/fixtures/tfplan" ]; then
	echo "shared fixtures missing"
	exit 77
fi

# A directory of Terraform plans: every plan is scanned, none is an error.
"$bin" scan -f json "$shared/fixtures/tfplan" >"$tmp/tf.json" 2>"$tmp/tf.err"
rc=$?
if [ "$rc" -le 1 ]; then ok; else ko "tfplan dir exit $rc"; cat "$tmp/tf.err"; fi
python3 - "$tmp/tf.json" <<'PY' && ok || ko "tfplan findings"
import json, sys
d = json.load(open(sys.argv[1]))
files = [f for f in d["findings"] if f["file"].endswith("plan.out.json")]
types = {f["resource_type"] for f in files}
assert "Microsoft.Compute/virtualMachines" in types, types
assert "Microsoft.Storage/storageAccounts" in types, types
assert "Microsoft.Network/networkSecurityGroups" in types, types
assert not [f for f in d["findings"] if f["rule_id"] == "RMP-META-002"], "a plan failed to load"
PY

# The PSRule live export: 47 resources (37 listed, children split out).
"$bin" scan "$shared/fixtures/exports" >"$tmp/ex.txt" 2>"$tmp/ex.err"
rc=$?
if [ "$rc" -le 1 ]; then ok; else ko "export exit $rc"; cat "$tmp/ex.err"; fi
if grep -q "^1 file, 47 resources" "$tmp/ex.txt"; then ok; else ko "export resource count"; tail -3 "$tmp/ex.txt"; fi

# An explicit file that is none of the inputs is an input error (exit 2).
echo '{"x": 1}' >"$tmp/x.json"
"$bin" scan "$tmp/x.json" >/dev/null 2>"$tmp/x.err"
rc=$?
if [ "$rc" -eq 2 ]; then ok; else ko "unknown input exit $rc"; fi
if grep -q "x.json:1:1: error: .*x.json: not a recognised input: .*use --input arm|tfplan|export" "$tmp/x.err"; then ok; else ko "unknown input message"; cat "$tmp/x.err"; fi
# ... but such a file met while walking a directory is skipped.
mkdir "$tmp/d" && cp "$tmp/x.json" "$tmp/d/" && cp "$shared/fixtures/tfplan/terraform-compliance/tests/functional/test_issue-394/plan.out.json" "$tmp/d/plan.json"
"$bin" scan "$tmp/d" >"$tmp/d.txt" 2>"$tmp/d.err"
rc=$?
if [ "$rc" -le 1 ] && grep -q "^1 file, 2 resources" "$tmp/d.txt"; then ok; else ko "walk skips unknown JSON (exit $rc)"; tail -3 "$tmp/d.txt"; cat "$tmp/d.err"; fi

# Every real plan and export in ../shared/fixtures, one file at a time:
# loaded without an error diagnostic and without an input error.
for f in $(find "$shared/fixtures/tfplan" "$shared/fixtures/exports" -name '*.json' | sort); do
	"$bin" scan -f json "$f" >"$tmp/one.json" 2>"$tmp/one.err"
	rc=$?
	if [ "$rc" -le 1 ] && ! grep -q ": error:" "$tmp/one.err"; then ok; else
		ko "$f: exit $rc"; head -5 "$tmp/one.err"; fi
	python3 - "$tmp/one.json" "$f" <<'PY' && ok || ko "$f: findings"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["summary"]["input_errors"] == 0, d["summary"]
assert d["files"] == [sys.argv[2]], d["files"]
PY
done

# --input forces the format; auto is the default.
par=${RAMPART_SOURCE_ROOT:?}/tests/parity
for k in arm:deploy.arm.json tfplan:deploy.tfplan.json export:deploy.export.json; do
	kind=${k%%:*}
	file=${k#*:}
	"$bin" scan -f json --input "$kind" "$par/$file" >"$tmp/forced.json" 2>"$tmp/forced.err"
	rc=$?
	"$bin" scan -f json --input auto "$par/$file" >"$tmp/auto.json" 2>/dev/null
	if [ "$rc" -le 1 ] && cmp -s "$tmp/forced.json" "$tmp/auto.json"; then ok; else
		ko "--input $kind $file: exit $rc or differs from detection"; cat "$tmp/forced.err"; fi
done
# Forced to the wrong format: an error naming the file, exit 2.
"$bin" scan --input tfplan "$par/deploy.export.json" >/dev/null 2>"$tmp/w.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "deploy.export.json:1:1: error: .*deploy.export.json: no format_version" "$tmp/w.err"; then ok; else
	ko "--input tfplan on an export: exit $rc"; cat "$tmp/w.err"; fi
"$bin" scan --input export "$par/deploy.tfplan.json" >/dev/null 2>"$tmp/w.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "deploy.tfplan.json.*error: .*deploy.tfplan.json" "$tmp/w.err"; then ok; else
	ko "--input export on a plan: exit $rc"; cat "$tmp/w.err"; fi
"$bin" scan --input arm "$par/deploy.tfplan.json" >/dev/null 2>"$tmp/w.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "deploy.tfplan.json: not an ARM template (--input arm)" "$tmp/w.err"; then ok; else
	ko "--input arm on a plan: exit $rc"; cat "$tmp/w.err"; fi
"$bin" scan --input yaml "$par/deploy.tfplan.json" >/dev/null 2>"$tmp/w.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "input takes arm, tfplan, export or auto" "$tmp/w.err"; then ok; else
	ko "--input yaml: exit $rc"; cat "$tmp/w.err"; fi

# Findings on Terraform resources name the resource address in every
# format; ARM findings have none.
"$bin" scan -f json "$par/deploy.tfplan.json" "$par/deploy.arm.json" >"$tmp/addr.json" 2>/dev/null
python3 - "$tmp/addr.json" <<'PY' && ok || ko "address in JSON"
import json, sys
d = json.load(open(sys.argv[1]))
tf = [f for f in d["findings"] if f["file"].endswith("deploy.tfplan.json")]
arm = [f for f in d["findings"] if f["file"].endswith("deploy.arm.json")]
assert tf and arm
assert all("address" not in f for f in arm), [f for f in arm if "address" in f][:1]
assert all(f["address"].startswith(("azurerm_", "module.")) for f in tf), tf[:1]
addrs = {f["address"] for f in tf}
assert "module.net.azurerm_network_security_group.web" in addrs, addrs
PY
"$bin" scan -f sarif "$par/deploy.tfplan.json" >"$tmp/addr.sarif" 2>/dev/null
python3 - "$tmp/addr.sarif" <<'PY' && ok || ko "address in SARIF"
import json, sys
d = json.load(open(sys.argv[1]))
res = d["runs"][0]["results"]
fq = [l["fullyQualifiedName"] for r in res for loc in r["locations"] for l in loc.get("logicalLocations", [])]
assert "module.net.azurerm_network_security_group.web" in fq, fq
PY
"$bin" scan -f junit "$par/deploy.tfplan.json" >"$tmp/addr.xml" 2>/dev/null
if grep -q 'name="RMP-[A-Z]*-[0-9]*: [^"]* \[module.net.azurerm_network_security_group.web\]"' "$tmp/addr.xml"; then ok; else ko "address in JUnit"; fi
"$bin" --color=never scan "$par/deploy.tfplan.json" >"$tmp/addr.txt" 2>/dev/null
if grep -q "^  nsg-web Microsoft.Network/networkSecurityGroups module.net.azurerm_network_security_group.web$" "$tmp/addr.txt"; then ok; else ko "address in text"; grep nsg "$tmp/addr.txt"; fi

# A template is read once and its parameters file is not read again to be
# classified (session 8): what a parameters file is still comes from its
# bytes, whoever read them, with one job or two.
mkdir -p "$tmp/pair"
cat >"$tmp/pair/main.json" <<'JS'
{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "contentVersion": "1.0.0.0",
 "parameters": {"name": {"type": "string"}},
 "resources": [{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01",
   "name": "[parameters('name')]", "location": "westeurope", "kind": "StorageV2",
   "sku": {"name": "Standard_LRS"}, "properties": {"supportsHttpsTrafficOnly": false}}]}
JS
cat >"$tmp/pair/main.parameters.json" <<'JS'
{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
 "contentVersion": "1.0.0.0", "parameters": {"name": {"value": "stpaired"}}}
JS
# other.parameters.json pairs with other.json but is itself a template
# (no $schema, resources): the evaluator reads it as parameters, and the
# scan still scans it as the template it is.
cat >"$tmp/pair/other.json" <<'JS'
{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "contentVersion": "1.0.0.0", "resources": []}
JS
cat >"$tmp/pair/other.parameters.json" <<'JS'
{"contentVersion": "1.0.0.0", "parameters": {},
 "resources": [{"type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-07-01",
   "name": "kvinside", "location": "westeurope",
   "properties": {"tenantId": "00000000-0000-0000-0000-000000000000",
     "sku": {"family": "A", "name": "standard"}}}]}
JS
for jobs in 1 2; do
	"$bin" scan --jobs "$jobs" -f json "$tmp/pair" >"$tmp/pair$jobs.json" 2>"$tmp/pair$jobs.err"
	rc=$?
	if [ "$rc" -le 1 ]; then ok; else ko "paired dir --jobs $jobs: exit $rc"; cat "$tmp/pair$jobs.err"; fi
	python3 - "$tmp/pair$jobs.json" <<'PY' && ok || ko "paired dir --jobs $jobs: files and names"
import json, sys
d = json.load(open(sys.argv[1]))
files = sorted(f.rsplit("/", 1)[1] for f in d["files"])
assert files == ["main.json", "other.json", "other.parameters.json"], files
names = {f["resource_name"] for f in d["findings"]}
assert "stpaired" in names and "kvinside" in names, names
PY
	# named on the command line after its template: still the parameters
	# file error, exit 2
	"$bin" scan --jobs "$jobs" "$tmp/pair/main.json" "$tmp/pair/main.parameters.json" \
		>/dev/null 2>"$tmp/pe$jobs.err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q "main.parameters.json: not an ARM template, Terraform plan or export (a parameters file: pass it with --params)" "$tmp/pe$jobs.err"; then ok; else
		ko "explicit parameters file --jobs $jobs: exit $rc"; cat "$tmp/pe$jobs.err"; fi
done
if cmp -s "$tmp/pair1.json" "$tmp/pair2.json"; then ok; else ko "paired dir: --jobs 1 and 2 differ"; fi

# The scan pairs parameters files from its walk's listing (session 9): a
# candidate not among a walked directory's entries is not opened, every
# other is tried as before.  A parameters file that is a symbolic link (the
# walk never follows it, the evaluator does), azuredeploy.parameters.json
# beside a template in a subdirectory, a root given with a trailing slash:
# all still paired.
mkdir -p "$tmp/lst/link" "$tmp/lst/sub/deeper"
cp "$tmp/pair/main.json" "$tmp/lst/link/main.json" || exit 1
ln -s "../../pair/main.parameters.json" "$tmp/lst/link/main.parameters.json" || exit 1
cp "$tmp/pair/main.json" "$tmp/lst/sub/deeper/vm.json" || exit 1
sed 's/stpaired/stbeside/' "$tmp/pair/main.parameters.json" \
	>"$tmp/lst/sub/deeper/azuredeploy.parameters.json" || exit 1
for root in "$tmp/lst" "$tmp/lst/"; do
	"$bin" scan -f json "$root" >"$tmp/lst.json" 2>"$tmp/lst.err"
	rc=$?
	if [ "$rc" -le 1 ]; then ok; else ko "listing pairing $root: exit $rc"; cat "$tmp/lst.err"; fi
	python3 - "$tmp/lst.json" <<'PY' && ok || ko "listing pairing $root: parameters not paired"
import json, sys
d = json.load(open(sys.argv[1]))
names = {f["resource_name"] for f in d["findings"]}
assert "stpaired" in names and "stbeside" in names, names
PY
done

finish
