// E2E: the review pages from the real UI over runs seeded into the app's IndexedDB: numbers equal the core's.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterEach, expect, inject, test } from 'vitest';
import {
  cohenKappa,
  kappaAgainstLabels,
  longerAnswerWinRate,
  pairwiseMetrics,
  withInterval,
  type PairRecord,
  type Verdict,
} from '../../src/lib/judge';
import { fixed, fixedInterval, pct, pctInterval } from '../../src/lib/review/format';
import { openApp, readStore, type E2EPage } from './support/browser';
import { expectNoSeriousAxeViolations } from './support/axe';
import { expectNoHorizontalScroll } from './support/layout';
import { loadTestModel } from './support/judge-page';
import { seedSynthetic } from './support/seed-synthetic';
import {
  llmbarFixture,
  makeJudgment,
  makeRunRecord,
  pandalmFixture,
  type FixtureRun,
} from '../review/fixtures';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
}, 180_000);

/** Waits until the app has opened (and created) its database, then writes the fixture's records into it. */
async function seed(page: Page, f: FixtureRun): Promise<void> {
  await page.goto(new URL('#/review', baseURL).href);
  await page.getByTestId('run-picker').waitFor();
  await page.locator('[data-testid="no-runs"], [data-testid="run-item"]').first().waitFor();
  await page.evaluate(async (data) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('arbiter');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const stores = ['datasets', 'items', 'runs', 'judgments', 'labels'] as const;
    await new Promise<void>((res, rej) => {
      const tx = db.transaction([...stores], 'readwrite');
      for (const d of [data.dataset]) tx.objectStore('datasets').put(d);
      for (const x of data.items) tx.objectStore('items').put(x);
      for (const x of data.runs) tx.objectStore('runs').put(x);
      for (const x of data.judgments) tx.objectStore('judgments').put(x);
      for (const x of data.labels) tx.objectStore('labels').put(x);
      tx.oncomplete = () => res();
      tx.onerror = () => rej(tx.error);
    });
    db.close();
  }, f);
}

/** The core's records for a fixture run: one sample per order, so each order's verdict is its judgment's. */
function coreRecords(f: FixtureRun, runId: string): PairRecord[] {
  const js = f.judgments.filter((j) => j.runId === runId);
  const byItem = new Map<string, { AB?: Verdict | null; BA?: Verdict | null }>();
  for (const j of js) {
    const e = byItem.get(j.itemId) ?? {};
    e[j.order] = j.verdict;
    byItem.set(j.itemId, e);
  }
  return f.items
    .filter((it) => byItem.has(it.id))
    .map((it) => {
      const e = byItem.get(it.id)!;
      const r: PairRecord = {
        label: (it.label as Verdict) ?? null,
        verdictAB: e.AB ?? null,
        lenA: it.responseA.length,
        lenB: it.responseB?.length ?? 0,
      };
      if (e.BA !== undefined) r.verdictBA = e.BA;
      return r;
    });
}

const text = async (page: Page, id: string) =>
  ((await page.getByTestId(id).first().textContent()) ?? '').trim();

