// Batch files out: the requests of a run's unjudged work for vLLM run-batch or the OpenAI Batch API, and their manifest.
import { buildRequest, type Order, type Template } from '../judge';
import { chatCompletionBody } from '../engine/openai-body';
import type { OpenAICapabilities } from '../engine/openai-spec';
import { canonicalJson, sha256Hex, type JsonValue } from '../store/key';
import type { ItemRecord, JudgmentParams } from '../store/schema';
import {
  judgeConfig,
  judgmentParams,
  planJudgments,
  type PairContext,
  type PairModel,
  type PairOptions,
} from './pair';
import { toJudgeItem } from './subset';

/** Arbiter's version, written into every manifest (tests keep it equal to package.json's). */
export const ARBITER_VERSION = '0.1.0';

export const BATCH_MANIFEST_TYPE = 'arbiter-batch-manifest';
export const BATCH_MANIFEST_VERSION = 1;

/** The only endpoint a request line names: Arbiter judges with chat completions. */
export const BATCH_URL = '/v1/chat/completions';

/**
 * What a batch server is taken to support, there being no server to ask: vLLM's (run-batch takes
 * the same request body as its server). Logprobs and JSON schema are sent as asked, grammars in
 * vLLM's `guided_grammar`. Never streamed.
 */
export const BATCH_CAPABILITIES: OpenAICapabilities = {
  streaming: false,
  logprobs: true,
  jsonSchema: true,
  grammar: 'guided_grammar',
  tokenize: 'none',
};

/** Written beside the requests file; ingest reads the settings (and the run's identity) from it. */
export interface BatchManifest {
  type: typeof BATCH_MANIFEST_TYPE;
  version: typeof BATCH_MANIFEST_VERSION;
  arbiter: string;
  /** ISO time of the prepare; ingest stamps its records with it, so re-ingesting is identical. */
  createdAt: string;
  /** The dataset file the CLI read (its name), or the app's dataset name. */
  input: string;
  datasetId: string;
  /** SHA-256 of the dataset's items as judged (prompt, answers, reference, rubric, order). */
  datasetHash: string;
  runId: string;
  runName: string;
  engine: PairModel['engine'];
  model: string;
  thinking: boolean;
  protocol: Template['kind'];
  templateId: string;
  templateVersion: number;
  options: PairOptions;
  params: JudgmentParams;
  capabilities: OpenAICapabilities;
  orders: Order[];
  samples: number;
  /** Items with at least one request in the file. */
  items: number;
  /** Request lines in the file (one per distinct judgment key). */
  judgments: number;
  /** The requests file's name, as the manifest sits beside it. */
  requests: string;
}

/** One request line of a batch file. */
export interface BatchRequestLine {
  custom_id: string;
  method: 'POST';
  url: typeof BATCH_URL;
  body: Record<string, unknown>;
}

export interface BatchSettings {
  template: Template;
  options: PairOptions;
  model: PairModel;
  capabilities?: OpenAICapabilities;
}

/** The judge context of one item under batch settings. */
export function batchContext(s: BatchSettings, item: ItemRecord): PairContext {
  return { item: toJudgeItem(item), template: s.template, options: s.options, model: s.model };
}

/** Hash of what the items say (not their ids), so a manifest tells whether its dataset changed. */
export async function itemsHash(items: readonly ItemRecord[]): Promise<string> {
  const parts = items.map((i) =>
    canonicalJson({
      prompt: i.prompt,
      responseA: i.responseA,
      responseB: i.responseB,
      reference: i.reference,
      rubric: i.rubric,
      conversation: i.conversation as unknown as JsonValue,
    }),
  );
  return sha256Hex(`[${parts.join(',')}]`);
}

/**
 * The run id the CLI gives a dataset judged with these settings: `arbiter judge` and `arbiter
 * batch` agree on it, so a batch's workspace is resumed live into the same run.
 */
export async function cliRunId(
  datasetId: string,
  model: string,
  template: Template,
  params: JudgmentParams,
): Promise<string> {
  const hash = await sha256Hex(
    canonicalJson({
      dataset: datasetId,
      model,
      template: template.id,
      version: template.version,
      params: params as unknown as JsonValue,
    }),
  );
  return `cli-${hash.slice(0, 16)}`;
}

/** The orders a run of this template judges. */
export function batchOrders(template: Template, options: PairOptions): Order[] {
  const pairwise = template.kind === 'pairwise' || template.kind === 'meta';
  return pairwise && options.bothOrders ? ['AB', 'BA'] : ['AB'];
}

export interface PreparedBatch {
  /** Request lines, each JSON ending in "\n". */
  lines: AsyncGenerator<string>;
}

