// The IndexedDB schema of Arbiter (DESIGN.md "Records"): record types, stores and indexes, typed for idb.
import type { DBSchema } from 'idb';
import type { JudgeOptions } from '../judge/options';
import type { EngineKind, FinishReason, GenerateUsage } from '../judge/port';
import type { Conversation } from '../judge/types';

/** Latest schema version; db.ts migrates every older database up to it. */
export const DB_VERSION = 4;

/** Which engine produced a judgment. */
export type { EngineKind };

/** A verdict as stored: A, B, a tie, or null when nothing could be parsed (a failure is never a tie). */
export type StoredVerdict = 'A' | 'B' | 'tie' | null;

/** How the verdict came out of the text: cleanly, after repair, or not at all. */
export type ParseStatus = 'ok' | 'repaired' | 'failed';

/** The order the two answers were shown in: AB is the original order, BA the swap. */
export type JudgmentOrder = 'AB' | 'BA';

/** A gold label on an item: a pairwise verdict, or a score for single-answer items. */
export type ItemLabel = 'A' | 'B' | 'tie' | number;

/** Lifecycle of a run. `running` and `paused` runs are resumable. */
export type RunStatus = 'pending' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

/**
 * Generation parameters of a judgment or a run. Field names follow the OpenAI/web-llm request
 * where there is one (`max_tokens`, `top_logprobs`).
 */
export interface JudgmentParams {
  temperature: number;
  /** null when the engine was not seeded. */
  seed: number | null;
  max_tokens: number;
  /** Samples per order in the run. */
  samples: number;
  /** Whether the run judges both orders (AB and BA). */
  bothOrders: boolean;
  /** Whether output was constrained by a grammar / JSON schema. */
  constrained: boolean;
  /** How, when it was by the protocol's verdict grammar; absent: the JSON schema (or none). */
  constraint?: 'grammar';
  /** Whether the judge was offered a tie (it changes the prompt). Absent in early records. */
  allowTie?: boolean;
  top_logprobs?: number;
  enable_thinking?: boolean;
}

/** Verdict probabilities from logprobs (AlpacaEval style), in original positions. */
export interface VerdictProbabilities {
  A: number;
  B: number;
  tie?: number;
}

/** An imported dataset. */
export interface DatasetRecord {
  id: string;
  name: string;
  /** Where it came from: a file name, a URL, or "demo:<name>". */
  source: string;
  /** Detected import format, e.g. "arbiter", "mt-bench", "arena-hard", "alpaca-eval", "chosen-rejected". */
  format: string;
  itemCount: number;
  createdAt: number;
}

/**
 * One pair (or single answer) to judge. Items of a dataset have `datasetId`; the pair of the
 * "One pair" journey has none, and belongs only to the run that judged it.
 */
export interface ItemRecord {
  id: string;
  datasetId?: string;
  /** Position in the dataset (0-based); 0 for a one-pair item. */
  index: number;
  prompt: string;
  responseA: string;
  /** Absent for single-answer items. */
  responseB?: string;
  reference?: string;
  rubric?: string;
  label?: ItemLabel;
  modelA?: string;
  modelB?: string;
  category?: string;
  /**
   * Every turn of a multi-turn item (MT-Bench); the flat fields above hold its first turn. An
   * optional field of the record, so single-turn items and older databases need no migration.
   */
  conversation?: Conversation;
  meta: Record<string, unknown>;
}

/** What a run judges with; copied onto each of its judgments. */
export interface RunConfig {
  engine: EngineKind;
  modelId: string;
  /** Protocol id as the judge core names it, e.g. "pairwise" or "single". */
  protocol: string;
  templateId: string;
  templateVersion: number;
  params: JudgmentParams;
}

/** Counts the runner keeps up to date as judgments complete. */
export interface RunProgress {
  /** Judgments planned (items × orders × samples). */
  total: number;
  done: number;
  failed: number;
  /** Batch runs: items in the subset. */
  items?: number;
}

