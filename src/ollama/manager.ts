// The local Ollama server as the extension manages it: start/stop/restart `ollama serve`, a status
// bar item (state, model, VRAM), a crash notification, and pulling models with progress.
import * as vscode from 'vscode';
import { ollamaHost, readConfig, setModel, userSetting } from '../config';
import { describeOrigin, type ResolvedHost } from '../core/machineSettings';
import { M1Error } from '../core/errors';
import { isModelNamed } from '../core/backends/ollama';
import { OLLAMA_DOWNLOAD_URL, findOllama, ollamaVersion } from '../core/ollama/discover';
import { OllamaServe, isOllamaRunning, type ServerState } from '../core/ollama/process';
import { importGguf } from '../core/ollama/importGguf';
import { formatBytes } from '../core/format';
import { pullModel } from '../core/ollama/pull';

type Log = vscode.LogOutputChannel;

interface Loaded {
  name: string;
  size: number;
  size_vram: number;
}

export class OllamaManager implements vscode.Disposable {
  private readonly serve = new OllamaServe();
  private readonly item: vscode.StatusBarItem;
  private state: ServerState = 'stopped';
  private detail = '';
  /** The host in use and where it came from, as of the last refresh. */
  private where: ResolvedHost | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly configWatch: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.changed.event;

  constructor(
    private readonly log: Log,
    private readonly serverLog: Log,
  ) {
    this.item = vscode.window.createStatusBarItem('m1.server', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'm1 Ollama server';
    this.item.command = 'm1.serverActions';
    this.render();
    this.item.show();
    this.configWatch = vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('m1') && this.timer && void this.refresh());
  }

