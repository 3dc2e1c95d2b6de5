#!/usr/bin/env python3
"""Checks that every relative link in markdown files resolves.

    check_links.py [--pending FILE] PATH...

PATH is a markdown file or a directory searched for *.md (node_modules and build trees are
skipped). A link target must exist relative to the file that links it; a "#anchor" part must
name a heading of the target markdown file (GitHub's slug rules). Links inside code spans and
fenced code blocks are ignored, as are URLs with a scheme (https:, mailto:, ...).

--pending FILE lists repository-relative paths that other branches add (one per line, '#'
comments): a link to one of them is reported as pending instead of failing.
Exit code: 0 all links resolve, 1 broken links (each printed as file:line: message), 2 usage.
"""
import os
import re
import sys

LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
SKIP_DIRS = {"node_modules", "build", ".git", "target"}


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def strip_code_spans(line):
    return re.sub(r"`+[^`]*`+", "", line)


def scan(path):
    """Yields (line number, target) for every link outside code; and the file's anchors."""
    links, anchors, counts = [], set(), {}
    in_fence = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fence = FENCE.match(line)
            if fence:
                if in_fence is None:
                    in_fence = fence.group(1)
                elif fence.group(1) == in_fence:
                    in_fence = None
                continue
            if in_fence:
                continue
            heading = HEADING.match(line)
            if heading:
                base = slug(heading.group(1))
                n = counts.get(base, 0)
                counts[base] = n + 1
                anchors.add(base if n == 0 else f"{base}-{n}")
            text = strip_code_spans(line)
            for m in LINK.finditer(text):
                links.append((number, m.group(1)))
            ref = REF_DEF.match(text)
            if ref:
                links.append((number, ref.group(1)))
    return links, anchors


def markdown_files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
                for name in sorted(files):
                    if name.endswith(".md"):
                        yield os.path.join(root, name)
        elif os.path.isfile(p):
            yield p
        else:
            raise FileNotFoundError(p)


def load_pending(path):
    with open(path, encoding="utf-8") as f:
        return {os.path.normpath(line.split("#", 1)[0].strip()) for line in f if line.split("#", 1)[0].strip()}


def main(argv):
    args, pending, pending_file = list(argv), set(), None
    if len(args) >= 2 and args[0] == "--pending":
        pending_file = args[1]
        args = args[2:]
    if not args:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        if pending_file:
            pending = load_pending(pending_file)
        files = list(markdown_files(args))
    except OSError as e:
        print(f"check_links: cannot read {e.filename or e}: {e.strerror or 'no such file'}", file=sys.stderr)
        return 2

    anchor_cache, broken, checked, waiting = {}, 0, 0, 0
    for md in files:
        links, anchors = scan(md)
        anchor_cache[os.path.abspath(md)] = anchors
        for number, target in links:
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                continue  # https:, mailto:, vscode: ...
            checked += 1
            path_part, _, anchor = target.partition("#")
            resolved = os.path.normpath(os.path.join(os.path.dirname(md), path_part)) if path_part else md
            if path_part and not os.path.exists(resolved):
                if os.path.relpath(resolved) in pending:
                    waiting += 1
                    print(f"{md}:{number}: pending (added by another branch): {target}")
                    continue
                broken += 1
                print(f"{md}:{number}: broken link: {target} ({resolved} does not exist)")
                continue
            if anchor and resolved.endswith(".md"):
                key = os.path.abspath(resolved)
                if key not in anchor_cache:
                    anchor_cache[key] = scan(resolved)[1]
                if anchor.lower() not in anchor_cache[key]:
                    broken += 1
                    print(f"{md}:{number}: broken anchor: {target} (no heading '#{anchor}' in {resolved})")
    for path in sorted(p for p in pending if os.path.exists(p)):
        print(f"note: {path} exists now; remove it from {pending_file}")
    print(f"check_links: {len(files)} files, {checked} relative links, {broken} broken, {waiting} pending")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