/** Which items of a dataset a run judges: every condition given must hold. */
export interface RunFilter {
  /** Keep items whose category is one of these. */
  categories?: string[];
  /** Keep items with these gold labels; 'score' is any numeric label, 'none' no label. */
  labels?: ('A' | 'B' | 'tie' | 'score' | 'none')[];
  /** 0-based dataset index range: from inclusive, to exclusive. */
  from?: number;
  to?: number;
  /** At most this many items (the first ones) after the other conditions. */
  limit?: number;
}

/** The judge options of a batch run, as the user chose them: the Judge page's own type. */
export type RunOptions = JudgeOptions;

/** What a batch run needs to be resumed anywhere: the subset, the options and the model's nature. */
export interface RunSpec {
  filter: RunFilter;
  options: RunOptions;
  /** Whether the judge model thinks in <think>…</think> (ModelSpec.thinking). */
  thinking: boolean;
}

/** Why an item (or one order/sample of it) has no usable verdict; the run went on without it. */
export interface RunFailure {
  itemId: string;
  index: number;
  order?: JudgmentOrder;
  sample?: number;
  /** too-long: does not fit the context (never sent); parse: judged but no verdict found; error: the engine refused it. */
  kind: 'too-long' | 'parse' | 'error';
  reason: string;
  at: number;
}

/** A batch of judgments over a dataset, or the single pair of the "One pair" journey (no datasetId). */
export interface RunRecord {
  id: string;
  datasetId?: string;
  name?: string;
  createdAt: number;
  updatedAt: number;
  status: RunStatus;
  config: RunConfig;
  progress: RunProgress;
  /** Metrics as the judge core computes them; opaque to the store. */
  summary: Record<string, unknown> | null;
  /** Batch runs: the subset and options, so any tab can resume the run. */
  spec?: RunSpec;
  /** Batch runs: items (or orders) that failed for themselves, with the reason. */
  failures?: RunFailure[];
  /** Why the run stopped (status failed or paused by an error), in words for the UI. */
  error?: string | null;
  /** v4: the panel this run is a member of (PanelRecord.id); absent for a run of its own. */
  panelId?: string;
}

/**
 * v4: a panel, several judge models over the same dataset, subset and protocol, one ordinary
 * batch run per member (each with `panelId`). Its status is derived from the member runs.
 */
export interface PanelRecord {
  /** 'panel-…' */
  id: string;
  name: string;
  datasetId: string;
  /** Protocol id of every member run (RunConfig.protocol). */
  protocol: string;
  /** Member run ids in the order the user chose the models. */
  memberRunIds: string[];
  createdAt: number;
  updatedAt: number;
}

/**
 * One completed generation: everything needed to reproduce and review it. Content lives in the
 * item (`itemId`); `key` hashes that content with the model, template and parameters.
 */
export interface JudgmentRecord {
  id: string;
  runId: string;
  itemId: string;
  protocol: string;
  templateId: string;
  templateVersion: number;
  engine: EngineKind;
  modelId: string;
  params: JudgmentParams;
  order: JudgmentOrder;
  /** 0-based sample index within this order. */
  sample: number;
  /** The full generated text, reasoning included. */
  text: string;
  /** Verdict mapped back to the original positions. */
  verdict: StoredVerdict;
  /** Verdict as the model stated it, in the positions it was shown. */
  rawVerdict: StoredVerdict;
  score?: number | null;
  /** Preference strength when the protocol has one (Arena-Hard `A>>B` = 2). */
  strength?: number | null;
  probabilities?: VerdictProbabilities | null;
  parse: ParseStatus;
  /** [start, end) of the verdict in `text`, when found. */
  parseSpan?: [number, number] | null;
  finishReason?: FinishReason;
  /** The budget ran out before the verdict and a short constrained continuation finished it. */
  continued?: boolean;
  usage: GenerateUsage;
  /** judgmentKey(...) of this work; several records may share one (see the by-key index). */
  key: string;
  createdAt: number;
}

/** A human label or override on an item. */
export interface LabelRecord {
  itemId: string;
  /** null: a note without a label. */
  label: ItemLabel | null;
  note: string;
  updatedAt: number;
  /** The item's dataset (v2; backfilled on upgrade). Absent for one-pair items. */
  datasetId?: string;
}

