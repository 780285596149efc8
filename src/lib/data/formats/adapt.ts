// Adapters: turn parsed rows of any known format into ImportedItems, reporting each bad row with its reason.
import * as v from 'valibot';
import { questionConversation, readConversation } from './conversation';
import {
  alpacaEvalPreference,
  autoJLabel,
  clip,
  normalizeLabel,
  pandaLMLabel,
  typeName,
  type LabelResult,
} from './labels';
import type { FieldMapping, FormatId, ImportedItem, RowError, SourceRow } from './types';

/** Keys never copied into `meta`: writing them onto a plain object would change its prototype. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const RowSchema = v.custom<Record<string, unknown>>(
  (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
  'row is not a JSON object',
);
const Message = v.looseObject({ content: v.string() });
const Conversation = v.pipe(v.array(Message), v.minLength(1, 'conversation is empty'));

/** A 32-bit FNV-1a hash; used to place chosen/rejected answers reproducibly. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Whether the chosen answer of item `id` goes in position A, from a seeded hash (about half do). */
export function chosenFirst(id: string, seed = 'arbiter'): boolean {
  return (fnv1a(`${seed}\u0000${id}`) & 1) === 0;
}

class RowFailure extends Error {}

function fail(reason: string): never {
  throw new RowFailure(reason);
}

/** The text of a field: a string, or the first turn of a list of strings / {content} messages. */
function text(
  row: Record<string, unknown>,
  key: string | undefined,
  what: string,
  required: boolean,
): string | undefined {
  if (!key) {
    if (required) fail(`no field is mapped to ${what}`);
    return undefined;
  }
  const val = Object.hasOwn(row, key) ? row[key] : undefined;
  if (val === undefined || val === null) {
    if (required) fail(`missing field "${key}" (${what})`);
    return undefined;
  }
  if (typeof val === 'string') return val;
  if (typeof val === 'number' && what !== 'prompt' && !what.startsWith('response'))
    return String(val);
  if (Array.isArray(val) && val.length > 0) {
    const firstTurn: unknown = val[0];
    if (typeof firstTurn === 'string') return firstTurn;
    if (Array.isArray(firstTurn) && typeof firstTurn[0] === 'string') return firstTurn[0];
    const m = v.safeParse(Message, firstTurn);
    if (m.success) return m.output.content;
  }
  return fail(`field "${key}" (${what}) must be text, got ${typeName(val)}`);
}

function nonBlank(s: string, key: string | undefined): string {
  if (s.trim() === '') fail(`field "${key ?? ''}" (prompt) is empty`);
  return s;
}

/** A conversation's prompt (every user turn) and its answer (every assistant turn). */
function conversation(
  val: unknown,
  key: string,
): { prompt: string; answer: string; turns: number } {
  const parsed = v.safeParse(Conversation, val);
  if (!parsed.success) {
    fail(`field "${key}" must be a list of {role, content} messages, got ${typeName(val)}`);
  }
  const user: string[] = [];
  const assistant: string[] = [];
  for (const m of parsed.output) {
    const role = typeof m.role === 'string' ? m.role.toLowerCase() : '';
    if (role === 'user' || role === 'human') user.push(m.content);
    else if (role === 'assistant' || role === 'gpt' || role === 'model') assistant.push(m.content);
  }
  if (user.length === 0 || assistant.length === 0)
    fail(`"${key}" needs a user and an assistant turn`);
  const join = (xs: string[]) =>
    xs.length === 1 ? xs[0]! : xs.map((x, i) => `[Turn ${i + 1}]\n${x}`).join('\n\n');
  return { prompt: join(user), answer: join(assistant), turns: user.length };
}

/** HH-RLHF style transcripts: the shared prefix up to the last "Assistant:" is the prompt. */
function splitTranscript(
  chosen: string,
  rejected: string,
): { prompt: string; a: string; b: string } | null {
  const marker = '\n\nAssistant:';
  const i = chosen.lastIndexOf(marker);
  const j = rejected.lastIndexOf(marker);
  if (i < 0 || i !== j || chosen.slice(0, i) !== rejected.slice(0, j)) return null;
  return {
    prompt: chosen.slice(0, i).trim(),
    a: chosen.slice(i + marker.length).trim(),
    b: rejected.slice(j + marker.length).trim(),
  };
}

