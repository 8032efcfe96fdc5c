// "m1: Open Results", "m1: Open Budget Sweep", "m1: Compare Runs" and "m1: Run Budget Sweep".
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { activeFileUris } from '../activeFile';
import { requireTrust } from '../bench';
import { runPool } from '../bench/hosts';
import { pickBenchChoice } from '../bench/pickSettings';
import { realRunsFolder } from '../bench/runInEditor';
import { readConfig } from '../config';
import { hashFile, listRunFiles, readRunHeader, readRunRecord, type RunHeader } from '../core/bench/runFile';
import { describeSubset, selectItems } from '../core/bench/subset';
import { runSweep } from '../core/bench/sweep';
import { M1Error } from '../core/errors';
import { fileStamp } from '../core/format';
import { LiveRun } from '../results/live';
import { previousRun, RunCatalog } from '../core/bench/runCatalog';
import { trendOf } from '../core/bench/trend';
import { requireInRuns, workspaceRunsDirs } from '../views/runsTree';
import { comparedSideBySide, loadComparison, loadSweep, sweepSideBySide } from '../results/views';
import { RESULTS_VIEW_TYPE } from '../results/panel';
import type { ResultsState } from '../results/protocol';
import { resultsStateSchema } from '../results/validate';
import type { Ctx } from '../context';

interface RunFileInfo {
  path: string;
  header: RunHeader;
  mtime: number;
}

/** Run files under every workspace folder's .m1/runs (sweep folders included), newest first. */
async function runFiles(): Promise<RunFileInfo[]> {
  const out: RunFileInfo[] = [];
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    for (const path of await listRunFiles(join(f.uri.fsPath, '.m1', 'runs'))) {
      const header = await readRunHeader(path).catch(() => undefined);
      if (header) out.push({ path, header, mtime: (await stat(path)).mtimeMs });
    }
  }
  return out.sort((a, b) => b.mtime - a.mtime);
}

const describeRun = (r: RunFileInfo) => ({
  label: vscode.workspace.asRelativePath(r.path),
  description: vscode.l10n.t('{0} · budget {1} · {2} Wait · {3}', basename(r.header.benchFile), r.header.settings.budget, r.header.settings.waitRounds, r.header.settings.model),
  detail: new Date(r.header.createdAt).toLocaleString(),
  run: r,
});

async function pickRun(title: string, filter: (r: RunFileInfo) => boolean = () => true): Promise<RunFileInfo | undefined> {
  const runs = (await runFiles()).filter(filter);
  if (!runs.length) throw new M1Error('bad-input', vscode.l10n.t('No run files in .m1/runs yet: run a benchmark first ("m1: Run Benchmark" or m1 bench).'));
  return (await vscode.window.showQuickPick(runs.map(describeRun), { title, matchOnDescription: true }))?.run;
}

const uriArg = (x: unknown) => (x instanceof vscode.Uri ? x : undefined);

/** Opens a results tab for a run, a sweep, a comparison or a compared item, or refills a revived one. */
async function showResults(ctx: Ctx, state: ResultsState, revived?: vscode.WebviewPanel): Promise<void> {
  switch (state.kind) {
    case 'run': {
      // Followed as items are appended: a run going on (or resumed later) updates the view.
      const live = await LiveRun.open(state.path);
      // Every run file is read (without thoughts) for the trend: a few dozen runs take milliseconds.
      const catalog = new RunCatalog();
      await catalog.sync(workspaceRunsDirs());
      live.trend = trendOf(catalog.entries(), live.data.header.benchHash);
      ctx.results.show(live.view(), { kind: 'run', run: live.data }, live, revived);
      return;
    }
    case 'sweep':
    case 'sweepSideBySide': {
      const { rows, references, view } = await loadSweep(state.dir);
      ctx.results.show(state.kind === 'sweep' ? view : await sweepSideBySide(state.dir, state.waitRounds, state.key), { kind: 'sweep', dir: state.dir, rows, references }, undefined, revived);
      return;
    }
    case 'compare':
    case 'sideBySide': {
      const { runs, view } = await loadComparison(state.a, state.b);
      ctx.results.show(state.kind === 'compare' ? view : await comparedSideBySide(runs, state.key), { kind: 'compare', runs }, undefined, revived);
      return;
    }
  }
}

