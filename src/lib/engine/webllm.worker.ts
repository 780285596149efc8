// Dedicated worker entry: a thin shell that hands protocol messages to WebLLMHost.
import { isWorkerRequest, type WorkerReply } from './protocol';
import { WebLLMHost } from './webllm-host';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new WebLLMHost((reply: WorkerReply) => scope.postMessage(reply));

scope.addEventListener('message', (e: MessageEvent<unknown>) => {
  // Anything not in our protocol (devtools, extensions) is ignored rather than answered.
  if (isWorkerRequest(e.data)) void host.handle(e.data);
});
