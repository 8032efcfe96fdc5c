// Installs and locates the tools a real VS Code needs here: code-server (which wants Node 24 and
// native builds) and Debian's chromium. Cached outside the clone, keyed by version, so every
// clone, `npm start` and CI on the same machine reuse one install.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, sep } from 'node:path';

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

export type Runner = (cmd: string, args: string[], opts: ExecFileSyncOptions) => void;

const run: Runner = (cmd, args, opts) => {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
};

// npm config a user sets in their shell to reach a registry at all; npm also re-exports these to
// scripts, and either way the nested install needs them.
const NETWORK_CONFIG = new Set(['registry', 'proxy', 'https_proxy', 'http_proxy', 'noproxy', 'strict_ssl', 'cafile', 'ca', 'maxsockets']);
export const isNetworkConfig = (key: string): boolean => /^npm_config_/i.test(key) && NETWORK_CONFIG.has(key.slice('npm_config_'.length).toLowerCase());

/**
 * The environment for a nested `npm install`, without what the npm that runs `npm start` /
 * `npm test` exports to its scripts (@npmcli/config set-envs.js and @npmcli/run-script): its
 * `npm_config_user_agent` names *its* Node (code-server's postinstall reads the Node version from
 * it), `npm_config_local_prefix` would point the install at this project, `NODE` at the outer Node,
 * and `node_modules/.bin` on PATH would put this project's binaries first.
 */
export function installEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (isNetworkConfig(key) || (!/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD')) clean[key] = value;
  }
  const pathKey = Object.keys(clean).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  clean[pathKey] = (clean[pathKey] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !dir.endsWith(`${sep}node_modules${sep}.bin`) && !dir.endsWith(`${sep}node-gyp-bin`))
    .join(delimiter);
  return clean;
}

/** Debian packages for native builds and the browser; installed only when missing. */
export function ensureAptPackages(runCmd: Runner = run): void {
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
  runCmd('apt-get', ['update', '-q'], {});
  runCmd('apt-get', ['install', '-y', '-q', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Returns { node, codeServer, env } for running code-server; installs on first use. */
export interface CodeServerTools {
  node: string;
  codeServer: string;
  env: NodeJS.ProcessEnv;
  dir: string;
}

/** `runCmd` and `apt` are replaced in tests to see what the install would run, and with what. */
export function ensureCodeServer(runCmd: Runner = run, apt: () => void = ensureAptPackages): CodeServerTools {
  const dir = join(toolsDir(), `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
  const nodeHome = join(dir, 'node', 'node_modules', 'node', 'node_modules', `node-linux-${process.arch}`);
  const nodeBin = join(nodeHome, 'bin');
  const codeServer = join(dir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const base = installEnv(process.env);
  const env = { ...base, PATH: `${nodeBin}${delimiter}${base.PATH ?? ''}` };
  const result = { node: join(nodeBin, 'node'), codeServer, env, dir };
  if (existsSync(join(dir, '.complete'))) return result;

  apt();
  const started = Date.now();
  log(`installing Node ${NODE_VERSION} and code-server ${CODE_SERVER_VERSION} into ${dir} (a few minutes, once)`);
  rmSync(dir, { recursive: true, force: true }); // a failed install leaves a broken node_modules
  for (const sub of ['node', 'cs']) {
    mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, sub, 'package.json'), '{"private":true}\n');
  }
  const npmOpts = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  runCmd('npm', [...npmOpts, `node@${NODE_VERSION}`], { cwd: join(dir, 'node'), env: base });
  runCmd('npm', [...npmOpts, `code-server@${CODE_SERVER_VERSION}`], {
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
