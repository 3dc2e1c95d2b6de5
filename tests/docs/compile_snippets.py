#!/usr/bin/env python3
"""Compiles every ```cpp block of a markdown page, so documented snippets cannot rot.

    compile_snippets.py PAGE.md PRELUDE.hpp OUT.cpp -- COMPILER ARGS...

Each block becomes the body of its own function, after PRELUDE (the page's placeholder types and
functions such as Mesh or update()). #line directives make errors name PAGE.md and its line.
The compiler gets `-fsyntax-only OUT.cpp` appended. Exit code: the compiler's, 2 on usage errors.
"""
import re
import subprocess
import sys


def blocks(page):
    """Yields (first line number, code) of every ```cpp fence."""
    with open(page, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        if re.match(r"^\s*```cpp\s*$", lines[i]):
            start, body = i + 2, []
            i += 1
            while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
                body.append(lines[i])
                i += 1
            yield start, "\n".join(body)
        i += 1


def main(argv):
    if len(argv) < 5 or argv[3] != "--":
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    page, prelude, out, compiler = argv[0], argv[1], argv[2], argv[4:]
    parts = [f'#include "{prelude}"', "// NOLINTBEGIN"]
    count = 0
    for count, (line, code) in enumerate(blocks(page), 1):
        parts.append(f"void snippet_{count}() {{")
        parts.append(f'#line {line} "{page}"')
        parts.append(code)
        parts.append("}")
    if count == 0:
        print(f"compile_snippets: no ```cpp blocks in {page}", file=sys.stderr)
        return 2
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")
    rc = subprocess.call(compiler + ["-fsyntax-only", out])
    print(f"compile_snippets: {count} snippets of {page}: {'ok' if rc == 0 else 'FAILED'}")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
