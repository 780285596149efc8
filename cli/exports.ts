// --format exports written next to --out, by the app's pure interop exporters (src/lib/data/interop.ts).
import { writeFile } from 'node:fs/promises';
import type { CliConfig } from './args';
import {
  alpacaEvalAnnotations,
  arenaHardJudgmentsJsonl,
  fastchatJudgmentsJsonl,
  itemResults,
  itemResultsCsv,
} from '../src/lib/data/interop';
import type { ItemRecord, JudgmentRecord, RunRecord } from '../src/lib/store/schema';

const join = (g: Iterable<string>) => [...g].join('');

/** results.jsonl + csv → results.csv, alpaca-eval → results.alpaca-eval.json, …; returns the files written. */
export async function writeExports(
  cfg: CliConfig,
  items: readonly ItemRecord[],
  results: ReadonlyMap<string, JudgmentRecord[]>,
  run: RunRecord,
): Promise<string[]> {
  const base = cfg.out.replace(/\.jsonl?$/i, '');
  const judgments = [...results.values()].flat();
  const files: string[] = [];
  const write = async (path: string, text: string) => {
    await writeFile(path, text);
    files.push(path);
  };
  for (const f of cfg.formats) {
    if (f === 'csv')
      await write(
        `${base}.csv`,
        join(itemResultsCsv(itemResults(items, judgments), { bom: true })),
      );
    else if (f === 'alpaca-eval')
      await write(
        `${base}.alpaca-eval.json`,
        `${JSON.stringify(alpacaEvalAnnotations(run, items, judgments), null, 2)}\n`,
      );
    else if (f === 'fastchat')
      await write(`${base}.fastchat.jsonl`, join(fastchatJudgmentsJsonl(run, items, judgments)));
    else if (f === 'arena-hard')
      await write(`${base}.arena-hard.jsonl`, join(arenaHardJudgmentsJsonl(run, items, judgments)));
  }
  return files;
}
