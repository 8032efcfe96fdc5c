// Imports a local .gguf file into Ollama as an m1 model: reads its metadata, uploads it as a blob
// (/api/blobs/:digest) and creates the model (/api/create) with the ChatML template and m1's stops.
import { gguf } from '@huggingface/gguf';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { M1Error, cancelled } from '../errors';
import { OLLAMA_NEUTRAL_SAMPLING } from '../backends/ollama';
import { STOP_STRINGS } from '../prompt';
import { compareVersions } from './discover';

/** Qwen2.5's chat template for Ollama (m1 itself is prompted raw; this serves plain chat use). */
export const CHATML_TEMPLATE =
  '{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}' +
  '{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n';

export interface GgufInfo {
  architecture?: string;
  contextLength?: number;
  chatTemplate?: string;
  name?: string;
  /** Present when the file does not look like a Qwen2 (m1) model. */
  warning?: string;
}

export async function readGgufInfo(path: string): Promise<GgufInfo> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new M1Error('bad-input', `${path} does not exist.`);
  }
  const head = Buffer.alloc(4);
  const fh = await open(path, 'r');
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (size < 4 || head.toString('latin1') !== 'GGUF') throw new M1Error('bad-input', `${path} is not a GGUF file (it does not start with "GGUF").`);
  let metadata: Record<string, unknown>;
  try {
    metadata = (await gguf(path, { allowLocalFile: true })).metadata as Record<string, unknown>;
  } catch (e) {
    throw new M1Error('bad-input', `${path} is not a readable GGUF file: ${e instanceof Error ? e.message : String(e)}`);
  }
  const architecture = typeof metadata['general.architecture'] === 'string' ? metadata['general.architecture'] : undefined;
  const ctx = architecture ? metadata[`${architecture}.context_length`] : undefined;
  const info: GgufInfo = {
    ...(architecture ? { architecture } : {}),
    ...(typeof ctx === 'number' || typeof ctx === 'bigint' ? { contextLength: Number(ctx) } : {}),
    ...(typeof metadata['tokenizer.chat_template'] === 'string' ? { chatTemplate: metadata['tokenizer.chat_template'] } : {}),
    ...(typeof metadata['general.name'] === 'string' ? { name: metadata['general.name'] } : {}),
  };
  if (architecture !== 'qwen2') {
    info.warning = `This file is a ${architecture ?? 'model of unknown architecture'}, not a Qwen2 model: m1 models are Qwen2.5 fine-tunes, so this is probably not m1.`;
  }
  return info;
}

export interface ImportProgress {
  phase: 'hashing' | 'uploading' | 'creating';
  done: number;
  total: number;
  status?: string;
}

async function sha256(path: string, total: number, onProgress: (p: ImportProgress) => void, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) {
    if (signal?.aborted) throw cancelled();
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress({ phase: 'hashing', done, total });
  }
  return `sha256:${hash.digest('hex')}`;
}

/** First Ollama whose /api/create takes uploaded `files` (api/types.go CreateRequest). */
export const MIN_CREATE_FILES_VERSION = '0.5.5';

/** Refuses before a multi-gigabyte upload that an older server could not use (it answers 400 after it). */
async function requireCreateFromFiles(host: string, signal?: AbortSignal): Promise<void> {
  const version = await fetch(`${host}/api/version`, { signal: signal ?? AbortSignal.timeout(5000) })
    .then(async (r) => ((await r.json()) as { version?: unknown }).version)
    .catch(() => undefined); // unknown: the import itself will say what is wrong
  if (typeof version === 'string' && compareVersions(version, MIN_CREATE_FILES_VERSION) < 0) {
    throw new M1Error('server-too-old', `Ollama ${version} at ${host} cannot create a model from an uploaded file (that needs Ollama ${MIN_CREATE_FILES_VERSION} or newer): update Ollama, then import again.`);
  }
}

/** Uploads the file (unless Ollama has it already) and creates `model` from it. */
export async function importGguf(host: string, path: string, model: string, onProgress: (p: ImportProgress) => void, signal?: AbortSignal): Promise<void> {
  await requireCreateFromFiles(host, signal);
  const total = (await stat(path)).size;
  const digest = await sha256(path, total, onProgress, signal);
  const fail = async (res: Response, what: string) => {
    const body = await res.text();
    let message = body;
    try {
      message = (JSON.parse(body) as { error?: string }).error ?? body;
    } catch {
      // not JSON: keep the text
    }
    return new M1Error('http', `Ollama at ${host} could not ${what}: ${message || res.status}`, res.status);
  };
  const exists = await fetch(`${host}/api/blobs/${digest}`, { method: 'HEAD', ...(signal ? { signal } : {}) });
  if (exists.status !== 200) {
    let sent = 0;
    const stream = createReadStream(path).on('data', (c) => {
      sent += (c as Buffer).length;
      onProgress({ phase: 'uploading', done: sent, total });
    });
    const res = await fetch(`${host}/api/blobs/${digest}`, {
      method: 'POST',
      body: Readable.toWeb(stream) as ReadableStream,
      duplex: 'half',
      ...(signal ? { signal } : {}),
    } as RequestInit);
    if (!res.ok) throw await fail(res, `store ${basename(path)}`);
  }
  onProgress({ phase: 'creating', done: 0, total: 1, status: 'creating model' });
  const res = await fetch(`${host}/api/create`, {
    method: 'POST',
    body: JSON.stringify({
      model,
      files: { [basename(path)]: digest },
      template: CHATML_TEMPLATE,
      // Neutral sampling in the model too, so its plain chat use is greedy like m1's runs.
      parameters: { stop: [...STOP_STRINGS], temperature: 0, ...OLLAMA_NEUTRAL_SAMPLING },
      stream: true,
    }),
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) throw await fail(res, `create ${model}`);
  // /api/create streams {status} lines; an error can still arrive as a line.
  for (const line of (await res.text()).split('\n').filter(Boolean)) {
    const msg = JSON.parse(line) as { status?: string; error?: string };
    if (msg.error) throw new M1Error('stream-error', `Ollama at ${host} could not create ${model}: ${msg.error}`);
    onProgress({ phase: 'creating', done: 1, total: 1, ...(msg.status ? { status: msg.status } : {}) });
  }
}
