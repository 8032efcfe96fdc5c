// Ollama backend: raw-prompt /api/generate through the `ollama` package, with the errors a user
// meets mapped to messages that say what to do.
import { Ollama, type GenerateResponse } from 'ollama';
import { M1Error, cancelled, isAbortError } from '../errors';
import { formatBytes } from '../format';
import { sleep } from '../sleep';
import type { Backend, GenerateEvent, GenerateRequest } from './backend';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
/** First version that reports done_reason, which budget forcing depends on. */
export const MIN_OLLAMA_VERSION = '0.1.35';
/** num_ctx is rounded up to this, so similar questions share one value (a change reloads the model). */
const NUM_CTX_STEP = 2048;

/** `host:port`, `:port`, bare host or full URL → `http://host:port` (Ollama's own rules). */
export function normalizeHost(host: string | undefined): string {
  const raw = (host ?? '').trim();
  if (!raw) return DEFAULT_OLLAMA_HOST;
  let withProtocol = raw.startsWith(':') ? `http://127.0.0.1${raw}` : raw;
  const explicit = withProtocol.includes('://');
  if (!explicit) withProtocol = `http://${withProtocol}`;
  const url = new URL(withProtocol);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1'; // a bind address, not a destination
  if (!url.port && !explicit) url.port = '11434';
  return url.toString().replace(/\/$/, '');
}

/** Setting, else OLLAMA_HOST, else the default. */
export function resolveOllamaHost(setting?: string, env: NodeJS.ProcessEnv = process.env): string {
  return normalizeHost(setting?.trim() || env.OLLAMA_HOST);
}

/** Tokens never outnumber UTF-8 bytes in a byte-level BPE (each token covers ≥ 1 byte). */
export function tokenUpperBound(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function numCtxFor(req: Pick<GenerateRequest, 'prompt' | 'maxTokens' | 'contextTokens'>): number {
  const needed = req.contextTokens ?? tokenUpperBound(req.prompt) + req.maxTokens;
  return Math.ceil(needed / NUM_CTX_STEP) * NUM_CTX_STEP;
}

export interface OllamaBackendOptions {
  host?: string;
  /** How often a 503 "server busy" is retried before giving up. */
  busyRetries?: number;
  /** First backoff delay after a 503, doubled on each retry. */
  busyBackoffMs?: number;
  keepAlive?: string | number;
}

export class OllamaBackend implements Backend {
  readonly host: string;
  readonly label: string;
  private readonly busyRetries: number;
  private readonly busyBackoffMs: number;

  constructor(private readonly options: OllamaBackendOptions = {}) {
    this.host = normalizeHost(options.host);
    this.label = `Ollama at ${this.host}`;
    this.busyRetries = options.busyRetries ?? 5;
    this.busyBackoffMs = options.busyBackoffMs ?? 500;
  }

  async *generate(req: GenerateRequest): AsyncGenerator<GenerateEvent> {
    const numCtx = numCtxFor(req);
    const stream = await this.startStream(req, numCtx);
    const onAbort = () => stream.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const part of stream) {
        if (part.response) yield { type: 'text', text: part.response };
        if (part.done) {
          yield this.doneEvent(part, numCtx);
          return;
        }
      }
    } catch (e) {
      if (req.signal?.aborted) throw cancelled();
      throw mapStreamError(e, this.label);
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async startStream(req: GenerateRequest, numCtx: number) {
    const client = new Ollama({ host: this.host, fetch: fetchWithSignal(req.signal) });
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw cancelled();
      try {
        return await client.generate({
          model: req.model,
          prompt: req.prompt,
          raw: true,
          stream: true,
          ...(this.options.keepAlive !== undefined ? { keep_alive: this.options.keepAlive } : {}),
          options: {
            num_predict: req.maxTokens,
            num_ctx: numCtx,
            stop: [...req.stop],
            temperature: req.temperature,
            seed: req.seed,
          },
        });
      } catch (e) {
        if (req.signal?.aborted || isAbortError(e)) throw cancelled();
        const mapped = this.mapError(e, req.model);
        if (mapped.code !== 'busy' || attempt >= this.busyRetries) throw mapped;
        await sleep(this.busyBackoffMs * 2 ** attempt, req.signal);
      }
    }
  }

  private doneEvent(part: GenerateResponse, numCtx: number): GenerateEvent {
    const reason = (part as Partial<GenerateResponse>).done_reason;
    if (reason !== 'stop' && reason !== 'length') {
      throw new M1Error(
        'server-too-old',
        `${this.label} did not say why generation stopped (done_reason: ${String(reason)}). ` +
          `Budget forcing needs Ollama ${MIN_OLLAMA_VERSION} or newer: update Ollama.`,
      );
    }
    return {
      type: 'done',
      finishReason: reason,
      evalCount: part.eval_count ?? 0,
      ...(part.prompt_eval_count !== undefined ? { promptEvalCount: part.prompt_eval_count } : {}),
      ...(part.eval_duration !== undefined ? { evalDurationNs: part.eval_duration } : {}),
      numCtx,
    };
  }

  mapError(e: unknown, model?: string): M1Error {
    return mapOllamaError(e, this.host, model);
  }
}

