// Pure exporters of a run's results: per-item rows (JSONL/CSV) and the AlpacaEval, FastChat and Arena-Hard judgment formats.
import { majorityVerdict, type Consistency } from '../judge/aggregate';
import { pairOutcome } from '../judge/outcome';
import { getTemplate, multiTurnPromptName } from '../judge/templates';
import type { JudgeItem, Order, Verdict } from '../judge/types';
import type { ItemRecord, JudgmentRecord, RunFailure, RunRecord } from '../store/schema';
import { CRLF, csvRow, type CsvCell, type CsvOptions } from './csv';

/** One item of a run with its aggregated verdict (what the results table and the CSV show). */
export interface ItemResult {
  itemId: string;
  index: number;
  datasetId: string | null;
  category: string | null;
  label: ItemRecord['label'] | null;
  modelA: string | null;
  modelB: string | null;
  /** Majority verdict per order, in original positions. */
  verdictAB: Verdict | null;
  verdictBA: Verdict | null;
  /** The item's verdict; a flip is 'tie' (see consistency). */
  verdict: Verdict | null;
  consistency: Consistency | null;
  confidence: number | null;
  preferenceA: number | null;
  score: number | null;
  /** Whether the verdict agrees with the gold label (agreesWithLabel: null without a pairwise label or verdict). */
  correct: boolean | null;
  judgments: number;
  /** Why part or all of this item failed, when it did. */
  failure: string | null;
}

/** Groups a run's judgments by item. */
export function groupByItem(judgments: Iterable<JudgmentRecord>): Map<string, JudgmentRecord[]> {
  const out = new Map<string, JudgmentRecord[]>();
  for (const j of judgments) {
    const list = out.get(j.itemId);
    if (list) list.push(j);
    else out.set(j.itemId, [j]);
  }
  return out;
}

function orderMajority(records: JudgmentRecord[], order: 'AB' | 'BA'): Verdict | null {
  const mine = records.filter((r) => r.order === order);
  return mine.length ? majorityVerdict(mine.map((r) => r.verdict)).verdict : null;
}

/** The aggregated result of one item from its judgments (the judge core's aggregate). */
export function itemResult(
  item: ItemRecord,
  records: JudgmentRecord[],
  failures: readonly RunFailure[] = [],
): ItemResult {
  const agg = records.length ? pairOutcome(records, item.label) : null;
  const verdict = agg?.verdict ?? null;
  const consistency = agg?.consistency ?? null;
  const fails = failures.filter((f) => f.itemId === item.id);
  return {
    itemId: item.id,
    index: item.index,
    datasetId: item.datasetId ?? null,
    category: item.category ?? null,
    label: item.label ?? null,
    modelA: item.modelA ?? null,
    modelB: item.modelB ?? null,
    verdictAB: orderMajority(records, 'AB'),
    verdictBA: orderMajority(records, 'BA'),
    verdict,
    consistency,
    confidence: agg?.confidence ?? null,
    preferenceA: agg?.preferenceA ?? null,
    score: agg?.scores?.mean ?? null,
    correct: agg?.correct ?? null,
    judgments: records.length,
    failure: fails.length
      ? [...new Set(fails.map((f) => `${f.kind}: ${f.reason}`))].join('; ')
      : null,
  };
}

/** Every item's result, in the items' order. */
export function itemResults(
  items: readonly ItemRecord[],
  judgments: Iterable<JudgmentRecord>,
  failures: readonly RunFailure[] = [],
): ItemResult[] {
  const byItem = groupByItem(judgments);
  return items.map((item) => itemResult(item, byItem.get(item.id) ?? [], failures));
}

/** Header line of the per-item JSONL: the run, so the file says what produced it. */
export interface ResultsHeader {
  type: 'arbiter-run-results';
  version: 1;
  source: string;
  exportedAt: string;
  run: RunRecord;
}

/** Per-item results as JSONL: a header with the run, then one ItemResult per line. */
export function* itemResultsJsonl(
  run: RunRecord,
  rows: Iterable<ItemResult>,
  source: string,
  now = new Date(),
): Generator<string> {
  const header: ResultsHeader = {
    type: 'arbiter-run-results',
    version: 1,
    source,
    exportedAt: now.toISOString(),
    run,
  };
  yield `${JSON.stringify(header)}\n`;
  for (const row of rows) yield `${JSON.stringify(row)}\n`;
}

