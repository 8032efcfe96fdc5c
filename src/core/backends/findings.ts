// What a server and model were found to do (probe.ts), kept per server and model so runs probe
// once, not on every start. A finding is stale when the server's version or the model's digest
// changed since. The store is the caller's (the extension's globalState, the CLI's cache file);
// what comes back from it is checked, since a file can be edited or left by another m1.
import * as z from 'zod/mini';
import type { Backend, ServerInfo } from './backend';
import { probeThinkStop } from './probe';

const findingsSchema = z.object({
  /** The backend's label, which names its URL. */
  server: z.string(),
  kind: z.optional(z.string()),
  version: z.optional(z.string()),
  model: z.string(),
  modelDigest: z.optional(z.string()),
  thinkStop: z.enum(['exact', 'runs-on', 'unknown']),
  detail: z.string(),
  checkedAt: z.string(),
});

export type ServerFindings = z.infer<typeof findingsSchema>;

export interface FindingsStore {
  get(key: string): unknown;
  set(key: string, findings: ServerFindings): Promise<void>;
}

export interface FindOptions {
  store?: FindingsStore;
  /** Known for Ollama models (their manifest digest); a finding for another digest, or none, is stale. */
  modelDigest?: string;
  /** The context the run that asks will use, so a probe on a cold Ollama loads the model as the run needs it. */
  contextTokens?: number;
  /** Probe even when a finding is cached (`m1 doctor`, Check Server). */
  fresh?: boolean;
  signal?: AbortSignal;
}

/** How long a finding holds at most, whatever the server says of its version. */
export const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export const findingsKey = (server: string, model: string) => `${server} · ${model}`;

/** The server as the findings name it (the kind and version the probe saw). */
export const serverInfoOf = (f: Pick<ServerFindings, 'kind' | 'version'>): ServerInfo | undefined => (f.kind ? { kind: f.kind, ...(f.version ? { version: f.version } : {}) } : undefined);

/** The cached finding when it still holds for this server version and model digest. */
function stillHolds(raw: unknown, info: ServerInfo | undefined, modelDigest: string | undefined): ServerFindings | undefined {
  const r = findingsSchema.safeParse(raw);
  if (!r.success) return undefined;
  // A caller that does not know the digest (the editor's ask) takes what a caller that did found.
  const sameModel = modelDigest === undefined || r.data.modelDigest === modelDigest;
  // vLLM and SGLang say no version: a week-old finding is probed again (the server may have changed).
  const fresh = Date.now() - Date.parse(r.data.checkedAt) < MAX_AGE_MS;
  return r.data.kind === info?.kind && r.data.version === info?.version && sameModel && fresh ? r.data : undefined;
}

/** The server's findings for this model: cached when still valid, probed (and stored) otherwise. */
export async function findServer(backend: Backend, model: string, opts: FindOptions = {}): Promise<ServerFindings & { cached: boolean }> {
  const info = await backend.describeServer?.(opts.signal);
  const key = findingsKey(backend.label, model);
  const cached = opts.fresh ? undefined : stillHolds(await opts.store?.get(key), info, opts.modelDigest);
  if (cached) return { ...cached, cached: true };
  const found = await probeThinkStop(backend, model, opts.signal, opts.contextTokens);
  const findings: ServerFindings = {
    server: backend.label,
    ...(info?.kind ? { kind: info.kind } : {}),
    ...(info?.version ? { version: info.version } : {}),
    model,
    ...(opts.modelDigest ? { modelDigest: opts.modelDigest } : {}),
    ...found,
    checkedAt: new Date().toISOString(),
  };
  // A cache that cannot be written (a read-only home) costs a probe next time, not this finding.
  await opts.store?.set(key, findings).catch(() => undefined);
  return { ...findings, cached: false };
}

/** What runs take (RunOptions.findings): each server's finding for the model, probed once when missing or stale. */
export function cachedFinder(store: FindingsStore, modelDigest?: string): (backend: Backend, model: string, contextTokens?: number) => Promise<ServerFindings> {
  return (backend, model, contextTokens) => findServer(backend, model, { store, ...(modelDigest ? { modelDigest } : {}), ...(contextTokens ? { contextTokens } : {}) });
}
