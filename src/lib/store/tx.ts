// The one way repositories run a transaction: commit all or nothing, and fail with a StoreError.
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { toStoreError } from './errors';
import type { ArbiterDB } from './schema';

/** A transaction over the given stores in the given mode. */
export type Tx<N extends StoreNames<ArbiterDB>[], M extends IDBTransactionMode> = IDBPTransaction<
  ArbiterDB,
  N,
  M
>;

/**
 * Runs `body` in one transaction and resolves with its result once the transaction has committed.
 * Rules: `body` must await only IndexedDB calls on `tx` (anything else lets the transaction
 * auto-commit early); if `body` or any request fails, the transaction is aborted, so nothing of
 * it is written and earlier transactions are untouched; the rejection is a StoreError.
 */
export async function inTx<
  const N extends StoreNames<ArbiterDB>[],
  M extends IDBTransactionMode,
  T,
>(
  db: IDBPDatabase<ArbiterDB>,
  stores: N,
  mode: M,
  body: (tx: Tx<N, M>) => Promise<T>,
  options?: IDBTransactionOptions,
): Promise<T> {
  let tx: Tx<N, M>;
  try {
    tx = db.transaction(stores, mode, options);
  } catch (e) {
    throw toStoreError(e);
  }
  try {
    const [result] = await Promise.all([body(tx), tx.done]);
    return result;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already committed or aborted.
    }
    // A request fails with AbortError when its transaction aborts; the reason (e.g. quota) is on tx.error.
    const reason = isAbortError(e) && tx.error ? tx.error : e;
    throw toStoreError(reason);
  }
}

function isAbortError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'name' in e && e.name === 'AbortError';
}

/** A new random record id (UUID v4). Works outside secure contexts too, unlike crypto.randomUUID. */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Starts one request per element and resolves when all have. Rule it keeps: if starting a request
 * throws (e.g. DataCloneError), requests already started are marked handled before rejecting,
 * since the aborting transaction rejects each of them and nobody else is listening.
 */
export function requests<T, R>(xs: Iterable<T>, start: (x: T) => Promise<R>): Promise<R[]> {
  const started: Promise<R>[] = [];
  try {
    for (const x of xs) started.push(start(x));
  } catch (e) {
    for (const p of started) p.catch(() => {});
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  return Promise.all(started);
}
