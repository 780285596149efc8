// Shared by the review benchmarks: the seeded database behind #/review, and the timing of a filter click.

/**
 * Opens `#/review` once the app has made its database (the picker shows runs or none), writes the
 * synthetic runs with `seed(page, n)` and reloads, so the picker reads them.
 */
export async function openSeededReview(page, base, seed, n) {
  await page.goto(`${base}#/review`);
  await page.getByTestId('run-picker').waitFor();
  await page.locator('[data-testid="no-runs"], [data-testid="run-item"]').first().waitFor();
  await seed(page, n);
  await page.reload();
}

/** Ms from a click on `buttonId` to the frame after the `countId` element's text changed. */
export function timeFilterChange(page, countId, buttonId) {
  return page.evaluate(
    async ([countId, buttonId]) => {
      const count = document.querySelector(`[data-testid=${countId}]`);
      const before = count.textContent;
      const t0 = performance.now();
      document.querySelector(`[data-testid=${buttonId}]`).click();
      await new Promise((res) => {
        const check = () =>
          count.textContent !== before ? requestAnimationFrame(() => res()) : setTimeout(check, 0);
        check();
      });
      return performance.now() - t0;
    },
    [countId, buttonId],
  );
}