/** Results tabs come back after a window reload, rebuilt from the files their page named. */
export function registerResultsSerializer(ctx: Ctx): void {
  const serializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel: async (panel, raw) => {
      const state = resultsStateSchema.safeParse(raw);
      try {
        if (!state.success) throw new Error('no saved state');
        const d = state.data;
        for (const path of d.kind === 'run' ? [d.path] : d.kind === 'sweep' || d.kind === 'sweepSideBySide' ? [d.dir] : [d.a, d.b]) requireInRuns(path);
        await showResults(ctx, state.data, panel);
      } catch (e) {
        ctx.log.warn(`results tab not restored: ${e instanceof Error ? e.message : String(e)}`);
        panel.dispose();
      }
    },
  };
  ctx.extension.subscriptions.push(vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, serializer));
}

export async function openResults(ctx: Ctx, arg?: unknown): Promise<void> {
  // A path string comes from the link in a running benchmark's progress notification.
  const path = (typeof arg === 'string' ? arg : uriArg(arg)?.fsPath) ?? (await pickRun(vscode.l10n.t('m1: results of which run?')))?.path;
  if (path) await showResults(ctx, { kind: 'run', path });
}

/**
 * One run item's thoughts side by side (the Testing view's failure message links here): a sweep's
 * item across the sweep's budgets, any other run's item beside the previous run of its benchmark.
 */
export async function itemSideBySide(ctx: Ctx, runFile?: unknown, key?: unknown): Promise<void> {
  if (typeof runFile !== 'string' || typeof key !== 'string') throw new M1Error('bad-input', vscode.l10n.t('Open thoughts side by side from a failed item in the Testing view or from the results view.'));
  const catalog = new RunCatalog();
  await catalog.sync(workspaceRunsDirs());
  const entries = catalog.entries();
  // Only a run of this workspace: the arguments may come from any link.
  const run = entries.find((e) => e.path === runFile);
  if (!run) throw new M1Error('bad-input', vscode.l10n.t("{0} is not a run in this workspace's .m1/runs.", runFile));
  if (run.sweep) {
    await showResults(ctx, { kind: 'sweepSideBySide', dir: run.sweep, waitRounds: run.header.settings.waitRounds, key });
    return;
  }
  const prev = previousRun(entries, run);
  if (!prev) throw new M1Error('bad-input', vscode.l10n.t('No earlier run of {0} (the same file contents) to set this thought beside: run it again with other settings, or sweep the budget.', basename(run.header.benchFile)));
  // A run of a subset may lack the item: one column would be no comparison.
  if (!(await readRunRecord(prev.path, key))) throw new M1Error('bad-input', vscode.l10n.t('The previous run of {0}, {1}, has no result for this item: compare the runs from the Runs view instead.', basename(run.header.benchFile), basename(prev.path)));
  await showResults(ctx, { kind: 'sideBySide', a: prev.path, b: run.path, key });
}

export async function openSweep(ctx: Ctx, arg?: unknown): Promise<void> {
  let dir = uriArg(arg)?.fsPath;
  if (!dir) {
    const dirs = [...new Set((await runFiles()).map((r) => r.path).filter((p) => /budget-\d+-wait-\d+\.jsonl$/.test(p)).map((p) => join(p, '..')))];
    if (!dirs.length) throw new M1Error('bad-input', vscode.l10n.t('No budget sweeps in .m1/runs yet: run one with "m1: Run Budget Sweep" or m1 sweep.'));
    dir = (await vscode.window.showQuickPick(dirs.map((d) => ({ label: vscode.workspace.asRelativePath(d), dir: d })), { title: vscode.l10n.t('m1: which sweep?') }))?.dir;
  }
  if (dir) await showResults(ctx, { kind: 'sweep', dir });
}