function score(val: unknown, key: string): number | undefined {
  if (val === undefined || val === null || val === '') return undefined;
  const n = typeof val === 'number' ? val : typeof val === 'string' ? Number(val.trim()) : NaN;
  if (!Number.isFinite(n))
    fail(
      `score "${key}" must be a number, got ${typeof val === 'string' ? `"${clip(val, 30)}"` : typeName(val)}`,
    );
  return n;
}

/** How each format spells its gold label; the same digits mean different things in different tools. */
const LABEL_READERS: Partial<Record<FormatId, (raw: unknown) => LabelResult>> = {
  'alpaca-eval': alpacaEvalPreference,
  'auto-j': autoJLabel,
};

function label(
  row: Record<string, unknown>,
  key: string | undefined,
  format: FormatId,
): 'A' | 'B' | 'tie' | undefined {
  if (!key) return undefined;
  const read = LABEL_READERS[format] ?? normalizeLabel;
  const r = read(Object.hasOwn(row, key) ? row[key] : undefined);
  if (!r.ok) fail(r.reason);
  return r.label;
}

/** PandaLM's columns that its adapter reads besides the mapping. */
const PANDALM_COLUMNS = ['input', 'annotator1', 'annotator2', 'annotator3'];

/**
 * Every source column a format reads with this mapping: the mapped ones and the ones the format's
 * adapter reads by itself. Whatever else a row holds goes to `meta`.
 */
export function columnsRead(format: FormatId, mapping: FieldMapping): Set<string> {
  const used = new Set(Object.values(mapping).filter((x): x is string => !!x));
  if (format === 'pandalm') for (const c of PANDALM_COLUMNS) used.add(c);
  return used;
}

/** A response as PandaLM's own (Python) code shows it: a few of its responses are JSON booleans. */
function pandaLMText(row: Record<string, unknown>, key: string | undefined, what: string): string {
  const val = key && Object.hasOwn(row, key) ? row[key] : undefined;
  if (typeof val === 'boolean') return val ? 'True' : 'False';
  return text(row, key, what, true)!;
}

/** Everything of the row that no mapping used, without prototype-changing keys; a row `meta` object is merged in. */
function metaOf(row: Record<string, unknown>, used: Set<string>): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(row)) {
    if (used.has(k) || UNSAFE_KEYS.has(k)) continue;
    if (k === 'meta' && typeof val === 'object' && val !== null && !Array.isArray(val)) {
      for (const [mk, mv] of Object.entries(val))
        if (!UNSAFE_KEYS.has(mk) && !(mk in meta)) meta[mk] = mv;
      continue;
    }
    meta[k] = val;
  }
  return meta;
}

function idOf(row: Record<string, unknown>, key: string | undefined, line: number): string {
  const val = key && Object.hasOwn(row, key) ? row[key] : undefined;
  if (val === undefined || val === null || val === '') return `line-${line}`;
  if (typeof val === 'string') return val;
  if (typeof val === 'number' && Number.isFinite(val)) return String(val);
  return fail(`id "${key}" must be text or a number, got ${typeName(val)}`);
}

/** A copy without undefined entries (IndexedDB and JSON exports then hold no empty keys). */
function defined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

/** Id columns that name a question, not an answer: a single-answer file repeats them per model. */
const QUESTION_IDS = new Set(['question_id', 'qid']);

/** Options of the adapters. */
export interface AdaptOptions {
  /** Seed of the chosen/rejected placement hash (default "arbiter"). */
  seed?: string;
}

/** Adapts one row at a time and remembers ids, so a duplicate id is reported on its own line. */
export class RowAdapter {
  private readonly seen = new Map<string, number>();
  private readonly used: Set<string>;

