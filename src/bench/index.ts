// Benchmarks in the editor: the Testing view tree, its run profile (whose gear asks the run
// settings) and the runner both it and "m1: Run Benchmark" use.
import * as vscode from 'vscode';
import { M1Error } from '../core/errors';
import { lastChoice, pickBenchChoice } from './pickSettings';
import { EditorBenchRunner } from './runInEditor';
import { BenchTestTree } from './testTree';

export interface Benchmarks {
  tree: BenchTestTree;
  runner: EditorBenchRunner;
}

export function requireTrust(): void {
  if (!vscode.workspace.isTrusted) throw new M1Error('bad-input', vscode.l10n.t('Running a benchmark needs a trusted workspace: it reads the files and writes run files beside them.'));
}

export function registerBenchmarks(extension: vscode.ExtensionContext, log: vscode.LogOutputChannel): Benchmarks {
  const tree = new BenchTestTree(log);
  const runner = new EditorBenchRunner(tree, log, extension.secrets, extension.globalState);
  const profile = tree.controller.createRunProfile(
    vscode.l10n.t('Run with m1'),
    vscode.TestRunProfileKind.Run,
    async (request, token) => {
      try {
        requireTrust();
        const choice = lastChoice(extension.workspaceState);
        const byFile = await tree.questionsOf(request);
        const plans = [...byFile].map(([file, items]) => {
          const all = (!request.include || request.include.includes(file)) && !request.exclude?.length;
          return { file, items, choice: { ...choice, subset: {} }, subset: all ? 'all items' : `${items.length} item${items.length === 1 ? '' : 's'} chosen in the Testing view` };
        });
        await runner.run(plans, token);
      } catch (e) {
        void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
      }
    },
    true,
  );
  // The gear next to Run: model, budget, Wait rounds and concurrency for the next runs.
  profile.configureHandler = () => void pickBenchChoice(extension.workspaceState, extension.secrets).catch((e: unknown) => vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e)));
  extension.subscriptions.push(tree, profile);
  return { tree, runner };
}
