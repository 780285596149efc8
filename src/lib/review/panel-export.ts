// Panel review export: one line per item with each member's result and the panel's (JSONL, CSV), and the panel's figures as one JSON file.
import { CRLF, csvRow, type CsvCell } from '../data/csv';
import type { PanelItemRow } from './panel-filter';
import type { PanelModel } from './panel-model';
import type { LoadedPanel } from './panel-reads';

export const PANEL_EXPORT_TYPE = 'arbiter-panel-review';
export const PANEL_SUMMARY_TYPE = 'arbiter-panel-summary';
export const PANEL_EXPORT_VERSION = 1;

/** One exported item: the label, each member's result, the panel's with its votes. */
export interface PanelExportLine {
  itemId: string;
  index: number | null;
  subset: string | null;
  datasetLabel: string | null;
  members: {
    runId: string;
    /** 'A', 'B', 'tie', 'flipped', 'failed', a score, or null (no judgment of the item). */
    result: string | number | null;
    verdictAB: string | null;
    verdictBA: string | null;
    correct: boolean | null;
  }[];
  panel: {
    result: string | number | null;
    correct: boolean | null;
    split: boolean;
    votes: { A: number; B: number; tie: number };
    abstained: { member: number; reason: string }[];
    missing: number[];
    noVerdict: string | null;
  };
}

export function panelExportLine(r: PanelItemRow, model: PanelModel): PanelExportLine {
  return {
    itemId: r.itemId,
    index: r.item?.index ?? null,
    subset: r.item?.subset ?? null,
    datasetLabel: r.item?.label === undefined ? null : String(r.item.label),
    members: model.members.map((m, k) => ({
      runId: m.runId,
      result: r.results[k] ?? null,
      verdictAB: r.members[k]?.verdictAB ?? null,
      verdictBA: r.members[k]?.verdictBA ?? null,
      correct: r.memberCorrect[k] ?? null,
    })),
    panel: {
      result: r.result.result,
      correct: r.panelCorrect,
      split: r.split,
      votes: { ...r.result.votes },
      abstained: r.result.abstained.map((a) => ({ ...a })),
      missing: [...r.result.missing],
      noVerdict: r.result.noVerdict,
    },
  };
}

function header(type: string, loaded: LoadedPanel, model: PanelModel, source: string, now: Date) {
  return {
    type,
    version: PANEL_EXPORT_VERSION,
    source,
    exportedAt: now.toISOString(),
    dataset: { id: loaded.datasetId, name: loaded.dataset?.name ?? null },
    rule: model.review.rule,
    ruleName: model.ruleName,
    ruleNote: model.ruleNote,
    members: loaded.members.map((m) => ({
      runId: m.runId,
      modelId: m.modelId,
      name: m.run.name ?? null,
      config: m.run.config,
    })),
  };
}

/** JSONL: a `{type, version, source, …members}` header, then one line per item in triage order. */
export function panelJsonl(
  loaded: LoadedPanel,
  model: PanelModel,
  source: string,
  now = new Date(),
): string {
  const lines: unknown[] = [header(PANEL_EXPORT_TYPE, loaded, model, source, now)];
  for (const r of model.rows) lines.push(panelExportLine(r, model));
  return lines.map((x) => JSON.stringify(x)).join('\n') + '\n';
}

/** CSV, one row per item: label, then each member's result and rightness, then the panel's; formulas guarded. */
export function panelCsv(model: PanelModel): string {
  const head: CsvCell[] = ['itemId', 'index', 'subset', 'datasetLabel'];
  model.members.forEach((m, k) =>
    head.push(`member${k + 1} ${m.name} result`, `member${k + 1} correct`),
  );
  head.push('panel result', 'panel correct', 'split', 'votes A', 'votes B', 'votes tie');
  const out = [csvRow(head, { guardFormulas: true })];
  for (const r of model.rows) {
    const l = panelExportLine(r, model);
    const cells: CsvCell[] = [l.itemId, l.index, l.subset, l.datasetLabel];
    for (const m of l.members) cells.push(m.result, m.correct);
    cells.push(
      l.panel.result,
      l.panel.correct,
      l.panel.split,
      l.panel.votes.A,
      l.panel.votes.B,
      l.panel.votes.tie,
    );
    out.push(csvRow(cells, { guardFormulas: true }));
  }
  return out.join(CRLF) + CRLF;
}

/** The panel's figures (accuracy, agreement, bias, leave-one-out, weights) without per-item results. */
export function panelSummary(
  loaded: LoadedPanel,
  model: PanelModel,
  source: string,
  now = new Date(),
): string {
  const { results: _results, scored: _scored, splitItems, ...figures } = model.review;
  void _results;
  void _scored;
  return (
    JSON.stringify(
      {
        ...header(PANEL_SUMMARY_TYPE, loaded, model, source, now),
        items: model.rows.length,
        sharedItems: model.sharedCount,
        splitItems: splitItems.length,
        // In triage order, as the review lists them.
        splitItemIds: model.rows.filter((r) => r.split).map((r) => r.itemId),
        ...figures,
      },
      (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      2,
    ) + '\n'
  );
}

/** Per-item export as a file to save: CSV (with a BOM, for spreadsheets) or JSONL. */
export function panelItemsFile(
  stem: string,
  format: 'jsonl' | 'csv',
  loaded: LoadedPanel,
  model: PanelModel,
  source: string,
): { name: string; blob: Blob } {
  if (format === 'csv')
    return {
      name: `${stem}.csv`,
      blob: new Blob(['\ufeff', panelCsv(model)], { type: 'text/csv' }),
    };
  return {
    name: `${stem}.jsonl`,
    blob: new Blob([panelJsonl(loaded, model, source)], { type: 'application/x-ndjson' }),
  };
}

/** The summary as a JSON file to save. */
export function panelSummaryFile(
  stem: string,
  loaded: LoadedPanel,
  model: PanelModel,
  source: string,
): { name: string; blob: Blob } {
  return {
    name: `${stem}-summary.json`,
    blob: new Blob([panelSummary(loaded, model, source)], { type: 'application/json' }),
  };
}
