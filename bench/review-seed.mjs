// The synthetic run the review benchmarks open: written straight into the app's database (past the
// repositories, so it has no review digest until first opened), shaped like the store's records.

/** Seeds run `run-bench` (dataset `ds-bench`) with `n` items and 2n judgments in the page's database. */
export async function seedReviewRun(page, n) {
  await page.evaluate(async (n) => {
    let seed = 3;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const models = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    const subsets = ['math', 'code', 'writing', 'reasoning'];
    const params = {
      temperature: 0,
      seed: 1,
      max_tokens: 1024,
      samples: 1,
      bothOrders: true,
      constrained: false,
    };
    const db = await new Promise((res, rej) => {
      const r = indexedDB.open('arbiter');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const tx = db.transaction(['datasets', 'items', 'runs', 'judgments'], 'readwrite');
    const T0 = 1_700_000_000_000;
    tx.objectStore('datasets').put({
      id: 'ds-bench',
      name: 'Bench',
      source: 'bench',
      format: 'arbiter',
      itemCount: n,
      createdAt: T0,
    });
    tx.objectStore('runs').put({
      id: 'run-bench',
      datasetId: 'ds-bench',
      name: `Bench ${n}`,
      createdAt: T0,
      updatedAt: T0,
      status: 'done',
      config: {
        engine: 'test',
        modelId: 'bench',
        protocol: 'pairwise',
        templateId: 'j1-pairwise',
        templateVersion: 1,
        params,
      },
      progress: { total: 2 * n, done: 2 * n, failed: 0 },
      summary: null,
    });
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
        tx.objectStore('judgments').put({
          id: `${id}:${order}`,
          runId: 'run-bench',
          itemId: id,
          protocol: 'pairwise',
          templateId: 'j1-pairwise',
          templateVersion: 1,
          engine: 'test',
          modelId: 'bench',
          params,
          order,
          sample: 0,
          text: `Reasoning for ${id} in order ${order}. `.repeat(8) + `[[${verdict ?? '?'}]]`,
          verdict,
          rawVerdict: verdict,
          score: null,
          strength: null,
          probabilities:
            verdict === 'A' ? { A: c, B: 1 - c } : verdict === 'B' ? { A: 1 - c, B: c } : null,
          parse: verdict === null ? 'failed' : 'ok',
          parseSpan: null,
          finishReason: 'stop',
          usage: {
            promptTokens: 300,
            completionTokens: 120,
            prefillTokensPerS: null,
            decodeTokensPerS: null,
            timeToFirstTokenMs: null,
            totalMs: 2000,
          },
          key: `bench:${id}:${order}`,
          createdAt: T0 + i,
        });
      }
    }
    await new Promise((res, rej) => {
      tx.oncomplete = res;
      tx.onerror = () => rej(tx.error);
    });
    db.close();
  }, n);
}
