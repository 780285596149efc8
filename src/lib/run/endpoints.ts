// Several OpenAI-compatible endpoints as one pool: per-endpoint adaptive concurrency and health, requests to whichever live endpoint has room; shared by the CLI and the app.
import {
  AbortedError,
  ContextWindowExceededError,
  EngineError,
  RateLimitError,
  ServerAuthError,
  ServerError,
  ServerTimeoutError,
  ServerUnreachableError,
  StreamDroppedError,
} from '../engine/errors';
import { backoffDelay, sleep, type BackoffOptions } from '../engine/openai-http';
import type {
  ChatMessage,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  JudgeEngine,
  LoadOptions,
  LoadedModel,
  ModelSpec,
} from '../engine/types';
import { estimateMessagesTokens } from '../judge/port';
import { AdaptiveLimit } from './pool';

/** One endpoint as the user lists it (`--endpoint`, `--endpoints FILE`, the app's server list). */
export interface EndpointSpec {
  url: string;
  /** Short name for progress and messages; default the URL's host. */
  name?: string;
  /** Models it serves; unset: as its `/v1/models` says. */
  models?: string[];
  key?: string;
}

/** What the pool needs of one server's engine (OpenAIEngine, or the app's lazy wrapper). */
export interface EndpointEngine {
  load(spec: ModelSpec, opts?: LoadOptions): Promise<LoadedModel>;
  generate(req: GenerateRequest, opts?: GenerateOptions): Promise<GenerateResult>;
  countTokens(messages: ChatMessage[]): Promise<number>;
  /** GET /v1/models: the cheap probe, and the models the endpoint serves. */
  listModels(signal?: AbortSignal): Promise<{ id: string }[]>;
  readonly lastCountExact?: boolean;
}

/** Up: takes work. Down: taken out after a failure, probed with backoff until it answers. */
export type EndpointHealth = 'up' | 'down';

/** What progress views show of one endpoint. */
export interface EndpointView {
  name: string;
  url: string;
  health: EndpointHealth;
  inFlight: number;
  limit: number;
  max: number;
  /** Requests it answered. */
  done: number;
  /** When the next probe goes out (pool clock), while down. */
  nextProbeAt: number | null;
  probing: boolean;
  lastError: string | null;
}

/** No endpoint that serves the model is up, and none came back in time. */
export class AllEndpointsDownError extends EngineError {
  override name = 'AllEndpointsDownError';
  constructor(message: string, detail: Record<string, unknown> = {}) {
    super(
      message,
      'Start (or fix) at least one of the servers and run the same command again: finished judgments are kept.',
      detail,
    );
  }
}

/**
 * The endpoints that may serve `model`: those listing it, and those whose models are unknown
 * (a server that answered `/v1/models` with an empty list, or one not asked yet).
 */
export function routeModel<E extends { readonly models: readonly string[] | null }>(
  endpoints: readonly E[],
  model: string,
): E[] {
  return endpoints.filter((e) => e.models === null || e.models.includes(model));
}

export interface EndpointPoolOptions {
  /**
   * A new engine for one endpoint; the pool makes one per endpoint and model it sends there (an
   * engine sends the model it loaded), and one for probes.
   */
  engineFor: (spec: EndpointSpec) => EndpointEngine;
  /** Most in flight per endpoint (its AdaptiveLimit's max); a function for per-endpoint values. */
  concurrency: number | ((spec: EndpointSpec) => number);
  /** Retries of one request after errors that are not an endpoint going down. */
  retries?: number;
  /** Failures in a row (5xx, dropped streams) that take an endpoint out. */
  failAfter?: number;
  /** Probe backoff: exponential from baseMs to maxMs, with jitter. */
  probe?: { baseMs?: number; maxMs?: number };
  /** Per-request retry backoff (Retry-After wins when the server gives one). */
  backoff?: Partial<BackoffOptions>;
  /** With every endpoint of a model down for this long, its waiting requests fail. */
  giveUpMs?: number;
  now?: () => number;
  rand?: () => number;
  /** An endpoint went down or came back. */
  onHealth?: (view: EndpointView, event: 'down' | 'up') => void;
  /** A request is retried (counted for the summary). */
  onRetry?: (info: { endpoint: string; error: EngineError; delayMs: number }) => void;
}

