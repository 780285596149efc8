// Every export format of stored runs against pair results written out by hand: two runs, four items, mixed verdicts.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { judgmentsToCsv, judgmentsToJsonl, type ExportedJudgment } from '../../src/lib/data/export';
import {
  alpacaEvalAnnotations,
  arenaHardJudgmentsJsonl,
  fastchatJudgmentsJsonl,
  itemResults,
  itemResultsCsv,
  itemResultsJsonl,
} from '../../src/lib/data/interop';
import type { Verdict } from '../../src/lib/judge';
import {
  createRepositories,
  type ItemRecord,
  type JudgmentRecord,
  type Repositories,
} from '../../src/lib/store';
import { makeDataset, makeItem, makeJudgment, makeRun, openTestDb } from '../store/fixtures';

type V = Verdict | null;

// Gold labels: i0 A, i1 tie, i2 B, i3 A. A label set by hand on i3 says B.
const GOLD = { i0: 'A', i1: 'tie', i2: 'B', i3: 'A' } as const;
const items: ItemRecord[] = Object.entries(GOLD).map(([id, label], index) =>
  makeItem({
    id,
    index,
    label,
    prompt: `Prompt ${id}`,
    responseA: `a ${id}`,
    responseB: `b ${id}`,
  }),
);

/** Judgments per run and item, verdicts in the original positions: [order, verdict, extra]. */
const PLAN: Record<
  string,
  Record<string, [o: 'AB' | 'BA', v: V, extra?: Partial<JudgmentRecord>][]>
> = {
  r1: {
    i0: [
      ['AB', 'A'],
      ['BA', 'A'],
    ], // consistent A
    i1: [
      ['AB', 'A'],
      ['BA', 'B'],
    ], // flipped
    i2: [
      ['AB', null],
      ['BA', null],
    ], // failed in both orders
    i3: [
      ['AB', 'B'],
      ['BA', null],
    ], // partial B
  },
  r2: {
    i0: [
      ['AB', 'B', { probabilities: { A: 0.2, B: 0.8 }, strength: 2 }],
      ['BA', 'B', { probabilities: { A: 0.4, B: 0.6 } }],
    ], // consistent B
    i1: [
      ['AB', 'tie'],
      ['BA', 'tie'],
    ], // consistent tie
    i2: [['AB', 'A']], // one order only: A
    i3: [
      ['AB', 'A', { sample: 0 }],
      ['AB', 'A', { sample: 1 }],
      ['AB', 'B', { sample: 2 }],
      ['BA', 'A'],
    ], // majority A in AB, A in BA: consistent A
  },
};

const swap = (v: V): V => (v === 'A' ? 'B' : v === 'B' ? 'A' : v);

function judgmentsOfPlan(): JudgmentRecord[] {
  const out: JudgmentRecord[] = [];
  let t = 0;
  for (const [runId, byItem] of Object.entries(PLAN))
    for (const [itemId, js] of Object.entries(byItem))
      for (const [order, verdict, extra] of js) {
        const sample = extra?.sample ?? 0;
        out.push(
          makeJudgment({
            id: `${runId}-${itemId}-${order}-${sample}`,
            runId,
            itemId,
            order,
            sample,
            verdict,
            rawVerdict: order === 'AB' ? verdict : swap(verdict),
            parse: verdict === null ? 'failed' : 'ok',
            probabilities: null,
            key: `${runId}-${itemId}-${order}-${sample}`,
            // Interleaved across runs and items, as a store walk by time yields them.
            createdAt: 1_700_000_000_000 + (t++ % 3) * 1000 + out.length,
            ...extra,
          }),
        );
      }
  return out;
}