/** The per-item CSV columns, in order. */
export const ITEM_RESULT_COLUMNS: readonly (keyof ItemResult)[] = [
  'index',
  'itemId',
  'datasetId',
  'category',
  'label',
  'modelA',
  'modelB',
  'verdictAB',
  'verdictBA',
  'verdict',
  'consistency',
  'correct',
  'confidence',
  'preferenceA',
  'score',
  'judgments',
  'failure',
];

/** Per-item results as RFC 4180 CSV (header row, CRLF line ends), one chunk per row. */
export function* itemResultsCsv(
  rows: Iterable<ItemResult>,
  opts: CsvOptions & { bom?: boolean } = {},
): Generator<string> {
  yield `${opts.bom ? '\uFEFF' : ''}${csvRow(ITEM_RESULT_COLUMNS)}${CRLF}`;
  for (const row of rows) {
    yield `${csvRow(
      ITEM_RESULT_COLUMNS.map((c) => row[c] as CsvCell),
      opts,
    )}${CRLF}`;
  }
}

/** An item's id in the source benchmark when the import kept it (question_id), else Arbiter's. */
function questionId(item: ItemRecord): string | number {
  const q = item.meta.question_id ?? item.meta.questionId;
  return typeof q === 'string' || typeof q === 'number' ? q : item.id;
}

function firstOf(records: JudgmentRecord[], order: 'AB' | 'BA'): JudgmentRecord | undefined {
  return records.filter((r) => r.order === order).sort((a, b) => a.sample - b.sample)[0];
}

/** One row of AlpacaEval's annotations.json. */
export interface AlpacaEvalAnnotation {
  instruction: string;
  output_1: string;
  output_2: string;
  generator_1: string;
  generator_2: string;
  annotator: string;
  /** 1: output_1 preferred, 2: output_2, 1.5: tie; with logprobs, 1 + P(output_2 better). */
  preference: number | null;
  /** The judge's text for the original order (AlpacaEval keeps the raw completion). */
  raw_completion: string | null;
}

/** AlpacaEval annotations (a JSON array, as alpaca_eval reads annotations.json). */
export function alpacaEvalAnnotations(
  run: RunRecord,
  items: readonly ItemRecord[],
  judgments: Iterable<JudgmentRecord>,
): AlpacaEvalAnnotation[] {
  const byItem = groupByItem(judgments);
  const out: AlpacaEvalAnnotation[] = [];
  for (const item of items) {
    const records = byItem.get(item.id);
    if (!records?.length || item.responseB === undefined) continue;
    const r = itemResult(item, records);
    const preference =
      r.preferenceA !== null
        ? 2 - r.preferenceA
        : r.verdict === 'A'
          ? 1
          : r.verdict === 'B'
            ? 2
            : r.verdict === 'tie'
              ? 1.5
              : null;
    out.push({
      instruction: item.prompt,
      output_1: item.responseA,
      output_2: item.responseB,
      generator_1: item.modelA ?? 'model_a',
      generator_2: item.modelB ?? 'model_b',
      annotator: `arbiter:${run.config.modelId}:${run.config.templateId}`,
      preference,
      raw_completion: firstOf(records, 'AB')?.text ?? null,
    });
  }
  return out;
}

function fastchatWinner(v: Verdict | null | undefined): string {
  return v === 'A' ? 'model_1' : v === 'B' ? 'model_2' : v === 'tie' ? 'tie' : 'error';
}

/**
 * How FastChat records a multi-turn item's judgment: `turn: 2`, the judge named by FastChat's
 * prompt name (its loaders pick multi-turn games by it), and the judge's user prompt, which holds
 * both turns. Null for an item judged on its first turn.
 */
