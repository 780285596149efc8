// Time from a measured speed: the one rule for filling in an unmeasured prefill speed, and what a typical judgment takes.

/**
 * Prefill is taken as this many times faster than decode when only decode was measured. No decode
 * speed is ever assumed: a software adapter ran 500 times slower than an assumed 20 tok/s (#24).
 */
export const ASSUMED_PREFILL_FACTOR = 20;

/** What the device check calls a typical judgment: both orders of about 600 prompt and 180 output tokens. */
export const TYPICAL_JUDGMENT = { promptTokens: 600, outputTokens: 180, orders: 2 } as const;

/** How long a typical judgment takes at a measured speed, ms. */
export function typicalJudgmentMs(speed: {
  decodeTokensPerS: number;
  prefillTokensPerS: number | null;
}): number {
  const prefill = speed.prefillTokensPerS ?? speed.decodeTokensPerS * ASSUMED_PREFILL_FACTOR;
  const { promptTokens, outputTokens, orders } = TYPICAL_JUDGMENT;
  return orders * (promptTokens / prefill + outputTokens / speed.decodeTokensPerS) * 1000;
}
