// --format exports written next to --out, from the same records the workspace file holds.
import { writeFile } from 'node:fs/promises';
import type { CliConfig } from './args';
import { judgmentsToCsv } from '../src/lib/data/export';
import type { ItemRecord, JudgmentRecord, RunRecord } from '../src/lib/store/schema';

/** results.jsonl + csv → results.csv; returns the files written. */
export async function writeExports(
  cfg: CliConfig,
  items: readonly ItemRecord[],
  results: ReadonlyMap<string, JudgmentRecord[]>,
  _run: RunRecord,
): Promise<string[]> {
  const base = cfg.out.replace(/\.jsonl?$/i, '');
  const byId = new Map(items.map((i) => [i.id, i]));
  const files: string[] = [];
  for (const f of cfg.formats) {
    if (f === 'workspace') continue;
    if (f === 'csv') {
      const entries = [...results.values()].flat().map((judgment) => ({
        judgment,
        item: byId.get(judgment.itemId),
      }));
      const chunks: string[] = [];
      for await (const c of judgmentsToCsv(entries)) chunks.push(c);
      const path = `${base}.csv`;
      await writeFile(path, chunks.join(''));
      files.push(path);
    }
  }
  return files;
}
