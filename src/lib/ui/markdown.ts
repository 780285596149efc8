// The rule for showing untrusted text as Markdown, and the entry views use (the renderer itself loads after first paint).
import { revealBidi, bidiTitle } from './bidi';
import {
  loadMarkdown,
  loadMarkdownParts,
  loadedBlocksNodesRenderer,
  loadedRenderer,
} from './markdown-loader.svelte';

export { revealBidi, visibleText, bidiTitle } from './bidi';
export { loadMarkdown } from './markdown-loader.svelte';

// Judge protocols ask for these tags; they are part of the expected output, not HTML.
const PROTOCOL_TAGS = new Set(['think', 'answer', 'score', 'thinking', 'reasoning']);
const TAG_RE = /<(\/?)([a-zA-Z][\w:-]*)(?:\s[^<>]*)?\/?>|<!--|<!doctype/gi;

/**
 * Whether the text holds HTML (other than the judge protocols' own tags). Such text is shown raw
 * by default: its author (or the model) wrote markup, and the exact characters are what was judged.
 */
export function hasHtmlTags(text: string): boolean {
  for (const m of text.matchAll(TAG_RE)) {
    const name = m[2]?.toLowerCase();
    if (name === undefined || !PROTOCOL_TAGS.has(name)) return true;
  }
  return false;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The text exactly as it is, escaped, bidi controls as marks: what renderMarkdown shows in the
 * moment before the renderer's chunk has loaded (nothing is dropped, nothing is interpreted).
 */
export function plainHtml(text: string): string {
  const body = revealBidi(text)
    .map((s) =>
      s.control === undefined
        ? escapeHtml(s.text)
        : `<span class="bidi-mark" title="${escapeHtml(bidiTitle(s.control))}">${escapeHtml(s.text)}</span>`,
    )
    .join('');
  return `<p class="plain">${body}</p>`;
}

/**
 * Markdown → HTML safe to put in the DOM (the rule is in markdown-render.ts): HTML in the text
 * shows as text, images as their source, links are click-only, bidi controls are marks. Until
 * the renderer has loaded, the plain text (plainHtml); called inside a $derived, the view
 * re-renders when it arrives.
 */
export function renderMarkdown(text: string): string {
  const done = prerendered.get(text);
  if (done !== undefined) return done;
  const render = loadedRenderer();
  if (render) return render(text);
  void loadMarkdown().catch(() => undefined);
  return plainHtml(text);
}

/**
 * The blocks a stream finished at once, rendered each on its own and joined, with one sanitizer
 * pass, as sanitized nodes to append (see renderMarkdownBlocksNodes in markdown-render.ts); the
 * plain text's HTML until the renderer loads.
 */
export function renderMarkdownBlocksNodes(texts: readonly string[]): DocumentFragment | string {
  const render = loadedBlocksNodesRenderer();
  if (render) return render(texts);
  void loadMarkdown().catch(() => undefined);
  return texts.map(plainHtml).join('');
}

let warmed = false;

/**
 * Render a small sample once, when the page is idle: the first block of a streamed judgment would
 * otherwise pay for compiling the Markdown parser and the sanitizer, a long task mid-stream.
 */
export function warmMarkdown(): void {
  if (warmed) return;
  warmed = true;
  // The renderer's chunk may still be on its way; warm the real one, not the plain fallback.
  void loadMarkdown().then(
    (render) =>
      render(
        'A **bold** and *em* claim with `code` and a [link](https://example.org).\n\n- one\n- two\n\n1. first\n\n> quote\n\n# Heading\n\n```\ncode\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
      ),
    () => (warmed = false),
  );
}

/** HTML rendered ahead in idle time (prerenderMarkdown), by text; the last few only. */
const prerendered = new Map<string, string>();
const PRERENDERED_MAX = 8;

/**
 * Render `texts` ahead, in idle-time slices of a block or more, so that the renderMarkdown calls
 * a view makes next find their HTML ready: rendering a long text at once is a long task (tens of
 * ms for a 2,000-token judgment). Each slice stops with a few ms of the idle period to spare.
 */
export async function prerenderMarkdown(
  texts: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  const parts = await loadMarkdownParts();
  for (const text of texts) {
    if (prerendered.has(text)) continue;
    const it = parts(text);
    let html = '';
    for (let done = false; !done;) {
      const deadline = await idle();
      if (signal?.aborted) return;
      // At least one part per slice, so a busy page (no idle time, only the timeout) still gets on.
      do {
        const r = it.next();
        if (r.done) done = true;
        else html += r.value;
      } while (!done && deadline.timeRemaining() > 4);
    }
    prerendered.set(text, html);
    if (prerendered.size > PRERENDERED_MAX)
      prerendered.delete(prerendered.keys().next().value as string);
  }
}

function idle(): Promise<{ timeRemaining: () => number }> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(resolve, { timeout: 500 });
    else {
      // No idle callbacks (Safari): a task of its own with a short budget.
      setTimeout(() => {
        const end = performance.now() + 8;
        resolve({ timeRemaining: () => Math.max(0, end - performance.now()) });
      });
    }
  });
}
