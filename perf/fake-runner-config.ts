// The scripted model of the runner benchmark: a short thought and answer, 20 ms a token.
export const TOKEN_MS = 20;
export const BENCH_THINK = 'The answer is clearly yes here. ';
export const BENCH_ANSWER = '\\boxed{A}';
