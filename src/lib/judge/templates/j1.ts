// J1-style templates: reasoning in <think>…</think>, verdict <answer>[[A]]</answer>, pointwise <score>.
import { defineTemplate, LETTER_TOKENS, orList, type View } from './common';

const SYSTEM =
  'You are an impartial judge of AI answers. Decide on substance: correctness, helpfulness and ' +
  'following the instructions. Neither the order in which answers appear nor their length is a reason ' +
  'to prefer one.';

/** With a thinking model its own thinking serves; otherwise the template asks for <think>. */
function thinkLine(v: View, what: string): string {
  return v.thinkingModel
    ? `Think it through, then give ${what}.`
    : `First reason step by step inside <think> and </think>: what the prompt asks, what each ` +
        `answer gets right or wrong, and what matters most. Then give ${what}.`;
}

function referenceBlock(v: View): string {
  return v.reference === null ? '' : `[Reference answer]\n${v.reference}\n\n`;
}

function pairUser(v: View): string {
  const options = ['<answer>[[A]]</answer>', '<answer>[[B]]</answer>'];
  if (v.allowTie) options.push('<answer>[[C]]</answer>');
  const verdict = v.json
    ? `your verdict. ${v.json}`
    : `your verdict as ${orList(options)}${v.allowTie ? ' (C means a tie)' : ''}, with nothing after it`;
  const ref =
    v.reference === null
      ? ''
      : ' Check each answer against the reference answer before you compare.';
  return (
    `[User prompt]\n${v.prompt}\n\n${referenceBlock(v)}[Answer A]\n${v.first}\n\n[Answer B]\n${v.second}\n\n` +
    `Which answer is better?${ref} ${thinkLine(v, verdict)}`
  );
}

export const j1Pairwise = defineTemplate({
  id: 'j1-pairwise',
  version: 1,
  family: 'j1',
  kind: 'pairwise',
  label: 'J1 pairwise',
  description:
    'Thinks first, then picks the better answer as <answer>[[A]]</answer>; the J1 format.',
  allowsTie: true,
  format: 'j1-pair',
  verdictTokens: LETTER_TOKENS,
  system: () => SYSTEM,
  user: pairUser,
});

export const j1PairwiseReference = defineTemplate({
  id: 'j1-pairwise-reference',
  version: 1,
  family: 'j1',
  kind: 'pairwise',
  label: 'J1 pairwise, with reference',
  description: 'J1 pairwise, checking both answers against your reference answer first.',
  allowsTie: true,
  needsReference: true,
  format: 'j1-pair',
  verdictTokens: LETTER_TOKENS,
  system: () => SYSTEM,
  user: pairUser,
});

export const j1Single = defineTemplate({
  id: 'j1-single',
  version: 1,
  family: 'j1',
  kind: 'single',
  label: 'J1 score',
  description: 'Thinks first, then scores one answer from 1 to 10 as <score>n</score>.',
  allowsTie: false,
  acceptsReference: true,
  scoreRange: [1, 10],
  format: 'j1-score',
  system: () => SYSTEM,
  user: (v) => {
    const what = v.json
      ? `the score. ${v.json}`
      : 'a score from 1 to 10 as <score>n</score>, with nothing after it';
    const ref = v.reference === null ? '' : ' Compare it with the reference answer.';
    return (
      `[User prompt]\n${v.prompt}\n\n${referenceBlock(v)}[Answer]\n${v.answer}\n\n` +
      `How good is this answer?${ref} ${thinkLine(v, what)}`
    );
  },
});
