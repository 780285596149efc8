// Arena-Hard template: five graded levels from [[A>>B]] to [[B>>A]].
import { defineTemplate, type View } from './common';

function levels(v: View): string {
  const all = [
    ['Assistant A is significantly better', '[[A>>B]]'],
    ['Assistant A is slightly better', '[[A>B]]'],
    ['Tie, about the same', '[[A=B]]'],
    ['Assistant B is slightly better', '[[B>A]]'],
    ['Assistant B is significantly better', '[[B>>A]]'],
  ].filter(([, m]) => v.allowTie || m !== '[[A=B]]');
  return all.map(([what, marker], i) => `${i + 1}. ${what}: ${marker}`).join('\n');
}

export const arenaHard = defineTemplate({
  id: 'arena-hard',
  version: 1,
  family: 'arena-hard',
  kind: 'pairwise',
  label: 'Arena-Hard graded',
  description:
    'Answers the prompt itself, then grades from [[A>>B]] to [[B>>A]]; Arena-Hard style.',
  allowsTie: true,
  graded: true,
  acceptsReference: true,
  format: 'arena-hard',
  verdictTokens: { A: 'A', B: 'B' },
  system: (v) => {
    const own =
      v.reference === null
        ? 'Before judging, write your own answer to the prompt. '
        : 'Use the reference answer as your own answer to the prompt. ';
    const verdict = v.json
      ? `Then give your verdict. ${v.json}`
      : `After your explanation, output exactly one of these labels as your final verdict:\n${levels(v)}\n` +
        (v.allowTie ? `Example output: "My final verdict is tie: [[A=B]]".` : '');
    return (
      `Act as an impartial judge and evaluate the answers two AI assistants gave to the user prompt below. ` +
      `${own}Compare both answers with it, and point out and correct any mistakes or inaccurate information. ` +
      `Then consider whether each answer is helpful, relevant and concise, and whether important information is missing. ` +
      `When the prompt is ambiguous, asking for clarification is more helpful than guessing.\n\n${verdict}`
    );
  },
  user: (v) => {
    const ref =
      v.reference === null
        ? ''
        : `<|Reference Answer|>\n${v.reference}\n<|The End of Reference Answer|>\n\n`;
    return (
      `<|User Prompt|>\n${v.prompt}\n\n${ref}` +
      `<|The Start of Assistant A's Answer|>\n${v.first}\n<|The End of Assistant A's Answer|>\n\n` +
      `<|The Start of Assistant B's Answer|>\n${v.second}\n<|The End of Assistant B's Answer|>`
    );
  },
});
