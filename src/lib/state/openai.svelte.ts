// The OpenAI-compatible server settings: endpoint, model and key kept in this browser only, the connection test, "use".
import {
  DEFAULT_CAPABILITIES,
  openaiModelSpec,
  type OpenAICapabilities,
} from '../engine/openai-spec';
import { LazyOpenAIEngine } from '../engine/openai-lazy';
import {
  CONSTRAIN_KINDS,
  CONSTRAIN_LABELS,
  grammarField,
  isConstrainKind,
  type ConstrainKind,
} from '../engine/constraint-fields';
import { endpointHost, parseEndpoint } from '../engine/openai-http';
import type { ServerReport } from '../engine/openai-probe';
import { EndpointPool } from '../run/endpoints';
import type { JudgeEngine } from '../engine/types';
import { OpenAIServerList, PER_SERVER_CONCURRENCY } from './openai-servers.svelte';
import { AbortedError } from '../engine/errors';
import type { ModelSpec } from '../engine/types';
import type { ModelState } from './models.svelte';

/**
 * localStorage keys. Nothing here is in IndexedDB, so no export (history JSONL/CSV, workspace)
 * can ever include the endpoint or the key; stored judgments carry only engine 'openai' and the
 * model id.
 */
const KEYS = {
  endpoint: 'arbiter.openai.endpoint',
  model: 'arbiter.openai.model',
  apiKey: 'arbiter.openai.apiKey',
  capabilities: 'arbiter.openai.capabilities',
  contextWindow: 'arbiter.openai.contextWindow',
  constrain: 'arbiter.openai.constrain',
} as const;

export class OpenAIServerState {
  endpoint = $state('');
  model = $state('');
  apiKey = $state('');
  report = $state.raw<ServerReport | null>(null);
  testing = $state(false);
  error = $state<unknown>(null);
  capabilities = $state.raw<OpenAICapabilities>(DEFAULT_CAPABILITIES);
  contextWindow = $state(8192);
  /** More servers of the same model: a batch run spreads over the live ones. */
  readonly more = new OpenAIServerList(this);
  /** "Constrained verdicts": which grammar field this server takes; off by default. */
  constrain = $state<ConstrainKind>('off');
  /** The choices of that setting, as the panel lists them. */
  readonly constrainOptions = CONSTRAIN_KINDS.map((value) => ({
    value,
    label: CONSTRAIN_LABELS[value],
  }));
  /** The endpoint, model and key of the last connection test that failed. */
  private failedFor = $state<string | null>(null);

  /** The one host this feature talks to (for the privacy panel); null when none is set. */
  readonly host = $derived(endpointHost(this.endpoint));
  /** The connection test failed for the settings as they are: "Use" would only fail again. */
  get testFailed(): boolean {
    return this.failedFor !== null && this.failedFor === this.settingsKey();
  }

  private settingsKey(): string {
    return JSON.stringify([this.endpoint.trim(), this.model.trim(), this.apiKey, this.constrain]);
  }

  /** The server is the engine the app judges with right now. */
  get inUse(): boolean {
    return this.models.loaded?.spec.engine === 'openai';
  }

  private abort: AbortController | null = null;
  private readonly models: ModelState;

  constructor(models: ModelState) {
    this.models = models;
    this.endpoint = localStorage.getItem(KEYS.endpoint) ?? '';
    this.model = localStorage.getItem(KEYS.model) ?? '';
    this.apiKey = localStorage.getItem(KEYS.apiKey) ?? '';
    try {
      const caps = localStorage.getItem(KEYS.capabilities);
      if (caps) this.capabilities = { ...DEFAULT_CAPABILITIES, ...(JSON.parse(caps) as object) };
    } catch {
      // a corrupt entry just means defaults
    }
    this.contextWindow = Number(localStorage.getItem(KEYS.contextWindow)) || 8192;
    const constrain = localStorage.getItem(KEYS.constrain);
    if (isConstrainKind(constrain)) this.constrain = constrain;
  }

