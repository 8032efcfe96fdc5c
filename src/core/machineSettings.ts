// Settings that name a host, an executable or a server list: which value is in use and where it
// came from, and how one is written into a settings file (JSON with comments) without touching the
// rest of it. No vscode import: the extension reads the files, this decides.
import { applyEdits, modify, parse, type ParseError } from 'jsonc-parser';
import { normalizeHost } from './backends/ollama';

/** Where the Ollama host in use came from, as the status bar and *Check Ollama Server* say it. */
export type HostOrigin = 'user settings' | 'remote settings' | 'OLLAMA_HOST' | 'default';

export interface ResolvedHost {
  host: string;
  origin: HostOrigin;
}

/**
 * The host in use: the `m1.ollama.host` value of the user's settings (local or, in a remote
 * window, the remote's own settings file, which VS Code lets win), else OLLAMA_HOST, else the
 * default. `inRemoteFile` says the value is the one in the remote's settings file.
 */
export function resolveHost(value: unknown, inRemoteFile: boolean, env: NodeJS.ProcessEnv = process.env): ResolvedHost {
  if (typeof value === 'string' && value.trim()) return { host: normalizeHost(value), origin: inRemoteFile ? 'remote settings' : 'user settings' };
  if (env.OLLAMA_HOST?.trim()) return { host: normalizeHost(env.OLLAMA_HOST), origin: 'OLLAMA_HOST' };
  return { host: normalizeHost(undefined), origin: 'default' };
}

/** "from your user settings", "from OLLAMA_HOST", "the default": for messages and tooltips. */
export function describeOrigin(origin: HostOrigin): string {
  return origin === 'default' ? 'the default, as nothing sets it' : origin === 'OLLAMA_HOST' ? 'from OLLAMA_HOST' : `from your ${origin}`;
}

/** The top-level `key` of a settings file's text; undefined when absent or the file is not an object. */
export function settingInFile(text: string, key: string): unknown {
  const errors: ParseError[] = [];
  const root: unknown = parse(text, errors, { allowTrailingComma: true });
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return undefined;
  return Object.prototype.hasOwnProperty.call(root, key) ? (root as Record<string, unknown>)[key] : undefined;
}

/** The settings file's text with `key` set to `value`, comments and other settings kept. */
export function withSetting(text: string, key: string, value: unknown): string {
  const base = text.trim() ? text : '{}';
  const errors: ParseError[] = [];
  parse(base, errors, { allowTrailingComma: true });
  if (errors.length) throw new Error(`the settings file is not valid JSON (error at offset ${errors[0]!.offset}); fix it first`);
  return applyEdits(base, modify(base, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 4, eol: '\n' } }));
}

/**
 * What a "cannot reach" message adds: the machine m1 runs on (in a remote window the remote, not
 * the laptop), the host in use and where it came from, and how to set it for that machine.
 */
export function hostHint(where: ResolvedHost, machine: string, remoteName?: string): string {
  const on = remoteName ? `m1 runs on ${machine} (the ${remoteName} side of this window) and reaches Ollama from there` : `m1 runs on ${machine}`;
  return `${on}: it uses ${where.host}, ${describeOrigin(where.origin)}. To change it, run "m1: Set Ollama Host for This Machine".`;
}
