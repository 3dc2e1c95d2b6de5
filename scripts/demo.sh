#!/usr/bin/env bash
# The main job: builds the release preset and runs the two-thread game loop example,
# which prints per-frame allocation statistics.
#
#   scripts/demo.sh [--frames N]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target game_loop
build/release/examples/game_loop "$@"