/** Per run and item, written by hand from PLAN: result, consistency, and agreement with a label. */
const EXPECTED: Record<string, Record<string, { result: string; consistency: string }>> = {
  r1: {
    i0: { result: 'A', consistency: 'consistent' },
    i1: { result: 'flipped', consistency: 'flipped' },
    i2: { result: 'failed', consistency: 'failed' },
    i3: { result: 'B', consistency: 'partial' },
  },
  r2: {
    i0: { result: 'B', consistency: 'consistent' },
    i1: { result: 'tie', consistency: 'consistent' },
    i2: { result: 'A', consistency: 'one-order' },
    i3: { result: 'A', consistency: 'consistent' },
  },
};
/** The label each export shows (hand label over gold), and whether the result agrees with it (null: no verdict). */
const HUMAN = { i0: 'A', i1: 'tie', i2: 'B', i3: 'B' } as const;
const AGREES_HUMAN: Record<string, Record<string, boolean | null>> = {
  r1: { i0: true, i1: false, i2: null, i3: true },
  r2: { i0: false, i1: true, i2: false, i3: false },
};
const AGREES_GOLD: Record<string, Record<string, boolean | null>> = {
  r1: { i0: true, i1: false, i2: null, i3: false },
  r2: { i0: false, i1: true, i2: false, i3: true },
};

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;
const all = judgmentsOfPlan();

beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
  await repos.datasets.import(makeDataset(), items);
  await repos.runs.put(makeRun({ id: 'r1', status: 'done' }));
  await repos.runs.put(makeRun({ id: 'r2', status: 'done' }));
  await repos.judgments.putMany(all);
  await repos.labels.set('i3', 'B');
});
afterEach(async () => {
  await db.close();
});

async function collect(gen: AsyncIterable<string> | Iterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of gen) out += chunk;
  return out;
}

