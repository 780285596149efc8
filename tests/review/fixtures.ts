// Review fixtures: real items (LLMBar, PandaLM) with recorded or seeded judgments, shaped exactly like the store's records.
import { mulberry32 } from '../../src/lib/judge/stats';
import type { Verdict } from '../../src/lib/judge/types';
import type {
  DatasetRecord,
  ItemRecord,
  JudgmentRecord,
  LabelRecord,
  RunRecord,
} from '../../src/lib/store/schema';
import { readJsonl, type RecordedJudgeRow } from '../judge/data';

export interface FixtureRun {
  dataset: DatasetRecord;
  items: ItemRecord[];
  runs: RunRecord[];
  judgments: JudgmentRecord[];
  labels: LabelRecord[];
}

interface SharedRow {
  id: string;
  prompt: string;
  response_a: string;
  response_b: string;
  label: Verdict;
  meta: Record<string, unknown>;
}

const T0 = 1_700_000_000_000;

export function makeRunRecord(id: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    datasetId: 'ds-fixture',
    name: id,
    createdAt: T0,
    updatedAt: T0,
    status: 'done',
    config: {
      engine: 'test',
      modelId: 'fixture-judge',
      protocol: 'pairwise',
      templateId: 'j1-pairwise',
      templateVersion: 1,
      params: {
        temperature: 0,
        seed: 1,
        max_tokens: 1024,
        samples: 1,
        bothOrders: true,
        constrained: false,
      },
    },
    progress: { total: 0, done: 0, failed: 0 },
    summary: null,
    ...over,
  };
}

export function makeJudgment(
  runId: string,
  itemId: string,
  order: 'AB' | 'BA',
  verdict: Verdict | null,
  over: Partial<JudgmentRecord> = {},
): JudgmentRecord {
  const raw: Verdict | null =
    order === 'BA' && verdict !== null && verdict !== 'tie'
      ? verdict === 'A'
        ? 'B'
        : 'A'
      : verdict;
  return {
    id: `${runId}:${itemId}:${order}:${over.sample ?? 0}`,
    runId,
    itemId,
    protocol: 'pairwise',
    templateId: 'j1-pairwise',
    templateVersion: 1,
    engine: 'test',
    modelId: 'fixture-judge',
    params: {
      temperature: 0,
      seed: 1,
      max_tokens: 1024,
      samples: 1,
      bothOrders: true,
      constrained: false,
    },
    order,
    sample: 0,
    text: `Reasoning of ${order} for ${itemId}. [[${raw ?? '?'}]]`,
    verdict,
    rawVerdict: raw,
    score: null,
    strength: null,
    probabilities: null,
    parse: verdict === null ? 'failed' : 'ok',
    parseSpan: null,
    finishReason: 'stop',
    usage: {
      promptTokens: 300,
      completionTokens: 120,
      prefillTokensPerS: null,
      decodeTokensPerS: null,
      timeToFirstTokenMs: null,
      totalMs: 2000,
    },
    key: `key:${runId}:${itemId}:${order}`,
    createdAt: T0 + 1,
    ...over,
  };
}

function itemsOf(rows: SharedRow[], datasetId: string, models = false): ItemRecord[] {
  return rows.map((r, index) => {
    const item: ItemRecord = {
      id: r.id,
      datasetId,
      index,
      prompt: r.prompt,
      responseA: r.response_a,
      responseB: r.response_b,
      label: r.label,
      meta: r.meta,
    };
    const cmp = r.meta['cmp_key'];
    if (models && typeof cmp === 'string' && cmp.includes('_')) {
      const [a, b] = cmp.split('_');
      if (a && b) {
        item.modelA = a;
        item.modelB = b;
      }
    }
    return item;
  });
}

/**
 * LLMBar's 419 real items, judged in both orders by a seeded simulated judge: right with
 * probability `skill`, biased to the first position, with some parse failures, repairs and
 * logprob confidences. Numbers differ by seed, never by run.
 */
export function llmbarFixture(seed = 7, skill = 0.7): FixtureRun {
  const rows = readJsonl<SharedRow>('llmbar/llmbar.jsonl');
  const dataset: DatasetRecord = {
    id: 'ds-llmbar',
    name: 'LLMBar',
    source: 'bundled:llmbar',
    format: 'llmbar',
    itemCount: rows.length,
    createdAt: T0,
  };
  const items = itemsOf(rows, dataset.id);
  const rand = mulberry32(seed);
  const run = makeRunRecord('run-llmbar', {
    datasetId: dataset.id,
    name: 'LLMBar, simulated judge',
  });
  const judgments: JudgmentRecord[] = [];
  for (const it of items) {
    const label = it.label as Verdict;
    const other: Verdict = label === 'A' ? 'B' : 'A';
    for (const order of ['AB', 'BA'] as const) {
      const u = rand();
      const first: Verdict = order === 'AB' ? 'A' : 'B';
      let verdict: Verdict | null = u < skill ? label : u < skill + 0.15 ? first : other;
      if (rand() < 0.03) verdict = null;
      else if (rand() < 0.04) verdict = 'tie';
      const p = rand();
      const probs =
        verdict === null || rand() < 0.2
          ? null
          : verdict === 'A'
            ? { A: 0.5 + p / 2, B: 0.5 - p / 2 }
            : verdict === 'B'
              ? { A: 0.5 - p / 2, B: 0.5 + p / 2 }
              : { A: 0.3, B: 0.3, tie: 0.4 };
      judgments.push(
        makeJudgment(run.id, it.id, order, verdict, {
          probabilities: probs,
          parse: verdict === null ? 'failed' : rand() < 0.05 ? 'repaired' : 'ok',
          usage: {
            promptTokens: 200 + Math.floor(rand() * 400),
            completionTokens: 50 + Math.floor(rand() * 300),
            prefillTokensPerS: null,
            decodeTokensPerS: null,
            timeToFirstTokenMs: null,
            totalMs: 500 + Math.floor(rand() * 3000),
          },
        }),
      );
    }
  }
  return { dataset, items, runs: [run], judgments, labels: [] };
}

