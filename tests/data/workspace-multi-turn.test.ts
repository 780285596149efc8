// Multi-turn items survive the workspace file and the judgments JSONL export with every turn.
import { describe, expect, test } from 'vitest';
import { judgmentsToJsonl } from '../../src/lib/data/export';
import {
  isRowError,
  parseWorkspaceLine,
  workspaceHeader,
  workspaceLines,
  type WorkspaceRecord,
} from '../../src/lib/data/workspace';
import { makeItem, makeJudgment } from '../store/fixtures';

const conversation = {
  questions: ['Q1', 'Q2 <b>two</b>'],
  answersA: ['A1', 'A2'],
  answersB: ['B1', 'B2'],
  references: ['R1', 'R2'],
};
const item = makeItem({ prompt: 'Q1', responseA: 'A1', responseB: 'B1', conversation });

describe('multi-turn items in exports', () => {
  test('the workspace file writes the conversation and reads it back equal', () => {
    const lines = [...workspaceLines(workspaceHeader('test'), { items: [item] })];
    const rec = parseWorkspaceLine(lines[1]!, 2) as WorkspaceRecord;
    expect(rec.kind).toBe('item');
    expect(rec.record).toEqual(item);
  });

  test('a workspace item whose conversation is malformed is refused with its line', () => {
    const bad = { ...item, conversation: { questions: ['only one'], answersA: [] } };
    const r = parseWorkspaceLine(JSON.stringify({ kind: 'item', record: bad }), 4);
    expect(isRowError(r)).toBe(true);
    expect(r).toMatchObject({ line: 4, reason: expect.stringMatching(/^item: /) as unknown });
  });

  test('the judgments JSONL export carries every turn with the item', async () => {
    const lines: string[] = [];
    for await (const l of judgmentsToJsonl([{ judgment: makeJudgment(), item }], { source: 't' }))
      lines.push(l);
    const row = JSON.parse(lines[1]!) as { item: { conversation: unknown } };
    expect(row.item.conversation).toEqual(conversation);
  });
});
