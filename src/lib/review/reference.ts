// Published reference numbers beside bundled sets: LLMBar's per-evaluator table (published_accuracy.csv).

/** One published result: a set, an evaluator LLM and a prompting strategy, in percent. */
export interface PublishedResult {
  set: string;
  evaluator: string;
  strategy: string;
  /** Mean accuracy over both presentation orders (the paper's Acc.; our accuracyMean). */
  accuracy: number;
  /** The paper's Agr. (our positionalAgreement). */
  positionalAgreement: number;
  /** Correct in both orders (our consistentAccuracy). */
  correctBoth: number;
}

/** Parses published_accuracy.csv (plain comma-separated, no quoting, header first). Bad lines are skipped. */
export function parsePublished(csv: string): PublishedResult[] {
  const out: PublishedResult[] = [];
  const lines = csv.split(/\r?\n/);
  for (const line of lines.slice(1)) {
    const [set, evaluator, strategy, acc, agr, both] = line.split(',');
    if (!set || !evaluator || !strategy) continue;
    const nums = [acc, agr, both].map(Number);
    if (nums.some((n) => !Number.isFinite(n))) continue;
    out.push({
      set,
      evaluator,
      strategy,
      accuracy: nums[0]!,
      positionalAgreement: nums[1]!,
      correctBoth: nums[2]!,
    });
  }
  return out;
}

/** Whether a dataset is the bundled LLMBar set (its source or name says so). */
export function isLlmbar(dataset: { source: string; name: string } | undefined): boolean {
  if (!dataset) return false;
  return /llmbar/i.test(dataset.source) || /llmbar/i.test(dataset.name);
}

/**
 * The published set a subset of ours corresponds to: LLMBar items carry `meta.subset` such as
 * "Natural" or "Adversarial/Neighbor", published sets are "LLMBar/<subset>".
 */
export function publishedSetFor(subset: string): string {
  return subset.startsWith('LLMBar/') ? subset : `LLMBar/${subset}`;
}

/** Published results of one set, best accuracy first, optionally one strategy only. */
export function referenceFor(
  results: readonly PublishedResult[],
  subset: string,
  strategy?: string,
): PublishedResult[] {
  const set = publishedSetFor(subset);
  return results
    .filter((r) => r.set === set && (strategy === undefined || r.strategy === strategy))
    .sort((a, b) => b.accuracy - a.accuracy);
}

/** A group of a run that has published numbers: its subset name and its metrics. */
export interface ReferenceGroup<M> {
  name: string;
  metrics: M;
}

/**
 * The run's groups to place beside the published sets. The dashboard lists no subsets when every
 * item is in the same one (its table would repeat the overall row), but a run of one LLMBar subset
 * (the bundled "Natural" set) still has published numbers: its overall metrics are that subset's.
 */
export function referenceGroups<M>(
  dashboard: { overall: { metrics: M }; subsets: readonly { name: string; metrics: M }[] },
  rowSubsets: readonly (string | null)[],
  publishedSets: ReadonlySet<string>,
): ReferenceGroup<M>[] {
  const known = (name: string) => publishedSets.has(publishedSetFor(name));
  if (dashboard.subsets.length > 0)
    return dashboard.subsets
      .filter((s) => known(s.name))
      .map(({ name, metrics }) => ({ name, metrics }));
  const only = rowSubsets[0];
  if (!only || !rowSubsets.every((s) => s === only) || !known(only)) return [];
  return [{ name: only, metrics: dashboard.overall.metrics }];
}
