// The models an Ollama server holds in memory (/api/ps), and what can be done with one: unload it
// (keep_alive 0), delete it, or read its details (/api/show). Answers are checked, since any
// server can stand at the configured URL.
import { Ollama } from 'ollama';
import * as z from 'zod/mini';
import { fetchWithSignal, mapOllamaError } from '../backends/ollama';
import { M1Error } from '../errors';
import { formatBytes } from '../format';
import { kvCacheBytes, kvShapeFromModelInfo, ollamaParallel, type KvShape } from './vram';

export interface LoadedModel {
  name: string;
  /** Bytes the model takes in memory, and how many of them are on the GPU. */
  size: number;
  sizeVram: number;
  /** Context the runner was loaded with; absent on servers before 0.6. */
  contextLength?: number;
  /** When Ollama unloads it unless it is used again. */
  expiresAt: Date;
}

const psSchema = z.object({
  models: z.array(
    z.object({
      name: z.string(),
      size: z.number(),
      size_vram: z.number(),
      context_length: z.optional(z.number()),
      expires_at: z.string(),
    }),
  ),
});

const TIMEOUT_MS = 5000;

async function getJson(host: string, path: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${host}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw mapOllamaError(e, host);
  }
  if (!res.ok) throw new M1Error('http', `Ollama at ${host} answered ${res.status} to ${path}.`, res.status);
  return res.json();
}

export async function loadedModels(host: string): Promise<LoadedModel[]> {
  const parsed = psSchema.safeParse(await getJson(host, '/api/ps'));
  if (!parsed.success) throw new M1Error('http', `Ollama at ${host} sent an /api/ps answer m1 does not understand.`);
  return parsed.data.models.map((m) => ({ name: m.name, size: m.size, sizeVram: m.size_vram, ...(m.context_length ? { contextLength: m.context_length } : {}), expiresAt: new Date(m.expires_at) }));
}

const client = (host: string) => new Ollama({ host, fetch: fetchWithSignal(AbortSignal.timeout(30_000)) });

/** Frees the model's memory now: an empty prompt with keep_alive 0 (Ollama's documented unload). */
export async function unloadModel(host: string, name: string): Promise<void> {
  try {
    await client(host).generate({ model: name, prompt: '', keep_alive: 0, stream: false });
  } catch (e) {
    throw mapOllamaError(e, host, name);
  }
}

export async function deleteModel(host: string, name: string): Promise<void> {
  try {
    await client(host).delete({ model: name });
  } catch (e) {
    throw mapOllamaError(e, host, name);
  }
}

export interface ModelDetails {
  name: string;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  contextLength?: number;
  /** What the KV cache grows with (from model_info), when the server says. */
  kvShape?: KvShape;
  parameters: string;
  template: string;
  license: string;
  capabilities: string[];
}

const showSchema = z.object({
  parameters: z.optional(z.string()),
  template: z.optional(z.string()),
  license: z.optional(z.string()),
  capabilities: z.optional(z.array(z.string())),
  details: z.optional(z.object({ family: z.optional(z.string()), parameter_size: z.optional(z.string()), quantization_level: z.optional(z.string()) })),
  model_info: z.optional(z.record(z.string(), z.unknown())),
});

export async function showModel(host: string, name: string): Promise<ModelDetails> {
  let raw: unknown;
  try {
    raw = await client(host).show({ model: name });
  } catch (e) {
    throw mapOllamaError(e, host, name);
  }
  const parsed = showSchema.safeParse(raw);
  if (!parsed.success) throw new M1Error('http', `Ollama at ${host} sent an /api/show answer m1 does not understand.`);
  const s = parsed.data;
  const info = s.model_info ?? {};
  // The context length is keyed by architecture: "qwen2.context_length".
  const arch = info['general.architecture'];
  const ctx = typeof arch === 'string' ? info[`${arch}.context_length`] : undefined;
  const kvShape = kvShapeFromModelInfo(info);
  return {
    name,
    ...(s.details?.family ? { family: s.details.family } : {}),
    ...(s.details?.parameter_size ? { parameterSize: s.details.parameter_size } : {}),
    ...(s.details?.quantization_level ? { quantization: s.details.quantization_level } : {}),
    ...(typeof ctx === 'number' ? { contextLength: ctx } : {}),
    ...(kvShape ? { kvShape } : {}),
    parameters: s.parameters ?? '',
    template: s.template ?? '',
    license: s.license ?? '',
    capabilities: s.capabilities ?? [],
  };
}

/**
 * "56.0 KB a token; 448.0 MB at num_ctx 8,192 × 1 slot (OLLAMA_NUM_PARALLEL)": the KV cache on top of the weights, for
 * the parallel slots of a server started with `env`.
 */
export function kvCacheNote(shape: KvShape, env: NodeJS.ProcessEnv, numCtx = 8192): string {
  const parallel = ollamaParallel(env);
  return `${formatBytes(kvCacheBytes(shape, 1, 1))} a token; ${formatBytes(kvCacheBytes(shape, numCtx, parallel))} at num_ctx ${numCtx.toLocaleString('en-US')} × ${parallel} slot${parallel > 1 ? 's' : ''} (OLLAMA_NUM_PARALLEL)`;
}

/** The details as a Markdown document, for a read-only editor. */
export function detailsMarkdown(d: ModelDetails, env: NodeJS.ProcessEnv = process.env): string {
  const fence = (text: string) => `\`\`\`\n${text.replace(/```/g, '` ` `')}\n\`\`\``;
  return [
    `# ${d.name}`,
    '',
    `| | |\n|---|---|`,
    ...[
      ['family', d.family],
      ['parameters', d.parameterSize],
      ['quantization', d.quantization],
      ['context length', d.contextLength?.toLocaleString('en-US')],
      ['KV cache', d.kvShape && kvCacheNote(d.kvShape, env)],
      ['capabilities', d.capabilities.join(', ')],
    ]
      .filter((r): r is [string, string] => !!r[1])
      .map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
    '',
    '## Parameters',
    '',
    d.parameters ? fence(d.parameters) : '(none)',
    '',
    '## Template',
    '',
    d.template ? fence(d.template) : '(none)',
    '',
    '## License',
    '',
    d.license ? fence(d.license) : '(none given)',
    '',
  ].join('\n');
}

/** When a loaded model unloads: in n minutes or hours, within a minute, or never (a negative keep_alive); words are the caller's. */
export function expiresIn(at: Date, now = Date.now()): { unit: 'kept' } | { unit: 'soon' } | { unit: 'min'; n: number } | { unit: 'h'; n: number } {
  const ms = at.getTime() - now;
  if (ms > 100 * 365 * 24 * 3_600_000) return { unit: 'kept' };
  if (ms <= 60_000) return { unit: 'soon' };
  const min = Math.round(ms / 60_000);
  return min < 120 ? { unit: 'min', n: min } : { unit: 'h', n: Math.round(min / 60) };
}
