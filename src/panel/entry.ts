// A finished (or stopped, or failed) run as the panel's history keeps it, and back to a trace file.
import { chatMessages, chatSettings, isChat } from '../core/chat/protocol';
import { splitReasoning } from '../core/chat/reasoning';
import type { EngineResult, EngineSettings } from '../core/engine';
import { buildPrompt, type Question } from '../core/prompt';
import { readChoice, scoreResponse } from '../core/score';
import { toTrace, type TraceFile } from '../core/trace';
import { isChatProtocol, type CopyPart, type HistoryEntry, type PanelSettings, type RunStart } from './protocol';

export function entryFromResult(start: RunStart, result: EngineResult, status: HistoryEntry['status'], ms: number, error?: string): HistoryEntry {
  const goldText = start.answer ? start.options[start.answer] : undefined;
  const gold = start.answer && goldText !== undefined ? { options: start.options, answerIdx: start.answer, answer: goldText } : undefined;
  const scored: { extracted: string; choice?: string; correct?: boolean } | undefined =
    status === 'done' ? (gold ? scoreResponse(result.responseText, gold) : readChoice(result.responseText, start.options)) : undefined;
  // A chat answer's reasoning section is shown as the thought (it is scored whole, above).
  const chat = isChatProtocol(start.settings) ? splitReasoning(result.responseText) : undefined;
  const rounds = chat ? (chat.thought !== undefined ? [{ text: chat.thought, tokens: 0 }] : []) : result.rounds;
  return {
    id: start.runId,
    at: new Date().toISOString(),
    question: start.question,
    options: start.options,
    ...(start.answer ? { answer: start.answer } : {}),
    settings: start.settings,
    status,
    ...(error ? { error } : {}),
    rounds: rounds.map((r) => ({
      text: r.text,
      tokens: r.tokens,
      ...(r.waitInjected ? { waitInjected: r.waitInjected } : {}),
      ...(r.finishReason ? { finishReason: r.finishReason } : {}),
    })),
    budgetHit: result.budgetHit,
    answerMarker: result.answerMarker,
    answerText: chat ? chat.answer : result.answer,
    ...(scored ? { extracted: scored.extracted } : {}),
    ...(scored?.choice !== undefined ? { choice: scored.choice } : {}),
    ...(scored?.correct !== undefined ? { correct: scored.correct } : {}),
    tokens: { think: result.tokens.think, answer: result.tokens.answer },
    ms,
  };
}

export function engineSettings(s: PanelSettings, base: EngineSettings): EngineSettings {
  const m1 = { ...base, budget: s.budget, waitRounds: s.waitRounds, temperature: s.temperature, model: s.model };
  return isChatProtocol(s) ? chatSettings(m1, { cot: s.protocol === 'chat-cot' }) : m1;
}

/** A past run's part as Copy puts it on the clipboard: the thought as the model wrote it, Wait continuations included. */
export function copyText(entry: HistoryEntry, part: CopyPart): string {
  return part === 'answer' ? entry.answerText.trim() : entry.rounds.map((r) => r.text + (r.waitInjected ?? '')).join('').trim();
}

export function traceFromEntry(entry: HistoryEntry, base: EngineSettings): TraceFile {
  const question: Question = { question: entry.question, ...(Object.keys(entry.options).length ? { options: entry.options } : {}) };
  const gold = entry.answer && entry.options[entry.answer] ? { answerIdx: entry.answer, answer: entry.options[entry.answer]! } : undefined;
  const source = {
    prompt: isChat(engineSettings(entry.settings, base)) ? chatMessages(question, entry.settings.protocol === 'chat-cot')[0]!.content : buildPrompt(question),
    rounds: entry.rounds,
    budgetHit: entry.budgetHit,
    answerMarker: entry.answerMarker,
    answer: entry.answerText,
    tokens: entry.tokens,
    finish: {
      ...(entry.rounds.at(-1)?.finishReason ? { think: entry.rounds.at(-1)!.finishReason as 'stop' | 'length' } : {}),
    },
  };
  return toTrace(
    question,
    engineSettings(entry.settings, base),
    source,
    { extracted: entry.extracted ?? '', ...(entry.choice ? { choice: entry.choice } : {}), ...(entry.correct !== undefined ? { correct: entry.correct } : {}) },
    gold,
    new Date(entry.at),
  );
}
