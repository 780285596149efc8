// The app's database connection as state: open once, expose the repositories, surface storage trouble.
import { createRepositories, openArbiterDB, type Repositories } from '../store';

export type StorageStatus = 'opening' | 'ready' | 'blocked' | 'closed' | 'error';

export class StorageState {
  status = $state<StorageStatus>('opening');
  /** The problem the banner shows: blocked upgrade, another tab upgraded, storage unavailable. */
  error = $state<unknown>(null);
  private repos: Repositories | null = null;
  private readonly ready: Promise<Repositories>;

  constructor(readonly dbName = 'arbiter') {
    this.ready = this.open();
    // Callers await `repositories()`; an open failure is shown by the banner, not thrown unhandled here.
    this.ready.catch(() => undefined);
  }

  private async open(): Promise<Repositories> {
    try {
      const db = await openArbiterDB(this.dbName, {
        onBlocked: (e) => {
          this.status = 'blocked';
          this.error = e;
        },
        onVersionChange: (e) => {
          this.status = 'closed';
          this.error = e;
        },
        onTerminated: (e) => {
          this.status = 'closed';
          this.error = e;
        },
      });
      this.repos = createRepositories(db);
      this.status = 'ready';
      this.error = null;
      return this.repos;
    } catch (e) {
      this.status = 'error';
      this.error = e;
      throw e;
    }
  }

  /** The repositories once the database is open; rejects with the open error (a StoreError). */
  repositories(): Promise<Repositories> {
    return this.repos ? Promise.resolve(this.repos) : this.ready;
  }
}
