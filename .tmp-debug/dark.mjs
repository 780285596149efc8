import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
const base = 'http://127.0.0.1:4999/';
await page.goto(`${base}#/review`);
await page.locator('[data-testid="no-runs"], [data-testid="run-item"]').first().waitFor();
const src = (await import('node:fs')).readFileSync('/work/wt-review/bench/review.mjs', 'utf8');
// reuse the seeding function body from the bench
const start = src.indexOf('await page.evaluate(async (n) => {');
const end = src.indexOf('}, items);', start);
const fnText = src.slice(start + 'await page.evaluate('.length, end + 1);
const fn = eval(fnText);
await page.evaluate(fn, 300);
await page.goto(`${base}#/review/run-bench`);
await page.getByTestId('triage-row').first().waitFor();
await page.waitForTimeout(1500);
const wide = await page.evaluate(() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > 392) out.push(`${el.tagName}.${el.className} ${el.getAttribute('data-testid') ?? ''} right=${Math.round(r.right)} w=${Math.round(r.width)}`);
  }
  return [document.documentElement.scrollWidth, out.slice(0, 25)];
});
console.log(JSON.stringify(wide, null, 1));
await page.screenshot({ path: '/tmp/review-dark.png', fullPage: true });
await browser.close();