export async function compareRunsCommand(ctx: Ctx, arg?: unknown, second?: unknown): Promise<void> {
  // From the Explorer with two run files selected: (clicked, [all selected]).
  const selected = Array.isArray(second) ? second.filter((x): x is vscode.Uri => x instanceof vscode.Uri) : [];
  let a = selected[0]?.fsPath ?? uriArg(arg)?.fsPath;
  let b = selected[1]?.fsPath;
  if (!a) a = (await pickRun(vscode.l10n.t('m1: compare which run (A)?')))?.path;
  if (!a) return;
  if (!b) {
    const header = await readRunHeader(a);
    b = (await pickRun(vscode.l10n.t('m1: compare {0} with (B)?', basename(a)), (r) => r.path !== a && r.header.benchHash === header?.benchHash))?.path;
  }
  if (b) await showResults(ctx, { kind: 'compare', a, b });
}

const BUDGET_GRID = [256, 512, 1024, 2048, 4096, 8192, 16384];

/** "m1: Run Budget Sweep": budgets and Wait rounds by multi-select, then the sweep view. */
export async function runSweepCommand(ctx: Ctx, arg?: unknown): Promise<void> {
  requireTrust();
  const uri = uriArg(arg) ?? activeFileUris().find((u) => u.scheme === 'file' && /\.(json|jsonl|csv)$/i.test(u.fsPath));
  if (!uri) throw new M1Error('bad-input', vscode.l10n.t('Open a benchmark file (JSON, JSONL or CSV) to sweep, or run this from its context menu.'));
  const file = ctx.benchmarks.tree.fileItem(uri);
  const items = await ctx.benchmarks.tree.load(file);
  if (!items.length) throw new M1Error('bad-input', vscode.l10n.t('{0} has no runnable items.', basename(uri.fsPath)));
  const budgets = await vscode.window.showQuickPick(
    BUDGET_GRID.map((b) => ({ label: String(b), picked: b >= 512 && b <= 8192, value: b })),
    { title: vscode.l10n.t('m1: Run Budget Sweep · budgets'), canPickMany: true, ignoreFocusOut: true },
  );
  if (!budgets?.length) return;
  const waits = await vscode.window.showQuickPick(
    [0, 1, 2, 4].map((w) => ({ label: w === 1 ? vscode.l10n.t('{0} Wait round', w) : vscode.l10n.t('{0} Wait rounds', w), picked: w === 0, value: w })),
    { title: vscode.l10n.t('m1: Run Budget Sweep · Wait rounds'), canPickMany: true, ignoreFocusOut: true },
  );
  if (!waits?.length) return;
  const choice = await pickBenchChoice(ctx.extension.workspaceState, ctx.extension.secrets, { bench: { sources: [...new Set(items.map((i) => i.source))], itemCount: items.length }, grid: true, title: vscode.l10n.t('m1: Run Budget Sweep') });
  if (!choice) return;
  const selected = selectItems(items, choice.subset);
  const dir = join(await realRunsFolder(uri), `sweep-${fileStamp()}`);
  const { pool } = await runPool(ctx.extension.secrets, choice.concurrency);
  const { engine } = readConfig();
  const total = selected.length * budgets.length * waits.length;
  let done = 0;
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('m1: sweep of {0}', basename(uri.fsPath)), cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return runSweep({
      items: selected,
      pool,
      base: { ...engine, model: choice.settings.model },
      budgets: budgets.map((b) => b.value),
      waitRounds: waits.map((w) => w.value),
      dir,
      benchFile: uri.fsPath,
      benchHash: await hashFile(uri.fsPath),
      ...(Object.keys(choice.subset).length ? { subset: describeSubset(choice.subset) } : {}),
      signal: abort.signal,
      onRecord: () => progress.report({ message: vscode.l10n.t('{0}/{1} item runs', ++done, total), increment: 100 / total }),
    });
  });
  ctx.log.info(`sweep ${dir}: ${result.shared ? `thoughts shared, ${result.fallbacks} fallbacks` : 'separate runs'}`);
  await openSweep(ctx, vscode.Uri.file(dir));
}
