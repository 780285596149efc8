// A meta-judge run read back from storage (History) is a comparison in two orders, not a single-answer score.
import { expect, test } from 'vitest';
import { fromRecords } from '../../src/lib/review/records';
import { META_PROTOCOL } from '../../src/lib/review/meta';
import { makeJudgment } from '../store/fixtures';

test('two meta-judge records (AB and BA) are pairwise: two orders, one sample each, A consistent', () => {
  const base = { runId: 'meta-1', protocol: META_PROTOCOL, templateId: 'meta-rewarding-meta' };
  const v = fromRecords([
    makeJudgment({ ...base, id: 'm1', order: 'AB', verdict: 'A' }),
    makeJudgment({ ...base, id: 'm2', order: 'BA', verdict: 'A' }),
  ]);
  expect(v.pairwise).toBe(true);
  expect(v.orders.map((o) => [o.order, o.records.length])).toEqual([
    ['AB', 1],
    ['BA', 1],
  ]);
  expect(v.verdict).toBe('A');
  expect(v.consistency).toBe('consistent');
});
