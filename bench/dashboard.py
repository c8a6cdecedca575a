#!/usr/bin/env python3
"""dashboard.py BENCH_LOG [OUT]: the performance dashboard, docs/performance.md.

Reads the output of bench/run.sh.  Every benchmark prints, besides its
human-readable figures, one machine-readable line per target:

  BENCH {"id": "arm.eval", "figure": 1.83, "unit": "x parse-only",
         "target": "<= 2", "met": true, "reference": "parse-only, same run"}

and this script turns them into a Markdown table (each figure beside its
target and the reference it is measured against in the same run), names
the machine, and keeps the benchmarks' own output below it for the detail.
A BENCH line that is not valid JSON, or lacks a field, is an error: the
dashboard must not silently drop a target.  The "met" claim is checked
against the figure and the target.

Environment: RAMPART_BENCH_MACHINE overrides the machine description (the
golden test uses it); RAMPART_BENCH_DATE the date.
"""
import json
import os
import platform
import re
import sys

FIELDS = ("id", "figure", "unit", "target", "met", "reference")
TARGET_RE = re.compile(r"^\s*(<=|>=|<|>|==)\s*([0-9.]+(?:e[+-]?[0-9]+)?)\s*(.*)$")


class BenchError(Exception):
    pass


def parse(lines):
    """BENCH records and the other (human) lines, in order."""
    records, human = [], []
    for no, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.startswith("BENCH "):
            human.append(line)
            continue
        try:
            rec = json.loads(line[len("BENCH "):])
        except ValueError as e:
            raise BenchError("line %d: BENCH record is not JSON: %s" % (no, e))
        if not isinstance(rec, dict):
            raise BenchError("line %d: BENCH record is not an object" % no)
        missing = [f for f in FIELDS if f not in rec]
        if missing:
            raise BenchError("line %d: BENCH %s lacks %s" % (no, rec.get("id", "?"),
                                                             ", ".join(missing)))
        if not isinstance(rec["figure"], (int, float)) or isinstance(rec["figure"], bool):
            raise BenchError("line %d: BENCH %s: figure is not a number" % (no, rec["id"]))
        rec["line"] = no
        records.append(rec)
    return records, human


def check_met(rec):
    """Recomputes 'met' from figure and target; None when the target is not
    numeric (then the bench's own claim stands)."""
    m = TARGET_RE.match(str(rec["target"]))
    if not m:
        return None
    op, bound = m.group(1), float(m.group(2))
    f = float(rec["figure"])
    return {"<=": f <= bound, ">=": f >= bound, "<": f < bound, ">": f > bound,
            "==": f == bound}[op]


def machine():
    env = os.environ.get("RAMPART_BENCH_MACHINE")
    if env:
        return env
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = ", %.0f GiB RAM" % (kb / (1 << 20))
    except (OSError, ValueError, IndexError):
        pass
    return "%s, %d cores%s, %s %s" % (model, os.cpu_count() or 0, mem, platform.system(),
                                      platform.release())


def fmt_figure(x):
    if isinstance(x, int) or float(x).is_integer() and abs(x) >= 100:
        return "%d" % x
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    return "%.2f" % x


def cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def render(records, human, date):
    out = []
    out.append("# Performance")
    out.append("")
    out.append("Written by `make bench` (bench/run.sh, then bench/dashboard.py); do not edit.")
    out.append("Every figure is measured in one run beside its reference (parse-only, jansson,")
    out.append("tpm2_eventlog, the brute-force evaluator, the input size), so the ratios hold")
    out.append("on a noisy shared machine where absolute times drift.")
    out.append("")
    out.append("- Machine: %s" % machine())
    out.append("- Date: %s" % date)
    met = sum(1 for r in records if r["met"])
    out.append("- Targets met: %d of %d" % (met, len(records)))
    out.append("")
    out.append("| Benchmark | Figure | Target | Met | Measured against (same run) |")
    out.append("|---|---|---|---|---|")
    for r in sorted(records, key=lambda r: r["id"]):
        out.append("| `%s` | %s %s | %s | %s | %s |" % (
            cell(r["id"]), fmt_figure(r["figure"]), cell(r["unit"]), cell(r["target"]),
            "yes" if r["met"] else "**no**", cell(r["reference"])))
    out.append("")
    out.append("## The benchmarks' own output")
    out.append("")
    out.append("```")
    out.extend(human)
    out.append("```")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: dashboard.py BENCH_LOG [OUT]", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8", errors="replace") as f:
        lines = f.readlines()
    try:
        records, human = parse(lines)
        if not records:
            raise BenchError("no BENCH records in %s" % argv[1])
        seen = set()
        for r in records:
            if r["id"] in seen:
                raise BenchError("BENCH %s appears twice" % r["id"])
            seen.add(r["id"])
            computed = check_met(r)
            if computed is not None and computed != bool(r["met"]):
                raise BenchError("BENCH %s claims met=%s but %s %s gives %s" % (
                    r["id"], r["met"], r["figure"], r["target"], computed))
    except BenchError as e:
        print("dashboard.py: error: %s" % e, file=sys.stderr)
        return 2
    date = os.environ.get("RAMPART_BENCH_DATE")
    if not date:
        import datetime
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    text = render(records, human, date)
    if len(argv) == 3:
        with open(argv[2], "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
