// The engine scheduler and run lifecycle of one tab: queues for the engine, judges waiting runs, stops and resumes runs wherever they are judged, and tells the other tabs.
import { sweepOrphanItems } from '../data/orphans';
import type { JudgeEngine, ModelSpec } from '../engine/types';
import type { Repositories, RunRecord } from '../store';
import { BatchRunner, errorText, type BatchProgress } from './batch';
import { ProgressGate } from './progress-gate';
import {
  Channel,
  ENGINE_LOCK,
  hasLocks,
  holdLock,
  isLockFree,
  keepAwake,
  runLockName,
  withLock,
  withLockIfFree,
} from './coordination';

/** Messages between tabs about runs. */
export type RunMessage =
  | { type: 'progress'; progress: BatchProgress }
  | { type: 'changed'; runId: string }
  | { type: 'owner'; runId: string | null }
  /** A watching tab asks the tab judging `runId` to pause or cancel it. */
  | { type: 'command'; runId: string; action: 'pause' | 'cancel' };

/** The channel every tab's scheduler shares. */
export const RUNS_CHANNEL = 'arbiter-runs';

/** What the scheduler shows; the Runs state's rune fields (a plain object in tests). */
export interface SchedulerView {
  /** Live progress by run id: from this tab's runner or broadcast by the tab that owns it. */
  live: Record<string, BatchProgress>;
  /** The run this tab is judging now, if any. */
  activeRunId: string | null;
  /** This tab holds the engine lock. */
  owner: boolean;
  /** Pause/cancel sent to the tab judging a run, until that tab reports the change. */
  requested: Record<string, 'pause' | 'cancel'>;
  error: unknown;
}

/** The tab's model loader as the scheduler uses it (the Models state). */
export interface ModelLoader {
  readonly loaded: { spec: ModelSpec } | null;
  readonly offered: readonly { spec: ModelSpec }[];
  readonly status: string;
  readonly error: unknown;
  /** Resolves once the model is ready or failed (`status` says which). */
  load(spec: ModelSpec): Promise<void>;
}

/** What the scheduler needs from the tab around it. */
export interface SchedulerHost {
  readonly engine: JudgeEngine;
  readonly models: ModelLoader;
  repositories(): Promise<Repositories>;
  /** Whether the engine is generating for something else now (the Judge page's pair). */
  engineBusyElsewhere(): boolean;
  /**
   * The spec of a server model this tab is set up for (Models → OpenAI-compatible server), which
   * the offered list does not hold: a run on it (a panel's server member) loads it again.
   */
  serverSpec?(modelId: string): ModelSpec | null;
  /** Re-reads the lists the views show. */
  refresh(): Promise<void>;
  /** A run's record changed: re-read it where it is open. */
  reopen(runId: string): Promise<void>;
  /** A run progressed (its visible results may have changed). */
  progressed(runId: string): void;
}

/** How often the busy engine is checked again, and how long a stop request waits for an answer. */
const BUSY_POLL_MS = 250;
const REQUEST_TIMEOUT_MS = 15_000;
const RECHECK_MS = 500;

export class RunScheduler {
  private runner: BatchRunner | null = null;
  private waiting = false;
  private lastBroadcast = 0;
  /** The runner reports every judgment; the view and other tabs get the latest a few times a second. */
  private readonly progressGate = new ProgressGate<BatchProgress>((p) => this.publish(p, false));
  private closed = false;
  private readonly channel: Channel<RunMessage>;

