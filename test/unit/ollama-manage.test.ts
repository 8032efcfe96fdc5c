import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { M1Error } from '../../src/core/errors';
import { compareVersions, findOllama, ollamaVersion, parseVersion, usualLocations, versionWarning } from '../../src/core/ollama/discover';
import { fitNote, parseNvidiaSmi } from '../../src/core/ollama/vram';
import { OllamaServe, isOllamaRunning } from '../../src/core/ollama/process';
import { pullModel, type PullProgress } from '../../src/core/ollama/pull';
import { freePort, useFake } from './helpers';

const FAKE_BIN = join(__dirname, '..', 'fake-ollama', 'bin', 'ollama');
const SERVE_BUNDLE = join(__dirname, '..', '..', 'dist-test', 'fake-ollama-serve.js');

describe('ollama discovery', () => {
  it('prefers the configured path, then PATH, then the usual places', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm1-disc-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const onPath = join(bin, 'ollama');
    writeFileSync(onPath, '#!/bin/sh\necho "ollama version is 0.9.0"\n');
    chmodSync(onPath, 0o755);
    assert.deepEqual(await findOllama({ env: { PATH: `/nonexistent:${bin}` }, platform: 'linux', home: dir }), { found: true, path: onPath, source: 'PATH' });
    assert.deepEqual(await findOllama({ configured: FAKE_BIN, env: { PATH: bin } }), { found: true, path: FAKE_BIN, source: 'setting' });
    const missing = await findOllama({ configured: join(dir, 'nope') });
    assert.equal(missing.found, false);
    assert.equal(!missing.found && missing.configuredMissing, join(dir, 'nope'));
    const usual = await findOllama({ env: { PATH: '' }, platform: 'linux', home: dir, isExecutable: async (p) => p === join(dir, '.local', 'bin', 'ollama') });
    assert.deepEqual(usual, { found: true, path: join(dir, '.local', 'bin', 'ollama'), source: 'usual location' });
    const none = await findOllama({ env: { PATH: '' }, platform: 'linux', home: dir, isExecutable: async () => false });
    assert.equal(none.found, false);
    assert.ok(!none.found && none.tried.includes('/usr/local/bin/ollama'));
  });
  it('knows where Ollama installs on macOS and Windows', () => {
    assert.ok(usualLocations('darwin', {}, '/Users/a').includes('/Applications/Ollama.app/Contents/Resources/ollama'));
    assert.ok(usualLocations('win32', { LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'C:\\Users\\a')[0]!.endsWith('ollama.exe'));
  });
  it('reads the version', async () => {
    assert.equal(parseVersion('ollama version is 0.12.6\n'), '0.12.6');
    assert.equal(parseVersion('Warning: could not connect to a running Ollama instance\nWarning: client version is 0.5.7'), '0.5.7');
    assert.equal(await ollamaVersion(FAKE_BIN, { ...process.env, FAKE_OLLAMA_VERSION: '0.11.2' }), '0.11.2');
    assert.equal(compareVersions('0.1.35', '0.1.4'), 1);
    assert.equal(compareVersions('0.12.6', '0.12.6'), 0);
  });
  it('warns about a server too old for raw prompts with num_predict budgets, naming the minimum', () => {
    assert.equal(versionWarning('0.12.6'), undefined);
    assert.match(versionWarning('0.1.30')!, /^Ollama 0\.1\.30 is older than 0\.1\.35/);
  });
  it('reads the GPU memory and says which builds fit', () => {
    assert.equal(parseNvidiaSmi('81559\n24564\n'), 81559 / 1024);
    assert.equal(parseNvidiaSmi(''), undefined);
    assert.equal(fitNote(6, 24), 'fits your 24 GB GPU');
    assert.equal(fitNote(22, 8), 'needs ≈ 22 GB, your GPU has 8 GB');
    assert.equal(fitNote(6, undefined), '');
  });
});

