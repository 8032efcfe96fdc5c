// The "Runs" view in the m1 side bar: every run file in the workspace's .m1/runs, grouped by
// benchmark file, newest first, with accuracy and its interval, and the actions a researcher
// takes on old runs (open, compare, resume, rename, note, delete, reveal). Run files are followed
// as they grow (RunTail), so a change costs a read of the appended lines only.
import { rename } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import { groupRuns, previousRun, RunCatalog, type RunEntry, type RunGroup, type SweepEntry } from '../core/bench/runCatalog';
import { benchFileOf } from '../core/bench/runFile';
import { M1Error } from '../core/errors';
import { lastChoice } from '../bench/pickSettings';
import { accuracyLabel, runTooltip, type TooltipWords } from './runLabels';
import { guarded } from '../commands/errors';
import type { Ctx } from '../context';

type Node = { kind: 'group'; group: RunGroup } | { kind: 'sweep'; sweep: SweepEntry } | { kind: 'run'; run: RunEntry } | { kind: 'empty' };

const NOTES_KEY = 'm1.runs.notes';
/** Long enough to take a burst of appended items (one per finished item) as one refresh. */
const DEBOUNCE_MS = 300;

/** The run tooltip's words, translated. */
const tooltipWords = (): TooltipWords => ({
  accuracy: vscode.l10n.t('accuracy (95% CI)'),
  items: vscode.l10n.t('items'),
  model: vscode.l10n.t('model'),
  budget: vscode.l10n.t('budget'),
  server: vscode.l10n.t('server'),
  date: vscode.l10n.t('date'),
  note: vscode.l10n.t('note'),
  right: (correct, scored) => vscode.l10n.t('{0} of {1} right', correct, scored),
  done: (done, planned) => vscode.l10n.t('{0} of {1}', done, planned),
  budgetValue: (budget, waitRounds) => (waitRounds === 1 ? vscode.l10n.t('{0} thinking tokens, 1 Wait round', budget) : vscode.l10n.t('{0} thinking tokens, {1} Wait rounds', budget, waitRounds)),
  notRecorded: vscode.l10n.t('not recorded'),
  unfinished: vscode.l10n.t('(unfinished)'),
});

/** "budget 1024 · 2 Wait": a run's settings in a label. */
const budgetWait = (budget: number, waitRounds: number) => vscode.l10n.t('budget {0} · {1} Wait', budget, waitRounds);

/** Every workspace folder's .m1/runs. */
export const workspaceRunsDirs = () => (vscode.workspace.workspaceFolders ?? []).map((f) => join(f.uri.fsPath, '.m1', 'runs'));

/**
 * Refuses a run file or sweep folder outside the workspace's .m1/runs: paths that arrive as
 * command arguments or saved tab state decide what m1 reads and where it writes a trace.
 */
export function requireInRuns(path: string): void {
  const inside = workspaceRunsDirs().some((dir) => {
    const rel = relative(dir, resolve(path));
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  });
  if (!inside) throw new M1Error('bad-input', vscode.l10n.t("{0} is not a run in this workspace's .m1/runs.", path));
}

