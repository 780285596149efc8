// Splitting a judge's text into thinking and answer, while streaming and when done.
import { expect, test } from 'vitest';
import { splitThinking } from '../../src/lib/ui/thinking';

test.each([
  ['no thinking', 'Answer [[A]]', { thinking: null, answer: 'Answer [[A]]', thinkingOpen: false }],
  [
    'closed block',
    '<think>hmm</think>\n\n[[B]]',
    { thinking: 'hmm', answer: '[[B]]', thinkingOpen: false },
  ],
  [
    'still streaming',
    '<think>weighing A aga',
    { thinking: 'weighing A aga', answer: '', thinkingOpen: true },
  ],
  [
    'template opened <think> for the model',
    'so A.</think>[[A]]',
    { thinking: 'so A.', answer: '[[A]]', thinkingOpen: false },
  ],
  [
    'text before the block stays in the answer',
    'Note.<think>x</think>[[A]]',
    { thinking: 'x', answer: 'Note.[[A]]', thinkingOpen: false },
  ],
])('%s', (_name, text, expected) => {
  expect(splitThinking(text)).toEqual(expected);
});
