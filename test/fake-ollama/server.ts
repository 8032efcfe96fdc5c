// A fake Ollama HTTP server that follows Ollama's API (docs/api.md): the same routes, NDJSON
// streams, done_reason/eval_count/durations, {"error": "..."} bodies with real status codes,
// errors inside 200 streams, a default 4096-token context that truncates long prompts, and
// OLLAMA_NUM_PARALLEL / OLLAMA_MAX_QUEUE behaviour. It plays scripted models (./script.ts).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { plan, stopHit, type Script } from './script';
import { tokenize } from './tokenizer';

export interface FakeModel {
  name: string;
  /** Bytes on disk, reported by /api/tags and /api/ps. */
  size?: number;
  family?: string;
  parameterSize?: string;
  quantization?: string;
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
  /** Every request: method and path. */
  requests: string[];
  options: FakeOllamaOptions;
  close(): Promise<void>;
}

const NS_PER_MS = 1_000_000;
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

  async function generate(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const model = String(body.model ?? '');
    if (!model) return send(res, 400, { error: 'model is required' });
    const known = models.get(canonical(model));
    if (!known) return send(res, 404, { error: `model "${model}" not found, try pulling it first` });
    if ((options.busyResponses ?? 0) > 0) {
      options.busyResponses!--;
      return send(res, 503, { error: 'server busy, please try again.  maximum pending requests exceeded' });
    }
    if (!(await acquireSlot())) return send(res, 503, { error: 'server busy, please try again.  maximum pending requests exceeded' });
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    try {
      await streamGeneration(res, body, known, () => closed);
    } finally {
      releaseSlot();
    }
  }

  async function streamGeneration(res: ServerResponse, body: Record<string, unknown>, model: FakeModel, isClosed: () => boolean): Promise<void> {
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
    loaded.set(name, { numCtx, expiresAt: Date.now() + 5 * 60_000 });

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
    };
    generateLog.push(entry);

    const tokenDelay = p.script.tokenDelayMs ?? options.tokenDelayMs ?? 0;
    const failure = p.script.failure && (p.script.failure.phase ?? 'think') === p.phase ? p.script.failure : undefined;
    const base = { model: name, created_at: '' };
    const lines: string[] = [];
    const write = (obj: Record<string, unknown>) => {
      const line = `${JSON.stringify({ ...base, created_at: new Date().toISOString(), ...obj })}\n`;
      if (stream) res.write(line);
      else lines.push(line);
    };
    if (stream) res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });

    let output = '';
    let evalCount = 0;
    let doneReason: 'stop' | 'length' = 'stop';
    for (const token of p.tokens) {
      if (isClosed()) return; // client went away: Ollama cancels the request
      if (evalCount >= numPredict) {
        doneReason = 'length';
        break;
      }
      if (failure && evalCount === failure.afterTokens) {
        if (failure.kind === 'crash') {
          await new Promise<void>((resolve) => res.write('', () => resolve())); // what was sent arrives first
          res.socket?.destroy();
          return;
        }
        write({ error: failure.message ?? 'an error was encountered while running the model: unexpected EOF' });
        res.end();
        return;
      }
      const hit = stopHit(output, token, stop);
      if (hit) {
        if (hit.before) write({ response: hit.before, done: false });
        evalCount++;
        break;
      }
      if (promptTokens.length + evalCount >= numCtx) entry.contextShift = true;
      if (tokenDelay > 0) await delay(tokenDelay);
      output += token;
      evalCount++;
      if (stream) write({ response: token, done: false });
    }
    entry.evalCount = evalCount;
    entry.doneReason = doneReason;
    const evalMs = Math.max(1, Date.now() - started);
    const final: Record<string, unknown> = {
      response: stream ? '' : output,
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
          return { ...modelEntry(m), size, size_vram: size, expires_at: new Date(l.expiresAt).toISOString(), context_length: l.numCtx };
        });
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
          details: modelEntry(m).details,
          model_info: { 'general.architecture': m.family ?? 'qwen2', 'qwen2.context_length': 32768 },
          capabilities: ['completion'],
        });
      }
      case '/api/create': {
        const name = String(body.model ?? body.name ?? '');
        if (!name) return send(res, 400, { error: 'model name is required' });
        const files = (body.files ?? undefined) as Record<string, string> | undefined;
        const missing = Object.values(files ?? {}).find((d) => !blobs.has(d));
        if (missing) return send(res, 400, { error: `blob ${missing} not found` });
        created.push({ model: name, ...(files ? { files } : {}), ...(typeof body.template === 'string' ? { template: body.template } : {}), ...(body.parameters ? { parameters: body.parameters as Record<string, unknown> } : {}) });
        models.set(canonical(name), { name });
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        for (const status of ['parsing GGUF', 'using existing layer', 'writing manifest', 'success']) res.write(`${JSON.stringify({ status })}\n`);
        return void res.end();
      }
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
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

