// "m1: Get Model": an m1 model's GGUF builds from the Hugging Face Hub (repo, then quantization,
// with sizes and whether they fit the GPU), any Ollama model name, or a local .gguf file.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { userSetting } from '../config';
import { BASELINE_MODELS, describePaperModel } from '../core/chat/baselines';
import { formatBytes } from '../core/format';
import { findGgufBuilds, ollamaNameFor, type GgufBuild } from '../core/hf/ggufBuilds';
import { readGgufInfo } from '../core/ollama/importGguf';
import { QWEN25_32B_KV, QWEN25_7B_KV, detectVramGiB, fitNote, ollamaParallel, vramNeededGiB } from '../core/ollama/vram';
import type { Ctx } from '../context';

/** The paper's models; Q4_K_M sizes are approximate (≈ 0.6 bytes a parameter). */
export const M1_MODELS = [
  { id: 'UCSC-VLAA/m1-7B-23K', params: '7.6B', q4: 4.7, vram: 6, note: 'best small model of the paper (m23K data)' },
  { id: 'UCSC-VLAA/m1-7B-1K', params: '7.6B', q4: 4.7, vram: 6, note: 'small-data ablation (m1K)' },
  { id: 'UCSC-VLAA/m1-32B-1K', params: '32.8B', q4: 19.9, vram: 22, note: 'rivals ~70B medical models' },
] as const;

/** A run at the paper's 4,096-token budget asks for about this context (prompt, budget, answer cap). */
const RUN_NUM_CTX = 8192;
/**
 * Weights, the KV cache of an 8K context in each of the server's parallel slots (the environment
 * Ollama is started with), and the runtime. The shape is the build's base model's.
 */
const vramFor = (weightsBytes: number, baseModel: string) =>
  vramNeededGiB({ weightsBytes, shape: /32B/i.test(baseModel) ? QWEN25_32B_KV : QWEN25_7B_KV, numCtx: RUN_NUM_CTX, parallel: ollamaParallel(process.env) });

export async function getModel(ctx: Ctx): Promise<void> {
  const vram = await detectVramGiB();
  const byName = vscode.l10n.t('Pull a model by name…');
  const importFile = vscode.l10n.t('Import a local .gguf file…');
  const picked = await vscode.window.showQuickPick(
    [
      ...M1_MODELS.map((m) => ({
        label: m.id,
        description: describePaperModel(m),
        detail: [m.note, fitNote(vramFor(m.q4 * 1e9, m.id), vram)].filter(Boolean).join(' · '),
      })),
      // The paper's comparison models, found the same way; they run under the chat protocol.
      { label: vscode.l10n.t('Baselines: the models the paper compares m1 with'), kind: vscode.QuickPickItemKind.Separator },
      ...BASELINE_MODELS.map((m) => ({
        label: m.id,
        description: vscode.l10n.t('baseline · {0}', describePaperModel(m)),
        detail: [m.note, vscode.l10n.t('run it with the chat protocol'), fitNote(m.vram, vram)].filter(Boolean).join(' · '),
      })),
      { label: byName, description: vscode.l10n.t('any Ollama model, e.g. hf.co/{user}/{repo}:{quant}'), detail: '' },
      { label: importFile, description: vscode.l10n.t('a GGUF build you downloaded'), detail: '' },
    ],
    { title: vscode.l10n.t('m1: Get Model'), placeHolder: vram ? vscode.l10n.t('Which m1 model? (GPU: {0} GB)', Math.round(vram)) : vscode.l10n.t('Which m1 model?') },
  );
  if (!picked) return;
  if (picked.label === importFile) return importLocal(ctx);
  const name = picked.label === byName ? await askName(vscode.l10n.t('Ollama model name (library name or hf.co/{user}/{repo}:{quant})')) : await pickBuild(ctx, picked.label, vram);
  if (name) await ctx.ollama.pull(name);
}

async function askName(prompt: string): Promise<string | undefined> {
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('m1: Get Model'),
    prompt,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[\w./:-]+$/.test(v.trim()) ? undefined : vscode.l10n.t('A model name has no spaces, e.g. hf.co/user/repo:Q4_K_M')),
  });
  return name?.trim() || undefined;
}

