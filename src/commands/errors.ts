// The one place that turns a failure into a message with the action that fixes it.
import { hostname } from 'node:os';
import * as vscode from 'vscode';
import { ollamaHost } from '../config';
import { M1Error } from '../core/errors';
import { hostHint } from '../core/machineSettings';
import { OLLAMA_DOWNLOAD_URL } from '../core/ollama/discover';

/** Only the log: errors.ts is imported by what Ctx holds, so it must not import Ctx back. */
export async function showError(ctx: { log: vscode.LogOutputChannel }, e: unknown): Promise<void> {
  let message = e instanceof Error ? e.message : String(e);
  ctx.log.error(message);
  if (e instanceof M1Error && e.code === 'cancelled') return;
  if (e instanceof M1Error && e.code === 'unreachable') {
    // Which machine asks, and where its host came from: in a remote window it is not the laptop.
    const where = await ollamaHost();
    if (message.includes(where.host)) message = `${message} ${hostHint(where, hostname(), vscode.env.remoteName)}`;
  }
  const actions: Record<string, () => Thenable<unknown>> = {};
  if (e instanceof M1Error && e.code === 'unreachable') {
    actions[vscode.l10n.t('Start Server')] = () => vscode.commands.executeCommand('m1.startServer');
    actions[vscode.l10n.t('Set Host for This Machine')] = () => vscode.commands.executeCommand('m1.setHostForMachine');
    actions[vscode.l10n.t('Get Ollama')] = () => vscode.env.openExternal(vscode.Uri.parse(OLLAMA_DOWNLOAD_URL));
  } else if (e instanceof M1Error && e.code === 'model-not-found') {
    actions[vscode.l10n.t('Get Model')] = () => vscode.commands.executeCommand('m1.getModel');
    actions[vscode.l10n.t('Select Model')] = () => vscode.commands.executeCommand('m1.selectModel');
  }
  actions[vscode.l10n.t('Show Log')] = () => Promise.resolve(ctx.log.show());
  const picked = await vscode.window.showErrorMessage(message, ...Object.keys(actions));
  if (picked) await actions[picked]?.();
}

/** A command handler whose failure is shown as showError shows it (for commands a view registers). */
export const guarded =
  (ctx: { log: vscode.LogOutputChannel }, f: (arg: unknown) => Promise<void>) =>
  async (arg: unknown): Promise<void> => {
    try {
      await f(arg);
    } catch (e) {
      await showError(ctx, e);
    }
  };