  private save(): void {
    localStorage.setItem(KEYS.endpoint, this.endpoint.trim());
    localStorage.setItem(KEYS.model, this.model.trim());
    if (this.apiKey) localStorage.setItem(KEYS.apiKey, this.apiKey);
    else localStorage.removeItem(KEYS.apiKey);
    localStorage.setItem(KEYS.capabilities, JSON.stringify(this.capabilities));
    localStorage.setItem(KEYS.contextWindow, String(this.contextWindow));
    this.more.save();
    localStorage.setItem(KEYS.constrain, this.constrain);
  }

  /** Forget the key (and only the key). */
  forgetKey(): void {
    this.apiKey = '';
    localStorage.removeItem(KEYS.apiKey);
  }

  /** The connection test: latency, models, and which features work; fills in the model when empty. */
  async test(): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.testing = true;
    this.error = null;
    this.report = null;
    this.failedFor = null;
    const tested = this.settingsKey();
    try {
      parseEndpoint(this.endpoint);
      // The engine's code loads with the first test, not with the app.
      const { probeServer } = await import('../engine/openai-probe');
      const report = await probeServer({
        endpoint: this.endpoint,
        signal: abort.signal,
        ...(this.apiKey ? { apiKey: this.apiKey } : {}),
        ...(this.model.trim() ? { model: this.model.trim() } : {}),
        constrain: this.constrain,
      });
      if (this.abort !== abort) return;
      this.report = report;
      if (!this.model.trim() && report.model) this.model = report.model;
      this.capabilities = report.capabilities;
      this.contextWindow =
        report.models.find((m) => m.id === this.model.trim())?.contextWindow ?? 8192;
      this.save();
    } catch (e) {
      if (this.abort === abort && !(e instanceof AbortedError)) {
        this.error = e;
        this.failedFor = tested;
      }
    } finally {
      if (this.abort === abort) {
        this.testing = false;
        this.abort = null;
      }
    }
  }

  cancelTest(): void {
    this.abort?.abort();
    this.abort = null;
    this.testing = false;
  }

  /** The spec "Use this server" loads; `modelUrl` is the endpoint. */
  spec(): ModelSpec {
    return openaiModelSpec(
      this.endpoint.trim(),
      this.model.trim(),
      this.contextWindow,
      this.constrain !== 'off',
    );
  }

  /** Make this server the app's engine (through ModelState, so the header and Judge page follow). */
  async use(): Promise<void> {
    this.error = null;
    try {
      parseEndpoint(this.endpoint);
    } catch (e) {
      this.error = e;
      return;
    }
    this.save();
    await this.models.load(this.spec());
  }

  /**
   * The engine factory for specs of kind openai (main.ts hands it to EngineHost). With more
   * servers, the endpoint pool the CLI uses: batch runs spread over the live ones, a server that
   * fails is taken out, probed and brought back.
   */
  createEngine(spec: ModelSpec): JudgeEngine {
    // In a pool the pool retries, on another server when one fails.
    const engineFor = (url: string, pooled: boolean) =>
      new LazyOpenAIEngine({
        endpoint: url,
        // The setting decides the field, tested or not: a server that refuses it says so by name.
        capabilities: { ...this.capabilities, grammar: grammarField(this.constrain) },
        ...(this.apiKey ? { apiKey: this.apiKey } : {}),
        ...(pooled ? { backoff: { retries: 0 } } : {}),
      });
    const more = this.more.filled().filter((u) => u !== spec.modelUrl);
    if (more.length === 0) return engineFor(spec.modelUrl, false);
    const pool = new EndpointPool(
      [spec.modelUrl, ...more].map((url) => ({ url })),
      { engineFor: (s) => engineFor(s.url, true), concurrency: PER_SERVER_CONCURRENCY },
    );
    return pool.engine(spec.modelId);
  }
}
