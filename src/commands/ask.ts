// "m1: Ask a Medical Question": question from an input box (or the selection), reasoning
// streamed to an output channel, progress with cancel, the answer in a notification.
import * as vscode from 'vscode';
import { ollamaBackend, readConfig } from '../config';
import { findingsStore } from '../bench/serverFindings';
import { runCaveat } from '../core/backends/caveats';
import { findServer, serverInfoOf } from '../core/backends/findings';
import { contextTokensFor, runEngine } from '../core/engine';
import { buildPrompt } from '../core/prompt';
import { readChoice } from '../core/score';
import { splitQuestion } from '../core/questionText';
import type { Ctx } from '../context';

export async function askQuestion(ctx: Ctx, preset?: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  const text =
    preset ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Ask m1'),
      prompt: vscode.l10n.t('A medical question. Options can follow on the same line as "A. … B. …" or be pasted as lines.'),
      value: selected ?? '',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a question')),
    }));
  if (!text?.trim()) return;
  const question = splitQuestion(inlineOptionsToLines(text));
  const { host, engine } = readConfig();
  const backend = ollamaBackend(host);
  const out = ctx.reasoning;
  out.clear();
  out.show(true);
  out.appendLine(`Q: ${question.question}`);
  for (const [letter, option] of Object.entries(question.options ?? {})) out.appendLine(`   ${letter}. ${option}`);
  out.appendLine(`── thinking (budget ${engine.budget} tokens, ${engine.waitRounds} Wait rounds, ${engine.model} on ${host}) ──`);
  ctx.log.info(`ask: model=${engine.model} budget=${engine.budget} wait=${engine.waitRounds} host=${host}`);

  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'm1', cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      let thinkTokens = 0;
      // Budget forcing as the server really does it (probed once per server and model, then cached).
      const found = await findServer(backend, engine.model, { store: findingsStore(ctx.extension.globalState), signal: controller.signal, contextTokens: contextTokensFor(buildPrompt(question), engine) }).catch(
        () => undefined,
      );
      const caveat = found && runCaveat(serverInfoOf(found), found);
      if (caveat) out.appendLine(`── note: ${caveat} ──`);
      progress.report({ message: vscode.l10n.t('thinking…') });
      for await (const ev of runEngine(question, { backend, settings: engine, signal: controller.signal })) {
        switch (ev.type) {
          case 'think':
            out.append(ev.text);
            // A chunk holds one token or more (held-back text, merged steps): a rough live count is enough for progress.
            if (++thinkTokens % 32 === 0) progress.report({ message: vscode.l10n.t('thinking… {0} tokens', thinkTokens) });
            break;
          case 'wait':
            out.append(`\n── Wait (round ${ev.round}) ──\n${ev.text}`);
            break;
          case 'budget-hit':
            out.append(`\n── budget of ${ev.budget} tokens reached: thought cut ──`);
            break;
          case 'answer-start':
            out.appendLine('\n── answer ──');
            progress.report({ message: vscode.l10n.t('answering…') });
            break;
          case 'answer':
            out.append(ev.text);
            break;
          case 'error':
            throw ev.error;
          case 'done': {
            const r = ev.result;
            if (r.cancelled) {
              out.appendLine('\n── stopped ──');
              return;
            }
            const { choice } = readChoice(r.responseText, question.options);
            const picked = choice ? `${choice}${question.options?.[choice] ? ` (${question.options[choice]})` : ''}` : r.answer.trim().slice(0, 120);
            out.appendLine(`\n── ${r.tokens.think} thinking + ${r.tokens.answer} answer tokens ──`);
            void vscode.window
              .showInformationMessage(
                `${vscode.l10n.t('m1 answered {0} · {1} thinking tokens', picked, r.tokens.think)}${r.budgetHit ? vscode.l10n.t(' (cut by budget)') : ''}${caveat ? vscode.l10n.t(' · on this server <|im_start|> does not stop a thought (see the note in the reasoning)') : ''}`,
                vscode.l10n.t('Show Reasoning'),
              )
              .then((a) => a && out.show());
          }
        }
      }
    },
  );
}

/** "Q? A. x B. y" typed on one line → one option a line, for splitQuestion. */
export function inlineOptionsToLines(text: string): string {
  return text.includes('\n') ? text : text.replace(/\s+(?=\(?[A-Z][.)]\s)/g, '\n');
}

/** "m1: Ask Selection in Panel": the selected text goes to the side panel and is asked there. */
export async function askSelection(ctx: Ctx): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const text = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
  if (!text.trim()) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select the text of a question first.'));
    return;
  }
  await ctx.panel.askText(text);
}
