// Format detection: which known shape a file's first rows have, and the default field mapping for it.
import { columnsRead } from './adapt';
import type { FieldMapping, FormatId } from './types';

const PROMPT_KEYS = ['prompt', 'instruction', 'input', 'question', 'query', 'text'];
const RESPONSE_KEYS = ['response', 'output', 'answer', 'completion', 'generation'];
const LABEL_KEYS = ['label', 'winner', 'preference', 'gold', 'verdict', 'choice'];
const SCORE_KEYS = ['score', 'rating', 'label_score_1to5', 'label', 'grade'];
const ID_KEYS = ['id', 'question_id', 'qid', 'uid', 'example_id'];

/** Keys present in at least half of the object rows (rows that are not objects are ignored). */
function commonKeys(rows: readonly unknown[]): Set<string> {
  const counts = new Map<string, number>();
  let n = 0;
  for (const row of rows) {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) continue;
    n++;
    for (const k of Object.keys(row)) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const keys = new Set<string>();
  for (const [k, c] of counts) if (c * 2 >= n) keys.add(k);
  return keys;
}

/** Whether any object row has this key (for fields only some rows carry). */
function someRowHas(rows: readonly unknown[], key: string): boolean {
  return rows.some((r) => typeof r === 'object' && r !== null && Object.hasOwn(r, key));
}

function first(keys: Set<string>, candidates: readonly string[]): string | undefined {
  for (const c of candidates) if (keys.has(c)) return c;
  // Case-insensitive second pass, for CSV headers like "Prompt".
  const lower = new Map([...keys].map((k) => [k.toLowerCase(), k]));
  for (const c of candidates) {
    const k = lower.get(c);
    if (k) return k;
  }
  return undefined;
}

function has(keys: Set<string>, ...names: string[]): boolean {
  return names.every((n) => keys.has(n));
}

/** Drops entries whose source field is missing, so the mapping only names real fields. */
function compact(m: FieldMapping): FieldMapping {
  const out: FieldMapping = {};
  for (const [k, v] of Object.entries(m)) if (v) out[k as keyof FieldMapping] = v;
  return out;
}

/**
 * Recognises a format from sample rows (the first 50 or so) and proposes a mapping. Order
 * matters: the most specific shapes are tried first; anything unrecognised is 'custom' with a
 * best-guess mapping for the user to correct.
 */
