// Builds the e2e flavour of the app (test engine linked in) once and serves it on loopback for the e2e tests.
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';

let server: PreviewServer | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}

export async function setup(project: TestProject): Promise<void> {
  const root = new URL('../../../', import.meta.url).pathname;
  await build({ root, mode: 'e2e', logLevel: 'warn' });
  server = await preview({
    root,
    mode: 'e2e',
    logLevel: 'warn',
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('preview server did not report a URL');
  project.provide('baseURL', url);
}

export async function teardown(): Promise<void> {
  await server?.close();
}
