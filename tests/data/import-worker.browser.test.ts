// The real import worker in Chromium: parse with progress, sample and errors; store in batches; cancel; delete.
import { describe, expect, test } from 'vitest';
import { createImportWorker, type ImportWorker } from '../../src/lib/data/import/client';
import type { FromWorker, ToWorker } from '../../src/lib/data/import/protocol';
import { createRepositories, openArbiterDB } from '../../src/lib/store';

/** Sends `m` and collects messages until one of `until` arrives. */
function exchange(
  w: ImportWorker,
  m: ToWorker,
  until: FromWorker['type'][],
): Promise<FromWorker[]> {
  return new Promise((resolve, reject) => {
    const got: FromWorker[] = [];
    w.onmessage = (x) => {
      got.push(x);
      if (until.includes(x.type)) resolve(got);
    };
    w.onerror = (e) => reject(new Error(e));
    w.post(m);
  });
}

const row = (i: number) =>
  JSON.stringify({
    id: `r${i}`,
    prompt: `p${i}`,
    response_a: 'a',
    response_b: 'b',
    label: i % 2 ? 'A' : 'B',
  });

describe('import worker', () => {
  // 20,000 levels of brackets to scan: a data-heavy test gets a budget, not the 15 s default.
  test('a deeply nested row is reported on its line; the other rows are read and previewed', async () => {
    const w = createImportWorker();
    try {
      const deep = `{"prompt":"p","response_a":"a","response_b":"b","meta":${'['.repeat(20000)}${']'.repeat(20000)}}`;
      const file = new Blob([[row(0), deep, row(2)].join('\n')]);
      const got = await exchange(w, { type: 'parse', file, name: 'deep.jsonl' }, [
        'parsed',
        'fatal',
      ]);
      expect(got.at(-1)).toMatchObject({
        type: 'parsed',
        rows: 2,
        errorCount: 1,
        errors: [{ line: 2, reason: expect.stringMatching(/nested more than 100 levels/) }],
      });
    } finally {
      w.terminate();
    }
  }, 60_000);

  test('a JSON document that is one deep tree is refused with a clear message', async () => {
    const w = createImportWorker();
    try {
      const file = new Blob([`${'{"a":'.repeat(50000)}1${'}'.repeat(50000)}`]);
      const got = await exchange(w, { type: 'parse', file, name: 'deep.json' }, [
        'parsed',
        'fatal',
      ]);
      const last = got.at(-1)!;
      expect(last.type).toBe('fatal');
      if (last.type === 'fatal') {
        expect(last.message).toMatch(/nested more than 100 levels/);
        expect(last.message).not.toMatch(/postMessage|call stack/);
      }
    } finally {
      w.terminate();
    }
  });

  test('parses, samples, reports the bad line, stores every good row, then deletes the dataset', async () => {
    const dbName = `import-worker-${Math.random()}`;
    const db = await openArbiterDB(dbName);
    const w = createImportWorker();
    try {
      const lines = Array.from({ length: 3000 }, (_, i) => (i === 1234 ? '{nope' : row(i)));
      const file = new Blob([lines.join('\n')]);
      const parsed = await exchange(w, { type: 'parse', file, name: 'x.jsonl' }, [
        'parsed',
        'fatal',
      ]);
      const sample = parsed.find((m) => m.type === 'sample');
      expect(sample).toMatchObject({ kind: 'jsonl', detected: { format: 'arbiter' } });
      const done = parsed.at(-1)!;
      expect(done).toMatchObject({
        type: 'parsed',
        rows: 2999,
        errorCount: 1,
        errors: [{ line: 1235 }],
      });

      const datasetId = 'ds-test';
      const stored = await exchange(
        w,
        {
          type: 'adapt',
          format: 'arbiter',
          mapping: sample?.type === 'sample' ? sample.detected.mapping : {},
          target: { dbName, datasetId },
          batchSize: 400,
        },
        ['adapted', 'store-failed'],
      );
      expect(stored.at(-1)).toEqual({ type: 'adapted', items: 2999, errorCount: 0 });
      const repos = createRepositories(db);
      expect(await repos.items.countInDataset(datasetId)).toBe(2999);
      const first = (await repos.items.byDataset(datasetId, { limit: 1 }))[0]!;
      expect(first).toMatchObject({
        id: 'ds-test:r0',
        index: 0,
        prompt: 'p0',
        meta: { sourceId: 'r0' },
      });
      const last = (await repos.items.byDataset(datasetId, { from: 2998 }))[0]!;
      expect(last.id).toBe('ds-test:r2999');

      await repos.datasets.put({
        id: datasetId,
        name: 'x',
        source: 'x',
        format: 'arbiter',
        itemCount: 2999,
        createdAt: 1,
      });
      const deleted = await exchange(w, { type: 'delete', target: { dbName, datasetId } }, [
        'deleted',
        'store-failed',
      ]);
      expect(deleted.at(-1)).toEqual({ type: 'deleted' });
      expect(await repos.items.countInDataset(datasetId)).toBe(0);
      expect(await repos.datasets.get(datasetId)).toBeUndefined();
    } finally {
      w.terminate();
      db.close();
    }
  }, 60_000);

  test('cancel between batches deletes what was stored', async () => {
    const dbName = `import-worker-${Math.random()}`;
    const db = await openArbiterDB(dbName);
    const w = createImportWorker();
    try {
      const file = new Blob([Array.from({ length: 20000 }, (_, i) => row(i)).join('\n')]);
      const parsed = await exchange(w, { type: 'parse', file, name: 'x.jsonl' }, ['parsed']);
      const sample = parsed.find((m) => m.type === 'sample');
      const mapping = sample?.type === 'sample' ? sample.detected.mapping : {};
      const got = await new Promise<FromWorker[]>((resolve) => {
        const all: FromWorker[] = [];
        w.onmessage = (m) => {
          all.push(m);
          if (m.type === 'stored') w.post({ type: 'cancel' });
          if (m.type === 'cancelled' || m.type === 'adapted') resolve(all);
        };
        w.post({
          type: 'adapt',
          format: 'arbiter',
          mapping,
          target: { dbName, datasetId: 'c' },
          batchSize: 100,
        });
      });
      expect(got.at(-1)).toEqual({ type: 'cancelled', cleaned: true });
      expect(await createRepositories(db).items.countInDataset('c')).toBe(0);
    } finally {
      w.terminate();
      db.close();
    }
  }, 60_000);

  test.each([
    ['empty', new Blob([]), /empty/],
    [
      'binary',
      new Blob([new Uint8Array(Array.from({ length: 1024 }, (_, i) => (i * 7) % 256))]),
      /binary/,
    ],
    ['zip', new Blob([new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3])]), /ZIP/],
  ])('%s file is refused with a reason', async (_name, file, reason) => {
    const w = createImportWorker();
    try {
      const got = await exchange(w, { type: 'parse', file, name: 'f.jsonl' }, ['fatal', 'parsed']);
      const last = got.at(-1)!;
      expect(last.type).toBe('fatal');
      if (last.type === 'fatal') expect(last.message).toMatch(reason);
    } finally {
      w.terminate();
    }
  });

  test('gzip is decompressed and UTF-16 converted', async () => {
    const text = [row(1), row(2)].join('\n');
    const gz = await new Response(
      new Blob([text]).stream().pipeThrough(new CompressionStream('gzip')),
    ).blob();
    const u16 = new Uint8Array(2 + text.length * 2);
    u16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) u16[2 + i * 2] = text.charCodeAt(i);
    for (const [file, note] of [
      [gz, /gzip/],
      [new Blob([u16]), /UTF-16LE/],
    ] as const) {
      const w = createImportWorker();
      try {
        const got = await exchange(w, { type: 'parse', file, name: 'f.jsonl' }, [
          'fatal',
          'parsed',
        ]);
        const last = got.at(-1)!;
        expect(last).toMatchObject({ type: 'parsed', rows: 2, errorCount: 0 });
        if (last.type === 'parsed') expect(last.notes.join(' ')).toMatch(note);
      } finally {
        w.terminate();
      }
    }
  });

  test('a JSON list streams element by element: one bad entry is reported with its line, the rest kept', async () => {
    const w = createImportWorker();
    try {
      const entries = Array.from({ length: 2000 }, (_, i) =>
        i === 1500 ? '{"id": "r1500", "prompt": oops}' : row(i),
      );
      // Pretty-printed: entry i starts on line i + 2 (line 1 is the "[").
      const file = new Blob(['\uFEFF[\n' + entries.join(',\n') + '\n]\n']);
      const got = await exchange(w, { type: 'parse', file, name: 'x.json' }, ['parsed', 'fatal']);
      expect(got.find((m) => m.type === 'sample')).toMatchObject({ kind: 'json' });
      expect(got.some((m) => m.type === 'progress')).toBe(true);
      const done = got.at(-1)!;
      expect(done).toMatchObject({ type: 'parsed', rows: 1999, errorCount: 1 });
      const err = done.type === 'parsed' ? done.errors[0] : undefined;
      expect(err?.line).toBe(1501);
      expect(err?.reason).toContain('line 1502 of the file');
    } finally {
      w.terminate();
    }
  });
});
