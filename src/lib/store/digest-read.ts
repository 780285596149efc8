// Reading review digests: a run's facts if current, else rebuilt from its records (review pages only).
import type { IDBPDatabase } from 'idb';
import type {
  ArbiterDB,
  ItemFacts,
  JudgmentColumns,
  JudgmentFacts,
  ReviewDigestChunk,
} from './schema';
import {
  decodeItems,
  DIGEST_CHUNK,
  digestRange,
  encodeChunk,
  itemFacts,
  judgmentAt,
  judgmentFacts,
  JUDGMENT_NUMS,
  type OpenChunk,
} from './digests';
import { inTx, requests } from './tx';

/** Judgments read per step while rebuilding a digest. */
const REBUILD_BATCH = 1000;

/**
 * Judgments per chunk of a compacted digest: a 20,000-judgment run reads as five records instead
 * of ~300 (each record has a fixed cost to read and decode, far above its per-judgment cost).
 */
export const COMPACT_CHUNK = 4096;

/** A digest with more chunks than this is compacted after it is read (appends leave 64-judgment chunks). */
export const COMPACT_AFTER = 8;

// Arrays sort after every string and number, so [x, []] bounds all keys that start with x.
const AFTER_ALL: never[] = [];

/**
 * A run's judgment facts by column, merged from its chunks (each id once, the last write of it),
 * in stored order: what the review's rows are built from without an object per judgment.
 */
export interface JudgmentTable extends Omit<JudgmentColumns, 'codes'> {
  runId: string;
  length: number;
  /** Three characters per judgment, as JudgmentColumns.codes. */
  codes: string;
}

/** A run's digest as read: judgments (last write of each id wins) and the facts of their items. */
export interface RunDigest {
  table: JudgmentTable;
  /** The judgments' facts as objects, built on first use (the review's first screen reads `table`). */
  readonly judgments: JudgmentFacts[];
  items: Map<string, ItemFacts>;
  /** Stored chunks it was read from (more than COMPACT_AFTER: worth a `compact`). */
  chunks: number;
}

/** The facts of every judgment of a table, in its order. */
export function tableFacts(t: JudgmentTable): JudgmentFacts[] {
  const out: JudgmentFacts[] = new Array(t.length);
  for (let i = 0; i < t.length; i++) out[i] = judgmentAt(t, t.runId, i);
  return out;
}

/** A table of facts (a rebuilt digest's), the columns encodeChunk stores. */
export function tableOf(runId: string, facts: readonly JudgmentFacts[]): JudgmentTable {
  const c = encodeChunk({ runId, chunk: 0, judgments: [...facts], items: [] }).judgments;
  return { ...c, runId, length: facts.length };
}

function digestOf(
  table: JudgmentTable,
  items: Map<string, ItemFacts>,
  chunks: number,
  facts?: JudgmentFacts[],
): RunDigest {
  let judgments = facts;
  return {
    table,
    items,
    chunks,
    get judgments() {
      return (judgments ??= tableFacts(table));
    },
  };
}

/** One column of every chunk, end to end (a plain loop: flatMap is ten times slower here). */
function concat(stored: readonly ReviewDigestChunk[], pick: (c: JudgmentColumns) => string[]) {
  let n = 0;
  for (const c of stored) n += pick(c.judgments).length;
  const out = new Array<string>(n);
  let at = 0;
  for (const c of stored) {
    const xs = pick(c.judgments);
    for (let i = 0; i < xs.length; i++) out[at++] = xs[i]!;
  }
  return out;
}

/**
 * Merges chunks in order into one table: a judgment id seen again replaces the earlier entry in
 * place. Without repeats (the usual case, checked with one Set) the columns are concatenated.
 */
export function mergeChunks(runId: string, stored: readonly ReviewDigestChunk[]): RunDigest {
  const items = new Map<string, ItemFacts>();
  for (const c of stored) for (const i of decodeItems(c.items)) items.set(i.id, i);
  const ids = concat(stored, (c) => c.id);
  const W = JUDGMENT_NUMS;
  let table: JudgmentTable;
  if (new Set(ids).size === ids.length) {
    const num = new Float64Array(ids.length * W);
    let at = 0;
    for (const c of stored) {
      num.set(c.judgments.num.subarray(0, c.judgments.id.length * W), at);
      at += c.judgments.id.length * W;
    }
    table = {
      runId,
      length: ids.length,
      id: ids,
      itemId: concat(stored, (c) => c.itemId),
      protocol: concat(stored, (c) => c.protocol),
      codes: stored.map((c) => c.judgments.codes).join(''),
      num,
    };
  } else {
    const byId = new Map<string, JudgmentFacts>();
    for (const c of stored)
      for (let i = 0; i < c.judgments.id.length; i++) {
        const j = judgmentAt(c.judgments, runId, i);
        byId.set(j.id, j);
      }
    const facts = [...byId.values()];
    return digestOf(tableOf(runId, facts), items, stored.length, facts);
  }
  return digestOf(table, items, stored.length);
}

/**
 * Cuts facts into chunks: COMPACT_CHUNK-sized ones, then the last judgments in a DIGEST_CHUNK-sized
 * tail, so the chunk appendToDigests decodes and rewrites on every judgment write stays small.
 */
