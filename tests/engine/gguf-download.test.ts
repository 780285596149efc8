// GGUF downloads into the model cache: ranged chunks, resume after a cut, progress with bytes and ETA, servers without Range.
import { describe, expect, it } from 'vitest';
import { AbortedError, NetworkError } from '../../src/lib/engine/errors';
import {
  chunkKey,
  downloadToCache,
  type DownloadProgress,
} from '../../src/lib/engine/gguf-download';

const URL_ = 'https://models.example/judge/tiny.gguf';

/** The Cache API's surface the download uses, over a Map. */
class MapCache {
  readonly entries = new Map<string, Response>();
  match(req: RequestInfo | URL): Promise<Response | undefined> {
    const r = this.entries.get(String(req));
    return Promise.resolve(r?.clone());
  }
  put(req: RequestInfo | URL, res: Response): Promise<void> {
    this.entries.set(String(req), res);
    return Promise.resolve();
  }
  delete(req: RequestInfo | URL): Promise<boolean> {
    return Promise.resolve(this.entries.delete(String(req)));
  }
  keys(): Promise<readonly Request[]> {
    return Promise.resolve([...this.entries.keys()].map((k) => ({ url: k }) as Request));
  }
}

const file = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);

/** A server over `file`; `ranges: false` answers 200 with the whole file; `failAt` throws on that request. */
function server(opts: { ranges?: boolean; failAt?: number } = {}) {
  const seen: string[] = [];
  const fetch = (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const range = new Headers(init?.headers).get('range') ?? '';
    seen.push(range);
    if (opts.failAt === seen.length) return Promise.reject(new TypeError('Failed to fetch'));
    if (opts.ranges === false) return Promise.resolve(new Response(file.slice()));
    const m = /bytes=(\d+)-(\d+)/.exec(range);
    const start = Number(m?.[1]);
    if (start >= file.length) return Promise.resolve(new Response(null, { status: 416 }));
    const end = Math.min(Number(m?.[2]), file.length - 1);
    return Promise.resolve(
      new Response(file.slice(start, end + 1), {
        status: 206,
        headers: { 'content-range': `bytes ${start}-${end}/${file.length}` },
      }),
    );
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

async function stored(cache: MapCache): Promise<Uint8Array> {
  const r = await cache.match(URL_);
  return new Uint8Array(await (r as Response).arrayBuffer());
}

describe('downloadToCache', () => {
  it('fetches in ranged chunks, joins them into one entry and drops the chunks', async () => {
    const cache = new MapCache();
    const s = server();
    const progress: DownloadProgress[] = [];
    let t = 0;
    await downloadToCache(URL_, cache, {
      fetch: s.fetch,
      chunkBytes: 300,
      onProgress: (p) => progress.push(p),
      now: () => (t += 10),
    });
    expect(s.seen).toEqual(['bytes=0-299', 'bytes=300-599', 'bytes=600-899', 'bytes=900-1199']);
    expect(await stored(cache)).toEqual(file);
    expect([...cache.entries.keys()]).toEqual([URL_]);
    expect(progress.map((p) => p.loadedBytes)).toEqual([0, 300, 600, 900, 1000]);
    expect(progress.at(-1)).toMatchObject({ totalBytes: 1000, etaMs: 0, resumedBytes: 0 });
    // The ETA follows the speed so far: 300 bytes per 10 ms tick, 700 bytes left after the first.
    expect(progress[1]?.etaMs).toBeGreaterThan(0);
  });

  it('resumes after a cut from the chunks already stored, with Range', async () => {
    const cache = new MapCache();
    const cut = server({ failAt: 3 });
    const err = await downloadToCache(URL_, cache, { fetch: cut.fetch, chunkBytes: 300 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NetworkError);
    expect([...cache.entries.keys()]).toEqual([chunkKey(URL_, 0, 299), chunkKey(URL_, 300, 599)]);

    const again = server();
    const progress: DownloadProgress[] = [];
    await downloadToCache(URL_, cache, {
      fetch: again.fetch,
      chunkBytes: 300,
      onProgress: (p) => progress.push(p),
    });
    expect(again.seen).toEqual(['bytes=600-899', 'bytes=900-1199']);
    expect(progress[0]).toMatchObject({ loadedBytes: 600, resumedBytes: 600 });
    expect(await stored(cache)).toEqual(file);
    expect([...cache.entries.keys()]).toEqual([URL_]);
  });

  it('takes a whole file from a server that ignores Range', async () => {
    const cache = new MapCache();
    const s = server({ ranges: false });
    await downloadToCache(URL_, cache, { fetch: s.fetch, chunkBytes: 300 });
    expect(s.seen).toHaveLength(1);
    expect(await stored(cache)).toEqual(file);
  });

  it('does nothing for a stored file, and stops on Stop keeping what came', async () => {
    const cache = new MapCache();
    await cache.put(URL_, new Response(file.slice()));
    const s = server();
    await downloadToCache(URL_, cache, { fetch: s.fetch });
    expect(s.seen).toEqual([]);

    const fresh = new MapCache();
    const stop = new AbortController();
    const err = await downloadToCache(URL_, fresh, {
      fetch: s.fetch,
      chunkBytes: 300,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.loadedBytes >= 300) stop.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect([...fresh.entries.keys()]).toEqual([chunkKey(URL_, 0, 299)]);
  });

  it('keeps chunk keys apart from the file for the Cache API, which ignores fragments when it matches', () => {
    const key = chunkKey(URL_, 0, 299);
    expect(new URL(key).hash).toBe('');
    expect(key).not.toBe(URL_);
    expect(key.startsWith('https://models.example/judge/')).toBe(true);
    expect(chunkKey(`${URL_}?download=true`, 0, 9)).toBe(`${URL_}?download=true&arbiter-bytes=0-9`);
  });

  it('turns a body cut off halfway into a NetworkError, keeping the chunks before it', async () => {
    const cache = new MapCache();
    const s = server();
    let calls = 0;
    const cutBody = (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      calls += 1;
      if (calls < 2) return s.fetch(url, init);
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(file.slice(300, 400));
          c.error(new TypeError('network error'));
        },
      });
      return Promise.resolve(
        new Response(body, { status: 206, headers: { 'content-range': 'bytes 300-599/1000' } }),
      );
    };
    const err = await downloadToCache(URL_, cache, {
      fetch: cutBody as typeof globalThis.fetch,
      chunkBytes: 300,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).message).toMatch(/kept for a retry/);
    expect([...cache.entries.keys()]).toEqual([chunkKey(URL_, 0, 299)]);
  });

  it('reports an HTTP failure as a NetworkError', async () => {
    const fetch = () => Promise.resolve(new Response('nope', { status: 404 }));
    const err = await downloadToCache(URL_, new MapCache(), {
      fetch: fetch as typeof globalThis.fetch,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).detail.status).toBe(404);
  });
});
