// The benchmark language server through the LSP protocol, in-process over memory streams.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createConnection, type Connection } from 'vscode-languageserver/node';
import {
  CodeActionRequest,
  CodeLensRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type Diagnostic,
  type DocumentSymbol,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { check, type CheckedProblem } from '../../src/cli/check';
import { RunsChanged, Validated, type ValidatedParams } from '../../src/server/protocol';
import { guarded } from '../../src/server/guard';
import { startServer } from '../../src/server/server';

interface Lsp {
  client: ProtocolConnection;
  diagnostics: (uri: string, count?: number) => Promise<Diagnostic[]>;
  validated: ValidatedParams[];
  /** The n-th validation report (from 1), once it has arrived. */
  report: (n: number) => Promise<ValidatedParams>;
}

async function startLsp(folder: string, bench: unknown = {}): Promise<Lsp> {
  const up = new PassThrough();
  const down = new PassThrough();
  startServer(createConnection(new StreamMessageReader(up), new StreamMessageWriter(down)));
  const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const latest = new Map<string, Diagnostic[]>();
  const waiters: Array<() => void> = [];
  const validated: ValidatedParams[] = [];
  client.onNotification(PublishDiagnosticsNotification.type, (p) => {
    latest.set(p.uri, p.diagnostics);
    for (const w of waiters.splice(0)) w();
  });
  client.onNotification(Validated, (p) => void validated.push(p));
  client.listen();
  await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(folder).toString(), name: 'ws' }], initializationOptions: { bench } });
  await client.sendNotification(InitializedNotification.type, {});
  const diagnostics = async (uri: string, count?: number): Promise<Diagnostic[]> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const d = latest.get(uri);
      if (d && (count === undefined || d.length === count)) return d;
      if (Date.now() > deadline) throw new Error(`diagnostics for ${uri}: ${JSON.stringify(d?.map((x) => x.code))}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  const report = async (n: number): Promise<ValidatedParams> => {
    const deadline = Date.now() + 5000;
    while (validated.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${validated.length} validation reports`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return validated[n - 1]!;
  };
  return { client, diagnostics, validated, report };
}

const ITEMS = {
  Cardio: [
    { id: 'c1', question: 'Which artery?', options: { A: 'LAD', B: 'RCA' }, answer_idx: 'C' },
    { id: 'c2', question: 'Which valve?', options: { A: 'mitral', B: '' }, answer_idx: 'A' },
    { id: 'c3', question: 'Which drug?', options: { A: 'aspirin\nor heparin', B: 'warfarin' }, answer_idx: 'B' },
    { id: 'c1', question: 'Which wave? Answer: B', options: { A: 'P', B: 'T' }, answer_idx: 'B' },
    { id: 'c5', question: 'which   VALVE?', options: { A: 'mitral', B: 'aortic' }, answer_idx: 'A' },
    { id: 'c6', options: { A: 'x', B: 'y' }, answer_idx: 'A' },
    { id: 'c7', question: 'Which thyroid disease?', options: { A: 'Graves disease', B: 'Hashimoto' }, answer_idx: 'Graves disease' },
    { id: 'c8', question: 'Which rhythm?', options: { A: 'sinus', B: 'AF' }, answer_idx: 'A', answer: 'flutter' },
  ],
  Renal: [
    { id: 'r1', question: 'Which artery?', options: { A: 'renal', B: 'RCA' }, answer_idx: 'A' },
    { id: 'r2', question: 'which   ARTERY?', options: { A: 'renal', B: 'RCA' }, answer_idx: 'A' },
  ],
};

