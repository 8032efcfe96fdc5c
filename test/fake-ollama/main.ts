// Runs the fake Ollama server on its own: `tsx test/fake-ollama/main.ts [--port N] [--delay MS]`.
// Used by `npm start` with M1_FAKE_OLLAMA=1, the benchmarks and the end-to-end tests.
import { parseArgs } from 'node:util';
import { DEMO_SCRIPTS } from './demo';
import { startFakeOllama } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    delay: { type: 'string', default: '15' },
    'pull-delay': { type: 'string', default: '300' },
  },
});

async function main(): Promise<void> {
  const server = await startFakeOllama({
  port: Number(values.port),
  tokenDelayMs: Number(values.delay),
  scripts: DEMO_SCRIPTS,
  models: [{ name: 'm1-7b-23k' }, { name: 'm1-32b-1k', parameterSize: '32.8B', size: 19_851_336_236 }],
  pullable: [{ name: 'hf.co/example/m1-7B-23K-GGUF:Q4_K_M', size: 4_683_087_332 }],
  pullDelayMs: Number(values['pull-delay']),
});
  process.stdout.write(`fake Ollama listening on ${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
