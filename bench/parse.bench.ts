// Parsing throughput over the 580 real judge outputs in ../shared/data/judge-outputs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';
import { parseVerdict, type VerdictFormat } from '../src/lib/judge';

interface Row {
  protocol: string;
  text: string;
  kind: string;
}

const rows = readFileSync(
  fileURLToPath(new URL('../../shared/data/judge-outputs/judge_outputs.jsonl', import.meta.url)),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Row);

const format = (r: Row): VerdictFormat =>
  r.protocol.startsWith('llmbar-')
    ? 'llmbar'
    : r.protocol.startsWith('mtbench-pair')
      ? 'mt-bench-pair'
      : 'rating';

describe('parseVerdict', () => {
  bench(`all ${rows.length} real outputs`, () => {
    for (const r of rows)
      parseVerdict(r.text, format(r), r.kind === 'rating' ? { scoreRange: [1, 10] } : {});
  });
});
