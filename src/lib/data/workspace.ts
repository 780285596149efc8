// The workspace / results JSONL file: a header line, then one stored record per line (pure; the CLI writes it too).
import * as v from 'valibot';
import { ENGINE_KINDS } from '../judge/port';
import { ConversationSchema } from './formats/conversation';
import type {
  DatasetRecord,
  ItemRecord,
  JudgmentRecord,
  LabelRecord,
  PanelRecord,
  RunRecord,
} from '../store/schema';

/** The `type` of the header line; a reader checks it before anything else. */
export const WORKSPACE_TYPE = 'arbiter-workspace';
/** Version of the format; bump it when a line's shape changes incompatibly. */
export const WORKSPACE_VERSION = 1;

/** Line 1 of a workspace file. */
export interface WorkspaceHeader {
  type: typeof WORKSPACE_TYPE;
  version: typeof WORKSPACE_VERSION;
  /** Who wrote it: the app's URL or "arbiter-cli". */
  source: string;
  /** ISO 8601 time of the export. */
  exportedAt: string;
}

/** One record line after the header. */
export type WorkspaceRecord =
  | { kind: 'dataset'; record: DatasetRecord }
  | { kind: 'item'; record: ItemRecord }
  | { kind: 'run'; record: RunRecord }
  /** Since panels (schema v4): a group of runs listed above it; older readers report the line and go on. */
  | { kind: 'panel'; record: PanelRecord }
  | { kind: 'judgment'; record: JudgmentRecord }
  | { kind: 'label'; record: LabelRecord };

export type WorkspaceKind = WorkspaceRecord['kind'];

/** A line that could not be read: 1-based line number, the record id when known, why. */
export interface RowError {
  line: number;
  id?: string;
  reason: string;
  raw?: string;
}

/** What a workspace holds; any part may be left out. Arrays, generators or lazy iterables. */
export interface WorkspaceContent {
  datasets?: Iterable<DatasetRecord>;
  items?: Iterable<ItemRecord>;
  runs?: Iterable<RunRecord>;
  panels?: Iterable<PanelRecord>;
  judgments?: Iterable<JudgmentRecord>;
  labels?: Iterable<LabelRecord>;
}

/** The header object. */
export function workspaceHeader(source: string, now: Date = new Date()): WorkspaceHeader {
  return {
    type: WORKSPACE_TYPE,
    version: WORKSPACE_VERSION,
    source,
    exportedAt: now.toISOString(),
  };
}

/** One record as its line (with the trailing "\n"). JSON escapes newlines, so "\n" always ends a record. */
export function workspaceLine(rec: WorkspaceRecord): string {
  return `${JSON.stringify(rec)}\n`;
}

/**
 * The whole file as lines (each ends with "\n"): the header, then datasets, items, runs, panels,
 * judgments and labels, in that order, so a reader can insert each record as it comes (a record
 * only ever refers to kinds above it).
 */
export function* workspaceLines(
  header: WorkspaceHeader,
  content: WorkspaceContent,
): Generator<string, void, undefined> {
  yield `${JSON.stringify(header)}\n`;
  for (const record of content.datasets ?? []) yield workspaceLine({ kind: 'dataset', record });
  for (const record of content.items ?? []) yield workspaceLine({ kind: 'item', record });
  for (const record of content.runs ?? []) yield workspaceLine({ kind: 'run', record });
  for (const record of content.panels ?? []) yield workspaceLine({ kind: 'panel', record });
  for (const record of content.judgments ?? []) yield workspaceLine({ kind: 'judgment', record });
  for (const record of content.labels ?? []) yield workspaceLine({ kind: 'label', record });
}

// Keys that would reach an object's prototype when a parsed record is later spread or copied.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON.parse that drops prototype-polluting keys at every depth. */
function safeParse(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (FORBIDDEN_KEYS.has(key) ? undefined : value));
}

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const finite = v.pipe(v.number(), v.finite());
const verdict = v.nullable(v.picklist(['A', 'B', 'tie']));
const label = v.union([v.picklist(['A', 'B', 'tie']), finite]);

const paramsSchema = v.looseObject({
  temperature: finite,
  seed: v.nullable(finite),
  max_tokens: finite,
  samples: finite,
  bothOrders: v.boolean(),
  constrained: v.boolean(),
});

const configSchema = v.looseObject({
  engine: v.picklist(ENGINE_KINDS),
  modelId: v.string(),
  protocol: v.string(),
  templateId: v.string(),
  templateVersion: finite,
  params: paramsSchema,
});

const usageSchema = v.looseObject({
  promptTokens: finite,
  completionTokens: finite,
  totalMs: finite,
});

