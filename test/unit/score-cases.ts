// Scoring cases. Expected values follow the m1 reference scorer's rules (M1-PROTOCOL.md), quirks
// included: `\fbox` is found but not unwrapped, the first of two options found at the same place
// wins, letters are matched as Python's Unicode `\W` sees them.
export interface ScoreCase {
  name: string;
  response: string;
  options?: Record<string, string>;
  answerIdx?: string;
  extracted: string;
  /** Letter from the choice matcher; null when an exact rule decided first. */
  choice: string | null;
  correct: boolean;
}

export const DRUGS = { A: 'Aspirin', B: 'Heparin', C: 'Warfarin', D: 'Clopidogrel' };

export const SCORE_CASES: ScoreCase[] = [
  { name: 'boxed letter', response: 'So \\boxed{B}', extracted: 'B', choice: null, correct: true },
  { name: 'boxed lowercase letter', response: '\\boxed{b}', extracted: 'b', choice: null, correct: true },
  { name: 'boxed option text', response: '\\boxed{Heparin}', extracted: 'Heparin', choice: null, correct: true },
  { name: 'boxed option text, other case', response: '\\boxed{HEPARIN}', extracted: 'HEPARIN', choice: null, correct: true },
  { name: 'boxed "letter. text"', response: '\\boxed{B. Heparin}', extracted: 'B. Heparin', choice: null, correct: true },
  { name: 'boxed \\text{letter}', response: '\\boxed{\\text{B}}', extracted: 'B', choice: null, correct: true },
  { name: 'boxed \\text{letter. text}', response: '\\boxed{\\text{B. Heparin}}', extracted: 'B. Heparin', choice: null, correct: true },
  { name: 'boxed \\text{text}', response: 'Final: \\boxed{\\text{Heparin}}.', extracted: 'Heparin', choice: null, correct: true },
  {
    name: 'nested braces',
    response: 'The ratio is \\boxed{\\frac{1}{2}}',
    options: { A: '\\frac{1}{2}', B: '\\frac{1}{3}' },
    answerIdx: 'A',
    extracted: '\\frac{1}{2}',
    choice: null,
    correct: true,
  },
  { name: 'value after "="', response: '\\boxed{x = 3}', options: { A: '2', B: '3' }, answerIdx: 'B', extracted: '3', choice: null, correct: true },
  { name: 'value after the last "="', response: '\\boxed{dose = 5 = 5 mg}', options: { A: '5 mg', B: '10 mg' }, answerIdx: 'A', extracted: '5 mg', choice: null, correct: true },
  { name: 'last box wins', response: 'First \\boxed{A}, on reflection \\boxed{B}', extracted: 'B', choice: null, correct: true },
  { name: 'last of two boxes, wrong', response: '\\boxed{B} \\boxed{C}', extracted: 'C', choice: 'C', correct: false },
  { name: 'text after the box is ignored', response: '\\boxed{B} because heparin acts fast', extracted: 'B', choice: null, correct: true },
  { name: 'wrong boxed letter', response: '\\boxed{C}', extracted: 'C', choice: 'C', correct: false },
  { name: 'fbox is found but kept whole; its letter still matches', response: 'Answer: \\fbox{B}', extracted: '\\fbox{B}', choice: 'B', correct: true },
  { name: 'unclosed box: whole text, letter found', response: '\\boxed{B', extracted: '\\boxed{B', choice: 'B', correct: true },
  { name: 'empty box: most similar option, last of ties', response: '\\boxed{}', extracted: '', choice: 'D', correct: false },
  { name: 'padded letter', response: '\\boxed{ B }', extracted: ' B ', choice: 'B', correct: true },
  { name: 'no box: "answer is X"', response: 'The answer is B.', extracted: 'The answer is B.', choice: 'B', correct: true },
  { name: 'no box: wrong "answer is X"', response: 'The answer is A', extracted: 'The answer is A', choice: 'A', correct: false },
  { name: 'last "answer is" wins', response: 'I thought the answer is C, but the answer is B', extracted: 'I thought the answer is C, but the answer is B', choice: 'B', correct: true },
  { name: '"answer is" across a newline', response: 'So the answer is\nB', extracted: 'So the answer is\nB', choice: 'B', correct: true },
  { name: '"answer is" beyond the options', response: 'the answer is E', extracted: 'the answer is E', choice: 'E', correct: false },
  { name: 'Final Response section', response: 'Draft: the answer is B\n## Final Response\n\nThe answer is C', extracted: 'Draft: the answer is B\n## Final Response\n\nThe answer is C', choice: 'C', correct: false },
  { name: 'standalone letter after "is "', response: 'The correct option is D.', extracted: 'The correct option is D.', choice: 'D', correct: false },
  { name: 'letter in parentheses', response: 'I pick (B)', extracted: 'I pick (B)', choice: 'B', correct: true },
  { name: 'bold letter', response: '**B**', extracted: '**B**', choice: 'B', correct: true },
  { name: 'letter at the start', response: 'B) heparin', extracted: 'B) heparin', choice: 'B', correct: true },
  { name: 'Chinese "答案是B"', response: '答案是B', extracted: '答案是B', choice: 'B', correct: true },
  { name: 'matches do not overlap: "(A,B)" finds only A', response: 'between (A,B)', extracted: 'between (A,B)', choice: 'A', correct: false },
  { name: 'article "A " is not a choice', response: 'A clot needs heparin', extracted: 'A clot needs heparin', choice: 'B', correct: true },
  { name: 'lowercase "a" is not a choice', response: 'it is a case for heparin', extracted: 'it is a case for heparin', choice: 'B', correct: true },
  { name: 'lowercase letter after "answer is" is not a choice', response: 'answer is b, heparin', extracted: 'answer is b, heparin', choice: 'B', correct: true },
  { name: 'last occurring option text wins', response: 'not aspirin; use warfarin', extracted: 'not aspirin; use warfarin', choice: 'C', correct: false },
  {
    name: 'option text inside another: the earlier option wins a tie',
    response: 'give vitamin b12 and folate',
    options: { A: 'Vitamin B12', B: 'Vitamin B12 and folate', C: 'Iron', D: 'Vitamin C' },
    answerIdx: 'B',
    extracted: 'give vitamin b12 and folate',
    choice: 'A',
    correct: false,
  },
  { name: 'letter inside a word is not a choice; similarity decides', response: 'Vitamin B12 deficiency', options: { A: 'Folate', B: 'Cobalamin' }, answerIdx: 'B', extracted: 'Vitamin B12 deficiency', choice: 'B', correct: true },
  { name: 'fuzzy: misspelled option', response: 'hepparin', extracted: 'hepparin', choice: 'B', correct: true },
  { name: 'fuzzy: no similarity picks the last option', response: 'xyz', extracted: 'xyz', choice: 'D', correct: false },
  { name: 'Unicode letter before the letter: not standalone (Python \\W)', response: 'Antwort ÄB', extracted: 'Antwort ÄB', choice: 'B', correct: true },
  { name: 'answer marker with Final Answer', response: '<|im_start|>answer\nFinal Answer: B', extracted: '<|im_start|>answer\nFinal Answer: B', choice: 'B', correct: true },
  { name: 'answer marker with a box', response: '<|im_start|>answer\nThe answer is \\boxed{B}', extracted: 'B', choice: null, correct: true },
  { name: 'letter E beyond four options is not standalone', response: 'Option E', extracted: 'Option E', choice: 'D', correct: false },
];