  constructor(
    readonly format: FormatId,
    readonly mapping: FieldMapping,
    private readonly opts: AdaptOptions = {},
  ) {
    this.used = columnsRead(format, mapping);
  }

  /** The item for this row, or the row's error. */
  adapt(row: SourceRow): ImportedItem | RowError {
    let id: string | undefined;
    try {
      if (!v.is(RowSchema, row.value))
        fail(`row is not a JSON object (got ${typeName(row.value)})`);
      const r = row.value;
      id = idOf(r, this.mapping.id, row.line);
      const item = this.build(r, id);
      const qkey = this.mapping.id;
      if (this.format === 'single' && item.modelA !== undefined && qkey && QUESTION_IDS.has(qkey)) {
        // Several models answer each question (FastChat single-answer files): one item per answer.
        id = `${id}:${item.modelA}`;
        item.id = id;
        item.meta = { ...item.meta, [qkey]: r[qkey] };
      }
      const firstLine = this.seen.get(id);
      if (firstLine !== undefined)
        fail(`duplicate id "${clip(id, 60)}" (first on line ${firstLine})`);
      this.seen.set(id, row.line);
      return item;
    } catch (e) {
      if (!(e instanceof RowFailure)) throw e;
      return defined({ line: row.line, id, reason: e.message, raw: rawOf(row.value) });
    }
  }

