// The latest result of each benchmark item, read from the run files in the workspace's
// .m1/runs, for hovers and "Open trace" lenses. Read again when the client says runs changed.
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { itemKey, readRunFile, type RunRecord } from '../core/bench/runFile';

export interface LatestResult {
  record: RunRecord;
  runFile: string;
  createdAt: string;
  budget: number;
  waitRounds: number;
  model: string;
}

export class RunIndex {
  /** benchmark file path → item key → the newest result. */
  private byFile = new Map<string, Map<string, LatestResult>>();

  constructor(private folders: string[]) {}

  setFolders(folders: string[]): void {
    this.folders = folders;
  }

  async refresh(): Promise<void> {
    const next = new Map<string, Map<string, LatestResult>>();
    for (const folder of this.folders) {
      const files: string[] = [];
      const visit = async (dir: string, depth: number) => {
        for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
          if (e.isDirectory() && depth === 0) await visit(join(dir, e.name), 1);
          else if (e.isFile() && e.name.endsWith('.jsonl')) files.push(join(dir, e.name));
        }
      };
      await visit(join(folder, '.m1', 'runs'), 0);
      for (const file of files) {
        const run = await readRunFile(file, { rounds: false }).catch(() => undefined);
        if (!run) continue;
        const bench = isAbsolute(run.header.benchFile) ? run.header.benchFile : resolve(folder, run.header.benchFile);
        const items = next.get(bench) ?? new Map<string, LatestResult>();
        next.set(bench, items);
        for (const record of run.records) {
          const prev = items.get(itemKey(record));
          if (prev && prev.createdAt > run.header.createdAt) continue;
          items.set(itemKey(record), { record, runFile: file, createdAt: run.header.createdAt, budget: run.header.settings.budget, waitRounds: run.header.settings.waitRounds, model: run.header.settings.model });
        }
      }
    }
    this.byFile = next;
  }

  latest(benchFile: string, key: string): LatestResult | undefined {
    return this.byFile.get(benchFile)?.get(key);
  }
}
