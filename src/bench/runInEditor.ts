// Runs benchmark items from the editor: a Testing view run (each question passes or fails as it
// finishes) plus a progress notification with done/total, accuracy so far, ETA and Cancel.
// Every finished item is already in the run file, so a cancel or a dead server loses nothing;
// the notification offers to resume.
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { cachedFinder } from '../core/backends/findings';
import { describeHost } from '../core/backends/hosts';
import { isModelNamed, ollamaInfo } from '../core/backends/ollama';
import type { BenchItem } from '../core/bench/format';
import { hashFile, itemKey } from '../core/bench/runFile';
import { runBenchmark, type RunSummary } from '../core/bench/runner';
import { M1Error } from '../core/errors';
import { fileStamp, pct } from '../core/format';
import { folderInside } from '../core/safeWrite';
import { runPool } from './hosts';
import { findingsStore } from './serverFindings';
import type { BenchChoice } from './pickSettings';
import { failureMessage, recordOutput } from './testResults';
import type { BenchTestTree } from './testTree';

export interface BenchPlan {
  file: vscode.TestItem;
  items: BenchItem[];
  choice: BenchChoice;
  /** The subset in words ("all items", "MedQA · first 50", "3 items chosen in the Testing view"). */
  subset: string;
  /** Resume this run file; a new one otherwise. */
  runFile?: string;
  /** The benchmark file's hash, when the caller has just computed it (a large file is read once). */
  benchHash?: string;
}


function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Where a benchmark's run files go: `.m1/runs` in its workspace folder, else beside it. */
export function runsDirFor(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return join(folder ? folder.uri.fsPath : dirname(uri.fsPath), '.m1', 'runs');
}

/**
 * Makes `dir` (the runs folder by default) a real folder of the benchmark's workspace and returns
 * its real path: a repository may ship .m1 or .m1/runs as a link out of the workspace.
 */
export async function realRunsFolder(uri: vscode.Uri, dir = runsDirFor(uri)): Promise<string> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return folder ? folderInside(folder.uri.fsPath, dir) : dir;
}

function newRunFile(uri: vscode.Uri): string {
  return join(runsDirFor(uri), `${basename(uri.fsPath).replace(/\.[^.]+$/, '')}-${fileStamp()}.jsonl`);
}

export class EditorBenchRunner {
  constructor(
    private readonly tree: BenchTestTree,
    private readonly log: vscode.LogOutputChannel,
    private readonly secrets: vscode.SecretStorage,
    /** Where server findings are kept (the extension's globalState). */
    private readonly state: vscode.Memento,
  ) {}

