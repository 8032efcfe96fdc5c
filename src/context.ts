// What every command gets: the log and the subscriptions to dispose.
import type * as vscode from 'vscode';
import type { Benchmarks } from './bench';
import type { OllamaManager } from './ollama/manager';
import type { ResultsPanels } from './results/panel';
import type { TraceDocuments } from './traces/documents';
import type { PanelProvider } from './panel/provider';

export interface Ctx {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  /** Where the reasoning of "Ask a Medical Question" streams. */
  reasoning: vscode.OutputChannel;
  panel: PanelProvider;
  ollama: OllamaManager;
  serverLog: vscode.LogOutputChannel;
  benchmarks: Benchmarks;
  results: ResultsPanels;
  traces: TraceDocuments;
}
