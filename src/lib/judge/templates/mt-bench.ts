// MT-Bench templates: pairwise [[A]]/[[B]]/[[C]] and single "Rating: [[n]]", each with a reference-guided variant.
import { defineTemplate, LETTER_TOKENS, type View } from './common';
import {
  pairMultiTurnSystem,
  pairMultiTurnUser,
  singleMultiTurnSystem,
  singleMultiTurnUser,
} from './mt-bench-multi-turn';

// A multi-turn item (two or more turns) is judged as FastChat judges MT-Bench's second turn: the
// judge sees the whole conversation, with the reference-guided prompt when the turns have
// reference answers (FastChat's maths, reasoning and coding questions).
const PAIR_MULTI_TURN = { system: pairMultiTurnSystem, user: pairMultiTurnUser };
const SINGLE_MULTI_TURN = { system: singleMultiTurnSystem, user: singleMultiTurnUser };

const NEUTRAL =
  'Avoid position bias: the order in which the answers appear must not influence you. Do not let ' +
  'the length of an answer or the name of an assistant influence you. Be as objective as you can.';

function pairSystem(v: View, withReference: boolean): string {
  const task = withReference
    ? "You will be given a reference answer, assistant A's answer and assistant B's answer. Your job is to judge which assistant's answer is better. Begin by comparing both answers with the reference answer; identify and correct any mistakes."
    : "Choose the assistant that follows the user's instructions and answers the question better, considering helpfulness, relevance, accuracy, depth, creativity and level of detail. Begin by comparing the two answers and give a short explanation.";
  const verdict = v.json
    ? `After your explanation, give your verdict. ${v.json}`
    : v.allowTie
      ? 'After your explanation, give your final verdict strictly in this format: "[[A]]" if assistant A is better, "[[B]]" if assistant B is better, and "[[C]]" for a tie.'
      : 'After your explanation, give your final verdict strictly in this format: "[[A]]" if assistant A is better, "[[B]]" if assistant B is better.';
  return `Act as an impartial judge and evaluate the quality of the answers two AI assistants gave to the user question below. ${task} ${NEUTRAL} ${verdict}`;
}

function pairUser(v: View): string {
  const ref =
    v.reference === null
      ? ''
      : `[The Start of Reference Answer]\n${v.reference}\n[The End of Reference Answer]\n\n`;
  return (
    `[User Question]\n${v.prompt}\n\n${ref}` +
    `[The Start of Assistant A's Answer]\n${v.first}\n[The End of Assistant A's Answer]\n\n` +
    `[The Start of Assistant B's Answer]\n${v.second}\n[The End of Assistant B's Answer]`
  );
}

function singleSystem(v: View, withReference: boolean): string {
  const task = withReference
    ? "Your evaluation should consider correctness and helpfulness. You will be given a reference answer and the assistant's answer. Begin by comparing the assistant's answer with the reference answer; identify and correct any mistakes."
    : 'Your evaluation should consider helpfulness, relevance, accuracy, depth, creativity and level of detail. Begin with a short explanation.';
  const verdict = v.json
    ? `After your explanation, give your rating. ${v.json}`
    : 'After your explanation, rate the answer from 1 to 10 strictly in this format: "[[rating]]", for example: "Rating: [[5]]".';
  return `Act as an impartial judge and evaluate the quality of the answer an AI assistant gave to the user question below. ${task} Be as objective as you can. ${verdict}`;
}

function singleUser(v: View): string {
  const ref =
    v.reference === null
      ? ''
      : `[The Start of Reference Answer]\n${v.reference}\n[The End of Reference Answer]\n\n`;
  return `[Question]\n${v.prompt}\n\n${ref}[The Start of Assistant's Answer]\n${v.answer}\n[The End of Assistant's Answer]`;
}

export const mtBenchPair = defineTemplate({
  id: 'mt-bench-pair',
  version: 1,
  family: 'mt-bench',
  kind: 'pairwise',
  label: 'MT-Bench pairwise',
  description: 'Explains, then picks [[A]], [[B]] or [[C]] for a tie; the MT-Bench judge format.',
  allowsTie: true,
  format: 'mt-bench-pair',
  verdictTokens: LETTER_TOKENS,
  system: (v) => pairSystem(v, false),
  user: pairUser,
  multiTurn: PAIR_MULTI_TURN,
});

export const mtBenchPairReference = defineTemplate({
  id: 'mt-bench-pair-reference',
  version: 1,
  family: 'mt-bench',
  kind: 'pairwise',
  label: 'MT-Bench pairwise, with reference',
  description: 'MT-Bench pairwise guided by your reference answer (for maths, code, facts).',
  allowsTie: true,
  needsReference: true,
  format: 'mt-bench-pair',
  verdictTokens: LETTER_TOKENS,
  system: (v) => pairSystem(v, true),
  user: pairUser,
  multiTurn: PAIR_MULTI_TURN,
});

export const mtBenchSingle = defineTemplate({
  id: 'mt-bench-single',
  version: 1,
  family: 'mt-bench',
  kind: 'single',
  label: 'MT-Bench score',
  description: 'Explains, then rates one answer 1-10 as "Rating: [[n]]"; the MT-Bench format.',
  allowsTie: false,
  scoreRange: [1, 10],
  format: 'rating',
  system: (v) => singleSystem(v, false),
  user: singleUser,
  multiTurn: SINGLE_MULTI_TURN,
});

export const mtBenchSingleReference = defineTemplate({
  id: 'mt-bench-single-reference',
  version: 1,
  family: 'mt-bench',
  kind: 'single',
  label: 'MT-Bench score, with reference',
  description: 'MT-Bench 1-10 rating checked against your reference answer.',
  allowsTie: false,
  needsReference: true,
  scoreRange: [1, 10],
  format: 'rating',
  system: (v) => singleSystem(v, true),
  user: singleUser,
  multiTurn: SINGLE_MULTI_TURN,
});
