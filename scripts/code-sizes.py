#!/usr/bin/env python3
"""Files and functions that have grown past what a newcomer can hold in their head.

Lists every Rust file of the product crate (crates/lantoa/src) over 800 lines
and every function of any crate over 120 lines (from its `fn` line to its
closing brace). Test tables (files named tests.rs or under tests/) are listed
apart. With --check, exits 1 when a file or a function of the product crate
(not its tests) is over; the other crates' long functions are listed only.

    python3 scripts/code-sizes.py [--check]
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FILE_LIMIT, FN_LIMIT = 800, 120
FN_RE = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def code_only(line, state):
    """The line without comments and string/char literals (braces inside them
    would miscount). `state` carries an open block comment or string."""
    out, i, n = [], 0, len(line)
    while i < n:
        if state["block"]:
            j = line.find("*/", i)
            if j < 0:
                return "".join(out)
            state["block"], i = False, j + 2
            continue
        if state["raw"] is not None:
            j = line.find('"' + "#" * state["raw"], i)
            if j < 0:
                return "".join(out)
            state["raw"], i = None, j + 1 + state["raw"]
            continue
        if state["str"]:
            while i < n and line[i] != '"':
                i += 2 if line[i] == "\\" else 1
            if i < n:
                state["str"] = False
            i += 1
            continue
        c = line[i]
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state["block"], i = True, i + 2
            continue
        m = re.match(r'r(#*)"', line[i:])
        if m and (i == 0 or not (line[i - 1].isalnum() or line[i - 1] == "_")):
            state["raw"], i = len(m.group(1)), i + len(m.group(0))
            continue
        if c == '"':
            state["str"], i = True, i + 1
            continue
        m = re.match(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'", line[i:])
        if m:
            i += len(m.group(0))
            continue
        out.append(c)
        i += 1
    return "".join(out)


def functions(path):
    """(name, first line, length) of every fn with a body."""
    lines = open(path, encoding="utf-8").read().split("\n")
    state = {"block": False, "raw": None, "str": False}
    code = [code_only(l, state) for l in lines]
    found = []
    for k, l in enumerate(code):
        m = FN_RE.match(l)
        if not m:
            continue
        depth, nest, opened, done = 0, 0, False, False
        for j in range(k, len(code)):
            for ch in code[j]:
                if ch in "([":
                    nest += 1
                elif ch in ")]":
                    nest -= 1
                elif ch == ";" and not opened and nest == 0:
                    done = True  # a declaration without a body
                    break
                elif ch == "{":
                    depth, opened = depth + 1, True
                elif ch == "}":
                    depth -= 1
                    if opened and depth == 0:
                        found.append((m.group(6), k + 1, j - k + 1))
                        done = True
                        break
            if done:
                break
    return found


def rust_files(top):
    for d, _, fs in os.walk(top):
        if "/target" in d:
            continue
        for f in fs:
            if f.endswith(".rs"):
                yield os.path.join(d, f)


def main():
    check = "--check" in sys.argv
    over = []
    product = os.path.join(ROOT, "crates", "lantoa", "src")
    print(f"Product files over {FILE_LIMIT} lines (crates/lantoa/src):")
    for p in sorted(rust_files(product)):
        n = sum(1 for _ in open(p, encoding="utf-8"))
        if n > FILE_LIMIT:
            rel = os.path.relpath(p, ROOT)
            table = os.path.basename(p) == "tests.rs"
            print(f"  {n:5}  {rel}{'  (test table)' if table else ''}")
            if not table:
                over.append(rel)
    print(f"Functions over {FN_LIMIT} lines (every crate, tests apart):")
    for p in sorted(rust_files(os.path.join(ROOT, "crates"))):
        rel = os.path.relpath(p, ROOT)
        is_test = "/tests/" in rel or rel.endswith("tests.rs")
        for name, line, n in functions(p):
            if n > FN_LIMIT:
                print(f"  {n:5}  {rel}:{line} {name}{'  (test)' if is_test else ''}")
                if not is_test and rel.startswith("crates/lantoa/src/"):
                    over.append(f"{rel}:{name}")
    if check and over:
        print(f"{len(over)} over the limits", file=sys.stderr)
        sys.exit(1)


main()
