import assert from 'node:assert/strict';
import { copyText } from '../../src/panel/entry';
import { appendEvent, MAX_QUESTION_CHARS, type HistoryEntry, type PanelEvent } from '../../src/panel/protocol';
import { parseToExtension } from '../../src/panel/validate';

const settings = { budget: 1024, waitRounds: 2, temperature: 0, model: 'm1-7b-23k' };

describe('panel protocol: messages from the webview are validated', () => {
  it('accepts a well-formed ask', () => {
    const r = parseToExtension({ type: 'ask', question: 'Which drug?', options: { A: 'x', B: 'y' }, answer: 'B', settings });
    assert.equal(r.ok, true);
  });
  it('rejects a budget outside 128…16,384 and names the field', () => {
    const r = parseToExtension({ type: 'ask', question: 'Q', options: {}, settings: { ...settings, budget: 100_000 } });
    assert.deepEqual(r.ok ? 'accepted' : r.error.split(':')[0], 'settings.budget');
  });
  it('rejects an unknown message, a bad option letter, an empty and a huge question', () => {
    assert.equal(parseToExtension({ type: 'exec', cmd: 'rm -rf /' }).ok, false);
    assert.equal(parseToExtension(null).ok, false);
    assert.equal(parseToExtension({ type: 'ask', question: 'Q', options: { a: 'x' }, settings }).ok, false);
    const empty = parseToExtension({ type: 'ask', question: '   ', options: {}, settings });
    assert.equal(empty.ok ? '' : empty.error, 'question: Type a question');
    const huge = parseToExtension({ type: 'ask', question: 'x'.repeat(MAX_QUESTION_CHARS + 1), options: {}, settings });
    assert.match(huge.ok ? '' : huge.error, /limited to 50000 characters/);
  });
  it('takes a copy request by history id and part only (the text is looked up, never sent by the page)', () => {
    assert.equal(parseToExtension({ type: 'copy', historyId: 'abc', part: 'thought' }).ok, true);
    assert.equal(parseToExtension({ type: 'copy', historyId: 'abc', part: 'prompt' }).ok, false);
    assert.equal(parseToExtension({ type: 'copy', historyId: 'x'.repeat(101), part: 'answer' }).ok, false);
  });
  it('copies the thought as the model wrote it, Wait continuations included, and the answer', () => {
    const entry: HistoryEntry = {
      id: 'h', at: '2026-01-01T00:00:00Z', question: 'Q', options: {}, settings, status: 'done', budgetHit: false, answerMarker: '', tokens: { think: 9, answer: 3 }, ms: 1,
      rounds: [{ text: 'Inferior leads.', tokens: 4, waitInjected: ' Wait' }, { text: ', the RCA.\n', tokens: 5 }],
      answerText: '\nThe answer is \\boxed{C}.\n',
    };
    assert.equal(copyText(entry, 'thought'), 'Inferior leads. Wait, the RCA.');
    assert.equal(copyText(entry, 'answer'), 'The answer is \\boxed{C}.');
  });
  it('rejects a command that is not on the list', () => {
    assert.equal(parseToExtension({ type: 'command', name: 'workbench.action.terminal.new' }).ok, false);
    assert.equal(parseToExtension({ type: 'command', name: 'getOllama' }).ok, true);
  });
  it('merges streamed deltas of one round into one event, and keeps rounds apart', () => {
    const list: PanelEvent[] = [];
    appendEvent(list, { type: 'think', round: 0, text: 'a', tokens: 1 });
    appendEvent(list, { type: 'think', round: 0, text: 'b', tokens: 1 });
    appendEvent(list, { type: 'wait', round: 1, text: ' Wait', tokensUsed: 3 });
    appendEvent(list, { type: 'think', round: 1, text: 'c', tokens: 1 });
    appendEvent(list, { type: 'answer', text: 'x', tokens: 1 });
    appendEvent(list, { type: 'answer', text: 'y', tokens: 1 });
    assert.deepEqual(list, [
      { type: 'think', round: 0, text: 'ab', tokens: 2 },
      { type: 'wait', round: 1, text: ' Wait', tokensUsed: 3 },
      { type: 'think', round: 1, text: 'c', tokens: 1 },
      { type: 'answer', text: 'xy', tokens: 2 },
    ]);
  });
});
