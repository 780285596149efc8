// The one place a protocol runs against an engine: orders, samples, parsing, confidence, aggregate.
import {
  AbortedError,
  estimateMessagesTokens,
  type EnginePort,
  type FinishReason,
  type GenerateRequest,
  type GenerateResult,
  type GenerateUsage,
  type StreamPace,
} from './port';
import {
  aggregateJudgments,
  majorityVerdict,
  summarizeScores,
  type Consistency,
  type MajorityResult,
  type ScoreSummary,
} from './aggregate';
import {
  mapProbabilities,
  scoreProbabilities,
  verdictProbabilities,
  type ScoreProbabilities,
  type VerdictProbabilities,
} from './confidence';
import { finishVerdict } from './continuation';
import { defaultMaxTokens } from './options';
import { mapVerdict } from './parse';
import type { BuildOptions, JudgeItem, Order, ParseResult, Template, Verdict } from './types';

export interface JudgeConfig {
  template: Template;
  /** The loaded model thinks on its own (ModelSpec.thinking). */
  thinkingModel: boolean;
  /** Run B/A after A/B. Default true for pairwise and meta templates; ignored for single. */
  bothOrders?: boolean;
  allowTie?: boolean;
  samples?: number;
  /** Default 0 for one sample without logprobs, else 1 (logprobs are one-hot at 0). */
  temperature?: number;
  top_p?: number;
  /** Sample s of both orders uses seed + s, so the orders of one sample are comparable. */
  seed?: number;
  max_tokens?: number;
  /** Read P(A)/P(B) or the score distribution from logprobs. Default: verdict-only templates. */
  logprobs?: boolean;
  top_logprobs?: number;
  /** Constrain the output (JSON schema, or the letter grammar for verdict-only). */
  constrained?: boolean;
  /**
   * How a constrained output is constrained: 'json' (default) asks for the JSON form under its
   * schema; 'grammar' keeps the protocol's own prompt and verdict format under its GBNF grammar
   * (engines that take grammars: llama.cpp, web-llm, servers with guided decoding).
   */
  constraint?: 'json' | 'grammar';
}

export interface JudgeHooks {
  onToken?: (order: Order, sample: number, delta: string, fullText: string) => void;
  /** How the engine joins the text `onToken` sees (see StreamPace). */
  pace?: StreamPace;
  /** Each judgment the moment it is parsed, so it can be stored before the next one starts. */
  onJudgment?: (judgment: Judgment) => void;
  onOrderDone?: (order: Order, result: OrderResult) => void;
  signal?: AbortSignal;
}

export interface Judgment {
  templateId: string;
  templateVersion: number;
  order: Order;
  sample: number;
  text: string;
  /** Parse result with the verdict mapped to the item's original positions. */
  parse: ParseResult;
  /** The verdict as the judge saw the positions (before mapping). */
  shownVerdict: Verdict | null;
  usage: GenerateUsage;
  finishReason: FinishReason;
  /** Mapped to original positions. */
  probabilities: VerdictProbabilities | null;
  scoreProbabilities: ScoreProbabilities | null;
  /** The request as sent, messages included, for reproducibility. */
  request: GenerateRequest;
  /** The budget ran out before the verdict, so a short constrained continuation finished it. */
  continued?: boolean;
}

export interface OrderResult {
  order: Order;
  judgments: Judgment[];
  majority: MajorityResult;
  scores: ScoreSummary | null;
}

export interface ItemJudgment {
  templateId: string;
  templateVersion: number;
  orders: OrderResult[];
  /** Pairwise/meta: flipped counts as 'tie' here (see consistency). Single: null. */
  verdict: Verdict | null;
  consistency: Consistency | null;
  /** Mean over orders of the probability the final verdict had; null without logprobs. */
  confidence: number | null;
  /** Mean P(A) + P(tie)/2 over orders; null without logprobs. */
  preferenceA: number | null;
  /** Single-answer: mean score over all samples (probability-weighted when logprobs are on). */
  scores: ScoreSummary | null;
}

