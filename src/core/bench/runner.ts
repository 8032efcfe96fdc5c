// Runs benchmark items through the engine with a worker pool and appends each finished item to a
// run file as it finishes, so a crash, kill or closed window resumes without redoing or
// duplicating an item. The run file's header pins the benchmark (hash) and the settings.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Backend } from '../backends/backend';
import { askModel, isChat } from '../chat/protocol';
import { runCaveat } from '../backends/caveats';
import { serverInfoOf, type ServerFindings } from '../backends/findings';
import { runContextTokens, type EngineResult, type EngineSettings } from '../engine';
import { M1Error } from '../errors';
import { refuseLink } from '../safeWrite';
import { scoreResponse } from '../score';
import { accuracyOverDistinct } from '../stats';
import type { BenchItem } from './format';
import { HostPool, type HostReport } from './hostPool';
import { itemIdentity, questionKey } from './lint';
import { lockRunFile, trimTornLine } from './runLock';
import { itemKey, readRunFile, sameSettings, type RunHeader, type RunRecord } from './runFile';

export interface RunOptions {
  items: BenchItem[];
  /** One server, taking `concurrency` requests at once… */
  backend?: Backend;
  concurrency?: number;
  /** …or several, each with its slots (the concurrency is then their sum). */
  pool?: HostPool;
  settings: EngineSettings;
  runFile: string;
  benchFile: string;
  benchHash: string;
  modelDigest?: string;
  /** The subset in words, kept in the header when the run does not cover the whole file. */
  subset?: string;
  /** A run id shared by the machines of one run (each runs a shard), merged later; random otherwise. */
  runId?: string;
  signal?: AbortSignal;
  /** An item is sent to the model. */
  onStart?: (item: BenchItem) => void;
  /** An item finished now, or (resumed: true) was already in the run file. */
  onRecord?: (r: RunRecord, progress: { done: number; total: number; resumed: boolean }) => void;
  /** Where a line goes; appending to the run file unless a caller needs otherwise. */
  appendLine?: (path: string, line: string) => Promise<void>;
  /** How an item is answered; the budget-forcing engine unless a sweep derives it. */
  ask?: (item: BenchItem, backend: Backend, settings: EngineSettings, signal: AbortSignal) => Promise<EngineResult>;
  /** Ask for and keep each round's token lengths in the record (sweeps cut smaller budgets on them). */
  tokenBoundaries?: boolean;
  /** The run's one context size; the largest item's at these settings unless given (a sweep's is its largest budget's). */
  contextTokens?: number;
  /**
   * What each server was found to do with the model (a cached probe, see backends/findings.ts):
   * recorded in the header, and it decides the run's caveat; without it the server's version
   * does. The chat protocol has no think stop and does not ask.
   */
  findings?: (backend: Backend, model: string, contextTokens: number) => Promise<ServerFindings>;
  /** Something the user should know that does not stop the run (a torn line cut off on resume). */
  onNotice?: (message: string) => void;
}

/** The engine on one item, asking for its rounds' token boundaries when told to. */
function askItem(item: BenchItem, backend: Backend, settings: EngineSettings, signal: AbortSignal, contextTokens: number, tokenBoundaries: boolean): Promise<EngineResult> {
  return askModel({ question: item.question, options: item.options }, { backend, settings, signal, contextTokens, ...(tokenBoundaries ? { tokenBoundaries } : {}) });
}

export interface SourceSummary {
  correct: number;
  total: number;
  unscored: number;
  accuracy: number;
  /** Over distinct questions when some are asked more than once (see `distinct`). */
  ci95: [number, number];
  /** How many distinct questions the scored items are, when fewer than the items. */
  distinct?: number;
}

export interface RunSummary {
  runId: string;
  runFile: string;
  sources: Record<string, SourceSummary>;
  overall: SourceSummary;
  /** Mean of the per-source accuracies, as the paper reports it. */
  averageOverSources: number;
  done: number;
  total: number;
  /** Per host, when the run used several. */
  hosts?: HostReport[];
  /** Some token counts are estimates (a server without usage or /tokenize). */
  tokensEstimated?: boolean;
}

const appendToFile = (path: string, line: string) => appendFile(path, line);

/** A failed append says which file and, for a full disk, that nothing after it was lost. */
function writeFailed(e: unknown, runFile: string): M1Error {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : e instanceof Error ? e.message : String(e);
  return new M1Error('write-failed', `Could not append to ${runFile}: ${why}. Items written before this one are kept.`);
}

/**
 * Runs the items into the run file, as its only writer: a planted link is refused, a second
 * writer is stopped by the lock, and a torn last line is cut off (and reported) before appending.
 */
