// Which items of a dataset a run judges (RunFilter), and the item as the judge core takes it.
import type { JudgeItem, Rubric } from '../judge';
import type { ItemRecord, RunFilter } from '../store/schema';

/** Whether an item passes the filter's conditions (all but `limit`, which counts). */
export function matchesFilter(item: ItemRecord, f: RunFilter): boolean {
  if (f.from !== undefined && item.index < f.from) return false;
  if (f.to !== undefined && item.index >= f.to) return false;
  if (f.categories && f.categories.length > 0) {
    if (item.category === undefined || !f.categories.includes(item.category)) return false;
  }
  if (f.labels && f.labels.length > 0) {
    const l = item.label;
    const kind = l === undefined ? 'none' : typeof l === 'number' ? 'score' : l;
    if (!f.labels.includes(kind)) return false;
  }
  return true;
}

/**
 * Applies the filter to items in dataset order (an iterable of pages, so a caller can stream
 * them): keeps matching items, at most `limit`.
 */
export function selectItems(items: Iterable<ItemRecord>, f: RunFilter): ItemRecord[] {
  const out: ItemRecord[] = [];
  for (const item of items) {
    if (f.limit !== undefined && out.length >= f.limit) break;
    if (matchesFilter(item, f)) out.push(item);
  }
  return out;
}

/** A stored rubric is JSON of the judge core's Rubric, or plain criteria text. */
function parseRubric(text: string): Rubric {
  try {
    const r = JSON.parse(text) as Partial<Rubric>;
    if (typeof r.criteria === 'string') return { criteria: r.criteria, levels: r.levels ?? [] };
  } catch {
    // Plain text: the whole thing is the criteria.
  }
  return { criteria: text, levels: [] };
}

/** A stored item as the judge core's JudgeItem. */
export function toJudgeItem(item: ItemRecord): JudgeItem {
  const j: JudgeItem = { prompt: item.prompt, responseA: item.responseA };
  if (item.responseB !== undefined) j.responseB = item.responseB;
  if (item.reference) j.reference = item.reference;
  if (item.rubric) j.rubric = parseRubric(item.rubric);
  if (item.modelA) j.modelA = item.modelA;
  if (item.modelB) j.modelB = item.modelB;
  if (item.conversation) j.conversation = item.conversation;
  return j;
}

/** The distinct categories of some items, sorted. */
export function categoriesOf(items: readonly ItemRecord[]): string[] {
  return [...new Set(items.flatMap((i) => (i.category ? [i.category] : [])))].sort();
}
