// Hostile untrusted text for e2e tests (remote resources, scripts, bidi tricks) and a recorder of foreign requests.
import type { BrowserContext, Page } from 'playwright-core';

/** A host that must never be contacted: any request to it (or any other foreign host) is a leak. */
export const TRACKER = 'tracker.example';

/**
 * Each entry would make a browser contact TRACKER if it were rendered as HTML (or markdown) as
 * it stands. Untrusted text (prompts, answers, model names, model output) may hold any of them.
 */
export const HOSTILE_TEXTS: readonly string[] = [
  `![pixel](https://${TRACKER}/md-image.png)`,
  `![ref pixel][px]\n\n[px]: https://${TRACKER}/md-ref-image.png`,
  `<img src="https://${TRACKER}/img.png" alt="img">`,
  `<img srcset="https://${TRACKER}/srcset.png 1x" alt="srcset">`,
  `<picture><source srcset="https://${TRACKER}/source.png"><img alt="picture"></picture>`,
  `<video poster="https://${TRACKER}/poster.png" src="https://${TRACKER}/video.mp4" autoplay></video>`,
  `<audio src="https://${TRACKER}/audio.mp3" autoplay></audio>`,
  `<link rel="stylesheet" href="https://${TRACKER}/style.css">`,
  `<link rel="prefetch" href="https://${TRACKER}/prefetch">`,
  `<div style="background-image:url(https://${TRACKER}/style-attr.png)">styled div</div>`,
  `<style>@import url(https://${TRACKER}/import.css); @font-face{font-family:x;src:url(https://${TRACKER}/font.woff)} body{background:url(https://${TRACKER}/style-tag.png)}</style>`,
  `<a href="https://${TRACKER}/link" ping="https://${TRACKER}/ping">a link with ping</a>`,
  `<iframe src="https://${TRACKER}/frame"></iframe>`,
  `<object data="https://${TRACKER}/object"></object><embed src="https://${TRACKER}/embed">`,
  `<svg><image href="https://${TRACKER}/svg-image.png" width="9" height="9"></image></svg>`,
  `<input type="image" src="https://${TRACKER}/input.png" alt="input">`,
  `<table background="https://${TRACKER}/table-bg.png"><tr><td>cell</td></tr></table>`,
  `<meta http-equiv="refresh" content="0;url=https://${TRACKER}/refresh">`,
  `<base href="https://${TRACKER}/">`,
  `<script src="https://${TRACKER}/script.js"></script>`,
  `<img src=x onerror="fetch('https://${TRACKER}/onerror')">`,
  `<https://${TRACKER}/autolink>`,
  `[javascript link](javascript:fetch('https://${TRACKER}/js-link'))`,
  // A right-to-left override: what follows it would run backwards, and out of its box.
  'Plain words \u202Eevil reversed\u202C then normal.',
];

/** All of them in one text, one per paragraph. */
export const HOSTILE_TEXT = HOSTILE_TEXTS.join('\n\n');

/**
 * When a prompt contains this marker, the e2e test engine (test-hooks.ts) writes HOSTILE_TEXTS into
 * its output, half in its thinking and half in its answer.
 */
export const REMOTE_MARKER = 'REMOTE-OUTPUT';

export interface ForeignRequests {
  /** URLs of requests to any origin but the page's own. */
  requests: string[];
  /** Content-Security-Policy violations the page reported (a blocked leak is still a bug). */
  violations(): Promise<string[]>;
  /**
   * Resolves once what `page` has rendered so far has had its chance to leak: an image of
   * TRACKER added after it has been blocked or aborted (and its violation event dispatched).
   * The probe itself is left out of `requests` and `violations()`.
   */
  settled(page: Page): Promise<void>;
}

/** The image `settled` loads; no payload names it. */
const PROBE = `https://${TRACKER}/arbiter-settled-probe.png`;

/**
 * Records every request the context makes (pages and their workers) to an origin other than
 * `origin`, and aborts it so nothing leaves the machine. Also counts CSP violation reports,
 * so a leak that the CSP merely blocked is still seen. Call before the first navigation.
 */
export async function recordForeignRequests(
  target: Page | BrowserContext,
  origin: string,
): Promise<ForeignRequests> {
  const context = 'context' in target ? target.context() : target;
  const own = new URL(origin).origin;
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    const o = /^(https?|wss?):/.test(url) ? new URL(url).origin : own;
    if (o === own) return route.continue();
    requests.push(url);
    return route.abort('blockedbyclient');
  });
  // Requests the router may not see (e.g. CSP-blocked ones never start) show up as violations.
  await context.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return {
    requests,
    async violations() {
      const out: string[] = [];
      for (const p of context.pages()) {
        out.push(
          ...(await p.evaluate(
            () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
          )),
        );
      }
      return out.filter((v) => !v.includes(PROBE));
    },
    async settled(page) {
      await page.evaluate(async (url) => {
        await new Promise((done) => {
          const img = new Image();
          img.onload = img.onerror = done;
          img.src = url;
        });
        // A violation event is queued as a task of its own: let it run.
        await new Promise((done) => setTimeout(done, 0));
      }, PROBE);
      for (let i = requests.indexOf(PROBE); i >= 0; i = requests.indexOf(PROBE))
        requests.splice(i, 1);
    },
  };
}
