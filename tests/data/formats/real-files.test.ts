// The import formats against the real data files in ../shared/data: detection, counts and labels from their READMEs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  adaptRows,
  detectFormat,
  JsonlByteParser,
  parseCsvText,
  parseJsonlText,
  type LineResult,
} from '../../../src/lib/data/formats';

const data = (p: string) => fileURLToPath(new URL(`../../../../shared/data/${p}`, import.meta.url));

function labelCounts(labels: unknown[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const l of labels) c[String(l)] = (c[String(l)] ?? 0) + 1;
  return c;
}

describe.each([
  ['llmbar/llmbar.jsonl', 'arbiter', 419, { A: 206, B: 213 }],
  ['hhh-alignment/hhh_alignment.jsonl', 'arbiter', 221, null],
  ['evalbiasbench/evalbiasbench.jsonl', 'arbiter', 80, null],
  ['pandalm-test/pandalm_test.jsonl', 'arbiter', 999, null],
  ['fixtures-small/pairwise_small.jsonl', 'arbiter', 34, null],
  ['prompts/mt_bench_questions.jsonl', 'single', 80, { undefined: 80 }],
  ['prompts/arena_hard_v0.1_questions.jsonl', 'single', 500, { undefined: 500 }],
  ['prometheus-absolute/prometheus_absolute_gpt4.jsonl', 'single', 640, null],
] as const)('%s', (file, format, count, labels) => {
  const text = readFileSync(data(file), 'utf8');
  const parsed = parseJsonlText(text);
  const detected = detectFormat(parsed.rows.slice(0, 50).map((r) => r.value));
  const { items, errors } = adaptRows(parsed.rows, detected.format, detected.mapping);

  test('detects, parses and adapts every row', () => {
    expect(parsed.errors).toEqual([]);
    expect(detected.format).toBe(format);
    expect(errors).toEqual([]);
    expect(items).toHaveLength(count);
    // Ids come from the file, and meta keeps the original fields.
    expect(items[0]!.id).toBe((parsed.rows[0]!.value as { id: string }).id);
  });

  test('labels', () => {
    const got = labelCounts(items.map((i) => i.label));
    if (labels) expect(got).toEqual(labels);
    for (const k of Object.keys(got)) {
      if (format === 'arbiter') expect(['A', 'B', 'tie']).toContain(k);
      // A single-answer set's gold label is a score (or absent for prompts only).
      else expect(k === 'undefined' || Number.isFinite(Number(k))).toBe(true);
    }
  });

  test('the byte parser in small chunks gives the same rows', () => {
    const bytes = readFileSync(data(file));
    const p = new JsonlByteParser();
    const out: LineResult[] = [];
    for (let i = 0; i < bytes.length; i += 4099) out.push(...p.push(bytes.subarray(i, i + 4099)));
    out.push(...p.end());
    expect(out).toEqual(parsed.rows);
  });
});

test('prometheus: the score is the label, reference and rubric are mapped', () => {
  const parsed = parseJsonlText(
    readFileSync(data('prometheus-absolute/prometheus_absolute_gpt4.jsonl'), 'utf8'),
  );
  const d = detectFormat(parsed.rows.slice(0, 50).map((r) => r.value));
  expect(d.mapping).toMatchObject({
    prompt: 'prompt',
    responseA: 'response',
    label: 'label_score_1to5',
    reference: 'reference_answer',
    rubric: 'rubric',
  });
  const { items } = adaptRows(parsed.rows, d.format, d.mapping);
  expect(items.every((i) => typeof i.label === 'number' && i.label >= 1 && i.label <= 5)).toBe(
    true,
  );
});

test('MT-Bench prompts: first turn as prompt, every turn kept, prompt-only', () => {
  const parsed = parseJsonlText(readFileSync(data('prompts/mt_bench_questions.jsonl'), 'utf8'));
  const d = detectFormat(parsed.rows.slice(0, 50).map((r) => r.value));
  const { items } = adaptRows(parsed.rows, d.format, d.mapping);
  const first = items[0]!;
  expect(first.prompt).toMatch(/^Compose an engaging travel blog post/);
  expect(first.meta).toMatchObject({ promptOnly: true });
  const source = parsed.rows.map(
    (r) => r.value as { turns: string[]; reference_answer_gpt4: string[] | null },
  );
  expect(items.map((i) => i.conversation?.questions)).toEqual(source.map((s) => s.turns));
  expect(items.map((i) => i.conversation?.references)).toEqual(
    source.map((s) => s.reference_answer_gpt4 ?? undefined),
  );
  expect(items.filter((i) => i.reference !== undefined)).toHaveLength(30);
});

test('LLMBar published accuracies parse as CSV', () => {
  const { rows, errors } = parseCsvText(
    readFileSync(data('llmbar/published_accuracy.csv'), 'utf8'),
  );
  expect(errors).toEqual([]);
  expect(rows).toHaveLength(349);
  expect(rows[0]!.value).toMatchObject({
    set: 'LLMBar/Adversarial/GPTInst',
    evaluator: 'ChatGPT-0301',
    strategy: 'CoT',
    accuracy_avg_pct: '35.87',
  });
});
