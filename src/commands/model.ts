// "m1: Get Model": the m1 models with what they need, or any Ollama model name, pulled with progress.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { readGgufInfo } from '../core/ollama/importGguf';
import type { Ctx } from '../context';

/** The paper's models; GGUF Q4_K_M sizes are approximate (≈0.6 bytes a parameter). */
export const M1_MODELS = [
  { id: 'UCSC-VLAA/m1-7B-23K', params: '7.6B', q4: 4.7, vram: 6, note: 'best small model of the paper (m23K data)' },
  { id: 'UCSC-VLAA/m1-7B-1K', params: '7.6B', q4: 4.7, vram: 6, note: 'small-data ablation (m1K)' },
  { id: 'UCSC-VLAA/m1-32B-1K', params: '32.8B', q4: 19.9, vram: 22, note: 'rivals ~70B medical models' },
] as const;

const BY_NAME = 'Pull a model by name…';
const IMPORT = 'Import a local .gguf file…';

export async function getModel(ctx: Ctx): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    [
      ...M1_MODELS.map((m) => ({
        label: m.id,
        description: `${m.params} · GGUF Q4_K_M ≈ ${m.q4} GB · needs ≈ ${m.vram} GB VRAM`,
        detail: m.note,
      })),
      { label: BY_NAME, description: 'any Ollama model, e.g. hf.co/{user}/{repo}:{quant}', detail: '' },
      { label: IMPORT, description: 'a GGUF build you downloaded', detail: '' },
    ],
    { title: 'm1: Get Model', placeHolder: 'Which m1 model?' },
  );
  if (!picked) return;
  if (picked.label === IMPORT) return importLocal(ctx);
  let prompt = 'Ollama model name (library name or hf.co/{user}/{repo}:{quant})';
  if (picked.label !== BY_NAME) {
    // m1 is not in Ollama's library: a GGUF build on Hugging Face is pulled as hf.co/{user}/{repo}:{quant}.
    const search = `https://huggingface.co/models?other=base_model:quantized:${picked.label}`;
    const action = await vscode.window.showInformationMessage(
      `${picked.label} runs in Ollama from a GGUF build on Hugging Face. Find one (a repo quantized from ${picked.label}) and enter it as hf.co/{user}/{repo}:{quant}, e.g. with Q4_K_M.`,
      'Search Hugging Face',
      'Enter Name',
    );
    if (action === 'Search Hugging Face') await vscode.env.openExternal(vscode.Uri.parse(search));
    if (!action) return;
    prompt = `GGUF build of ${picked.label} as hf.co/{user}/{repo}:{quant}`;
  }
  const name = await vscode.window.showInputBox({
    title: 'm1: Get Model',
    prompt,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[\w./:-]+$/.test(v.trim()) ? undefined : 'A model name has no spaces, e.g. hf.co/user/repo:Q4_K_M'),
  });
  if (!name?.trim()) return;
  await ctx.ollama.pull(name.trim());
}

async function importLocal(ctx: Ctx): Promise<void> {
  const files = await vscode.window.showOpenDialog({ title: 'Import a GGUF build of m1', filters: { GGUF: ['gguf'] }, canSelectMany: false });
  const path = files?.[0]?.fsPath;
  if (!path) return;
  const info = await readGgufInfo(path);
  ctx.log.info(`GGUF ${path}: ${info.architecture ?? '?'}, context ${info.contextLength ?? '?'}, ${info.chatTemplate ? 'has' : 'no'} chat template`);
  if (info.warning && (await vscode.window.showWarningMessage(info.warning, { modal: true }, 'Import Anyway')) !== 'Import Anyway') return;
  const suggested = basename(path, '.gguf').toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  const name = await vscode.window.showInputBox({
    title: 'm1: name for the imported model',
    value: suggested,
    validateInput: (v) => (/^[\w.-]+(:[\w.-]+)?$/.test(v.trim()) ? undefined : 'Letters, digits, ".", "_" and "-", optionally ":tag"'),
  });
  if (!name?.trim()) return;
  await ctx.ollama.importFile(path, name.trim());
}

export async function serverActions(): Promise<void> {
  const items: Array<vscode.QuickPickItem & { command: string }> = [
    { label: '$(play) Start Ollama Server', command: 'm1.startServer' },
    { label: '$(debug-stop) Stop Ollama Server', command: 'm1.stopServer' },
    { label: '$(debug-restart) Restart Ollama Server', command: 'm1.restartServer' },
    { label: '$(cloud-download) Get Model', command: 'm1.getModel' },
    { label: '$(list-selection) Select Model', command: 'm1.selectModel' },
    { label: '$(pulse) Check Ollama Server', command: 'm1.checkServer' },
    { label: '$(output) Show Server Log', command: 'm1.showServerLog' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'm1: Ollama server' });
  if (picked) await vscode.commands.executeCommand(picked.command);
}
