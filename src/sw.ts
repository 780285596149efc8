// Arbiter's service worker: serves the precached app offline and tells pages about every fetch it sees.
/// <reference lib="webworker" />
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  getCacheKeyForURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import type { SwFetchMessage } from './lib/offline/sw-messages';
import { withIsolation } from './lib/security/isolation';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

async function tell(clientId: string, msg: SwFetchMessage): Promise<void> {
  const all = await self.clients.matchAll({ includeUncontrolled: true, type: 'window' });
  // A dedicated worker's requests (web-llm's) have the worker as client: then tell every window.
  const own = all.filter((c) => c.id === clientId);
  for (const c of own.length > 0 ? own : all) c.postMessage(msg);
}

function message(
  req: Request,
  rest: Omit<SwFetchMessage, 'type' | 'url' | 'method' | 'destination' | 'at'>,
): SwFetchMessage {
  return {
    type: 'arbiter-sw-fetch',
    url: req.url,
    method: req.method,
    destination: req.destination,
    at: Date.now(),
    ...rest,
  };
}

// Registered before Workbox's routes so it sees every request. Precached files and app navigations
// are left to Workbox; everything else goes to the network through here, so its size is known.
self.addEventListener('fetch', (event) => {
  const req = event.request;
  const clientId = event.clientId || event.resultingClientId;
  const sameOrigin = new URL(req.url).origin === self.location.origin;
  if ((req.mode === 'navigate' && sameOrigin) || getCacheKeyForURL(req.url)) {
    event.waitUntil(
      tell(clientId, message(req, { source: 'precache', bytes: null, status: null })),
    );
    return;
  }
  event.respondWith(
    fetch(req).then(
      (res) => {
        const len = Number(res.headers.get('content-length'));
        const bytes = Number.isFinite(len) && res.headers.has('content-length') ? len : null;
        event.waitUntil(
          tell(clientId, message(req, { source: 'network', bytes, status: res.status })),
        );
        return res;
      },
      (err: unknown) => {
        event.waitUntil(
          tell(clientId, message(req, { source: 'failed', bytes: null, status: null })),
        );
        throw err;
      },
    ),
  );
});

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// The app is one page with a hash router: every navigation inside it gets the precached shell,
// cross-origin isolated whatever the host sends, so llama.cpp can use every core.
const shell = createHandlerBoundToURL('index.html');
registerRoute(new NavigationRoute(async (options) => withIsolation(await shell(options))));

// registerType 'prompt': a new version waits until the page says the user agreed (never mid-run).
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
self.addEventListener('activate', (event) => {
  // Taking control of open pages is safe: activation happens only with no older version in
  // control, or after the user accepted the update.
  event.waitUntil(self.clients.claim());
});
