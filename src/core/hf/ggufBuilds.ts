// GGUF builds of an m1 model on the Hugging Face Hub: repos tagged as quantized from it, and the
// quantizations each offers with their file sizes, ready to pull as hf.co/{repo}:{quant}.
import { parseGGUFQuantLabel } from '@huggingface/gguf';
import * as z from 'zod/mini';
import { M1Error } from '../errors';

export const DEFAULT_HUB = 'https://huggingface.co';

export interface GgufQuant {
  quant: string;
  files: string[];
  /** Bytes, all shards together. */
  size: number;
}

export interface GgufBuild {
  repo: string;
  downloads?: number;
  quants: GgufQuant[];
}

export interface HubOptions {
  hubUrl?: string;
  /** Repos to look at, most downloaded first. */
  limit?: number;
  fetch?: typeof fetch;
}

/** Quantizations in a repo's file list (shards of one quantization are summed). */
export function quantsOf(files: Array<{ path: string; size: number }>): GgufQuant[] {
  const byQuant = new Map<string, GgufQuant>();
  for (const f of files) {
    if (!f.path.toLowerCase().endsWith('.gguf') || /mmproj/i.test(f.path)) continue;
    const quant = parseGGUFQuantLabel(f.path.split('/').pop()!);
    if (!quant) continue;
    const q = byQuant.get(quant) ?? { quant, files: [], size: 0 };
    q.files.push(f.path);
    q.size += f.size;
    byQuant.set(quant, q);
  }
  return [...byQuant.values()].sort((a, b) => a.size - b.size);
}

// The two Hub routes used, in the shapes @huggingface/hub reads them (lib/list-models.ts listModels,
// lib/list-files.ts listFiles): arrays of JSON, the next page named in a `Link: <…>; rel="next"` header.
const modelsPage = z.array(z.object({ id: z.string(), downloads: z.optional(z.number()) }));
const treePage = z.array(z.object({ type: z.string(), path: z.string(), size: z.number() }));

/** `<url>; rel="next"` of a Link header (utils/parseLinkHeader.ts of @huggingface/hub). */
function nextPage(link: string | null): string | undefined {
  return link ? /<(https?:\/\/[^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
}

/** Items of a paged Hub listing, up to `max`. */
async function getPages<T>(url: string, page: z.ZodMiniType<T[]>, max: number, get: typeof fetch): Promise<T[]> {
  const items: T[] = [];
  for (let next: string | undefined = url; next && items.length < max; ) {
    const res = await get(next, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText} from ${next}`);
    const parsed = page.safeParse(await res.json());
    if (!parsed.success) throw new Error(`unexpected answer from ${next}: ${z.prettifyError(parsed.error)}`);
    items.push(...parsed.data);
    next = nextPage(res.headers.get('link'));
  }
  return items.slice(0, max);
}

export async function findGgufBuilds(baseModel: string, opts: HubOptions = {}): Promise<GgufBuild[]> {
  const hubUrl = (opts.hubUrl || DEFAULT_HUB).replace(/\/$/, '');
  const get = opts.fetch ?? fetch;
  const limit = opts.limit ?? 10;
  try {
    const search = new URLSearchParams([['limit', String(limit)], ['sort', 'downloads'], ['filter', 'gguf'], ['filter', `base_model:quantized:${baseModel}`]]);
    const models = await getPages(`${hubUrl}/api/models?${search}`, modelsPage, limit, get);
    const builds: GgufBuild[] = [];
    for (const m of models) {
      const repoPath = m.id.split('/').map(encodeURIComponent).join('/');
      const tree = await getPages(`${hubUrl}/api/models/${repoPath}/tree/main`, treePage, Infinity, get);
      const quants = quantsOf(tree.filter((f) => f.type === 'file'));
      if (quants.length) builds.push({ repo: m.id, ...(m.downloads !== undefined ? { downloads: m.downloads } : {}), quants });
    }
    return builds;
  } catch (e) {
    throw new M1Error('unreachable', `Could not search ${hubUrl} for GGUF builds of ${baseModel}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The name Ollama pulls a Hugging Face GGUF build by. */
export function ollamaNameFor(repo: string, quant: string): string {
  return `hf.co/${repo}:${quant}`;
}
