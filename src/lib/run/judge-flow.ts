// The Judge page's judging of one pair: the fit check, stored work, every order streamed through runPair, Stop, the last write, and the checks done ahead of the click.
import { countItemTokens, type Order } from '../judge';
import { AbortedError, ContextWindowExceededError } from '../engine/errors';
import type { JudgeEngine, StreamPace } from '../engine/types';
import type { JudgmentRecord, Repositories } from '../store';
import { holdLock, runLockName } from './coordination';
import {
  findStored,
  judgeConfig,
  planJudgments,
  runPair,
  type PairContext,
  type PlannedJudgment,
} from './pair';

export interface FitCheck {
  promptTokens: number;
  maxTokens: number;
  contextWindow: number;
  fits: boolean;
}

/**
 * How the engine's worker sends the judge's text: a render's worth at a time (a render costs
 * about 5–8 ms here, paid for by ~600 characters at the page's RENDER_MS_PER_CHAR), or every 2 s,
 * the page's render floor. At 50 tok/s that is one message per render instead of four (each costs
 * the page ~0.3 ms); at 300 tok/s and more, messages come as often as renders anyway.
 */
export const STREAM_PACE: StreamPace = { minChars: 600, maxWaitMs: 2000 };

/** How long the verdict waits for its run's last write to commit before showing anyway. */
export const SAVE_FIRST_MS = 50;

/** Why the page does not judge now, in words for the UI. */
export const ENGINE_BUSY =
  'The judge model is busy with a batch run in this tab. Pause it (Runs) or wait until it finishes, then judge.';
export const NO_MODEL = 'Load a judge model first (Models).';

/** What a judging reports while it goes; the page's state shows it. */
export interface JudgeFlowView {
  /** The fit check is done (too long or not). */
  fit(fit: FitCheck): void;
  /** The checks passed: judgments are being generated. */
  running(): void;
  onToken(order: Order, sample: number, delta: string, text: string): void;
  /** A judgment is complete; `last` is the pair's final one, whose text shows with the verdict. */
  judgment(record: JudgmentRecord, last: boolean): void;
  /** A judgment is stored (what survives a Stop). */
  saved(record: JudgmentRecord): void;
  /** Storage failed (opening it or a write); judging goes on. */
  storageError(error: unknown): void;
  /** The previous verdict's last write has landed or failed ("Saving…" ends). */
  saveSettled(): void;
}

/** How a judging ended. */
export type JudgeOutcome =
  | { kind: 'judged' | 'stored'; runId: string; records: JudgmentRecord[] }
  | { kind: 'stopped' }
  | { kind: 'error'; error: unknown };

/** What `prepare` found for the form as it stands. */
interface Prepared {
  fit: FitCheck;
  plan: PlannedJudgment[];
  repos: Repositories;
  /** A complete earlier result exists: the click shows it (looked up again, it may be gone). */
  stored: boolean;
}

/** Count the item's tokens with the model's tokenizer and compare with its context window. */
export async function checkFit(
  engine: JudgeEngine,
  ctx: PairContext,
  contextWindow: number,
): Promise<FitCheck> {
  // The requests the judging sends, as a batch run and the CLI count them.
  const { template, ...config } = judgeConfig(ctx);
  const est = await countItemTokens(engine, ctx.item, template, config);
  return {
    promptTokens: est.promptTokens,
    maxTokens: est.maxTokens,
    contextWindow,
    fits: est.total <= contextWindow,
  };
}

/** The error shown when the pair does not fit the model's window. */
export function tooLongError(ctx: PairContext, fit: FitCheck): ContextWindowExceededError {
  return new ContextWindowExceededError(
    `This pair needs about ${fit.promptTokens.toLocaleString()} prompt tokens plus up to ${fit.maxTokens.toLocaleString()} for the answer, but ${ctx.model.modelId} holds ${fit.contextWindow.toLocaleString()} tokens.`,
    { ...fit },
  );
}

export class JudgeFlow {
  private abort: AbortController | null = null;
  /** The checks for one form, started ahead of the click (see prepare), keyed by what they depend on. */
  private prepared: { key: string; ready: Promise<Prepared | null> } | null = null;
  /** Settles when the last verdict's final write has landed or failed. */
  private pendingSave: Promise<void> | null = null;

  constructor(
    private readonly engine: JudgeEngine,
    private readonly repositories: () => Promise<Repositories>,
  ) {}

  /** The last verdict's final write is still on its way to storage. */
  get saving(): boolean {
    return this.pendingSave !== null;
  }

  /** Resolves once the last verdict's final write has settled (at once when there is none). */
  async settled(): Promise<void> {
    if (this.pendingSave) await this.pendingSave;
  }

  stop(): void {
    this.abort?.abort();
  }

  /**
   * Do the fit check, key hashing and stored-work lookup for `ctx` before the click: they take a
   * worker round trip, a digest and an IndexedDB read, and each waits for the main thread between
   * them (10–30 ms on a busy page), all on the way to the first token. Returns the fit once known,
   * or null when `key` is already prepared (or the checks fail).
   */
  prepare(ctx: PairContext, key: string, contextWindow: number): Promise<FitCheck | null> | null {
    if (this.prepared?.key === key) return null;
    const ready = (async (): Promise<Prepared | null> => {
      // The last pair's final write first: it may be this very work.
      await this.settled();
      const repos = await this.repositories();
      const [fit, plan] = await Promise.all([
        checkFit(this.engine, ctx, contextWindow),
        planJudgments(ctx),
      ]);
      const stored = await findStored(repos, plan);
      return { fit, plan, repos, stored: stored !== null };
    })().catch(() => null);
    this.prepared = { key, ready };
    return ready.then((p) => p?.fit ?? null);
  }

