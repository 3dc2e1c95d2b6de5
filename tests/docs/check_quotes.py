#!/usr/bin/env python3
"""Checks that a markdown page quotes files verbatim, so a quoted example cannot drift.

    check_quotes.py [--excerpt] PAGE.md FILE...

Each FILE's full text (without trailing newlines) must be the content of one fenced code block of
PAGE. With --excerpt, some fenced block of PAGE must instead be a run of consecutive lines of FILE
(leading whitespace ignored, blocks of at least 5 lines), for samples cut from a longer output. Exit code: 0 all quoted, 1 a file is not quoted (or differs: the first differing line of the
closest block is printed), 2 usage or unreadable file.
"""
import difflib
import re
import sys


def fenced_blocks(text):
    blocks, current, fence = [], None, None
    for line in text.splitlines():
        m = re.match(r"^(```+|~~~+)", line)
        if current is None and m:
            current, fence = [], m.group(1)
        elif current is not None and line.startswith(fence) and line.strip() == fence:
            blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def is_excerpt(block, text):
    want = [l.strip() for l in block.splitlines()]
    have = [l.strip() for l in text.splitlines()]
    if len(want) < 5:
        return False
    return any(have[i:i + len(want)] == want for i in range(len(have) - len(want) + 1))


def main(argv):
    excerpt = bool(argv) and argv[0] == "--excerpt"
    if excerpt:
        argv = argv[1:]
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as f:
            blocks = fenced_blocks(f.read())
        files = {}
        for name in argv[1:]:
            with open(name, encoding="utf-8") as f:
                files[name] = f.read().rstrip("\n")
    except OSError as e:
        print(f"check_quotes: cannot read {e.filename}: {e.strerror}", file=sys.stderr)
        return 2
    failed = 0
    for name, text in files.items():
        if excerpt:
            if any(is_excerpt(b, text) for b in blocks):
                print(f"{argv[0]} quotes an excerpt of {name}")
                continue
            failed += 1
            print(f"{argv[0]} has no code block that is an excerpt of {name}")
            continue
        if text in blocks:
            print(f"{argv[0]} quotes {name}")
            continue
        failed += 1
        closest = max(blocks, key=lambda b: difflib.SequenceMatcher(None, b, text).ratio(), default="")
        diff = [l for l in difflib.unified_diff(text.splitlines(), closest.splitlines(), name, argv[0], n=0, lineterm="")]
        first = next((l for l in diff[2:] if l[:1] in "+-"), "(no code block)")
        print(f"{argv[0]} does not quote {name} verbatim; first difference: {first}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
