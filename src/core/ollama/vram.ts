// GPU memory, to tell which m1 build fits: nvidia-smi's total memory of the largest GPU, and what
// a model needs there: its weights, the KV cache of every parallel slot, and the runtime.
import { execFile } from 'node:child_process';
import { compareVersions } from './discover';

const GiB = 1024 ** 3;

/** What a model's KV cache grows with, per token: its attention layers, KV heads and head sizes. */
export interface KvShape {
  layers: number;
  kvHeads: number;
  keyLength: number;
  valueLength: number;
}

/**
 * Qwen2.5's config.json (the m1 models' bases): 7B has 28 layers and 4 KV heads, 32B 64 layers and
 * 8 KV heads; both 128-wide heads (hidden_size / num_attention_heads: 3584 / 28, 5120 / 40).
 */
export const QWEN25_7B_KV: KvShape = { layers: 28, kvHeads: 4, keyLength: 128, valueLength: 128 };
export const QWEN25_32B_KV: KvShape = { layers: 64, kvHeads: 8, keyLength: 128, valueLength: 128 };

/**
 * The shape from a GGUF's metadata or /api/show's model_info, keyed by architecture
 * ("qwen2.block_count", "qwen2.attention.head_count_kv", …); a head's size is
 * attention.key_length, else embedding_length / head_count (ollama/ollama fs/ggml/ggml.go
 * EmbeddingHeadCountK). Undefined when a field is missing.
 */
export function kvShapeFromModelInfo(info: Record<string, unknown>): KvShape | undefined {
  const arch = info['general.architecture'];
  if (typeof arch !== 'string') return undefined;
  const num = (key: string) => {
    const v = info[`${arch}.${key}`];
    return typeof v === 'number' || typeof v === 'bigint' ? Number(v) : undefined;
  };
  const layers = num('block_count');
  const heads = num('attention.head_count');
  const kvHeads = num('attention.head_count_kv') ?? heads;
  const embedding = num('embedding_length');
  const perHead = embedding !== undefined && heads ? embedding / heads : undefined;
  const keyLength = num('attention.key_length') ?? perHead;
  const valueLength = num('attention.value_length') ?? perHead;
  if (!layers || !kvHeads || !keyLength || !valueLength) return undefined;
  return { layers, kvHeads, keyLength, valueLength };
}

/**
 * Bytes of KV cache Ollama allocates: num_ctx tokens for each parallel slot, keys and values for
 * every layer's KV heads, 2 bytes an element at the default f16 cache type (ollama/ollama
 * fs/ggml/ggml.go GraphSize: context *= numParallel; kv = context × (headsK + headsV) × headsKV ×
 * bytesPerElement per layer).
 */
export function kvCacheBytes(shape: KvShape, numCtx: number, parallel: number, bytesPerElement = 2): number {
  return numCtx * parallel * (shape.keyLength + shape.valueLength) * shape.kvHeads * shape.layers * bytesPerElement;
}

/**
 * The parallel slots an Ollama loads a model with: OLLAMA_NUM_PARALLEL from the server's
 * environment when set, else its default (ollama/ollama envconfig/config.go NumParallel): 1 since
 * 0.9.7; before, "auto" up to 2 (0.6.7) or 4 (server/sched.go defaultParallel), the worst case
 * taken. An unknown version is taken as a current one.
 */
export function ollamaParallel(env: NodeJS.ProcessEnv, version?: string): number {
  const n = Number(env.OLLAMA_NUM_PARALLEL);
  if (Number.isInteger(n) && n > 0) return n;
  if (!version || compareVersions(version, '0.9.7') >= 0) return 1;
  return compareVersions(version, '0.6.7') >= 0 ? 2 : 4;
}

/** The runtime's own share (CUDA context, compute graph): an approximation, about 1 GiB. */
const RUNTIME_GIB = 1;

/** GiB of GPU memory a model needs: its weights, the KV cache of num_ctx × parallel slots, the runtime. */
export function vramNeededGiB(o: { weightsBytes: number; shape: KvShape; numCtx: number; parallel: number }): number {
  return (o.weightsBytes + kvCacheBytes(o.shape, o.numCtx, o.parallel)) / GiB + RUNTIME_GIB;
}

/** `nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits` output (MiB a line) → GiB of the largest GPU. */
export function parseNvidiaSmi(output: string): number | undefined {
  const mib = output
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isFinite(n) && n > 0);
  return mib.length ? Math.max(...mib) / 1024 : undefined;
}

export function detectVramGiB(binary = 'nvidia-smi'): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(binary, ['--query-gpu=memory.total', '--format=csv,noheader,nounits'], { timeout: 5000 }, (err, stdout) => resolve(err ? undefined : parseNvidiaSmi(stdout)));
  });
}

/** "fits your 24 GB GPU" / "needs ≈ 22 GB, your GPU has 8 GB" / "" when unknown. */
export function fitNote(neededGiB: number, vramGiB: number | undefined): string {
  if (vramGiB === undefined) return '';
  return neededGiB <= vramGiB ? `fits your ${Math.round(vramGiB)} GB GPU` : `needs ≈ ${Math.round(neededGiB)} GB, your GPU has ${Math.round(vramGiB)} GB`;
}
