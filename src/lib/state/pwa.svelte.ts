// Service worker lifecycle as state: offline readiness, and a new version that waits until no run is busy.

/** What registering the service worker gives back (virtual:pwa-register's registerSW, or a stand-in in tests). */
export type RegisterSW = (callbacks: {
  onNeedRefresh: () => void;
  onOfflineReady: () => void;
  onRegisterError: (e: unknown) => void;
}) => (reloadPage?: boolean) => Promise<void>;

export class PwaState {
  /** A new version is installed and waiting. */
  needRefresh = $state(false);
  /** The app is precached: it now opens without a network. */
  offlineReady = $state(false);
  /** The user accepted the update while a run was busy; it is applied when the run ends. */
  pending = $state(false);
  registerError = $state<unknown>(null);
  private apply: ((reloadPage?: boolean) => Promise<void>) | null = null;

  /** @param busy true while anything must not be interrupted (a judgment, a batch run, a model load). */
  constructor(private readonly busy: () => boolean) {}

  start(register: RegisterSW | null): void {
    if (!register || !('serviceWorker' in navigator)) return;
    this.apply = register({
      onNeedRefresh: () => (this.needRefresh = true),
      onOfflineReady: () => (this.offlineReady = true),
      onRegisterError: (e) => (this.registerError = e),
    });
    // A page opened from the precache is ready offline even if the callback already fired earlier.
    void navigator.serviceWorker.ready.then(() => (this.offlineReady = true));
  }

  /** The user chose "Update": now if nothing runs, otherwise once the run has ended. */
  accept(): void {
    this.pending = true;
    this.applyIfIdle();
  }

  dismiss(): void {
    this.needRefresh = false;
    this.pending = false;
  }

  /** Called whenever the busy state may have changed (an effect in App.svelte). */
  applyIfIdle(): void {
    if (!this.pending || !this.needRefresh || this.busy() || !this.apply) return;
    this.pending = false;
    void this.apply(true);
  }
}