/** Repo, then quantization, of a GGUF build of `baseModel` found on the Hub. */
async function pickBuild(ctx: Ctx, baseModel: string, vram: number | undefined): Promise<string | undefined> {
  const hubUrl = userSetting<string>('huggingFace.endpoint') ?? '';
  let builds: GgufBuild[] = [];
  try {
    builds = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('m1: searching Hugging Face for GGUF builds of {0}…', baseModel) }, () =>
      findGgufBuilds(baseModel, { ...(hubUrl ? { hubUrl } : {}) }),
    );
  } catch (e) {
    ctx.log.warn(e instanceof Error ? e.message : String(e));
  }
  if (builds.length === 0) {
    const enterName = vscode.l10n.t('Enter Name');
    const search = vscode.l10n.t('Search Hugging Face');
    const action = await vscode.window.showWarningMessage(
      hubUrl
        ? vscode.l10n.t('No GGUF build of {0} was found on {1}. Enter one as hf.co/{user}/{repo}:{quant}, or search in the browser.', baseModel, hubUrl)
        : vscode.l10n.t('No GGUF build of {0} was found. Enter one as hf.co/{user}/{repo}:{quant}, or search in the browser.', baseModel),
      enterName,
      search,
    );
    if (action === search) await vscode.env.openExternal(vscode.Uri.parse(`https://huggingface.co/models?other=base_model:quantized:${baseModel}`));
    return action === enterName ? askName(vscode.l10n.t('GGUF build of {0} as hf.co/{user}/{repo}:{quant}', baseModel)) : undefined;
  }
  const repo = await vscode.window.showQuickPick(
    builds.map((b) => ({ label: b.repo, description: vscode.l10n.t('{0} downloads · {1}', b.downloads ?? 0, b.quants.map((q) => q.quant).join(', ')), build: b })),
    { title: vscode.l10n.t('GGUF builds of {0}', baseModel), placeHolder: vscode.l10n.t('Which repository?') },
  );
  if (!repo) return undefined;
  const quant = await vscode.window.showQuickPick(
    repo.build.quants.map((q) => ({ label: q.quant, description: q.files.length > 1 ? vscode.l10n.t('{0} in {1} files', formatBytes(q.size), q.files.length) : formatBytes(q.size), detail: fitNote(vramFor(q.size, baseModel), vram) || undefined })),
    { title: vscode.l10n.t('{0}: quantization', repo.label), placeHolder: vscode.l10n.t('Q4_K_M is a good balance of size and quality') },
  );
  return quant ? ollamaNameFor(repo.label, quant.label) : undefined;
}

async function importLocal(ctx: Ctx): Promise<void> {
  const files = await vscode.window.showOpenDialog({ title: vscode.l10n.t('Import a GGUF build of m1'), filters: { GGUF: ['gguf'] }, canSelectMany: false });
  const path = files?.[0]?.fsPath;
  if (!path) return;
  const info = await readGgufInfo(path);
  ctx.log.info(`GGUF ${path}: ${info.architecture ?? '?'}, context ${info.contextLength ?? '?'}, ${info.chatTemplate ? 'has' : 'no'} chat template`);
  const anyway = vscode.l10n.t('Import Anyway');
  if (info.warning && (await vscode.window.showWarningMessage(info.warning, { modal: true }, anyway)) !== anyway) return;
  const suggested = basename(path, '.gguf').toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('m1: name for the imported model'),
    value: suggested,
    validateInput: (v) => (/^[\w.-]+(:[\w.-]+)?$/.test(v.trim()) ? undefined : vscode.l10n.t('Letters, digits, ".", "_" and "-", optionally ":tag"')),
  });
  if (!name?.trim()) return;
  await ctx.ollama.importFile(path, name.trim());
}

export async function serverActions(): Promise<void> {
  const items: Array<vscode.QuickPickItem & { command: string }> = [
    { label: vscode.l10n.t('$(play) Start Ollama Server'), command: 'm1.startServer' },
    { label: vscode.l10n.t('$(debug-stop) Stop Ollama Server'), command: 'm1.stopServer' },
    { label: vscode.l10n.t('$(debug-restart) Restart Ollama Server'), command: 'm1.restartServer' },
    { label: vscode.l10n.t('$(cloud-download) Get Model'), command: 'm1.getModel' },
    { label: vscode.l10n.t('$(list-selection) Select Model'), command: 'm1.selectModel' },
    { label: vscode.l10n.t('$(pulse) Check Ollama Server'), command: 'm1.checkServer' },
    { label: vscode.l10n.t('$(output) Show Server Log'), command: 'm1.showServerLog' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('m1: Ollama server') });
  if (picked) await vscode.commands.executeCommand(picked.command);
}
