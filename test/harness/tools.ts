// Installs and locates the tools a real VS Code needs here: code-server (which wants Node 24 and
// native builds) and Debian's chromium. Cached outside the clone, keyed by version, so every
// clone, `npm start` and CI on the same machine reuse one install.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.9.0';
const APT_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config', 'chromium'];
export const CHROMIUM = process.env.M1_CHROMIUM ?? '/usr/bin/chromium';

export function toolsDir(): string {
  return process.env.M1_TOOLS_DIR ?? join(homedir(), '.cache', 'm1-vscode-tools');
}

function log(msg: string): void {
  process.stderr.write(`[tools] ${msg}\n`);
}

function run(cmd: string, args: string[], opts: ExecFileSyncOptions = {}): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

/** Debian packages for native builds and the browser; installed only when missing. */
export function ensureAptPackages(): void {
  const missing = APT_PACKAGES.filter((p) => {
    try {
      execFileSync('dpkg-query', ['-W', '-f=${Status}', p], { stdio: ['ignore', 'pipe', 'ignore'] });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    throw new Error(`Missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Returns { node, codeServer, env } for running code-server; installs on first use. */
export interface CodeServerTools {
  node: string;
  codeServer: string;
  env: NodeJS.ProcessEnv;
  dir: string;
}

export function ensureCodeServer(): CodeServerTools {
  const dir = join(toolsDir(), `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
  const nodeHome = join(dir, 'node', 'node_modules', 'node', 'node_modules', `node-linux-${process.arch}`);
  const nodeBin = join(nodeHome, 'bin');
  const codeServer = join(dir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const env = { ...process.env, PATH: `${nodeBin}${delimiter}${process.env.PATH}` };
  const result = { node: join(nodeBin, 'node'), codeServer, env, dir };
  if (existsSync(join(dir, '.complete'))) return result;

  ensureAptPackages();
  const started = Date.now();
  log(`installing Node ${NODE_VERSION} and code-server ${CODE_SERVER_VERSION} into ${dir} (a few minutes, once)`);
  rmSync(dir, { recursive: true, force: true }); // a failed install leaves a broken node_modules
  for (const sub of ['node', 'cs']) {
    mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, sub, 'package.json'), '{"private":true}\n');
  }
  const npmOpts = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  run('npm', [...npmOpts, `node@${NODE_VERSION}`], { cwd: join(dir, 'node') });
  run('npm', [...npmOpts, `code-server@${CODE_SERVER_VERSION}`], {
    cwd: join(dir, 'cs'),
    env: { ...env, npm_config_nodedir: nodeHome },
  });
  if (!existsSync(codeServer)) throw new Error(`code-server install finished but ${codeServer} is missing`);
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()} ${Math.round((Date.now() - started) / 1000)}s\n`);
  log(`code-server ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return result;
}

if (require.main === module) {
  const r = ensureCodeServer();
  process.stdout.write(`${JSON.stringify({ node: r.node, codeServer: r.codeServer })}\n`);
}