export function packChunks(
  runId: string,
  facts: readonly JudgmentFacts[],
  items: ReadonlyMap<string, ItemFacts>,
): OpenChunk[] {
  const tail = facts.length === 0 ? 0 : ((facts.length - 1) % DIGEST_CHUNK) + 1;
  const bodyEnd = facts.length - tail;
  const bounds: number[] = [];
  for (let i = 0; i < bodyEnd; i += COMPACT_CHUNK) bounds.push(i);
  if (tail > 0) bounds.push(bodyEnd);
  return bounds.map((from, k) => {
    const js = facts.slice(from, k + 1 < bounds.length ? bounds[k + 1] : facts.length);
    const ids = new Set(js.map((j) => j.itemId));
    const its = [...ids].map((id) => items.get(id)).filter((f): f is ItemFacts => !!f);
    return { runId, chunk: k, judgments: js, items: its };
  });
}

/** Progress of a digest rebuild: judgments read so far of `total`. */
export type DigestProgress = (done: number, total: number) => void;

/** Reads, checks and rebuilds runs' review digests. */
export class DigestStore {
  constructor(private readonly db: IDBPDatabase<ArbiterDB>) {}

  /**
   * The run's digest if it is current (its distinct judgments match the run's stored count),
   * else null. One readonly transaction: the chunks and a key count.
   */
  async read(runId: string): Promise<RunDigest | null> {
    const { chunks, count } = await inTx(
      this.db,
      ['digests', 'judgments'],
      'readonly',
      async (tx) => {
        const [chunks, count] = await Promise.all([
          tx.objectStore('digests').getAll(digestRange(runId)),
          tx
            .objectStore('judgments')
            .index('by-run')
            .count(IDBKeyRange.bound([runId], [runId, AFTER_ALL])),
        ]);
        return { chunks, count };
      },
    );
    if (chunks.length === 0)
      return count === 0 ? digestOf(tableOf(runId, []), new Map(), 0, []) : null;
    const digest = mergeChunks(runId, chunks);
    return digest.table.length === count ? digest : null;
  }

  /**
   * Builds the run's digest from its judgments and items (reading them in batches, reporting
   * progress) and stores it, unless the run's judgments changed meanwhile (then the next read
   * finds it stale again). Resolves with the digest built.
   */
  async rebuild(runId: string, onProgress?: DigestProgress): Promise<RunDigest> {
    const total = await inTx(this.db, ['judgments'], 'readonly', (tx) =>
      tx
        .objectStore('judgments')
        .index('by-run')
        .count(IDBKeyRange.bound([runId], [runId, AFTER_ALL])),
    );
    onProgress?.(0, total);
    const facts: JudgmentFacts[] = [];
    const items = new Map<string, ItemFacts>();
    let after: [number, string] | null = null;
    for (;;) {
      const lower: unknown[] = after ? [runId, ...after] : [runId];
      const { batch, found } = await inTx(
        this.db,
        ['judgments', 'items'],
        'readonly',
        async (tx) => {
          const batch = await tx
            .objectStore('judgments')
            .index('by-run')
            .getAll(IDBKeyRange.bound(lower, [runId, AFTER_ALL], after !== null), REBUILD_BATCH);
          const ids = [...new Set(batch.map((j) => j.itemId))].filter((id) => !items.has(id));
          const store = tx.objectStore('items');
          const found = await requests(ids, (id) => store.get(id));
          return { batch, found };
        },
      );
      for (const j of batch) facts.push(judgmentFacts(j));
      for (const it of found) if (it) items.set(it.id, itemFacts(it));
      onProgress?.(facts.length, Math.max(total, facts.length));
      if (batch.length < REBUILD_BATCH) break;
      const last = batch[batch.length - 1]!;
      after = [last.createdAt, last.id];
    }
    const chunks = packChunks(runId, facts, items);
    await inTx(this.db, ['digests', 'judgments'], 'readwrite', async (tx) => {
      const now = await tx
        .objectStore('judgments')
        .index('by-run')
        .count(IDBKeyRange.bound([runId], [runId, AFTER_ALL]));
      if (now !== facts.length) return;
      const store = tx.objectStore('digests');
      await store.delete(digestRange(runId));
      await requests(chunks, (c) => store.put(encodeChunk(c)));
    });
    return digestOf(tableOf(runId, facts), items, chunks.length, facts);
  }

  /**
   * Rewrites a current digest into few large chunks (packChunks), in one readwrite transaction
   * so no append lands between the read and the rewrite. Leaves a stale digest alone (the next
   * read rebuilds it). Resolves with whether it rewrote anything.
   */
  async compact(runId: string): Promise<boolean> {
    return inTx(this.db, ['digests', 'judgments'], 'readwrite', async (tx) => {
      const store = tx.objectStore('digests');
      const [stored, count] = await Promise.all([
        store.getAll(digestRange(runId)),
        tx
          .objectStore('judgments')
          .index('by-run')
          .count(IDBKeyRange.bound([runId], [runId, AFTER_ALL])),
      ]);
      if (stored.length <= 1) return false;
      const digest = mergeChunks(runId, stored);
      if (digest.table.length !== count) return false;
      const chunks = packChunks(runId, digest.judgments, digest.items);
      if (chunks.length >= stored.length) return false;
      await store.delete(digestRange(runId));
      await requests(chunks, (c) => store.put(encodeChunk(c)));
      return true;
    });
  }

  /** The run's digest: current from the store, else rebuilt (with progress) and stored. */
  async get(runId: string, onProgress?: DigestProgress): Promise<RunDigest> {
    return (await this.read(runId)) ?? this.rebuild(runId, onProgress);
  }

  /** Drops a run's digest (it is rebuilt on next use). */
  async invalidate(runId: string): Promise<void> {
    await inTx(this.db, ['digests'], 'readwrite', (tx) =>
      tx.objectStore('digests').delete(digestRange(runId)),
    );
  }
}
