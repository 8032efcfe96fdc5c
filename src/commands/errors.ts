// The one place that turns a failure into a message with the action that fixes it.
import * as vscode from 'vscode';
import { M1Error } from '../core/errors';
import type { Ctx } from '../context';

export const OLLAMA_DOWNLOAD_URL = 'https://ollama.com/download';

export async function showError(ctx: Ctx, e: unknown): Promise<void> {
  const message = e instanceof Error ? e.message : String(e);
  ctx.log.error(message);
  if (e instanceof M1Error && e.code === 'cancelled') return;
  const actions: Record<string, () => Thenable<unknown>> = {};
  if (e instanceof M1Error && e.code === 'unreachable') {
    actions['Start Server'] = () => vscode.commands.executeCommand('m1.startServer');
    actions['Open Settings'] = () => vscode.commands.executeCommand('workbench.action.openSettings', 'm1.ollama.host');
    actions['Get Ollama'] = () => vscode.env.openExternal(vscode.Uri.parse(OLLAMA_DOWNLOAD_URL));
  } else if (e instanceof M1Error && e.code === 'model-not-found') {
    actions['Get Model'] = () => vscode.commands.executeCommand('m1.getModel');
    actions['Select Model'] = () => vscode.commands.executeCommand('m1.selectModel');
  }
  actions['Show Log'] = () => Promise.resolve(ctx.log.show());
  const picked = await vscode.window.showErrorMessage(message, ...Object.keys(actions));
  if (picked) await actions[picked]?.();
}
