// Reasoning traces in the editor: the readable view with its marks, hints and lenses.
import * as vscode from 'vscode';
import { TraceDecorations, TraceInlayHints, TraceLenses } from './decorations';
import { TRACE_SCHEME, TraceDocuments } from './documents';

export function registerTraces(extension: vscode.ExtensionContext): TraceDocuments {
  const docs = new TraceDocuments();
  const selector = { scheme: TRACE_SCHEME };
  extension.subscriptions.push(
    docs,
    new TraceDecorations(docs),
    vscode.languages.registerInlayHintsProvider(selector, new TraceInlayHints(docs)),
    vscode.languages.registerCodeLensProvider(selector, new TraceLenses(docs)),
  );
  return docs;
}
