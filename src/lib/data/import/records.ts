// How imported items become store records, and the key range that holds one import's items.
import type { ItemRecord } from '../../store/schema';
import type { ImportedItem } from '../formats/types';

/** The record id of an imported item: unique across datasets, so importing a file twice keeps both. */
export function itemRecordId(datasetId: string, itemId: string): string {
  return `${datasetId}:${itemId}`;
}

/** The store record of an imported item; the file's own id stays in meta.sourceId. */
export function toItemRecord(item: ImportedItem, datasetId: string, index: number): ItemRecord {
  return {
    ...item,
    id: itemRecordId(datasetId, item.id),
    datasetId,
    index,
    meta: { ...item.meta, sourceId: item.id },
  };
}

/** Bounds of every item id of one import: "<datasetId>:" up to (not including) "<datasetId>;". */
export function importKeyBounds(datasetId: string): [string, string] {
  return [`${datasetId}:`, `${datasetId};`];
}
