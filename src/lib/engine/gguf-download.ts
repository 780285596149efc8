// Downloads a GGUF file into the model cache in ranged chunks, so a download cut off (network, Stop, a closed tab) resumes where it stopped.
import { AbortedError, NetworkError } from './errors';

/** Bytes per ranged request: each chunk is stored as it lands, so at most one chunk is lost. */
export const CHUNK_BYTES = 16 * 1024 * 1024;

export interface DownloadProgress {
  loadedBytes: number;
  totalBytes: number | null;
  /** Estimated ms left, from the speed of this session's bytes (null until some have come). */
  etaMs: number | null;
  /** Bytes that were already stored when this download began (a resume). */
  resumedBytes: number;
}

export interface DownloadOptions {
  fetch?: typeof globalThis.fetch;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  chunkBytes?: number;
  now?: () => number;
}

type Store = Pick<Cache, 'match' | 'put' | 'delete' | 'keys'>;

/**
 * The cache key of one stored chunk of `url`, never fetched: its byte range in the query. Not in a
 * fragment: the Cache API ignores fragments when it matches, so every chunk would overwrite the
 * last and `match(url)` would take a chunk for the whole file.
 */
export function chunkKey(url: string, start: number, end: number): string {
  return `${chunkPrefix(url)}${start}-${end}`;
}

function chunkPrefix(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}arbiter-bytes=`;
}

function parseChunk(url: string, key: string): [number, number] | null {
  const prefix = chunkPrefix(url);
  const m = /^(\d+)-(\d+)$/.exec(key.startsWith(prefix) ? key.slice(prefix.length) : '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** The chunks of `url` already stored, in order, as long as they join without a gap from byte 0. */
async function storedChunks(cache: Store, url: string): Promise<[number, number][]> {
  const ranges = (await cache.keys())
    .map((r) => parseChunk(url, r.url))
    .filter((r): r is [number, number] => r !== null)
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let next = 0;
  for (const r of ranges) {
    if (r[0] !== next) break;
    out.push(r);
    next = r[1] + 1;
  }
  return out;
}

/** A request or body cut off: a Stop, or the network (the stored chunks stay for a retry). */
function cutOff(url: string, e: unknown, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return new AbortedError();
  return new NetworkError(`Downloading ${url} failed; what has come is kept for a retry.`, {
    url,
    message: e instanceof Error ? e.message : String(e),
  });
}

async function body(res: Response, url: string, signal: AbortSignal | undefined): Promise<Blob> {
  try {
    return await res.blob();
  } catch (e) {
    throw cutOff(url, e, signal);
  }
}

/** Total size from a 206's Content-Range ("bytes 0-99/1234"), else null. */
function rangeTotal(res: Response): number | null {
  const m = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * Make sure `url` is stored whole in `cache`, downloading what is missing. Chunks are fetched
 * with HTTP Range and stored as they arrive; when the last one lands they are joined into one
 * entry under `url` (cached blobs are disk-backed, so the join does not hold the file in memory)
 * and the chunks are deleted. A server that ignores Range gets one plain download.
 */
export async function downloadToCache(
  url: string,
  cache: Store,
  opts: DownloadOptions = {},
): Promise<void> {
  if (await cache.match(url)) return;
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const now = opts.now ?? (() => performance.now());
  const size = opts.chunkBytes ?? CHUNK_BYTES;
  const chunks = await storedChunks(cache, url);
  const resumedBytes = chunks.reduce((n, [a, b]) => n + b - a + 1, 0);
  let loaded = resumedBytes;
  let total: number | null = null;
  const t0 = now();
  const report = () => {
    const rate = (loaded - resumedBytes) / Math.max(1, now() - t0);
    const etaMs = total !== null && rate > 0 ? Math.round((total - loaded) / rate) : null;
    opts.onProgress?.({ loadedBytes: loaded, totalBytes: total, etaMs, resumedBytes });
  };
  report();
  for (;;) {
    if (opts.signal?.aborted) throw new AbortedError();
    const start = loaded;
    const end = start + size - 1;
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: { Range: `bytes=${start}-${end}` },
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (e) {
      throw cutOff(url, e, opts.signal);
    }
    // 416: asked past the end, so the stored chunks are the whole file.
    if (res.status === 416 && chunks.length > 0) break;
    if (res.status === 200) {
      // No ranges here: one plain download, nothing to resume from.
      const blob = await body(res, url, opts.signal);
      await cache.put(
        url,
        new Response(blob, { headers: { 'content-length': String(blob.size) } }),
      );
      for (const [a, b] of chunks) await cache.delete(chunkKey(url, a, b));
      loaded = total = blob.size;
      report();
      return;
    }
    if (res.status !== 206)
      throw new NetworkError(`Downloading ${url} failed: HTTP ${res.status}.`, {
        url,
        status: res.status,
      });
    total = rangeTotal(res) ?? total;
    const blob = await body(res, url, opts.signal);
    const last = start + blob.size - 1;
    await cache.put(chunkKey(url, start, last), new Response(blob));
    chunks.push([start, last]);
    loaded = last + 1;
    report();
    if (blob.size === 0 || (total !== null && loaded >= total)) break;
  }
  const parts: Blob[] = [];
  for (const [a, b] of chunks) {
    const r = await cache.match(chunkKey(url, a, b));
    if (!r) throw new NetworkError(`A stored part of ${url} went missing; download it again.`);
    parts.push(await r.blob());
  }
  const whole = new Blob(parts);
  await cache.put(url, new Response(whole, { headers: { 'content-length': String(whole.size) } }));
  for (const [a, b] of chunks) await cache.delete(chunkKey(url, a, b));
}