const GPT35: Record<string, Verdict | null> = { '1': 'A', '2': 'B', Tie: 'tie', garbage: null };
const PANDALM: Record<number, Verdict> = { 1: 'A', 2: 'B', 0: 'tie' };

/** PandaLM's 999 items with the recorded GPT-3.5 and PandaLM-7B verdicts as two one-order runs. */
export function pandalmFixture(): FixtureRun {
  const rows = readJsonl<SharedRow>('pandalm-test/pandalm_test.jsonl');
  const recorded = new Map(
    readJsonl<RecordedJudgeRow>('pandalm-test/recorded_judges.jsonl').map((r) => [r.id, r]),
  );
  const dataset: DatasetRecord = {
    id: 'ds-pandalm',
    name: 'PandaLM test',
    source: 'bundled:pandalm-test',
    format: 'arbiter',
    itemCount: rows.length,
    createdAt: T0,
  };
  const items = itemsOf(rows, dataset.id, true);
  const oneOrder = { bothOrders: false };
  const gpt = makeRunRecord('run-gpt35', { datasetId: dataset.id, name: 'GPT-3.5 (recorded)' });
  const panda = makeRunRecord('run-pandalm7b', {
    datasetId: dataset.id,
    name: 'PandaLM-7B (recorded)',
    createdAt: T0 + 10,
  });
  gpt.config.params = { ...gpt.config.params, ...oneOrder };
  panda.config.params = { ...panda.config.params, ...oneOrder };
  const judgments: JudgmentRecord[] = [];
  for (const it of items) {
    const r = recorded.get(it.id);
    if (!r) continue;
    const g = GPT35[r.gpt35.result] ?? null;
    const p = PANDALM[r.pandalm7b.result] ?? null;
    judgments.push(
      makeJudgment(gpt.id, it.id, 'AB', g, { text: r.gpt35.reason, modelId: 'gpt-3.5-turbo' }),
      makeJudgment(panda.id, it.id, 'AB', p, { text: r.pandalm7b.reason, modelId: 'pandalm-7b' }),
    );
  }
  return { dataset, items, runs: [gpt, panda], judgments, labels: [] };
}

/**
 * A synthetic run of `n` items (both orders, so 2n judgments) for scale tests and benchmarks:
 * four subsets, six models, lengths that vary, a seeded judge with position bias.
 */
export function syntheticFixture(n: number, seed = 3): FixtureRun {
  const rand = mulberry32(seed);
  const dataset: DatasetRecord = {
    id: 'ds-synthetic',
    name: `Synthetic ${n}`,
    source: 'synthetic',
    format: 'arbiter',
    itemCount: n,
    createdAt: T0,
  };
  const models = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
  const subsets = ['math', 'code', 'writing', 'reasoning'];
  const items: ItemRecord[] = [];
  const run = makeRunRecord('run-synthetic', { datasetId: dataset.id, name: `Synthetic ${n}` });
  const judgments: JudgmentRecord[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rand() * models.length);
    const b = (a + 1 + Math.floor(rand() * (models.length - 1))) % models.length;
    const lenA = 20 + Math.floor(rand() * 400);
    const lenB = 20 + Math.floor(rand() * 400);
    const label: Verdict = a < b ? 'A' : 'B';
    const id = `syn-${String(i).padStart(6, '0')}`;
    items.push({
      id,
      datasetId: dataset.id,
      index: i,
      prompt: `Question ${i}: explain item ${i} in ${subsets[i % 4]}.`,
      responseA: `Answer by ${models[a]}. `.padEnd(lenA, 'a'),
      responseB: `Answer by ${models[b]}. `.padEnd(lenB, 'b'),
      label,
      modelA: models[a],
      modelB: models[b],
      category: subsets[i % 4],
      meta: {},
    });
    for (const order of ['AB', 'BA'] as const) {
      const u = rand();
      const first: Verdict = order === 'AB' ? 'A' : 'B';
      const verdict: Verdict | null =
        u < 0.02
          ? null
          : u < 0.05
            ? 'tie'
            : u < 0.7
              ? label
              : u < 0.85
                ? first
                : label === 'A'
                  ? 'B'
                  : 'A';
      const conf = 0.5 + rand() / 2;
      judgments.push(
        makeJudgment(run.id, id, order, verdict, {
          probabilities:
            verdict === 'A'
              ? { A: conf, B: 1 - conf }
              : verdict === 'B'
                ? { A: 1 - conf, B: conf }
                : null,
          createdAt: T0 + i,
        }),
      );
    }
  }
  return { dataset, items, runs: [run], judgments, labels: [] };
}
