#!/usr/bin/env bash
# fa-check cost against the compiler front end: fa-check (-j1) vs `clang-16 -fsyntax-only` with the
# same flags on the same TUs (wall time and peak RSS ratios; target <= 1.3x), and -j2 vs -j1
# (target >= 1.8x on 2+ cores). Uses the dev build unless FA_BUILD points elsewhere.
#
#   scripts/bench_analyzer.sh            # builds fa-check if needed, prints the table
set -euo pipefail
cd "$(dirname "$0")/.."

build=${FA_BUILD:-build/dev}
[[ -x $build/analyzer/fa-check ]] || { cmake --preset dev >/dev/null && cmake --build "$build" -j2 --target fa-check; }
gen=$build/runtime/generated/include
flags=(-std=c++20 -Iruntime/include -Iruntime/src "-I$gen")
mapfile -t tus < <(ls runtime/src/*.cpp tests/runtime/*_test.cpp | head -12)
echo "TUs (${#tus[@]}): ${tus[*]}" >&2

python3 - "$build/analyzer/fa-check" "${#tus[@]}" "${tus[@]}" "${flags[@]}" <<'PY'
import json, subprocess, sys
fa, n = sys.argv[1], int(sys.argv[2])
tus, flags = sys.argv[3:3 + n], sys.argv[3 + n:]

CHILD = r"""
import json, resource, subprocess, sys, time
cmds = json.loads(sys.argv[1])
start = time.perf_counter()
for c in cmds:
    r = subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode not in (0, 1):
        sys.exit(f"failed ({r.returncode}): {' '.join(c)}")
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""

def run(cmds):
    """Runs the commands one after another in a fresh process: (seconds, peak RSS of any descendant, MiB)."""
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(cmds)], check=True, capture_output=True, text=True)
    secs, peak = out.stdout.split()
    return float(secs), float(peak)

def best(cmds, reps=3):
    runs = [run(cmds) for _ in range(reps)]
    return min(r[0] for r in runs), max(r[1] for r in runs)

clang = best([["clang-16", "-fsyntax-only", *flags, tu] for tu in tus])
j1 = best([[fa, "-j", "1", *tus, "--", *flags]])
j2 = best([[fa, "-j", "2", *tus, "--", *flags]])
print(f"| run | wall s | peak RSS MiB |\n|---|---|---|")
print(f"| clang-16 -fsyntax-only (one process per TU) | {clang[0]:.2f} | {clang[1]:.0f} |")
print(f"| fa-check -j1 | {j1[0]:.2f} | {j1[1]:.0f} |")
print(f"| fa-check -j2 | {j2[0]:.2f} | {j2[1]:.0f} |")
print(f"\nfa-check -j1 / clang-16: time {j1[0] / clang[0]:.2f}x, peak memory {j1[1] / clang[1]:.2f}x (target <= 1.3x)")
print(f"fa-check -j2 speed-up over -j1: {j1[0] / j2[0]:.2f}x (target >= 1.8x)")
PY
