// The cost of m1 in a window that does not use it: no request to Ollama until the first m1
// command, no language server until a benchmark-like file opens.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openFile, runCommand } from '../harness/browser';
import { expectText } from './expect';
import { useSession } from './session';

/** Language server processes of this code-server (its extensions folder is under `root`). */
function languageServers(root: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(root) && /dist[\\/]server\.js/.test(line));
}

describe('e2e: an idle window', function () {
  this.timeout(180_000);
  const s = useSession();

  it('asks Ollama nothing and starts no language server until m1 is used', async () => {
    const { page, fake, server } = s();
    await new Promise((r) => setTimeout(r, 10_000));
    assert.deepEqual(fake.requests, [], 'no request to Ollama before first use');
    assert.deepEqual(languageServers(server.root), [], 'no language server before first use');

    await runCommand(page, 'm1: Check Ollama Server');
    await expectText(page.locator('.statusbar-item', { hasText: 'm1:' }), 'm1: ready', 30_000);
    assert.ok(fake.requests.length > 0, 'the first command checks the server');
    assert.deepEqual(languageServers(server.root), [], 'no language server while no benchmark file is open');
    await s().shot('idle-01-checked-no-language-server');

    await openFile(page, 'benchmark.json');
    const deadline = Date.now() + 30_000;
    while (languageServers(server.root).length === 0) {
      assert.ok(Date.now() < deadline, 'the language server starts when a benchmark file opens');
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  it('shows the icon on the extension details page', async () => {
    const { page } = s();
    await runCommand(page, 'Extensions: Show Installed Extensions');
    await page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'm1 for VS Code' }).first().click();
    const editor = page.locator('.extension-editor');
    await expectText(editor.locator('.header'), 'm1 for VS Code', 30_000);
    // The icon loaded (naturalWidth > 0); the README's images are in the .vsix (test/package).
    await page.waitForFunction(() => {
      const icon = document.querySelector<HTMLImageElement>('.extension-editor .header img.icon');
      return !!icon && icon.complete && icon.naturalWidth > 0;
    }, undefined, { timeout: 30_000 });
    await s().shot('idle-02-details-page');
  });
});
