// Runtime validation of the messages the webview sends (it is a browser page: check everything).
import { z } from 'zod';
import { BUDGET_MAX, BUDGET_MIN, MAX_QUESTION_CHARS, type PanelSettings, type ToExtension } from './protocol';

const letter = z.string().regex(/^[A-Z]$/);
const options = z.record(letter, z.string().max(5_000)).refine((o) => Object.keys(o).length <= 26);

export const panelSettingsSchema: z.ZodType<PanelSettings> = z.object({
  budget: z.number().int().min(BUDGET_MIN).max(BUDGET_MAX),
  waitRounds: z.number().int().min(0).max(8),
  temperature: z.number().min(0).max(2),
  model: z.string().min(1).max(200),
});

const questionFields = {
  question: z.string().trim().min(1, 'Type a question').max(MAX_QUESTION_CHARS, `Questions are limited to ${MAX_QUESTION_CHARS} characters`),
  options,
  /** Gold letter, when the user knows the answer. */
  answer: letter.optional(),
  settings: panelSettingsSchema,
};

export const toExtensionSchema: z.ZodType<ToExtension> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('ask'), ...questionFields }),
  z.object({ type: z.literal('compare'), ...questionFields, budgets: z.array(z.number().int().min(BUDGET_MIN).max(BUDGET_MAX)).min(2).max(8) }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('settings'), settings: panelSettingsSchema }),
  z.object({ type: z.literal('refreshModels') }),
  z.object({ type: z.literal('rerun'), historyId: z.string().max(100), budget: z.number().int().min(BUDGET_MIN).max(BUDGET_MAX) }),
  z.object({ type: z.literal('openTrace'), historyId: z.string().max(100) }),
  z.object({ type: z.literal('deleteHistory'), historyId: z.string().max(100) }),
  z.object({ type: z.literal('command'), name: z.enum(['checkServer', 'selectModel', 'openSettings', 'getOllama']) }),
]);

/** Parses a message from the webview; a readable reason when it is not one. */
export function parseToExtension(data: unknown): { ok: true; message: ToExtension } | { ok: false; error: string } {
  const r = toExtensionSchema.safeParse(data);
  if (r.success) return { ok: true, message: r.data };
  const issue = r.error.issues[0];
  return { ok: false, error: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}` };
}

