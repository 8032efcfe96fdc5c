// Past questions of the side panel, kept in workspace storage, newest first, bounded.
import type * as vscode from 'vscode';
import type { HistoryEntry } from './protocol';

const KEY = 'm1.panel.history';
export const HISTORY_LIMIT = 50;

export class HistoryStore {
  constructor(private readonly memento: vscode.Memento) {}

  all(): HistoryEntry[] {
    return this.memento.get<HistoryEntry[]>(KEY, []);
  }

  get(id: string): HistoryEntry | undefined {
    return this.all().find((e) => e.id === id);
  }

  async add(entry: HistoryEntry): Promise<void> {
    await this.memento.update(KEY, [entry, ...this.all().filter((e) => e.id !== entry.id)].slice(0, HISTORY_LIMIT));
  }

  async delete(id: string): Promise<void> {
    await this.memento.update(KEY, this.all().filter((e) => e.id !== id));
  }
}
