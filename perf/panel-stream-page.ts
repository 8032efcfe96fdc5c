// Runs in Chromium (bundled by perf/panel-stream.ts): feeds a thought into the panel's renderer
// the way the extension does (batches of deltas as messages, rendering once per frame) and into a
// plain-text baseline, timing every task on the main thread.
import type { PanelEvent } from '../src/panel/protocol';
import { markdownRenderer } from '../webview-ui/src/markdown';
import { RunView } from '../webview-ui/src/runView';

interface Result {
  totalMs: number;
  taskMs: number;
  longestTaskMs: number;
  tasks: number;
}

declare global {
  interface Window {
    runBench(mode: 'markdown' | 'plain', tokens: string[], batch: number): Promise<Result>;
  }
}

// A message-channel hop is a new task without setTimeout's 4 ms clamp: like postMessage from the extension.
const channel = new MessageChannel();
let wake: (() => void) | undefined;
channel.port1.onmessage = () => wake?.();
const nextTask = () =>
  new Promise<void>((r) => {
    wake = r;
    channel.port2.postMessage(0);
  });
const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

window.runBench = async (mode, tokens, batch) => {
  document.body.replaceChildren();
  let taskMs = 0;
  let longest = 0;
  let tasks = 0;
  const timed = (fn: () => void) => {
    const t = performance.now();
    fn();
    const d = performance.now() - t;
    taskMs += d;
    longest = Math.max(longest, d);
    tasks++;
  };
  // Wrap requestAnimationFrame so the renderer's frame callbacks are timed as tasks too.
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((ts) => timed(() => cb(ts)));

  const settings = { budget: 16384, waitRounds: 0, temperature: 0, model: 'm1' };
  const start = performance.now();
  if (mode === 'markdown') {
    // The thought open while it streams: the rendering measured here.
    const view = new RunView({ runId: 'b', question: 'Q', options: {}, settings }, markdownRenderer(window), { collapse: 'never', onCopy: () => undefined });
    document.body.append(view.root);
    for (let i = 0; i < tokens.length; i += batch) {
      const events: PanelEvent[] = [{ type: 'think', round: 0, text: tokens.slice(i, i + batch).join(''), tokens: batch }];
      timed(() => view.apply(events));
      await nextTask();
    }
    await nextFrame();
    await nextFrame();
  } else {
    const pre = document.body.appendChild(document.createElement('div'));
    let pending = '';
    let scheduled = false;
    for (let i = 0; i < tokens.length; i += batch) {
      timed(() => {
        pending += tokens.slice(i, i + batch).join('');
        if (!scheduled) {
          scheduled = true;
          requestAnimationFrame(() => {
            pre.append(pending);
            pending = '';
            scheduled = false;
          });
        }
      });
      await nextTask();
    }
    await nextFrame();
    await nextFrame();
  }
  window.requestAnimationFrame = raf;
  return { totalMs: performance.now() - start, taskMs, longestTaskMs: longest, tasks };
};
