// The HTML page every panel is served in. The host (extension/panels) calls panelHtml with
// webview.cspSource, a fresh nonce and asWebviewUri strings; the panel script builds its DOM
// inside #app. The CSP forbids eval, inline scripts, inline handlers and inline <style>: only our
// nonce'd script runs, and styles, images and fonts come only from the webview's own resource
// roots. The controls (Lit web components, bundled into the script) style their shadow roots
// with constructed stylesheets, which style-src does not govern.

export interface PanelHtmlOptions {
  /** webview.cspSource */
  readonly cspSource: string;
  /** A fresh random nonce per render (base64 or hex, at least 16 characters). */
  readonly nonce: string;
  /** asWebviewUri of dist/webview/<panel>.js */
  readonly scriptUri: string;
  /** asWebviewUri of webview/styles/<panel>.css (or a combined sheet). */
  readonly styleUri: string;
  readonly title: string;
}

const NONCE_PATTERN = /^[A-Za-z0-9+/=_-]{16,}$/;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function panelHtml(options: PanelHtmlOptions): string {
  if (!NONCE_PATTERN.test(options.nonce)) {
    throw new Error(`panelHtml: the nonce must be at least 16 characters of [A-Za-z0-9+/=_-]; got ${options.nonce.length} characters`);
  }
  const attr = (s: string): string => escapeHtml(s);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(options.cspSource, options.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(options.styleUri)}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<div id="app" aria-live="polite"></div>
<script defer nonce="${attr(options.nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>
`;
}
