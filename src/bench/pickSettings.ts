// The settings of a benchmark run, asked with quick picks (one step each, Enter keeps the last
// choice) and remembered per workspace.
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { describeHost, type HostSpec } from '../core/backends/hosts';
import { describeModel, isModelNamed, ollamaInfo } from '../core/backends/ollama';
import type { Subset } from '../core/bench/subset';
import { CHAT_MAX_NEW_TOKENS, chatSettings, isChat } from '../core/chat/protocol';
import type { EngineSettings } from '../core/engine';
import { configuredHosts, hostModels } from './hosts';

export interface BenchChoice {
  settings: EngineSettings;
  concurrency: number;
  subset: Subset;
}

const KEY = 'm1.bench.lastChoice';
const BUDGETS = [512, 1024, 2048, 4096, 8192, 16384];
const WAIT_ROUNDS = [0, 1, 2, 4];
const CONCURRENCY = [1, 2, 4, 8];

/** Parallel slots the local server was started with, when this process can see it. */
export function serverParallelSlots(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const n = Number(env.OLLAMA_NUM_PARALLEL);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The last choice, or the settings and the server's parallel slots. */
export function lastChoice(state: vscode.Memento): BenchChoice {
  const { engine } = readConfig();
  const saved = state.get<Partial<BenchChoice>>(KEY);
  // Sampling settings always come from the settings; the run-specific ones from the last run.
  const m1 = { ...engine, ...(saved?.settings ? { model: saved.settings.model, ...(isChat(saved.settings) ? {} : { budget: saved.settings.budget, waitRounds: saved.settings.waitRounds }) } : {}) };
  return {
    settings: saved?.settings && isChat(saved.settings) ? chatSettings(m1, { cot: saved.settings.cot === true, maxTokens: saved.settings.budget }) : m1,
    concurrency: saved?.concurrency ?? serverParallelSlots() ?? 1,
    subset: saved?.subset ?? {},
  };
}

interface Pick<T> extends vscode.QuickPickItem {
  value: T;
}

/** One step: a quick pick whose active row is the last choice, so Enter keeps it. */
async function step<T>(title: string, n: string, items: Array<Pick<T>>, active: T | undefined, canPickMany = false): Promise<Array<Pick<T>> | undefined> {
  const qp = vscode.window.createQuickPick<Pick<T>>();
  qp.title = `${n} · ${title}`;
  qp.items = items;
  qp.canSelectMany = canPickMany;
  qp.ignoreFocusOut = true;
  const current = items.find((i) => i.value === active);
  if (current && !canPickMany) qp.activeItems = [current];
  try {
    return await new Promise((resolve) => {
      qp.onDidAccept(() => resolve(canPickMany ? [...qp.selectedItems] : [...qp.activeItems]));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
  } finally {
    qp.dispose();
  }
}

async function askInt(prompt: string, value: number | undefined, min = 1): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    prompt,
    value: value === undefined ? '' : String(value),
    ignoreFocusOut: true,
    validateInput: (v) => (Number.isInteger(Number(v)) && Number(v) >= min ? undefined : vscode.l10n.t('A whole number ≥ {0}', min)),
  });
  return text === undefined ? undefined : Number(text);
}

const k = (n: number) => (n >= 1024 && n % 1024 === 0 ? `${n / 1024}K` : String(n));

export interface PickOptions {
  /** The benchmark, to ask which items (the Testing view chooses items itself). */
  bench?: { sources: string[]; itemCount: number };
  /** A sweep brings its own budgets and Wait rounds: do not ask them. */
  grid?: boolean;
  /** Shown in each step's title. */
  title?: string;
}

