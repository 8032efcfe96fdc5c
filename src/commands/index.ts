// Commands as a table: name → handler, registered in one loop with one error path.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { askQuestion, askSelection } from './ask';
import { openRunTrace, runBenchmarkCommand, runBenchmarkItem } from './bench';
import { addHost, setApiKey } from '../bench/hosts';
import { compareRunsCommand, itemSideBySide, openResults, openSweep, runSweepCommand } from './results';
import { copyFromTrace, labelSelection, openTraceView, probeTrace, removeLabelCommand, rerunFromRound, summarizeLabelsCommand } from '../traces/commands';
import { showError } from './errors';
import { getPaperBenchmarks } from './data';
import { getModel, serverActions } from './model';
import { checkServer, selectModel, setHostForMachine } from './server';

type Handler = (ctx: Ctx, ...args: unknown[]) => unknown;

export const COMMANDS: Record<string, Handler> = {
  'm1.ask': (ctx, text) => askQuestion(ctx, typeof text === 'string' ? text : undefined),
  'm1.askSelection': askSelection,
  'm1.checkServer': checkServer,
  'm1.setHostForMachine': setHostForMachine,
  'm1.selectModel': (ctx, name) => selectModel(ctx, typeof name === 'string' ? name : undefined),
  'm1.showLog': (ctx) => ctx.log.show(),
  'm1.showServerLog': (ctx) => ctx.serverLog.show(),
  'm1.startServer': (ctx) => ctx.ollama.start(),
  'm1.stopServer': (ctx) => ctx.ollama.stop(),
  'm1.restartServer': (ctx) => ctx.ollama.restart(),
  'm1.getModel': getModel,
  'm1.getPaperBenchmarks': getPaperBenchmarks,
  'm1.serverActions': serverActions,
  'm1.runBenchmark': runBenchmarkCommand,
  'm1.runBenchmarkItem': runBenchmarkItem,
  'm1.openRunTrace': openRunTrace,
  'm1.openResults': openResults,
  'm1.openSweep': openSweep,
  'm1.compareRuns': compareRunsCommand,
  'm1.itemSideBySide': itemSideBySide,
  'm1.runSweep': runSweepCommand,
  'm1.openTraceView': (_ctx, uri) => openTraceView(uri),
  'm1.copyFromTrace': (ctx, uri, part) => copyFromTrace(ctx.traces, uri, part),
  'm1.labelSelection': (ctx) => labelSelection(ctx.traces),
  'm1.removeLabel': (ctx, uri) => removeLabelCommand(ctx.traces, uri),
  'm1.probeTrace': (ctx, uri) => probeTrace(ctx.traces, uri),
  'm1.rerunFromRound': (ctx, uri, round) => rerunFromRound(ctx.traces, uri, round),
  'm1.summarizeLabels': (ctx, uri) => summarizeLabelsCommand(ctx.traces, uri),
  'm1.addHost': (ctx) => addHost(ctx.extension.secrets),
  'm1.setApiKey': (ctx, url) => setApiKey(ctx.extension.secrets, typeof url === 'string' ? url : undefined),
};

export function registerCommands(ctx: Ctx): void {
  for (const [name, handler] of Object.entries(COMMANDS)) {
    ctx.extension.subscriptions.push(
      vscode.commands.registerCommand(name, async (...args: unknown[]) => {
        ctx.ollama.watch(); // any m1 command is a first use
        try {
          return await handler(ctx, ...args);
        } catch (e) {
          await showError(ctx, e);
          return undefined;
        }
      }),
    );
  }
}
