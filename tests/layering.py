#!/usr/bin/env python3
"""layering.py: lower layers never include higher ones.

Order: util < json < ingest < model < rules, net, depth < report, scan < cli.
attest sits beside the analysis and may use only util and json; watch may
use everything below report.  Siblings of one rank stay apart, except that
rules and depth may use net, and depth may use rules.
Prints "N passed, N failed".
"""
import os
import re
import sys

RANK = {"util": 0, "json": 1, "ingest": 2, "model": 3, "rules": 4, "net": 4,
        "depth": 4, "attest": 4, "watch": 5, "report": 6, "scan": 6, "cli": 7}
ALLOWED_SIBLINGS = {("rules", "net"), ("depth", "net"), ("depth", "rules"),
                    ("scan", "report"), ("report", "scan")}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)


def main():
    root = os.path.join(os.environ["RAMPART_SOURCE_ROOT"], "src")
    passed = failed = 0
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            layer = os.path.relpath(path, root).split(os.sep)[0]
            mine = RANK.get(layer, 9)
            text = open(path, encoding="utf-8", errors="replace").read()
            for inc in sorted(set(INCLUDE.findall(text))):
                theirs = RANK.get(inc, 9)
                bad = theirs > mine
                if theirs == mine and inc != layer and (layer, inc) not in ALLOWED_SIBLINGS:
                    bad = True
                if layer == "attest" and inc not in ("util", "json", "attest"):
                    bad = True
                if bad:
                    failed += 1
                    print(f"FAIL: {os.path.relpath(path, root)} ({layer}) includes {inc}/")
                else:
                    passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
