// The dashboard's count vector: a layout computed from its named counts, and tables equal to the core's.
import { describe, expect, it } from 'vitest';
import { classification, cohenKappa, combineOrders } from '../../src/lib/judge';
import { buildRows, toPairRecord } from '../../src/lib/review/rows';
import {
  COLUMNS,
  WIDTH,
  confusionOf,
  countTable,
  countsOf,
  pointMetrics,
  rowCounts,
} from '../../src/lib/review/summary';
import { llmbarFixture, pandalmFixture, type FixtureRun } from './fixtures';

const rowsOf = (f: FixtureRun, runId = f.runs[0]!.id, gold: 'dataset' | 'mine' = 'dataset') =>
  buildRows(
    {
      run: f.runs.find((r) => r.id === runId),
      judgments: f.judgments.filter((j) => j.runId === runId),
      items: f.items,
      labels: f.labels,
    },
    gold,
  );

describe('count vector layout', () => {
  it('gives every count its own column and fills the vector exactly', () => {
    const scalars = Object.entries(COLUMNS).filter(([k]) => !k.endsWith('onfusion'));
    const starts = scalars.map(([, at]) => at).sort((a, b) => a - b);
    expect(starts).toEqual(starts.map((_, i) => i));
    // Two 3 × 4 tables (labels A/B/tie × predictions A/B/tie/failed) after the scalars.
    expect(COLUMNS.confusion).toBe(scalars.length);
    expect(COLUMNS.humanConfusion).toBe(COLUMNS.confusion + 12);
    expect(WIDTH).toBe(COLUMNS.humanConfusion + 12);
  });

  it('puts one item in one cell of the label table and its counts where their names say', () => {
    const rows = rowsOf(llmbarFixture());
    for (const r of rows.slice(0, 50)) {
      const c = rowCounts(r);
      expect(c).toHaveLength(WIDTH);
      expect(c[COLUMNS.items]).toBe(1);
      const table = [...c.slice(COLUMNS.confusion, COLUMNS.confusion + 12)];
      expect(table.reduce((a, b) => a + b, 0)).toBe(r.label === null ? 0 : 1);
      expect(c[COLUMNS.judgments]).toBe(r.judgmentCount);
    }
  });
});

describe('tables from the sums equal the core', () => {
  it('the label confusion matrix is the core classification of final verdicts', () => {
    const rows = rowsOf(pandalmFixture(), 'run-gpt35');
    const recs = rows.map(toPairRecord).filter((p) => p.label !== null);
    const core = classification(
      recs.map((p) => combineOrders(p.verdictAB, p.verdictBA).verdict),
      recs.map((p) => p.label!),
    );
    expect(confusionOf(countTable(rows))).toEqual(core.confusion);
    expect(countsOf(countTable(rows)).labelled).toBe(recs.length);
  });

  it('your labels: judge-vs-you confusion and kappa equal the core on the labelled items', () => {
    const f = llmbarFixture();
    // Your labels on 40 items: agreeing with the judge on some, with the dataset on the others.
    f.labels = rowsOf(f)
      .slice(0, 40)
      .map((r, i) => ({
        itemId: r.itemId,
        label: i % 3 === 0 ? (r.verdict ?? 'tie') : (r.label ?? 'A'),
        note: '',
        updatedAt: 1,
      }));
    const rows = rowsOf(f);
    const mine = rows.filter((r) => r.humanLabel !== null);
    expect(mine).toHaveLength(40);
    const core = classification(
      mine.map((r) => r.verdict),
      mine.map((r) => r.humanLabel!),
    );
    const table = countTable(rows);
    expect(confusionOf(table, 'human')).toEqual(core.confusion);
    expect(pointMetrics(table).humanKappa).toBeCloseTo(
      cohenKappa(
        mine.map((r) => r.verdict),
        mine.map((r) => r.humanLabel),
      ),
      12,
    );
  });
});
