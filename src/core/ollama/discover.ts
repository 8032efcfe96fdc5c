// Finds the `ollama` executable: the configured path, then PATH, then the usual install places.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { MIN_OLLAMA_VERSION } from '../backends/ollama';

/** Where to send someone who has no `ollama` yet. */
export const OLLAMA_DOWNLOAD_URL = 'https://ollama.com/download';

export interface DiscoverOptions {
  /** `m1.ollama.path` (machine-scoped). */
  configured?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  isExecutable?: (path: string) => Promise<boolean>;
}

export function usualLocations(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string[] {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
    return [join(local, 'Programs', 'Ollama', 'ollama.exe'), join(env.ProgramFiles ?? 'C:\\Program Files', 'Ollama', 'ollama.exe')];
  }
  if (platform === 'darwin') {
    return ['/usr/local/bin/ollama', '/opt/homebrew/bin/ollama', '/Applications/Ollama.app/Contents/Resources/ollama', join(home, 'Applications', 'Ollama.app', 'Contents', 'Resources', 'ollama')];
  }
  return ['/usr/local/bin/ollama', '/usr/bin/ollama', join(home, '.local', 'bin', 'ollama'), '/snap/bin/ollama'];
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export type Discovery = { found: true; path: string; source: 'setting' | 'PATH' | 'usual location' } | { found: false; tried: string[]; configuredMissing?: string };

export async function findOllama(opts: DiscoverOptions = {}): Promise<Discovery> {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const isExecutable = opts.isExecutable ?? executable;
  const configured = opts.configured?.trim();
  if (configured) {
    if (await isExecutable(configured)) return { found: true, path: configured, source: 'setting' };
    return { found: false, tried: [configured], configuredMissing: configured };
  }
  const name = platform === 'win32' ? 'ollama.exe' : 'ollama';
  const onPath = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : delimiter).filter(Boolean).map((d) => join(d, name));
  for (const p of onPath) if (await isExecutable(p)) return { found: true, path: p, source: 'PATH' };
  const usual = usualLocations(platform, env, opts.home ?? homedir());
  for (const p of usual) if (await isExecutable(p)) return { found: true, path: p, source: 'usual location' };
  return { found: false, tried: [...onPath, ...usual] };
}

/** `ollama --version` → "0.12.6" (it prints "ollama version is 0.12.6", or a client/server pair). */
export function parseVersion(output: string): string | undefined {
  return /version is (\d+\.\d+\.\d+[\w.-]*)/.exec(output)?.[1] ?? /(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

export function ollamaVersion(path: string, env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(path, ['--version'], { timeout: 10_000, env: env ?? process.env }, (_err, stdout, stderr) => resolve(parseVersion(`${stdout}\n${stderr}`)));
  });
}

/** Compares dotted versions numerically: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** A warning for a server older than what budget forcing needs (done_reason, raw prompts with num_predict). */
export function versionWarning(version: string): string | undefined {
  if (compareVersions(version, MIN_OLLAMA_VERSION) >= 0) return undefined;
  return `Ollama ${version} is older than ${MIN_OLLAMA_VERSION}, the first version that reports why generation stopped; m1's budget forcing needs it. Update Ollama.`;
}
