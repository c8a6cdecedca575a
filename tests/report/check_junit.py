#!/usr/bin/env python3
"""check_junit.py FILE...: JUnit XML is well-formed (xml.etree) and its
counts add up: testsuites/testsuite tests, failures and skipped attributes
equal the testcases, <failure> and <skipped> elements inside them.
Prints "N passed, N failed"."""
import sys
import xml.etree.ElementTree as ET


def check(path):
    errs = []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return ["not well-formed: %s" % e]
    if root.tag != "testsuites":
        return ["root element is %s" % root.tag]
    tot = [0, 0, 0]
    for ts in root.findall("testsuite"):
        cases = ts.findall("testcase")
        n = [len(cases), sum(1 for c in cases if c.find("failure") is not None),
             sum(1 for c in cases if c.find("skipped") is not None)]
        for c in cases:
            if not c.get("name") or not c.get("classname"):
                errs.append("testcase without name/classname in %s" % ts.get("name"))
        got = [int(ts.get("tests")), int(ts.get("failures")), int(ts.get("skipped"))]
        if n != got:
            errs.append("suite %s: counts %s, attributes %s" % (ts.get("name"), n, got))
        tot = [a + b for a, b in zip(tot, n)]
    got = [int(root.get("tests")), int(root.get("failures")), int(root.get("skipped"))]
    if tot != got:
        errs.append("testsuites: counts %s, attributes %s" % (tot, got))
    return errs


def main():
    passed = failed = 0
    for p in sys.argv[1:]:
        errs = check(p)
        if errs:
            failed += 1
            print("FAIL %s" % p)
            for e in errs[:20]:
                print("  " + e)
        else:
            passed += 1
            print("ok %s" % p)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
