// The results view is a browser page: its messages are checked before anything acts on them.
import * as z from 'zod/mini';
import type { FromResults, ResultsState } from './protocol';

const key = z.string().check(z.maxLength(2_000));

export const fromResultsSchema: z.ZodMiniType<FromResults> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('openItem'), key }),
  z.object({ type: z.literal('openTrace'), key, run: z.optional(z.enum(['a', 'b'])) }),
  z.object({ type: z.literal('openRun'), budget: z.int().check(z.gte(1)), waitRounds: z.int().check(z.gte(0)) }),
  z.object({ type: z.literal('sideBySide'), key, waitRounds: z.optional(z.int().check(z.gte(0), z.lte(64))) }),
  z.object({ type: z.literal('preview'), key }),
  z.object({ type: z.literal('copy'), key, part: z.enum(['answer', 'thought']) }),
  z.object({ type: z.literal('openTrendRun'), path: z.string().check(z.maxLength(4_096)) }),
  z.object({ type: z.literal('export'), format: z.enum(['csv', 'json', 'md']), reasoning: z.optional(z.boolean()) }),
]);

const path = z.string().check(z.minLength(1), z.maxLength(4_096));

/** A tab's saved state comes back from the page after a reload: checked like any message. */
export const resultsStateSchema: z.ZodMiniType<ResultsState> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('run'), path }),
  z.object({ kind: z.literal('sweep'), dir: path }),
  z.object({ kind: z.literal('compare'), a: path, b: path }),
  z.object({ kind: z.literal('sideBySide'), a: path, b: path, key }),
  z.object({ kind: z.literal('sweepSideBySide'), dir: path, waitRounds: z.int().check(z.gte(0), z.lte(64)), key }),
]);
