// Review digests (fake-indexeddb): every judgment write keeps its run's digest current; a stale one is rebuilt.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, test } from 'vitest';
import { createRepositories, type Repositories as Repos } from '../../src/lib/store';
import { COMPACT_CHUNK, DigestStore, packChunks } from '../../src/lib/store/digest-read';
import {
  DIGEST_CHUNK,
  PROMPT_SNIPPET,
  decodeChunk,
  encodeChunk,
  digestRange,
  itemFacts,
  judgmentFacts,
} from '../../src/lib/store/digests';
import type { ArbiterDatabase } from '../../src/lib/store/db';
import type { JudgmentRecord } from '../../src/lib/store/schema';
import { buildV1Database } from './upgrade-scenario';
import { openArbiterDB } from '../../src/lib/store/db';
import { deleteDB } from 'idb';
import { freshDbName, makeDataset, makeItem, makeJudgment, makeRun, openTestDb } from './fixtures';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

type Repositories = Repos & { digests: DigestStore };

/** The repositories with the review pages' digest reader. */
function withDigests(db: ArbiterDatabase): Repositories {
  return { ...createRepositories(db), digests: new DigestStore(db) };
}

async function setup(items = 400): Promise<{ db: ArbiterDatabase; repos: Repositories }> {
  const t = await openTestDb();
  close = t.close;
  const repos = withDigests(t.db);
  const list = Array.from({ length: items }, (_, i) =>
    makeItem({
      id: `item-${i}`,
      index: i,
      label: i % 3 === 0 ? 'B' : 'A',
      category: i % 2 ? 'odd' : undefined,
      meta: i % 2 ? {} : { subset: 'even' },
      modelA: 'm1',
      modelB: 'm2',
      prompt: `Prompt ${i} `.padEnd(500, 'p'),
      responseA: 'a'.repeat(10 + i),
      responseB: 'b'.repeat(20 + (i % 7)),
    }),
  );
  await repos.datasets.import(makeDataset({ itemCount: items }), list);
  await repos.runs.put(makeRun());
  return { db: t.db, repos };
}

function judgments(from: number, to: number, over: Partial<JudgmentRecord> = {}): JudgmentRecord[] {
  const out: JudgmentRecord[] = [];
  for (let i = from; i < to; i++)
    for (const order of ['AB', 'BA'] as const)
      out.push(
        makeJudgment({
          id: `j-${i}-${order}`,
          itemId: `item-${i}`,
          order,
          verdict: (i + (order === 'BA' ? 1 : 0)) % 3 === 0 ? 'B' : 'A',
          parse: i % 11 === 0 ? 'repaired' : 'ok',
          createdAt: 1_700_000_000_000 + i * 2 + (order === 'BA' ? 1 : 0),
          ...over,
        }),
      );
  return out;
}

/** The digest the stored records imply: what a review would read without it. */
async function expected(repos: Repositories, runId = 'run-1') {
  const js = await repos.judgments.byRun(runId);
  const ids = [...new Set(js.map((j) => j.itemId))];
  const items = (await repos.items.getMany(ids)).filter((i) => i !== undefined);
  return {
    judgments: js.map(judgmentFacts).sort((a, b) => (a.id < b.id ? -1 : 1)),
    items: new Map(items.map((i) => [i.id, itemFacts(i)])),
  };
}

async function current(repos: Repositories, runId = 'run-1') {
  const d = await repos.digests.read(runId);
  expect(d, 'digest is current').not.toBeNull();
  return { judgments: [...d!.judgments].sort((a, b) => (a.id < b.id ? -1 : 1)), items: d!.items };
}