  /** Runs the plans one after another as one Testing view run. */
  async run(plans: BenchPlan[], token?: vscode.CancellationToken): Promise<void> {
    const tests = plans.flatMap((p) => p.items.map((it) => this.tree.testFor(p.file.uri!, it)).filter((t): t is vscode.TestItem => !!t));
    const title = plans.map((p) => p.file.label).join(', ');
    const testRun = this.tree.controller.createTestRun(new vscode.TestRunRequest(tests), `m1 · ${title}`, true);
    for (const t of tests) testRun.enqueued(t);
    const abort = new AbortController();
    token?.onCancellationRequested(() => abort.abort());
    const finished = new Set<vscode.TestItem>();
    const summaries: RunSummary[] = [];
    let current: BenchPlan | undefined;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `m1: ${title}`, cancellable: true }, async (progress, ptoken) => {
        ptoken.onCancellationRequested(() => abort.abort());
        for (const plan of plans) {
          current = plan;
          plan.runFile ??= newRunFile(plan.file.uri!);
          await realRunsFolder(plan.file.uri!, dirname(plan.runFile));
          summaries.push(await this.runPlan(plan, testRun, finished, progress, abort.signal));
        }
      });
      for (const s of summaries) void this.announce(s);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const cancelled = abort.signal.aborted;
      for (const t of tests) {
        if (finished.has(t)) continue;
        if (cancelled) testRun.skipped(t);
        else testRun.errored(t, new vscode.TestMessage(message));
      }
      this.log.warn(`benchmark run: ${message}`);
      void this.offerResume(current, e, cancelled);
    } finally {
      testRun.end();
    }
  }

  private async runPlan(plan: BenchPlan, testRun: vscode.TestRun, finished: Set<vscode.TestItem>, progress: vscode.Progress<{ message?: string; increment?: number }>, signal: AbortSignal): Promise<RunSummary> {
    const uri = plan.file.uri!;
    const { settings, concurrency } = plan.choice;
    const byKey = new Map(plan.items.map((it) => [itemKey(it), it]));
    const started = Date.now();
    let right = 0;
    let scored = 0;
    let fresh = 0;
    const { pool, hosts } = await runPool(this.secrets, concurrency);
    // One Ollama host: check it up front and pin the model's digest in the run file.
    const only = hosts.length === 1 && hosts[0]!.kind === 'ollama' ? hosts[0]! : undefined;
    const model = only ? (await ollamaInfo(only.url, signal)).models.find((m) => isModelNamed(m, only.model ?? settings.model)) : undefined;
    this.log.info(`benchmark ${uri.fsPath}: ${plan.items.length} items (${plan.subset}), model ${settings.model}, budget ${settings.budget}, ${settings.waitRounds} Wait, on ${hosts.map((h) => `${describeHost(h)} ×${h.slots}`).join(', ')} → ${plan.runFile}`);
    // Notifications render command links: this one opens the run's results, which follow the file.
    const liveLink = `[${vscode.l10n.t('Live results')}](command:m1.openResults?${encodeURIComponent(JSON.stringify([plan.runFile]))})`;
    progress.report({ message: vscode.l10n.t('{0}/{1} · starting · {2}', 0, plan.items.length, liveLink) });
    const summary = await runBenchmark({
      items: plan.items,
      pool,
      settings,
      runFile: plan.runFile!,
      benchFile: uri.fsPath,
      benchHash: plan.benchHash ?? (await hashFile(uri.fsPath)),
      ...(model?.digest ? { modelDigest: model.digest } : {}),
      // Each server's think stop as probed (once, then cached): the header records it and its caveat.
      findings: cachedFinder(findingsStore(this.state), model?.digest),
      ...(plan.subset !== 'all items' ? { subset: plan.subset } : {}),
      signal,
      onNotice: (message) => {
        this.log.warn(message);
        void vscode.window.showWarningMessage(message);
      },
      onStart: (it) => {
        const t = this.tree.testFor(uri, it);
        if (t) testRun.started(t);
      },
      onRecord: (r, { done, total, resumed }) => {
        const item = byKey.get(itemKey(r));
        const test = item && this.tree.testFor(uri, item);
        if (item && test) {
          // No location: the output would be drawn inline over every item of the file.
          testRun.appendOutput(recordOutput(item, r), undefined, test);
          if (r.correct === null) testRun.skipped(test);
          else if (r.correct) testRun.passed(test, r.ms);
          else testRun.failed(test, failureMessage(item, r, plan.runFile!), r.ms);
          finished.add(test);
        }
        if (r.correct !== null) {
          scored++;
          if (r.correct) right++;
        }
        if (!resumed) fresh++;
        const eta = fresh ? vscode.l10n.t(' · ETA {0}', duration(((Date.now() - started) / fresh) * (total - done))) : '';
        progress.report({ message: vscode.l10n.t('{0}/{1} · {2} right so far{3} · {4}', done, total, scored ? pct(right / scored) : '–', eta, liveLink), increment: 100 / total });
      },
    });
    for (const h of summary.hosts ?? []) this.log.info(`  ${h.host}: ${h.items} items, ${h.tokens} tokens, ${h.tokensPerSecond.toFixed(1)} tokens/s${h.takenOut ? ` (taken out: ${h.takenOut})` : ''}`);
    return summary;
  }

  private async announce(s: RunSummary): Promise<void> {
    const o = s.overall;
    const sources = Object.keys(s.sources).length;
    const text =
      vscode.l10n.t('m1 · {0}: {1} of {2} right ({3}, 95% CI {4}–{5})', basename(s.runFile), o.correct, o.total, pct(o.accuracy), pct(o.ci95[0]), pct(o.ci95[1])) +
      (sources > 1 ? vscode.l10n.t('; average over {0} sources {1}', sources, pct(s.averageOverSources)) : '') +
      (o.unscored ? vscode.l10n.t('; {0} unscored (no gold answer)', o.unscored) : '') +
      '.';
    const out = (s.hosts ?? []).filter((h) => h.takenOut);
    const hostsNote = out.length ? vscode.l10n.t(' {0} of {1} servers failed and were taken out; the others finished the run.', out.length, s.hosts!.length) : '';
    this.log.info(text + hostsNote);
    const [openResults, showTests, showLog] = [vscode.l10n.t('Open Results'), vscode.l10n.t('Show Tests'), vscode.l10n.t('Show Log')];
    const pick = await vscode.window.showInformationMessage(text + hostsNote, openResults, showTests, ...(out.length ? [showLog] : []));
    if (pick === openResults) await vscode.commands.executeCommand('m1.openResults', vscode.Uri.file(s.runFile));
    if (pick === showTests) await vscode.commands.executeCommand('workbench.view.testing.focus');
    if (pick === showLog) this.log.show();
  }

  /** After a cancel or a failure: say what is kept and offer to continue the same run file. */
  private async offerResume(plan: BenchPlan | undefined, e: unknown, cancelled: boolean): Promise<void> {
    const message = e instanceof Error ? e.message : String(e);
    const down = e instanceof M1Error && e.code === 'unreachable';
    const [startServer, resume, showLog] = [vscode.l10n.t('Start Server'), vscode.l10n.t('Resume'), vscode.l10n.t('Show Log')];
    const actions = [...(down ? [startServer] : []), ...(plan ? [resume] : []), showLog];
    const pick = cancelled ? await vscode.window.showInformationMessage(vscode.l10n.t('{0} What finished is kept in the run file.', message), ...actions) : await vscode.window.showErrorMessage(message, ...actions);
    if (pick === startServer) await vscode.commands.executeCommand('m1.startServer');
    if (pick === resume && plan) await this.run([plan]);
    if (pick === showLog) this.log.show();
  }
}
