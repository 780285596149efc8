// The CLI with several --model: one panel over two endpoints of the local OpenAI-compatible server (one model each), one workspace file the app imports as a panel.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../cli/args';
import type { WorkspaceRecord } from '../../src/lib/data/workspace';
import { importWorkspace } from '../../src/lib/run/workspace-io';
import { createRepositories } from '../../src/lib/store';
import { runCli } from '../support/cli-process';
import { alternatingRows, cliSandbox, readWorkspace } from '../support/cli-sandbox';
import { markerJudge, type TestServer } from '../support/openai-server';
import { openTestDb } from '../store/fixtures';

describe('parseCli with several --model', () => {
  const base = ['judge', 'd.jsonl', '--endpoint', 'http://127.0.0.1:1/v1', '--out', 'o.jsonl'];

  it('keeps every model in order; one --model is a list of one', () => {
    const cfg = parseCli([...base, '--model', 'b', '--model', 'a']);
    expect(cfg).toMatchObject({ model: 'b', models: ['b', 'a'] });
    expect(parseCli([...base, '--model', 'a'])).toMatchObject({ model: 'a', models: ['a'] });
  });

  it('refuses a model twice, and per-run exports with a panel', () => {
    expect(() => parseCli([...base, '--model', 'a', '--model', 'a'])).toThrow(UsageError);
    expect(() => parseCli([...base, '--model', 'a', '--model', 'a'])).toThrow(/given twice/);
    expect(() => parseCli([...base, '--model', 'a', '--model', 'b', '--format', 'csv'])).toThrow(
      /--format takes one --model/,
    );
  });
});

const cli = cliSandbox('arbiter-panel-');
const N = 12;
const dataset = (name: string) => cli.jsonl(name, alternatingRows(N));
const records = (file: string) => readWorkspace(file).records;

describe('arbiter judge --model a --model b (the built CLI)', () => {
  it('two endpoints, one model each: one file with both runs, every judgment once, and the panel; a re-run adds nothing', async () => {
    // judge-good reads the answers; judge-first always says A (it flips on every item).
    const good = await cli.server({ models: [{ id: 'judge-good' }], handler: markerJudge });
    const first = await cli.server({
      models: [{ id: 'judge-first' }],
      handler: () => ({ text: '<think>The first one.</think> <answer>[[A]]</answer>' }),
    });
    const input = dataset('pairs.jsonl');
    const out = cli.path('panel.jsonl');
    const args = [
      'judge',
      input,
      '--endpoint',
      good.url,
      '--endpoint',
      first.url,
      '--model',
      'judge-good',
      '--model',
      'judge-first',
      '--both-orders',
      '--concurrency',
      '4',
      '--out',
      out,
    ];
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Panel panel-cli-[0-9a-f]{16}: 2 members/);

    // Each endpoint judged only for the model it serves (the connection probes ask every one).
    const judgedFor = (s: TestServer) =>
      new Set(
        s.requests
          .filter((q) => JSON.stringify(q.body?.messages ?? '').includes('Question'))
          .map((q) => q.body?.model),
      );
    expect(judgedFor(good)).toEqual(new Set(['judge-good']));
    expect(judgedFor(first)).toEqual(new Set(['judge-first']));

    const recs = records(out);
    const of = <K extends WorkspaceRecord['kind']>(k: K) =>
      recs
        .filter((x): x is Extract<WorkspaceRecord, { kind: K }> => x.kind === k)
        .map((x) => x.record as Extract<WorkspaceRecord, { kind: K }>['record']);
    expect(of('dataset')).toHaveLength(1);
    expect(of('item')).toHaveLength(N);
    const panels = of('panel');
    expect(panels).toHaveLength(1);
    const panel = panels[0]!;
    const runs = new Map(of('run').map((run) => [run.id, run])); // the last copy of each run wins
    expect(panel.memberRunIds.map((id) => runs.get(id)?.config.modelId)).toEqual([
      'judge-good',
      'judge-first',
    ]);
    for (const id of panel.memberRunIds) {
      expect(runs.get(id)).toMatchObject({ panelId: panel.id, status: 'done' });
      const js = of('judgment').filter((j) => j.runId === id);
      expect(js).toHaveLength(2 * N);
      expect(new Set(js.map((j) => j.key)).size).toBe(2 * N);
    }

    const again = await runCli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 new judgments \(24 resumed\)/);
    const after = records(out);
    expect(after.filter((x) => x.kind === 'judgment')).toHaveLength(4 * N);
    expect(after.filter((x) => x.kind === 'panel')).toHaveLength(1);
    expect(after.filter((x) => x.kind === 'item')).toHaveLength(N);

    // The app imports it as the panel, with both members done.
    const db = await openTestDb();
    try {
      const repos = createRepositories(db.db);
      const report = await importWorkspace(repos, readFileSync(out, 'utf8'));
      expect(report.errors).toEqual([]);
      expect(report.added).toMatchObject({ dataset: 1, item: N, panel: 1, judgment: 4 * N });
      const stored = await repos.panels.get(panel.id);
      const members = await repos.panels.members(stored!);
      expect(members.map((m) => [m.config.modelId, m.status, m.panelId])).toEqual([
        ['judge-good', 'done', panel.id],
        ['judge-first', 'done', panel.id],
      ]);
      // By hand: judge-good is right in both orders on all 12 items; judge-first says A in both
      // orders, so every item flips and it has no consistent verdict.
      const goodJs = await repos.judgments.byRun(members[0]!.id);
      const items = new Map(
        (await repos.items.byDataset(stored!.datasetId, { from: 0, limit: N })).map((i) => [
          i.id,
          i,
        ]),
      );
      expect(goodJs.every((j) => j.verdict === items.get(j.itemId)?.label)).toBe(true);
      const firstJs = await repos.judgments.byRun(members[1]!.id);
      expect(firstJs.filter((j) => j.order === 'AB').every((j) => j.verdict === 'A')).toBe(true);
      expect(firstJs.filter((j) => j.order === 'BA').every((j) => j.verdict === 'B')).toBe(true);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('a model no endpoint serves: exit 2 naming it; the other member’s work is kept', async () => {
    const good = await cli.server({ models: [{ id: 'judge-good' }], handler: markerJudge });
    const out = cli.path('missing.jsonl');
    const r = await runCli([
      'judge',
      dataset('pairs2.jsonl'),
      '--endpoint',
      good.url,
      '--model',
      'judge-good',
      '--model',
      'nowhere',
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model nowhere: .*does not serve “nowhere”/);
    const recs = records(out);
    expect(recs.filter((x) => x.kind === 'judgment')).toHaveLength(2 * N);
    expect(recs.filter((x) => x.kind === 'panel')).toHaveLength(0);
  }, 120_000);
});
