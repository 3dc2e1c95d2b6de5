#!/usr/bin/env bash
# Packages the extension offline and checks what the .vsix holds: the three bundles, the styles and
# the manifest; no sources, tests, source maps or node_modules.
# usage: test/package/check-vsix.sh [work dir]
set -euo pipefail
ext=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
vsix="$work/framealloc.vsix"
rm -f "$vsix"
"$ext/scripts/package-extension.sh" "$vsix"

listing=$(unzip -Z1 "$vsix")
status=0
for f in extension/package.json extension/dist/extension.js extension/dist/webview.js extension/dist/fa-report.js \
         extension/dist/uPlot.min.css extension/media/inspector.css extension/resources/framealloc.svg \
         extension/dist/codes/FA601.md; do
  grep -qx "$f" <<<"$listing" || { echo "FAIL: $f missing from the vsix" >&2; status=1; }
done
if grep -E '(^|/)(node_modules|src|test)/|\.map$|\.ts$' <<<"$listing" >&2; then
  echo "FAIL: the vsix holds sources, tests, maps or node_modules (listed above)" >&2
  status=1
fi
main=$(unzip -p "$vsix" extension/package.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).main))')
[[ "$main" == "./dist/extension.js" ]] || { echo "FAIL: package.json main is $main" >&2; status=1; }
# The bundle must not need anything but 'vscode' at run time.
if unzip -p "$vsix" extension/dist/extension.js | grep -oE 'require\("[^"]+"\)' | sort -u |
   grep -vE 'require\("(vscode|node:[a-z_/]+|[a-z_]+)"\)' >&2; then
  echo "FAIL: extension.js requires modules that are not bundled (listed above)" >&2
  status=1
fi
# And it loads outside VS Code with only a stand-in for 'vscode' (catches load-time crashes).
mkdir -p "$work/unpacked"
unzip -o -q "$vsix" extension/dist/extension.js -d "$work/unpacked"
node "$ext/test/package/load-bundle.js" "$work/unpacked/extension/dist/extension.js" || status=1
((status == 0)) && echo "vsix ok: $(wc -l <<<"$listing") files, $(stat -c %s "$vsix") bytes"
exit $status
