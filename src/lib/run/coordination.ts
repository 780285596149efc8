// Cross-tab coordination of runs: Web Locks (who owns the engine, which run is live), BroadcastChannel, Wake Lock.

// The locks live in store/locks.ts, below run/ and data/ (data/ takes the import lock too);
// re-exported so run-side code keeps one import path.
export * from '../store/locks';

/** A typed BroadcastChannel, or a no-op where there is none. */
export class Channel<M> {
  private readonly bc: BroadcastChannel | null;
  private closed = false;
  constructor(name: string, onMessage: (m: M) => void) {
    this.bc = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(name);
    if (this.bc) this.bc.onmessage = (e: MessageEvent<M>) => onMessage(e.data);
  }
  /** Sends to the other tabs; after close() it does nothing (a progress update may still be due). */
  post(m: M): void {
    if (!this.closed) this.bc?.postMessage(m);
  }
  close(): void {
    this.closed = true;
    this.bc?.close();
  }
}

/**
 * Keeps the screen awake while held (Screen Wake Lock), re-acquiring after the tab becomes
 * visible again, since the browser drops the lock when it is hidden. Returns the release.
 */
export function keepAwake(): () => void {
  const wl = typeof navigator !== 'undefined' ? navigator.wakeLock : undefined;
  if (!wl) return () => undefined;
  let sentinel: WakeLockSentinel | null = null;
  let released = false;
  const acquire = () => {
    if (released || document.visibilityState !== 'visible') return;
    wl.request('screen').then(
      (s) => {
        if (released) void s.release();
        else sentinel = s;
      },
      // Refused (battery saver, not allowed): the run goes on without it.
      () => undefined,
    );
  };
  acquire();
  document.addEventListener('visibilitychange', acquire);
  return () => {
    released = true;
    document.removeEventListener('visibilitychange', acquire);
    void sentinel?.release().catch(() => undefined);
  };
}
