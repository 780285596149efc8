// Workspace files the user downloads (the whole workspace, or one run with what it needs) and opens.
import { fileStamp, runFileBase, type ExportFile } from '../data/run-export';
import type { PanelRecord, Repositories, RunRecord } from '../store';
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

/** The workspace file of a panel: its record, its member runs and what they need. */
export async function panelWorkspaceFile(
  repos: Repositories,
  source: string,
  panel: PanelRecord,
  now = new Date(),
): Promise<ExportFile> {
  const chunks: string[] = [];
  for await (const l of exportWorkspace(repos, source, { panelIds: [panel.id] }, now))
    chunks.push(l);
  const base = panel.name.replace(/[^\p{L}\p{N}._-]+/gu, '-').slice(0, 60) || 'panel';
  return {
    blob: new Blob(chunks, { type: 'application/x-ndjson' }),
    name: `${base}-${fileStamp(now)}.arbiter-workspace.jsonl`,
  };
}

/** Imports a workspace file (or the CLI's --out file); idempotent (see importWorkspace). */
export async function importWorkspaceFile(repos: Repositories, file: Blob): Promise<ImportReport> {
  return importWorkspace(repos, await file.text());
}
