// Panels of judges: creating one (an ordinary batch run per member), its derived status, pause/resume/cancel of every member, and the whole panel's estimate.
import type { ModelSpec } from '../engine/types';
import type { Template } from '../judge';
import type { EngineKind } from '../judge/port';
import {
  newId,
  type ItemRecord,
  type PanelRecord,
  type Repositories,
  type RunRecord,
  type RunStatus,
} from '../store';
import { newBatchRun } from './batch';
import type { RunEstimate } from './estimate';
import {
  defaultMaxTokens,
  formEstimate,
  formFilter,
  type MeasuredSpeed,
  type RunForm,
} from './form';

/** A judge model chosen for a panel, and the engine kind its judgments are recorded under. */
export interface PanelMember {
  spec: ModelSpec;
  engine: EngineKind;
}

/** Why a panel cannot be created, in words for the form. */
export class PanelInputError extends Error {
  override name = 'PanelInputError';
}

/** The engine kind a model's judgments are recorded under (test models: the e2e build's engine). */
export function memberEngine(spec: ModelSpec, test: boolean): EngineKind {
  return spec.engine ?? (test ? 'test' : 'webllm');
}

/**
 * The panel record and its member runs for `form` (a plain object, stored as is). Members run
 * in the order given: each run is created a millisecond after the one before, and the scheduler
 * judges running runs oldest first, one at a time, so a reload resumes the member in progress and
 * then goes on to the next. Throws PanelInputError for fewer than two models or a model twice
 * (its judgments would share keys with itself: the second member would judge nothing).
 */
export function newPanel(
  form: RunForm,
  t: Template,
  members: readonly PanelMember[],
  estimates: readonly (RunEstimate | null)[] = [],
  now = Date.now(),
): { panel: PanelRecord; runs: RunRecord[] } {
  if (!form.datasetId) throw new PanelInputError('Choose a dataset first.');
  if (members.length < 2) throw new PanelInputError('Choose two or more judge models.');
  const ids = members.map((m) => m.spec.modelId);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined)
    throw new PanelInputError(`${twice} is chosen twice: each member must be another model.`);
  const id = `panel-${newId()}`;
  const name = form.name.trim() || `Panel: ${ids.join(', ')}`;
  const runs = members.map((m, i) => {
    const options = { ...form.options };
    if (!options.maxTokens) options.maxTokens = defaultMaxTokens(t, m.spec);
    const estimate = estimates[i];
    const run = newBatchRun(
      {
        datasetId: form.datasetId,
        name: `${name} · ${m.spec.modelId}`,
        template: t,
        model: { engine: m.engine, modelId: m.spec.modelId, thinking: m.spec.thinking },
        options,
        filter: formFilter(form),
        ...(estimate ? { total: estimate.generations, items: estimate.items } : {}),
      },
      now + i,
    );
    return { ...run, panelId: id };
  });
  const panel: PanelRecord = {
    id,
    name,
    datasetId: form.datasetId,
    protocol: t.kind,
    memberRunIds: runs.map((r) => r.id),
    createdAt: now,
    updatedAt: now,
  };
  return { panel, runs };
}

/** The panel's status, from its members: running while any runs, done when all are. */
export function panelStatus(members: readonly RunRecord[]): RunStatus {
  const has = (s: RunStatus) => members.some((m) => m.status === s);
  if (members.length === 0) return 'cancelled';
  if (has('running')) return 'running';
  if (has('paused') || has('pending')) return 'paused';
  if (members.every((m) => m.status === 'done')) return 'done';
  if (has('failed')) return 'failed';
  return 'cancelled';
}

/** What one member is doing, for the panel card. */
export type MemberState = 'judging' | 'queued' | 'paused' | 'done' | 'cancelled' | 'failed';

/**
 * A member's state: a running member is judging when this tab judges it or another tab reports
 * progress on it; otherwise it waits for the member before it (queued).
 */
export function memberState(
  run: RunRecord,
  activeRunId: string | null,
  liveStatus: RunStatus | undefined,
): MemberState {
  if (run.status === 'running')
    return activeRunId === run.id || liveStatus === 'running' ? 'judging' : 'queued';
  if (run.status === 'pending') return 'paused';
  return run.status;
}

/** How the panel reaches its members' runs: the tab's scheduler (RunScheduler.stop/resume). */
export interface PanelControl {
  stop(runId: string, action: 'pause' | 'cancel'): Promise<void>;
  resume(runId: string): Promise<void>;
}

