// Review digests (v3): compact per-run facts of judgments and their items, kept current on every judgment write.
// Reading and rebuilding them is in digest-read.ts, which only the lazily loaded review pages import.
import type { IDBPTransaction } from 'idb';
import type {
  ArbiterDB,
  ItemColumns,
  ItemFacts,
  JudgmentColumns,
  JudgmentFacts,
  JudgmentRecord,
  ParseStatus,
  ReviewDigestChunk,
  StoredVerdict,
} from './schema';
import { requests } from './tx';
import { digestRange, itemFacts, type ItemFactsCache } from './digest-keys';

export { digestRange, itemFacts, itemSubset, ItemFactsCache, PROMPT_SNIPPET } from './digest-keys';

/** Judgments per digest chunk: small enough that a batch write's read-modify-write stays cheap. */
export const DIGEST_CHUNK = 64;

/** A judgment's facts as the digest keeps them (no text, no parameters). */
export function judgmentFacts(j: JudgmentRecord): JudgmentFacts {
  const f: JudgmentFacts = {
    id: j.id,
    runId: j.runId,
    itemId: j.itemId,
    protocol: j.protocol,
    order: j.order,
    sample: j.sample,
    verdict: j.verdict,
    parse: j.parse,
    usage: {
      promptTokens: j.usage.promptTokens,
      completionTokens: j.usage.completionTokens,
      totalMs: j.usage.totalMs,
    },
    createdAt: j.createdAt,
    score: typeof j.score === 'number' ? j.score : null,
    probabilities: j.probabilities
      ? j.probabilities.tie === undefined
        ? { A: j.probabilities.A, B: j.probabilities.B }
        : { A: j.probabilities.A, B: j.probabilities.B, tie: j.probabilities.tie }
      : null,
  };
  return f;
}

/** A chunk as appendToDigests edits it: facts as objects. */
export interface OpenChunk {
  runId: string;
  chunk: number;
  judgments: JudgmentFacts[];
  items: ItemFacts[];
}

const JN = 9;
const IN = 3;
const ORDER_CODE = { AB: 'A', BA: 'B' } as const;
const VERDICT_CODE: Record<string, string> = { A: 'A', B: 'B', tie: 't', null: '-' };
const VERDICT_OF: Record<string, StoredVerdict> = { A: 'A', B: 'B', t: 'tie', '-': null };
const PARSE_CODE: Record<ParseStatus, string> = { ok: 'o', repaired: 'r', failed: 'f' };
const PARSE_OF: Record<string, ParseStatus> = { o: 'ok', r: 'repaired', f: 'failed' };
const num = (x: number | null | undefined) => (typeof x === 'number' ? x : NaN);
const orNull = (x: number) => (Number.isNaN(x) ? null : x);

/** Facts to columns (what is stored). */
export function encodeChunk(c: OpenChunk): ReviewDigestChunk {
  const js = c.judgments;
  const jn = new Float64Array(js.length * JN);
  let codes = '';
  js.forEach((j, i) => {
    codes += ORDER_CODE[j.order] + VERDICT_CODE[String(j.verdict)] + PARSE_CODE[j.parse];
    const p = j.probabilities;
    jn.set(
      [
        j.sample,
        j.createdAt,
        j.usage.promptTokens,
        j.usage.completionTokens,
        j.usage.totalMs,
        num(j.score),
        num(p?.A),
        num(p?.B),
        num(p?.tie),
      ],
      i * JN,
    );
  });
  const judgments: JudgmentColumns = {
    id: js.map((j) => j.id),
    itemId: js.map((j) => j.itemId),
    protocol: js.map((j) => j.protocol),
    codes,
    num: jn,
  };
  const its = c.items;
  const inum = new Float64Array(its.length * IN);
  its.forEach((it, i) => inum.set([it.index, it.lenA, num(it.lenB)], i * IN));
  const items: ItemColumns = {
    id: its.map((i) => i.id),
    datasetId: its.map((i) => i.datasetId ?? null),
    label: its.map((i) => i.label ?? null),
    modelA: its.map((i) => i.modelA ?? null),
    modelB: its.map((i) => i.modelB ?? null),
    subset: its.map((i) => i.subset),
    prompt: its.map((i) => i.prompt),
    num: inum,
  };
  return { runId: c.runId, chunk: c.chunk, judgments, items };
}

/** Numbers stored per judgment (JudgmentColumns.num) and per item (ItemColumns.num). */
export const JUDGMENT_NUMS = JN;
export const ITEM_NUMS = IN;

/** Verdict of a digest verdict code (JudgmentColumns.codes, second character of three). */
export function verdictOfCode(code: string | undefined): StoredVerdict {
  return VERDICT_OF[code ?? '-'] ?? null;
}

/**
 * The facts of judgment `i` of columns (a chunk's, or a run's merged ones): the shape
 * judgmentFacts gives.
 */
