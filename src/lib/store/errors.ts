// Named storage errors whose `hint` tells the user what to do, and the mapping from DOMExceptions to them.

/** Base of every storage error. `hint` is what the user can do about it; `cause` is the original. */
export class StoreError extends Error {
  override name: string = 'StoreError';
  readonly hint: string;
  constructor(message: string, hint = '', options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
  }
}

/** The browser refused to store more data; the failed write was rolled back, earlier ones are kept. */
export class StorageQuotaExceededError extends StoreError {
  override name = 'StorageQuotaExceededError';
  constructor(
    message = 'The browser ran out of storage space for Arbiter’s records.',
    options?: { cause?: unknown },
  ) {
    super(
      message,
      'Nothing saved before was lost. Export and delete old runs, delete cached models you no longer need, or free disk space; then continue the run.',
      options,
    );
  }
}

/** Upgrading the database is blocked by another tab that still has an older Arbiter open. */
export class StorageBlockedError extends StoreError {
  override name = 'StorageBlockedError';
  constructor(
    message = 'Another Arbiter tab is using an older version of the database.',
    options?: { cause?: unknown },
  ) {
    super(
      message,
      'Close or reload the other Arbiter tabs; this tab continues on its own once they are gone.',
      options,
    );
  }
}

/** The database is newer than this tab's code: another tab (a newer Arbiter) upgraded it. */
export class StorageVersionError extends StoreError {
  override name = 'StorageVersionError';
  constructor(
    message = 'A newer version of Arbiter upgraded the database in another tab.',
    options?: { cause?: unknown },
  ) {
    super(message, 'Reload this tab to get the new version. Your saved records are safe.', options);
  }
}

/** IndexedDB cannot be used at all: private browsing, disabled storage, or a broken profile. */
export class StorageUnavailableError extends StoreError {
  override name = 'StorageUnavailableError';
  constructor(
    message = 'This browser does not let Arbiter store data (IndexedDB is unavailable).',
    options?: { cause?: unknown },
  ) {
    super(
      message,
      'Leave private/incognito mode or allow site data for this page in the browser settings. Judging still works, but nothing will be saved.',
      options,
    );
  }
}

/** Our connection was closed (another tab upgraded or deleted the database, or the browser closed it). */
export class StorageClosedError extends StoreError {
  override name = 'StorageClosedError';
  constructor(
    message = 'The connection to Arbiter’s database was closed.',
    options?: { cause?: unknown },
  ) {
    super(message, 'Reload this tab. Records saved before this happened are safe.', options);
  }
}

function errorName(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string')
    return e.name;
  return undefined;
}

function errorCode(e: unknown): number | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'number')
    return e.code;
  return undefined;
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string')
    return e.message;
  return String(e);
}

/**
 * Maps anything thrown by IndexedDB (or idb) to a StoreError. A StoreError passes through as is.
 * `phase` matters for InvalidStateError: while opening it means storage is unusable (Firefox
 * private mode); on an open connection it means the connection was closed.
 */
export function toStoreError(e: unknown, phase: 'open' | 'use' = 'use'): StoreError {
  if (e instanceof StoreError) return e;
  const name = errorName(e);
  const cause = { cause: e };
  // Legacy Firefox reported quota as NS_ERROR_DOM_QUOTA_REACHED; code 22 is the legacy QUOTA_ERR.
  if (
    name === 'QuotaExceededError' ||
    name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    errorCode(e) === 22
  ) {
    return new StorageQuotaExceededError(undefined, cause);
  }
  switch (name) {
    case 'VersionError':
      return new StorageVersionError(undefined, cause);
    case 'InvalidStateError':
      return phase === 'open'
        ? new StorageUnavailableError(undefined, cause)
        : new StorageClosedError(undefined, cause);
    case 'UnknownError':
    case 'SecurityError':
    case 'NotAllowedError':
      return new StorageUnavailableError(undefined, cause);
    default:
      return new StoreError(
        `Storage failed: ${errorMessage(e)}`,
        'Try again. If it keeps failing, export your runs and reload the page.',
        cause,
      );
  }
}
