// A fake Ollama HTTP server that follows Ollama's API (docs/api.md): the same routes, NDJSON
// streams, done_reason/eval_count/durations, {"error": "..."} bodies with real status codes,
// errors inside 200 streams, a default 4096-token context that truncates long prompts, and
// OLLAMA_NUM_PARALLEL / OLLAMA_MAX_QUEUE behaviour. It plays scripted models (./script.ts).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compareVersions } from '../../src/core/ollama/discover';
import { renderChatTemplate, thinkingParser, type ChatMessage } from './chat';
import { plan, stopHit, type Script } from './script';
import { endsIncomplete, tokenText, tokenize } from './tokenizer';

export interface FakeModel {
  name: string;
  /** Bytes on disk, reported by /api/tags and /api/ps. */
  size?: number;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  /** Shown by /api/show. */
  license?: string;
  /** Has the thinking capability: /api/chat returns its `<think>` section as `message.thinking`. */
  thinking?: boolean;
}

export interface PullableModel extends FakeModel {
  /** Size of the single layer streamed by /api/pull. */
  size: number;
}

export interface FakeOllamaOptions {
  port?: number;
  version?: string;
  models?: FakeModel[];
  scripts?: Script[];
  /** Models /api/pull can fetch (others fail like an unknown manifest). */
  pullable?: PullableModel[];
  pullChunks?: number;
  pullDelayMs?: number;
  /** Per-token delay for every script that sets none. */
  tokenDelayMs?: number;
  /** The next pull's connection drops after this many progress chunks (once). */
  pullCutAfterChunks?: number;
  /** The next pull sends this error line after its first progress chunk (once), e.g. a full disk. */
  pullErrorLine?: string;
  /** Servers before 0.1.35 sent no done_reason. */
  omitDoneReason?: boolean;
  /** Context when the request sets no num_ctx (Ollama: 4096 below 24 GiB VRAM). */
  defaultNumCtx?: number;
  numParallel?: number;
  maxQueue?: number;
  /**
   * Reload mode: a request whose num_ctx differs from the loaded model's waits, with no response
   * headers, until the requests in flight finish and the reload (this long) is done.
   */
  reloadDelayMs?: number;
  /** The next N /api/generate requests get 503 "server busy". */
  busyResponses?: number;
}

export interface GenerateLog {
  model: string;
  prompt: string;
  raw: boolean;
  options: Record<string, unknown>;
  numCtx: number;
  promptTokens: number;
  /** The prompt was longer than num_ctx and lost tokens (Ollama only logs a warning). */
  truncated: boolean;
  /** Prompt + output outgrew num_ctx during generation (Ollama shifts the context). */
  contextShift: boolean;
  phase: string;
  evalCount: number;
  doneReason?: string;
  /** The model had to be (re)loaded, e.g. because num_ctx changed. */
  reloaded: boolean;
  /** The stream ended by Ollama's repetition guard (no done line). */
  repetitionGuard?: boolean;
  /** Sampling the server applied because the request left it out (e.g. `repeat_penalty 1.1`). */
  samplingAdded: string[];
}

export interface CreatedModel {
  model: string;
  files?: Record<string, string>;
  template?: string;
  parameters?: Record<string, unknown>;
}

export interface FakeOllama {
  url: string;
  /** Bodies of /api/create requests that succeeded. */
  created: CreatedModel[];
  /** Digests of the blobs uploaded through /api/blobs. */
  blobs: Set<string>;
  port: number;
  generateLog: GenerateLog[];
  /** Model loads so far, the first included (each num_ctx change is one). */
  readonly loads: number;
  /** Every request: method and path. */
  requests: string[];
  options: FakeOllamaOptions;
  close(): Promise<void>;
}

/** How a generation answers a chat request: `parse` splits a thinking model's output. */
interface ChatMode {
  parse: ((piece: string) => [string, string]) | undefined;
}

