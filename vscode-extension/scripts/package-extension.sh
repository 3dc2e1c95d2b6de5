#!/usr/bin/env bash
# Packages the extension as dist/framealloc.vsix without network access: esbuild bundles every
# dependency into dist/*.js, so `vsce package --no-dependencies` needs no node_modules in the package.
# The production build happens in a staging copy, so a concurrent test reading dist/ is not disturbed.
# usage: scripts/package-extension.sh [output.vsix]
set -euo pipefail

ext=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$ext/dist/framealloc.vsix}
if [[ ! -x "$ext/node_modules/.bin/vsce" || ! -d "$ext/node_modules/esbuild" ]]; then
  echo "package-extension: npm packages missing; run scripts/deps.sh (npm ci in vscode-extension)" >&2
  exit 1
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/framealloc-vsix.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cp "$ext/package.json" "$ext/README.md" "$ext/.vscodeignore" "$stage/"
cp -r "$ext/resources" "$ext/media" "$stage/"
node "$ext/esbuild.mjs" --production --outdir "$stage/dist"
for f in extension.js webview.js fa-report.js uPlot.min.css; do
  [[ -s "$stage/dist/$f" ]] || { echo "package-extension: dist/$f was not built" >&2; exit 1; }
done

mkdir -p "$(dirname "$out")"
# No LICENSE file or public repository yet: say so instead of letting vsce stop at a y/N prompt.
(cd "$stage" && "$ext/node_modules/.bin/vsce" package --no-dependencies --skip-license --allow-missing-repository \
   --out "$out" </dev/null)
echo "packaged $out"
