// The file a palette command is about when none is given: the active editor's, or the active
// tab's (an editor just opened may not be the active text editor yet when the command runs).
import * as vscode from 'vscode';

export function activeFileUris(): vscode.Uri[] {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return [vscode.window.activeTextEditor?.document.uri, tab instanceof vscode.TabInputText ? tab.uri : undefined].filter((u): u is vscode.Uri => !!u);
}
