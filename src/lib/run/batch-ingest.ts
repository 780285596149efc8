// Batch files in: a results file of vLLM run-batch or the OpenAI Batch API, matched to its requests, as a run's judgments.
import { buildRequest, getTemplate, toJudgment, type Order, type Template } from '../judge';
import { completionResult } from '../engine/openai-engine';
import { summarizeRun } from '../data/run-summary';
import type { ItemRecord, JudgmentRecord, RunFailure, RunRecord } from '../store/schema';
import {
  BATCH_MANIFEST_TYPE,
  BATCH_MANIFEST_VERSION,
  batchContext,
  itemsHash,
  requestLineProblem,
  type BatchManifest,
  type BatchSettings,
} from './batch-files';
import { judgeConfig, judgmentParams, planJudgments, toRecord, type PairContext } from './pair';

/** A manifest that cannot be read, or that does not belong to the data given with it. */
export class BatchManifestError extends Error {
  override name = 'BatchManifestError';
}

/** One line that did not give a judgment, by file and 1-based line number. */
export interface IngestProblem {
  file: 'requests' | 'results';
  line: number;
  customId?: string;
  /**
   * malformed: not JSON (a truncated last line too); invalid: breaks the Batch API's rules;
   * duplicate: a custom_id seen before (ignored); unknown: a custom_id of no request (ignored);
   * error: the line's `error` object; http: a status other than 200; answer: a 200 whose body is
   * no usable completion.
   */
  kind: 'malformed' | 'invalid' | 'duplicate' | 'unknown' | 'error' | 'http' | 'answer';
  message: string;
}

export interface IngestCounts {
  requests: number;
  resultLines: number;
  /** Requests with a judgment. */
  judged: number;
  /** Requests whose result was an error (error object, non-200 or an unusable body). */
  failed: number;
  /** Requests with no result line at all: unfinished, a live run finishes them. */
  missing: number;
}

export interface BatchIngest {
  run: RunRecord;
  /** Sorted by item index, order, sample: the same files always give the same list. */
  judgments: JudgmentRecord[];
  problems: IngestProblem[];
  counts: IngestCounts;
}

export interface IngestSource {
  manifest: BatchManifest;
  /** The items the batch was prepared from, in the same order. */
  items: readonly ItemRecord[];
  requests: AsyncIterable<string> | Iterable<string>;
  results: AsyncIterable<string> | Iterable<string>;
  /** Judgments the run already holds (the app's), counted in its progress and summary. */
  existing?: readonly JudgmentRecord[];
  /** Called between planning slices (the app yields to the page there). */
  between?: () => Promise<void>;
}

interface Target {
  index: number;
  order: Order;
  sample: number;
}

/** Reads a manifest file's text; throws BatchManifestError with what is wrong. */
export function parseManifest(text: string): BatchManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw new BatchManifestError('The manifest is not JSON.');
  }
  const o = m as Partial<BatchManifest> | null;
  if (!o || typeof o !== 'object' || o.type !== BATCH_MANIFEST_TYPE)
    throw new BatchManifestError(
      `Not an Arbiter batch manifest (its "type" is not ${BATCH_MANIFEST_TYPE}).`,
    );
  if (o.version !== BATCH_MANIFEST_VERSION)
    throw new BatchManifestError(
      `Manifest version ${String(o.version)} is not one this Arbiter reads (${BATCH_MANIFEST_VERSION}).`,
    );
  for (const f of [
    'runId',
    'datasetId',
    'datasetHash',
    'model',
    'templateId',
    'createdAt',
  ] as const)
    if (typeof o[f] !== 'string') throw new BatchManifestError(`The manifest has no ${f}.`);
  if (!o.options || typeof o.options !== 'object' || !o.capabilities)
    throw new BatchManifestError('The manifest has no options.');
  return o as BatchManifest;
}

/** The settings a manifest records; throws when its template is not this Arbiter's. */
export function manifestSettings(m: BatchManifest): BatchSettings {
  const template = getTemplate(m.templateId);
  if (!template) throw new BatchManifestError(`Unknown protocol “${m.templateId}”.`);
  if (template.version !== m.templateVersion)
    throw new BatchManifestError(
      `The batch used ${m.templateId} version ${m.templateVersion}; this Arbiter has version ${template.version}. Prepare the batch again.`,
    );
  return {
    template,
    options: { ...m.options },
    model: { engine: m.engine, modelId: m.model, thinking: m.thinking },
    capabilities: { ...m.capabilities },
  };
}

async function* linesOf(src: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  for await (const l of src) yield l;
}

