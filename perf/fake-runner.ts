// Fake Ollama for perf/runner.ts: 4 parallel slots, 20 ms a token.
import { startFakeOllama } from '../test/fake-ollama/server';
import { BENCH_ANSWER, BENCH_THINK, TOKEN_MS } from './fake-runner-config';

async function main(): Promise<void> {
  const server = await startFakeOllama({ numParallel: 4, tokenDelayMs: TOKEN_MS, scripts: [{ match: 'BENCHQ', think: [BENCH_THINK], answers: [BENCH_ANSWER] }] });
  process.stdout.write(`${server.url}\n`);
}

void main();
