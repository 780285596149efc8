// Start-up sweep of items left without a dataset record by an import whose tab closed mid-way.
import { importLockName, withLockIfFree } from '../store/locks';
import type { Repositories } from '../store';

/**
 * Deletes the items of every dataset id that has items but no dataset record (an import writes
 * its record last, so these are the remains of an import that never finished). An import still
 * running in another tab holds its import lock and is left alone; the record is checked again
 * while holding that lock, so an import that finishes meanwhile keeps everything. Resolves with
 * the dataset ids swept.
 */
export async function sweepOrphanItems(repos: Repositories): Promise<string[]> {
  const swept: string[] = [];
  for (const datasetId of await repos.items.datasetIds()) {
    if (await repos.datasets.get(datasetId)) continue;
    const done = await withLockIfFree(importLockName(datasetId), async () => {
      if (await repos.datasets.get(datasetId)) return false;
      await repos.datasets.delete(datasetId);
      return true;
    });
    if (done) swept.push(datasetId);
  }
  return swept;
}
