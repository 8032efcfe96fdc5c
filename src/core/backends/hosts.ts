// Where generation runs: one or more servers, each an Ollama or an OpenAI-compatible endpoint
// (vLLM, SGLang) with how many requests it takes at once and, when it names the model
// differently, its own model name.
import { M1Error } from '../errors';
import type { Backend } from './backend';
import { OllamaBackend, normalizeHost } from './ollama';
import { OpenAIBackend, openaiRoot } from './openai';

export type HostKind = 'ollama' | 'openai';

export interface HostSpec {
  kind: HostKind;
  url: string;
  /** Requests at once on this host. */
  slots: number;
  /** The model's name on this host, when it differs from the run's (vLLM serves HF ids). */
  model?: string;
}

/**
 * `[ollama:|openai:]URL[,slots=N][,model=NAME]`, e.g.
 * `openai:http://gpu1:8000,slots=8,model=UCSC-VLAA/m1-7B-23K`. Without a prefix: Ollama.
 */
export function parseHostSpec(text: string, defaultSlots = 1): HostSpec {
  const [head = '', ...params] = text.trim().split(',');
  const m = /^(ollama|openai):(.*)$/i.exec(head);
  const kind = (m?.[1]?.toLowerCase() ?? 'ollama') as HostKind;
  const rawUrl = m ? m[2]! : head;
  if (!rawUrl) throw new M1Error('bad-input', `"${text}": a host needs a URL.`);
  const spec: HostSpec = { kind, url: kind === 'ollama' ? normalizeHost(rawUrl) : openaiRoot(rawUrl), slots: defaultSlots };
  for (const p of params) {
    const [key, ...rest] = p.split('=');
    const value = rest.join('=').trim();
    if (key?.trim() === 'slots' && Number.isInteger(Number(value)) && Number(value) >= 1) spec.slots = Number(value);
    else if (key?.trim() === 'model' && value) spec.model = value;
    else throw new M1Error('bad-input', `"${text}": unknown or bad host option "${p}" (use slots=N or model=NAME).`);
  }
  if (kind === 'openai' && !/^https?:\/\//.test(spec.url)) throw new M1Error('bad-input', `"${text}": an OpenAI-compatible host needs an http(s) URL.`);
  return spec;
}

export function describeHost(spec: HostSpec): string {
  return `${spec.kind === 'openai' ? 'OpenAI-compatible' : 'Ollama'} ${spec.url}`;
}

/** `keepAlive`: Ollama's keep_alive for every request to an Ollama host. */
export function createBackend(spec: HostSpec, apiKey?: string, keepAlive?: string | number): Backend {
  return spec.kind === 'openai' ? new OpenAIBackend({ url: spec.url, ...(apiKey ? { apiKey } : {}) }) : new OllamaBackend({ host: spec.url, ...(keepAlive !== undefined ? { keepAlive } : {}) });
}
