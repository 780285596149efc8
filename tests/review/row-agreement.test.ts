// The review's agreement with labels, by rows built from full records and from the digest table, against hand counts.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { isRowError, parseWorkspaceLine, type WorkspaceRecord } from '../../src/lib/data/workspace';
import { buildRows, buildRowsFromTable, rowAgreement } from '../../src/lib/review/rows';
import { itemFacts } from '../../src/lib/store/digest-keys';
import { tableOf } from '../../src/lib/store/digest-read';
import type { ItemRecord, JudgmentRecord, RunRecord } from '../../src/lib/store/schema';

const records = readFileSync(
  new URL('../data/fixtures/workspace-v1-app.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .slice(1)
  .map((l, i) => parseWorkspaceLine(l, i + 2))
  .filter((r): r is WorkspaceRecord => !isRowError(r));
const of = <K extends WorkspaceRecord['kind']>(kind: K) =>
  records.filter((r) => r.kind === kind).map((r) => r.record);
const items = of('item') as ItemRecord[];
const judgments = of('judgment') as JudgmentRecord[];
const run = of('run')[0] as RunRecord;

// tests/data/fixtures/README.md: labels A, A, B, B, tie, A; results A, flipped, failed, B, tie, B.
// Agree: items 0, 3, 4. Disagree: 1 (a flip never agrees), 5. No verdict: 2.
const HAND = {
  labelled: 6,
  parsed: 5,
  failed: 1,
  agree: 3,
  accuracy: 3 / 5,
  strictAccuracy: 3 / 6,
};

describe('rowAgreement', () => {
  test('rows from full records (any shape: the core aggregate or the fast path)', () => {
    const rows = buildRows({ run, judgments, items, labels: [] });
    expect(rows).toHaveLength(6);
    expect(rowAgreement(rows)).toEqual(HAND);
  });

  test('rows from the review digest table', () => {
    const rows = buildRowsFromTable({
      run,
      table: tableOf(run.id, judgments),
      items: items.map(itemFacts),
      labels: [],
    });
    expect(rowAgreement(rows)).toEqual(HAND);
  });

  test('a flipped pair never agrees, even with a tie label', () => {
    const flipped = judgments.filter((j) => j.itemId === 'it-1');
    const tieItem = { ...items[1]!, label: 'tie' as const };
    const rows = buildRows({ run, judgments: flipped, items: [tieItem], labels: [] });
    expect(rows[0]!.consistency).toBe('flipped');
    expect(rowAgreement(rows)).toMatchObject({ labelled: 1, parsed: 1, agree: 0 });
  });
});
