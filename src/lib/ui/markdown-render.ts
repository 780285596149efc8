// Renders untrusted text (dataset and model text) as inert markdown: no HTML runs, nothing loads, nothing is dropped.
// A chunk of its own (marked and DOMPurify are a third of the app's code): views go through ui/markdown.ts.
import DOMPurify from 'dompurify';
import { Marked, type Token, type Tokens } from 'marked';
import { BIDI_RE, bidiTitle, revealBidi, visibleText } from './bidi';

/**
 * The rule for showing untrusted text, in every view:
 * - Markdown formatting is rendered (emphasis, lists, code, tables, links).
 * - HTML in the text is never interpreted: it is shown as the characters it is, so `<b>x</b>`
 *   reads `<b>x</b>` and a `<span>` never hides its text. The judge saw those characters.
 * - Nothing makes the browser contact a host: images (markdown or HTML) are shown as their source
 *   text, and the only URL attribute that survives is a link's href (http, https, mailto), which
 *   the browser follows only on a click, in a new tab, with no opener and no referrer.
 * - Bidi controls (e.g. U+202E, which reverses what follows) are shown as visible marks, not
 *   applied; containers also isolate the text (dir="auto"), so it cannot reorder the page around it.
 * Then DOMPurify runs over marked's output as a second line of defence, with the same limits.
 */

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag) {
      const text = escapeHtml(token.text);
      return 'block' in token && token.block
        ? `<p class="html-as-text">${text}</p>\n`
        : `<span class="html-as-text">${text}</span>`;
    },
    image(token: Tokens.Image) {
      // The source text, not an <img>: loading it would tell the image's host who reads this.
      // A reference-style image names its URL elsewhere in the text: show it here too.
      const source = token.raw.includes(token.href) ? token.raw : `${token.raw} (${token.href})`;
      return `<span class="inert-image" title="Image not loaded: Arbiter never fetches what a text points to">${escapeHtml(source)}</span>`;
    },
  },
});

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'strong',
  'em',
  'del',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'span',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'align', 'start'];

/**
 * Arbiter's own sanitizer, set up once: the config is parsed once, not per call, and the hooks
 * are ours alone. It sanitizes in place (see sanitizedHost): DOMPurify's default would parse each
 * text into a new document, which costs more than sanitizing a short block.
 */
const purify = DOMPurify();
purify.setConfig({
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
  IN_PLACE: true,
});

// Links from untrusted text open only on a click, in a new tab, without window.opener, a
// Referer or a ping; their target is in the tooltip, so a misleading link text can be checked.
purify.addHook('afterSanitizeAttributes', (node) => {
  for (const name of node.getAttributeNames()) {
    const value = node.getAttribute(name) ?? '';
    if (BIDI_RE.test(value)) node.setAttribute(name, visibleText(value));
  }
  if (node.tagName === 'A') {
    if (node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
      node.setAttribute('referrerpolicy', 'no-referrer');
      if (!node.hasAttribute('title')) node.setAttribute('title', node.getAttribute('href') ?? '');
    }
  }
});

function markBidi(root: Node): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const hits: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (BIDI_RE.test(n.nodeValue ?? '')) hits.push(n as Text);
  }
  for (const node of hits) {
    const parts = revealBidi(node.nodeValue ?? '').map((s) => {
      if (s.control === undefined) return document.createTextNode(s.text);
      const mark = document.createElement('span');
      mark.className = 'bidi-mark';
      mark.title = bidiTitle(s.control);
      mark.textContent = s.text;
      return mark;
    });
    node.replaceWith(...parts);
  }
}

/**
 * Markdown → HTML safe to put in the DOM (see the rule at the top of this file): HTML in the
 * text shows as text, images as their source, links are click-only, bidi controls are marks.
 */
export function renderMarkdown(text: string): string {
  return sanitize(marked.parse(text) as string);
}

function sanitize(html: string): string {
  const host = sanitizedHost(html);
  markBidi(host);
  return host.innerHTML;
}

/**
 * The sanitized nodes, bidi marked, moved into this page's document: no serializing and parsing
 * again. Exported for its tests: the second line of defence is tested on raw HTML, which the
 * first (marked's renderer above) never lets through.
 */
export function sanitizeToNodes(html: string): DocumentFragment {
  const host = sanitizedHost(html);
  const fragment = document.createDocumentFragment();
  while (host.firstChild) fragment.appendChild(host.firstChild);
  markBidi(fragment);
  return fragment;
}

/** A document with no browsing context: nothing parsed into it loads, runs or renders. */
let inertDocument: Document | null = null;

/**
 * `html` parsed into an element of an inert document (a template's, which the HTML standard
 * keeps inert: no fetches, no scripts, no event handlers), then sanitized there in place. What
 * DOMPurify's own DOMParser document gives, without a new document per call. The host is a
 * `span`, a tag the sanitizer allows (it refuses an in-place root it would remove); parsed with
 * it as context, the HTML gets the same tree as in a body, and nothing can leave it.
 */
function sanitizedHost(html: string): HTMLElement {
  inertDocument ??= document.createElement('template').content.ownerDocument;
  const host = inertDocument.createElement('span');
  host.innerHTML = html;
  purify.sanitize(host);
  return host;
}

/**
 * Several texts rendered each on its own and joined, the same HTML as
 * texts.map(renderMarkdown).join(''), as nodes ready to append: for the blocks a stream finishes
 * at once. One sanitizer pass (each text's HTML is balanced, and a pass has a set-up cost of its
 * own), and no serializing to HTML only for the page to parse it again.
 */
export function renderMarkdownBlocksNodes(texts: readonly string[]): DocumentFragment {
  return sanitizeToNodes(texts.map((t) => marked.parse(t) as string).join(''));
}

/** Source characters rendered per part: a part is a ms or two, and sanitizing per block cost more. */
const PART_CHARS = 2000;

/**
 * renderMarkdown(text) in parts, so a long text renders over several short tasks: the first
 * call lexes the whole text (reference links resolve across blocks), every later one parses and
 * sanitizes a few top-level blocks. The parts joined are exactly renderMarkdown(text): marked's
 * parser renders top-level tokens one by one, and each part is balanced HTML on its own.
 */
export function* renderMarkdownParts(text: string): Generator<string, void, void> {
  const tokens = marked.lexer(text);
  yield '';
  // Top-level blocks, a few together: one sanitizer pass per PART_CHARS of source.
  let group: Token[] = [];
  let size = 0;
  for (const token of tokens) {
    if (token.type === 'space') continue;
    group.push(token);
    size += token.raw.length;
    if (size >= PART_CHARS) {
      yield sanitize(marked.parser(group));
      group = [];
      size = 0;
    }
  }
  if (group.length > 0) yield sanitize(marked.parser(group));
}
