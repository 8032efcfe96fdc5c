// Starts code-server (a real VS Code in the browser) with a throw-away profile and our packaged
// extension installed, as REAL-VSCODE.md describes. Used by the integration and e2e tests and by
// `npm start`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ensureCodeServer } from './tools';

export interface CodeServerOptions {
  workspace: string;
  /** Packaged .vsix files to install. */
  vsix?: string[];
  /** Unpacked extension folders to copy in as `<publisher>.<name>-<version>`. */
  folders?: Array<{ path: string; id: string }>;
  /** false: the folder opens in Restricted Mode (workspace trust on). */
  trust?: boolean;
  /** Display language (`--locale`); other than English it needs a language pack (test/e2e/l10n.e2e.ts). */
  locale?: string;
  userSettings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  port?: number;
  /** Profile root; a temporary folder by default. */
  root?: string;
  log?: (line: string) => void;
}

export interface RunningCodeServer {
  url: string;
  /** The URL that opens the workspace folder. */
  folderUrl: string;
  root: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function startCodeServer(opts: CodeServerOptions): Promise<RunningCodeServer> {
  const tools = ensureCodeServer();
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'm1-code-server-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const userSettings: Record<string, unknown> = {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'update.mode': 'none',
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'always',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'chat.disableAIFeatures': true,
        'git.openRepositoryInParentFolders': 'never',
        ...opts.userSettings,
  };
  // Only User/, the settings a user edits, as a new user has them: code-server is a remote window,
  // and Machine/ (the remote's own settings, the Remote tab) is left to m1's own command. Written
  // once, before start: the running workbench does not take up an outside rewrite of this file
  // (change settings as a user does, through the UI).
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  const base = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  // Copied folders go in first: after an install, code-server treats unlisted folders as removed.
  for (const f of opts.folders ?? []) cpSync(f.path, join(extensionsDir, f.id), { recursive: true });
  for (const vsix of opts.vsix ?? []) {
    execFileSync(tools.node, [tools.codeServer, ...base, '--install-extension', vsix], { env: tools.env, stdio: 'pipe' });
    opts.log?.(`installed ${basename(vsix)}`);
  }

  const port = opts.port ?? 0;
  const args = [
    tools.codeServer,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...base,
    ...(opts.trust === false ? [] : ['--disable-workspace-trust']),
    ...(opts.locale ? ['--locale', opts.locale] : []),
    opts.workspace,
  ];
  const child = spawn(tools.node, args, { env: { ...tools.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started server behind a failed start
      reject(new Error(`code-server did not start within 60 s:\n${output}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      output = (output + d.toString()).slice(-50_000); // the tail is what explains a failure
      const m = /HTTP server listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    folderUrl: `${url}/?folder=${encodeURIComponent(opts.workspace)}`,
    root,
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
