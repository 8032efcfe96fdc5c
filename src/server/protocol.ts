// What the language client and server say to each other beyond LSP, declared once for both.
import { NotificationType } from 'vscode-languageserver-protocol';

/** The client saw run files change: the server reads them again (hover, "Open trace" lenses). */
export const RunsChanged = new NotificationType<Record<string, never>>('m1/runsChanged');

/** After each validation: what the server found and how long it took (status and benchmarks). */
export interface ValidatedParams {
  uri: string;
  items: number;
  problems: number;
  ms: number;
  /** Only the edited lines were checked again (JSONL). */
  incremental: boolean;
}
export const Validated = new NotificationType<ValidatedParams>('m1/validated');

/** Commands the server's lenses run in the client. */
export const COMMANDS = {
  runBenchmark: 'm1.runBenchmark',
  runItem: 'm1.runBenchmarkItem',
  openRunTrace: 'm1.openRunTrace',
} as const;
