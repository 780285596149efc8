// Demo mode's panel step as state: which judges sit on the panel, their verdicts as they come, the panel's numbers; the running is run/demo-panel.ts.
import { EXAMPLES } from '../data/examples';
import { AbortedError } from '../engine/errors';
import type { JudgeEngine, ModelSpec } from '../engine/types';
import {
  defaultPanel,
  MAX_MEMBERS,
  panelCandidates,
  runPanelDemo,
  type PanelCandidate,
  type PanelCell,
  type PanelDemoStage,
} from '../run/demo-panel';
import { summarizePanelDemo, type PanelDemoSummary } from '../run/demo-panel-summary';
import type { ModelState } from './models.svelte';
import type { StorageState } from './storage.svelte';

export { MAX_MEMBERS, type PanelCandidate };

export class PanelDemoState {
  chosen = $state<string[]>([]);
  /** Per member (in chosen order), its cell per bundled pair; null until judged. */
  cells = $state.raw<(PanelCell | null)[][]>([]);
  /** The members of the last run, in order (the table's columns). */
  members = $state.raw<ModelSpec[]>([]);
  stage = $state.raw<PanelDemoStage | null>(null);
  running = $state(false);
  /** The model loaded before the panel started is being loaded back. */
  restoring = $state<string | null>(null);
  error = $state<unknown>(null);
  storageError = $state<unknown>(null);
  private abort: AbortController | null = null;
  private touched = $state(false);

  // A function, read lazily: `models` is a constructor parameter, set after field initializers.
  readonly candidates = $derived.by<PanelCandidate[]>(() =>
    panelCandidates(this.models.offered, this.models.cache, this.models.loaded?.spec ?? null),
  );

  /** The chosen members, or the default panel until the presenter changes it. */
  readonly selection = $derived<string[]>(
    this.touched ? this.chosen : defaultPanel(this.candidates),
  );

  readonly summary = $derived<PanelDemoSummary>(
    summarizePanelDemo(
      this.cells,
      EXAMPLES.map((e) => e.label),
    ),
  );

  constructor(
    private readonly engine: JudgeEngine,
    private readonly models: ModelState,
    private readonly storage: StorageState,
    /** Keeps each pair run's id, so the demo's reset deletes it. */
    private readonly remember: (runId: string) => void,
  ) {}

  /** Put a model on the panel or take it off (at most MAX_MEMBERS). */
  toggle(modelId: string, on: boolean): void {
    const now = this.selection.filter((id) => id !== modelId);
    if (on && now.length < MAX_MEMBERS) now.push(modelId);
    this.chosen = now;
    this.touched = true;
  }

  /** Every chosen member judges every bundled pair in both orders, one model at a time. */
  async run(): Promise<void> {
    const members = this.selection
      .map((id) => this.candidates.find((c) => c.spec.modelId === id)?.spec)
      .filter((s): s is ModelSpec => s !== undefined);
    if (this.running || members.length < 2) return;
    const before = this.models.loaded?.spec ?? null;
    const abort = new AbortController();
    this.abort = abort;
    this.running = true;
    this.error = null;
    this.storageError = null;
    this.members = members;
    this.cells = members.map(() => EXAMPLES.map(() => null));
    try {
      await runPanelDemo(
        {
          engine: this.engine,
          repositories: () => this.storage.repositories(),
          load: (spec) => this.load(spec),
        },
        members,
        EXAMPLES,
        {
          signal: abort.signal,
          onStage: (s) => (this.stage = s),
          onCell: (m, p, cell) => {
            this.cells = this.cells.map((row, i) =>
              i === m ? row.map((c, j) => (j === p ? cell : c)) : row,
            );
          },
          onRunCreated: (id) => this.remember(id),
          onStorageError: (e) => (this.storageError ??= e),
        },
      );
    } catch (e) {
      if (!(e instanceof AbortedError) && (e as Error | undefined)?.name !== 'AbortedError')
        this.error = e;
    } finally {
      this.stage = null;
      this.abort = null;
      // The presenter's own model goes back on the GPU for the rest of the demo.
      if (before && this.models.loaded?.spec.modelId !== before.modelId) {
        this.restoring = before.modelId;
        await this.models.load(before);
        this.restoring = null;
      }
      this.running = false;
    }
  }

  private async load(spec: ModelSpec): Promise<void> {
    if (this.models.loaded?.spec.modelId === spec.modelId && this.models.status === 'ready') return;
    await this.models.load(spec);
    if (this.abort?.signal.aborted) throw new AbortedError();
    if (this.models.loaded?.spec.modelId !== spec.modelId)
      throw this.models.error ?? new Error('The load was cancelled.');
  }

  stop(): void {
    this.abort?.abort();
    if (this.stage?.kind === 'loading') this.models.cancel();
  }

  /** Forget the results (the demo's reset deletes the stored runs). */
  clear(): void {
    this.stop();
    this.cells = [];
    this.members = [];
    this.error = null;
    this.storageError = null;
  }
}
