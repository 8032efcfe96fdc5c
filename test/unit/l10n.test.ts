// Localization files stay complete: every %key% of package.json is in package.nls.json, every
// manifest bundle has exactly its keys, and every bundle of runtime strings has exactly the
// strings the code passes to vscode.l10n.t.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const keys = (path: string): string[] => Object.keys(read(path) as Record<string, string>).sort();

/** The first string argument of each l10n.t call in src and webview-ui/src (quoted literals only, by design). */
function runtimeStrings(): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        for (const m of readFileSync(join(ROOT, path), 'utf8').matchAll(/l10n\.t\(\s*(['"])((?:\\.|(?!\1)[^\\])*)\1/g)) found.add(m[2]!.replace(/\\(.)/g, '$1'));
      }
    }
  };
  walk('src');
  walk('webview-ui/src'); // @vscode/l10n's l10n.t in the webviews, given vscode.l10n.bundle
  return [...found].sort();
}

/** `{0}`, `{1}`… of a message, which a translation must keep. */
const placeholders = (s: string): string[] => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();

describe('localization', () => {
  const manifestKeys = [...readFileSync(join(ROOT, 'package.json'), 'utf8').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!).sort();
  const nls = read('package.nls.json') as Record<string, string>;

  it('has an English string for every %key% in package.json, and none unused', () => {
    assert.ok(manifestKeys.length > 50, 'the manifest strings are localized');
    assert.deepEqual(Object.keys(nls).sort(), [...new Set(manifestKeys)]);
  });

  it('has every manifest key, and no other, in each package.nls.<language>.json', () => {
    const bundles = readdirSync(ROOT).filter((f) => /^package\.nls\..+\.json$/.test(f));
    assert.ok(bundles.includes('package.nls.zh-cn.json'));
    for (const b of bundles) {
      assert.deepEqual(keys(b), Object.keys(nls).sort(), b);
      const t = read(b) as Record<string, string>;
      // Only names (the view "Ollama", an API path) read the same in every language.
      const same = new Set(['view.server', 'config.hosts.kind.enumDescriptions.ollama']);
      for (const [k, v] of Object.entries(t)) assert.ok(same.has(k) ? v === nls[k] : v.trim() !== '' && v !== nls[k], `${b}: ${k} is translated`);
    }
  });

  it('has every vscode.l10n.t string, and no other, in each l10n bundle, with the same placeholders', () => {
    const strings = runtimeStrings();
    assert.ok(strings.length > 20);
    const manifest = read('package.json') as { l10n?: string };
    assert.equal(manifest.l10n, './l10n');
    const bundles = readdirSync(join(ROOT, 'l10n')).filter((f) => /^bundle\.l10n\..+\.json$/.test(f));
    assert.ok(bundles.includes('bundle.l10n.zh-cn.json'));
    for (const b of bundles) {
      assert.deepEqual(keys(`l10n/${b}`), strings, b);
      for (const [k, v] of Object.entries(read(`l10n/${b}`) as Record<string, string>)) assert.deepEqual(placeholders(v), placeholders(k), `${b}: ${k}`);
    }
  });
});
