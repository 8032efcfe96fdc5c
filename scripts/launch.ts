// Opens the packaged extension in code-server on samples/ with a throw-away profile. With
// M1_FAKE_OLLAMA=1 it also starts the fake Ollama server with the demo scripts (no GPU needed).
import { join } from 'node:path';
import { ollamaInfo, resolveOllamaHost } from '../src/core/backends/ollama';
import { DEMO_SCRIPTS } from '../test/fake-ollama/demo';
import { startFakeOllama } from '../test/fake-ollama/server';
import { ROOT, VSIX } from '../test/harness/build';
import { startCodeServer } from '../test/harness/codeServer';
import { ensureCodeServer } from '../test/harness/tools';

async function main(): Promise<void> {
  ensureCodeServer();
  let host = resolveOllamaHost(undefined);
  if (process.env.M1_FAKE_OLLAMA === '1') {
    const fake = await startFakeOllama({
      scripts: DEMO_SCRIPTS,
      tokenDelayMs: 15,
      pullDelayMs: 300,
      models: [{ name: 'm1-7b-23k' }, { name: 'm1-32b-1k', parameterSize: '32.8B', size: 19_851_336_236 }],
      pullable: [{ name: 'hf.co/example-user/m1-7B-23K-GGUF:Q4_K_M', size: 4_683_087_332 }],
    });
    host = fake.url;
    console.log(`Fake Ollama (demo model, no GPU) at ${host}`);
  } else {
    try {
      const info = await ollamaInfo(host);
      console.log(`Ollama ${info.version} at ${host} with ${info.models.length} models.`);
    } catch {
      console.log(
        `No Ollama server answers at ${host}. Install it from https://ollama.com/download and run \`ollama serve\`, ` +
          'or try everything without a GPU: M1_FAKE_OLLAMA=1 npm start',
      );
    }
  }
  const workspace = join(ROOT, 'samples');
  const server = await startCodeServer({
    workspace,
    vsix: [VSIX],
    port: Number(process.env.M1_PORT ?? 8080),
    userSettings: { 'm1.ollama.host': host },
  });
  console.log(`\nm1 for VS Code is running in code-server. Open:\n\n  ${server.folderUrl}\n\nPress Ctrl+C to stop.`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
