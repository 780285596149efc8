// Repository of judgments: written one by one as they complete; read by key, run, item and history page.
import { unwrap, type IDBPDatabase, type IDBPIndex } from 'idb';
import type { ArbiterDB, ItemRecord, JudgmentRecord } from './schema';
import { StoreError, toStoreError } from './errors';
import type { RunPatch } from './runs';
import { inTx, requests } from './tx';
import { digestRange, ItemFactsCache } from './digest-keys';

type DigestWriter = Pick<typeof import('./digests'), 'appendToDigests'>;
let writer: DigestWriter | null = null;
let loadingWriter: Promise<DigestWriter> | null = null;

/**
 * Loads the digest writer with the first judgment write (it is not needed to start the app).
 * Callers use `writer ?? await loadDigestWriter()`: awaiting import() of a loaded module still
 * waits for a task, 5–15 ms between a judgment's end and its save on a busy page.
 */
function loadDigestWriter(): Promise<DigestWriter> {
  return (loadingWriter ??= import('./digests').then(
    (m) => (writer = m),
    (e: unknown) => {
      loadingWriter = null;
      throw e;
    },
  ));
}

/** Where a history page ends; pass it as `before` to get the next (older) page. */
export interface HistoryCursor {
  createdAt: number;
  id: string;
}

/** A judgment with the item it judged (undefined if the item was deleted). */
export interface HistoryEntry {
  judgment: JudgmentRecord;
  item: ItemRecord | undefined;
}

/** One page of history, newest first. */
export interface HistoryPage {
  entries: HistoryEntry[];
  /** Cursor for the next page, or null when the scan reached the oldest judgment. */
  next: HistoryCursor | null;
  /** How many judgments were examined to fill this page. */
  scanned: number;
}

/** Options of `newest`. */
export interface HistoryQuery {
  /** Page size (default 50). */
  limit?: number;
  /** Only judgments strictly older than this cursor. */
  before?: HistoryCursor | null;
  /**
   * Text search: every whitespace-separated term must occur (case-insensitive) in the prompt,
   * either response, the reference, the judgment text or the model id.
   */
  query?: string;
  /**
   * Stop after examining this many judgments even if the page is not full (default 2,000), so
   * a search with few hits never freezes the UI; `next` lets the UI continue.
   */
  scanLimit?: number;
}

/** Options of `all`. */
export interface StreamOptions {
  /** Only this run's judgments. */
  runId?: string;
  /** Records read per transaction (default 500). */
  batchSize?: number;
}

/**
 * Batches commit with relaxed durability: the browser reports the commit once the data is in its
 * own storage process, without waiting for the OS to flush it to disk. A closed or crashed tab
 * still keeps it; only an OS crash or power loss in the next moment could lose the last batch,
 * which the runner then judges again. It makes batch writes several times cheaper in Chromium.
 */
const RELAXED: IDBTransactionOptions = { durability: 'relaxed' };

// Arrays sort after every string and number, so [x, []] bounds all keys that start with x.
const AFTER_ALL: never[] = [];

/** Every judgment write also appends to review digests, which read the judged items. */
const WRITE_STORES: ['judgments', 'items', 'digests', 'runs'] = [
  'judgments',
  'items',
  'digests',
  'runs',
];