/**
 * A stream that stopped part way: reading the body fails with a TypeError ("terminated"; before the
 * response it would be "fetch failed"), or ollama-js saw the body end without a done line.
 */
export function isStreamCut(e: unknown): boolean {
  const message = e instanceof Error ? e.message : String(e);
  return (e instanceof TypeError && message !== 'fetch failed') || /Did not receive done/.test(message);
}

/** Errors after the stream started: an {"error"} line (ollama-js throws a plain Error) or a cut. */
function mapStreamError(e: unknown, label: string): M1Error {
  if (e instanceof M1Error) return e;
  if (isAbortError(e)) return cancelled();
  const message = e instanceof Error ? e.message : String(e);
  if (isStreamCut(e)) {
    return new M1Error('stream-cut', `The stream from ${label} ended before the model finished (the server stopped or the connection dropped).`);
  }
  return new M1Error('stream-error', `${label} reported an error while generating: ${message}`);
}

export function mapOllamaError(e: unknown, host: string, model?: string): M1Error {
  if (e instanceof M1Error) return e;
  if (isAbortError(e)) return cancelled();
  const label = `Ollama at ${host}`;
  const status = (e as { status_code?: unknown }).status_code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof status === 'number') {
    if (status === 404 && /not found/i.test(message)) {
      const name = model ?? 'the model';
      return new M1Error(
        'model-not-found',
        `Model "${name}" is not on ${label}. Get it with "m1: Get Model" or \`ollama pull <name>\`, ` +
          `or choose another with "m1: Select Model" (Ollama said: ${message}).`,
        status,
      );
    }
    if (status === 503) {
      return new M1Error('busy', `${label} is busy (${message}). Lower the concurrency or try again.`, status);
    }
    return new M1Error('http', `${label} answered ${status}: ${message}`, status);
  }
  // fetch fails with a TypeError whose cause says why (ECONNREFUSED, ENOTFOUND, bad port…).
  if (e instanceof TypeError) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return new M1Error(
      'unreachable',
      `Cannot reach ${label} (${cause?.code ?? cause?.message ?? message}). Start it with \`ollama serve\`, ` +
        `or point the setting m1.ollama.host / OLLAMA_HOST at a running server.`,
    );
  }
  return new M1Error('http', `${label} failed: ${message}`);
}

/** A fetch that also stops when `signal` aborts, so a cancel works before the first byte too. */
function fetchWithSignal(signal: AbortSignal | undefined): typeof fetch {
  if (!signal) return fetch;
  return (input, init) => {
    const signals = [signal, init?.signal].filter((s): s is AbortSignal => !!s);
    return fetch(input, { ...init, signal: AbortSignal.any(signals) });
  };
}

export interface OllamaModelInfo {
  name: string;
  size: number;
  digest?: string;
  parameterSize?: string;
  quantization?: string;
  family?: string;
}

/** "7.6B · Q4_K_M · 4.4 GB": how pickers and views describe an installed model. */
/** Ollama names `m1` and `m1:latest` the same model. */
export const isModelNamed = (m: { name: string }, name: string) => m.name === name || m.name === `${name}:latest`;

export function describeModel(m: OllamaModelInfo): string {
  return [m.parameterSize, m.quantization, formatBytes(m.size)].filter(Boolean).join(' · ');
}

/** Version and installed models: one call for health checks and model pickers. */
export async function ollamaInfo(host: string, signal?: AbortSignal): Promise<{ version: string; models: OllamaModelInfo[] }> {
  const client = new Ollama({ host, fetch: fetchWithSignal(signal ?? AbortSignal.timeout(5000)) });
  try {
    const [{ version }, { models }] = await Promise.all([client.version(), client.list()]);
    return {
      version,
      models: models.map((m) => ({
        name: m.name,
        size: m.size,
        digest: m.digest,
        parameterSize: m.details?.parameter_size,
        quantization: m.details?.quantization_level,
        family: m.details?.family,
      })),
    };
  } catch (e) {
    if (isAbortError(e) && !signal?.aborted) {
      throw new M1Error('unreachable', `Cannot reach Ollama at ${host}: no answer within 5 s.`);
    }
    throw mapOllamaError(e, host);
  }
}
