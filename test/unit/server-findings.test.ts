// Probe, don't guess: what m1 doctor / Check Server find on each kind of server, kept per server
// and model (stale when the version or the model's digest changes), and what runs make of it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bench } from '../../src/cli/bench';
import { doctor } from '../../src/cli/doctor';
import { findingsCachePath, findingsFile } from '../../src/cli/findingsCache';
import type { Backend } from '../../src/core/backends/backend';
import { cachedFinder, findingsKey, findServer, MAX_AGE_MS, type FindingsStore, type ServerFindings } from '../../src/core/backends/findings';
import { OllamaBackend } from '../../src/core/backends/ollama';
import { OpenAIBackend } from '../../src/core/backends/openai';
import { PROBE_QUESTION, PROBE_THOUGHT } from '../../src/core/backends/probe';
import type { BenchItem } from '../../src/core/bench/format';
import { readRunFile, isHeader } from '../../src/core/bench/runFile';
import { headerProblem } from '../../src/core/bench/runSchema';
import { runBenchmark } from '../../src/core/bench/runner';
import { PAPER_DEFAULTS } from '../../src/core/engine';
import { startFakeOllama } from '../fake-ollama/server';
import { startFakeOpenAI } from '../fake-openai/server';
import { MODEL, script } from './helpers';

const tmp = () => mkdtempSync(join(tmpdir(), 'm1-findings-'));
const HF = 'UCSC-VLAA/m1-7B-23K';
// The scripted model closes the probe's thought with its own answer marker, as an m1 model does;
// the benchmark item's thought does the same.
const SCRIPTS = [
  script(PROBE_QUESTION.question, { think: [`${PROBE_THOUGHT}<|im_start|>answer\nThe answer is A`] }),
  script('Q-closes', { think: ['It is heparin.\n<|im_start|>answer\nThe answer is B'], answers: ['\\boxed{B}'] }),
];
const ITEM: BenchItem = { source: 'S', index: 0, line: 1, question: 'Q-closes', options: { A: 'a', B: 'b' }, answerIdx: 'B', answer: 'b' };

interface Mode {
  name: string;
  kind: string;
  /** `--host` as the CLI takes it. */
  host: (url: string) => string;
  model: string;
  thinkStop: ServerFindings['thinkStop'];
  start(): Promise<{ url: string; close(): Promise<void>; requests(): Array<{ prompt: string; sampling: string[] }> }>;
  backend(url: string): Backend;
}

const ollama = (version: string) => async () => {
  const fake = await startFakeOllama({ version, scripts: SCRIPTS });
  return { url: fake.url, close: () => fake.close(), requests: () => fake.generateLog.map((e) => ({ prompt: e.prompt, sampling: e.samplingAdded })), options: fake.options };
};
const openai = (server: 'vllm' | 'sglang') => async () => {
  const fake = await startFakeOpenAI({ server, scripts: SCRIPTS, models: [HF] });
  return { url: fake.url, close: () => fake.close(), requests: () => fake.log.map((e) => ({ prompt: e.prompt, sampling: e.samplingAdded })) };
};

const MODES: Mode[] = [
  { name: 'Ollama 0.24 (llamarunner)', kind: 'ollama', host: (u) => u, model: MODEL, thinkStop: 'exact', start: ollama('0.24.0'), backend: (url) => new OllamaBackend({ host: url }) },
  { name: 'Ollama 0.30 (llama-server)', kind: 'ollama', host: (u) => u, model: MODEL, thinkStop: 'runs-on', start: ollama('0.30.1'), backend: (url) => new OllamaBackend({ host: url }) },
  { name: 'vLLM', kind: 'vllm', host: (u) => `openai:${u}`, model: HF, thinkStop: 'exact', start: openai('vllm'), backend: (url) => new OpenAIBackend({ url }) },
  { name: 'SGLang', kind: 'sglang', host: (u) => `openai:${u}`, model: HF, thinkStop: 'exact', start: openai('sglang'), backend: (url) => new OpenAIBackend({ url }) },
];

function memory(): FindingsStore & { entries: Map<string, unknown> } {
  const entries = new Map<string, unknown>();
  return { entries, get: (k) => entries.get(k), set: async (k, v) => void entries.set(k, v) };
}

const probes = (requests: Array<{ prompt: string }>) => requests.filter((r) => r.prompt.includes(PROBE_QUESTION.question)).length;

const writer = () => {
  const w = { text: '', isTTY: false, write: (s: string) => ((w.text += s), true) };
  return w;
};