test('dashboard numbers and 95% intervals on screen equal the judge core (LLMBar, seeded run)', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  const f = llmbarFixture();
  await seed(page, f);
  await page.reload();
  await page.getByTestId('run-item').first().getByRole('link').first().click();
  await page.getByTestId('dashboard').waitFor();
  await expect
    .poll(() => text(page, 'ci-progress'), { timeout: 30_000 })
    .toMatch(/1,000 resamples, seed 1/);

  const recs = coreRecords(f, 'run-llmbar');
  const opts = { iterations: 1000, seed: 1 };
  const metrics: [string, (rs: PairRecord[]) => number, 'pct' | 'kappa'][] = [
    ['accuracy', (rs) => pairwiseMetrics(rs).threeWayAgreement, 'pct'],
    ['accuracyMean', (rs) => pairwiseMetrics(rs).accuracyMean, 'pct'],
    ['consistentAccuracy', (rs) => pairwiseMetrics(rs).consistentAccuracy, 'pct'],
    ['positionalAgreement', (rs) => pairwiseMetrics(rs).positionalAgreement, 'pct'],
    ['flipRate', (rs) => pairwiseMetrics(rs).flipRate, 'pct'],
    ['firstPositionPreference', (rs) => pairwiseMetrics(rs).firstPositionPreference, 'pct'],
    ['tieRate', (rs) => pairwiseMetrics(rs).tieRate, 'pct'],
    ['parseFailureRate', (rs) => pairwiseMetrics(rs).parseFailureRate, 'pct'],
    ['longerAnswerWinRate', (rs) => longerAnswerWinRate(rs), 'pct'],
    ['kappa', (rs) => kappaAgainstLabels(rs, 'final'), 'kappa'],
  ];
  for (const [name, metric, kind] of metrics) {
    const iv = withInterval(recs, metric, opts);
    expect(await text(page, `value-${name}`), name).toBe(
      kind === 'pct' ? pct(iv.estimate) : fixed(iv.estimate),
    );
    // The visible interval follows a visually hidden "95% interval" for screen readers.
    const shown = (await text(page, `ci-${name}`)).replace(/^95% interval\s*/, '');
    expect(shown, name).toBe(kind === 'pct' ? pctInterval(iv) : fixedInterval(iv));
  }
  // A sanity anchor independent of formatting: the simulated judge is right ~70% of the time.
  const acc = pairwiseMetrics(recs).threeWayAgreement;
  expect(acc).toBeGreaterThan(0.5);

  // Per subset, each resampled with the same seed.
  const natural = recs.filter((_, i) => f.items[i]!.meta['subset'] === 'Natural');
  const nat = withInterval(natural, (rs) => pairwiseMetrics(rs).threeWayAgreement, opts);
  const row = page.getByTestId('subset-row').filter({ hasText: 'Natural' });
  expect(await row.textContent()).toContain(`${pct(nat.estimate)} ${pctInterval(nat)}`);
  expect(await page.getByTestId('subset-row').count()).toBe(5);

  // The published LLMBar numbers are beside ours.
  const ref = page.getByTestId('reference');
  await ref.waitFor();
  expect(await ref.textContent()).toMatch(/GPT-4/);
  expect(await page.getByTestId('reference-ours').textContent()).toContain(
    pct(pairwiseMetrics(natural).accuracyMean),
  );

  // Confusion: label A predicted A.
  const aa = recs.filter((r) => r.label === 'A' && pairwiseMetrics([r]).threeWayAgreement === 1);
  expect(await text(page, 'confusion-A-A')).toBe(aa.length.toLocaleString('en-US'));
  expect(app.errors).toEqual([]);
}, 180_000);

/**
 * The review page at rest: the dashboard's lower part is drawn (Triage's data-settled) and its 95%
 * intervals are in, so nothing above Triage changes size under a click. With data-settled alone, a
 * clean-clone CI's click on "Wrong vs label" landed while the page still moved ("Clicking the
 * checkbox did not change its state").
 */
async function reviewAtRest(page: Page): Promise<void> {
  await page.locator('[data-testid=triage][data-settled=true]').waitFor();
  await expect.poll(() => text(page, 'ci-progress')).toMatch(/1,000 resamples, seed 1/);
}

