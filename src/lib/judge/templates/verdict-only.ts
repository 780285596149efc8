// Verdict-only template: the shortest prompt for a one-token verdict read with logprobs (AlpacaEval-style).
import { letterGrammar } from '../constrained';
import { defineTemplate } from './common';

export const verdictOnly = defineTemplate({
  id: 'verdict-only',
  version: 1,
  family: 'verdict-only',
  kind: 'pairwise',
  label: 'Verdict only (fast)',
  description: 'One-letter verdict, no reasoning; fastest, and its confidence comes from logprobs.',
  allowsTie: true,
  acceptsReference: true,
  format: 'letter',
  verdictTokens: { A: 'A', B: 'B', C: 'tie' },
  reasons: false,
  user: (v) => {
    const ref = v.reference === null ? '' : `Reference answer:\n${v.reference}\n\n`;
    const ask = v.json
      ? v.json
      : `Which answer is better? Reply with one letter: ${v.allowTie ? 'A, B, or C if they are equally good' : 'A or B'}.`;
    return `Question:\n${v.prompt}\n\n${ref}Answer A:\n${v.first}\n\nAnswer B:\n${v.second}\n\n${ask}`;
  },
  responseFormat: (opts) => (opts.json ? undefined : letterGrammar(opts.allowTie ?? true)),
});
