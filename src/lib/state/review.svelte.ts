// Review state: the opened run (ReviewRunState) and your labels (ReviewLabelState), plus compare, leaderboard, item detail and meta-judge.
import type { JudgeEngine } from '../engine/types';
import type { ItemRecord, JudgmentRecord, RunRecord } from '../store';
import type { RunComparison } from '../review/compare';
import type { Leaderboard } from '../review/leaderboard';
import type { Weighting } from '../judge/metrics';
import { tick } from '../review/schedule';
import { readItemDetail, type MetaEntry } from '../review/item-detail';
import { compareStored, runLeaderboard } from '../review/reads';
import { metaJudge } from '../run/meta-judge';
import { ENGINE_BUSY, type ModelState } from './models.svelte';
import type { StorageState } from './storage.svelte';
import { ReviewLabelState } from './review-labels.svelte';

export type { MetaEntry };

/** Reads two runs' rows for compare and one for the leaderboard; the dashboard run is `current`. */
export class ReviewState extends ReviewLabelState {
  comparison = $state.raw<RunComparison | null>(null);
  compareRunsPair = $state.raw<[RunRecord | undefined, RunRecord | undefined]>([
    undefined,
    undefined,
  ]);
  compareError = $state<unknown>(null);
  compareLoading = $state(false);

  leaderboard = $state.raw<Leaderboard | null>(null);
  leaderboardLoading = $state(false);
  leaderboardError = $state<unknown>(null);
  lengthControl = $state(false);
  /** How verdicts count as games for the ratings (Arena-Hard's weighting reads verdict strengths). */
  weighting = $state<Weighting>('plain');

  /** Judgments of the current item in any run (candidates for the meta-judge), and its meta results. */
  itemJudgments = $state.raw<JudgmentRecord[]>([]);
  /** The full record of the item under review (read by id when it is shown). */
  detailItem = $state.raw<ItemRecord | undefined>(undefined);
  /** The item whose full records are being read, or null. */
  detailLoading = $state<string | null>(null);
  metaEntries = $state.raw<MetaEntry[]>([]);
  metaRunning = $state(false);
  metaError = $state<unknown>(null);
  metaStream = $state('');

  private abortMeta: AbortController | null = null;

  constructor(
    storage: StorageState,
    private readonly engine: JudgeEngine,
    private readonly models: ModelState,
  ) {
    super(storage);
  }

  async compare(a: string, b: string): Promise<void> {
    this.compareLoading = true;
    this.comparison = null;
    try {
      const { runs, comparison } = await compareStored(await this.repos(), a, b, this.onRebuild);
      this.compareRunsPair = runs;
      this.comparison = comparison;
      this.compareError = null;
    } catch (e) {
      this.compareError = e;
    } finally {
      this.rebuilding = null;
      this.compareLoading = false;
    }
  }

  async openLeaderboard(runId: string): Promise<void> {
    this.leaderboardLoading = true;
    this.leaderboard = null;
    try {
      if (this.runId !== runId || !this.loaded) await this.open(runId);
      await tick();
      this.leaderboard = await runLeaderboard(await this.repos(), this.run, this.rows, {
        weighting: this.weighting,
        lengthControl: this.lengthControl,
      });
      this.leaderboardError = null;
    } catch (e) {
      this.leaderboardError = e;
    } finally {
      this.leaderboardLoading = false;
    }
  }

  async setWeighting(w: Weighting): Promise<void> {
    this.weighting = w;
    if (this.runId) await this.openLeaderboard(this.runId);
  }

  async setLengthControl(on: boolean): Promise<void> {
    this.lengthControl = on;
    if (this.runId) await this.openLeaderboard(this.runId);
  }

  /**
   * The item's full record and its judgments in every run (texts for the detail view, meta-judge
   * candidates), and the meta-judge runs about it: read by key when the item is shown.
   */
  async loadItemJudgments(itemId: string): Promise<void> {
    this.detailLoading = itemId;
    try {
      // The item's texts (Markdown to render) never delay the numbers and the list.
      await this.painted;
      const detail = await readItemDetail(await this.repos(), itemId);
      if (this.detailLoading !== itemId) return;
      this.detailItem = detail.item;
      this.itemJudgments = detail.judgments;
      this.metaEntries = detail.metaEntries;
      this.metaError = null;
    } catch (e) {
      this.metaError = e;
    } finally {
      if (this.detailLoading === itemId) this.detailLoading = null;
    }
  }

  /**
   * Asks the loaded model which of two judgments of an item is better, in both orders, with the
   * Meta-Rewarding meta-judge template (run/meta-judge). The result is a run of its own whose
   * judgments are stored the moment each is parsed; the item's detail is read again after it.
   */
  async metaJudge(item: ItemRecord, a: JudgmentRecord, b: JudgmentRecord): Promise<void> {
    const loaded = this.models.loaded;
    if (!loaded) {
      this.metaError = new Error('Load a model first (Models page): the meta-judge runs on it.');
      return;
    }
    if (this.models.batchRunOnEngine() !== null) {
      this.metaError = new Error(ENGINE_BUSY);
      return;
    }
    this.metaRunning = true;
    this.metaError = null;
    this.metaStream = '';
    const abort = (this.abortMeta = new AbortController());
    const model = { modelId: loaded.spec.modelId, thinking: loaded.spec.thinking };
    let created = false;
    try {
      await metaJudge(
        await this.repos(),
        this.engine,
        model,
        { item, a, b },
        {
          signal: abort.signal,
          onText: (text) => (this.metaStream = text),
          onCreated: () => (created = true),
        },
      );
    } catch (e) {
      this.metaError = e;
    } finally {
      this.metaRunning = false;
      this.abortMeta = null;
      this.metaStream = '';
      // A run that was never stored leaves nothing new to read (and keeps its error in view).
      if (created) await this.loadItemJudgments(item.id);
    }
  }

  /** The batch run holding this tab's engine, if any: the meta-judge waits for it. */
  get batchRunOnEngine(): string | null {
    return this.models.batchRunOnEngine();
  }

  stopMeta(): void {
    this.abortMeta?.abort();
  }
}