test('labels and notes from the keyboard survive a reload, never touch judgments, and are exported', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  const f = llmbarFixture();
  await seed(page, f);
  await page.goto(new URL('#/review/run-llmbar', baseURL).href);
  await reviewAtRest(page);
  const judgmentsBefore = await readStore(page, 'judgments');

  // Filter to wrong verdicts, then label the first two and write a note on the second.
  await page.getByTestId('filter-wrong').check();
  const count = await text(page, 'triage-count');
  expect(count).toMatch(/^\d+ of 419 items$/);
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.keyboard.press('1');
  await expect.poll(() => text(page, 'your-label')).toBe('You: A better');
  const first = await text(page, 'detail-verdict');
  await page.keyboard.press('j');
  await expect.poll(() => text(page, 'your-label')).toBe('Not labelled by you');
  await page.keyboard.press('t');
  await expect.poll(() => text(page, 'your-label')).toBe('You: tie');
  await page.keyboard.press('n');
  await page.keyboard.type('label looks wrong');
  await page.keyboard.press('Control+Enter');
  await expect.poll(async () => (await readStore(page, 'labels')).length).toBe(2);
  // 'o' takes the judge's verdict as your label on a third item.
  await page.getByTestId('note').press('Escape');
  await page.keyboard.press('j');
  await page.keyboard.press('o');
  await expect.poll(async () => (await readStore(page, 'labels')).length).toBe(3);
  expect(first).toMatch(/Judge:/);

  await page.reload();
  await reviewAtRest(page);
  const labels = await readStore<{ itemId: string; label: string | null; note: string }>(
    page,
    'labels',
  );
  expect(labels.map((l) => l.label).sort()).toContain('tie');
  expect(labels.find((l) => l.label === 'tie')?.note).toBe('label looks wrong');
  // Judgments are exactly as they were.
  expect(await readStore(page, 'judgments')).toEqual(judgmentsBefore);
  // Judge vs you now has n = 3.
  expect(await page.getByTestId('metric-humanAgreement').textContent()).toContain('n = 3.');
  await page.getByTestId('filter-unlabelled').check();
  expect(await text(page, 'triage-count')).toBe('416 of 419 items');

  const download = page.waitForEvent('download');
  await page.getByTestId('export-jsonl').click();
  const file = await (await download).path();
  const lines = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines[0]).toMatchObject({ type: 'arbiter-review', version: 1 });
  expect(lines).toHaveLength(420);
  const mine = lines.filter((l) => l['humanLabel'] !== null && l['humanLabel'] !== undefined);
  expect(mine).toHaveLength(3);
  expect(mine.find((l) => l['humanLabel'] === 'tie')?.['humanNote']).toBe('label looks wrong');
  expect(app.errors).toEqual([]);
}, 180_000);

test('meta-judge: two judgments of an item compared in both orders, stored as a run of its own', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  const f = llmbarFixture();
  // Steer the test judge: the judgment containing ✔ wins in both orders.
  f.judgments = f.judgments.map((j, i) =>
    i === 0 ? { ...j, text: `✔ ${j.text}` } : i === 1 ? { ...j, text: `✘ ${j.text}` } : j,
  );
  await seed(page, f);
  await loadTestModel(page);
  await page.goto(new URL('#/review/run-llmbar', baseURL).href);
  await page.getByTestId('meta-judge').waitFor();
  const picks = page.getByTestId('meta-pick');
  await expect.poll(() => picks.count()).toBe(2);
  await picks.nth(0).check();
  await picks.nth(1).check();
  await page.getByTestId('meta-run').click();
  const result = page.getByTestId('meta-result');
  await result.waitFor({ timeout: 30_000 });
  expect(await result.textContent()).toMatch(/Judgment A is better/);

  const runs = await readStore<{ id: string; config: { protocol: string }; summary: unknown }>(
    page,
    'runs',
  );
  const meta = runs.filter((r) => r.config.protocol === 'meta-judge');
  expect(meta).toHaveLength(1);
  expect(meta[0]!.summary).toMatchObject({
    kind: 'meta-judge',
    itemId: f.items[0]!.id,
    judgmentA: f.judgments[0]!.id,
    judgmentB: f.judgments[1]!.id,
    verdict: 'A',
    consistency: 'consistent',
  });
  const stored = (
    await readStore<{ runId: string; protocol: string; order: string; verdict: string }>(
      page,
      'judgments',
    )
  ).filter((j) => j.runId === meta[0]!.id);
  expect(stored.map((j) => [j.protocol, j.order, j.verdict]).sort()).toEqual([
    ['meta-judge', 'AB', 'A'],
    ['meta-judge', 'BA', 'A'],
  ]);
  // Survives a reload and is still listed under the item; not offered as a run to review.
  await page.reload();
  await page.getByTestId('meta-result').waitFor();
  await page.goto(new URL('#/review', baseURL).href);
  await expect.poll(() => page.getByTestId('run-item').count()).toBe(1);
}, 180_000);

