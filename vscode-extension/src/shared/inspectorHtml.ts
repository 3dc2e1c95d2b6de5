// The Memory Inspector page, shared by the VS Code webview (script and styles loaded from dist/ and
// media/ through asWebviewUri) and the standalone report (everything inlined, data embedded). The
// page is a static skeleton; src/webview/main.ts fills it, always setting text with textContent.

export interface InspectorHtmlOptions {
  nonce: string;
  /** The webview's cspSource (or the report's origin keyword); allowed for images and stylesheets. */
  cspSource: string;
  scriptUri: string;
  styleUris: string[];
  /** JSON text of {frames: Snapshot[]} (report mode). */
  embeddedData?: string;
  title?: string;
  /** Report mode: the script's code placed inline (with the nonce) instead of scriptUri. */
  inlineScript?: string;
  /** Report mode: stylesheets placed inline (with the nonce) instead of styleUris. */
  inlineStyles?: string[];
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\'': '&#39;',
};

export function escapeHtml(text: string): string { return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]); }

/** JSON inside <script>: "<" as \u003c so no "</script>" or "<!--" can end the element early. */
export function escapeJsonForScript(json: string): string {
  return json.replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
}

/** Inline code or CSS must not contain a closing tag of its element; "<\/" is equivalent in JS strings. */
function escapeInline(text: string, element: 'script'|'style'): string {
  return text.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1');
}

function section(id: string, title: string, extra = ''): string {
  return `<section class="panel" id="${id}" aria-labelledby="${id}-title">
  <h2 id="${id}-title">${escapeHtml(title)}</h2>${extra}
  <div class="panel-body" id="${id}-body"></div>
</section>`;
}

export function inspectorHtml(o: InspectorHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce))
    throw new Error('inspectorHtml: the nonce must be 16+ base64 characters');
  const nonce = escapeHtml(o.nonce);
  const title = escapeHtml(o.title ?? 'framealloc Memory Inspector');
  const csp =
      `default-src 'none'; img-src ${o.cspSource} data:; style-src ${o.cspSource} 'nonce-${o.nonce}'; ` +
      `script-src 'nonce-${o.nonce}';`;
  const styles = o.inlineStyles ?
      o.inlineStyles.map((css) => `<style nonce="${nonce}">${escapeInline(css, 'style')}</style>`) :
      o.styleUris.map((uri) => `<link rel="stylesheet" href="${escapeHtml(uri)}">`);
  const data = o.embeddedData === undefined ? '' :
                                              `<script type="application/json" id="fa-data" nonce="${
                                                  nonce}">${escapeJsonForScript(o.embeddedData)}</script>\n`;
  const script = o.inlineScript !== undefined ?
      `<script nonce="${nonce}">${escapeInline(o.inlineScript, 'script')}</script>` :
      `<script nonce="${nonce}" src="${escapeHtml(o.scriptUri)}"></script>`;
  const stackToggle = `
  <div class="toolbar" role="group" aria-label="Stack the timeline by">
    <button type="button" class="toggle" id="fa-stack-tag" aria-pressed="true"
      title="Bytes allocated per frame by each top-level tag">By tag: allocated per frame</button>
    <button type="button" class="toggle" id="fa-stack-thread" aria-pressed="false"
      title="Live bytes per thread: frame used + pool + heap">By thread: live bytes</button>
    <span class="hint">click a frame to select it</span>
  </div>`;
  const compareControls = `
  <div class="toolbar">
    <label>A <select id="fa-compare-a"></select></label>
    <label>B <select id="fa-compare-b"></select></label>
  </div>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${styles.join('\n')}
</head>
<body>
<header id="fa-header" class="panel">
  <div class="header-title"><h1>${title}</h1><span id="fa-mode" class="badge"></span>
    <span class="header-actions" id="fa-actions"></span></div>
  <dl class="figures" id="fa-header-figures"></dl>
  <p class="empty" id="fa-empty">Waiting for snapshots…</p>
  <p class="notice" id="fa-notice" hidden></p>
</header>
<main class="grid">
${section('fa-timeline', 'Timeline', stackToggle)}
${section('fa-budgets', 'Budgets')}
${section('fa-tags', 'Tags')}
${section('fa-threads', 'Threads')}
${section('fa-queues', 'Promotions, transfers, deferred frees')}
${section('fa-sites', 'Allocation sites')}
${section('fa-compare', 'Compare frames (B − A)', compareControls)}
${section('fa-diagnostics', 'Diagnostics')}
</main>
${data}${script}
</body>
</html>
`;
}
