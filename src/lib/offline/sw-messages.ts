// The message the service worker posts to pages for each request it sees (shared by src/sw.ts and the net log).

export interface SwFetchMessage {
  type: 'arbiter-sw-fetch';
  url: string;
  method: string;
  destination: string;
  /** Where the answer came from: the app's precache (nothing left the machine), the network, or nowhere. */
  source: 'precache' | 'network' | 'failed';
  /** Response size from its Content-Length; null when unknown or served from the precache. */
  bytes: number | null;
  status: number | null;
  at: number;
}

export function isSwFetchMessage(data: unknown): data is SwFetchMessage {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { type?: unknown }).type === 'arbiter-sw-fetch' &&
    typeof (data as { url?: unknown }).url === 'string'
  );
}