export function judgmentAt(
  J: Pick<JudgmentColumns, 'id' | 'itemId' | 'protocol' | 'codes' | 'num'>,
  runId: string,
  i: number,
): JudgmentFacts {
  const o = i * JN;
  const n = J.num;
  const pA = n[o + 6]!;
  const tie = n[o + 8]!;
  return {
    id: J.id[i]!,
    runId,
    itemId: J.itemId[i]!,
    protocol: J.protocol[i]!,
    order: J.codes[i * 3] === 'A' ? 'AB' : 'BA',
    sample: n[o]!,
    verdict: VERDICT_OF[J.codes[i * 3 + 1]!] ?? null,
    parse: PARSE_OF[J.codes[i * 3 + 2]!] ?? 'failed',
    usage: { promptTokens: n[o + 2]!, completionTokens: n[o + 3]!, totalMs: n[o + 4]! },
    createdAt: n[o + 1]!,
    score: orNull(n[o + 5]!),
    probabilities: Number.isNaN(pA)
      ? null
      : Number.isNaN(tie)
        ? { A: pA, B: n[o + 7]! }
        : { A: pA, B: n[o + 7]!, tie },
  };
}

/** A chunk's item columns back to facts (the shape itemFacts gives). */
export function decodeItems(I: ItemColumns): ItemFacts[] {
  return I.id.map((id, i) => {
    const o = i * IN;
    const f: ItemFacts = {
      id,
      index: I.num[o]!,
      subset: I.subset[i] ?? null,
      prompt: I.prompt[i]!,
      lenA: I.num[o + 1]!,
    };
    const datasetId = I.datasetId[i];
    const label = I.label[i];
    const modelA = I.modelA[i];
    const modelB = I.modelB[i];
    const lenB = I.num[o + 2]!;
    if (datasetId != null) f.datasetId = datasetId;
    if (label != null) f.label = label;
    if (modelA != null) f.modelA = modelA;
    if (modelB != null) f.modelB = modelB;
    if (!Number.isNaN(lenB)) f.lenB = lenB;
    return f;
  });
}

/** Columns back to facts (the shapes judgmentFacts and itemFacts give). */
export function decodeChunk(c: ReviewDigestChunk): OpenChunk {
  const judgments = c.judgments.id.map((_, i) => judgmentAt(c.judgments, c.runId, i));
  return { runId: c.runId, chunk: c.chunk, judgments, items: decodeItems(c.items) };
}

type WriteTx = IDBPTransaction<ArbiterDB, ['judgments', 'items', 'digests', 'runs'], 'readwrite'>;

/**
 * Appends the judgments' facts to their runs' digests inside the caller's write transaction:
 * per run, one read of the last chunk, item reads only for items that chunk does not know yet,
 * and one put per touched chunk. Awaits only IndexedDB requests.
 */
export async function appendToDigests(
  tx: WriteTx,
  judgments: readonly JudgmentRecord[],
  cache?: ItemFactsCache,
): Promise<void> {
  const byRun = new Map<string, JudgmentRecord[]>();
  for (const j of judgments) {
    const list = byRun.get(j.runId);
    if (list) list.push(j);
    else byRun.set(j.runId, [j]);
  }
  const store = tx.objectStore('digests');
  const items = tx.objectStore('items');
  for (const [runId, js] of byRun) {
    const cursor = await store.openCursor(digestRange(runId), 'prev');
    let chunk: OpenChunk = cursor
      ? decodeChunk(cursor.value)
      : { runId, chunk: 0, judgments: [], items: [] };
    const touched: OpenChunk[] = [chunk];
    const known = new Set(chunk.items.map((i) => i.id));
    const need = new Set<string>();
    for (const j of js) {
      if (chunk.judgments.length >= DIGEST_CHUNK) {
        chunk = { runId, chunk: chunk.chunk + 1, judgments: [], items: [] };
        touched.push(chunk);
        known.clear();
      }
      chunk.judgments.push(judgmentFacts(j));
      if (!known.has(j.itemId)) {
        known.add(j.itemId);
        need.add(j.itemId);
      }
    }
    const facts = new Map<string, ItemFacts>();
    const ids: string[] = [];
    for (const id of need) {
      const f = cache?.get(id);
      if (f) facts.set(id, f);
      else ids.push(id);
    }
    const found = await requests(ids, (id) => items.get(id));
    cache?.note(found);
    found.forEach((it) => it && facts.set(it.id, itemFacts(it)));
    for (const c of touched) {
      const have = new Set(c.items.map((i) => i.id));
      for (const j of c.judgments) {
        const f = facts.get(j.itemId);
        if (f && !have.has(f.id)) {
          have.add(f.id);
          c.items.push(f);
        }
      }
    }
    await requests(touched, (c) => store.put(encodeChunk(c)));
  }
}
