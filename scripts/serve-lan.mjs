// Workshop server: serves the built app (dist/) and a folder of MLC model files over https on the LAN.
// Usage: node scripts/serve-lan.mjs --cert cert.pem --key key.pem [--models ./models] [--port 8443]
import { createServer } from 'node:https';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cert: { type: 'string' },
    key: { type: 'string' },
    models: { type: 'string', default: 'models' },
    dist: { type: 'string', default: 'dist' },
    port: { type: 'string', default: '8443' },
    host: { type: 'string', default: '0.0.0.0' },
  },
});
if (!values.cert || !values.key) {
  console.error(
    'Give a certificate: --cert cert.pem --key key.pem (see README, "Workshop set-up").',
  );
  process.exit(2);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

const roots = { '/models/': resolve(values.models), '/': resolve(values.dist) };

/** The file for a URL path, never outside its root; null when there is none. */
async function fileFor(pathname) {
  for (const [prefix, root] of Object.entries(roots)) {
    if (!pathname.startsWith(prefix)) continue;
    const rel = decodeURIComponent(pathname.slice(prefix.length)) || 'index.html';
    const full = normalize(join(root, rel));
    if (full !== root && !full.startsWith(root + sep)) return null;
    const s = await stat(full).catch(() => null);
    if (s?.isFile()) return { full, size: s.size };
    if (s?.isDirectory()) {
      const index = join(full, 'index.html');
      const si = await stat(index).catch(() => null);
      if (si?.isFile()) return { full: index, size: si.size };
    }
    return null;
  }
  return null;
}

const server = createServer(
  { cert: await readFile(values.cert), key: await readFile(values.key) },
  async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    const found = await fileFor(url.pathname);
    // A real 404 for a missing model file: a 200 with a page would be cached as the file (web-llm #289).
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(found.full)] ?? 'application/octet-stream',
      'content-length': found.size,
      // The app's own files change with each build; model files never do.
      'cache-control': url.pathname.startsWith('/models/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(found.full).pipe(res);
  },
);

server.listen(Number(values.port), values.host, () => {
  const ips = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
  console.log(`Arbiter for the workshop: app from ${roots['/']}, models from ${roots['/models/']}`);
  for (const ip of ips.length ? ips : ['127.0.0.1']) console.log(`  https://${ip}:${values.port}/`);
});