/** Asks every setting of a run; undefined when the user backs out. */
export async function pickBenchChoice(state: vscode.Memento, secrets: vscode.SecretStorage, o: PickOptions = {}): Promise<BenchChoice | undefined> {
  const { bench, grid = false, title = vscode.l10n.t('m1: Run Benchmark') } = o;
  const last = lastChoice(state);
  // With servers in m1.hosts, each has its slots: no concurrency step.
  const hosts = configuredHosts();
  let steps = 1 + (grid ? 0 : 3) + (hosts.length ? 0 : 1) + (bench ? 1 : 0);
  let at = 0;
  const next = () => `${title} (${++at}/${steps})`;
  const models = await modelChoices(secrets, hosts);
  const modelPick = await step(
    vscode.l10n.t('model'),
    next(),
    models.map((m) => ({ label: m.name, description: m.description, value: m.name })),
    models.find((m) => isModelNamed(m, last.settings.model))?.name,
  );
  if (!modelPick?.[0]) return undefined;
  let settings: EngineSettings = { ...last.settings, model: modelPick[0].value };
  // A sweep is m1's budget forcing; a run asks the protocol, then m1's budget and Wait rounds.
  const protocol = grid ? 'm1' : await pickProtocol(last.settings, next());
  if (!protocol) return undefined;
  if (protocol === 'm1') {
    const m1 = lastChoiceM1(settings);
    const picked = grid ? m1 : await pickBudgetAndWait(m1, next);
    if (!picked) return undefined;
    settings = { ...m1, ...picked };
  } else {
    steps -= 2;
    settings = chatSettings(settings, { cot: protocol === 'chat-cot' });
  }

  // The hosts in m1.hosts bring their own slots; the local server asks.
  const concurrency = hosts.length ? last.concurrency : await pickConcurrency(last.concurrency, next());
  if (concurrency === undefined) return undefined;

  const subset = bench ? await pickSubset(bench, last.subset, next()) : last.subset;
  if (!subset) return undefined;

  const choice: BenchChoice = { settings, concurrency, subset };
  await state.update(KEY, choice);
  return choice;
}

/** m1 settings from the last ones (a chat run's cap is not a thinking budget). */
function lastChoiceM1(s: EngineSettings): EngineSettings {
  if (!isChat(s)) return s;
  const { protocol: _p, cot: _c, ...rest } = s;
  return { ...rest, budget: readConfig().engine.budget, waitRounds: readConfig().engine.waitRounds };
}

type ProtocolChoice = 'm1' | 'chat' | 'chat-cot';

async function pickProtocol(last: EngineSettings, stepLabel: string): Promise<ProtocolChoice | undefined> {
  const picked = await step<ProtocolChoice>(
    vscode.l10n.t('protocol'),
    stepLabel,
    [
      { label: vscode.l10n.t('m1: budget forcing'), description: vscode.l10n.t("m1's think/answer markers, thinking budget and Wait rounds"), value: 'm1' },
      { label: vscode.l10n.t('Chat: a baseline model'), description: vscode.l10n.t('its own chat template, {0} new tokens, as the m1 paper ran its baselines', CHAT_MAX_NEW_TOKENS), value: 'chat' },
      { label: vscode.l10n.t('Chat with "Let\'s think step by step."'), description: vscode.l10n.t("the paper's CoT variant of the baseline prompt"), value: 'chat-cot' },
    ],
    isChat(last) ? (last.cot ? 'chat-cot' : 'chat') : 'm1',
  );
  return picked?.[0]?.value;
}

async function pickBudgetAndWait(last: EngineSettings, next: () => string): Promise<{ budget: number; waitRounds: number } | undefined> {
  const budgets = [...new Set([...BUDGETS, last.budget])].sort((a, b) => a - b);
  const budgetPick = await step(
    vscode.l10n.t('thinking budget'),
    next(),
    [
      ...budgets.map((b) => ({ label: vscode.l10n.t('{0} tokens', k(b)), description: b === 4096 ? vscode.l10n.t("the paper's optimum") : '', value: b })),
      { label: vscode.l10n.t('Other…'), value: 0 },
    ],
    last.budget,
  );
  if (!budgetPick?.[0]) return undefined;
  const budget = budgetPick[0].value || (await askInt(vscode.l10n.t('Thinking budget in tokens'), last.budget, 1));
  if (!budget) return undefined;
  const waitPick = await step(
    vscode.l10n.t('"Wait" rounds'),
    next(),
    WAIT_ROUNDS.map((w) => ({ label: w === 1 ? vscode.l10n.t('{0} Wait round', w) : vscode.l10n.t('{0} Wait rounds', w), description: w === 0 ? vscode.l10n.t('no budget forcing beyond the cut') : '', value: w })),
    last.waitRounds,
  );
  if (!waitPick?.[0]) return undefined;
  return { budget, waitRounds: waitPick[0].value };
}

