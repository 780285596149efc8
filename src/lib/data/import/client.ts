// Starts the import worker; the one place that does, so tests and the state can swap it.
import type { FromWorker, ToWorker } from './protocol';

/** The worker as the importer sees it. */
export interface ImportWorker {
  post(m: ToWorker): void;
  onmessage: ((m: FromWorker) => void) | null;
  onerror: ((message: string) => void) | null;
  terminate(): void;
}

/** Creates a real module worker running import.worker.ts. */
export function createImportWorker(): ImportWorker {
  const w = new Worker(new URL('./import.worker.ts', import.meta.url), {
    type: 'module',
    name: 'arbiter-import',
  });
  const client: ImportWorker = {
    post: (m) => w.postMessage(m),
    onmessage: null,
    onerror: null,
    terminate: () => w.terminate(),
  };
  w.onmessage = (e: MessageEvent<FromWorker>) => client.onmessage?.(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    client.onerror?.(e.message || 'The import worker stopped unexpectedly.');
  };
  return client;
}
