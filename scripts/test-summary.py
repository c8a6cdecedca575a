#!/usr/bin/env python3
"""test-summary.py: the closing line of `make check`.

Reads Meson's testlog.json and sums test cases: a cmocka executable counts
its cases ("[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)"), a data
runner its own "N passed, N failed" line, any other test counts as one.
A test Meson saw fail adds a failure even if its output claimed success.
Prints per-suite lines, then "total: N passed, N failed"; exits 1 on any
failure or when no test ran at all.
"""
import json
import re
import sys

PASSED = re.compile(r"^\[  PASSED  \] (\d+) test", re.M)
FAILED = re.compile(r"^\[  FAILED  \] (\d+) test", re.M)
PLAIN = re.compile(r"^(?:\w+: )?(\d+) passed, (\d+) failed", re.M)


def main(path):
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        print(f"test-summary: cannot read {path}: {e}")
        return 1
    passed = failed = skipped = 0
    suites = {}
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        out = (t.get("stdout") or "") + "\n" + (t.get("stderr") or "")
        ok = t.get("result") in ("OK", "EXPECTEDFAIL")
        if t.get("result") == "SKIP":
            skipped += 1
            continue
        p = sum(int(x) for x in PASSED.findall(out))
        f = sum(int(x) for x in FAILED.findall(out))
        if p == 0 and f == 0:
            m = PLAIN.findall(out)
            if m:
                p, f = int(m[-1][0]), int(m[-1][1])
        if p == 0 and f == 0:
            p, f = (1, 0) if ok else (0, 1)
        elif not ok and f == 0:
            f = 1
        suite = t.get("name", "?").split(" / ")[-1].split("-")[0]
        sp, sf = suites.get(suite, (0, 0))
        suites[suite] = (sp + p, sf + f)
        passed += p
        failed += f
        if not ok:
            print(f"FAILED: {t.get('name')} ({t.get('result')})")
    for s in sorted(suites):
        print(f"  {s:12s} {suites[s][0]:6d} passed {suites[s][1]:4d} failed")
    if skipped:
        print(f"  ({skipped} test programs skipped)")
    print(f"total: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/meson-logs/testlog.json"))
