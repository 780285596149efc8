// Benchmark: persist 1,000 judgments one transaction each (fake-indexeddb in Node; real IndexedDB in the browser project).
import { deleteDB } from 'idb';
import { bench, describe } from 'vitest';
import { openArbiterDB } from '../src/lib/store/db';
import { persistJudgments } from './store-persist';

// Node has no IndexedDB: use fake-indexeddb there. A variable specifier keeps it out of the browser bundle.
const fakeAuto = 'fake-indexeddb/auto';
if (typeof indexedDB === 'undefined') await import(/* @vite-ignore */ fakeAuto);

describe('store', () => {
  bench(
    'persist 1,000 judgments, one transaction each',
    async () => {
      const name = `arbiter-bench-${Date.now()}-${Math.random()}`;
      const db = await openArbiterDB(name);
      try {
        await persistJudgments(db, 1000);
      } finally {
        db.close();
        await deleteDB(name);
      }
    },
    { iterations: 3, warmupIterations: 1, time: 0 },
  );
});