describe('server findings: probed once per server and model, in every mode of the fakes', function () {
  this.timeout(20_000);
  for (const mode of MODES) {
    it(`${mode.name}: think stop ${mode.thinkStop}, cached, and written into the run header`, async () => {
      const fake = await mode.start();
      try {
        const store = memory();
        const first = await findServer(mode.backend(fake.url), mode.model, { store });
        assert.equal(first.thinkStop, mode.thinkStop, first.detail);
        assert.equal(first.kind, mode.kind);
        assert.equal(first.cached, false);
        const again = await findServer(mode.backend(fake.url), mode.model, { store });
        assert.equal(again.cached, true);
        assert.equal(probes(fake.requests()), 1, 'the second look comes from the cache');

        const notices: string[] = [];
        const runFile = join(tmp(), 'r.jsonl');
        await runBenchmark({ items: [ITEM], backend: mode.backend(fake.url), runFile, benchFile: 'b.json', benchHash: 'sha256:x', settings: { ...PAPER_DEFAULTS, model: mode.model }, findings: cachedFinder(store), onNotice: (m) => notices.push(m) });
        assert.equal(probes(fake.requests()), 1, 'the run used the cached finding');
        const { header } = await readRunFile(runFile);
        const server = header.servers![0]!;
        assert.equal(server.kind, mode.kind);
        assert.deepEqual(server.probe, { thinkStop: first.thinkStop, detail: first.detail, checkedAt: first.checkedAt });
        if (mode.thinkStop === 'exact') {
          assert.equal(server.caveat, undefined);
          assert.deepEqual(notices, []);
        } else {
          assert.match(server.caveat!, /<\|im_start\|> never matches/);
          assert.deepEqual(notices, [server.caveat]);
        }
        assert.deepEqual(fake.requests().flatMap((r) => r.sampling), [], 'the probe, too, decodes with neutral sampling');
      } finally {
        await fake.close();
      }
    });
  }
});

