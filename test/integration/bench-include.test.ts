// The Testing view's benchmark files follow m1.bench.include without a reload. The workspace is
// a copy of samples/ (benchmark.json, emergency.jsonl; see test/harness/integration.ts).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BenchTestTree } from '../../src/bench/testTree';

function files(tree: BenchTestTree): string[] {
  const names: string[] = [];
  tree.controller.items.forEach((i) => names.push(i.label));
  return names.sort();
}

async function until(what: string, tree: BenchTestTree, expected: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (JSON.stringify(files(tree)) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) assert.deepEqual(files(tree), expected, what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('benchmark files follow m1.bench.include', () => {
  const log = vscode.window.createOutputChannel('m1 include test', { log: true });
  // The extension's own tree holds the controller id 'm1.bench'.
  const tree = new BenchTestTree(log, 'm1.bench.includeTest');
  const config = () => vscode.workspace.getConfiguration('m1');
  const root = vscode.workspace.workspaceFolders![0]!.uri;

  after(async () => {
    await config().update('bench.include', undefined, vscode.ConfigurationTarget.Workspace);
    for (const name of ['extra.jsonl', 'extra.json']) await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, name)).then(undefined, () => undefined);
    tree.dispose();
    log.dispose();
  });

  it('drops, adds and watches files by the new glob', async () => {
    await tree.discover();
    assert.deepEqual(files(tree), ['benchmark.json', 'emergency.jsonl']);

    await config().update('bench.include', '**/*.jsonl', vscode.ConfigurationTarget.Workspace);
    await until('a .json file leaves when the glob is *.jsonl', tree, ['emergency.jsonl']);

    // A file created after the change is seen by the new watcher; one the old glob alone matched is
    // not. In the folder already watched: a brand-new subfolder reaches file watchers later still.
    const line = JSON.stringify({ id: 'x-1', question: 'Which vitamin deficiency causes scurvy?', options: { A: 'A', B: 'C' }, answer: 'B' });
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'extra.jsonl'), Buffer.from(`${line}\n`));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'extra.json'), Buffer.from(JSON.stringify([JSON.parse(line)])));
    await until('the new watcher sees a new .jsonl file', tree, ['emergency.jsonl', 'extra.jsonl']);

    await config().update('bench.include', undefined, vscode.ConfigurationTarget.Workspace);
    await until('the default glob brings the .json files back', tree, ['benchmark.json', 'emergency.jsonl', 'extra.json', 'extra.jsonl']);
  });
});