export class RunsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly catalog = new RunCatalog();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  /** Left-out lines already written to the log, each said once. */
  private readonly logged = new Set<string>();

  constructor(private readonly ctx: Ctx) {}

  /** Re-reads what changed, once per burst of file events. */
  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.sync(), DEBOUNCE_MS);
  }

  /** One sync at a time: the catalog's tails must not be read twice at once. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      if (!(await this.catalog.sync(workspaceRunsDirs()).catch((e: unknown) => (this.ctx.log.warn(`runs view: ${String(e)}`), false)))) return;
      for (const p of this.catalog.problems()) {
        if (this.logged.has(p)) continue;
        this.logged.add(p);
        this.ctx.log.warn(`runs view: ${p}`);
      }
      this.changed.fire();
    });
    return this.syncing;
  }

  entries(): RunEntry[] {
    return this.catalog.entries();
  }

  private note(r: RunEntry): string | undefined {
    return this.ctx.extension.workspaceState.get<Record<string, string>>(NOTES_KEY, {})[r.header.runId];
  }

  async setNote(r: RunEntry, note: string): Promise<void> {
    const notes = { ...this.ctx.extension.workspaceState.get<Record<string, string>>(NOTES_KEY, {}) };
    if (note) notes[r.header.runId] = note;
    else delete notes[r.header.runId];
    await this.ctx.extension.workspaceState.update(NOTES_KEY, notes);
    this.changed.fire();
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      await this.syncing;
      const groups = groupRuns(this.catalog.entries());
      return groups.length ? groups.map((group) => ({ kind: 'group', group })) : [{ kind: 'empty' }];
    }
    if (node.kind === 'group') return node.group.members.map((m) => (m.kind === 'run' ? { kind: 'run', run: m.run } : { kind: 'sweep', sweep: m.sweep }));
    if (node.kind === 'sweep') return node.sweep.runs.map((run) => ({ kind: 'run', run }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'empty': {
        const item = new vscode.TreeItem(vscode.l10n.t('No runs yet'));
        item.description = vscode.l10n.t('run a benchmark file to see it here');
        item.command = { command: 'm1.runBenchmark', title: vscode.l10n.t('Run Benchmark') };
        return item;
      }
      case 'group': {
        const g = node.group;
        const item = new vscode.TreeItem(basename(g.benchFile), vscode.TreeItemCollapsibleState.Expanded);
        item.description = g.members.length === 1 ? vscode.l10n.t('1 run') : vscode.l10n.t('{0} runs', g.members.length);
        item.tooltip = g.benchFile;
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.contextValue = 'm1.runGroup';
        return item;
      }
      case 'sweep': {
        const s = node.sweep;
        const item = new vscode.TreeItem(basename(s.dir), vscode.TreeItemCollapsibleState.Collapsed);
        const budgets = [...new Set(s.runs.map((r) => r.header.settings.budget))];
        item.description = vscode.l10n.t('sweep · {0} · budgets {1} · {2}', s.runs[0]?.header.settings.model ?? '', budgets.join(', '), new Date(s.createdAt).toLocaleString());
        item.iconPath = new vscode.ThemeIcon('graph-line');
        item.resourceUri = vscode.Uri.file(s.dir);
        item.contextValue = 'm1.sweep';
        item.command = { command: 'm1.openSweep', title: vscode.l10n.t('Open Budget Sweep'), arguments: [vscode.Uri.file(s.dir)] };
        return item;
      }
      case 'run':
        return this.runItem(node.run);
    }
  }

  private runItem(r: RunEntry): vscode.TreeItem {
    const s = r.header.settings;
    const t = r.totals;
    const unfinished = t.done < t.planned;
    const note = this.note(r);
    const item = new vscode.TreeItem(r.sweep ? budgetWait(s.budget, s.waitRounds) : basename(r.path, '.jsonl'));
    item.id = r.path;
    item.description = [accuracyLabel(r), `${t.done}/${t.planned}`, ...(unfinished ? [vscode.l10n.t('unfinished')] : []), ...(r.sweep ? [] : [s.model, budgetWait(s.budget, s.waitRounds)]), new Date(r.header.createdAt).toLocaleDateString(), ...(note ? [note] : [])].join(' · ');
    // Not trusted and without theme icons: the names in it are a repository's.
    item.tooltip = new vscode.MarkdownString(runTooltip(r, tooltipWords(), note), false);
    item.iconPath = r.problems ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon(unfinished ? 'debug-pause' : 'pass', new vscode.ThemeColor(unfinished ? 'problemsWarningIcon.foreground' : 'testing.iconPassed'));
    item.resourceUri = vscode.Uri.file(r.path);
    item.contextValue = unfinished ? 'm1.run.unfinished' : 'm1.run';
    item.command = { command: 'm1.openResults', title: vscode.l10n.t('Open Results'), arguments: [vscode.Uri.file(r.path)] };
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
  }
}

/** A command's argument: the tree node, or a run file's Uri (from elsewhere), as a run entry. */
function runOf(tree: RunsTree, arg: unknown): RunEntry {
  const path = arg instanceof vscode.Uri ? arg.fsPath : (arg as { kind?: string; run?: RunEntry } | undefined)?.run?.path;
  const run = path ? tree.entries().find((e) => e.path === path) : undefined;
  if (!run) throw new M1Error('bad-input', vscode.l10n.t('Pick a run in the Runs view.'));
  return run;
}

const uriOf = (r: RunEntry) => vscode.Uri.file(r.path);

async function compareWithPrevious(tree: RunsTree, arg: unknown): Promise<void> {
  const run = runOf(tree, arg);
  const prev = previousRun(tree.entries(), run);
  if (!prev) throw new M1Error('bad-input', vscode.l10n.t('No earlier run of {0} (the same file contents) to compare {1} with.', basename(run.header.benchFile), basename(run.path)));
  await vscode.commands.executeCommand('m1.compareRuns', uriOf(run), [uriOf(prev), uriOf(run)]);
}

async function compareWithChosen(tree: RunsTree, arg: unknown): Promise<void> {
  const run = runOf(tree, arg);
  const others = tree.entries().filter((e) => e.path !== run.path && e.header.benchHash === run.header.benchHash);
  if (!others.length) throw new M1Error('bad-input', vscode.l10n.t('No other run of {0} (the same file contents) to compare with.', basename(run.header.benchFile)));
  const pick = await vscode.window.showQuickPick(
    others.map((e) => ({ label: vscode.workspace.asRelativePath(e.path), description: `${accuracyLabel(e)} · ${e.header.settings.model} · ${budgetWait(e.header.settings.budget, e.header.settings.waitRounds)}`, detail: new Date(e.header.createdAt).toLocaleString(), run: e })),
    { title: vscode.l10n.t('m1: compare {0} (B) with which run (A)?', basename(run.path)), matchOnDescription: true },
  );
  if (pick) await vscode.commands.executeCommand('m1.compareRuns', uriOf(run), [uriOf(pick.run), uriOf(run)]);
}

