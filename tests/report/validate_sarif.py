#!/usr/bin/env python3
"""validate_sarif.py SCHEMA FILE...: validates SARIF logs against the OASIS
SARIF 2.1.0 JSON schema (draft-04, python3-jsonschema) and checks what the
schema cannot: ruleIndex points at the rule with ruleId, every region has
1-based line/column positions (or, in a binary file, a byte range), every
result a partialFingerprints entry, a helpUri (present only when
RAMPART_DOC_BASE_URI names where the docs are published) is absolute with
a per-rule anchor, columnKind is unicodeCodePoints.
Prints "N passed, N failed"."""
import json
import sys

import jsonschema


def check(schema, path):
    errs = []
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    v = jsonschema.Draft4Validator(schema)
    for e in sorted(v.iter_errors(doc), key=lambda e: list(e.path)):
        errs.append("schema: %s at %s" % (e.message, "/".join(map(str, e.path))))
    for run in doc.get("runs", []):
        if run.get("columnKind") != "unicodeCodePoints":
            errs.append("columnKind is not unicodeCodePoints")
        rules = run["tool"]["driver"].get("rules", [])
        for r in rules:
            uri = r.get("helpUri")
            if uri is not None and (":" not in uri or not uri.split(":", 1)[0].isalpha()
                                    or not uri.endswith("#" + r["id"].lower())):
                errs.append("rule %s: helpUri %r" % (r["id"], uri))
            if not r.get("help", {}).get("text"):
                errs.append("rule %s: no help text" % r["id"])
        for i, res in enumerate(run.get("results", [])):
            ri = res.get("ruleIndex")
            if ri is None or ri >= len(rules) or rules[ri]["id"] != res.get("ruleId"):
                errs.append("result %d: ruleIndex %r does not name %s" % (i, ri, res.get("ruleId")))
            if not res.get("partialFingerprints", {}).get("rampart/v1"):
                errs.append("result %d: no partialFingerprints" % i)
            if res.get("kind") != "fail" and res.get("level") != "none":
                errs.append("result %d: non-fail kind with level %r" % (i, res.get("level")))
            for loc in res.get("locations", []):
                reg = loc.get("physicalLocation", {}).get("region")
                if reg is None:
                    continue
                if "byteOffset" in reg:  # a binary artifact (TPM event log): byte range only
                    if reg["byteOffset"] < 0 or reg.get("byteLength", 0) < 1 or "startLine" in reg:
                        errs.append("result %d: bad byte region %r" % (i, reg))
                    continue
                if reg["startLine"] < 1 or reg["startColumn"] < 1:
                    errs.append("result %d: region not 1-based" % i)
                if (reg["endLine"], reg["endColumn"]) < (reg["startLine"], reg["startColumn"]):
                    errs.append("result %d: region ends before it starts" % i)
    return errs


def main():
    if len(sys.argv) < 3:
        print("usage: validate_sarif.py SCHEMA FILE...")
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    passed = failed = 0
    for p in sys.argv[2:]:
        errs = check(schema, p)
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
