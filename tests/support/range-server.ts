// A file server for download tests: node:http on 127.0.0.1 with HTTP Range and CORS, recording every range asked, able to drop or hold a request.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What to do with the n-th GET of the file (1-based): answer it, cut the connection halfway
 * through the body, or never answer. The cut comes after the headers because a browser silently
 * resends a request whose reused connection closed before any answer.
 */
export type RangeAction = 'serve' | 'drop' | 'hold';

export interface RangeServer {
  /** The file's absolute URL. */
  url: string;
  /** The Range header of each GET of the file, in order ('' without one). */
  ranges: string[];
  /** Cut every held request's connection. */
  releaseHeld(): void;
  close(): Promise<void>;
}

/** Serve `bytes` at `/models/<name>`; `plan(n)` decides the n-th GET (default: serve all). */
export async function startRangeServer(
  bytes: Uint8Array,
  name: string,
  plan: (n: number) => RangeAction = () => 'serve',
): Promise<RangeServer> {
  const ranges: string[] = [];
  const held: ServerResponse[] = [];
  const sockets = new Set<Socket>();
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'range',
    // Content-Range is not a safelisted response header: without this the page cannot read the size.
    'access-control-expose-headers': 'content-range, content-length, accept-ranges',
  };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    if (req.url !== `/models/${name}`) {
      res.writeHead(404, cors).end();
      return;
    }
    const range = req.headers.range ?? '';
    ranges.push(range);
    const action = plan(ranges.length);
    if (action === 'hold') {
      held.push(res);
      return;
    }
    const m = /^bytes=(\d+)-(\d*)$/.exec(range);
    if (!m) {
      res.writeHead(200, { ...cors, 'content-length': String(bytes.length) }).end(bytes);
      return;
    }
    const start = Number(m[1]);
    if (start >= bytes.length) {
      res.writeHead(416, { ...cors, 'content-range': `bytes */${bytes.length}` }).end();
      return;
    }
    const end = Math.min(m[2] ? Number(m[2]) : bytes.length - 1, bytes.length - 1);
    const part = bytes.subarray(start, end + 1);
    res.writeHead(206, {
      ...cors,
      'accept-ranges': 'bytes',
      'content-range': `bytes ${start}-${end}/${bytes.length}`,
      'content-length': String(part.length),
    });
    if (action === 'drop') res.write(part.subarray(0, part.length >> 1), () => res.destroy());
    else res.end(part);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/models/${name}`,
    ranges,
    releaseHeld() {
      for (const res of held.splice(0)) res.socket?.destroy();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
