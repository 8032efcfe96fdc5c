// OpenAI-compatible backend: raw-prompt /v1/completions, streamed as server-sent events, as vLLM
// and SGLang serve it. Token counts come from the stream's usage (requested with
// stream_options.include_usage), else from the server's /tokenize, else they are estimates
// (one token a chunk) and the done event says so.
import { createParser } from 'eventsource-parser';
import { M1Error, cancelled, isAbortError } from '../errors';
import { sleep } from '../sleep';
import type { Backend, FinishReason, GenerateEvent, GenerateRequest } from './backend';
import { isStreamCut } from './ollama';

export interface OpenAIBackendOptions {
  /** Server root, with or without /v1 (`http://gpu1:8000`, `http://gpu1:8000/v1`). */
  url: string;
  /** Sent as a Bearer token; never read from settings files. */
  apiKey?: string;
  /** How often 429/503 is retried before giving up. */
  busyRetries?: number;
  busyBackoffMs?: number;
}

/** `http://h:8000/v1/` → `http://h:8000`. */
export function openaiRoot(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}

interface CompletionChunk {
  choices?: Array<{ text?: string; finish_reason?: string | null }>;
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

export class OpenAIBackend implements Backend {
  readonly root: string;
  readonly label: string;
  /** Whether the server has vLLM's /tokenize; learnt on first use. */
  private tokenizeAvailable: boolean | undefined;

  constructor(private readonly options: OpenAIBackendOptions) {
    this.root = openaiRoot(options.url);
    this.label = `the OpenAI-compatible server at ${this.root}`;
  }

  private headers(): Record<string, string> {
    return { 'Content-Type': 'application/json', ...(this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : {}) };
  }

  async *generate(req: GenerateRequest): AsyncGenerator<GenerateEvent> {
    const res = await this.start(req);
    const events: string[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e.data) });
    const decoder = new TextDecoder();
    let finish: string | undefined;
    let usage: CompletionChunk['usage'];
    let text = '';
    let chunks = 0;
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
          if (choice?.text) {
            text += choice.text;
            chunks++;
            yield { type: 'text', text: choice.text };
          }
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
    const counted = usage?.completion_tokens ?? (await this.countTokens(req.model, text, req.signal));
    yield {
      type: 'done',
      finishReason: finish as FinishReason,
      evalCount: counted ?? chunks,
      ...(usage?.prompt_tokens !== undefined ? { promptEvalCount: usage.prompt_tokens } : {}),
      ...(counted === undefined ? { estimatedCount: true } : {}),
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
      stream: true,
      stream_options: { include_usage: true },
    });
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw cancelled();
      let res: Response;
      try {
        res = await fetch(`${this.root}/v1/completions`, { method: 'POST', headers: this.headers(), body, ...(req.signal ? { signal: req.signal } : {}) });
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

  /** The served model ids (GET /v1/models). */
  async models(signal?: AbortSignal): Promise<string[]> {
    let res: Response;
    try {
      res = await fetch(`${this.root}/v1/models`, { headers: this.headers(), signal: signal ?? AbortSignal.timeout(5000) });
    } catch (e) {
      if (signal?.aborted) throw cancelled();
      throw this.unreachable(e);
    }
    if (!res.ok) throw await this.httpError(res, '');
    const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  }
}
