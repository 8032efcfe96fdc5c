// The side panel's one handle on VS Code (acquireVsCodeApi may be called only once per page).
import type { ToExtension } from '../../src/panel/protocol';

/** What the page keeps across reloads: the question being typed. */
export interface Draft {
  question: string;
  options: string[];
  answer: string;
}

declare function acquireVsCodeApi(): { postMessage(m: ToExtension): void; getState(): Draft | undefined; setState(s: Draft): void };

export const vscodeApi = acquireVsCodeApi();
export const send = (m: ToExtension) => vscodeApi.postMessage(m);