function isPairwise(t: Template): boolean {
  return t.kind === 'pairwise' || t.kind === 'meta';
}

/**
 * The temperature a request uses: the configured one, else 0 for a single plain sample, else 1
 * (sampling needs spread, and web-llm's logprobs are one-hot at temperature 0); seeds keep 1 repeatable.
 */
export function effectiveTemperature(
  config: Pick<JudgeConfig, 'template' | 'temperature' | 'samples' | 'logprobs'>,
): number {
  if (config.temperature !== undefined) return config.temperature;
  const logprobs = config.logprobs ?? config.template.family === 'verdict-only';
  return (config.samples ?? 1) > 1 || logprobs ? 1 : 0;
}

/** The request judgeItem sends for one order; exported so the UI can show and count it. */
export function buildRequest(
  item: JudgeItem,
  config: JudgeConfig,
  order: Order,
  sample = 0,
): GenerateRequest {
  const t = config.template;
  const constrained = config.constrained ?? false;
  const verdictOnly = t.family === 'verdict-only';
  const grammar = constrained && config.constraint === 'grammar' && !verdictOnly;
  const opts: BuildOptions = {
    order,
    thinkingModel: config.thinkingModel,
    json: constrained && !verdictOnly && !grammar,
  };
  if (config.allowTie !== undefined) opts.allowTie = config.allowTie;
  const logprobs = config.logprobs ?? verdictOnly;
  const req: GenerateRequest = {
    messages: t.buildMessages(item, opts),
    temperature: effectiveTemperature(config),
    max_tokens: config.max_tokens ?? defaultMaxTokens(t, config.thinkingModel),
  };
  if (config.top_p !== undefined) req.top_p = config.top_p;
  if (config.seed !== undefined) req.seed = config.seed + sample;
  if (logprobs) {
    req.logprobs = true;
    req.top_logprobs = config.top_logprobs ?? 5;
  }
  // A grammar applies from the first token and would forbid a <think> block: never constrain
  // before thinking, so constrained and verdict-only runs switch the model's thinking off.
  if (config.thinkingModel) req.enable_thinking = !(constrained || verdictOnly);
  if (grammar && t.verdictGrammar) {
    req.response_format = { type: 'grammar', grammar: t.verdictGrammar(opts) };
  } else if (constrained) {
    const format = t.responseFormat?.(opts);
    if (format) req.response_format = format;
  }
  return req;
}

/**
 * One generation's result as a judgment: parsed, mapped back to original positions, with
 * confidence from logprobs. Pure; judgeItem and the batch runner share it.
 */
export function toJudgment(
  t: Template,
  order: Order,
  sample: number,
  request: GenerateRequest,
  res: GenerateResult,
  continued = false,
): Judgment {
  const parsed = t.parse(res.text);
  const shownVerdict = parsed.verdict;
  const parse: ParseResult = { ...parsed, verdict: mapVerdict(parsed.verdict, order) };
  const probs =
    t.verdictTokens && isPairwise(t)
      ? verdictProbabilities(res.logprobs, parsed.span, t.verdictTokens)
      : null;
  return {
    templateId: t.id,
    templateVersion: t.version,
    order,
    sample,
    text: res.text,
    parse,
    shownVerdict,
    usage: res.usage,
    finishReason: res.finishReason,
    probabilities: probs ? mapProbabilities(probs, order) : null,
    scoreProbabilities:
      t.kind === 'single' && t.scoreRange
        ? scoreProbabilities(res.logprobs, parsed.span, t.scoreRange)
        : null,
    request,
    ...(continued ? { continued: true } : {}),
  };
}

/**
 * Run `config.template` on `item`: A/B then (pairwise) B/A, `samples` times each, one request at
 * a time. Rejects with AbortedError when the signal fires; judgments already reported through
 * `onJudgment` stay valid.
 */
