// "m1: Check Server" (is Ollama up, is the model there, and how each server runs stop a thought
// really behaves) and "m1: Select Model".
import { hostname } from 'node:os';
import * as vscode from 'vscode';
import { ollamaHost, readConfig, setHostForThisMachine, setModel } from '../config';
import { describeModel, isModelNamed, normalizeHost, ollamaInfo } from '../core/backends/ollama';
import { describeOrigin } from '../core/machineSettings';
import { versionWarning } from '../core/ollama/discover';
import { findingsStore } from '../bench/serverFindings';
import { runPool } from '../bench/hosts';
import { findingInWords, runCaveat } from '../core/backends/caveats';
import { findServer, serverInfoOf } from '../core/backends/findings';
import type { Ctx } from '../context';

export async function checkServer(ctx: Ctx): Promise<void> {
  void vscode.commands.executeCommand('m1.refreshServer');
  const { engine } = readConfig();
  const { host, origin } = await ollamaHost();
  const info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('m1: checking {0}', host) }, () => ollamaInfo(host));
  ctx.log.info(`Ollama ${info.version} at ${host}: ${info.models.map((m) => m.name).join(', ') || 'no models'}`);
  const installed = info.models.some((m) => isModelNamed(m, engine.model));
  const modelNote = installed ? vscode.l10n.t('model {0} is installed', engine.model) : vscode.l10n.t('model {0} is not installed', engine.model);
  const message =
    info.models.length === 1
      ? vscode.l10n.t('Ollama {0} is running at {1} ({2}) with 1 model; {3}.', info.version, host, describeOrigin(origin), modelNote)
      : vscode.l10n.t('Ollama {0} is running at {1} ({2}) with {3} models; {4}.', info.version, host, describeOrigin(origin), info.models.length, modelNote);
  const old = versionWarning(info.version);
  if (old) {
    void vscode.window.showWarningMessage(old);
    return;
  }
  if (!installed) {
    const pick = await vscode.window.showWarningMessage(message, vscode.l10n.t('Select Model'));
    if (pick) await vscode.commands.executeCommand('m1.selectModel');
    return;
  }
  const digest = info.models.find((m) => isModelNamed(m, engine.model))?.digest;
  const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('m1: asking {0} how the server stops a thought', engine.model), cancellable: true }, (_progress, token) =>
    probeRunHosts(ctx, host, digest, token),
  );
  const notes = found.filter((f) => f.note);
  for (const f of found) ctx.log[f.note ? 'warn' : 'info'](`${f.label}: ${f.words}`);
  if (!notes.length) {
    void vscode.window.showInformationMessage(
      found.length > 1
        ? vscode.l10n.t('{0} Budget forcing stops thoughts as the reference does on all {1} servers.', message, found.length)
        : vscode.l10n.t('{0} Budget forcing stops thoughts as the reference does.', message),
    );
    return;
  }
  const pick = await vscode.window.showWarningMessage(`${message} ${notes.map((f) => `${f.label}: ${f.note}`).join(' ')}`, vscode.l10n.t('Show Details'));
  if (pick) ctx.log.show();
}

/**
 * The probe of `m1 doctor` (core/backends/findings.ts) on each server runs use, fresh, and kept
 * for those runs. A server that cannot be probed says why.
 */
async function probeRunHosts(ctx: Ctx, ollamaUrl: string, digest: string | undefined, token: vscode.CancellationToken): Promise<Array<{ label: string; words: string; note?: string }>> {
  const abort = new AbortController();
  token.onCancellationRequested(() => abort.abort());
  const { engine } = readConfig();
  const { pool, hosts } = await runPool(ctx.extension.secrets, 1);
  const store = findingsStore(ctx.extension.globalState);
  return Promise.all(
    pool.hosts.map(async (h, i) => {
      const model = h.model ?? engine.model;
      const modelDigest = hosts[i]?.kind === 'ollama' && hosts[i]?.url === ollamaUrl && !h.model ? digest : undefined;
      try {
        const f = await findServer(h.backend, model, { store, fresh: true, signal: abort.signal, ...(modelDigest ? { modelDigest } : {}) });
        const note = runCaveat(serverInfoOf(f), f) ?? (f.thinkStop === 'unknown' ? f.detail : undefined);
        return { label: h.backend.label, words: findingInWords(f), ...(note ? { note } : {}) };
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        return { label: h.backend.label, words: `could not be probed: ${why}`, note: vscode.l10n.t('could not be probed ({0}).', why) };
      }
    }),
  );
}

/**
 * "m1: Set Ollama Host for This Machine": the URL as reached from the machine m1 runs on, written
 * where that machine reads it (see setHostForThisMachine); empty removes it.
 */
export async function setHostForMachine(ctx: Ctx): Promise<void> {
  const current = await ollamaHost();
  const machine = vscode.env.remoteName ? `${hostname()} (${vscode.env.remoteName})` : hostname();
  const input = await vscode.window.showInputBox({
    title: vscode.l10n.t('m1: Ollama host for {0}', machine),
    prompt: vscode.l10n.t('As reached from {0}, e.g. http://127.0.0.1:11434 or http://gpu-box:11434. Empty: OLLAMA_HOST or the default. Now {1}, {2}.', hostname(), current.host, describeOrigin(current.origin)),
    value: current.origin.endsWith('settings') ? current.host : '',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        normalizeHost(v);
        return undefined;
      } catch {
        return vscode.l10n.t('A URL such as http://gpu-box:11434');
      }
    },
  });
  if (input === undefined) return;
  const host = input.trim() ? normalizeHost(input) : undefined;
  const where = await setHostForThisMachine(host);
  ctx.log.info(`m1.ollama.host ${host ? `set to ${host}` : 'removed'} in ${where}`);
  const pick = await vscode.window.showInformationMessage(
    host ? vscode.l10n.t('m1 now uses {0} on {1}: saved in {2}.', host, machine, where) : vscode.l10n.t('m1.ollama.host removed from {0}.', where),
    vscode.l10n.t('Check Server'),
  );
  if (pick) await vscode.commands.executeCommand('m1.checkServer');
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
    void vscode.window.showWarningMessage(vscode.l10n.t('Ollama at {0} has no models yet. Pull an m1 GGUF build with `ollama pull hf.co/<user>/<repo>:<quant>`.', host));
    return;
  }
  const picked = await vscode.window.showQuickPick(
    models.map((m) => ({
      label: m.name,
      description: describeModel(m),
      picked: m.name === engine.model,
    })),
    { title: vscode.l10n.t('m1: model to ask'), placeHolder: vscode.l10n.t('current: {0}', engine.model) },
  );
  if (!picked) return;
  await setModel(picked.label);
  ctx.log.info(`model set to ${picked.label}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('m1 will use {0}.', picked.label));
}
