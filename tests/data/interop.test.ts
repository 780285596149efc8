// Interop exporters: per-item results, AlpacaEval annotations, FastChat and Arena-Hard judgment rows.
import { describe, expect, test } from 'vitest';
import {
  alpacaEvalAnnotations,
  arenaHardJudgmentsJsonl,
  arenaHardScore,
  fastchatJudgmentsJsonl,
  itemResults,
  itemResultsCsv,
  itemResultsJsonl,
} from '../../src/lib/data/interop';
import { makeItem, makeJudgment, makeRun } from '../store/fixtures';

const item = makeItem({
  id: 'i1',
  modelA: 'gpt-4',
  modelB: 'llama',
  label: 'A',
  meta: { question_id: 81 },
});
const item2 = makeItem({ id: 'i2', index: 1, prompt: '=cmd()', label: 'B' });
const run = makeRun();
const js = [
  makeJudgment({
    id: 'j1',
    itemId: 'i1',
    order: 'AB',
    verdict: 'A',
    rawVerdict: 'A',
    strength: 2,
    probabilities: { A: 0.8, B: 0.2 },
    key: 'k1',
  }),
  makeJudgment({
    id: 'j2',
    itemId: 'i1',
    order: 'BA',
    verdict: 'A',
    rawVerdict: 'B',
    strength: 1,
    probabilities: { A: 0.6, B: 0.4 },
    key: 'k2',
  }),
  makeJudgment({
    id: 'j3',
    itemId: 'i2',
    order: 'AB',
    verdict: 'A',
    rawVerdict: 'A',
    probabilities: null,
    key: 'k3',
  }),
  makeJudgment({
    id: 'j4',
    itemId: 'i2',
    order: 'BA',
    verdict: 'B',
    rawVerdict: 'A',
    probabilities: null,
    key: 'k4',
  }),
];

describe('interop', () => {
  test('per-item results: aggregated verdict, consistency, correctness; flips never count as correct', () => {
    const rows = itemResults([item, item2], js, [
      { itemId: 'i2', index: 1, kind: 'parse', reason: 'x', at: 0 },
    ]);
    expect(rows[0]).toMatchObject({
      verdict: 'A',
      consistency: 'consistent',
      correct: true,
      verdictAB: 'A',
      verdictBA: 'A',
    });
    expect(rows[0]?.preferenceA).toBeCloseTo(0.7);
    expect(rows[1]).toMatchObject({ consistency: 'flipped', correct: false, failure: 'parse: x' });
    const csv = [...itemResultsCsv(rows, { guardFormulas: true })].join('');
    expect(csv.split('\r\n')[0]).toMatch(/^index,itemId,/);
    expect(csv.split('\r\n')).toHaveLength(4);
    const jsonl = [...itemResultsJsonl(run, rows, 'test')];
    expect(JSON.parse(jsonl[0]!)).toMatchObject({
      type: 'arbiter-run-results',
      run: { id: 'run-1' },
    });
    expect(JSON.parse(jsonl[2]!)).toEqual(JSON.parse(JSON.stringify(rows[1])));
  });

  test('AlpacaEval annotations: preference 1 + P(output_2 better), or 1/2/1.5 without logprobs', () => {
    const rows = alpacaEvalAnnotations(run, [item, item2], js);
    expect(rows[0]).toMatchObject({
      instruction: item.prompt,
      output_1: 'Paris.',
      generator_1: 'gpt-4',
      generator_2: 'llama',
    });
    expect(rows[0]?.preference).toBeCloseTo(1.3);
    expect(rows[1]?.preference).toBe(1.5);
  });

  test('FastChat pair rows: g1 original order, g2 swapped, winners in original positions', () => {
    const rows = [...fastchatJudgmentsJsonl(run, [item, item2], js)].map(
      (l) => JSON.parse(l) as Record<string, unknown>,
    );
    expect(rows[0]).toMatchObject({
      question_id: 81,
      model_1: 'gpt-4',
      model_2: 'llama',
      g1_winner: 'model_1',
      g2_winner: 'model_1',
      judge: [run.config.modelId, run.config.templateId],
    });
    expect(rows[1]).toMatchObject({
      question_id: 'i2',
      g1_winner: 'model_1',
      g2_winner: 'model_2',
    });
  });

  test('Arena-Hard rows: two games with scores in shown positions', () => {
    const rows = [...arenaHardJudgmentsJsonl(run, [item], js)].map(
      (l) => JSON.parse(l) as { games: { score: string }[] },
    );
    expect(rows[0]).toMatchObject({ question_id: 81, model: 'llama', baseline: 'gpt-4' });
    expect(rows[0]?.games.map((g) => g.score)).toEqual(['A>>B', 'B>A']);
    expect(arenaHardScore('tie', null)).toBe('A=B');
    expect(arenaHardScore(null, 2)).toBeNull();
  });
});