export async function judgeItem(
  engine: EnginePort,
  item: JudgeItem,
  config: JudgeConfig,
  hooks: JudgeHooks = {},
): Promise<ItemJudgment> {
  const t = config.template;
  const orders: Order[] = isPairwise(t) && (config.bothOrders ?? true) ? ['AB', 'BA'] : ['AB'];
  const samples = Math.max(1, config.samples ?? 1);
  const results: OrderResult[] = [];
  for (const order of orders) {
    const judgments: Judgment[] = [];
    for (let sample = 0; sample < samples; sample++) {
      if (hooks.signal?.aborted) throw new AbortedError();
      const request = buildRequest(item, config, order, sample);
      const onToken = hooks.onToken;
      const first = await engine.generate(request, {
        ...(onToken ? { onToken: (d) => onToken(order, sample, d.delta, d.text) } : {}),
        ...(onToken && hooks.pace ? { pace: hooks.pace } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      });
      const allowTie = t.allowsTie && (config.allowTie ?? true);
      const { result: res, continued } = await finishVerdict(
        engine,
        t,
        request,
        first,
        allowTie,
        hooks.signal,
      );
      if (continued && onToken) onToken(order, sample, res.text.slice(first.text.length), res.text);
      const judgment = toJudgment(t, order, sample, request, res, continued);
      judgments.push(judgment);
      hooks.onJudgment?.(judgment);
    }
    const result: OrderResult = {
      order,
      judgments,
      majority: majorityVerdict(judgments.map((j) => j.parse.verdict)),
      scores: summarizeScores(
        judgments.map((j) => j.scoreProbabilities?.expected ?? j.parse.score),
      ),
    };
    results.push(result);
    hooks.onOrderDone?.(order, result);
  }
  return aggregate(t, results);
}

function aggregate(t: Template, orders: OrderResult[]): ItemJudgment {
  const samples = orders.flatMap((o) =>
    o.judgments.map((j) => ({
      order: j.order,
      verdict: j.parse.verdict,
      probabilities: j.probabilities,
      score: j.scoreProbabilities?.expected ?? j.parse.score,
    })),
  );
  return {
    templateId: t.id,
    templateVersion: t.version,
    orders,
    ...aggregateJudgments(isPairwise(t), samples),
  };
}

export interface TokenEstimate {
  /** Largest prompt over the orders that will run. */
  promptTokens: number;
  maxTokens: number;
  total: number;
}

/**
 * Estimate what one request of this item takes, without a tokenizer (see estimateTokens), so the
 * UI can say "does not fit" before judging. `countItemTokens` asks the engine for exact counts.
 */
export function estimateItemTokens(
  item: JudgeItem,
  template: Template,
  opts: Omit<JudgeConfig, 'template'>,
): TokenEstimate {
  const config: JudgeConfig = { ...opts, template };
  const orders: Order[] = isPairwise(template) ? ['AB', 'BA'] : ['AB'];
  const reqs = orders.map((o) => buildRequest(item, config, o));
  const promptTokens = Math.max(...reqs.map((r) => estimateMessagesTokens(r.messages)));
  const maxTokens = reqs[0]?.max_tokens ?? 0;
  return { promptTokens, maxTokens, total: promptTokens + maxTokens };
}

/** Exact counterpart of estimateItemTokens, using the loaded model's tokenizer. */
export async function countItemTokens(
  engine: EnginePort,
  item: JudgeItem,
  template: Template,
  opts: Omit<JudgeConfig, 'template'>,
): Promise<TokenEstimate> {
  const config: JudgeConfig = { ...opts, template };
  const orders: Order[] = isPairwise(template) ? ['AB', 'BA'] : ['AB'];
  const reqs = orders.map((o) => buildRequest(item, config, o));
  const counts = await Promise.all(reqs.map((r) => engine.countTokens(r.messages)));
  const promptTokens = Math.max(...counts);
  const maxTokens = reqs[0]?.max_tokens ?? 0;
  return { promptTokens, maxTokens, total: promptTokens + maxTokens };
}
