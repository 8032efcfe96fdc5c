// `npm start`: from a fresh clone, installs what is needed, packages the extension and opens it
// in code-server on samples/. Plain Node so it runs before dependencies are installed.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const sh = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
if (!existsSync('node_modules/.bin/tsx')) {
  console.log('Installing dependencies (npm ci)…');
  sh('npm', ['ci', '--no-audit', '--no-fund']);
}
console.log('Packaging the extension…');
sh('npm', ['run', '--silent', 'package']);
const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/launch.ts'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
