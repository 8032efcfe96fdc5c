// `m1 doctor [--host HOST] [--model NAME]`: what a server and model really do, found by asking them
// (server kind and version, the sampling m1 sends, whether `<|im_start|>` stops a thought), in
// plain words. The finding is cached for runs (findingsCache.ts). Exit 1 when budget forcing cannot
// be exact there.
import { parseArgs } from 'node:util';
import { findingInWords } from '../core/backends/caveats';
import { findServer } from '../core/backends/findings';
import { createBackend, describeHost, parseHostSpec } from '../core/backends/hosts';
import { isModelNamed, ollamaInfo, resolveOllamaHost } from '../core/backends/ollama';
import { findingsCachePath, findingsFile } from './findingsCache';

type Out = Pick<NodeJS.WriteStream, 'write'>;

export const DOCTOR_USAGE = `Usage: m1 doctor [--host HOST] [--model NAME]

Asks the server and model what they do: the server's kind and version, the sampling m1 sends on
every request, and a tiny generation from a finished thought to see whether <|im_start|> stops it.
The finding is kept in $XDG_CACHE_HOME/m1 (~/.cache/m1): runs on this server and model use it
until the server's version or the model changes, or for a week.
  --host HOST    [ollama:|openai:]URL (default $OLLAMA_HOST or http://127.0.0.1:11434)
  --model NAME   model (default $M1_MODEL or m1-7b-23k)
Exit status 1 when the think stop is not exact on this server.
`;

export async function doctor(argv: string[], env: NodeJS.ProcessEnv, out: Out, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { host: { type: 'string' }, model: { type: 'string' } } });
  const spec = parseHostSpec(values.host ?? resolveOllamaHost(undefined, env));
  const model = spec.model ?? values.model ?? env.M1_MODEL ?? 'm1-7b-23k';
  const backend = createBackend(spec, env.M1_API_KEY);
  // An Ollama model's digest: a rebuilt model is probed again.
  const digest = spec.kind === 'ollama' ? (await ollamaInfo(spec.url, signal)).models.find((m) => isModelNamed(m, model))?.digest : undefined;
  const cache = findingsCachePath(env);
  const found = await findServer(backend, model, { store: findingsFile(cache), fresh: true, ...(digest ? { modelDigest: digest } : {}), ...(signal ? { signal } : {}) });
  out.write(`server: ${describeHost(spec)}${found.kind ? ` (${found.kind}${found.version ? ` ${found.version}` : ''})` : ''}\n`);
  out.write(`sampling sent on every request: ${Object.entries(backend.sampling ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  out.write(`${findingInWords(found)}\n`);
  out.write(`saved in ${cache}: runs on this server and model use it until the server's version or the model changes, or for a week.\n`);
  return found.thinkStop === 'runs-on' ? 1 : 0;
}
