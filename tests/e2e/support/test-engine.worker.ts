// Dedicated worker of the e2e build's test engine: a thin shell around TestEngineHost, like webllm.worker.ts.
import { isWorkerRequest } from '../../../src/lib/engine/protocol';
import { TestEngineHost, isTestEngineConfig } from './test-engine-host';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new TestEngineHost((reply) => scope.postMessage(reply));

scope.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isTestEngineConfig(e.data)) host.configure(e.data);
  else if (isWorkerRequest(e.data)) void host.handle(e.data);
});
