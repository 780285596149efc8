// Repository of panels: groups of member runs over one dataset, created with their runs in one transaction.
import type { IDBPDatabase } from 'idb';
import { StoreError } from './errors';
import type { ArbiterDB, PanelRecord, RunRecord } from './schema';
import { inTx, requests } from './tx';

/** Panels. Every method is one transaction and rejects with a StoreError. */
export class PanelStore {
  /** @param db an open database from openArbiterDB. */
  constructor(private readonly db: IDBPDatabase<ArbiterDB>) {}

  /**
   * Saves a panel and its member runs together, so no panel exists without its runs and no
   * member run without its panel. Each run must carry `panelId === panel.id` and be listed in
   * `memberRunIds`; a run that is not rejects before anything is written.
   */
  async create(panel: PanelRecord, runs: readonly RunRecord[]): Promise<void> {
    const ids = new Set(panel.memberRunIds);
    for (const run of runs) {
      if (run.panelId !== panel.id || !ids.has(run.id))
        throw new StoreError(
          `Run ${run.id} is not a member of panel ${panel.id}.`,
          'This is a bug in Arbiter; nothing was saved.',
        );
    }
    await inTx(this.db, ['panels', 'runs'], 'readwrite', async (tx) => {
      await tx.objectStore('panels').put(panel);
      await requests(runs, (run) => tx.objectStore('runs').put(run));
    });
  }

  /** Saves (or replaces, by id) a panel record alone (workspace import). */
  async put(panel: PanelRecord): Promise<void> {
    await inTx(this.db, ['panels'], 'readwrite', (tx) => tx.objectStore('panels').put(panel));
  }

  /** The panel with this id, or undefined. */
  async get(id: string): Promise<PanelRecord | undefined> {
    return inTx(this.db, ['panels'], 'readonly', (tx) => tx.objectStore('panels').get(id));
  }

  /** Every panel, newest first. */
  async list(): Promise<PanelRecord[]> {
    const all = await inTx(this.db, ['panels'], 'readonly', (tx) =>
      tx.objectStore('panels').index('by-createdAt').getAll(),
    );
    return all.reverse();
  }

  /** A dataset's panels, newest first. */
  async byDataset(datasetId: string): Promise<PanelRecord[]> {
    const found = await inTx(this.db, ['panels'], 'readonly', (tx) =>
      tx.objectStore('panels').index('by-dataset').getAll(datasetId),
    );
    return found.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** A panel's member runs in the panel's order; a member deleted meanwhile is left out. */
  async members(panel: PanelRecord): Promise<RunRecord[]> {
    const runs = await inTx(this.db, ['runs'], 'readonly', (tx) =>
      requests(panel.memberRunIds, (id) => tx.objectStore('runs').get(id)),
    );
    return runs.filter((r): r is RunRecord => r !== undefined);
  }
}
