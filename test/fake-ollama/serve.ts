// `ollama serve` for the fake executable (bin/ollama): the fake server with the demo scripts on
// OLLAMA_HOST, logging like Ollama. FAKE_OLLAMA_EXIT=1 exits during start, like a broken install.
import { DEMO_SCRIPTS } from './demo';
import { startFakeOllama } from './server';

async function main(): Promise<void> {
  const [host = '127.0.0.1', port = '11434'] = (process.env.OLLAMA_HOST ?? '127.0.0.1:11434').replace(/^https?:\/\//, '').split(':');
  const version = process.env.FAKE_OLLAMA_VERSION ?? '0.12.6';
  if (process.env.FAKE_OLLAMA_EXIT === '1') {
    console.error('Error: could not create directory /root/.ollama: permission denied');
    process.exit(1);
  }
  try {
    const server = await startFakeOllama({
      port: Number(port),
      version,
      scripts: DEMO_SCRIPTS,
      tokenDelayMs: Number(process.env.FAKE_OLLAMA_TOKEN_DELAY ?? 2),
      models: [{ name: 'm1-7b-23k' }],
      pullable: [{ name: 'hf.co/example-user/m1-7B-23K-GGUF:Q4_K_M', size: 4_683_087_332 }],
      pullDelayMs: Number(process.env.FAKE_OLLAMA_PULL_DELAY ?? 200),
    });
    console.error(`time=${new Date().toISOString()} level=INFO source=routes.go msg="Listening on ${host}:${server.port} (version ${version})"`);
    process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
  } catch (e) {
    if ((e as { code?: string }).code === 'EADDRINUSE') {
      console.error(`Error: listen tcp ${host}:${port}: bind: address already in use`);
      process.exit(1);
    }
    throw e;
  }
}

void main();
