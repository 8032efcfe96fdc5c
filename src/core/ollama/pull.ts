// Pulls a model through Ollama's /api/pull with progress (bytes, rate) and cancel. Ollama keeps
// what was downloaded, so pulling again after a cancel or a failure resumes.
import { Ollama } from 'ollama';
import { isStreamCut, mapOllamaError } from '../backends/ollama';
import { M1Error, cancelled } from '../errors';

export interface PullProgress {
  status: string;
  completed?: number;
  total?: number;
  /** Bytes per second over the last second or so. */
  rate?: number;
}

/** A pull cut half way (connection dropped) is tried again this often: Ollama resumes it. */
export const PULL_RETRIES = 2;

export async function pullModel(host: string, model: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await pullOnce(host, model, onProgress, signal);
    } catch (e) {
      if (!(e instanceof M1Error) || e.code !== 'stream-cut' || attempt >= PULL_RETRIES) throw e;
      onProgress({ status: `connection lost; resuming (try ${attempt + 2} of ${PULL_RETRIES + 1})` });
    }
  }
}

async function pullOnce(host: string, model: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
  const client = new Ollama({ host });
  let stream;
  try {
    stream = await client.pull({ model, stream: true });
  } catch (e) {
    throw pullError(e, host, model);
  }
  const onAbort = () => stream.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let last: { at: number; bytes: number } | undefined;
  let rate: number | undefined;
  try {
    for await (const p of stream) {
      if (p.completed !== undefined && p.total) {
        const now = Date.now();
        if (!last || p.completed < last.bytes) last = { at: now, bytes: p.completed };
        else if (now - last.at >= 1000) {
          rate = ((p.completed - last.bytes) * 1000) / (now - last.at);
          last = { at: now, bytes: p.completed };
        }
      }
      onProgress({ status: p.status, ...(p.completed !== undefined ? { completed: p.completed } : {}), ...(p.total ? { total: p.total } : {}), ...(rate ? { rate } : {}) });
    }
  } catch (e) {
    if (signal?.aborted) throw cancelled();
    throw pullError(e, host, model);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function pullError(e: unknown, host: string, model: string): M1Error {
  const message = e instanceof Error ? e.message : String(e);
  if (/file does not exist|manifest unknown|not found/i.test(message)) {
    return new M1Error('model-not-found', `There is no model "${model}" to pull (Ollama at ${host} said: ${message}). Check the name, e.g. hf.co/{user}/{repo}:{quant}.`);
  }
  if (/no space left|disk/i.test(message)) return new M1Error('http', `Ollama at ${host} ran out of disk space while pulling ${model}: ${message}`);
  if (isStreamCut(e)) {
    return new M1Error('stream-cut', `Pulling ${model} stopped half way (${message}). Pull again to resume where it stopped.`);
  }
  const mapped = mapOllamaError(e, host, model);
  return mapped.code === 'http' && !(e as { status_code?: number }).status_code ? new M1Error('stream-error', `Pulling ${model} failed: ${message}`) : mapped;
}
