// Text preparation for verdict parsing: hide thinking and JSON regions without moving offsets.

/**
 * Replace [start, end) with spaces. Masking instead of cutting keeps every later offset equal to
 * the offset in the original text, so spans need no mapping back.
 */
export function maskRange(text: string, start: number, end: number): string {
  if (end <= start) return text;
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

export interface Masked {
  visible: string;
  /** The text ended inside an unclosed thinking block. */
  truncatedInThinking: boolean;
}

const CLOSE_THINK = /<\/think(?:ing)?>/gi;
const OPEN_THINK = /<think(?:ing)?>/i;

/**
 * Hide the model's thinking. Everything up to the last closing tag is thinking: Qwen3 and R1
 * distills often get the opening tag from the chat template, so the output holds only `</think>`.
 * An opening tag left unclosed means the generation stopped while still thinking.
 */
export function maskThinking(text: string): Masked {
  let visible = text;
  let lastClose = -1;
  for (const m of text.matchAll(CLOSE_THINK)) lastClose = m.index + m[0].length;
  if (lastClose >= 0) visible = maskRange(visible, 0, lastClose);
  const open = OPEN_THINK.exec(visible);
  if (open) {
    return { visible: maskRange(visible, open.index, visible.length), truncatedInThinking: true };
  }
  return { visible, truncatedInThinking: false };
}

export interface JsonHit {
  start: number;
  end: number;
  value: Record<string, unknown>;
}

/** End index (exclusive) of the balanced object starting at `start`, or -1. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Top-level JSON objects in the text (inside code fences or bare), in order. */
export function findJsonObjects(text: string): JsonHit[] {
  const hits: JsonHit[] = [];
  let i = text.indexOf('{');
  while (i >= 0) {
    const end = objectEnd(text, i);
    if (end < 0) break;
    try {
      const value: unknown = JSON.parse(text.slice(i, end));
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        hits.push({ start: i, end, value: value as Record<string, unknown> });
        i = text.indexOf('{', end);
        continue;
      }
    } catch {
      // Not JSON (prose with braces, code): look further.
    }
    i = text.indexOf('{', i + 1);
  }
  return hits;
}

/** Span of a key's value inside a JSON object's source text, for highlighting. */
export function jsonValueSpan(text: string, hit: JsonHit, key: string): [number, number] {
  const src = text.slice(hit.start, hit.end);
  const re = new RegExp(`"${key}"\\s*:\\s*("(?:[^"\\\\]|\\\\.)*"|-?\\d+(?:\\.\\d+)?)`);
  const m = re.exec(src);
  if (!m || m[1] === undefined) return [hit.start, hit.end];
  const at = hit.start + m.index + m[0].length - m[1].length;
  return [at, at + m[1].length];
}

/** Read a pairwise verdict out of a free-form value such as "A", "Response 2", "tie", "A>>B". */
export function normalizeVerdictValue(
  raw: string,
): { verdict: 'A' | 'B' | 'tie'; strength?: 1 | 2 } | null {
  const s = raw.trim().replace(/^\[+|\]+$/g, '');
  const graded = /^([AB])\s*(>>|>|=)\s*([AB])$/i.exec(s);
  if (graded?.[1] && graded[2] && graded[3]) return readGraded(graded[1], graded[2], graded[3]);
  if (/^(?:tie|c|draw|equal|same|both)$/i.test(s)) return { verdict: 'tie' };
  const m = /^(?:response|output|assistant|answer|judge?ment)?\s*\(?([ab12])\)?\.?$/i.exec(s);
  if (!m?.[1]) return null;
  const c = m[1].toUpperCase();
  return { verdict: c === 'A' || c === '1' ? 'A' : 'B' };
}

/** Arena-Hard's five levels; a malformed pair such as A>>A reads as nothing. */
export function readGraded(
  left: string,
  op: string,
  right: string,
): { verdict: 'A' | 'B' | 'tie'; strength?: 1 | 2 } | null {
  const l = left.toUpperCase();
  const r = right.toUpperCase();
  if (l === r) return null;
  if (op === '=') return { verdict: 'tie' };
  const strength: 1 | 2 = op === '>>' ? 2 : 1;
  return { verdict: l === 'A' ? 'A' : 'B', strength };
}
