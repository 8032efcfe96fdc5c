// Where a server cannot run budget forcing exactly as the reference does, said in words for the
// run (its header and a notice), never a silent difference.
import { compareVersions } from '../ollama/discover';
import type { ServerInfo } from './backend';
import { serverInfoOf, type ServerFindings } from './findings';
import type { ThinkStopFinding } from './probe';

/** First Ollama that generates through llama.cpp's llama-server. */
const LLAMA_SERVER_OLLAMA = '0.30.0';

export function thinkStopCaveat(info: ServerInfo): string | undefined {
  if (info.kind !== 'ollama' || !info.version || compareVersions(info.version, LLAMA_SERVER_OLLAMA) < 0) return undefined;
  return (
    `Ollama ${info.version} generates through llama-server, which renders control tokens as empty text unless they are ` +
    `"preserved" (llm/llama_server.go), and /api/generate cannot ask for that: the stop string <|im_start|> never matches, ` +
    `so a thought can run on into the model's own answer and a Wait can follow it. The thought still ends at <|im_end|> ` +
    `or the budget. For runs comparable with the paper use Ollama 0.24 or earlier, vLLM or SGLang.`
  );
}

/**
 * The caveat a run carries: what the probe found on the server itself decides (an exact stop
 * needs no caveat, whatever the version); without a finding, the server's version does.
 */
export function runCaveat(info: ServerInfo | undefined, finding?: Pick<ThinkStopFinding, 'thinkStop' | 'detail'>): string | undefined {
  if (finding?.thinkStop === 'exact') return undefined;
  const byVersion = info && thinkStopCaveat(info);
  if (finding?.thinkStop !== 'runs-on') return byVersion;
  return byVersion ?? `${finding.detail} The thought still ends at <|im_end|> or the budget; a Wait can follow the model's own answer, so think-token counts include it.`;
}

/** A finding in plain words: what the probe saw and what it means for runs there. */
export function findingInWords(found: Pick<ServerFindings, 'kind' | 'version' | 'model' | 'thinkStop' | 'detail'>): string {
  const caveat = runCaveat(serverInfoOf(found), found);
  const meaning = caveat ? `Runs here carry this note in their header: ${caveat}` : found.thinkStop === 'exact' ? 'Budget forcing runs here as the reference does.' : '';
  return `Think stop with ${found.model}: ${found.thinkStop}. ${found.detail}${meaning ? ` ${meaning}` : ''}`;
}
