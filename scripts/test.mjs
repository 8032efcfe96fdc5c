// The one test command: lint, typecheck, unit, integration (code-server extension host) and
// e2e (code-server + chromium). `npm test -- unit` (or integration, e2e, static) runs one part.
// Ends with "N passed, N failed" over all test cases and exits non-zero on any failure.
import { spawn } from 'node:child_process';

const only = process.argv.slice(2);
const want = (part) => only.length === 0 || only.includes(part);
const mocha = ['node_modules/.bin/mocha', '--require', 'tsx/cjs'];
const tsx = ['node_modules/.bin/tsx'];

const steps = [
  { part: 'static', name: 'lint', cmd: ['node_modules/.bin/eslint', '--max-warnings=0', '.'] },
  { part: 'static', name: 'typecheck', cmd: ['node_modules/.bin/tsc', '--noEmit', '-p', '.'] },
  { part: 'static', name: 'typecheck webview', cmd: ['node_modules/.bin/tsc', '--noEmit', '-p', 'webview-ui'] },
  { part: 'static', name: 'typecheck tests', cmd: ['node_modules/.bin/tsc', '--noEmit', '-p', 'test'] },
  { part: 'unit', name: 'build', cmd: ['node', 'scripts/build.mjs'] },
  { part: 'unit', name: 'unit', cmd: [...mocha, '--timeout', '20000', 'test/unit/**/*.test.ts'], counts: 'mocha' },
  // code-server, its Node and chromium: installed on the first run (minutes), then cached. Once,
  // before the suites that need them, so that a failed install is one clear error, not one per suite.
  { part: 'integration', name: 'tools', cmd: [...tsx, 'test/harness/tools.ts'], gate: 'tools' },
  // Packaging is itself a test: no vsce warning, icon, README images, bundle size.
  { part: 'integration', name: 'package', cmd: [...mocha, 'test/package/vsix.test.ts'], counts: 'mocha' },
  { part: 'integration', name: 'integration', cmd: [...tsx, 'test/harness/integration.ts'], counts: 'plain', env: { M1_REBUILD: '0' }, needs: 'tools' },
  { part: 'e2e', name: 'tools', cmd: [...tsx, 'test/harness/tools.ts'], gate: 'tools', skipIfDone: true },
  { part: 'e2e', name: 'package', cmd: [...mocha, 'test/package/vsix.test.ts'], counts: 'mocha', skipIfDone: true },
  { part: 'e2e', name: 'build', cmd: ['node', 'scripts/build.mjs'], skipIfDone: true },
  { part: 'e2e', name: 'e2e', cmd: [...mocha, '--timeout', '300000', 'test/e2e/**/*.e2e.ts'], counts: 'mocha', env: { M1_REBUILD: '0' }, needs: 'tools' },
];

function run(cmd, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    const relay = (stream) => (d) => {
      out += d;
      stream.write(d);
    };
    child.stdout.on('data', relay(process.stdout));
    child.stderr.on('data', relay(process.stderr));
    child.on('close', (code) => resolve({ code, out }));
  });
}

function count(kind, out) {
  if (kind === 'mocha') {
    return { passed: Number(/(\d+) passing/.exec(out)?.[1] ?? 0), failed: Number(/(\d+) failing/.exec(out)?.[1] ?? 0) };
  }
  const m = /(\d+) passed, (\d+) failed/.exec(out);
  return { passed: Number(m?.[1] ?? 0), failed: Number(m?.[2] ?? 0) };
}

/** The last lines of a failed step, so that the summary shows the real error. */
function why(out) {
  const lines = out.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  return lines.slice(-6).map((l) => `    ${l.slice(0, 300)}`).join('\n');
}

let passed = 0;
let failed = 0;
const done = new Set();
const failedGates = new Set();
const summary = [];
for (const step of steps.filter((s) => want(s.part))) {
  const key = step.cmd.join(' ');
  if (step.skipIfDone && done.has(key)) continue;
  done.add(key);
  if (step.needs && failedGates.has(step.needs)) {
    failed++;
    summary.push(`✘ ${step.name}: not run, ${step.needs} failed`);
    continue;
  }
  process.stdout.write(`\n▶ ${step.name}\n`);
  const started = Date.now();
  const { code, out } = await run(step.cmd, step.env);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code !== 0 && step.gate) failedGates.add(step.gate);
  if (step.counts) {
    const c = count(step.counts, out);
    passed += c.passed;
    failed += c.failed;
    if (code !== 0 && c.failed === 0) failed++; // a crash before any test counts as a failure
    if (c.passed + c.failed === 0) failed++; // so does a suite that ran nothing
    const crashed = code !== 0 && c.passed + c.failed === 0;
    summary.push(`${code === 0 ? '✔' : '✘'} ${step.name}: ${c.passed} passed, ${c.failed} failed (${seconds} s)${crashed ? `\n${why(out)}` : ''}`);
  } else {
    if (code !== 0) failed++;
    summary.push(`${code === 0 ? '✔' : '✘'} ${step.name} (${seconds} s)${code === 0 ? '' : `\n${why(out)}`}`);
  }
}
process.stdout.write(`\n${summary.join('\n')}\n\ntests: ${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
