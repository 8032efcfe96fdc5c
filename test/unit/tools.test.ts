import assert from 'node:assert/strict';
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { CODE_SERVER_VERSION, NODE_VERSION, ensureCodeServer, installEnv, isNetworkConfig } from '../harness/tools';

/** The environment `npm run` really gives a script on this machine (not our idea of it). */
function npmScriptEnv(): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'm1-npm-env-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, scripts: { env: 'node -e "process.stdout.write(JSON.stringify(process.env))"' } }));
  return JSON.parse(execFileSync('npm', ['run', '--silent', 'env'], { cwd: dir, encoding: 'utf8' })) as NodeJS.ProcessEnv;
}

function assertUnpolluted(env: NodeJS.ProcessEnv, what: string): void {
  const leaked = Object.keys(env).filter((k) => /^npm_/i.test(k) && !isNetworkConfig(k) && k !== 'npm_config_nodedir');
  assert.deepEqual(leaked, [], `${what}: npm's variables reach the nested install`);
  assert.equal(env.NODE, undefined, `${what}: NODE names the outer Node`);
  assert.equal(env.INIT_CWD, undefined, `${what}: INIT_CWD`);
  const bins = (env.PATH ?? '').split(delimiter).filter((d) => d.endsWith(join('node_modules', '.bin')) || d.endsWith('node-gyp-bin'));
  assert.deepEqual(bins, [], `${what}: a project's node_modules/.bin on PATH`);
}

describe('tools: the nested code-server install runs outside the npm that started it', () => {
  it('removes what npm run exports to scripts (user agent naming the outer Node, prefixes, .bin on PATH)', () => {
    const polluted = npmScriptEnv();
    // What broke code-server's postinstall: it reads the Node version from this variable.
    assert.match(polluted.npm_config_user_agent ?? '', /node\/v\d+/);
    assert.ok(polluted.npm_config_local_prefix, 'npm run exports its local prefix');
    assertUnpolluted(installEnv(polluted), 'installEnv');
  });

  it('keeps the network settings a user needs to reach a registry', () => {
    const env = installEnv({ PATH: '/usr/bin', NPM_CONFIG_REGISTRY: 'http://mirror.local/', npm_config_https_proxy: 'http://proxy:3128', HOME: '/root', npm_lifecycle_event: 'test' });
    assert.deepEqual(env, { PATH: '/usr/bin', NPM_CONFIG_REGISTRY: 'http://mirror.local/', npm_config_https_proxy: 'http://proxy:3128', HOME: '/root' });
  });

  it('ensureCodeServer passes the clean environment to both nested installs', () => {
    const saved = { ...process.env };
    const calls: Array<{ cmd: string; args: string[]; opts: ExecFileSyncOptions }> = [];
    try {
      Object.assign(process.env, npmScriptEnv(), { M1_TOOLS_DIR: mkdtempSync(join(tmpdir(), 'm1-tools-')) });
      const tools = ensureCodeServer(
        (cmd, args, opts) => {
          calls.push({ cmd, args, opts });
          if (args.some((a) => a.startsWith('code-server@'))) {
            const entry = join(String(opts.cwd), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
            mkdirSync(dirname(entry), { recursive: true });
            writeFileSync(entry, '');
          }
        },
        () => undefined,
      );
      assert.deepEqual(
        calls.map((c) => c.args.at(-1)),
        [`node@${NODE_VERSION}`, `code-server@${CODE_SERVER_VERSION}`],
      );
      for (const c of calls) {
        assert.ok(c.opts.env, `${c.args.at(-1)} is installed with an explicit environment`);
        assertUnpolluted(c.opts.env, c.args.at(-1)!);
      }
      assert.ok(calls[1]!.opts.env!.PATH!.startsWith(dirname(tools.node)), 'Node 24 comes first on PATH for code-server');
      assertUnpolluted(tools.env, 'the environment code-server runs with');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
