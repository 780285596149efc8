// Prometheus rubric templates: absolute (`[RESULT] n`, 1-5 with score descriptions) and relative (`[RESULT] A`).
import { defineTemplate, rubricLines, type View } from './common';

const SYSTEM =
  'You are a fair judge assistant who writes clear feedback based on a given score rubric.';

function referenceSection(v: View, heading: string): string {
  return v.reference === null ? '' : `###${heading}:\n${v.reference}\n\n`;
}

export const prometheusAbsolute = defineTemplate({
  id: 'prometheus-absolute',
  version: 1,
  family: 'prometheus',
  kind: 'single',
  label: 'Rubric score (Prometheus)',
  description:
    'Scores one answer 1-5 against your own rubric and score descriptions; Prometheus style.',
  allowsTie: false,
  acceptsReference: true,
  needsRubric: true,
  scoreRange: [1, 5],
  format: 'prometheus-absolute',
  system: () => SYSTEM,
  user: (v) => {
    const refNote = v.reference === null ? '' : ', a reference answer that would score 5';
    const form = v.json
      ? v.json
      : 'The output should look like this: "Feedback: (feedback on the criteria) [RESULT] (an integer from 1 to 5)"';
    return (
      `###Task Description:\nAn instruction, an answer to evaluate${refNote} and a score rubric with the evaluation criteria are given.\n` +
      `1. Write detailed feedback on the answer strictly according to the score rubric, not on general quality.\n` +
      `2. After the feedback, give a score: an integer from 1 to 5, chosen by the rubric.\n` +
      `3. ${form}\n4. Write no other opening, closing or explanation.\n\n` +
      `###The instruction to evaluate:\n${v.prompt}\n\n###Response to evaluate:\n${v.answer}\n\n` +
      `${referenceSection(v, 'Reference Answer (Score 5)')}` +
      `###Score Rubrics:\n[${v.rubric?.criteria ?? ''}]\n${rubricLines(v.rubric)}\n\n###Feedback: `
    );
  },
});

export const prometheusRelative = defineTemplate({
  id: 'prometheus-relative',
  version: 1,
  family: 'prometheus',
  kind: 'pairwise',
  label: 'Rubric comparison (Prometheus)',
  description:
    'Compares two answers on your own criteria and picks A or B; Prometheus relative style.',
  allowsTie: false,
  acceptsReference: true,
  needsRubric: true,
  format: 'prometheus-relative',
  verdictTokens: { A: 'A', B: 'B' },
  system: () => SYSTEM,
  user: (v) => {
    const refNote = v.reference === null ? '' : ', a reference answer';
    const form = v.json
      ? v.json
      : 'The output should look like this: "Feedback: (feedback on the criteria) [RESULT] (Either "A" or "B")"';
    const levels = rubricLines(v.rubric);
    return (
      `###Task Description:\nAn instruction, two answers to evaluate (A and B)${refNote} and a rubric with the evaluation criteria are given.\n` +
      `1. Write detailed feedback on both answers strictly according to the rubric, not on general quality.\n` +
      `2. Compare A and B on the rubric rather than judging each on its own.\n` +
      `3. After the feedback, say which answer is better: A or B.\n4. ${form}\n5. Write no other opening, closing or explanation.\n\n` +
      `###Instruction:\n${v.prompt}\n\n###Response A:\n${v.first}\n\n###Response B:\n${v.second}\n\n` +
      `${referenceSection(v, 'Reference Answer')}` +
      `###Score Rubric:\n${v.rubric?.criteria ?? ''}${levels ? `\n${levels}` : ''}\n\n###Feedback: `
    );
  },
});
