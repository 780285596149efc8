// Rows built straight from a digest's columns equal rows built from fact objects; merged chunks and shared count vectors stay exact.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lib/judge/stats';
import type { Verdict } from '../../src/lib/judge/types';
import {
  buildRows,
  buildRowsFromTable,
  withHuman,
  type GoldSource,
  type ReviewRow,
} from '../../src/lib/review/rows';
import { buildDashboard, withIntervals } from '../../src/lib/review/dashboard';
import { countKey, rowCounts } from '../../src/lib/review/summary';
import { encodeChunk, itemFacts, judgmentFacts } from '../../src/lib/store/digests';
import { mergeChunks, packChunks, tableFacts, tableOf } from '../../src/lib/store/digest-read';
import type {
  ItemFacts,
  JudgmentFacts,
  JudgmentRecord,
  LabelRecord,
} from '../../src/lib/store/schema';
import { llmbarFixture, makeJudgment, syntheticFixture, type FixtureRun } from './fixtures';

/** A row with its judgments as a plain property (a TableRow's are a getter on its class). */
const plain = (r: ReviewRow) => ({ ...r, judgments: r.judgments });

/** The fixture's run as stored digest chunks, read back through mergeChunks. */
function viaDigest(f: FixtureRun, runId: string) {
  const facts = f.judgments.filter((j) => j.runId === runId).map(judgmentFacts);
  const items = new Map(f.items.map((i) => [i.id, itemFacts(i)]));
  const stored = structuredClone(packChunks(runId, facts, items).map(encodeChunk));
  return { facts, items, digest: mergeChunks(runId, stored) };
}

function expectSameRows(
  f: FixtureRun,
  runId: string,
  labels: LabelRecord[] = [],
  gold: GoldSource = 'dataset',
): ReviewRow[] {
  const { facts, items, digest } = viaDigest(f, runId);
  const run = f.runs.find((r) => r.id === runId);
  const fromObjects = buildRows(
    { run, judgments: facts, items: [...items.values()], labels },
    gold,
  );
  const fromTable = buildRowsFromTable(
    { run, table: digest.table, items: digest.items, labels },
    gold,
  );
  expect(fromTable.length).toBe(fromObjects.length);
  expect(fromTable.map(plain)).toEqual(fromObjects.map(plain));
  // The judgment counts the dashboard reads without building the judgments.
  expect(fromTable.map((r) => r.judgmentCount)).toEqual(fromObjects.map((r) => r.judgments.length));
  return fromTable;
}

describe('buildRowsFromTable', () => {
  it('equals buildRows on the LLMBar fixture (both orders, confidences, parse failures and repairs)', () => {
    const f = llmbarFixture();
    const rows = expectSameRows(f, 'run-llmbar');
    expect(rows).toHaveLength(419);
    expect(rows.some((r) => r.confidence !== null)).toBe(true);
    expect(rows.some((r) => r.parseFailed > 0)).toBe(true);
    expect(rows.some((r) => r.parseRepaired > 0)).toBe(true);
  }, 60_000);

  it('equals buildRows with your labels as gold, and the dashboards are the same', () => {
    const f = llmbarFixture();
    const labels: LabelRecord[] = f.items.slice(0, 40).map((it, i) => ({
      itemId: it.id,
      datasetId: 'ds-llmbar',
      label: (['A', 'B', 'tie'] as const)[i % 3]!,
      note: '',
      updatedAt: 1,
    }));
    for (const gold of ['dataset', 'mine'] as const) {
      const rows = expectSameRows(f, 'run-llmbar', labels, gold);
      const { facts, items } = viaDigest(f, 'run-llmbar');
      const slow = buildRows({ judgments: facts, items: [...items.values()], labels }, gold);
      const a = withIntervals(buildDashboard(rows), { iterations: 200, seed: 3 });
      const b = withIntervals(buildDashboard(slow), { iterations: 200, seed: 3 });
      expect(a.overall.metrics).toEqual(b.overall.metrics);
      expect(a.overall.intervals).toEqual(b.overall.intervals);
      expect(a.subsets.map((s) => s.intervals)).toEqual(b.subsets.map((s) => s.intervals));
      expect(a.usage).toEqual(b.usage);
      expect(a.confusion).toEqual(b.confusion);
      expect(a.humanConfusion).toEqual(b.humanConfusion);
      expect(a.calibration).toEqual(b.calibration);
    }
  }, 60_000);

  it('equals buildRows for every item shape: one order, samples, orders stored BA first, no item, single scores', () => {
    const f = syntheticFixture(60);
    const rand = mulberry32(5);
    const extra: JudgmentRecord[] = [];
    const judgments: JudgmentRecord[] = [];
    f.judgments.forEach((j, i) => {
      const item = Math.floor(i / 2);
      // Items 0–9: only the A/B order; 10–19: B/A stored before A/B; 20–29: a second sample.
      if (item < 10 && j.order === 'BA') return;
      judgments.push(j);
      if (item >= 20 && item < 30)
        extra.push({ ...j, id: `${j.id}:s1`, sample: 1, verdict: rand() < 0.5 ? 'A' : 'tie' });
    });
    const swapped = judgments.map((j, i, all) => {
      const item = Number(j.itemId.split('-').pop());
      if (item >= 10 && item < 20) return all[i % 2 === 0 ? i + 1 : i - 1]!;
      return j;
    });
    const orphan = makeJudgment('run-synthetic', 'no-such-item', 'AB', 'B');
    const run: FixtureRun = { ...f, judgments: [...swapped, ...extra, orphan] };
    const rows = expectSameRows(run, 'run-synthetic');
    expect(rows.find((r) => r.itemId === 'no-such-item')?.item).toBeUndefined();
    expect(rows.filter((r) => r.verdictBA === undefined).length).toBeGreaterThanOrEqual(10);
    expect(rows.filter((r) => r.judgmentCount === 4)).toHaveLength(10);

    const single: FixtureRun = {
      ...f,
      judgments: f.judgments
        .filter((j) => j.order === 'AB')
        .map((j, i) => ({ ...j, protocol: 'single', verdict: null, score: (i % 10) + 1 })),
    };
    const scored = expectSameRows(single, 'run-synthetic');
    expect(scored.every((r) => r.score !== null)).toBe(true);
  });

  it('a row keeps its judgments when you label it (withHuman), and builds them once', () => {
    const f = llmbarFixture();
    const { digest } = viaDigest(f, 'run-llmbar');
    const rows = buildRowsFromTable({ table: digest.table, items: digest.items, labels: [] });
    const r = rows[3]!;
    expect(r.judgments).toBe(r.judgments);
    const labelled = withHuman(r, {
      itemId: r.itemId,
      label: 'tie',
      note: 'n',
      updatedAt: 1,
    });
    expect(labelled.humanLabel).toBe('tie');
    expect(labelled.judgments).toEqual(r.judgments);
    expect(labelled.judgmentCount).toBe(2);
    expect(labelled.judgments.map((j) => j.order)).toEqual(['AB', 'BA']);
  });
});

