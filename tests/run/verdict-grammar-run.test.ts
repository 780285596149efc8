// The run layer's side of #19: llama.cpp pairs under the protocol grammar, and continued judgments stored as such.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { getTemplate, type Template } from '../../src/lib/judge';
import type { GenerateRequest } from '../../src/lib/engine/types';
import { createRepositories, type Repositories } from '../../src/lib/store';
import {
  judgeConfig,
  judgmentParams,
  planJudgments,
  runPair,
  type PairContext,
  type PairOptions,
} from '../../src/lib/run/pair';
import { DeterministicEngine } from '../support/deterministic-engine';
import { gbnfAccepts } from '../support/gbnf-match';
import { openTestDb } from '../store/fixtures';

const options: PairOptions = {
  bothOrders: true,
  allowTie: true,
  samples: 1,
  temperature: 0,
  seed: 42,
  maxTokens: 512,
  logprobs: false,
  constrained: true,
};

function ctx(engine: 'wllama' | 'webllm' | 'test', opts: Partial<PairOptions> = {}): PairContext {
  return {
    item: { prompt: 'Capital of France?', responseA: 'Paris.', responseB: 'Lyon.' },
    template: getTemplate('mt-bench-pair') as Template,
    options: { ...options, ...opts },
    model: { engine, modelId: 'judge', thinking: false },
  };
}

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;
beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
});
afterEach(async () => {
  await db.close();
});

describe('constrained pairs per engine', () => {
  test('llama.cpp: the protocol grammar, recorded in the params (and so in the key)', async () => {
    const c = ctx('wllama');
    expect(judgeConfig(c).constraint).toBe('grammar');
    expect(judgmentParams(c).constraint).toBe('grammar');
    const [json] = await planJudgments({ ...c, model: { ...c.model, engine: 'test' } });
    const [grammar] = await planJudgments(c);
    expect(grammar?.key).not.toBe(json?.key);
  });

  // #19 item 5 switched web-llm to the protocol grammar (XGrammar parses every one:
  // verdict-grammar-xgrammar.test.ts); an engine without grammars keeps the JSON form.
  test('web-llm takes the protocol grammar too; the test engine keeps the JSON form; unconstrained llama.cpp records no constraint', () => {
    expect(judgeConfig(ctx('webllm')).constraint).toBe('grammar');
    expect(judgmentParams(ctx('webllm')).constraint).toBe('grammar');
    expect(judgeConfig(ctx('test')).constraint).toBeUndefined();
    expect(judgmentParams(ctx('test')).constraint).toBeUndefined();
    expect(judgmentParams(ctx('wllama', { constrained: false })).constraint).toBeUndefined();
  });

  test('a cut-off judgment is continued under the verdict grammar and stored as continued', async () => {
    const c = ctx('wllama', { maxTokens: 6 });
    const continuation = (r: GenerateRequest) => r.messages.at(-2)?.role === 'assistant';
    const engine = new DeterministicEngine({
      respond: (r) =>
        continuation(r) ? '[[A]]' : 'Assistant A names the right city and assistant B does not, so',
    });
    const res = await runPair(repos, engine, c, await planJudgments(c));
    await res.saved;
    const grammars = engine.requests.map((r) =>
      r.response_format?.type === 'grammar' ? r.response_format.grammar : '',
    );
    expect(engine.requests.filter(continuation)).toHaveLength(2);
    // The first request of each order carries the whole grammar, the continuation the verdict alone.
    expect(gbnfAccepts(grammars[0] ?? '', 'A is right. [[A]]')).toBe(true);
    expect(gbnfAccepts(grammars[1] ?? '', '[[A]]')).toBe(true);
    expect(gbnfAccepts(grammars[1] ?? '', 'A is right. [[A]]')).toBe(false);
    const stored = await repos.judgments.byRun(res.runId);
    expect(stored.map((j) => [j.continued, j.parse])).toEqual([
      [true, 'ok'],
      [true, 'ok'],
    ]);
  });
});
