// Runtime validation of the messages the webview sends (it is a browser page: check everything).
// zod/mini keeps the extension bundle small.
import * as z from 'zod/mini';
import { BUDGET_MAX, BUDGET_MIN, COPY_PARTS, MAX_QUESTION_CHARS, PANEL_COMMANDS, PANEL_PROTOCOLS, type PanelSettings, type ToExtension } from './protocol';

const letter = z.string().check(z.regex(/^[A-Z]$/, 'must be one letter A–Z'));
const options = z.record(letter, z.string().check(z.maxLength(5_000)));
const budget = z.int().check(z.gte(BUDGET_MIN), z.lte(BUDGET_MAX));
const id = z.string().check(z.maxLength(100));

export const panelSettingsSchema: z.ZodMiniType<PanelSettings> = z.object({
  budget,
  waitRounds: z.int().check(z.gte(0), z.lte(8)),
  temperature: z.number().check(z.gte(0), z.lte(2)),
  model: z.string().check(z.minLength(1), z.maxLength(200)),
  protocol: z.optional(z.enum(PANEL_PROTOCOLS)),
});

const questionFields = {
  question: z.string().check(z.trim(), z.minLength(1, 'Type a question'), z.maxLength(MAX_QUESTION_CHARS, `Questions are limited to ${MAX_QUESTION_CHARS} characters`)),
  options,
  /** Gold letter, when the user knows the answer. */
  answer: z.optional(letter),
  settings: panelSettingsSchema,
};

export const toExtensionSchema: z.ZodMiniType<ToExtension> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('ask'), ...questionFields }),
  z.object({ type: z.literal('compare'), ...questionFields, budgets: z.array(budget).check(z.minLength(2), z.maxLength(8)) }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('settings'), settings: panelSettingsSchema }),
  z.object({ type: z.literal('refreshModels') }),
  z.object({ type: z.literal('rerun'), historyId: id, budget }),
  z.object({ type: z.literal('openTrace'), historyId: id }),
  z.object({ type: z.literal('deleteHistory'), historyId: id }),
  z.object({ type: z.literal('copy'), historyId: id, part: z.enum(COPY_PARTS) }),
  z.object({ type: z.literal('command'), name: z.enum(PANEL_COMMANDS) }),
]);

/** Parses a message from the webview; a readable reason when it is not one. */
export function parseToExtension(data: unknown): { ok: true; message: ToExtension } | { ok: false; error: string } {
  const r = toExtensionSchema.safeParse(data);
  if (r.success) return { ok: true, message: r.data };
  const issue = r.error.issues[0];
  return { ok: false, error: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}` };
}
