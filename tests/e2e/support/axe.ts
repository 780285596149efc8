// Runs axe-core inside an e2e page and fails on any violation of serious or critical impact.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);
let source: string | undefined;

/** axe-core's own bundle, injected as text so the page never fetches anything for it. */
function axeSource(): string {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Every axe violation on the page as it is now (WCAG 2.1 A/AA rules and best practices). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const has = await page.evaluate(() => 'axe' in window);
  // Evaluated through the DevTools protocol: the app's CSP (rightly) refuses inline script tags.
  if (!has) await page.evaluate(axeSource());
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    // No preload: it waits on timers, and some tests hold the page's clock still.
    const r = await axe.run(document, { resultTypes: ['violations'], preload: false });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** Violations counted by impact, e.g. { serious: 2, minor: 1 } — what the reports quote. */
export function countByImpact(violations: AxeViolation[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of violations) {
    const k = v.impact ?? 'unknown';
    out[k] = (out[k] ?? 0) + v.nodes.length;
  }
  return out;
}

/** Readable lines for a failure message: rule, impact, the first nodes and why. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.impact} ${v.id} (${v.help}):\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `  ${n.target.join(' ')} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`)
          .join('\n'),
    )
    .join('\n');
}

/**
 * Assert that the page, in its current state, has no serious or critical axe violation.
 * `label` names the view and state in the failure message. Returns all violations (minor ones
 * included) for callers that want to report them.
 */
export async function expectNoSeriousAxeViolations(
  page: Page,
  label: string,
): Promise<AxeViolation[]> {
  const all = await axeViolations(page);
  const bad = all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (process.env.ARBITER_AXE_REPORT)
    console.log(`axe ${label}: ${JSON.stringify(countByImpact(all))}\n${describeViolations(all)}`);
  expect(bad, `axe on ${label}:\n${describeViolations(bad)}`).toEqual([]);
  return all;
}