export async function runBenchmark(opts: RunOptions): Promise<RunSummary> {
  await refuseLink(opts.runFile);
  await mkdir(dirname(opts.runFile), { recursive: true });
  const lock = await lockRunFile(opts.runFile);
  try {
    const torn = await trimTornLine(opts.runFile);
    if (torn) opts.onNotice?.(`${opts.runFile}:${torn.line}: cut off a torn last line (${torn.bytes} bytes, an item a crash or a full disk left half written); that item runs again.`);
    // A file torn inside its header has nothing left to resume: it starts again.
    if (torn?.line === 1) await rm(opts.runFile, { force: true });
    return await runAsOnlyWriter(opts);
  } finally {
    await lock.release();
  }
}

async function runAsOnlyWriter(opts: RunOptions): Promise<RunSummary> {
  const append = opts.appendLine ?? appendToFile;
  // One context size for the whole run (the probe included), so a server that reloads on a change (Ollama) loads once.
  const contextTokens = opts.contextTokens ?? runContextTokens(opts.items, opts.settings);
  let header: RunHeader;
  const done = new Map<string, RunRecord>();
  if (existsSync(opts.runFile)) {
    const prev = await readRunFile(opts.runFile);
    if (prev.header.benchHash !== opts.benchHash) {
      throw new M1Error('bad-input', `${opts.runFile} belongs to another benchmark (${prev.header.benchFile}, ${prev.header.benchHash.slice(0, 19)}…): refusing to mix runs.`);
    }
    if (!sameSettings(prev.header.settings, opts.settings)) {
      throw new M1Error('bad-input', `${opts.runFile} was run with other settings (${JSON.stringify(prev.header.settings)}): refusing to mix runs; start a new run file.`);
    }
    header = prev.header;
    for (const r of prev.records) done.set(itemKey(r), r);
  } else {
    header = {
      type: 'header',
      version: 1,
      runId: opts.runId ?? randomUUID(),
      createdAt: new Date().toISOString(),
      benchFile: opts.benchFile,
      benchHash: opts.benchHash,
      ...(opts.modelDigest ? { modelDigest: opts.modelDigest } : {}),
      settings: opts.settings,
      planned: opts.items.length,
      ...(opts.subset ? { subset: opts.subset } : {}),
      hosts: opts.pool ? opts.pool.hosts.map((h) => h.backend.label) : [requireBackend(opts.backend).label],
      servers: await describeServers(
        opts.pool ? opts.pool.hosts.map((h) => ({ backend: h.backend, model: h.model ?? opts.settings.model })) : [{ backend: requireBackend(opts.backend), model: opts.settings.model }],
        isChat(opts.settings) ? undefined : opts.findings,
        contextTokens,
      ),
    };
    for (const caveat of new Set(header.servers?.map((x) => x.caveat).filter((c): c is string => !!c))) opts.onNotice?.(caveat);
    await mkdir(dirname(opts.runFile), { recursive: true });
    await append(opts.runFile, `${JSON.stringify(header)}\n`).catch((e: unknown) => {
      throw writeFailed(e, opts.runFile);
    });
  }

  const queue = opts.items.filter((it) => !done.has(itemKey(it)));
  const total = opts.items.length;
  let finished = 0;
  for (const it of opts.items) {
    const r = done.get(itemKey(it));
    if (!r) continue;
    finished++; // counted apart: `?.` would skip the arguments when there is no listener
    opts.onRecord?.(r, { done: finished, total, resumed: true });
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  opts.signal?.addEventListener('abort', stop, { once: true });
  let failure: unknown;
  // Appends are chained so lines never interleave.
  let writes = Promise.resolve();

  const pool = opts.pool ?? new HostPool([{ backend: requireBackend(opts.backend), slots: Math.max(1, opts.concurrency ?? 1) }]);
  const several = pool.hosts.length > 1;

  const worker = async () => {
    while (!controller.signal.aborted) {
      const item = queue.shift();
      if (!item) return;
      let host;
      try {
        host = await pool.acquire(controller.signal);
      } catch (e) {
        if (!controller.signal.aborted) failure ??= e;
        controller.abort();
        return;
      }
      const started = Date.now();
      opts.onStart?.(item);
      let result;
      try {
        const settings = host.model ? { ...opts.settings, model: host.model } : opts.settings;
        result = opts.ask ? await opts.ask(item, host.backend, settings, controller.signal) : await askItem(item, host.backend, settings, controller.signal, contextTokens, opts.tokenBoundaries === true);
        pool.release(host, result.tokens.think + result.tokens.answer);
      } catch (e) {
        pool.release(host);
        if (controller.signal.aborted) return;
        if (several) {
          // This host is out for the rest of the run; the item goes back for another one.
          pool.takeOut(host, e instanceof Error ? e.message : String(e));
          queue.unshift(item);
          if (pool.live().length) continue;
          failure ??= pool.noneLeft();
        }
        failure ??= e;
        controller.abort(); // a dead server stops the run; what is written stays
        return;
      }
      const gold = item.answerIdx && item.answer !== undefined ? { options: item.options, answerIdx: item.answerIdx, answer: item.answer } : undefined;
      const s = gold ? scoreResponse(result.responseText, gold) : undefined;
      const record: RunRecord = {
        source: item.source,
        index: item.index,
        ...(item.id ? { id: item.id } : {}),
        question: item.question,
        options: item.options,
        answer_idx: item.answerIdx ?? null,
        answer: item.answer ?? null,
        response: result.answer,
        extracted: s?.extracted ?? result.answer,
        choice: s?.choice ?? null,
        correct: s ? s.correct : null,
        tokens: { think: result.tokens.think, answer: result.tokens.answer },
        ...(result.tokensEstimated ? { tokensEstimated: true } : {}),
        // `repetition`: the server's repetition guard ended that part (the thought then as a cut one).
        finish: { think: result.repetitionGuard === 'think' ? 'repetition' : (result.finish.think ?? null), answer: result.repetitionGuard === 'answer' ? 'repetition' : (result.finish.answer ?? null) },
        rounds: result.rounds.map((r) => ({ think: r.text, waitInjected: r.waitInjected ?? null, tokens: r.tokens, finish: r.finishReason ?? null, ...(opts.tokenBoundaries && r.tokenLengths ? { tokenLengths: r.tokenLengths } : {}) })),
        ms: Date.now() - started,
        ...(several ? { host: host.backend.label } : {}),
      };
      try {
        writes = writes.then(() =>
          append(opts.runFile, `${JSON.stringify(record)}\n`).catch((e: unknown) => {
            throw writeFailed(e, opts.runFile);
          }),
        );
        await writes;
      } catch (e) {
        failure ??= e;
        controller.abort(); // a full disk stops the run; what is written stays
        return;
      }
      done.set(itemKey(item), record);
      finished++;
      opts.onRecord?.(record, { done: finished, total, resumed: false });
    }
  };
  await Promise.all(Array.from({ length: pool.capacity }, worker));
  opts.signal?.removeEventListener('abort', stop);
  if (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    throw new M1Error(failure instanceof M1Error ? failure.code : 'http', `${message} The run stopped after ${finished} of ${total} items; resume it with the same run file (${opts.runFile}).`);
  }
  if (opts.signal?.aborted) throw new M1Error('cancelled', `Cancelled after ${finished} of ${total} items; resume with ${opts.runFile}.`);
  const summary = summarize(header.runId, opts.runFile, opts.items.map((it) => done.get(itemKey(it))).filter((r): r is RunRecord => !!r), total);
  return several ? { ...summary, hosts: pool.report() } : summary;
}

/**
 * What the header says of each server; a server that does not answer yet is left unnamed (the run
 * says why). A probe that fails leaves the version to decide: the first item then says what is wrong.
 */
async function describeServers(hosts: Array<{ backend: Backend; model: string }>, find: RunOptions['findings'], contextTokens: number): Promise<NonNullable<RunHeader['servers']>> {
  return Promise.all(
    hosts.map(async ({ backend: b, model }) => {
      const found = await find?.(b, model, contextTokens).catch(() => undefined);
      const info = found ? serverInfoOf(found) : await b.describeServer?.().catch(() => undefined);
      const caveat = runCaveat(info, found);
      const probe = found && { thinkStop: found.thinkStop, detail: found.detail, checkedAt: found.checkedAt };
      return { ...info, ...(b.sampling ? { sampling: { ...b.sampling } } : {}), ...(probe ? { probe } : {}), ...(caveat ? { caveat } : {}) };
    }),
  );
}

function requireBackend(backend: Backend | undefined): Backend {
  if (!backend) throw new M1Error('bad-input', 'A run needs a backend or a pool of hosts.');
  return backend;
}

export function summarize(runId: string, runFile: string, records: RunRecord[], total = records.length): RunSummary {
  const by = new Map<string, RunRecord[]>();
  for (const r of records) {
    const list = by.get(r.source);
    if (list) list.push(r);
    else by.set(r.source, [r]);
  }
  const sum = (rs: RunRecord[]): SourceSummary => {
    const scored = rs.filter((r) => r.correct !== null);
    // A question asked again (same text, options and gold) is one observation for the interval.
    const s = accuracyOverDistinct(scored.map((r) => ({ key: r.options ? itemIdentity({ question: r.question, options: r.options, answerIdx: r.answer_idx ?? undefined }) : questionKey(r.question), correct: r.correct === true })));
    return { correct: s.correct, total: s.total, unscored: rs.length - scored.length, accuracy: s.accuracy, ci95: s.ci95, ...(s.distinct < s.total ? { distinct: s.distinct } : {}) };
  };
  const sources = Object.fromEntries([...by.entries()].map(([s, rs]) => [s, sum(rs)]));
  const accs = Object.values(sources).filter((s) => s.total > 0).map((s) => s.accuracy);
  return {
    runId,
    runFile,
    sources,
    overall: sum(records),
    averageOverSources: accs.length ? accs.reduce((a, b) => a + b, 0) / accs.length : 0,
    done: records.length,
    total,
    ...(records.some((r) => r.tokensEstimated) ? { tokensEstimated: true } : {}),
  };
}