describe('benchmark language server (LSP, in-process)', function () {
  this.timeout(20_000);
  let folder: string;
  let lsp: Lsp;
  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'm1-lsp-'));
    lsp = await startLsp(folder);
  });
  afterEach(() => lsp.client.dispose());

  function open(name: string, text: string): { uri: string; doc: TextDocument } {
    const uri = pathToFileURL(join(folder, name)).toString();
    void lsp.client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'json', version: 1, text } });
    return { uri, doc: TextDocument.create(uri, 'json', 1, text) };
  }

  it('reports every rule with the exact range of what is wrong', async () => {
    const text = JSON.stringify(ITEMS, null, 2);
    const { uri, doc } = open('bench.json', text);
    const diags = await lsp.diagnostics(uri);
    const seen = diags.map((d) => [d.code, doc.getText(d.range)]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(seen, [
      ['answer-in-question', '"Which wave? Answer: B"'],
      ['answer-not-an-option', '"C"'],
      ['answer-not-an-option', '"Graves disease"'],
      ['answer-text-mismatch', '"flutter"'],
      ['duplicate-id', '"c1"'],
      ['duplicate-question', '"which   ARTERY?"'],
      ['empty-option', '""'],
      ['missing-field', JSON.stringify(ITEMS.Cardio[5], null, 2).replace(/\n/g, '\n    ')],
      ['multiline-option', '"aspirin\\nor heparin"'],
      ['same-question-text', '"which   VALVE?"'],
      ['same-question-text', '"Which artery?"'],
    ]);
    const cross = diags.find((d) => d.code === 'same-question-text' && d.message.includes('another source'))!;
    assert.match(cross.message, /the same question text is Cardio #1 \(c1\), line \d+ \(another source\), with other options or answer/);
    assert.equal(cross.severity, 3, 'information');
    assert.equal(diags.find((d) => d.code === 'multiline-option')!.severity, 2, 'a warning');
    assert.equal(diags.find((d) => d.code === 'empty-option')!.severity, 1, 'an error');

    // Quick fixes: the letter for an option's text; removing a duplicate.
    const fixFor = async (code: string) => {
      const d = diags.find((x) => x.code === code && x.data)!;
      const [action] = (await lsp.client.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) ?? [];
      const edit = (action as { edit: { changes: Record<string, Array<{ range: Diagnostic['range']; newText: string }>> } }).edit.changes[uri]![0]!;
      return TextDocument.applyEdits(doc, [edit]);
    };
    assert.match(await fixFor('answer-not-an-option'), /"answer_idx": "C"[\s\S]*"answer_idx": "A"[\s\S]*"Hashimoto"\s*},\s*"answer_idx": "A"/);
    const removed = JSON.parse(await fixFor('duplicate-question')) as typeof ITEMS;
    assert.deepEqual([removed.Cardio.length, removed.Renal.map((i) => i.id)], [8, ['r1']], 'the exact repeat is gone, the file still parses');
    assert.ok(!diags.some((d) => d.code === 'same-question-text' && d.data), 'no fix deletes an item that only shares its question text');

    const symbols = (await lsp.client.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => [s.name, s.children!.length]), [['Cardio', 5], ['Renal', 2]], 'the items that can run');
  });

  it('points at a malformed JSONL line, and re-checks only an edited line', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `q${i}`, source: i % 2 ? 'A' : 'B', question: `Question ${i}?`, options: { A: 'x', B: 'y' }, answer_idx: 'A' }));
    lines[10] = '{"id": "bad", "question": "Q?" "options": {}}';
    const { uri } = open('big.jsonl', `${lines.join('\n')}\n`);
    const [malformed] = await lsp.diagnostics(uri, 1);
    assert.equal(malformed!.code, 'malformed');
    assert.deepEqual(malformed!.range.start, { line: 10, character: 31 });
    assert.equal((await lsp.report(1)).items, 1999);
    // Line 1500 becomes a copy of line 3's question: one more problem, found without a full check.
    const edited = lines[1500]!.replace('Question 1500?', 'Question 3?');
    await lsp.client.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 1500, character: 0 }, end: { line: 1500, character: lines[1500]!.length } }, text: edited }],
    });
    const after = await lsp.diagnostics(uri, 2);
    const dup = after.find((d) => d.code === 'duplicate-question')!;
    assert.equal(dup.range.start.line, 1500);
    assert.equal((await lsp.report(2)).incremental, true);
    // Fixing the broken line clears it.
    await lsp.client.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 10, character: 0 }, end: { line: 10, character: lines[10]!.length } }, text: lines[11]!.replace('q11', 'q10').replace('Question 11?', 'Question 10?') }],
    });
    assert.deepEqual((await lsp.diagnostics(uri, 1)).map((d) => d.code), ['duplicate-question']);
    assert.equal((await lsp.report(3)).items, 2000);
  });

  it('hovers an item with its latest run, and lenses run it or open its trace', async () => {
    const items = { S: [{ id: 's1', question: 'Which artery?', options: { A: 'LAD', B: 'RCA' }, answer_idx: 'B' }] };
    const text = JSON.stringify(items, null, 2);
    const path = join(folder, 'bench.json');
    writeFileSync(path, text);
    mkdirSync(join(folder, '.m1', 'runs'), { recursive: true });
    const header = { type: 'header', version: 1, runId: 'r1', createdAt: '2026-11-26T05:00:00.000Z', benchFile: 'bench.json', benchHash: 'sha256:x', settings: { model: 'm1-7b-23k', budget: 1024, waitRounds: 1, answerMaxTokens: 1024, temperature: 0, seed: 42 } };
    const record = { source: 'S', index: 0, id: 's1', question: 'Which artery?', answer_idx: 'B', answer: 'RCA', response: '\\boxed{A}', extracted: 'A', choice: 'A', correct: false, tokens: { think: 300, answer: 9 }, finish: { think: 'stop', answer: 'stop' }, rounds: [], ms: 5 };
    writeFileSync(join(folder, '.m1', 'runs', 'r1.jsonl'), `${JSON.stringify(header)}\n${JSON.stringify(record)}\n`);
    await lsp.client.sendNotification(RunsChanged, {});
    await new Promise((r) => setTimeout(r, 300));
    const { uri } = open('bench.json', text);
    await lsp.diagnostics(uri, 0);
    const hover = await lsp.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 8 } });
    const value = (hover!.contents as { value: string }).value;
    assert.match(value, /\*\*s1\*\* · S, item 1/);
    assert.match(value, /\*\*B\. RCA\*\* ✓/);
    assert.match(value, /Latest run \(2026-11-26 05:00, budget 1024, 1 Wait, m1-7b-23k\): m1 chose \*\*A\*\*, wrong ✗; extracted "A"; 300 thinking \+ 9 answer tokens/);
    const lenses = await lsp.client.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.deepEqual(lenses!.map((l) => [l.command!.title, l.command!.command]), [
      ['$(beaker) Run benchmark (1 items)', 'm1.runBenchmark'],
      ['$(play) Run this item', 'm1.runBenchmarkItem'],
      ['$(go-to-file) Open trace (wrong)', 'm1.openRunTrace'],
    ]);
    assert.deepEqual(lenses![1]!.command!.arguments, [uri, 'S', 0]);
    assert.deepEqual(lenses![2]!.command!.arguments, [join(folder, '.m1', 'runs', 'r1.jsonl'), 'S\u00000']);
  });

  it('checks reasoning traces against their format, at the field that is wrong', async () => {
    const sample = JSON.parse(readFileSync(join(__dirname, '..', '..', 'samples', 'traces', 'nephrotic-wait-flip.m1trace.json'), 'utf8')) as Record<string, unknown> & { rounds: Array<Record<string, unknown>> };
    const broken = { ...sample, rounds: [{ ...sample.rounds[0], think: 42 }, sample.rounds[1]] };
    const { uri, doc } = open('x.m1trace.json', JSON.stringify(broken, null, 2));
    const [d] = await lsp.diagnostics(uri, 1);
    assert.equal(d!.code, 'trace-schema');
    assert.match(d!.message, /^rounds\.0\.think: /);
    assert.equal(doc.getText(d!.range), '42');
    const newer = open('y.m1trace.json', JSON.stringify({ ...sample, version: 9 }, null, 2));
    const [v] = await lsp.diagnostics(newer.uri, 1);
    assert.match(v!.message, /written by a newer m1 \(trace format 9\)/);
    assert.equal(newer.doc.getText(v!.range), '9');
    const fine = open('z.m1trace.json', JSON.stringify(sample, null, 2));
    assert.deepEqual(await lsp.diagnostics(fine.uri, 0), [], 'a version 1 trace is read as it is');
  });

  it('survives hostile run files and traces, and escapes what it hovers', async () => {
    const items = { 'S|x': [{ id: 's1', question: 'Which artery?', options: { A: '<img src="https://evil.example/a.png">', B: '![t](https://evil.example/b.png)' }, answer_idx: 'B' }] };
    const text = JSON.stringify(items, null, 2);
    writeFileSync(join(folder, 'bench.json'), text);
    mkdirSync(join(folder, '.m1', 'runs'), { recursive: true });
    const settings = { model: 'm1-7b-23k', budget: 1024, waitRounds: 1, answerMaxTokens: 1024, temperature: 0, seed: 42 };
    const header = { type: 'header', version: 1, runId: 'r1', createdAt: '2026-11-26T05:00:00.000Z', benchFile: 'bench.json', benchHash: 'sha256:x', settings };
    const record = { source: 'S|x', index: 0, question: 'Which artery?', answer_idx: 'B', answer: 'x', response: 'r', choice: 'A', correct: false, tokens: { think: 1, answer: 1 }, finish: { think: 'stop', answer: 'stop' }, rounds: [], ms: 5 };
    // A header whose benchFile is a number, and a record without `extracted`.
    writeFileSync(join(folder, '.m1', 'runs', 'a.jsonl'), `${JSON.stringify({ ...header, benchFile: 42 })}\n`);
    writeFileSync(join(folder, '.m1', 'runs', 'b.jsonl'), `${JSON.stringify(header)}\n${JSON.stringify(record)}\n`);
    await lsp.client.sendNotification(RunsChanged, {});
    await new Promise((r) => setTimeout(r, 300));
    const nul = open('n.m1trace.json', 'null');
    const [d] = await lsp.diagnostics(nul.uri, 1);
    assert.match(d!.message, /^trace: /);
    const { uri } = open('bench.json', text);
    await lsp.diagnostics(uri, 0);
    const hover = await lsp.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 8 } });
    const value = (hover!.contents as { value: string }).value;
    assert.ok(!/(?<!\\)<|!\[/.test(value), `HTML or an image is left as is: ${value}`);
    assert.match(value, /\*\*s1\*\* · S\\\|x, item 1/);
    assert.match(value, /_Not run yet\._/, 'the record without `extracted` is left out');
  });

  it('leaves files that are not benchmarks alone', async () => {
    const { uri } = open('package.json', JSON.stringify({ name: 'x', version: '1.0.0' }));
    await new Promise((r) => setTimeout(r, 300));
    const lenses = await lsp.client.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.deepEqual(lenses, []);
  });

  it('`m1 check` lists the diagnostics the server publishes, and exits 1 on errors', async () => {
    const gpqa = Array.from({ length: 10 }, (_, i) => ({ question: `Repeated ${i % 2}?`, options: { A: 'a', B: 'b' }, answer_idx: 'A' }));
    const text = JSON.stringify({ ...ITEMS, GPQA_Medical_test: gpqa }, null, 4);
    const path = join(folder, 'gen.json');
    writeFileSync(path, text);
    const { uri } = open('gen.json', text);
    const diags = await lsp.diagnostics(uri);
    const out: string[] = [];
    const err: string[] = [];
    const code = await check([path, '--json'], { write: (s) => out.push(s) }, { write: (s) => err.push(s) });
    const listed = (JSON.parse(out.join('')) as { problems: CheckedProblem[] }).problems;
    const levels = ['', 'error', 'warning', 'information'];
    assert.deepEqual(
      listed.map((p) => [p.line - 1, p.column - 1, p.endLine - 1, p.endColumn - 1, p.severity, p.code, p.message]),
      diags.map((d) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, levels[d.severity!], d.code, d.message]),
    );
    assert.ok(listed.some((p) => p.code === 'repeated-questions'));
    assert.equal(code, 1);
    out.length = 0;
    await check([path], { write: (s) => out.push(s) }, { write: (s) => err.push(s) });
    const first = listed[0]!;
    assert.equal(out[0], `${path}:${first.line}:${first.column}: ${first.severity} ${first.code}: ${first.message}\n`);
    const clean = join(folder, 'clean.jsonl');
    writeFileSync(clean, `${JSON.stringify({ question: 'Q?', options: { A: 'x', B: 'y' }, answer_idx: 'A' })}\n`);
    assert.equal(await check([clean], { write: () => undefined }, { write: () => undefined }), 0);
  });
});

