// A fake Ollama in its own process whose model thinks for 20,000 tokens with no delay, so the
// benchmark measures the client, not the server.
import { startFakeOllama } from '../test/fake-ollama/server';

async function main(): Promise<void> {
  const think = Array.from({ length: 20_000 }, (_, i) => `t${i}`).join(' ');
  const server = await startFakeOllama({ scripts: [{ match: 'BENCH', think: [think], answers: ['The answer is \\boxed{A}.'] }] });
  process.stdout.write(`${server.url}\n`);
}

void main();
