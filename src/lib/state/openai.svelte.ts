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
import { serversEngine } from '../run/endpoints';
import { AbortedError } from '../engine/errors';
import type { JudgeEngine, ModelSpec } from '../engine/types';
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
  servers: 'arbiter.openai.servers',
} as const;

/** Requests in flight at most per server when a run spreads over several (each adapts below it). */
export const PER_SERVER_CONCURRENCY = 4;

/** The connection test of one more server. */
export interface ServerCheck {
  testing: boolean;
  report: ServerReport | null;
  error: unknown;
}
const untested = (): ServerCheck => ({ testing: false, report: null, error: null });

export class OpenAIServerState {
  endpoint = $state('');
  model = $state('');
  apiKey = $state('');
  report = $state.raw<ServerReport | null>(null);
  testing = $state(false);
  error = $state<unknown>(null);
  capabilities = $state.raw<OpenAICapabilities>(DEFAULT_CAPABILITIES);
  contextWindow = $state(8192);
  /** "Constrained verdicts": which grammar field this server takes; off by default. */
  constrain = $state<ConstrainKind>('off');
  /** The choices of that setting, as the panel lists them. */
  readonly constrainOptions = CONSTRAIN_KINDS.map((value) => ({
    value,
    label: CONSTRAIN_LABELS[value],
  }));
  /** More servers serving the same model (same key): a batch run spreads over the live ones. */
  servers = $state<string[]>([]);
  /** Each extra server's last connection test, by index. */
  checks = $state<ServerCheck[]>([]);
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
    try {
      const list: unknown = JSON.parse(localStorage.getItem(KEYS.servers) ?? '[]');
      if (Array.isArray(list)) this.servers = list.filter((u) => typeof u === 'string');
    } catch {
      // a corrupt entry just means no extra servers
    }
    this.checks = this.servers.map(untested);
  }

  private save(): void {
    localStorage.setItem(KEYS.endpoint, this.endpoint.trim());
    localStorage.setItem(KEYS.model, this.model.trim());
    if (this.apiKey) localStorage.setItem(KEYS.apiKey, this.apiKey);
    else localStorage.removeItem(KEYS.apiKey);
    localStorage.setItem(KEYS.capabilities, JSON.stringify(this.capabilities));
    localStorage.setItem(KEYS.contextWindow, String(this.contextWindow));
    localStorage.setItem(KEYS.constrain, this.constrain);
    localStorage.setItem(KEYS.servers, JSON.stringify(this.extraServers()));
  }

  /** The extra servers that are filled in. */
  private extraServers(): string[] {
    return this.servers.map((u) => u.trim()).filter(Boolean);
  }

  addServer(): void {
    this.servers.push('');
    this.checks.push(untested());
  }

  removeServer(i: number): void {
    this.servers.splice(i, 1);
    this.checks.splice(i, 1);
    localStorage.setItem(KEYS.servers, JSON.stringify(this.extraServers()));
  }

  /** "Test connection" of extra server `i`: that it answers and serves the model. */
  async testServer(i: number): Promise<void> {
    const url = (this.servers[i] ?? '').trim();
    this.checks[i] = { testing: true, report: null, error: null };
    try {
      const { probeServing } = await import('../engine/openai-probe');
      const report = await probeServing(url, this.model.trim(), this.apiKey);
      this.checks[i] = { testing: false, report, error: null };
      this.save();
    } catch (e) {
      this.checks[i] = { testing: false, report: null, error: e };
    }
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
    const urls = [spec.modelUrl, ...this.extraServers().filter((u) => u !== spec.modelUrl)];
    return serversEngine(urls, spec.modelId, engineFor, PER_SERVER_CONCURRENCY);
  }
}
