#!/usr/bin/env python3
"""Fail when a rule's prerequisites in one mk/*.mk file name a variable that a later file defines.

Usage: Tools/check_make_order.py mk/*.mk

The Makefile includes the area files in name order, and make expands a prerequisite list as it
reads the line: `$(VAR)` of a later file is still empty there, so the prerequisite silently
vanishes (the data set is never fetched on a fresh machine; it only works where another step
fetched it first). Such prerequisites must be written `$$(VAR)` (the Makefile enables
.SECONDEXPANSION), which expands after every file is read.
"""
import re
import sys


def main(paths: list) -> int:
    paths = sorted(paths)
    defined = {}
    for i, path in enumerate(paths):
        for line in open(path):
            m = re.match(r"^([A-Z_][A-Z0-9_]*)\s*[:+?]?=", line)
            if m:
                defined.setdefault(m.group(1), i)
    problems = 0
    for i, path in enumerate(paths):
        for n, line in enumerate(open(path), 1):
            if line.startswith(("\t", "#")):
                continue
            rule = re.match(r"^([^=:#]+):(?!=)(.*)$", line)
            if not rule:
                continue
            # `$(VAR)` but not `$$(VAR)`: expanded while this file is read.
            for var in re.findall(r"(?<!\$)\$\(([A-Z_][A-Z0-9_]*)\)", rule.group(1) + rule.group(2)):
                if defined.get(var, -1) > i:
                    print(f"{path}:{n}: $({var}) is defined in {paths[defined[var]]}, read later: write $$({var})")
                    problems += 1
    print(f"check_make_order: {len(paths)} files, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
