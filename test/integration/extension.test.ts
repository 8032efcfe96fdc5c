// Runs inside a real extension host (code-server in CI, VS Code desktop with test-electron).
// The workspace's .vscode/settings.json sets m1.model and m1.ollama.host (see test/harness).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readConfig, userSetting } from '../../src/config';

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
    // window, not machine: VS Code drops machine-scoped values from the user settings in a remote
    // window (see userSetting in src/config.ts); the workspace is kept out by userSetting itself.
    for (const key of ['m1.ollama.host', 'm1.ollama.path', 'm1.hosts', 'm1.huggingFace.endpoint']) assert.equal(props[key]?.scope, 'window', key);
  });

  it('runs where the workspace and the GPU are', () => {
    assert.deepEqual(vscode.extensions.getExtension(ID)!.packageJSON.extensionKind, ['workspace']);
  });

  it('never takes the server URL from workspace settings', () => {
    // Trusted: the workspace's value is there to be ignored; Restricted Mode: VS Code drops it too
    // (the key is in restrictedConfigurations).
    const fromWorkspace = vscode.workspace.getConfiguration('m1').inspect('ollama.host')?.workspaceValue;
    assert.equal(fromWorkspace, vscode.workspace.isTrusted ? 'http://untrusted.example:1' : undefined);
    assert.equal(userSetting('ollama.host'), undefined);
    assert.notEqual(readConfig().host, 'http://untrusted.example:1');
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
