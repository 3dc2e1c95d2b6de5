#!/usr/bin/env bash
# Installs the Debian packages the build needs. Idempotent: when every package
# is already present it only runs dpkg-query and returns in well under a second.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev
  libfoonathan-memory-dev libmimalloc-dev
  valgrind
  clang-16 libclang-rt-16-dev
  llvm-16-dev libclang-16-dev libclang-cpp16-dev
  libtinyxml2-dev libtomlplusplus-dev libcli11-dev
  libtbb-dev libboost-context-dev
  neovim  # 0.7, the LSP end-to-end test with a real client
  chromium  # headless, for the webview and report page tests (playwright-core)
  nodejs  # its npm comes with it (the machine's Node 20 package ships both)
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
  install_missing=1
fi

# npm packages for the tests (JSON Schema validation: snapshot schema, SARIF 2.1.0).
# `npm ci` only when the lock file is newer than the installed tree.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
npm_ci() {
  local dir=$1
  if [[ ! -f "$dir/node_modules/.package-lock.json" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    echo "[deps] npm ci in ${dir#$root/}" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
}

if [[ -z "${install_missing:-}" ]]; then
  npm_ci "$root/tools/schema-validate"
  npm_ci "$root/tests/lsp/client"
  npm_ci "$root/vscode-extension"
  exit 0
fi

echo "[deps] installing: ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
npm_ci "$root/tools/schema-validate"
npm_ci "$root/tests/lsp/client"
npm_ci "$root/vscode-extension"
