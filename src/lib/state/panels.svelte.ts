// State of the Runs page's panels: the new-panel form with the whole panel's estimate, the panel list, and pause/resume/cancel forwarded to every member.
import { getTemplate, type Template } from '../judge';
import { datasetItems } from '../run/batch';
import {
  emptyRunForm,
  formFilter,
  measuredSpeed,
  type MeasuredSpeed,
  type RunForm,
} from '../run/form';
import {
  cancelPanel,
  measuredSpeeds,
  memberEngine,
  memberState,
  newPanel,
  panelEstimate,
  panelStatus,
  pausePanel,
  resumePanel,
  type MemberState,
  type PanelControl,
  type PanelEstimate,
} from '../run/panel';
import { selectItems } from '../run/subset';
import type { ModelSpec } from '../engine/types';
import type { ItemRecord, PanelRecord, RunRecord } from '../store';
import { downloadBlob } from '../ui/download';
import { pageTemplates } from './judge.svelte';
import type { ModelState } from './models.svelte';
import type { RunsState } from './runs.svelte';
import type { StorageState } from './storage.svelte';

/** A model the form offers as a member: the offered ones of every engine, and the loaded one. */
export interface PanelChoice {
  spec: ModelSpec;
  label: string;
  test: boolean;
}

export class PanelsState {
  panels = $state.raw<PanelRecord[]>([]);
  error = $state<unknown>(null);
  /** A failed pause, resume, cancel or export, shown on the panel list. */
  listError = $state<unknown>(null);
  starting = $state(false);
  exporting = $state(false);

  form = $state<RunForm>(emptyRunForm());
  /** Model ids chosen as members, in the order chosen. */
  chosen = $state<string[]>([]);
  formItems = $state.raw<ItemRecord[]>([]);
  private formItemsOf = '';
  /** Each chosen model's speed measured by its newest run (null rates: never measured). */
  speeds = $state.raw<Record<string, MeasuredSpeed>>({});

  readonly templates = pageTemplates;
  readonly template = $derived(getTemplate(this.form.templateId) ?? (pageTemplates[0] as Template));
  readonly subset = $derived(selectItems(this.formItems, formFilter(this.form)));
  readonly choices = $derived<PanelChoice[]>(this.computeChoices());
  readonly estimate = $derived<PanelEstimate | null>(this.computeEstimate());

  constructor(
    private readonly runs: RunsState,
    private readonly models: ModelState,
    private readonly storage: StorageState,
  ) {}

  private computeChoices(): PanelChoice[] {
    const out: PanelChoice[] = this.models.offered.map((m) => ({
      spec: m.spec,
      label: m.label,
      test: m.test,
    }));
    const loaded = this.models.loaded?.spec;
    // A server's model is loaded without being in the catalog: offer it too.
    if (loaded && !out.some((c) => c.spec.modelId === loaded.modelId))
      out.unshift({ spec: loaded, label: `${loaded.modelId} (loaded)`, test: false });
    return out;
  }

  private chosenSpecs(): PanelChoice[] {
    return this.chosen
      .map((id) => this.choices.find((c) => c.spec.modelId === id))
      .filter((c): c is PanelChoice => c !== undefined);
  }

  private computeEstimate(): PanelEstimate | null {
    const m = this.models;
    const here = measuredSpeed(m.testResult, m.loaded?.calibration);
    const members = this.chosenSpecs().map((c) => {
      const loaded = m.loaded?.spec.modelId === c.spec.modelId;
      const speed =
        loaded && here.decodeTokensPerS !== null
          ? here
          : (this.speeds[c.spec.modelId] ?? { decodeTokensPerS: null, prefillTokensPerS: null });
      return { spec: c.spec, speed };
    });
    return panelEstimate(this.subset, this.form, this.template, members);
  }

  /** Re-reads the panel list (cheap: a handful of records); member runs come from the Runs list. */
  async refresh(): Promise<void> {
    try {
      const repos = await this.storage.repositories();
      this.panels = await repos.panels.list();
      if (!this.form.datasetId && this.runs.datasets[0])
        this.form.datasetId = this.runs.datasets[0].id;
      await this.loadFormItems();
    } catch (e) {
      this.error = e;
    }
  }

