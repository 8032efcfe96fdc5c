// Argument checks shared by the CLI's commands.
import { CHAT_MAX_NEW_TOKENS, chatSettings } from '../core/chat/protocol';
import type { EngineSettings } from '../core/engine';

/** A mistake in the command line: exit code 2 and a one-line message. */
export class UsageError extends Error {}

export function intArg(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

/** The protocol options of `m1 ask` and `m1 bench` (node:util parseArgs shapes). */
export const PROTOCOL_OPTIONS = { protocol: { type: 'string' }, cot: { type: 'boolean' }, 'max-tokens': { type: 'string' } } as const;

/** Their usage lines, the flag column `width` wide as in the command's own usage text. */
export function protocolUsage(width: number): string {
  const lines: Array<[string, string[]]> = [
    ['--protocol P', ['m1 (budget forcing, the default) or chat: the reference\'s baseline protocol', 'for other models (their own chat template, one user message, no think', 'marker, scored on the whole output)']],
    ['--cot', ['chat only: "Let\'s think step by step." before the \\boxed{} instruction']],
    ['--max-tokens N', [`chat only: new tokens at most (default ${CHAT_MAX_NEW_TOKENS}, as the reference)`]],
  ];
  return lines.map(([flag, text]) => text.map((t, i) => `  ${(i ? '' : flag).padEnd(width)}${t}`).join('\n')).join('\n') + '\n';
}

/**
 * The settings a command runs under: `m1` as given, or the chat protocol built on them. Budget
 * forcing's own options (`--budget`, `--wait`, `--answer-max`) are refused with chat, and chat's
 * with m1, so a command line never silently ignores what it says.
 */
export function protocolSettings(
  values: { protocol?: string; cot?: boolean; 'max-tokens'?: string; budget?: string; wait?: string; 'answer-max'?: string },
  m1: EngineSettings,
): EngineSettings {
  const protocol = values.protocol ?? 'm1';
  if (protocol !== 'm1' && protocol !== 'chat') throw new UsageError(`--protocol must be m1 or chat, got "${protocol}"`);
  if (protocol === 'm1') {
    if (values.cot || values['max-tokens'] !== undefined) throw new UsageError('--cot and --max-tokens go with --protocol chat');
    return m1;
  }
  const forcing = (['budget', 'wait', 'answer-max'] as const).filter((k) => values[k] !== undefined);
  if (forcing.length) throw new UsageError(`${forcing.map((k) => `--${k}`).join(' and ')} ${forcing.length > 1 ? 'are' : 'is'} m1 budget forcing; the chat protocol takes --max-tokens`);
  return chatSettings(m1, { cot: values.cot === true, maxTokens: intArg('max-tokens', values['max-tokens'], CHAT_MAX_NEW_TOKENS, 1) });
}
