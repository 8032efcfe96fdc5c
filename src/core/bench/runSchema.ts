// The run file's lines as a schema: a run file may come from a cloned repository, so every reader
// (resume, results, compare, merge, the language server) checks each line before using it.
// Fields a newer m1 adds are kept (loose objects), so reading never drops them.
import * as z from 'zod/mini';

const count = z.number().check(z.gte(0));
const text = z.nullable(z.string());

export const settingsSchema = z.looseObject({ model: z.string(), budget: z.int().check(z.gte(1)), waitRounds: z.int().check(z.gte(0)), answerMaxTokens: z.int().check(z.gte(1)), temperature: z.number(), seed: z.number() });

const headerSchema = z.looseObject({
  type: z.literal('header'),
  version: z.literal(1),
  runId: z.string(),
  createdAt: z.string(),
  benchFile: z.string(),
  benchHash: z.string(),
  modelDigest: z.optional(z.string()),
  settings: settingsSchema,
  planned: z.optional(z.int().check(z.gte(0))),
  subset: z.optional(z.string()),
  hosts: z.optional(z.array(z.string())),
  servers: z.optional(
    z.array(
      z.looseObject({
        kind: z.optional(z.string()),
        version: z.optional(z.string()),
        sampling: z.optional(z.record(z.string(), z.number())),
        probe: z.optional(z.looseObject({ thinkStop: z.string(), detail: z.string(), checkedAt: z.string() })),
        caveat: z.optional(z.string()),
      }),
    ),
  ),
});

const roundSchema = z.looseObject({ think: z.string(), waitInjected: text, tokens: z.optional(count), finish: z.optional(text), tokenLengths: z.optional(z.array(z.number())) });

const recordSchema = z.looseObject({
  source: z.string(),
  index: z.int().check(z.gte(0)),
  id: z.optional(z.string()),
  question: z.string(),
  options: z.optional(z.record(z.string(), z.string())),
  answer_idx: text,
  answer: text,
  response: z.string(),
  extracted: z.string(),
  choice: text,
  correct: z.nullable(z.boolean()),
  tokens: z.looseObject({ think: count, answer: count }),
  tokensEstimated: z.optional(z.boolean()),
  finish: z.looseObject({ think: text, answer: text }),
  rounds: z.array(roundSchema),
  ms: count,
  host: z.optional(z.string()),
});

const firstIssue = (e: z.core.$ZodError) => {
  const issue = e.issues[0]!;
  return `${issue.path.join('.') || 'the line'}: ${issue.message}`;
};

/** Why a header line is not one (for messages), or undefined when it is. */
export function headerProblem(x: unknown): string | undefined {
  const r = headerSchema.safeParse(x);
  return r.success ? undefined : firstIssue(r.error);
}

/** Why a record line is not one: the field and what is wrong with it; undefined when it is. */
export function recordProblem(x: unknown): string | undefined {
  const r = recordSchema.safeParse(x);
  return r.success ? undefined : firstIssue(r.error);
}
