// One fake vLLM host for perf/multi-host.ts: one request at a time (the host is the bottleneck),
// the runner benchmark's scripted model at TOKEN_MS a token.
import { startFakeOpenAI } from '../test/fake-openai/server';
import { BENCH_ANSWER, BENCH_THINK } from './fake-runner-config';

async function main(): Promise<void> {
  const server = await startFakeOpenAI({
    maxRunning: 1,
    tokenDelayMs: Number(process.env.HOST_TOKEN_MS ?? 5),
    scripts: [{ match: 'BENCHQ', think: [BENCH_THINK.repeat(4)], answers: [BENCH_ANSWER] }],
  });
  process.stdout.write(`${server.url}\n`);
}

void main();
