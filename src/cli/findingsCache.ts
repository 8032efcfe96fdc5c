// Where the CLI keeps what `m1 doctor` and runs found on each server and model, so a run probes
// once: $XDG_CACHE_HOME/m1/server-findings.json (~/.cache/m1 without it). A missing or unreadable
// file is an empty cache (the next run probes again); entries are checked when read (findings.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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

const writes = new Map<string, Promise<void>>();

export function findingsFile(path: string): FindingsStore {
  return {
    get: async (key) => {
      const all = await readAll(path);
      return Object.hasOwn(all, key) ? all[key] : undefined;
    },
    // One write at a time in this process (a run probes its servers at once), each reading what
    // the one before wrote; written aside and renamed, so a reader never sees half a file.
    set: (key, findings) => {
      const write = async () => {
        const all = await readAll(path);
        all[key] = findings;
        await mkdir(dirname(path), { recursive: true });
        const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
        await writeFile(aside, `${JSON.stringify(all, null, 2)}\n`);
        await rename(aside, path).catch(async (e: unknown) => {
          await rm(aside, { force: true });
          throw e;
        });
      };
      const next = (writes.get(path) ?? Promise.resolve()).then(write, write);
      writes.set(path, next);
      return next;
    },
  };
}
