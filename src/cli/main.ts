#!/usr/bin/env node
// `m1`: the headless CLI over the same core as the extension (CI, clusters, remote GPUs).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createBackend, parseHostSpec } from '../core/backends/hosts';
import { resolveOllamaHost } from '../core/backends/ollama';
import { PAPER_DEFAULTS, type EngineResult, type EngineSettings } from '../core/engine';
import { isChat, protocolLabel, runModel } from '../core/chat/protocol';
import { M1Error } from '../core/errors';
import { lettered, OPTION_LETTERS, type Question } from '../core/prompt';
import { readChoice, scoreResponse, type Gold } from '../core/score';
import { toTrace } from '../core/trace';
import { PROTOCOL_OPTIONS, UsageError, intArg, protocolSettings, protocolUsage } from './args';
import { check, CHECK_USAGE } from './check';
import { data, DATA_USAGE } from './data';
import { doctor, DOCTOR_USAGE } from './doctor';
import { bench, compare, merge, sweep, BENCH_USAGE, COMPARE_USAGE, MERGE_USAGE, SWEEP_USAGE } from './bench';

export const USAGE = `Usage: m1 ask "<question>" [options]
       m1 bench <file> [options]   (m1 bench --help)
       m1 sweep <file> --budgets 512,1024,… [options]   (m1 sweep --help)
       m1 compare <a.jsonl> <b.jsonl>   (m1 compare --help)
       m1 merge <run.jsonl>… --out merged.jsonl
       m1 check <file>… [--json]   (m1 check --help)
       m1 data get [--dir DIR]   the paper's evaluation data (m1 data --help)
       m1 doctor [--host HOST] [--model NAME]   what the server really does (m1 doctor --help)

Options:
  --option "A=text"     an answer option (repeat; "text" alone takes the next letter)
  --budget N            thinking budget in tokens (default ${PAPER_DEFAULTS.budget})
  --wait K              "Wait" rounds when the thought stops early (default ${PAPER_DEFAULTS.waitRounds})
  --answer-max N        answer token cap (default ${PAPER_DEFAULTS.answerMaxTokens})
  --temperature T       sampling temperature (default ${PAPER_DEFAULTS.temperature})
  --seed N              sampling seed (default ${PAPER_DEFAULTS.seed})
  --host HOST           server: an Ollama URL (default $OLLAMA_HOST or http://127.0.0.1:11434),
                        or openai:URL[,model=NAME] for vLLM/SGLang (API key from $M1_API_KEY)
  --model NAME          model (default $M1_MODEL or m1-7b-23k)
  --answer LETTER       the gold answer: the result says whether m1 was right
${protocolUsage(22)}  --json                print one JSON object instead of streaming text
  --trace FILE          also save the reasoning trace (*.m1trace.json)
`;


function parseOptions(raw: string[]): Record<string, string> | undefined {
  if (raw.length === 0) return undefined;
  const explicit = raw.map((o) => /^([A-Z])\s*[=:]\s*([\s\S]*)$/.exec(o));
  if (explicit.every((m) => m)) {
    const out: Record<string, string> = {};
    for (const m of explicit) {
      if (m![1]! in out) throw new UsageError(`option ${m![1]} is given twice`);
      out[m![1]!] = m![2]!;
    }
    return out;
  }
  if (explicit.some((m) => m)) throw new UsageError(`give every --option as "A=text", or none of them (letters ${OPTION_LETTERS.slice(0, raw.length)} are assigned in order)`);
  return lettered(raw);
}

export function parseAskArgs(argv: string[], env: NodeJS.ProcessEnv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      option: { type: 'string', multiple: true, default: [] },
      budget: { type: 'string' },
      wait: { type: 'string' },
      'answer-max': { type: 'string' },
      temperature: { type: 'string' },
      seed: { type: 'string' },
      host: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean', default: false },
      trace: { type: 'string' },
      answer: { type: 'string' },
      ...PROTOCOL_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const text = positionals.join(' ').trim();
  if (!text) throw new UsageError('a question is required');
  const temperature = values.temperature === undefined ? PAPER_DEFAULTS.temperature : Number(values.temperature);
  if (!Number.isFinite(temperature) || temperature < 0) throw new UsageError(`--temperature must be a number ≥ 0, got "${values.temperature}"`);
  const options = parseOptions(values.option);
  const question: Question = { question: text, ...(options ? { options } : {}) };
  let gold: Gold | undefined;
  if (values.answer !== undefined) {
    const letter = values.answer.trim().toUpperCase();
    if (!options?.[letter]) throw new UsageError(`--answer must be one of the option letters (${Object.keys(options ?? {}).join(', ') || 'no options given'}), got "${values.answer}"`);
    gold = { options, answerIdx: letter, answer: options[letter] };
  }
  const settings: EngineSettings = protocolSettings(values, {
    model: values.model ?? env.M1_MODEL ?? 'm1-7b-23k',
    budget: intArg('budget', values.budget, PAPER_DEFAULTS.budget, 1),
    waitRounds: intArg('wait', values.wait, PAPER_DEFAULTS.waitRounds),
    answerMaxTokens: intArg('answer-max', values['answer-max'], PAPER_DEFAULTS.answerMaxTokens, 1),
    temperature,
    seed: intArg('seed', values.seed, PAPER_DEFAULTS.seed),
  });
  const host = parseHostSpec(values.host ?? resolveOllamaHost(undefined, env));
  // A host that names the model its own way (vLLM serves HF ids) asks for it by that name.
  if (host.model) settings.model = host.model;
  return { question, settings, gold, host, json: values.json, trace: values.trace };
}

