// Opens Arbiter's IndexedDB database: migrations, and what happens when other tabs hold other versions.
import { openDB, type IDBPDatabase } from 'idb';
import {
  StorageBlockedError,
  StorageClosedError,
  StorageUnavailableError,
  StorageVersionError,
  toStoreError,
} from './errors';
import { migrate } from './migrations';
import { DB_VERSION, type ArbiterDB } from './schema';

/** The app's database handle, passed to every repository. */
export type ArbiterDatabase = IDBPDatabase<ArbiterDB>;

/** What the app wants to hear about the database's life, beyond a successful open. */
export interface OpenArbiterOptions {
  /**
   * Another tab has an older version open and did not close it, so the upgrade waits. The open
   * keeps waiting (it succeeds once that tab closes or reloads) unless `blockedTimeoutMs` is set.
   */
  onBlocked?: (error: StorageBlockedError) => void;
  /**
   * Reject with StorageBlockedError after waiting this long while blocked. Default: wait.
   * An open request cannot be withdrawn: the upgrade still happens once the other tab closes,
   * and the connection it yields is closed at once.
   */
  blockedTimeoutMs?: number;
  /**
   * Another tab wants to upgrade (or delete) the database. This connection has already been closed
   * so that tab is not blocked; later calls reject with StorageClosedError. Tell the user to reload.
   */
  onVersionChange?: (error: StorageVersionError) => void;
  /** The browser closed the connection abnormally (storage cleared, disk error). */
  onTerminated?: (error: StorageClosedError) => void;
}

/**
 * Opens (creating or upgrading as needed) the database `name` at DB_VERSION.
 * Rejects with StorageUnavailableError (no IndexedDB / private mode), StorageVersionError (the
 * database is newer than this code), StorageBlockedError (only with `blockedTimeoutMs`), or
 * another StoreError (an upgrade step failed; the database is left at its old version).
 */
export async function openArbiterDB(
  name = 'arbiter',
  options: OpenArbiterOptions = {},
): Promise<ArbiterDatabase> {
  const idb = (globalThis as { indexedDB?: IDBFactory | null }).indexedDB;
  if (idb === undefined || idb === null) throw new StorageUnavailableError();

  let rejectBlocked: ((e: StorageBlockedError) => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const blocked = new Promise<never>((_, reject) => {
    rejectBlocked = reject;
  });
  // The blocked promise may never be awaited (no timeout); keep it from reporting as unhandled.
  blocked.catch(() => {});

  let opening: Promise<ArbiterDatabase>;
  try {
    opening = openDB<ArbiterDB>(name, DB_VERSION, {
      upgrade(db, oldVersion, newVersion, tx) {
        migrate(db, tx, oldVersion, newVersion ?? DB_VERSION);
      },
      blocked() {
        const error = new StorageBlockedError();
        options.onBlocked?.(error);
        if (options.blockedTimeoutMs !== undefined && timer === undefined) {
          timer = setTimeout(() => rejectBlocked?.(error), options.blockedTimeoutMs);
        }
      },
      blocking(_current, _next, event) {
        // Must close at once: an open connection blocks the other tab's upgrade or delete.
        (event.target as IDBDatabase).close();
        options.onVersionChange?.(new StorageVersionError());
      },
      terminated() {
        options.onTerminated?.(new StorageClosedError());
      },
    });
  } catch (e) {
    throw toStoreError(e, 'open');
  }

  try {
    return await Promise.race([opening, blocked]);
  } catch (e) {
    if (e instanceof StorageBlockedError) {
      // We gave up waiting; a connection that opens later must not stay open and block others.
      opening.then(
        (db) => db.close(),
        () => {},
      );
    }
    throw toStoreError(e, 'open');
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