describe('review digest', () => {
  test('item facts hold what rows need and no texts', () => {
    const f = itemFacts(
      makeItem({
        prompt: 'x'.repeat(1000),
        responseA: 'abc',
        responseB: 'de',
        meta: { subset: 'S' },
      }),
    );
    expect(f).toEqual({
      id: 'item-1',
      datasetId: 'ds-1',
      index: 0,
      label: 'A',
      subset: 'S',
      prompt: 'x'.repeat(PROMPT_SNIPPET),
      lenA: 3,
      lenB: 2,
    });
    const j = judgmentFacts(makeJudgment());
    expect(j).not.toHaveProperty('text');
    expect(j.usage).toEqual({ promptTokens: 312, completionTokens: 48, totalMs: 1900 });
  });

  test('chunks are stored by column and read back as the same facts', () => {
    const judgmentsIn = [
      makeJudgment(),
      makeJudgment({
        id: 'j-2',
        order: 'BA',
        sample: 1,
        verdict: null,
        parse: 'failed',
        probabilities: null,
      }),
      makeJudgment({
        id: 'j-3',
        verdict: 'tie',
        parse: 'repaired',
        probabilities: { A: 0.2, B: 0.3, tie: 0.5 },
      }),
      makeJudgment({
        id: 'j-4',
        protocol: 'single',
        verdict: null,
        score: 7.5,
        probabilities: undefined,
      }),
    ].map(judgmentFacts);
    const itemsIn = [
      itemFacts(makeItem()),
      itemFacts(makeItem({ id: 'single', responseB: undefined, label: 8, datasetId: undefined })),
      itemFacts(makeItem({ id: 'm', modelA: 'x', modelB: 'y', label: undefined, category: 'c' })),
    ];
    const open = { runId: 'run-1', chunk: 3, judgments: judgmentsIn, items: itemsIn };
    const stored = encodeChunk(open);
    expect(stored.judgments.num).toBeInstanceOf(Float64Array);
    expect(stored.judgments.codes).toBe('AAoB-fAtrA-o');
    expect(decodeChunk(structuredClone(stored))).toEqual(open);
  });

  test('batched putMany (the batch runner) keeps it current across chunks, with the run patch', async () => {
    const { db, repos } = await setup();
    for (let i = 0; i < 300; i += 25)
      await repos.judgments.putMany(judgments(i, i + 25), {
        id: 'run-1',
        patch: { progress: { total: 600, done: 2 * (i + 25), failed: 0 } },
      });
    expect(await current(repos)).toEqual(await expected(repos));
    expect(await db.count('digests', digestRange('run-1'))).toBe(Math.ceil(600 / DIGEST_CHUNK));
    expect((await repos.runs.get('run-1'))?.progress.done).toBe(600);
  });

  test('single puts (Judge page, meta-judge) and a judgment written again (last wins)', async () => {
    const { repos } = await setup();
    for (const j of judgments(0, 5)) await repos.judgments.put(j);
    await repos.judgments.put({ ...judgments(2, 3)[1]!, verdict: 'tie', parse: 'failed' });
    const d = await current(repos);
    expect(d).toEqual(await expected(repos));
    expect(d.judgments.find((j) => j.id === 'j-2-BA')).toMatchObject({
      verdict: 'tie',
      parse: 'failed',
    });
  });

  test('two runs in one putMany (a workspace import) each get theirs', async () => {
    const { repos } = await setup();
    await repos.runs.put(makeRun({ id: 'run-2' }));
    await repos.judgments.putMany([
      ...judgments(0, 10),
      ...judgments(5, 20, { runId: 'run-2' }).map((j) => ({ ...j, id: `r2-${j.id}` })),
    ]);
    expect(await current(repos, 'run-1')).toEqual(await expected(repos, 'run-1'));
    expect(await current(repos, 'run-2')).toEqual(await expected(repos, 'run-2'));
    expect((await current(repos, 'run-2')).judgments).toHaveLength(30);
  });

  test('a write past the repositories makes it stale; get() rebuilds it with progress and stores it', async () => {
    const { db, repos } = await setup();
    await repos.judgments.putMany(judgments(0, 100));
    await db.put('judgments', judgments(100, 101)[0]!);
    expect(await repos.digests.read('run-1')).toBeNull();
    const progress: [number, number][] = [];
    const built = await repos.digests.get('run-1', (done, total) => progress.push([done, total]));
    expect(built.judgments).toHaveLength(201);
    expect(progress[0]).toEqual([0, 201]);
    expect(progress.at(-1)).toEqual([201, 201]);
    expect(await current(repos)).toEqual(await expected(repos));
  });

  test('a run from before digests (none stored) is rebuilt; deleting a judgment marks it stale', async () => {
    const { db, repos } = await setup();
    await repos.judgments.putMany(judgments(0, 300));
    await db.clear('digests');
    expect(await repos.digests.read('run-1')).toBeNull();
    await repos.digests.get('run-1');
    expect(await current(repos)).toEqual(await expected(repos));
    // Rebuilt compact: one large chunk, then a small tail for appends.
    expect(await db.count('digests', digestRange('run-1'))).toBe(2);
    await repos.judgments.delete('j-7-AB');
    expect(await repos.digests.read('run-1')).toBeNull();
    await repos.digests.get('run-1');
    expect(await current(repos)).toEqual(await expected(repos));
  });

  test('packChunks: large chunks, then a tail of at most DIGEST_CHUNK with every item of its judgments', () => {
    const items = new Map(
      [0, 1, 2].map((i) => [`item-${i}`, itemFacts(makeItem({ id: `item-${i}` }))]),
    );
    const facts = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        judgmentFacts(makeJudgment({ id: `j${i}`, itemId: `item-${i % 3}` })),
      );
    const sizes = (n: number) => packChunks('r', facts(n), items).map((c) => c.judgments.length);
    expect(sizes(0)).toEqual([]);
    expect(sizes(10)).toEqual([10]);
    expect(sizes(DIGEST_CHUNK)).toEqual([DIGEST_CHUNK]);
    expect(sizes(DIGEST_CHUNK + 1)).toEqual([DIGEST_CHUNK, 1]);
    expect(sizes(2 * COMPACT_CHUNK + 100)).toEqual([COMPACT_CHUNK, COMPACT_CHUNK, 64, 36]);
    expect(sizes(20_000)).toEqual([4096, 4096, 4096, 4096, 3584, 32]);
    const packed = packChunks('r', facts(DIGEST_CHUNK + 1), items);
    expect(packed.map((c) => c.chunk)).toEqual([0, 1]);
    expect(packed[1]!.items.map((i) => i.id)).toEqual(['item-1']); // j64 judges item-(64 % 3)
    expect(packed[0]!.items.map((i) => i.id).sort()).toEqual(['item-0', 'item-1', 'item-2']);
  });

  test('compact() rewrites appended chunks into few, stays current, and later appends still land', async () => {
    const { db, repos } = await setup();
    for (let i = 0; i < 300; i += 20) await repos.judgments.putMany(judgments(i, i + 20));
    await repos.judgments.put({ ...judgments(4, 5)[0]!, verdict: 'tie' });
    expect(await db.count('digests', digestRange('run-1'))).toBe(Math.ceil(601 / DIGEST_CHUNK));
    const before = await repos.digests.read('run-1');
    expect(before?.chunks).toBe(10);
    expect(await repos.digests.compact('run-1')).toBe(true);
    expect(await db.count('digests', digestRange('run-1'))).toBe(2);
    expect(await current(repos)).toEqual(await expected(repos));
    expect((await current(repos)).judgments.find((j) => j.id === 'j-4-AB')?.verdict).toBe('tie');
    // Already compact: nothing to do.
    expect(await repos.digests.compact('run-1')).toBe(false);
    // Appends go to the small tail chunk, then new chunks after it.
    await repos.judgments.putMany(judgments(300, 400));
    expect(await current(repos)).toEqual(await expected(repos));
    expect(await db.count('digests', digestRange('run-1'))).toBe(2 + Math.ceil((200 - 40) / 64));
  });

  test('compact() leaves a stale digest alone (the next read rebuilds it)', async () => {
    const { db, repos } = await setup();
    for (let i = 0; i < 300; i += 20) await repos.judgments.putMany(judgments(i, i + 20));
    await db.put('judgments', judgments(300, 301)[0]!);
    expect(await repos.digests.compact('run-1')).toBe(false);
    expect(await db.count('digests', digestRange('run-1'))).toBe(10);
    expect(await repos.digests.read('run-1')).toBeNull();
  });

  test('a judgment written before its item: the item is missing from the digest until rebuilt', async () => {
    const { repos } = await setup(0);
    await repos.judgments.put(makeJudgment({ itemId: 'late' }));
    expect((await current(repos)).items.has('late')).toBe(false);
    await repos.items.put(makeItem({ id: 'late' }));
    await repos.digests.rebuild('run-1');
    expect((await current(repos)).items.get('late')).toEqual(itemFacts(makeItem({ id: 'late' })));
  });

  test('deleting a run, its judgments, or its dataset deletes its digest', async () => {
    const { db, repos } = await setup();
    await repos.runs.put(makeRun({ id: 'run-2' }));
    await repos.runs.put(makeRun({ id: 'run-3' }));
    await repos.judgments.putMany(judgments(0, 10));
    await repos.judgments.putMany(
      judgments(0, 10, { runId: 'run-2' }).map((j) => ({ ...j, id: `2${j.id}` })),
    );
    await repos.judgments.putMany(
      judgments(0, 10, { runId: 'run-3' }).map((j) => ({ ...j, id: `3${j.id}` })),
    );
    await repos.judgments.deleteRun('run-2');
    expect(await db.count('digests', digestRange('run-2'))).toBe(0);
    await repos.runs.delete('run-3');
    expect(await db.count('digests', digestRange('run-3'))).toBe(0);
    expect(await db.count('digests', digestRange('run-1'))).toBe(1);
    await repos.datasets.delete('ds-1');
    expect(await db.count('digests')).toBe(0);
  });
});

describe('upgrade to v3 from the frozen v1 fixture', () => {
  test("the digests store starts empty and the first review builds each run's digest from its records", async () => {
    const n = freshDbName();
    await buildV1Database(n);
    const db = await openArbiterDB(n);
    close = async () => {
      db.close();
      await deleteDB(n);
    };
    expect(await db.count('digests')).toBe(0);
    const repos = withDigests(db);
    for (const runId of ['run-1', 'one']) {
      expect(await repos.digests.read(runId)).toBeNull();
      const built = await repos.digests.get(runId);
      expect(built.judgments.length).toBeGreaterThan(0);
      expect(await current(repos, runId)).toEqual(await expected(repos, runId));
    }
    // A write after the upgrade appends to the built digest, which stays current.
    const [last] = await repos.judgments.byRun('run-1');
    await repos.judgments.put({ ...last!, id: 'after-upgrade', createdAt: last!.createdAt + 1 });
    expect(await current(repos, 'run-1')).toEqual(await expected(repos, 'run-1'));
  });
});
