// Workspace files the user downloads (the whole workspace, or one run with what it needs) and opens.
import { fileStamp, runFileBase, type ExportFile } from '../data/run-export';
import type { Repositories, RunRecord } from '../store';
import { exportWorkspace, importWorkspace, type ImportReport } from './workspace-io';

/** The workspace file of `run` alone (its dataset, items, judgments and labels), or of everything. */
export async function workspaceFile(
  repos: Repositories,
  source: string,
  run: RunRecord | null = null,
  now = new Date(),
): Promise<ExportFile> {
  const chunks: string[] = [];
  for await (const l of exportWorkspace(repos, source, run ? { runIds: [run.id] } : {}, now))
    chunks.push(l);
  return {
    blob: new Blob(chunks, { type: 'application/x-ndjson' }),
    name: run
      ? `${runFileBase(run, now)}.arbiter-workspace.jsonl`
      : `arbiter-workspace-${fileStamp(now)}.jsonl`,
  };
}

/** Imports a workspace file (or the CLI's --out file); idempotent (see importWorkspace). */
export async function importWorkspaceFile(repos: Repositories, file: Blob): Promise<ImportReport> {
  return importWorkspace(repos, await file.text());
}
