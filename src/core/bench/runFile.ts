// The run file: a header line (settings, benchmark hash, model digest) and one line per finished
// item, appended as each finishes. Reading tolerates a torn last line (a kill mid-write).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EngineSettings } from '../engine';
import { M1Error } from '../errors';

export interface RunHeader {
  type: 'header';
  version: 1;
  runId: string;
  createdAt: string;
  benchFile: string;
  benchHash: string;
  modelDigest?: string;
  settings: EngineSettings;
  /** How many items the run covers (the whole file or a subset); absent in older files. */
  planned?: number;
  /** The subset, in words, when the run does not cover the whole file. */
  subset?: string;
}

export interface RunRecord {
  source: string;
  index: number;
  id?: string;
  question: string;
  /** The options as asked (absent in older run files). */
  options?: Record<string, string>;
  answer_idx: string | null;
  answer: string | null;
  /** The model's answer after the thought. */
  response: string;
  /** What the paper's scorer extracted from the response. */
  extracted: string;
  choice: string | null;
  /** null: the item has no gold answer, so it is run but not scored. */
  correct: boolean | null;
  tokens: { think: number; answer: number };
  /** The server gave no token counts, so these are estimates. */
  tokensEstimated?: boolean;
  finish: { think: string | null; answer: string | null };
  rounds: RecordRound[];
  ms: number;
  /** The host that ran it, when the run used several. */
  host?: string;
}

export interface RecordRound {
  think: string;
  /** The Wait string appended after this round, if one was. */
  waitInjected: string | null;
  tokens?: number;
  finish?: string | null;
  /**
   * Lengths of the streamed chunks (one token each on Ollama), kept by sweeps so a smaller
   * budget's thought can be cut from this one at a token boundary.
   */
  chunks?: number[];
}

export const itemKey = (x: { source: string; index: number }) => `${x.source}\u0000${x.index}`;

export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

const isHeader = (x: unknown): x is RunHeader =>
  typeof x === 'object' && x !== null && (x as RunHeader).type === 'header' && typeof (x as RunHeader).benchHash === 'string' && typeof (x as RunHeader).settings === 'object';

/** Reads a run file: its header and the records written so far (a torn last line is ignored). */
export async function readRunFile(path: string): Promise<{ header: RunHeader; records: RunRecord[] }> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim());
  const parsed: unknown[] = [];
  lines.forEach((l, i) => {
    try {
      parsed.push(JSON.parse(l));
    } catch {
      if (i !== lines.length - 1) throw new M1Error('bad-input', `${path}:${i + 1}: not a run file line`);
    }
  });
  const header = parsed[0];
  if (!isHeader(header)) throw new M1Error('bad-input', `${path} is not an m1 run file (no header line).`);
  const seen = new Map<string, RunRecord>();
  for (const r of parsed.slice(1) as RunRecord[]) seen.set(itemKey(r), r);
  return { header, records: [...seen.values()] };
}

/** The header line alone, without reading the rest of a possibly large file. */
export async function readRunHeader(path: string): Promise<RunHeader | undefined> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      try {
        const h: unknown = JSON.parse(line);
        return isHeader(h) ? h : undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  } finally {
    lines.close();
  }
}

export interface UnfinishedRun {
  path: string;
  header: RunHeader;
  done: number;
}

/**
 * Run files in `dir` for this benchmark (same hash) and these settings that stopped before
 * covering what they planned: the ones a user may want to resume, newest first.
 */
export async function findUnfinishedRuns(dir: string, benchHash: string, settings: EngineSettings): Promise<UnfinishedRun[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const out: UnfinishedRun[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const header = await readRunHeader(path).catch(() => undefined);
    if (!header || header.benchHash !== benchHash || !sameSettings(header.settings, settings)) continue;
    const { records } = await readRunFile(path).catch(() => ({ records: [] as RunRecord[] }));
    if (header.planned !== undefined && records.length < header.planned) out.push({ path, header, done: records.length });
  }
  return out.sort((a, b) => b.header.createdAt.localeCompare(a.header.createdAt));
}

/** Key order does not matter: the CLI and the extension build settings in different orders. */
export function sameSettings(a: EngineSettings, b: EngineSettings): boolean {
  const canon = (s: EngineSettings) => JSON.stringify(Object.entries(s).sort(([x], [y]) => x.localeCompare(y)));
  return canon(a) === canon(b);
}
