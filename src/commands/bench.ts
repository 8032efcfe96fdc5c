// "m1: Run Benchmark": a benchmark file (the argument from a menu, the active editor, or a file
// picker), its settings by quick picks, then a run in the Testing view; offers to resume an
// unfinished run of the same file, settings and items.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { activeFileUris } from '../activeFile';
import { requireTrust } from '../bench';
import { lastChoice, pickBenchChoice } from '../bench/pickSettings';
import { openRunItemTrace } from '../results/panel';
import { runsDirFor } from '../bench/runInEditor';
import { findUnfinishedRuns, hashFile } from '../core/bench/runFile';
import { describeSubset, selectItems } from '../core/bench/subset';
import { M1Error } from '../core/errors';
import type { Ctx } from '../context';
import { requireInRuns } from '../views/runsTree';

const BENCH_FILE = /\.(json|jsonl|csv)$/i;

async function benchmarkUri(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg); // from a language server lens
  const active = activeFileUris().find((u) => u.scheme === 'file' && BENCH_FILE.test(u.fsPath));
  if (active) return active;
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('m1: benchmark file to run'),
    canSelectMany: false,
    filters: { [vscode.l10n.t('Benchmark files')]: ['json', 'jsonl', 'csv'] },
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  return picked?.[0];
}

export async function runBenchmarkCommand(ctx: Ctx, arg?: unknown): Promise<void> {
  requireTrust();
  const uri = await benchmarkUri(arg);
  if (!uri) return;
  const { tree, runner } = ctx.benchmarks;
  // Unsaved edits would run a different benchmark than the one hashed on disk.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
  const file = tree.fileItem(uri);
  const items = await tree.load(file);
  const name = basename(uri.fsPath);
  if (!items.length) {
    throw new M1Error(
      'bad-input',
      vscode.l10n.t(
        '{0} has no runnable items{1}: m1 reads m1/HuatuoGPT JSON, JSONL or CSV with question, options and answer_idx fields (other names can be mapped in the setting m1.bench.fields).',
        name,
        file.error ? vscode.l10n.t(' (see the problems on the file in the Testing view)') : '',
      ),
    );
  }
  const sources = [...new Set(items.map((i) => i.source))];
  const choice = await pickBenchChoice(ctx.extension.workspaceState, ctx.extension.secrets, { bench: { sources, itemCount: items.length } });
  if (!choice) return;
  const selected = selectItems(items, choice.subset);
  if (!selected.length) throw new M1Error('bad-input', vscode.l10n.t('No item of {0} matches {1}.', name, describeSubset(choice.subset)));
  const subset = describeSubset(choice.subset);
  const benchHash = await hashFile(uri.fsPath);
  const unfinished = (await findUnfinishedRuns(runsDirFor(uri), benchHash, choice.settings)).filter((r) => (r.header.subset ?? 'all items') === subset);
  let runFile: string | undefined;
  if (unfinished.length) {
    const pick = await vscode.window.showQuickPick(
      [
        ...unfinished.map((r) => ({ label: vscode.l10n.t('$(debug-continue) Resume the run of {0}', new Date(r.header.createdAt).toLocaleString()), description: vscode.l10n.t('{0} of {1} done', r.done, r.header.planned ?? '?'), detail: r.path, path: r.path })),
        { label: vscode.l10n.t('$(add) Start a new run'), description: vscode.l10n.t('the unfinished run files stay as they are'), path: undefined },
      ],
      { title: vscode.l10n.t('m1: {0} has an unfinished run with these settings', name), ignoreFocusOut: true },
    );
    if (!pick) return;
    runFile = pick.path;
  }
  await runner.run([{ file, items: selected, choice, subset, benchHash, ...(runFile ? { runFile } : {}) }]);
}

const asUri = (x: unknown) => (x instanceof vscode.Uri ? x : typeof x === 'string' ? vscode.Uri.parse(x) : undefined);

/** "Run this item" (a lens of the benchmark language server): one item, the last settings. */
export async function runBenchmarkItem(ctx: Ctx, uriArg?: unknown, source?: unknown, index?: unknown): Promise<void> {
  requireTrust();
  const uri = asUri(uriArg);
  if (!uri || typeof source !== 'string' || typeof index !== 'number') throw new M1Error('bad-input', vscode.l10n.t('Run an item from the "Run this item" lens above it.'));
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
  const file = ctx.benchmarks.tree.fileItem(uri);
  const item = (await ctx.benchmarks.tree.load(file)).find((it) => it.source === source && it.index === index);
  if (!item) throw new M1Error('bad-input', vscode.l10n.t('{0} #{1} is not a runnable item of {2} (see its problems).', source, index + 1, basename(uri.fsPath)));
  const choice = lastChoice(ctx.extension.workspaceState);
  await ctx.benchmarks.runner.run([{ file, items: [item], choice, subset: `1 item chosen in the editor (${item.id ?? `${source} #${index + 1}`})` }]);
}

/** "Open trace" (a lens): the item's trace from the run file that has its latest result. */
export async function openRunTrace(_ctx: Ctx, runFile?: unknown, key?: unknown): Promise<void> {
  if (typeof runFile !== 'string' || typeof key !== 'string') throw new M1Error('bad-input', vscode.l10n.t('Open a trace from the "Open trace" lens of an item.'));
  requireInRuns(runFile);
  await openRunItemTrace(runFile, key);
}
