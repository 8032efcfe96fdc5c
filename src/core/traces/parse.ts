// Reading a trace file: checked field by field (it may be hand-edited), version 1 migrated,
// a newer version refused with the version it needs.
import { findNodeAtLocation, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import * as z from 'zod/mini';
import { M1Error } from '../errors';
import { TRACE_VERSION, type TraceFile } from '../trace';

const round = z.object({ think: z.string(), tokens: z.number(), finishReason: z.optional(z.string()), waitInjected: z.optional(z.string()) });
const label = z.object({
  id: z.string(),
  label: z.string().check(z.minLength(1)),
  note: z.optional(z.string()),
  round: z.int().check(z.gte(-1)),
  start: z.int().check(z.gte(0)),
  end: z.int().check(z.gte(0)),
  text: z.string(),
  createdAt: z.string(),
});
const probe = z.object({ afterRound: z.int(), answer: z.string(), extracted: z.string(), choice: z.optional(z.string()), correct: z.optional(z.boolean()) });

/** Also what media/m1trace.schema.json describes (test/unit/trace-schema.test.ts keeps the two in step). */
export const traceSchema = z.object({
  version: z.literal(TRACE_VERSION),
  createdAt: z.string(),
  question: z.string(),
  options: z.optional(z.record(z.string(), z.string())),
  gold: z.optional(z.object({ answerIdx: z.string(), answer: z.string() })),
  model: z.string(),
  modelDigest: z.optional(z.string()),
  run: z.optional(z.object({ runId: z.string(), source: z.string(), index: z.int(), id: z.optional(z.string()) })),
  settings: z.object({ budget: z.number(), waitRounds: z.number(), answerMaxTokens: z.number(), temperature: z.number(), seed: z.number() }),
  prompt: z.string(),
  rounds: z.array(round),
  budgetHit: z.boolean(),
  answerMarker: z.string(),
  answer: z.string(),
  extracted: z.string(),
  choice: z.optional(z.string()),
  correct: z.optional(z.boolean()),
  tokens: z.object({ think: z.number(), answer: z.number(), prompt: z.optional(z.number()) }),
  finish: z.object({ think: z.optional(z.string()), answer: z.optional(z.string()) }),
  probes: z.optional(z.array(probe)),
  labels: z.array(label),
});

export function parseTrace(text: string, file = 'trace'): TraceFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new M1Error('bad-input', `${file} is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > TRACE_VERSION) {
    throw new M1Error('bad-input', `${file} was written by a newer m1 (trace format ${version}); this extension reads up to version ${TRACE_VERSION}: update m1 for VS Code.`);
  }
  // Version 1 had the same fields; its labels were never written, so they start empty.
  if (version === 1) raw = { ...(raw as object), version: TRACE_VERSION, labels: [] };
  const parsed = traceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new M1Error('bad-input', `${file} is not an m1 trace (format ${TRACE_VERSION}): ${issue.path.join('.') || 'the file'}: ${issue.message}.`);
  }
  return parsed.data as TraceFile;
}

/** Problems of a trace file's text with where they are, for the language server. */
export function traceProblems(text: string): Array<{ message: string; start: number; end: number }> {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true });
  if (errors.length || !root) return errors.slice(0, 1).map((e) => ({ message: `malformed JSON: ${printParseErrorCode(e.error)}`, start: e.offset, end: e.offset + Math.max(1, e.length) }));
  try {
    parseTrace(text);
    return [];
  } catch (e) {
    const raw = JSON.parse(text) as { version?: unknown } | null; // any JSON value: null too
    // A newer format: say which version it needs, at the version.
    if (typeof raw?.version === 'number' && raw.version > TRACE_VERSION) {
      const at = findNodeAtLocation(root, ['version']) ?? root;
      return [{ message: e instanceof Error ? e.message : String(e), start: at.offset, end: at.offset + at.length }];
    }
    const version = raw?.version === 1 ? { ...raw, version: TRACE_VERSION, labels: [] } : raw;
    const parsed = traceSchema.safeParse(version);
    const issues = parsed.success ? [] : parsed.error.issues;
    if (!issues.length) return [{ message: e instanceof Error ? e.message : String(e), start: root.offset, end: root.offset + 1 }];
    return issues.slice(0, 50).map((issue) => {
      // The deepest node the path reaches (a missing field points at its object).
      let node = root;
      for (let i = issue.path.length; i >= 0; i--) {
        const found = findNodeAtLocation(root, issue.path.slice(0, i) as Array<string | number>);
        if (found) {
          node = found;
          break;
        }
      }
      return { message: `${issue.path.join('.') || 'trace'}: ${issue.message}`, start: node.offset, end: node.offset + node.length };
    });
  }
}
