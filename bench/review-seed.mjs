// The synthetic run the review benchmarks open: written straight into the app's database (past the
// repositories, so it has no review digest until first opened), shaped like the store's records.
import { seedInPage } from './seed-db.mjs';

/** Seeds run `run-bench` (dataset `ds-bench`) with `n` items and 2n judgments in the page's database. */
export async function seedReviewRun(page, n) {
  await seedInPage(page, n, (tx, n, make) => {
    const rand = make.random(3);
    const models = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    const subsets = ['math', 'code', 'writing', 'reasoning'];
    tx.objectStore('datasets').put(make.dataset({ id: 'ds-bench', name: 'Bench' }));
    tx.objectStore('runs').put(
      make.run({
        id: 'run-bench',
        datasetId: 'ds-bench',
        name: `Bench ${n}`,
        modelId: 'bench',
        createdAt: make.T0,
      }),
    );
    for (let i = 0; i < n; i++) {
      const a = Math.floor(rand() * 6);
      const b = (a + 1 + Math.floor(rand() * 5)) % 6;
      const label = a < b ? 'A' : 'B';
      const id = `bench-${String(i).padStart(6, '0')}`;
      tx.objectStore('items').put({
        id,
        datasetId: 'ds-bench',
        index: i,
        label,
        modelA: models[a],
        modelB: models[b],
        category: subsets[i % 4],
        meta: {},
        prompt: `Question ${i}: explain item ${i} in ${subsets[i % 4]}.`,
        responseA: `Answer by ${models[a]}. `.padEnd(20 + Math.floor(rand() * 400), 'a'),
        responseB: `Answer by ${models[b]}. `.padEnd(20 + Math.floor(rand() * 400), 'b'),
      });
      for (const order of ['AB', 'BA']) {
        const u = rand();
        const first = order === 'AB' ? 'A' : 'B';
        const verdict =
          u < 0.02
            ? null
            : u < 0.05
              ? 'tie'
              : u < 0.7
                ? label
                : u < 0.85
                  ? first
                  : label === 'A'
                    ? 'B'
                    : 'A';
        const c = 0.5 + rand() / 2;
        tx.objectStore('judgments').put(
          make.judgment({
            id: `${id}:${order}`,
            runId: 'run-bench',
            itemId: id,
            modelId: 'bench',
            order,
            text: `Reasoning for ${id} in order ${order}. `.repeat(8) + `[[${verdict ?? '?'}]]`,
            verdict,
            probabilities:
              verdict === 'A' ? { A: c, B: 1 - c } : verdict === 'B' ? { A: 1 - c, B: c } : null,
            key: `bench:${id}:${order}`,
            createdAt: make.T0 + i,
          }),
        );
      }
    }
  });
}
