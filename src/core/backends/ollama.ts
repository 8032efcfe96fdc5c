// Ollama backend: raw-prompt /api/generate through the `ollama` package, with the errors a user
// meets mapped to messages that say what to do.
import { Ollama, type AbortableAsyncIterator, type GenerateResponse } from 'ollama';
import { M1Error, cancelled, isAbortError } from '../errors';
import { formatBytes } from '../format';
import { sleep } from '../sleep';
import { clip, idleTimeoutFromEnv, patientFetch } from './http';
import { thinkJoiner } from '../chat/reasoning';
import type { Backend, ChatRequest, GenerateEvent, GenerateRequest, ServerInfo } from './backend';
import { tokenLengthsIf } from './tokenBoundaries';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
/** First version that reports done_reason, which budget forcing depends on. */
export const MIN_OLLAMA_VERSION = '0.1.35';
/** Ollama ends a stream after more than 30 identical chunks in a row (llm/server.go). */
const REPEAT_LIMIT = 30;
/** num_ctx is rounded up to this, so similar questions share one value (a change reloads the model). */
const NUM_CTX_STEP = 2048;

/**
 * Every sampler stage Ollama has, set to do nothing, so temperature 0 is plain argmax (M1-PROTOCOL.md
 * step 5). Ollama before 0.32.10 defaults to repeat_penalty 1.1 over the last 64 tokens
 * (api/types.go DefaultOptions), applied before the argmax; a model's Modelfile can set others.
 */
export const OLLAMA_NEUTRAL_SAMPLING: Readonly<Record<string, number>> = {
  repeat_penalty: 1,
  repeat_last_n: 0,
  presence_penalty: 0,
  frequency_penalty: 0,
  top_k: 0,
  top_p: 1,
  min_p: 0,
  typical_p: 1,
};

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
  /** How long a started answer may send nothing before it counts as stalled (default 10 min). */
  idleTimeoutMs?: number;
}

export class OllamaBackend implements Backend {
  readonly host: string;
  readonly label: string;
  readonly sampling = OLLAMA_NEUTRAL_SAMPLING;
  private readonly busyRetries: number;
  private readonly busyBackoffMs: number;
  /** Waits for headers as long as the server lives (a queue behind a model load is not a failure). */
  private readonly fetch: typeof fetch;
  /** The context each model had loaded when this backend first used it (/api/ps), 0 when none. */
  private readonly loaded = new Map<string, Promise<number>>();

  constructor(private readonly options: OllamaBackendOptions = {}) {
    this.host = normalizeHost(options.host);
    this.label = `Ollama at ${this.host}`;
    this.busyRetries = options.busyRetries ?? 5;
    this.busyBackoffMs = options.busyBackoffMs ?? 500;
    this.fetch = patientFetch(options.idleTimeoutMs ?? idleTimeoutFromEnv(), this.label);
  }

  async *generate(req: GenerateRequest): AsyncGenerator<GenerateEvent> {
    // Never below the loaded model's context: a smaller num_ctx would reload it for nothing.
    const numCtx = Math.max(numCtxFor(req), await this.loadedContext(req.model));
    yield* this.read(await this.startStream(req, numCtx), req, numCtx, (part) => part.response ?? '');
  }

  /**
   * /api/chat: the model's own template (no `raw`), and its own stop strings (none sent). A model
   * with the thinking capability thinks by default and its thinking comes apart from the content
   * (server/routes.go ChatHandler sets Think when the request has none); it is joined back.
   */
  async *chat(req: ChatRequest): AsyncGenerator<GenerateEvent> {
    const numCtx = numCtxFor({ prompt: '', maxTokens: req.maxTokens, ...(req.contextTokens !== undefined ? { contextTokens: req.contextTokens } : {}) });
    const stream = await this.retrying(req, (client) =>
      client.chat({
        model: req.model,
        messages: req.messages.map((m) => ({ ...m })),
        stream: true,
        ...(this.options.keepAlive !== undefined ? { keep_alive: this.options.keepAlive } : {}),
        options: { ...OLLAMA_NEUTRAL_SAMPLING, num_predict: req.maxTokens, num_ctx: numCtx, temperature: req.temperature, seed: req.seed },
      }),
    );
    const join = thinkJoiner();
    yield* this.read(stream, req, numCtx, (part) => join(part.message.thinking, part.message.content, part.done));
  }

