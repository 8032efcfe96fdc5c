// Starts the benchmark language server when the first JSON, JSONL or CSV file is open, not at
// activation: a window that never opens one neither loads the client nor starts the server
// process. The client is a bundle of its own (dist/languageClient.js, see scripts/build.mjs).
import * as vscode from 'vscode';

/** A file the client would send to the server (its documentSelector in ./languageClient), opened
 * by the user: in a workspace folder (or any, in a window without folders), so that the settings
 * and other files the workbench opens by itself start nothing. */
function isCheckedFile(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file' || !/\.(json|jsonl|csv)$/i.test(uri.path)) return false;
  return !vscode.workspace.workspaceFolders?.length || vscode.workspace.getWorkspaceFolder(uri) !== undefined;
}

export function startLanguageClientOnDemand(extension: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  let started = false;
  const start = (uri: vscode.Uri): void => {
    if (started) return;
    started = true;
    log.info(`benchmark language server: starting for ${uri.toString(true)}`);
    opened.dispose();
    import('./languageClient').then(
      (m) => m.startLanguageClient(extension, log),
      (e: unknown) => log.error(`benchmark language server: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  const opened = vscode.workspace.onDidOpenTextDocument((d) => isCheckedFile(d.uri) && start(d.uri));
  extension.subscriptions.push(opened);
  const open = vscode.workspace.textDocuments.find((d) => isCheckedFile(d.uri));
  if (open) start(open.uri);
}
