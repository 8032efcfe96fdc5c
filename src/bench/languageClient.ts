// Starts the benchmark language server (its own process) and keeps it told about run files.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { RunsChanged, Validated, type ValidatedParams } from '../server/protocol';

export function startLanguageClient(extension: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = vscode.Uri.joinPath(extension.extensionUri, 'dist', 'server.js').fsPath;
  const client = new LanguageClient(
    'm1.bench',
    'm1 benchmark files',
    { run: { module, transport: TransportKind.ipc }, debug: { module, transport: TransportKind.ipc } },
    {
      // Every JSON, JSONL and CSV file goes to the server; it checks only those that look like benchmarks.
      documentSelector: ['json', 'jsonl', 'csv'].map((ext) => ({ scheme: 'file', pattern: `**/*.${ext}` })),
      synchronize: { configurationSection: 'm1.bench' },
      initializationOptions: { bench: vscode.workspace.getConfiguration('m1').get('bench') },
      outputChannel: vscode.window.createOutputChannel('m1 Benchmark Language Server', { log: true }),
    },
  );
  const watcher = vscode.workspace.createFileSystemWatcher('**/.m1/runs/**/*.jsonl');
  const changed = () => void client.sendNotification(RunsChanged, {});
  extension.subscriptions.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed), client);
  client.start().then(
    () => client.onNotification(Validated, (p: ValidatedParams) => log.trace(`checked ${vscode.workspace.asRelativePath(vscode.Uri.parse(p.uri))}: ${p.items} items, ${p.problems} problems in ${p.ms.toFixed(1)} ms${p.incremental ? ' (edited lines only)' : ''}`)),
    (e: unknown) => log.error(`benchmark language server: ${e instanceof Error ? e.message : String(e)}`),
  );
  return client;
}
