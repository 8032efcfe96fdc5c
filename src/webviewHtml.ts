// A webview's HTML: strict CSP (no inline script or style, scripts only by nonce, nothing
// remote), resources only from the bundle folder and media/. Used by the side panel and the
// results view.
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export interface WebviewPage {
  /** Path of the script under the extension, e.g. ['dist', 'webview', 'main.js']. */
  script: string[];
  style: string[];
  title: string;
  /** Markup before the script (static, ours). */
  body?: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, joinPath: (base: vscode.Uri, ...p: string[]) => vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(joinPath(extensionUri, ...page.script));
  const style = webview.asWebviewUri(joinPath(extensionUri, ...page.style));
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
${page.body ?? ''}
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
