// The integration suite under @vscode/test-electron, for desktops that can download VS Code.
// CI runs the same suite inside code-server instead (test/harness/integration.ts).
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const workspace = mkdtempSync(join(tmpdir(), 'm1-desktop-ws-'));
  cpSync(join(root, 'samples'), workspace, { recursive: true });
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'm1.model': 'workspace-model', 'm1.ollama.host': 'http://untrusted.example:1' }));
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'dist-test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-workspace-trust', '--disable-extensions'],
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
