// The new-run form of the Runs page: its fields, defaults, the subset filter it names, the estimate and the run it creates.
import type { ModelSpec } from '../engine/types';
import type { Template } from '../judge';
import { defaultJudgeOptions, defaultMaxTokens as judgeDefaultMaxTokens } from '../judge/options';
import type { ItemRecord, RunFilter, RunOptions, RunRecord } from '../store';
import { newBatchRun } from './batch';
import { takesVerdictGrammar } from './pair';
import { estimateRun, type RunEstimate } from './estimate';

/** The new-run form. */
export interface RunForm {
  datasetId: string;
  name: string;
  templateId: string;
  options: RunOptions;
  from: number | null;
  to: number | null;
  limit: number | null;
  categories: string[];
  labels: NonNullable<RunFilter['labels']>;
}

/** Measured speeds of the loaded model, or null where nothing was measured (never assumed). */
export interface MeasuredSpeed {
  decodeTokensPerS: number | null;
  prefillTokensPerS: number | null;
}

/** A run starts from the Judge page's defaults: one options type, one set of defaults. */
export const defaultRunOptions = (): RunOptions => defaultJudgeOptions();

/** An empty form on `templateId`. */
export const emptyRunForm = (templateId = 'j1-pairwise'): RunForm => ({
  datasetId: '',
  name: '',
  templateId,
  options: defaultRunOptions(),
  from: null,
  to: null,
  limit: null,
  categories: [],
  labels: [],
});

/** The output budget when left at 0: enough to reason, never more than half the window. */
export function defaultMaxTokens(t: Template, spec: ModelSpec): number {
  return judgeDefaultMaxTokens(t, spec.thinking, spec.contextWindow);
}

/** The subset the form names (fields left empty or at 0 select everything). */
export function formFilter(f: RunForm): RunFilter {
  const filter: RunFilter = {};
  if (f.from !== null && f.from > 0) filter.from = f.from;
  if (f.to !== null && f.to > 0) filter.to = f.to;
  if (f.limit !== null && f.limit > 0) filter.limit = f.limit;
  if (f.categories.length) filter.categories = [...f.categories];
  if (f.labels.length) filter.labels = [...f.labels];
  return filter;
}

/** What judging `subset` with the form's options on `spec` costs, or null with nothing to judge. */
export function formEstimate(
  subset: ItemRecord[],
  form: RunForm,
  t: Template,
  spec: ModelSpec | undefined,
  speed: MeasuredSpeed,
): RunEstimate | null {
  if (!spec || subset.length === 0) return null;
  const o = form.options;
  return estimateRun(
    subset,
    {
      template: t,
      thinkingModel: spec.thinking,
      bothOrders: o.bothOrders,
      allowTie: o.allowTie,
      samples: o.samples,
      ...(o.temperature !== null ? { temperature: o.temperature } : {}),
      seed: o.seed,
      max_tokens: o.maxTokens || defaultMaxTokens(t, spec),
      logprobs: o.logprobs || t.family === 'verdict-only',
      constrained: o.constrained,
    },
    spec.contextWindow,
    speed,
  );
}

/** The run record the form creates (a plain `form`, not a reactive one: it is stored as is). */
export function runFromForm(
  form: RunForm,
  t: Template,
  engine: RunRecord['config']['engine'],
  spec: ModelSpec,
  estimate: RunEstimate | null,
): RunRecord {
  const options = { ...form.options };
  if (!options.maxTokens) options.maxTokens = defaultMaxTokens(t, spec);
  return newBatchRun({
    datasetId: form.datasetId,
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    template: t,
    model: {
      engine,
      modelId: spec.modelId,
      thinking: spec.thinking,
      ...(takesVerdictGrammar(engine, spec) ? { grammar: true } : {}),
    },
    options,
    filter: formFilter(form),
    ...(estimate ? { total: estimate.generations, items: estimate.items } : {}),
  });
}

/** The test prompt's measurement, else the engine's own calibration at load; never assumed. */
export function measuredSpeed(
  test: Partial<MeasuredSpeed> | null | undefined,
  calibration: Partial<MeasuredSpeed> | null | undefined,
): MeasuredSpeed {
  return {
    decodeTokensPerS: test?.decodeTokensPerS ?? calibration?.decodeTokensPerS ?? null,
    prefillTokensPerS: test?.prefillTokensPerS ?? calibration?.prefillTokensPerS ?? null,
  };
}
