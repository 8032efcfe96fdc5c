// A stand-in tokenizer for the fake model. Like a byte-level BPE, every token is a non-empty
// piece of the text, so no text has more tokens than UTF-8 bytes (what the client relies on).
const TOKEN = /<\|im_start\|>|<\|im_end\|>| ?[\p{L}\p{N}]+| ?[^\s\p{L}\p{N}]|\s+/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}
