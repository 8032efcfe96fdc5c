// GGUF builds of an m1 model on the Hugging Face Hub: repos tagged as quantized from it, and the
// quantizations each offers with their file sizes, ready to pull as hf.co/{repo}:{quant}.
import { parseGGUFQuantLabel } from '@huggingface/gguf';
import { listFiles, listModels } from '@huggingface/hub';
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

export async function findGgufBuilds(baseModel: string, opts: HubOptions = {}): Promise<GgufBuild[]> {
  const hubUrl = (opts.hubUrl || DEFAULT_HUB).replace(/\/$/, '');
  const common = { hubUrl, ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  try {
    const builds: GgufBuild[] = [];
    for await (const m of listModels({ ...common, search: { tags: ['gguf', `base_model:quantized:${baseModel}`] }, sort: 'downloads', limit: opts.limit ?? 10 })) {
      const files: Array<{ path: string; size: number }> = [];
      for await (const f of listFiles({ ...common, repo: { type: 'model', name: m.name } })) if (f.type === 'file') files.push({ path: f.path, size: f.size });
      const quants = quantsOf(files);
      if (quants.length) builds.push({ repo: m.name, ...(m.downloads !== undefined ? { downloads: m.downloads } : {}), quants });
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
