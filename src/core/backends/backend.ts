// What the engine needs from a model server: raw-prompt completion, streamed.

export type FinishReason = 'stop' | 'length';

export interface GenerateRequest {
  model: string;
  /** Raw prompt, used as is (no chat template). */
  prompt: string;
  /** Maximum new tokens for this call. */
  maxTokens: number;
  stop: readonly string[];
  temperature: number;
  seed: number;
  /**
   * Context size the whole exchange needs (prompt + everything still to be generated), so a
   * backend with a configurable context (Ollama's num_ctx) can size it once per question.
   */
  contextTokens?: number;
  signal?: AbortSignal;
}

export type GenerateEvent =
  | { type: 'text'; text: string }
  | {
      type: 'done';
      finishReason: FinishReason;
      /** New tokens generated, as the server's tokenizer counted them. */
      evalCount: number;
      promptEvalCount?: number;
      /** Decode time in nanoseconds, when the server reports it. */
      evalDurationNs?: number;
      /** Context size actually requested, when the backend sets one. */
      numCtx?: number;
      /** evalCount is an estimate (the server reported no usage and has no tokenizer endpoint). */
      estimatedCount?: boolean;
    };

export interface Backend {
  /** Human-readable location, used in messages ("Ollama at http://…"). */
  readonly label: string;
  generate(req: GenerateRequest): AsyncIterable<GenerateEvent>;
}
