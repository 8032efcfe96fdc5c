// A fake OpenAI-compatible completions server, faithful to what vLLM (and SGLang) answer:
// GET /v1/models, POST /v1/completions (JSON or SSE with `data: [DONE]`), finish_reason
// stop/length, usage in a last chunk with no choices when stream_options.include_usage is set,
// POST /tokenize like vLLM's, errors as {"object":"error",...} with real status codes, and an
// API key checked as a Bearer token. It plays the same scripted model as the fake Ollama server.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderChatTemplate, type ChatMessage } from '../fake-ollama/chat';
import { plan, stopHit, type Script } from '../fake-ollama/script';
import { endsIncomplete, tokenText, tokenize } from '../fake-ollama/tokenizer';

export interface FakeOpenAIOptions {
  scripts?: Script[];
  /** Served model ids (vLLM serves one, named by --served-model-name or the HF id). */
  models?: string[];
  tokenDelayMs?: number;
  /** Requests generating at once; more wait in the queue (vLLM queues, it does not refuse). */
  maxRunning?: number;
  /** Never send usage, like a server without stream_options support. */
  omitUsage?: boolean;
  /** Offer POST /tokenize (vLLM does; some servers do not). */
  tokenizeEndpoint?: boolean;
  apiKey?: string;
  maxModelLen?: number;
  port?: number;
  /** Which server to imitate where vLLM and SGLang differ (default vLLM). */
  server?: 'vllm' | 'sglang';
  /**
   * The model's generation_config.json sampling, used for fields a request leaves out (default:
   * Qwen2.5-7B-Instruct's).
   */
  generationConfig?: Record<string, number>;
  /**
   * A server-side output cap (generation_config's max_new_tokens): vLLM generates at most the
   * smallest of the request's max_tokens and this (its get_max_tokens takes the minimum).
   */
  maxTokensCap?: number;
  /**
   * SGLang's --stream-interval: a chunk at the first token and then every this many decode steps
   * (scheduler stream_output: decode_forward_ct % stream_interval == 0 or len(output_ids) == 1);
   * SGLang's default is 1 (server_args.py ServerArgs.stream_interval).
   */
  streamInterval?: number;
  /**
   * vLLM under load: when the engine runs ahead of the HTTP handler, this many steps' outputs
   * reach it as one (vllm/v1/engine/output_processor.py RequestOutputCollector.put merges
   * DELTA outputs, text and logprobs, "if the producer gets ahead of the consumer"). Off (1) by
   * default: how much merges depends on the load.
   */
  mergeSteps?: number;
}

/** Qwen2.5-7B-Instruct's generation_config.json sampling fields. */
export const QWEN25_GENERATION_CONFIG: Record<string, number> = { temperature: 0.7, top_p: 0.8, top_k: 20, repetition_penalty: 1.05 };
const NEUTRAL: Record<string, number> = { temperature: 0, top_p: 1, top_k: -1, min_p: 0, repetition_penalty: 1 };
const SPECIAL_TOKENS = new Set(['<|im_start|>', '<|im_end|>']);

/**
 * Sampling the server takes from generation_config.json because the request left it out:
 * vllm/entrypoints/openai/protocol.py CompletionRequest.to_sampling_params fills
 * repetition_penalty, temperature, top_p, top_k and min_p from default_sampling_params.
 */
function samplingAdded(body: Record<string, unknown>, config: Record<string, number>): string[] {
  return Object.entries(config)
    .filter(([k, v]) => body[k] === undefined && v !== NEUTRAL[k] && !(k === 'top_k' && v <= 0))
    .map(([k, v]) => `${k} ${v}`);
}

export interface CompletionLog {
  model: string;
  prompt: string;
  maxTokens: number;
  stop: string[];
  temperature: unknown;
  seed: unknown;
  includeUsage: boolean;
  completionTokens: number;
  finishReason: 'stop' | 'length';
  /** Sampling taken from generation_config.json because the request left it out. */
  samplingAdded: string[];
  skipSpecialTokens: boolean;
}