export function detectFormat(sampleRows: readonly unknown[]): {
  format: FormatId;
  mapping: FieldMapping;
} {
  const k = commonKeys(sampleRows);
  const id = first(k, ID_KEYS);

  // Arbiter's own names: snake_case in its JSONL, camelCase in its CSV exports' header.
  const [ra, rb] = has(k, 'response_a', 'response_b')
    ? ['response_a', 'response_b']
    : has(k, 'responseA', 'responseB')
      ? ['responseA', 'responseB']
      : [];
  if (ra && rb) {
    return {
      format: 'arbiter',
      mapping: compact({
        id,
        prompt: first(k, PROMPT_KEYS),
        responseA: ra,
        responseB: rb,
        label: first(k, LABEL_KEYS),
        reference: first(k, ['reference', 'reference_answer']),
        rubric: first(k, ['rubric']),
        modelA: first(k, ['model_a', 'modelA']),
        modelB: first(k, ['model_b', 'modelB']),
        category: first(k, ['category', 'subset']),
      }),
    };
  }
  // GAIR-NLP/auto-j data/test/testdata_pairwise.jsonl.
  if (has(k, 'response 1', 'response 2', 'prompt')) {
    return {
      format: 'auto-j',
      mapping: compact({
        id,
        prompt: 'prompt',
        responseA: 'response 1',
        responseB: 'response 2',
        label: first(k, ['label']),
        category: first(k, ['scenario']),
      }),
    };
  }
  // WeOpenML/PandaLM data/testset-v1.json; the label is the majority of annotator1..3.
  if (has(k, 'response1', 'response2', 'instruction')) {
    return {
      format: 'pandalm',
      mapping: compact({
        id: first(k, ['idx', ...ID_KEYS]),
        prompt: 'instruction',
        responseA: 'response1',
        responseB: 'response2',
        category: first(k, ['motivation_app']),
      }),
    };
  }
  // ScalerLab/JudgeBench data/dataset=judgebench,response_model=….jsonl.
  if (has(k, 'response_A', 'response_B', 'question')) {
    return {
      format: 'judgebench',
      mapping: compact({
        id: first(k, ['pair_id', ...ID_KEYS]),
        prompt: 'question',
        responseA: 'response_A',
        responseB: 'response_B',
        label: first(k, ['label']),
        category: first(k, ['source']),
      }),
    };
  }
  if (has(k, 'output_1', 'output_2') && (k.has('preference') || k.has('instruction'))) {
    return {
      format: 'alpaca-eval',
      mapping: compact({
        id,
        prompt: first(k, ['instruction', 'input', 'prompt']),
        responseA: 'output_1',
        responseB: 'output_2',
        label: first(k, ['preference', 'label']),
        modelA: first(k, ['generator_1', 'model_1']),
        modelB: first(k, ['generator_2', 'model_2']),
        category: first(k, ['dataset', 'category']),
      }),
    };
  }
  if (has(k, 'output_1', 'output_2')) {
    return {
      format: 'llmbar',
      mapping: compact({
        id,
        prompt: first(k, ['input', 'instruction', 'prompt']),
        responseA: 'output_1',
        responseB: 'output_2',
        label: first(k, ['label', 'preference']),
      }),
    };
  }
  if (has(k, 'chosen', 'rejected')) {
    return {
      format: 'chosen-rejected',
      mapping: compact({
        id,
        prompt: first(k, PROMPT_KEYS),
        responseA: 'chosen',
        responseB: 'rejected',
        modelA: first(k, ['chosen_model']),
        modelB: first(k, ['rejected_model']),
        category: first(k, ['subset', 'category']),
      }),
    };
  }
  if (has(k, 'conversation_a', 'conversation_b')) {
    return {
      format: 'fastchat',
      mapping: compact({
        id: first(k, ['question_id', 'id']),
        responseA: 'conversation_a',
        responseB: 'conversation_b',
        label: first(k, ['winner', 'label']),
        modelA: first(k, ['model_a']),
        modelB: first(k, ['model_b']),
        category: first(k, ['category']),
      }),
    };
  }
  if (k.has('question_id') && k.has('turns') && !k.has('choices')) {
    // Arena-Hard / MT-Bench question files: turns of {content} or plain strings. MT-Bench gives
    // only some questions a `reference` (30 of 80), so any row having one is enough.
    return {
      format: 'arena-hard',
      mapping: compact({
        id: 'question_id',
        prompt: 'turns',
        reference: someRowHas(sampleRows, 'reference') ? 'reference' : undefined,
        category: first(k, ['cluster', 'category']),
      }),
    };
  }
  const prompt = first(k, [...PROMPT_KEYS, 'turns']);
  const response = first(k, RESPONSE_KEYS);
  if (prompt && response) {
    return {
      format: 'single',
      mapping: compact({
        id,
        prompt,
        responseA: response,
        label: first(k, SCORE_KEYS),
        reference: first(k, ['reference', 'reference_answer', 'reference_answer_gpt4']),
        rubric: first(k, ['rubric', 'criteria']),
        modelA: first(k, ['model', 'generator', 'model_id']),
        category: first(k, ['category', 'cluster', 'subset']),
      }),
    };
  }
  if (prompt && !first(k, ['choices'])) {
    // Prompts only (MT-Bench, Arena-Hard prompt lists): single items without an answer.
    return {
      format: 'single',
      mapping: compact({
        id,
        prompt,
        reference: first(k, ['reference', 'reference_answer', 'reference_answer_gpt4']),
        category: first(k, ['category', 'cluster', 'subset']),
      }),
    };
  }
  return {
    format: 'custom',
    mapping: compact({
      id,
      prompt,
      responseA: first(k, ['response_1', 'answer_a', 'a', ...RESPONSE_KEYS]),
      responseB: first(k, ['response_2', 'answer_b', 'b']),
      label: first(k, LABEL_KEYS),
    }),
  };
}

/** Words of a column name ("response 1", "response1", "responseA" → response, 1 / a). */
function words(key: string): string[] {
  return key
    .replace(/([a-z])([A-Z0-9])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const ANSWER_WORDS = new Set([
  'response',
  'responses',
  'answer',
  'answers',
  'output',
  'outputs',
  'completion',
  'completions',
  'generation',
  'chosen',
  'rejected',
  'conversation',
]);
const LABEL_WORDS = new Set([
  'label',
  'labels',
  'winner',
  'preference',
  'pref',
  'verdict',
  'gold',
  'choice',
  'score',
  'rating',
]);
/** Words that make a column metadata about an answer (its model, id, length), not the answer. */
const NOT_CONTENT = new Set(['model', 'generator', 'id', 'raw', 'length', 'len', 'tokens', 'time']);

/**
 * Columns that look like answers or labels but that this format and mapping do not read (they
 * would only land in each item's meta). The import preview names them before anything is stored.
 */
export function unreadColumns(
  keys: readonly string[],
  format: FormatId,
  mapping: FieldMapping,
): { answers: string[]; labels: string[] } {
  const read = columnsRead(format, mapping);
  const answers: string[] = [];
  const labels: string[] = [];
  for (const key of keys) {
    if (read.has(key)) continue;
    const w = words(key);
    if (w.some((x) => NOT_CONTENT.has(x))) continue;
    if (w.some((x) => ANSWER_WORDS.has(x))) answers.push(key);
    // PandaLM's annotator1..3 are votes; a lone "annotator" (AlpacaEval) names the judge.
    else if (w.some((x) => LABEL_WORDS.has(x)) || /^annotator_?\d+$/i.test(key)) labels.push(key);
  }
  return { answers, labels };
}
