// The synthetic panel the panel review benchmark opens: three member runs over one n-item labelled dataset, written
// straight into the app's database (past the repositories, so no review digest until first opened).
import { seedInPage } from './seed-db.mjs';

/**
 * Seeds dataset `ds-panel-bench` with `n` items and runs `run-pb-judge`, `run-pb-flipper`,
 * `run-pb-longer` (2n judgments each): a judge right ~75% of the time, one that follows the first
 * position on ~30% of items, one that picks the longer answer ~70% of the time.
 */
export async function seedPanelRuns(page, n) {
  await seedInPage(page, n, (tx, n, make) => {
    const rand = make.random(11);
    const members = ['judge', 'flipper', 'longer'];
    tx.objectStore('datasets').put(make.dataset({ id: 'ds-panel-bench', name: 'Panel bench' }));
    members.forEach((m, k) =>
      tx.objectStore('runs').put(
        make.run({
          id: `run-pb-${m}`,
          datasetId: 'ds-panel-bench',
          name: `bench-${m}`,
          modelId: `bench-${m}`,
          createdAt: make.T0 + k,
        }),
      ),
    );
    for (let i = 0; i < n; i++) {
      const label = rand() < 0.5 ? 'A' : 'B';
      const lenA = 20 + Math.floor(rand() * 400);
      const lenB = 20 + Math.floor(rand() * 400);
      const longer = lenA >= lenB ? 'A' : 'B';
      const id = `pb-${String(i).padStart(6, '0')}`;
      tx.objectStore('items').put({
        id,
        datasetId: 'ds-panel-bench',
        index: i,
        label,
        category: ['math', 'code', 'writing', 'reasoning'][i % 4],
        meta: {},
        prompt: `Question ${i}: which answer is better?`,
        responseA: `Answer A ${i}. `.padEnd(lenA, 'a'),
        responseB: `Answer B ${i}. `.padEnd(lenB, 'b'),
      });
      const other = label === 'A' ? 'B' : 'A';
      const pick = {
        judge: () => (rand() < 0.75 ? label : other),
        flipper: () => (rand() < 0.7 ? label : other),
        longer: () => (rand() < 0.7 ? longer : rand() < 0.5 ? label : other),
      };
      members.forEach((m) => {
        const v = pick[m]();
        const flips = m === 'flipper' && rand() < 0.3;
        for (const order of ['AB', 'BA']) {
          const failed = rand() < 0.01;
          const verdict = failed ? null : flips ? (order === 'AB' ? 'A' : 'B') : v;
          tx.objectStore('judgments').put(
            make.judgment({
              id: `${m}:${id}:${order}`,
              runId: `run-pb-${m}`,
              itemId: id,
              modelId: `bench-${m}`,
              order,
              text:
                `Reasoning of ${m} for ${id} in order ${order}. `.repeat(4) +
                `[[${verdict ?? '?'}]]`,
              verdict,
              probabilities: null,
              key: `panel-bench:${m}:${id}:${order}`,
              createdAt: make.T0 + i,
            }),
          );
        }
      });
    }
  });
}
