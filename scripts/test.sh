#!/usr/bin/env bash
# All tests: installs missing Debian packages, then builds and runs the suite in the
# dev (Debug) preset, the threaded and unit tests under ASan+UBSan, the threaded tests
# under TSan, and a compile-and-test pass with Clang 16.
#
#   scripts/test.sh            everything
#   FA_TEST_PRESETS="dev" scripts/test.sh   only some presets
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh

presets=${FA_TEST_PRESETS:-"dev asan tsan clang"}
failed=()
for preset in $presets; do
  echo "=== [$preset] configure + build" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "=== [$preset] test" >&2
  if [[ "$preset" == "tsan" ]]; then
    # ASLR on newer kernels can break TSan's memory layout; run without it when possible.
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
    runner=(setarch "$(uname -m)" -R)
    "${runner[@]}" true 2>/dev/null || runner=()
    "${runner[@]}" ctest --preset "$preset" || failed+=("$preset")
  else
    ctest --preset "$preset" || failed+=("$preset")
  fi
done

if ((${#failed[@]})); then
  echo "FAILED presets: ${failed[*]}" >&2
  exit 1
fi
echo "All tests passed (presets: $presets)" >&2
