// The app's batch files: a run's unjudged work as requests.jsonl + manifest, and a results file imported into the run.
import { getTemplate } from '../judge';
import { runFileBase, type ExportFile } from '../data/run-export';
import type { DatasetRecord, ItemRecord, JudgmentRecord, Repositories, RunRecord } from '../store';
import {
  batchManifest,
  batchRequestLines,
  itemsHash,
  manifestName,
  type BatchManifest,
  type BatchSettings,
  type PrepareCounts,
} from './batch-files';
import {
  BatchManifestError,
  ingestBatch,
  manifestSettings,
  parseManifest,
  type IngestCounts,
  type IngestProblem,
} from './batch-ingest';
import { datasetItems } from './batch';
import { selectItems } from './subset';

/** Why a run's work cannot go out as a batch, in words for the user. */
export class BatchFilesError extends Error {
  override name = 'BatchFilesError';
}

export interface BatchExport {
  requests: ExportFile;
  manifest: ExportFile;
  counts: PrepareCounts;
}

/** Written into the store per transaction. */
const CHUNK = 500;

function runSettings(run: RunRecord): BatchSettings {
  if (!run.spec || !run.datasetId)
    throw new BatchFilesError('Only a dataset run has batch settings; this one has none.');
  if (run.config.engine !== 'openai')
    throw new BatchFilesError(
      `Batch files are requests to an OpenAI-compatible server (vLLM, or a Batch API service); this run judges with ${run.config.engine}. Choose Models → OpenAI-compatible server, start a run with it, then export its requests.`,
    );
  const template = getTemplate(run.config.templateId);
  if (!template || template.version !== run.config.templateVersion)
    throw new BatchFilesError(
      `This Arbiter no longer has ${run.config.templateId} version ${run.config.templateVersion}.`,
    );
  return {
    template,
    options: { ...run.spec.options },
    model: { engine: 'openai', modelId: run.config.modelId, thinking: run.spec.thinking },
  };
}

async function runItems(repos: Repositories, run: RunRecord): Promise<ItemRecord[]> {
  return selectItems(await datasetItems(repos, run.datasetId as string), run.spec?.filter ?? {});
}

/**
 * The requests of `run`'s work not yet in the store, with the same code as `arbiter batch
 * prepare`, and their manifest. Throws BatchFilesError when there is nothing to send.
 */
export async function exportBatchFiles(
  repos: Repositories,
  run: RunRecord,
  now = new Date(),
  between?: () => Promise<void>,
): Promise<BatchExport> {
  const settings = runSettings(run);
  const dataset = await repos.datasets.get(run.datasetId as string);
  const items = await runItems(repos, run);
  const counts: PrepareCounts = { items: 0, judgments: 0 };
  const lines: string[] = [];
  for await (const l of batchRequestLines(settings, items, counts, {
    skip: (keys) => repos.judgments.existingKeys(keys),
    ...(between ? { between } : {}),
  }))
    lines.push(l);
  if (counts.judgments === 0)
    throw new BatchFilesError('Every judgment of this run is already stored: nothing to send.');
  const base = runFileBase(run, now);
  const requestsName = `${base}.requests.jsonl`;
  const manifest = await batchManifest({
    settings,
    items,
    counts,
    input: dataset?.name ?? run.datasetId ?? '',
    datasetId: run.datasetId as string,
    runId: run.id,
    runName: run.name ?? `${run.config.modelId} · ${run.config.templateId}`,
    requests: requestsName,
    now,
  });
  return {
    requests: { blob: new Blob(lines, { type: 'application/x-ndjson' }), name: requestsName },
    manifest: {
      blob: new Blob([JSON.stringify(manifest, null, 2) + '\n'], { type: 'application/json' }),
      name: manifestName(requestsName),
    },
    counts,
  };
}

export interface BatchFiles {
  results: Blob;
  manifest: Blob;
  /** Without it, the requests are the run's work not stored yet (as an export would write them). */
  requests?: Blob;
}

