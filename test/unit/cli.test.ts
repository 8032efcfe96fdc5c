import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPrompt } from '../../src/core/prompt';
import { CLI, freePort, runCli, script, tokens, useFake } from './helpers';

describe('cli: m1 ask (built bundle)', () => {
  before(function () {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  });
  const fake = useFake(() => ({
    scripts: [script('Which anticoagulant', { think: ['Heparin works at once. ', ', yes heparin. '], answers: ['\\boxed{A}', 'The answer is \\boxed{B}'] })],
  }));

  it('--json prints one object with prompt, rounds, answer, choice, tokens and finish reasons', async () => {
    const { code, stdout, stderr } = await runCli(
      ['ask', 'Which anticoagulant acts fastest?', '--option', 'A=Warfarin', '--option', 'B=Heparin', '--budget', '512', '--wait', '1', '--host', fake().url, '--json'],
    );
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const out = JSON.parse(stdout);
    assert.equal(out.prompt, buildPrompt({ question: 'Which anticoagulant acts fastest?', options: { A: 'Warfarin', B: 'Heparin' } }));
    assert.deepEqual(out.rounds, [
      { think: 'Heparin works at once. ', waitInjected: ' Wait' },
      { think: ', yes heparin. ', waitInjected: null },
    ]);
    assert.equal(out.answer, 'The answer is \\boxed{B}');
    assert.equal(out.extracted, 'B');
    assert.equal(out.choice, 'B');
    assert.deepEqual(out.finish, { think: 'stop', answer: 'stop' });
    // The reference's count: the thought's text, the Wait string not included.
    assert.equal(out.tokens.think, tokens('Heparin works at once. ') + tokens(', yes heparin. '));
    assert.equal(fake().generateLog[0]!.options.num_predict, 512);
  });

  it('streams the thought, the Wait divider and the answer as text, and saves a trace', async () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'm1-cli-')), 'q.m1trace.json');
    const { code, stdout } = await runCli(['ask', 'Which anticoagulant?', '--option', 'Warfarin', '--option', 'Heparin', '--wait', '1', '--answer', 'a', '--trace', trace], {
      OLLAMA_HOST: fake().url,
    });
    assert.equal(code, 0);
    assert.match(stdout, /^Heparin works at once\. \n── Wait \(round 1, 7 tokens so far\) ──\n Wait, yes heparin\. \n── answer ──\nThe answer is \\boxed\{B\}\n── choice B \(wrong: A\) · 11 thinking \+ \d+ answer tokens ──\n$/);
    const saved = JSON.parse(readFileSync(trace, 'utf8'));
    assert.equal(saved.version, 2);
    assert.equal(saved.choice, 'B');
    assert.equal(saved.correct, false);
    assert.deepEqual(saved.gold, { answerIdx: 'A', answer: 'Warfarin' });
    assert.deepEqual(saved.options, { A: 'Warfarin', B: 'Heparin' });
  });

  it('exits non-zero with one line when the server is down, the model missing, or arguments wrong', async () => {
    const port = await freePort();
    const down = await runCli(['ask', 'Q?', '--host', `http://127.0.0.1:${port}`]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, new RegExp(`^m1: Cannot reach Ollama at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. Start it with \`ollama serve\`.*\n$`));
    const missing = await runCli(['ask', 'Q?', '--host', fake().url, '--model', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^m1: Model "nope" is not on Ollama/);
    assert.equal(missing.stderr.split('\n').length, 2);
    const bad = await runCli(['ask', 'Q?', '--budget', 'lots']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'm1: --budget must be an integer ≥ 1, got "lots"\n');
    const wrongGold = await runCli(['ask', 'Q?', '--option', 'A=x', '--answer', 'C']);
    assert.equal(wrongGold.code, 2);
    assert.match(wrongGold.stderr, /--answer must be one of the option letters \(A\)/);
    const none = await runCli(['ask']);
    assert.equal(none.code, 2);
    assert.equal(none.stderr, 'm1: a question is required\n');
  });
});
