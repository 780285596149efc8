// Helpers for e2e tests of the Datasets page: pick a file through the real input, wait for the outcome.
import type { Page } from 'playwright-core';

/** Opens #/datasets and waits for the import panel. */
export async function openDatasets(page: Page, baseURL: string): Promise<void> {
  await page.goto(new URL('#/datasets', baseURL).href);
  await page.getByTestId('import-drop').waitFor();
}

/** Picks a file in the file input (a buffer, or a path on disk for big files). */
export async function chooseFile(
  page: Page,
  name: string,
  content: Buffer | string,
): Promise<void> {
  const input = page.getByTestId('import-file');
  if (typeof content === 'string' && content.startsWith('/')) await input.setInputFiles(content);
  else
    await input.setInputFiles({
      name,
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(content),
    });
}

/** Waits until the import reached one of these phases and returns it. */
export async function waitPhase(page: Page, phases: string[], timeout = 60_000): Promise<string> {
  const status = page.getByTestId('import-status');
  await page.waitForFunction(
    (ps) =>
      ps.includes(
        document.querySelector('[data-testid="import-status"]')?.getAttribute('data-phase') ?? '',
      ),
    phases,
    // Interval polling: the default (every animation frame) would itself load the page's main thread.
    { timeout, polling: 250 },
  );
  return (await status.getAttribute('data-phase')) ?? '';
}

/** Picks a file and, when it reaches review, imports it; returns the final phase. */
export async function importFile(
  page: Page,
  name: string,
  content: Buffer | string,
  timeout = 60_000,
): Promise<string> {
  await chooseFile(page, name, content);
  const phase = await waitPhase(page, ['review', 'failed'], timeout);
  if (phase === 'failed') return phase;
  const start = page.getByTestId('import-start');
  await page.waitForFunction(
    () =>
      !(document.querySelector('[data-testid="import-start"]') as HTMLButtonElement | null)
        ?.disabled,
    null,
    // Interval polling: the default (every animation frame) would itself load the page's main thread.
    { timeout, polling: 250 },
  );
  await start.click();
  return waitPhase(page, ['done', 'failed', 'review'], timeout);
}