describe('language server settings from a workspace', function () {
  this.timeout(20_000);
  it('takes only well-typed entries', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'm1-lsp-'));
    const lsp = await startLsp(folder, { fields: { question: 5, id: ['key', 7] }, validation: { 'missing-field': 'fatal', 'empty-option': 'warning', nope: 'error' } });
    try {
      const uri = pathToFileURL(join(folder, 'b.json')).toString();
      const text = JSON.stringify({ S: [{ key: 'k1', question: 'Q?', options: { A: 'x', B: '' }, answer_idx: 'A' }, { options: { A: 'x', B: 'y' }, answer_idx: 'A' }] }, null, 2);
      void lsp.client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'json', version: 1, text } });
      const diags = await lsp.diagnostics(uri, 2);
      assert.deepEqual(diags.map((d) => [d.code, d.severity]).sort(), [['empty-option', 2], ['missing-field', 1]], 'a bad level keeps the default (error); a good one is taken');
    } finally {
      lsp.client.dispose();
    }
  });
});

describe('language server guard', () => {
  it('answers null and logs when a handler throws, sync or async', async () => {
    const logged: string[] = [];
    const handlers: Array<(...a: unknown[]) => unknown> = [];
    const fake = { console: { error: (m: string) => logged.push(m) }, onHover: (h: (...a: unknown[]) => unknown) => void handlers.push(h) };
    const connection = guarded(fake as unknown as Connection);
    connection.onHover(() => {
      throw new TypeError('boom');
    });
    connection.onHover((async () => {
      throw new TypeError('later');
    }) as never);
    assert.equal(handlers[0]!(), null);
    assert.equal(await handlers[1]!(), null);
    assert.equal(logged.length, 2);
    assert.match(logged[0]!, /onHover failed: TypeError: boom/);
  });
});
