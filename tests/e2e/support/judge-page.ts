// Steps the judge e2e tests share: load the test model, fill a pair, judge.
import type { Page } from 'playwright-core';
import { readStore } from './browser';

/** Pick a model in the Models table (the page must show it). */
export async function chooseModel(page: Page, modelId: string): Promise<void> {
  await page.locator(`input[name=model][value="${modelId}"]`).check();
}

export async function loadTestModel(page: Page, modelId = 'arbiter-test-judge'): Promise<void> {
  await page.goto(new URL('#/models', page.url()).href);
  await chooseModel(page, modelId);
  await page.getByTestId('load-model').click();
  await page.getByTestId('model-ready').waitFor();
}

export interface Pair {
  prompt: string;
  a: string;
  b: string;
  protocol?: string;
}

export async function fillPair(page: Page, pair: Pair): Promise<void> {
  await page.goto(new URL('#/judge', page.url()).href);
  await page.locator('#prompt').fill(pair.prompt);
  await page.locator('#answer-a').fill(pair.a);
  await page.locator('#answer-b').fill(pair.b);
  if (pair.protocol) await page.getByTestId('protocol').selectOption(pair.protocol);
}

/** Generate requests posted to the test engine's worker for `modelId` in this page. */
export function engineRequests(page: Page, modelId = 'arbiter-test-judge'): Promise<number> {
  return page.evaluate(
    (id) =>
      (window as unknown as { __arbiterTest?: { requests: Record<string, number> } }).__arbiterTest
        ?.requests[id] ?? 0,
    modelId,
  );
}

/**
 * Waits until the newest run's last write has landed (its status is final), so reads of
 * IndexedDB and reloads see everything; the verdict shows before that write.
 */
export async function waitForSaved(
  page: Page,
  status: 'done' | 'cancelled' | 'failed' = 'done',
): Promise<{ id: string; status: string }> {
  // No deadline of its own (a busy machine is slow, not wrong): the test's timeout bounds it.
  // Polling is the only way to watch IndexedDB from outside the page; each poll reads it afresh.
  for (;;) {
    const runs = await readStore<{ id: string; status: string; createdAt: number }>(page, 'runs');
    const newest = runs.sort((a, b) => b.createdAt - a.createdAt)[0];
    if (newest?.status === status) return newest;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  }
}
