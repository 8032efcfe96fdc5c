import assert from 'node:assert/strict';
import { ANSWER_MARKER, CUT_ANSWER_MARKER, buildPrompt } from '../../src/core/prompt';
import { OllamaBackend } from '../../src/core/backends/ollama';
import { runEngine, waitString, WAIT_TOKENS, type EngineEvent } from '../../src/core/engine';
import { collect, ofType, resultOf, script, settings, tokens, useFake, words } from './helpers';
import { REFERENCE_SCRIPTS } from './reference-scripts';

const Q = { question: 'Q-engine: which drug?', options: { A: 'Aspirin', B: 'Heparin' } };
const ROUND0 = 'Heparin acts at once. ';
const ROUND1 = ', checking again: heparin. ';
const ROUND2 = ', still heparin.';

describe('engine: budget forcing against the fake server', () => {
  const fake = useFake(() => ({
    scripts: [
      script('Q-engine', { think: [ROUND0, ROUND1, ROUND2], answers: ['\\boxed{A}', '\\boxed{B}', 'The answer is B'], answerAfterCut: ' B' }),
      script('Q-long', { think: [words(300)], answers: ['\\boxed{A}'], answerAfterCut: ' A' }),
      script('Q-nospace', { think: ['Done.', 'More.\n', 'Last.'], answers: ['\\boxed{A}'] }),
      script('Q-chatty', { think: ['ok '], answers: [words(50, 'answer')] }),
      script('Q-slow', { think: [words(200)], tokenDelayMs: 5 }),
      script('Q-error', { think: [words(20)], failure: { kind: 'error-line', afterTokens: 3, message: 'model runner has unexpectedly stopped' } }),
      script('Q-crash', { think: [words(20)], failure: { kind: 'crash', afterTokens: 4 } }),
    ],
  }));

  it('stops before the budget: one think call, the plain answer marker, the answer', async () => {
    const events = await collect(fake(), Q, { budget: 1024 });
    const r = resultOf(events);
    const prompt = buildPrompt(Q);
    assert.equal(r.rounds.length, 1);
    assert.equal(r.rounds[0]!.text, ROUND0);
    assert.equal(r.finish.think, 'stop');
    assert.equal(r.budgetHit, false);
    assert.equal(r.answerMarker, ANSWER_MARKER);
    assert.equal(r.answer, '\\boxed{A}');
    assert.equal(r.responseText, `${ANSWER_MARKER}\\boxed{A}`);
    assert.equal(r.tokens.think, tokens(ROUND0));
    assert.equal(r.tokens.answer, tokens('\\boxed{A}'));
    const log = fake().generateLog;
    assert.equal(log.length, 2);
    assert.equal(log[0]!.prompt, prompt);
    assert.equal(log[0]!.options.num_predict, 1024);
    assert.deepEqual(log[0]!.options.stop, ['<|im_end|>', '<|im_start|>']);
    assert.equal(log[0]!.options.temperature, 0);
    assert.equal(log[0]!.options.seed, 42);
    assert.equal(log[0]!.raw, true);
    // The thought ends with a space, not a newline: the engine adds the newline before the marker.
    assert.equal(log[1]!.prompt, `${prompt}${ROUND0}\n${ANSWER_MARKER}`);
    assert.equal(log[1]!.options.num_predict, 1024);
    assert.deepEqual(ofType(events, 'think').map((e) => e.round), Array(tokens(ROUND0)).fill(0));
    assert.equal(ofType(events, 'answer-start')[0]!.marker, ANSWER_MARKER);
  });

  it('sizes num_ctx once per question to fit prompt, budget and answer, so nothing is truncated or reloaded', async () => {
    const long = { question: `Q-engine ${words(3000, 'context')}`, options: Q.options };
    const r = resultOf(await collect(fake(), long, { budget: 4096, waitRounds: 2 }));
    const log = fake().generateLog;
    assert.ok(log.length >= 3);
    const numCtx = log[0]!.numCtx;
    assert.ok(numCtx >= log[0]!.promptTokens + 4096 + 1024, `num_ctx ${numCtx} too small`);
    for (const entry of log) {
      assert.equal(entry.numCtx, numCtx, 'num_ctx changes between calls reload the model');
      assert.equal(entry.truncated, false);
      assert.equal(entry.contextShift, false);
    }
    assert.deepEqual(log.map((e) => e.reloaded), [true, ...Array(log.length - 1).fill(false)]);
    assert.equal(r.numCtx, numCtx);
    assert.equal(r.answer, 'The answer is B', 'the scripted model saw the whole question');
  });

  it('cuts the thought at the budget and asks for the answer with "Final Answer:"', async () => {
    const events = await collect(fake(), { question: 'Q-long' }, { budget: 50, waitRounds: 2 });
    const r = resultOf(events);
    assert.equal(r.finish.think, 'length');
    assert.equal(r.tokens.think, 50);
    assert.equal(r.budgetHit, true);
    assert.equal(r.answerMarker, CUT_ANSWER_MARKER);
    assert.equal(r.answer, ' A');
    assert.equal(r.responseText, `${CUT_ANSWER_MARKER} A`);
    assert.deepEqual(ofType(events, 'budget-hit'), [{ type: 'budget-hit', tokensUsed: 50, budget: 50 }]);
    assert.equal(ofType(events, 'wait').length, 0, 'no Wait after a cut thought');
    const log = fake().generateLog;
    assert.equal(log.length, 2);
    assert.ok(log[1]!.prompt.endsWith(`${r.rounds[0]!.text}\n${CUT_ANSWER_MARKER}`));
  });

  it('appends "Wait" K times, with the space rule and the remaining budget', async () => {
    const events = await collect(fake(), Q, { budget: 1000, waitRounds: 2 });
    const r = resultOf(events);
    const log = fake().generateLog;
    const prompt = buildPrompt(Q);
    assert.equal(log.length, 4);
    const used0 = tokens(ROUND0);
    assert.equal(log[1]!.prompt, `${prompt}${ROUND0} Wait`, 'text ending in a space gets " Wait"');
    assert.equal(log[1]!.options.num_predict, 1000 - used0 - WAIT_TOKENS);
    // The reference keeps only the generated text's tokens in the count: each round's request
    // counts its own Wait, not the earlier ones (M1-PROTOCOL.md step 2).
    const used1 = used0 + tokens(ROUND1);
    assert.equal(log[2]!.prompt, `${prompt}${ROUND0} Wait${ROUND1} Wait`);
    assert.equal(log[2]!.options.num_predict, 1000 - used1 - WAIT_TOKENS);
    assert.equal(log[3]!.prompt, `${prompt}${ROUND0} Wait${ROUND1} Wait${ROUND2}\n${ANSWER_MARKER}`);
    assert.deepEqual(
      ofType(events, 'wait').map((e) => [e.round, e.text]),
      [
        [1, ' Wait'],
        [2, ' Wait'],
      ],
    );
    assert.deepEqual(r.rounds.map((x) => x.waitInjected), [' Wait', ' Wait', undefined]);
    assert.equal(r.tokens.think, used1 + tokens(ROUND2));
    assert.equal(r.answer, 'The answer is B', 'the model answered for two Wait rounds');
    const thinkRounds = [...new Set(ofType(events, 'think').map((e) => e.round))];
    assert.deepEqual(thinkRounds, [0, 1, 2]);
  });

  it('uses "Wait" without a space after a newline or other text, and no newline twice', async () => {
    await collect(fake(), { question: 'Q-nospace' }, { budget: 500, waitRounds: 2 });
    const log = fake().generateLog;
    assert.ok(log[1]!.prompt.endsWith('Done.Wait'));
    assert.ok(log[2]!.prompt.endsWith('Done.WaitMore.\nWait'));
    assert.ok(log[3]!.prompt.endsWith('Done.WaitMore.\nWaitLast.\n<|im_start|>answer'));
    assert.equal(waitString('x\n '), ' Wait');
    assert.equal(waitString('x \n'), 'Wait');
  });

  it('skips a Wait that alone would reach the budget; EOS as the budget-th token reads as length', async () => {
    // The thought's text is budget − 1 tokens and EOS is the budget-th: Ollama says `stop`, SGLang
    // (the reference's server) says `length`, so the reference ends with "Final Answer:".
    const budget = tokens(ROUND0) + WAIT_TOKENS;
    const events = await collect(fake(), Q, { budget, waitRounds: 3 });
    const r = resultOf(events);
    assert.equal(ofType(events, 'wait').length, 0);
    assert.equal(fake().generateLog.length, 2);
    assert.equal(fake().generateLog[0]!.doneReason, 'stop');
    assert.equal(r.tokens.think, tokens(ROUND0));
    assert.equal(r.finish.think, 'length');
    assert.equal(r.answerMarker, CUT_ANSWER_MARKER);
  });

  it('caps the answer at its own limit', async () => {
    const r = resultOf(await collect(fake(), { question: 'Q-chatty' }, { answerMaxTokens: 5 }));
    assert.equal(r.tokens.answer, 5);
    assert.equal(r.finish.answer, 'length');
    assert.equal(fake().generateLog[1]!.options.num_predict, 5);
  });

  it('streams tokens while the server is still generating, and cancels mid-think keeping the partial thought', async () => {
    const controller = new AbortController();
    const backend = new OllamaBackend({ host: fake().url });
    let thinkEvents = 0;
    let doneEvent: Extract<EngineEvent, { type: 'done' }> | undefined;
    for await (const ev of runEngine({ question: 'Q-slow' }, { backend, settings: settings(), signal: controller.signal })) {
      if (ev.type === 'think') {
        thinkEvents++;
        assert.equal(fake().generateLog[0]!.doneReason, undefined, 'the server has not finished yet');
        if (thinkEvents === 10) controller.abort();
      }
      if (ev.type === 'done') doneEvent = ev;
    }
    assert.ok(doneEvent);
    assert.equal(doneEvent.result.cancelled, true);
    assert.equal(thinkEvents, 10);
    assert.equal(doneEvent.result.thought, words(200).split(' ').slice(0, 10).join(' '));
    assert.equal(fake().generateLog.length, 1, 'no answer call after a cancel');
  });

  it('reports an error line inside a 200 stream, keeping what came before', async () => {
    const events = await collect(fake(), { question: 'Q-error' });
    const err = ofType(events, 'error')[0];
    assert.ok(err);
    assert.equal(err.error.code, 'stream-error');
    assert.match(err.error.message, /model runner has unexpectedly stopped/);
    assert.equal(err.partial.thought, 'step0 step1 step2');
    assert.equal(ofType(events, 'done').length, 0);
  });

  it('reports a stream cut mid-way', async () => {
    const events = await collect(fake(), { question: 'Q-crash' });
    const err = ofType(events, 'error')[0];
    assert.equal(err?.error.code, 'stream-cut');
    assert.match(err!.error.message, /ended before the model finished/);
  });

  it('reports a model that is not installed with how to get it', async () => {
    const events = await collect(fake(), Q, { model: 'm1-missing' });
    const err = ofType(events, 'error')[0];
    assert.equal(err?.error.code, 'model-not-found');
    assert.equal(err?.error.status, 404);
    assert.match(err!.error.message, /Model "m1-missing" is not on Ollama at http:\/\/127\.0\.0\.1:\d+\. Get it with "m1: Get Model"/);
  });
});

