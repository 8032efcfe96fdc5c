// Runs `ollama serve` and watches it: waits for health, streams its log, reports a crash, and only
// ever stops a server it started itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { M1Error } from '../errors';
import { sleep } from '../sleep';

export type ServerState = 'stopped' | 'starting' | 'ready' | 'error';

export interface ServeOptions {
  binary: string;
  /** URL the server should listen on, e.g. http://127.0.0.1:11434. */
  host: string;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the server to answer. */
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Called when a server we started exits while it was meant to run. */
  onCrash?: (code: number | null, signal: NodeJS.Signals | null, lastLines: string[]) => void;
}

/** True when an Ollama answers at `host` ("Ollama is running"). */
export async function isOllamaRunning(host: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`${host}/`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok && /ollama is running/i.test(await res.text());
  } catch {
    return false;
  }
}

/** Something other than Ollama answers HTTP at `host`. */
async function somethingElseListens(host: string): Promise<boolean> {
  try {
    const res = await fetch(`${host}/`, { signal: AbortSignal.timeout(2000) });
    return !/ollama is running/i.test(await res.text());
  } catch (e) {
    return !String((e as { cause?: { code?: string } }).cause?.code ?? '').includes('ECONNREFUSED') && !(e instanceof Error && e.name === 'TimeoutError');
  }
}

export class OllamaServe {
  private child: ChildProcess | undefined;
  private stopping = false;
  private readonly lastLines: string[] = [];

  /** The server runs and this object started it. */
  get owned(): boolean {
    return !!this.child && this.child.exitCode === null && !this.stopping;
  }

  /**
   * Starts `ollama serve` unless an Ollama already answers at the host (then it is used as is and
   * not owned). Resolves when the server answers; rejects with a message that says why not.
   */
  async start(opts: ServeOptions): Promise<'started' | 'already-running'> {
    if (await isOllamaRunning(opts.host)) return 'already-running';
    if (await somethingElseListens(opts.host)) {
      throw new M1Error('http', `Something other than Ollama is listening at ${opts.host}. Stop it, or set m1.ollama.host to another port.`);
    }
    const url = new URL(opts.host);
    const env = { ...process.env, ...opts.env, OLLAMA_HOST: `${url.hostname}:${url.port || '11434'}` };
    const child = spawn(opts.binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.stopping = false;
    this.lastLines.length = 0;
    const onData = (d: Buffer) => {
      for (const line of d.toString().split(/\r?\n/)) {
        if (!line) continue;
        this.lastLines.push(line);
        if (this.lastLines.length > 20) this.lastLines.shift();
        opts.log?.(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    child.on('error', (e) => (spawnError = e));
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      if (!this.stopping && ready) opts.onCrash?.(code, signal, [...this.lastLines]);
      if (this.child === child) this.child = undefined;
    });
    let ready = false;
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (spawnError) throw new M1Error('unreachable', `Could not run ${opts.binary}: ${spawnError.message}`);
      if (exited) {
        const tail = this.lastLines.slice(-3).join(' | ');
        const inUse = /address already in use|bind:/i.test(tail);
        throw new M1Error(
          'unreachable',
          inUse
            ? `The port of ${opts.host} is already in use by another program (ollama serve said: ${tail}). Stop it, or set m1.ollama.host to another port.`
            : `ollama serve exited during start (code ${exited.code ?? exited.signal})${tail ? `: ${tail}` : ''}.`,
        );
      }
      if (await isOllamaRunning(opts.host, 1000)) {
        ready = true;
        return 'started';
      }
      await sleep(200);
    }
    await this.stop();
    throw new M1Error('unreachable', `ollama serve did not answer at ${opts.host} within ${Math.round((opts.timeoutMs ?? 30_000) / 1000)} s.`);
  }

  /** Stops the server if this object started it; a server started elsewhere is left alone. */
  async stop(timeoutMs = 10_000): Promise<boolean> {
    const child = this.child;
    if (!child || child.exitCode !== null) return false;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
    this.child = undefined;
    return true;
  }
}
