// The import adapters the CLI uses. TEMPORARY: replaced by a re-export of src/lib/data/formats once the import helper's module lands.
export interface RowError {
  line: number;
  id?: string;
  reason: string;
  raw?: string;
}
export type FieldMapping = Record<string, string>;
export interface ImportedItem {
  id: string;
  prompt: string;
  responseA: string;
  responseB?: string;
  reference?: string;
  rubric?: string;
  label?: 'A' | 'B' | 'tie' | number;
  modelA?: string;
  modelB?: string;
  category?: string;
  meta: Record<string, unknown>;
}

export function parseJsonlText(text: string): {
  rows: { line: number; value: unknown }[];
  errors: RowError[];
} {
  const rows: { line: number; value: unknown }[] = [];
  const errors: RowError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      rows.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (e) {
      errors.push({
        line: i + 1,
        reason: `not JSON (${(e as Error).message})`,
        raw: raw.slice(0, 200),
      });
    }
  });
  return { rows, errors };
}

export function detectFormat(_rows: unknown[]): { format: string; mapping: FieldMapping } {
  return { format: 'arbiter', mapping: {} };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function adaptRows(
  rows: Iterable<{ line: number; value: unknown }>,
  _format: string,
  _mapping: FieldMapping,
  _opts?: { seed?: string },
): { items: ImportedItem[]; errors: RowError[] } {
  const items: ImportedItem[] = [];
  const errors: RowError[] = [];
  for (const { line, value } of rows) {
    const o = (value ?? {}) as Record<string, unknown>;
    const prompt = str(o.prompt);
    const a = str(o.responseA);
    if (!prompt || a === undefined) {
      errors.push({ line, reason: 'missing "prompt" or "responseA"' });
      continue;
    }
    const it: ImportedItem = { id: str(o.id) ?? `row-${line}`, prompt, responseA: a, meta: {} };
    const b = str(o.responseB);
    if (b !== undefined) it.responseB = b;
    const label = o.label;
    if (label === 'A' || label === 'B' || label === 'tie') it.label = label;
    else if (label !== undefined && label !== null) {
      errors.push({ line, reason: `label ${JSON.stringify(label)} is not A, B or tie` });
      continue;
    }
    items.push(it);
  }
  return { items, errors };
}
