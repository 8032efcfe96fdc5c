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
      this.done.insertAdjacentHTML('beforeend', this.toHtml(this.text.slice(this.committed, cut)));
      this.committed = cut;
    }
    this.tail.innerHTML = this.toHtml(this.text.slice(this.committed));
  }
}

/** Index just after the last blank line at or after `from` that is outside a code fence; `from` if none. */
export function lastBlockBoundary(text: string, from: number): number {
  let inFence = false;
  let boundary = from;
  let lineStart = from;
  while (lineStart < text.length) {
    const end = text.indexOf('\n', lineStart);
    if (end < 0) break; // the last line is still open
    const line = text.slice(lineStart, end);
    if (/^\s{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && line.trim() === '') boundary = end + 1;
    lineStart = end + 1;
  }
  return boundary;
}
