// The run file: a header line (settings, benchmark hash, model digest) and one line per finished
// item, appended as each finishes. Reading tolerates a torn last line (a kill mid-write).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { EngineSettings } from '../engine';
import { M1Error } from '../errors';
import { headerProblem, recordProblem } from './runSchema';

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
  /** The servers it ran on (absent in older files). */
  hosts?: string[];
  /**
   * Per host: the server's kind and version, the sampling options sent, what a probe found the
   * think stop to do there (absent where none ran) and the caveat that follows (absent in older files).
   */
  servers?: Array<{ kind?: string; version?: string; sampling?: Record<string, number>; probe?: RunProbe; caveat?: string }>;
}

/** What `m1 doctor` / Check Server found on a server, as a run header keeps it. */
export interface RunProbe {
  /** `exact`, `runs-on` or `unknown` (see backends/probe.ts). */
  thinkStop: string;
  detail: string;
  checkedAt: string;
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
   * Lengths of the round's tokens, from the server's logprobs, kept by sweeps so a smaller
   * budget's thought can be cut from this one at a token boundary (streamed chunks are not tokens).
   */
  tokenLengths?: number[];
}

export const itemKey = (x: { source: string; index: number }) => `${x.source}\u0000${x.index}`;

export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

export const isHeader = (x: unknown): x is RunHeader => headerProblem(x) === undefined;

/**
 * A record line without its rounds (the thoughts: nearly all of its bytes), for views that only
 * need the figures. The writer puts `rounds` right before `ms`, and `],"ms":` cannot occur inside
 * a JSON string (its quote would be escaped), so the cut is exact; any doubt falls back to the
 * whole line.
 */
export function parseWithoutRounds(line: string): unknown {
  const start = line.indexOf(',"rounds":[');
  const end = start < 0 ? -1 : line.indexOf('],"ms":', start);
  if (end < 0) return JSON.parse(line);
  try {
    return { ...(JSON.parse(line.slice(0, start) + line.slice(end + 1)) as object), rounds: [] };
  } catch {
    return JSON.parse(line);
  }
}

/**
 * Reads a run file: its header and the records written so far, each checked against the run
 * file's schema. A torn last line (a kill mid-write) is left out and its line number returned as
 * `torn`, for the reader to say so. `rounds: false` leaves the thoughts out (records then have
 * `rounds: []`), which is what makes a large run's results open quickly.
 */
export async function readRunFile(path: string, o: { rounds?: boolean } = {}): Promise<{ header: RunHeader; records: RunRecord[]; torn?: number }> {
  const parse = o.rounds === false ? parseWithoutRounds : (l: string) => JSON.parse(l) as unknown;
  const parsed: Array<{ value: unknown; n: number }> = [];
  let pending: { line: string; n: number } | undefined;
  let n = 0;
  // Line by line: a large run file is never held as one string.
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    n++;
    if (!line.trim()) continue;
    if (pending) throw new M1Error('bad-input', `${path}:${pending.n}: not a run file line`);
    try {
      parsed.push({ value: n === 1 ? JSON.parse(line) : parse(line), n });
    } catch {
      pending = { line, n }; // only the last line may be torn (a kill mid-write)
    }
  }
  const header = parsed[0]?.value;
  const problem = header === undefined ? 'no header line' : headerProblem(header);
  if (problem || !isHeader(header)) throw new M1Error('bad-input', `${path} is not an m1 run file (${parsed[0] ? `line ${parsed[0].n}: ` : ''}${problem ?? 'no header line'}).`);
  const seen = new Map<string, RunRecord>();
  for (const { value, n: at } of parsed.slice(1)) {
    const problem = recordProblem(value);
    if (problem) throw notARecord(path, at, problem);
    seen.set(itemKey(value as RunRecord), value as RunRecord);
  }
  return { header, records: [...seen.values()], ...(pending ? { torn: pending.n } : {}) };
}

const notARecord = (path: string, line: number, problem: string) => new M1Error('bad-input', `${path}:${line}: not a run record: ${problem}.`);

/** What a reader says about a torn last line it left out. */
export const tornNote = (path: string, line: number) => `${path}:${line}: a torn last line (a run stopped mid-write) was left out; resuming the run cuts it off and runs that item again.`;

/** One item's full record (with its thought), read again from the run file. */
export async function readRunRecord(path: string, key: string): Promise<RunRecord | undefined> {
  let found: { value: unknown; n: number } | undefined;
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    n++;
    if (!line.includes('"index":')) continue;
    try {
      const r = JSON.parse(line) as RunRecord;
      if (itemKey(r) === key) found = { value: r, n }; // the last copy wins, as in readRunFile
    } catch {
      // a torn last line
    }
  }
  // Checked like every record read: a trace is built from all of its fields.
  const problem = found && recordProblem(found.value);
  if (problem) throw notARecord(path, found!.n, problem);
  return found?.value as RunRecord | undefined;
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

/** A run's benchmark file: recorded absolute (the editor), or relative to where the CLI ran. */
export const benchFileOf = (header: RunHeader, folder: string) => (isAbsolute(header.benchFile) ? header.benchFile : resolve(folder, header.benchFile));

/** The run files in a runs folder and in its sweep folders (one level down). */
export async function listRunFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (at: string, depth: number): Promise<void> => {
    for (const e of await readdir(at, { withFileTypes: true }).catch(() => [])) {
      const path = join(at, e.name);
      if (e.isDirectory() && depth === 0) await visit(path, 1);
      else if (e.isFile() && e.name.endsWith('.jsonl')) out.push(path);
    }
  };
  await visit(dir, 0);
  return out;
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
    const { records } = await readRunFile(path, { rounds: false }).catch(() => ({ records: [] as RunRecord[] }));
    if (header.planned !== undefined && records.length < header.planned) out.push({ path, header, done: records.length });
  }
  return out.sort((a, b) => b.header.createdAt.localeCompare(a.header.createdAt));
}

/** Key order does not matter: the CLI and the extension build settings in different orders. */
export function sameSettings(a: EngineSettings, b: EngineSettings): boolean {
  const canon = (s: EngineSettings) => JSON.stringify(Object.entries(s).sort(([x], [y]) => x.localeCompare(y)));
  return canon(a) === canon(b);
}