  constructor(
    private readonly view: SchedulerView,
    private readonly host: SchedulerHost,
    channelName = RUNS_CHANNEL,
  ) {
    this.channel = new Channel<RunMessage>(channelName, (m) => this.onMessage(m));
    if (typeof window !== 'undefined') {
      // A page that goes away writes what waits; what a hard kill loses is at most the queue's window.
      const flush = () => void this.runner?.flush();
      window.addEventListener('pagehide', flush);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') flush();
      });
    }
  }

  /** Stops listening to other tabs and queueing again (tests; a state that goes away). */
  close(): void {
    this.closed = true;
    this.progressGate.close();
    this.channel.close();
  }

  /** Whether this tab only watches `run` (another tab is judging it). */
  readOnly(run: RunRecord | null): boolean {
    return (
      !!run &&
      run.status === 'running' &&
      this.view.activeRunId !== run.id &&
      hasLocks() &&
      !this.view.owner
    );
  }

  /** Tells the other tabs that `runId` changed ('' for many runs at once). */
  announce(runId: string): void {
    this.channel.post({ type: 'changed', runId });
  }

  private onMessage(m: RunMessage): void {
    if (m.type === 'progress') {
      this.view.live = { ...this.view.live, [m.progress.runId]: m.progress };
      this.host.progressed(m.progress.runId);
      if (m.progress.status !== 'running') {
        this.clearRequest(m.progress.runId);
        void this.host.refresh();
      }
    } else if (m.type === 'command') {
      // Only the tab judging the run acts; it writes the status and tells every tab.
      if (this.runner?.runId === m.runId) this.runner[m.action]();
    } else if (m.type === 'changed') {
      this.clearRequest(m.runId);
      void this.host.refresh();
      void this.host.reopen(m.runId);
      // A run resumed elsewhere may need an owner: queue for the engine.
      void this.ensureWorker();
    }
  }

  /**
   * Runs left "running" with nobody judging them: one-pair runs become cancelled (their stored
   * judgments stay and are reused next time); batch runs wait for the engine owner to resume them.
   */
  async recover(): Promise<void> {
    try {
      const repos = await this.host.repositories();
      for (const run of await repos.runs.byStatus(['running'])) {
        if (run.spec) continue;
        if (!(await isLockFree(runLockName(run.id)))) continue;
        const done = await repos.judgments.count(run.id);
        await repos.runs.update(run.id, {
          status: 'cancelled',
          progress: { ...run.progress, done },
          error: 'Interrupted: the page was closed or reloaded while judging.',
        });
      }
    } catch (e) {
      this.view.error = e;
    }
  }

  /** Removes items an import left behind when its tab closed (housekeeping: a failure waits for the next start). */
  async sweep(): Promise<void> {
    // Without Web Locks an import running in another tab cannot be told from an abandoned one.
    if (!hasLocks()) return;
    try {
      await sweepOrphanItems(await this.host.repositories());
    } catch {
      // Nothing is lost: the items stay unlisted until a later start sweeps them.
    }
  }

  /**
   * Queues this tab for the engine lock when some run is waiting. The holder judges every
   * running run, oldest first, then lets go; a tab that closes releases it and the next tab
   * in the queue takes over.
   */
  async ensureWorker(): Promise<void> {
    if (this.closed || this.waiting || this.view.owner) return;
    const repos = await this.host.repositories().catch(() => null);
    if (!repos) return;
    const waitingRuns = (await repos.runs.byStatus(['running'])).filter((r) => r.spec);
    if (waitingRuns.length === 0) return;
    this.waiting = true;
    void withLock(ENGINE_LOCK, async () => {
      this.view.owner = true;
      this.waiting = false;
      try {
        await this.workLoop(repos);
      } finally {
        this.view.owner = false;
        this.view.activeRunId = null;
      }
    })
      // A run resumed while the loop was finishing still needs an owner.
      .then(() => setTimeout(() => void this.ensureWorker(), RECHECK_MS))
      .catch((e: unknown) => {
        this.waiting = false;
        this.view.error = e;
      });
  }

  private async workLoop(repos: Repositories): Promise<void> {
    // Each run once per turn: one that cannot start (no model) must not loop forever.
    const tried: string[] = [];
    for (;;) {
      const next = (await repos.runs.byStatus(['running']))
        .filter((r) => r.spec && !tried.includes(r.id))
        .sort((a, b) => a.createdAt - b.createdAt)[0];
      if (!next) return;
      tried.push(next.id);
      await this.runOne(repos, next);
    }
  }

  private async runOne(repos: Repositories, run: RunRecord): Promise<void> {
    const spec = await this.ensureModel(run.config.modelId, run.config.engine);
    if (!spec) {
      await repos.runs
        .update(run.id, {
          status: 'paused',
          error: `The run's judge model ${run.config.modelId} could not be loaded in this tab. Load it on Models, then resume.`,
        })
        .catch(() => undefined);
      this.announce(run.id);
      await this.host.refresh();
      return;
    }
    // One engine, one generation at a time: let the Judge page's pair finish first.
    while (this.host.engineBusyElsewhere()) await new Promise((r) => setTimeout(r, BUSY_POLL_MS));
    const releaseRun = await holdLock(runLockName(run.id));
    // Paused or cancelled from another tab while this one queued for the run: leave it so. A
    // status written by a tab is written holding this lock (stop), so it is seen here.
    const current = await repos.runs.get(run.id).catch(() => undefined);
    if (current?.status !== 'running') {
      releaseRun();
      return;
    }
    const releaseAwake = keepAwake();
    this.view.activeRunId = run.id;
    this.channel.post({ type: 'owner', runId: run.id });
    const runner = new BatchRunner(
      {
        repos,
        engine: this.host.engine,
        contextWindow: spec.contextWindow,
        reload: async () => {
          const models = this.host.models;
          await models.load(spec);
          if (models.status !== 'ready') throw models.error ?? new Error('Reload failed.');
        },
        onProgress: (p) => this.onProgress(p),
      },
      run.id,
    );
    this.runner = runner;
    try {
      await runner.run();
    } catch (e) {
      await repos.runs
        .update(run.id, { status: 'paused', error: errorText(e) })
        .catch(() => undefined);
    } finally {
      this.runner = null;
      releaseAwake();
      releaseRun();
      this.onProgress(runner.progress, true);
      this.announce(run.id);
      await this.host.refresh();
      await this.host.reopen(run.id);
    }
  }

  /** Loads the run's model here when another is loaded (the model a taking-over tab needs). */
  private async ensureModel(modelId: string, engine?: string): Promise<ModelSpec | null> {
    const models = this.host.models;
    const loaded = models.loaded?.spec;
    if (loaded?.modelId === modelId) return loaded;
    const spec =
      engine === 'openai'
        ? (this.host.serverSpec?.(modelId) ?? null)
        : (models.offered.find((m) => m.spec.modelId === modelId)?.spec ?? null);
    if (!spec) return null;
    await models.load(spec);
    return models.status === 'ready' ? spec : null;
  }

  private onProgress(p: BatchProgress, force = false): void {
    this.progressGate.push(p);
    if (force) this.publish(p, true);
  }

  private publish(p: BatchProgress, force: boolean): void {
    this.view.live = { ...this.view.live, [p.runId]: p };
    this.host.progressed(p.runId);
    // Other tabs get at most 5 updates a second.
    const now = Date.now();
    if (force || now - this.lastBroadcast > 200 || p.status !== 'running') {
      this.lastBroadcast = now;
      this.channel.post({ type: 'progress', progress: p });
    }
  }

  /** A run was created: tells every tab and hands it to the engine owner (this tab, or the one that has it). */
  async started(runId: string): Promise<void> {
    this.announce(runId);
    await this.host.refresh();
    void this.ensureWorker();
  }

  /**
   * Pauses or cancels a run wherever it is judged: here, by the runner; in another tab, by asking
   * that tab over the channel (it stops after the current generation and reports to every tab);
   * nowhere, by writing the status.
   */
  async stop(runId: string, action: 'pause' | 'cancel'): Promise<void> {
    if (this.runner?.runId === runId) {
      this.runner[action]();
      return;
    }
    // Nobody judges it: write the status holding the run's lock, so a tab about to take the run
    // up (it takes that lock first, then reads the status) cannot judge it after all.
    const written = await withLockIfFree(runLockName(runId), async () => {
      await this.setStatus(runId, action === 'pause' ? 'paused' : 'cancelled');
      return true;
    });
    if (written) return;
    this.view.requested = { ...this.view.requested, [runId]: action };
    this.channel.post({ type: 'command', runId, action });
    // Nobody answered (the run ended meanwhile): let the buttons work again.
    setTimeout(() => this.clearRequest(runId), REQUEST_TIMEOUT_MS);
  }

  private clearRequest(runId: string): void {
    if (!(runId in this.view.requested)) return;
    const { [runId]: _done, ...rest } = this.view.requested;
    this.view.requested = rest;
  }

  async resume(runId: string): Promise<void> {
    await this.setStatus(runId, 'running', null);
    await this.ensureWorker();
  }

  private async setStatus(
    runId: string,
    status: RunRecord['status'],
    error?: string | null,
  ): Promise<void> {
    try {
      const repos = await this.host.repositories();
      await repos.runs.update(runId, { status, ...(error !== undefined ? { error } : {}) });
      this.announce(runId);
      await this.host.refresh();
      await this.host.reopen(runId);
    } catch (e) {
      this.view.error = e;
    }
  }

  /** Deletes a run (stopping it first when this tab judges it). */
  async delete(runId: string): Promise<void> {
    try {
      if (this.runner?.runId === runId) this.runner.cancel();
      const repos = await this.host.repositories();
      await repos.runs.delete(runId);
      this.announce(runId);
      await this.host.refresh();
    } catch (e) {
      this.view.error = e;
    }
  }
}
