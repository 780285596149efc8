// The results of the run open on #/runs/<id>, read only for the rows on screen (the list is virtualised).
import { itemResult, type ItemResult } from '../data/interop';
import type { ItemRecord, Repositories, RunRecord } from '../store';
import { datasetItems } from './batch';
import { selectItems } from './subset';

/** Results read beyond each end of the visible rows, so a short scroll finds them ready. */
const RESULT_MARGIN = 30;
/** The rows a freshly opened run shows before the list reports its range. */
const FIRST_PAGE: [number, number] = [0, 40];
/** Live runs refresh the visible rows at most this often. */
const LIVE_REFRESH_MS = 1000;

/** What the window shows; the Runs state's rune fields (a plain object in tests). */
export interface DetailView {
  /** The open run's record. */
  detail: RunRecord | null;
  /** The items of its subset, in order. */
  detailItems: ItemRecord[];
  /** Results read so far, by item id. */
  results: Record<string, ItemResult>;
  detailError: unknown;
}

export class DetailWindow {
  /** Item positions [from, to) the results list shows now. */
  private visible: [number, number] = FIRST_PAGE;
  private pageTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly view: DetailView,
    private readonly repositories: () => Promise<Repositories>,
  ) {}

  /** Opens a run: its record, its subset's items, and the first page of results. */
  async open(runId: string): Promise<void> {
    const view = this.view;
    view.detailError = null;
    try {
      const repos = await this.repositories();
      const run = await repos.runs.get(runId);
      if (!run) {
        view.detail = null;
        view.detailError = new Error('This run does not exist (it may have been deleted).');
        return;
      }
      if (view.detail?.id !== runId || view.detailItems.length === 0) {
        view.results = {};
        this.visible = FIRST_PAGE;
        // A run without a spec (the CLI's) judged its whole dataset.
        view.detailItems = run.datasetId
          ? selectItems(await datasetItems(repos, run.datasetId), run.spec?.filter ?? {})
          : [];
      }
      view.detail = run;
      await this.load(true);
    } catch (e) {
      view.detailError = e;
    }
  }

  /** Re-reads `runId` when it is the open run. */
  async reopen(runId: string): Promise<void> {
    if (this.view.detail?.id === runId) await this.open(runId);
  }

  /**
   * The results list shows items [from, to): reads their judgments unless already read, so a
   * 10,000-item run reads only what is on screen. `refresh` re-reads them (live runs).
   */
  async show(from: number, to: number, refresh = false): Promise<void> {
    this.visible = [Math.max(0, from), Math.min(this.view.detailItems.length, Math.max(from, to))];
    await this.load(refresh);
  }

  /** `runId` progressed: when it is open, re-reads the visible rows soon (coalesced). */
  progressed(runId: string): void {
    if (this.view.detail?.id !== runId) return;
    this.pageTimer ??= setTimeout(() => {
      this.pageTimer = null;
      void this.load(true);
    }, LIVE_REFRESH_MS);
  }

  /** Reads the judgments of the visible items (with a margin) that are not read yet, or all of them on refresh. */
  async load(refresh = false): Promise<void> {
    const view = this.view;
    const run = view.detail;
    if (!run) return;
    try {
      const repos = await this.repositories();
      const [from, to] = this.visible;
      const want = view.detailItems
        .slice(Math.max(0, from - RESULT_MARGIN), to + RESULT_MARGIN)
        .filter((i) => refresh || !(i.id in view.results));
      if (want.length === 0) return;
      const fresh = refresh ? await repos.runs.get(run.id) : run;
      const lists = await Promise.all(want.map((i) => repos.judgments.byItem(i.id)));
      // Another run was opened meanwhile: these rows are not its.
      if (view.detail?.id !== run.id) return;
      const next = { ...view.results };
      want.forEach((item, k) => {
        next[item.id] = itemResult(
          item,
          (lists[k] ?? []).filter((j) => j.runId === run.id),
          fresh?.failures ?? [],
        );
      });
      view.results = next;
      if (fresh && refresh) view.detail = fresh;
    } catch (e) {
      view.detailError = e;
    }
  }
}
