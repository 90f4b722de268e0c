#!/usr/bin/env python3
"""Copy the headline table of the last full `make bench` report into README.md.

Usage: Tools/readme_bench_table.py [--report out/bench/report.md] [--readme README.md] [--check]

The README's performance table lives between the bench-table markers and is never typed by
hand: this script replaces it, with the report's machine, date and commit lines above it. It
refuses a report made by `make bench-quick`. With --check it only says whether README.md
already holds exactly what the report would put there (exit 1 if not).
"""
import argparse
import os
import sys

BEGIN = "<!-- bench-table:begin -->"
END = "<!-- bench-table:end -->"


def between(text: str, where: str) -> tuple:
    try:
        i = text.index(BEGIN)
        j = text.index(END, i)
    except ValueError:
        sys.exit(f"readme_bench_table: {where}: no {BEGIN} ... {END} block")
    return i, j + len(END)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", default="out/bench/report.md")
    ap.add_argument("--readme", default="README.md")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    try:
        report = open(a.report).read()
    except OSError as e:
        print(f"readme_bench_table: {a.report}: {e.strerror} (run make bench)", file=sys.stderr)
        return 1
    head = [l for l in report.splitlines() if l.startswith(("- machine:", "- date:", "- commit:", "- run:"))]
    if any("bench-quick" in l for l in head):
        print(f"readme_bench_table: {a.report} comes from make bench-quick; the README takes a full run only",
              file=sys.stderr)
        return 1
    i, j = between(report, a.report)
    table = report[i:j]
    block = "\n".join([BEGIN, "From `out/bench/report.md` of the last `make bench`:", "", *head, "",
                       table[len(BEGIN):].lstrip("\n")])
    readme = open(a.readme).read()
    ri, rj = between(readme, a.readme)
    new = readme[:ri] + block + readme[rj:]
    if a.check:
        if new != readme:
            print(f"readme_bench_table: {a.readme}'s table differs from {a.report}", file=sys.stderr)
            return 1
        return 0
    with open(a.readme + ".tmp", "w") as f:
        f.write(new)
    os.replace(a.readme + ".tmp", a.readme)
    print(f"readme_bench_table: {a.readme}: table from {a.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
