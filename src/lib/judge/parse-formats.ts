// The verdict formats Arbiter reads: each a list of regexes, exact forms first, tolerated variants after.
import type { Verdict } from './types';
import { readGraded } from './parse-text';

export type VerdictFormat =
  | 'mt-bench-pair'
  | 'j1-pair'
  | 'j1-score'
  | 'rating'
  | 'arena-hard'
  | 'auto-j-pair'
  | 'prometheus-absolute'
  | 'prometheus-relative'
  | 'additive-score'
  | 'meta-winner'
  | 'letter'
  | 'llmbar';

export interface Reading {
  verdict: Verdict | null;
  strength?: 1 | 2;
  score?: number;
}

export interface Pattern {
  re: RegExp;
  /** 0 = the exact form the template asks for; 2 = a tolerated variant (status 'repaired'). */
  tier: 0 | 2;
  note: string;
  read(m: RegExpExecArray): Reading | null;
}

/** Whether the format yields a score rather than a pairwise verdict. */
export const SCORE_FORMATS: ReadonlySet<VerdictFormat> = new Set([
  'j1-score',
  'rating',
  'prometheus-absolute',
  'additive-score',
]);

const NUM = String.raw`(\d+(?:\.\d+)?)`;

function letter(c: string | undefined): Reading | null {
  if (!c) return null;
  const u = c.toUpperCase();
  if (u === 'A') return { verdict: 'A' };
  if (u === 'B') return { verdict: 'B' };
  if (u === 'C' || u === 'TIE') return { verdict: 'tie' };
  return null;
}

function score(c: string | undefined): Reading | null {
  if (c === undefined) return null;
  const n = Number(c);
  return Number.isFinite(n) ? { verdict: null, score: n } : null;
}

const p = (re: RegExp, tier: 0 | 2, note: string, read: Pattern['read']): Pattern => ({
  re,
  tier,
  note,
  read,
});

const bracketVariants: Pattern[] = [
  p(/\[\[\s*([abc]|tie)\s*\]\]/gi, 2, 'case or spacing inside [[…]]', (m) => letter(m[1])),
  p(/(?<!\[)\[\s*([ABC]|Tie)\s*\](?!\])/g, 2, 'single brackets', (m) => letter(m[1])),
];

const gradedRe = (open: string, close: string, flags: string) =>
  new RegExp(`${open}\\s*([AB])\\s*(>>|>|=)\\s*([AB])\\s*${close}`, flags);

const ratingVariants: Pattern[] = [
  p(new RegExp(String.raw`\[\[\s*${NUM}\s*\]\]`, 'g'), 2, 'bare [[n]]', (m) => score(m[1])),
  p(
    new RegExp(String.raw`(?:rating|评分|得分|分数)\s*[:：]\s*\[{0,2}\s*${NUM}\s*\]{0,2}`, 'gi'),
    2,
    'rating without double brackets, or Chinese label',
    (m) => score(m[1]),
  ),
  p(new RegExp(String.raw`(?<!\[)\[\s*${NUM}\s*\](?!\])`, 'g'), 2, 'single brackets', (m) =>
    score(m[1]),
  ),
];

