// What Check Server and runs found each server and model to do (core/backends/findings.ts), kept
// in the extension's globalState: shared by every workspace, checked when read back.
import type * as vscode from 'vscode';
import type { FindingsStore } from '../core/backends/findings';

export function findingsStore(state: vscode.Memento): FindingsStore {
  const at = (key: string) => `m1.serverFindings:${key}`;
  return {
    get: (key) => state.get<unknown>(at(key)),
    set: async (key, findings) => state.update(at(key), findings),
  };
}
