// Bidi control characters in untrusted text, shown as visible marks instead of reordering what follows.

/** Bidi control characters: embeddings, overrides, isolates and marks. */
export const BIDI_CONTROLS: Readonly<Record<string, string>> = {
  '\u061C': 'ALM',
  '\u200E': 'LRM',
  '\u200F': 'RLM',
  '\u202A': 'LRE',
  '\u202B': 'RLE',
  '\u202C': 'PDF',
  '\u202D': 'LRO',
  '\u202E': 'RLO',
  '\u2066': 'LRI',
  '\u2067': 'RLI',
  '\u2068': 'FSI',
  '\u2069': 'PDI',
};
export const BIDI_RE = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const BIDI_RE_G = new RegExp(BIDI_RE.source, 'g');

/** A run of text, or one bidi control character to show as a visible mark. */
export type TextSegment = { text: string; control?: undefined } | { text: string; control: string };

/** The visible mark that stands for a bidi control, e.g. "U+202E" (its name goes in a tooltip). */
export const bidiMark = (ch: string) =>
  `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The tooltip of a bidi mark. */
export const bidiTitle = (ch: string) =>
  `${BIDI_CONTROLS[ch] ?? 'bidi control'} (${bidiMark(ch)}), a direction control in the text: shown, not applied`;

/** Split text so bidi controls can be shown as marks instead of reordering what follows. */
export function revealBidi(text: string): TextSegment[] {
  if (!BIDI_RE.test(text)) return [{ text }];
  const out: TextSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(BIDI_RE_G)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: bidiMark(m[0]), control: m[0] });
    last = m.index + 1;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** The text as raw mode shows it: bidi controls replaced by their marks (tests compare with this). */
export function visibleText(text: string): string {
  return text.replace(BIDI_RE_G, bidiMark);
}
