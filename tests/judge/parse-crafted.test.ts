// Tricky crafted outputs: echoed instructions, conflicts, thinking, JSON, Chinese, truncation.
import { describe, expect, it } from 'vitest';
import {
  parseVerdict,
  type ParseStatus,
  type Verdict,
  type VerdictFormat,
} from '../../src/lib/judge';

interface Case {
  name: string;
  format: VerdictFormat;
  text: string;
  status: ParseStatus;
  verdict?: Verdict | null;
  score?: number;
  strength?: 1 | 2;
  /** The text the span must cover. */
  marker?: string;
  range?: [number, number];
}

const MT_ECHO =
  'Output your final verdict by strictly following this format: "[[A]]" if assistant A is better, "[[B]]" if assistant B is better, and "[[C]]" for a tie.';

const cases: Case[] = [
  // Exact forms.
  {
    name: 'mt-bench A',
    format: 'mt-bench-pair',
    text: 'A is clearer.\n\n[[A]]',
    status: 'ok',
    verdict: 'A',
    marker: '[[A]]',
  },
  {
    name: 'mt-bench tie',
    format: 'mt-bench-pair',
    text: 'Both fine. [[C]]',
    status: 'ok',
    verdict: 'tie',
  },
  {
    name: 'arena strong B',
    format: 'arena-hard',
    text: 'My final verdict is: [[B>>A]]',
    status: 'ok',
    verdict: 'B',
    strength: 2,
  },
  {
    name: 'arena slight A',
    format: 'arena-hard',
    text: 'My final verdict is: [[A>B]]',
    status: 'ok',
    verdict: 'A',
    strength: 1,
  },
  {
    name: 'arena tie',
    format: 'arena-hard',
    text: 'My final verdict is tie: [[A=B]]',
    status: 'ok',
    verdict: 'tie',
  },
  {
    name: 'j1 answer tag',
    format: 'j1-pair',
    text: '<think>B errs.</think>\n<answer>[[A]]</answer>',
    status: 'ok',
    verdict: 'A',
    marker: '<answer>[[A]]</answer>',
  },
  {
    name: 'j1 score',
    format: 'j1-score',
    text: '<think>fine</think><score>7</score>',
    status: 'ok',
    score: 7,
    range: [1, 10],
  },
  {
    name: 'auto-j tie',
    format: 'auto-j-pair',
    text: 'Both cover it.\n\nSo, the final decision is Tie.',
    status: 'ok',
    verdict: 'tie',
  },
  {
    name: 'auto-j response 2',
    format: 'auto-j-pair',
    text: 'So, the final decision is Response 2',
    status: 'ok',
    verdict: 'B',
  },
  {
    name: 'prometheus abs',
    format: 'prometheus-absolute',
    text: 'Feedback: solid. [RESULT] 4',
    status: 'ok',
    score: 4,
    range: [1, 5],
  },
  {
    name: 'prometheus rel',
    format: 'prometheus-relative',
    text: 'Feedback: B is precise. [RESULT] B',
    status: 'ok',
    verdict: 'B',
  },
  {
    name: 'additive',
    format: 'additive-score',
    text: 'Relevant and complete.\nScore: 4',
    status: 'ok',
    score: 4,
    range: [0, 5],
  },
  {
    name: 'meta winner',
    format: 'meta-winner',
    text: 'Judgement B is lenient.\nWinner: Judgement A',
    status: 'ok',
    verdict: 'A',
  },
  { name: 'letter', format: 'letter', text: 'B', status: 'ok', verdict: 'B' },
  {
    name: 'letter with space',
    format: 'letter',
    text: ' A',
    status: 'ok',
    verdict: 'A',
    marker: ' A',
  },
  // Tolerated variants.
  {
    name: 'lower case',
    format: 'mt-bench-pair',
    text: 'Final verdict: [[b]]',
    status: 'repaired',
    verdict: 'B',
  },
  {
    name: 'spacing',
    format: 'mt-bench-pair',
    text: 'Final verdict: [[ A ]]',
    status: 'repaired',
    verdict: 'A',
  },
  {
    name: 'single brackets',
    format: 'mt-bench-pair',
    text: 'Final verdict: [B]',
    status: 'repaired',
    verdict: 'B',
  },
  {
    name: 'Rating: 7',
    format: 'rating',
    text: 'Good overall.\nRating: 7',
    status: 'repaired',
    score: 7,
    range: [1, 10],
  },
  {
    name: 'Rating: 7/10',
    format: 'rating',
    text: 'Rating: 7/10',
    status: 'repaired',
    score: 7,
    range: [1, 10],
  },
  {
    name: 'Chinese',
    format: 'rating',
    text: '回答准确，但不够详细。\n评分: [[6]]',
    status: 'repaired',
    score: 6,
    range: [1, 10],
    marker: '评分: [[6]]',
  },
  {
    name: 'arena single brackets',
    format: 'arena-hard',
    text: 'verdict: [b>>a]',
    status: 'repaired',
    verdict: 'B',
    strength: 2,
  },
  {
    name: 'j1 bare brackets',
    format: 'j1-pair',
    text: 'So the answer is [[B]]',
    status: 'repaired',
    verdict: 'B',
  },
  {
    name: 'letter then text',
    format: 'letter',
    text: 'A. It is more accurate.',
    status: 'repaired',
    verdict: 'A',
  },
  // JSON, fenced or bare.
  {
    name: 'fenced JSON',
    format: 'mt-bench-pair',
    text: 'Here:\n```json\n{"reasoning": "B is right", "verdict": "B"}\n```',
    status: 'ok',
    verdict: 'B',
    marker: '"B"',
  },
  {
    name: 'JSON beats prose markers inside it',
    format: 'mt-bench-pair',
    text: '{"reasoning": "I first thought [[A]]", "verdict": "B"}',
    status: 'ok',
    verdict: 'B',
  },
  {
    name: 'JSON score',
    format: 'rating',
    text: '```\n{"score": 9}\n```',
    status: 'ok',
    score: 9,
    range: [1, 10],
  },
  {
    name: 'JSON graded',
    format: 'arena-hard',
    text: '{"verdict": "A>>B"}',
    status: 'ok',
    verdict: 'A',
    strength: 2,
  },
  // Thinking.
  {
    name: 'verdict inside thinking ignored',
    format: 'mt-bench-pair',
    text: '<think>Maybe [[A]]? No.</think>\nB is correct. [[B]]',
    status: 'ok',
    verdict: 'B',
  },
  {
    name: 'only the closing tag (Qwen3)',
    format: 'mt-bench-pair',
    text: 'Hmm [[A]] perhaps\n</think>\n\n[[B]]',
    status: 'ok',
    verdict: 'B',
  },
  {
    name: 'stopped while thinking',
    format: 'mt-bench-pair',
    text: '<think>A looks right, so [[A]]',
    status: 'failed',
    verdict: null,
  },
  {
    name: 'thinking then nothing',
    format: 'j1-pair',
    text: '<think>long thought</think>',
    status: 'failed',
    verdict: null,
  },
  // Echoed instructions.
  {
    name: 'echoed MT-Bench format only',
    format: 'mt-bench-pair',
    text: `Sure. ${MT_ECHO}`,
    status: 'failed',
    verdict: null,
  },
  {
    name: 'echo then real verdict',
    format: 'mt-bench-pair',
    text: `${MT_ECHO}\nB is better.\n[[B]]`,
    status: 'ok',
    verdict: 'B',
  },
  {
    name: 'echoed arena menu',
    format: 'arena-hard',
    text: '1. Assistant A is significantly better: [[A>>B]]\n2. Assistant A is slightly better: [[A>B]]\n3. Tie: [[A=B]]\n4. Assistant B is slightly better: [[B>A]]\n5. Assistant B is significantly better: [[B>>A]]',
    status: 'failed',
    verdict: null,
  },
  {
    name: 'echoed arena example',
    format: 'arena-hard',
    text: 'Example output: "My final verdict is tie: [[A=B]]".',
    status: 'failed',
    verdict: null,
  },
  {
    name: 'echoed auto-j options',
    format: 'auto-j-pair',
    text: 'Begin with "So, the final decision is Response 1 / Response 2 / Tie".',
    status: 'failed',
    verdict: null,
  },
  {
    name: 'echoed rating example',
    format: 'rating',
    text: 'strictly in this form: "[[rating]]", for example: "Rating: [[5]]".',
    status: 'failed',
    verdict: null,
    range: [1, 10],
  },
  {
    name: 'a or b list',
    format: 'j1-pair',
    text: 'Reply <answer>[[A]]</answer> or <answer>[[B]]</answer>',
    status: 'failed',
    verdict: null,
  },
  // Conflicts.
  {
    name: 'two markers, last wins',
    format: 'mt-bench-pair',
    text: 'At first [[A]].\nOn reflection A has an error.\n\nFinal verdict: [[B]]',
    status: 'repaired',
    verdict: 'B',
    marker: '[[B]]',
  },
  {
    name: 'opening verdict line wins a contradiction',
    format: 'llmbar',
    text: 'Output (a) is better.\n\nWhy...\n\nOutput (b) is better.\n\nWhy...',
    status: 'repaired',
    verdict: 'A',
  },
  {
    name: 'exact form beats variant',
    format: 'j1-pair',
    text: '[[A]] maybe.\n<answer>[[B]]</answer>',
    status: 'ok',
    verdict: 'B',
  },
  // Failures, never ties.
  { name: 'empty', format: 'mt-bench-pair', text: '', status: 'failed', verdict: null },
  { name: 'error text', format: 'mt-bench-pair', text: '$ERROR$', status: 'failed', verdict: null },
  {
    name: 'equally good, no marker',
    format: 'llmbar',
    text: 'Both Output (a) and Output (b) are equally good.',
    status: 'failed',
    verdict: null,
  },
  {
    name: 'truncated before verdict',
    format: 'llmbar',
    text: 'Therefore, Output (b)',
    status: 'failed',
    verdict: null,
  },
  {
    name: 'score out of range',
    format: 'rating',
    text: 'Rating: [[11]]',
    status: 'failed',
    verdict: null,
    range: [1, 10],
  },
  {
    name: 'malformed graded',
    format: 'arena-hard',
    text: '[[A>>A]]',
    status: 'failed',
    verdict: null,
  },
  {
    name: 'lowercase letter prose',
    format: 'letter',
    text: 'a bit of both',
    status: 'failed',
    verdict: null,
  },
];

describe('parseVerdict on crafted cases', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = parseVerdict(c.text, c.format, c.range ? { scoreRange: c.range } : {});
    expect(r.status).toBe(c.status);
    if (c.verdict !== undefined) expect(r.verdict).toBe(c.verdict);
    if (c.score !== undefined) expect(r.score).toBe(c.score);
    if (c.strength !== undefined) expect(r.strength).toBe(c.strength);
    if (c.status === 'failed') {
      expect(r.span).toBeNull();
      expect(r.reason).toBeTruthy();
    } else {
      expect(r.span).not.toBeNull();
      if (c.marker && r.span) expect(c.text.slice(...r.span)).toBe(c.marker);
    }
    if (c.status === 'repaired') expect(r.reason).toBeTruthy();
  });
});
