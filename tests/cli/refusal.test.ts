// The CLI's answer to a 429/503: how long the pool pauses against how long the engine waits.
import { describe, expect, it } from 'vitest';
import { slowDownOnRefusal } from '../../cli/run';
import { RateLimitError, ServerError, ServerUnreachableError } from '../../src/lib/engine/errors';
import { AdaptiveLimit } from '../../src/lib/run/pool';

describe('slowDownOnRefusal', () => {
  it.each([
    // [what the server said, the engine's wait before its retry, pause expected]
    ['Retry-After 3600 s, retried at the 30 s cap', 3_600_000, 30_000, 30_000],
    ['Retry-After 2 s', 2_000, 2_000, 2_000],
  ])('%s: the pool waits as long as the retry does', (_name, retryAfterMs, delayMs, pause) => {
    const limit = new AdaptiveLimit(8, { now: () => 1_000 });
    slowDownOnRefusal(limit, {
      delayMs,
      error: new RateLimitError('busy', { status: 429, retryAfterMs, retryable: true }),
    });
    expect(limit.pausedUntil).toBe(1_000 + pause);
  });

  it('cuts for a 503 without Retry-After, not for other failures', () => {
    const limit = new AdaptiveLimit(8, { now: () => 1_000 });
    slowDownOnRefusal(limit, {
      delayMs: 400,
      error: new ServerUnreachableError('refused', { retryable: true }),
    });
    slowDownOnRefusal(limit, { delayMs: 400, error: new ServerError('500', { status: 500 }) });
    expect(limit.overloads).toBe(0);
    slowDownOnRefusal(limit, { delayMs: 400, error: new ServerError('503', { status: 503 }) });
    expect(limit.overloads).toBe(1);
    expect(limit.pausedUntil).toBe(0);
  });
});