// Expected values worked out by hand from the reference (UCSC-VLAA/m1 src/eval/inference_keep_think.py:
// call_model, keep_think, end_thinking) for one item per call on SGLang: `num_gen_tokens` is the
// re-encoded text (no EOS), a round asks `max_new_tokens − (num_gen_tokens + tokens(Wait))`, the
// item is skipped when that sum reaches the budget, and the marker follows the last call's finish.
describe('engine: the reference accounting, item by item (M1-PROTOCOL.md steps 1–3)', () => {
  const fake = useFake(() => ({ scripts: REFERENCE_SCRIPTS }));
  const cases: Array<{ q: string; budget: number; waits: number; asks: number[]; think: number; marker: string; answer: string }> = [
    // 11 text tokens + EOS: the reference counts 11, asks 20 − 12 = 8 (counting EOS and keeping the
    // Wait would ask 7); the second round runs into its limit.
    { q: 'Q-r11', budget: 20, waits: 1, asks: [20, 8], think: 19, marker: CUT_ANSWER_MARKER, answer: ' C' },
    // 19 text tokens, EOS the 20th: SGLang says length; 19 + Wait reaches 20, so no Wait round.
    { q: 'Q-r19', budget: 20, waits: 1, asks: [20], think: 19, marker: CUT_ANSWER_MARKER, answer: ' C' },
    // Three short rounds: each asks the budget less the text so far and its own Wait only.
    { q: 'Q-r5x3', budget: 20, waits: 2, asks: [20, 14, 9], think: 15, marker: ANSWER_MARKER, answer: '\\boxed{D}' },
    // The second round's EOS is exactly its 14th token: read as length, "Final Answer:".
    { q: 'Q-r5eos', budget: 20, waits: 1, asks: [20, 14], think: 18, marker: CUT_ANSWER_MARKER, answer: ' C' },
  ];
  for (const c of cases) {
    it(`${c.q}: budget ${c.budget}, ${c.waits} Wait(s) → asks ${c.asks.join(', ')}, ${c.marker === ANSWER_MARKER ? 'answer' : 'Final Answer'} marker`, async () => {
      const r = resultOf(await collect(fake(), { question: c.q }, { budget: c.budget, waitRounds: c.waits }));
      const log = fake().generateLog;
      assert.deepEqual(log.slice(0, -1).map((e) => e.options.num_predict), c.asks);
      assert.equal(r.tokens.think, c.think);
      assert.equal(r.answerMarker, c.marker);
      assert.equal(r.answer, c.answer);
      assert.ok(log.at(-1)!.prompt.endsWith(`\n${c.marker}`));
    });
  }
});
