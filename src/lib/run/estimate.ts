// Before a run starts: how many items, generations and tokens, and how long, from the model's measured speed.
import {
  buildRequest,
  estimateMessagesTokens,
  TemplateInputError,
  type JudgeConfig,
  type Template,
} from '../judge';
import { ASSUMED_PREFILL_FACTOR } from '../judge/speed';
import type { ItemRecord } from '../store/schema';
import { toJudgeItem } from './subset';

export interface Speed {
  decodeTokensPerS: number | null;
  prefillTokensPerS: number | null;
}

export interface RunEstimate {
  items: number;
  generations: number;
  promptTokens: number;
  /** Expected output tokens (typical answer length, capped by max_tokens). */
  outputTokens: number;
  /** Worst case: every generation uses its whole max_tokens. */
  maxOutputTokens: number;
  /** Expected duration; null when this model's speed on this device has not been measured. */
  seconds: number | null;
  decodeTokensPerS: number | null;
  prefillTokensPerS: number | null;
  /** Items whose prompt plus output budget exceeds the context window (estimated). */
  tooLong: number;
  /**
   * Items the protocol cannot take (a pairwise protocol on single answers, a missing reference
   * or turn); the run records them as failures. They count in no other figure.
   */
  unfit: number;
}

/** A typical answer length per generation: verdict-only is a letter; thinking models write more. */
export function typicalOutputTokens(
  template: Template,
  thinking: boolean,
  maxTokens: number,
): number {
  const typical = template.family === 'verdict-only' ? 2 : thinking ? 450 : 180;
  return Math.min(typical, maxTokens);
}

/**
 * The estimate for `items` under `config`. Prompt tokens come from the judge core's heuristic
 * count (no tokenizer, so it is cheap for 10,000 items); every order and sample is counted.
 */
export function estimateRun(
  items: readonly ItemRecord[],
  config: JudgeConfig,
  contextWindow: number,
  speed: Speed,
): RunEstimate {
  const t = config.template;
  const pairwise = t.kind === 'pairwise' || t.kind === 'meta';
  const orders =
    pairwise && (config.bothOrders ?? true) ? (['AB', 'BA'] as const) : (['AB'] as const);
  const samples = Math.max(1, config.samples ?? 1);
  let promptTokens = 0;
  let tooLong = 0;
  let maxTokens = 0;
  let unfit = 0;
  for (const rec of items) {
    const item = toJudgeItem(rec);
    let itemMax = 0;
    for (const order of orders) {
      let req;
      try {
        req = buildRequest(item, config, order);
      } catch (e) {
        // Must not throw: the estimate is shown while the form changes, whatever the items are.
        if (!(e instanceof TemplateInputError)) throw e;
        unfit += 1;
        break;
      }
      const n = estimateMessagesTokens(req.messages);
      maxTokens = req.max_tokens ?? 0;
      promptTokens += n * samples;
      itemMax = Math.max(itemMax, n + maxTokens);
    }
    if (itemMax > contextWindow) tooLong += 1;
  }
  const generations = (items.length - unfit) * orders.length * samples;
  const perGen = typicalOutputTokens(t, config.thinkingModel, maxTokens);
  const decode =
    speed.decodeTokensPerS && speed.decodeTokensPerS > 0 ? speed.decodeTokensPerS : null;
  const prefill =
    speed.prefillTokensPerS && speed.prefillTokensPerS > 0
      ? speed.prefillTokensPerS
      : decode === null
        ? null
        : decode * ASSUMED_PREFILL_FACTOR;
  const outputTokens = generations * perGen;
  return {
    items: items.length - unfit,
    generations,
    promptTokens,
    outputTokens,
    maxOutputTokens: generations * maxTokens,
    seconds:
      decode === null || prefill === null ? null : promptTokens / prefill + outputTokens / decode,
    decodeTokensPerS: decode,
    prefillTokensPerS: prefill,
    tooLong,
    unfit,
  };
}
