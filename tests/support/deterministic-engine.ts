// A deterministic JudgeEngine for tests and the e2e build: scripted answers, streamed word by word.
// Browser-safe: no node: imports, because the e2e build injects it into the app.
import type {
  ChatMessage,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  JudgeEngine,
  LoadedModel,
  LoadOptions,
  LoadProgress,
  ModelSpec,
  TokenLogprob,
} from '../../src/lib/engine/types';
import {
  AbortedError,
  ContextWindowExceededError,
  ModelNotLoadedError,
} from '../../src/lib/engine/errors';
import { testJudgeAnswer, testJudgeKind, type TestJudgeKind } from './test-judges';

export interface ScriptedResponse {
  text: string;
  /** Log probabilities of the alternatives at the verdict token, e.g. { A: -0.1, B: -2.4 }. */
  verdictLogprobs?: Record<string, number>;
}

export interface DeterministicEngineOptions {
  /** Simulated decode speed with real timers; 0 (default) = as fast as possible. */
  tokensPerSecond?: number;
  /** What to answer; default: a position-biased judge that always prefers the first answer. */
  respond?: (req: GenerateRequest) => string | ScriptedResponse;
  /** Default 4096, or the loaded spec's contextWindow when not given here. */
  contextWindow?: number;
  /** Whether the model thinks in <think>…</think>; default: the loaded spec's `thinking`. */
  thinking?: boolean;
  /** Simulated load time in ms, spread over the phases (default 0). */
  loadMs?: number;
  /** Reject generate() before load() like a real engine (default false: works unloaded). */
  requireLoad?: boolean;
  /**
   * Without `respond`: judge as this test judge (see test-judges.ts), or as the loaded model's id
   * says (`'by-model-id'`: arbiter-test-flipper, -longer, -good, …), as the e2e build's test models
   * do. Default: always the first position.
   */
  judge?: TestJudgeKind | 'by-model-id';
}

/** Chat-template tokens per message, like the role markers of a real template. */
const PER_MESSAGE = 4;
const TOKEN_RE = /\s*(?:[\p{L}\p{N}_']+|[^\s\p{L}\p{N}_'])/gu;