export interface FakeOpenAI {
  url: string;
  log: CompletionLog[];
  options: FakeOpenAIOptions;
  /** Stops answering at once, cutting the streams in flight (a host that dies). */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const error = (res: ServerResponse, status: number, type: string, message: string) => send(res, status, { object: 'error', message, type, param: null, code: status });

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const models = options.models ?? ['UCSC-VLAA/m1-7B-23K'];
  const maxModelLen = options.maxModelLen ?? 32768;
  const log: CompletionLog[] = [];
  let running = 0;
  const waiting: Array<() => void> = [];

  /**
   * `chat`: POST /v1/chat/completions. The server renders the chat template over the messages
   * (add_generation_prompt, TokenizeChatRequest's default in vllm/entrypoints/openai/protocol.py)
   * and streams `chat.completion.chunk`s whose choices carry a `delta` (DeltaMessage: role,
   * content, reasoning_content) instead of `text`. Without a reasoning parser a `<think>` model's
   * whole output, tags included, comes as content.
   */
  async function completions(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, chat = false): Promise<void> {
    const model = String(body.model ?? '');
    if (!models.includes(model)) return error(res, 404, 'NotFoundError', `The model \`${model}\` does not exist.`);
    const prompt = chat ? renderChatTemplate(Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : []) : String(body.prompt ?? '');
    // `logprobs: n` on /v1/completions: each token's text with its logprob (CompletionLogProbs).
    const withLogprobs = !chat && typeof body.logprobs === 'number';
    // A token alone that is half a character decodes as U+FFFD (detokenizer_utils.py decodes each token).
    const logprobsOf = (tokens: string[]) => (withLogprobs ? { tokens: tokens.map(tokenText), token_logprobs: tokens.map(() => 0), top_logprobs: tokens.map((t) => ({ [t]: 0 })) } : null);
    const choice = (text: string, finish: string | null = null, tokens: string[] = []) => ({ index: 0, ...(chat ? { delta: { content: text } } : { text }), logprobs: logprobsOf(tokens), finish_reason: finish, stop_reason: null });
    const promptTokens = tokenize(prompt).length;
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 16; // the OpenAI default
    if (promptTokens + maxTokens > maxModelLen) {
      return error(res, 400, 'BadRequestError', `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`);
    }
    const stop = Array.isArray(body.stop) ? (body.stop as string[]) : typeof body.stop === 'string' ? [body.stop] : [];
    const stream = body.stream === true;
    const includeUsage = !options.omitUsage && (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    if (running >= (options.maxRunning ?? 256)) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      const p = plan(prompt, options.scripts ?? []);
      const id = `cmpl-${randomUUID().replace(/-/g, '')}`;
      const created = Math.floor(Date.now() / 1000);
      const chunk = (choices: unknown[], usage?: unknown) => `data: ${JSON.stringify({ id, object: chat ? 'chat.completion.chunk' : 'text_completion', created, model, choices, ...(usage !== undefined ? { usage } : {}) })}\n\n`;
      if (stream) res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
      let output = '';
      let count = 0;
      let finish: 'stop' | 'length' = 'stop';
      let stopped = false;
      // vLLM decodes without special tokens unless told, and matches stops on that text
      // (vllm/v1/engine/detokenizer.py IncrementalDetokenizer.update), so `<|im_start|>` never
      // stops it; SGLang matches on a tail decoded with them (schedule_batch.py Req.check_finished).
      const vllm = (options.server ?? 'vllm') === 'vllm';
      const skipSpecial = vllm && body.skip_special_tokens !== false;
      const tokenDelay = p.script.tokenDelayMs ?? options.tokenDelayMs ?? 0;
      const limit = Math.min(maxTokens, options.maxTokensCap ?? Infinity);
      // vLLM holds back the last len(longest stop) - 1 characters while a request runs, so a stop
      // string is never half sent (detokenizer.py from_new_request: stop_buffer_length;
      // get_next_output_text): 11 characters with <|im_end|> and <|im_start|>. SGLang does not.
      const holdBack = vllm && stop.length && body.include_stop_str_in_output !== true ? Math.max(...stop.map((x) => x.length)) - 1 : 0;
      const every = vllm ? (options.mergeSteps ?? 1) : (options.streamInterval ?? 1);
      let sent = 0;
      let stepTokens: string[] = [];
      let steps = 0;
      // One step's output: vLLM sends a chunk for every step with new tokens, even one whose text
      // is all held back (serving_completion.py completion_stream_generator skips only a step with
      // neither text nor token ids).
      // A token that ends inside a character is not text yet, finished or not: its whole text waits
      // for the token that completes it (detokenizer_utils.py detokenize_incrementally returns ""
      // while the new text ends with U+FFFD; SGLang's detokenizer_manager holds it the same way).
      let complete = 0;
      const visible = () => output.slice(0, complete);
      const emit = () => {
        const upTo = Math.max(sent, visible().length - holdBack);
        const text = visible().slice(sent, upTo);
        sent = upTo;
        if (stream && (text || stepTokens.length)) res.write(chunk([choice(text, null, stepTokens)]));
        stepTokens = [];
      };
      for (const token of p.tokens) {
        if (closed) return; // the client went away: vLLM aborts the request
        if (count >= limit) {
          finish = 'length';
          break;
        }
        const shown = skipSpecial && SPECIAL_TOKENS.has(token) ? '' : token;
        const hit = stopHit(output, shown, stop);
        stepTokens.push(token);
        count++;
        if (hit) {
          output += hit.before;
          if (!endsIncomplete(output)) complete = output.length;
          stopped = true;
          break;
        }
        if (tokenDelay > 0) await delay(tokenDelay);
        output += shown;
        if (!endsIncomplete(output)) complete = output.length;
        if (++steps % every === 0 || (!vllm && steps === 1)) emit();
      }
      // The script ran out: the model samples EOS, counted in usage but not in the text (its
      // logprob is reported). At the limit SGLang checks length first (schedule_batch.py
      // Req.check_finished: max_new_tokens before EOS); vLLM checks EOS first
      // (vllm/v1/core/sched/utils.py check_stop).
      if (!stopped && finish === 'stop') {
        if (count >= limit) finish = 'length';
        else {
          count++;
          stepTokens.push('<|im_end|>');
          if (options.server === 'sglang' && count >= limit) finish = 'length';
        }
      }
      log.push({ model, prompt, maxTokens, stop, temperature: body.temperature, seed: body.seed, includeUsage, completionTokens: count, finishReason: finish, samplingAdded: samplingAdded(body, options.generationConfig ?? QWEN25_GENERATION_CONFIG), skipSpecialTokens: skipSpecial });
      const usage = { prompt_tokens: promptTokens, total_tokens: promptTokens + count, completion_tokens: count };
      if (!stream) {
        const whole = chat ? { index: 0, message: { role: 'assistant', content: visible() }, logprobs: null, finish_reason: finish, stop_reason: null } : choice(visible(), finish);
        return send(res, 200, { id, object: chat ? 'chat.completion' : 'text_completion', created, model, choices: [whole], ...(options.omitUsage ? {} : { usage }) });
      }
      // A finished request sends everything it held back (get_next_output_text: finished → no buffer).
      res.write(chunk([choice(visible().slice(sent), finish, stepTokens)]));
      if (includeUsage) res.write(chunk([], usage));
      res.write('data: [DONE]\n\n');
      res.end();
    } finally {
      running--;
      waiting.shift()?.();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) return send(res, 401, { error: 'Unauthorized' });
    if (req.method === 'GET' && path === '/health') return void res.writeHead(200).end();
    // ModelCard.owned_by: "vllm" in vllm/entrypoints/openai/protocol.py, "sglang" in SGLang's protocol.py.
    if (req.method === 'GET' && path === '/v1/models') {
      return send(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: options.server ?? 'vllm', root: id, parent: null, max_model_len: maxModelLen })) });
    }
    if (req.method === 'POST' && path === '/v1/completions') return completions(req, res, await readJson(req));
    if (req.method === 'POST' && path === '/v1/chat/completions') return completions(req, res, await readJson(req), true);
    if (req.method === 'POST' && path === '/tokenize' && options.tokenizeEndpoint) {
      const body = await readJson(req);
      const tokens = tokenize(String(body.prompt ?? ''));
      return send(res, 200, { count: tokens.length, max_model_len: maxModelLen, tokens: tokens.map((_, i) => i) });
    }
    return send(res, 404, { detail: 'Not Found' });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) error(res, 500, 'InternalServerError', String(e));
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
