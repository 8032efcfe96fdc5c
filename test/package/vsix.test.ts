// Packages the extension as `npm run package` does and checks what the Marketplace and Open VSX
// get: no vsce warning, the icon, every README image inside the .vsix, and a small extension.js.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const VSIX = join(ROOT, 'dist', 'm1-vscode.vsix');
/** The budget for what every window that activates m1 loads (perf/README.md, "Bundle size"). */
const EXTENSION_JS_MAX = 400 * 1024;

describe('the .vsix', function () {
  this.timeout(300_000);
  let output = '';
  /** Path inside the .vsix → uncompressed size. */
  const files = new Map<string, number>();

  before(() => {
    const run = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8' });
    output = `${run.stdout}${run.stderr}`;
    process.stdout.write(output);
    assert.equal(run.status, 0, 'npm run package failed');
    // `unzip -Z -l`: one line per entry, the uncompressed size in the 4th column, the path last.
    for (const line of execFileSync('unzip', ['-Z', '-l', VSIX], { encoding: 'utf8' }).split('\n')) {
      const m = /^\S+\s+\S+\s+\S+\s+(\d+)\s+.*\s(extension\/\S+)$/.exec(line);
      if (m) files.set(m[2]!, Number(m[1]));
    }
  });

  it('is packaged without a single vsce warning', () => {
    assert.doesNotMatch(output, /WARNING|warn/i);
    assert.match(output, /DONE\s+Packaged/);
  });

  it('has the 128×128 PNG icon and gallery banner the manifest names', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { icon?: string; galleryBanner?: { color?: string } };
    assert.equal(manifest.icon, 'media/icon.png');
    assert.ok(files.has(`extension/${manifest.icon}`));
    const png = readFileSync(join(ROOT, manifest.icon));
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'IHDR width and height');
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
  });

  it('holds every image and local link of the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)\s#]+)[^)]*\)/g)].map((m) => m[1]!).filter((t) => !/^(https?|mailto|command):/.test(t));
    assert.ok(targets.some((t) => t.endsWith('.png')), 'the README shows images');
    for (const t of targets) assert.ok(files.has(`extension/${t}`), `${t} is in the .vsix`);
  });

  it(`ships an extension.js of at most ${EXTENSION_JS_MAX / 1024} KB, the language client apart`, () => {
    const size = files.get('extension/dist/extension.js');
    assert.ok(size !== undefined && size <= EXTENSION_JS_MAX, `extension.js is ${size} bytes`);
    assert.ok(files.has('extension/dist/languageClient.js'));
  });
});