/** Resuming continues the same run file; "m1: Run Benchmark" offers it for the same settings and items. */
async function resume(ctx: Ctx, tree: RunsTree, arg: unknown): Promise<void> {
  const run = runOf(tree, arg);
  const folder = vscode.workspace.getWorkspaceFolder(uriOf(run));
  const bench = vscode.Uri.file(benchFileOf(run.header, folder ? folder.uri.fsPath : dirname(run.path)));
  if (run.header.subset) {
    // The subset is kept in words only: the settings pick re-chooses it, then the run is offered for resuming.
    await vscode.commands.executeCommand('m1.runBenchmark', bench);
    return;
  }
  const { tree: tests, runner } = ctx.benchmarks;
  const file = tests.fileItem(bench);
  const items = await tests.load(file);
  if (!items.length) throw new M1Error('bad-input', vscode.l10n.t('{0} has no runnable items any more.', bench.fsPath));
  // The runner refuses a run file whose benchmark hash or settings differ, so a changed file cannot be mixed in.
  await runner.run([{ file, items, choice: { settings: run.header.settings, concurrency: lastChoice(ctx.extension.workspaceState).concurrency, subset: {} }, subset: 'all items', runFile: run.path }]);
}

async function renameRun(tree: RunsTree, arg: unknown): Promise<void> {
  const run = runOf(tree, arg);
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('m1: rename run file'),
    value: basename(run.path, '.jsonl'),
    validateInput: (v) => (/^[^\\/:*?"<>|]+$/.test(v.trim()) ? undefined : vscode.l10n.t('A file name, without / \\ : * ? " < > |')),
  });
  if (!name?.trim()) return;
  const target = join(dirname(run.path), `${name.trim().replace(/\.jsonl$/, '')}.jsonl`);
  if (target === run.path) return;
  if (await vscode.workspace.fs.stat(vscode.Uri.file(target)).then(() => true, () => false)) throw new M1Error('bad-input', vscode.l10n.t('{0} already exists.', basename(target)));
  await rename(run.path, target);
  await tree.sync();
}

async function noteRun(tree: RunsTree, arg: unknown): Promise<void> {
  const run = runOf(tree, arg);
  const note = await vscode.window.showInputBox({ title: vscode.l10n.t('m1: note on {0}', basename(run.path)), prompt: vscode.l10n.t('Shown next to the run; empty removes it.'), value: '' });
  if (note !== undefined) await tree.setNote(run, note.trim());
}

async function deleteRun(tree: RunsTree, arg: unknown): Promise<void> {
  const run = runOf(tree, arg);
  const trash = vscode.l10n.t('Move to Trash');
  const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Delete the run {0} ({1}, {2} items)?', basename(run.path), accuracyLabel(run), run.totals.done), { modal: true, detail: vscode.l10n.t('The run file goes to the trash.') }, trash);
  if (ok !== trash) return;
  try {
    await vscode.workspace.fs.delete(uriOf(run), { useTrash: true });
  } catch (e) {
    // Remote and web file systems may have no trash: say so and ask again before deleting for good.
    const permanently = vscode.l10n.t('Delete Permanently');
    const again = await vscode.window.showWarningMessage(vscode.l10n.t('{0} could not be moved to the trash ({1}). Delete it permanently?', basename(run.path), e instanceof Error ? e.message : String(e)), { modal: true }, permanently);
    if (again !== permanently) return;
    await vscode.workspace.fs.delete(uriOf(run), { useTrash: false });
  }
  await tree.sync();
}

export function registerRunsTree(ctx: Ctx): RunsTree {
  const tree = new RunsTree(ctx);
  const watcher = vscode.workspace.createFileSystemWatcher('**/.m1/runs/**/*.jsonl');
  const guard = (f: (arg: unknown) => Promise<void>) => guarded(ctx, f);
  ctx.extension.subscriptions.push(
    tree,
    watcher,
    watcher.onDidCreate(() => tree.schedule()),
    watcher.onDidChange(() => tree.schedule()),
    watcher.onDidDelete(() => tree.schedule()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => tree.schedule()),
    vscode.window.registerTreeDataProvider('m1.runs', tree),
    vscode.commands.registerCommand('m1.runs.refresh', () => tree.sync()),
    vscode.commands.registerCommand('m1.runs.comparePrevious', guard((a) => compareWithPrevious(tree, a))),
    vscode.commands.registerCommand('m1.runs.compareWith', guard((a) => compareWithChosen(tree, a))),
    vscode.commands.registerCommand('m1.runs.resume', guard((a) => resume(ctx, tree, a))),
    vscode.commands.registerCommand('m1.runs.rename', guard((a) => renameRun(tree, a))),
    vscode.commands.registerCommand('m1.runs.note', guard((a) => noteRun(tree, a))),
    vscode.commands.registerCommand('m1.runs.delete', guard((a) => deleteRun(tree, a))),
    vscode.commands.registerCommand('m1.runs.reveal', (a: unknown) => vscode.commands.executeCommand('revealInExplorer', a instanceof vscode.Uri ? a : vscode.Uri.file((a as { run?: RunEntry }).run?.path ?? ''))),
  );
  void tree.sync();
  return tree;
}
