// Builds the Node CLI (cli/arbiter.ts) into one ESM file, cli/dist/arbiter.mjs, with Vite's SSR build.
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    ssr: 'cli/arbiter.ts',
    outDir: 'cli/dist',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: { output: { entryFileNames: 'arbiter.mjs', format: 'es' } },
  },
  ssr: { target: 'node' },
});
