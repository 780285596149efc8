// The import session drives the parse worker through read, review, store, cancel and failure, and lists nothing it did not finish.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ImportWorker } from '../../src/lib/data/import/client';
import type { FromWorker, ToWorker } from '../../src/lib/data/import/protocol';
import {
  deleteDataset,
  emptyImportView,
  importErrorsCsv,
  ImportSession,
  mappingProblem,
  withMapping,
  type ImportStorage,
  type ImportView,
} from '../../src/lib/data/import/session';
import { createRepositories, StoreError, type Repositories } from '../../src/lib/store';
import { makeItem, openTestDb } from '../store/fixtures';

/** A worker the test answers for; `next(type)` resolves when the session posts that message. */
class FakeWorker implements ImportWorker {
  posts: ToWorker[] = [];
  terminated = false;
  onmessage: ((m: FromWorker) => void) | null = null;
  onerror: ((message: string) => void) | null = null;
  private waiting: { type: ToWorker['type']; resolve: (m: ToWorker) => void }[] = [];

  post(m: ToWorker): void {
    this.posts.push(m);
    for (const w of this.waiting.filter((w) => w.type === m.type)) w.resolve(m);
    this.waiting = this.waiting.filter((w) => w.type !== m.type);
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(m: FromWorker): void {
    this.onmessage?.(m);
  }
  next<T extends ToWorker['type']>(type: T): Promise<Extract<ToWorker, { type: T }>> {
    const seen = this.posts.find((m) => m.type === type);
    if (seen) return Promise.resolve(seen as Extract<ToWorker, { type: T }>);
    return new Promise((resolve) =>
      this.waiting.push({ type, resolve: (m) => resolve(m as Extract<ToWorker, { type: T }>) }),
    );
  }
}

const sample: FromWorker = {
  type: 'sample',
  kind: 'jsonl',
  rows: [{ q: 'Why?', a: 'Because.', b: 'No.' }],
  keys: ['q', 'a', 'b'],
  detected: { format: 'arbiter', mapping: { prompt: 'q', responseA: 'a', responseB: 'b' } },
  notes: [],
};
const parsed = (rows: number, errorCount = 0): FromWorker => ({
  type: 'parsed',
  rows,
  errors: Array.from({ length: errorCount }, (_, i) => ({ line: i + 1, reason: 'bad JSON' })),
  errorCount,
  totalBytes: 100,
  notes: [],
});

let close: () => Promise<void>;
let repos: Repositories;
let storage: ImportStorage;
let view: ImportView;
let workers: FakeWorker[];
let imported: () => void;
let importedOnce: Promise<void>;
let session: ImportSession;

beforeEach(async () => {
  const t = await openTestDb();
  close = t.close;
  repos = createRepositories(t.db);
  storage = { dbName: t.name, repositories: async () => repos };
  view = emptyImportView();
  workers = [];
  importedOnce = new Promise((resolve) => (imported = resolve));
  session = new ImportSession(
    view,
    storage,
    () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    async () => imported(),
  );
});
afterEach(async () => {
  await close();
});

/** What the real worker does on 'adapt': writes the items under the target dataset id. */
async function writeItems(datasetId: string, n: number): Promise<void> {
  await repos.items.putMany(
    Array.from({ length: n }, (_, i) => makeItem({ id: `${datasetId}:${i}`, datasetId, index: i })),
  );
}

describe('an import from file to dataset', () => {
  test('reads, waits for review, stores with the chosen mapping, then writes the dataset record last', async () => {
    const file = new Blob(['x'.repeat(100)]);
    session.begin(file, 'pairs.jsonl', 'pairs.jsonl');
    const w = workers[0]!;
    expect(w.posts[0]).toMatchObject({ type: 'parse', name: 'pairs.jsonl' });
    expect(view).toMatchObject({
      phase: 'reading',
      fileName: 'pairs.jsonl',
      name: 'pairs',
      fileSize: 100,
    });

    w.emit(sample);
    expect(view.phase).toBe('review');
    expect(view.mapping).toEqual({ prompt: 'q', responseA: 'a', responseB: 'b' });
    w.emit(parsed(3, 1));
    expect(view).toMatchObject({ parsed: true, rowCount: 3, errorCount: 1, phase: 'review' });
    expect(view.errors).toEqual([{ line: 1, reason: 'bad JSON', stage: 'read' }]);

    view.name = '  My pairs ';
    await session.startImport();
    expect(view.phase).toBe('importing');
    const adapt = await w.next('adapt');
    expect(adapt.mapping).toEqual({ prompt: 'q', responseA: 'a', responseB: 'b' });
    expect(adapt.target.dbName).toBe(storage.dbName);
    const id = adapt.target.datasetId;

    await writeItems(id, 2);
    w.emit({
      type: 'stored',
      errors: [{ line: 3, reason: 'no prompt' }],
      done: 3,
      total: 3,
      items: 2,
    });
    expect(view).toMatchObject({ imported: 2, importTotal: 3 });
    expect(view.errors.map((e) => e.stage)).toEqual(['read', 'map']);
    // Until the record is written the items are not a dataset.
    expect(await repos.datasets.list()).toEqual([]);

    w.emit({ type: 'adapted', items: 2, errorCount: 1 });
    await importedOnce;
    expect(view.phase).toBe('done');
    expect(view.errorCount).toBe(2);
    expect(view.result).toMatchObject({
      id,
      name: 'My pairs',
      source: 'pairs.jsonl',
      itemCount: 2,
    });
    expect((await repos.datasets.get(id))?.itemCount).toBe(2);
    expect(w.terminated).toBe(true);
  });

  test('a bundled set stores without a review step, as a prompt list when asked', async () => {
    session.begin(new Blob(['{}']), 'prompts.jsonl', 'bundled:x', {
      autoImport: true,
      name: 'Bundled prompts',
      promptsOnly: true,
      filter: { key: 'subset', prefix: 'Natural' },
    });
    const w = workers[0]!;
    w.emit(sample);
    expect(view.phase).toBe('reading');
    w.emit(parsed(1));
    const adapt = await w.next('adapt');
    expect(adapt.filter).toEqual({ key: 'subset', prefix: 'Natural' });
    await writeItems(adapt.target.datasetId, 1);
    w.emit({ type: 'adapted', items: 1, errorCount: 0 });
    await importedOnce;
    expect(view.result).toMatchObject({
      name: 'Bundled prompts',
      format: 'prompts',
      source: 'bundled:x',
    });
  });

  test('a mapping that imports nothing goes back to review with the reason, and stores nothing', async () => {
    session.begin(new Blob(['{}']), 'a.jsonl', 'a.jsonl');
    const w = workers[0]!;
    w.emit(sample);
    w.emit(parsed(2));
    await session.startImport();
    w.emit({ type: 'adapted', items: 0, errorCount: 2 });
    expect(view.phase).toBe('review');
    expect(view.fatal).toMatch(/No row could be imported/);
    expect(await repos.datasets.list()).toEqual([]);
    // A second try with another mapping starts a new dataset id.
    const first = (await w.next('adapt')).target.datasetId;
    w.posts = [];
    await session.startImport();
    expect((await w.next('adapt')).target.datasetId).not.toBe(first);
  });
});

describe('an import that does not finish', () => {
  async function importing(): Promise<{ w: FakeWorker; id: string }> {
    session.begin(new Blob(['{}']), 'a.jsonl', 'a.jsonl');
    const w = workers[0]!;
    w.emit(sample);
    w.emit(parsed(5));
    await session.startImport();
    const id = (await w.next('adapt')).target.datasetId;
    await writeItems(id, 3);
    return { w, id };
  }

  test('cancel asks the worker to clean up, and deletes the items itself when it could not', async () => {
    const { w, id } = await importing();
    const cancelled = session.cancel();
    await w.next('cancel');
    w.emit({ type: 'cancelled', cleaned: false });
    await cancelled;
    expect(view.phase).toBe('cancelled');
    expect(w.terminated).toBe(true);
    expect(await repos.items.byDataset(id)).toEqual([]);
    expect(await repos.datasets.list()).toEqual([]);
  });

  test('cancel before storing just stops the worker', async () => {
    session.begin(new Blob(['{}']), 'a.jsonl', 'a.jsonl');
    await session.cancel();
    expect(view.phase).toBe('cancelled');
    expect(workers[0]!.terminated).toBe(true);
    expect(workers[0]!.posts.map((m) => m.type)).toEqual(['parse']);
  });

  test('a storage failure in the worker shows as a StoreError with its name and hint', async () => {
    const { w } = await importing();
    w.emit({
      type: 'store-failed',
      error: { name: 'QuotaExceededError', message: 'Full.', hint: 'Free some space.' },
      cleaned: true,
    });
    expect(view.phase).toBe('failed');
    expect(view.storeError).toBeInstanceOf(StoreError);
    expect(view.storeError).toMatchObject({
      name: 'QuotaExceededError',
      message: 'Full.',
      hint: 'Free some space.',
    });
    expect(w.terminated).toBe(true);
  });

  test('an unreadable file and a crashed worker both fail with a message', () => {
    session.begin(new Blob(['\0']), 'a.bin', 'a.bin');
    workers[0]!.emit({ type: 'fatal', message: 'Not a text file.' });
    expect(view).toMatchObject({ phase: 'failed', fatal: 'Not a text file.' });

    session.begin(new Blob(['{}']), 'b.jsonl', 'b.jsonl');
    expect(view.fatal).toBeNull();
    workers[1]!.onerror?.('out of memory');
    expect(view).toMatchObject({ phase: 'failed', fatal: 'The import stopped: out of memory' });
  });

  test('a replaced worker is stopped and its late replies are ignored', () => {
    session.begin(new Blob(['{}']), 'a.jsonl', 'a.jsonl');
    session.begin(new Blob(['{}']), 'b.csv', 'b.csv');
    expect(workers[0]!.terminated).toBe(true);
    workers[0]!.emit({ type: 'fatal', message: 'old' });
    workers[0]!.onerror?.('old');
    expect(view).toMatchObject({ phase: 'reading', fatal: null, name: 'b' });
  });

  test('reset goes back to the file picker and drops the worker', () => {
    session.begin(new Blob(['{}']), 'a.jsonl', 'a.jsonl');
    workers[0]!.emit(parsed(1, 1));
    session.reset();
    expect(view).toMatchObject({ phase: 'idle', errors: [], errorCount: 0, result: null });
    expect(workers[0]!.terminated).toBe(true);
    workers[0]!.emit(sample);
    expect(view.phase).toBe('idle');
  });
});

test('deleteDataset resolves once the worker deleted, rejects with its storage error, and always stops it', async () => {
  const ok = new FakeWorker();
  const done = deleteDataset(() => ok, 'db', 'ds-1');
  expect(ok.posts).toEqual([{ type: 'delete', target: { dbName: 'db', datasetId: 'ds-1' } }]);
  ok.emit({ type: 'deleted' });
  await done;
  expect(ok.terminated).toBe(true);

  const failing = new FakeWorker();
  const failed = deleteDataset(() => failing, 'db', 'ds-1');
  failing.emit({
    type: 'store-failed',
    error: { name: 'StoreError', message: 'Blocked.', hint: 'Close other tabs.' },
    cleaned: false,
  });
  await expect(failed).rejects.toMatchObject({ message: 'Blocked.', hint: 'Close other tabs.' });
  expect(failing.terminated).toBe(true);
});

test.each([
  ['arbiter', { prompt: 'q', responseA: 'a', responseB: 'b' }, ''],
  ['arbiter', { responseA: 'a', responseB: 'b' }, 'Map a field to Prompt.'],
  ['arbiter', { prompt: 'q', responseA: 'a' }, 'Map a field to Response B.'],
  ['arbiter', { prompt: 'q' }, 'Map a field to Response A.'],
  ['single', { prompt: 'q' }, ''],
  ['custom', { prompt: 'q', responseA: 'a' }, ''],
  ['chosen-rejected', { responseA: 'a', responseB: 'b' }, ''],
  ['fastchat', { responseA: 'a' }, 'Map both conversations.'],
] as const)('mappingProblem(%s, %j) = %j', (format, mapping, problem) => {
  expect(mappingProblem(format, mapping)).toBe(problem);
});

test('withMapping sets a field, and an empty key removes it', () => {
  const m = withMapping({ prompt: 'q' }, 'responseA', 'a');
  expect(m).toEqual({ prompt: 'q', responseA: 'a' });
  expect(withMapping(m, 'prompt', '')).toEqual({ responseA: 'a' });
});

test('importErrorsCsv lists every error and guards formula-looking cells', () => {
  const csv = importErrorsCsv([
    { line: 2, stage: 'read', reason: 'bad JSON', raw: '=HYPERLINK("x")' },
    { line: 5, stage: 'map', id: 'r5', reason: 'no prompt' },
  ]);
  const lines = csv.split('\r\n');
  expect(lines[0]).toBe('line,stage,id,reason,raw');
  expect(lines[1]).toContain("'=HYPERLINK");
  expect(lines[2]).toBe('5,map,r5,no prompt,');
  expect(lines).toHaveLength(4);
});