interface Out {
  write(s: string): unknown;
}

export async function ask(argv: string[], env: NodeJS.ProcessEnv, out: Out, signal?: AbortSignal): Promise<number> {
  const args = parseAskArgs(argv, env);
  const backend = createBackend(args.host, env.M1_API_KEY);
  const color = !args.json && (process.stdout.isTTY ?? false);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s);
  let result: EngineResult | undefined;
  for await (const ev of runModel(args.question, { backend, settings: args.settings, ...(signal ? { signal } : {}) })) {
    if (ev.type === 'error') throw ev.error;
    if (args.json) {
      if (ev.type === 'done') result = ev.result;
      continue;
    }
    switch (ev.type) {
      case 'think':
        out.write(dim(ev.text));
        break;
      case 'wait':
        out.write(`\n── Wait (round ${ev.round}, ${ev.tokensUsed} tokens so far) ──\n${dim(ev.text)}`);
        break;
      case 'budget-hit':
        out.write(`\n── budget of ${ev.budget} thinking tokens reached ──`);
        break;
      case 'answer-start':
        out.write('\n── answer ──\n');
        break;
      case 'answer':
        out.write(ev.text);
        break;
      case 'done':
        result = ev.result;
        break;
    }
  }
  if (!result) throw new M1Error('stream-error', 'no result');
  if (result.cancelled) throw new M1Error('cancelled', 'Cancelled; partial output above.');
  const reading: { extracted: string; choice?: string; correct?: boolean } = args.gold
    ? scoreResponse(result.responseText, args.gold)
    : readChoice(result.responseText, args.question.options);
  if (args.trace) {
    const gold = args.gold && { answerIdx: args.gold.answerIdx, answer: args.gold.answer };
    writeFileSync(args.trace, `${JSON.stringify(toTrace(args.question, args.settings, result, reading, gold), null, 2)}\n`);
  }
  if (args.json) {
    const summary = {
      prompt: result.prompt,
      rounds: result.rounds.map((r) => ({ think: r.text, waitInjected: r.waitInjected ?? null })),
      answer: result.answer,
      extracted: reading.extracted,
      choice: reading.choice ?? null,
      ...(reading.correct !== undefined ? { correct: reading.correct } : {}),
      tokens: { think: result.tokens.think, answer: result.tokens.answer },
      finish: { think: result.finish.think ?? null, answer: result.finish.answer ?? null },
    };
    out.write(`${JSON.stringify(summary)}\n`);
  } else {
    const verdict = reading.correct === undefined ? '' : reading.correct ? ' (right)' : ` (wrong: ${args.gold?.answerIdx})`;
    const choice = reading.choice ? `choice ${reading.choice}${verdict} · ` : '';
    // A chat run has no thinking phase: one count, and its cap is --max-tokens.
    const tokens = isChat(args.settings)
      ? `${result.tokens.answer} tokens (${protocolLabel(args.settings)})${result.budgetHit ? ' · cut at --max-tokens' : ''}`
      : `${result.tokens.think} thinking + ${result.tokens.answer} answer tokens${result.budgetHit ? ' · cut by budget' : ''}`;
    out.write(`\n── ${choice}${tokens} ──\n`);
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || (command === 'ask' && (rest.includes('--help') || rest.includes('-h')))) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const usages: Record<string, string> = { bench: BENCH_USAGE, sweep: SWEEP_USAGE, compare: COMPARE_USAGE, merge: MERGE_USAGE, check: CHECK_USAGE, data: DATA_USAGE, doctor: DOCTOR_USAGE };
  if (command !== 'ask' && !usages[command]) {
    process.stderr.write(`m1: unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  if (usages[command] && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(usages[command]);
    return 0;
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    if (command === 'bench') return await bench(rest, process.env, process.stdout, process.stderr, controller.signal);
    if (command === 'sweep') return await sweep(rest, process.env, process.stdout, process.stderr, controller.signal);
    if (command === 'merge') return await merge(rest, process.stdout);
    if (command === 'compare') return await compare(rest, process.stdout);
    if (command === 'check') return await check(rest, process.stdout, process.stderr);
    if (command === 'doctor') return await doctor(rest, process.env, process.stdout, controller.signal);
    if (command === 'data') return await data(rest, process.env, process.stdout, process.stderr, controller.signal);
    return await ask(rest, process.env, process.stdout, controller.signal);
  } catch (e) {
    const usage = e instanceof UsageError || (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'));
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`m1: ${message.split('\n')[0]}\n`);
    if (usage) return 2;
    return e instanceof M1Error && e.code === 'cancelled' ? 130 : 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
