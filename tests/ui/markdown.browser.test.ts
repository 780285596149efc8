// Untrusted markdown through the real DOMPurify in Chromium: presentational markup stays, anything active goes.
import { expect, test } from 'vitest';
import { renderMarkdown } from '../../src/lib/ui/markdown';

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
  await new Promise((r) => setTimeout(r, 50));
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
});

test('code blocks show a script as text', () => {
  const host = document.createElement('div');
  host.innerHTML = renderMarkdown('```html\n<script>x()</script>\n```');
  expect(host.querySelector('pre code')?.textContent).toContain('<script>x()</script>');
});
