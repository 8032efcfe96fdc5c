// The results view is a browser page: its messages are checked before anything acts on them.
import * as z from 'zod/mini';
import type { FromResults } from './protocol';

const key = z.string().check(z.maxLength(2_000));

export const fromResultsSchema: z.ZodMiniType<FromResults> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('openItem'), key }),
  z.object({ type: z.literal('openTrace'), key, run: z.optional(z.enum(['a', 'b'])) }),
  z.object({ type: z.literal('openRun'), budget: z.int().check(z.gte(1)), waitRounds: z.int().check(z.gte(0)) }),
  z.object({ type: z.literal('export'), format: z.enum(['csv', 'json', 'md']) }),
]);