describe('mergeChunks', () => {
  it('concatenates chunks into one table equal to the facts, in order', () => {
    const f = syntheticFixture(5000);
    const { facts, digest } = viaDigest(f, 'run-synthetic');
    expect(digest.chunks).toBeGreaterThan(2);
    expect(digest.table.length).toBe(10_000);
    expect(tableFacts(digest.table)).toEqual(facts);
    expect(digest.judgments).toEqual(facts);
    expect(digest.items.size).toBe(5000);
  }, 60_000);

  it('a judgment written again replaces its first entry in place (the last write wins)', () => {
    const f = llmbarFixture();
    const facts = f.judgments.map(judgmentFacts);
    const items = new Map<string, ItemFacts>(f.items.map((i) => [i.id, itemFacts(i)]));
    const chunks = packChunks('run-llmbar', facts, items);
    const again: JudgmentFacts = { ...facts[5]!, verdict: 'tie', parse: 'repaired' };
    const last = chunks[chunks.length - 1]!;
    chunks.push({ runId: 'run-llmbar', chunk: last.chunk + 1, judgments: [again], items: [] });
    const digest = mergeChunks('run-llmbar', structuredClone(chunks.map(encodeChunk)));
    const expected = facts.map((j, i) => (i === 5 ? again : j));
    expect(digest.table.length).toBe(facts.length);
    expect(digest.judgments).toEqual(expected);
    expect(tableFacts(digest.table)).toEqual(expected);
    expect(tableOf('run-llmbar', expected)).toEqual(digest.table);
  });
});

describe('count vectors shared by key', () => {
  it('rows with the same countKey have the same count vector', () => {
    const rand = mulberry32(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const V: (Verdict | null)[] = ['A', 'B', 'tie', null];
    const O: (Verdict | null | undefined)[] = [...V, undefined];
    const L: (number | undefined)[] = [undefined, 10, 20, 30];
    const byKey = new Map<number, Float64Array>();
    let shared = 0;
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + Math.floor(rand() * 4);
      const row = {
        label: pick(V),
        humanLabel: pick(V),
        verdict: pick(V),
        verdictAB: pick(O),
        verdictBA: pick(O),
        lenA: pick(L),
        lenB: pick(L),
        judgmentCount: n,
        parseFailed: Math.floor(rand() * (n + 1)),
        parseRepaired: Math.floor(rand() * (n + 1)),
      } as ReviewRow;
      const key = countKey(row);
      expect(key).not.toBeNull();
      const c = rowCounts(row);
      const seen = byKey.get(key!);
      if (seen) {
        shared++;
        expect(c).toEqual(seen);
      } else byKey.set(key!, c);
    }
    expect(shared).toBeGreaterThan(1000);
  }, 60_000);

  it('a row too large for the key is counted on its own', () => {
    const row = { judgmentCount: 5000, parseFailed: 0, parseRepaired: 0 } as ReviewRow;
    expect(countKey(row)).toBeNull();
  });
});
