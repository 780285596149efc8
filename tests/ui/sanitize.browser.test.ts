// The sanitizer alone (the second line of defence), on raw HTML in Chromium: parsed where nothing runs or loads, cleaned in place.
import { afterEach, expect, test, vi } from 'vitest';
import { renderMarkdownBlocksNodes, sanitizeToNodes } from '../../src/lib/ui/markdown-render';
import { imageSettled } from '../support/image-probe';

const win = window as unknown as { __pwned?: number };
afterEach(() => {
  vi.restoreAllMocks();
  delete win.__pwned;
});

// Markup that runs script or fetches the moment it is parsed into a live document.
const RAW = [
  '<img src="http://127.0.0.1:9/x.png" onerror="window.__pwned=1">',
  '<svg><image href="http://127.0.0.1:9/s.png" onload="window.__pwned=2"/></svg>',
  '<iframe srcdoc="<script>parent.__pwned=3</script>"></iframe>',
  '<script>window.__pwned=4</script>',
  '<style>@import url(http://127.0.0.1:9/c.css);</style><p>styled</p>',
  '<a href="javascript:window.__pwned=5" onclick="window.__pwned=6">link</a>',
  '<video poster="http://127.0.0.1:9/p.png"><source src="http://127.0.0.1:9/v.mp4"></video>',
  '<details open ontoggle="window.__pwned=7"><summary>s</summary></details>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=8">',
  '</span><img src=x onerror="window.__pwned=9"><span>',
];

test.each(RAW)(
  '%s: nothing runs or loads, before or after the nodes join the page',
  async (html) => {
    const seen: string[] = [];
    const obs = new PerformanceObserver((l) => seen.push(...l.getEntries().map((e) => e.name)));
    obs.observe({ type: 'resource', buffered: false });
    const frag = sanitizeToNodes(html);
    const host = document.createElement('div');
    host.append(frag);
    document.body.append(host);
    // Anything the markup had started (an image of the refused port, an inline handler) has
    // failed, run and been observed by the time this probe of the same port has.
    await imageSettled('http://127.0.0.1:9/probe.png');
    obs.disconnect();
    expect(win.__pwned).toBeUndefined();
    expect(seen.filter((u) => u.includes('127.0.0.1:9') && !u.endsWith('/probe.png'))).toEqual([]);
    expect(
      host.querySelector('script, img, svg, iframe, style, video, source, details'),
    ).toBeNull();
    for (const el of host.querySelectorAll('*'))
      for (const a of el.attributes) {
        expect(a.name.startsWith('on')).toBe(false);
        expect(a.value.toLowerCase()).not.toContain('javascript:');
      }
    host.remove();
  },
);

test('what is allowed survives, in this page’s document, links made click-only', () => {
  const frag = sanitizeToNodes(
    '<p>Hi <strong>there</strong> <a href="https://example.org">x</a></p><ul><li>one</li></ul>',
  );
  expect(frag.ownerDocument).toBe(document);
  const host = document.createElement('div');
  host.append(frag);
  expect(host.innerHTML).toBe(
    '<p>Hi <strong>there</strong> <a href="https://example.org" target="_blank" rel="noopener noreferrer nofollow" referrerpolicy="no-referrer" title="https://example.org">x</a></p><ul><li>one</li></ul>',
  );
});

test('rendering a stream’s blocks builds no document per call (it would cost more than the block)', () => {
  const parse = vi.spyOn(DOMParser.prototype, 'parseFromString');
  const create = vi.spyOn(document.implementation, 'createHTMLDocument');
  renderMarkdownBlocksNodes(['warm **up**']);
  parse.mockClear();
  create.mockClear();
  for (let i = 0; i < 5; i++)
    renderMarkdownBlocksNodes([`Block ${i} with *emphasis*.`, '- a\n- b']);
  expect(parse).not.toHaveBeenCalled();
  expect(create).not.toHaveBeenCalled();
});
