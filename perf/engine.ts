// Engine overhead: `m1 ask` (the engine over the Ollama backend) against a plain ollama-js loop
// reading the same two streams (thought cut at the budget, then the answer), and whether time
// and memory per token stay flat as the budget grows. Results go in perf/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Ollama } from 'ollama';
import { OllamaBackend } from '../src/core/backends/ollama';
import { PAPER_DEFAULTS, runEngine } from '../src/core/engine';
import { CUT_ANSWER_MARKER, STOP_STRINGS, buildPrompt } from '../src/core/prompt';

const MODEL = 'm1-7b-23k';
const QUESTION = { question: 'BENCH question', options: { A: 'yes', B: 'no' } };
const ROOT = join(__dirname, '..');

async function engineRun(host: string, budget: number): Promise<number> {
  const backend = new OllamaBackend({ host });
  let n = 0;
  for await (const ev of runEngine(QUESTION, { backend, settings: { model: MODEL, ...PAPER_DEFAULTS, budget } })) {
    if (ev.type === 'think') n++;
    if (ev.type === 'error') throw ev.error;
  }
  return n;
}

/** What any client must do at least: stream the thought, then stream the answer. */
async function plainRun(host: string, budget: number): Promise<number> {
  const client = new Ollama({ host });
  const prompt = buildPrompt(QUESTION);
  const options = { num_predict: budget, num_ctx: 16384, stop: [...STOP_STRINGS], temperature: 0, seed: 42 };
  let thought = '';
  let n = 0;
  for await (const part of await client.generate({ model: MODEL, prompt, raw: true, stream: true, options })) {
    thought += part.response;
    if (part.response) n++;
  }
  const answerPrompt = `${prompt}${thought}\n${CUT_ANSWER_MARKER}`;
  for await (const part of await client.generate({ model: MODEL, prompt: answerPrompt, raw: true, stream: true, options: { ...options, num_predict: 1024 } })) void part;
  return n;
}

async function time(fn: () => Promise<unknown>, cpu?: number[]): Promise<number> {
  const t = performance.now();
  const c = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(c);
  cpu?.push((used.user + used.system) / 1000);
  return performance.now() - t;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)]!;
const median = (xs: number[]) => quantile(xs, 0.5);
const spread = (xs: number[]) => `${median(xs).toFixed(0)} ms (IQR ${quantile(xs, 0.25).toFixed(0)}–${quantile(xs, 0.75).toFixed(0)})`;

function startupWall(args: string[]): number {
  const t = performance.now();
  spawnSync(process.execPath, args, { cwd: ROOT });
  return performance.now() - t;
}

function cliWall(host: string, budget: number): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'ask', QUESTION.question, '--option', 'A=yes', '--option', 'B=no', '--budget', String(budget), '--host', host, '--json']);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return performance.now() - t;
}

function plainWall(host: string, budget: number): number {
  const script = `const {Ollama}=require('ollama');(async()=>{const c=new Ollama({host:${JSON.stringify(host)}});const p=${JSON.stringify(buildPrompt(QUESTION))};
const o={num_predict:${budget},num_ctx:16384,stop:${JSON.stringify(STOP_STRINGS)},temperature:0,seed:42};let t='';
for await(const x of await c.generate({model:'${MODEL}',prompt:p,raw:true,stream:true,options:o}))t+=x.response;
for await(const x of await c.generate({model:'${MODEL}',prompt:p+t+'\\n'+${JSON.stringify(CUT_ANSWER_MARKER)},raw:true,stream:true,options:{...o,num_predict:1024}}))void x;})();`;
  const t = performance.now();
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return performance.now() - t;
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fake-long.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const host = await new Promise<string>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  try {
    const reps = Number(process.env.BENCH_REPS ?? 9);
    const budget = 8192;
    // Warm both paths (JIT, connection setup, the fake's script cache).
    await engineRun(host, budget);
    await plainRun(host, budget);
    const engine: number[] = [];
    const plain: number[] = [];
    const engineCpu: number[] = [];
    const plainCpu: number[] = [];
    for (let i = 0; i < reps; i++) {
      // Alternate the order so neither path always runs right after the other.
      if (i % 2) engine.push(await time(() => engineRun(host, budget), engineCpu));
      plain.push(await time(() => plainRun(host, budget), plainCpu));
      if (!(i % 2)) engine.push(await time(() => engineRun(host, budget), engineCpu));
    }
    const e = median(engine);
    const p = median(plain);
    console.log(`in-process, ${budget} think tokens, ${reps} runs each: engine ${spread(engine)}, plain ollama loop ${spread(plain)}, overhead of medians ${(((e - p) / p) * 100).toFixed(1)}%`);
    const ec = median(engineCpu);
    const pc = median(plainCpu);
    console.log(`  client CPU time (the server runs in another process): engine ${spread(engineCpu)}, plain ${spread(plainCpu)}, overhead ${(((ec - pc) / pc) * 100).toFixed(1)}%`);

    const cli: number[] = [];
    const plainProc: number[] = [];
    const cliStart: number[] = [];
    const plainStart: number[] = [];
    for (let i = 0; i < reps; i++) {
      cli.push(cliWall(host, budget));
      plainProc.push(plainWall(host, budget));
      cliStart.push(startupWall([join(ROOT, 'dist', 'cli.js'), '--help']));
      plainStart.push(startupWall(['-e', "require('ollama')"]));
    }
    const c = median(cli);
    const pp = median(plainProc);
    console.log(`process wall, ${budget} think tokens, ${reps} runs each: m1 ask --json ${spread(cli)}, plain ollama script ${spread(plainProc)}, overhead of medians ${(((c - pp) / pp) * 100).toFixed(1)}%`);
    console.log(`  of which process start: m1 --help ${spread(cliStart)}, node -e "require('ollama')" ${spread(plainStart)}`);

    console.log('scaling (engine, in-process):');
    for (const b of [2048, 4096, 8192, 16384]) {
      global.gc?.();
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
      const ms = median([await time(() => engineRun(host, b)), await time(() => engineRun(host, b)), await time(() => engineRun(host, b))]);
      clearInterval(timer);
      console.log(`  budget ${String(b).padStart(5)}: ${ms.toFixed(0).padStart(5)} ms, ${((ms / b) * 1000).toFixed(1)} µs/token, heap peak +${((peak - before) / 1024 / 1024).toFixed(1)} MB`);
    }
  } finally {
    server.kill();
  }
}

void main();
