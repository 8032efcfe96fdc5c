// OpenAI-compatible backend: raw-prompt /v1/completions, streamed as server-sent events, as vLLM
// and SGLang serve it. Token counts come from the stream's usage (requested with
// stream_options.include_usage), else from the server's /tokenize, else they are estimates
// (one token a chunk) and the done event says so.
import { createParser } from 'eventsource-parser';
import { M1Error, cancelled, isAbortError } from '../errors';
import { sleep } from '../sleep';
import { thinkJoiner } from '../chat/reasoning';
import type { Backend, ChatRequest, FinishReason, GenerateEvent, GenerateRequest, ServerInfo } from './backend';
import { clip, idleTimeoutFromEnv, patientFetch } from './http';
import { isStreamCut } from './ollama';
import { tokenLengthsIf } from './tokenBoundaries';

export interface OpenAIBackendOptions {
  /** Server root, with or without /v1 (`http://gpu1:8000`, `http://gpu1:8000/v1`). */
  url: string;
  /** Sent as a Bearer token; never read from settings files. */
  apiKey?: string;
  /** How often 429/503 is retried before giving up. */
  busyRetries?: number;
  busyBackoffMs?: number;
  /** How long a started answer may send nothing before it counts as stalled (default 10 min). */
  idleTimeoutMs?: number;
}

/** `http://h:8000/v1/` → `http://h:8000`. */
export function openaiRoot(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** A streamed choice: `text` from /v1/completions, `delta` from /v1/chat/completions. */
interface StreamChoice {
  text?: string;
  delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
  finish_reason?: string | null;
  /** /v1/completions with `logprobs`: each token's text (vLLM's and SGLang's CompletionLogProbs). */
  logprobs?: { tokens?: unknown } | null;
}

interface CompletionChunk {
  choices?: StreamChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string } | string;
  object?: string;
  message?: string;
}

const errorText = (body: unknown): string => {
  if (typeof body !== 'object' || body === null) return String(body);
  const b = body as { message?: unknown; error?: unknown; detail?: unknown };
  if (typeof b.message === 'string') return b.message;
  if (typeof b.error === 'string') return b.error;
  if (typeof b.error === 'object' && b.error !== null && typeof (b.error as { message?: unknown }).message === 'string') return (b.error as { message: string }).message;
  if (typeof b.detail === 'string') return b.detail;
  return JSON.stringify(body);
};

/**
 * Neutral sampling for vLLM and SGLang: unset fields are filled from the model's
 * generation_config.json (vllm/entrypoints/openai/protocol.py CompletionRequest.to_sampling_params;
 * Qwen2.5's sets repetition_penalty 1.05, top_k 20, top_p 0.8). -1 turns top_k off on both.
 */
export const OPENAI_NEUTRAL_SAMPLING: Readonly<Record<string, number>> = {
  top_p: 1,
  top_k: -1,
  min_p: 0,
  repetition_penalty: 1,
  frequency_penalty: 0,
  presence_penalty: 0,
};

export class OpenAIBackend implements Backend {
  readonly root: string;
  readonly label: string;
  readonly sampling = OPENAI_NEUTRAL_SAMPLING;
  /** Whether the server has vLLM's /tokenize; learnt on first use. */
  private tokenizeAvailable: boolean | undefined;

  /** Waits for headers as long as the server lives; a started answer that goes silent is a stall. */
  private readonly fetch: typeof fetch;

  constructor(private readonly options: OpenAIBackendOptions) {
    this.root = openaiRoot(options.url);
    this.label = `the OpenAI-compatible server at ${this.root}`;
    this.fetch = patientFetch(options.idleTimeoutMs ?? idleTimeoutFromEnv(), this.label);
  }

  private headers(): Record<string, string> {
    return { 'Content-Type': 'application/json', ...(this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : {}) };
  }

  async *generate(req: GenerateRequest): AsyncGenerator<GenerateEvent> {
    yield* this.read(req, await this.start(req), (choice) => choice.text);
  }

