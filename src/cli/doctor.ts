// `m1 doctor [--host HOST] [--model NAME]`: what a server and model really do, found by asking them
// (server kind and version, the sampling m1 sends, whether `<|im_start|>` stops a thought), in
// plain words. Exit 1 when budget forcing cannot be exact there.
import { parseArgs } from 'node:util';
import { thinkStopCaveat } from '../core/backends/caveats';
import { createBackend, describeHost, parseHostSpec } from '../core/backends/hosts';
import { resolveOllamaHost } from '../core/backends/ollama';
import { probeThinkStop } from '../core/backends/probe';

type Out = Pick<NodeJS.WriteStream, 'write'>;

export const DOCTOR_USAGE = `Usage: m1 doctor [--host HOST] [--model NAME]

Asks the server and model what they do: the server's kind and version, the sampling m1 sends on
every request, and a tiny generation from a finished thought to see whether <|im_start|> stops it.
  --host HOST    [ollama:|openai:]URL (default $OLLAMA_HOST or http://127.0.0.1:11434)
  --model NAME   model (default $M1_MODEL or m1-7b-23k)
Exit status 1 when the think stop is not exact on this server.
`;

export async function doctor(argv: string[], env: NodeJS.ProcessEnv, out: Out, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { host: { type: 'string' }, model: { type: 'string' } } });
  const spec = parseHostSpec(values.host ?? resolveOllamaHost(undefined, env));
  const model = spec.model ?? values.model ?? env.M1_MODEL ?? 'm1-7b-23k';
  const backend = createBackend(spec, env.M1_API_KEY);
  const info = await backend.describeServer?.(signal);
  out.write(`server: ${describeHost(spec)}${info ? ` (${info.kind}${info.version ? ` ${info.version}` : ''})` : ''}\n`);
  out.write(`sampling sent on every request: ${Object.entries(backend.sampling ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  const caveat = info && thinkStopCaveat(info);
  if (caveat) out.write(`note: ${caveat}\n`);
  const finding = await probeThinkStop(backend, model, signal);
  out.write(`think stop with ${model}: ${finding.thinkStop}. ${finding.detail}\n`);
  return finding.thinkStop === 'runs-on' ? 1 : 0;
}
