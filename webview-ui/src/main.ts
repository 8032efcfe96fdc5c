// The side panel page's entry. Its strings come with the extension's first init message, so the
// page (./panel.ts builds its elements when loaded) is loaded only after l10n.config has them.
import * as l10n from '@vscode/l10n';
import type { ToWebview } from '../../src/panel/protocol';
import { send } from './panelApi';

function onFirstInit(e: MessageEvent<ToWebview>): void {
  const m = e.data;
  if (m.type !== 'init') return;
  window.removeEventListener('message', onFirstInit);
  if (m.l10n) l10n.config({ contents: m.l10n });
  // Bundled in (no code splitting): loads in a microtask, before the next message arrives.
  void import('./panel').then((page) => page.start(m));
}

window.addEventListener('message', onFirstInit);
send({ type: 'ready' });
