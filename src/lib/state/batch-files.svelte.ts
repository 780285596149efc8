// State of the batch files on the Runs pages: exporting a run's requests, importing a results file, and what came of it.
import type { BatchImportReport } from '../run/batch-app';
import type { PrepareCounts } from '../run/batch-files';
import type { RunRecord } from '../store';
import type { StorageState } from './storage.svelte';
import { downloadBlob } from '../ui/download';

/** What one chosen file is, read from its name and first line. */
export type BatchFileRole = 'manifest' | 'requests' | 'results' | 'unknown';

/** Tells the files apart: a manifest is JSON with its type; request lines have a method, result lines a response or an error. */
export async function batchFileRole(file: Blob & { name: string }): Promise<BatchFileRole> {
  const head = await file.slice(0, 64 * 1024).text();
  if (head.includes('"arbiter-batch-manifest"')) return 'manifest';
  const first = head.split('\n')[0] ?? '';
  if (/"method"\s*:/.test(first) && /"body"\s*:/.test(first)) return 'requests';
  if (/"custom_id"\s*:/.test(first) && /"(response|error)"\s*:/.test(first)) return 'results';
  return 'unknown';
}

export class BatchFilesState {
  busy = $state(false);
  error = $state<unknown>(null);
  /** The last export's counts (shown beside the button). */
  exported = $state.raw<PrepareCounts | null>(null);
  report = $state.raw<BatchImportReport | null>(null);

  constructor(private readonly storage: StorageState) {}

  /** Downloads requests.jsonl and its manifest for the run's work not yet stored. */
  async exportRun(run: RunRecord): Promise<void> {
    this.busy = true;
    this.error = null;
    this.exported = null;
    try {
      const { exportBatchFiles } = await import('../run/batch-app');
      const out = await exportBatchFiles(await this.storage.repositories(), run);
      downloadBlob(out.requests.blob, out.requests.name);
      downloadBlob(out.manifest.blob, out.manifest.name);
      this.exported = out.counts;
    } catch (e) {
      this.error = e;
    } finally {
      this.busy = false;
    }
  }

  /** Imports a results file with its manifest (and requests file, if chosen) into its run. */
  async importFiles(files: readonly File[], after?: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.report = null;
    try {
      const roles = await Promise.all(files.map(batchFileRole));
      const pick = (r: BatchFileRole) => files.find((_, i) => roles[i] === r);
      const results = pick('results');
      const manifest = pick('manifest');
      if (!results || !manifest)
        throw new Error(
          `Choose the results file together with its manifest (${[!results && 'no results file', !manifest && 'no *.manifest.json'].filter(Boolean).join(', ')} among the files chosen). The requests file is optional.`,
        );
      const requests = pick('requests');
      const { importBatchFiles } = await import('../run/batch-app');
      this.report = await importBatchFiles(await this.storage.repositories(), {
        results,
        manifest,
        ...(requests ? { requests } : {}),
      });
      await after?.();
    } catch (e) {
      this.error = e;
    } finally {
      this.busy = false;
    }
  }
}
