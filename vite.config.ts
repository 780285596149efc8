// Build, dev server and test configuration for Arbiter (app, unit, browser and end-to-end tests).
import { defineConfig, type Plugin } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { playwright } from '@vitest/browser-playwright';
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumArgs, chromiumPath } from './tests/support/chromium.ts';
import { contentSecurityPolicy } from './src/lib/security/csp.ts';
import { ISOLATION_HEADERS } from './src/lib/security/isolation.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Folders of ../shared/data shipped as one-click sets (src/lib/data/bundled.ts names the files). */
const BUNDLED_FOLDERS = ['llmbar', 'hhh-alignment', 'evalbiasbench', 'pandalm-test', 'prompts'];

/**
 * Serves (dev) and emits (build) ../shared/data/<folder>/* as bundled/<folder>/*, README and
 * notice included. Without ../shared beside the checkout the app builds without bundled sets
 * and says so when one is clicked.
 */
function bundledData(): Plugin {
  const root = here('../shared/data');
  const files = (): { name: string; path: string }[] =>
    existsSync(root)
      ? BUNDLED_FOLDERS.filter((f) => existsSync(join(root, f))).flatMap((f) =>
          readdirSync(join(root, f)).map((n) => ({
            name: `bundled/${f}/${n}`,
            path: join(root, f, n),
          })),
        )
      : [];
  return {
    name: 'arbiter-bundled-data',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
        const hit = files().find((f) => `/${f.name}` === url);
        if (!hit) return next();
        res.setHeader(
          'Content-Type',
          hit.name.endsWith('.csv') ? 'text/csv' : 'text/plain; charset=utf-8',
        );
        res.end(readFileSync(hit.path));
      });
    },
    generateBundle() {
      const all = files();
      if (all.length === 0) this.warn('../shared/data not found: the build has no bundled sets');
      for (const f of all)
        this.emitFile({ type: 'asset', fileName: f.name, source: readFileSync(f.path) });
    },
  };
}

/** Fills the Content-Security-Policy meta tag of index.html (src/lib/security/csp.ts). */
function cspMeta(dev: boolean): Plugin {
  return {
    name: 'arbiter-csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler: (html) => {
        if (!html.includes('%ARBITER_CSP%')) throw new Error('index.html lacks its CSP meta tag');
        return html.replace('%ARBITER_CSP%', contentSecurityPolicy({ dev }));
      },
    },
  };
}

export default defineConfig(({ mode, command }) => ({
  // Not in vitest's own browser-mode server (mode "test"): its tester page runs inline scripts.
  plugins: [
    svelte(),
    bundledData(),
    ...(mode === 'test' || mode === 'benchmark' ? [] : [cspMeta(command === 'serve')]),
    // Offline app (issue 10): our own service worker (src/sw.ts) precaches the shell, the worker
    // chunk and bundled data, never model weights (web-llm keeps those in its own caches).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Arbiter — private LLM judge',
        short_name: 'Arbiter',
        description: 'A private LLM judge that runs entirely in your browser.',
        theme_color: '#1f3a5f',
        background_color: '#1f3a5f',
        display: 'standalone',
        start_url: './',
        scope: './',
        icons: [
          { src: 'pwa-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'pwa-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // bundled/ holds the one-click data sets (jsonl, csv and their README notices).
        globPatterns: ['**/*.{js,css,html,svg,png,json,jsonl,csv,md,wasm,webmanifest}'],
        // The web-llm worker chunk is about 6 MB.
        maximumFileSizeToCacheInBytes: 12 * 1024 * 1024,
        // Source maps (e2e build) are for debugging, not for running offline.
        globIgnores: ['**/*.map'],
      },
      devOptions: { enabled: false },
    }),
  ],
  resolve: {
    alias: {
      // The deterministic engine lives with the tests and is linked in only by the e2e build;
      // every other build gets a module that installs nothing.
      '$test-hooks':
        mode === 'e2e'
          ? here('./tests/e2e/support/test-hooks.ts')
          : here('./src/lib/no-test-hooks.ts'),
    },
  },
  build: {
    outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
    target: 'es2022',
    sourcemap: mode === 'e2e',
    chunkSizeWarningLimit: 7000,
  },
  worker: { format: 'es' },
  // The same policy as a header, so it also covers the workers (a worker ignores the page's meta tag).
  // Cross-origin isolation too, so llama.cpp gets SharedArrayBuffer and runs on every core.
  server: {
    port: 5173,
    headers:
      mode === 'test'
        ? {}
        : {
            'Content-Security-Policy': contentSecurityPolicy({ dev: true, header: true }),
            ...ISOLATION_HEADERS,
          },
  },
  preview: {
    port: 4173,
    headers: {
      'Content-Security-Policy': contentSecurityPolicy({ header: true }),
      ...ISOLATION_HEADERS,
    },
  },
  test: {
    // A test that returns before asserting fails instead of passing (every project inherits this).
    // expect.poll waits for an event, not a deadline: its 1 s default failed tests on a busy
    // machine (a notice still "Loading…" at load 35), so it waits as long as a test may.
    expect: { requireAssertions: true, poll: { timeout: 60_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          // The CLI tests run cli/dist; it is rebuilt here, once, when stale (see the file).
          globalSetup: ['tests/support/cli-global-setup.ts'],
          // Three on a 2-core machine: e2e workers spend much of their time waiting on Chromium, so
          // a third keeps both cores busy (clean-clone .ci/run 416 s with 2, 377 s with 3). The same
          // count in every project, so they share one group of workers and run side by side.
          maxWorkers: 3,
          // One module graph per worker instead of per file: importing the judge core, the store
          // and the engines again for each of ~100 files was half the project's CPU time (unit
          // CPU 50 -> 27 s). Files keep their state apart: fake-indexeddb databases are per
          // test, timers are restored, and three green runs with it found no leak.
          isolate: false,
          // A ceiling, not a speed check: beside the browser and e2e projects and other work on
          // two cores (load ~32), a 0.6 s fake-indexeddb test took over vitest's default 5 s.
          testTimeout: 30_000,
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.browser.test.ts', 'tests/e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/**/*.browser.test.ts'],
          // Projects that run side by side in one group need the same count (vitest requires it).
          maxWorkers: 3,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath, args: chromiumArgs({ webgpu: true }) },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          globalSetup: ['tests/e2e/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          // Files share nothing but the static preview server and their worker's Chromium: each
          // test has its own browser context (support/browser.ts), servers listen on port 0, temp
          // files are mkdtemp'd.
          maxWorkers: 3,
          // One module graph per worker, so the worker's Chromium (support/browser.ts) serves all
          // the files it runs: e2e CPU 504 -> 457 s, with 38 launches fewer.
          isolate: false,
        },
      },
    ],
  },
}));
