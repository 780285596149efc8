// Types shared by every import format: the imported item, row errors, format ids and field mappings.
import type { Conversation } from '../../judge/types';

/** The import formats Arbiter recognises. */
export type FormatId =
  | 'arbiter'
  | 'llmbar'
  | 'auto-j'
  | 'pandalm'
  | 'judgebench'
  | 'chosen-rejected'
  | 'alpaca-eval'
  | 'fastchat'
  | 'arena-hard'
  | 'single'
  | 'custom';

/** A pair (or a single answer) read from a file; maps 1:1 onto the store's ItemRecord. */
export interface ImportedItem {
  id: string;
  prompt: string;
  responseA: string;
  responseB?: string;
  reference?: string;
  rubric?: string;
  label?: 'A' | 'B' | 'tie' | number;
  modelA?: string;
  modelB?: string;
  category?: string;
  /** Every turn of a multi-turn item; the flat fields hold its first turn. */
  conversation?: Conversation;
  meta: Record<string, unknown>;
}

/** A row that could not be imported: its 1-based line (record number for CSV, header = 1) and why. */
export interface RowError {
  line: number;
  id?: string;
  reason: string;
  /** The start of the raw row, for the downloadable error list. */
  raw?: string;
}

/** A parsed row before adaptation, with where it was in the file. */
export interface SourceRow {
  line: number;
  value: unknown;
}

/** The item fields a mapping can fill. */
export type TargetField =
  | 'id'
  | 'prompt'
  | 'responseA'
  | 'responseB'
  | 'label'
  | 'reference'
  | 'rubric'
  | 'modelA'
  | 'modelB'
  | 'category';

/**
 * Which source field (top-level key of a row) fills which item field. A missing or empty entry
 * means "not in this file". For 'chosen-rejected' responseA/responseB name the chosen/rejected
 * fields; for 'single' responseA is the answer and label the score; for 'fastchat' they name the
 * two conversations.
 */
export type FieldMapping = Partial<Record<TargetField, string>>;

/** Every target field in the order a mapping form shows them. */
export const TARGET_FIELDS: readonly TargetField[] = [
  'id',
  'prompt',
  'responseA',
  'responseB',
  'label',
  'reference',
  'rubric',
  'modelA',
  'modelB',
  'category',
];

/** Human names of the formats, for the UI. */
export const FORMAT_NAMES: Record<FormatId, string> = {
  arbiter: 'Arbiter pairs',
  llmbar: 'LLMBar',
  'auto-j': 'Auto-J pairwise test set',
  pandalm: 'PandaLM test set',
  judgebench: 'JudgeBench',
  'chosen-rejected': 'Chosen / rejected (RewardBench style)',
  'alpaca-eval': 'AlpacaEval annotations',
  fastchat: 'FastChat / Chatbot Arena judgments',
  'arena-hard': 'Arena-Hard questions',
  single: 'Single answers',
  custom: 'Custom column mapping',
};

/** Human names of the item fields, for the mapping form. */
export const TARGET_NAMES: Record<TargetField, string> = {
  id: 'Id',
  prompt: 'Prompt',
  responseA: 'Response A',
  responseB: 'Response B',
  label: 'Label',
  reference: 'Reference answer',
  rubric: 'Rubric',
  modelA: 'Model A',
  modelB: 'Model B',
  category: 'Category',
};
