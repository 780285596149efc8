// The e2e build's test judge: what the deterministic engine answers, steered by markers in the pasted answers.
import type { GenerateRequest } from '../../../src/lib/engine/types';
import { tokenize, type ScriptedResponse } from '../../support/deterministic-engine';
import { testJudgeAnswer, testJudgeKind } from '../../support/test-judges';
import { HOSTILE_TEXTS, REMOTE_MARKER } from './hostile';

/**
 * How the e2e tests steer the test judges, through the answers they paste and the model id
 * (tests/support/test-judges.ts says how each model picks):
 * - `arbiter-test-judge` (and -small-context): no marker: it always prefers the answer shown
 *   first (position bias), so both orders flip; one answer containing ✔ and the other ✘: it
 *   prefers the ✔ answer in both orders;
 * - `arbiter-test-flipper`: always the answer shown first, markers or not: flips on every pair;
 * - `arbiter-test-longer`: the longer answer, in both orders;
 * - `arbiter-test-good`, the good judge: the ✔ answer; without markers, the human label of a
 *   bundled example pair; else one answer by content, the same in both orders;
 * - "XSS-OUTPUT" anywhere: its reasoning carries script payloads, which must never run;
 * - "REMOTE-OUTPUT" anywhere: its thinking and its answer carry HOSTILE_TEXTS (remote images,
 *   styles, pings, a right-to-left override), which must never make the browser contact a host;
 * - the Models page's test prompt: a sentence (streamed like any output).
 */
const TEST_PROMPT_ANSWER =
  'A good answer is correct, complete and clear, and it addresses exactly what was asked.';

const XSS = '<img src=x onerror="window.__xssRan=1"><script>window.__xssRan=2</script>';

/** The test judge's answer; `outputTokens` > 0 pads the reasoning to about that many tokens. */
export function respond(
  req: GenerateRequest,
  thinking: boolean,
  outputTokens = 0,
  modelId?: string,
): ScriptedResponse {
  const first = testJudgeAnswer(testJudgeKind(modelId), req, thinking);
  const user = req.messages.map((m) => m.content).join('\n');
  let text = first.text;
  if (user.includes('XSS-OUTPUT')) text = `${XSS}\n\n${text}`;
  // The Models page's test prompt gets a sentence, so its streaming can be watched.
  if (user.includes('what makes a good answer')) text = TEST_PROMPT_ANSWER;
  if (user.includes(REMOTE_MARKER)) {
    // Half in the thinking, half in the answer: both are rendered, and the stream stays short.
    const half = Math.ceil(HOSTILE_TEXTS.length / 2);
    const [inThinking, inAnswer] = [HOSTILE_TEXTS.slice(0, half), HOSTILE_TEXTS.slice(half)];
    text = `${text.replace('<think>', `<think>${inThinking.join('\n\n')}\n\n`)}\n\n${inAnswer.join('\n\n')}`;
  }
  return { ...first, text: padTo(text, outputTokens) };
}

// Markdown a long judgment is made of: paragraphs, a list, emphasis and code, as J1-style reasoning looks.
const FILLER = tokenize(
  'The first answer states its main claim clearly and supports it with a concrete example. ' +
    'It names the **key step** and explains why it matters for the question asked.\n\n' +
    '- It keeps to the point and avoids `jargon` where a plain word works.\n' +
    '- Its numbers add up, and the units are right.\n\n' +
    'The second answer covers similar ground but leaves out one detail, so it is harder to follow. ',
);

function filler(n: number): string {
  return Array.from({ length: n }, (_, i) => FILLER[i % FILLER.length]).join('');
}

/** Benchmarks set a judgment length: reasoning is padded (half in the thinking, half in the answer). */
function padTo(text: string, target: number): string {
  const extra = target - tokenize(text).length;
  if (extra <= 0) return text;
  const close = text.indexOf('</think>');
  if (close < 0) return `${filler(extra)}\n\n${text}`;
  const think = Math.floor(extra / 2);
  const after = close + '</think>\n\n'.length;
  return `${text.slice(0, close)} ${filler(think)}\n</think>\n\n${filler(extra - think)}\n\n${text.slice(after)}`;
}