test('compare two recorded judges (PandaLM) and rank the models their items name', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  const f = pandalmFixture();
  await seed(page, f);
  await page.goto(new URL('#/compare/run-gpt35/run-pandalm7b', baseURL).href);
  await page.getByTestId('compare').waitFor();
  const a = coreRecords(f, 'run-gpt35').map((r) => r.verdictAB);
  const b = coreRecords(f, 'run-pandalm7b').map((r) => r.verdictAB);
  const same = a.filter((v, i) => v === b[i]).length;
  expect(await text(page, 'cmp-agreement')).toBe(pct(same / a.length));
  expect(await text(page, 'cmp-kappa')).toBe(fixed(cohenKappa(a, b)));
  expect(await text(page, 'cmp-accuracy')).toContain('69.8% vs 66.8%');
  expect(await page.getByTestId('cmp-diff-row').count()).toBeGreaterThan(0);

  await page.goto(new URL('#/leaderboard/run-pandalm7b', baseURL).href);
  await page.getByTestId('leaderboard').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('lb-row').count()).toBe(5);
  await page.getByTestId('length-control').check();
  await expect.poll(() => page.getByTestId('lb-lc').count(), { timeout: 30_000 }).toBe(5);

  // Another comparison and another ranking: the earlier ones are never put in the page first
  // (drawn only to be torn down before a frame is painted).
  const addedOnNavigation = async (hash: string, testId: string) => {
    await page.evaluate(
      ([h, id]) => {
        const w = window as unknown as { added: number };
        w.added = 0;
        new MutationObserver((records) => {
          for (const r of records)
            for (const n of r.addedNodes)
              if (
                n instanceof Element &&
                (n.matches(`[data-testid=${id}]`) || n.querySelector(`[data-testid=${id}]`))
              )
                w.added += 1;
        }).observe(document.body, { subtree: true, childList: true });
        location.hash = h!;
      },
      [hash, testId],
    );
    await page.getByTestId(testId).waitFor({ timeout: 30_000 });
    return page.evaluate(() => (window as unknown as { added: number }).added);
  };
  expect(await addedOnNavigation('#/compare/run-pandalm7b/run-gpt35', 'compare')).toBe(1);
  expect(await text(page, 'cmp-accuracy')).toContain('66.8% vs 69.8%');
  expect(await addedOnNavigation('#/leaderboard/run-gpt35', 'leaderboard')).toBe(1);
  expect(app.errors).toEqual([]);
}, 180_000);

test('10,000 judged items: dashboard, triage list and filters render; fine at 390 px', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.goto(new URL('#/review', baseURL).href);
  await page.locator('[data-testid="no-runs"], [data-testid="run-item"]').first().waitFor();
  const seeded = await page.evaluate(seedSynthetic, 10_000);
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(new URL('#/review/run-synthetic', baseURL).href);
  // Written past the repositories, the run has no review digest yet: the first open builds it,
  // saying so, and stores it; the next open reads it.
  await page.waitForFunction(
    () =>
      /Indexing the run for review[\s\S]*of 20,000 judgments read/.test(
        document.querySelector('[data-testid=review-loading]')?.textContent ?? '',
      ),
    null,
    { timeout: 60_000, polling: 20 },
  );
  await page.getByTestId('triage-row').first().waitFor({ timeout: 60_000 });
  await page.getByTestId('value-accuracy').waitFor();
  expect(await text(page, 'triage-count')).toBe('10,000 of 10,000 items');
  const firstAccuracy = await text(page, 'value-accuracy');
  await page.reload();
  await page.getByTestId('triage-row').first().waitFor({ timeout: 60_000 });
  expect(await text(page, 'value-accuracy')).toBe(firstAccuracy);
  // Stored compact: 4 × 4,096 + 3,584 judgments, then a 32-judgment tail for appends.
  expect(
    await page.evaluate(
      () =>
        new Promise<number>((res, rej) => {
          const r = indexedDB.open('arbiter');
          r.onerror = () => rej(r.error);
          r.onsuccess = () => {
            const c = r.result.transaction('digests').objectStore('digests').count();
            c.onsuccess = () => (r.result.close(), res(c.result));
          };
        }),
    ),
  ).toBe(6);
  // Virtualised: only a screenful of rows is in the DOM.
  expect(await page.getByTestId('triage-row').count()).toBeLessThan(200);
  await page.getByTestId('filter-flipped').check();
  expect(await text(page, 'triage-count')).toBe(
    `${seeded.flipped.toLocaleString('en-US')} of 10,000 items`,
  );
  await page.getByTestId('filter-flipped').uncheck();
  await page.getByTestId('filter-subset').selectOption('math');
  expect(await text(page, 'triage-count')).toBe(
    `${seeded.math.toLocaleString('en-US')} of 10,000 items`,
  );
  // Keyboard moves through the list and the detail follows.
  await page.getByTestId('triage-row').first().click();
  await page.getByTestId('triage-list').focus();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  expect(await page.locator('[role=option][aria-selected=true]').count()).toBe(1);
  await expect.poll(() => text(page, 'item-detail')).toMatch(/^Item #9\b/);
  // Texts are not in the digest: the item's judgments are read by id when it is shown.
  await expect.poll(() => text(page, 'reasoning-AB')).toMatch(/Reasoning for \S+ in order AB\./);
  // Nothing spills sideways on a phone: wide tables scroll inside their panels.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  // The leaderboard of the six models the items name.
  await page.goto(new URL('#/leaderboard/run-synthetic', baseURL).href);
  await page.getByTestId('leaderboard').waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('lb-row').count()).toBe(6);
  expect(app.errors).toEqual([]);
}, 300_000);

