// The verdict-grammar cases both grammar tests share: each format's valid and invalid verdicts, and reasoning before them.
import type { VerdictFormat } from '../../src/lib/judge/parse-formats';
import type { VerdictGrammarShape } from '../../src/lib/judge/verdict-grammar';

export interface Case {
  format: VerdictFormat;
  shape: VerdictGrammarShape;
  /** Every verdict the protocol allows, as the template asks for it. */
  valid: string[];
  /** Verdicts the grammar must refuse (wrong form, out of range, tie when ties are off). */
  invalid: string[];
  /** Reasoning the protocol's models write before the verdict. */
  reasoning: string;
}

const range = (lo: number, hi: number) =>
  Array.from({ length: hi - lo + 1 }, (_, k) => String(lo + k));

export const CASES: Case[] = [
  {
    format: 'mt-bench-pair',
    shape: { allowTie: true },
    valid: ['[[A]]', '[[B]]', '[[C]]'],
    invalid: ['[[D]]', '[A]', '[[a]]', 'A'],
    reasoning: 'Assistant A is correct, while B makes an error.\n\n',
  },
  {
    format: 'mt-bench-pair',
    shape: { allowTie: false },
    valid: ['[[A]]', '[[B]]'],
    invalid: ['[[C]]'],
    reasoning: 'A is better. ',
  },
  {
    format: 'j1-pair',
    shape: { allowTie: true },
    valid: ['<answer>[[A]]</answer>', '<answer>[[B]]</answer>', '<answer>[[C]]</answer>'],
    invalid: ['[[A]]', '<answer>A</answer>', '<answer>[[A]]', '<answer>[[D]]</answer>'],
    reasoning: '<think>Answer A gives 100 C; B is wrong [see above].</think>\n',
  },
  {
    format: 'j1-score',
    shape: { allowTie: false, scoreRange: [1, 10] },
    valid: range(1, 10).map((n) => `<score>${n}</score>`),
    invalid: ['<score>0</score>', '<score>11</score>', '<score>7.5</score>', 'Score: 7'],
    reasoning: '<think>The answer is right but terse.</think> ',
  },
  {
    format: 'rating',
    shape: { allowTie: false, scoreRange: [1, 10] },
    valid: range(1, 10).map((n) => `Rating: [[${n}]]`),
    invalid: ['Rating: [[0]]', 'Rating: [[11]]', '[[5]]', 'Rating: 5'],
    reasoning: 'The answer is helpful and accurate.\n\n',
  },
  {
    format: 'arena-hard',
    shape: { allowTie: true },
    valid: ['[[A>>B]]', '[[A>B]]', '[[A=B]]', '[[B>A]]', '[[B>>A]]'],
    invalid: ['[[A>>>B]]', '[[A]]', '[A>B]', '[[a>b]]'],
    reasoning: 'My own answer: 4.\n\nAssistant A matches it. My final verdict is ',
  },
  {
    format: 'arena-hard',
    shape: { allowTie: false },
    valid: ['[[A>>B]]', '[[A>B]]', '[[B>A]]', '[[B>>A]]'],
    invalid: ['[[A=B]]'],
    reasoning: 'Verdict: ',
  },
  {
    format: 'auto-j-pair',
    shape: { allowTie: true },
    valid: [
      'the final decision is Response 1',
      'the final decision is Response 2',
      'the final decision is Tie',
    ],
    invalid: ['the final decision is Response 3', 'the final decision is response 1', 'Tie'],
    reasoning: '1. Key factors: accuracy.\n2. Response 1 is accurate [1]. So, ',
  },
  {
    format: 'auto-j-pair',
    shape: { allowTie: false },
    valid: ['the final decision is Response 1', 'the final decision is Response 2'],
    invalid: ['the final decision is Tie'],
    reasoning: 'So, ',
  },
  {
    format: 'prometheus-absolute',
    shape: { allowTie: false, scoreRange: [1, 5] },
    valid: range(1, 5).map((n) => `[RESULT] ${n}`),
    invalid: ['[RESULT] 0', '[RESULT] 6', 'RESULT 3', '[RESULT]3'],
    reasoning: 'Feedback: the answer meets most criteria. ',
  },
  {
    format: 'prometheus-relative',
    shape: { allowTie: false },
    valid: ['[RESULT] A', '[RESULT] B'],
    invalid: ['[RESULT] C', '[RESULT] (A)'],
    reasoning: 'Feedback: A follows the rubric more closely. ',
  },
  {
    format: 'additive-score',
    shape: { allowTie: false, scoreRange: [0, 5] },
    valid: range(0, 5).map((n) => `Score: ${n}`),
    invalid: ['Score: 6', 'score: 3', 'Score:3'],
    reasoning: 'The answer is relevant (+1) and addresses most of it (+1) [x].\n',
  },
  {
    format: 'meta-winner',
    shape: { allowTie: false },
    valid: ['Winner: Judgement A', 'Winner: Judgement B'],
    invalid: ['Winner: Judgement C', 'Winner: A', 'Winner: Judgment A'],
    reasoning: 'Judgement A applies the rubric correctly.\n',
  },
  {
    format: 'llmbar',
    shape: { allowTie: false },
    valid: ['Output (a)', 'Output (b)'],
    invalid: ['Output (c)', 'Output a'],
    reasoning: '',
  },
];
