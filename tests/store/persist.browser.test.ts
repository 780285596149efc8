// Real Chromium: 1,000 judgments persisted one transaction each all land, and how long each write takes.
import { expect, test } from 'vitest';
import { persistJudgments } from '../../bench/store-persist';
import { JudgmentStore } from '../../src/lib/store/judgments';
import { openTestDb } from './fixtures';

test('persist 1,000 judgments one by one', async () => {
  const { db, close } = await openTestDb();
  try {
    const stats = await persistJudgments(db, 1000, { runId: 'bench' });
    console.log(`persistJudgments (Chromium IndexedDB): ${JSON.stringify(stats)}`);
    const store = new JudgmentStore(db);
    expect(await store.count('bench')).toBe(1000);
    const t0 = performance.now();
    const page = await store.newest({ query: 'no such text', limit: 50 });
    console.log(
      `history search over 1,000 judgments, no hit: ${(performance.now() - t0).toFixed(1)} ms`,
    );
    expect(page.scanned).toBe(1000);
  } finally {
    await close();
  }
}, 60_000);