test('opening a run never shows the last run’s numbers, and the sections below the fold follow the first screen', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  const f = llmbarFixture();
  // A second run of the same items whose judge is wrong on the first 150: another accuracy.
  const second = f.judgments
    .filter((j) => j.runId === 'run-llmbar')
    .map((j, i) => {
      const wrong = i < 300 && (j.verdict === 'A' || j.verdict === 'B');
      const verdict = wrong ? (j.verdict === 'A' ? 'B' : 'A') : j.verdict;
      return { ...j, id: `${j.id}:2`, runId: 'run-two', key: `${j.key}:2`, verdict };
    });
  await seed(page, {
    ...f,
    runs: [...f.runs, { ...f.runs[0]!, id: 'run-two', name: 'Second judge' }],
    judgments: [...f.judgments, ...second],
  });
  await page.reload();
  const open = async (runId: string) => {
    await page.goto(new URL('#/review', baseURL).href);
    await page.getByTestId('run-item').first().waitFor();
    // Every accuracy value put into the page from the moment the hash changes, in order, even
    // one taken out again before a frame was painted (drawn only to be torn down).
    await page.evaluate((id) => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const note = (records: MutationRecord[]) => {
        for (const r of records)
          for (const n of r.addedNodes) {
            if (!(n instanceof Element)) continue;
            const el = n.matches('[data-testid=value-accuracy]')
              ? n
              : n.querySelector('[data-testid=value-accuracy]');
            const v = el?.textContent;
            if (v) seen.push(v);
          }
      };
      new MutationObserver(note).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
      location.hash = `#/review/${id}`;
    }, runId);
    await page.getByTestId('triage-row').first().waitFor({ timeout: 60_000 });
    await expect
      .poll(() => text(page, 'ci-progress'), { timeout: 60_000 })
      .toMatch(/1,000 resamples/);
    return {
      seen: await page.evaluate(() => (window as unknown as { seen: string[] }).seen),
      shown: await text(page, 'value-accuracy'),
    };
  };
  const one = await open('run-llmbar');
  const two = await open('run-two');
  expect(two.shown).not.toBe(one.shown);
  // Only the opened run's number, never the one left on the way (same run or another).
  expect(one.seen).toEqual([one.shown]);
  expect(two.seen).toEqual([two.shown]);
  expect((await open('run-two')).seen).toEqual([two.shown]);

  // The per-subset table, confusion matrix and usage come after the first screen, with the
  // core's numbers.
  const recs = coreRecords({ ...f, judgments: second }, 'run-two');
  expect(two.shown).toBe(pct(pairwiseMetrics(recs).threeWayAgreement));
  await expect.poll(() => page.getByTestId('subset-row').count()).toBe(5);
  const natural = recs.filter((_, i) => f.items[i]!.meta['subset'] === 'Natural');
  expect(
    await page.getByTestId('subset-row').filter({ hasText: 'Natural' }).textContent(),
  ).toContain(pct(pairwiseMetrics(natural).threeWayAgreement));
  const aa = recs.filter((r) => r.label === 'A' && pairwiseMetrics([r]).threeWayAgreement === 1);
  expect(await text(page, 'confusion-A-A')).toBe(aa.length.toLocaleString('en-US'));
  expect(await page.getByTestId('usage').textContent()).toContain(
    second.length.toLocaleString('en-US'),
  );
  expect(app.errors).toEqual([]);
}, 240_000);

