// Layout checks for e2e tests: the page itself never scrolls sideways at a given viewport width.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The page's scroll width and the viewport's width, as the browser reports them now. */
export function pageWidth(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: (document.scrollingElement ?? document.documentElement).scrollWidth,
    innerWidth: window.innerWidth,
  }));
}

/** The elements that stick out past the right edge of the viewport, for a useful failure message. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const w = window.innerWidth;
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.right > w + 0.5 && r.width > 0) {
        const id = el.id ? `#${el.id}` : '';
        const cls =
          typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
        out.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`);
      }
    }
    return out.slice(0, 12);
  });
}

/** Assert that nothing makes the page wider than the viewport (tables must scroll in their box). */
export async function expectNoHorizontalScroll(page: Page, label: string): Promise<number> {
  const { scrollWidth, innerWidth } = await pageWidth(page);
  if (scrollWidth > innerWidth) {
    const culprits = await overflowing(page);
    expect(
      scrollWidth,
      `${label}: page is ${scrollWidth} px wide in a ${innerWidth} px viewport; sticking out: ${culprits.join(', ')}`,
    ).toBeLessThanOrEqual(innerWidth);
  }
  return scrollWidth;
}
