// Review digests, the part every repository needs at once: chunk keys and item facts (with their cache).
// The rest (appending, encoding) is in digests.ts, loaded with the first judgment write.
import type { ItemFacts, ItemRecord } from './schema';

/** Characters of the prompt kept in a digest (list lines show up to 160). */
export const PROMPT_SNIPPET = 160;

// Arrays sort after every string and number, so [x, []] bounds all keys that start with x.
const AFTER_ALL: never[] = [];

/** Every digest chunk of a run. */
export function digestRange(runId: string): IDBKeyRange {
  return IDBKeyRange.bound([runId], [runId, AFTER_ALL]);
}

/** The item's subset or category: `category`, else `meta.subset` (LLMBar), else `meta.category`. */
export function itemSubset(item: ItemRecord): string | null {
  if (item.category) return item.category;
  const s = item.meta['subset'] ?? item.meta['category'];
  return typeof s === 'string' && s !== '' ? s : null;
}

/** An item's facts as the digest keeps them. */
export function itemFacts(item: ItemRecord): ItemFacts {
  const f: ItemFacts = {
    id: item.id,
    index: item.index,
    subset: itemSubset(item),
    prompt: item.prompt.slice(0, PROMPT_SNIPPET),
    lenA: item.responseA.length,
  };
  if (item.datasetId !== undefined) f.datasetId = item.datasetId;
  if (item.label !== undefined) f.label = item.label;
  if (item.modelA !== undefined) f.modelA = item.modelA;
  if (item.modelB !== undefined) f.modelB = item.modelB;
  if (item.responseB !== undefined) f.lenB = item.responseB.length;
  return f;
}

/** Items kept in an ItemFactsCache before it starts over (facts are ~200 bytes each). */
const CACHE_LIMIT = 100_000;

/**
 * Facts of items this tab has read or written through the repositories, so a judgment write
 * rarely reads its item back (a batch run has read its items already). Items never change under
 * an id once stored except through ItemStore/DatasetStore, which update this cache.
 */
export class ItemFactsCache {
  private readonly facts = new Map<string, ItemFacts>();

  get(id: string): ItemFacts | undefined {
    return this.facts.get(id);
  }

  /** Remembers the facts of items just read or written. */
  note(items: readonly (ItemRecord | undefined)[]): void {
    if (this.facts.size + items.length > CACHE_LIMIT) this.facts.clear();
    for (const it of items) if (it) this.facts.set(it.id, itemFacts(it));
  }

  /** Forgets items deleted (or all, e.g. after a dataset's deletion). */
  forget(ids?: Iterable<string>): void {
    if (!ids) this.facts.clear();
    else for (const id of ids) this.facts.delete(id);
  }
}
