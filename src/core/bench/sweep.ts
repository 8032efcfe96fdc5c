// Budget sweeps: the same items at several thinking budgets and Wait rounds. Under greedy
// decoding the thought at a smaller budget is a prefix of the thought at the largest one, so each
// item's thought is generated once (largest budget, most Wait rounds) and every smaller setting
// cuts it at its budget on the server's own token boundaries (its logprobs) and generates only
// the answer. Streamed chunks are not tokens (servers hold back and merge text), so an item
// whose boundaries the server did not give exactly runs that setting as a request of its own. A
// thought that stopped by itself below a budget serves every larger budget as it is. With
// sampling (temperature > 0) or when asked, each setting is a separate run instead.
import { join } from 'node:path';
import type { Backend } from '../backends/backend';
import { askM1, runContextTokens, waitString, WAIT_TOKENS, type EngineResult, type EngineSettings } from '../engine';
import { ANSWER_MARKER, CUT_ANSWER_MARKER, STOP_STRINGS, buildPrompt } from '../prompt';
import type { BenchItem } from './format';
import { readRunFile, itemKey, type RunRecord } from './runFile';
import { runBenchmark, type RunOptions, type RunSummary } from './runner';

export interface SweepSetting {
  budget: number;
  waitRounds: number;
}

export interface SweepOptions extends Omit<RunOptions, 'settings' | 'runFile' | 'ask' | 'tokenBoundaries'> {
  /** Model, answer cap, temperature and seed; budget and Wait rounds come from the grid. */
  base: EngineSettings;
  budgets: number[];
  waitRounds: number[];
  dir: string;
  /** Separate runs for every setting even under greedy decoding. */
  exact?: boolean;
}

export interface SweepResult {
  settings: Array<SweepSetting & { runFile: string; summary: RunSummary }>;
  /** Whether thoughts were shared across settings. */
  shared: boolean;
  /** Item runs whose thought had no exact token boundaries to cut on, so they ran separately. */
  fallbacks: number;
}

export const sweepFile = (dir: string, s: SweepSetting) => join(dir, `budget-${s.budget}-wait-${s.waitRounds}.jsonl`);

interface CutThought {
  rounds: EngineResult['rounds'];
  thought: string;
  used: number;
  finish: 'stop' | 'length';
}

/**
 * The thought a run at `s` would have produced, cut from a longer greedy run's record, or
 * undefined when the record lacks exact token boundaries (then the setting must run itself).
 */
export function cutThought(full: RunRecord, s: SweepSetting): CutThought | undefined {
  const rounds: EngineResult['rounds'] = [];
  let thought = '';
  let used = 0;
  let finish: 'stop' | 'length' = 'stop';
  for (let r = 0; r < full.rounds.length; r++) {
    const round = full.rounds[r]!;
    const tokens = round.tokens;
    const lengths = round.tokenLengths;
    // The server's token texts must account for exactly the tokens counted for the round.
    if (tokens === undefined || !lengths || lengths.length !== tokens) return undefined;
    // What this setting's round asks for: the budget less the text so far and this round's Wait.
    const limit = s.budget - used - (r > 0 ? WAIT_TOKENS : 0);
    const stoppedItself = round.finish !== 'length';
    let text = round.think;
    let taken = tokens;
    if (tokens > limit) {
      text = round.think.slice(0, lengths.slice(0, limit).reduce((a, b) => a + b, 0));
      taken = limit;
    }
    // Reaching the limit, or EOS as the limit-th token, reads as length (engine's finishAt).
    finish = tokens >= limit || (stoppedItself && tokens + 1 >= limit) ? 'length' : 'stop';
    rounds.push({ text, tokens: taken, finishReason: finish });
    thought += text;
    used += taken;
    // The engine's rule for another round: the count alone, and a Wait that still fits.
    if (r >= s.waitRounds || used + WAIT_TOKENS >= s.budget) break;
    if (r + 1 >= full.rounds.length) return undefined; // the longer run did not go on: cannot tell
    const wait = round.waitInjected ?? waitString(thought);
    rounds[r]!.waitInjected = wait;
    thought += wait;
  }
  return { rounds, thought, used, finish };
}

