#!/bin/sh
# cli.sh: `rampart flow` and `rampart graph` end to end: golden outputs
# (RAMPART_REGENERATE=1 rewrites them), exit codes, usage errors, and the
# structure of the DOT text (Graphviz is not a dependency: a parser below
# checks that every edge joins declared nodes and braces balance).
set -u
bin=${RAMPART_BIN:?}
src=${RAMPART_SOURCE_ROOT:?}
gold=$src/tests/net/golden
tpl=tests/net/templates
. "$(dirname "$0")/../lib.sh"
cd "$src" || exit 1

# golden NAME RC ARGS...: runs rampart, checks the exit code and stdout
golden() {
	name=$1
	want=$2
	shift 2
	"$bin" --color=never "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else ko "$name: exit $rc, want $want"; cat "$tmp/err"; fi
	if [ "${RAMPART_REGENERATE:-0}" = 1 ]; then cp "$tmp/out" "$gold/$name"; fi
	if cmp -s "$tmp/out" "$gold/$name"; then ok; else
		ko "$name differs from the golden file"
		diff -u "$gold/$name" "$tmp/out" | head -30
	fi
}
# rcheck DESC RC ARGS...: exit code only (stderr must say something for 2)
rcheck() {
	what=$1
	want=$2
	shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else ko "$what: exit $rc, want $want"; fi
	if [ "$want" -eq 2 ] && ! [ -s "$tmp/err" ]; then ko "$what: no message"; fi
}

# ---- flow ----
golden flow-web-443.txt 0 flow examples --to shop-web --port 443 --proto tcp
golden flow-web-443.json 0 flow examples --to shop-web --port 443 --proto tcp --format json
golden flow-web-22.txt 1 flow examples --to shop-web --port 22 --proto tcp
golden flow-app-ssh-vnet.txt 0 flow examples --to shop-app1 --port 22 --proto tcp --from VirtualNetwork
golden flow-db-any.txt 1 flow examples --to shop-db --port 5432 --proto '*'
golden flow-nat-rule.txt 0 flow "$tpl/029-lb-nat-rule.json" --to vm --port 22 --proto tcp
golden flow-nat-rule.json 0 flow "$tpl/029-lb-nat-rule.json" --to vm --port 22 --proto tcp --format json
golden flow-partial.txt 0 flow "$tpl/016-plural-prefixes-partial.json" --to vm --port 22 --proto tcp
golden flow-unknown.txt 1 flow "$tpl/038-unknown-source.json" --to vm --port 22 --proto tcp
golden flow-outbound.txt 1 flow "$tpl/026-chain-outbound.json" --to vm --port 443 --proto tcp --direction out
golden flow-by-ip.txt 0 flow "$tpl/042-static-ip-destination-prefix.json" --to 10.0.1.200 --port 22 --proto tcp
golden flow-from-cidr.txt 0 flow "$tpl/036-peering.json" --to vm --port 22 --proto tcp --from 10.1.0.0/24
golden flow-icmp.txt 0 flow "$tpl/020-icmp.json" --to nic --proto icmp
rcheck "flow: no --to" 2 flow examples --port 22 --proto tcp
rcheck "flow: no --proto" 2 flow examples --to shop-web --port 22
rcheck "flow: tcp without --port" 2 flow examples --to shop-web --proto tcp
rcheck "flow: bad port" 2 flow examples --to shop-web --port 70000 --proto tcp
rcheck "flow: bad protocol" 2 flow examples --to shop-web --port 22 --proto gre
rcheck "flow: bad direction" 2 flow examples --to shop-web --port 22 --proto tcp --direction sideways
rcheck "flow: unknown target" 2 flow examples --to nosuchvm --port 22 --proto tcp
rcheck "flow: bad --from" 2 flow examples --to shop-web --port 22 --proto tcp --from 10.0.0.1/99
rcheck "flow: missing path" 2 flow "$tmp/none" --to shop-web --port 22 --proto tcp
rcheck "flow: no path" 2 flow --to shop-web --port 22 --proto tcp
mkdir "$tmp/empty"
rcheck "flow: no inputs" 2 flow "$tmp/empty" --to shop-web --port 22 --proto tcp

# ---- graph ----
golden graph-examples.dot 0 graph examples
golden graph-examples-grouped.dot 0 graph examples --group-above 1
golden graph-peering.dot 0 graph "$tpl/036-peering.json"
golden graph-nat.dot 0 graph "$tpl/029-lb-nat-rule.json"
rcheck "graph: bad format" 2 graph examples --format svg
rcheck "graph: no path" 2 graph
"$bin" graph examples >"$tmp/g1" 2>/dev/null
"$bin" graph examples >"$tmp/g2" 2>/dev/null
if cmp -s "$tmp/g1" "$tmp/g2"; then ok; else ko "graph output is not deterministic"; fi
for g in "$gold"/graph-*.dot; do
	if python3 - "$g" >"$tmp/py.out" 2>&1 <<'PY'
import re, sys
text = open(sys.argv[1]).read()
assert text.startswith("digraph rampart {\n") and text.endswith("}\n"), "frame"
depth = 0
for ch in re.sub(r'"(\\.|[^"\\])*"', '""', text):
    depth += ch == "{"
    depth -= ch == "}"
    assert depth >= 0, "unbalanced"
assert depth == 0, "unbalanced"
nodes = set(re.findall(r'^\s*(n\d+) \[shape=', text, re.M))
edges = re.findall(r'^\s*(n\d+) -> (n\d+) \[label="((?:\\.|[^"\\])*)"', text, re.M)
assert "n0" in nodes and re.search(r'n0 \[shape=doubleoctagon, label="Internet"\]', text)
for a, b, label in edges:
    assert a in nodes and b in nodes, (a, b)
    assert re.match(r'^(Tcp|Udp|Icmp|Esp|Ah)', label), label
PY
	then ok; else ko "DOT structure of $(basename "$g")"; cat "$tmp/py.out"; fi
done
if command -v dot >/dev/null 2>&1; then
	for g in "$gold"/graph-*.dot; do
		if dot -Tsvg "$g" >/dev/null 2>"$tmp/dot.err"; then ok; else ko "dot rejects $g"; cat "$tmp/dot.err"; fi
	done
fi
finish