/**
 * Models top, mid, low and, apart, x and y, judged with the Arena-Hard template (graded verdicts):
 * top won every game, and the two groups never met.
 */
function arenaFixture(): FixtureRun {
  const runId = 'run-arena';
  const games: [string, string, Verdict, number][] = [
    ...Array.from({ length: 3 }, () => ['top', 'mid', 'A', 2] as [string, string, Verdict, number]),
    ...Array.from({ length: 3 }, () => ['top', 'low', 'A', 1] as [string, string, Verdict, number]),
    ['mid', 'low', 'A', 1],
    ['mid', 'low', 'A', 1],
    ['mid', 'low', 'B', 1],
    ['x', 'y', 'A', 1],
    ['x', 'y', 'tie', 1],
    ['x', 'y', 'B', 1],
  ];
  const items = games.map(([a, b], index) => ({
    id: `arena-${index}`,
    datasetId: 'ds-arena',
    index,
    prompt: `Prompt ${index}`,
    responseA: `Answer of ${a}`,
    responseB: `Answer of ${b}`,
    modelA: a,
    modelB: b,
    meta: {},
  }));
  const judgments = games.flatMap(([, , v, strength], i) =>
    (['AB', 'BA'] as const).map((o) =>
      makeJudgment(runId, `arena-${i}`, o, v, {
        templateId: 'arena-hard',
        strength: o === 'AB' ? strength : 1,
      }),
    ),
  );
  return {
    dataset: {
      id: 'ds-arena',
      name: 'Arena',
      source: 'test',
      format: 'arbiter',
      itemCount: items.length,
      createdAt: 1,
    },
    items,
    runs: [makeRunRecord(runId, { datasetId: 'ds-arena' })].map((r) => ({
      ...r,
      config: { ...r.config, templateId: 'arena-hard' },
    })),
    judgments,
    labels: [],
  };
}

test('the leaderboard says when models never met, when one is unbeaten, and which weighting it used', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await seed(page, arenaFixture());
  // Text as read, white space collapsed as the page shows it.
  const shown = async (id: string) => (await text(page, id)).replace(/\s+/g, ' ');
  await page.goto(new URL('#/leaderboard/run-arena', baseURL).href);
  await page.getByTestId('leaderboard').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('lb-row').count()).toBe(5);
  const groups = await shown('lb-groups');
  expect(groups).toContain('group 1: top, mid, low');
  expect(groups).toContain('group 2: x, y');
  expect(await shown('lb-unbeaten')).toMatch(/^top lost or tied no game/);
  expect(await shown('lb-winless')).toMatch(
    /^mid, low won or tied no game against a model outside this list/,
  );
  expect(await shown('lb-prior')).toContain('1 tie against a reference player rated 1000');
  expect(await shown('lb-method')).toContain('One game per item');

  await page.getByTestId('lb-weighting').selectOption('arena-hard');
  await expect
    .poll(() => shown('lb-method'), { timeout: 30_000 })
    .toContain("Arena-Hard's weighting");
  expect(await shown('lb-method')).toContain('(3 strong verdicts)');
  // The notes and the choice keep the view accessible and phone-sized.
  await expectNoSeriousAxeViolations(page, 'leaderboard with notes');
  await page.setViewportSize({ width: 390, height: 780 });
  await expectNoHorizontalScroll(page, 'leaderboard with notes at 390');
  expect(app.errors).toEqual([]);
}, 180_000);
