// The fetch the backends use for generation. Node's built-in fetch gives up on response headers
// after 300 s, but a request queued behind a model load or reload gets no headers until the model
// is ready (Ollama answers only after its scheduler hands the request a runner), so a healthy
// queue looked like "Cannot reach". Here headers are awaited as long as the connection lives,
// and the body instead has an idle limit: no bytes for that long means the server stopped sending.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { M1Error } from '../errors';

/** Ten minutes without a byte of an answer that has started: longer than any model load. */
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;

/** A server's error text as shown in messages: long bodies (an HTML page, a dump) are cut. */
export function clip(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** The idle limit from M1_STALL_TIMEOUT_S (seconds), else the default. */
export function idleTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.M1_STALL_TIMEOUT_S);
  return Number.isFinite(s) && s > 0 ? s * 1000 : DEFAULT_IDLE_TIMEOUT_MS;
}

function headersOf(res: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (Array.isArray(v)) for (const x of v) h.append(k, x);
    else if (v !== undefined) h.set(k, v);
  }
  return h;
}

/** The response body as a web stream; a break reads like the built-in fetch's ("terminated"). */
function bodyOf(res: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        controller.error(e instanceof M1Error ? e : Object.assign(new TypeError('terminated'), { cause: e }));
      };
      res.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 1) <= 0) res.pause();
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        controller.close();
      });
      res.on('error', fail);
      res.on('close', () => fail(new Error('the connection closed before the response ended')));
    },
    pull() {
      res.resume();
    },
    cancel() {
      settled = true;
      res.destroy();
    },
  });
}

/**
 * A fetch over node:http with no header timeout and a body idle timeout of `idleMs`. Failures
 * look like the built-in fetch's (a TypeError "fetch failed" whose cause has the code, a
 * TypeError "terminated" when the body breaks), so callers map them the same way.
 */
export function patientFetch(idleMs: number, label: string): typeof fetch {
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      const headers = new Headers(init.headers);
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method: init.method ?? 'GET', headers: Object.fromEntries(headers.entries()) }, (res) => {
        // From here on the server has answered: silence is a stall.
        req.setTimeout(idleMs, () => {
          const seconds = +(idleMs / 1000).toFixed(1);
          res.destroy(new M1Error('stream-cut', `${label} stopped sending: no data for ${seconds} s (M1_STALL_TIMEOUT_S sets this limit). What came before is kept.`));
        });
        const status = res.statusCode ?? 500;
        // Response refuses a body for these.
        const empty = status === 204 || status === 304 || init.method === 'HEAD';
        if (empty) res.resume();
        resolve(new Response(empty ? null : bodyOf(res), { status, statusText: res.statusMessage ?? '', headers: headersOf(res) }));
      });
      const onAbort = () => req.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (signal?.aborted) return reject(signal.reason);
        reject(Object.assign(new TypeError('fetch failed'), { cause: e }));
      });
      const b = init.body;
      if (b === undefined || b === null) req.end();
      else if (typeof b === 'string' || b instanceof Uint8Array) req.end(b);
      else reject(new TypeError('patientFetch sends string or byte bodies only'));
    });
}
