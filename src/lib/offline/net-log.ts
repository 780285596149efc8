// Every request the app made this session, from Resource Timing (the page) and the service worker (page and worker).
import { isSwFetchMessage, type SwFetchMessage } from './sw-messages';

export interface NetRequest {
  url: string;
  host: string;
  /** Same origin as the app: it never leaves for another server (the preview/LAN server serving the app). */
  sameOrigin: boolean;
  purpose: string;
  /** Bytes received when known (Resource Timing's transfer size, or Content-Length through the service worker). */
  bytes: number | null;
  /** Who saw it: the page's Resource Timing, the service worker, or both. */
  seenBy: ('page' | 'service worker')[];
  /** Answered by the service worker's precache: nothing went over the network. */
  precache: boolean;
  failed: boolean;
  at: number;
}

export interface HostSummary {
  host: string;
  sameOrigin: boolean;
  purposes: string[];
  requests: number;
  bytes: number;
}

/** What a request was for, in words, from where it went. */
export function purposeOf(url: URL, appOrigin: string, destination = ''): string {
  if (url.origin === appOrigin) {
    const p = url.pathname;
    if (destination === 'document' || p === '/' || p.endsWith('.html')) return 'the app page';
    if (/worker/i.test(p)) return 'model engine code';
    if (p.endsWith('.js') || p.endsWith('.mjs')) return 'app code';
    if (p.endsWith('.css')) return 'styles';
    if (p.endsWith('.webmanifest')) return 'install manifest';
    if (/\.(png|svg|ico)$/.test(p)) return 'icons';
    return 'app file';
  }
  if (url.hostname.endsWith('.invalid')) return 'local model file (never sent)';
  if (url.hostname === 'huggingface.co' || url.hostname.endsWith('.hf.co'))
    return 'model weights and config';
  if (url.hostname === 'raw.githubusercontent.com') return 'model library (.wasm)';
  if (url.protocol === 'data:' || url.protocol === 'blob:') return 'in-page data';
  return 'other server (custom model or API)';
}

/** Page requests as Resource Timing reports them: the navigation and every resource. */
interface TimingLike {
  name: string;
  entryType: string;
  initiatorType?: string;
  transferSize?: number;
  encodedBodySize?: number;
  startTime: number;
}

export class NetLog {
  private requests: NetRequest[] = [];
  private listeners = new Set<() => void>();
  private readonly origin: string;
  private readonly t0: number;

  constructor(origin = location.origin, timeOrigin = performance.timeOrigin) {
    this.origin = origin;
    this.t0 = timeOrigin;
  }

  /** Start listening; the buffered entries since page load are included. */
  start(): void {
    try {
      performance.setResourceTimingBufferSize(10_000);
    } catch {
      // Older browsers: the default buffer (250) still holds what a session usually makes.
    }
    for (const e of performance.getEntriesByType('navigation')) this.addTiming(e as TimingLike);
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) this.addTiming(e as TimingLike);
        this.changed();
      }).observe({ type: 'resource', buffered: true });
    } catch {
      for (const e of performance.getEntriesByType('resource')) this.addTiming(e as TimingLike);
    }
    navigator.serviceWorker?.addEventListener('message', (ev: MessageEvent) => {
      if (isSwFetchMessage(ev.data)) {
        this.addSw(ev.data);
        this.changed();
      }
    });
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  private make(url: URL, at: number, destination = ''): NetRequest {
    return {
      url: url.href,
      host: url.host || url.protocol,
      sameOrigin: url.origin === this.origin,
      purpose: purposeOf(url, this.origin, destination),
      bytes: null,
      seenBy: [],
      precache: false,
      failed: false,
      at,
    };
  }

  addTiming(e: TimingLike): void {
    let url: URL;
    try {
      url = new URL(e.name);
    } catch {
      return;
    }
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    const at = this.t0 + e.startTime;
    // The service worker may have reported this request already: one request, seen twice.
    const twin = this.requests.find(
      (r) => r.url === url.href && !r.seenBy.includes('page') && Math.abs(r.at - at) < 10_000,
    );
    const r =
      twin ??
      this.make(url, at, e.entryType === 'navigation' ? 'document' : (e.initiatorType ?? ''));
    if (!r.seenBy.includes('page')) r.seenBy.push('page');
    // Cross-origin sizes are 0 unless the server sends Timing-Allow-Origin; a response from the
    // service worker or the HTTP cache transfers 0 bytes but still has its body's size.
    const size = e.transferSize && e.transferSize > 0 ? e.transferSize : e.encodedBodySize;
    if (size && size > 0) r.bytes = size;
    if (!twin) this.requests.push(r);
  }

  addSw(m: SwFetchMessage): void {
    let url: URL;
    try {
      url = new URL(m.url);
    } catch {
      return;
    }
    const twin = this.requests.find(
      (r) =>
        r.url === url.href &&
        !r.seenBy.includes('service worker') &&
        Math.abs(r.at - m.at) < 10_000,
    );
    const r = twin ?? this.make(url, m.at, m.destination);
    r.seenBy.push('service worker');
    r.precache = m.source === 'precache';
    r.failed = m.source === 'failed';
    if (m.bytes !== null) r.bytes = m.bytes;
    if (!twin) this.requests.push(r);
  }

  all(): NetRequest[] {
    return [...this.requests];
  }

  /** Requests that went to another host than the app's own. */
  offOrigin(): NetRequest[] {
    return this.requests.filter((r) => !r.sameOrigin);
  }

  byHost(): HostSummary[] {
    const map = new Map<string, HostSummary>();
    for (const r of this.requests) {
      const s = map.get(r.host) ?? {
        host: r.host,
        sameOrigin: r.sameOrigin,
        purposes: [],
        requests: 0,
        bytes: 0,
      };
      s.requests++;
      s.bytes += r.bytes ?? 0;
      if (!s.purposes.includes(r.purpose)) s.purposes.push(r.purpose);
      map.set(r.host, s);
    }
    return [...map.values()].sort(
      (a, b) => Number(a.sameOrigin) - Number(b.sameOrigin) || b.requests - a.requests,
    );
  }
}