export interface BatchImportReport {
  runId: string;
  created: boolean;
  counts: IngestCounts;
  problems: IngestProblem[];
  /** Judgments written (those already stored for the run are left as they are). */
  added: number;
}

/** The manifest's dataset: by id, else the one whose items hash alike (a CLI batch of a file imported here). */
async function findDataset(
  repos: Repositories,
  m: BatchManifest,
): Promise<{ dataset: DatasetRecord; items: ItemRecord[] } | null> {
  const byId = await repos.datasets.get(m.datasetId);
  const candidates = byId ? [byId] : await repos.datasets.list();
  for (const d of candidates) {
    // Every item with a request is in the dataset; items of the same content share one.
    if (d !== byId && d.itemCount < m.items) continue;
    const items = await datasetItems(repos, d.id);
    if ((await itemsHash(items)) === m.datasetHash) return { dataset: d, items };
  }
  return null;
}

const splitLines = async (b: Blob) => (await b.text()).split('\n');

/**
 * Imports a results file into its run (the manifest's run id), with the same ingest as `arbiter
 * batch ingest`; creates the run when this browser does not have it but has its dataset.
 * Idempotent: judgments already stored for the run (by key) are not written again.
 */
export async function importBatchFiles(
  repos: Repositories,
  files: BatchFiles,
  between?: () => Promise<void>,
): Promise<BatchImportReport> {
  const manifest = parseManifest(await files.manifest.text());
  const settings = manifestSettings(manifest);
  const existingRun = await repos.runs.get(manifest.runId);
  let items: ItemRecord[];
  let datasetId: string;
  if (existingRun?.status === 'running')
    throw new BatchFilesError(
      'This run is being judged right now: pause it, then import the batch results.',
    );
  if (existingRun) {
    items = await runItems(repos, existingRun);
    datasetId = existingRun.datasetId as string;
  } else {
    const found = await findDataset(repos, manifest);
    if (!found)
      throw new BatchManifestError(
        `This browser has neither the run nor the dataset of this batch (${manifest.input}). Import the dataset first (Datasets), then these files again.`,
      );
    items = found.items;
    datasetId = found.dataset.id;
  }
  const existing = existingRun ? await repos.judgments.byRun(existingRun.id) : [];
  const stored = new Set(existing.map((j) => j.key));
  let requests: Iterable<string> | AsyncIterable<string>;
  if (files.requests) requests = await splitLines(files.requests);
  else {
    const counts: PrepareCounts = { items: 0, judgments: 0 };
    requests = batchRequestLines(settings, items, counts, { skip: () => stored });
  }
  const result = await ingestBatch({
    manifest: { ...manifest, datasetId },
    items,
    requests,
    results: await splitLines(files.results),
    existing,
    ...(between ? { between } : {}),
  });
  const fresh = result.judgments.filter((j) => !stored.has(j.key));
  const run: RunRecord = existingRun
    ? {
        ...existingRun,
        status: result.run.status === 'done' ? 'done' : 'paused',
        progress: { ...result.run.progress },
        summary: result.run.summary,
        failures: result.run.failures ?? [],
        error: result.run.error ?? null,
        updatedAt: Date.now(),
      }
    : { ...result.run, updatedAt: Date.now() };
  if (!existingRun) await repos.runs.put({ ...run, status: 'paused', summary: null });
  // Judgments and the run's state land together per chunk; the last chunk carries the final state.
  for (let i = 0; i < fresh.length; i += CHUNK) {
    const chunk: JudgmentRecord[] = fresh.slice(i, i + CHUNK);
    const last = i + CHUNK >= fresh.length;
    await repos.judgments.putMany(chunk, {
      id: run.id,
      patch: last
        ? {
            status: run.status,
            progress: run.progress,
            summary: run.summary,
            failures: run.failures ?? [],
            error: run.error ?? null,
          }
        : {},
    });
  }
  if (fresh.length === 0) await repos.runs.put(run);
  return {
    runId: run.id,
    created: !existingRun,
    counts: result.counts,
    problems: result.problems,
    added: fresh.length,
  };
}