async function membersOf(repos: Repositories, panelId: string): Promise<RunRecord[]> {
  const panel = await repos.panels.get(panelId);
  if (!panel) throw new PanelInputError('This panel no longer exists (deleted in another tab?).');
  return repos.panels.members(panel);
}

/**
 * Pauses every member still to judge. Members waiting their turn are paused before the one
 * judging (last first), so when that one stops no queued member takes the engine.
 */
export async function pausePanel(
  repos: Repositories,
  panelId: string,
  control: PanelControl,
): Promise<void> {
  const members = await membersOf(repos, panelId);
  for (const m of [...members].reverse())
    if (m.status === 'running' || m.status === 'pending') await control.stop(m.id, 'pause');
}

/** Resumes every paused member, in the panel's order (the scheduler then judges them one at a time). */
export async function resumePanel(
  repos: Repositories,
  panelId: string,
  control: PanelControl,
): Promise<void> {
  const members = await membersOf(repos, panelId);
  for (const m of members)
    if (m.status === 'paused' || m.status === 'pending') await control.resume(m.id);
}

/** Cancels every member not finished (last first, as pausePanel); finished members keep their results. */
export async function cancelPanel(
  repos: Repositories,
  panelId: string,
  control: PanelControl,
): Promise<void> {
  const members = await membersOf(repos, panelId);
  for (const m of [...members].reverse())
    if (m.status === 'running' || m.status === 'paused' || m.status === 'pending')
      await control.stop(m.id, 'cancel');
}

/** One member's share of the panel estimate. */
export interface MemberEstimate {
  modelId: string;
  estimate: RunEstimate | null;
}

/** What the whole panel costs: the members' estimates summed. */
export interface PanelEstimate {
  members: MemberEstimate[];
  generations: number;
  promptTokens: number;
  outputTokens: number;
  /** Every member's expected time summed; null when some member's speed is unknown. */
  seconds: number | null;
  /** The members' time whose speed is known (a lower bound when `unknown` is not empty). */
  knownSeconds: number;
  /** Models whose speed on this device has not been measured. */
  unknown: string[];
  tooLong: number;
  unfit: number;
}

/** The panel's estimate: each member judged with its own model's measured speed, summed. */
export function panelEstimate(
  subset: ItemRecord[],
  form: RunForm,
  t: Template,
  members: readonly { spec: ModelSpec; speed: MeasuredSpeed }[],
): PanelEstimate | null {
  if (members.length === 0 || subset.length === 0) return null;
  const out: PanelEstimate = {
    members: [],
    generations: 0,
    promptTokens: 0,
    outputTokens: 0,
    seconds: 0,
    knownSeconds: 0,
    unknown: [],
    tooLong: 0,
    unfit: 0,
  };
  for (const m of members) {
    const e = formEstimate(subset, form, t, m.spec, m.speed);
    out.members.push({ modelId: m.spec.modelId, estimate: e });
    if (!e) continue;
    out.generations += e.generations;
    out.promptTokens += e.promptTokens;
    out.outputTokens += e.outputTokens;
    out.tooLong = Math.max(out.tooLong, e.tooLong);
    out.unfit = Math.max(out.unfit, e.unfit);
    if (e.seconds === null) out.unknown.push(m.spec.modelId);
    else out.knownSeconds += e.seconds;
  }
  out.seconds = out.unknown.length > 0 ? null : out.knownSeconds;
  return out;
}

const SPEED_SAMPLE = 64;

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Each model's speed as measured by its newest run with judgments: the median decode and prefill
 * rates of that run's first judgments (engines that report none leave null: never assumed).
 */
export async function measuredSpeeds(
  repos: Repositories,
  modelIds: readonly string[],
): Promise<Record<string, MeasuredSpeed>> {
  const runs = await repos.runs.list();
  const out: Record<string, MeasuredSpeed> = {};
  for (const modelId of modelIds) {
    const run = runs.find((r) => r.config.modelId === modelId && r.progress.done > 0);
    const usage = run ? await repos.judgments.usageSample(run.id, SPEED_SAMPLE) : [];
    const rates = (k: 'decodeTokensPerS' | 'prefillTokensPerS') =>
      usage.map((u) => u[k]).filter((v): v is number => v !== null && v > 0);
    out[modelId] = {
      decodeTokensPerS: median(rates('decodeTokensPerS')),
      prefillTokensPerS: median(rates('prefillTokensPerS')),
    };
  }
  return out;
}
