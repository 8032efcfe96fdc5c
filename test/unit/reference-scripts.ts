// Scripted models for comparing m1 with the reference item by item: thoughts whose lengths put the
// EOS, the Wait and the budget exactly where the reference's accounting matters (budget 20).
import type { Script } from '../fake-ollama/script';
import { script, words } from './helpers';

export const REFERENCE_SCRIPTS: Script[] = [
  // 11 text tokens + EOS, then a round longer than what is left.
  script('Q-r11', { think: [words(10), words(30, 'more')], answers: ['\\boxed{A}', '\\boxed{B}'], answerAfterCut: ' C' }),
  // 19 text tokens + EOS: EOS is the 20th token.
  script('Q-r19', { think: [words(18)], answers: ['\\boxed{A}'], answerAfterCut: ' C' }),
  // Three rounds of 5 tokens.
  script('Q-r5x3', { think: [words(4), words(4, 'again'), words(4, 'last')], answers: ['\\boxed{A}', '\\boxed{B}', '\\boxed{D}'], answerAfterCut: ' C' }),
  // 5 tokens, then 13 + EOS: EOS exactly at the second round's limit of 14.
  script('Q-r5eos', { think: [words(4), words(12, 'again')], answers: ['\\boxed{A}', '\\boxed{B}'], answerAfterCut: ' C' }),
];
