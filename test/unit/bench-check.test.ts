// Benchmark files as the paper's evaluation data has them: the duplicate rules on items of its
// shapes, JSON re-checked item by item, and files that must be reported rather than crash or hang.
import assert from 'node:assert/strict';
import { DEFAULT_FIELDS, parseCsvBench, parseJsonBench } from '../../src/core/bench/format';
import type { RunRecord } from '../../src/core/bench/runFile';
import { summarize } from '../../src/core/bench/runner';
import { wilson } from '../../src/core/stats';
import { BenchDocument } from '../../src/server/benchDocument';

const q = (question: string, options: Record<string, string>, answer_idx: string, id?: string) => ({ ...(id ? { id } : {}), question, options, answer_idx });
const check = (data: unknown) => {
  const text = JSON.stringify(data, null, 2);
  const doc = new BenchDocument('file:///b.json', 1, text, 'json', DEFAULT_FIELDS);
  return { doc, text, found: doc.problems.map((p) => [p.rule, doc.doc.positionAt(p.start).line + 1, p.fix ? 'fix' : 'no fix']) };
};

describe('duplicate rules', () => {
  it('same question, other options or gold: information, never a fix that deletes', () => {
    const { found, doc } = check({
      'MMLU-Pro': [q('Which of the following is true?', { A: 'a', B: 'b' }, 'A'), q('Which of the following is true?', { A: 'c', B: 'd' }, 'A'), q('which of the following  is TRUE?', { A: 'a', B: 'b' }, 'B')],
    });
    assert.deepEqual(found, [
      ['same-question-text', 12, 'no fix'],
      ['same-question-text', 20, 'no fix'],
    ]);
    assert.match(doc.problems[0]!.message, /same question text is MMLU-Pro #1, line 3, with other options or answer: a different item, not a duplicate/);
  });

  it('an exact repeat (question, options, gold) is a duplicate with the remove fix', () => {
    const { found, doc, text } = check({ S: [q('Q one?', { A: 'a', B: 'b' }, 'A', 'x1'), q('Q two?', { A: 'a', B: 'b' }, 'A'), q(' q ONE? ', { A: 'a ', B: 'b' }, 'A', 'x1')] });
    assert.deepEqual(found, [
      ['duplicate-id', 21, 'fix'],
      ['duplicate-question', 22, 'fix'],
    ]);
    const fix = doc.problems[1]!.fix!;
    const after = JSON.parse(text.slice(0, fix.start) + fix.text + text.slice(fix.end)) as { S: unknown[] };
    assert.equal(after.S.length, 2);
  });

  it('a source that repeats each question the same number of times is reported once', () => {
    const gpqa = Array.from({ length: 15 }, (_, i) => q(`GPQA question ${i % 3}?`, { A: 'a', B: 'b', C: 'c', D: 'd' }, 'ABC'[i % 3]!));
    const { found, doc } = check({ GPQA_Medical_test: gpqa, Other: [q('GPQA question 1?', { A: 'a', B: 'b', C: 'c', D: 'd' }, 'B')] });
    assert.deepEqual(found, [
      ['repeated-questions', 4, 'no fix'],
      ['duplicate-question', 156, 'fix'],
    ]);
    assert.match(doc.problems[0]!.message, /^GPQA_Medical_test: 3 distinct questions, each 5×/);
    // Uneven repeats are not by design: each repeat is reported.
    assert.equal(check({ S: [...gpqa, gpqa[0]] }).found.filter(([r]) => r === 'duplicate-question').length, 13);
  });

  it('multiline-option: a line break inside an option, not a trailing newline', () => {
    const { found } = check({ S: [q('Q?', { A: 'aspirin\n', B: 'warfarin\r\n' }, 'A'), q('R?', { A: 'aspirin\nor heparin', B: 'x' }, 'A')] });
    assert.deepEqual(found, [['multiline-option', 14, 'fix']]);
  });
});

describe('JSON in the language server, item by item', () => {
  const data = { A: Array.from({ length: 30 }, (_, i) => q(`Question ${i}?`, { A: 'x', B: 'y' }, 'A', `a${i}`)), B: [q('Question 3?', { A: 'x', B: 'y' }, 'A', 'b0'), q('Other?', { A: 'x', B: '' }, 'A', 'b1')] };
  const text = JSON.stringify(data, null, 2);
  const summary = (d: BenchDocument) => ({ problems: d.problems.map((p) => [p.rule, p.start, p.end, p.message, p.fix]), items: d.items.map((it) => [it.source, it.index, it.line, it.start, it.end, it.id]), count: d.itemCount });

  it('after edits, finds what a check of the new text from scratch finds', () => {
    const d = new BenchDocument('file:///b.json', 1, text, 'json', DEFAULT_FIELDS);
    const edits: Array<[string, string]> = [
      ['"Question 20?"', '"Question 1?"'], // a new duplicate inside an item
      ['"a5"', '"a6"'], // a duplicate id
      ['"B": [', '"Renamed": ['], // a group key: its items' source changes
      [`{\n      "id": "a2",`, `{"question": "new?", "options": {"A": "1", "B": "2"}},\n    {\n      "id": "a2",`], // an item inserted
      ['"id": "a14",\n      "question": "Question 14?",\n      "options": {', '"id": "a14",\n      "question": "Question 14?",\n      "options": '], // inside one item, but it now ends elsewhere
      ['"answer_idx": "A"\n    },\n    {\n      "id": "a9"', '"answer_idx": "A"\n    ,\n    {\n      "id": "a9"'], // broken
    ];
    let now = text;
    edits.forEach(([from, to], k) => {
      const at = now.indexOf(from);
      assert.ok(at >= 0, from);
      const range = { start: d.doc.positionAt(at), end: d.doc.positionAt(at + from.length) };
      now = now.slice(0, at) + to + now.slice(at + from.length);
      assert.equal(d.update([{ range, text: to }], k + 2), true);
      assert.equal(d.doc.getText(), now);
      assert.deepEqual(summary(d), summary(new BenchDocument('file:///b.json', 1, now, 'json', DEFAULT_FIELDS)), `after edit ${k + 1}`);
    });
  });

  it('hovers read the item again in full; the item at an offset is found by its span', () => {
    const d = new BenchDocument('file:///b.json', 1, text, 'json', DEFAULT_FIELDS);
    const at = text.indexOf('"Other?"');
    const it = d.fullItemAt(at)!;
    assert.deepEqual([it.source, it.index, it.item.question, it.item.options], ['B', 1, 'Other?', { A: 'x', B: '' }]);
    assert.equal(d.itemAt(text.indexOf('"A": [') + 2), undefined);
  });
});

describe('files that must be reported, not crash or hang', () => {
  const good = '{"question": "q", "options": {"A": "x", "B": "y"}}';

  it('100,000 levels of nesting in one item: that item at its line, the others loaded', () => {
    const deep = `{"S": [\n${good},\n{"question": ${'['.repeat(100_000)}${']'.repeat(100_000)}},\n${good.replace('"q"', '"r"')}\n]}`;
    const r = parseJsonBench(deep, 'deep.json');
    assert.deepEqual(r.problems, [{ file: 'deep.json', line: 3, column: 1, message: 'nested deeper than 256 levels' }]);
    assert.equal(r.items.length, 2);
    const d = new BenchDocument('file:///deep.json', 1, deep, 'json', DEFAULT_FIELDS);
    assert.deepEqual(d.problems.map((p) => [p.rule, d.doc.positionAt(p.start).line + 1]), [['malformed', 3]]);
    const open = `{"S": [\n${good},\n{"question": ${'['.repeat(100_000)}`;
    assert.deepEqual(parseJsonBench(open, 'open.json').problems.map((p) => [p.line, p.message]), [[3, 'malformed JSON: unclosed {']]);
  });

  it('an unterminated string: the line where it opens', () => {
    assert.deepEqual(parseJsonBench(`{"S": [\n${good},\n{"question": "q\n, "options": {}}\n]}`, 'u.json').problems.map((p) => [p.line, p.column, p.message]), [[3, 14, 'malformed JSON: unterminated string']]);
  });

  it('a 50 MB JSON file on one line: loaded and checked, a bad item placed by its column', function () {
    this.timeout(120_000);
    const item = JSON.stringify({ question: `A long question ${'x'.repeat(480)}?`, options: { A: 'first', B: 'second' }, answer_idx: 'A' });
    const items = Array.from({ length: 50e6 / item.length }, (_, i) => item.replace('A long', `Number ${i}`));
    items[1000] = items[1000]!.replace('"A"}', '"E"}');
    const text = `{"S": [${items.join(',')}]}`;
    const r = parseJsonBench(text, 'line.json');
    assert.equal(r.items.length, items.length - 1);
    assert.deepEqual(r.problems.map((p) => [p.line, p.column]), [[1, text.indexOf(items[1000]!) + 1]]);
    const d = new BenchDocument('file:///line.json', 1, text, 'json', DEFAULT_FIELDS);
    assert.deepEqual(d.problems.map((p) => p.rule), ['answer-not-an-option']);
  });

  it('CSV with CRLF and a quoted line break; an unterminated quote at the line it opens', () => {
    const r = parseCsvBench('id,question,A,B,answer_idx\r\n1,"Which\r\none?",x,y,B\r\n\r\n2,Other?,p,q,A\r\n3,Third?,"r\r\ns",t,A\r\n', 'c.csv');
    assert.deepEqual(r.items.map((i) => [i.id, i.line]), [
      ['1', 2],
      ['2', 5],
      ['3', 6],
    ]);
    const bad = parseCsvBench('id,question,A,B,answer_idx\r\n1,Q?,x,y,B\r\n2,"Other?,p,q,A\r\n3,Third?,r,t,A\r\n', 'c.csv');
    assert.deepEqual(bad.problems.map((p) => [p.line, p.message]), [[3, 'malformed CSV: a quote opened on line 3 is never closed']]);
  });
});

describe('the loader builds the reference prompts', () => {
  it('strips questions and options, takes the group key as the source, names an array "normal"', () => {
    const r = parseJsonBench(JSON.stringify({ MedQA: [{ source: 'other', question: ' Q?\n', options: { ' A ': ' x\n', B: 'y ' }, answer_idx: ' A ', answer: ' x ' }] }), 'r.json');
    assert.deepEqual(r.items.map((i) => [i.source, i.question, i.options, i.answerIdx, i.answer]), [['MedQA', 'Q?', { A: 'x', B: 'y' }, 'A', 'x']]);
    assert.equal(parseJsonBench(JSON.stringify([{ question: 'Q?', options: ['a', 'b'] }]), 'a.json').items[0]!.source, 'normal');
  });
});

describe('intervals over distinct questions', () => {
  const record = (source: string, question: string, correct: boolean, options = { A: 'a', B: 'b' }): RunRecord => ({ source, index: 0, question, options, answer_idx: 'A', answer: 'a', response: '', extracted: '', choice: correct ? 'A' : 'B', correct, tokens: { think: 1, answer: 1 }, finish: { think: 'stop', answer: 'stop' }, rounds: [], ms: 1 });

  it('a source asking 78 questions 5× each: accuracy over items, the interval over 78 questions', () => {
    const gpqa = Array.from({ length: 390 }, (_, i) => record('GPQA', `Question ${i % 78}?`, i % 78 < 39));
    const once = Array.from({ length: 100 }, (_, i) => record('Once', `Q${i}?`, i < 70));
    const s = summarize('r', 'run.jsonl', [...gpqa, ...once]);
    const g = s.sources.GPQA!;
    assert.deepEqual([g.correct, g.total, g.accuracy, g.distinct], [195, 390, 0.5, 78]);
    assert.deepEqual(g.ci95, wilson(39, 78));
    const naive = wilson(195, 390);
    const ratio = (g.ci95[1] - g.ci95[0]) / (naive[1] - naive[0]);
    assert.ok(ratio > 2.1 && ratio < 2.3, `about √5 wider: ${ratio}`);
    assert.equal(s.sources.Once!.distinct, undefined, 'no repeats: the usual interval');
    assert.deepEqual(s.sources.Once!.ci95, wilson(70, 100));
    assert.equal(s.overall.distinct, 178);
  });

  it('the same question text with other options is another question', () => {
    const s = summarize('r', 'run.jsonl', [record('S', 'Which is true?', true), record('S', 'Which is true?', false, { A: 'c', B: 'd' })]);
    assert.equal(s.sources.S!.distinct, undefined);
  });
});