/** The CSV written here has no quoted commas in the columns read (ids and results), so a split is exact for them. */
function csvRecords(text: string): Record<string, string>[] {
  const [head, ...rows] = text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean);
  const names = head!.split(',');
  return rows.map((r) => {
    const cells = r.split(',');
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

const labelOf = async (itemId: string) => (await repos.labels.get(itemId))?.label;
const cell = (b: boolean | null) => (b === null ? '' : String(b));
const runJudgments = (runId: string) => all.filter((j) => j.runId === runId);
const runOf = (id: string) => makeRun({ id, status: 'done' });

describe('per-judgment exports (History and the run page), every line against its own pair', () => {
  test('JSONL of all runs: pair.result, consistency, human label and agreement per run and item', async () => {
    const text = await collect(
      judgmentsToJsonl(repos.judgments.allWithItems({ batchSize: 3 }), {
        source: 'test',
        labelOf,
      }),
    );
    const lines = text.trim().split('\n').slice(1);
    expect(lines).toHaveLength(all.length);
    for (const line of lines) {
      const j = JSON.parse(line) as ExportedJudgment;
      const item = j.itemId as keyof typeof HUMAN;
      expect(j.pair, `${j.runId}/${j.itemId}`).toEqual({
        ...EXPECTED[j.runId]![item],
        humanLabel: HUMAN[item],
        agreesWithHuman: AGREES_HUMAN[j.runId]![item],
      });
    }
  });

  test('CSV of one run (the run page): the same values per line, gold labels without a lookup', async () => {
    const text = await collect(
      judgmentsToCsv(repos.judgments.allWithItems({ runId: 'r2' }), { bom: true }),
    );
    const rows = csvRecords(text);
    expect(rows).toHaveLength(runJudgments('r2').length);
    for (const r of rows) {
      const item = r.itemId as keyof typeof GOLD;
      expect(r.runId).toBe('r2');
      expect([r.pairResult, r.pairConsistency, r.humanLabel, r.agreesWithHuman]).toEqual([
        EXPECTED.r2![item]!.result,
        EXPECTED.r2![item]!.consistency,
        GOLD[item],
        cell(AGREES_GOLD.r2![item]!),
      ]);
    }
  });
});

describe('per-item and interop exports of each run', () => {
  const byOrder = (runId: string, itemId: string, order: 'AB' | 'BA'): V | undefined => {
    const js = PLAN[runId]![itemId]!.filter(([o]) => o === order);
    if (js.length === 0) return undefined;
    // Hand count of the majority (PLAN has at most one split-free order per item).
    const counts = new Map<V, number>();
    for (const [, v] of js) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  };

  for (const runId of ['r1', 'r2']) {
    test(`${runId}: item rows, their JSONL and CSV`, async () => {
      const rows = itemResults(items, runJudgments(runId));
      const expected = items.map((it) => {
        const e = EXPECTED[runId]![it.id]!;
        return {
          itemId: it.id,
          verdictAB: byOrder(runId, it.id, 'AB') ?? null,
          verdictBA: byOrder(runId, it.id, 'BA') ?? null,
          verdict:
            e.result === 'flipped' ? 'tie' : e.result === 'failed' ? null : (e.result as Verdict),
          consistency: e.consistency,
          correct: AGREES_GOLD[runId]![it.id],
        };
      });
      expect(
        rows.map(({ itemId, verdictAB, verdictBA, verdict, consistency, correct }) => ({
          itemId,
          verdictAB,
          verdictBA,
          verdict,
          consistency,
          correct,
        })),
      ).toEqual(expected);
      const jsonl = (await collect(itemResultsJsonl(runOf(runId), rows, 'test')))
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(jsonl.map((r) => [r.itemId, r.consistency, r.correct])).toEqual(
        expected.map((e) => [e.itemId, e.consistency, e.correct]),
      );
      const csv = csvRecords(await collect(itemResultsCsv(rows)));
      expect(csv.map((r) => [r.itemId, r.verdict, r.consistency, r.correct])).toEqual(
        expected.map((e) => [e.itemId, e.verdict ?? '', e.consistency, cell(e.correct ?? null)]),
      );
    });
  }

  test('AlpacaEval preference: 1 for A, 2 for B, 1.5 for a tie or flip, 2 − P(A) with logprobs, null without a verdict', () => {
    const pref = (runId: string) =>
      alpacaEvalAnnotations(runOf(runId), items, runJudgments(runId)).map((a) => a.preference);
    expect(pref('r1')).toEqual([1, 1.5, null, 2]);
    // r2 i0: P(A) is 0.2 and 0.4 in the two orders, mean 0.3, so 2 − 0.3.
    const r2 = pref('r2');
    expect(r2[0]).toBeCloseTo(1.7, 12);
    expect(r2.slice(1)).toEqual([1.5, 1, 1]);
  });

  test('FastChat winners per game (first sample of each order, original positions)', async () => {
    const winners = async (runId: string) =>
      (await collect(fastchatJudgmentsJsonl(runOf(runId), items, runJudgments(runId))))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { g1_winner: string; g2_winner: string | null })
        .map((r) => [r.g1_winner, r.g2_winner]);
    expect(await winners('r1')).toEqual([
      ['model_1', 'model_1'],
      ['model_1', 'model_2'],
      ['error', 'error'],
      ['model_2', 'error'],
    ]);
    expect(await winners('r2')).toEqual([
      ['model_2', 'model_2'],
      ['tie', 'tie'],
      ['model_1', null],
      ['model_1', 'model_1'],
    ]);
  });

  test('Arena-Hard game scores in the positions each game showed', async () => {
    const scores = async (runId: string) =>
      (await collect(arenaHardJudgmentsJsonl(runOf(runId), items, runJudgments(runId))))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { games: { score: string | null }[] })
        .map((r) => r.games.map((g) => g.score));
    expect(await scores('r1')).toEqual([
      ['A>B', 'B>A'],
      ['A>B', 'A>B'],
      [null, null],
      ['B>A', null],
    ]);
    expect(await scores('r2')).toEqual([['B>>A', 'A>B'], ['A=B', 'A=B'], ['A>B'], ['A>B', 'B>A']]);
  });
});
