// What Arbiter keeps in this browser, where, and how big: IndexedDB, Cache API caches, localStorage, OPFS.

export interface StoredThing {
  kind: 'IndexedDB' | 'Cache API' | 'localStorage' | 'Origin private file system';
  name: string;
  /** What it holds, in words. */
  holds: string;
  /** Records, cache entries or keys. */
  entries: number | null;
  bytes: number | null;
}

function describeDb(name: string): string {
  if (name === 'arbiter') return 'your datasets, items, runs, judgments and labels';
  if (name.startsWith('webllm')) return 'model engine download state';
  return 'data of another part of the app';
}

function describeCache(name: string): string {
  if (name.startsWith('webllm/')) return `model files (${name.slice(7)})`;
  if (name.startsWith('workbox-precache')) return 'the app itself, for offline use (not your data)';
  return 'cached files';
}

/** What a localStorage key holds, in words: your text is named as such, never as "a setting". */
export function describeKey(key: string): string {
  if (key === 'arbiter.judgeDraft')
    return 'your unsent Judge page draft: the prompt, answers, reference and rubric you typed';
  if (key === 'arbiter.customModels') return 'custom models you added';
  if (key === 'arbiter.selectedModel') return 'the model you chose';
  if (key.startsWith('arbiter.demo')) return 'demo mode settings';
  if (key.startsWith('arbiter.')) return 'a setting';
  return 'a setting of another part of the app';
}

async function idbCounts(name: string): Promise<number | null> {
  const db = await new Promise<IDBDatabase | null>((res) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => res(r.result);
    r.onerror = () => res(null);
    // Opening without a version never upgrades; a database that does not exist is created empty, so abort that.
    r.onupgradeneeded = () => r.transaction?.abort();
  });
  if (!db) return null;
  try {
    const names = [...db.objectStoreNames];
    if (names.length === 0) return 0;
    const tx = db.transaction(names, 'readonly');
    const counts = await Promise.all(
      names.map(
        (n) =>
          new Promise<number>((res, rej) => {
            const r = tx.objectStore(n).count();
            r.onsuccess = () => res(r.result);
            r.onerror = () => rej(r.error);
          }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  } catch {
    return null;
  } finally {
    db.close();
  }
}

async function cacheSize(cache: Cache): Promise<{ entries: number; bytes: number }> {
  const keys = await cache.keys();
  let bytes = 0;
  for (const k of keys) {
    const res = await cache.match(k);
    const len = Number(res?.headers.get('content-length'));
    // Model files are disk-backed blobs: reading .size does not load them into memory.
    bytes += Number.isFinite(len) && len > 0 ? len : ((await res?.blob())?.size ?? 0);
  }
  return { entries: keys.length, bytes };
}

/** The browser's estimate of this site's storage (`navigator.storage.estimate()`), in bytes. */
export interface StorageEstimateLike {
  usage?: number;
  quota?: number;
  usageDetails?: { indexedDB?: number };
}

/**
 * The bytes to show beside each IndexedDB database. Browsers report IndexedDB usage for the whole
 * site only (Chromium's `usageDetails.indexedDB`), so it is exact for one database; with several it
 * cannot be split, and each shows none (the total is still shown above the table).
 */
export function idbBytes(
  names: readonly string[],
  estimate: StorageEstimateLike | null,
): (number | null)[] {
  const total = estimate?.usageDetails?.indexedDB;
  return names.map(() => (names.length === 1 && typeof total === 'number' ? total : null));
}

/** The browser's storage estimate for this site, or null where it has none. */
export async function storageEstimate(): Promise<StorageEstimateLike | null> {
  try {
    return (await navigator.storage?.estimate?.()) ?? null;
  } catch {
    return null;
  }
}

/** Everything stored for this origin that Arbiter knows how to list. */
export async function storageInventory(
  estimate: StorageEstimateLike | null = null,
): Promise<StoredThing[]> {
  const out: StoredThing[] = [];
  const dbs = (await indexedDB.databases?.().catch(() => [])) ?? [];
  const names = dbs.map((d) => d.name).filter((n): n is string => Boolean(n));
  const sizes = idbBytes(names, estimate);
  for (const [i, name] of names.entries()) {
    out.push({
      kind: 'IndexedDB',
      name,
      holds: describeDb(name),
      entries: await idbCounts(name),
      bytes: sizes[i] ?? null,
    });
  }
  if (globalThis.caches) {
    for (const name of await caches.keys()) {
      const { entries, bytes } = await cacheSize(await caches.open(name));
      out.push({ kind: 'Cache API', name, holds: describeCache(name), entries, bytes });
    }
  }
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key === null) continue;
    out.push({
      kind: 'localStorage',
      name: key,
      holds: describeKey(key),
      entries: 1,
      bytes: (localStorage.getItem(key)?.length ?? 0) * 2,
    });
  }
  try {
    const root = await navigator.storage?.getDirectory?.();
    if (root) {
      let n = 0;
      for await (const _ of (root as unknown as { keys(): AsyncIterable<string> }).keys()) n++;
      if (n > 0)
        out.push({
          kind: 'Origin private file system',
          name: '/',
          holds: 'model files (OPFS cache)',
          entries: n,
          bytes: null,
        });
    }
  } catch {
    // No OPFS in this browser: nothing stored there.
  }
  return out;
}

/**
 * Erase every model file, judgment and setting of this origin. The app's own precache stays, so the
 * page still opens offline; it holds no user data. Open database connections are asked to close
 * (versionchange), so call this right before reloading the page.
 */
export async function eraseEverything(): Promise<void> {
  if (globalThis.caches) {
    for (const name of await caches.keys()) {
      if (!name.startsWith('workbox-precache')) await caches.delete(name);
    }
  }
  const listed = (await indexedDB.databases?.().catch(() => null)) ?? [{ name: 'arbiter' }];
  const names = listed.map((d) => d.name).filter((n): n is string => typeof n === 'string');
  await Promise.all(
    names.map(
      (name) =>
        new Promise<void>((res, rej) => {
          const r = indexedDB.deleteDatabase(name);
          r.onsuccess = () => res();
          r.onerror = () => rej(r.error);
        }),
    ),
  );
  localStorage.clear();
  sessionStorage.clear();
  try {
    const root = (await navigator.storage?.getDirectory?.()) as
      (FileSystemDirectoryHandle & { keys(): AsyncIterable<string> }) | undefined;
    if (root) for await (const k of root.keys()) await root.removeEntry(k, { recursive: true });
  } catch {
    // No OPFS: nothing to erase there.
  }
}
