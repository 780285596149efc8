// HTTP plumbing of the OpenAI-compatible engine: URLs, headers, error mapping, backoff; DOM-free.
import {
  AbortedError,
  ContextWindowExceededError,
  EngineError,
  RateLimitError,
  ServerAuthError,
  ServerError,
  ServerTimeoutError,
  ServerUnreachableError,
  StreamDroppedError,
} from './errors';

/** The API base ending in /v1 and the server root (where vLLM and llama.cpp serve /tokenize). */
export interface Endpoint {
  v1: string;
  root: string;
}

/**
 * Accepts "http://host:8000", "http://host:8000/", "http://host:8000/v1" or ".../v1/"; anything
 * but an absolute http(s) URL is refused so a typo never becomes a relative request.
 */
export function parseEndpoint(input: string): Endpoint {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new ServerError(`“${input}” is not a URL.`, { field: 'endpoint' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ServerError(
      `The endpoint must start with http:// or https:// (got ${url.protocol}).`,
      {
        field: 'endpoint',
      },
    );
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  const rootPath = path.endsWith('/v1') ? path.slice(0, -3) : path;
  const root = `${url.origin}${rootPath}`;
  return { root, v1: `${root}/v1` };
}

/** The host (with port) the engine talks to, as the privacy panel lists it. */
export function endpointHost(input: string): string | null {
  try {
    return new URL(input.trim()).host || null;
  } catch {
    return null;
  }
}

export function headers(apiKey: string | undefined, json = true): Record<string, string> {
  const h: Record<string, string> = {};
  if (json) h['content-type'] = 'application/json';
  if (apiKey) h.authorization = `Bearer ${apiKey}`;
  return h;
}

/** Retry-After in ms from seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The message a server put in its error body, in any of the shapes servers use. Every part is
 * kept: `{"error": "SyntaxError", "message": "Unexpected end of JSON input"}` says both.
 */
export function serverMessage(body: string): string {
  try {
    const j = JSON.parse(body) as unknown;
    if (typeof j === 'string') return j.slice(0, 300).trim();
    if (j && typeof j === 'object') {
      const o = j as Record<string, unknown>;
      const e = o.error;
      const parts = [
        typeof e === 'string' ? e : null,
        e && typeof e === 'object' ? (e as { message?: unknown }).message : null,
        o.message,
        o.detail,
      ].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
      const unique = parts.filter((p, i) => parts.indexOf(p) === i);
      if (unique.length > 0) return unique.join(': ').slice(0, 300).trim();
    }
  } catch {
    // not JSON: the text itself
  }
  return body.slice(0, 300).trim();
}

const CONTEXT_RE =
  /context length|context window|maximum context|too long|exceeds? the (?:available )?context|n_ctx|max_model_len|prompt is too long/i;

/** The named error for an HTTP error status. */
export function errorForStatus(
  status: number,
  body: string,
  retryAfter: string | null,
): EngineError {
  const msg = serverMessage(body);
  const said = msg ? `: ${msg}` : '.';
  const after = retryAfterMs(retryAfter);
  const detail: Record<string, unknown> = { status, retryable: false };
  if (after !== null) detail.retryAfterMs = after;
  if (status === 401 || status === 403)
    return new ServerAuthError(`The server refused the request (${status})${said}`, detail);
  if (status === 429 || (status === 503 && after !== null))
    return new RateLimitError(`The server is busy (${status})${said}`, {
      ...detail,
      retryable: true,
    });
  if ((status === 400 || status === 413 || status === 422) && CONTEXT_RE.test(msg))
    return new ContextWindowExceededError(
      `The input does not fit the server’s model${said}`,
      detail,
    );
  if (status === 404)
    return new ServerError(
      `Not found (404)${said} Check the endpoint path and the model name.`,
      detail,
    );
  return new ServerError(`The server answered ${status}${said}`, {
    ...detail,
    retryable: status >= 500 || status === 408,
  });
}

/** Whether another attempt may succeed: rate limits, 5xx, timeouts and dropped streams. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof RateLimitError || e instanceof StreamDroppedError) return true;
  if (e instanceof ServerTimeoutError) return true;
  if (e instanceof ServerError || e instanceof ServerUnreachableError)
    return e.detail.retryable === true;
  return false;
}

export interface BackoffOptions {
  /** Attempts after the first. */
  retries: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { retries: 5, baseMs: 250, maxMs: 30_000 };

/**
 * Wait before attempt `attempt` (1-based retry count): the server's Retry-After when it gave
 * one, else exponential with full jitter so a pool of waiting requests does not stampede back.
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  retryAfter: number | null,
  rand: () => number = Math.random,
): number {
  if (retryAfter !== null) return Math.min(retryAfter, opts.maxMs);
  const cap = Math.min(opts.maxMs, opts.baseMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + (rand() * cap) / 2);
}

/** setTimeout as a promise that rejects with AbortedError when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * fetch's own failure (refused, reset, DNS, CORS) as a named error; the key is never part of it.
 * A refused connection is retried like a 503: a server restarting refuses for a moment, and the
 * engine's backoff (about 4 to 8 s over the default 5 retries) outlasts that. A connection reset
 * by a live server is transient too. An unknown host is not.
 */
export function unreachable(url: string, cause: unknown): ServerUnreachableError {
  const why =
    cause instanceof Error
      ? ((cause.cause as Error | undefined)?.message ?? cause.message)
      : String(cause);
  const host = new URL(url).host;
  const reset = /other side closed|ECONNRESET|socket hang up|UND_ERR_SOCKET/i.test(why);
  const refused = /ECONNREFUSED/.test(why);
  return new ServerUnreachableError(
    reset
      ? `The connection to ${host} was closed by the server before it answered (${why}).`
      : refused
        ? `The server at ${host} could not be reached: it refused the connection (${why}). Is it running?`
        : `The server at ${host} could not be reached (${why}).`,
    { url, retryable: reset || refused },
  );
}