// Loose objects: fields added by later app versions pass through untouched.
const schemas = {
  dataset: v.looseObject({
    id,
    name: v.string(),
    source: v.string(),
    format: v.string(),
    itemCount: finite,
    createdAt: finite,
  }),
  item: v.looseObject({
    id,
    datasetId: v.optional(id),
    index: finite,
    prompt: v.string(),
    responseA: v.string(),
    responseB: v.optional(v.string()),
    reference: v.optional(v.string()),
    rubric: v.optional(v.string()),
    label: v.optional(label),
    conversation: v.optional(ConversationSchema),
    meta: v.record(v.string(), v.unknown()),
  }),
  run: v.looseObject({
    id,
    datasetId: v.optional(id),
    createdAt: finite,
    updatedAt: finite,
    status: v.picklist(['pending', 'running', 'paused', 'done', 'cancelled', 'failed']),
    config: configSchema,
    progress: v.looseObject({ total: finite, done: finite, failed: finite }),
    summary: v.nullable(v.record(v.string(), v.unknown())),
    panelId: v.optional(id),
  }),
  panel: v.looseObject({
    id,
    name: v.string(),
    datasetId: id,
    protocol: v.string(),
    memberRunIds: v.pipe(v.array(id), v.minLength(1)),
    createdAt: finite,
    updatedAt: finite,
  }),
  judgment: v.looseObject({
    id,
    runId: id,
    itemId: id,
    protocol: v.string(),
    templateId: v.string(),
    templateVersion: finite,
    engine: v.picklist(ENGINE_KINDS),
    modelId: v.string(),
    params: paramsSchema,
    order: v.picklist(['AB', 'BA']),
    sample: finite,
    text: v.string(),
    verdict,
    rawVerdict: verdict,
    parse: v.picklist(['ok', 'repaired', 'failed']),
    usage: usageSchema,
    key: v.pipe(v.string(), v.minLength(1)),
    createdAt: finite,
  }),
  label: v.looseObject({
    itemId: id,
    label: v.nullable(label),
    note: v.string(),
    updatedAt: finite,
    datasetId: v.optional(id),
  }),
} as const;

const MAX_RAW = 200;

function clip(line: string): string {
  return line.length > MAX_RAW ? `${line.slice(0, MAX_RAW)}…` : line;
}

function issueText(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return 'invalid record';
  const path = v.getDotPath(first);
  return path ? `${path}: ${first.message}` : first.message;
}

/** Reads line 1: the header, or why this is not a workspace file Arbiter can read. */
export function parseWorkspaceHeader(line: string): WorkspaceHeader | RowError {
  let value: unknown;
  try {
    value = safeParse(line.replace(/^\uFEFF/, ''));
  } catch {
    return {
      line: 1,
      reason: 'The first line is not JSON: this is not an Arbiter workspace file.',
    };
  }
  const h = value as Partial<WorkspaceHeader> | null;
  if (typeof h !== 'object' || h === null || h.type !== WORKSPACE_TYPE) {
    return {
      line: 1,
      reason: `The first line is not an Arbiter workspace header ({"type":"${WORKSPACE_TYPE}",…}).`,
      raw: clip(line),
    };
  }
  if (h.version !== WORKSPACE_VERSION) {
    return {
      line: 1,
      reason: `Workspace version ${String(h.version)} is not supported (this app reads version ${WORKSPACE_VERSION}); update Arbiter.`,
    };
  }
  return {
    type: WORKSPACE_TYPE,
    version: WORKSPACE_VERSION,
    source: typeof h.source === 'string' ? h.source : '',
    exportedAt: typeof h.exportedAt === 'string' ? h.exportedAt : '',
  };
}

/** True for a parse result that is an error rather than a record or header. */
export function isRowError(x: unknown): x is RowError {
  return typeof x === 'object' && x !== null && 'reason' in x && 'line' in x && !('kind' in x);
}

/**
 * Reads one record line (after the header). Returns the record, or a RowError with the line
 * number and reason; never throws. Blank lines are the caller's to skip.
 */
export function parseWorkspaceLine(line: string, lineNo: number): WorkspaceRecord | RowError {
  let value: unknown;
  try {
    value = safeParse(line);
  } catch (e) {
    return { line: lineNo, reason: `not JSON (${(e as Error).message})`, raw: clip(line) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line: lineNo, reason: 'not a JSON object', raw: clip(line) };
  }
  const { kind, record } = value as { kind?: unknown; record?: unknown };
  if (typeof kind !== 'string' || !Object.hasOwn(schemas, kind)) {
    return {
      line: lineNo,
      reason: `unknown kind ${JSON.stringify(kind ?? null)} (expected dataset, item, run, panel, judgment or label)`,
      raw: clip(line),
    };
  }
  const k = kind as WorkspaceKind;
  const result = v.safeParse(schemas[k], record);
  const recId =
    typeof record === 'object' && record !== null
      ? ((record as { id?: unknown; itemId?: unknown }).id ??
        (record as { itemId?: unknown }).itemId)
      : undefined;
  if (!result.success) {
    return {
      line: lineNo,
      ...(typeof recId === 'string' ? { id: recId } : {}),
      reason: `${k}: ${issueText(result.issues)}`,
      raw: clip(line),
    };
  }
  // The input itself (already free of prototype keys), so key order and unknown fields survive a round trip.
  return { kind: k, record } as WorkspaceRecord;
}
