// Results of a run that is still going on: the run file is followed (only the appended lines are
// read, RunTail) and the view recomputed from the records in memory, once per burst of items.
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { RunData } from '../core/bench/compare';
import type { RunTail } from '../core/bench/runTail';
import type { TrendPoint } from '../core/bench/trend';
import type { RunView } from './protocol';
import { loadRun, runViewOf } from './views';

/** Items finish in bursts when requests run in parallel: one refresh per burst. */
const DEBOUNCE_MS = 250;

export class LiveRun {
  private constructor(
    private readonly tail: RunTail,
    /** What the results view acts on (open item, trace, export); its records grow in place. */
    readonly data: RunData,
  ) {}

  static async open(path: string): Promise<LiveRun> {
    const { data, tail } = await loadRun(path);
    return new LiveRun(tail, data);
  }

  /** The benchmark's runs over time, kept in every view shown again. */
  trend: TrendPoint[] = [];

  view(): RunView {
    const problems = this.tail.problems;
    return { ...runViewOf(this.data.path, this.data.header, this.data.records), ...(this.trend.length > 1 ? { trend: this.trend } : {}), ...(problems.length ? { problems } : {}) };
  }

  /** Calls `onView` with the new view whenever items are appended, until disposed. */
  follow(onView: (view: RunView) => void): vscode.Disposable {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(this.data.path)), basename(this.data.path)));
    let timer: NodeJS.Timeout | undefined;
    let reading = Promise.resolve();
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        reading = reading.then(async () => {
          if (!(await this.tail.update().catch(() => false))) return;
          this.data.records.splice(0, this.data.records.length, ...this.tail.records);
          onView(this.view());
        });
      }, DEBOUNCE_MS);
    };
    const subs = [watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed)];
    return new vscode.Disposable(() => {
      clearTimeout(timer);
      for (const s of subs) s.dispose();
    });
  }
}