function multiTurnGame(
  run: RunRecord,
  item: ItemRecord,
): { name: string; userPrompt: (order: Order) => string } | null {
  const template = getTemplate(run.config.templateId);
  const judged: JudgeItem = { prompt: item.prompt, responseA: item.responseA };
  if (item.responseB !== undefined) judged.responseB = item.responseB;
  if (item.reference) judged.reference = item.reference;
  if (item.conversation) judged.conversation = item.conversation;
  const name = template ? multiTurnPromptName(template, judged) : null;
  if (!template || !name) return null;
  return {
    name,
    userPrompt: (order) => {
      try {
        return template.buildMessages(judged, { order, thinkingModel: false }).at(-1)!.content;
      } catch {
        // An item the template cannot show (a turn missing) was never judged; keep its prompt.
        return item.prompt;
      }
    },
  };
}

/**
 * FastChat (MT-Bench) judgments as JSONL lines: pairwise rows like model_judgment/*_pair.jsonl
 * (g1 = original order, g2 = swapped, winners in original positions), single-answer rows like
 * *_single.jsonl. A multi-turn item judged on its conversation is a `turn: 2` game.
 */
export function* fastchatJudgmentsJsonl(
  run: RunRecord,
  items: readonly ItemRecord[],
  judgments: Iterable<JudgmentRecord>,
): Generator<string> {
  const byItem = groupByItem(judgments);
  const judge = [run.config.modelId, run.config.templateId];
  for (const item of items) {
    const records = byItem.get(item.id);
    if (!records?.length) continue;
    const g1 = firstOf(records, 'AB');
    const g2 = firstOf(records, 'BA');
    const tstamp = (g1 ?? g2 ?? records[0])!.createdAt / 1000;
    const multi = multiTurnGame(run, item);
    const turn = multi ? 2 : 1;
    const judgeOf = multi ? [run.config.modelId, multi.name] : judge;
    const userPrompt = (order: Order) => (multi ? multi.userPrompt(order) : item.prompt);
    const row =
      run.config.protocol === 'single'
        ? {
            question_id: questionId(item),
            model: item.modelA ?? 'model',
            judge: judgeOf,
            user_prompt: userPrompt('AB'),
            judgment: g1?.text ?? '',
            score: g1?.score ?? -1,
            turn,
            tstamp,
          }
        : {
            question_id: questionId(item),
            model_1: item.modelA ?? 'model_a',
            model_2: item.modelB ?? 'model_b',
            g1_winner: fastchatWinner(g1?.verdict),
            g2_winner: g2 ? fastchatWinner(g2.verdict) : null,
            judge: judgeOf,
            g1_user_prompt: userPrompt('AB'),
            g1_judgment: g1?.text ?? '',
            g2_user_prompt: g2 ? userPrompt('BA') : null,
            g2_judgment: g2?.text ?? null,
            turn,
            tstamp,
          };
    yield `${JSON.stringify(row)}\n`;
  }
}

/** Arena-Hard's score label of a verdict as the judge saw the positions, e.g. "A>>B". */
export function arenaHardScore(
  shown: Verdict | null,
  strength: number | null | undefined,
): string | null {
  if (shown === null) return null;
  if (shown === 'tie') return 'A=B';
  const strong = (strength ?? 1) >= 2;
  return shown === 'A' ? (strong ? 'A>>B' : 'A>B') : strong ? 'B>>A' : 'B>A';
}

/**
 * Arena-Hard judgments as JSONL (model_judgment/<judge>/<model>.jsonl): answer A is the baseline,
 * `model` is answer B's model; game 1 shows the baseline first (our AB order), game 2 swaps them.
 * Scores are in the positions each game showed, as Arena-Hard records them.
 */
export function* arenaHardJudgmentsJsonl(
  run: RunRecord,
  items: readonly ItemRecord[],
  judgments: Iterable<JudgmentRecord>,
): Generator<string> {
  const byItem = groupByItem(judgments);
  for (const item of items) {
    const records = byItem.get(item.id);
    if (!records?.length || item.responseB === undefined) continue;
    const games = (['AB', 'BA'] as const)
      .map((o) => firstOf(records, o))
      .filter((r): r is JudgmentRecord => r !== undefined)
      .map((r) => ({
        user_prompt: item.prompt,
        judgment: r.text,
        score: arenaHardScore(r.rawVerdict, r.strength),
      }));
    const row = {
      question_id: questionId(item),
      model: item.modelB ?? 'model_b',
      baseline: item.modelA ?? 'model_a',
      judge: run.config.modelId,
      games,
    };
    yield `${JSON.stringify(row)}\n`;
  }
}
