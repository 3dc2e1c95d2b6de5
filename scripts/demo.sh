#!/usr/bin/env bash
# The main job: builds the release preset and runs the game loop example (per-frame work on fa::jobs),
# which prints per-frame allocation statistics.
#
#   scripts/demo.sh [--frames N]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target game_loop
build/release/examples/game_loop --snapshot-dir target/framealloc "$@"
echo "snapshots written to $(pwd)/target/framealloc: $(ls target/framealloc/snapshot_*.json | wc -l) files, newest $(basename "$(ls target/framealloc/snapshot_*.json | tail -1)")"

# fa-check over examples/: game_loop.cpp is clean, examples/wrong/ is deliberately wrong.
echo "=== fa-check examples/ (examples/wrong/ holds deliberate mistakes)" >&2
cmake --build --preset release --target fa-check
gen=build/release/runtime/generated/include
build/release/analyzer/fa-check examples/game_loop.cpp examples/wrong/*.cpp -- -std=c++20 -Iruntime/include -I"$gen" \
  || echo "(fa-check exit code $?: findings in examples/wrong/ are expected)" >&2

# The standalone Memory Inspector page of those snapshots: one HTML file, no VS Code needed.
echo "=== fa-report target/framealloc" >&2
node vscode-extension/esbuild.mjs >/dev/null
node vscode-extension/bin/fa-report target/framealloc -o target/framealloc/report.html
echo "Memory Inspector report: $(pwd)/target/framealloc/report.html"
