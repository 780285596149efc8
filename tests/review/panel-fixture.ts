// A 12-item labeled dataset judged by three members built to disagree (a good judge, one that flips, one that prefers the longer answer); the panel tests' figures are worked out by hand from this table.
import type { Verdict } from '../../src/lib/judge/types';
import type { ItemRecord, JudgmentRecord } from '../../src/lib/store/schema';
import { makeJudgment, makeRunRecord, type FixtureRun } from './fixtures';

/** Per item: the label and which answer is longer. */
export const PANEL_ITEMS: readonly { label: 'A' | 'B'; longer: 'A' | 'B' }[] = [
  { label: 'A', longer: 'A' },
  { label: 'B', longer: 'B' },
  { label: 'A', longer: 'B' },
  { label: 'B', longer: 'A' },
  { label: 'A', longer: 'A' },
  { label: 'B', longer: 'A' },
  { label: 'A', longer: 'B' },
  { label: 'B', longer: 'B' },
  { label: 'A', longer: 'A' },
  { label: 'B', longer: 'A' },
  { label: 'A', longer: 'B' },
  { label: 'B', longer: 'B' },
];

/**
 * Each member's verdicts per item as [AB order, BA order], in the items' original positions.
 * - judge: right in both orders except items 3 and 9 (wrong in both).
 * - flipper: on items 0–3 picks the answer shown first (A, then B: a flip); right elsewhere.
 * - longer: the longer answer in both orders.
 */
const other = (v: 'A' | 'B'): 'A' | 'B' => (v === 'A' ? 'B' : 'A');
export const PANEL_MEMBERS: readonly {
  id: string;
  modelId: string;
  verdicts: [Verdict, Verdict][];
}[] = [
  {
    id: 'run-judge',
    modelId: 'arbiter-test-judge',
    verdicts: PANEL_ITEMS.map((it, i) => {
      const v = i === 3 || i === 9 ? other(it.label) : it.label;
      return [v, v];
    }),
  },
  {
    id: 'run-flipper',
    modelId: 'arbiter-test-flipper',
    verdicts: PANEL_ITEMS.map((it, i) => (i < 4 ? ['A', 'B'] : [it.label, it.label])),
  },
  {
    id: 'run-longer',
    modelId: 'arbiter-test-longer',
    verdicts: PANEL_ITEMS.map((it) => [it.longer, it.longer]),
  },
];

/** The text one judgment carries, to check that the item view shows markup as text, whole. */
export const HOSTILE_JUDGMENT = 'Looks fine <b>bold</b> <img src=x onerror="alert(1)"> [[A]]';

/** The dataset, its items and the three member runs with their judgments. */
export function panelFixture(): FixtureRun {
  const dataset = {
    id: 'ds-panel',
    name: 'Panel twelve',
    source: 'test',
    format: 'arbiter',
    itemCount: PANEL_ITEMS.length,
    createdAt: 1_700_000_000_000,
  };
  const items: ItemRecord[] = PANEL_ITEMS.map((it, index) => {
    const long = `A long answer for item ${index}. `.padEnd(300, 'x');
    const short = `Short ${index}.`;
    return {
      id: `panel-${String(index).padStart(2, '0')}`,
      datasetId: dataset.id,
      index,
      prompt: `Question ${index}: which answer is better?`,
      responseA: it.longer === 'A' ? long : short,
      responseB: it.longer === 'B' ? long : short,
      label: it.label,
      meta: {},
    };
  });
  const runs = PANEL_MEMBERS.map((m, k) =>
    makeRunRecord(m.id, {
      datasetId: dataset.id,
      name: m.modelId,
      createdAt: 1_700_000_000_000 + k,
      config: { ...makeRunRecord(m.id).config, modelId: m.modelId },
      progress: { total: 24, done: 24, failed: 0 },
    }),
  );
  const judgments: JudgmentRecord[] = [];
  PANEL_MEMBERS.forEach((m) =>
    items.forEach((it, i) => {
      const [ab, ba] = m.verdicts[i]!;
      judgments.push(makeJudgment(m.id, it.id, 'AB', ab, { modelId: m.modelId }));
      judgments.push(makeJudgment(m.id, it.id, 'BA', ba, { modelId: m.modelId }));
    }),
  );
  // The judge's A/B judgment of item 0 holds markup: shown as text, never run, never dropped.
  judgments[0] = { ...judgments[0]!, text: HOSTILE_JUDGMENT };
  return { dataset, items, runs, judgments, labels: [] };
}
