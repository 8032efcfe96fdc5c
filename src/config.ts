// Every setting the extension reads, typed, with its default in one place.
import * as vscode from 'vscode';
import { resolveOllamaHost } from './core/backends/ollama';
import { withFields, type FieldMap } from './core/bench/format';
import { PAPER_DEFAULTS, type EngineSettings } from './core/engine';

export const SECTION = 'm1';

export interface M1Config {
  /** Resolved server URL (setting, OLLAMA_HOST or the default). */
  host: string;
  engine: EngineSettings;
}

export function readConfig(): M1Config {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    // Machine-scoped: VS Code ignores a value from workspace settings, so a cloned repository
    // cannot redirect prompts to another server.
    host: resolveOllamaHost(c.get<string>('ollama.host', '')),
    engine: {
      model: c.get<string>('model', 'm1-7b-23k'),
      budget: c.get<number>('thinkingBudget', PAPER_DEFAULTS.budget),
      waitRounds: c.get<number>('waitRounds', PAPER_DEFAULTS.waitRounds),
      answerMaxTokens: c.get<number>('answerMaxTokens', PAPER_DEFAULTS.answerMaxTokens),
      temperature: c.get<number>('temperature', PAPER_DEFAULTS.temperature),
      seed: c.get<number>('seed', PAPER_DEFAULTS.seed),
    },
  };
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
