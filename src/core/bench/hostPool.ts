// Spreads benchmark items over several hosts: each item goes to the live host with the fewest
// outstanding requests per slot; a host that fails is taken out (its item goes back to the queue
// for another host) and the run goes on while one host is left. Keeps per-host throughput.
import type { Backend } from '../backends/backend';
import { M1Error, cancelled } from '../errors';

export interface PoolMember {
  backend: Backend;
  slots: number;
  /** The model's name on this host, when it differs from the run's. */
  model?: string;
}

export interface HostReport {
  host: string;
  slots: number;
  items: number;
  tokens: number;
  /** Generated tokens per second of the run's wall time. */
  tokensPerSecond: number;
  /** Why it was taken out of the run, if it was. */
  takenOut?: string;
}

export interface PoolHost extends PoolMember {
  outstanding: number;
  items: number;
  tokens: number;
  takenOut?: string;
}

export class HostPool {
  readonly hosts: PoolHost[];
  private readonly waiters: Array<{ resolve: (h: PoolHost) => void; reject: (e: unknown) => void }> = [];
  private readonly started = Date.now();

  constructor(members: PoolMember[]) {
    if (!members.length) throw new M1Error('bad-input', 'No host to run on.');
    this.hosts = members.map((m) => ({ ...m, outstanding: 0, items: 0, tokens: 0 }));
  }

  /** Requests the live hosts take at once. */
  get capacity(): number {
    return this.live().reduce((n, h) => n + h.slots, 0);
  }

  live(): PoolHost[] {
    return this.hosts.filter((h) => !h.takenOut);
  }

  private pick(): PoolHost | undefined {
    let best: PoolHost | undefined;
    for (const h of this.live()) {
      if (h.outstanding >= h.slots) continue;
      if (!best || h.outstanding / h.slots < best.outstanding / best.slots) best = h;
    }
    return best;
  }

  /** A host with a free slot; waits for one. Fails when no host is left. */
  acquire(signal?: AbortSignal): Promise<PoolHost> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (!this.live().length) return Promise.reject(this.noneLeft());
    const free = this.pick();
    if (free) {
      free.outstanding++;
      return Promise.resolve(free);
    }
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(cancelled());
        },
        { once: true },
      );
    });
  }

  /** Gives the slot back; `tokens` when the item finished there. */
  release(host: PoolHost, tokens?: number): void {
    host.outstanding--;
    if (tokens !== undefined) {
      host.items++;
      host.tokens += tokens;
    }
    this.wake();
  }

  takeOut(host: PoolHost, reason: string): void {
    host.takenOut ??= reason;
    this.wake();
  }

  private wake(): void {
    while (this.waiters.length) {
      if (!this.live().length) {
        for (const w of this.waiters.splice(0)) w.reject(this.noneLeft());
        return;
      }
      const free = this.pick();
      if (!free) return;
      free.outstanding++;
      this.waiters.shift()!.resolve(free);
    }
  }

  /** Why no host is left: each host and why it was taken out. */
  noneLeft(): M1Error {
    const why = this.hosts.map((h) => `${h.backend.label}: ${h.takenOut ?? 'no reason'}`).join('; ');
    return new M1Error('unreachable', this.hosts.length === 1 ? (this.hosts[0]!.takenOut ?? why) : `Every host failed (${why}).`);
  }

  report(): HostReport[] {
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    return this.hosts.map((h) => ({
      host: h.backend.label,
      slots: h.slots,
      items: h.items,
      tokens: h.tokens,
      tokensPerSecond: h.tokens / seconds,
      ...(h.takenOut ? { takenOut: h.takenOut } : {}),
    }));
  }
}
