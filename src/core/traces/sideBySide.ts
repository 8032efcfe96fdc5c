// Thoughts side by side: two or more thoughts for one question (two runs of a comparison, or the
// budgets of a sweep) laid out round by round, so Wait round k of each sits in one row, with the
// first point where they stop saying the same thing.
import type { RecordRound, RunRecord } from '../bench/runFile';

export interface ThoughtColumn {
  /** What this thought is: "A · budget 1024 · 0 Wait", "budget 2048"… */
  label: string;
  rounds: Array<Pick<RecordRound, 'think' | 'waitInjected'>>;
  response: string;
  choice: string | null;
  correct: boolean | null;
  /** The budget cut the thought. */
  cut: boolean;
}

/** Where the thoughts first differ: the round, and in each column the character offset in it. */
export interface Divergence {
  round: number;
  /** Per column; a column without that round has offset 0. */
  offsets: number[];
}

const words = (text: string) => [...text.matchAll(/\S+/g)].map((m) => ({ word: m[0], at: m.index }));

/**
 * The first divergence, compared word by word (whitespace differences are not divergences) and
 * round by round; null when every thought says the same in the same rounds.
 */
export function firstDivergence(columns: Array<Pick<ThoughtColumn, 'rounds'>>): Divergence | null {
  const rounds = Math.max(...columns.map((c) => c.rounds.length));
  for (let r = 0; r < rounds; r++) {
    const texts = columns.map((c) => c.rounds[r]?.think);
    if (texts.some((t) => t === undefined)) return { round: r, offsets: texts.map(() => 0) };
    const split = texts.map((t) => words(t!));
    const longest = Math.max(...split.map((w) => w.length));
    for (let i = 0; i < longest; i++) {
      const here = split.map((w) => w[i]?.word);
      if (here.every((w) => w === here[0])) continue;
      return { round: r, offsets: split.map((w, c) => w[i]?.at ?? texts[c]!.length) };
    }
  }
  return null;
}

/** A run record as a column. */
export function columnOf(label: string, r: RunRecord): ThoughtColumn {
  return { label, rounds: r.rounds.map((x) => ({ think: x.think, waitInjected: x.waitInjected })), response: r.response, choice: r.choice, correct: r.correct, cut: r.finish.think === 'length' };
}