  /** The preparation for exactly this key, if any (used once: a judging may store the work). */
  private takePrepared(key: string): Promise<Prepared | null> | null {
    const p = this.prepared;
    this.prepared = null;
    return p && p.key === key ? p.ready : null;
  }

  /**
   * Judge the pair. Returns the stored result when the same work was done before (unless
   * `again`), otherwise runs every order and sample, streaming, and stores each judgment as it
   * completes. `key` names the form as `prepare` saw it; the page waits for `settled()` first.
   */
  async judge(
    ctx: PairContext,
    opts: { key: string; contextWindow: number; again: boolean },
    view: JudgeFlowView,
  ): Promise<JudgeOutcome> {
    // Created before the checks so Stop works from the first moment.
    const abort = new AbortController();
    this.abort = abort;
    const ready = await this.takePrepared(opts.key);
    try {
      if (ready && (opts.again || !ready.stored)) {
        // Checked ahead of the click: the first request goes out in the click's own task.
        view.fit(ready.fit);
        if (abort.signal.aborted) throw new AbortedError();
        if (!ready.fit.fits) return { kind: 'error', error: tooLongError(ctx, ready.fit) };
        return await this.run(ready.repos, ctx, ready.plan, abort, view);
      }
      // The fit check (a worker round trip per order), opening storage, hashing the keys and
      // looking for stored work do not depend on each other: they run at once, not one after another.
      let storageError: unknown = null;
      const fitting = checkFit(this.engine, ctx, opts.contextWindow);
      const opening = this.repositories().catch((e: unknown) => {
        storageError = e;
        view.storageError(e);
        return null;
      });
      const planning = planJudgments(ctx);
      const finding = opts.again
        ? Promise.resolve(null)
        : Promise.all([opening, planning]).then(([r, p]) =>
            r ? findStored(r, p).catch(() => null) : null,
          );
      // Handled even when the fit check ends the judging first, so no rejection goes unhandled.
      planning.catch(() => undefined);
      finding.catch(() => undefined);
      const fit = await fitting;
      view.fit(fit);
      if (!fit.fits) return { kind: 'error', error: tooLongError(ctx, fit) };
      const [repos, plan, stored] = await Promise.all([opening, planning, finding]);
      if (abort.signal.aborted) throw new AbortedError();
      if (stored) return { kind: 'stored', ...stored };
      // Without storage the pair is still judged; the page says it was not saved.
      return await this.run(repos ?? unavailableRepositories(storageError), ctx, plan, abort, view);
    } catch (e) {
      if ((e as Error | undefined)?.name === 'AbortedError') return { kind: 'stopped' };
      return { kind: 'error', error: e };
    } finally {
      if (this.abort === abort) this.abort = null;
    }
  }

  private async run(
    repos: Repositories,
    ctx: PairContext,
    plan: PlannedJudgment[],
    abort: AbortController,
    view: JudgeFlowView,
  ): Promise<JudgeOutcome> {
    view.running();
    // Held while judging, and until the run is stored as done, so start-up recovery in another
    // tab never marks this live run interrupted.
    let finished = false;
    let release: (() => void) | null = null;
    const end = () => {
      finished = true;
      (release as (() => void) | null)?.();
    };
    let judged = 0;
    let res: Awaited<ReturnType<typeof runPair>>;
    try {
      res = await runPair(repos, this.engine, ctx, plan, {
        onRunCreated: (id) => {
          void holdLock(runLockName(id)).then((r) => (finished ? r() : (release = r)));
        },
        signal: abort.signal,
        onToken: (order, sample, delta, text) => view.onToken(order, sample, delta, text),
        pace: STREAM_PACE,
        onJudgment: (record) => {
          judged += 1;
          view.judgment(record, judged === plan.length);
        },
        onSaved: (record) => view.saved(record),
        onStorageError: (e) => view.storageError(e),
      });
    } catch (e) {
      end();
      throw e;
    }
    // The last write is on its way: on a page that is not busy it commits in a few ms, but its
    // IndexedDB callbacks would queue behind the render of the last text and the verdict (10–20 ms
    // of main thread). They run first, briefly: the judgment is on disk that much sooner, and
    // text and verdict show a few ms later, in one render. A slow disk holds them no longer than
    // SAVE_FIRST_MS ("Saving…" then).
    await settledWithin(res.saved, SAVE_FIRST_MS);
    // The verdict is shown now; its last write lands a moment later ("Saving…"). A write that
    // fails reaches the page through storageError, and the judgment stays on screen.
    const settled: Promise<void> = res.saved.then(
      () => undefined,
      () => undefined,
    );
    this.pendingSave = settled;
    void settled.then(() => {
      end();
      if (this.pendingSave !== settled) return;
      this.pendingSave = null;
      view.saveSettled();
    });
    return { kind: 'judged', runId: res.runId, records: res.records };
  }
}

/** Resolves when `p` settles or after `ms`, whichever is first; never rejects. */
function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    p.then(done, done);
  });
}

/** Repositories whose every call rejects with `error`: judging goes on, nothing claims to be saved. */
function unavailableRepositories(error: unknown): Repositories {
  const store = new Proxy({}, { get: () => () => Promise.reject(error) });
  return {
    datasets: store,
    items: store,
    runs: store,
    judgments: store,
    labels: store,
  } as Repositories;
}
