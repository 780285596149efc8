// Dedicated worker entry of the llama.cpp engine: a thin shell that hands protocol messages to WllamaHost.
import { isWorkerRequest, type WorkerReply } from './protocol';
import { WllamaHost } from './wllama-host';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new WllamaHost((reply: WorkerReply) => scope.postMessage(reply));

scope.addEventListener('message', (e: MessageEvent<unknown>) => {
  // Anything not in our protocol (devtools, extensions) is ignored rather than answered.
  if (isWorkerRequest(e.data)) void host.handle(e.data);
});
