// Where a generated text's tokens begin and end, from the per-token texts a server reports
// (its logprobs). Streamed chunks cannot tell: servers hold back text that may start a stop
// string, incomplete UTF-8 or (vLLM) a fixed number of characters, and merge chunks under load.

/**
 * The lengths of the text's tokens, when the reported pieces spell the text exactly; pieces
 * after the text (the stop or EOS token that ended the call) are left out. Undefined when they
 * do not spell it (a token split inside a character, a token shown as nothing, no logprobs at
 * all): then nothing can be cut on these boundaries.
 */
export function tokenLengths(text: string, pieces: readonly string[]): number[] | undefined {
  const lengths: number[] = [];
  let at = 0;
  for (const piece of pieces) {
    if (at === text.length) break;
    if (!piece || !text.startsWith(piece, at)) return undefined;
    lengths.push(piece.length);
    at += piece.length;
  }
  return at === text.length ? lengths : undefined;
}

/** The done event's tokenLengths field, when it was asked for and the pieces spell the text. */
export function tokenLengthsIf(asked: boolean | undefined, text: string, pieces: readonly string[]): { tokenLengths: number[] } | undefined {
  const lengths = asked ? tokenLengths(text, pieces) : undefined;
  return lengths ? { tokenLengths: lengths } : undefined;
}
