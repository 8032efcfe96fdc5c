// Benchmark files in the Testing view: each file a test item, each source a group, each question
// a test located at its line. Files are found by a glob and recognized by their content; a file's
// questions are read when it is expanded or run.
import { open } from 'node:fs/promises';
import * as vscode from 'vscode';
import { mdText } from '../core/markdown';
import { benchFields } from '../config';
import { SNIFF_CHARS, formatProblem, looksLikeBenchmark, readBench, type BenchItem } from '../core/bench/format';
import { itemKey } from '../core/bench/runFile';
import { shorten } from '../core/format';

const EXCLUDE = '**/{node_modules,.git,.m1,dist,out}/**';
/** Reads the start of a file and asks the core whether it looks like a benchmark. */
async function fileLooksLikeBenchmark(path: string, questionFields: string[]): Promise<boolean> {
  if (/\.m1trace\.json$/i.test(path)) return false;
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const buf = Buffer.alloc(SNIFF_CHARS);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_CHARS, 0);
    return looksLikeBenchmark(buf.subarray(0, bytesRead).toString('utf8'), /\.csv$/i.test(path), questionFields);
  } finally {
    await fh.close();
  }
}

export class BenchTestTree implements vscode.Disposable {
  readonly controller: vscode.TestController;
  /** The benchmark item behind each question test. */
  private readonly benchItems = new WeakMap<vscode.TestItem, BenchItem>();
  private readonly disposables: vscode.Disposable[] = [];

  private watcher: vscode.FileSystemWatcher;

