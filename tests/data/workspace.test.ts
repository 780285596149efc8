// Workspace file format: header, one record per line, strict reading with row-numbered errors, no prototype pollution.
import { describe, expect, test } from 'vitest';
import {
  isRowError,
  parseWorkspaceHeader,
  parseWorkspaceLine,
  workspaceHeader,
  workspaceLines,
  type WorkspaceRecord,
} from '../../src/lib/data/workspace';
import { makeDataset, makeItem, makeJudgment, makeRun } from '../store/fixtures';

const header = workspaceHeader('test', new Date('2026-01-02T03:04:05Z'));

describe('workspace file', () => {
  test('writes a header then every record, and reads them back equal', () => {
    const content = {
      datasets: [makeDataset({ itemCount: 1 })],
      items: [makeItem({ prompt: 'line\nbreak "quoted" <script>x</script>' })],
      runs: [makeRun()],
      judgments: [makeJudgment()],
      labels: [
        { itemId: 'item-1', label: 'B' as const, note: 'n', updatedAt: 5, datasetId: 'ds-1' },
      ],
    };
    const lines = [...workspaceLines(header, content)];
    expect(lines).toHaveLength(6);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(parseWorkspaceHeader(lines[0]!)).toEqual(header);
    const recs = lines.slice(1).map((l, i) => parseWorkspaceLine(l, i + 2));
    expect(recs.map((r) => (r as WorkspaceRecord).kind)).toEqual([
      'dataset',
      'item',
      'run',
      'judgment',
      'label',
    ]);
    expect((recs[0] as WorkspaceRecord).record).toEqual(content.datasets[0]);
    expect((recs[1] as WorkspaceRecord).record).toEqual(content.items[0]);
    expect((recs[2] as WorkspaceRecord).record).toEqual(content.runs[0]);
    expect((recs[3] as WorkspaceRecord).record).toEqual(content.judgments[0]);
    expect((recs[4] as WorkspaceRecord).record).toEqual(content.labels[0]);
  });

  test('runs and judgments of every engine read back, llama.cpp (wllama) among them', () => {
    for (const engine of ['webllm', 'openai', 'wllama', 'test'] as const) {
      const run = makeRun();
      const judgment = { ...makeJudgment(), engine };
      const lines = [
        ...workspaceLines(header, {
          datasets: [],
          items: [],
          runs: [{ ...run, config: { ...run.config, engine } }],
          judgments: [judgment],
          labels: [],
        }),
      ];
      const recs = lines.slice(1).map((l, i) => parseWorkspaceLine(l, i + 2));
      expect(recs.filter(isRowError), engine).toEqual([]);
      expect((recs[1] as WorkspaceRecord).record).toEqual(judgment);
    }
  });

  test.each([
    ['not JSON', '{oops', /not JSON/],
    ['an array', '[1,2]', /not a JSON object/],
    ['unknown kind', '{"kind":"user","record":{}}', /unknown kind/],
    ['missing field', '{"kind":"item","record":{"id":"x","index":0,"meta":{}}}', /item: prompt/],
    [
      'wrong type',
      `{"kind":"judgment","record":${JSON.stringify({ ...makeJudgment(), verdict: 'C' })}}`,
      /judgment: verdict/,
    ],
  ])('a bad line (%s) is a RowError with its line number', (_name, line, reason) => {
    const r = parseWorkspaceLine(line, 7);
    expect(isRowError(r)).toBe(true);
    expect(r).toMatchObject({ line: 7, reason: expect.stringMatching(reason) as unknown });
  });

  test('the error names the record id when there is one', () => {
    const r = parseWorkspaceLine('{"kind":"run","record":{"id":"run-9"}}', 3);
    expect(r).toMatchObject({ line: 3, id: 'run-9' });
  });

  test('__proto__ and constructor keys are dropped, never reach a prototype', () => {
    const item = makeItem();
    const line = `{"kind":"item","record":${JSON.stringify(item).replace(
      '"meta":{}',
      '"meta":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}},"__proto__":{"polluted":3}',
    )}}`;
    const r = parseWorkspaceLine(line, 2) as WorkspaceRecord;
    expect(r.kind).toBe('item');
    expect(r.record).toEqual(item);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf((r.record as { meta: object }).meta)).toBe(Object.prototype);
  });

  test('the header is checked: other files and newer versions are refused with a reason', () => {
    expect(parseWorkspaceHeader('\uFEFF' + JSON.stringify(header))).toEqual(header);
    expect(parseWorkspaceHeader('{"type":"arbiter-judgments","version":1}')).toMatchObject({
      line: 1,
      reason: expect.stringContaining('not an Arbiter workspace header') as unknown,
    });
    expect(parseWorkspaceHeader('{"type":"arbiter-workspace","version":2}')).toMatchObject({
      reason: expect.stringContaining('version 2') as unknown,
    });
    expect(isRowError(parseWorkspaceHeader('PK\u0003\u0004'))).toBe(true);
  });
});