/** What the review needs of a judgment, without its text (see ReviewDigestChunk). */
export interface JudgmentFacts {
  id: string;
  runId: string;
  itemId: string;
  protocol: string;
  order: JudgmentOrder;
  sample: number;
  verdict: StoredVerdict;
  score?: number | null;
  probabilities?: VerdictProbabilities | null;
  parse: ParseStatus;
  usage: Pick<GenerateUsage, 'promptTokens' | 'completionTokens' | 'totalMs'>;
  createdAt: number;
}

/** What the review needs of an item, without its texts: label, subset, models, lengths, a snippet. */
export interface ItemFacts {
  id: string;
  datasetId?: string;
  index: number;
  label?: ItemLabel;
  modelA?: string;
  modelB?: string;
  /** `category`, else `meta.subset`, else `meta.category`. */
  subset: string | null;
  /** The prompt's first characters (PROMPT_SNIPPET), for list lines. */
  prompt: string;
  lenA: number;
  lenB?: number;
}

/**
 * Judgment facts by column (see ReviewDigestChunk): strings in arrays, one character per
 * judgment for each code, and the numbers in one Float64Array (NaN = null), so reading 20,000
 * of them is a few copies rather than 20,000 objects to rebuild.
 */
export interface JudgmentColumns {
  id: string[];
  itemId: string[];
  protocol: string[];
  /** Per judgment: order (A = AB, B = BA), verdict (A, B, t = tie, - = none), parse (o, r, f). */
  codes: string;
  /** Per judgment: sample, createdAt, promptTokens, completionTokens, totalMs, score, pA, pB, pTie. */
  num: Float64Array;
}

/** Item facts by column (null = absent). */
export interface ItemColumns {
  id: string[];
  datasetId: (string | null)[];
  label: (ItemLabel | null)[];
  modelA: (string | null)[];
  modelB: (string | null)[];
  subset: (string | null)[];
  prompt: string[];
  /** Per item: index, lenA, lenB (NaN = single answer). */
  num: Float64Array;
}

/**
 * v3: one chunk of a run's review digest, kept current by JudgmentStore writes in the same
 * transaction, so a run's review opens without reading every judgment's text and every item.
 * Chunks are appended in write order; a judgment written again appears again (the last wins).
 * `items` holds the facts of the chunk's judgments' items. A digest whose distinct judgment
 * count differs from the run's stored judgments is stale and is rebuilt (DigestStore).
 */
export interface ReviewDigestChunk {
  runId: string;
  chunk: number;
  judgments: JudgmentColumns;
  items: ItemColumns;
}

/**
 * The database. Index rules:
 * - `judgments.by-key` is NOT unique: the same work may legitimately be stored more than once
 *   (a re-run on purpose, two tabs finishing the same pair, a run that copies an earlier result).
 *   A unique index would turn such a benign duplicate into a ConstraintError that aborts the write
 *   and loses a finished judgment. "No work twice" is the runner's policy, read via `byKey`.
 * - Time indexes include `id` so paging is stable when two records share a millisecond.
 * - Records without `datasetId` (one-pair items and runs) are simply absent from by-dataset indexes.
 */
export interface ArbiterDB extends DBSchema {
  datasets: {
    key: string;
    value: DatasetRecord;
    indexes: { 'by-createdAt': number };
  };
  items: {
    key: string;
    value: ItemRecord;
    indexes: { 'by-dataset': [string, number] };
  };
  runs: {
    key: string;
    value: RunRecord;
    indexes: { 'by-createdAt': number; 'by-dataset': string; 'by-status': RunStatus };
  };
  judgments: {
    key: string;
    value: JudgmentRecord;
    indexes: {
      'by-run': [string, number, string];
      'by-item': string;
      'by-key': string;
      'by-createdAt': [number, string];
    };
  };
  labels: {
    key: string;
    value: LabelRecord;
    indexes: { 'by-dataset': string };
  };
  digests: {
    key: [string, number];
    value: ReviewDigestChunk;
  };
  panels: {
    key: string;
    value: PanelRecord;
    indexes: { 'by-createdAt': number; 'by-dataset': string };
  };
}

/** Names of the object stores. */
export type StoreName =
  'datasets' | 'items' | 'runs' | 'judgments' | 'labels' | 'digests' | 'panels';
