// Incremental markdown for a streaming thought: text before the last blank line (outside code
// fences) is rendered once and kept; only the open block is re-rendered, at most once per frame.
import type { ToHtml } from './markdown';

export class StreamBlock {
  private committed = 0; // characters of `text` already rendered into `done`
  private text = '';
  private readonly done: HTMLElement;
  private readonly tail: HTMLElement;

  constructor(
    readonly root: HTMLElement,
    private readonly toHtml: ToHtml,
  ) {
    const doc = root.ownerDocument;
    this.done = root.appendChild(doc.createElement('div'));
    this.tail = root.appendChild(doc.createElement('div'));
  }

  get source(): string {
    return this.text;
  }

  append(delta: string): void {
    this.text += delta;
  }

  /** Renders what arrived since the last call. */
  render(): void {
    const cut = lastBlockBoundary(this.text, this.committed);
    if (cut > this.committed) {
      this.done.append(this.toHtml(this.text.slice(this.committed, cut)));
      this.committed = cut;
    }
    this.tail.replaceChildren(this.toHtml(this.text.slice(this.committed)));
  }
}

/** An open block longer than this is also cut at a single line break, so a thought without blank lines stays cheap. */
export const MAX_OPEN_BLOCK = 4000;

/**
 * Index just after the last blank line at or after `from` that is outside a code fence; `from` if
 * none. When the open block would exceed MAX_OPEN_BLOCK, the last line break outside a fence counts too.
 */
export function lastBlockBoundary(text: string, from: number): number {
  let inFence = false;
  let boundary = from;
  let lineBreak = from;
  let lineStart = from;
  while (lineStart < text.length) {
    const end = text.indexOf('\n', lineStart);
    if (end < 0) break; // the last line is still open
    const line = text.slice(lineStart, end);
    if (/^\s{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && line.trim() === '') boundary = end + 1;
    if (!inFence) lineBreak = end + 1;
    lineStart = end + 1;
  }
  return text.length - boundary > MAX_OPEN_BLOCK ? Math.max(boundary, lineBreak) : boundary;
}
