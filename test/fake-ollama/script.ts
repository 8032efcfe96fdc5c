// The scripted model the fake server plays. A script is a pure function of the prompt, so
// budget forcing, resumption and sweeps behave as they would with greedy decoding on a real model:
// continuing a prefix of a thought yields the rest of the same thought.
import { tokenize } from './tokenizer';

export interface Failure {
  /** `stall`: the stream stays open and sends nothing more (a hung runner). */
  kind: 'error-line' | 'crash' | 'stall';
  /** Tokens streamed before the failure. */
  afterTokens: number;
  phase?: 'think' | 'answer';
  message?: string;
}

export interface Script {
  /** Substring of the prompt that selects this script (usually a piece of the question). */
  match: string;
  /** Thought per round: think[0] first, think[k] after the k-th "Wait"; the last one repeats. */
  think: string[];
  /** Answer after k Wait rounds (answers[k]); the last one repeats. */
  answers: string[];
  /** Answer when the budget cut the thought (after "Final Answer:"). Defaults to answers. */
  answerAfterCut?: string;
  tokenDelayMs?: number;
  failure?: Failure;
}

export const DEFAULT_SCRIPT: Script = {
  match: '',
  think: ['Let me think about this step by step. The question asks for the best option, so I compare each one. '],
  answers: ['The answer is \\boxed{A}.'],
};

export const THINK_MARKER = '<|im_start|>think\n';
const ANSWER_MARKER = '<|im_start|>answer';

export interface Plan {
  script: Script;
  phase: 'think' | 'answer' | 'plain';
  /** Tokens the model emits if nothing stops it. */
  tokens: string[];
  /** Completed Wait rounds seen in the prompt. */
  waits: number;
  offScript: boolean;
}

const at = <T>(list: readonly T[], i: number): T => list[Math.min(i, list.length - 1)]!;

/** Where the prompt's thought stands in the script: completed Wait rounds, and the rest of the current round. */
function locate(script: Script, thought: string): { waits: number; rest: string } | undefined {
  let pos = 0;
  for (let r = 0; ; r++) {
    const round = at(script.think, r);
    const left = thought.slice(pos);
    if (round.startsWith(left)) return { waits: r, rest: round.slice(left.length) };
    if (!left.startsWith(round)) return undefined;
    pos += round.length;
    const wait = thought.startsWith(' Wait', pos) ? ' Wait' : thought.startsWith('Wait', pos) ? 'Wait' : undefined;
    if (!wait) return pos === thought.length ? { waits: r, rest: '' } : undefined;
    pos += wait.length;
  }
}

/** Tokens for the rest of a round, cut on the same boundaries as the whole round. */
function restTokens(round: string, rest: string): string[] {
  const all = tokenize(round);
  const prefixLength = round.length - rest.length;
  let len = 0;
  for (let i = 0; i <= all.length; i++) {
    if (len === prefixLength) return all.slice(i);
    if (i < all.length) len += all[i]!.length;
  }
  return tokenize(rest);
}

export function plan(prompt: string, scripts: readonly Script[]): Plan {
  const script = scripts.find((s) => s.match && prompt.includes(s.match)) ?? DEFAULT_SCRIPT;
  const thinkAt = prompt.lastIndexOf(THINK_MARKER);
  if (thinkAt < 0) return { script, phase: 'plain', tokens: tokenize(at(script.answers, 0)), waits: 0, offScript: false };
  const afterThink = prompt.slice(thinkAt + THINK_MARKER.length);
  const answerAt = afterThink.lastIndexOf(ANSWER_MARKER);
  if (answerAt >= 0) {
    const thought = afterThink.slice(0, answerAt).replace(/\n$/, '');
    const where = locate(script, thought);
    const cut = afterThink.slice(answerAt).startsWith(`${ANSWER_MARKER}\nFinal Answer:`);
    const waits = where?.waits ?? 0;
    const text = cut && script.answerAfterCut !== undefined ? script.answerAfterCut : at(script.answers, waits);
    return { script, phase: 'answer', tokens: tokenize(text), waits, offScript: !where };
  }
  const where = locate(script, afterThink);
  if (!where) return { script, phase: 'think', tokens: tokenize(at(DEFAULT_SCRIPT.think, 0)), waits: 0, offScript: true };
  return { script, phase: 'think', tokens: restTokens(at(script.think, where.waits), where.rest), waits: where.waits, offScript: false };
}

/**
 * Whether appending `token` to `output` completes a stop string; if so, the text before it (a
 * stop string ends generation and is not part of the output, as in Ollama and vLLM).
 */
export function stopHit(output: string, token: string, stop: readonly string[]): { before: string } | undefined {
  const candidate = output + token;
  const hit = stop.map((s) => candidate.indexOf(s, Math.max(0, output.length - s.length))).find((i) => i >= 0);
  return hit === undefined ? undefined : { before: candidate.slice(output.length, hit) };
}
