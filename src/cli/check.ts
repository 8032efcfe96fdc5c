// `m1 check FILE…`: the language server's checks of benchmark files (and traces) from the
// terminal, so they can run in CI: the same document model and the same list of problems.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_FIELDS } from '../core/bench/format';
import { DEFAULT_SEVERITY } from '../core/bench/lint';
import { BenchDocument, kindOf, reportedProblems, shouldCheck } from '../server/benchDocument';
import { UsageError } from './args';

export const CHECK_USAGE = `Usage: m1 check <file>… [--json]

Checks benchmark files (.json, .jsonl, .csv) and reasoning traces (.m1trace.json) as the editor
does and prints each problem as file:line:col: severity code: message.

Options:
  --json   print one JSON object: every problem with its range, and the counts
Exit status: 1 when a file has an error, 0 otherwise.
`;

interface Out {
  write(s: string): unknown;
}

export interface CheckedProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'information';
  code: string;
  message: string;
}

export async function check(argv: string[], out: Out, err: Out): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (!positionals.length) throw new UsageError('give one or more files: m1 check bench.json');
  const problems: CheckedProblem[] = [];
  const skipped: string[] = [];
  for (const file of positionals) {
    const kind = kindOf(file);
    if (!kind) throw new UsageError(`${file}: not a benchmark file (.json, .jsonl, .csv) or a trace (.m1trace.json)`);
    const text = await readFile(file, 'utf8');
    // As in the editor: a JSON/CSV file with no question field is not a benchmark, and is left alone.
    if (!shouldCheck(text, kind, DEFAULT_FIELDS)) {
      skipped.push(file);
      continue;
    }
    const d = new BenchDocument(pathToFileURL(file).toString(), 1, text, kind, DEFAULT_FIELDS);
    for (const p of reportedProblems(d, DEFAULT_SEVERITY)) {
      const start = d.doc.positionAt(p.start);
      const end = d.doc.positionAt(p.end);
      problems.push({ file, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, severity: p.severity, code: p.rule, message: p.message });
    }
  }
  const count = (s: CheckedProblem['severity']) => problems.filter((p) => p.severity === s).length;
  const counts = { errors: count('error'), warnings: count('warning'), information: count('information') };
  if (values.json) out.write(`${JSON.stringify({ problems, ...counts, skipped })}\n`);
  else {
    for (const p of problems) out.write(`${p.file}:${p.line}:${p.column}: ${p.severity} ${p.code}: ${p.message}\n`);
    for (const f of skipped) err.write(`${f}: not checked: no question field in its first 64 KB, so not a benchmark\n`);
    err.write(`${positionals.length - skipped.length} file(s) checked: ${counts.errors} error(s), ${counts.warnings} warning(s), ${counts.information} information\n`);
  }
  return counts.errors ? 1 : 0;
}
