// A small GBNF matcher for tests: whether a grammar (the subset Arbiter writes) accepts a whole string.

type Node =
  | { t: 'lit'; s: string }
  | { t: 'class'; neg: boolean; ranges: [number, number][] }
  | { t: 'ref'; name: string }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number };

function escape(src: string, i: number): [number, number] {
  const c = src[i + 1];
  if (c === 'n') return [10, i + 2];
  if (c === 't') return [9, i + 2];
  if (c === 'r') return [13, i + 2];
  if (c === 'x') return [parseInt(src.slice(i + 2, i + 4), 16), i + 4];
  return [src.codePointAt(i + 1) ?? 0, i + 2];
}

class Parser {
  i = 0;
  constructor(private readonly src: string) {}

  private ws(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i] ?? '')) this.i++;
  }

  alt(): Node {
    const options = [this.seq()];
    this.ws();
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.seq());
      this.ws();
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }

  private seq(): Node {
    const items: Node[] = [];
    for (;;) {
      this.ws();
      const c = this.src[this.i];
      if (c === undefined || c === '|' || c === ')') break;
      items.push(this.postfix(this.atom()));
    }
    return { t: 'seq', items };
  }

  private postfix(node: Node): Node {
    const c = this.src[this.i];
    if (c === '*') return (this.i++, { t: 'rep', node, min: 0, max: Infinity });
    if (c === '+') return (this.i++, { t: 'rep', node, min: 1, max: Infinity });
    if (c === '?') return (this.i++, { t: 'rep', node, min: 0, max: 1 });
    if (c === '{') {
      const end = this.src.indexOf('}', this.i);
      const [a, b] = this.src.slice(this.i + 1, end).split(',');
      this.i = end + 1;
      const min = Number(a);
      return { t: 'rep', node, min, max: b === undefined ? min : b === '' ? Infinity : Number(b) };
    }
    return node;
  }

  private atom(): Node {
    const src = this.src;
    const c = src[this.i];
    if (c === '"') {
      let s = '';
      this.i++;
      while (src[this.i] !== '"') {
        if (src[this.i] === '\\') {
          const [code, next] = escape(src, this.i);
          s += String.fromCodePoint(code);
          this.i = next;
        } else {
          s += src[this.i];
          this.i++;
        }
      }
      this.i++;
      return { t: 'lit', s };
    }
    if (c === '[') {
      this.i++;
      const neg = src[this.i] === '^';
      if (neg) this.i++;
      const ranges: [number, number][] = [];
      while (src[this.i] !== ']') {
        let lo: number;
        if (src[this.i] === '\\') [lo, this.i] = escape(src, this.i);
        else [lo, this.i] = [src.codePointAt(this.i) ?? 0, this.i + 1];
        let hi = lo;
        if (src[this.i] === '-' && src[this.i + 1] !== ']') {
          this.i++;
          if (src[this.i] === '\\') [hi, this.i] = escape(src, this.i);
          else [hi, this.i] = [src.codePointAt(this.i) ?? 0, this.i + 1];
        }
        ranges.push([lo, hi]);
      }
      this.i++;
      return { t: 'class', neg, ranges };
    }
    if (c === '(') {
      this.i++;
      const node = this.alt();
      this.ws();
      this.i++; // ')'
      return node;
    }
    const m = /^[a-zA-Z0-9-]+/.exec(src.slice(this.i));
    if (!m) throw new Error(`GBNF: unexpected ${c} at ${this.i}`);
    this.i += m[0].length;
    return { t: 'ref', name: m[0] };
  }
}

function parseRules(grammar: string): Map<string, Node> {
  const rules = new Map<string, Node>();
  // A rule starts at the beginning of a line with `name ::=`; its body may span lines.
  const parts = grammar.split(/^(?=[a-zA-Z0-9-]+\s*::=)/m);
  for (const part of parts) {
    const m = /^([a-zA-Z0-9-]+)\s*::=([\s\S]*)$/.exec(part.trim());
    if (!m) continue;
    rules.set(m[1]!, new Parser(m[2]!).alt());
  }
  return rules;
}

/** Whether `grammar` (GBNF, start rule `root`) derives exactly `text`. */
export function gbnfAccepts(grammar: string, text: string): boolean {
  const rules = parseRules(grammar);
  const chars = Array.from(text);
  const step = (node: Node, from: Set<number>): Set<number> => {
    const out = new Set<number>();
    switch (node.t) {
      case 'lit': {
        const want = Array.from(node.s);
        for (const p of from)
          if (want.every((ch, k) => chars[p + k] === ch)) out.add(p + want.length);
        return out;
      }
      case 'class':
        for (const p of from) {
          const ch = chars[p];
          if (ch === undefined) continue;
          const code = ch.codePointAt(0) ?? 0;
          const hit = node.ranges.some(([lo, hi]) => code >= lo && code <= hi);
          if (hit !== node.neg) out.add(p + 1);
        }
        return out;
      case 'ref': {
        const r = rules.get(node.name);
        if (!r) throw new Error(`GBNF: no rule ${node.name}`);
        return step(r, from);
      }
      case 'seq':
        return node.items.reduce((acc, n) => step(n, acc), from);
      case 'alt':
        for (const o of node.options) for (const p of step(o, from)) out.add(p);
        return out;
      case 'rep': {
        let cur = from;
        for (let k = 0; k < node.min; k++) cur = step(node.node, cur);
        const all = new Set(cur);
        for (let k = node.min; k < node.max && cur.size > 0; k++) {
          const next = new Set([...step(node.node, cur)].filter((p) => !all.has(p)));
          for (const p of next) all.add(p);
          cur = next;
        }
        return all;
      }
    }
  };
  return step({ t: 'ref', name: 'root' }, new Set([0])).has(chars.length);
}
