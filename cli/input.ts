// Reads the CLI's input file into items: Arbiter workspace files, or any import format the app reads.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { adaptRows, detectFormat, type RowError, type SourceRow } from '../src/lib/data/formats';
import { readRows } from '../src/lib/data/import/read';
import { isRowError, parseWorkspaceHeader, parseWorkspaceLine } from '../src/lib/data/workspace';
import { sha256Hex } from '../src/lib/store/key';
import type { DatasetRecord, ItemRecord } from '../src/lib/store/schema';

export interface Input {
  dataset: DatasetRecord;
  items: ItemRecord[];
  errors: RowError[];
  format: string;
}

/** Ids derive from the file's bytes, so a resumed run writes the same dataset and item ids. */
export async function readInput(path: string): Promise<Input> {
  const bytes = await readFile(path);
  // Decoded as readFile(path, 'utf8') decodes (BOM kept), so ids match earlier versions' for the same file.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const hash = (await sha256Hex(text)).slice(0, 16);
  const datasetId = `cli-${hash}`;
  const first = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const header = first.trimStart().startsWith('{') ? parseWorkspaceHeader(first) : null;
  if (header && !isRowError(header)) return fromWorkspace(text, path, datasetId);
  // The app's own reader and adapters: gzip, UTF-16, bad bytes reported by line, alike in both.
  const rows: SourceRow[] = [];
  const parseErrors: RowError[] = [];
  const read = await readRows(new Blob([bytes]), basename(path), {
    row: (r) => ('reason' in r ? parseErrors.push(r) : rows.push(r)),
  });
  if (!read.ok) throw new Error(read.message);
  if (rows.length === 0) {
    throw new Error(
      parseErrors.length
        ? `No row could be read: ${parseErrors[0]!.reason}. Is this a JSONL, JSON or CSV file?`
        : 'The file holds no rows (it is empty or only whitespace).',
    );
  }
  const sample = rows.slice(0, 50).map((r) => r.value);
  const { format, mapping } = detectFormat(sample);
  const { items, errors } = adaptRows(rows, format, mapping, { seed: hash });
  const records: ItemRecord[] = items.map((it, index) => {
    const r: ItemRecord = {
      id: `${datasetId}-${index}`,
      datasetId,
      index,
      prompt: it.prompt,
      responseA: it.responseA,
      meta: { ...it.meta, sourceId: it.id },
    };
    if (it.responseB !== undefined) r.responseB = it.responseB;
    if (it.reference !== undefined) r.reference = it.reference;
    if (it.rubric !== undefined) r.rubric = it.rubric;
    if (it.label !== undefined) r.label = it.label;
    if (it.modelA !== undefined) r.modelA = it.modelA;
    if (it.modelB !== undefined) r.modelB = it.modelB;
    if (it.category !== undefined) r.category = it.category;
    return r;
  });
  return {
    dataset: {
      id: datasetId,
      name: basename(path),
      source: basename(path),
      format,
      itemCount: records.length,
      createdAt: Date.now(),
    },
    items: records,
    errors: [...parseErrors, ...errors].sort((a, b) => a.line - b.line),
    format,
  };
}

/** An app export: judge its items again (labels included), keeping their ids. */
function fromWorkspace(text: string, path: string, datasetId: string): Input {
  const items: ItemRecord[] = [];
  const errors: RowError[] = [];
  const labels = new Map<string, ItemRecord['label']>();
  let dataset: DatasetRecord | null = null;
  text.split('\n').forEach((line, i) => {
    if (i === 0 || line.trim() === '') return;
    const rec = parseWorkspaceLine(line, i + 1);
    if (isRowError(rec)) errors.push(rec);
    else if (rec.kind === 'item') items.push(rec.record);
    else if (rec.kind === 'dataset') dataset ??= rec.record;
    else if (rec.kind === 'label' && rec.record.label !== null)
      labels.set(rec.record.itemId, rec.record.label);
  });
  for (const it of items) {
    const l = labels.get(it.id);
    if (l !== undefined) it.label = l;
  }
  const ds: DatasetRecord = dataset ?? {
    id: datasetId,
    name: basename(path),
    source: basename(path),
    format: 'arbiter-workspace',
    itemCount: items.length,
    createdAt: Date.now(),
  };
  return {
    dataset: { ...ds, itemCount: items.length },
    items,
    errors,
    format: 'arbiter-workspace',
  };
}