  private build(r: Record<string, unknown>, id: string): ImportedItem {
    const m = this.mapping;
    const meta = metaOf(r, this.used);
    // A multi-turn question (MT-Bench) keeps every turn; its flat fields hold the first.
    const own = (k: string | undefined) => (k && Object.hasOwn(r, k) ? r[k] : undefined);
    const turns = questionConversation(own(m.prompt), own(m.reference));
    // FastChat keys its games by the number: the id stays text, meta keeps the number.
    if (m.id === 'question_id' && typeof r.question_id === 'number')
      meta.question_id = r.question_id;
    // Arbiter's own rows (pairs, single answers) carry a conversation in the record's shape.
    let given;
    if (
      (this.format === 'arbiter' || this.format === 'single') &&
      own('conversation') !== undefined
    ) {
      const c = readConversation(r.conversation);
      if (typeof c === 'string') fail(c);
      given = c;
      delete meta.conversation;
    }
    const common = {
      reference: text(r, m.reference, 'reference', false),
      rubric: text(r, m.rubric, 'rubric', false),
      modelA: text(r, m.modelA, 'model A', false),
      modelB: text(r, m.modelB, 'model B', false),
      category: text(r, m.category, 'category', false),
    };
    switch (this.format) {
      case 'arbiter':
      case 'llmbar':
      case 'alpaca-eval':
      case 'auto-j':
      case 'judgebench':
      case 'custom': {
        const prompt = nonBlank(text(r, m.prompt, 'prompt', true)!, m.prompt);
        const responseA = text(r, m.responseA, 'response A', true)!;
        const responseB =
          this.format === 'custom' && !m.responseB
            ? undefined
            : text(r, m.responseB, 'response B', true);
        const gold = label(r, m.label, this.format);
        // A soft AlpacaEval preference (1.73) is kept: the label alone says only which side.
        const pref = m.label && this.format === 'alpaca-eval' ? r[m.label] : undefined;
        if (typeof pref === 'number' && ![0, 1, 1.5, 2].includes(pref)) meta.preference = pref;
        return defined({
          id,
          prompt,
          responseA,
          responseB,
          ...common,
          label: gold,
          conversation: given,
          meta,
        });
      }
      case 'pandalm': {
        const instruction = nonBlank(text(r, m.prompt, 'prompt', true)!, m.prompt);
        const input = text(r, 'input', 'input', false) ?? '';
        const votes = ['annotator1', 'annotator2', 'annotator3'].map((k) => r[k]);
        const gold = pandaLMLabel(votes);
        if (!gold.ok) fail(gold.reason);
        // cmp_key is "<model of response1>_<model of response2>".
        const models = typeof r.cmp_key === 'string' ? r.cmp_key.split('_') : [];
        const [ma, mb] = models.length === 2 ? models : [];
        return defined({
          id,
          // One prompt of instruction and input, joined as ../shared/data/pandalm-test joins them.
          prompt: input.trim() === '' ? instruction : `${instruction}\n\n${input}`,
          responseA: pandaLMText(r, m.responseA, 'response A'),
          responseB: pandaLMText(r, m.responseB, 'response B'),
          ...common,
          modelA: common.modelA ?? ma,
          modelB: common.modelB ?? mb,
          label: gold.label,
          meta: { ...meta, instruction, input, annotators: votes },
        });
      }
      case 'chosen-rejected': {
        const key = m.responseA;
        const rkey = m.responseB;
        let chosen: string;
        let rejected: string;
        let prompt: string | undefined;
        const cv = key ? r[key] : undefined;
        if (Array.isArray(cv)) {
          const c = conversation(cv, key!);
          const j = conversation(rkey ? r[rkey] : undefined, rkey ?? 'rejected');
          chosen = c.answer;
          rejected = j.answer;
          prompt = m.prompt ? text(r, m.prompt, 'prompt', true) : c.prompt;
        } else {
          chosen = text(r, key, 'response A', true)!;
          rejected = text(r, rkey, 'response B', true)!;
          prompt = text(r, m.prompt, 'prompt', false);
          if (prompt === undefined) {
            const split = splitTranscript(chosen, rejected);
            if (!split)
              fail('no prompt field, and chosen/rejected are not transcripts with a shared prompt');
            ({ prompt, a: chosen, b: rejected } = split);
          }
        }
        nonBlank(prompt!, m.prompt);
        const aFirst = chosenFirst(id, this.opts.seed);
        return defined({
          id,
          prompt: prompt!,
          responseA: aFirst ? chosen : rejected,
          responseB: aFirst ? rejected : chosen,
          ...common,
          modelA: aFirst ? common.modelA : common.modelB,
          modelB: aFirst ? common.modelB : common.modelA,
          label: aFirst ? ('A' as const) : ('B' as const),
          meta: { ...meta, chosenPosition: aFirst ? 'A' : 'B' },
        });
      }
      case 'fastchat': {
        const ka = m.responseA ?? 'conversation_a';
        const kb = m.responseB ?? 'conversation_b';
        const a = conversation(r[ka], ka);
        const b = conversation(r[kb], kb);
        if (a.prompt !== b.prompt) meta.promptB = b.prompt;
        return defined({
          id,
          prompt: nonBlank(a.prompt, ka),
          responseA: a.answer,
          responseB: b.answer,
          ...common,
          label: label(r, m.label, this.format),
          meta: { ...meta, turns: a.turns },
        });
      }
      case 'arena-hard':
      case 'single': {
        const prompt = nonBlank(text(r, m.prompt, 'prompt', true)!, m.prompt);
        const promptOnly = !m.responseA;
        const responseA = promptOnly ? '' : text(r, m.responseA, 'response', true)!;
        const s = m.label ? score(r[m.label], m.label) : undefined;
        return defined({
          id,
          prompt,
          responseA,
          ...common,
          modelB: undefined,
          label: s,
          conversation: promptOnly ? turns : given,
          meta: promptOnly ? { ...meta, promptOnly: true } : meta,
        });
      }
    }
  }
}

/** The start of a row as JSON, for the error list. */
export function rawOf(value: unknown): string {
  try {
    return clip(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)), 300);
  } catch {
    return String(value);
  }
}

/** Adapts all rows; bad rows become errors and never stop the others. */
export function adaptRows(
  rows: Iterable<SourceRow>,
  format: FormatId,
  mapping: FieldMapping,
  opts: AdaptOptions = {},
): { items: ImportedItem[]; errors: RowError[] } {
  const adapter = new RowAdapter(format, mapping, opts);
  const items: ImportedItem[] = [];
  const errors: RowError[] = [];
  for (const row of rows) {
    const out = adapter.adapt(row);
    if ('reason' in out) errors.push(out);
    else items.push(out);
  }
  return { items, errors };
}