function parseLine(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The message of a failed result line (an error object, or a non-200 response), or null. */
function resultError(
  r: Record<string, unknown>,
): { kind: 'error' | 'http'; message: string } | null {
  const err = r.error as { code?: unknown; message?: unknown } | string | null | undefined;
  let errText: string | null = null;
  // vLLM writes a plain string for a request it could not parse, an ErrorResponse otherwise.
  if (typeof err === 'string' && err !== '') errText = err;
  else if (err && typeof err === 'object') {
    const code = typeof err.code === 'string' ? err.code : '';
    const msg = typeof err.message === 'string' ? err.message : JSON.stringify(err);
    errText = code !== '' ? `${code}: ${msg}` : msg;
  }
  const res = r.response as { status_code?: unknown; body?: unknown } | null | undefined;
  if (res && typeof res === 'object' && res.status_code !== 200) {
    const body = res.body as { error?: { message?: unknown } | string; message?: unknown } | null;
    const inner =
      errText ??
      (typeof body?.error === 'string'
        ? body.error
        : typeof body?.error?.message === 'string'
          ? body.error.message
          : typeof body?.message === 'string'
            ? body.message
            : JSON.stringify(body ?? null));
    return { kind: 'http', message: `HTTP ${String(res.status_code)}: ${inner}` };
  }
  if (errText !== null) return { kind: 'error', message: errText };
  if (!res || typeof res !== 'object')
    return { kind: 'error', message: 'The line has neither a response nor an error.' };
  return null;
}

/**
 * Matches a results file to its requests by custom_id and turns each answer into a judgment with
 * the live runs' parser. Lines may come in any order; the output depends only on the files and
 * the manifest (ids and times included), so ingesting twice gives the same run. Streams both
 * files; what it keeps is one entry per planned judgment.
 */
export async function ingestBatch(src: IngestSource): Promise<BatchIngest> {
  const m = src.manifest;
  const settings = manifestSettings(m);
  const template = settings.template;
  const at = Date.parse(m.createdAt);
  if (!Number.isFinite(at)) throw new BatchManifestError('The manifest’s createdAt is no date.');
  if ((await itemsHash(src.items)) !== m.datasetHash)
    throw new BatchManifestError(
      `The dataset is not the one the batch was prepared from (${m.input}): its items differ.`,
    );

  // Every planned judgment by key; two items with the same content share one request.
  const targets = new Map<string, Target[]>();
  const ctxs: PairContext[] = [];
  const slice = 500;
  for (let from = 0; from < src.items.length; from += slice) {
    const part = src.items.slice(from, from + slice).map((it) => batchContext(settings, it));
    const plans = await Promise.all(part.map((c) => planJudgments(c)));
    plans.forEach((plan, i) => {
      ctxs.push(part[i] as PairContext);
      for (const p of plan) {
        const t = { index: from + i, order: p.order, sample: p.sample };
        const list = targets.get(p.key);
        if (list) list.push(t);
        else targets.set(p.key, [t]);
      }
    });
    if (src.between && from + slice < src.items.length) await src.between();
  }
  const params = judgmentParams(ctxs[0] ?? batchContext(settings, src.items[0] as ItemRecord));

  const problems: IngestProblem[] = [];
  /** Keys the requests file asks for, with the state of their result. */
  const asked = new Map<string, 'pending' | 'failed' | 'done'>();
  let lineNo = 0;
  for await (const raw of linesOf(src.requests)) {
    lineNo++;
    if (raw.trim() === '') continue;
    const p = parseLine(raw);
    if (!p.ok) {
      problems.push({ file: 'requests', line: lineNo, kind: 'malformed', message: 'Not JSON.' });
      continue;
    }
    const why = requestLineProblem(p.value);
    const id = (p.value as { custom_id?: unknown }).custom_id;
    const customId = typeof id === 'string' ? id : undefined;
    if (why) {
      problems.push({
        file: 'requests',
        line: lineNo,
        ...(customId ? { customId } : {}),
        kind: 'invalid',
        message: why,
      });
      continue;
    }
    const key = customId as string;
    if (asked.has(key)) {
      problems.push({
        file: 'requests',
        line: lineNo,
        customId: key,
        kind: 'duplicate',
        message: 'custom_id appears twice.',
      });
    } else if (!targets.has(key)) {
      problems.push({
        file: 'requests',
        line: lineNo,
        customId: key,
        kind: 'invalid',
        message: 'Not a judgment of this manifest’s dataset and settings.',
      });
    } else asked.set(key, 'pending');
  }
  const requests = asked.size;

  const records: JudgmentRecord[] = [];
  const failures = new Map<string, RunFailure[]>();
  lineNo = 0;
  let resultLines = 0;
  for await (const raw of linesOf(src.results)) {
    lineNo++;
    if (raw.trim() === '') continue;
    resultLines++;
    const p = parseLine(raw);
    const r = p.ok ? (p.value as Record<string, unknown> | null) : null;
    if (!r || typeof r !== 'object' || typeof r.custom_id !== 'string') {
      problems.push({
        file: 'results',
        line: lineNo,
        kind: 'malformed',
        message: p.ok ? 'Not a result line (no custom_id).' : 'Not JSON (cut short?).',
      });
      continue;
    }
    const key = r.custom_id;
    const state = asked.get(key);
    const base = { file: 'results' as const, line: lineNo, customId: key };
    if (state === undefined) {
      problems.push({ ...base, kind: 'unknown', message: 'No request has this custom_id.' });
      continue;
    }
    if (state === 'done') {
      problems.push({ ...base, kind: 'duplicate', message: 'A second result; the first is kept.' });
      continue;
    }
    const list = targets.get(key) as Target[];
    const first = list[0] as Target;
    const ctx = ctxs[first.index] as PairContext;
    const fail = (kind: IngestProblem['kind'], message: string) => {
      problems.push({ ...base, kind, message });
      asked.set(key, 'failed');
      failures.set(
        key,
        list.map((t) => ({
          itemId: (src.items[t.index] as ItemRecord).id,
          index: (src.items[t.index] as ItemRecord).index,
          order: t.order,
          sample: t.sample,
          kind: 'error',
          reason: message,
          at,
        })),
      );
    };
    const err = resultError(r);
    if (err) {
      fail(err.kind, err.message);
      continue;
    }
    const config = judgeConfig(ctx);
    const request = buildRequest(ctx.item, config, first.order, first.sample);
    let result;
    try {
      result = completionResult((r.response as { body?: unknown }).body, request);
    } catch (e) {
      fail('answer', (e as Error).message);
      continue;
    }
    asked.set(key, 'done');
    failures.delete(key);
    const judgment = toJudgment(template, first.order, first.sample, request, result);
    for (const t of list) {
      const item = src.items[t.index] as ItemRecord;
      const rec = toRecord(
        { ...judgment, order: t.order, sample: t.sample },
        { runId: m.runId, itemId: item.id, key, params, ctx: ctxs[t.index] as PairContext },
      );
      records.push({
        ...rec,
        id: `${m.runId}-${item.index}-${t.order}-${t.sample}`,
        createdAt: at,
      });
    }
  }

  const orderRank = (o: Order) => (o === 'AB' ? 0 : 1);
  const pos = new Map(src.items.map((it, i) => [it.id, i]));
  records.sort(
    (a, b) =>
      (pos.get(a.itemId) ?? 0) - (pos.get(b.itemId) ?? 0) ||
      orderRank(a.order) - orderRank(b.order) ||
      a.sample - b.sample,
  );
  let judged = 0;
  let failed = 0;
  let missing = 0;
  for (const s of asked.values()) {
    if (s === 'done') judged++;
    else if (s === 'failed') failed++;
    else missing++;
  }
  const run = batchRun(m, template, src.items, records, src.existing ?? [], failures, params, at);
  return {
    run,
    judgments: records,
    problems,
    counts: { requests, resultLines, judged, failed, missing },
  };
}

function batchRun(
  m: BatchManifest,
  template: Template,
  items: readonly ItemRecord[],
  fresh: readonly JudgmentRecord[],
  existing: readonly JudgmentRecord[],
  failures: Map<string, RunFailure[]>,
  params: RunRecord['config']['params'],
  at: number,
): RunRecord {
  const byItem = new Map<string, JudgmentRecord[]>();
  const keys = new Set<string>();
  for (const j of [...existing, ...fresh]) {
    // One judgment per item, order and sample: a stored copy and an ingested one are the same work.
    const id = `${j.itemId}|${j.order}|${j.sample}`;
    if (keys.has(id)) continue;
    keys.add(id);
    const list = byItem.get(j.itemId);
    if (list) list.push(j);
    else byItem.set(j.itemId, [j]);
  }
  const perItem = Math.max(1, m.options.samples) * m.orders.length;
  const total = items.length * perItem;
  const done = keys.size;
  const failureList = [...failures.values()].flat().sort((a, b) => a.index - b.index);
  const complete = done >= total;
  const pairwise = template.kind !== 'single';
  return {
    id: m.runId,
    datasetId: m.datasetId,
    name: m.runName,
    createdAt: at,
    updatedAt: at,
    status: complete ? 'done' : 'paused',
    config: {
      engine: m.engine,
      modelId: m.model,
      protocol: template.kind,
      templateId: template.id,
      templateVersion: template.version,
      params,
    },
    progress: { total, done, failed: failureList.length, items: items.length },
    summary: summarizeRun(pairwise, items, byItem),
    spec: { filter: {}, options: { ...m.options }, thinking: m.thinking },
    failures: failureList,
    error: complete
      ? null
      : `${total - done} of ${total} judgments are not in the batch results (${failureList.length} failed); resume the run to judge them live.`,
  };
}