async function pickConcurrency(last: number, stepLabel: string): Promise<number | undefined> {
  const slots = serverParallelSlots();
  const picked = await step(
    vscode.l10n.t('requests at once'),
    stepLabel,
    [...new Set([...CONCURRENCY, last])]
      .sort((a, b) => a - b)
      .map((c) => ({
        label: vscode.l10n.t('{0} at once', c),
        // More requests than the server has slots only wait in Ollama's queue.
        description:
          slots === undefined
            ? c > 1
              ? vscode.l10n.t("match the server's OLLAMA_NUM_PARALLEL; more only queues")
              : ''
            : c > slots
              ? vscode.l10n.t("more than the server's {0} parallel slots: the rest queue", slots)
              : c === slots
                ? vscode.l10n.t("the server's OLLAMA_NUM_PARALLEL")
                : '',
        value: c,
      })),
    last,
  );
  return picked?.[0]?.value;
}

/** The run's model: Ollama's installed models, or what the first configured host serves. */
async function modelChoices(secrets: vscode.SecretStorage, hosts: HostSpec[]): Promise<Array<{ name: string; description: string }>> {
  if (!hosts.length) return (await ollamaInfo(readConfig().host)).models.map((m) => ({ name: m.name, description: describeModel(m) }));
  const first = hosts[0]!;
  return (await hostModels(secrets, first)).map((name) => ({ name, description: hosts.length > 1 ? vscode.l10n.t('on {0} and {1} more', describeHost(first), hosts.length - 1) : vscode.l10n.t('on {0}', describeHost(first)) }));
}

type SubsetKind = 'all' | 'sources' | 'first' | 'random';

async function pickSubset(bench: { sources: string[]; itemCount: number }, last: Subset, stepLabel: string): Promise<Subset | undefined> {
  const lastKind: SubsetKind = last.random !== undefined ? 'random' : last.first !== undefined ? 'first' : last.sources?.length ? 'sources' : 'all';
  const kindPick = await step<SubsetKind>(
    vscode.l10n.t('items'),
    stepLabel,
    [
      { label: vscode.l10n.t('All {0} items', bench.itemCount), value: 'all' },
      ...(bench.sources.length > 1 ? [{ label: vscode.l10n.t('Some sources…'), description: bench.sources.join(', '), value: 'sources' as const }] : []),
      { label: vscode.l10n.t('The first N items…'), value: 'first' },
      { label: vscode.l10n.t('N items at random…'), description: vscode.l10n.t('reproducible with a seed'), value: 'random' },
    ],
    lastKind,
  );
  const kind = kindPick?.[0]?.value;
  if (!kind) return undefined;
  if (kind === 'all') return {};
  if (kind === 'sources') {
    const picked = await step(
      vscode.l10n.t('sources'),
      stepLabel,
      bench.sources.map((s) => ({ label: s, value: s, picked: last.sources?.includes(s) ?? false })),
      undefined,
      true,
    );
    return picked?.length ? { sources: picked.map((p) => p.value) } : undefined;
  }
  const n = await askInt(vscode.l10n.t('How many of the {0} items', bench.itemCount), kind === 'first' ? last.first : last.random);
  if (!n) return undefined;
  if (kind === 'first') return { first: n };
  const seed = await askInt(vscode.l10n.t('Seed for the random draw (the same seed draws the same items)'), last.seed ?? 0, 0);
  return seed === undefined ? undefined : { random: n, seed };
}
