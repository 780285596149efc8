// Leaving a run's review stops its background interval resampling; opening the run again computes the intervals anew.
import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { ReviewState } from '../../src/lib/state/review.svelte';
import { StorageState } from '../../src/lib/state/storage.svelte';
import type { JudgeEngine } from '../../src/lib/engine/types';
import type { ModelState } from '../../src/lib/state/models.svelte';
import { llmbarFixture } from './fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

test('leave stops the resampling where it is; open starts it again and finishes', async () => {
  const storage = new StorageState(`review-leave-${Math.random()}`);
  const repos = await storage.repositories();
  const f = llmbarFixture();
  await repos.datasets.import(f.dataset, f.items);
  for (const r of f.runs) await repos.runs.put(r);
  await repos.judgments.putMany(f.judgments);
  const newReview = () =>
    new ReviewState(
      storage,
      {} as JudgeEngine,
      { batchRunOnEngine: () => null } as unknown as ModelState,
    );
  const review = newReview();

  await review.open('run-llmbar');
  expect(review.dashboard?.overall.intervals).toBeNull();
  await until(() => review.intervalsDone > 0);
  review.leave();
  const stoppedAt = review.intervalsDone;
  // A second review of the run resamples in the same event loop: once it has done 200 resamples,
  // a first one that had not stopped would have moved on too.
  const control = newReview();
  await control.open('run-llmbar');
  await until(() => control.intervalsDone >= Math.min(200, control.intervalsTotal));
  control.leave();
  expect(review.intervalsDone).toBe(stoppedAt);
  expect(stoppedAt).toBeLessThan(review.intervalsTotal);
  expect(review.dashboard?.overall.intervals).toBeNull();

  await review.open('run-llmbar');
  await until(() => (review.dashboard?.overall.intervals ?? null) !== null);
  expect(review.intervalsDone).toBe(review.intervalsTotal);
  expect(review.dashboard?.overall.intervals?.accuracy.lower).toBeLessThan(
    review.dashboard?.overall.metrics.accuracy ?? 0,
  );
}, 60_000);
