// Where the CLI keeps what `m1 doctor` and runs found on each server and model, so a run probes
// once: $XDG_CACHE_HOME/m1/server-findings.json (~/.cache/m1 without it). A missing or unreadable
// file is an empty cache (the next run probes again); entries are checked when read (findings.ts).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FindingsStore } from '../core/backends/findings';

export function findingsCachePath(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'm1', 'server-findings.json');
}

async function readAll(path: string): Promise<Record<string, unknown>> {
  try {
    const v: unknown = JSON.parse(await readFile(path, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function findingsFile(path: string): FindingsStore {
  return {
    get: async (key) => {
      const all = await readAll(path);
      return Object.hasOwn(all, key) ? all[key] : undefined;
    },
    set: async (key, findings) => {
      const all = await readAll(path);
      all[key] = findings;
      await mkdir(dirname(path), { recursive: true });
      // Written aside and renamed, so a run reading it at the same time never sees half a file.
      const aside = `${path}.${process.pid}.tmp`;
      await writeFile(aside, `${JSON.stringify(all, null, 2)}\n`);
      await rename(aside, path);
    },
  };
}
