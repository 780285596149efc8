// The privacy panel's state: requests made this session, what is stored where, and erase everything.
import { NetLog, type HostSummary, type NetRequest } from '../offline/net-log';
import type { StorageEstimateLike, StoredThing } from '../offline/inventory';

// Listing and erasing storage load with the privacy panel, not with the app.
const inventory = () => import('../offline/inventory');
import type { ModelState } from './models.svelte';

export class PrivacyState {
  requests = $state.raw<NetRequest[]>([]);
  hosts = $state.raw<HostSummary[]>([]);
  /** Requests that went to any host but the app's own origin. */
  offOrigin = $state(0);
  stored = $state.raw<StoredThing[]>([]);
  /** The browser's estimate of this site's usage and quota (null where it gives none). */
  estimate = $state.raw<StorageEstimateLike | null>(null);
  storedError = $state<unknown>(null);
  loadingStored = $state(false);
  erasing = $state(false);
  eraseError = $state<unknown>(null);
  private log: NetLog | null = null;

  constructor(private readonly models: ModelState) {}

  /** Start recording (once, at app start, so the page's first requests are in the log). */
  start(): void {
    if (this.log) return;
    this.log = new NetLog();
    this.log.onChange(() => this.refreshRequests());
    this.log.start();
    this.refreshRequests();
  }

  refreshRequests(): void {
    if (!this.log) return;
    this.requests = this.log.all();
    this.hosts = this.log.byHost();
    this.offOrigin = this.log.offOrigin().length;
  }

  async refreshStored(): Promise<void> {
    this.loadingStored = true;
    try {
      const inv = await inventory();
      this.estimate = await inv.storageEstimate();
      this.stored = await inv.storageInventory(this.estimate);
      this.storedError = null;
    } catch (e) {
      this.storedError = e;
    } finally {
      this.loadingStored = false;
    }
  }

  /** Delete models, judgments and settings, then reload into a fresh app. */
  async eraseAll(reload: () => void = () => location.reload()): Promise<void> {
    this.erasing = true;
    this.eraseError = null;
    try {
      await this.models.unload();
      // The app's database connection closes itself on versionchange, which lets the delete go through.
      await (await inventory()).eraseEverything();
      reload();
    } catch (e) {
      this.eraseError = e;
      this.erasing = false;
    }
  }
}
