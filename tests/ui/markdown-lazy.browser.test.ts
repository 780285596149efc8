// The Markdown renderer arrives after first paint: until then views show the exact text, then the rendered Markdown.
import { flushSync } from 'svelte';
import { expect, test } from 'vitest';
import { loadMarkdown, plainHtml, renderMarkdown } from '../../src/lib/ui/markdown';
import { renderMarkdown as renderNow } from '../../src/lib/ui/markdown-render';

const hostile = '**bold** <img src=x onerror="window.__pwned=1"> \u202Eevil\n\nsecond & line';

function textOf(html: string): string {
  const host = document.createElement('div');
  host.innerHTML = html;
  return host.textContent ?? '';
}

test('before the renderer loads, the text is shown exactly, escaped, with bidi marks', () => {
  const html = plainHtml(hostile);
  const host = document.createElement('div');
  host.innerHTML = html;
  expect(host.querySelector('img, strong')).toBeNull();
  expect(host.querySelector('.bidi-mark')?.textContent).toBe('U+202E');
  expect(host.textContent).toBe(hostile.replace('\u202E', 'U+202E'));
});

test('the façade gives plain text first, then the real renderer once its chunk has loaded', async () => {
  // This file's module instance has not loaded the renderer yet.
  const first = renderMarkdown(hostile);
  expect(first).toBe(plainHtml(hostile));
  await loadMarkdown();
  flushSync();
  const after = renderMarkdown(hostile);
  expect(after).toBe(renderNow(hostile));
  expect(after).toContain('<strong>bold</strong>');
  // Nothing is dropped either way.
  expect(textOf(after)).toContain('second & line');
});