/**
 * A 429/503 halves the endpoint's concurrency and pauses new requests to it for as long as the
 * request waits before its retry: that wait is the Retry-After capped by the backoff (30 s), so
 * the endpoint never idles past the moment the retried request goes out.
 */
export function slowDownOnRefusal(
  limit: AdaptiveLimit,
  { delayMs, error }: { delayMs: number; error: EngineError },
): void {
  if (!(error instanceof RateLimitError) && error.detail.status !== 503) return;
  limit.overload(typeof error.detail.retryAfterMs === 'number' ? delayMs : null);
}

const isOverload = (e: EngineError) =>
  e instanceof RateLimitError || (e instanceof ServerError && e.detail.status === 503);

/** What one failure of a request says about its endpoint. */
export function classifyFailure(e: unknown): 'down' | 'flaky' | 'overload' | 'final' {
  if (!(e instanceof EngineError) || e instanceof AbortedError) return 'final';
  // Connection refused or reset, DNS, CORS, a stuck server, a wrong key: this endpoint cannot
  // serve now, whatever the request.
  if (
    e instanceof ServerUnreachableError ||
    e instanceof ServerTimeoutError ||
    e instanceof ServerAuthError
  )
    return 'down';
  if (isOverload(e)) return 'overload';
  if (e instanceof ContextWindowExceededError) return 'final';
  if (e instanceof StreamDroppedError) return 'flaky';
  if (e instanceof ServerError && e.detail.retryable === true) return 'flaky';
  return 'final';
}

const errorLine = (e: unknown) => (e instanceof Error ? e.message : String(e));

