// Where a server cannot run budget forcing exactly as the reference does, said in words for the
// run (its header and a notice), never a silent difference.
import { compareVersions } from '../ollama/discover';
import type { ServerInfo } from './backend';

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