const NS_PER_MS = 1_000_000;

/**
 * Sampler stages Ollama turns on by itself when a request leaves them out. Before 0.32.10
 * DefaultOptions sets RepeatPenalty 1.1 over RepeatLastN 64 (ollama/ollama api/types.go at
 * v0.12.6; 1.0 at v0.32.10), and the llama.cpp sampler chain applies penalties before the
 * temperature-0 argmax, so such a request is not greedy decoding.
 */
export function samplingAdded(opts: Record<string, unknown>, version: string): string[] {
  if (compareVersions(version, '0.32.10') >= 0) return [];
  const penalty = opts.repeat_penalty ?? 1.1;
  const lastN = opts.repeat_last_n ?? 64;
  return penalty !== 1 && lastN !== 0 ? [`repeat_penalty ${String(penalty)} over ${String(lastN)} tokens`] : [];
}
const GiB = 1024 ** 3;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const digestOf = (name: string) => createHash('sha256').update(name).digest('hex');

const GO_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * How long a model stays loaded after a request, in ms, as ollama/ollama api/types.go
 * Duration.UnmarshalJSON reads keep_alive: a number is seconds, a string a Go duration ("5m",
 * "1h30m"), a negative value forever, absent 5 minutes (OLLAMA_KEEP_ALIVE's default,
 * server/sched.go). Undefined: not a duration (Ollama answers 400).
 */
