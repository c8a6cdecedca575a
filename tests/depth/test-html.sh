#!/bin/sh
# test-html.sh BUILD_DIR: the HTML report (`scan --format html`) of the
# bundled example, opened in headless Chromium (Debian's chromium):
#   - self-contained: no script, no external stylesheet, font or image, no
#     URL other than in-page anchors (so nothing is fetched);
#   - Chromium logs no console message for it (a control page with a
#     console.error proves that such messages are seen);
#   - the rendered DOM has the layer matrix (a row per asset, five rating
#     cells with words, not colour only) and the Graphviz SVG graph (nodes
#     and edges for the assets);
#   - a screenshot is kept as BUILD_DIR/tests/depth/depth-report.png, the
#     report as depth-report.html.
# Prints "N passed, N failed".
set -u
bin=${RAMPART_BIN:?}
src=${RAMPART_SOURCE_ROOT:?}
out=${1:?usage: test-html.sh OUTPUT_DIR}
. "$(dirname "$0")/../lib.sh"
mkdir -p "$out"
html=$out/depth-report.html
png=$out/depth-report.png
rm -f "$html" "$png"

cd "$src" || exit 1
"$bin" scan examples --format html -o "$html" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && ok || { ko "scan --format html: exit $rc, expected 1"; cat "$tmp/err"; }
[ -s "$html" ] && ok || ko "no HTML written"
[ -s "$tmp/err" ] && { ko "stderr not empty"; cat "$tmp/err"; } || ok

# Self-contained: static checks on the file.
if python3 - "$html" >"$tmp/py" 2>&1 <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
assert t.startswith("<!DOCTYPE html>"), "no doctype"
low = t.lower()
for bad in ("<script", "<link", "<iframe", "<img", "@import", "url(", "<?xml", "<!doctype svg"):
    assert bad not in low, bad
for m in re.finditer(r'(?:href|src|xlink:href)\s*=\s*"([^"]*)"', t):
    assert m.group(1).startswith("#"), m.group(0)
assert t.count("<svg") == 1, "one inline svg"
assert "@media print" in t, "print stylesheet"
PY
then ok; else ko "self-contained"; cat "$tmp/py"; fi

# Chromium: console messages are detected (control page).
command -v chromium >/dev/null 2>&1 || { ko "chromium not installed (scripts/debian-packages.txt)"; finish; exit 1; }
run_chromium() { # URL DOM-OUT ERR-OUT [extra args]
	url=$1 dom=$2 err=$3
	shift 3
	HOME=$tmp timeout 120 chromium --headless=new --no-sandbox --disable-gpu \
		--disable-extensions --no-first-run --user-data-dir="$tmp/profile" \
		--enable-logging=stderr --v=0 "$@" "$url" >"$dom" 2>"$err"
}
printf '<!DOCTYPE html><html><body><script>console.error("control")</script></body></html>' >"$tmp/control.html"
run_chromium "file://$tmp/control.html" "$tmp/control.dom" "$tmp/control.err" --dump-dom
grep -q 'CONSOLE.*control' "$tmp/control.err" && ok || { ko "control: console message not seen"; tail -5 "$tmp/control.err"; }

run_chromium "file://$html" "$tmp/dom.html" "$tmp/chromium.err" --dump-dom
if grep -q 'CONSOLE' "$tmp/chromium.err"; then ko "console messages"; grep CONSOLE "$tmp/chromium.err"; else ok; fi
[ -s "$tmp/dom.html" ] && ok || { ko "no DOM dumped"; tail -5 "$tmp/chromium.err"; }
if python3 - "$tmp/dom.html" >"$tmp/py" 2>&1 <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<table class="matrix">(.*?)</table>', t, re.S)
assert m, "matrix table rendered"
rows = re.findall(r'<tr id="asset-\d+">(.*?)</tr>', m.group(1), re.S)
assert len(rows) == 4, len(rows)
for r in rows:
    cells = re.findall(r'<td class="r(\d)"[^>]*>([^<]*)</td>', r)
    assert len(cells) == 5, r
    for cls, text in cells:  # a word and a symbol in every rating cell
        word = {"0": "holds", "1": "weak", "2": "broken", "3": "unknown"}[cls]
        assert word in text and text.strip()[0] in "+~x?", (cls, text)
names = [re.search(r'<th scope="row">([^<]*)</th>', r).group(1) for r in rows]
assert names == ["shop-web", "shop-app1", "shop-app2", "shop-db"], names
svg = re.search(r'<svg.*?</svg>', t, re.S)
assert svg, "graph svg rendered"
g = svg.group(0)
assert len(re.findall(r'<g id="node\d+" class="node"', g)) >= 8, "graph nodes"
assert len(re.findall(r'<g id="edge\d+" class="edge"', g)) >= 8, "graph edges"
for name in names + ["Internet"]:
    assert name in g, name
PY
then ok; else ko "rendered DOM"; cat "$tmp/py"; fi

run_chromium "file://$html" "$tmp/shot.out" "$tmp/shot.err" --hide-scrollbars \
	--window-size=1400,2400 --screenshot="$png"
if python3 - "$png" >"$tmp/py" 2>&1 <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature"
w, h = struct.unpack(">II", d[16:24])
assert (w, h) == (1400, 2400), (w, h)
assert len(d) > 50000, len(d)  # not a blank page
PY
then ok; else ko "screenshot"; cat "$tmp/py"; tail -5 "$tmp/shot.err"; fi

finish
