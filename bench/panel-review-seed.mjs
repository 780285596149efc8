// The synthetic panel the panel review benchmark opens: three member runs over one n-item labelled dataset, written
// straight into the app's database (past the repositories, so no review digest until first opened).

/**
 * Seeds dataset `ds-panel-bench` with `n` items and runs `run-pb-judge`, `run-pb-flipper`,
 * `run-pb-longer` (2n judgments each): a judge right ~75% of the time, one that follows the first
 * position on ~30% of items, one that picks the longer answer ~70% of the time.
 */
export async function seedPanelRuns(page, n) {
  await page.evaluate(async (n) => {
    let seed = 11;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const params = {
      temperature: 0,
      seed: 1,
      max_tokens: 1024,
      samples: 1,
      bothOrders: true,
      constrained: false,
    };
    const members = ['judge', 'flipper', 'longer'];
    const db = await new Promise((res, rej) => {
      const r = indexedDB.open('arbiter');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const tx = db.transaction(['datasets', 'items', 'runs', 'judgments'], 'readwrite');
    const T0 = 1_700_000_000_000;
    tx.objectStore('datasets').put({
      id: 'ds-panel-bench',
      name: 'Panel bench',
      source: 'bench',
      format: 'arbiter',
      itemCount: n,
      createdAt: T0,
    });
    members.forEach((m, k) =>
      tx.objectStore('runs').put({
        id: `run-pb-${m}`,
        datasetId: 'ds-panel-bench',
        name: `bench-${m}`,
        createdAt: T0 + k,
        updatedAt: T0 + k,
        status: 'done',
        config: {
          engine: 'test',
          modelId: `bench-${m}`,
          protocol: 'pairwise',
          templateId: 'j1-pairwise',
          templateVersion: 1,
          params,
        },
        progress: { total: 2 * n, done: 2 * n, failed: 0 },
        summary: null,
      }),
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
          tx.objectStore('judgments').put({
            id: `${m}:${id}:${order}`,
            runId: `run-pb-${m}`,
            itemId: id,
            protocol: 'pairwise',
            templateId: 'j1-pairwise',
            templateVersion: 1,
            engine: 'test',
            modelId: `bench-${m}`,
            params,
            order,
            sample: 0,
            text:
              `Reasoning of ${m} for ${id} in order ${order}. `.repeat(4) + `[[${verdict ?? '?'}]]`,
            verdict,
            rawVerdict: verdict,
            score: null,
            strength: null,
            probabilities: null,
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
            key: `panel-bench:${m}:${id}:${order}`,
            createdAt: T0 + i,
          });
        }
      });
    }
    await new Promise((res, rej) => {
      tx.oncomplete = res;
      tx.onerror = () => rej(tx.error);
    });
    db.close();
  }, n);
}