/** Split text into ~word-sized tokens: leading whitespace + a word or one punctuation mark. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [...(text.match(TOKEN_RE) ?? [])];
  const joined = tokens.join('');
  if (joined.length < text.length) tokens.push(text.slice(joined.length));
  return tokens;
}

export function countMessageTokens(messages: ChatMessage[]): number {
  return messages.reduce((n, m) => n + PER_MESSAGE + tokenize(m.content).length, 2);
}

/** The default judge: answers the first position in whatever format the prompt asks for. */
export function firstPositionAnswer(req: GenerateRequest, thinking: boolean): ScriptedResponse {
  const prompt = req.messages.map((m) => m.content).join('\n');
  const think =
    thinking && req.enable_thinking !== false
      ? '<think>I compare the answers. The first one reads well enough.</think>\n\n'
      : '';
  const rf = req.response_format;
  // A verdict grammar (free reasoning, then the verdict tail) gets the protocol's own answer below.
  if (rf?.type === 'grammar' && !rf.grammar.includes('tail ::='))
    return { text: 'A', verdictLogprobs: { A: -0.2, B: -1.8 } };
  if (rf?.type === 'json_object') {
    const schema = rf.schema ?? '';
    const reasoning = schema.includes('"reasoning"')
      ? '"reasoning": "The first answer is better.", '
      : '';
    if (schema.includes('"score"')) {
      const values = /"enum":\[([\d,]+)\]/.exec(schema)?.[1]?.split(',') ?? ['5'];
      return { text: `{${reasoning}"score": ${values[values.length - 1] ?? '5'}}` };
    }
    const first = schema.includes('A>>B') ? 'A>B' : 'A';
    return { text: `{${reasoning}"verdict": "${first}"}` };
  }
  const because = 'The first answer addresses the question more directly.';
  let answer: string;
  if (prompt.includes('<answer>[[A]]</answer>')) answer = `${because}\n<answer>[[A]]</answer>`;
  else if (prompt.includes('<score>')) answer = `${because}\n<score>8</score>`;
  else if (prompt.includes('[[A>>B]]')) answer = `${because}\n\nMy final verdict is: [[A>B]]`;
  else if (prompt.includes('the final decision is'))
    answer = `${because}\n\nSo, the final decision is Response 1.`;
  else if (prompt.includes('Winner: Judgement')) answer = `${because}\n\nWinner: Judgement A`;
  else if (prompt.includes('Score: <total points>')) answer = `${because}\n\nScore: 4`;
  else if (prompt.includes('[RESULT] (an integer')) answer = `Feedback: ${because} [RESULT] 4`;
  else if (prompt.includes('[RESULT]')) answer = `Feedback: ${because} [RESULT] A`;
  else if (prompt.includes('Rating: [[')) answer = `${because}\n\nRating: [[8]]`;
  else if (prompt.includes('[[A]]')) answer = `${because}\n\n[[A]]`;
  else answer = 'A';
  return { text: think + answer, verdictLogprobs: { A: -0.2, B: -1.8 } };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class DeterministicEngine implements JudgeEngine {
  readonly kind = 'test' as const;
  loaded: LoadedModel | null = null;
  /** Every request received, for assertions. */
  readonly requests: GenerateRequest[] = [];
  private readonly opts: DeterministicEngineOptions;

  constructor(opts: DeterministicEngineOptions = {}) {
    this.opts = opts;
  }

  get contextWindow(): number {
    return this.opts.contextWindow ?? this.loaded?.spec.contextWindow ?? 4096;
  }

  get thinking(): boolean {
    return this.opts.thinking ?? this.loaded?.spec.thinking ?? false;
  }

  async load(spec: ModelSpec, opts: LoadOptions = {}): Promise<LoadedModel> {
    const started = Date.now();
    const total = 1_000_000;
    const steps: [LoadProgress['phase'], number | null, number | null][] = [
      ['checking', null, null],
      ['downloading', 0, 0],
      ['downloading', 0.5, total / 2],
      ['downloading', 1, total],
      ['loading-from-cache', 1, total],
      ['compiling', null, null],
      ['ready', 1, total],
    ];
    for (const [phase, fraction, loadedBytes] of steps) {
      if (opts.signal?.aborted) throw new AbortedError();
      if (this.opts.loadMs) await sleep(this.opts.loadMs / steps.length, opts.signal);
      opts.onProgress?.({
        phase,
        fraction,
        loadedBytes,
        totalBytes: loadedBytes === null ? null : total,
        elapsedMs: Date.now() - started,
        etaMs: null,
        text: `test engine: ${phase}`,
      });
    }
    this.loaded = { spec, loadMs: Date.now() - started };
    return this.loaded;
  }

  countTokens(messages: ChatMessage[]): Promise<number> {
    return Promise.resolve(countMessageTokens(messages));
  }

  unload(): Promise<void> {
    this.loaded = null;
    return Promise.resolve();
  }

  async generate(req: GenerateRequest, opts: GenerateOptions = {}): Promise<GenerateResult> {
    if (this.opts.requireLoad && !this.loaded) throw new ModelNotLoadedError();
    if (opts.signal?.aborted) throw new AbortedError();
    this.requests.push(req);
    const started = performance.now();
    const promptTokens = countMessageTokens(req.messages);
    const budget = req.max_tokens ?? 0;
    if (promptTokens + budget > this.contextWindow) {
      throw new ContextWindowExceededError(undefined, {
        promptTokens,
        maxTokens: budget,
        contextWindow: this.contextWindow,
      });
    }
    const raw = this.opts.respond?.(req) ?? this.scripted(req);
    const scripted: ScriptedResponse = typeof raw === 'string' ? { text: raw } : raw;
    let tokens = tokenize(scripted.text);
    let finishReason: GenerateResult['finishReason'] = 'stop';
    if (req.max_tokens !== undefined && tokens.length > req.max_tokens) {
      tokens = tokens.slice(0, req.max_tokens);
      finishReason = 'length';
    }
    const tps = this.opts.tokensPerSecond ?? 0;
    // Prefill runs 50 times faster than decode, roughly what WebGPU engines show.
    if (tps > 0) await sleep((promptTokens * 1000) / (tps * 50), opts.signal);
    let text = '';
    let firstTokenAt: number | null = null;
    // Paced by deadline, not by a sleep per token: nested timers are clamped to 4 ms, which would
    // cap the rate near 250 tok/s. Tokens that are due are sent at once, as a fast engine would.
    const decodeStart = performance.now();
    for (const [i, token] of tokens.entries()) {
      if (opts.signal?.aborted) throw new AbortedError();
      if (tps > 0) {
        const wait = decodeStart + ((i + 1) * 1000) / tps - performance.now();
        if (wait > 0) await sleep(wait, opts.signal);
      } else if (i % 64 === 63) await Promise.resolve();
      text += token;
      firstTokenAt ??= performance.now();
      opts.onToken?.({ delta: token, text });
    }
    const totalMs = performance.now() - started;
    const decodeMs = firstTokenAt === null ? 0 : performance.now() - firstTokenAt;
    const wantLogprobs = req.logprobs === true && (req.top_logprobs ?? 0) > 0;
    return {
      text,
      finishReason,
      logprobs: wantLogprobs ? this.logprobs(tokens, scripted, req.top_logprobs ?? 1) : null,
      usage: {
        promptTokens,
        completionTokens: tokens.length,
        prefillTokensPerS: tps > 0 ? tps * 50 : null,
        decodeTokensPerS: tps > 0 ? tps : decodeMs > 0 ? (tokens.length / decodeMs) * 1000 : null,
        timeToFirstTokenMs: firstTokenAt === null ? null : firstTokenAt - started,
        totalMs,
      },
    };
  }

  private scripted(req: GenerateRequest): ScriptedResponse {
    const judge = this.opts.judge;
    if (judge === undefined) return firstPositionAnswer(req, this.thinking);
    const kind = judge === 'by-model-id' ? testJudgeKind(this.loaded?.spec.modelId) : judge;
    return testJudgeAnswer(kind, req, this.thinking);
  }

  /** One entry per token; the verdict token (the last one naming a scripted key) gets the script. */
  private logprobs(tokens: string[], scripted: ScriptedResponse, top: number): TokenLogprob[] {
    const keys = Object.keys(scripted.verdictLogprobs ?? {}).map((k) => k.trim());
    let verdictAt = -1;
    tokens.forEach((t, i) => {
      if (keys.includes(t.trim())) verdictAt = i;
    });
    return tokens.map((token, i) => {
      if (i === verdictAt && scripted.verdictLogprobs) {
        const alts = Object.entries(scripted.verdictLogprobs)
          .map(([t, logprob]) => ({ token: t, logprob }))
          .sort((a, b) => b.logprob - a.logprob);
        const own = alts.find((a) => a.token.trim() === token.trim());
        return { token, logprob: own?.logprob ?? 0, top_logprobs: alts.slice(0, top) };
      }
      return { token, logprob: 0, top_logprobs: [{ token, logprob: 0 }] };
    });
  }
}
