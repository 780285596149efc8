// Waits for the page events that prove a test may look now, instead of fixed sleeps (a busy machine stretches any sleep).
import type { Locator, Page } from 'playwright-core';

/**
 * Resolves once the page has run the tasks queued so far: an input's handlers have run and their
 * state changes have rendered (Svelte flushes in a microtask). Proves that something a handler
 * would have started at once has not.
 */
export function queuedTasksRun(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((done) => setTimeout(done, 0)));
}

/** Resolves once the page's DOM has not changed for two animation frames in a row (lazy parts rendered). */
export function domQuiet(page: Page): Promise<void> {
  return page.evaluate(async () => {
    const frame = () => new Promise((done) => requestAnimationFrame(done));
    let changed = true;
    const seen = new MutationObserver(() => (changed = true));
    seen.observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
    try {
      while (changed) {
        changed = false;
        await frame();
        await frame();
      }
    } finally {
      seen.disconnect();
    }
  });
}

/** Resolves once `scroller`'s scroll position has stayed put for two animation frames (a jump has settled). */
export function scrollSettled(scroller: Locator): Promise<void> {
  return scroller.evaluate(async (e) => {
    const frame = () => new Promise((done) => requestAnimationFrame(done));
    let last = NaN;
    while (e.scrollTop !== last) {
      last = e.scrollTop;
      await frame();
      await frame();
    }
  });
}
