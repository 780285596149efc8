// Shared by the review benchmarks' seeds: one readwrite transaction on the app's database in the page, and its records.
// The records are written past the repositories, so a seeded run has no review digest until first opened.

/**
 * Runs `fill(tx, n, make)` in the page inside one readwrite transaction over datasets, items, runs
 * and judgments of the app's database `arbiter`, and resolves once it has committed.
 *
 * `fill` is sent to the page as its source text (as `page.evaluate` sends a function), so it may
 * use only its arguments: `make` holds the record builders below. The expression is evaluated by
 * the DevTools protocol, which the page's CSP does not govern; nothing in the page calls eval.
 */
export async function seedInPage(page, n, fill) {
  await page.evaluate(`(${inPage})(${fill}, ${JSON.stringify(n)})`);
}

/** In the page (sent as source, so self-contained). */
async function inPage(fill, n) {
  const T0 = 1_700_000_000_000;
  const params = {
    temperature: 0,
    seed: 1,
    max_tokens: 1024,
    samples: 1,
    bothOrders: true,
    constrained: false,
  };
  const make = {
    T0,
    /** The benchmarks' deterministic stream in [0, 1) (Park–Miller), from `seed`. */
    random(seed) {
      return () => {
        seed = (seed * 16807) % 2147483647;
        return seed / 2147483647;
      };
    },
    dataset: ({ id, name }) => ({
      id,
      name,
      source: 'bench',
      format: 'arbiter',
      itemCount: n,
      createdAt: T0,
    }),
    /** A finished pairwise run of both orders over the n items, by the test engine. */
    run: ({ id, datasetId, name, modelId, createdAt }) => ({
      id,
      datasetId,
      name,
      createdAt,
      updatedAt: createdAt,
      status: 'done',
      config: {
        engine: 'test',
        modelId,
        protocol: 'pairwise',
        templateId: 'j1-pairwise',
        templateVersion: 1,
        params,
      },
      progress: { total: 2 * n, done: 2 * n, failed: 0 },
      summary: null,
    }),
    /** A pairwise judgment by the test engine; a null verdict is a failed parse. */
    judgment: ({
      id,
      runId,
      itemId,
      modelId,
      order,
      text,
      verdict,
      probabilities,
      key,
      createdAt,
    }) => ({
      id,
      runId,
      itemId,
      protocol: 'pairwise',
      templateId: 'j1-pairwise',
      templateVersion: 1,
      engine: 'test',
      modelId,
      params,
      order,
      sample: 0,
      text,
      verdict,
      rawVerdict: verdict,
      score: null,
      strength: null,
      probabilities,
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
      key,
      createdAt,
    }),
  };
  const db = await new Promise((res, rej) => {
    const r = indexedDB.open('arbiter');
    r.onsuccess = () => res(r.result);
    r.onerror = () => rej(r.error);
  });
  const tx = db.transaction(['datasets', 'items', 'runs', 'judgments'], 'readwrite');
  fill(tx, n, make);
  await new Promise((res, rej) => {
    tx.oncomplete = res;
    tx.onerror = () => rej(tx.error);
  });
  db.close();
}