class Endpoint {
  readonly name: string;
  readonly url: string;
  readonly spec: EndpointSpec;
  /** Probes and model lists. */
  readonly engine: EndpointEngine;
  /** One engine per model sent here, and the models loaded on it. */
  readonly engines = new Map<string, EndpointEngine>();
  readonly loaded = new Set<string>();
  readonly limit: AdaptiveLimit;
  /** From the spec, else from the last `/v1/models` answer; null while unknown. */
  models: readonly string[] | null;
  readonly fixedModels: boolean;
  health: EndpointHealth = 'up';
  inFlight = 0;
  done = 0;
  /** Failures in a row since its last answer. */
  failures = 0;
  /** Probes failed since it went down. */
  probeFailures = 0;
  /** Probe backoff step: grows with each failed probe and each fall, back to 0 on an answer. */
  level = 0;
  downSince = 0;
  nextProbeAt: number | null = null;
  probing = false;
  lastError: string | null = null;
  timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    spec: EndpointSpec,
    private readonly make: (spec: EndpointSpec) => EndpointEngine,
    max: number,
    now: () => number,
  ) {
    const engine = make(spec);
    this.spec = spec;
    this.url = spec.url;
    this.name = spec.name ?? hostOf(spec.url);
    this.engine = engine;
    this.models = spec.models && spec.models.length > 0 ? [...spec.models] : null;
    this.fixedModels = this.models !== null;
    this.limit = new AdaptiveLimit(max, { now });
  }

  /** The model spec as this endpoint loads it: an engine sends to the spec's URL. */
  specFor(spec: ModelSpec): ModelSpec {
    return { ...spec, modelUrl: this.url };
  }

  engineOf(model: string): EndpointEngine {
    let e = this.engines.get(model);
    if (!e) {
      e = this.engines.size === 0 ? this.engine : this.make(this.spec);
      this.engines.set(model, e);
    }
    return e;
  }

  view(): EndpointView {
    return {
      name: this.name,
      url: this.url,
      health: this.health,
      inFlight: this.inFlight,
      limit: this.limit.limit,
      max: this.limit.max,
      done: this.done,
      nextProbeAt: this.nextProbeAt,
      probing: this.probing,
      lastError: this.lastError,
    };
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

interface Waiter {
  model: string;
  resolve: (e: Endpoint) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
}

/**
 * The pool. A request waits for a live endpoint that serves its model and has room under that
 * endpoint's adaptive limit; it goes to the one with the most room. A failure that shows the
 * endpoint cannot serve (refused, reset, timed out, refused key, or `failAfter` 5xx/dropped
 * answers in a row) takes the endpoint out and sends the request elsewhere, uncounted: its answer
 * never arrived, so it is neither lost nor done twice. A down endpoint is probed with `/v1/models`
 * at exponential intervals with jitter and takes work again once it answers. When every endpoint
 * of a model has been down for `giveUpMs`, its requests fail with AllEndpointsDownError naming
 * each endpoint's last error.
 */
export class EndpointPool {
  readonly endpoints: readonly Endpoint[];
  retries = 0;
  moved = 0;
  private readonly waiting: Waiter[] = [];
  private readonly opts: EndpointPoolOptions;
  private readonly now: () => number;
  private readonly rand: () => number;
  private closed = false;
  /** The spec each model loads with (from start). */
  private readonly specs = new Map<string, ModelSpec>();
  private pauseTimer: ReturnType<typeof setTimeout> | null = null;
  private pauseAt = 0;

  constructor(specs: readonly EndpointSpec[], opts: EndpointPoolOptions) {
    if (specs.length === 0) throw new Error('An endpoint pool needs at least one endpoint.');
    this.opts = opts;
    this.now = opts.now ?? (() => performance.now());
    this.rand = opts.rand ?? Math.random;
    this.endpoints = specs.map((s) => {
      const max = typeof opts.concurrency === 'function' ? opts.concurrency(s) : opts.concurrency;
      const e = new Endpoint(s, opts.engineFor, max, this.now);
      e.limit.onChange = () => this.pump();
      return e;
    });
  }

  /** The endpoints that may serve `model` (see routeModel). */
  route(model: string): Endpoint[] {
    return routeModel(this.endpoints, model);
  }

  views(): EndpointView[] {
    return this.endpoints.map((e) => e.view());
  }

  /**
   * Load `spec` on every endpoint that may serve it (each checks its `/v1/models`); those that
   * fail start down and are probed. Rejects when none serves the model or none answered.
   */
  async start(spec: ModelSpec, opts: LoadOptions = {}): Promise<void> {
    this.specs.set(spec.modelId, spec);
    await Promise.all(
      this.endpoints.map(async (e) => {
        if (!e.fixedModels) {
          try {
            const list = await e.engine.listModels(opts.signal);
            e.models = list.length > 0 ? list.map((m) => m.id) : null;
          } catch (err) {
            this.takeOut(e, err);
            return;
          }
        }
        if (e.health === 'down' || (e.models && !e.models.includes(spec.modelId))) return;
        try {
          await e.engineOf(spec.modelId).load(e.specFor(spec), opts);
          e.loaded.add(spec.modelId);
        } catch (err) {
          if (err instanceof AbortedError) throw err;
          this.takeOut(e, err);
        }
      }),
    );
    const serving = this.route(spec.modelId);
    if (serving.length === 0)
      throw new ServerError(
        `No endpoint serves “${spec.modelId}”. ${this.endpoints
          .map((e) => `${e.name} serves ${e.models?.slice(0, 10).join(', ') ?? 'unknown models'}`)
          .join('; ')}.`,
        { retryable: false },
      );
    if (!serving.some((e) => e.health === 'up')) throw this.allDown(spec.modelId);
  }

  /** Run `fn` on a live endpoint serving `model`, moving it elsewhere when its endpoint fails. */
  async run<T>(
    model: string,
    fn: (engine: EndpointEngine) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const maxRetries = this.opts.retries ?? 5;
    const maxMoves = maxRetries + 2 * this.endpoints.length;
    let attempts = 0;
    let moves = 0;
    for (;;) {
      const e = await this.acquire(model, signal);
      let result: T;
      try {
        const engine = e.engineOf(model);
        if (!e.loaded.has(model)) {
          // Down at the start, or a model first sent here now: check it serves the model.
          const spec = this.specs.get(model);
          if (!spec) throw new ServerError(`The model “${model}” was never started on the pool.`);
          await engine.load(e.specFor(spec), signal ? { signal } : {});
          e.loaded.add(model);
        }
        result = await fn(engine);
      } catch (err) {
        e.inFlight--;
        if (err instanceof AbortedError || signal?.aborted) {
          this.pump();
          throw err;
        }
        const kind = classifyFailure(err);
        if (kind === 'final') {
          // The endpoint answered: it is alive, the request itself is at fault.
          e.failures = 0;
          this.pump();
          throw err;
        }
        const error = err as EngineError;
        e.lastError = errorLine(err);
        if (kind === 'down') {
          this.takeOut(e, err);
          if (++moves > maxMoves) throw err;
          this.moved++;
          continue;
        }
        // A 503 burst takes an endpoint out like any other run of failures.
        if (kind === 'flaky' || (kind === 'overload' && !(error instanceof RateLimitError))) {
          if (++e.failures >= (this.opts.failAfter ?? 5)) {
            this.takeOut(e, err);
            if (++moves > maxMoves) throw err;
            this.moved++;
            continue;
          }
        }
        if (++attempts > maxRetries) {
          this.pump();
          throw err;
        }
        const retryAfter =
          typeof error.detail.retryAfterMs === 'number' ? error.detail.retryAfterMs : null;
        const delayMs = backoffDelay(attempts, this.backoff(), retryAfter, this.rand);
        if (kind === 'overload') {
          slowDownOnRefusal(e.limit, { delayMs, error });
        }
        this.pump();
        this.retries++;
        this.opts.onRetry?.({ endpoint: e.name, error, delayMs });
        await sleep(delayMs, signal);
        continue;
      }
      e.inFlight--;
      e.done++;
      e.failures = 0;
      e.level = 0;
      e.limit.success();
      this.pump();
      return result;
    }
  }

  /** Token count on a live endpoint serving `model` (no slot: it is cheap); null when none is up. */
  async countTokens(
    model: string,
    messages: ChatMessage[],
  ): Promise<{ count: number; exact: boolean } | null> {
    const e = this.route(model).find((x) => x.health === 'up' && x.loaded.has(model));
    if (!e) return null;
    const engine = e.engineOf(model);
    const count = await engine.countTokens(messages);
    return { count, exact: engine.lastCountExact ?? false };
  }

  /** Stop probing and fail whatever waits. */
  close(): void {
    this.closed = true;
    for (const e of this.endpoints) {
      if (e.timer) clearTimeout(e.timer);
      e.timer = null;
      e.limit.onChange = null;
    }
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    for (const w of this.waiting.splice(0)) w.reject(new AbortedError());
  }

  /** A JudgeEngine for one model over this pool (the CLI's and the app's batch engine). */
  engine(model: string): PooledEngine {
    return new PooledEngine(this, model);
  }

  private backoff(): BackoffOptions {
    return { retries: this.opts.retries ?? 5, baseMs: 250, maxMs: 30_000, ...this.opts.backoff };
  }

  private acquire(model: string, signal?: AbortSignal): Promise<Endpoint> {
    if (signal?.aborted) return Promise.reject(new AbortedError());
    return new Promise<Endpoint>((resolve, reject) => {
      const w: Waiter = { model, resolve, reject, signal };
      const onAbort = () => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new AbortedError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      w.resolve = (e) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(e);
      };
      w.reject = (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      this.waiting.push(w);
      this.pump();
    });
  }

  /** Hand free slots to waiting requests, in order; a request whose model has none waits. */
  private pump(): void {
    if (this.closed) return;
    const t = this.now();
    // The soonest Retry-After pause that keeps a waiting request from an endpoint.
    let wake = Infinity;
    for (let i = 0; i < this.waiting.length;) {
      const w = this.waiting[i] as Waiter;
      const serving = this.route(w.model);
      if (serving.length === 0 || this.gaveUp(serving)) {
        this.waiting.splice(i, 1);
        w.reject(this.allDown(w.model));
        continue;
      }
      let best: Endpoint | null = null;
      let room = 0;
      for (const e of serving) {
        if (e.health !== 'up' || e.inFlight >= e.limit.limit) continue;
        if (e.limit.pausedUntil > t) {
          wake = Math.min(wake, e.limit.pausedUntil);
          continue;
        }
        const free = (e.limit.limit - e.inFlight) / e.limit.limit;
        if (free > room) {
          best = e;
          room = free;
        }
      }
      if (!best) {
        i++;
        continue;
      }
      best.inFlight++;
      this.waiting.splice(i, 1);
      w.resolve(best);
    }
    if (wake < Infinity && this.waiting.length > 0) this.wakeAt(wake);
  }

  /** Pump again when an endpoint's Retry-After pause ends (one timer, for the soonest). */
  private wakeAt(at: number): void {
    if (this.pauseTimer && this.pauseAt <= at) return;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseAt = at;
    this.pauseTimer = setTimeout(
      () => {
        this.pauseTimer = null;
        this.pump();
      },
      Math.max(0, at - this.now()),
    );
  }

  private gaveUp(serving: readonly Endpoint[]): boolean {
    const limit = this.opts.giveUpMs ?? 60_000;
    const t = this.now();
    return serving.every(
      (e) => e.health === 'down' && e.probeFailures > 0 && t - e.downSince >= limit,
    );
  }

  private allDown(model: string): AllEndpointsDownError {
    const list = this.route(model);
    const shown = list.length > 0 ? list : this.endpoints;
    return new AllEndpointsDownError(
      `Every endpoint serving “${model}” is down: ${shown
        .map((e) => `${e.name} (${e.url}): ${e.lastError ?? 'no answer'}`)
        .join('; ')}`,
    );
  }

  private takeOut(e: Endpoint, err: unknown): void {
    e.lastError = errorLine(err);
    if (e.health === 'down') return;
    e.health = 'down';
    e.downSince = this.now();
    e.probeFailures = 0;
    e.failures = 0;
    e.level++;
    this.scheduleProbe(e);
    this.opts.onHealth?.(e.view(), 'down');
    this.pump();
  }

  private scheduleProbe(e: Endpoint): void {
    if (this.closed) return;
    const { baseMs = 500, maxMs = 30_000 } = this.opts.probe ?? {};
    const delay = backoffDelay(e.level, { retries: 0, baseMs, maxMs }, null, this.rand);
    e.nextProbeAt = this.now() + delay;
    e.timer = setTimeout(() => {
      e.timer = null;
      void this.probe(e);
    }, delay);
  }

  private async probe(e: Endpoint): Promise<void> {
    if (this.closed) return;
    e.probing = true;
    e.nextProbeAt = null;
    try {
      const list = await e.engine.listModels();
      if (this.closed) return;
      if (!e.fixedModels) e.models = list.length > 0 ? list.map((m) => m.id) : null;
      e.health = 'up';
      e.failures = 0;
      // Back at the limit it had: the probe says it answers, not how much it can take.
      this.opts.onHealth?.(e.view(), 'up');
    } catch (err) {
      if (this.closed) return;
      e.probeFailures++;
      e.level++;
      e.lastError = errorLine(err);
      this.scheduleProbe(e);
    } finally {
      e.probing = false;
    }
    this.pump();
  }
}

/** The pool as a JudgeEngine for one model: generate goes to a live endpoint with room. */
export class PooledEngine implements JudgeEngine {
  readonly kind = 'openai' as const;
  loaded: LoadedModel | null = null;
  /** Whether the last countTokens came from a server's tokenizer. */
  lastCountExact = false;

  constructor(
    readonly pool: EndpointPool,
    readonly model: string,
  ) {}

  /** As many requests as the endpoints serving the model take at most. */
  get parallelism(): number {
    return Math.max(
      1,
      this.pool.route(this.model).reduce((n, e) => n + e.limit.max, 0),
    );
  }

  async load(spec: ModelSpec, opts?: LoadOptions): Promise<LoadedModel> {
    const t0 = Date.now();
    await this.pool.start(spec, opts);
    this.loaded = { spec, loadMs: Date.now() - t0 };
    return this.loaded;
  }

  generate(req: GenerateRequest, opts: GenerateOptions = {}): Promise<GenerateResult> {
    return this.pool.run(this.model, (e) => e.generate(req, opts), opts.signal);
  }

  async countTokens(messages: ChatMessage[]): Promise<number> {
    const r = await this.pool.countTokens(this.model, messages).catch(() => null);
    this.lastCountExact = r?.exact ?? false;
    // No endpoint up: the estimate, as an engine without a tokenizer gives.
    return r ? r.count : estimateMessagesTokens(messages);
  }

  unload(): Promise<void> {
    this.loaded = null;
    this.pool.close();
    return Promise.resolve();
  }
}

/**
 * The app's engine over its list of servers for `modelId`: the first server's own engine when it
 * is alone, else a pool over all of them (the CLI's pool: a server that fails is taken out, probed
 * and brought back). `engineFor(url, pooled)`: in a pool, the pool retries, on another server.
 */
export function serversEngine<E extends EndpointEngine & JudgeEngine>(
  urls: readonly string[],
  modelId: string,
  engineFor: (url: string, pooled: boolean) => E,
  concurrency: number,
): JudgeEngine {
  if (urls.length <= 1) return engineFor(urls[0] ?? '', false);
  const pool = new EndpointPool(
    urls.map((url) => ({ url })),
    { engineFor: (s) => engineFor(s.url, true), concurrency },
  );
  return pool.engine(modelId);
}