  /** Checks the server now and every 15 s from then on; called on first use (a command), not at
   * activation, so that a window where m1 is not used sends Ollama nothing. */
  watch(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), 15_000);
    void this.refresh();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.configWatch.dispose();
    this.item.dispose();
    this.changed.dispose();
    void this.serve.stop();
  }

  private set(state: ServerState, detail = ''): void {
    const changed = state !== this.state;
    this.state = state;
    this.detail = detail;
    this.render();
    if (changed) this.changed.fire(state);
  }

  private render(): void {
    const { host, engine } = readConfig();
    // Until the first use nothing has asked the server, so the item claims no state.
    const state = this.timer ? this.state : 'not checked';
    const icon = { stopped: '$(circle-slash)', starting: '$(loading~spin)', ready: '$(server-process)', error: '$(error)', 'not checked': '$(circle-outline)' }[state];
    const words = { stopped: vscode.l10n.t('stopped'), starting: vscode.l10n.t('starting'), ready: vscode.l10n.t('ready'), error: vscode.l10n.t('error'), 'not checked': vscode.l10n.t('not checked') }[state];
    const ready = this.state === 'ready' ? ` · ${engine.model}${this.detail ? ` · ${this.detail}` : ''}` : '';
    this.item.text = `${icon} m1: ${words}${ready}`;
    // A screen reader reads this instead of the icon names in the text.
    this.item.accessibilityInformation = { label: vscode.l10n.t('m1 Ollama server at {0}: {1}. Activate for server actions.', host, `${words}${ready.replaceAll(' · ', ', ')}`), role: 'button' };
    const where = this.where?.host === host ? ` (${describeOrigin(this.where.origin)})` : '';
    this.item.tooltip = new vscode.MarkdownString(
      `${vscode.l10n.t('**Ollama** at `{0}`{1}: {2}', host, where, words)}${this.serve.owned ? vscode.l10n.t(' (started by m1)') : ''}\n\n${vscode.l10n.t('Model: `{0}`', engine.model)}${this.detail ? `\n\n${this.detail}` : ''}\n\n${vscode.l10n.t('Click for actions.')}`,
    );
    this.item.backgroundColor = this.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  /** Health and VRAM: `/` for the state, `/api/ps` for the loaded model. */
  async refresh(): Promise<void> {
    if (this.state === 'starting') return;
    this.where = await ollamaHost();
    this.render();
    const { host, engine } = readConfig();
    if (!(await isOllamaRunning(host))) {
      if (this.state !== 'error') this.set('stopped');
      return;
    }
    let detail = '';
    try {
      const ps = (await (await fetch(`${host}/api/ps`, { signal: AbortSignal.timeout(3000) })).json()) as { models?: Loaded[] };
      const loaded = ps.models?.find((m) => isModelNamed(m, engine.model));
      if (loaded) detail = `${formatBytes(loaded.size_vram)} VRAM${loaded.size_vram < loaded.size ? ' (partly on CPU)' : ''}`;
    } catch {
      // An older server without /api/ps: the state alone is still right.
    }
    this.set('ready', detail);
  }

  async start(): Promise<void> {
    this.watch();
    if (!vscode.workspace.isTrusted) throw new M1Error('bad-input', vscode.l10n.t('Starting a server needs a trusted workspace (Restricted Mode is on).'));
    const { host } = readConfig();
    const configured = userSetting<string>('ollama.path') ?? '';
    const found = await findOllama({ configured });
    if (!found.found) {
      const msg = found.configuredMissing
        ? vscode.l10n.t('The Ollama executable set in m1.ollama.path does not exist or cannot run: {0}.', found.configuredMissing)
        : vscode.l10n.t('Ollama is not installed (not on PATH nor in the usual places). Install it, or set m1.ollama.path.');
      const get = vscode.l10n.t('Get Ollama');
      const settings = vscode.l10n.t('Open Settings');
      const pick = await vscode.window.showErrorMessage(msg, get, settings);
      if (pick === get) await vscode.env.openExternal(vscode.Uri.parse(OLLAMA_DOWNLOAD_URL));
      if (pick === settings) await vscode.commands.executeCommand('workbench.action.openSettings', 'm1.ollama.path');
      return;
    }
    const version = await ollamaVersion(found.path);
    this.log.info(`ollama ${version ?? '(unknown version)'} at ${found.path} (${found.source}); starting on ${host}`);
    this.set('starting');
    try {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('m1: starting Ollama on {0}…', host) }, () =>
        this.serve.start({
          binary: found.path,
          host,
          log: (line) => this.serverLog.info(line),
          onCrash: (code, signal, last) => void this.crashed(code, signal, last),
        }),
      );
      this.state = 'stopped';
      await this.refresh();
      void vscode.window.showInformationMessage(result === 'started' ? vscode.l10n.t('Ollama is ready at {0}.', host) : vscode.l10n.t('Ollama was already running at {0}; m1 uses it as it is.', host));
    } catch (e) {
      this.set('error');
      throw e;
    }
  }

  async stop(): Promise<void> {
    const { host } = readConfig();
    if (await this.serve.stop()) {
      this.set('stopped');
      void vscode.window.showInformationMessage(vscode.l10n.t('Stopped the Ollama server m1 started at {0}.', host));
    } else if (await isOllamaRunning(host)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The Ollama server at {0} was not started by m1, so m1 leaves it running.', host));
    } else {
      this.set('stopped');
    }
  }

  async restart(): Promise<void> {
    await this.serve.stop();
    this.set('stopped');
    await this.start();
  }

  private async crashed(code: number | null, signal: NodeJS.Signals | null, last: string[]): Promise<void> {
    this.set('error');
    this.log.error(`ollama serve exited (${code ?? signal}): ${last.slice(-3).join(' | ')}`);
    const restart = vscode.l10n.t('Restart');
    const showLog = vscode.l10n.t('Show Log');
    const pick = await vscode.window.showErrorMessage(vscode.l10n.t('The Ollama server stopped unexpectedly ({0}).', String(code ?? signal)), restart, showLog);
    if (pick === restart) await vscode.commands.executeCommand('m1.restartServer');
    if (pick === showLog) this.serverLog.show();
  }

  /** Pulls a model with a cancellable progress notification; the model becomes m1.model. */
  pull(name: string): Promise<boolean> {
    const cancelled = `Pull of ${name} cancelled. Pull again to resume where it stopped.`;
    return this.install('Pulling a model', `m1: pulling ${name}`, name, cancelled, async (report, signal) => {
      const { host } = readConfig();
      await pullModel(
        host,
        name,
        (p) => {
          const bytes = p.total ? ` ${formatBytes(p.completed ?? 0)} of ${formatBytes(p.total)}` : '';
          const rate = p.rate ? ` · ${formatBytes(p.rate)}/s` : '';
          report(`${p.status}${bytes}${rate}`, p.total && p.completed !== undefined ? (100 * p.completed) / p.total : undefined);
        },
        signal,
      );
    });
  }

  /** Imports a local .gguf as `name` with a cancellable progress notification; it becomes m1.model. */
  importFile(path: string, name: string): Promise<boolean> {
    return this.install('Importing a model', `m1: importing ${name}`, name, `Import of ${name} cancelled.`, async (report, signal) => {
      const { host } = readConfig();
      await importGguf(
        host,
        path,
        name,
        (p) => {
          // Hashing is the first half of the bar, uploading the second.
          if (p.phase === 'creating') return report(p.status ?? 'creating model', 100);
          report(`${p.phase} ${formatBytes(p.done)} of ${formatBytes(p.total)}`, (p.phase === 'hashing' ? 0 : 50) + (50 * p.done) / Math.max(1, p.total));
        },
        signal,
      );
    });
  }

  /**
   * Runs a model download or import under a cancellable progress notification; on success the
   * model becomes m1.model. A cancel is not an error: it says so with `cancelledMessage`.
   */
  private async install(
    action: string,
    title: string,
    name: string,
    cancelledMessage: string,
    run: (report: (message: string, percent?: number) => void, signal: AbortSignal) => Promise<void>,
  ): Promise<boolean> {
    if (!vscode.workspace.isTrusted) throw new M1Error('bad-input', `${action} needs a trusted workspace (Restricted Mode is on).`);
    const done = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      try {
        await run((message, percent) => {
          progress.report({ message, ...(percent !== undefined ? { increment: percent - reported } : {}) });
          if (percent !== undefined) reported = percent;
        }, controller.signal);
        return true;
      } catch (e) {
        if (!controller.signal.aborted) throw e;
        void vscode.window.showInformationMessage(cancelledMessage);
        return false;
      }
    });
    if (done) {
      await setModel(name);
      this.log.info(`${name} installed; m1.model set`);
      void vscode.window.showInformationMessage(`${name} is installed and m1 will use it.`);
      await this.refresh();
    }
    return done;
  }
}
