// The manifest against the code: settings declare the ranges the panel accepts, and no default
// key on Windows is Ctrl+Alt+…, which is AltGr there (German AltGr+M types µ).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLAPSE_THOUGHT } from '../../src/panel/protocol';
import { panelSettingsSchema } from '../../src/panel/validate';

interface Manifest {
  contributes: {
    configuration: { properties: Record<string, { minimum?: number; maximum?: number }> };
    keybindings: Array<{ command: string; key: string; win?: string }>;
  };
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;

describe('package.json', () => {
  const valid = { budget: 4096, waitRounds: 0, temperature: 0, model: 'm1-7b-23k' };
  const cases: Array<[setting: string, field: keyof typeof valid, step: number]> = [
    ['m1.thinkingBudget', 'budget', 1],
    ['m1.waitRounds', 'waitRounds', 1],
    ['m1.temperature', 'temperature', 0.01],
  ];
  for (const [setting, field, step] of cases) {
    it(`${setting} declares exactly the range the panel accepts`, () => {
      const { minimum, maximum } = manifest.contributes.configuration.properties[setting]!;
      assert.ok(minimum !== undefined && maximum !== undefined, 'both bounds declared');
      const accepts = (v: number) => panelSettingsSchema.safeParse({ ...valid, [field]: v }).success;
      assert.deepEqual([accepts(minimum - step), accepts(minimum), accepts(maximum), accepts(maximum + step)], [false, true, true, false]);
    });
  }

  it('m1.panel.collapseThought offers exactly the choices the panel knows, folding when the answer starts by default', () => {
    const p = manifest.contributes.configuration.properties['m1.panel.collapseThought'] as { enum?: string[]; enumDescriptions?: string[]; default?: string };
    assert.deepEqual(p.enum, [...COLLAPSE_THOUGHT]);
    assert.equal(p.enumDescriptions?.length, COLLAPSE_THOUGHT.length);
    assert.equal(p.default, 'whenAnswerStarts');
  });

  it('binds no Ctrl+Alt key on Windows (AltGr)', () => {
    for (const k of manifest.contributes.keybindings) assert.doesNotMatch(k.win ?? k.key, /ctrl\+alt|alt\+ctrl/i, k.command);
  });
});