export function keepAliveMs(v: unknown): number | undefined {
  if (v === undefined || v === null) return 5 * 60_000;
  if (typeof v === 'number') return v < 0 ? Infinity : v * 1000;
  if (typeof v !== 'string') return undefined;
  if (/^[+-]?0$/.test(v)) return 0;
  const m = /^([+-]?)((?:\d+(?:\.\d*)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(v);
  if (!m) return undefined;
  let ms = 0;
  for (const [, n, unit] of m[2]!.matchAll(/(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(n) * GO_UNITS_MS[unit!]!;
  return m[1] === '-' ? Infinity : ms;
}

/** Ollama accepts "name" and "name:latest" for the same model. */
function canonical(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

export async function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const models = new Map<string, FakeModel>();
  for (const m of options.models ?? [{ name: 'm1-7b-23k' }]) models.set(canonical(m.name), m);
  const loaded = new Map<string, { numCtx: number; expiresAt: number }>();
  const generateLog: GenerateLog[] = [];
  const created: CreatedModel[] = [];
  const blobs = new Set<string>();
  const requests: string[] = [];
  let running = 0;
  let loads = 0;
  let inFlight = 0;
  let drained: Array<() => void> = [];
  let reloading: Promise<void> | undefined;

  /**
   * Reload mode, as Ollama's scheduler does it (ollama/ollama server/sched.go processPending:
   * needsReload is true when the runner options, num_ctx among them, differ; the scheduler then
   * waits for the loaded runner's requests to finish, unloads it and loads anew). Requests behind
   * it wait too, and none gets response headers before its runner is ready.
   */
  async function schedule(name: string, numCtx: number): Promise<void> {
    for (;;) {
      if (reloading) {
        await reloading;
        continue;
      }
      if (loaded.get(name)?.numCtx === numCtx) return;
      reloading = (async () => {
        while (inFlight > 0) await new Promise<void>((r) => drained.push(r));
        await delay(options.reloadDelayMs ?? 0);
        loaded.set(name, { numCtx, expiresAt: Date.now() + 5 * 60_000 });
        loads++;
      })().finally(() => {
        reloading = undefined;
      });
    }
  }
  const waiting: Array<() => void> = [];

  const modelEntry = (m: FakeModel) => ({
    name: canonical(m.name),
    model: canonical(m.name),
    modified_at: '2026-01-01T00:00:00Z',
    size: m.size ?? 4_683_087_332,
    digest: digestOf(m.name),
    details: {
      parent_model: '',
      format: 'gguf',
      family: m.family ?? 'qwen2',
      families: [m.family ?? 'qwen2'],
      parameter_size: m.parameterSize ?? '7.6B',
      quantization_level: m.quantization ?? 'Q4_K_M',
    },
  });

  async function acquireSlot(): Promise<boolean> {
    const parallel = options.numParallel ?? 1;
    if (running < parallel) {
      running++;
      return true;
    }
    if (waiting.length >= (options.maxQueue ?? 512)) return false;
    await new Promise<void>((r) => waiting.push(r));
    running++;
    return true;
  }
  function releaseSlot(): void {
    running--;
    waiting.shift()?.();
  }

  async function generate(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, chatMode?: ChatMode): Promise<void> {
    const model = String(body.model ?? '');
    if (!model) return send(res, 400, { error: 'model is required' });
    const known = models.get(canonical(model));
    if (!known) return send(res, 404, { error: `model "${model}" not found, try pulling it first` });
    const keepAlive = keepAliveMs(body.keep_alive);
    if (keepAlive === undefined) return send(res, 400, { error: `time: invalid duration "${String(body.keep_alive)}"` });
    // An empty prompt with keep_alive 0 unloads the model at once (ollama/ollama server/routes.go
    // GenerateHandler: "expire the runner if unload is requested", done_reason "unload").
    if (!body.prompt && keepAlive === 0) {
      loaded.delete(canonical(model));
      return send(res, 200, { model, created_at: new Date().toISOString(), response: '', done: true, done_reason: 'unload' });
    }
    if ((options.busyResponses ?? 0) > 0) {
      options.busyResponses!--;
      return send(res, 503, { error: 'server busy, please try again.  maximum pending requests exceeded' });
    }
    if (options.reloadDelayMs !== undefined) {
      const opts = (body.options ?? {}) as Record<string, unknown>;
      await schedule(canonical(model), typeof opts.num_ctx === 'number' ? opts.num_ctx : (options.defaultNumCtx ?? 4096));
    }
    inFlight++;
    res.on('close', () => {
      if (--inFlight > 0) return;
      const waiting = drained;
      drained = [];
      for (const wake of waiting) wake();
    });
    if (!(await acquireSlot())) return send(res, 503, { error: 'server busy, please try again.  maximum pending requests exceeded' });
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    try {
      await streamGeneration(res, body, known, () => closed, keepAlive, chatMode);
    } finally {
      releaseSlot();
      // A runner whose keep_alive is 0 is expired when its last request ends (server/sched.go
      // processCompleted: sessionDuration <= 0 → expiredCh).
      if (keepAlive === 0) loaded.delete(canonical(known.name));
    }
  }

  /**
   * /api/chat: the model's template rendered over the messages server-side (server/routes.go
   * ChatHandler → server/prompt.go chatPrompt), then generated like a raw prompt with the
   * model's own stop strings; parts carry `message` instead of `response` (api/types.go
   * ChatResponse). A thinking model thinks unless the request says `think: false` (ChatHandler
   * sets Think when the request has none), its thinking split off by the thinking parser.
   */
  async function chat(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
    const known = models.get(canonical(String(body.model ?? '')));
    const opts = (body.options ?? {}) as Record<string, unknown>;
    const thinks = known?.thinking === true && body.think !== false;
    const prompt = renderChatTemplate(messages.map((m) => ({ role: String(m.role), content: String(m.content) })));
    // The Modelfile's stop parameters (what /api/show lists) apply when the request sets none.
    const generateBody = { ...body, prompt, raw: true, options: { stop: ['<|im_end|>', '<|im_start|>'], ...opts } };
    return generate(req, res, generateBody, { parse: thinks ? thinkingParser() : undefined });
  }

  async function streamGeneration(res: ServerResponse, body: Record<string, unknown>, model: FakeModel, isClosed: () => boolean, keepAlive: number, chatMode?: ChatMode): Promise<void> {
    const started = Date.now();
    const opts = (body.options ?? {}) as Record<string, unknown>;
    const numCtx = typeof opts.num_ctx === 'number' ? opts.num_ctx : (options.defaultNumCtx ?? 4096);
    const numPredict = typeof opts.num_predict === 'number' && opts.num_predict >= 0 ? opts.num_predict : Infinity;
    const stop = Array.isArray(opts.stop) ? (opts.stop as string[]) : [];
    const raw = body.raw === true;
    const stream = body.stream !== false;
    let prompt = String(body.prompt ?? '');
    if (!raw) prompt = `<|im_start|>user\n${prompt}<|im_end|>\n<|im_start|>assistant\n`;

    const name = canonical(model.name);
    const previous = loaded.get(name);
    const reloaded = !previous || previous.numCtx !== numCtx;
    if (reloaded) loads++;
    // The timer restarts when the request ends; from now is close enough for /api/ps.
    loaded.set(name, { numCtx, expiresAt: Date.now() + keepAlive });

    // Ollama keeps the first few tokens and drops from the middle when the prompt is too long.
    let promptTokens = tokenize(prompt);
    const truncated = promptTokens.length > numCtx;
    if (truncated) promptTokens = [...promptTokens.slice(0, 4), ...promptTokens.slice(promptTokens.length - numCtx + 4)];
    const seen = promptTokens.join('');
    const p = plan(seen, options.scripts ?? []);
    const entry: GenerateLog = {
      model: name,
      prompt,
      raw,
      options: opts,
      numCtx,
      promptTokens: promptTokens.length,
      truncated,
      contextShift: false,
      phase: p.phase,
      evalCount: 0,
      reloaded,
      samplingAdded: samplingAdded(opts, options.version ?? '0.12.6'),
    };
    generateLog.push(entry);

    const tokenDelay = p.script.tokenDelayMs ?? options.tokenDelayMs ?? 0;
    const llamaServer = compareVersions(options.version ?? '0.12.6', '0.30.0') >= 0;
    const failure = p.script.failure && (p.script.failure.phase ?? 'think') === p.phase ? p.script.failure : undefined;
    const base = { model: name, created_at: '' };
    const lines: string[] = [];
    // A chat part's text goes in `message` (thinking apart for a thinking model).
    const piece = (text: string): Record<string, unknown> => {
      if (!chatMode) return { response: text };
      const [thinking, content] = chatMode.parse ? chatMode.parse(text) : ['', text];
      return { message: { role: 'assistant', content, ...(thinking ? { thinking } : {}) } };
    };
    const write = (obj: Record<string, unknown>) => {
      const line = `${JSON.stringify({ ...base, created_at: new Date().toISOString(), ...obj })}\n`;
      if (stream) res.write(line);
      else lines.push(line);
    };
    if (stream) res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });

    let output = '';
    let evalCount = 0;
    let doneReason: 'stop' | 'length' = 'stop';
    let stopped = false;
    // Logprobs (api/types.go GenerateRequest.Logprobs, from 0.12.11) carry each token's text.
    const logprobs = body.logprobs === true && compareVersions(options.version ?? '0.12.6', '0.12.11') >= 0;
    // Tokens generated but not sent yet, and how much of the output was sent.
    let pending: string[] = [];
    let sent = 0;
    let lastChunk: string | undefined;
    let repeats = 0;
    /**
     * Sends the output up to `upTo` as one chunk with the logprobs of the tokens in it; true when
     * that trips the repetition guard. The llama runner sends the held tokens' text joined, with
     * all their logprobs, and nothing at all (logprobs dropped) for empty text
     * (runner/llamarunner/runner.go flushPending). llama-server sends a held token's text with the
     * next token's chunk, whose probabilities are that one token's (llama.cpp tools/server
     * server.cpp send_partial_response: prob_output = tkn), and Ollama forwards only chunks with
     * content (llm/llama_server.go Completion). The guard: more than 30 chunks in a row with the
     * same trimmed text end the request with no done line (llm/server.go Completion: tokenRepeat
     * > 30 returns ctx.Err(), nil while the request lives, so the 200 stream simply ends).
     */
    const flush = (upTo: number, tokens: string[]): boolean => {
      // A sequence that ends inside a character drops the half (flushPending trims invalid UTF-8).
      const text = output.slice(sent, upTo).replace(/[\uD800-\uDBFF]$/, '');
      sent = upTo;
      pending = [];
      if (!text || !stream) return false;
      repeats = text.trim() === lastChunk ? repeats + 1 : 0;
      lastChunk = text.trim();
      if (repeats > 30) return true;
      const probs = llamaServer ? tokens.slice(-1) : tokens;
      // A token alone that is half a character is invalid UTF-8, which Go's JSON writes as U+FFFD.
      write({ ...piece(text), done: false, ...(logprobs ? { logprobs: probs.map((token) => ({ token: tokenText(token), logprob: 0 })) } : {}) });
      return false;
    };
    for (const token of p.tokens) {
      if (isClosed()) return; // client went away: Ollama cancels the request
      if (evalCount >= numPredict) {
        doneReason = 'length';
        break;
      }
      if (failure && evalCount === failure.afterTokens) {
        if (failure.kind === 'stall') {
          while (!isClosed()) await delay(20);
          return;
        }
        if (failure.kind === 'crash') {
          await new Promise<void>((resolve) => res.write('', () => resolve())); // what was sent arrives first
          res.socket?.destroy();
          return;
        }
        write({ error: failure.message ?? 'an error was encountered while running the model: unexpected EOF' });
        res.end();
        return;
      }
      // llama-server mode (Ollama 0.30 and later) renders a control token as empty text unless it
      // is "preserved" (ollama/ollama llm/llama_server.go llamaServerPreservedTokens), so the stop
      // string <|im_start|> never matches; <|im_end|> still ends generation as EOS.
      const shown = llamaServer && token === '<|im_start|>' ? '' : token;
      const hit = stopHit(output, shown, stop);
      if (hit) {
        // The text before the stop string goes out; a token wholly inside the stop string loses
        // its logprob, one cut part way keeps it (runner.go: TruncateStop, then pendingLogprobs
        // shortened by the tokens removed).
        output += hit.before;
        flush(output.length, hit.before ? [...pending, shown] : pending);
        evalCount++;
        stopped = true;
        break;
      }
      if (promptTokens.length + evalCount >= numCtx) entry.contextShift = true;
      if (tokenDelay > 0) await delay(tokenDelay);
      output += shown;
      pending.push(shown);
      evalCount++;
      // Text that may be the start of a stop string is held back until it is not (runner.go
      // processBatch: ContainsStopSuffix → continue; llama.cpp server.cpp process_token holds a
      // partial stop string the same way), and so is a character not complete yet (runner.go:
      // IncompleteUnicode → continue; llama.cpp server.cpp: validate_utf8).
      const held = output.slice(sent);
      if (endsIncomplete(held) || stop.some((s) => [...Array(s.length).keys()].some((i) => held.endsWith(s.slice(0, i + 1))))) continue;
      if (flush(output.length, pending)) {
        entry.repetitionGuard = true;
        res.end();
        return;
      }
    }
    // A sequence that ends sends what it held back (runner.go removeSequence → flushPending).
    if (!stopped) flush(output.length, pending);
    // The script ran out: the model samples EOS, which the runner counts in eval_count but never
    // sends (ollama/ollama runner/llamarunner/runner.go processBatch: numPredicted++, then
    // TokenIsEog ends the sequence with DoneReasonStop); at num_predict it is never sampled.
    if (!stopped && doneReason === 'stop') {
      if (evalCount >= numPredict) doneReason = 'length';
      else evalCount++;
    }
    entry.evalCount = evalCount;
    entry.doneReason = doneReason;
    const evalMs = Math.max(1, Date.now() - started);
    const final: Record<string, unknown> = {
      ...piece(stream ? '' : output.replace(/[\uD800-\uDBFF]$/, '')),
      done: true,
      ...(options.omitDoneReason ? {} : { done_reason: doneReason }),
      total_duration: (Date.now() - started) * NS_PER_MS + 1,
      load_duration: reloaded ? 250 * NS_PER_MS : 100_000,
      prompt_eval_count: promptTokens.length,
      prompt_eval_duration: 1_000_000,
      eval_count: evalCount,
      eval_duration: evalMs * NS_PER_MS,
    };
    if (stream) {
      write(final);
      res.end();
    } else {
      send(res, 200, { ...base, created_at: new Date().toISOString(), ...final });
    }
  }

  async function pull(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const name = String(body.model ?? body.name ?? '');
    const target = (options.pullable ?? []).find((m) => canonical(m.name) === canonical(name));
    if (!target) return send(res, 500, { error: 'pull model manifest: file does not exist' });
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    const line = (o: unknown) => res.write(`${JSON.stringify(o)}\n`);
    const digest = `sha256:${digestOf(target.name)}`;
    line({ status: 'pulling manifest' });
    line({ status: `pulling ${digest.slice(7, 19)}`, digest, total: target.size });
    const chunks = options.pullChunks ?? 10;
    for (let i = 1; i <= chunks; i++) {
      await delay(options.pullDelayMs ?? 0);
      if (closed) return;
      if (options.pullCutAfterChunks !== undefined && i > options.pullCutAfterChunks) {
        delete options.pullCutAfterChunks;
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        res.socket?.destroy();
        return;
      }
      if (options.pullErrorLine && i > 1) {
        line({ error: options.pullErrorLine });
        delete options.pullErrorLine;
        return void res.end();
      }
      line({ status: `pulling ${digest.slice(7, 19)}`, digest, total: target.size, completed: Math.round((target.size * i) / chunks) });
    }
    line({ status: 'verifying sha256 digest' });
    line({ status: 'writing manifest' });
    models.set(canonical(target.name), target);
    line({ status: 'success' });
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(`${req.method} ${path}`);
    const json = async (): Promise<Record<string, unknown> | undefined> => {
      const text = await readBody(req);
      try {
        const v = text ? JSON.parse(text) : {};
        return typeof v === 'object' && v !== null ? v : undefined;
      } catch {
        return undefined;
      }
    };
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end(req.method === 'HEAD' ? undefined : 'Ollama is running');
    }
    if (req.method === 'GET' && path === '/api/version') return send(res, 200, { version: options.version ?? '0.12.6' });
    if (req.method === 'GET' && path === '/api/tags') return send(res, 200, { models: [...models.values()].map(modelEntry) });
    if (req.method === 'GET' && path === '/api/ps') {
      const now = Date.now();
      const list = [...loaded.entries()]
        .filter(([, l]) => l.expiresAt > now)
        .map(([name, l]) => {
          const m = models.get(name) ?? { name };
          const size = (m.size ?? 4_683_087_332) + Math.round((l.numCtx / 4096) * 0.25 * GiB);
          // "Forever" (a negative keep_alive) is now plus Go's longest duration, about 292 years.
          const expires = Number.isFinite(l.expiresAt) ? l.expiresAt : now + 9_223_372_036_854;
          return { ...modelEntry(m), size, size_vram: size, expires_at: new Date(expires).toISOString(), context_length: l.numCtx };
        })
        // Longest time remaining first (ollama/ollama server/routes.go PsHandler).
        .sort((a, b) => b.expires_at.localeCompare(a.expires_at));
      return send(res, 200, { models: list });
    }
    const blob = /^\/api\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path);
    if (blob && req.method === 'HEAD') {
      res.writeHead(blobs.has(blob[1]!) ? 200 : 404);
      return void res.end();
    }
    if (blob && req.method === 'POST') {
      const hash = createHash('sha256');
      for await (const chunk of req) hash.update(chunk as Buffer);
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== blob[1]) return send(res, 400, { error: `digest mismatch, expected "${blob[1]}", got "${actual}"` });
      blobs.add(actual);
      res.writeHead(201);
      return void res.end();
    }
    if (req.method !== 'POST' && req.method !== 'DELETE') return send(res, 404, { error: `${req.method} ${path} not found` });
    const body = await json();
    if (!body) return send(res, 400, { error: 'invalid character in JSON body' });
    switch (path) {
      case '/api/generate':
        return generate(req, res, body);
      case '/api/chat':
        return chat(req, res, body);
      case '/api/pull':
        return pull(res, body);
      case '/api/show': {
        const name = String(body.model ?? body.name ?? '');
        const m = models.get(canonical(name));
        if (!m) return send(res, 404, { error: `model '${name}' not found` });
        return send(res, 200, {
          modelfile: `FROM ${name}\n`,
          parameters: 'stop "<|im_end|>"\nstop "<|im_start|>"',
          template: '{{ .Prompt }}',
          // server/routes.go GetModelInfo: the license texts joined by newlines, the modification time.
          ...(m.license ? { license: m.license } : {}),
          modified_at: '2026-01-01T00:00:00Z',
          details: modelEntry(m).details,
          // A Qwen2.5-7B GGUF's attention fields (its config.json: 28 layers, 28 heads, 4 KV heads, 3584 wide).
          model_info: { 'general.architecture': m.family ?? 'qwen2', 'qwen2.context_length': 32768, 'qwen2.block_count': 28, 'qwen2.attention.head_count': 28, 'qwen2.attention.head_count_kv': 4, 'qwen2.embedding_length': 3584 },
          capabilities: ['completion'],
        });
      }
      case '/api/create': {
        const name = String(body.model ?? body.name ?? '');
        if (!name) return send(res, 400, { error: 'model name is required' });
        // Before 0.5.5 CreateRequest has no `files` (ollama/ollama api/types.go at v0.5.4), and
        // CreateHandler answers 400 "path or Modelfile are required" (server/routes.go at v0.5.4).
        if (compareVersions(options.version ?? '0.12.6', '0.5.5') < 0 && typeof body.modelfile !== 'string' && typeof body.path !== 'string') {
          return send(res, 400, { error: 'path or Modelfile are required' });
        }
        const files = (body.files ?? undefined) as Record<string, string> | undefined;
        const missing = Object.values(files ?? {}).find((d) => !blobs.has(d));
        if (missing) return send(res, 400, { error: `blob ${missing} not found` });
        created.push({ model: name, ...(files ? { files } : {}), ...(typeof body.template === 'string' ? { template: body.template } : {}), ...(body.parameters ? { parameters: body.parameters as Record<string, unknown> } : {}) });
        models.set(canonical(name), { name });
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        for (const status of ['parsing GGUF', 'using existing layer', 'writing manifest', 'success']) res.write(`${JSON.stringify({ status })}\n`);
        return void res.end();
      }
      // server/routes.go DeleteHandler: 404 "model '<name>' not found", else 200 with no body; the
      // scheduler is not told, so a loaded model stays in /api/ps until it expires.
      case '/api/delete': {
        const name = canonical(String(body.model ?? body.name ?? ''));
        if (!models.delete(name)) return send(res, 404, { error: `model '${name}' not found` });
        res.writeHead(200);
        return void res.end();
      }
      default:
        return send(res, 404, { error: `${path} not found` });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(e) });
      else res.end();
    });
  });
  server.keepAliveTimeout = 0; // like Ollama's Go server: idle connections stay open for reuse
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    created,
    blobs,
    generateLog,
    requests,
    get loads() {
      return loads;
    },
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

