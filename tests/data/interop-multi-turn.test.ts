// FastChat export of multi-turn items: `turn: 2` games named as FastChat's loaders expect, carrying both turns.
import { describe, expect, test } from 'vitest';
import { fastchatJudgmentsJsonl } from '../../src/lib/data/interop';
import { makeItem, makeJudgment, makeRun } from '../store/fixtures';

const conversation = {
  questions: ['Q1 first question', 'Q2 follow-up'],
  answersA: ['A1 answer', 'A2 answer'],
  answersB: ['B1 answer', 'B2 answer'],
};
const multi = makeItem({
  id: 'm81',
  prompt: 'Q1 first question',
  responseA: 'A1 answer',
  responseB: 'B1 answer',
  modelA: 'gpt-3.5-turbo',
  modelB: 'vicuna-13b-v1.3',
  conversation,
  meta: { question_id: 81 },
});
const math = makeItem({
  id: 'm111',
  index: 1,
  prompt: 'Q1 first question',
  responseA: 'A1 answer',
  responseB: 'B1 answer',
  reference: 'R1',
  modelA: 'gpt-3.5-turbo',
  modelB: 'vicuna-13b-v1.3',
  conversation: { ...conversation, references: ['R1', 'R2'] },
  meta: { question_id: 111 },
});
const single = makeItem({ id: 's1', index: 2, meta: { question_id: 90 } });

const judged = (itemId: string, ab: 'A' | 'B' | 'tie', ba: 'A' | 'B' | 'tie') => [
  makeJudgment({ id: `${itemId}-ab`, itemId, order: 'AB', verdict: ab, key: `${itemId}-ab` }),
  makeJudgment({ id: `${itemId}-ba`, itemId, order: 'BA', verdict: ba, key: `${itemId}-ba` }),
];

function rows(templateId: string, protocol = 'pairwise') {
  const run = makeRun({
    config: { ...makeRun().config, templateId, protocol, modelId: 'Qwen3-4B' },
  });
  const js = [...judged('m81', 'B', 'B'), ...judged('m111', 'A', 'B'), ...judged('s1', 'A', 'A')];
  return [...fastchatJudgmentsJsonl(run, [multi, math, single], js)].map(
    (l) => JSON.parse(l) as Record<string, unknown>,
  );
}

describe('FastChat export of multi-turn items', () => {
  test('an MT-Bench pairwise run writes turn 2 games with the integer question_id', () => {
    const [m81, m111, s1] = rows('mt-bench-pair');
    expect(m81).toMatchObject({
      question_id: 81,
      model_1: 'gpt-3.5-turbo',
      model_2: 'vicuna-13b-v1.3',
      g1_winner: 'model_2',
      g2_winner: 'model_2',
      judge: ['Qwen3-4B', 'pair-v2-multi-turn'],
      turn: 2,
    });
    expect(m111).toMatchObject({
      question_id: 111,
      judge: ['Qwen3-4B', 'pair-math-v1-multi-turn'],
      turn: 2,
    });
    // A single-turn item in the same run stays a turn 1 game.
    expect(s1).toMatchObject({ question_id: 90, turn: 1 });
  });

  test('the user prompts hold both turns of both answers, swapped in game 2', () => {
    const [m81] = rows('mt-bench-pair');
    const g1 = m81!.g1_user_prompt as string;
    const g2 = m81!.g2_user_prompt as string;
    for (const text of [
      ...conversation.questions,
      ...conversation.answersA,
      ...conversation.answersB,
    ]) {
      expect(g1).toContain(text);
      expect(g2).toContain(text);
    }
    // Game 1 shows A's conversation first; game 2 shows B's first.
    expect(g1.indexOf('A2 answer')).toBeLessThan(g1.indexOf('B2 answer'));
    expect(g2.indexOf('B2 answer')).toBeLessThan(g2.indexOf('A2 answer'));
  });

  test('show_result.py reads it: its pairwise tally, computed by hand, is vicuna 1 win 1 tie', () => {
    // show_result.py display_result_pairwise: a game is a tie when g1 is a tie or g1 != g2, else
    // g1's winner wins. m81: B,B -> vicuna wins; m111: A,B -> tie; s1 is a turn 1 game of other models.
    const games = rows('mt-bench-pair').filter((r) => r.model_2 === 'vicuna-13b-v1.3');
    const tally = { win: 0, loss: 0, tie: 0 };
    for (const g of games) {
      if (g.g1_winner === 'tie' || g.g1_winner !== g.g2_winner) tally.tie++;
      else if (g.g1_winner === 'model_2') tally.win++;
      else tally.loss++;
    }
    expect(tally).toEqual({ win: 1, loss: 0, tie: 1 });
  });

  test('an MT-Bench single run writes turn 2 rows named single-v1-multi-turn', () => {
    const [m81, m111] = rows('mt-bench-single', 'single');
    expect(m81).toMatchObject({
      question_id: 81,
      judge: ['Qwen3-4B', 'single-v1-multi-turn'],
      turn: 2,
    });
    expect(m111).toMatchObject({ judge: ['Qwen3-4B', 'single-math-v1-multi-turn'], turn: 2 });
    expect(m81!.user_prompt as string).toContain('A2 answer');
  });

  test('a template that judges the first turn only writes turn 1 games', () => {
    const [m81] = rows('j1-pairwise');
    expect(m81).toMatchObject({ question_id: 81, turn: 1, judge: ['Qwen3-4B', 'j1-pairwise'] });
  });
});
