// Every setting the extension reads, typed, with its default in one place.
import * as vscode from 'vscode';
import { resolveOllamaHost } from './core/backends/ollama';
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