/** A setting's result from a longer greedy run: its cut thought, then a fresh answer. */
async function answerFromCut(item: BenchItem, full: RunRecord, backend: Backend, s: EngineSettings, signal: AbortSignal, contextTokens: number): Promise<EngineResult | undefined> {
  const cut = cutThought(full, s);
  if (!cut) return undefined;
  const prompt = buildPrompt({ question: item.question, options: item.options });
  const thought = cut.thought.endsWith('\n') ? cut.thought : `${cut.thought}\n`;
  const marker = cut.finish === 'length' ? CUT_ANSWER_MARKER : ANSWER_MARKER;
  const started = Date.now();
  // The same thought as the longer run (it stopped below this budget too): the same answer.
  const same = cut.used === full.tokens.think && cut.rounds.length === full.rounds.length && cut.finish === (full.finish.think ?? 'stop');
  let answer = same ? full.response : '';
  let tokens = same ? full.tokens.answer : 0;
  let answerFinish = same ? ((full.finish.answer ?? undefined) as 'stop' | 'length' | undefined) : undefined;
  if (!same) {
    for await (const ev of backend.generate({
      model: s.model,
      prompt: prompt + thought + marker,
      maxTokens: s.answerMaxTokens,
      stop: STOP_STRINGS,
      temperature: s.temperature,
      seed: s.seed,
      contextTokens,
      signal,
    })) {
      if (ev.type === 'text') answer += ev.text;
      else {
        tokens = ev.textTokens ?? ev.evalCount;
        answerFinish = ev.finishReason;
      }
    }
  }
  return {
    prompt,
    rounds: cut.rounds,
    thought,
    budgetHit: cut.finish === 'length',
    answerMarker: marker,
    answer,
    responseText: marker + answer,
    tokens: { think: cut.used, answer: tokens },
    finish: { think: cut.finish, ...(answerFinish ? { answer: answerFinish } : {}) },
    timing: { thinkMs: 0, answerMs: Date.now() - started, evalNs: 0 },
    cancelled: false,
  };
}

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const grid = o.waitRounds.flatMap((waitRounds) => o.budgets.map((budget) => ({ budget, waitRounds })));
  const { base, budgets, waitRounds, dir, exact, ...run } = o;
  // One context for every setting, sized for the largest budget: the model is loaded once.
  const contextTokens = runContextTokens(o.items, { ...base, budget: Math.max(...budgets) });
  const runOne = (s: SweepSetting, extra: Partial<RunOptions> = {}) => runBenchmark({ ...run, settings: { ...base, ...s }, runFile: sweepFile(dir, s), contextTokens, ...extra });
  const shared = !exact && base.temperature === 0;
  if (!shared) {
    const summaries = await Promise.all(grid.map((s) => runOne(s)));
    return { settings: grid.map((s, i) => ({ ...s, runFile: sweepFile(dir, s), summary: summaries[i]! })), shared, fallbacks: 0 };
  }
  const top: SweepSetting = { budget: Math.max(...budgets), waitRounds: Math.max(...waitRounds) };
  const topSummary = await runOne(top, { tokenBoundaries: true });
  const full = new Map((await readRunFile(sweepFile(dir, top))).records.map((r) => [itemKey(r), r]));
  let fallbacks = 0;
  const rest = grid.filter((s) => s.budget !== top.budget || s.waitRounds !== top.waitRounds);
  const summaries = await Promise.all(
    rest.map((s) =>
      runOne(s, {
        ask: async (item, backend, settings, signal) => {
          const record = full.get(itemKey(item));
          const derived = record && (await answerFromCut(item, record, backend, settings, signal, contextTokens));
          if (derived) return derived;
          fallbacks++;
          return askM1({ question: item.question, options: item.options }, { backend, settings, signal, contextTokens });
        },
      }),
    ),
  );
  const bySetting = new Map(rest.map((s, i) => [`${s.budget}/${s.waitRounds}`, summaries[i]!]));
  bySetting.set(`${top.budget}/${top.waitRounds}`, topSummary);
  return { settings: grid.map((s) => ({ ...s, runFile: sweepFile(dir, s), summary: bySetting.get(`${s.budget}/${s.waitRounds}`)! })), shared, fallbacks };
}
