// A finished benchmark item as the Testing view shows it: pass/fail/skip with its duration, the
// thought and answer in the test's output, and on failure a message with gold vs m1's choice.
import * as vscode from 'vscode';
import { mdText } from '../core/markdown';
import type { BenchItem } from '../core/bench/format';
import { itemKey, type RunRecord } from '../core/bench/runFile';
import { shownRecord } from '../core/chat/reasoning';

function option(item: BenchItem, letter: string | null): string {
  return letter ? `${letter}. ${item.options[letter] ?? vscode.l10n.t('(not an option)')}` : vscode.l10n.t('(no option matched)');
}

/** One line of figures: tokens, how the thought ended, rounds, time. */
export function recordFigures(r: RunRecord): string {
  const finish: Record<string, string> = { stop: vscode.l10n.t('stopped by itself'), length: vscode.l10n.t('cut at the budget') };
  const how = r.finish.think && (finish[r.finish.think] ?? r.finish.think);
  const rounds = r.rounds.length === 1 ? vscode.l10n.t('1 round') : vscode.l10n.t('{0} rounds', r.rounds.length);
  return `${vscode.l10n.t('{0} thinking tokens', r.tokens.think)}${how ? `, ${how}` : ''} · ${vscode.l10n.t('{0} answer tokens', r.tokens.answer)} · ${rounds} · ${(r.ms / 1000).toFixed(1)} s`;
}

/** The thought round by round, then the answer; for the test's output (a terminal: CRLF). */
export function recordOutput(item: BenchItem, record: RunRecord): string {
  const r = shownRecord(record);
  const parts = [`── ${item.id ?? `${item.source} #${item.index + 1}`} ──`];
  r.rounds.forEach((round, i) => {
    // A round's Wait string was appended after it, so it leads the next round.
    if (i > 0) parts.push(`── Wait (round ${i + 1}) ──`, `${r.rounds[i - 1]!.waitInjected ?? ''}${round.think}`);
    else parts.push(round.think);
  });
  if (r.finish.think === 'length') parts.push('── budget reached: thought cut ──');
  parts.push('── answer ──', r.response);
  const verdict = r.correct === null ? 'not scored (no gold answer)' : r.correct ? 'right' : 'wrong';
  parts.push(`── m1: ${option(item, r.choice)} · gold: ${option(item, r.answer_idx)} · ${verdict} ──`, recordFigures(r), '');
  return parts.join('\n').replace(/\r?\n/g, '\r\n');
}

/** A command link for a trusted MarkdownString; the arguments are JSON in the query. */
const commandLink = (title: string, command: string, args: unknown[], tip: string) => `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))} "${tip}")`;

/** The commands the failure message may run: its own links, nothing a model's text could name. */
const LINKED = ['m1.itemSideBySide', 'm1.openRunTrace'];

/**
 * Why a test failed: gold against m1's choice, the figures, links to the item's readable trace and
 * its thoughts side by side, the answer and the thought.
 */
export function failureMessage(item: BenchItem, record: RunRecord, runFile: string): vscode.TestMessage {
  const r = shownRecord(record);
  // Trusted for our two commands only; every other text in it is escaped or in a code block.
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = { enabledCommands: LINKED };
  // The options and figures come from the benchmark and run files: escaped, never markup.
  const shown = (letter: string | null) => mdText(option(item, letter));
  md.appendMarkdown(
    `${r.choice ? vscode.l10n.t('m1 chose **{0}**; the answer is **{1}**.', shown(r.choice), shown(r.answer_idx)) : vscode.l10n.t("m1's answer could not be matched to an option (extraction failure); the answer is **{0}**.", shown(r.answer_idx))}\n\n`,
  );
  const key = itemKey(record);
  const trace = commandLink(vscode.l10n.t('Open the trace'), 'm1.openRunTrace', [runFile, key], vscode.l10n.t('The readable trace of this item'));
  const sideBySide = commandLink(vscode.l10n.t('Thoughts side by side'), 'm1.itemSideBySide', [runFile, key], vscode.l10n.t('This thought beside the previous run’s (or, in a sweep, each budget’s), the first divergence marked'));
  md.appendMarkdown(`${mdText(recordFigures(r))}\n\n${trace} · ${sideBySide}\n\n**${vscode.l10n.t('Answer')}**\n`);
  md.appendCodeblock(r.response, 'text');
  md.appendMarkdown(`\n**${vscode.l10n.t('Thought')}**\n`);
  // The thought as the model saw it: each round followed by the Wait string that continued it.
  md.appendCodeblock(r.rounds.map((x) => `${x.think}${x.waitInjected ?? ''}`).join(''), 'text');
  // No expected/actual output: VS Code would show a diff of the two option lines instead of this
  // message, and its links, answer and thought would not be seen.
  return new vscode.TestMessage(md);
}
