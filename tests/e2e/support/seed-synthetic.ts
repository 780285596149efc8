// Writes a synthetic n-item run (both orders) straight into the app's IndexedDB, generated in the page.
// Passed to page.evaluate, so it must stay self-contained (no imports, no closures). Returns what the
// tests check against: how many pairs flipped and how many items each subset has.
export async function seedSynthetic(n: number): Promise<{ flipped: number; math: number }> {
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
  const db = await new Promise<IDBDatabase>((res, rej) => {
    const r = indexedDB.open('arbiter');
    r.onsuccess = () => res(r.result);
    r.onerror = () => rej(r.error);
  });
  const tx = db.transaction(['datasets', 'items', 'runs', 'judgments'], 'readwrite');
  const T0 = 1_700_000_000_000;
  tx.objectStore('datasets').put({
    id: 'ds-synthetic',
    name: `Synthetic ${n}`,
    source: 'synthetic',
    format: 'arbiter',
    itemCount: n,
    createdAt: T0,
  });
  tx.objectStore('runs').put({
    id: 'run-synthetic',
    datasetId: 'ds-synthetic',
    name: `Synthetic ${n}`,
    createdAt: T0,
    updatedAt: T0,
    status: 'done',
    config: {
      engine: 'test',
      modelId: 'synthetic',
      protocol: 'pairwise',
      templateId: 'j1-pairwise',
      templateVersion: 1,
      params,
    },
    progress: { total: 2 * n, done: 2 * n, failed: 0 },
    summary: null,
  });
  let flipped = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rand() * 6);
    const b = (a + 1 + Math.floor(rand() * 5)) % 6;
    const label = a < b ? 'A' : 'B';
    const id = `syn-${String(i).padStart(6, '0')}`;
    tx.objectStore('items').put({
      id,
      datasetId: 'ds-synthetic',
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
    const verdicts: (string | null)[] = [];
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
      verdicts.push(verdict);
      const c = 0.5 + rand() / 2;
      tx.objectStore('judgments').put({
        id: `${id}:${order}`,
        runId: 'run-synthetic',
        itemId: id,
        protocol: 'pairwise',
        templateId: 'j1-pairwise',
        templateVersion: 1,
        engine: 'test',
        modelId: 'synthetic',
        params,
        order,
        sample: 0,
        text: `Reasoning for ${id} in order ${order}. [[${verdict ?? '?'}]]`,
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
        key: `synthetic:${id}:${order}`,
        createdAt: T0 + i,
      });
    }
    if (verdicts[0] !== null && verdicts[1] !== null && verdicts[0] !== verdicts[1]) flipped++;
  }
  await new Promise<void>((res, rej) => {
    tx.oncomplete = () => res();
    tx.onerror = () => rej(tx.error);
  });
  db.close();
  return { flipped, math: Math.ceil(n / 4) };
}