describe('ollama serve lifecycle (fake executable)', function () {
  this.timeout(20_000);
  before(function () {
    if (!existsSync(SERVE_BUNDLE)) throw new Error(`${SERVE_BUNDLE} is missing: run npm run build first`);
  });
  let serve: OllamaServe;
  beforeEach(() => (serve = new OllamaServe()));
  afterEach(async () => {
    await serve.stop();
  });

  it('starts ollama serve, waits for health, logs its output, and stops only what it started', async () => {
    const host = `http://127.0.0.1:${await freePort()}`;
    const lines: string[] = [];
    assert.equal(await serve.start({ binary: FAKE_BIN, host, log: (l) => lines.push(l) }), 'started');
    assert.equal(await isOllamaRunning(host), true);
    assert.ok(lines.some((l) => /Listening on 127\.0\.0\.1:\d+ \(version 0\.12\.6\)/.test(l)));
    assert.equal(serve.owned, true);
    const other = new OllamaServe();
    assert.equal(await other.start({ binary: FAKE_BIN, host }), 'already-running', 'a running server is used as is');
    assert.equal(await other.stop(), false, 'and never stopped by whoever did not start it');
    assert.equal(await serve.stop(), true);
    assert.equal(await isOllamaRunning(host), false);
  });

  it('reports a server that exits during start with what it said', async () => {
    const host = `http://127.0.0.1:${await freePort()}`;
    await assert.rejects(serve.start({ binary: FAKE_BIN, host, env: { FAKE_OLLAMA_EXIT: '1' } }), (e: M1Error) =>
      /ollama serve exited during start \(code 1\): Error: could not create directory/.test(e.message),
    );
  });

  it('reports a port held by another program', async () => {
    const other = createServer((_req, res) => res.end('not ollama')).listen(0, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    const host = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
    try {
      await assert.rejects(serve.start({ binary: FAKE_BIN, host }), /Something other than Ollama is listening at/);
    } finally {
      other.close();
    }
  });

  it('says when the executable cannot run', async () => {
    const host = `http://127.0.0.1:${await freePort()}`;
    await assert.rejects(serve.start({ binary: '/nonexistent/ollama', host }), /Could not run \/nonexistent\/ollama: spawn \/nonexistent\/ollama ENOENT/);
  });

  it('tells when a server it started crashes', async () => {
    const host = `http://127.0.0.1:${await freePort()}`;
    let crashed: { code: number | null; signal: string | null } | undefined;
    await serve.start({ binary: FAKE_BIN, host, onCrash: (code, signal) => (crashed = { code, signal }) });
    const pid = (serve as unknown as { child: { pid: number } }).child.pid;
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 5000;
    while (!crashed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(crashed, { code: null, signal: 'SIGKILL' });
    assert.equal(serve.owned, false);
  });
});

describe('ollama pull', () => {
  const fake = useFake(() => ({ pullable: [{ name: 'hf.co/u/m1-GGUF:Q4_K_M', size: 4_000_000_000 }], pullChunks: 5, pullDelayMs: 10 }));

  it('reports status and bytes as it goes, and the model is then installed', async () => {
    const seen: PullProgress[] = [];
    await pullModel(fake().url, 'hf.co/u/m1-GGUF:Q4_K_M', (p) => seen.push(p));
    assert.equal(seen[0]!.status, 'pulling manifest');
    assert.deepEqual(seen.filter((p) => p.completed !== undefined).map((p) => p.completed), [800_000_000, 1_600_000_000, 2_400_000_000, 3_200_000_000, 4_000_000_000]);
    assert.equal(seen.at(-1)!.status, 'success');
    const tags = await (await fetch(`${fake().url}/api/tags`)).json();
    assert.ok(tags.models.some((m: { name: string }) => m.name === 'hf.co/u/m1-GGUF:Q4_K_M'));
  });

  it('cancels at once, and a second pull completes (Ollama resumes)', async () => {
    fake().options.pullDelayMs = 50;
    const controller = new AbortController();
    await assert.rejects(
      pullModel(fake().url, 'hf.co/u/m1-GGUF:Q4_K_M', (p) => p.completed && controller.abort(), controller.signal),
      (e: M1Error) => e.code === 'cancelled',
    );
    fake().options.pullDelayMs = 1;
    const statuses: string[] = [];
    await pullModel(fake().url, 'hf.co/u/m1-GGUF:Q4_K_M', (p) => statuses.push(p.status));
    assert.equal(statuses.at(-1), 'success');
  });

  it('resumes a pull whose connection drops half way', async () => {
    fake().options.pullCutAfterChunks = 2;
    const statuses: string[] = [];
    await pullModel(fake().url, 'hf.co/u/m1-GGUF:Q4_K_M', (p) => statuses.push(p.status));
    assert.ok(statuses.includes('connection lost; resuming (try 2 of 3)'));
    assert.equal(statuses.at(-1), 'success');
    assert.equal(fake().requests.filter((r) => r === 'POST /api/pull').length, 2);
  });

  it('reports a full disk from Ollama', async () => {
    fake().options.pullErrorLine = 'write /root/.ollama/models/blobs/sha256-89fc-partial: no space left on device';
    await assert.rejects(pullModel(fake().url, 'hf.co/u/m1-GGUF:Q4_K_M', () => undefined), (e: M1Error) =>
      /ran out of disk space while pulling hf\.co\/u\/m1-GGUF:Q4_K_M: .*no space left on device/.test(e.message),
    );
  });

  it('names a model that does not exist', async () => {
    await assert.rejects(pullModel(fake().url, 'hf.co/u/nothing:Q4', () => undefined), (e: M1Error) =>
      e.code === 'model-not-found' && e.message.startsWith('There is no model "hf.co/u/nothing:Q4" to pull'),
    );
  });
});