describe('server findings: when a cached finding no longer holds', function () {
  this.timeout(20_000);
  it('probes again when the server version changes, the model digest changes, the entry is not a finding, or asked to', async () => {
    const fake = await ollama('0.24.0')();
    try {
      const store = memory();
      const backend = new OllamaBackend({ host: fake.url });
      assert.equal((await findServer(backend, MODEL, { store, modelDigest: 'sha256:a' })).thinkStop, 'exact');
      assert.equal((await findServer(backend, MODEL, { store, modelDigest: 'sha256:a' })).cached, true);
      assert.equal((await findServer(backend, MODEL, { store, modelDigest: 'sha256:b' })).cached, false, 'a rebuilt model');
      assert.equal((await findServer(backend, MODEL, { store })).cached, true, 'a caller that does not know the digest takes it');
      assert.equal(probes(fake.requests()), 2);
      fake.options.version = '0.30.1';
      const upgraded = await findServer(backend, MODEL, { store, modelDigest: 'sha256:b' });
      assert.deepEqual([upgraded.cached, upgraded.version, upgraded.thinkStop], [false, '0.30.1', 'runs-on']);
      const key = findingsKey(backend.label, MODEL);
      await store.set(key, { ...(store.entries.get(key) as ServerFindings), thinkStop: 'maybe' as ServerFindings['thinkStop'] });
      assert.equal((await findServer(backend, MODEL, { store, modelDigest: 'sha256:b' })).cached, false, 'an entry that is not a finding');
      assert.equal((await findServer(backend, MODEL, { store, modelDigest: 'sha256:b', fresh: true })).cached, false);
      assert.equal(probes(fake.requests()), 5);
    } finally {
      await fake.close();
    }
  });

  it('probes a server that names no version (vLLM) again once its finding is a week old', async () => {
    const fake = await openai('vllm')();
    try {
      const store = memory();
      const backend = new OpenAIBackend({ url: fake.url });
      const first = await findServer(backend, HF, { store });
      assert.equal((await findServer(backend, HF, { store })).cached, true);
      const key = findingsKey(backend.label, HF);
      await store.set(key, { ...first, checkedAt: new Date(Date.now() - MAX_AGE_MS - 1000).toISOString() });
      assert.equal((await findServer(backend, HF, { store })).cached, false, 'a week-old finding');
      assert.equal(probes(fake.requests()), 2);
    } finally {
      await fake.close();
    }
  });

  it('what the server really does beats its version: an exact stop found on 0.30 carries no caveat', async () => {
    const fake = await ollama('0.30.1')();
    try {
      const store = memory();
      const backend = new OllamaBackend({ host: fake.url });
      const found: ServerFindings = { server: backend.label, kind: 'ollama', version: '0.30.1', model: MODEL, thinkStop: 'exact', detail: 'stopped', checkedAt: new Date().toISOString() };
      await store.set(findingsKey(backend.label, MODEL), found);
      const notices: string[] = [];
      const runFile = join(tmp(), 'r.jsonl');
      await runBenchmark({ items: [ITEM], backend, runFile, benchFile: 'b.json', benchHash: 'sha256:x', settings: { ...PAPER_DEFAULTS, model: MODEL }, findings: cachedFinder(store), onNotice: (m) => notices.push(m) });
      const { header } = await readRunFile(runFile);
      assert.equal(header.servers![0]!.probe?.thinkStop, 'exact');
      assert.equal(header.servers![0]!.caveat, undefined);
      assert.deepEqual(notices, []);
      assert.equal(probes(fake.requests()), 0);
    } finally {
      await fake.close();
    }
  });

  it('a probe before a run on a cold Ollama asks for the run\'s context: the model loads once', async () => {
    const fake = await startFakeOllama({ version: '0.24.0', scripts: SCRIPTS });
    try {
      const runFile = join(tmp(), 'r.jsonl');
      await runBenchmark({ items: [ITEM], backend: new OllamaBackend({ host: fake.url }), runFile, benchFile: 'b.json', benchHash: 'sha256:x', settings: { ...PAPER_DEFAULTS, model: MODEL }, findings: cachedFinder(memory()) });
      assert.equal(probes(fake.generateLog), 1);
      assert.equal(new Set(fake.generateLog.map((e) => e.numCtx)).size, 1, 'the probe and the run ask one num_ctx');
      assert.equal(fake.loads, 1);
    } finally {
      await fake.close();
    }
  });

  it('a probe that fails leaves the version to decide, and the run goes on', async () => {
    const fake = await ollama('0.30.1')();
    try {
      const runFile = join(tmp(), 'r.jsonl');
      const notices: string[] = [];
      const failing = () => Promise.reject(new Error('probe failed'));
      await runBenchmark({ items: [ITEM], backend: new OllamaBackend({ host: fake.url }), runFile, benchFile: 'b.json', benchHash: 'sha256:x', settings: { ...PAPER_DEFAULTS, model: MODEL }, findings: failing, onNotice: (m) => notices.push(m) });
      const { header, records } = await readRunFile(runFile);
      assert.equal(records.length, 1);
      assert.equal(header.servers![0]!.probe, undefined);
      assert.match(header.servers![0]!.caveat!, /Ollama 0\.30\.1 generates through llama-server/);
      assert.equal(notices.length, 1);
    } finally {
      await fake.close();
    }
  });
});

describe('server findings: the CLI cache file and the run header schema', () => {
  it('keeps findings in a file, reads a torn or foreign file as empty, and rewrites it whole', async () => {
    const path = join(tmp(), 'm1', 'server-findings.json');
    const store = findingsFile(path);
    assert.equal(await store.get('k'), undefined, 'no file yet');
    const f: ServerFindings = { server: 's', model: 'm', thinkStop: 'exact', detail: 'd', checkedAt: 't' };
    await store.set('k', f);
    assert.deepEqual(await store.get('k'), f);
    writeFileSync(path, '{"k": {"server": "s"');
    assert.equal(await store.get('k'), undefined);
    await store.set('j', f);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { j: f });
    assert.equal(findingsCachePath({ XDG_CACHE_HOME: '/c' }), join('/c', 'm1', 'server-findings.json'));
  });

  it('keeps every finding when a run stores several at once, and a cache it cannot write costs no finding', async () => {
    const path = join(tmp(), 'm1', 'server-findings.json');
    const store = findingsFile(path);
    const f = (server: string): ServerFindings => ({ server, model: 'm', thinkStop: 'exact', detail: 'd', checkedAt: 't' });
    await Promise.all(['a', 'b', 'c', 'd'].map((k) => store.set(k, f(k))));
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(path, 'utf8'))).sort(), ['a', 'b', 'c', 'd']);
    assert.deepEqual(readdirSync(dirname(path)), ['server-findings.json'], 'no temporary file left');
    const fake = await openai('vllm')();
    try {
      const broken: FindingsStore = { get: async () => undefined, set: async () => Promise.reject(new Error('EROFS: read-only file system')) };
      assert.equal((await findServer(new OpenAIBackend({ url: fake.url }), HF, { store: broken })).thinkStop, 'exact');
    } finally {
      await fake.close();
    }
  });

  it('old headers without servers still load; a header whose probe is not one is refused', () => {
    const old = { type: 'header', version: 1, runId: 'r', createdAt: 't', benchFile: 'b', benchHash: 'h', settings: { model: 'm', budget: 1, waitRounds: 0, answerMaxTokens: 1, temperature: 0, seed: 42 } };
    assert.equal(isHeader(old), true);
    assert.equal(isHeader({ ...old, servers: [{ kind: 'ollama', probe: { thinkStop: 'exact', detail: 'd', checkedAt: 't' } }] }), true);
    assert.match(headerProblem({ ...old, servers: [{ kind: 'ollama', probe: { thinkStop: 1 } }] })!, /^servers\.0\.probe\.thinkStop/);
  });
});