export interface PrepareOptions {
  /** Keys already judged (the app's stored work): left out of the file. */
  skip?: (keys: readonly string[]) => Promise<ReadonlySet<string>> | ReadonlySet<string>;
  /** Items planned per slice (each slice may yield to the event loop between them). */
  slice?: number;
  /** Called between slices (the app yields to the page there). */
  between?: () => Promise<void>;
}

export interface PrepareCounts {
  items: number;
  judgments: number;
}

/**
 * The request lines for every planned judgment of `items` not yet judged, one per distinct key
 * (two items with the same content are the same work). The body is the one the live engine
 * sends unstreamed (`chatCompletionBody`), custom_id the judgment key. `counts` fills in as the
 * generator runs.
 */
export async function* batchRequestLines(
  s: BatchSettings,
  items: readonly ItemRecord[],
  counts: PrepareCounts,
  opts: PrepareOptions = {},
): AsyncGenerator<string> {
  const caps = s.capabilities ?? BATCH_CAPABILITIES;
  const slice = opts.slice ?? 500;
  const seen = new Set<string>();
  for (let from = 0; from < items.length; from += slice) {
    const part = items.slice(from, from + slice);
    const ctxs = part.map((item) => batchContext(s, item));
    const plans = await Promise.all(ctxs.map((c) => planJudgments(c)));
    const done = opts.skip ? await opts.skip(plans.flat().map((p) => p.key)) : new Set<string>();
    const out: string[] = [];
    plans.forEach((plan, i) => {
      const ctx = ctxs[i] as PairContext;
      const config = judgeConfig(ctx);
      let any = false;
      for (const p of plan) {
        if (done.has(p.key) || seen.has(p.key)) continue;
        seen.add(p.key);
        any = true;
        const req = buildRequest(ctx.item, config, p.order, p.sample);
        const line: BatchRequestLine = {
          custom_id: p.key,
          method: 'POST',
          url: BATCH_URL,
          body: chatCompletionBody(s.model.modelId, req, caps, false),
        };
        out.push(JSON.stringify(line) + '\n');
      }
      if (any) counts.items++;
    });
    counts.judgments += out.length;
    yield* out;
    if (opts.between && from + slice < items.length) await opts.between();
  }
}

export interface ManifestInput {
  settings: BatchSettings;
  items: readonly ItemRecord[];
  counts: PrepareCounts;
  input: string;
  datasetId: string;
  runId: string;
  runName: string;
  requests: string;
  now: Date;
}

/** The manifest of a prepared batch. */
export async function batchManifest(m: ManifestInput): Promise<BatchManifest> {
  const s = m.settings;
  // The parameters depend on the settings only, never on an item's text.
  const params = judgmentParams(batchContext(s, emptyItem));
  return {
    type: BATCH_MANIFEST_TYPE,
    version: BATCH_MANIFEST_VERSION,
    arbiter: ARBITER_VERSION,
    createdAt: m.now.toISOString(),
    input: m.input,
    datasetId: m.datasetId,
    datasetHash: await itemsHash(m.items),
    runId: m.runId,
    runName: m.runName,
    engine: s.model.engine,
    model: s.model.modelId,
    thinking: s.model.thinking,
    protocol: s.template.kind,
    templateId: s.template.id,
    templateVersion: s.template.version,
    options: { ...s.options },
    params,
    capabilities: { ...(s.capabilities ?? BATCH_CAPABILITIES) },
    orders: batchOrders(s.template, s.options),
    samples: Math.max(1, s.options.samples),
    items: m.counts.items,
    judgments: m.counts.judgments,
    requests: m.requests,
  };
}

const emptyItem: ItemRecord = {
  id: '',
  datasetId: '',
  index: 0,
  prompt: '',
  responseA: '',
  responseB: '',
  meta: {},
};

/** The manifest's file name for a requests file: `requests.jsonl` → `requests.manifest.json`. */
export function manifestName(requestsName: string): string {
  return `${requestsName.replace(/\.jsonl?$/i, '')}.manifest.json`;
}

/** What is wrong with one request line under the Batch API's rules, or null (uniqueness is the caller's). */
export function requestLineProblem(line: unknown): string | null {
  if (!line || typeof line !== 'object' || Array.isArray(line)) return 'not a JSON object';
  const l = line as Record<string, unknown>;
  if (typeof l.custom_id !== 'string' || l.custom_id === '') return 'no custom_id';
  if (l.method !== 'POST') return `method must be POST (got ${JSON.stringify(l.method)})`;
  if (l.url !== BATCH_URL) return `url must be ${BATCH_URL} (got ${JSON.stringify(l.url)})`;
  const body = l.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return 'no body';
  if (typeof body.model !== 'string' || body.model === '') return 'body has no model';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'body has no messages';
  if (body.stream === true) return 'body asks to stream (a batch answers whole)';
  return null;
}
