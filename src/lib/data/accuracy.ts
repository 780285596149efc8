// LLMBar's published judge accuracies (published_accuracy.csv) summarised per judge and prompting strategy.

/** One row of the published LLMBar accuracies table. */
export interface PublishedAccuracy {
  evaluator: string;
  strategy: string;
  natural: number | null;
  adversarial: number | null;
}

/** Rows of published_accuracy.csv → one row per (evaluator, strategy) on LLMBar Natural / Adversarial. */
export function summariseAccuracies(rows: Record<string, string>[]): PublishedAccuracy[] {
  const by = new Map<
    string,
    { evaluator: string; strategy: string; natural: number | null; adv: number[] }
  >();
  for (const r of rows) {
    const set = r.set ?? '';
    const acc = Number(r.accuracy_avg_pct);
    if (!Number.isFinite(acc) || !r.evaluator || !r.strategy) continue;
    const isNatural = set === 'LLMBar/Natural';
    const isAdv = /^LLMBar\/Adversarial\/(Neighbor|GPTInst|GPTOut|Manual)$/.test(set);
    if (!isNatural && !isAdv) continue;
    const key = `${r.evaluator}\u0000${r.strategy}`;
    const e = by.get(key) ?? {
      evaluator: r.evaluator,
      strategy: r.strategy,
      natural: null,
      adv: [],
    };
    if (isNatural) e.natural = acc;
    else e.adv.push(acc);
    by.set(key, e);
  }
  return [...by.values()]
    .map((e) => ({
      evaluator: e.evaluator,
      strategy: e.strategy,
      natural: e.natural,
      adversarial:
        e.adv.length === 4 ? Math.round((e.adv.reduce((a, b) => a + b, 0) / 4) * 100) / 100 : null,
    }))
    .sort((a, b) => (b.adversarial ?? -1) - (a.adversarial ?? -1));
}
