// Shared by the benchmarks: the built app or a bench/pages/* page served by Vite, opened in real Chromium, and the table.
// A Node script drives the page because `vitest bench` in browser mode hangs (vitest 4.1) after "RUN".
import { build, createServer, preview } from 'vite';
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';

const root = new URL('../', import.meta.url).pathname;

/**
 * CPU seconds (user + system) used so far by Chromium (this process's chrom* children and their
 * descendants, from /proc), in all and by process type (browser, renderer, utility, gpu-process).
 */
export function chromiumCpu() {
  const children = new Map();
  const cpu = new Map();
  const comm = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      comm.set(Number(d), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
      const ppid = Number(f[1]);
      cpu.set(Number(d), Number(f[11]) + Number(f[12]));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // The process ended while we read.
    }
  }
  let ticks = 0;
  const byType = {};
  const todo = (children.get(process.pid) ?? []).filter((p) => comm.get(p)?.startsWith('chrom'));
  while (todo.length) {
    const p = todo.pop();
    const t = cpu.get(p) ?? 0;
    ticks += t;
    let type = 'other';
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? (cmd.includes('chrom') ? 'browser' : 'other');
      if (type === 'utility') type = /--utility-sub-type=([\w.]+)/.exec(cmd)?.[1] ?? type;
    } catch {
      // Ended.
    }
    byType[type] = (byType[type] ?? 0) + t / 100;
    todo.push(...(children.get(p) ?? []));
  }
  // USER_HZ is 100 on Linux.
  return { total: ticks / 100, byType };
}

const chromiumCpuSeconds = () => chromiumCpu().total;

/** Chromium as every benchmark runs it: no background requests or shared-memory limits to add noise. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
      ...extraArgs,
    ],
  });
}

/**
 * The app as users get it: built (`mode` "e2e" adds the test engine and hooks; none is the
 * production build), served by `vite preview`, and Chromium launched. `outDir` keeps a
 * benchmark's build apart from the e2e suite's; `minify: false` keeps function names for
 * profiles; `build: false` serves the last build in `outDir` as it is.
 */
export async function openBuiltApp({
  mode,
  outDir,
  minify = true,
  build: rebuild = true,
  chromiumArgs = [],
} = {}) {
  // Only what is set: an undefined value would not fall back to vite.config's.
  const buildOptions = { ...(outDir ? { outDir } : {}), ...(minify ? {} : { minify: false }) };
  if (rebuild) await build({ root, mode, logLevel: 'error', build: buildOptions });
  const server = await preview({
    root,
    mode,
    logLevel: 'error',
    ...(outDir ? { build: { outDir } } : {}),
    preview: { port: 0, host: '127.0.0.1' },
  });
  const browser = await launchChromium(chromiumArgs);
  return {
    base: server.resolvedUrls.local[0],
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Starts a dev server (mode "benchmark": no CSP meta plugin) for `bench/pages/<name>`, opens it
 * in Chromium and waits for its `window.arbiterBench`. `cpu()` is Chromium's CPU seconds so far.
 */
export async function openBenchPage(name) {
  const server = await createServer({
    root,
    mode: 'benchmark',
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', hmr: false },
    // Pre-bundle what the page imports up front, so no re-optimisation reloads it mid-run.
    optimizeDeps: { entries: [`bench/pages/${name}`] },
  });
  await server.listen();
  const base = server.resolvedUrls.local[0];
  const browser = await launchChromium();
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
  await page.goto(`${base}bench/pages/${name}`);
  await page.waitForFunction(() => window.arbiterBench !== undefined, null, { timeout: 180_000 });
  return {
    page,
    cpu: chromiumCpuSeconds,
    cpuByType: chromiumCpu,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return {
    min: s[0],
    median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2,
    max: s[s.length - 1],
  };
};

/** The machine's load, printed beside every timing (the machine is shared). */
export const load = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}`;

/** Prints rows `{ name, unit, values, goal? }` as a min/median/max table. */
export function printTable(title, rows) {
  console.log(`\n${title}`);
  console.log('| measure | unit | n | min | median | max | goal |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    if (!r.values.length) continue;
    const { min, median, max } = stats(r.values);
    const f = (x) => (r.unit === 'count' ? String(Math.round(x)) : x.toFixed(r.digits ?? 1));
    console.log(
      `| ${r.name} | ${r.unit} | ${r.values.length} | ${f(min)} | ${f(median)} | ${f(max)} | ${r.goal ?? ''} |`,
    );
  }
}

export const median = (xs) => stats(xs).median;
