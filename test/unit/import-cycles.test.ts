// No module imports itself through others. Type-only imports count too: a circle of types is how
// a circle of values starts (errors.ts once took `Ctx`, and Ctx held what imported errors.ts).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { globFiles, parseCircular, parseDependencyTree } from 'dpdm';

const root = join(__dirname, '..', '..');

async function circles(cwd: string, patterns: string[]): Promise<string[][]> {
  const entries = (await Promise.all(patterns.map((p) => globFiles(p, cwd)))).flat();
  // transform: false keeps `import type` in the tree (true would strip it, as the build does).
  const tree = await parseDependencyTree(entries, { cwd, context: cwd, transform: false, skipDynamicImports: false });
  // Each circle as its sorted files, so that where dpdm entered it does not matter.
  return parseCircular(tree).map((circle) => circle.map((file) => relative(cwd, join(cwd, file))).sort());
}

describe('import cycles', function () {
  this.timeout(120_000);

  it('src and webview-ui/src have none', async () => {
    assert.deepEqual(await circles(root, ['src/**/*.ts', 'webview-ui/src/**/*.ts']), []);
  });

  it('a circle through a type-only import is seen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'm1-cycles-'));
    try {
      await writeFile(join(dir, 'a.ts'), "import type { B } from './b';\nexport interface A { b: B }\n");
      await writeFile(join(dir, 'b.ts'), "import type { A } from './a';\nexport interface B { a?: A }\n");
      assert.deepEqual(await circles(dir, ['*.ts']), [['a.ts', 'b.ts']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