export const FORMATS: Record<VerdictFormat, Pattern[]> = {
  'mt-bench-pair': [p(/\[\[([ABC])\]\]/g, 0, '', (m) => letter(m[1])), ...bracketVariants],
  'j1-pair': [
    p(/<answer>\s*\[\[([ABC])\]\]\s*<\/answer>/g, 0, '', (m) => letter(m[1])),
    p(
      /<answer>\s*\[{0,2}\s*([abc]|tie)\s*\]{0,2}\s*<\/answer>/gi,
      2,
      'answer tag without [[…]]',
      (m) => letter(m[1]),
    ),
    p(/\[\[([ABC])\]\]/g, 2, '[[…]] without the answer tag', (m) => letter(m[1])),
    ...bracketVariants,
  ],
  'j1-score': [
    p(new RegExp(String.raw`<score>\s*${NUM}\s*</score>`, 'g'), 0, '', (m) => score(m[1])),
    p(new RegExp(String.raw`<score>\s*${NUM}`, 'gi'), 2, 'unclosed score tag', (m) => score(m[1])),
    p(new RegExp(String.raw`\bscore\s*[:：]\s*${NUM}`, 'gi'), 2, 'Score: n', (m) => score(m[1])),
  ],
  rating: [
    p(new RegExp(String.raw`Rating:\s*\[\[${NUM}\]\]`, 'g'), 0, '', (m) => score(m[1])),
    ...ratingVariants,
  ],
  'arena-hard': [
    p(gradedRe(String.raw`\[\[`, String.raw`\]\]`, 'g'), 0, '', (m) =>
      m[1] && m[2] && m[3] ? readGraded(m[1], m[2], m[3]) : null,
    ),
    p(gradedRe(String.raw`\[\[`, String.raw`\]\]`, 'gi'), 2, 'lower case', (m) =>
      m[1] && m[2] && m[3] ? readGraded(m[1], m[2], m[3]) : null,
    ),
    p(gradedRe(String.raw`(?<!\[)\[`, String.raw`\](?!\])`, 'gi'), 2, 'single brackets', (m) =>
      m[1] && m[2] && m[3] ? readGraded(m[1], m[2], m[3]) : null,
    ),
  ],
  'auto-j-pair': [
    p(/the final decision is (Response 1|Response 2|Tie)\b/g, 0, '', (m) => {
      const s = m[1] ?? '';
      return { verdict: s === 'Tie' ? 'tie' : s.endsWith('1') ? 'A' : 'B' };
    }),
    p(
      /final (?:decision|verdict)\s*(?:is|:)?\s*[*"'“:]*\s*(response\s*[12]|tie)\b/gi,
      2,
      'loose wording around the final decision',
      (m) => {
        const s = (m[1] ?? '').toLowerCase();
        return { verdict: s === 'tie' ? 'tie' : s.endsWith('1') ? 'A' : 'B' };
      },
    ),
  ],
  'prometheus-absolute': [
    p(/\[RESULT\]\s*(\d+)/g, 0, '', (m) => score(m[1])),
    p(/\[?RESULT\]?\s*[:：]?\s*\(?(\d+)\)?/gi, 2, 'RESULT without brackets', (m) => score(m[1])),
    p(/\b(?:score|rating)\s*[:：]\s*(\d+)/gi, 2, 'Score: n', (m) => score(m[1])),
  ],
  'prometheus-relative': [
    p(/\[RESULT\]\s*\(?([AB])\)?(?![A-Za-z])/g, 0, '', (m) => letter(m[1])),
    p(
      /\[?RESULT\]?\s*[:：]?\s*(?:response\s*)?\(?([ab])\)?(?![A-Za-z])/gi,
      2,
      'loose RESULT',
      (m) => letter(m[1]),
    ),
  ],
  'additive-score': [
    p(/Score:\s*(\d+)/g, 0, '', (m) => score(m[1])),
    p(/\bscore\s*[:：=]\s*\**\s*(\d+)/gi, 2, 'score label in other case', (m) => score(m[1])),
  ],
  'meta-winner': [
    p(/Winner:\s*Judgement ([AB])\b/g, 0, '', (m) => letter(m[1])),
    p(
      /winner\s*[:：]?\s*\**\s*(?:judge?ment\s*)?\(?([ab])\)?(?![A-Za-z])/gi,
      2,
      'loose Winner line',
      (m) => letter(m[1]),
    ),
  ],
  letter: [
    p(/^\s*([ABC])\s*[.!]?\s*$/g, 0, '', (m) => letter(m[1])),
    p(/^\s*\(?([ABC])\)?(?=[\s.:,)]|$)/g, 2, 'letter followed by more text', (m) => letter(m[1])),
    p(/\b(?:answer|verdict)\s*(?:is|:)\s*\(?([ABC])\)?(?![A-Za-z])/gi, 2, 'Answer: X', (m) =>
      letter(m[1]),
    ),
    p(/\[\[([ABC])\]\]/g, 2, '[[X]]', (m) => letter(m[1])),
  ],
  llmbar: [
    p(/^\s*Output \(([ab])\)\s*\.?\s*$/g, 0, '', (m) => letter(m[1])),
    p(/Output \(([ab])\) is better/g, 0, '', (m) => letter(m[1])),
    p(/Output\s*\(?([ab])\)?\s+is\s+(?:the\s+)?better/gi, 2, 'loose "Output (x) is better"', (m) =>
      letter(m[1]),
    ),
  ],
};
