import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OllamaBackend } from '../../src/core/backends/ollama';
import { PAPER_DEFAULTS, runEngine, type EngineEvent, type EngineSettings } from '../../src/core/engine';
import type { Question } from '../../src/core/prompt';
import type { Script } from '../fake-ollama/script';
import { startFakeOllama, type FakeOllama, type FakeOllamaOptions } from '../fake-ollama/server';
import { tokenize } from '../fake-ollama/tokenizer';

export const MODEL = 'm1-7b-23k';

/**
 * Starts a fake server for the current mocha suite and closes it afterwards. Unless `rawRequests`
 * (tests that call the API by hand), every generation the suite caused must have carried neutral
 * sampling: a request that let the server add its own repeat penalty fails the test.
 */
export function useFake(options: FakeOllamaOptions | (() => FakeOllamaOptions) = {}, o: { rawRequests?: boolean } = {}): () => FakeOllama {
  let fake: FakeOllama | undefined;
  beforeEach(async () => {
    fake = await startFakeOllama(typeof options === 'function' ? options() : options);
  });
  afterEach(async () => {
    await fake?.close();
    const added = o.rawRequests ? [] : (fake?.generateLog ?? []).filter((e) => e.samplingAdded.length);
    if (added.length) throw new Error(`${added.length} request(s) let Ollama add sampling (${added[0]!.samplingAdded.join(', ')}): not greedy decoding`);
  });
  return () => fake!;
}

export function settings(overrides: Partial<EngineSettings> = {}): EngineSettings {
  return { model: MODEL, ...PAPER_DEFAULTS, ...overrides };
}

export async function collect(fake: FakeOllama, question: Question, overrides: Partial<EngineSettings> = {}, signal?: AbortSignal): Promise<EngineEvent[]> {
  const backend = new OllamaBackend({ host: fake.url, busyBackoffMs: 5 });
  const events: EngineEvent[] = [];
  for await (const ev of runEngine(question, { backend, settings: settings(overrides), ...(signal ? { signal } : {}) })) events.push(ev);
  return events;
}

export const ofType = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);

export function resultOf(events: EngineEvent[]) {
  const done = ofType(events, 'done')[0];
  if (!done) throw new Error(`no done event: ${JSON.stringify(ofType(events, 'error')[0]?.error.message)}`);
  return done.result;
}

/** A thought of exactly n tokens in the fake tokenizer. */
export function words(n: number, word = 'step'): string {
  return Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ') + ' ';
}

export const tokens = (text: string) => tokenize(text).length;

export function script(match: string, s: Partial<Script>): Script {
  return { match, think: ['Thinking. '], answers: ['\\boxed{A}'], ...s };
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The built CLI bundle (npm run build). */
export const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Its own cache folder (server findings): no test reads another's, nor the user's.
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'm1-cli-cache-')), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
