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
  /**
   * Ask for each token's text (logprobs), so the done event can say where the text's tokens
   * begin and end (a sweep cuts thoughts there). Servers without logprobs ignore it.
   */
  tokenBoundaries?: boolean;
  signal?: AbortSignal;
}

export type GenerateEvent =
  | { type: 'text'; text: string }
  | {
      type: 'done';
      finishReason: FinishReason;
      /** New tokens generated, as the server's tokenizer counted them (the stop token that ended the call included). */
      evalCount: number;
      /**
       * Tokens of the returned text alone, as the m1 reference counts them (it re-encodes the text:
       * the EOS or stop token that ended generation is not in it). Absent: same as evalCount.
       */
      textTokens?: number;
      promptEvalCount?: number;
      /** Decode time in nanoseconds, when the server reports it. */
      evalDurationNs?: number;
      /** Context size actually requested, when the backend sets one. */
      numCtx?: number;
      /** evalCount is an estimate (the server reported no usage and has no tokenizer endpoint). */
      estimatedCount?: boolean;
      /** The server's repetition guard ended generation (Ollama); finishReason is then `length`. */
      repetitionGuard?: boolean;
      /** Lengths of the text's tokens, when tokenBoundaries was asked and the server's logprobs spell the text exactly. */
      tokenLengths?: number[];
    };

export interface ServerInfo {
  /** `ollama`, or what an OpenAI-compatible server calls itself in /v1/models (`vllm`, `sglang`). */
  kind: string;
  version?: string;
}

export interface Backend {
  /** Human-readable location, used in messages ("Ollama at http://…"). */
  readonly label: string;
  /**
   * Sampling options sent on every request besides temperature and seed: neutral values, so the
   * server adds no defaults of its own (a repeat penalty) and decoding stays plain argmax.
   */
  readonly sampling?: Readonly<Record<string, number>>;
  generate(req: GenerateRequest): AsyncIterable<GenerateEvent>;
  /** Which server this is, for run headers: runs on different servers can then be told apart. */
  describeServer?(signal?: AbortSignal): Promise<ServerInfo>;
  /**
   * Chat completion with the model's own template, streamed (the baseline protocol). A reasoning
   * section the server returns apart (Ollama's `thinking`, vLLM's `reasoning_content`) comes back
   * inside `<think>…</think>`, so the text is the model's whole output, as the reference scores it.
   */
  chat?(req: ChatRequest): AsyncIterable<GenerateEvent>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest extends Omit<GenerateRequest, 'prompt' | 'stop'> {
  messages: readonly ChatMessage[];
}
