// The models the m1 paper compares m1 with, as its reference evaluation runs them
// (UCSC-VLAA/m1 exp/250318-eval-baseline_llm/h100.makefile, exp/250318-eval-medical_llm/
// below_10b.makefile and above_10b.makefile): each under the chat protocol. Q4_K_M sizes and VRAM
// are approximate (≈ 0.6 bytes a parameter, plus an 8K context and the runtime).
import { itemKey, readRunFile, readRunHeader, type RunHeader, type RunRecord } from '../bench/runFile';
import { summarize } from '../bench/runner';
import { M1Error } from '../errors';
import type { ReferenceLine } from '../report/svg';
import { protocolLabel } from './protocol';

export interface PaperModel {
  /** Hugging Face id: GGUF builds are searched by it as their base model. */
  id: string;
  params: string;
  q4: number;
  vram: number;
  note: string;
}

export const BASELINE_MODELS: readonly PaperModel[] = [
  { id: 'Qwen/Qwen2.5-7B-Instruct', params: '7.6B', q4: 4.7, vram: 6, note: "m1-7B's base model" },
  { id: 'Qwen/Qwen2.5-32B-Instruct', params: '32.8B', q4: 19.9, vram: 22, note: "m1-32B's base model" },
  { id: 'FreedomIntelligence/HuatuoGPT-o1-7B', params: '7.6B', q4: 4.7, vram: 6, note: 'medical reasoning model (## Thinking / ## Final Response)' },
  { id: 'FreedomIntelligence/HuatuoGPT-o1-8B', params: '8.0B', q4: 4.9, vram: 6.5, note: 'medical reasoning model (## Thinking / ## Final Response)' },
  { id: 'TsinghuaC3I/Llama-3-8B-UltraMedical', params: '8.0B', q4: 4.9, vram: 6.5, note: 'medical model' },
  { id: 'm42-health/Llama3-Med42-8B', params: '8.0B', q4: 4.9, vram: 6.5, note: 'medical model' },
  { id: 'm42-health/Llama3-Med42-70B', params: '70.6B', q4: 42.5, vram: 46, note: 'the ~70B medical model m1-32B rivals' },
  { id: 'FreedomIntelligence/HuatuoGPT-o1-70B', params: '70.6B', q4: 42.5, vram: 46, note: '~70B medical reasoning model' },
];

/** "7.6B · Q4_K_M ≈ 4.7 GB · needs ≈ 6 GB VRAM": how Get Model describes a model of the paper. */
export const describePaperModel = (m: PaperModel) => `${m.params} · Q4_K_M ≈ ${m.q4} GB · needs ≈ ${m.vram} GB VRAM`;

/**
 * A baseline run as a sweep chart's reference line: its overall accuracy on the sweep's items.
 * A run over another benchmark is refused (its accuracy would not be comparable).
 */
export function baselineReference(run: { path: string; header: RunHeader; records: RunRecord[] }, bench: { benchHash: string; items: ReadonlyArray<{ source: string; index: number }> }): ReferenceLine {
  if (run.header.benchHash !== bench.benchHash) throw new M1Error('bad-input', `${run.path} ran another benchmark (${run.header.benchFile}): a reference line must come from the same items.`);
  const wanted = new Set(bench.items.map(itemKey));
  const records = run.records.filter((r) => wanted.has(itemKey(r)));
  return { name: `${run.header.settings.model} (${protocolLabel(run.header.settings)})`, accuracy: summarize(run.header.runId, run.path, records).overall.accuracy };
}

/**
 * The baseline runs (chat protocol) among `files` that ran the same benchmark and share items with
 * `bench`, as reference lines: what the results view draws on a sweep without being told.
 */
export async function baselineReferences(files: string[], bench: { benchHash: string; items: ReadonlyArray<{ source: string; index: number }> }): Promise<ReferenceLine[]> {
  const wanted = new Set(bench.items.map(itemKey));
  const lines: ReferenceLine[] = [];
  for (const path of files) {
    const header = await readRunHeader(path);
    if (!header || header.settings.protocol !== 'chat' || header.benchHash !== bench.benchHash) continue;
    const run = { path, ...(await readRunFile(path, { rounds: false })) };
    if (run.records.some((r) => wanted.has(itemKey(r)))) lines.push(baselineReference(run, bench));
  }
  return lines;
}
