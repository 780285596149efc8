// The final Markdown render in idle-time slices: the parts joined are exactly the whole render, nothing dropped.
import { expect, test } from 'vitest';
import { prerenderMarkdown, renderMarkdown } from '../../src/lib/ui/markdown';
import {
  renderMarkdown as renderNow,
  renderMarkdownBlocksNodes,
  renderMarkdownParts,
} from '../../src/lib/ui/markdown-render';
import { HOSTILE_TEXTS } from '../e2e/support/hostile';

const TEXTS = [
  '',
  'One line only',
  // A reference link whose definition is in a later block: lexing the whole text resolves it.
  'See [the docs][1] first.\n\n- loose item one\n\n- loose item two\n\n```\ncode\n\nstill code\n```\n\n[1]: https://example.org/docs',
  '# Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n> more\n\n1. first\n2. second\n\nLast paragraph with `code` and **bold**\u202E reversed',
  HOSTILE_TEXTS.join('\n\n'),
  Array.from(
    { length: 200 },
    (_, i) => `Paragraph ${i}: Answer **A** is better because of point ${i}.`,
  ).join('\n\n'),
];

function textOf(html: string): string {
  const host = document.createElement('div');
  host.innerHTML = html;
  return host.textContent ?? '';
}

test.each(TEXTS.map((t, i) => [i, t] as const))(
  'text %i: the parts joined equal the whole render',
  (_i, text) => {
    const parts = [...renderMarkdownParts(text)];
    expect(parts.join('')).toBe(renderNow(text));
  },
);

test.each(TEXTS.map((t, i) => [i, t] as const))(
  'text %i: its blocks rendered at once, as nodes, are the same HTML as each rendered alone, joined',
  (_i, text) => {
    const blocks = text.split(/(?<=\n\n)/);
    const host = document.createElement('div');
    host.append(renderMarkdownBlocksNodes(blocks));
    expect(host.innerHTML).toBe(blocks.map(renderNow).join(''));
  },
);

test('long text: several parts, and the DOM text of the joined parts is the full text', () => {
  const text = TEXTS[5] as string;
  const parts = [...renderMarkdownParts(text)];
  // A few blocks per part (about 2,000 characters of source), not the whole text at once.
  expect(parts.length).toBeGreaterThan(4);
  const shown = textOf(parts.join(''));
  for (let i = 0; i < 200; i++)
    expect(shown).toContain(`Paragraph ${i}: Answer A is better because of point ${i}.`);
  expect(shown.replace(/\s+/g, '')).toBe(text.replace(/\*\*/g, '').replace(/\s+/g, ''));
});

test('prerenderMarkdown fills in idle slices what renderMarkdown then returns unchanged', async () => {
  const texts = [TEXTS[2] as string, TEXTS[5] as string];
  let slices = 0;
  const real = window.requestIdleCallback.bind(window);
  window.requestIdleCallback = (cb, opts) =>
    real((d) => {
      slices++;
      cb(d);
    }, opts);
  try {
    await prerenderMarkdown(texts);
  } finally {
    window.requestIdleCallback = real;
  }
  expect(slices).toBeGreaterThan(1);
  for (const t of texts) expect(renderMarkdown(t)).toBe(renderNow(t));
  // Resolved across blocks, as in a whole render.
  expect(renderMarkdown(texts[0] as string)).toContain('href="https://example.org/docs"');
});
