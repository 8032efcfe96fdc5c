// Every setting the extension reads, typed, with its default in one place.
import * as vscode from 'vscode';
import { OllamaBackend, resolveOllamaHost } from './core/backends/ollama';
import { withFields, type FieldMap } from './core/bench/format';
import { PAPER_DEFAULTS, type EngineSettings } from './core/engine';
import { SETTING_RANGES, clampSetting } from './core/settingRanges';
import { resolveHost, settingInFile, withSetting, type ResolvedHost } from './core/machineSettings';
import { COLLAPSE_THOUGHT, type CollapseThought } from './panel/protocol';

export const SECTION = 'm1';

export interface M1Config {
  /** Resolved server URL (setting, OLLAMA_HOST or the default). */
  host: string;
  engine: EngineSettings;
}

export function readConfig(): M1Config {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    host: resolveOllamaHost(userSetting<string>('ollama.host')),
    engine: {
      model: c.get<string>('model', 'm1-7b-23k'),
      // Clamped: VS Code returns a workspace's out-of-range value as it is.
      budget: clampSetting(c.get('thinkingBudget'), SETTING_RANGES.thinkingBudget, PAPER_DEFAULTS.budget),
      waitRounds: clampSetting(c.get('waitRounds'), SETTING_RANGES.waitRounds, PAPER_DEFAULTS.waitRounds),
      answerMaxTokens: clampSetting(c.get('answerMaxTokens'), SETTING_RANGES.answerMaxTokens, PAPER_DEFAULTS.answerMaxTokens),
      temperature: clampSetting(c.get('temperature'), SETTING_RANGES.temperature, PAPER_DEFAULTS.temperature),
      seed: c.get<number>('seed', PAPER_DEFAULTS.seed),
    },
  };
}

/** The settings that name a host, an executable or a server list: read by userSetting only. */
export type MachineKey = 'ollama.host' | 'ollama.path' | 'hosts' | 'huggingFace.endpoint';

/**
 * A host, executable or server-list setting from the user's settings only: the user settings or,
 * in a remote window, the remote's settings (which VS Code lets win). A workspace value is never
 * read, so a repository cannot redirect prompts or choose a program to run.
 *
 * These settings are `window`-scoped, not `machine`-scoped, on purpose. In a remote window
 * (Remote-SSH, WSL, dev containers, code-server) VS Code drops machine-scoped values from the user
 * settings (LOCAL_MACHINE_SCOPES, microsoft/vscode
 * src/vs/workbench/services/configuration/common/configuration.ts), yet the file is first parsed
 * before extensions register their settings, when an unknown key passes the scope filter
 * (ConfigurationModelParser.shouldInclude, platform/configuration/common/configurationModels.ts).
 * So a host set there worked until the workbench re-read the file (it writes a migrated theme value
 * back at start-up, the Settings editor writes on each change), then requests silently went to
 * 127.0.0.1:11434.
 */
export function userSetting<T>(key: MachineKey): T | undefined {
  return vscode.workspace.getConfiguration(SECTION).inspect<T>(key)?.globalValue;
}

/** The remote's own settings file in a remote window; undefined in a local one. */
let remoteSettings: vscode.Uri | undefined;

/**
 * Finds the remote's settings file: the server keeps it as Machine/settings.json in its user-data
 * folder, beside the User/globalStorage folder that holds this extension's global storage
 * (serverEnvironmentService machineSettingsResource and remoteAgentEnvironmentImpl
 * globalStorageHome in microsoft/vscode src/vs/server/node).
 */
export function locateRemoteSettings(extension: vscode.ExtensionContext): void {
  remoteSettings = vscode.env.remoteName ? vscode.Uri.joinPath(extension.globalStorageUri, '..', '..', '..', 'Machine', 'settings.json') : undefined;
}

async function remoteSettingsText(): Promise<string | undefined> {
  if (!remoteSettings) return undefined;
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(remoteSettings));
  } catch {
    return undefined; // no remote settings file yet
  }
}

/** The Ollama host in use and where it came from (user or remote settings, OLLAMA_HOST, default). */
export async function ollamaHost(): Promise<ResolvedHost> {
  const value = userSetting<string>('ollama.host');
  const text = value === undefined ? undefined : await remoteSettingsText();
  return resolveHost(value, text !== undefined && settingInFile(text, `${SECTION}.ollama.host`) === value);
}

/**
 * "m1: Set Ollama Host for This Machine": the remote's settings file in a remote window (it applies
 * on that machine only and wins over the user settings), the user settings in a local one. Returns
 * where it went, for the message.
 */
export async function setHostForThisMachine(host: string | undefined): Promise<string> {
  if (!remoteSettings) {
    await vscode.workspace.getConfiguration(SECTION).update('ollama.host', host, vscode.ConfigurationTarget.Global);
    return 'your user settings';
  }
  const text = (await remoteSettingsText()) ?? '{}';
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(remoteSettings, '..'));
  await vscode.workspace.fs.writeFile(remoteSettings, new TextEncoder().encode(withSetting(text, `${SECTION}.ollama.host`, host)));
  return `the remote settings of ${vscode.env.remoteName} (${remoteSettings.fsPath})`;
}

/** m1.ollama.keepAlive as Ollama takes keep_alive: seconds as a number, a duration string, or unset. */
export function keepAlive(): string | number | undefined {
  const v = vscode.workspace.getConfiguration(SECTION).get<string>('ollama.keepAlive', '').trim();
  return v === '' ? undefined : /^-?\d+$/.test(v) ? Number(v) : v;
}

/** The Ollama backend every request from the editor goes through, with the keep_alive setting. */
export function ollamaBackend(host: string): OllamaBackend {
  const k = keepAlive();
  return new OllamaBackend({ host, ...(k !== undefined ? { keepAlive: k } : {}) });
}

/** m1.panel.collapseThought, a workspace's unknown value read as the default. */
export function collapseThought(): CollapseThought {
  const v = vscode.workspace.getConfiguration(SECTION).get<string>('panel.collapseThought');
  return COLLAPSE_THOUGHT.find((c) => c === v) ?? 'whenAnswerStarts';
}

export async function setModel(name: string): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('model', name, vscode.ConfigurationTarget.Global);
}

/** The setting uses the files' own names (answer_idx); the core's map uses answerIdx. */
const FIELD_KEYS: Record<string, keyof FieldMap> = { question: 'question', options: 'options', answer_idx: 'answerIdx', answer: 'answer', id: 'id', source: 'source' };

/** Field names for benchmark files under `scope`: the user's first, then the defaults. */
export function benchFields(scope?: vscode.Uri): FieldMap {
  const raw = vscode.workspace.getConfiguration(SECTION, scope).get<Record<string, unknown>>('bench.fields', {});
  const extra: Partial<Record<keyof FieldMap, string[]>> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    const key = FIELD_KEYS[name];
    const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    if (key && names.length) extra[key] = names;
  }
  return withFields(extra);
}
