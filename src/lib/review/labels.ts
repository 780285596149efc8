// Your labels on a loaded run's items: stored with LabelStore and kept in the run's label map, so rows update without a reload.
import type { ItemLabel, LabelRecord, Repositories } from '../store';

/**
 * Stores a label on an item, keeping its note unless a new one is given. The judge's judgments
 * are never touched.
 */
export async function saveLabel(
  repos: Repositories,
  labels: Map<string, LabelRecord>,
  itemId: string,
  label: ItemLabel | null,
  note?: string,
): Promise<LabelRecord> {
  const record = await repos.labels.set(itemId, label, note ?? labels.get(itemId)?.note ?? '');
  labels.set(itemId, record);
  return record;
}

/** Removes your label and note from an item. */
export async function removeLabel(
  repos: Repositories,
  labels: Map<string, LabelRecord>,
  itemId: string,
): Promise<void> {
  await repos.labels.delete(itemId);
  labels.delete(itemId);
}
