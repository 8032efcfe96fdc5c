// Follows a run file as it grows: each read starts where the last one stopped, so a view over a
// running benchmark, or over every run in a workspace, costs one read of each appended line
// rather than a re-read of the whole file per item.
import { open, stat } from 'node:fs/promises';
import { isHeader, itemKey, parseWithoutRounds, type RunHeader, type RunRecord } from './runFile';
import { headerProblem, recordProblem } from './runSchema';
import { wilson } from '../stats';

/** Small reads keep memory flat while a large run file is read the first time. */
const CHUNK = 1 << 16;
/** Problems kept word for word; a hostile file with a million bad lines is then a count. */
const MAX_PROBLEMS = 20;
/** A line longer than this (no record comes near it) is left out, not held in memory whole. */
export const MAX_LINE_BYTES = 16 << 20;

/** The figures of a run so far, for lists and trends. */
export interface RunTotals {
  /** Items finished (an item written twice counts once, the last copy winning). */
  done: number;
  /** Items the run covers (the header's plan, or what is done when an older file has none). */
  planned: number;
  correct: number;
  scored: number;
  accuracy: number | null;
  ci95: [number, number] | null;
  /** The servers it ran on: the header's, and the ones records name. */
  hosts: string[];
}

export class RunTail {
  private offset = 0;
  private size = -1;
  private mtimeMs = 0;
  private headerLine: RunHeader | undefined;
  /** Records without their thoughts, by item key. */
  private readonly byKey = new Map<string, RunRecord>();
  private readonly recordHosts = new Set<string>();
  private readonly outcomes = new Map<string, boolean | null>();
  /** Lines taken so far (1-based line number of the last one), for the problems' file:line. */
  private lineNo = 0;
  /** The first line was not a header: nothing after it is a run's. */
  private notARun = false;
  /** Inside an over-long line: everything up to its end is left out. */
  private skipping = false;
  private readonly problemLines: string[] = [];
  private problemCount = 0;

  /** @param keep whether the records are kept (a live view needs them; a list only the totals). */
  constructor(
    readonly path: string,
    private readonly keep = false,
  ) {}

  get header(): RunHeader | undefined {
    return this.headerLine;
  }

  get mtime(): number {
    return this.mtimeMs;
  }

  /**
   * Whole lines left out, as file:line and why (a line that is not JSON, a record that fails the
   * run file's schema, a first line that is not a header): a torn or hostile line is said, not
   * skipped silently. The first few word for word, then how many more.
   */
  get problems(): string[] {
    const more = this.problemCount - this.problemLines.length;
    return more > 0 ? [...this.problemLines, `… and ${more} more line${more === 1 ? '' : 's'} left out`] : [...this.problemLines];
  }

  /** The records so far without thoughts, in the order first written; empty unless kept. */
  get records(): RunRecord[] {
    return [...this.byKey.values()];
  }

  /**
   * Reads what was appended since the last call. Returns whether anything changed. A file that
   * shrank was rewritten (a rename over it, a merge): it is read again from the start.
   */
  async update(): Promise<boolean> {
    const st = await stat(this.path);
    if (st.size === this.size && st.mtimeMs === this.mtimeMs) return false;
    const rewritten = st.size < this.offset;
    if (rewritten) this.reset();
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
    if (st.size === this.offset) return rewritten;
    const fh = await open(this.path, 'r');
    let carry = Buffer.alloc(0);
    const before = this.offset;
    try {
      // In chunks, so a large run file is never one buffer; only whole lines are taken, a line
      // being written stays for the next read ('\n' is one byte in UTF-8).
      for (let pos = this.offset; pos < st.size; ) {
        const buf = Buffer.alloc(Math.min(CHUNK, st.size - pos));
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (!bytesRead) break;
        pos += bytesRead;
        let data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
        if (this.skipping) {
          const nl = data.indexOf(0x0a);
          carry = Buffer.alloc(0);
          this.offset = nl < 0 ? pos : pos - (data.length - nl - 1);
          if (nl < 0) continue;
          this.skipping = false;
          data = data.subarray(nl + 1);
        }
        const end = data.lastIndexOf(0x0a);
        carry = end < 0 ? data : data.subarray(end + 1);
        if (end >= 0) for (const line of data.subarray(0, end).toString('utf8').split('\n')) this.take(line);
        if (carry.length > MAX_LINE_BYTES) {
          this.lineNo++;
          this.problem(`a line of over ${MAX_LINE_BYTES >> 20} MB, left out`);
          carry = Buffer.alloc(0);
          this.skipping = true;
        }
        this.offset = pos - carry.length;
      }
    } finally {
      await fh.close();
    }
    return rewritten || this.offset !== before;
  }

  private reset(): void {
    this.offset = 0;
    this.headerLine = undefined;
    this.byKey.clear();
    this.outcomes.clear();
    this.recordHosts.clear();
    this.lineNo = 0;
    this.notARun = false;
    this.skipping = false;
    this.problemLines.length = 0;
    this.problemCount = 0;
  }

  private problem(why: string): void {
    this.problemCount++;
    if (this.problemLines.length < MAX_PROBLEMS) this.problemLines.push(`${this.path}:${this.lineNo}: ${why}`);
  }

  private take(line: string): void {
    this.lineNo++;
    if (!line.trim() || this.notARun) return;
    let parsed: unknown;
    try {
      parsed = this.headerLine ? parseWithoutRounds(line) : JSON.parse(line);
    } catch {
      // A whole line (it ends in a newline) that is not JSON: torn by a kill before a resume
      // appended to it, or planted. The line being written now is not taken until it is whole.
      this.problem('not a run file line (not JSON), left out');
      return;
    }
    if (!this.headerLine) {
      if (isHeader(parsed)) this.headerLine = parsed;
      else {
        this.notARun = true;
        this.problem(`not an m1 run file: ${headerProblem(parsed) ?? 'no header line'}`);
      }
      return;
    }
    // Checked like every record read (readRunFile): a view must not act on a malformed one.
    const why = recordProblem(parsed);
    if (why) {
      this.problem(`not a run record: ${why}, left out`);
      return;
    }
    const r = parsed as RunRecord;
    const key = itemKey(r);
    this.outcomes.set(key, r.correct);
    if (r.host) this.recordHosts.add(r.host);
    if (this.keep) this.byKey.set(key, r); // the last copy wins, in the first one's place (as readRunFile)
  }

  totals(): RunTotals {
    let correct = 0;
    let scored = 0;
    for (const c of this.outcomes.values()) {
      if (c === null) continue;
      scored++;
      if (c) correct++;
    }
    const done = this.outcomes.size;
    return {
      done,
      planned: Math.max(this.headerLine?.planned ?? 0, done),
      correct,
      scored,
      accuracy: scored ? correct / scored : null,
      ci95: scored ? wilson(correct, scored) : null,
      hosts: [...new Set([...(this.headerLine?.hosts ?? []), ...this.recordHosts])],
    };
  }
}