  /** Streams the text of each part, then the done event; errors mapped, a cancel honoured. */
  private async *read<P extends Pick<GenerateResponse, 'done' | 'done_reason' | 'eval_count' | 'prompt_eval_count' | 'eval_duration' | 'logprobs'>>(
    stream: AbortableAsyncIterator<P>,
    req: Pick<GenerateRequest, 'signal' | 'tokenBoundaries'>,
    numCtx: number,
    text: (part: P) => string,
  ): AsyncGenerator<GenerateEvent> {
    const onAbort = () => stream.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    // Ollama's repetition guard ends the stream with no done line after more than 30 chunks of the
    // same trimmed text (llm/server.go Completion). Greedy decoding would repeat it on every retry,
    // so it is a finish of its own, not a cut: the chunks are counted to tell the two apart.
    let chunks = 0;
    let last: string | undefined;
    let repeats = 0;
    let all = '';
    const pieces: string[] = [];
    try {
      for await (const part of stream) {
        const t = text(part);
        // Each part carries the logprobs of the tokens its text holds (Ollama 0.12.11 and later).
        for (const l of part.logprobs ?? []) pieces.push(l.token);
        if (t) {
          all += t;
          chunks++;
          repeats = t.trim() === last ? repeats + 1 : 0;
          last = t.trim();
          yield { type: 'text', text: t };
        }
        if (part.done) {
          yield { ...this.doneEvent(part, numCtx), ...tokenLengthsIf(req.tokenBoundaries, all, pieces) } as GenerateEvent;
          return;
        }
      }
    } catch (e) {
      if (req.signal?.aborted) throw cancelled();
      if (repeats >= REPEAT_LIMIT && /Did not receive done/.test(e instanceof Error ? e.message : '')) {
        yield { type: 'done', finishReason: 'length', repetitionGuard: true, evalCount: chunks, estimatedCount: true, numCtx };
        return;
      }
      throw mapStreamError(e, this.label);
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  private startStream(req: GenerateRequest, numCtx: number) {
    return this.retrying(req, (client) =>
      client.generate({
        model: req.model,
        prompt: req.prompt,
        raw: true,
        stream: true,
        // Each token's text, where the tokens begin: chunks do not tell (the runner holds back a
        // possible stop string's start and incomplete UTF-8). Older servers ignore the field.
        ...(req.tokenBoundaries ? { logprobs: true } : {}),
        ...(this.options.keepAlive !== undefined ? { keep_alive: this.options.keepAlive } : {}),
        options: {
          ...OLLAMA_NEUTRAL_SAMPLING,
          num_predict: req.maxTokens,
          num_ctx: numCtx,
          stop: [...req.stop],
          temperature: req.temperature,
          seed: req.seed,
        },
      }),
    );
  }

  /** Starts a stream, retrying a 503 "server busy" with a doubling backoff. */
  private async retrying<T>(req: Pick<GenerateRequest, 'model' | 'signal'>, start: (client: Ollama) => Promise<T>): Promise<T> {
    const client = new Ollama({ host: this.host, fetch: fetchWithSignal(req.signal, this.fetch) });
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw cancelled();
      try {
        return await start(client);
      } catch (e) {
        if (req.signal?.aborted || isAbortError(e)) throw cancelled();
        const mapped = this.mapError(e, req.model);
        if (mapped.code !== 'busy' || attempt >= this.busyRetries) throw mapped;
        await sleep(this.busyBackoffMs * 2 ** attempt, req.signal);
      }
    }
  }

  private doneEvent(part: Pick<GenerateResponse, 'done_reason' | 'eval_count' | 'prompt_eval_count' | 'eval_duration'>, numCtx: number): GenerateEvent {
    const reason = (part as Partial<GenerateResponse>).done_reason;
    if (reason !== 'stop' && reason !== 'length') {
      throw new M1Error(
        'server-too-old',
        `${this.label} did not say why generation stopped (done_reason: ${String(reason)}). ` +
          `Budget forcing needs Ollama ${MIN_OLLAMA_VERSION} or newer: update Ollama.`,
      );
    }
    const evalCount = part.eval_count ?? 0;
    return {
      type: 'done',
      finishReason: reason,
      evalCount,
      // The runner counts the EOS or stop token it sampled last (runner/llamarunner/runner.go:
      // numDecoded grows before TokenIsEog / FindStop end the sequence), but the text lacks it.
      textTokens: reason === 'stop' ? Math.max(0, evalCount - 1) : evalCount,
      ...(part.prompt_eval_count !== undefined ? { promptEvalCount: part.prompt_eval_count } : {}),
      ...(part.eval_duration !== undefined ? { evalDurationNs: part.eval_duration } : {}),
      numCtx,
    };
  }

  mapError(e: unknown, model?: string): M1Error {
    return mapOllamaError(e, this.host, model);
  }

  /** The loaded model's num_ctx (ProcessModelResponse.context_length is the runner's NumCtx), asked once. */
  private loadedContext(model: string): Promise<number> {
    let known = this.loaded.get(model);
    if (!known) {
      const client = new Ollama({ host: this.host, fetch: fetchWithSignal(AbortSignal.timeout(5000)) });
      known = client
        .ps()
        .then(({ models }) => {
          const m = models.find((x) => isModelNamed(x, model)) as { context_length?: unknown } | undefined;
          return typeof m?.context_length === 'number' ? m.context_length : 0;
        })
        .catch(() => 0); // an older server or none: the request says what is wrong
      this.loaded.set(model, known);
    }
    return known;
  }

  async describeServer(signal?: AbortSignal): Promise<ServerInfo> {
    const { version } = await new Ollama({ host: this.host, fetch: fetchWithSignal(signal ?? AbortSignal.timeout(5000)) }).version();
    return { kind: 'ollama', version };
  }
}

/**
 * A stream that stopped part way: reading the body fails with a TypeError ("terminated"; before the
 * response it would be "fetch failed"), or ollama-js saw the body end without a done line.
 */
export function isStreamCut(e: unknown): boolean {
  const message = clip(e instanceof Error ? e.message : String(e));
  return (e instanceof TypeError && message !== 'fetch failed') || /Did not receive done/.test(message);
}

/** Errors after the stream started: an {"error"} line (ollama-js throws a plain Error) or a cut. */
function mapStreamError(e: unknown, label: string): M1Error {
  if (e instanceof M1Error) return e;
  if (isAbortError(e)) return cancelled();
  const message = clip(e instanceof Error ? e.message : String(e));
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
  const message = clip(e instanceof Error ? e.message : String(e));
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
export function fetchWithSignal(signal: AbortSignal | undefined, base: typeof fetch = fetch): typeof fetch {
  if (!signal) return base;
  return (input, init) => {
    const signals = [signal, init?.signal].filter((s): s is AbortSignal => !!s);
    return base(input, { ...init, signal: AbortSignal.any(signals) });
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
