// Untrusted markdown through the real marked and DOMPurify in Chromium: markdown renders, HTML shows as text, nothing runs or loads.
import { expect, test } from 'vitest';
import { hasHtmlTags } from '../../src/lib/ui/markdown';
import { renderMarkdown } from '../../src/lib/ui/markdown-render';
import { HOSTILE_TEXTS, TRACKER } from '../e2e/support/hostile';
import { imageSettled } from '../support/image-probe';

const payloads = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '[click](javascript:window.__pwned=1)',
  '<a href="javascript:window.__pwned=1">x</a>',
  '<svg onload="window.__pwned=1"><circle r=1></circle></svg>',
  '<iframe src="javascript:window.__pwned=1"></iframe>',
  '<form action="https://evil.example"><input name=q><button>go</button></form>',
  '<div style="background:url(javascript:alert(1))">styled</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>',
  '```html\n<script>window.__pwned=1</script>\n```',
];

test.each(payloads)('%s is inert', async (payload) => {
  const html = renderMarkdown(`Answer:\n\n${payload}`);
  const host = document.createElement('div');
  host.innerHTML = html;
  document.body.append(host);
  // An <img src=x onerror> left in the markup would have failed and run its handler by now.
  await imageSettled('x');
  expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  expect(host.querySelector('script, iframe, form, input, button, style')).toBeNull();
  for (const el of host.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      expect(attr.name.startsWith('on')).toBe(false);
      expect(attr.value.toLowerCase()).not.toContain('javascript:');
      expect(attr.name).not.toBe('style');
    }
  }
  host.remove();
});

test('presentational markdown survives, and links open safely', () => {
  const html = renderMarkdown('**bold** and `code`\n\n- item\n\n[docs](https://example.org)');
  const host = document.createElement('div');
  host.innerHTML = html;
  expect(host.querySelector('strong')?.textContent).toBe('bold');
  expect(host.querySelector('code')?.textContent).toBe('code');
  expect(host.querySelector('li')?.textContent).toBe('item');
  const a = host.querySelector('a');
  expect(a?.getAttribute('href')).toBe('https://example.org');
  expect(a?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  expect(a?.getAttribute('target')).toBe('_blank');
  expect(a?.getAttribute('referrerpolicy')).toBe('no-referrer');
  expect(a?.getAttribute('title')).toBe('https://example.org');
});

const URL_ATTRS = ['src', 'srcset', 'poster', 'background', 'ping', 'data', 'action', 'style'];

test.each(HOSTILE_TEXTS)('%s loads nothing, and its text stays visible', async (payload) => {
  const html = renderMarkdown(payload);
  const host = document.createElement('div');
  // Attached, so anything that could load would start loading now.
  document.body.append(host);
  host.innerHTML = html;
  await new Promise((r) => setTimeout(r, 20));
  expect(
    host.querySelector(
      'img, picture, source, video, audio, link, style, iframe, object, embed, svg, input, meta, base, script, table[background]',
    ),
  ).toBeNull();
  for (const el of host.querySelectorAll('*')) {
    for (const name of URL_ATTRS) expect(el.hasAttribute(name)).toBe(false);
    const href = el.getAttribute('href');
    if (href !== null) {
      expect(el.tagName).toBe('A');
      expect(href).toMatch(/^https:/);
      expect(el.getAttribute('rel')).toContain('noreferrer');
    }
  }
  // Nothing is dropped: where the payload names the tracker, the reader still sees that.
  if (payload.includes(TRACKER) && !payload.startsWith('[javascript')) {
    expect(host.textContent).toContain(TRACKER);
  }
  const loaded = performance.getEntriesByType('resource').filter((e) => e.name.includes(TRACKER));
  expect(loaded).toEqual([]);
  host.remove();
});

test('HTML in the text shows as its characters, never as markup', () => {
  const host = document.createElement('div');
  host.innerHTML = renderMarkdown('<b>bold</b> and <span>hidden</span>\n\n<div>block</div>');
  expect(host.textContent).toContain('<b>bold</b> and <span>hidden</span>');
  expect(host.textContent).toContain('<div>block</div>');
  expect(host.querySelector('b, div')).toBeNull();
});

test('an image shows as its markdown source', () => {
  const host = document.createElement('div');
  host.innerHTML = renderMarkdown('See ![chart](https://tracker.example/c.png "t")');
  expect(host.querySelector('img')).toBeNull();
  expect(host.querySelector('.inert-image')?.textContent).toBe(
    '![chart](https://tracker.example/c.png "t")',
  );
});

test('bidi controls become visible marks in rendered text and in link attributes', () => {
  const host = document.createElement('div');
  host.innerHTML = renderMarkdown('safe \u202Eevil\u202C [x](https://a.example/\u202Eb)');
  const marks = [...host.querySelectorAll('.bidi-mark')].map((m) => m.textContent);
  expect(marks).toEqual(['U+202E', 'U+202C']);
  expect(host.textContent).not.toMatch(/[\u202A-\u202E]/);
  expect(host.querySelector('a')?.getAttribute('title') ?? '').not.toMatch(/[\u202A-\u202E]/);
});

test.each([
  ['<b>bold</b>', true],
  ['a <span class="x">b</span>', true],
  ['<!-- hidden -->', true],
  ['<br/>', true],
  ['<think>x</think><answer>[[A]]</answer>', false],
  ['<score>8</score>', false],
  ['a < b and c > d', false],
  ['plain **markdown**', false],
])('hasHtmlTags(%j) is %s', (text, expected) => {
  expect(hasHtmlTags(text)).toBe(expected);
});

test('code blocks show a script as text', () => {
  const host = document.createElement('div');
  host.innerHTML = renderMarkdown('```html\n<script>x()</script>\n```');
  expect(host.querySelector('pre code')?.textContent).toContain('<script>x()</script>');
});
