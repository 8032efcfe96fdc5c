import assert from 'node:assert/strict';
import { buildPrompt, lettered, optionString, userQuery } from '../../src/core/prompt';
import { splitQuestion } from '../../src/core/questionText';

describe('prompt', () => {
  it('builds the multiple-choice prompt byte for byte', () => {
    const prompt = buildPrompt({ question: 'Which vitamin?', options: { A: 'Thiamine', B: 'Niacin' } });
    assert.equal(
      prompt,
      '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' +
        '<|im_start|>user\nWhich vitamin?\nA. Thiamine\nB. Niacin\nReturn your final response within \\boxed{}.<|im_end|>\n' +
        '<|im_start|>assistant\n<|im_start|>think\n',
    );
  });
  it('builds the free-text prompt without option lines', () => {
    assert.equal(userQuery({ question: 'What causes scurvy?' }), 'What causes scurvy?\nReturn your final response within \\boxed{}.');
    assert.ok(buildPrompt({ question: 'Q' }).endsWith('<|im_start|>user\nQ\nReturn your final response within \\boxed{}.<|im_end|>\n<|im_start|>assistant\n<|im_start|>think\n'));
  });
  it('keeps the options in their given order and text as is', () => {
    assert.equal(optionString({ B: 'x', A: 'y  ' }), 'B. x\nA. y  ');
  });
  it('letters a list of options', () => {
    assert.deepEqual(lettered(['a', 'b', 'c']), { A: 'a', B: 'b', C: 'c' });
    assert.throws(() => lettered(Array.from({ length: 27 }, String)), /At most 26/);
  });
});

describe('splitQuestion', () => {
  it('splits trailing option lines', () => {
    assert.deepEqual(splitQuestion('Which drug?\nA. Aspirin\nB) Heparin\n(C) Warfarin'), {
      question: 'Which drug?',
      options: { A: 'Aspirin', B: 'Heparin', C: 'Warfarin' },
    });
  });
  it('leaves text without a run of A, B… options as a question', () => {
    assert.deepEqual(splitQuestion('Vitamin\nB. only one'), { question: 'Vitamin\nB. only one' });
    assert.deepEqual(splitQuestion('A. x\nB. y'), { question: 'A. x\nB. y' });
    assert.deepEqual(splitQuestion('Q?\nA. x\nC. y'), { question: 'Q?\nA. x\nC. y' });
  });
});