const newestFirst = (a: JudgmentRecord, b: JudgmentRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

/** Records read per request while scanning history. */
const SCAN_BATCH = 200;

type CreatedAtIndex = IDBPIndex<
  ArbiterDB,
  ['judgments', 'items'],
  'judgments',
  'by-createdAt',
  'readonly'
>;

/**
 * Up to `n` judgments just below `upper` (exclusive; null = from the newest), newest first, in
 * three requests: a key cursor from the top, one advance to the n-th key, one getAll between.
 * `exhausted` is true when nothing older than the batch exists.
 */
async function newestBatch(
  index: CreatedAtIndex,
  upper: [number, string] | null,
  n: number,
): Promise<{ records: JudgmentRecord[]; exhausted: boolean }> {
  const top = upper ? IDBKeyRange.upperBound(upper, true) : null;
  const first = await index.openKeyCursor(top, 'prev');
  if (!first) return { records: [], exhausted: true };
  const nth = n > 1 ? await first.advance(n - 1) : first;
  if (!nth) return { records: (await index.getAll(top)).reverse(), exhausted: true };
  const lower = nth.key;
  const range = upper
    ? IDBKeyRange.bound(lower, upper, false, true)
    : IDBKeyRange.lowerBound(lower);
  return { records: (await index.getAll(range)).reverse(), exhausted: false };
}

/** Lowercased search terms of a query; empty when the query is blank. */
function terms(query: string | undefined): string[] {
  return (query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
}

function matches(j: JudgmentRecord, item: ItemRecord | undefined, ts: string[]): boolean {
  if (ts.length === 0) return true;
  const hay = [j.text, j.modelId, item?.prompt, item?.responseA, item?.responseB, item?.reference]
    .filter((s): s is string => typeof s === 'string')
    .join('\u0000')
    .toLowerCase();
  return ts.every((t) => hay.includes(t));
}

/**
 * Judgments. Every method is one transaction and rejects with a StoreError; a failed write
 * leaves everything written before it intact.
 */
export class JudgmentStore {
  /**
   * @param db an open database from openArbiterDB.
   * @param facts item facts shared with the ItemStore (review digests read items only on a miss).
   */
  constructor(
    private readonly db: IDBPDatabase<ArbiterDB>,
    private readonly facts = new ItemFactsCache(),
  ) {}

  /** The database, for the review digest reader (digest-read.ts, loaded with the review pages). */
  get database(): IDBPDatabase<ArbiterDB> {
    return this.db;
  }

  /**
   * Saves (or replaces, by id) one judgment, and its run's review digest in the same transaction.
   * Call it the moment the judgment completes.
   */
  async put(judgment: JudgmentRecord): Promise<void> {
    // Loaded before the transaction opens: inside it, only IndexedDB calls may be awaited.
    const { appendToDigests } = writer ?? (await loadDigestWriter());
    await inTx(this.db, WRITE_STORES, 'readwrite', async (tx) => {
      await Promise.all([
        tx.objectStore('judgments').put(judgment),
        appendToDigests(tx, [judgment], this.facts),
      ]);
    });
  }

  /**
   * Saves many judgments in one transaction (all or none) and, when `run` is given, patches that
   * run in the same transaction, so stored progress never disagrees with stored judgments. One
   * transaction per batch is what makes 10,000 judgments cheap (see bench/runs.mjs). The
   * runs' review digests (digests.ts) are appended to in the same transaction.
   */
  async putMany(
    judgments: readonly JudgmentRecord[],
    run?: { id: string; patch: RunPatch; now?: number },
  ): Promise<void> {
    const { appendToDigests } = writer ?? (await loadDigestWriter());
    await inTx(
      this.db,
      WRITE_STORES,
      'readwrite',
      async (tx) => {
        // Plain requests, not idb's promise per request: a batch's failure aborts the transaction
        // and surfaces through tx.done, and 10,000 promises cost more renderer time than the puts.
        const store = unwrap(tx.objectStore('judgments'));
        for (const j of judgments) store.put(j);
        const digest = appendToDigests(tx, judgments, this.facts);
        // If the run check below throws, the transaction aborts and this rejects unawaited.
        digest.catch(() => undefined);
        if (run) {
          const runs = tx.objectStore('runs');
          const current = await runs.get(run.id);
          if (!current)
            throw new StoreError(
              `No run with id ${run.id}.`,
              'It may have been deleted in another tab; reload.',
            );
          await runs.put({ ...current, ...run.patch, updatedAt: run.now ?? Date.now() });
        }
        await digest;
      },
      RELAXED,
    );
  }

  /** The judgment with this id, or undefined. */
  async get(id: string): Promise<JudgmentRecord | undefined> {
    return inTx(this.db, ['judgments'], 'readonly', (tx) => tx.objectStore('judgments').get(id));
  }

  /** Every judgment of this work key (there may be several; see the schema), newest first. */
  async byKey(key: string): Promise<JudgmentRecord[]> {
    const [found] = await this.byKeys([key]);
    return found ?? [];
  }

  /**
   * byKey for several keys in one read-only transaction, resolved as soon as the reads are back
   * (a read-only transaction's commit adds nothing to wait for): the Judge page asks this before
   * every judging, on the way to the first token.
   */
  byKeys(keys: readonly string[]): Promise<JudgmentRecord[][]> {
    return new Promise((resolve, reject) => {
      const fail = (e: unknown) => reject(toStoreError(e));
      try {
        const index = unwrap(this.db)
          .transaction('judgments', 'readonly')
          .objectStore('judgments')
          .index('by-key');
        const out: JudgmentRecord[][] = keys.map(() => []);
        let left = keys.length;
        if (left === 0) resolve(out);
        keys.forEach((key, i) => {
          const req = index.getAll(key);
          req.onerror = () => fail(req.error);
          req.onsuccess = () => {
            out[i] = (req.result as JudgmentRecord[]).sort(newestFirst);
            if (--left === 0) resolve(out);
          };
        });
      } catch (e) {
        fail(e);
      }
    });
  }

  /**
   * Which of these keys already have a judgment (in any run). The runner asks this once per
   * run to skip work done before, so nothing is judged twice and a run resumes.
   */
  async existingKeys(keys: Iterable<string>): Promise<Set<string>> {
    const unique = [...new Set(keys)];
    return inTx(this.db, ['judgments'], 'readonly', async (tx) => {
      const index = tx.objectStore('judgments').index('by-key');
      const hits = await requests(unique, (k) => index.getKey(k));
      return new Set(unique.filter((_, i) => hits[i] !== undefined));
    });
  }

  /** Which of these judgment ids are stored. */
  async existingIds(ids: Iterable<string>): Promise<Set<string>> {
    const unique = [...new Set(ids)];
    return inTx(this.db, ['judgments'], 'readonly', async (tx) => {
      const store = tx.objectStore('judgments');
      const hits = await requests(unique, (id) => store.getKey(id));
      return new Set(unique.filter((_, i) => hits[i] !== undefined));
    });
  }

  /** A run's judgments, oldest first. */
  async byRun(runId: string): Promise<JudgmentRecord[]> {
    return inTx(this.db, ['judgments'], 'readonly', (tx) =>
      tx
        .objectStore('judgments')
        .index('by-run')
        .getAll(IDBKeyRange.bound([runId], [runId, AFTER_ALL])),
    );
  }

  /** The usage of a run's first `limit` judgments (a model's measured speed, without reading every text). */
  async usageSample(runId: string, limit: number): Promise<JudgmentRecord['usage'][]> {
    const found = await inTx(this.db, ['judgments'], 'readonly', (tx) =>
      tx
        .objectStore('judgments')
        .index('by-run')
        .getAll(IDBKeyRange.bound([runId], [runId, AFTER_ALL]), limit),
    );
    return found.map((j) => j.usage);
  }

  /** An item's judgments across runs, in no particular order. */
  async byItem(itemId: string): Promise<JudgmentRecord[]> {
    return inTx(this.db, ['judgments'], 'readonly', (tx) =>
      tx.objectStore('judgments').index('by-item').getAll(itemId),
    );
  }

  /**
   * A page of history, newest first, optionally filtered by text (see HistoryQuery). The search
   * is a linear scan of the newest-first index joined with items, read SCAN_BATCH records per
   * request. Its cost is reading the records: 0.2-0.7 ms per 3 KB judgment in headless Chromium
   * on the test machine, so one call with the default `scanLimit` (2,000) takes up to ~1 s;
   * beyond ~10,000 judgments, full-text search wants an index of its own.
   */
  async newest(q: HistoryQuery = {}): Promise<HistoryPage> {
    const limit = Math.max(1, q.limit ?? 50);
    const scanLimit = Math.max(limit, q.scanLimit ?? 2000);
    const ts = terms(q.query);
    return inTx(this.db, ['judgments', 'items'], 'readonly', async (tx) => {
      const index = tx.objectStore('judgments').index('by-createdAt');
      const items = tx.objectStore('items');
      const itemCache = new Map<string, ItemRecord | undefined>();
      const entries: HistoryEntry[] = [];
      let upper: [number, string] | null = q.before ? [q.before.createdAt, q.before.id] : null;
      let scanned = 0;
      let exhausted = false;
      while (!exhausted && entries.length < limit && scanned < scanLimit) {
        // Without a query every record is a hit, so read no more than the page needs.
        const want = ts.length === 0 ? limit - entries.length : SCAN_BATCH;
        const batch = await newestBatch(index, upper, Math.min(want, scanLimit - scanned));
        if (batch.records.length === 0) {
          exhausted = true;
          break;
        }
        const missing = [...new Set(batch.records.map((j) => j.itemId))].filter(
          (id) => !itemCache.has(id),
        );
        const found = await requests(missing, (id) => items.get(id));
        missing.forEach((id, i) => itemCache.set(id, found[i]));
        let used = 0;
        for (const j of batch.records) {
          if (entries.length >= limit) break;
          used += 1;
          upper = [j.createdAt, j.id];
          const item = itemCache.get(j.itemId);
          if (matches(j, item, ts)) entries.push({ judgment: j, item });
        }
        scanned += used;
        // The scan reached the oldest judgment only if this last batch was used up.
        exhausted = batch.exhausted && used === batch.records.length;
      }
      // When the page filled exactly at a batch's end, look once more to report the true end.
      if (
        !exhausted &&
        upper &&
        (await index.openKeyCursor(IDBKeyRange.upperBound(upper, true), 'prev')) === null
      ) {
        exhausted = true;
      }
      const next = !exhausted && upper ? { createdAt: upper[0], id: upper[1] } : null;
      return { entries, next, scanned };
    });
  }

  /** Deletes one judgment; resolves even if it did not exist. Its run's digest is dropped (rebuilt on use). */
  async delete(id: string): Promise<void> {
    await inTx(this.db, ['judgments', 'digests'], 'readwrite', async (tx) => {
      const store = tx.objectStore('judgments');
      const found = await store.get(id);
      if (!found) return;
      await Promise.all([
        store.delete(id),
        tx.objectStore('digests').delete(digestRange(found.runId)),
      ]);
    });
  }

  /** Deletes every judgment of a run (not the run itself; see RunStore.delete). Resolves with how many. */
  async deleteRun(runId: string): Promise<number> {
    return inTx(this.db, ['judgments', 'digests'], 'readwrite', async (tx) => {
      const store = tx.objectStore('judgments');
      await tx.objectStore('digests').delete(digestRange(runId));
      const ids = await store
        .index('by-run')
        .getAllKeys(IDBKeyRange.bound([runId], [runId, AFTER_ALL]));
      await requests(ids, (id) => store.delete(id));
      return ids.length;
    });
  }

  /** How many judgments there are, in all or in one run. */
  async count(runId?: string): Promise<number> {
    return inTx(this.db, ['judgments'], 'readonly', (tx) => {
      const store = tx.objectStore('judgments');
      return runId === undefined
        ? store.count()
        : store.index('by-run').count(IDBKeyRange.bound([runId], [runId, AFTER_ALL]));
    });
  }

  /**
   * Streams judgments oldest first (all, or one run's), reading `batchSize` per short
   * transaction, so the consumer may await anything (e.g. writing a file) between records.
   * Records written while streaming after the current position are included.
   */
  async *all(opts: StreamOptions = {}): AsyncGenerator<JudgmentRecord, void, undefined> {
    const batchSize = Math.max(1, opts.batchSize ?? 500);
    const runId = opts.runId;
    let after: JudgmentRecord | undefined;
    for (;;) {
      const batch = await inTx(this.db, ['judgments'], 'readonly', (tx) => {
        const store = tx.objectStore('judgments');
        if (runId === undefined) {
          const range = after ? IDBKeyRange.lowerBound([after.createdAt, after.id], true) : null;
          return store.index('by-createdAt').getAll(range, batchSize);
        }
        const lower = after ? [runId, after.createdAt, after.id] : [runId];
        return store
          .index('by-run')
          .getAll(IDBKeyRange.bound(lower, [runId, AFTER_ALL], after !== undefined), batchSize);
      });
      yield* batch;
      if (batch.length < batchSize) return;
      after = batch[batch.length - 1];
    }
  }

  /** Like `all`, with each judgment's item (items are read once per batch, in their own transaction). */
  async *allWithItems(opts: StreamOptions = {}): AsyncGenerator<HistoryEntry, void, undefined> {
    const batchSize = Math.max(1, opts.batchSize ?? 500);
    let batch: JudgmentRecord[] = [];
    const flush = async (): Promise<HistoryEntry[]> => {
      const ids = [...new Set(batch.map((j) => j.itemId))];
      const items = await inTx(this.db, ['items'], 'readonly', (tx) =>
        requests(ids, (id) => tx.objectStore('items').get(id)),
      );
      const byId = new Map(ids.map((id, i) => [id, items[i]]));
      const out = batch.map((judgment) => ({ judgment, item: byId.get(judgment.itemId) }));
      batch = [];
      return out;
    };
    for await (const j of this.all(opts)) {
      batch.push(j);
      if (batch.length >= batchSize) yield* await flush();
    }
    if (batch.length > 0) yield* await flush();
  }
}