  /**
   * /v1/chat/completions: the server applies the model's chat template. A reasoning section the
   * server parses out (`reasoning_content`, or `reasoning` in newer vLLM) is joined back in
   * `<think>…</think>`, so the text is the whole output.
   */
  async *chat(req: ChatRequest): AsyncGenerator<GenerateEvent> {
    const body = JSON.stringify({
      model: req.model,
      messages: req.messages,
      max_tokens: req.maxTokens,
      temperature: req.temperature,
      seed: req.seed,
      ...OPENAI_NEUTRAL_SAMPLING,
      stream: true,
      stream_options: { include_usage: true },
    });
    const join = thinkJoiner();
    yield* this.read(req, await this.post('/v1/chat/completions', body, req), (choice) => join(choice.delta?.reasoning_content ?? choice.delta?.reasoning ?? undefined, choice.delta?.content ?? undefined, !!choice.finish_reason));
  }

  /** Reads a streamed completion: its text (as `textOf` takes it from each choice), then the done event. */
  private async *read(req: Pick<GenerateRequest, 'model' | 'signal' | 'tokenBoundaries'>, res: Response, textOf: (choice: StreamChoice) => string | undefined): AsyncGenerator<GenerateEvent> {
    const events: string[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e.data) });
    const decoder = new TextDecoder();
    let finish: string | undefined;
    let usage: CompletionChunk['usage'];
    let text = '';
    let chunks = 0;
    const pieces: string[] = [];
    let ended = false;
    try {
      for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(bytes, { stream: true }));
        for (let data = events.shift(); data !== undefined; data = events.shift()) {
          if (data === '[DONE]') {
            ended = true;
            break;
          }
          const chunk = JSON.parse(data) as CompletionChunk;
          if (chunk.error || chunk.object === 'error') throw new M1Error('stream-error', `${this.label} reported an error while generating: ${errorText(chunk)}`);
          const choice = chunk.choices?.[0];
          const piece = choice && textOf(choice);
          if (piece) {
            text += piece;
            chunks++;
            yield { type: 'text', text: piece };
          }
          const tokens = choice?.logprobs?.tokens;
          if (Array.isArray(tokens)) for (const t of tokens) pieces.push(typeof t === 'string' ? t : '');
          if (choice?.finish_reason) finish = choice.finish_reason;
          if (chunk.usage) usage = chunk.usage;
        }
        if (ended) break;
      }
    } catch (e) {
      if (req.signal?.aborted) throw cancelled();
      if (e instanceof M1Error) throw e;
      if (isStreamCut(e)) throw new M1Error('stream-cut', `The stream from ${this.label} ended before the model finished (the server stopped or the connection dropped).`);
      throw new M1Error('stream-error', `${this.label} sent a stream m1 could not read: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!finish) throw new M1Error('stream-cut', `The stream from ${this.label} ended without a finish reason (the server stopped or the connection dropped).`);
    if (finish !== 'stop' && finish !== 'length') throw new M1Error('stream-error', `${this.label} stopped generating with finish_reason "${finish}".`);
    // The reference re-encodes the returned text (M1-PROTOCOL.md step 1): the server's tokenizer
    // does that exactly; usage counts the EOS or stop token that ended a `stop` call as well.
    const served = usage?.completion_tokens;
    const counted = (await this.countTokens(req.model, text, req.signal)) ?? (served !== undefined && finish === 'stop' ? Math.max(0, served - 1) : served);
    yield {
      type: 'done',
      finishReason: finish as FinishReason,
      evalCount: served ?? counted ?? chunks,
      ...(counted !== undefined ? { textTokens: counted } : {}),
      ...(usage?.prompt_tokens !== undefined ? { promptEvalCount: usage.prompt_tokens } : {}),
      ...(counted === undefined ? { estimatedCount: true } : {}),
      ...(tokenLengthsIf(req.tokenBoundaries, text, pieces) ?? {}),
    };
  }

  private async start(req: GenerateRequest): Promise<Response> {
    const body = JSON.stringify({
      model: req.model,
      prompt: req.prompt,
      max_tokens: req.maxTokens,
      stop: [...req.stop],
      temperature: req.temperature,
      seed: req.seed,
      ...OPENAI_NEUTRAL_SAMPLING,
      // Stop strings are special tokens: vLLM matches stops on text decoded without them unless
      // told (vllm/v1/engine/detokenizer.py IncrementalDetokenizer.update), so they never match.
      skip_special_tokens: false,
      // One logprob a token brings its text: where the tokens begin, which chunks do not tell.
      ...(req.tokenBoundaries ? { logprobs: 1 } : {}),
      stream: true,
      stream_options: { include_usage: true },
    });
    return this.post('/v1/completions', body, req);
  }

  /** POSTs a request, retrying 429/503 with a doubling backoff. */
  private async post(path: string, body: string, req: Pick<GenerateRequest, 'model' | 'signal'>): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw cancelled();
      let res: Response;
      try {
        res = await this.fetch(`${this.root}${path}`, { method: 'POST', headers: this.headers(), body, ...(req.signal ? { signal: req.signal } : {}) });
      } catch (e) {
        if (req.signal?.aborted || isAbortError(e)) throw cancelled();
        throw this.unreachable(e);
      }
      if (res.ok) return res;
      const error = await this.httpError(res, req.model);
      if (error.code !== 'busy' || attempt >= (this.options.busyRetries ?? 5)) throw error;
      await sleep((this.options.busyBackoffMs ?? 500) * 2 ** attempt, req.signal);
    }
  }

  /** Counts the generated text with the server's tokenizer (vLLM's /tokenize), if it has one. */
  private async countTokens(model: string, text: string, signal?: AbortSignal): Promise<number | undefined> {
    if (this.tokenizeAvailable === false) return undefined;
    try {
      const res = await fetch(`${this.root}/tokenize`, { method: 'POST', headers: this.headers(), body: JSON.stringify({ model, prompt: text, add_special_tokens: false }), ...(signal ? { signal } : {}) });
      this.tokenizeAvailable = res.ok;
      if (!res.ok) return undefined;
      const body = (await res.json()) as { count?: unknown };
      return typeof body.count === 'number' ? body.count : undefined;
    } catch {
      if (signal?.aborted) throw cancelled();
      return undefined;
    }
  }

  private unreachable(e: unknown): M1Error {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
    return new M1Error('unreachable', `Cannot reach ${this.label} (${why}). Check that vLLM or SGLang is running there and the URL is right.`);
  }

  private async httpError(res: Response, model: string): Promise<M1Error> {
    const raw = await res.text().catch(() => '');
    let message = raw;
    try {
      message = errorText(JSON.parse(raw));
    } catch {
      // not JSON: the text as it came
    }
    message = clip(message);
    const status = res.status;
    if (status === 401 || status === 403) {
      return new M1Error('http', `${this.label} refused the API key (${status}: ${message}). Set it with "m1: Set Server API Key" in VS Code or the M1_API_KEY environment variable for the CLI.`, status);
    }
    if (status === 404 && /model/i.test(message)) {
      return new M1Error('model-not-found', `Model "${model}" is not served by ${this.label} (${message}). Use the name the server lists in /v1/models.`, status);
    }
    if (status === 429 || status === 503) return new M1Error('busy', `${this.label} is busy (${status}: ${message}).`, status);
    return new M1Error('http', `${this.label} answered ${status}: ${message}`, status);
  }

  /** The server names itself in /v1/models' `owned_by` (vLLM's and SGLang's ModelCard defaults). */
  async describeServer(signal?: AbortSignal): Promise<ServerInfo> {
    const owner = (await this.modelCards(signal))[0]?.owned_by;
    return { kind: typeof owner === 'string' && owner ? owner : 'openai-compatible' };
  }

  /** The served model ids (GET /v1/models). */
  async models(signal?: AbortSignal): Promise<string[]> {
    return (await this.modelCards(signal)).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  }

  private async modelCards(signal?: AbortSignal): Promise<Array<{ id?: unknown; owned_by?: unknown }>> {
    let res: Response;
    try {
      res = await fetch(`${this.root}/v1/models`, { headers: this.headers(), signal: signal ?? AbortSignal.timeout(5000) });
    } catch (e) {
      if (signal?.aborted) throw cancelled();
      throw this.unreachable(e);
    }
    if (!res.ok) throw await this.httpError(res, '');
    const body = (await res.json()) as { data?: Array<{ id?: unknown; owned_by?: unknown }> };
    return Array.isArray(body.data) ? body.data : [];
  }
}
