// A run's subset filter in words, for the runs table and a run's page.
import type { RunFilter } from '../store/schema';

/** The filter in words, e.g. "items 0–99, category math, labelled A or B". */
export function describeFilter(f: RunFilter): string {
  const parts: string[] = [];
  if (f.from !== undefined || f.to !== undefined)
    parts.push(`items ${f.from ?? 0}–${f.to !== undefined ? f.to - 1 : 'end'}`);
  if (f.categories?.length) parts.push(`category ${f.categories.join(' or ')}`);
  if (f.labels?.length) parts.push(`labelled ${f.labels.join(' or ')}`);
  if (f.limit !== undefined) parts.push(`first ${f.limit}`);
  return parts.length ? parts.join(', ') : 'all items';
}
