// Runs inside a real extension host (code-server in CI, VS Code desktop with test-electron).
// The workspace's .vscode/settings.json sets m1.model and m1.ollama.host (see test/harness).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const ID = 'm1-medical.m1-vscode';

interface Contributes {
  commands: Array<{ command: string; title: string }>;
  configuration: { properties: Record<string, { default: unknown; scope?: string }> };
}

function contributes(): Contributes {
  return vscode.extensions.getExtension(ID)!.packageJSON.contributes as Contributes;
}

describe('m1 extension in a real extension host', () => {
  before(async () => {
    await vscode.extensions.getExtension(ID)!.activate();
  });

  it('activates', () => {
    assert.equal(vscode.extensions.getExtension(ID)!.isActive, true);
  });

  it('registers every contributed command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const declared = contributes().commands.map((c) => c.command);
    assert.ok(declared.length >= 4);
    for (const c of declared) assert.ok(registered.has(c), `${c} is not registered`);
  });

  it('has a walkthrough whose steps complete on real commands and views', async () => {
    const pkg = vscode.extensions.getExtension(ID)!.packageJSON as { contributes: { walkthroughs: Array<{ steps: Array<{ id: string; completionEvents: string[] }> }> } };
    const steps = pkg.contributes.walkthroughs[0]!.steps;
    assert.deepEqual(steps.map((s) => s.id), ['install', 'start', 'model', 'ask']);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const e of steps.flatMap((s) => s.completionEvents)) {
      if (e.startsWith('onCommand:')) assert.ok(registered.has(e.slice('onCommand:'.length)), e);
    }
  });

  it('exposes the paper defaults as setting defaults', () => {
    const props = contributes().configuration.properties;
    const c = vscode.workspace.getConfiguration('m1');
    for (const [key, p] of Object.entries(props)) {
      assert.deepEqual(c.inspect(key.slice('m1.'.length))?.defaultValue, p.default, key);
    }
    assert.equal(c.inspect('thinkingBudget')?.defaultValue, 4096);
    assert.equal(c.inspect('answerMaxTokens')?.defaultValue, 1024);
    assert.equal(c.inspect('temperature')?.defaultValue, 0);
    assert.equal(c.inspect('seed')?.defaultValue, 42);
    assert.equal(props['m1.ollama.host']?.scope, 'machine');
  });

  it('never takes the server URL from workspace settings', () => {
    const host = vscode.workspace.getConfiguration('m1').get<string>('ollama.host');
    assert.notEqual(host, 'http://untrusted.example:1');
  });

  it('applies the workspace trust rules to the model setting', () => {
    const model = vscode.workspace.getConfiguration('m1').get<string>('model');
    if (vscode.workspace.isTrusted) {
      assert.equal(model, 'workspace-model', 'a trusted workspace may choose the model');
    } else {
      assert.equal(model, 'm1-7b-23k', 'Restricted Mode ignores the workspace value');
    }
  });
});
