// The test judges that disagree, through the real templates and judgeItem: each picks what its model id promises, in every pairwise format.
import { describe, expect, test } from 'vitest';
import { DeterministicEngine } from './deterministic-engine';
import { shownAnswers, testJudgeKind } from './test-judges';
import { templates } from '../../src/lib/judge/templates';
import { judgeItem } from '../../src/lib/judge/judge-item';
import { EXAMPLES } from '../../src/lib/data/examples';
import type { JudgeItem } from '../../src/lib/judge/types';

const PAIRWISE = templates.filter((t) => t.kind === 'pairwise');

const rubric = {
  criteria: 'Is the answer correct?',
  levels: [1, 2, 3, 4, 5].map((score) => ({ score, description: `level ${score}` })),
};

function item(a: string, b: string, prompt = 'What is 2 + 2?'): JudgeItem {
  return { prompt, responseA: a, responseB: b, reference: '4', rubric };
}

async function judgeAs(modelId: string, it: JudgeItem, templateId: string, constrained = false) {
  const engine = new DeterministicEngine({ judge: 'by-model-id' });
  await engine.load({
    modelId,
    modelUrl: 'x',
    modelLibUrl: 'y',
    contextWindow: 4096,
    thinking: false,
  });
  const template = PAIRWISE.find((t) => t.id === templateId)!;
  const j = await judgeItem(engine, it, { template, thinkingModel: false, constrained });
  return { verdict: j.verdict, consistency: j.consistency };
}

const SHORT_GOOD = item('Four. ✔', 'The sum of two and two is five, as everyone knows. ✘');
const LONG_GOOD = item('5 ✘', 'Two plus two makes four, so the answer is 4. ✔');
const PLAIN = item('4', 'The answer is four, since two and two make four.');

// [model, item, expected verdict, expected consistency]
const CASES: [string, JudgeItem, string, string][] = [
  ['arbiter-test-flipper', SHORT_GOOD, 'tie', 'flipped'],
  ['arbiter-test-flipper', LONG_GOOD, 'tie', 'flipped'],
  ['arbiter-test-longer', SHORT_GOOD, 'B', 'consistent'],
  ['arbiter-test-longer', LONG_GOOD, 'B', 'consistent'],
  ['arbiter-test-longer', item(PLAIN.responseB!, PLAIN.responseA), 'A', 'consistent'],
  ['arbiter-test-good', SHORT_GOOD, 'A', 'consistent'],
  ['arbiter-test-good', LONG_GOOD, 'B', 'consistent'],
  ['arbiter-test-judge', SHORT_GOOD, 'A', 'consistent'],
  ['arbiter-test-judge', PLAIN, 'tie', 'flipped'],
];

describe('test judges by model id, in every pairwise template', () => {
  for (const t of PAIRWISE) {
    test.each(CASES)(`${t.id}: %s`, async (modelId, it, verdict, consistency) => {
      const got = await judgeAs(modelId, it, t.id);
      // A flip's verdict is reported as 'tie' by the aggregate (see ItemJudgment.verdict).
      expect(got).toEqual({ verdict, consistency });
    });
  }
  test('constrained (JSON) output follows the same preferences', async () => {
    expect(await judgeAs('arbiter-test-longer', SHORT_GOOD, 'j1-pairwise', true)).toEqual({
      verdict: 'B',
      consistency: 'consistent',
    });
    expect(await judgeAs('arbiter-test-good', SHORT_GOOD, 'arena-hard', true)).toEqual({
      verdict: 'A',
      consistency: 'consistent',
    });
  });
});

describe('the good judge without markers', () => {
  test.each(EXAMPLES.map((e) => [e.id, e] as const))(
    'follows the human label of bundled pair %s',
    async (_id, e) => {
      const got = await judgeAs(
        'arbiter-test-good',
        item(e.responseA, e.responseB, e.prompt),
        'j1-pairwise',
      );
      expect(got).toEqual({ verdict: e.label, consistency: 'consistent' });
    },
  );
  test('never flips on an unknown pair', async () => {
    const got = await judgeAs('arbiter-test-good', PLAIN, 'mt-bench-pair');
    expect(got.consistency).toBe('consistent');
  });
});

describe('shownAnswers and the model ids', () => {
  test('reads both answers back exactly, in shown order', () => {
    const t = PAIRWISE.find((x) => x.id === 'prometheus-relative') ?? PAIRWISE[0]!;
    const it = item('first\nline two', 'second one');
    const ab = shownAnswers({
      messages: t.buildMessages(it, { order: 'AB', thinkingModel: false }),
    });
    const ba = shownAnswers({
      messages: t.buildMessages(it, { order: 'BA', thinkingModel: false }),
    });
    expect(ab).toEqual({ first: 'first\nline two', second: 'second one' });
    expect(ba).toEqual({ first: 'second one', second: 'first\nline two' });
  });
  test('an unknown model judges like arbiter-test-judge', () => {
    expect(testJudgeKind('someone-else')).toBe('markers');
    expect(testJudgeKind(undefined)).toBe('markers');
    expect(testJudgeKind('arbiter-test-flipper')).toBe('first');
  });
});
