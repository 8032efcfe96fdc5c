// "m1: Get the Paper's Benchmarks": the paper's evaluation data into the workspace (benchmarks/),
// with a cancellable progress notification; a stopped download resumes the next time.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { userSetting } from '../config';
import type { Ctx } from '../context';
import { M1Error } from '../core/errors';
import { PAPER_DATA, getPaperData, notTheReference } from '../core/hf/dataset';
import { DEFAULT_HUB } from '../core/hf/ggufBuilds';

export async function getPaperBenchmarks(ctx: Ctx): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new M1Error('bad-input', vscode.l10n.t("Open a folder first: the paper's benchmarks are saved in the workspace."));
  const endpoint = userSetting<string>('huggingFace.endpoint') || DEFAULT_HUB;
  const dir = join(folder.uri.fsPath, 'benchmarks');
  const got = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Getting {0}', PAPER_DATA.file), cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    let done = 0;
    return getPaperData({
      endpoint,
      dir,
      root: folder.uri.fsPath,
      signal: controller.signal,
      onProgress: ({ received, total }) => {
        const mb = total ? vscode.l10n.t('{0} MB of {1} MB', (received / 1e6).toFixed(1), (total / 1e6).toFixed(1)) : `${(received / 1e6).toFixed(1)} MB`;
        const now = total ? Math.floor((100 * received) / total) : done;
        progress.report({ message: mb, increment: now - done });
        done = now;
      },
    });
  });
  ctx.log.info(`${got.path}: md5 ${got.md5}, content ${got.hash}, ${JSON.stringify(got.sources)}`);
  const total = Object.values(got.sources).reduce((a, b) => a + b, 0);
  // Shown at once: the file watcher may report the new file only a moment later.
  const item = ctx.benchmarks.tree.fileItem(vscode.Uri.file(got.path));
  await vscode.commands.executeCommand('vscode.revealTestInExplorer', item);
  const counts = Object.entries(got.sources).map(([s, n]) => `${s} ${n.toLocaleString('en')}`).join(', ');
  const what = vscode.l10n.t('{0}: {1} items ({2})', vscode.workspace.asRelativePath(got.path), total.toLocaleString('en'), counts);
  const openFile = vscode.l10n.t('Open File');
  const open = got.reference
    ? await vscode.window.showInformationMessage(vscode.l10n.t('{0}, the file the reference evaluates (MD5 checked). Run it from the Testing view.', what), openFile)
    : await vscode.window.showWarningMessage(vscode.l10n.t('{0}, {1} Run it from the Testing view.', what, notTheReference(got.md5)), openFile);
  if (open) await vscode.window.showTextDocument(vscode.Uri.file(got.path));
}
