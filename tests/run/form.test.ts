// The new-run form: the filter it names, the default output budget, the measured speed, the estimate and the run record it creates.
import { describe, expect, test } from 'vitest';
import type { ModelSpec } from '../../src/lib/engine/types';
import { getTemplate, templates, type Template } from '../../src/lib/judge';
import {
  defaultMaxTokens,
  emptyRunForm,
  formEstimate,
  formFilter,
  measuredSpeed,
  runFromForm,
} from '../../src/lib/run/form';
import { makeItem } from '../store/fixtures';

const spec: ModelSpec = {
  modelId: 'test-judge',
  modelUrl: 'https://example.org/m/',
  modelLibUrl: 'https://example.org/m.wasm',
  contextWindow: 4096,
  thinking: true,
};
const j1 = getTemplate('j1-pairwise') as Template;
const items = Array.from({ length: 4 }, (_, i) => makeItem({ id: `it-${i}`, index: i }));

describe('run form', () => {
  test('empty and zero fields select everything; set ones become the filter', () => {
    expect(formFilter(emptyRunForm())).toEqual({});
    const f = {
      ...emptyRunForm(),
      from: 0,
      to: 9,
      limit: 3,
      categories: ['math'],
      labels: ['A' as const],
    };
    expect(formFilter(f)).toEqual({ to: 9, limit: 3, categories: ['math'], labels: ['A'] });
  });

  test('the default budget: 8 tokens for a verdict-only template, else by thinking, at most half the window', () => {
    const verdictOnly = templates.find((t) => t.family === 'verdict-only');
    expect(verdictOnly).toBeDefined();
    expect(defaultMaxTokens(verdictOnly as Template, spec)).toBe(8);
    expect(defaultMaxTokens(j1, spec)).toBe(2048);
    expect(defaultMaxTokens(j1, { ...spec, thinking: false })).toBe(1024);
    expect(defaultMaxTokens(j1, { ...spec, contextWindow: 1000 })).toBe(500);
  });

  test('the test prompt measurement wins over the calibration; nothing measured is null', () => {
    expect(
      measuredSpeed(
        { decodeTokensPerS: 30, prefillTokensPerS: null },
        { decodeTokensPerS: 10, prefillTokensPerS: 500 },
      ),
    ).toEqual({
      decodeTokensPerS: 30,
      prefillTokensPerS: 500,
    });
    expect(measuredSpeed(null, undefined)).toEqual({
      decodeTokensPerS: null,
      prefillTokensPerS: null,
    });
  });

  test('an estimate needs a model and items; it counts both orders', () => {
    const speed = { decodeTokensPerS: null, prefillTokensPerS: null };
    expect(formEstimate(items, emptyRunForm(), j1, undefined, speed)).toBeNull();
    expect(formEstimate([], emptyRunForm(), j1, spec, speed)).toBeNull();
    const est = formEstimate(items, emptyRunForm(), j1, spec, speed);
    expect(est).toMatchObject({ items: 4, generations: 8 });
  });

  test('the run record carries the form, the default budget and the estimate', () => {
    const form = { ...emptyRunForm(), datasetId: 'ds-1', name: '  nightly  ', limit: 2 };
    const est = formEstimate(items, form, j1, spec, {
      decodeTokensPerS: null,
      prefillTokensPerS: null,
    });
    const run = runFromForm(form, j1, 'test', spec, est);
    expect(run).toMatchObject({
      datasetId: 'ds-1',
      name: 'nightly',
      status: 'running',
      config: { engine: 'test', modelId: 'test-judge', templateId: 'j1-pairwise' },
    });
    expect(run.spec).toMatchObject({
      filter: { limit: 2 },
      options: { maxTokens: 2048 },
      thinking: true,
    });
    expect(run.progress.total).toBe(est?.generations);
    // The form itself is left as the user set it.
    expect(form.options.maxTokens).toBe(0);
  });
});
