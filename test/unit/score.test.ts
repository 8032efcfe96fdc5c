import assert from 'node:assert/strict';
import { extractAnswer, lastBoxed, matchChoice, readChoice, scoreResponse, similarity } from '../../src/core/score';
import { DRUGS, SCORE_CASES } from './score-cases';

describe('score: the reference scorer, case by case', () => {
  it('has at least 40 cases', () => assert.ok(SCORE_CASES.length >= 40));
  for (const c of SCORE_CASES) {
    it(c.name, () => {
      const options = c.options ?? DRUGS;
      const answerIdx = c.answerIdx ?? 'B';
      const s = scoreResponse(c.response, { options, answerIdx, answer: options[answerIdx as keyof typeof options]! });
      assert.equal(s.extracted, c.extracted, 'extracted');
      assert.equal(s.correct, c.correct, 'correct');
      if (c.choice !== null) {
        assert.equal(s.rule, 'choice');
        assert.equal(s.choice, c.choice, 'choice');
      } else {
        assert.notEqual(s.rule, 'choice');
      }
    });
  }
});

describe('score: pieces', () => {
  it('lastBoxed balances braces and falls back to the whole text', () => {
    assert.equal(lastBoxed('x \\boxed{a{b}c} y'), '\\boxed{a{b}c}');
    assert.equal(lastBoxed('no box'), 'no box');
    assert.equal(extractAnswer('\\boxed{\\text{B}}'), 'B');
  });
  it('similarity equals Python difflib ratio', () => {
    // difflib.SequenceMatcher(None, "heparin", "hepparin").ratio() == 0.9333333333333333
    assert.equal(similarity('heparin', 'hepparin'), 0.9333333333333333);
    assert.equal(similarity('abcd', 'bcde'), 0.75);
  });
  it('matchChoice returns undefined without options', () => {
    assert.equal(matchChoice('the answer is B', ''), undefined);
  });
  it('readChoice reads a choice without a gold answer', () => {
    assert.deepEqual(readChoice('<|im_start|>answer\n\\boxed{C}', DRUGS), { extracted: 'C', choice: 'C' });
    assert.deepEqual(readChoice('Rest and fluids.', undefined), { extracted: 'Rest and fluids.' });
  });
});
