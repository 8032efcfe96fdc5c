// The servers benchmark runs spread over (setting m1.hosts, user or remote settings only) and their API
// keys (VS Code's SecretStorage, never a settings file). With no hosts set, runs go to the
// local Ollama server.
import * as vscode from 'vscode';
import { keepAlive, readConfig, userSetting } from '../config';
import { createBackend, describeHost, parseHostSpec, type HostSpec } from '../core/backends/hosts';
import { ollamaInfo } from '../core/backends/ollama';
import { OpenAIBackend } from '../core/backends/openai';
import { HostPool } from '../core/bench/hostPool';
import { M1Error } from '../core/errors';

const secretKey = (url: string) => `m1.apiKey:${url}`;

interface HostSetting {
  url?: unknown;
  kind?: unknown;
  slots?: unknown;
  model?: unknown;
}

/** The hosts from m1.hosts, validated; empty when none are set. */
export function configuredHosts(): HostSpec[] {
  const raw = userSetting<HostSetting[]>('hosts') ?? [];
  return (Array.isArray(raw) ? raw : []).map((h, i) => {
    if (typeof h?.url !== 'string' || !h.url.trim()) throw new M1Error('bad-input', vscode.l10n.t('m1.hosts[{0}] needs a "url".', i));
    const kind = h.kind === 'openai' ? 'openai' : 'ollama';
    const spec = parseHostSpec(`${kind}:${h.url}`);
    return { ...spec, slots: typeof h.slots === 'number' && h.slots >= 1 ? Math.floor(h.slots) : 1, ...(typeof h.model === 'string' && h.model ? { model: h.model } : {}) };
  });
}

/** The pool a run uses: the configured hosts, or the local Ollama with `concurrency` slots. */
export async function runPool(secrets: vscode.SecretStorage, concurrency: number): Promise<{ pool: HostPool; hosts: HostSpec[] }> {
  const configured = configuredHosts();
  const hosts = configured.length ? configured : [{ kind: 'ollama' as const, url: readConfig().host, slots: concurrency }];
  const members = await Promise.all(
    hosts.map(async (spec) => ({ backend: createBackend(spec, (await secrets.get(secretKey(spec.url))) ?? undefined, keepAlive()), slots: spec.slots, ...(spec.model ? { model: spec.model } : {}) })),
  );
  return { pool: new HostPool(members), hosts };
}

/** Model names a host serves (Ollama's tags, or an OpenAI-compatible server's /v1/models). */
export async function hostModels(secrets: vscode.SecretStorage, spec: HostSpec): Promise<string[]> {
  if (spec.kind === 'ollama') return (await ollamaInfo(spec.url)).models.map((m) => m.name);
  const apiKey = await secrets.get(secretKey(spec.url));
  return new OpenAIBackend({ url: spec.url, ...(apiKey ? { apiKey } : {}) }).models();
}

/** "m1: Set Server API Key": stored in SecretStorage for one OpenAI-compatible host. */
export async function setApiKey(secrets: vscode.SecretStorage, url?: string): Promise<void> {
  const openai = configuredHosts().filter((h) => h.kind === 'openai');
  const target =
    url ??
    (openai.length === 1
      ? openai[0]!.url
      : (await vscode.window.showQuickPick(openai.map((h) => ({ label: h.url, description: describeHost(h) })), { title: vscode.l10n.t('m1: API key for which server?') }))?.label);
  if (!target) {
    if (!openai.length) void vscode.window.showInformationMessage(vscode.l10n.t('No OpenAI-compatible server is in m1.hosts yet: add one with "m1: Add Server for Benchmark Runs".'));
    return;
  }
  const key = await vscode.window.showInputBox({ title: vscode.l10n.t('m1: API key for {0}', target), prompt: vscode.l10n.t("Stored in VS Code's secret storage; leave empty to remove it."), password: true, ignoreFocusOut: true });
  if (key === undefined) return;
  if (key) await secrets.store(secretKey(target), key);
  else await secrets.delete(secretKey(target));
  void vscode.window.showInformationMessage(key ? vscode.l10n.t('API key for {0} saved.', target) : vscode.l10n.t('API key for {0} removed.', target));
}

/** "m1: Add Server for Benchmark Runs": kind, URL, slots, model; checked before it is saved. */
export async function addHost(secrets: vscode.SecretStorage): Promise<void> {
  const kind = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('OpenAI-compatible (vLLM, SGLang)'), value: 'openai' as const },
      { label: 'Ollama', value: 'ollama' as const },
    ],
    { title: vscode.l10n.t('m1: Add Server (1/4) · kind') },
  );
  if (!kind) return;
  const url = await vscode.window.showInputBox({
    title: vscode.l10n.t('m1: Add Server (2/4) · URL'),
    placeHolder: kind.value === 'openai' ? 'http://gpu1:8000' : 'http://gpu2:11434',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        parseHostSpec(`${kind.value}:${v}`);
        return /^https?:\/\//.test(v.trim()) || kind.value === 'ollama' ? undefined : vscode.l10n.t('An http(s) URL');
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
  });
  if (!url) return;
  const spec = parseHostSpec(`${kind.value}:${url}`);
  const slots = await vscode.window.showInputBox({
    title: vscode.l10n.t('m1: Add Server (3/4) · requests at once'),
    value: kind.value === 'openai' ? '8' : '1',
    prompt: vscode.l10n.t('vLLM and SGLang batch many requests; Ollama takes OLLAMA_NUM_PARALLEL.'),
    validateInput: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 ? undefined : vscode.l10n.t('A whole number ≥ {0}', 1)),
  });
  if (!slots) return;
  if (kind.value === 'openai') {
    const key = await vscode.window.showInputBox({ title: vscode.l10n.t('m1: API key (optional)'), prompt: vscode.l10n.t("If the server was started with --api-key. Stored in VS Code's secret storage."), password: true, ignoreFocusOut: true });
    if (key) await secrets.store(secretKey(spec.url), key);
  }
  const models = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('m1: checking {0}', spec.url) }, () => hostModels(secrets, spec));
  const run = readConfig().engine.model;
  const model = models.includes(run) || models.includes(`${run}:latest`)
    ? undefined
    : (await vscode.window.showQuickPick(models.map((m) => ({ label: m })), { title: vscode.l10n.t('m1: Add Server (4/4) · which of its models is m1 (runs ask for "{0}")?', run) }))?.label;
  if (models.length && !models.includes(run) && !models.includes(`${run}:latest`) && !model) return;
  const config = vscode.workspace.getConfiguration('m1');
  const current = config.inspect<unknown[]>('hosts')?.globalValue ?? [];
  await config.update('hosts', [...current, { url: spec.url, kind: spec.kind, slots: Number(slots), ...(model ? { model } : {}) }], vscode.ConfigurationTarget.Global);
  void vscode.window.showInformationMessage(
    current.length
      ? vscode.l10n.t('{0} added: benchmark runs now spread over {1} servers.', describeHost(spec), current.length + 1)
      : vscode.l10n.t('{0} added: benchmark runs now spread over 1 server.', describeHost(spec)),
  );
}
