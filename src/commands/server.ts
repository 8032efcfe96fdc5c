// "m1: Check Ollama Server" and "m1: Select Model".
import * as vscode from 'vscode';
import { readConfig, setModel } from '../config';
import { describeModel, isModelNamed, ollamaInfo } from '../core/backends/ollama';
import { versionWarning } from '../core/ollama/discover';
import type { Ctx } from '../context';

export async function checkServer(ctx: Ctx): Promise<void> {
  void vscode.commands.executeCommand('m1.refreshServer');
  const { host, engine } = readConfig();
  const info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `m1: checking ${host}` }, () => ollamaInfo(host));
  ctx.log.info(`Ollama ${info.version} at ${host}: ${info.models.map((m) => m.name).join(', ') || 'no models'}`);
  const installed = info.models.some((m) => isModelNamed(m, engine.model));
  const modelNote = installed ? `model ${engine.model} is installed` : `model ${engine.model} is not installed`;
  const message = `Ollama ${info.version} is running at ${host} with ${info.models.length} model${info.models.length === 1 ? '' : 's'}; ${modelNote}.`;
  const old = versionWarning(info.version);
  if (old) {
    void vscode.window.showWarningMessage(old);
    return;
  }
  if (installed) {
    void vscode.window.showInformationMessage(message);
  } else {
    const pick = await vscode.window.showWarningMessage(message, 'Select Model');
    if (pick) await vscode.commands.executeCommand('m1.selectModel');
  }
}

export async function selectModel(ctx: Ctx, name?: string): Promise<void> {
  if (name) {
    await setModel(name);
    ctx.log.info(`model set to ${name}`);
    return;
  }
  const { host, engine } = readConfig();
  const { models } = await ollamaInfo(host);
  if (models.length === 0) {
    void vscode.window.showWarningMessage(`Ollama at ${host} has no models yet. Pull an m1 GGUF build with \`ollama pull hf.co/<user>/<repo>:<quant>\`.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    models.map((m) => ({
      label: m.name,
      description: describeModel(m),
      picked: m.name === engine.model,
    })),
    { title: 'm1: model to ask', placeHolder: `current: ${engine.model}` },
  );
  if (!picked) return;
  await setModel(picked.label);
  ctx.log.info(`model set to ${picked.label}`);
  void vscode.window.showInformationMessage(`m1 will use ${picked.label}.`);
}
