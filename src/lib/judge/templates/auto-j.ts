// Auto-J templates: pairwise with tie ("the final decision is Response 1 / Response 2 / Tie") and single ("Rating: [[n]]").
import { defineTemplate } from './common';

export const autoJPairwise = defineTemplate({
  id: 'auto-j-pairwise',
  version: 1,
  family: 'auto-j',
  kind: 'pairwise',
  label: 'Auto-J pairwise',
  description: 'Names the key differences, then decides Response 1, Response 2 or Tie (Auto-J).',
  allowsTie: true,
  acceptsReference: true,
  format: 'auto-j-pair',
  verdictTokens: { '1': 'A', '2': 'B', Tie: 'tie', ' Tie': 'tie' },
  user: (v) => {
    const options = v.allowTie ? 'Response 1 / Response 2 / Tie' : 'Response 1 / Response 2';
    const ref = v.reference === null ? '' : `***\n[Reference]: ${v.reference}\n`;
    const end = v.json
      ? v.json + ' ("A" means Response 1, "B" Response 2.)'
      : `Start your final decision with "So, the final decision is ${options}". Make sure the decision follows from your comparison.`;
    return (
      `You are comparing two responses to a user's query and judging which is better${v.allowTie ? ', or whether they tie' : ''}. The data:\n` +
      `[BEGIN DATA]\n***\n[Query]: ${v.prompt}\n${ref}***\n[Response 1]: ${v.first}\n***\n[Response 2]: ${v.second}\n***\n[END DATA]\n\n` +
      `How to compare them:\n1. Identify the key factors that set the two responses apart.\n` +
      `2. Finish the comparison with a final decision on which response is better${v.allowTie ? ', or that they tie' : ''}. ${end}`
    );
  },
});

export const autoJSingle = defineTemplate({
  id: 'auto-j-single',
  version: 1,
  family: 'auto-j',
  kind: 'single',
  label: 'Auto-J critique and rating',
  description: 'Writes a critique of one answer, then rates it 1-10 as "Rating: [[n]]" (Auto-J).',
  allowsTie: false,
  acceptsReference: true,
  scoreRange: [1, 10],
  format: 'rating',
  user: (v) => {
    const ref = v.reference === null ? '' : `***\n[Reference]: ${v.reference}\n`;
    const end = v.json
      ? v.json
      : 'Then give a final rating from 1 to 10, strictly in this form: "[[rating]]", for example "Rating: [[5]]".';
    return (
      `Write a critique of a response to a user's query, and rate the response.\n` +
      `[BEGIN DATA]\n***\n[Query]: ${v.prompt}\n${ref}***\n[Response]: ${v.answer}\n***\n[END DATA]\n\n` +
      `Write your critique of this response. ${end}`
    );
  },
});
