// Test judges that disagree: which answer each deterministic test model prefers, so panels have members to compare.
// Browser-safe: the e2e build's test worker runs it too.
import type { GenerateRequest } from '../../src/lib/engine/types';
import { EXAMPLES } from '../../src/lib/data/examples';
import { firstPositionAnswer, type ScriptedResponse } from './deterministic-engine';

/**
 * How a test judge picks, always in the answers' shown positions:
 * - `first`: the answer shown first, whatever it says (position bias: flips on every pair);
 * - `markers`: the ✔ answer when one answer holds ✔ and the other ✘, else the first shown (the
 *   original `arbiter-test-judge`);
 * - `longer`: the longer answer in both orders (length bias); equal lengths: the first shown;
 * - `good`: the ✔ answer when markers are there, else the human label of a bundled example pair
 *   (src/lib/data/examples.ts), else one answer chosen by content alone, so it never flips.
 */
export type TestJudgeKind = 'first' | 'markers' | 'longer' | 'good';

/** The e2e build's test models and how each judges; any other model id judges as `markers`. */
export const TEST_JUDGE_MODELS: Readonly<Record<string, TestJudgeKind>> = {
  'arbiter-test-judge': 'markers',
  'arbiter-test-judge-small-context': 'markers',
  'arbiter-test-flipper': 'first',
  'arbiter-test-longer': 'longer',
  'arbiter-test-good': 'good',
};

export function testJudgeKind(modelId: string | undefined): TestJudgeKind {
  return (modelId === undefined ? undefined : TEST_JUDGE_MODELS[modelId]) ?? 'markers';
}

// Each swap turns a first-position verdict into the second-position one, format by format.
const SWAPS: [RegExp, string][] = [
  [/\[\[A\]\]/g, '[[B]]'],
  [/\[\[A>B\]\]/g, '[[B>A]]'],
  [/\[\[A>>B\]\]/g, '[[B>>A]]'],
  [/decision is Response 1/g, 'decision is Response 2'],
  [/Winner: Judgement A/g, 'Winner: Judgement B'],
  [/\[RESULT\] A/g, '[RESULT] B'],
  [/"verdict": "A"/g, '"verdict": "B"'],
  [/"verdict": "A>B"/g, '"verdict": "B>A"'],
  [/^A$/g, 'B'],
];

/** A first-position answer turned into the same answer for the second position. */
export function toSecondPosition(first: ScriptedResponse): ScriptedResponse {
  let text = first.text;
  for (const [re, to] of SWAPS) text = text.replace(re, to);
  return { ...first, text, verdictLogprobs: { A: -1.8, B: -0.2 } };
}

/**
 * Where each pairwise template puts the two shown answers: the text before the first, between
 * them, and (one of) what follows the second. Multi-turn prompts are not read.
 */
const LAYOUTS: { open: string; middle: string; close: string[] }[] = [
  {
    open: '[Answer A]\n',
    middle: '\n\n[Answer B]\n',
    close: ['\n\nWhich answer is better?'],
  },
  {
    open: "[The Start of Assistant A's Answer]\n",
    middle: "\n[The End of Assistant A's Answer]\n\n[The Start of Assistant B's Answer]\n",
    close: ["\n[The End of Assistant B's Answer]"],
  },
  {
    open: "<|The Start of Assistant A's Answer|>\n",
    middle: "\n<|The End of Assistant A's Answer|>\n\n<|The Start of Assistant B's Answer|>\n",
    close: ["\n<|The End of Assistant B's Answer|>"],
  },
  { open: '[Response 1]: ', middle: '\n***\n[Response 2]: ', close: ['\n***\n[END DATA]'] },
  { open: '###Response A:\n', middle: '\n\n###Response B:\n', close: ['\n\n###'] },
  {
    open: 'Answer A:\n',
    middle: '\n\nAnswer B:\n',
    close: ['\n\nWhich answer is better?', '\n\nReply with only a JSON object'],
  },
];

/** The two answers as the request shows them (first, second), or null when no layout matches. */
export function shownAnswers(req: GenerateRequest): { first: string; second: string } | null {
  const user = req.messages.map((m) => m.content).join('\n');
  for (const { open, middle, close } of LAYOUTS) {
    const start = user.indexOf(open);
    if (start < 0) continue;
    const from = start + open.length;
    const mid = user.indexOf(middle, from);
    if (mid < 0) continue;
    const secondFrom = mid + middle.length;
    const ends = close.map((c) => user.indexOf(c, secondFrom)).filter((i) => i >= 0);
    if (ends.length === 0) continue;
    return { first: user.slice(from, mid), second: user.slice(secondFrom, Math.min(...ends)) };
  }
  return null;
}

function markerPosition(req: GenerateRequest): 'first' | 'second' | null {
  const user = req.messages.map((m) => m.content).join('\n');
  const good = user.indexOf('✔');
  const bad = user.indexOf('✘');
  if (good < 0 || bad < 0) return null;
  return bad < good ? 'second' : 'first';
}

/** A hash of the text, so the `good` judge's choice on unknown pairs ignores their order. */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Which shown position the judge of `kind` prefers for this request. */
export function preferredPosition(kind: TestJudgeKind, req: GenerateRequest): 'first' | 'second' {
  if (kind === 'first') return 'first';
  if (kind === 'markers') return markerPosition(req) ?? 'first';
  const shown = shownAnswers(req);
  if (kind === 'longer') {
    if (!shown) return 'first';
    return shown.second.length > shown.first.length ? 'second' : 'first';
  }
  const byMarker = markerPosition(req);
  if (byMarker) return byMarker;
  if (!shown) return 'first';
  const example = EXAMPLES.find(
    (e) =>
      (e.responseA === shown.first && e.responseB === shown.second) ||
      (e.responseA === shown.second && e.responseB === shown.first),
  );
  if (example) {
    const better = example.label === 'A' ? example.responseA : example.responseB;
    return shown.first === better ? 'first' : 'second';
  }
  return hash(shown.first) <= hash(shown.second) ? 'first' : 'second';
}

/** The test judge's scripted answer for `kind`, in whatever format the prompt asks for. */
export function testJudgeAnswer(
  kind: TestJudgeKind,
  req: GenerateRequest,
  thinking: boolean,
): ScriptedResponse {
  const first = firstPositionAnswer(req, thinking);
  return preferredPosition(kind, req) === 'first' ? first : toSecondPosition(first);
}
