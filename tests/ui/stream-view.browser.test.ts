// BlockView in a real DOM: the streamed text is shown exactly, and a growing tail is appended to, not replaced.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BlockRenderer, BlockView } from '../../src/lib/ui/stream-render';
import { loadMarkdown, renderMarkdown, renderMarkdownBlocksNodes } from '../../src/lib/ui/markdown';

const TEXT =
  'First paragraph with **bold**.\n\n- one\n- two\n\nA <b>tag</b> stays text.\n\nThe open tail grows word by word until the end';

/** Every prefix of `text`, as a stream delivers it in chunks of `step` characters. */
function prefixes(text: string, step: number): string[] {
  const out: string[] = [];
  for (let i = step; i < text.length + step; i += step) out.push(text.slice(0, i));
  return out;
}

describe('BlockView', () => {
  // The renderer is a lazily loaded chunk: until it arrives, blocks are plain text.
  beforeAll(async () => {
    await loadMarkdown();
  });

  it.each([1, 3, 11])(
    'shows every character of the stream (chunks of %i), the tail in one text node that only grows',
    (step) => {
      const root = document.createElement('div');
      document.body.append(root);
      const view = new BlockView(root);
      const renderer = new BlockRenderer(renderMarkdown);
      const tail = root.querySelector('.plain') as HTMLElement;
      const node = tail.firstChild;
      for (const p of prefixes(TEXT, step)) {
        view.apply(renderer.update(p));
        // The open tail is shown exactly (trailing spaces aside) in the same text node.
        expect(tail.firstChild).toBe(node);
        expect(tail.childNodes).toHaveLength(1);
        expect(tail.textContent).toBe(renderer.update(p).tail.trimEnd());
      }
      view.apply(renderer.update(TEXT, true));
      expect(tail.textContent).toBe('');
      const shown = root.textContent?.replace(/\s+/g, '') ?? '';
      // Every non-space character of the source shows, markup characters of Markdown aside.
      expect(shown).toBe(TEXT.replace(/\*\*|^- /gm, '').replace(/\s+/g, ''));
      expect(root.querySelector('strong')?.textContent).toBe('bold');
      expect(root.querySelectorAll('li')).toHaveLength(2);
      expect(root.dir).toBe('auto');
      root.remove();
    },
  );

  it('a replaced (not extended) text replaces the tail instead of appending to it', () => {
    const root = document.createElement('div');
    const view = new BlockView(root);
    const renderer = new BlockRenderer(renderMarkdown);
    view.apply(renderer.update('Hello wor'));
    view.apply(renderer.update('Goodbye'));
    expect(root.textContent).toBe('Goodbye');
    view.apply(renderer.update('Goodbye, all'));
    expect(root.textContent).toBe('Goodbye, all');
  });

  it('finished blocks as nodes are appended as they are (no HTML parsed again) and show as the HTML would', () => {
    const viaNodes = document.createElement('div');
    const viaHtml = document.createElement('div');
    const nodesView = new BlockView(viaNodes);
    const htmlView = new BlockView(viaHtml);
    const nodes = new BlockRenderer(renderMarkdown, renderMarkdownBlocksNodes);
    // Each finished block rendered alone, as HTML: what the joined nodes must equal.
    const html = new BlockRenderer(renderMarkdown);
    const parsed = vi.spyOn(viaNodes.firstElementChild as HTMLElement, 'insertAdjacentHTML');
    for (const p of prefixes(TEXT, 7)) {
      nodesView.apply(nodes.update(p));
      htmlView.apply(html.update(p));
      expect(viaNodes.innerHTML).toBe(viaHtml.innerHTML);
    }
    nodesView.apply(nodes.update(TEXT, true));
    htmlView.apply(html.update(TEXT, true));
    expect(viaNodes.innerHTML).toBe(viaHtml.innerHTML);
    expect(viaNodes.querySelector('strong')?.textContent).toBe('bold');
    expect(parsed).not.toHaveBeenCalled();
  });
});
