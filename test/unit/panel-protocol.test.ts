import assert from 'node:assert/strict';
import { appendEvent, MAX_QUESTION_CHARS, type PanelEvent } from '../../src/panel/protocol';
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
