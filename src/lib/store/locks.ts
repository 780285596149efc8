// Web Locks between tabs: lock names and helpers, below run/ and data/ since both take them.

/** The lock the tab that runs batch runs holds; other tabs queue for it and take over when it closes. */
export const ENGINE_LOCK = 'arbiter.batch-runner';
/** Held while a run (batch or one pair) is being judged, so start-up recovery never touches a live run. */
export const runLockName = (runId: string): string => `arbiter.run.${runId}`;

/**
 * Held by the tab importing a dataset from before its first item is written until its dataset
 * record is (or the import is cleaned up), so a start-up sweep never takes a live import's items.
 */
export const importLockName = (datasetId: string): string => `arbiter.import.${datasetId}`;

type Locks = LockManager | undefined;

function locks(): Locks {
  return typeof navigator !== 'undefined' ? navigator.locks : undefined;
}

/** Whether this browser has Web Locks (without them a tab works alone: no take-over, no read-only view). */
export function hasLocks(): boolean {
  return locks() !== undefined;
}

/**
 * Waits for `name` (queued behind other tabs), runs `fn` while holding it, releases when it
 * settles. Without Web Locks, runs `fn` at once.
 */
export function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const l = locks();
  return l ? (l.request(name, () => fn()) as Promise<T>) : fn();
}

/** Takes `name` until the returned function is called; resolves once held (at once without Web Locks). */
export async function holdLock(name: string): Promise<() => void> {
  const l = locks();
  if (!l) return () => undefined;
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    void l.request(name, () => {
      resolve();
      return new Promise<void>((r) => (release = r));
    });
  });
  await held;
  return () => release();
}

/** True when nobody holds `name` right now (always true without Web Locks). */
export async function isLockFree(name: string): Promise<boolean> {
  const l = locks();
  if (!l) return true;
  return l.request(name, { ifAvailable: true }, (lock) => lock !== null) as Promise<boolean>;
}

/**
 * Runs `fn` holding `name` if nobody holds it now, and resolves with its result; resolves with
 * null at once when it is held. Without Web Locks, runs `fn`.
 */
export async function withLockIfFree<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
  const l = locks();
  if (!l) return fn();
  return l.request(name, { ifAvailable: true }, (lock) =>
    lock ? fn() : null,
  ) as Promise<T | null>;
}

/** True when some tab holds `name`. */
export async function isLockHeld(name: string): Promise<boolean> {
  const l = locks();
  if (!l) return false;
  const state = await l.query();
  return (state.held ?? []).some((x) => x.name === name);
}
