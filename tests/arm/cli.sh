#!/bin/sh
# cli.sh: `rampart eval` exit codes, diagnostics format (file:line:col) and
# --positions, on small templates written to a scratch directory.
set -u
bin=${RAMPART_BIN:?}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
S='"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0"'

# check NAME EXPECTED_EXIT PATTERN_IN_STDOUT_OR_STDERR ARGS...
check() {
	name=$1 want=$2 pat=$3
	shift 3
	(cd "$tmp" && "$bin" eval "$@") >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL $name: exit $got, expected $want"; cat "$tmp/err"
		fail=$((fail + 1))
	elif [ -n "$pat" ] && ! grep -q -e "$pat" "$tmp/out" "$tmp/err"; then
		echo "FAIL $name: no match for '$pat'"; cat "$tmp/out" "$tmp/err" | head -20
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

cat >"$tmp/ok.json" <<JSON
{$S,
 "parameters": {"n": {"type": "int", "defaultValue": 2}},
 "resources": [{"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-04-01",
   "name": "[concat('ip', copyIndex())]", "copy": {"name": "c", "count": "[parameters('n')]"},
   "properties": {"publicIPAllocationMethod": "Static"}}]}
JSON
check ok 0 '"name": "ip1"' ok.json
check ok-id 0 '"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/publicIPAddresses/ip0"' --resource-group rg1 ok.json
check positions 0 '"properties.publicIPAllocationMethod": "ok.json:5:47"' --positions ok.json
check positions-resource 0 '"": "ok.json:3:16"' --positions ok.json

cat >"$tmp/cycle.json" <<JSON
{$S,
 "variables": {"a": "[variables('b')]",
   "b": "[variables('a')]"},
 "resources": []}
JSON
check cycle 2 "cycle.json:3:11: error: cyclic reference: variables('a') -> variables('b') -> variables('a')" cycle.json

cat >"$tmp/count.json" <<JSON
{$S,
 "resources": [{"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-04-01",
   "name": "[string(copyIndex())]", "copy": {"name": "c",
   "count": 801}}]}
JSON
check copy-count 2 "count.json:4:13: error: copy count 801 is above Azure's limit of 800" count.json

cat >"$tmp/fn.json" <<JSON
{$S,
 "resources": [], "outputs": {"o": {"type": "string", "value": "[nosuch('x')]"}}}
JSON
check unknown-function 2 "fn.json:2:" fn.json

cat >"$tmp/link.json" <<JSON
{$S,
 "resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d",
   "properties": {"mode": "Incremental", "templateLink": {"relativePath": "../../etc/passwd"}}}]}
JSON
check link-escape 0 "warning: unresolved linked template" link.json

check missing-file 2 "cannot open" nosuch.json
check usage 2 "unknown option" --bogus ok.json
check no-file 2 "no template file"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