  /** `id` is the test controller's; only a test gives another one (ids are unique per host). */
  constructor(private readonly log: vscode.LogOutputChannel, id = 'm1.bench') {
    this.controller = vscode.tests.createTestController(id, vscode.l10n.t('m1 benchmarks'));
    this.controller.resolveHandler = async (item) => {
      if (item) await this.load(item);
      else await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();
    this.watcher = this.watch();
    // A watcher's glob is fixed when it is made: a new m1.bench.include needs a new watcher and
    // a new look at the workspace, without a reload.
    const configWatch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('m1.bench.include')) return;
      this.watcher.dispose();
      this.watcher = this.watch();
      void this.discover(true);
    });
    this.disposables.push(this.controller, configWatch);
  }

  private watch(): vscode.FileSystemWatcher {
    const watcher = vscode.workspace.createFileSystemWatcher(this.include());
    watcher.onDidCreate((uri) => void this.consider(uri));
    watcher.onDidChange((uri) => void this.consider(uri, true));
    watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString()));
    return watcher;
  }

  private include(): string {
    return vscode.workspace.getConfiguration('m1').get<string>('bench.include') || '**/*.{json,jsonl,csv}';
  }

  /** Finds the benchmark files; `prune` also drops the files the glob no longer matches. */
  async discover(prune = false): Promise<void> {
    const files = await vscode.workspace.findFiles(this.include(), EXCLUDE, 2000);
    if (prune) {
      const found = new Set(files.map((uri) => uri.toString()));
      const gone: string[] = [];
      this.controller.items.forEach((item) => {
        if (!found.has(item.id)) gone.push(item.id);
      });
      for (const id of gone) this.controller.items.delete(id);
    }
    await Promise.all(files.map((uri) => this.consider(uri)));
  }

  /** Adds a file that looks like a benchmark (or drops one that no longer does). */
  private async consider(uri: vscode.Uri, changed = false): Promise<void> {
    if (uri.scheme !== 'file' || /[\\/]\.m1[\\/]/.test(uri.fsPath)) return;
    if (!(await fileLooksLikeBenchmark(uri.fsPath, benchFields(uri).question))) {
      this.controller.items.delete(uri.toString());
      return;
    }
    const existing = this.controller.items.get(uri.toString());
    if (existing) {
      if (changed && existing.children.size) await this.load(existing);
      return;
    }
    this.fileItem(uri);
  }

  fileItem(uri: vscode.Uri): vscode.TestItem {
    const existing = this.controller.items.get(uri.toString());
    if (existing) return existing;
    const item = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
    item.canResolveChildren = true;
    this.controller.items.add(item);
    return item;
  }

  /** Reads a file's questions into source groups; problems show on the file item. */
  async load(file: vscode.TestItem): Promise<BenchItem[]> {
    if (!file.uri) return [];
    file.busy = true;
    try {
      const { items, problems } = await readBench(file.uri.fsPath, benchFields(file.uri));
      file.error = problems.length
        ? new vscode.MarkdownString(`${problems.length === 1 ? vscode.l10n.t('1 item cannot run:') : vscode.l10n.t('{0} items cannot run:', problems.length)}\n\n${problems.slice(0, 20).map((p) => `- ${mdText(formatProblem({ ...p, file: vscode.workspace.asRelativePath(p.file) }))}`).join('\n')}`)
        : undefined;
      const groups = new Map<string, vscode.TestItem>();
      for (const it of items) {
        let group = groups.get(it.source);
        if (!group) {
          // No range: a group's aggregate state would sit in the gutter of its first question.
          group = this.controller.createTestItem(`${file.id}|${it.source}`, it.source, file.uri);
          group.sortText = String(groups.size).padStart(4, '0'); // file order, not alphabetical
          groups.set(it.source, group);
        }
        const label = `${it.id ?? `#${it.index + 1}`} · ${shorten(it.question, 70)}`;
        const test = this.controller.createTestItem(this.questionId(file.uri, it), label, file.uri);
        test.range = new vscode.Range(it.line - 1, 0, it.line - 1, 0);
        test.sortText = String(it.index).padStart(8, '0');
        this.benchItems.set(test, it);
        group.children.add(test);
      }
      file.children.replace([...groups.values()]);
      return items;
    } catch (e) {
      this.log.error(`reading ${file.uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
      file.error = e instanceof Error ? e.message : String(e);
      file.children.replace([]);
      return [];
    } finally {
      file.busy = false;
    }
  }

  questionId(uri: vscode.Uri, it: { source: string; index: number }): string {
    return `${uri.toString()}|${it.source}|${it.index}`;
  }

  /** The question test for an item of a loaded file. */
  testFor(uri: vscode.Uri, it: { source: string; index: number }): vscode.TestItem | undefined {
    return this.controller.items.get(uri.toString())?.children.get(`${uri.toString()}|${it.source}`)?.children.get(this.questionId(uri, it));
  }

  /**
   * The questions a Testing view request covers, by file (files are loaded when needed),
   * minus what it excludes.
   */
  async questionsOf(request: vscode.TestRunRequest): Promise<Map<vscode.TestItem, BenchItem[]>> {
    const roots: vscode.TestItem[] = [];
    if (request.include) roots.push(...request.include);
    else this.controller.items.forEach((i) => roots.push(i));
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const byFile = new Map<vscode.TestItem, Map<string, BenchItem>>();
    const visit = async (item: vscode.TestItem, file: vscode.TestItem): Promise<void> => {
      if (excluded.has(item.id)) return;
      if (item === file && item.canResolveChildren && item.children.size === 0) await this.load(item);
      const bench = this.benchItems.get(item);
      if (bench) {
        const list = byFile.get(file) ?? new Map<string, BenchItem>();
        list.set(itemKey(bench), bench);
        byFile.set(file, list);
      }
      const children: vscode.TestItem[] = [];
      item.children.forEach((c) => children.push(c));
      for (const c of children) await visit(c, file);
    };
    for (const root of roots) {
      let file = root;
      while (file.parent) file = file.parent;
      await visit(root, file);
    }
    // File order, whatever order the request listed them in.
    return new Map([...byFile].map(([file, m]) => [file, [...m.values()].sort((a, b) => a.line - b.line)]));
  }

  dispose(): void {
    this.watcher.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
