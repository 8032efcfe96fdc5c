// A stand-in tokenizer for the fake model. Like a byte-level BPE, every token is a non-empty
// piece of the text, so no text has more tokens than UTF-8 bytes (what the client relies on).
// A character outside the Basic Multilingual Plane (4 UTF-8 bytes) is split across two tokens,
// as a byte-level BPE splits a rare character's bytes: neither half is text on its own.
const TOKEN = /<\|im_start\|>|<\|im_end\|>| ?[\p{L}\p{N}]+| ?[^\s\p{L}\p{N}]|\s+/gu;

export function tokenize(text: string): string[] {
  return (text.match(TOKEN) ?? []).flatMap((t) => t.split(/(?<=[\uD800-\uDBFF])/));
}

/** A text that ends inside a character (the first half of a split one): servers hold it back. */
export const endsIncomplete = (text: string) => /[\uD800-\uDBFF]$/.test(text);

/** A token's text as a server reports it alone (logprobs): a half character is U+FFFD. */
export const tokenText = (token: string) => token.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