  /** Reads the form's dataset items once per dataset choice. */
  async loadFormItems(): Promise<void> {
    const id = this.form.datasetId;
    if (!id || id === this.formItemsOf) return;
    try {
      const repos = await this.storage.repositories();
      this.formItemsOf = id;
      this.formItems = await datasetItems(repos, id);
    } catch (e) {
      this.formItemsOf = '';
      this.error = e;
    }
  }

  /** Adds or removes a member; a newly chosen model's measured speed is looked up for the estimate. */
  async toggle(modelId: string): Promise<void> {
    this.chosen = this.chosen.includes(modelId)
      ? this.chosen.filter((id) => id !== modelId)
      : [...this.chosen, modelId];
    if (!this.chosen.includes(modelId) || modelId in this.speeds) return;
    try {
      const repos = await this.storage.repositories();
      this.speeds = { ...this.speeds, ...(await measuredSpeeds(repos, [modelId])) };
    } catch {
      // The estimate then says the speed is unknown; nothing else depends on it.
    }
  }

  /** The member runs of `panel` as the Runs list has them, in the panel's order. */
  membersOf(panel: PanelRecord): RunRecord[] {
    return panel.memberRunIds
      .map((id) => this.runs.runs.find((r) => r.id === id))
      .filter((r): r is RunRecord => r !== undefined);
  }

  /** The panel's status, derived from its members. */
  status = (members: readonly RunRecord[]): RunRecord['status'] => panelStatus(members);

  /** What a member is doing: judging here or in another tab, queued, paused, done… */
  memberState = (run: RunRecord): MemberState =>
    memberState(run, this.runs.activeRunId, this.runs.live[run.id]?.status);

  /** Creates the panel and its member runs and hands them to the engine owner; returns its id. */
  async start(): Promise<string | null> {
    this.starting = true;
    this.error = null;
    try {
      const form = $state.snapshot(this.form) as RunForm;
      const chosen = this.chosenSpecs();
      const members = chosen.map((c) => ({ spec: c.spec, engine: memberEngine(c.spec, c.test) }));
      const estimates = this.estimate?.members.map((m) => m.estimate) ?? [];
      const { panel, runs } = newPanel(form, this.template, members, estimates);
      const repos = await this.storage.repositories();
      await repos.panels.create(panel, runs);
      this.chosen = [];
      await this.refresh();
      await this.runs.started(panel.memberRunIds[0] as string);
      return panel.id;
    } catch (e) {
      this.error = e;
      return null;
    } finally {
      this.starting = false;
    }
  }

  /** Downloads the panel as a workspace file (its record, member runs, judgments, dataset). */
  async exportPanel(panel: PanelRecord): Promise<void> {
    this.exporting = true;
    try {
      // The workspace exporter loads on first use, as the Runs page's does.
      const { panelWorkspaceFile } = await import('../run/workspace-file');
      const repos = await this.storage.repositories();
      const { blob, name } = await panelWorkspaceFile(
        repos,
        location.origin + location.pathname,
        panel,
      );
      downloadBlob(blob, name);
    } catch (e) {
      this.listError = e;
    } finally {
      this.exporting = false;
    }
  }

  /**
   * Deletes the panel: each member run with its judgments, the way a run is deleted (stopped
   * first when this tab judges it; other tabs told); the last member takes the panel record.
   */
  async deletePanel(panel: PanelRecord): Promise<void> {
    for (const id of [...panel.memberRunIds].reverse()) await this.runs.deleteRun(id);
    await this.refresh();
  }

  private control(): PanelControl {
    return {
      stop: (id, action) => (action === 'pause' ? this.runs.pause(id) : this.runs.cancel(id)),
      resume: (id) => this.runs.resume(id),
    };
  }

  pause = (panelId: string): Promise<void> => this.act(pausePanel, panelId);
  resume = (panelId: string): Promise<void> => this.act(resumePanel, panelId);
  cancel = (panelId: string): Promise<void> => this.act(cancelPanel, panelId);

  private async act(action: typeof pausePanel, panelId: string): Promise<void> {
    try {
      await action(await this.storage.repositories(), panelId, this.control());
    } catch (e) {
      this.listError = e;
    }
  }
}
