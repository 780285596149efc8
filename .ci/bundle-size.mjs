// Prints the gzip size of the main bundle; fails if web-llm leaked out of the worker chunk or the test engine into the build.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

// The build to check: dist by default; `node .ci/bundle-size.mjs dist-e2e` shows the guard firing.
const out = process.argv[2] ?? 'dist';
const dir = join(out, 'assets');
const files = readdirSync(dir);
const html = readFileSync(join(out, 'index.html'), 'utf8');
// Strings the minifier keeps (literals, not identifiers): the test models' id, the test worker's
// name and file, and the deterministic engine's progress text.
const TEST_ENGINE = ['arbiter-test-judge', 'arbiter-test-engine', 'test engine: '];
// The main bundle is what index.html loads; the worker is a separate chunk it never references.
const entries = files.filter((f) => html.includes(f) && f.endsWith('.js'));
let mainGzip = 0;
let leaked = false;
for (const f of files.filter((f) => f.endsWith('.js'))) {
  const buf = readFileSync(join(dir, f));
  const gz = gzipSync(buf).length;
  const isWorker = /worker/i.test(f);
  const hasWebLLM = buf.includes('MLCEngine') && buf.includes('tvmjs');
  // The deterministic engine is linked only into the e2e build (--mode e2e).
  const found = TEST_ENGINE.filter((t) => buf.includes(t));
  if (found.length > 0 || /test-engine/.test(f)) {
    console.log(`${f}: the test engine is in the build (${found.join(', ') || f})`);
    leaked = true;
  }
  if (!isWorker && hasWebLLM) leaked = true;
  if (entries.includes(f) || (!isWorker && !hasWebLLM)) mainGzip += entries.includes(f) ? gz : 0;
  console.log(
    `${f.padEnd(40)} ${(buf.length / 1024).toFixed(1).padStart(9)} kB  gzip ${(gz / 1024).toFixed(1).padStart(8)} kB${isWorker ? '  (worker)' : ''}${hasWebLLM ? '  web-llm' : ''}`,
  );
}
console.log(`main bundle gzip: ${(mainGzip / 1024).toFixed(1)} kB`);
if (leaked) {
  console.log('web-llm outside the worker chunk, or the test engine in the build');
  process.exit(1);
}