describe('server findings: m1 doctor, then m1 bench on the same server', function () {
  this.timeout(30_000);
  for (const mode of MODES) {
    it(`${mode.name}: doctor reports and caches the finding; bench writes it into the header without probing again`, async () => {
      const fake = await mode.start();
      const dir = tmp();
      const env = { XDG_CACHE_HOME: join(dir, 'cache') };
      try {
        const out = writer();
        const rc = await doctor(['--host', mode.host(fake.url), '--model', mode.model], env, out);
        assert.equal(rc, mode.thinkStop === 'exact' ? 0 : 1);
        assert.match(out.text, new RegExp(`^server: .*\\(${mode.kind}[ )]`));
        assert.match(out.text, new RegExp(`Think stop with ${mode.model}: ${mode.thinkStop}\\.`));
        assert.match(out.text, mode.thinkStop === 'exact' ? /Budget forcing runs here as the reference does\./ : /Runs here carry this note in their header: Ollama 0\.30\.1/);
        const cache = findingsCachePath(env);
        assert.ok(out.text.includes(`saved in ${cache}`));
        const cached = Object.values(JSON.parse(readFileSync(cache, 'utf8')) as Record<string, ServerFindings>);
        assert.deepEqual(cached.map((c) => [c.model, c.thinkStop]), [[mode.model, mode.thinkStop]]);
        if (mode.kind === 'ollama') assert.match(cached[0]!.modelDigest!, /^[0-9a-f]{64}$/, 'an Ollama model is cached with its digest');

        const benchFile = join(dir, 'bench.json');
        writeFileSync(benchFile, JSON.stringify({ S: [{ question: 'Q-closes', options: { A: 'a', B: 'b' }, answer_idx: 'B', answer: 'b' }] }));
        const runFile = join(dir, 'run.jsonl');
        const err = writer();
        assert.equal(await bench([benchFile, '--host', mode.host(fake.url), '--model', mode.model, '--out', runFile, '--json'], env, writer(), err), 0);
        assert.equal(probes(fake.requests()), 1, 'bench used what doctor found');
        const { header } = await readRunFile(runFile);
        assert.equal(header.servers![0]!.probe?.thinkStop, mode.thinkStop);
        assert.equal(header.servers![0]!.probe?.checkedAt, cached[0]!.checkedAt);
        if (mode.thinkStop === 'exact') assert.equal(err.text, '');
        else assert.match(err.text, /^m1: Ollama 0\.30\.1 generates through llama-server/);
      } finally {
        await fake.close();
      }
    });
  }

  it('bench on a server nobody checked probes it once and caches it', async () => {
    const fake = await ollama('0.24.0')();
    const dir = tmp();
    const env = { XDG_CACHE_HOME: join(dir, 'cache') };
    try {
      const benchFile = join(dir, 'bench.json');
      writeFileSync(benchFile, JSON.stringify({ S: [{ question: 'Q-closes', options: { A: 'a', B: 'b' }, answer_idx: 'B', answer: 'b' }] }));
      for (const n of [1, 2]) await bench([benchFile, '--host', fake.url, '--out', join(dir, `run${n}.jsonl`)], env, writer(), writer());
      assert.equal(probes(fake.requests()), 1);
      assert.ok(existsSync(findingsCachePath(env)));
      assert.equal((await readRunFile(join(dir, 'run2.jsonl'))).header.servers![0]!.probe?.thinkStop, 'exact');
    } finally {
      await fake.close();
    }
  });
});
