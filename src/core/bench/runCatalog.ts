// Every run file under some runs folders, followed as they grow and grouped for the Runs view:
// by benchmark file, newest first, a sweep's runs under their sweep folder.
import { basename, dirname } from 'node:path';
import { listRunFiles, type RunHeader } from './runFile';
import { RunTail, type RunTotals } from './runTail';

export interface RunEntry {
  path: string;
  header: RunHeader;
  totals: RunTotals;
  mtime: number;
  /** The sweep folder the run belongs to, if it is one budget of a sweep. */
  sweep?: string;
  /** Lines of the file left out, and why (RunTail.problems). */
  problems?: string[];
}

export interface SweepEntry {
  dir: string;
  createdAt: string;
  runs: RunEntry[];
}

export interface RunGroup {
  /** The benchmark file as the runs recorded it. */
  benchFile: string;
  /** Runs and sweeps, newest first. */
  members: Array<{ kind: 'run'; run: RunEntry } | { kind: 'sweep'; sweep: SweepEntry }>;
  newest: string;
}

const SWEEP_DIR = /^sweep-/;

export class RunCatalog {
  private readonly tails = new Map<string, RunTail>();

  /**
   * Brings the catalog up to date with the runs folders: new files are read, grown ones read
   * from where they were left, gone ones dropped. Returns whether anything changed.
   */
  async sync(dirs: string[]): Promise<boolean> {
    const paths = new Set((await Promise.all(dirs.map(listRunFiles))).flat());
    let changed = false;
    for (const p of this.tails.keys()) {
      if (paths.has(p)) continue;
      this.tails.delete(p);
      changed = true;
    }
    for (const p of paths) {
      let tail = this.tails.get(p);
      if (!tail) this.tails.set(p, (tail = new RunTail(p)));
      changed = (await tail.update().catch(() => false)) || changed;
    }
    return changed;
  }

  entries(): RunEntry[] {
    const out: RunEntry[] = [];
    for (const t of this.tails.values()) {
      const header = t.header;
      if (!header) continue; // not a run file, or its header is still being written
      const dir = dirname(t.path);
      const problems = t.problems;
      out.push({ path: t.path, header, totals: t.totals(), mtime: t.mtime, ...(SWEEP_DIR.test(basename(dir)) ? { sweep: dir } : {}), ...(problems.length ? { problems } : {}) });
    }
    return out.sort(newestFirst);
  }

  /** Every file's left-out lines, files that are no run file included (they have no entry). */
  problems(): string[] {
    return [...this.tails.values()].flatMap((t) => t.problems);
  }
}

const newestFirst = (a: RunEntry, b: RunEntry) => b.header.createdAt.localeCompare(a.header.createdAt) || b.path.localeCompare(a.path);

/** Runs grouped by benchmark file (the group with the newest run first), sweeps kept together. */
export function groupRuns(entries: RunEntry[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  const sweeps = new Map<string, SweepEntry>();
  for (const run of [...entries].sort(newestFirst)) {
    let g = groups.get(run.header.benchFile);
    if (!g) groups.set(run.header.benchFile, (g = { benchFile: run.header.benchFile, members: [], newest: run.header.createdAt }));
    if (!run.sweep) {
      g.members.push({ kind: 'run', run });
      continue;
    }
    let s = sweeps.get(run.sweep);
    if (!s) {
      sweeps.set(run.sweep, (s = { dir: run.sweep, createdAt: run.header.createdAt, runs: [] }));
      g.members.push({ kind: 'sweep', sweep: s });
    }
    s.runs.push(run);
  }
  for (const s of sweeps.values()) s.runs.sort((a, b) => a.header.settings.waitRounds - b.header.settings.waitRounds || a.header.settings.budget - b.header.settings.budget);
  return [...groups.values()].sort((a, b) => b.newest.localeCompare(a.newest));
}

/** The run of the same benchmark (same hash) just before this one: what "compare with the previous run" compares with. */
export function previousRun(entries: RunEntry[], run: RunEntry): RunEntry | undefined {
  return [...entries].sort(newestFirst).find((e) => e.path !== run.path && e.header.benchHash === run.header.benchHash && e.header.createdAt <= run.header.createdAt && !(run.sweep && e.sweep === run.sweep));
}
