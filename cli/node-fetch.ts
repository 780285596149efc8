// A minimal fetch over node:http(s) with keep-alive, for the CLI: the engine's streaming path at a fraction of undici's CPU.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * Why not the global fetch: Node 20's fetch (undici + web streams) measured ~3.1 ms of CPU per
 * streamed 27-event answer against ~1.3 ms for node:http on the same loaded machine
 * (bench/cli-throughput.bench.ts), and the CLI must not be the bottleneck. The engine only uses
 * `ok`, `status`, `headers.get`, `text()`, `json()` and `body.getReader()`, so that is all this
 * provides.
 */
export function createNodeFetch(maxSockets = 1024): typeof fetch {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets }),
  };
  // The engine asks the same few URLs over and over: parse each once.
  const targets = new Map<string, Target>();
  const target = (href: string): Target => {
    let t = targets.get(href);
    if (!t) {
      const url = new URL(href);
      t = {
        isHttps: url.protocol === 'https:',
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path: `${url.pathname}${url.search}`,
        auth: url.username
          ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
          : null,
      };
      if (targets.size < 64) targets.set(href, t);
    }
    return t;
  };
  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const t = target(
        typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      );
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(abortError());
      const req = (t.isHttps ? httpsRequest : httpRequest)(
        {
          hostname: t.hostname,
          ...(t.port ? { port: t.port } : {}),
          path: t.path,
          ...(t.auth ? { auth: t.auth } : {}),
          method: init.method ?? 'GET',
          headers: init.headers as Record<string, string>,
          agent: t.isHttps ? agents['https:'] : agents['http:'],
        },
        (res) => resolve(new NodeResponse(res, signal) as unknown as Response),
      );
      const onAbort = () => req.destroy(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('error', (e) => reject(new TypeError('fetch failed', { cause: e })));
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
  return nodeFetch as typeof fetch;
}

interface Target {
  isHttps: boolean;
  hostname: string;
  port: string;
  path: string;
  auth: string | null;
}

function abortError(): Error {
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

class NodeResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  private readonly chunks: Buffer[] = [];
  private waiting: {
    resolve: (r: ReadableStreamReadResult<Uint8Array>) => void;
    reject: (e: unknown) => void;
  } | null = null;
  private ended = false;
  private failure: unknown = null;

  constructor(
    private readonly res: IncomingMessage,
    signal: AbortSignal | undefined,
  ) {
    this.status = res.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = {
      get: (name) => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    };
    res.on('data', (c: Buffer) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w.resolve({ value: c, done: false });
      } else this.chunks.push(c);
    });
    res.on('end', () => {
      this.ended = true;
      this.settle();
    });
    // A socket closed before 'end' is a dropped stream, as undici reports it ("terminated").
    res.on('close', () => {
      if (!this.ended) this.fail(new TypeError('terminated'));
    });
    res.on('error', (e) => this.fail(e));
    const onAbort = () => res.destroy(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    res.on('close', () => signal?.removeEventListener('abort', onAbort));
  }

  private fail(e: unknown): void {
    this.failure ??= e;
    this.settle();
  }

  private settle(): void {
    if (!this.waiting || this.chunks.length > 0) return;
    const w = this.waiting;
    this.waiting = null;
    if (this.failure) w.reject(this.failure);
    else if (this.ended) w.resolve({ value: undefined, done: true });
  }

  private read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const c = this.chunks.shift();
    if (c) return Promise.resolve({ value: c, done: false });
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  get body(): {
    getReader(): {
      read: () => Promise<ReadableStreamReadResult<Uint8Array>>;
      cancel: () => Promise<void>;
    };
  } {
    return {
      getReader: () => ({
        read: () => this.read(),
        cancel: () => {
          this.res.destroy();
          return Promise.resolve();
        },
      }),
    };
  }

  async text(): Promise<string> {
    const parts: Buffer[] = [];
    for (;;) {
      const r = await this.read();
      if (r.done) break;
      parts.push(Buffer.from(r.value));
    }
    return Buffer.concat(parts).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}
