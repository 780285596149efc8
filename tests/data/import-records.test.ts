// Import plumbing that needs no browser: item record ids and their key range, and LLMBar's accuracy summary.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { summariseAccuracies } from '../../src/lib/data/accuracy';
import { parseCsvText } from '../../src/lib/data/formats';
import { importKeyBounds, itemRecordId, toItemRecord } from '../../src/lib/data/import/records';

test('item records: ids unique per dataset, source id kept, all inside the import key range', () => {
  const rec = toItemRecord({ id: 'x:1', prompt: 'p', responseA: 'a', meta: { k: 1 } }, 'ds1', 7);
  expect(rec).toEqual({
    id: 'ds1:x:1',
    datasetId: 'ds1',
    index: 7,
    prompt: 'p',
    responseA: 'a',
    meta: { k: 1, sourceId: 'x:1' },
  });
  const [lo, hi] = importKeyBounds('ds1');
  for (const id of ['', 'a', '\uffff\uffff', 'zzz', ';', ':']) {
    const key = itemRecordId('ds1', id);
    expect(key >= lo && key < hi).toBe(true);
  }
  // Another dataset whose id starts the same is outside the range.
  for (const other of ['ds10:a', 'ds1;', 'ds2:a', 'ds1'])
    expect(other >= lo && other < hi).toBe(false);
});

test('LLMBar published accuracies: Natural and the mean of the four Adversarial subsets', () => {
  const csv = readFileSync(
    fileURLToPath(new URL('../../../shared/data/llmbar/published_accuracy.csv', import.meta.url)),
    'utf8',
  );
  const rows = parseCsvText(csv).rows.map((r) => r.value as Record<string, string>);
  const acc = summariseAccuracies(rows);
  const pick = (evaluator: string, strategy: string) =>
    acc.find((a) => a.evaluator === evaluator && a.strategy === strategy);
  const gpt4 = acc.filter((a) => a.evaluator.startsWith('GPT-4'));
  expect(gpt4.length).toBeGreaterThan(0);
  // Recompute one row by hand from the CSV.
  const one = acc[0]!;
  const src = rows.filter((r) => r.evaluator === one.evaluator && r.strategy === one.strategy);
  const adv = src
    .filter((r) => /^LLMBar\/Adversarial\/(Neighbor|GPTInst|GPTOut|Manual)$/.test(r.set!))
    .map((r) => Number(r.accuracy_avg_pct));
  expect(adv).toHaveLength(4);
  expect(one.adversarial).toBeCloseTo(adv.reduce((a, b) => a + b) / 4, 2);
  expect(one.natural).toBe(Number(src.find((r) => r.set === 'LLMBar/Natural')!.accuracy_avg_pct));
  // Sorted by adversarial accuracy, best first.
  for (let i = 1; i < acc.length; i++)
    expect((acc[i - 1]!.adversarial ?? -1) >= (acc[i]!.adversarial ?? -1)).toBe(true);
  expect(pick('no such judge', 'CoT')).toBeUndefined();
});
