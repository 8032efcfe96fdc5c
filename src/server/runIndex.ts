// The latest result of each benchmark item, read from the run files in the workspace's
// .m1/runs, for hovers and "Open trace" lenses. Read again when the client says runs changed.
import { join } from 'node:path';
import { benchFileOf, itemKey, listRunFiles, readRunFile, tornNote, type RunRecord } from '../core/bench/runFile';

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

  /** `warn`: a run file left out (not a run file, or a line that is not a record), and why. */
  constructor(
    private folders: string[],
    private readonly warn: (message: string) => void = () => {},
  ) {}

  setFolders(folders: string[]): void {
    this.folders = folders;
  }

  /** Never rejects: the files are a repository's, and a bad one must not stop the server. */
  async refresh(): Promise<void> {
    await this.read().catch((e: unknown) => this.warn(`reading run files failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  private async read(): Promise<void> {
    const next = new Map<string, Map<string, LatestResult>>();
    for (const folder of this.folders) {
      const files = await listRunFiles(join(folder, '.m1', 'runs'));
      for (const file of files) {
        const run = await readRunFile(file, { rounds: false }).catch((e: unknown) => this.warn(`${file} left out: ${e instanceof Error ? e.message : String(e)}`));
        if (!run) continue;
        if (run.torn) this.warn(tornNote(file, run.torn));
        const bench = benchFileOf(run.header, folder);
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
