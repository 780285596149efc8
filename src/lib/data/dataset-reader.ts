// A stored dataset as its page reads it: the record, a bounded window of items by index, label counts.
import type { DatasetRecord, ItemRecord, Repositories } from '../store';

/** Label counts of a dataset ("none" = no label; numbers are scores). */
export type LabelDistribution = { label: string; count: number }[];

/** Items read per request for the virtualised item list (by dataset index). */
export const CHUNK = 100;
/** Chunks kept in memory; farther ones are dropped and read again if scrolled back to. */
export const MAX_CHUNKS = 30;
/** Items per read while counting labels. */
const LABEL_PAGE = 1000;

/** What the dataset page shows; the Datasets state implements it with runes, tests with a plain object. */
export interface DatasetDetailView {
  detail: DatasetRecord | null;
  detailMissing: boolean;
  detailError: unknown;
  /** Items read so far, by chunk (dataset index / CHUNK); the list is virtualised over itemCount rows. */
  chunks: Record<number, ItemRecord[]>;
  distribution: LabelDistribution | null;
}

/** Opens datasets into a view and keeps its item window. */
export class DatasetReader {
  /** Chunks being read now. */
  private reading: number[] = [];
  /** Bumped on every open: a slower earlier open does not overwrite a later one. */
  private generation = 0;

  constructor(
    private readonly view: DatasetDetailView,
    private readonly storage: { repositories(): Promise<Repositories> },
  ) {}

  /** Opens a dataset: its record, the first items and (in the background) its label counts. */
  async open(id: string): Promise<void> {
    const v = this.view;
    const generation = ++this.generation;
    v.detail = null;
    v.detailMissing = false;
    v.detailError = null;
    v.chunks = {};
    this.reading = [];
    v.distribution = null;
    try {
      const repos = await this.storage.repositories();
      const d = await repos.datasets.get(id);
      if (generation !== this.generation) return;
      if (!d) {
        v.detailMissing = true;
        return;
      }
      v.detail = d;
      await this.showItems(0, 20);
      void this.countLabels(repos, d.id);
    } catch (e) {
      v.detailError = e;
    }
  }

  /** The item at dataset index `i` once read; undefined while it is being read. */
  itemAt(i: number): ItemRecord | undefined {
    const chunk = this.view.chunks[Math.floor(i / CHUNK)];
    return chunk?.find((it) => it.index === i);
  }

  /** Whether the chunk holding index `i` was read (so a missing item there does not exist). */
  isRead(i: number): boolean {
    return Math.floor(i / CHUNK) in this.view.chunks;
  }

  /**
   * The item list shows indexes [from, to): reads the chunks around them that are not in memory,
   * one request each, and drops the chunks farthest away beyond MAX_CHUNKS, so memory stays
   * bounded at any dataset size.
   */
  async showItems(from: number, to: number): Promise<void> {
    const v = this.view;
    const d = v.detail;
    if (!d) return;
    const first = Math.max(0, Math.floor(from / CHUNK) - 1);
    const last = Math.floor(Math.max(from, to - 1) / CHUNK) + 1;
    const wanted: number[] = [];
    for (let c = first; c <= last && c * CHUNK < d.itemCount; c++) {
      if (!(c in v.chunks) && !this.reading.includes(c)) wanted.push(c);
    }
    if (wanted.length === 0) return;
    this.reading.push(...wanted);
    try {
      const repos = await this.storage.repositories();
      const read = await Promise.all(
        wanted.map((c) => repos.items.byDataset(d.id, { from: c * CHUNK, limit: CHUNK })),
      );
      if (v.detail?.id !== d.id) return;
      const next = { ...v.chunks };
      wanted.forEach((c, k) => {
        next[c] = (read[k] ?? []).filter((it) => it.index < (c + 1) * CHUNK);
      });
      v.chunks = dropFarChunks(next, (first + last) / 2);
    } catch (e) {
      v.detailError = e;
    } finally {
      this.reading = this.reading.filter((c) => !wanted.includes(c));
    }
  }

  /** A dataset was deleted: stop showing it. */
  forget(id: string): void {
    if (this.view.detail?.id === id) this.view.detail = null;
  }

  private async countLabels(repos: Repositories, datasetId: string): Promise<void> {
    const d = await labelDistribution(repos, datasetId, () => this.view.detail?.id === datasetId);
    if (d) this.view.distribution = d;
  }
}

/** `chunks` without the ones farthest from chunk `centre` beyond MAX_CHUNKS. */
export function dropFarChunks<T>(chunks: Record<number, T>, centre: number): Record<number, T> {
  const next = { ...chunks };
  const far = Object.keys(next)
    .map(Number)
    .sort((x, y) => Math.abs(y - centre) - Math.abs(x - centre));
  for (let extra = far.length - MAX_CHUNKS; extra > 0; extra--) delete next[far.shift() as number];
  return next;
}

/**
 * Label counts of a dataset, A, B, tie, scores (ascending), then none. Reads in pages so each read
 * (and its structured clone) stays small and a 200k-item set never stalls the page; resolves null
 * once `stillWanted` turns false.
 */
export async function labelDistribution(
  repos: Repositories,
  datasetId: string,
  stillWanted: () => boolean = () => true,
): Promise<LabelDistribution | null> {
  // Labels are 'A', 'B', 'tie', 'none' or numbers: safe as plain keys.
  const counts: Record<string, number> = {};
  for (let from = 0; ; from += LABEL_PAGE) {
    const page = await repos.items.byDataset(datasetId, { from, limit: LABEL_PAGE });
    if (!stillWanted()) return null;
    for (const it of page) {
      const key = it.label === undefined ? 'none' : String(it.label);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    if (page.length < LABEL_PAGE) break;
  }
  return Object.entries(counts)
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => labelOrder(a.label) - labelOrder(b.label) || Number(a.label) - Number(b.label));
}

function labelOrder(l: string): number {
  return l === 'A' ? 0 : l === 'B' ? 1 : l === 'tie' ? 2 : l === 'none' ? 4 : 3;
}
